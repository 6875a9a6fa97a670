"""URLs as rules judge them: web or not, the host, and Omnivore's image proxy (which wraps an
original image URL in its own)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")


WEB_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    return bool(WEB_SCHEME.match(url))


def host_of(url: str) -> str:
    """The lower-case host of an absolute URL, or '' when there is none."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:  # e.g. an invalid IPv6 literal
        return ""


def host_in(host: str, domains) -> bool:
    """Is `host` one of `domains` or a subdomain of one?"""
    return any(host == d or host.endswith("." + d) for d in domains)


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
