"""Atomic writes that keep encoding, BOM, line endings and permissions.

The new bytes go to a temporary file in the same folder, are fsynced, get the
original's mode, and replace the original in one rename.  A file that changed on
disk since it was read is never overwritten with content computed from the old.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

TMP_PREFIX = ".omnilint-tmp-"
TMP_SUFFIX = ".tmp"
# The exact names write_atomic gives its temporary files (mkstemp: 8 random characters).
# Only files of this name are ever removed as leftovers: a note called ".omnilint-tmp-x.md"
# is the user's.
TMP_NAME = re.compile(re.escape(TMP_PREFIX) + r"[a-z0-9_]{8}" + re.escape(TMP_SUFFIX))
STALE_TEMP_SECONDS = 3600  # younger: maybe a concurrent run's file in the middle of its write


class StaleFileError(Exception):
    """The file changed on disk after it was read; nothing was written."""


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace `path` with `data` if it still holds `expected`."""
    target = Path(os.path.realpath(path))  # write through a symlink, never replace the link
    st = target.stat()
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        # The rename below would succeed anyway (it needs only the folder): honour the
        # owner's "read-only" instead, even for root.
        raise PermissionError(errno.EACCES, "the file is read-only; not written", str(path))
    _check_unchanged(path, target, expected)

    def same_owner_and_mode(tmp: str) -> None:
        os.chmod(tmp, st.st_mode & 0o7777)
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except (PermissionError, AttributeError):
            pass
        _check_unchanged(path, target, expected)  # again: writing took time; keep the window small

    _replace(target, data, same_owner_and_mode)
    _fsync_dir(target.parent)


def write_new_file(path: str | os.PathLike, data: bytes) -> None:
    """Write a file the invoker named (a report): atomically, replacing what is there (a link at
    that name is replaced, not followed)."""
    _replace(Path(os.path.abspath(path)), data, lambda tmp: os.chmod(tmp, 0o644))


def _replace(target: Path, data: bytes, before_rename) -> None:
    """The one write routine: `data` into a new temporary file beside `target` (mkstemp: a random
    name created exclusively, never an existing file or a planted link), fsynced, then
    `before_rename(tmp)`, then renamed over `target`; on any failure the temporary file goes."""
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        before_rename(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _check_unchanged(path: Path, target: Path, expected: bytes) -> None:
    with open(target, "rb") as handle:
        if handle.read() != expected:
            raise StaleFileError(f"{path} changed on disk since it was read; not written")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def is_stale_temp(name: str, st: os.stat_result, now: float) -> bool:
    """A temporary file an interrupted write_atomic left: our exact name, a regular file
    (never a link or a folder), untouched for over an hour."""
    return TMP_NAME.fullmatch(name) is not None and stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_SECONDS


def remove_stale_temps(folder: Path) -> int:
    """Remove temporary files an interrupted run left in `folder`; returns how many.

    `folder` must be a real folder (not reached through a link): callers pass the real
    folder of a file they are about to write."""
    removed = 0
    now = time.time()
    try:
        if os.path.islink(folder):
            return 0
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if is_stale_temp(entry.name, entry.stat(follow_symlinks=False), now):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed
