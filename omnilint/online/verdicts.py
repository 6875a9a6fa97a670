"""The verdict cache on disk: a JSON file inside the cache folder, never reached through a link."""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

OK, DEAD, UNKNOWN, REFUSED = "ok", "dead", "unknown", "refused"
UNKNOWN_TTL = 3600.0  # an "unknown" verdict (throttled, timed out) is worth re-trying sooner
CACHE_VERSION = 1
MAX_CACHE_BYTES = 64 << 20  # a verdict cache larger than this was not written by us: ignored


@dataclass(frozen=True)
class UrlStatus:
    url: str
    verdict: str  # OK, DEAD, UNKNOWN or REFUSED
    status: int | None  # the final HTTP status, when there was one
    detail: str  # for messages: "404 Not Found", "host does not resolve", …
    checked: float  # when (epoch seconds)
    retryable: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("url")
        data.pop("retryable")
        return data


# -- the verdict cache --------------------------------------------------------------------

# Opening a folder or file must never follow a symbolic link planted in the linted tree.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_AT_SUPPORTED = _NOFOLLOW and _DIRECTORY and {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd


class UrlCache:
    """Verdicts on disk as JSON, each reused until it is older than its time-to-live.

    The file must lie inside `base` (default: its own folder): a path that is not there
    lexically (absolute elsewhere, or leaving through `..`) disables the cache.  Below
    `base`, no folder and not the file itself is opened through a symbolic link (POSIX:
    each step is opened relative to the previous one with O_NOFOLLOW), so a link
    planted in a vault cannot make a run read or write elsewhere; such a cache is
    ignored.  Writes go to a new file created exclusively, with a random name, in the
    same folder, then renamed over the old one: atomic, and a rename replaces a link
    at the destination rather than writing through it.
    """

    def __init__(
        self, path: Path, ttl: float, clock: Callable[[], float] = time.time, base: Path | None = None
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.base = base if base is not None else path.parent
        self.parts = _inside(self.base, path)
        self.entries = self._load() if ttl > 0 else {}

    # -- safe file access --
    def _open_folder(self, create: bool) -> int | None:
        """A descriptor of the cache file's folder, reached from `base` without following links."""
        assert self.parts is not None
        fd = os.open(self.base, os.O_RDONLY | _DIRECTORY)
        try:
            for part in self.parts[:-1]:
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        return None
                    os.mkdir(part, 0o777, dir_fd=fd)
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _read_text(self) -> str | None:
        if self.parts is None:
            return None
        if not _AT_SUPPORTED:
            return self._read_text_portable()
        folder = self._open_folder(create=False)
        if folder is None:
            return None
        try:
            fd = os.open(self.parts[-1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
        finally:
            os.close(folder)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None  # a FIFO, a device, or a file we did not write: never read
            return handle.read(MAX_CACHE_BYTES + 1).decode("utf-8")

    def _read_text_portable(self) -> str | None:
        """Without openat/O_NOFOLLOW (Windows): each step checked not to be a link, then read."""
        if _has_link(self.base, self.parts):  # type: ignore[arg-type]
            return None
        if not self.path.is_file() or self.path.stat().st_size > MAX_CACHE_BYTES:
            return None
        return self.path.read_text(encoding="utf-8")

    def _write_text(self, text: str) -> None:
        if self.parts is None:
            return
        if not _AT_SUPPORTED:
            return self._write_text_portable(text)
        folder = self._open_folder(create=True)
        if folder is None:
            return
        try:
            temp = f".online-{secrets.token_hex(8)}.tmp"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.rename(temp, self.parts[-1], src_dir_fd=folder, dst_dir_fd=folder)  # POSIX: atomic, replaces
            except BaseException:
                try:
                    os.unlink(temp, dir_fd=folder)
                except OSError:
                    pass
                raise
        finally:
            os.close(folder)

    def _write_text_portable(self, text: str) -> None:
        """Without openat/O_NOFOLLOW (Windows): each folder checked, then made; a rename
        replaces a link at the destination.  A link swapped in between is not caught."""
        folder = self.base
        for part in self.parts[:-1]:  # type: ignore[index]
            folder = folder / part
            if folder.is_symlink():
                return
            folder.mkdir(exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".online-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    # -- the verdicts --
    def _load(self) -> dict[str, dict]:
        try:
            text = self._read_text()
            data = json.loads(text) if text is not None else None
        except (OSError, ValueError):
            return {}  # no cache yet, a damaged one, or one behind a link: start afresh
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("urls"), dict):
            return {}
        return data["urls"]

    def _fresh(self, entry: dict) -> bool:
        ttl = self.ttl if entry.get("verdict") != UNKNOWN else min(self.ttl, UNKNOWN_TTL)
        checked = entry.get("checked")
        return isinstance(checked, (int, float)) and 0 <= self.clock() - checked < ttl

    def get(self, url: str) -> UrlStatus | None:
        entry = self.entries.get(url)
        if not isinstance(entry, dict) or not self._fresh(entry):
            return None
        try:
            return UrlStatus(url, entry["verdict"], entry.get("status"), entry.get("detail", ""), entry["checked"])
        except (KeyError, TypeError):
            return None

    def save(self, statuses: Iterable[UrlStatus]) -> None:
        """Merge `statuses` into the file (re-read first: another run may have written it), atomically."""
        fresh = {s.url: s.to_json() for s in statuses}
        if self.ttl <= 0 or not fresh:
            return
        merged: dict[str, object] = {**self._load(), **fresh}  # the file is untrusted: any JSON value
        entries = {url: e for url, e in merged.items() if isinstance(e, dict) and self._fresh(e)}
        self.entries = entries
        try:
            text = json.dumps({"version": CACHE_VERSION, "urls": entries}, ensure_ascii=False, sort_keys=True)
            self._write_text(text)
        except OSError:
            pass  # a read-only tree, or a link in the way: this run has its results, only the next one re-fetches


def _inside(base: Path, path: Path) -> tuple[str, ...] | None:
    """`path`'s parts below `base` (lexically: no `..`, no other root), or None if it is not inside."""
    try:
        parts = Path(os.path.normpath(path)).relative_to(os.path.normpath(base)).parts
    except ValueError:
        return None
    return parts or None


def _has_link(base: Path, parts: tuple[str, ...]) -> bool:
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False
