"""The header an exporter writes above the saved content, and the note's title.

Reading only: `key: value` / `key:: value` property lines, tag-only lines, link-only lines,
the header zone, the title (front matter or first H1) and its site-suffix variants, and
`weight`, a text's length in reading units (CJK counts double).  Used by the metadata
and duplicate rules."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from omnilint.document import Document
from omnilint.markdown import Node

from .lines import Line, block_lines

_SPACES = re.compile(r"\s+")


QUOTES = "\"'“”‘’「」『』"


def fold(text: str) -> str:
    """NFKC, whitespace folded, case folded: the form two spellings are compared in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> set[str]:
    """The words (runs of letters and digits, NFKC, case-folded) a text shows a reader."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


# `key: value` / `key:: value`, the key optionally in bold; the value may be empty only for `::`.
# A key is one to three words of letters (`date_saved`, `Date Saved`): "Step 2: …" is prose.
# The value runs greedily to its last visible character: a lazy `.*?` before `[ \t]*$`
# retried the trailing blanks at every step (quadratic on `Author: Ada<spaces>Lovelace`).
PROPERTY = re.compile(
    r"^[ \t]*(?P<open>\*\*|__)?(?P<key>[^\W\d]+(?:[ \-][^\W\d]+){0,2})(?P=open)?[ \t]*(?P<colon>::|:)"
    r"(?:(?P=open)?[ \t]+(?P<value>\S(?:.*\S)?)|[ \t]*)[ \t]*$"
)


LOGSEQ_KEY = re.compile(r"^[A-Za-z][\w-]*$")


@dataclass(frozen=True, slots=True)
class Property:
    line: Line
    key: str  # as written
    value: str  # as written ("" when empty)
    logseq: bool  # `key::`


def parse_property(line: Line) -> Property | None:
    if ":" not in line.text:  # most lines are prose: no colon, no property (a C scan, not the regex)
        return None
    m = PROPERTY.match(line.text)
    if m is None:
        return None
    key = m.group("key").strip()
    logseq = m.group("colon") == "::"
    value = m.group("value") or ""
    if not value and not logseq:
        return None
    if logseq and not LOGSEQ_KEY.match(key):
        return None
    return Property(line, key, value, logseq)


def _starting_within(nodes: list[Node], start: int, end: int) -> list[Node]:
    """Nodes (sorted by start) that start in [start, end): a bisection, not a scan."""
    i = bisect_left(nodes, start, key=_start)
    found = []
    while i < len(nodes) and nodes[i].start < end:
        found.append(nodes[i])
        i += 1
    return found


def _start(node: Node) -> int:
    return node.start


starting_within = _starting_within  # for the rules of this family (META002's Readwise fields)


def tag_line_tags(doc: Document, line: Line, tags: list[Node]) -> list[str] | None:
    """The tags of a line made only of tags (`#Omnivore`, `#a #b`), else None."""
    found = [t for t in _starting_within(tags, line.start, line.end + 1) if t.end <= line.end]
    if not found:
        return None
    pos = line.start  # only spaces and commas between the tags: each gap looked at once
    for t in found:
        if doc.text[pos : t.start].strip(" \t,"):
            return None
        pos = t.end
    if doc.text[pos : line.end].strip(" \t,"):
        return None
    return [t.label for t in found]


def link_only(doc: Document, line: Line) -> Node | None:
    """The link or image that is the whole content of a line, if it is."""
    content = line.text.strip()
    if not content:
        return None
    for node in _starting_within(doc.links, line.start, line.end):
        if node.end <= line.end and doc.text[node.start : node.end] == content:
            return node
    return None


def header_lines(doc: Document, limit: int = 10) -> list[tuple[Node, list[Line]]]:
    """The exporter's header: leading top-level blocks that are headings or metadata-like
    paragraphs (property lines, tag lines, lone links or images), up to the first prose."""
    tags = doc.tags
    found: list[tuple[Node, list[Line]]] = []
    for node in doc.root.children[:limit]:
        if node.kind == "heading":
            found.append((node, []))
            continue
        if node.kind != "paragraph":
            break
        lines = block_lines(doc, node)
        if not paragraph_is_metadata(doc, lines, tags):
            break
        found.append((node, lines))
    return found


def header_zone_end(doc: Document) -> int:
    """How many leading top-level blocks form the header zone: what an exporter writes
    before the content (headings, thematic breaks, HTML comments, and paragraphs made only
    of property lines, tag lines and lone links or images).  The first other block is
    content; a heading after it belongs to the article, whatever its text."""
    tags = doc.tags
    for i, node in enumerate(doc.root.children):
        if node.kind in ("heading", "thematic_break"):
            continue
        if node.kind == "html_block" and doc.source(node).lstrip().startswith("<!--"):
            continue
        if node.kind == "paragraph" and paragraph_is_metadata(doc, block_lines(doc, node), tags):
            continue
        return i
    return len(doc.root.children)


def paragraph_is_metadata(doc: Document, lines: list[Line], tags: list[Node]) -> bool:
    """Is every line a property, a tag line or a lone link (not prose)?"""
    return bool(lines) and all(
        parse_property(ln) or tag_line_tags(doc, ln, tags) is not None or link_only(doc, ln) for ln in lines
    )


# Section headings templates write whether or not there is anything to put under them.
SECTION_LABELS = frozenset(
    {
        "highlights",
        "notes",
        "annotations",
        "my notes",
        "highlights & notes",
        "highlights and notes",
        "高亮",
        "笔记",
        "标注",
        "摘录",
    }
)


# Separators between an article title and the site name an exporter appended.
_SUFFIX = re.compile(r"\s+[-|–—·:»]\s+|\s*_(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])_\s*")


_NOTICE_PREFIX = re.compile(r"^\(\s*\d+\+?[^()]{0,30}\)\s*")  # "(99+ 封私信 / 91 条消息) "


def meta_title(doc: Document) -> str | None:
    value = doc.meta.get("title")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


def first_h1(doc: Document) -> Node | None:
    for node in doc.root.children:
        if node.kind == "heading" and node.level == 1:
            return node
    return None


def heading_text(node: Node) -> str:
    return fold(node.plain_text()).rstrip(" :：")


# No code point below U+1100 is wide.  Spelled as "not below U+1100": `re` builds a table
# entry per code point of a class's range within U+FFFF when it compiles, so the narrow
# negated range compiles in a tenth of the time of [\u1100-\U0010ffff] (each start-up pays it).
_MAYBE_WIDE = re.compile("[^\x00-\u10ff]")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _wide_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled on the first wide text (most runs of one file never need it), then kept."""
    from .wide import WIDE_RANGES

    # Two classes: re checks a class of BMP ranges with a table, one with astral ranges range by range.
    bmp = "".join(f"{chr(a)}-{chr(min(b, 0xFFFF))}" for a, b in WIDE_RANGES if a <= 0xFFFF)
    astral = "".join(f"{chr(max(a, 0x10000))}-{chr(b)}" for a, b in WIDE_RANGES if b > 0xFFFF)
    return re.compile(f"[{bmp}]+"), re.compile(f"[{astral}]")


def weight(text: str) -> int:
    """Length in reading units, whitespace aside: CJK and other wide characters count double."""
    visible = "".join(text.split())  # split() drops exactly what str.isspace() calls whitespace
    if visible.isascii() or not _MAYBE_WIDE.search(visible):
        return len(visible)
    runs, astral_wide = _wide_patterns()
    wide = len(visible) - len(runs.sub("", visible))
    if _ASTRAL.search(visible):
        wide += len(astral_wide.findall(visible))
    return len(visible) + wide


def weighs_at_least(text: str, minimum: float) -> bool:
    """`weight(text) >= minimum`, mostly decided on a prefix: no prefix weighs more than the
    whole text, and one twice the minimum in characters usually weighs enough."""
    head = text[: 2 * int(max(0, minimum)) + 64]
    if weight(head) >= minimum:
        return True
    return len(head) < len(text) and weight(text) >= minimum


def title_variants(title: str) -> set[str]:
    """The folded title, and the title without site suffixes or a notification count."""
    full = fold(title).rstrip(" :：")
    found = {full}
    queue = [full]
    if _NOTICE_PREFIX.match(full):
        queue.append(_NOTICE_PREFIX.sub("", full))
    minimum = max(6, weight(full) // 4)
    seen: set[str] = set()
    while queue:
        text = queue.pop()
        if text in seen or weight(text) < minimum:
            continue
        seen.add(text)
        found.add(text)
        # Only a suffix shorter than what it follows: a site name.  What precedes a
        # title (`Site - Post`) is the site, which pages show as a heading of its own.
        parts = list(_SUFFIX.finditer(text))
        if parts:
            head, tail = text[: parts[-1].start()].strip(), text[parts[-1].end() :].strip()
            if weight(tail) < weight(head):
                queue.append(head)
        if _NOTICE_PREFIX.match(text):
            queue.append(_NOTICE_PREFIX.sub("", text))
    return {v for v in found if v}
