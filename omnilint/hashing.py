"""One short content hash: for the caches, and a service rules may use (DUP003's text fingerprints)."""

from __future__ import annotations

from collections.abc import Iterable

try:  # built in: skips hashlib's OpenSSL start-up (a few ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - exotic builds
    from hashlib import blake2b


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return blake2b(data, digest_size=16).hexdigest()


def digest_joined(parts: Iterable[str], separator: str = "\x00") -> str:
    """digest(separator.join(parts)), hashed part by part: no joined copy of tens of megabytes
    (a corpus rule's key covers every file's facts)."""
    h = blake2b(digest_size=16)
    sep = separator.encode("utf-8")
    for number, part in enumerate(parts):
        if number:
            h.update(sep)
        h.update(part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()
