"""The links exporters write: the link back to the saved page (`[Read Original](…)`) and the
URLs of services that are gone (Omnivore's reader and image proxy), for the link, metadata
and duplicate rules."""

from __future__ import annotations

from omnilint.document import Document

from .header import link_only
from .lines import Line
from .urls import host_in, host_of, is_web_url, parse_proxy

DEFAULT_DEAD_HOSTS = ("omnivore.app",)


def is_dead_url(url: str, hosts=DEFAULT_DEAD_HOSTS) -> bool:
    """Does LNK001 call this URL dead (a dead host, or Omnivore's image proxy without a
    recoverable original)?  META002 asks too: it never copies such a URL anywhere."""
    if not is_web_url(url):
        return False
    lowered = url.lower()
    if not any(h in lowered for h in hosts) and "omnivore-image-cache" not in lowered:
        return False  # cheap test first: taking URLs apart is the costly part
    if host_in(host_of(url), hosts):
        return True
    proxied = parse_proxy(url)
    return proxied is not None and proxied.official and proxied.original is None


# Link texts exporters use for the link back to the saved page.
ORIGINAL_LINK_TEXTS = frozenset(
    {"read original", "original", "original article", "view original", "open original", "原文", "原文链接", "阅读原文"}
)


def original_link(doc: Document, line: Line, dead: bool = False):
    """The `[Read Original](url)` link that makes up a line, or None (also when its URL is
    one LNK001 calls dead, unless `dead`: an uploaded PDF on omnivore.app is no original to
    record, yet it names the article as well as any URL does)."""
    node = link_only(doc, line)
    if node is None or node.kind != "link" or not node.url or (not dead and is_dead_url(node.url)):
        return None
    if node.plain_text().strip().casefold() not in ORIGINAL_LINK_TEXTS:
        return None
    return node
