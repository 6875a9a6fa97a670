"""One short content hash: for the caches, and a service rules may use (DUP003's text fingerprints)."""

from __future__ import annotations

try:  # built in: skips hashlib's OpenSSL start-up (a few ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - exotic builds
    from hashlib import blake2b


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return blake2b(data, digest_size=16).hexdigest()
