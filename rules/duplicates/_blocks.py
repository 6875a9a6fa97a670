"""The blocks the duplicate rules compare, and how a copy is removed.

A document becomes a flat sequence of `Entry`s in reading order: paragraphs,
headings, simple list items and table rows are compared; code blocks, HTML and
thematic breaks are entries that compare to nothing and so break runs.  Each
comparable entry carries its normalised text (what a reader sees: markup dropped,
entities decoded, whitespace folded, Obsidian block ids and highlight back-links
dropped), its family (a heading never equals a paragraph or a list item), its zone
(highlights, template callouts and footnotes are never compared with the article)
and, worked out on demand, what its source holds besides the words (links, images,
emphasis, footnote references, block ids), so the rules can tell whether removing
a copy loses anything.

One module: the three duplicate rules read one block sequence, built once per Document
(`Document.shared`); the sequence, its normalised texts, the code-likeness and feature
checks that decide what may be compared, and the removal that must agree with them are
one model, and splitting it would scatter the invariants the fixes' safety rests on.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from bisect import bisect_left
from collections import Counter

from omnilint.rules.kit.header import (
    SECTION_LABELS,
    first_h1,
    fold,
    header_lines,
    heading_text,
    meta_title,
    paragraph_is_metadata,
    title_variants,
    weight,
)
from omnilint.rules.kit.lines import Line, block_lines, content_end, remove_lines

from omnilint.document import Document
from omnilint.markdown import BLOCK_KINDS, Node
from omnilint.model import Edit
from omnilint.obsidian import BLOCK_ID_NAME

SEPARATOR_TEXTS = frozenset({"...", "…", "......", "……", "* * *", "***", "· · ·", "⁂", "---", "___"})
_BARRIERS = frozenset({"code_block", "html_block", "thematic_break", "math_block"})
_CONTAINERS = frozenset({"blockquote", "callout", "footnote_definition"})
_INLINE_INFO = frozenset({"link", "image", "emphasis", "strong", "strikethrough", "code", "footnote_ref"})
_BLOCKISH = BLOCK_KINDS - {"table_cell"}  # blocks a removal may leave behind in a container
_BACKLINK_HOSTS = ("omnivore.app/me/", "read.readwise.io/read/", "readwise.io/open/")


class Block:
    """One block of a document as the duplicate rules see it; shared by the three rules, so
    read-only.  What only some blocks need (code-likeness, what the source holds) is worked
    out on first use."""

    __slots__ = (
        "_code_like",
        "_doc",
        "_features",
        "_info",
        "_links",
        "_plain",
        "_prose",
        "depth",
        "family",
        "index",
        "nested",
        "node",
        "parent",
        "separator",
        "size",
        "text",
        "top",
        "zone",
    )

    def __init__(self, doc: Document, node: Node, parent: Node, top: Node, index: int, depth: int) -> None:
        # A weak reference: the blocks live in the Document's shared memo, and a strong one back
        # would make every Document a reference cycle that only the cyclic collector frees.
        self._doc = weakref.proxy(doc)
        self.node, self.parent, self.index, self.depth = node, parent, index, depth
        self.top = top  # the top-level block this one is or sits in
        self.text = ""  # normalised text ("" for barriers, title headings and footnotes)
        # "content"; "highlights" for highlights and notes sections and back-linked quotes
        # (they quote the content by design); "callout" for callouts (the user's templates).
        self.zone = "content"
        # "heading", "item", "row" or "paragraph": blocks of different families never match.
        self.family = {"heading": "heading", "item": "item", "table_row": "row"}.get(node.kind, "paragraph")
        self.nested = ""  # the innermost list item, table or quote the block sits in ("" at top level)
        self.separator = False
        self.size = 0  # weight of the prose
        self._code_like: bool | None = None
        self._info: int | None = None
        self._features: Counter | None = None
        self._plain: str | None = None
        self._prose: bool | None = None
        self._links: list[Node] | None = None

    @property
    def links(self) -> list[Node]:
        """The links (not images) anywhere in the block, autolinks and wikilinks included;
        gathered with the text for blocks that have text, else by a walk."""
        if self._links is None:
            self._links = [n for n in self.node.walk() if n.kind == "link"]
        return self._links

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

    @property
    def features(self) -> Counter:
        """What the source holds besides its words, each with the text it applies to."""
        if self._features is None:
            self._features = features_of(self._doc, self.node)
        return self._features

    @property
    def plain(self) -> str:
        """The words a reader sees, whitespace folded, and nothing else changed (no
        Unicode normalisation, no back-link text dropped): copies equal in this form
        read the same."""
        if self._plain is None:
            text = " ".join(_inline_text(self.node).split())
            self._plain = BLOCK_ID_AT_END.sub("", text) if "^" in text else text
        return self._plain

    @property
    def prose_shaped(self) -> bool:
        """The cheap half of `prose`: a paragraph with text, at the top level or in a quote,
        not in a callout (asked first, so that other blocks skip the code-likeness check)."""
        return (
            self.family == "paragraph"
            and self.node.kind == "paragraph"
            and self.nested in ("", "blockquote")
            and self.zone != "callout"
            and bool(self.text)
        )

    @property
    def prose(self) -> bool:
        """A paragraph of running text: not in a list, table or callout, not code, not a
        definition (`: text`), not an admonition (`**Note**`, `Warning:`) and not metadata
        (`date_saved: …`, tag lines, a lone link): what an article is made of, and the
        only blocks whose repetition shows an exporter at work."""
        if self._prose is None:
            self._prose = (
                self.prose_shaped
                and not self.code_like
                and not _DEFINITION.match(self._doc.text, self.node.start)
                and not _ADMONITION.match(self._doc.text, self.node.start)
                and not is_metadata(self._doc, self.node)
            )
        return self._prose


def _tags(doc: Document) -> list[Node]:
    """The document's tags, listed once (`Document.tags` builds a new list on each call)."""
    return doc.shared("duplicates.tags", lambda d: d.tags)


def is_metadata(doc: Document, node: Node) -> bool:
    """Is every line of a paragraph a property, a tag line or a lone link (not prose)?"""
    return paragraph_is_metadata(doc, block_lines(doc, node), _tags(doc))


def header(doc: Document) -> list[tuple[Node, list[Line]]]:
    """The exporter's header (`header_lines`), worked out once for DUP001 and DUP003 (read-only)."""
    return doc.shared("duplicates.header", header_lines)


def header_nodes(doc: Document) -> set[int]:
    """ids of the exporter's header blocks."""
    return {id(node) for node, _ in header(doc)}


class Entry:
    """A block in one rule's view: `key` is its text when it counts on its own (its prose
    weighs `min_length` and, with `skip_code_like`, it does not look like code).  The key is
    worked out on first use: a rule that never asks for it (a block whose text occurs once
    cannot repeat another) never pays for the code-likeness check."""

    __slots__ = ("_document", "_key", "_min_length", "_skip_code_like", "block", "tokens")

    def __init__(self, doc: Document, block: Block, min_length: int, skip_code_like: bool) -> None:
        # A strong reference, unlike the Block's: the key may be asked after the caller let go
        # of the Document, and no Document holds its entries, so this makes no cycle.
        self._document = doc
        self.block = block
        self._min_length, self._skip_code_like = min_length, skip_code_like
        self._key: str | bool | None = False  # False: not worked out yet
        self.tokens: list[str] = []

    @property
    def key(self) -> str | None:
        if self._key is False:
            block = self.block
            counts = block.text and block.size >= self._min_length and not (self._skip_code_like and block.code_like)
            self._key = block.text if counts else None
        return self._key  # type: ignore[return-value]  # never False here

    node = property(lambda self: self.block.node)
    parent = property(lambda self: self.block.parent)
    index = property(lambda self: self.block.index)
    text = property(lambda self: self.block.text)
    zone = property(lambda self: self.block.zone)
    family = property(lambda self: self.block.family)
    depth = property(lambda self: self.block.depth)
    separator = property(lambda self: self.block.separator)
    info = property(lambda self: self.block.info)
    features = property(lambda self: self.block.features)
    plain = property(lambda self: self.block.plain)
    prose = property(lambda self: self.block.prose)


# A definition-list description (`: text`, Pandoc and PHP Markdown Extra): option lists of
# sibling commands share them.
_DEFINITION = re.compile(r"[ \t]*:[ \t]")
# Notes and warnings that documentation repeats wherever they apply: a label in bold, or
# followed by a colon, or alone on the block's first line.
_LABELS = (
    "note|notes|warning|caution|important|tip|hint|info|danger|attention|remember|see also"
    "|注意|提示|警告|重要|小贴士|备注|注|ヒント|メモ|참고|주의"
)
_ADMONITION = re.compile(
    rf"(?i)[ \t>]*(?:(?:\*\*|__)(?:{_LABELS})[:：.!]?(?:\*\*|__)|(?:{_LABELS})[ \t]*[:：]|(?:{_LABELS})[ \t]*(?:\r?\n|\r|$))"
)


# -- normalisation -----------------------------------------------------------------------

BLOCK_ID_AT_END = re.compile(rf"\s\^{BLOCK_ID_NAME}\s*$")  # a block id ending the text (omnilint.obsidian)
# `(?<!\s)`: a match never starts inside a run of spaces (each start would rescan the run).
_BACKLINK_TEXT = re.compile(r"\(?(?<!\s)\s*View Highlight\s*\)?|⤴️?")
_SPACE = re.compile(r"\s+")


def _inline_text(node: Node, links: list[Node] | None = None) -> str:
    """Reader-visible text of a leaf block; table rows keep a cell separator.  An image
    stands as an opaque marker of its URL: it is not prose, but two different images
    do not make two blocks equal.  With `links`, every link node in the block is added to
    it on the way (the same as a walk over the block would find), so that no second walk
    looks for them."""
    found: list[Node] = [] if links is None else links
    if node.kind == "table_row":
        return " | ".join(_visible(cell, found) for cell in node.children)
    return _visible(node, found)


def _visible(node: Node, links: list[Node]) -> str:
    parts: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        kind = n.kind
        if kind in ("text", "code", "math"):
            parts.append(n.value)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(f" {IMAGE_MARK}{n.url}{IMAGE_MARK} ")
            if n.children:  # an image's description may hold links
                links.extend(m for m in n.walk() if m.kind == "link")
        elif kind in ("list", "code_block", "html_block", "task_marker"):
            if n.children:  # a nested list is compared on its own; its links are the block's
                links.extend(m for m in n.walk() if m.kind == "link")
        else:
            if kind == "link":
                links.append(n)
            elif kind == "paragraph" and n is not node:
                parts.append(" ")
            stack.extend(reversed(n.children))
    return "".join(parts)


IMAGE_MARK = "\ufffc"
_IMAGE = re.compile(f"{IMAGE_MARK}[^{IMAGE_MARK}]*{IMAGE_MARK}")


def prose(text: str) -> str:
    """Normalised text without its image markers: what length and similarity are measured on."""
    return _SPACE.sub(" ", _IMAGE.sub(" ", text)).strip() if IMAGE_MARK in text else text


# Characters NFKC leaves as they are and that never join a neighbour (combining class 0, NFKC
# quick check Yes: second in no composition): a text may be normalised piece by piece, cut
# before any of them (UAX #15, "Stable Code Points").  ASCII, Latin-1 letters, CJK ideographs,
# kana, Hangul syllables and CJK punctuation that NFKC keeps; tests/test_engine_speed.py holds
# every one of them to unicodedata.
NFKC_INERT = "\x00-\x7f\u00c0-\u00ff\u3001-\u3029\u3041-\u3096\u30a1-\u30fa\u3400-\u9fff\uac00-\ud7a3"
# A piece NFKC may change: a run of other characters with the one before it (which a
# combining mark in the run may join).
_NFKC_PIECE = re.compile(f"(?s).?[^{NFKC_INERT}]+")


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, normalising only the pieces that can change: in a
    Chinese page that is its fullwidth punctuation, not every ideograph around it."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return _NFKC_PIECE.sub(_nfkc_piece, text)


def _nfkc_piece(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def normalise(text: str) -> str:
    if not text.isascii():
        text = nfkc(text)
    if "^" in text:
        text = BLOCK_ID_AT_END.sub("", _SPACE.sub(" ", text))
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
    return count + (1 if BLOCK_ID_AT_END.search(source.rstrip("\r\n")) else 0)


_FEATURE_KINDS = frozenset(
    {
        "link",
        "image",
        "emphasis",
        "strong",
        "strikethrough",
        "superscript",
        "subscript",
        "code",
        "footnote_ref",
        "html",
        "math",
    }
)


def features_of(doc: Document, node: Node) -> Counter:
    """Everything a block's source holds besides its words, as a multiset: each link,
    image, emphasis, code span, footnote reference and inline HTML with its text and
    destination, and each Obsidian tag, block id, ==highlight== and %%comment%%.  A copy
    whose features are a sub-multiset of another's loses nothing when it goes."""
    found: Counter = Counter()
    for n in node.walk():
        kind = n.kind
        if kind not in _FEATURE_KINDS:
            continue
        if kind in ("link", "image"):
            found[(kind, n.link_type, n.url, n.title, " ".join(n.plain_text().split()))] += 1
        elif kind in ("code", "html", "math"):
            found[(kind, n.value)] += 1
        elif kind == "footnote_ref":
            found[(kind, n.label or doc.text[n.start : n.end])] += 1
        else:
            found[(kind, " ".join(n.plain_text().split()))] += 1
    marks = doc.obsidian
    end = content_end(doc, node)
    i = bisect_left(marks, node.start, key=_start_of)
    while i < len(marks) and marks[i].start < end:
        mark = marks[i]
        found[(mark.kind, mark.label or mark.value)] += 1
        i += 1
    return found


def _start_of(node: Node) -> int:
    return node.start


def backlinks(features: Counter) -> set[str]:
    """The back-links to a highlight in Readwise or Omnivore: each names one highlight."""
    return {key[2] for key in features if key[0] == "link" and any(h in key[2] for h in _BACKLINK_HOSTS)}


def block_ids(features: Counter) -> set[str]:
    return {key[1] for key in features if key[0] == "block_id"}


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
    if symbols == 0:
        return False
    # Symbols in more than 12 % of the weight.  A prefix never weighs more than the whole text:
    # when one already outweighs the symbols (prose with a few links), the text does too.
    head = text[: int(symbols / 0.12) * 2 + 64]
    if symbols <= 0.12 * max(1, weight(head)):
        return False
    return len(head) == len(text) or symbols > 0.12 * max(1, weight(text))


# -- the entry sequence ------------------------------------------------------------------------


def _simple_item(node: Node) -> bool:
    """A list item of inline text or one paragraph, compared (and removed) as a whole."""
    blocks = [c for c in node.children if c.kind in _BLOCKISH]
    return len(blocks) <= 1 and all(c.kind == "paragraph" for c in blocks)


def _is_backlinked(block: Block) -> bool:
    return any(any(h in n.url for h in _BACKLINK_HOSTS) for n in block.links)


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
    return [Entry(doc, block, min_length, skip_code_like) for block in blocks(doc)]


def blocks(doc: Document) -> list[Block]:
    """The document's block sequence, shared by the three rules (read-only)."""
    return doc.shared("duplicates.blocks", _blocks)


def _blocks(doc: Document) -> list[Block]:
    """The block sequence, worked out once per document for all three duplicate rules."""
    found: list[Block] = []
    titles = title_texts(doc)
    section: list[tuple[int, bool]] = []  # open top-level headings: (level, is a highlights section)

    def add(node: Node, parent: Node, top: Node | None, depth: int, nested: str, zone: str) -> None:
        block = Block(doc, node, parent, top or node, len(found), depth)
        block.nested = nested
        found.append(block)
        if node.kind in _BARRIERS:
            block.separator = node.kind == "thematic_break"
            block._info = 0
            return
        block._links = []
        raw = _inline_text(node, block._links)
        block.separator = raw.strip() in SEPARATOR_TEXTS
        if node.kind == "heading" and heading_text(node) in titles:
            block._info = 0
            return  # a title repeated as a heading is META003's to report
        if zone == "footnote":
            block.zone = zone  # whole_body's guard reads it: a fix never removes a definition
            return  # footnote definitions are the user's text: never compared, never removed
        block.text = normalise(raw)
        if zone == "content" and ((block._links and _is_backlinked(block)) or any(flag for _, flag in section)):
            zone = "highlights"
        block.zone = zone
        block.size = weight(prose(block.text))

    # An explicit stack, not recursion: a quote nested 10^5 deep must not exhaust Python's
    # stack.  Each frame carries what its blocks sit in, so no block walks its ancestors.
    # (container, its top-level block or None for the root, depth, next child, innermost
    # nesting kind, zone)
    stack: list[tuple[Node, Node | None, int, int, str, str]] = [(doc.root, None, 0, 0, "", "content")]
    while stack:
        container, top, depth, i, nested, zone = stack.pop()
        children = container.children
        while i < len(children):
            node = children[i]
            i += 1
            kind = node.kind
            if kind == "heading" and depth == 0:
                while section and section[-1][0] >= node.level:
                    section.pop()
                add(node, container, top, depth, nested, zone)
                opens_highlights = fold(node.plain_text()).rstrip(" :：") in SECTION_LABELS
                if opens_highlights and found[-1].text and zone == "content":
                    found[-1].zone = "highlights"  # the section's own heading belongs to it
                section.append((node.level, opens_highlights))
            elif kind in ("paragraph", "heading") or kind in _BARRIERS:
                add(node, container, top, depth, nested, zone)
            elif kind == "table":
                for part in node.children:
                    if part.kind == "table_row":
                        add(part, node, top or node, depth + 1, _nesting(nested, "table"), zone)
            elif kind == "list":
                stack.append((container, top, depth, i, nested, zone))
                stack.append(
                    (node, top or node, depth, 0, nested, zone)
                )  # its simple items are entries, the others containers
                break
            elif container.kind == "list":  # an item that is not simple: walked as a container
                if _simple_item(node):
                    add(node, container, top, depth + 1, _nesting(nested, "item"), zone)
                else:
                    stack.append((container, top, depth, i, nested, zone))
                    stack.append((node, top or node, depth + 1, 0, _nesting(nested, "item"), zone))
                    break
            elif kind in _CONTAINERS or kind == "item":
                inner = zone
                if kind == "callout" and zone == "content":
                    inner = "callout"
                elif kind == "footnote_definition":
                    inner = "footnote"
                stack.append((container, top, depth, i, nested, zone))
                stack.append((node, top or node, depth + 1, 0, _nesting(nested, kind), inner))
                break
    return found


def _nesting(outer: str, kind: str) -> str:
    """What a block inside `kind` inside `outer` sits in: a list item or a table wins over
    a quote (a quote in a list is part of the list)."""
    if "item" in (outer, kind):
        return "item"
    if "table" in (outer, kind):
        return "table"
    return kind


# -- removing a copy ----------------------------------------------------------------------------

_QUOTED = frozenset({"blockquote", "callout"})


def _escalate(doc: Document, nodes: list[Node]) -> list[Node]:
    """Remove the container instead when nothing but headings and rules would be left in
    it (a `> ## Excerpt` quote whose text goes, a list whose only item goes)."""
    while True:
        parent = doc.parent(nodes[0])
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
    nodes = _escalate(doc, nodes)
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
    parent = doc.parent(first)
    while parent is not None:
        quoted = quoted or parent.kind in _QUOTED
        parent = doc.parent(parent)
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


# -- what an exporter's duplication looks like -------------------------------------------------


def gap_between(seq: list[Entry], before: list[Entry], after: list[Entry]) -> list[Entry] | None:
    """The blocks between two copies when the second follows the first right away (only
    blank lines, thematic breaks, `...`-like separators or the title repeated as a
    heading between them), else None."""
    start, stop = before[-1].index + 1, after[0].index
    if stop < start:
        return None
    gap = seq[start:stop]
    if len(gap) > 3:  # a separator, a title, another separator at the most
        return None
    for entry in gap:
        if not entry.separator and not (entry.node.kind == "heading" and not entry.text):
            return None
    return gap


def separator_between(seq: list[Entry], before: list[Entry], after: list[Entry]) -> Entry | None:
    """A lone `...` / `* * *` block between two copies, which goes with the removed one."""
    i = before[-1].index + 1
    if i + 1 == after[0].index and seq[i].separator and seq[i].parent is before[-1].parent is after[0].parent:
        return seq[i]
    return None


def section_starts(seq: list[Entry]) -> list[int]:
    """Prefix counts of section starts: how many headings (other than the title repeated)
    and heading-like paragraphs (`**X1 instances**`: only bold or italic text) come before
    each block.  Documentation repeats passages in sibling sections; an exporter's copy
    sits in the same section as the original."""
    counts = [0]
    for entry in seq:
        node = entry.node
        starts = node.kind == "heading" and bool(entry.text)
        if not starts and node.kind == "paragraph" and entry.text and node.children:
            starts = all(
                c.kind in ("strong", "emphasis") for c in node.children if c.kind not in ("softbreak", "hardbreak")
            )
        counts.append(counts[-1] + starts)
    return counts


def same_section(starts: list[int], before: list[Entry], after: list[Entry]) -> bool:
    """No section starts between the end of `before` and the start of `after`."""
    return starts[after[0].index] == starts[before[-1].index + 1]


SAFE, UNSAFE, NONE = "safe", "unsafe", "none"


def verdict(gone: list[Entry], kept: list[Entry]) -> tuple[str, str]:
    """(applicability, why) of removing the blocks `gone`, each the copy of the block of
    `kept` at the same position.  Safe only when a reader loses nothing: each removed
    block reads exactly like its kept copy (whitespace aside) and holds no link, image,
    emphasis, footnote reference, block id or other mark the kept copy lacks, and none
    is a heading.  When both copies carry different block ids there is no fix at all:
    other notes may link to either."""
    why = ""
    applicability = SAFE
    for g, k in zip(gone, kept):
        ids_g, ids_k = block_ids(g.features), block_ids(k.features)
        if ids_g and ids_k and ids_g != ids_k:
            return NONE, "both copies carry block ids other notes may link to"
        if applicability != SAFE:
            continue
        if g.family == "heading":
            applicability, why = UNSAFE, "it would remove a heading"
        elif g.plain != k.plain:
            applicability, why = UNSAFE, "the copies are not spelt exactly alike"
        elif g.features - k.features:
            applicability, why = UNSAFE, "the removed copy holds links, formatting or ids the kept one lacks"
    return applicability, why


def choose(original: list[Entry], copy: list[Entry]) -> tuple[bool, str, str]:
    """(drop the original?, applicability, why): remove the copy that holds less, keeping
    the one with more information; between equals the less nested one stays (an excerpt
    quote gives way to the article), then the earlier."""
    drop_copy = verdict(copy, original)
    drop_original = verdict(original, copy)
    if NONE in (drop_copy[0], drop_original[0]):
        return False, NONE, drop_copy[1] if drop_copy[0] == NONE else drop_original[1]
    if drop_copy[0] == SAFE and drop_original[0] == SAFE:
        return not keep_first(original, copy), SAFE, ""
    if drop_copy[0] == SAFE:
        return False, SAFE, ""
    if drop_original[0] == SAFE:
        return True, SAFE, ""
    drop_first = not keep_first(original, copy)
    return drop_first, UNSAFE, (drop_original if drop_first else drop_copy)[1]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def snippet(text: str, limit: int = 40) -> str:
    """The start of a block's text, about `limit` reading units long (CJK counts double)."""
    out: list[str] = []
    used = 0
    for char in text:
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > limit:
            return "".join(out).rstrip() + "…"
        out.append(char)
    return "".join(out)


def occurrences(seq: list[Entry]) -> dict[int, int]:
    """Index of each block with text -> which occurrence of its text (in its zone and
    family) it is, from 1."""
    seen: Counter = Counter()
    found: dict[int, int] = {}
    for entry in seq:
        if entry.text:
            key = (entry.zone, entry.family, entry.text)
            seen[key] += 1
            found[entry.index] = seen[key]
    return found


def removal_message(doc: Document, gone: list[Entry], kept: list[Entry], nth: int, imperative: bool = False) -> str:
    """What a fix removes and what it keeps: "removes the 2nd copy of 'Open Obsidian's
    settings…' at line 260; keeps line 184" (or "Remove … keep …" for the fix itself)."""
    remove, keep = ("Remove", "keep") if imperative else ("removes", "keeps")
    return (
        f"{remove} the {ordinal(nth)} copy of '{snippet(gone[0].plain or gone[0].text)}' at {line_span(doc, gone)};"
        f" {keep} {line_span(doc, kept)}"
    )
