"""The Omnivore image proxy URL: `https://proxy-prod.omnivore-image-cache.app/<W>x<H>,s<signature>/<original URL>`.

Shared by LNK002 (recoverable: rewrite to the original) and LNK001 (not
recoverable: a dead service).  The recovery follows REFERENCE.md §3: take
everything after the options segment as it is (never percent-decode: Substack
image URLs carry `https%3A%2F%2F` in their path) and repair a collapsed
`https:/host`.  Character references are already resolved by the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import host_in, host_of

OMNIVORE_PROXY_DOMAINS = ("omnivore-image-cache.app",)
_SHAPE = re.compile(
    r"^(?:https?:)?//(?P<host>[^/?#\s]+)/(?P<size>-?\d+x-?\d+)(?:,[^/,]*)*?,s(?P<signature>[A-Za-z0-9_-]+)/(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_COLLAPSED = re.compile(r"^(https?):/(?=[^/])", re.IGNORECASE)
_ORIGINAL = re.compile(r"^https?://[^/\s?#]", re.IGNORECASE)
# A self-hosted proxy is only recognised with a real HMAC-sized signature and a URL after it.
_SELF_HOSTED_SIGNATURE = 20


@dataclass(frozen=True)
class Proxied:
    host: str
    official: bool  # on Omnivore's own (dead) proxy domain
    original: str | None  # None: not recoverable (a data: payload, a broken tail)


_QUICK = re.compile(r"/-?\d+x-?\d+,|omnivore-image-cache", re.IGNORECASE)


def parse_proxy(url: str) -> Proxied | None:
    """The proxy reading of `url`, or None when it is not a proxy URL."""
    if not _QUICK.search(url):  # most URLs: no need to take them apart
        return None
    host = host_of(url)
    official = host_in(host, OMNIVORE_PROXY_DOMAINS)
    m = _SHAPE.match(url.strip())
    if m is None:
        return Proxied(host, True, None) if official else None
    rest = _COLLAPSED.sub(r"\1://", m.group("rest"))
    original = rest if _ORIGINAL.match(rest) else None
    if not official:
        if len(m.group("signature")) < _SELF_HOSTED_SIGNATURE:
            return None
        if original is None and not rest.lower().startswith("data:"):
            return None
    return Proxied(host, official, original)
