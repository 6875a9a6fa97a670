"""The run's own codes: findings about files and the run itself, not about Markdown.

They are reported like rule findings (every output format, `--select` does not hide them)
and explained like rules (`omnilint explain IO001`), but no rule produces them: the
pipeline, the writer, the configuration and the engine do.  One home for their codes,
names, summaries and documentation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunCode:
    code: str
    name: str
    summary: str
    doc: str
    fixable: str | None = None
    default_enabled: bool = True
    options: dict | None = None

    def documentation(self) -> str:
        return self.doc


UNREADABLE = RunCode(
    "IO001",
    "unreadable-file",
    "A file that could not be read or decoded, a FIFO or device, a broken link",
    """## What it means
The file was not checked: it could not be read (permissions, deleted meanwhile), it is not a
regular file (a FIFO, a device, a socket named like a note), it is a broken symbolic link, or
its bytes are not UTF-8 text (binary, Latin-1, UTF-16). The message says which, with the line
of the first undecodable byte where there is one.

## What omnilint does
Nothing else to that file: it is never rewritten. The run goes on with every other file and
exits 1.""",
)
TOO_LARGE = RunCode(
    "IO002",
    "file-too-large",
    "A file above max-file-size, skipped",
    """## What it means
The file holds more bytes than `max-file-size` (16 MiB by default; the bytes actually read
count, not what the file system claims), so it was not checked. Raise the setting to check it.""",
)
WRITE_FAILED = RunCode(
    "IO003",
    "write-failed",
    "fix --write could not write a file; its fixes were not applied",
    """## What it means
`fix --write` had fixes for this file but did not write it: it is read-only, it changed on disk
since it was read, the disk is full, or it is a symbolic link to a file outside the paths given.
The file holds exactly what it held before. The run exits 1.""",
)
CONFIG_ERROR = RunCode(
    "CFG001",
    "config-error",
    "A configuration that could not be used for this file",
    """## What it means
The configuration that governs this file could not be read or is invalid. Most configuration
errors stop the run at once with exit 2; this finding appears where a file's own settings
failed while others could be checked. The message names the file and the key.""",
)
INTERNAL_ERROR = RunCode(
    "INT001",
    "rule-error",
    "A rule crashed on this file (a bug in omnilint; please report it)",
    """## What it means
A rule raised an exception on this file. Its findings for this file are missing; every other
rule and file was checked. The message names the rule and the exception. The run exits 2.""",
)

ALL = {c.code: c for c in (UNREADABLE, TOO_LARGE, WRITE_FAILED, CONFIG_ERROR, INTERNAL_ERROR)}
# Findings whose presence means the run itself went wrong (exit 2), and that are never cached.
ERROR_CODES = frozenset({CONFIG_ERROR.code, INTERNAL_ERROR.code})
