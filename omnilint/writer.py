"""Atomic writes that keep encoding, BOM, line endings and permissions.

The new bytes go to a temporary file in the same folder, are fsynced, get the
original's mode, and replace the original in one rename.  A file that changed on
disk since it was read is never overwritten with content computed from the old.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

TMP_PREFIX = ".omnilint-tmp-"


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
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except (PermissionError, AttributeError):
            pass
        _check_unchanged(path, target, expected)  # again: writing took time; keep the window small
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


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


def remove_stale_temps(folder: Path) -> int:
    """Remove temporary files an interrupted run left in `folder`; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith(TMP_PREFIX) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed
