"""The blocks the duplicate rules compare, and how a copy is removed.

A document becomes a flat sequence of `Entry`s in reading order: paragraphs,
headings, simple list items and table rows are compared; code blocks, HTML and
thematic breaks are entries that compare to nothing and so break runs.  Each
comparable entry carries its normalised text (what a reader sees: markup dropped,
entities decoded, whitespace folded, Obsidian block ids and highlight back-links
dropped) and how much information its source holds (links, images, emphasis), so
the rules can keep the richer copy.
"""

from __future__ import annotations

import re
import unicodedata

from omnilint.rules.metadata._common import (
    SECTION_LABELS,
    block_lines,
    content_end,
    first_h1,
    fold,
    heading_text,
    meta_title,
    remove_lines,
    title_variants,
    weight,
)

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit

SEPARATOR_TEXTS = frozenset({"...", "…", "......", "……", "* * *", "***", "· · ·", "⁂", "---", "___"})
_BARRIERS = frozenset({"code_block", "html_block", "thematic_break", "math_block"})
_CONTAINERS = frozenset({"blockquote", "callout", "footnote_definition"})
_INLINE_INFO = frozenset({"link", "image", "emphasis", "strong", "strikethrough", "code", "footnote_ref"})
_BLOCKISH = frozenset(
    {"paragraph", "heading", "blockquote", "callout", "list", "item", "code_block", "html_block", "table",
     "table_head", "table_row", "thematic_break", "footnote_definition", "math_block"}
)
_BACKLINK_HOSTS = ("omnivore.app/me/", "read.readwise.io/read/", "readwise.io/open/")


class Block:
    """One block of a document as the duplicate rules see it; shared by the three rules, so
    read-only.  What only some blocks need (code-likeness, information) is worked out on
    first use."""

    __slots__ = ("_code_like", "_doc", "_info", "depth", "index", "node", "parent", "separator", "size", "text", "zone")

    def __init__(self, doc: Document, node: Node, parent: Node, index: int, depth: int) -> None:
        self._doc, self.node, self.parent, self.index, self.depth = doc, node, parent, index, depth
        self.text = ""  # normalised text ("" for barriers and title headings)
        self.zone = "content"  # "highlights" for highlight lists: they quote the content by design
        self.separator = False
        self.size = 0  # weight of the prose
        self._code_like: bool | None = None
        self._info: int | None = None

    @property
    def code_like(self) -> bool:
        if self._code_like is None:
            self._code_like = looks_like_code(self._doc.text[self.node.start : self.node.end])
        return self._code_like

    @property
    def info(self) -> int:
        if self._info is None:
            self._info = info_of(self._doc, self.node)
        return self._info


class Entry:
    """A block in one rule's view: `key` is its text when it counts on its own."""

    __slots__ = ("block", "key", "tokens")

    def __init__(self, block: Block, key: str | None) -> None:
        self.block, self.key = block, key
        self.tokens: list[str] = []

    node = property(lambda self: self.block.node)
    parent = property(lambda self: self.block.parent)
    index = property(lambda self: self.block.index)
    text = property(lambda self: self.block.text)
    zone = property(lambda self: self.block.zone)
    depth = property(lambda self: self.block.depth)
    separator = property(lambda self: self.block.separator)
    info = property(lambda self: self.block.info)


# -- normalisation -----------------------------------------------------------------------

_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
_BACKLINK_TEXT = re.compile(r"\(?\s*View Highlight\s*\)?|⤴️?")
_SPACE = re.compile(r"\s+")


def _inline_text(node: Node) -> str:
    """Reader-visible text of a leaf block; table rows keep a cell separator.  An image
    stands as an opaque marker of its URL: it is not prose, but two different images
    do not make two blocks equal."""
    if node.kind == "table_row":
        return " | ".join(_visible(cell) for cell in node.children)
    return _visible(node)


def _visible(node: Node) -> str:
    parts: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind in ("text", "code", "math"):
            parts.append(n.value)
        elif n.kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif n.kind == "image":
            parts.append(f" {IMAGE_MARK}{n.url}{IMAGE_MARK} ")
        elif n.kind in ("list", "code_block", "html_block", "task_marker"):
            continue  # a nested list is compared on its own
        else:
            if n.kind == "paragraph" and n is not node:
                parts.append(" ")
            stack.extend(reversed(n.children))
    return "".join(parts)


IMAGE_MARK = "\ufffc"
_IMAGE = re.compile(f"{IMAGE_MARK}[^{IMAGE_MARK}]*{IMAGE_MARK}")


def prose(text: str) -> str:
    """Normalised text without its image markers: what length and similarity are measured on."""
    return _SPACE.sub(" ", _IMAGE.sub(" ", text)).strip() if IMAGE_MARK in text else text


def normalise(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if "^" in text:
        text = _BLOCK_ID.sub("", _SPACE.sub(" ", text))
    # Whitespace folded (split() and re's \s agree) before `\s*View Highlight` is looked
    # for: tried at each space of a long run, it took quadratic time.
    text = " ".join(text.split())
    if "View Highlight" in text or "⤴" in text:
        text = " ".join(_BACKLINK_TEXT.sub(" ", text).split())
    return text


def info_of(doc: Document, node: Node) -> int:
    """How much a copy holds besides its words: links, images, emphasis, block ids."""
    count = sum(1 for n in node.walk() if n.kind in _INLINE_INFO)
    source = doc.text[node.start : node.end]
    return count + (1 if _BLOCK_ID.search(source.rstrip("\r\n")) else 0)


# -- code whose fences were lost -------------------------------------------------------------

_CODE_START = re.compile(
    r"^(?:if ?\(|for ?\(|while ?\(|switch ?\(|\}|else\b|return\b|var |let |const |function\b|def |class \w+[:(]"
    r"|import |from \S+ import|#include|public |private |protected |static |void |int |console\.|print\(|printf\("
    r"|\$ |>>> |// |/\*|\*/|#!|<\/?[a-z][\w-]*[ >]|SELECT |sudo |npm |pip |git |cd |echo )"
)
# What `(?:[{};]|\)\s*:|\):?\s*\{|=>)\s*$`, `==|!=|…|\b[A-Za-z_]\w*\.[A-Za-z_]\w*\(|^[A-Za-z_][\w.\[\]]* = \S`
# matched, taken apart so that no pattern is tried at every position of every line of prose
# (tests/test_engine_speed.py holds the parts to those two patterns).
_CODE_OPERATOR = re.compile(r"==|!=|=>|->|&&|\|\||\+=|-=|\+\+|::")
_CODE_ASSIGNMENT = re.compile(r"[A-Za-z_][\w.\[\]]* = \S")
_DOT_CALL = re.compile(r"\.[A-Za-z_]\w*\(")
_IDENTIFIER_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_CODE_SYMBOLS = re.compile(r"[{}\[\]()<>=;|&$\\]")


def _ends_like_code(line: str) -> bool:
    """Ends in `{`, `}`, `;`, `=>` or `):` (the line is stripped)."""
    last = line[-1]
    return last in "{};" or line.endswith("=>") or (last == ":" and line[:-1].rstrip().endswith(")"))


def _has_method_call(line: str) -> bool:
    """`name.method(`: found from its dot, then the whole word before the dot is checked."""
    if "(" not in line:
        return False
    for m in _DOT_CALL.finditer(line):
        end = start = m.start()
        while start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):  # re's \w
            start -= 1
        if start < end and line[start] in _IDENTIFIER_START:
            return True
    return False


def is_code_line(line: str) -> bool:
    """Does a stripped, non-empty line start, end or operate like code?"""
    return bool(
        _CODE_START.match(line)
        or _ends_like_code(line)
        or _CODE_OPERATOR.search(line)
        or _CODE_ASSIGNMENT.match(line)
        or _has_method_call(line)
    )


def looks_like_code(source: str) -> bool:
    """Is this block code that lost its fences (as exporters often do)?"""
    if "&" in source:
        from html import unescape  # here: html.entities costs every run a few ms to import

        source = unescape(source)
    text = source
    if "```" in text or "~~~" in text:
        return True
    lines = [ln.strip().lstrip("> ").strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return False
    if sum(1 for ln in lines if is_code_line(ln)) * 2 >= len(lines):
        return True
    symbols = len(_CODE_SYMBOLS.findall(text))
    return symbols > 0 and symbols > 0.12 * max(1, weight(text))


# -- the entry sequence ------------------------------------------------------------------------


def _simple_item(node: Node) -> bool:
    """A list item of inline text or one paragraph, compared (and removed) as a whole."""
    blocks = [c for c in node.children if c.kind in _BLOCKISH]
    return len(blocks) <= 1 and all(c.kind == "paragraph" for c in blocks)


def _is_backlinked(node: Node) -> bool:
    return any(n.kind == "link" and any(h in n.url for h in _BACKLINK_HOSTS) for n in node.walk())


def title_texts(doc: Document) -> set[str]:
    title = meta_title(doc)
    if title is None:
        h1 = first_h1(doc)
        title = h1.plain_text() if h1 is not None else None
    return title_variants(title) if title else set()


def entries(doc: Document, min_length: int, skip_code_like: bool = True) -> list[Entry]:
    """Every block of the body in reading order (see the module docstring); an entry counts
    on its own (`key`) when its prose weighs `min_length` and, with `skip_code_like`, it does
    not look like code (such a block may still extend a run of copies).  The entries are
    fresh: the caller may annotate them."""
    found = []
    for block in doc.shared("duplicates.blocks", _blocks):
        counts = block.text and block.size >= min_length and not (skip_code_like and block.code_like)
        found.append(Entry(block, block.text if counts else None))
    return found


def _blocks(doc: Document) -> list[Block]:
    """The block sequence, worked out once per document for all three duplicate rules."""
    found: list[Block] = []
    titles = title_texts(doc)
    section: list[tuple[int, bool]] = []  # open top-level headings: (level, is a highlights section)

    def add(node: Node, parent: Node, depth: int) -> None:
        block = Block(doc, node, parent, len(found), depth)
        found.append(block)
        if node.kind in _BARRIERS:
            block.separator = node.kind == "thematic_break"
            block._info = 0
            return
        raw = _inline_text(node)
        block.separator = raw.strip() in SEPARATOR_TEXTS
        if node.kind == "heading" and heading_text(node) in titles:
            block._info = 0
            return  # a title repeated as a heading is META003's to report
        block.text = normalise(raw)
        # Highlights are quotes or list items under a Highlights heading, or carry a back-link.
        if _is_backlinked(node) or (depth > 0 and any(flag for _, flag in section)):
            block.zone = "highlights"
        block.size = weight(prose(block.text))

    # An explicit stack, not recursion: a quote nested 10^5 deep must not exhaust Python's stack.
    stack: list[tuple[Node, int, int]] = [(doc.root, 0, 0)]  # (container, depth, next child)
    while stack:
        container, depth, i = stack.pop()
        children = container.children
        while i < len(children):
            node = children[i]
            i += 1
            kind = node.kind
            if kind == "heading" and depth == 0:
                while section and section[-1][0] >= node.level:
                    section.pop()
                add(node, container, depth)
                section.append((node.level, fold(node.plain_text()).rstrip(" :：") in SECTION_LABELS))
            elif kind in ("paragraph", "heading") or kind in _BARRIERS:
                add(node, container, depth)
            elif kind == "table":
                for part in node.children:
                    if part.kind == "table_row":
                        add(part, node, depth + 1)
            elif kind == "list":
                stack.append((container, depth, i))
                stack.append((node, depth, 0))  # its simple items are entries, the others containers
                break
            elif container.kind == "list":  # an item that is not simple: walked as a container
                if _simple_item(node):
                    add(node, container, depth + 1)
                else:
                    stack.append((container, depth, i))
                    stack.append((node, depth + 1, 0))
                    break
            elif kind in _CONTAINERS or kind == "item":
                stack.append((container, depth, i))
                stack.append((node, depth + 1, 0))
                break
    return found


# -- removing a copy ----------------------------------------------------------------------------

_QUOTED = frozenset({"blockquote", "callout"})




def _escalate(nodes: list[Node]) -> list[Node]:
    """Remove the container instead when nothing but headings and rules would be left in
    it (a `> ## Excerpt` quote whose text goes, a list whose only item goes)."""
    while True:
        parent = nodes[0].parent
        if parent is None or parent.kind == "document":
            return nodes
        gone = set(map(id, nodes))
        left = [c for c in parent.children if c.kind in _BLOCKISH and id(c) not in gone]
        if any(c.kind not in ("heading", "thematic_break") for c in left):
            return nodes
        nodes = [parent]


def removal(doc: Document, nodes: list[Node]) -> Edit | None:
    """The edit that deletes consecutive sibling blocks with their lines, or None when the
    blocks share a line with something that must stay (a list marker, other text)."""
    nodes = _escalate(nodes)
    first, last = nodes[0], nodes[-1]
    first_line = block_lines(doc, first)[0] if doc.text[first.start : first.end].strip() else None
    if first_line is None:
        return None
    if doc.text[first_line.start : first.start].strip(" \t>"):
        return None
    end = content_end(doc, last)
    last_line = block_lines(doc, last)[-1]
    if doc.text[end : last_line.end].strip():
        return None
    quoted = False
    parent = first.parent
    while parent is not None:
        quoted = quoted or parent.kind in _QUOTED
        parent = parent.parent
    return remove_lines(doc, first_line.start, last_line.after, quoted)


def kind_name(entries_: list[Entry]) -> str:
    if len(entries_) > 1:
        return f"{len(entries_)} blocks"
    return {
        "paragraph": "Paragraph",
        "heading": "Heading",
        "item": "List item",
        "table_row": "Table row",
    }.get(entries_[0].node.kind, "Block")


def line_span(doc: Document, entries_: list[Entry]) -> str:
    first = doc.position(entries_[0].node.start)[0]
    last = doc.position(content_end(doc, entries_[-1].node))[0]
    return f"line {first}" if first == last else f"lines {first}–{last}"


def keep_first(a: list[Entry], b: list[Entry], by_length: bool = False) -> bool:
    """Of two copies, is the first the one to keep?  More information wins; then the
    less nested copy (an excerpt quote gives way to the article); then, when the copies
    differ (`by_length`), the longer; then the earlier."""
    info_a, info_b = sum(e.info for e in a), sum(e.info for e in b)
    if info_a != info_b:
        return info_a > info_b
    depth_a, depth_b = min(e.depth for e in a), min(e.depth for e in b)
    if depth_a != depth_b:
        return depth_a < depth_b
    if by_length:
        length_a, length_b = sum(len(e.text) for e in a), sum(len(e.text) for e in b)
        if length_a != length_b:
            return length_a > length_b
    return True
