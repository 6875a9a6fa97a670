"""What a run knows about one file: the task (a path to check), the result, and reading it.

A file is read only if it is a regular file, and at most `max-file-size` bytes of it; a
problem that stops a file from being checked is an IO finding on that file (`io_problem`),
never an exception that stops the run.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from . import codes
from .fixer import Rejected
from .model import Diagnostic, Severity
from .text import encode

IO_CODE, IO_NAME = codes.UNREADABLE.code, codes.UNREADABLE.name
SIZE_CODE, SIZE_NAME = codes.TOO_LARGE.code, codes.TOO_LARGE.name
WRITE_CODE, WRITE_NAME = codes.WRITE_FAILED.code, codes.WRITE_FAILED.name
STDIN = "-"


@dataclass(frozen=True)
class Task:
    path: str  # absolute path ("-" for stdin)
    display: str  # what reports show
    stdin_text: str | None = None
    size: int = 0  # bytes, for scheduling the largest files first


@dataclass(slots=True)  # no per-instance dict: a check of 20,000 files keeps 20,000 of these to the end
class FileResult:
    display: str
    relpath: str
    path: str = ""  # absolute path; "" for problems found before reading
    diagnostics: list[Diagnostic] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # corpus rule code -> its facts as JSON text
    corpus_rules: list[str] = field(default_factory=list)
    # fix mode
    original: bytes | None = None
    new_text: str | None = None
    bom: bool = False
    applied: list[Diagnostic] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    written: bool = False
    write_error: str | None = None
    stdin: bool = False
    cached: bool = False  # the findings and facts came from the result cache
    sha: str = ""  # content hash of what was read (fix mode: to re-read an unchanged file safely)
    # A check run from the CLI keeps findings on disk (spill.Spill): (offset, length) of each
    # record of this file's, in the order written; `held`: they would not pack, so they stay
    # in `diagnostics`, and so do all the file's later findings (their order is kept).
    spilled: tuple[int, ...] = ()
    held: bool = False
    facts_at: tuple[int, ...] = ()  # (offset, length) of `facts`, spilled with the findings

    @property
    def changed(self) -> bool:
        return (
            self.new_text is not None and self.original is not None and encode(self.new_text, self.bom) != self.original
        )

    def diff(self) -> str:
        if not self.changed:
            return ""
        import difflib

        old = self.original.decode("utf-8", "replace")  # type: ignore[union-attr]
        if self.bom:
            old = old[1:]
        return "".join(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                self.new_text.splitlines(keepends=True),  # type: ignore[union-attr]
                f"a/{self.display}",
                f"b/{self.display}",
            )
        )


def io_problem(display: str, message: str, code: str = IO_CODE, name: str = IO_NAME) -> FileResult:
    """A file that could not be checked (or written): one finding that says why."""
    d = Diagnostic(code, name, message, 0, 0, Severity.ERROR, None, 1, 1, 1, 1)
    return FileResult(display, display, diagnostics=[d])


# -- reading ------------------------------------------------------------------


class TooLarge(Exception):
    """The file holds more bytes than max-file-size."""


class NotRegular(Exception):
    """A FIFO, device, socket or folder where a note was expected."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    A vault may hold a FIFO (opening it would wait for a writer forever) or a link to
    /dev/zero (reading it never ends): only regular files are opened, the type is checked
    again on the open descriptor (the path may have been swapped in between), and the limit
    applies to the bytes actually read, not to what stat() claimed.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(_kind(st.st_mode))
    if st.st_size > limit:
        raise TooLarge(f"file is {st.st_size} bytes")
    fd = os.open(
        path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(_kind(st.st_mode))
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLarge(f"file is more than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)
