"""Shared helpers for the front-matter rules.

Three things every FM rule needs and none should re-invent:

* positions: YAML nodes and top-level entries as character offsets in the FILE
  (via `FrontMatter.offset_of`, which uses the marks' character index);
* the two dialects: PyYAML (YAML 1.1, as Jekyll, Hugo and scripts read it) and the
  YAML 1.2 core schema (as Obsidian and the Omnivore plugin read it);
* minimal text edits that are checked before they are offered: `outcome` re-parses
  the front matter with the edits applied, so a rule can compare before and after.

One module: the three share YAML node positions and the dialect loaders; the date
parser, which needs none of them, lives apart in _dates.py.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import yaml

from omnilint.document import Document
from omnilint.frontmatter import FrontMatter, SafeLoader
from omnilint.model import Edit

# -- finding the front matter ------------------------------------------------


def yaml_front(doc: Document) -> FrontMatter | None:
    """The document's closed YAML front matter, parsed or not; None for TOML/JSON/none."""
    front = doc.front_matter
    if front is None or front.kind != "yaml" or not front.closed:
        return None
    return front


def yaml_root(doc: Document) -> tuple[FrontMatter, yaml.Node] | None:
    """(front matter, composed root node) when the YAML front matter parses."""
    front = yaml_front(doc)
    if front is None or not front.parsed_ok:
        return None
    node = front.yaml_node
    return (front, node) if node is not None else None


@dataclass(frozen=True, slots=True)
class Entry:
    """One `key: value` of a block mapping, with file offsets."""

    key: Any  # the key as PyYAML constructs it (usually a str)
    key_node: yaml.ScalarNode
    value_node: yaml.Node
    key_start: int
    line_start: int  # start of the key's line
    end: int  # end of the entry's last line, line break included


def entries(front: FrontMatter, mapping: yaml.Node) -> list[Entry]:
    """The entries of a *block* mapping node whose keys are scalars (flow mappings give [])."""
    if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style:
        return []
    found = []
    for key_node, value_node in mapping.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key_at = front.offset_of(key_node.start_mark)
        try:
            key = construct(key_node)
        except (yaml.YAMLError, ValueError, OverflowError):
            key = key_node.value
        found.append(Entry(key, key_node, value_node, key_at, line_start(front, key_at), _entry_end(front, value_node)))
    return found


def top_entries(doc: Document) -> list[Entry]:
    """The top-level entries (shared by every FM rule run on the same Document)."""
    root = yaml_root(doc)
    return list(_top_entries(root[0])) if root is not None else []


@lru_cache(maxsize=4)
def _top_entries(front: FrontMatter) -> tuple[Entry, ...]:
    # Keyed on the FrontMatter object itself (compared by identity), which the cache keeps alive.
    return tuple(entries(front, front.yaml_node))


def line_start(front: FrontMatter, offset: int) -> int:
    """File offset of the start of the front-matter line holding `offset`."""
    raw, i = front.raw, offset - front.content_start
    cut = max(raw.rfind("\n", 0, i), raw.rfind("\r", 0, i)) + 1
    return front.content_start + cut


def _entry_end(front: FrontMatter, node: yaml.Node) -> int:
    """Just past the line break of the line where `node` ends (a trailing comment goes too)."""
    end = front.offset_of(node.end_mark) - front.content_start
    raw = front.raw
    if end > 0 and raw[end - 1] in "\r\n" and _is_block_scalar(node):
        return front.content_start + end  # block scalars end after their own line breaks
    return front.content_start + line_end(raw, end)


def line_end(raw: str, i: int) -> int:
    """Index just past the line break of the line holding index `i` (or len(raw))."""
    m = _BREAK.search(raw, i)
    return m.end() if m else len(raw)


_BREAK = re.compile(r"\r\n|\r|\n")


def lines(raw: str, base: int = 0) -> Iterator[tuple[int, int, int]]:
    """(start, end of content, end with line break) of each line of `raw`, offset by `base`."""
    pos = 0
    while pos < len(raw):
        m = _BREAK.search(raw, pos)
        content_end, end = (m.start(), m.end()) if m else (len(raw), len(raw))
        yield base + pos, base + content_end, base + end
        pos = end


def _is_block_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def node_span(front: FrontMatter, node: yaml.Node) -> tuple[int, int]:
    return front.offset_of(node.start_mark), front.offset_of(node.end_mark)


def walk(node: yaml.Node) -> Iterator[yaml.Node]:
    """Every node of a tree once (aliases can make it a graph)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.MappingNode):
            for k, v in reversed(current.value):
                stack.extend((v, k))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))


# -- the two dialects --------------------------------------------------------


def construct(node: yaml.Node, throwaway: bool = False) -> Any:
    """A node's value as PyYAML (YAML 1.1) reads it (`throwaway`: the tree may be changed)."""
    if not throwaway and not isinstance(node, yaml.ScalarNode):
        node = copy.deepcopy(node)  # merge keys (`<<`) are flattened in place: keep the shared tree intact
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


_NULL12 = re.compile(r"~|null|Null|NULL|")
_BOOL12 = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT12 = re.compile(r"[-+]?[0-9]+")
_OCT12 = re.compile(r"0o[0-7]+")
_HEX12 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT12 = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF12 = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN12 = re.compile(r"\.(?:nan|NaN|NAN)")


def resolve12(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema (what Obsidian reads)."""
    if _NULL12.fullmatch(text):
        return None
    if text in _BOOL12:
        return _BOOL12[text]
    if _INT12.fullmatch(text):
        try:
            return int(text)
        except ValueError:
            # Over Python's limit on decimal digits (sys.get_int_max_str_digits(), 4300):
            # still a number to a YAML 1.2 reader, which in JavaScript is a float.
            return float(text)
    if _OCT12.fullmatch(text):
        return int(text[2:], 8)
    if _HEX12.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT12.fullmatch(text):
        return float(text)
    if _INF12.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN12.fullmatch(text):
        return math.nan
    return text


def value12(node: yaml.Node, _depth: int = 0) -> Any:
    """A node's value under YAML 1.2 (JSON-compatible: str/int/float/bool/None/list/dict)."""
    if _depth > 100:
        return None
    if isinstance(node, yaml.ScalarNode):
        if is_implicit(node):
            return resolve12(node.value)
        if node.tag == STR or node.style:
            return node.value
        try:  # an explicit tag such as !!int: both dialects obey it
            return construct(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return node.value
    if isinstance(node, yaml.SequenceNode):
        return [value12(n, _depth + 1) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        out = {}
        for k, v in node.value:
            key = value12(k, _depth + 1)
            out[key if isinstance(key, (str, int, float, bool, type(None))) else str(key)] = value12(v, _depth + 1)
        return out
    return None


STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def is_implicit(node: yaml.ScalarNode) -> bool:
    """A plain scalar without an explicit tag: its type comes from the reader's schema."""
    return not node.style and node.tag == _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))


def readings_differ(node: yaml.ScalarNode) -> bool:
    """Does a plain scalar mean different things to YAML 1.1 and YAML 1.2 readers?"""
    if not is_implicit(node):
        return False
    try:
        v11 = construct(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return True
    return not same_value(v11, resolve12(node.value))


def same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# -- writing scalars ---------------------------------------------------------

# What YAML cannot hold unquoted: outside its printable set (tab, LF, CR, x20-x7E, x85,
# xA0-uD7FF, uE000-uFFFD, astral), plus the line breaks and BOM it treats specially.  Listed
# as the few excluded ranges rather than the negated allowed ones: `re` builds a table entry
# per code point of a class's ranges below U+FFFF when it compiles, at every start-up.
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def plain_ok(text: str, flow: bool = False) -> bool:
    """Can `text` be written unquoted and read back as the same string by 1.1 AND 1.2 readers?"""
    if not text or text != text.strip() or _NON_PRINTABLE.search(text) or "\n" in text or "\r" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    if text[0] in _INDICATORS and not (text[0] in "-?:" and len(text) > 1 and text[1] not in " \t"):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if not isinstance(resolve12(text), str):
        return False
    try:
        loaded = yaml.load(f"k: {text}\n", Loader=SafeLoader)
    except (yaml.YAMLError, ValueError, OverflowError):
        return False
    return isinstance(loaded, dict) and loaded.get("k") == text and type(loaded.get("k")) is str


def quote(text: str, prefer: str = '"') -> str:
    """A quoted YAML scalar meaning exactly `text` (same in 1.1 and 1.2)."""
    printable = not _NON_PRINTABLE.search(text) and "\n" not in text and "\r" not in text and "\t" not in text
    if printable and prefer == "'" and text:
        return "'" + text.replace("'", "''") + "'"
    if printable and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if printable and text:
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in text) + '"'


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _escape(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    if _NON_PRINTABLE.fullmatch(c):
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
    return c


def scalar(text: str, flow: bool = False) -> str:
    """`text` as a plain scalar when that is safe for both dialects, else quoted."""
    return text if plain_ok(text, flow) else quote(text)


# -- checking edits before offering them ---------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """The front matter after some edits: whether it parses, and its values in both dialects."""

    ok: bool
    value: Any = None  # PyYAML (1.1)
    value12: Any = None


def outcome(front: FrontMatter, edits: list[Edit] | tuple[Edit, ...]) -> Outcome:
    """Re-parse the front matter with `edits` (file offsets inside it) applied."""
    raw = apply(front, edits)
    try:
        node = yaml.compose(raw, Loader=SafeLoader)
        if node is None:
            return Outcome(True)
        reading12 = value12(node)  # before construct(), which flattens merge keys in place
        return Outcome(True, construct(node, throwaway=True), reading12)
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return Outcome(False)


def apply(front: FrontMatter, edits: list[Edit] | tuple[Edit, ...]) -> str:
    raw, base = front.raw, front.content_start
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        s, t = e.start - base, e.end - base
        if s < pos or s < 0 or t > len(raw):
            raise ValueError("edit outside the front matter or overlapping")
        out.append(raw[pos:s])
        out.append(e.content)
        pos = t
    out.append(raw[pos:])
    return "".join(out)


@lru_cache(maxsize=4)
def current(front: FrontMatter) -> Outcome:
    """The front matter as it is (what `outcome` compares against), read once per file for
    every FM rule that verifies a fix: its YAML 1.2 reading walks every node in Python.
    Keyed on the FrontMatter object itself (compared by identity), like `_top_entries`;
    callers only read it."""
    node = front.yaml_node
    return Outcome(front.parsed_ok, front.value, value12(node) if node is not None else None)


def keeps_others(before: Outcome, after: Outcome, changed: Callable[[Any], bool]) -> bool:
    """Both parse as mappings and agree (in both dialects) on every key `changed` does not select."""
    if not (before.ok and after.ok):
        return False
    for old, new in ((before.value, after.value), (before.value12, after.value12)):
        if not isinstance(old, dict) or not isinstance(new, dict):
            return False
        if {k: v for k, v in old.items() if not changed(k)} != {k: v for k, v in new.items() if not changed(k)}:
            return False
    return True


def key_offset(doc: Document, front: FrontMatter, key: str) -> int:
    """File offset of a top-level key (YAML via the node tree, TOML/JSON by its line), else of the front matter."""
    if front.kind == "yaml":
        for entry in top_entries(doc)[::-1]:  # the last one is what readers see
            if entry.key == key:
                return entry.key_start
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=:]", re.MULTILINE)
    m = pattern.search(front.raw)
    return front.content_start + m.start() + (len(m.group()) - len(m.group().lstrip())) if m else front.start


def scalar_region(front: FrontMatter, node: yaml.ScalarNode) -> tuple[int, int]:
    """The source text of a scalar: a block scalar from its indicator to the end of its last content line."""
    start, end = node_span(front, node)
    if node.style not in ("|", ">"):
        return start, end
    raw, base = front.raw, front.content_start
    body = raw[start - base : end - base].rstrip(" \t\r\n")
    last = start + len(body)
    m = _BREAK.search(raw, last - base)
    return start, base + m.start() if m else base + len(raw)


_TAG_COMMENT = re.compile(r"[ \t]+(#[^\s#,\[\]{}]+(?:[ \t,]+#[^\s#,\[\]{}]+)*)[ \t,]*")


def tag_comment(front: FrontMatter, node: yaml.ScalarNode) -> re.Match | None:
    """`#foo #bar` right after an empty value: tags that YAML read as a comment."""
    if node.value or node.style:
        return None
    at = front.offset_of(node.start_mark) - front.content_start
    m = _BREAK.search(front.raw, at)
    rest = front.raw[at : m.start() if m else len(front.raw)]
    return _TAG_COMMENT.fullmatch(rest)


def key_is(key: Any) -> Callable[[Any], bool]:
    """The `changed` selector for `keeps_others` when one key may change."""
    return lambda k: k == key


def never(_key: Any) -> bool:
    """The `changed` selector for `keeps_others` when no value may change."""
    return False


def verify_each(front: FrontMatter, candidates: list, check: Callable[[Outcome, list], bool]) -> list[bool]:
    """Which candidate fixes pass `check`.

    `candidates` holds (edits, payload) pairs or None (no fix); `check(after,
    payloads)` judges the front matter re-parsed with the edits of the given
    payloads' candidates.  All candidates are tried together first, one re-parse
    for any number of findings; only when that fails is each tried alone, within a
    budget.
    """
    live = [c for c in candidates if c is not None]
    if not live:
        return [False] * len(candidates)
    edits = [e for c in live for e in c[0]]
    if _disjoint(edits) and check(outcome(front, edits), [c[1] for c in live]):
        return [c is not None for c in candidates]
    budget = Budget()
    return [c is not None and budget.take() and check(outcome(front, c[0]), [c[1]]) for c in candidates]


def _disjoint(edits: list[Edit]) -> bool:
    spans = sorted((e.start, e.end) for e in edits)
    return all(a[1] <= b[0] and a != b for a, b in pairwise(spans))


class Budget:
    """How many fixes one rule may verify one by one in one document.

    Each verification re-parses the whole front matter, so checking every one of
    a thousand findings would be quadratic.  Past the budget a finding is still
    reported, without a fix; the fixer's next pass offers the next ones.
    """

    def __init__(self, checks: int = 25) -> None:
        self.left = checks

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0
