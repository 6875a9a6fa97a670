"""The address of the article a saved note is a copy of: the front matter's `url`/`source`
(…), else the exporter's `[Read Original](…)` line in the note's header."""

from __future__ import annotations

import re

from omnilint.rules.kit.urls import host_in, host_of, is_web_url

from omnilint.document import Document
from omnilint.markdown import Node

from ._front_urls import URL_KEYS, fold_key

# The text of the exporter's link back to the article.  Only these: a `[source](…)` in
# prose cites something, it does not say where the note was saved from.
ORIGINAL_LINK_TEXT = re.compile(r"^(?:read original|view original|original article|阅读原文|原文链接)$", re.IGNORECASE)
# Reader links of a service are not the article (and Omnivore's are gone).
NOT_ARTICLES = ("omnivore.app", "read.readwise.io")
HEADER_BLOCKS = 6  # the exporter's header is among the first blocks of the body


def _is_article(url: str) -> bool:
    return is_web_url(url) and bool(host_of(url)) and not host_in(host_of(url), NOT_ARTICLES)


def article_url(doc: Document) -> str | None:
    for key, value in doc.meta.items():
        if fold_key(str(key)) in URL_KEYS and isinstance(value, str) and _is_article(value.strip()):
            return value.strip()
    for block in doc.root.children[:HEADER_BLOCKS]:
        if block.kind != "paragraph":
            continue
        for node in block.children:
            if _original_link_line(doc, node):
                return node.url
    return None


def _original_link_line(doc: Document, node: Node) -> bool:
    """Is `node` a `[Read Original](…)` link alone on its line (the exporter's, not a citation)?"""
    if node.kind != "link" or node.link_type != "inline" or not _is_article(node.url):
        return False
    if not ORIGINAL_LINK_TEXT.match(node.plain_text().strip()):
        return False
    text = doc.text
    start, end, _ = doc.line_bounds(node.start)
    return text[start : node.start].strip() == "" and text[node.end : end].strip() == ""
