"""Shared pieces of the link rules: URL shapes, spans inside links, safe rewrites, code-looking text.

Everything here works from parsed positions (link nodes, definitions, text
runs); raw-text regexes are only applied to spans the parse tree says are
prose or a link destination.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Sequence
from functools import lru_cache
from weakref import WeakKeyDictionary

import pyromark

from omnilint.document import Document
from omnilint.markdown import BLOCK_KINDS, OPTIONS, Node, destination_span, parse
from omnilint.model import Edit

# A CommonMark character reference: named (must be a known name), decimal or hexadecimal.
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Characters a reader cannot see: link text made only of these is "empty".
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u3164\u2800]*")


# -- URLs ---------------------------------------------------------------------


def decode_entity(ref: str) -> str | None:
    """The character(s) a CommonMark character reference stands for, or None if it is none."""
    body = ref[1:-1]
    if body.startswith("#"):
        digits = body[2:] if body[1:2] in "xX" else body[1:]
        code = int(digits, 16 if body[1:2] in "xX" else 10)
        return "\ufffd" if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code)
    return html.entities.html5.get(body + ";")


@lru_cache(maxsize=4096)
def parsed_destination(raw: str) -> str | None:
    """What a parser makes of `raw` as an inline link destination (None: not a link)."""
    for event in pyromark.events(f"[x]({raw})", options=OPTIONS):
        if isinstance(event, dict) and "Start" in event:
            tag = event["Start"]
            if isinstance(tag, dict) and "Link" in tag:
                return tag["Link"]["dest_url"]
    return None


def format_destination(url: str, bracketed: bool = False) -> str | None:
    """Source text for a destination that parses back to exactly `url`, or None.

    `bracketed`: the text goes between existing `<` `>`.  Otherwise plain when
    possible, `<...>` when the URL has spaces or unbalanced parentheses; None when
    nothing round-trips (the caller then offers no fix).
    """
    if bracketed:
        return url if parsed_destination(f"<{url}>") == url else None
    for raw in (url, f"<{url}>"):
        if parsed_destination(raw) == url:
            return raw
    return None


AUTOLINK_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*")


def replacement(text: str, node: Node, span: tuple[int, int], url: str) -> str | None:
    """What to put at a destination `span` of `node` so that it means `url`, or None."""
    if node.link_type == "autolink":
        return url if AUTOLINK_SAFE.fullmatch(url) else None
    return format_destination(url, is_bracketed(text, span))


# -- spans inside a link --------------------------------------------------------


def text_span(text: str, node: Node) -> tuple[int, int] | None:
    """Source span of a link's text (an image's alt text) between the brackets, or None."""
    if node.link_type in ("autolink", "email", "wikilink"):
        return None
    start = node.start + (2 if node.kind == "image" else 1)
    if text[node.start : start] not in ("[", "!["):
        return None
    after = node.children[-1].end if node.children else start
    close = text.find("]", after, node.end)
    return (start, close) if close >= 0 else None


def unwrap_edit(text: str, node: Node) -> Edit | None:
    """Replace an inline link or image by its text (source kept as written)."""
    span = text_span(text, node)
    if span is None or node.link_type != "inline":
        return None
    return Edit(node.start, node.end, text[span[0] : span[1]])


def is_empty_text(node: Node) -> bool:
    """No visible text, and no image or inline HTML (`<img>`) inside."""
    if any(child.kind in ("image", "html") for child in node.walk() if child is not node):
        return False
    return INVISIBLE.fullmatch(node.plain_text()) is not None


_HOLDERS: WeakKeyDictionary[Document, list[tuple[Node, tuple[int, int]]]] = WeakKeyDictionary()


def url_holders(doc: Document) -> list[tuple[Node, tuple[int, int]]]:
    """(node, destination span) for every URL a rewrite may touch: inline links and
    images, autolinks, and reference definitions.  Reference-style links are left
    out: their URL lives in the definition.  Computed once per document (several
    rules ask, and finding destinations is the costly part)."""
    found = _HOLDERS.get(doc)
    if found is None:
        found = []
        text = doc.text
        for node in doc.links:
            if node.link_type in ("inline", "autolink"):
                span = destination_span(text, node)
                if span is not None:
                    found.append((node, span))
        for definition in doc.definitions:
            span = definition_destination_span(text, definition)
            if span is not None:
                found.append((definition, span))
        _HOLDERS[doc] = found
    return found


_DEF_HEAD = re.compile(r"\[(?:[^\]\\]|\\.)*\]:[ \t]*(?:\r\n|\n|\r)?[ \t]*", re.DOTALL)


def definition_destination_span(text: str, node: Node) -> tuple[int, int] | None:
    """Source span of a reference definition's destination (inside `<...>` when bracketed)."""
    m = _DEF_HEAD.match(text, node.start, node.end)
    if m is None:
        return None
    i = m.end()
    if i < node.end and text[i] == "<":
        j = text.find(">", i + 1, node.end)
        return (i + 1, j) if j >= 0 else None
    j = i
    while j < node.end and not text[j].isspace():
        j += 1
    return (i, j) if j > i else None


def is_bracketed(text: str, span: tuple[int, int]) -> bool:
    return span[0] > 0 and text[span[0] - 1] == "<"


# -- removing whole lines -------------------------------------------------------


def _is_blank(text: str, start: int, end: int) -> bool:
    return text[start:end].strip(" \t") == ""


def line_removal(doc: Document, start: int, end: int) -> Edit | None:
    """An edit deleting the whole lines that hold text[start:end], or None when
    something else shares those lines.  When blank lines surround the removed
    lines, one of them goes too, so no double blank line is left."""
    text = doc.text
    first, _, _ = doc.line_bounds(start)
    _, last_end, last_next = doc.line_bounds(max(start, end - 1) if end > start else start)
    if not _is_blank(text, first, start) or not _is_blank(text, end, last_end):
        return None
    prev_blank = first <= doc.body_start
    if not prev_blank:
        p_start, p_end, _ = doc.line_bounds(first - 1)
        prev_blank = _is_blank(text, p_start, p_end)
    remove_start, remove_end = first, last_next
    if prev_blank and last_next < len(text):
        n_start, n_end, n_next = doc.line_bounds(last_next)
        if _is_blank(text, n_start, n_end):
            remove_end = n_next
    elif prev_blank and last_next >= len(text) and first > doc.body_start:
        p_start, _, _ = doc.line_bounds(first - 1)
        remove_start = p_start
    return Edit(remove_start, remove_end)


BLOCKS = BLOCK_KINDS  # every kind of block node (the parse layer defines them)


def keeps_structure(doc: Document, edit: Edit, removed: Sequence[Node] = ()) -> bool:
    """Does applying `edit` leave every other block as it was (same kinds, same nesting)?

    Only the top-level blocks around the edit (one on each side) are parsed again:
    a whole-line removal cannot reach further without changing those first.
    """
    blocks = [b for b in doc.root.children if b.kind in BLOCKS]
    if not blocks:
        return True
    touched = [i for i, b in enumerate(blocks) if b.end > edit.start and b.start < max(edit.end, edit.start + 1)]
    if touched:
        first, last = max(touched[0] - 1, 0), min(touched[-1] + 1, len(blocks) - 1)
    else:  # the edit falls between blocks
        after = next((i for i, b in enumerate(blocks) if b.start >= edit.end), len(blocks))
        first, last = max(after - 1, 0), min(after, len(blocks) - 1)
    # From the end of the block before to the start of the block after: what lies between
    # blocks (blank lines, link reference definitions) is part of the picture.
    region_start = blocks[first - 1].end if first > 0 else doc.body_start
    region_start = doc.line_bounds(min(region_start, edit.start))[0]
    region_end = blocks[last + 1].start if last + 1 < len(blocks) else len(doc.text)
    region_end = doc.line_bounds(max(region_end, edit.end))[0] if region_end < len(doc.text) else len(doc.text)
    skip = {id(n) for n in removed}
    growth = len(edit.content) - (edit.end - edit.start)

    def shifted(pos: int) -> int:  # where a position of the old text lands in the changed region
        if pos < edit.start:
            return pos - region_start
        return max(pos, edit.end) + growth - region_start

    before = _signature(Node("document", 0, 0, children=blocks[first : last + 1]), skip, shifted)
    text = doc.text
    changed = text[region_start : edit.start] + edit.content + text[edit.end : region_end]
    return _signature(parse(changed, outline=doc.outline).root, set(), lambda pos: pos) == before


def _signature(root: Node, skip: set[int], where) -> list[tuple[str, int, int]]:
    """The block structure under `root` as (kind, depth, start) triples, leaving out `skip` subtrees.

    Starts matter: an unclosed fence that swallows what follows keeps the kinds but moves them."""
    signature: list[tuple[str, int, int]] = []
    stack = [(child, 0) for child in reversed(root.children)]
    while stack:
        node, depth = stack.pop()
        if id(node) in skip or node.kind not in BLOCKS:
            continue
        signature.append((node.kind, depth, where(node.start)))
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return signature


# -- code that lost its fences ----------------------------------------------------

_ESCAPED_FENCE = re.compile(r"^[ \t>]*(?:&#x60;|&#96;|\\`){3,}", re.MULTILINE)
_CODE_END = re.compile(r"[{};]\s*$|^\s*[})\]];?\s*$")
_CODE_START = re.compile(
    r"^\s*(?:const|let|var|function|return|if|for|while|def|class|import|from|#include|public|private|"
    r"static|void|int|char|struct|else|elif|try|catch|switch|case)\b[^.!?。]*$"
)
CODE_SYMBOLS = frozenset("{}[]();=<>|&*+/\\$%^~`")


@lru_cache(maxsize=8)
def _lost_fence_lines(text: str) -> tuple[tuple[int, int], ...]:
    """Character ranges between pairs of escaped fence lines (&#x60;&#x60;&#x60;)."""
    if "&#x60;" not in text and "&#96;" not in text and "\\`" not in text:
        return ()  # no fence can be there: C scans instead of the regex's try at every position
    marks = [m.start() for m in _ESCAPED_FENCE.finditer(text)]
    return tuple((marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2))


def in_lost_fence(doc: Document, offset: int) -> bool:
    return any(s <= offset < e for s, e in _lost_fence_lines(doc.text))


def line_looks_like_code(line: str) -> bool:
    """A line whose shape says program text: ends like a statement, starts with a
    keyword, or is dense with code symbols."""
    stripped = line.strip()
    if not stripped:
        return False
    if _CODE_END.search(stripped) or _CODE_START.match(stripped):
        return True
    # Counted by C-level str methods: the lines are whole paragraphs, often thousands of characters.
    symbols = sum(map(stripped.count, CODE_SYMBOLS))
    if symbols < 6:
        return False
    visible = sum(map(len, stripped.split()))  # str.split() splits at exactly the str.isspace() characters
    return symbols >= 6 and symbols * 4 >= visible


def after_identifier(text: str, offset: int) -> bool:
    """Is `offset` glued to an ASCII identifier, a closing bracket or a quote (`x[0]`, `f()[1]`)?"""
    if offset == 0:
        return False
    before = text[offset - 1]
    return before.isascii() and (before.isalnum() or before in "_)]'\"`")


def code_like_at(doc: Document, start: int, end: int) -> bool:
    """Does the text around start..end look like code whose fences were lost?"""
    if in_lost_fence(doc, start) or after_identifier(doc.text, start):
        return True
    line_start, line_end, _ = doc.line_bounds(start)
    return line_looks_like_code(doc.text[line_start:line_end])


def normalize_label(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()
