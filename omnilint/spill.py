"""A check run's findings kept on disk until the report reads them, one file's at a time.

Why: the report lists findings sorted by file, so a run used to hold every finding as
objects until the end (~430,000 at 20,000 real-shaped files: ~950 bytes each with their
fixes and edits, two thirds of the run's peak memory).  Here each file's findings go to a
temporary file as soon as they are final, in the result cache's compact form
(cache_format.pack_diagnostics: the text a worker already sends, or a cache entry already
holds), and the parent keeps only where they are: an (offset, length) pair per record on the
FileResult.  The report reads them back file by file in its sorted order (one `seek` per
file, from the page cache); nothing else needs them.  The corpus rules' facts (JSON text,
~2.6 kB a file) go there too, and each corpus rule reads back its own when it runs: at
20,000 files the link rules' facts decode to ~130 MB, and that is all the corpus phase holds.

A file may get a second record after the corpus phase (the cross-file rules' findings,
problems found late): records are read back in the order written, so the findings come
out in exactly the order an in-memory run sorts (per-file ones first, then the corpus
rules', stable-sorted by position and code).  Findings that do not pack (a plugin's data
that is not JSON) stay in memory on their file, with everything that file finds after them.

Trust: the temporary file is created in a folder this run creates with `tempfile.mkdtemp`
(private to the user, in the system's temporary folder: never the vault, which may be
shared or synced).  On POSIX both are unlinked at once and the open file is used without a
name (nothing is left even if the run is killed); elsewhere `close()`, which the `with` block
calls on success and on any error, removes the folder with everything in it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable

from .cache_format import Strings, pack_diagnostics, pack_facts, unpack_diagnostics, unpack_facts
from .files import FileResult
from .model import Diagnostic


class Spill:
    """The findings of one run on disk; a context manager that removes its folder on exit."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="omnilint-findings-")
        try:
            # Unbuffered: no Python-side buffer that a forked worker could inherit and write
            # out again at its exit; every record is one write, placed by its offset.
            self._file = open(os.path.join(self.folder, "findings"), "xb+", buffering=0)  # noqa: SIM115 - closed by close()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._removed = False
        try:
            # Where the system allows it (POSIX), the open file needs no name: removed now, a
            # run that is killed outright leaves nothing behind either.  Elsewhere close() does it.
            os.unlink(self._file.name)
            os.rmdir(self.folder)
            self._removed = True  # the name may be someone else's from now on: never removed again
        except OSError:
            pass
        self._end = 0
        self.records = 0  # how many records were written (for tests and profiles)
        # Records written from the result cache without decoding them (their offsets): one that
        # does not decode when the report reads it is replaced by `recover(result)`, the file's
        # own findings linted afresh (the runner sets it).
        self._unverified: set[int] = set()
        self.recover: Callable[[FileResult], list[Diagnostic]] | None = None

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close and remove the temporary folder with everything in it (idempotent)."""
        if not self._file.closed:
            self._file.close()
        if not self._removed:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._removed = True

    def keep(self, result: FileResult, packed: str | None = None, verified: bool = True) -> FileResult:
        """Move `result`'s findings to disk (`packed`: they are already in compact form, and
        result.diagnostics holds none of them; `verified` False: a cache entry's text that was
        not decoded yet).  Returns `result`."""
        if result.facts and not result.facts_at:
            # The corpus rules' facts too (~2.6 kB a file as text): each rule reads them back
            # when it runs (corpus._corpus_rule_phase), so only one rule's are in memory.
            result.facts_at = self._write(pack_facts(result.facts))
            result.facts = {}
        if result.held:
            return result  # an earlier part stayed in memory: the later ones stay beside it
        if packed is None:
            if not result.diagnostics:
                return result
            try:
                packed = pack_diagnostics(result.diagnostics)
            except (TypeError, ValueError):
                result.held = True  # data that is not JSON: kept as objects, in order
                return result
        elif packed == "[]":
            return result
        where = self._write(packed)
        if not verified:
            self._unverified.add(where[0])
        result.spilled += where
        self.records += 1
        result.diagnostics = []
        return result

    def _write(self, text: str) -> tuple[int, int]:
        """Append `text`; its (offset, length) in bytes."""
        data = text.encode("utf-8", "surrogatepass")  # a message may quote an undecodable file name
        start = self._end
        self._file.seek(start)
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            view = view[written or 0 :]
        self._end += len(data)
        return start, len(data)

    def _read(self, start: int, length: int) -> str:
        self._file.seek(start)
        data = self._file.read(length)
        if data is None or len(data) != length:
            raise OSError(f"{self.folder}: a record of findings was cut short")
        return data.decode("utf-8", "surrogatepass")

    def facts(self, result: FileResult) -> dict[str, str]:
        """Rule code -> the facts `result` collected (JSON text), from disk if they were spilled."""
        return unpack_facts(self._read(*result.facts_at)) if result.facts_at else result.facts

    def load(self, result: FileResult) -> list[Diagnostic]:
        """`result`'s findings in the order they were found (records as written, then those in memory)."""
        found: list[Diagnostic] = []
        spilled = result.spilled
        if spilled:
            share = Strings()  # per file: shared strings would keep every message of the run alive
            for i in range(0, len(spilled), 2):
                text = self._read(spilled[i], spilled[i + 1])
                if spilled[i] not in self._unverified or self.recover is None:
                    found.extend(unpack_diagnostics(text, share))
                    continue
                try:
                    found.extend(unpack_diagnostics(text, share))
                except (ValueError, KeyError, TypeError, AttributeError, IndexError):
                    found.extend(self.recover(result))  # a damaged cache entry: what linting finds
        found.extend(result.diagnostics)
        return found
