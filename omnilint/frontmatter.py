"""Find front matter (YAML `---`, TOML `+++`, JSON `{…}`) with exact spans and errors.

Detection follows python-frontmatter's handlers (same delimiters), but keeps the
offsets of every part so rules can report real positions and fix by text edits.
YAML is only ever loaded with a *safe* loader (the C one when PyYAML has it).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_OPEN = {"---": "yaml", "+++": "toml"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# Front matter larger than this is not parsed (a file that is "all front matter"
# because the closing delimiter is missing is reported by FM002 instead).
MAX_FRONT_MATTER = 1 << 20


@dataclass(frozen=True, slots=True)
class FrontMatterError:
    message: str
    line: int  # 1-based line in the file
    column: int  # 1-based, in characters
    index: int | None = None  # character index into FrontMatter.raw, when the parser gave one


@dataclass(eq=False)
class FrontMatter:
    kind: str  # yaml | toml | json
    start: int  # offset of the opening delimiter
    content_start: int
    content_end: int
    end: int  # offset just after the closing delimiter line; the body starts here
    raw: str
    first_line: int  # 1-based file line of the first content line
    closed: bool = True
    value: Any = None
    error: FrontMatterError | None = None
    _parsed: bool = field(default=False, repr=False)

    @property
    def parsed_ok(self) -> bool:
        self.parse()
        return self.closed and self.error is None

    @property
    def mapping(self) -> dict | None:
        self.parse()
        return self.value if isinstance(self.value, dict) else None

    def parse(self) -> None:
        if self._parsed:
            return
        self._parsed = True
        if not self.closed:
            return
        self.value, self.error = load(self.kind, self.raw, self.first_line)

    @cached_property
    def yaml_node(self) -> yaml.Node | None:
        """The composed YAML node tree (positions of keys and values), or None."""
        if self.kind != "yaml" or not self.parsed_ok:
            return None
        try:
            return yaml.compose(self.raw, Loader=SafeLoader)
        except yaml.YAMLError:
            return None

    def offset_of(self, mark: yaml.Mark) -> int:
        """File offset of a YAML mark.

        The mark's character index is used, not its line/column: YAML also counts
        U+0085, U+2028 and U+2029 as line breaks, the file's line index does not.
        """
        return min(self.content_start + mark.index, self.content_end)

    @property
    def error_offset(self) -> int | None:
        """File offset of the parse error, or None (no error, or no position known)."""
        self.parse()
        if self.error is None:
            return None
        if self.error.index is None:
            return self.content_start
        return min(self.content_start + self.error.index, self.content_end)


def find(text: str) -> FrontMatter | None:
    """Front matter at the very start of `text` (after a BOM was set aside)."""
    if text.startswith("{"):
        return _find_json(text)
    first = _LINE.match(text)
    assert first is not None
    delim = first.group().rstrip("\r\n").rstrip(" \t")
    kind = _OPEN.get(delim)
    if kind is None or not first.group().endswith(("\n", "\r")):
        return None
    # Only `---` closes YAML: Obsidian and python-frontmatter ignore YAML's `...`.
    closers = ("---",) if kind == "yaml" else ("+++",)
    pos = first.end()
    line_no = 2
    while pos < len(text):
        m = _LINE.match(text, pos)
        assert m is not None
        if m.group().rstrip("\r\n").rstrip(" \t") in closers:
            return FrontMatter(kind, 0, first.end(), pos, m.end(), text[first.end() : pos], 2)
        pos = m.end()
        line_no += 1
    return FrontMatter(kind, 0, first.end(), len(text), len(text), text[first.end() :], 2, closed=False)


def _find_json(text: str) -> FrontMatter | None:
    # python-frontmatter's JSON handler: a `{…}` object ending on a line of its own.
    m = re.search(r"^\}[ \t]*(?:\r\n|\r|\n|$)", text, re.M)
    if m is None:
        return None
    return FrontMatter("json", 0, 0, m.start() + 1, m.end(), text[: m.start() + 1], 1)


# Possessive (`++`): giving a blank line back could never put `---` next, and the engine
# then keeps no state to go back through each of them.
_LEADING_BLANKS = re.compile(r"(?:[ \t]*(?:\r\n|\r(?!\n)|\n))++(?=---[ \t]*(?:\r\n|\r|\n))")


def displaced(text: str) -> int | None:
    """Offset of a `---` block that would be front matter but for leading blank lines."""
    # `\r(?!\n)`: the line breaks must not overlap (`\r\n` read as `\r` then `\n`), or
    # a failed match tries 2^n ways through n CRLF blank lines.
    m = _LEADING_BLANKS.match(text)
    if m is None:
        return None
    rest = find(text[m.end() :])
    return m.end() if rest is not None and rest.closed else None


def load(kind: str, raw: str, first_line: int) -> tuple[Any, FrontMatterError | None]:
    if len(raw) > MAX_FRONT_MATTER:
        return None, FrontMatterError(f"front matter larger than {MAX_FRONT_MATTER} characters", first_line, 1)
    if kind == "yaml":
        return _load_yaml(raw, first_line)
    if kind == "toml":
        import tomllib

        try:
            return tomllib.loads(raw), None
        except tomllib.TOMLDecodeError as exc:
            return None, _toml_error(exc, raw, first_line)
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, _error_at(f"invalid JSON: {exc.msg}", raw, exc.pos, first_line)


_BREAK = re.compile(r"\r\n|\r|\n")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _error_at(message: str, raw: str, index: int, first_line: int) -> FrontMatterError:
    """An error at a character index of `raw`, with the file's line/column (same line breaks as LineIndex)."""
    index = max(0, min(index, len(raw)))
    breaks = list(_BREAK.finditer(raw, 0, index))
    line_start = breaks[-1].end() if breaks else 0
    return FrontMatterError(message, first_line + len(breaks), index - line_start + 1, index)


def _toml_error(exc: Exception, raw: str, first_line: int) -> FrontMatterError:
    # Python < 3.14 only puts the position in the message: "... (at line 2, column 5)".
    text = str(exc)
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    m = _TOML_AT.search(text)
    if m is not None:
        text = text[: m.start()]
        line, col = line or int(m.group(1)), col or int(m.group(2))
    msg = getattr(exc, "msg", None) or text
    if not line:
        return FrontMatterError(f"invalid TOML: {msg}", first_line, 1)
    # tomllib counts lines by "\n" only, and columns in characters.
    lines = raw.split("\n")
    index = sum(len(x) + 1 for x in lines[: line - 1]) + (col or 1) - 1
    return _error_at(f"invalid TOML: {msg}", raw, index, first_line)


# Aliases let ten lines stand for a billion values ("billion laughs").  PyYAML shares
# them, but whatever walks the value (a rule, JSON for the cache) would expand them.
MAX_EXPANDED_VALUES = 100_000


def _load_yaml(raw: str, first_line: int) -> tuple[Any, FrontMatterError | None]:
    try:
        if "*" in raw and _expanded_size(yaml.compose(raw, Loader=SafeLoader)) > MAX_EXPANDED_VALUES:
            message = f"invalid YAML: its aliases expand to more than {MAX_EXPANDED_VALUES} values; not read"
            return None, FrontMatterError(message, first_line, 1)
        return yaml.load(raw, Loader=SafeLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark is not None:
            # "could not find expected ':'" is noticed a line late; the culprit is
            # the line where the would-be key started.
            mark = exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        if mark is None:
            return None, FrontMatterError(f"invalid YAML: {problem}", first_line, 1)
        return None, _error_at(f"invalid YAML: {problem}", raw, mark.index, first_line)
    except ValueError as exc:
        at = _too_long_integer(raw)
        if at is None:  # another constructor error without a mark (e.g. a date out of range)
            return None, FrontMatterError(f"invalid YAML: {exc}", first_line, 1)
        index, digits = at
        message = (
            f"invalid YAML: an integer of {digits} digits, more than Python's YAML readers "
            f"accept ({sys.get_int_max_str_digits()})"
        )
        return None, _error_at(message, raw, index, first_line)
    except (yaml.YAMLError, OverflowError, RecursionError) as exc:
        # Constructor errors without marks.
        return None, FrontMatterError(f"invalid YAML: {exc}", first_line, 1)


def _too_long_integer(raw: str) -> tuple[int, int] | None:
    """(index, digits) of the first integer scalar that Python's int() refuses (too many digits)."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return None
    try:
        root = yaml.compose(raw, Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:  # iterative: the nesting may be deeper than Python's recursion limit
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            digits = sum(c.isdigit() for c in node.value) if node.tag == _INT_TAG else 0
            if digits > limit:
                return node.start_mark.index, digits
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


_INT_TAG = "tag:yaml.org,2002:int"


def _expanded_size(root: yaml.Node | None) -> int:
    """How many nodes `root` stands for with every alias expanded (shared nodes counted per use)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    while stack:  # iterative post-order: the nesting may be deeper than Python's recursion limit
        node, children_done = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else []
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
        elif id(node) not in sizes:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)] if root is not None else 0
