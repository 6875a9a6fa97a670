"""Helpers of the metadata rules (META*) alone: dates and values as the body writes them,
and front-matter edits.

Every fix is a minimal text edit: front matter is changed by inserting one line (or
appending to the `tags` list in the style it already has), never by re-serialising it.
Reading a note's lines, its header and title is the shared rule kit's (rules/kit/lines.py,
rules/kit/header.py), which the duplicate rules use too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from omnilint.rules.kit.front_matter import find_key, mapping_node
from omnilint.rules.kit.header import QUOTES, fold
from omnilint.rules.kit.lines import Line, block_lines, line_at

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit

# -- lines ----------------------------------------------------------------------------


# -- normalisation ---------------------------------------------------------------------


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
    while len(value) >= 2 and value[0] in QUOTES and value[-1] in QUOTES:
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


# -- title ---------------------------------------------------------------------------------


# -- front matter edits ------------------------------------------------------------------------


# A web address of these characters reads back as itself in a block value: it starts with
# `h` (no implicit type begins so), holds no blank, no `#` and no `:` but the scheme's
# (followed by `/`, never a mapping indicator).  Most values META002 writes are such
# addresses; they skip PyYAML's pure-Python loader.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~/?&=%+-]*")


def yaml_scalar(value: str, flow: bool = False) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same string, else double-quoted."""
    if not flow and _PLAIN_URL.fullmatch(value):
        return value
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


def can_edit_front_matter(doc: Document) -> bool:
    """A YAML mapping we can insert into, an empty YAML block, or no front matter at all."""
    front = doc.front_matter
    if front is None:
        return True
    if front.kind != "yaml" or not front.closed or not front.parsed_ok:
        return False
    return front.value is None or mapping_node(doc) is not None


def front_matter_usable(doc: Document) -> bool:
    """Is there a front matter we know the contents of (or none at all)?"""
    front = doc.front_matter
    if front is None:
        return True
    return front.closed and front.parsed_ok and (front.value is None or isinstance(front.value, dict))


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


insert_lines = _insert_lines  # for the rules of this family (META002's new front matter for Readwise)


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
