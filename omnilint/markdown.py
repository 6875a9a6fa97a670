"""The parse layer: one adapter from pyromark's events to positioned nodes.

pyromark (pulldown-cmark) gives every block and inline element a UTF-8 byte
range; this module turns them into `Node`s with character offsets into the
document, and adds the Obsidian constructs CommonMark has no event for (tags,
block ids, highlights, comments, callouts) by scanning only the *text* runs, so
nothing inside code, HTML or link destinations is ever mistaken for syntax.

One module: every part of it answers one question, where a thing is in the document's
text.  The event loop, the Logseq outline view (an offset-preserving reading of a graph's
page) and its position map, the Obsidian scan over prose runs and the link-destination
spans all produce or consume the same character offsets; apart, a change to one (a new
view, a new node kind) could silently shift the others' positions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyromark

from .obsidian import BLOCK_ID, CALLOUT, COMMENT, HIGHLIGHT, HIGHLIGHT_OPEN, TAG
from .text import ByteToChar, parser_input

OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_WIKILINKS
    | pyromark.Options.ENABLE_GFM
    | pyromark.Options.ENABLE_MATH
)

# Block kinds whose direct inline content is prose.
LEAF_BLOCKS = frozenset({"paragraph", "heading", "table_cell"})
# A callout is a blockquote whose first line is `[!type]` (the parse renames it).
CONTAINER_BLOCKS = frozenset(
    {"blockquote", "callout", "list", "item", "footnote_definition", "table", "table_head", "table_row"}
)
BLOCK_KINDS = LEAF_BLOCKS | CONTAINER_BLOCKS | {"code_block", "html_block", "thematic_break", "math_block"}

_SIMPLE_STARTS = {
    "Paragraph": "paragraph",
    "Item": "item",
    "Emphasis": "emphasis",
    "Strong": "strong",
    "Strikethrough": "strikethrough",
    "TableHead": "table_head",
    "TableRow": "table_row",
    "TableCell": "table_cell",
    "HtmlBlock": "html_block",
    "Superscript": "superscript",
    "Subscript": "subscript",
    "DefinitionList": "list",
    "DefinitionListTitle": "item",
    "DefinitionListDefinition": "item",
}
_DICT_STARTS = {
    "Heading": "heading",
    "BlockQuote": "blockquote",
    "CodeBlock": "code_block",
    "List": "list",
    "FootnoteDefinition": "footnote_definition",
    "Table": "table",
    "Link": "link",
    "Image": "image",
    "MetadataBlock": "metadata",
}


@dataclass(slots=True, eq=False)
class Node:
    """A positioned element. Offsets are characters into the whole document text.

    A node holds its children, never its parent (`Document.parent` finds it): the tree
    has no reference cycles, so it is freed as soon as its Document is, without the
    cyclic garbage collector.
    """

    kind: str
    start: int
    end: int
    children: list[Node] = field(default_factory=list)
    # Kind-specific data, kept flat for speed.
    level: int = 0  # heading level; list start number (0 = bullet)
    url: str = ""  # link/image destination as the parser resolved it; code block info
    title: str = ""
    label: str = ""  # reference label, footnote label, callout type, tag name, block id
    link_type: str = ""  # inline, reference, collapsed, shortcut, autolink, email, wikilink
    value: str = ""  # text/code/html content as parsed (entities decoded)

    def __repr__(self) -> str:  # keeps debugging output short
        return f"Node({self.kind}, {self.start}:{self.end})"

    def walk(self) -> Iterator[Node]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def plain_text(self) -> str:
        """The text a reader sees (entities decoded, markup dropped)."""
        parts: list[str] = []
        for node in self.walk():
            if node.kind in ("text", "code", "math"):
                parts.append(node.value)
            elif node.kind in ("softbreak", "hardbreak"):
                parts.append(" ")
        return "".join(parts)

    @property
    def is_embed(self) -> bool:
        return self.kind == "image" and self.link_type == "wikilink"


@dataclass(slots=True)
class ParsedBody:
    root: Node
    nodes: list[Node]  # every node in document order (root excluded)
    text_runs: list[tuple[int, int]]  # contiguous prose source ranges outside code
    code_ranges: list[tuple[int, int]]  # code blocks, code spans, math, raw HTML
    obsidian: list[Node]  # tag, block_id, highlight, comment nodes


def _link_type(raw: object) -> str:
    if isinstance(raw, dict):  # {"WikiLink": {"has_pothole": bool}}
        return "wikilink"
    name = str(raw)
    for suffix in ("Unknown",):  # ShortcutUnknown etc. are unresolved references
        name = name.replace(suffix, "")
    return name.lower()


def _start_node(tag: object, start: int, end: int) -> Node:
    if isinstance(tag, str):
        return Node(_SIMPLE_STARTS.get(tag, tag.lower()), start, end)
    ((name, data),) = tag.items()  # type: ignore[attr-defined]  # a one-key mapping from pyromark
    kind = _DICT_STARTS.get(name, name.lower())
    node = Node(kind, start, end)
    if name == "Heading":
        node.level = int(data["level"][1:])
    elif name == "List":
        node.level = data or 0
    elif name == "CodeBlock":
        node.url = data.get("Fenced", "") if isinstance(data, dict) else ""
        node.label = "fenced" if isinstance(data, dict) else "indented"
    elif name in ("Link", "Image"):
        node.url = data["dest_url"]
        node.title = data["title"]
        node.label = data["id"]
        node.link_type = _link_type(data["link_type"])
    elif name == "FootnoteDefinition":
        node.label = data
    elif name == "BlockQuote":
        node.label = str(data).lower() if data else ""
    return node


_LEAF_EVENTS = {
    "Text": "text",
    "Code": "code",
    "Html": "html",
    "InlineHtml": "html",
    "FootnoteReference": "footnote_ref",
    "InlineMath": "math",
    "DisplayMath": "math",
    "TaskListMarker": "task_marker",
}
_CODE_KINDS = frozenset({"code", "math", "html"})
_NOT_PROSE = frozenset({"code_block", "html_block", "metadata"})


_BREAKS = {"SoftBreak": "softbreak", "HardBreak": "hardbreak", "Rule": "thematic_break"}
_LINK_KINDS = frozenset({"link", "image"})
_CODE_CONTAINERS = frozenset({"code_block", "html_block"})


class OutlineView:
    """A Logseq page as CommonMark can read it, with every position mapped back to the source.

    Logseq writes a page as an outline: each block is a line `- …` indented by one tab
    (or two spaces) per level, and the block's further lines (`key:: value` properties,
    more text) carry the block's indentation plus two spaces.  CommonMark reads a tab-indented
    `\\t- [title](url)` after a heading as an *indented code block*, so no rule would see its
    links.  The view rewrites only the leading indentation of such lines: a block at depth d
    gets 2·d spaces (a list item nested in its parent), its further lines the item's content
    column, and nothing is ever left at four columns that would make indented code.  Every
    other character is kept, so a position in the view maps to one in the source
    (`to_source`); fixes edit the source text, never the view.
    """

    __slots__ = ("_segments", "_view_starts", "text")

    def __init__(self, text: str, view_starts: list[int], segments: list[tuple[int, int, int]]) -> None:
        self.text = text
        # Per rewritten line: its start in the view, and (its start in the source, the view
        # prefix's width, the number of source characters that prefix replaced).
        self._view_starts = view_starts
        self._segments = segments

    def to_source(self, pos: int, end: bool = False) -> int:
        """The source offset of view offset `pos` (monotonic; a position inside a rewritten
        indentation maps into the source indentation it replaced).

        A rewritten line's start in the view is both the line's start and, when its new
        indentation is empty, its content's start: `end` (the exclusive end of a range) takes
        the line's start, so a heading ends before the next line's tabs and a block starts at
        its `-`.
        """
        i = bisect_right(self._view_starts, pos) - 1
        if i < 0:
            return pos
        source_start, width, replaced = self._segments[i]
        rel = pos - self._view_starts[i]
        if rel < width or (end and rel == 0):
            return source_start + min(rel, replaced)
        return source_start + replaced + rel - width


_LEADING_BLANKS = re.compile(r"[ \t]*")
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})")
_HAS_INDENTED_LINE = re.compile(r"^[ \t]+\S", re.M)


def _columns(indent: str) -> int:
    """The width of leading blanks, tabs to the next multiple of four (as CommonMark counts)."""
    width = 0
    for ch in indent:
        width = width + 4 - width % 4 if ch == "\t" else width + 1
    return width


def outline_view(body: str) -> OutlineView | None:
    """The Logseq outline view of `body` (see OutlineView), or None when no line is indented
    (the text already reads as the outline it is).  Linear: one pass over the lines."""
    text = parser_input(body)  # same length; lone CRs are line ends here as for the parser
    if _HAS_INDENTED_LINE.search(text) is None:
        return None
    pieces: list[str] = []
    view_starts: list[int] = []
    segments: list[tuple[int, int, int]] = []
    # Open blocks, outermost first: (indent width, content column in the view, content column
    # in the source counted in characters from the line start).
    blocks: list[tuple[int, int, int]] = []
    fence: tuple[str, int, int, int] | None = None  # open fenced code: (char, length, view column, source chars)
    view_pos = pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        indent = _LEADING_BLANKS.match(text, pos, end).end() - pos  # type: ignore[union-attr]  # always matches
        rest = pos + indent
        content_end = end - 1 if nl >= 0 else end
        if content_end > rest and text[content_end - 1] == "\r":
            content_end -= 1
        width, replaced = 0, 0
        if fence is not None:  # inside fenced code: the lines belong to the block that opened it
            char, length, width, source_col = fence
            replaced = min(indent, source_col)
            stripped = text[rest:content_end]
            run = len(stripped) - len(stripped.lstrip(char))
            if run >= length and not stripped[run:].strip(" \t"):
                fence = None
        elif rest >= content_end:  # a blank line: blank in any reading
            pass
        elif text[rest] == "-" and (rest + 1 == content_end or text[rest + 1] in " \t"):  # a block `- …`
            level = _columns(text[pos:rest])
            while blocks and blocks[-1][0] >= level:
                blocks.pop()
            width, replaced = 2 * len(blocks), indent
            blocks.append((level, width + 2, indent + 2))
            m = _FENCE_OPEN.match(text, rest + 2, content_end)
            if m is not None:
                fence = (m.group(1)[0], len(m.group(1)), width + 2, indent + 2)
        elif indent == 0:  # text at the margin ends every open block (a heading, a page property)
            blocks.clear()
            m = _FENCE_OPEN.match(text, rest, content_end)
            if m is not None:
                fence = (m.group(1)[0], len(m.group(1)), 0, 0)
        else:  # a further line of the deepest open block less indented than it
            level = _columns(text[pos:rest])
            while blocks and blocks[-1][0] >= level:
                blocks.pop()
            if blocks:
                width, source_col = blocks[-1][1], blocks[-1][2]
                replaced = min(indent, source_col)
            else:  # no block holds it: text at the margin, never indented code
                width = source_col = 0
                replaced = indent
            m = _FENCE_OPEN.match(text, rest, content_end)
            if m is not None:
                fence = (m.group(1)[0], len(m.group(1)), width, replaced)
        if width == replaced and text.startswith(" " * replaced, pos):
            pieces.append(text[pos:end])  # nothing to rewrite on this line
            view_pos += end - pos
        else:
            view_starts.append(view_pos)
            segments.append((pos, width, replaced))
            pieces.append(" " * width)
            pieces.append(text[pos + replaced : end])
            view_pos += width + end - pos - replaced
        pos = end
    if not segments:
        return None
    return OutlineView("".join(pieces), view_starts, segments)


def _from_view(parsed: ParsedBody, view: OutlineView, offset: int, length: int) -> ParsedBody:
    """`parsed` (a parse of `view.text` at offset 0) with every position moved to the source."""
    to_source = view.to_source
    for node in parsed.nodes:
        node.start = to_source(node.start) + offset
        node.end = max(to_source(node.end, True) + offset, node.start)
    root = parsed.root
    root.start, root.end = offset, offset + length
    parsed.text_runs[:] = [(to_source(s) + offset, to_source(e, True) + offset) for s, e in parsed.text_runs]
    parsed.code_ranges[:] = [(to_source(s) + offset, to_source(e, True) + offset) for s, e in parsed.code_ranges]
    return parsed


def parse(body: str, offset: int = 0, outline: bool = False) -> ParsedBody:
    """Parse `body` (which starts at character `offset` of the document).

    `outline`: the body is a Logseq page, whose indented lines are outline nesting, never
    code (OutlineView); positions are still offsets into `body`.

    The hot loop of every run (one iteration per parser event), so it is written
    for speed: offsets of ASCII text need no conversion, End events need none at
    all, and an open-link counter replaces a walk up the stack per text event
    (links never contain blocks, so "inside a link" is "a link is open").
    """
    if outline:
        view = outline_view(body)
        if view is not None:
            return _from_view(parse(view.text), view, offset, len(body))
    root = Node("document", offset, offset + len(body))
    nodes: list[Node] = []
    text_runs: list[tuple[int, int]] = []
    code_ranges: list[tuple[int, int]] = []
    blockquotes: list[Node] = []
    append_node = nodes.append
    stack = [root]
    parent = root
    siblings = root.children
    links_open = 0
    run_start = run_end = -1  # the prose run being extended
    to_char = None if body.isascii() else ByteToChar(body)
    # Character offsets already converted, by their byte offset: an event mostly starts where
    # the one before it started or ended, so most offsets are converted once.
    converted: dict[int, int] = {}
    known = converted.get
    data: Any  # an event's payload: a str for Text, Code and the like, a mapping or None for others
    simple_starts, leaf_events, breaks = _SIMPLE_STARTS, _LEAF_EVENTS, _BREAKS
    for event, rng in pyromark.events_with_range(parser_input(body), options=OPTIONS):
        if event.__class__ is str:  # SoftBreak, HardBreak, Rule
            if to_char is None:
                start, end = rng["start"] + offset, rng["end"] + offset
            else:
                start, end = to_char(rng["start"]) + offset, to_char(rng["end"]) + offset
            node = Node(breaks.get(event) or event.lower(), start, end)
            siblings.append(node)
            append_node(node)
            continue
        ((name, data),) = event.items()  # type: ignore[union-attr]  # strings were handled above
        if name == "End":
            if len(stack) > 1:
                if parent.kind in _LINK_KINDS:
                    links_open -= 1
                stack.pop()
                parent = stack[-1]
                siblings = parent.children
            continue
        if to_char is None:
            start, end = rng["start"] + offset, rng["end"] + offset
        else:
            byte_start, byte_end = rng["start"], rng["end"]
            known_start, known_end = known(byte_start), known(byte_end)
            if known_start is None:
                start = converted[byte_start] = to_char(byte_start) + offset
            else:
                start = known_start
            if known_end is not None:
                end = known_end
            else:
                # A text event whose source is its text verbatim ends len(text) characters
                # later: its bytes are the text's, so no conversion is needed.
                if (
                    name == "Text"
                    and len(data.encode()) == byte_end - byte_start
                    and body.startswith(data, start - offset)
                ):
                    end = start + len(data)
                else:
                    end = to_char(byte_end) + offset
                converted[byte_end] = end
        if name == "Text":  # the commonest event, on its own short path
            node = Node("text", start, end, [], 0, "", "", "", "", data)
            if not links_open and parent.kind not in _NOT_PROSE:
                if run_end == start:
                    run_end = end
                else:
                    if run_start >= 0:
                        text_runs.append((run_start, run_end))
                    run_start, run_end = start, end
            siblings.append(node)
            append_node(node)
            continue
        if name == "Start":
            if data.__class__ is str:
                node = Node(simple_starts.get(data) or data.lower(), start, end)
            else:
                node = _start_node(data, start, end)
            kind = node.kind
            if kind in _LINK_KINDS:
                links_open += 1
            elif kind in _CODE_CONTAINERS:
                code_ranges.append((start, end))
            elif kind == "blockquote":
                blockquotes.append(node)
            siblings.append(node)
            append_node(node)
            stack.append(node)
            parent = node
            siblings = node.children
            continue
        kind = leaf_events.get(name) or name.lower()
        node = Node(kind, start, end, [], 0, "", "", "", "", data if data.__class__ is str else str(data))
        if kind in _CODE_KINDS:
            code_ranges.append((start, end))
            if name == "DisplayMath":
                node.label = "display"
        elif kind == "footnote_ref":
            node.label = str(data)
        siblings.append(node)
        append_node(node)
    if run_start >= 0:
        text_runs.append((run_start, run_end))
    _mark_callouts(blockquotes, body, offset)
    return ParsedBody(root, nodes, text_runs, code_ranges, [])


def _mark_callouts(blockquotes: list[Node], body: str, offset: int) -> None:
    for node in blockquotes:
        if node.children and node.children[0].kind == "paragraph":
            first = node.children[0]
            m = CALLOUT.match(body, first.start - offset)
            if m:
                node.kind = "callout"
                node.label = m.group(1).lower()


def scan_obsidian(text: str, runs: list[tuple[int, int]]) -> list[Node]:
    """Tags, block ids and highlights found in prose runs of `text`."""
    found: list[Node] = []
    for start, end in runs:
        chunk = text[start:end]
        if "#" in chunk:
            for m in TAG.finditer(text, start, end):
                found.append(Node("tag", m.start(), m.end(), label=m.group(1)))
        if "^" in chunk:
            for m in BLOCK_ID.finditer(text, start, end):
                found.append(Node("block_id", m.start(), m.end(), label=m.group(1)))
        if "==" in chunk:
            for m in _highlights(text, start, end):
                found.append(Node("highlight", m.start(), m.end(), value=m.group(1)))
        if "%%" in chunk:
            for m in COMMENT.finditer(text, start, end):
                found.append(Node("comment", m.start(), m.end(), value=m.group(1)))
    found.sort(key=lambda n: n.start)
    return found


_LINE_BREAK = re.compile(r"[\r\n]")


def _highlights(text: str, start: int, end: int) -> Iterator[re.Match]:
    """The matches of `HIGHLIGHT.finditer(text, start, end)`, in linear time.

    The regex alone is quadratic on a line of `==` that never close: each opener scans
    to the end of the line.  An opener that finds no closer before the end of its line
    leaves none for a later opener on that line (its closers would be the first one's),
    so after a failure the scan goes on at the next line.
    """
    pos = start
    while True:
        opener = HIGHLIGHT_OPEN.search(text, pos, end)
        if opener is None:
            return
        m = HIGHLIGHT.match(text, opener.start(), end)
        if m is None:
            line_end = _LINE_BREAK.search(text, opener.start(), end)  # a highlight never spans lines
            if line_end is None:
                return
            pos = line_end.end()
            continue
        yield m
        pos = m.end()


_BLANKS = re.compile(r"[ \t\r\n]*")
_DESTINATION_STOP = re.compile(r"[ \t\r\n()\\]")


def destination_span(text: str, node: Node) -> tuple[int, int] | None:
    """Source span of an inline link's or image's destination, or None.

    pyromark gives the whole element; the destination is what follows the
    closing bracket of the link text: `](dest "title")` or `<dest>` for autolinks.
    """
    if node.link_type == "autolink" or node.link_type == "email":
        return node.start + 1, node.end - 1
    if node.link_type != "inline":
        return None
    # The text ends at the last child (or just after the opening bracket).
    pos = node.children[-1].end if node.children else node.start + (2 if node.kind == "image" else 1)
    close = text.find("](", pos, node.end)
    if close < 0:
        return None
    i = _BLANKS.match(text, close + 2, node.end).end()  # type: ignore[union-attr]  # always matches
    if i < node.end and text[i] == "<":
        j = text.find(">", i + 1, node.end)
        return (i + 1, j) if j >= 0 else None
    limit = node.end - 1
    # Most destinations hold no `(` or backslash: the first blank or `)` ends them, found in C.
    stop = _DESTINATION_STOP.search(text, i, limit)
    if stop is None:
        return i, limit
    j = stop.start()
    if text[j] not in "(\\":
        return i, j
    depth = 0
    while j < limit:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch in " \t\r\n":
            break
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    return i, min(j, node.end - 1)


def render_html(text: str, outline: bool = False) -> str:
    """The rendered HTML used to prove a fix changed nothing a reader sees (`outline`: a
    Logseq page, rendered as the outline it is)."""
    if outline:
        view = outline_view(text)
        if view is not None:
            text = view.text
    return pyromark.html(parser_input(text), options=OPTIONS)


_DEFINITIONS_PARSER = pyromark.Markdown(options=OPTIONS)


def reference_definitions(body: str, offset: int = 0, outline: bool = False) -> list[Node]:
    """Link reference definitions (`[label]: dest "title"`) of `body` as `definition` Nodes.

    label is the label as written (the first definition of a label wins, as in
    CommonMark; later duplicates are not listed), url the destination with
    entities resolved, title the title; start/end cover the definition without
    any container prefix (`> `) or the final line break.  Footnote definitions
    are nodes of the parse tree already (`footnote_definition`).  `outline`: a
    Logseq page, read as the outline it is (OutlineView).
    """
    if "]:" not in body:  # no definition can exist; skip the second parse
        return []
    view = outline_view(body) if outline else None
    to_source = view.to_source if view is not None else (lambda pos, end=False: pos)
    if view is not None:
        body = view.text
    to_char = ByteToChar(body)
    found = []
    for label, data in _DEFINITIONS_PARSER.reference_definitions(parser_input(body)).items():
        span = data["span"]
        found.append(
            Node(
                "definition",
                to_source(to_char(span["start"])) + offset,
                to_source(to_char(span["end"]), True) + offset,
                label=label,
                url=data["dest"],
                title=data["title"] or "",
            )
        )
    found.sort(key=lambda n: n.start)
    return found
