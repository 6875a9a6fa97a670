"""Readwise's export without front matter: the metadata and highlights kept in the body.

Readwise's default Markdown template writes no front matter; the article's facts are a
bullet list under a `## Metadata` heading and the highlights a list under `## Highlights`:

    # Some Title

    ![rw-book-cover](https://readwise-assets.s3.amazonaws.com/…)

    ## Metadata
    - Author: [[Jane Doe]]
    - Full Title: Some Title
    - Category: #articles
    - URL: https://example.com/post

    ## Highlights
    - a highlight ([View Highlight](https://read.readwise.io/read/01h…))
        - Note: the reader's own note

(bullets may be `*` or `-`; a later sync appends `## New highlights added <date>` sections).
This is the one parser of that shape: META002 reports the list as body metadata, DUP003 uses
its URL and takes the highlights as the article's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from omnilint.document import Document
from omnilint.markdown import Node

# The keys Readwise's template writes in the Metadata list (folded).  A list counts as
# Readwise's only when every item is `Key: value` and one of the keys only Readwise writes
# is there: a note's own "Metadata" section with other contents is left alone.
READWISE_KEYS = frozenset(
    {"author", "full title", "title", "category", "url", "source", "document tags", "tags", "summary",
     "published date", "date", "highlights", "book", "asin", "isbn"}
)  # fmt: skip
DISTINCTIVE_KEYS = frozenset({"full title", "category"})
METADATA_HEADINGS = frozenset({"metadata"})
HIGHLIGHTS_HEADING = re.compile(r"(?:new )?highlights(?: added .*)?|highlights & notes", re.I)
# Readwise's own links after each highlight: ([View Highlight](…)), ([Location 123](…)), ([Page 4](…)).
HIGHLIGHT_LINK_TEXT = re.compile(r"view highlight|location \d+|page \d+", re.I)
_ITEM = re.compile(r"[ \t]*[-*+][ \t]+(?P<key>[A-Za-z][A-Za-z ]{0,30}?)[ \t]*:[ \t]*(?P<value>\S.*?)?[ \t]*$")
# How many top-level blocks may come before `## Metadata`: the title, the cover image,
# a blank-line-separated subtitle; Readwise writes it third.
MAX_LEAD_BLOCKS = 6


@dataclass(frozen=True, slots=True)
class Field:
    """One `- Key: value` line of the Metadata list."""

    key: str  # as written ("Full Title")
    value: str  # as written, without the surrounding blanks ("" when empty)
    start: int  # offset of the line's first character
    end: int  # offset of the end of its content (before the line break)

    @property
    def folded_key(self) -> str:
        return " ".join(self.key.split()).casefold()


@dataclass(frozen=True, slots=True)
class ReadwiseBody:
    """The Metadata section of a Readwise file: where it is and what it holds."""

    heading: Node  # the `## Metadata` heading
    fields: tuple[Field, ...]
    start: int  # the heading's first character
    end: int  # just after the list's last line break (or the end of the text)
    highlights: tuple[Node, ...]  # the items of the Highlights sections, in order

    def get(self, key: str) -> Field | None:
        """The field whose key folds to `key` ("full title"), or None."""
        for found in self.fields:
            if found.folded_key == key:
                return found
        return None

    @property
    def url(self) -> str | None:
        found = self.get("url")
        if found is None or not found.value:
            return None
        value = found.value.strip().strip("<>")
        return value if re.match(r"https?://\S+$", value, re.I) else None


def readwise_body(doc: Document) -> ReadwiseBody | None:
    """The Readwise Metadata section of `doc` (shared by every rule that asks), or None."""
    return doc.shared("kit.readwise", _find)


def _find(doc: Document) -> ReadwiseBody | None:
    blocks = doc.root.children
    for i, node in enumerate(blocks[: MAX_LEAD_BLOCKS + 1]):
        if node.kind == "heading" and _heading(node) in METADATA_HEADINGS:
            if i + 1 < len(blocks) and blocks[i + 1].kind == "list":
                fields = _fields(doc, blocks[i + 1])
                if fields is not None:
                    end = doc.line_bounds(fields[-1].start)[2]  # after the last field's line break
                    return ReadwiseBody(node, fields, node.start, end, tuple(_highlights(blocks[i + 2 :])))
            return None
        if not (node.kind in ("heading", "thematic_break", "html_block") or _images_only(doc, node)):
            return None  # content before any Metadata heading: not Readwise's header
    return None


def _images_only(doc: Document, node: Node) -> bool:
    """A paragraph of images and links only (Readwise's `![rw-book-cover](…)`), no prose."""
    if node.kind != "paragraph":
        return False
    for child in node.children:
        if child.kind in ("image", "link", "softbreak", "hardbreak"):
            continue
        if child.kind == "text" and not child.value.strip():
            continue
        return False
    return True


def _heading(node: Node) -> str:
    return " ".join(node.plain_text().split()).casefold()


def _fields(doc: Document, listing: Node) -> tuple[Field, ...] | None:
    """The list's `Key: value` lines, or None when it is not Readwise's list."""
    fields: list[Field] = []
    for item in listing.children:
        if item.kind != "item":
            return None
        if "\n" in doc.text[item.start : item.end].rstrip():
            return None  # an item of several lines (a nested list, a wrapped value): not the template's
        start, end, _after = doc.line_bounds(item.start)
        m = _ITEM.match(doc.text, start, end)
        if m is None:
            return None
        key = m.group("key").strip()
        if " ".join(key.split()).casefold() not in READWISE_KEYS:
            return None
        fields.append(Field(key, m.group("value") or "", start, end))
    if len(fields) < 2 or not any(f.folded_key in DISTINCTIVE_KEYS for f in fields):
        return None
    return tuple(fields)


def _highlights(blocks: list[Node]) -> list[Node]:
    """The items of the lists under `## Highlights` (and `## New highlights added …`)."""
    found: list[Node] = []
    inside = False
    for node in blocks:
        if node.kind == "heading":
            inside = HIGHLIGHTS_HEADING.fullmatch(_heading(node)) is not None
        elif inside and node.kind == "list":
            found.extend(item for item in node.children if item.kind == "item")
    return found


def highlight_text(item: Node) -> str:
    """What a highlight says: its text without Readwise's `([View Highlight](…))` link and
    without the notes nested under it, whitespace folded."""
    parts: list[str] = []
    stack = list(reversed(item.children))
    while stack:
        node = stack.pop()
        if node.kind == "list":
            continue  # the reader's notes and tags under the highlight
        if node.kind == "link" and HIGHLIGHT_LINK_TEXT.fullmatch(node.plain_text().strip()):
            continue
        if node.kind in ("text", "code", "math"):
            parts.append(node.value)
        elif node.kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        stack.extend(reversed(node.children))
    text = " ".join("".join(parts).split())
    return re.sub(r"\s*\(\s*\)$", "", text)
