"""Shared reading and editing helpers for the metadata rules (META*).

Reading: the lines of a body paragraph, `key: value` / `key:: value` property
lines, tag-only lines, the header block an exporter writes before the content,
the document title and its site-suffix variants.

Editing: every fix is a minimal text edit.  Lines are removed together with the
blank line their removal would leave; front matter is changed by inserting one
line (or appending to the `tags` list in the style it already has), never by
re-serialising it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit

# -- lines ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offset of the first character of the line
    end: int  # offset of the end of its content (before the line break)
    after: int  # offset just after the line break
    text: str  # the line's content


def line_at(doc: Document, offset: int) -> Line:
    start, end, after = doc.line_bounds(offset)
    return Line(start, end, after, doc.text[start:end])


def line_before(doc: Document, line_start: int) -> Line | None:
    """The line that ends where the line starting at `line_start` begins (None at the top).

    Found from the end of its content, since an offset between CR and LF belongs to
    no line."""
    if line_start <= 0:
        return None
    text = doc.text
    end = line_start - (2 if text[line_start - 2 : line_start] == "\r\n" else 1)
    line = line_at(doc, end)
    return line if line.start < line_start else None


def block_lines(doc: Document, node: Node) -> list[Line]:
    """The source lines a block spans (trailing blank lines excluded)."""
    lines: list[Line] = []
    pos = node.start
    stop = content_end(doc, node)
    while pos < stop:
        line = line_at(doc, pos)
        lines.append(line)
        if line.after <= pos:
            break
        pos = line.after
    return lines


def content_end(doc: Document, node: Node) -> int:
    """Offset just after the last non-whitespace character of a node."""
    return node.start + len(doc.text[node.start : node.end].rstrip())


def is_blank(text: str, quoted: bool = False) -> bool:
    return not text.strip(" \t>" if quoted else " \t")


def remove_lines(doc: Document, start: int, after: int, quoted: bool = False) -> Edit:
    """Remove the whole lines text[start:after] and the blank line that would be left.

    `start` is a line start and `after` the offset after a line break (or the end
    of the text).  A blank line goes with them when blank lines sit on both sides
    (or the lines open the body), so the text keeps one blank line between its
    neighbours; lines that end the text take the blank lines before them along.
    `quoted`: inside a blockquote, `>`-only lines count as blank.
    """
    text = doc.text
    rest = text[after:]
    if not rest.strip(" \t\r\n>" if quoted else " \t\r\n"):
        # Nothing follows: drop the blank lines before too, keep the previous line's break.
        begin = start
        while begin > doc.body_start:
            prev = line_before(doc, begin)
            if prev is None or prev.start < doc.body_start or not is_blank(prev.text, quoted):
                break
            begin = prev.start
        return Edit(begin, len(text))
    next_line = line_at(doc, after)
    next_blank = is_blank(next_line.text, quoted) and next_line.after > after
    if next_blank:
        at_body_start = start <= doc.body_start
        prev_blank = False
        if not at_body_start:
            prev = line_before(doc, start)
            prev_blank = prev is None or is_blank(prev.text, quoted) or prev.start < doc.body_start
        if at_body_start or prev_blank:
            return Edit(start, next_line.after)
    return Edit(start, after)


def merge_touching(edits: list[Edit], text: str) -> list[Edit]:
    """Join edits that touch (an insertion where a removal starts) into one edit, since
    the fixer rejects a fix whose own edits touch.  Overlapping edits are a bug."""
    merged: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if not merged or edit.start > merged[-1].end:
            merged.append(edit)
            continue
        last = merged[-1]
        if edit.start < last.end:
            raise ValueError(f"overlapping edits {last} and {edit}")
        merged[-1] = Edit(last.start, edit.end, last.content + edit.content)
    return merged


# -- normalisation ---------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_QUOTES = "\"'“”‘’「」『』"


def fold(text: str) -> str:
    """NFKC, whitespace folded, case folded: the form two spellings are compared in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> set[str]:
    """The words (runs of letters and digits, NFKC, case-folded) a text shows a reader."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def norm_key(key: str) -> str:
    return re.sub(r"[\s-]+", "_", key.strip()).casefold()


_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y")


def _parse_date(text: str) -> dt.date | dt.datetime | None:
    if not re.match(r"^\d{4}|^[A-Za-z]{3}|^\d{1,2} [A-Za-z]", text):
        return None
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        value = dt.datetime.fromisoformat(candidate)
        return value.date() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else value
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt)
            return value if "%H" in fmt else value.date()
        except ValueError:
            continue
    return None


def date_key(value: Any) -> tuple | None:
    """(date, time or None, UTC offset or None) for a date-like value, else None."""
    if isinstance(value, str):
        value = _parse_date(value.strip())
    if isinstance(value, dt.datetime):
        return (value.date(), value.replace(tzinfo=None).time(), value.utcoffset())
    if isinstance(value, dt.date):
        return (value, None, None)
    return None


def _strip_markup(value: str) -> str:
    value = value.strip()
    for left, right in (("[[", "]]"), ("<", ">"), ("**", "**"), ("__", "__"), ("`", "`"), ("*", "*"), ("_", "_")):
        if len(value) > len(left) + len(right) and value.startswith(left) and value.endswith(right):
            value = value[len(left) : -len(right)].strip()
    while len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
        value = value[1:-1].strip()
    return value


def scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return fold(_strip_markup(str(value)))


def values_equal(meta_value: Any, body_value: str) -> bool:
    """Does the body's spelling of a value say the same as the front matter's?"""
    if meta_value is None or isinstance(meta_value, dict):
        return False
    if isinstance(meta_value, (list, tuple)):
        items = [scalar_text(v) for v in meta_value if v is not None]
        body_items = [scalar_text(v) for v in split_list(body_value)]
        return bool(body_items) and sorted(set(items)) == sorted(set(body_items))
    body = _strip_markup(body_value)
    meta_date, body_date = date_key(meta_value), date_key(body)
    if meta_date is not None and body_date is not None:
        # The body's copy may say less than the front matter (a date for a date and time),
        # never more: a time or a zone only the body has would be lost with the line.
        (meta_day, meta_time, meta_zone), (body_day, body_time, body_zone) = meta_date, body_date
        return (
            meta_day == body_day
            and (body_time is None or body_time == meta_time)
            and (body_zone is None or body_zone == meta_zone)
        )
    return scalar_text(meta_value) == fold(body) and fold(body) != ""


def split_list(value: str) -> list[str]:
    """`a, b`, `#a #b`, `[[a]], [[b]]` -> items."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]") and not value.startswith("[["):
        value = value[1:-1]
    parts = re.split(r"\s*,\s*|\s+(?=#)", value) if ("," in value or "#" in value) else [value]
    items = (_strip_markup(p.strip().lstrip("#")) for p in parts)
    return [item for item in items if item]


def tag_name(value: Any) -> str:
    return str(value).strip().lstrip("#").casefold()


# -- property and tag lines ---------------------------------------------------------------

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


# -- title ---------------------------------------------------------------------------------

# Section headings templates write whether or not there is anything to put under them.
SECTION_LABELS = frozenset(
    {"highlights", "notes", "annotations", "my notes", "highlights & notes", "highlights and notes", "高亮", "笔记", "标注", "摘录"}
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


_WIDE: tuple[re.Pattern[str], re.Pattern[str]] | None = None
_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")  # no code point below U+1100 is wide
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def weight(text: str) -> int:
    """Length in reading units, whitespace aside: CJK and other wide characters count double."""
    visible = "".join(text.split())  # split() drops exactly what str.isspace() calls whitespace
    if visible.isascii() or not _MAYBE_WIDE.search(visible):
        return len(visible)
    global _WIDE
    if _WIDE is None:  # compiled on the first wide text: most runs of one file never need it
        from ._wide import WIDE_RANGES

        # Two classes: re checks a class of BMP ranges with a table, one with astral ranges range by range.
        bmp = "".join(f"{chr(a)}-{chr(min(b, 0xFFFF))}" for a, b in WIDE_RANGES if a <= 0xFFFF)
        astral = "".join(f"{chr(max(a, 0x10000))}-{chr(b)}" for a, b in WIDE_RANGES if b > 0xFFFF)
        _WIDE = re.compile(f"[{bmp}]+"), re.compile(f"[{astral}]")
    runs, astral_wide = _WIDE
    wide = len(visible) - len(runs.sub("", visible))
    if _ASTRAL.search(visible):
        wide += len(astral_wide.findall(visible))
    return len(visible) + wide


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
        parts = [m for m in _SUFFIX.finditer(text)]
        if parts:
            head, tail = text[: parts[-1].start()].strip(), text[parts[-1].end() :].strip()
            if weight(tail) < weight(head):
                queue.append(head)
        if _NOTICE_PREFIX.match(text):
            queue.append(_NOTICE_PREFIX.sub("", text))
    return {v for v in found if v}


# -- front matter edits ------------------------------------------------------------------------


def yaml_scalar(value: str, flow: bool = False) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same string, else double-quoted."""
    plain_ok = value == value.strip() and "\n" not in value and value != ""
    if plain_ok and flow and any(c in value for c in ",[]{}"):
        plain_ok = False
    if plain_ok:
        try:
            loaded = yaml.safe_load(f"k: [{value}]" if flow else f"k: {value}")
        except yaml.YAMLError:
            loaded = None
        expected = {"k": [value]} if flow else {"k": value}
        if loaded == expected:
            return value
    return json.dumps(value, ensure_ascii=False)


def _mapping_node(doc: Document) -> yaml.MappingNode | None:
    front = doc.front_matter
    if front is None:
        return None
    node = front.yaml_node
    return node if isinstance(node, yaml.MappingNode) else None


def can_edit_front_matter(doc: Document) -> bool:
    """A YAML mapping we can insert into, an empty YAML block, or no front matter at all."""
    front = doc.front_matter
    if front is None:
        return True
    if front.kind != "yaml" or not front.closed or not front.parsed_ok:
        return False
    return front.value is None or _mapping_node(doc) is not None


def front_matter_usable(doc: Document) -> bool:
    """Is there a front matter we know the contents of (or none at all)?"""
    front = doc.front_matter
    if front is None:
        return True
    return front.closed and front.parsed_ok and (front.value is None or isinstance(front.value, dict))


def find_key(doc: Document, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    node = _mapping_node(doc)
    if node is None:
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _list_item_prefix(doc: Document) -> str:
    """How this front matter indents block-list items (`  - ` by default)."""
    front = doc.front_matter
    if front is not None:
        m = re.search(r"^([ \t]*-[ \t]+)\S", front.raw, re.MULTILINE)
        if m:
            return m.group(1)
    return "  - "


def _insert_lines(doc: Document, lines: list[str]) -> Edit:
    """Insert lines at the end of the front matter, or create a front matter."""
    nl = doc.newline
    block = "".join(line + nl for line in lines)
    front = doc.front_matter
    if front is None:
        return Edit(0, 0, "---" + nl + block + "---" + nl)
    return Edit(front.content_end, front.content_end, block)


def _empty_value_span(doc: Document, key_node: yaml.Node, value_node: yaml.Node) -> tuple[int, int] | None:
    """For `key:` with no value: (offset after the colon, end of that line)."""
    front = doc.front_matter
    assert front is not None
    if not (isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null") and value_node.value == ""):
        return None
    after_key = front.offset_of(key_node.end_mark)
    line = line_at(doc, after_key)
    colon = doc.text.find(":", after_key, line.end)
    if colon < 0:
        return None
    return colon + 1, line.end


def set_key_edit(doc: Document, key: str, value: str) -> Edit | None:
    """An edit that gives the front matter `key: value` (key absent or empty), or None."""
    if not can_edit_front_matter(doc):
        return None
    found = find_key(doc, key)
    scalar = yaml_scalar(value)
    if found is None:
        return _insert_lines(doc, [f"{key}: {scalar}"])
    span = _empty_value_span(doc, *found)
    if span is None:
        return None
    return Edit(span[0], span[1], " " + scalar)


def add_tags_edit(doc: Document, tags: list[str]) -> Edit | None:
    """An edit appending `tags` to the front matter's tags list, in the list's own style."""
    if not tags or not can_edit_front_matter(doc):
        return None
    nl = doc.newline
    found = find_key(doc, "tags")
    if found is None:
        prefix = _list_item_prefix(doc)
        return _insert_lines(doc, ["tags:", *(prefix + yaml_scalar(t) for t in tags)])
    front = doc.front_matter
    assert front is not None
    key_node, value_node = found
    if isinstance(value_node, yaml.SequenceNode):
        if value_node.flow_style:
            close = front.offset_of(value_node.end_mark) - 1
            if doc.text[close : close + 1] != "]":
                return None
            joined = ", ".join(yaml_scalar(t, flow=True) for t in tags)
            return Edit(close, close, (", " if value_node.value else "") + joined)
        if not value_node.value:
            return None
        last = value_node.value[-1]
        item_start = front.offset_of(last.start_mark)
        line = line_at(doc, item_start)
        prefix = doc.text[line.start : item_start]
        if not re.fullmatch(r"[ \t]*-[ \t]+", prefix) or front.offset_of(last.end_mark) > line.end:
            return None
        return Edit(line.after, line.after, "".join(prefix + yaml_scalar(t) + nl for t in tags))
    span = _empty_value_span(doc, key_node, value_node)
    if span is None:
        return None  # a scalar `tags: a` is left for the user
    prefix = _list_item_prefix(doc)
    return Edit(span[0], span[1], "".join(nl + prefix + yaml_scalar(t) for t in tags))


def meta_tags(doc: Document) -> list[str] | None:
    """The front matter's tags (folded), [] when the key is empty, None when absent."""
    if "tags" not in doc.meta:
        return None
    value = doc.meta["tags"]
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [tag_name(v) for v in value if v is not None]
    return [tag_name(v) for v in split_list(str(value))]


def iter_paragraph_lines(doc: Document) -> Iterator[tuple[Node, list[Line]]]:
    """Top-level paragraphs with their lines."""
    for node in doc.root.children:
        if node.kind == "paragraph":
            yield node, block_lines(doc, node)
