"""The Document: one file's text, parsed once and shared by every rule.

Everything expensive is computed lazily and cached, so a run with only
front-matter rules never parses Markdown, and none of them parses it twice.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from . import frontmatter as fm
from .markdown import Node, ParsedBody, parse, reference_definitions, scan_obsidian
from .model import Diagnostic, Fix, Severity
from .text import LineIndex, dominant_newline

T = TypeVar("T")


class Document:
    """Read-only view of a Markdown file for rules.

    `path` is a display/identity string (relative, '/'-separated) or None; rules
    may use it as data (e.g. to name duplicate files) but never open it.

    `vault` is the kind of vault the file belongs to (config.VAULT_KINDS; the caller
    works it out with discovery.vault_kind).  In a Logseq graph the body is an outline:
    indented block lines are list nesting, never indented code (markdown.OutlineView),
    while every offset still indexes `text`.
    """

    def __init__(self, text: str, path: str | None = None, vault: str = "obsidian") -> None:
        self.text = text
        self.path = path
        self.vault = vault

    @property
    def outline(self) -> bool:
        """Is the body a Logseq outline (indented lines are blocks, not code)?"""
        return self.vault == "logseq"

    # -- text ------------------------------------------------------------
    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def newline(self) -> str:
        return dominant_newline(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        return self.lines.position(offset)

    def line_bounds(self, offset: int) -> tuple[int, int, int]:
        """(start, end of content, end including the line break) of a line."""
        return self.lines.bounds(self.text, offset)

    # -- front matter ------------------------------------------------------
    @cached_property
    def front_matter(self) -> fm.FrontMatter | None:
        return fm.find(self.text)

    @property
    def meta(self) -> dict:
        """The front matter mapping, or {} when there is none or it does not parse."""
        front = self.front_matter
        return (front.mapping or {}) if front is not None else {}

    @cached_property
    def body_start(self) -> int:
        front = self.front_matter
        return front.end if front is not None and front.closed else 0

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    # -- Markdown ----------------------------------------------------------
    @cached_property
    def parsed(self) -> ParsedBody:
        return parse(self.text[self.body_start :], self.body_start, self.outline)

    @property
    def root(self) -> Node:
        return self.parsed.root

    @property
    def nodes(self) -> list[Node]:
        return self.parsed.nodes

    def nodes_of(self, *kinds: str) -> list[Node]:
        return [n for n in self.parsed.nodes if n.kind in kinds]

    @cached_property
    def links(self) -> list[Node]:
        """Links, images, autolinks, wikilinks and embeds, in document order."""
        return self.nodes_of("link", "image")

    @cached_property
    def definitions(self) -> list[Node]:
        """Link reference definitions as `definition` Nodes (label, url, title), in document order."""
        return reference_definitions(self.text[self.body_start :], self.body_start, self.outline)

    @cached_property
    def headings(self) -> list[Node]:
        return self.nodes_of("heading")

    @cached_property
    def obsidian(self) -> list[Node]:
        """Tags, block ids, highlights and %%comments%% found in prose."""
        return scan_obsidian(self.text, self.parsed.text_runs)

    @property
    def tags(self) -> list[Node]:
        return [n for n in self.obsidian if n.kind == "tag"]

    @cached_property
    def _code_ranges(self) -> tuple[list[int], list[int]]:
        """Code ranges merged into disjoint, sorted (starts, ends)."""
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(self.parsed.code_ranges):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        return starts, ends

    def in_code(self, offset: int) -> bool:
        """Is `offset` inside a code block, code span, math or raw HTML?"""
        starts, ends = self._code_ranges
        i = bisect_right(starts, offset) - 1
        return i >= 0 and offset < ends[i]

    @cached_property
    def _parents(self) -> dict[int, Node]:
        """id(node) -> its parent, for every node of this Document's tree (built on first use).

        Keyed by identity: the nodes are this Document's own and live as long as it does."""
        parents: dict[int, Node] = {}
        stack = [self.parsed.root]
        while stack:
            node = stack.pop()
            for child in node.children:
                parents[id(child)] = node
            stack.extend(node.children)
        return parents

    def parent(self, node: Node) -> Node | None:
        """The node that holds `node` (the document root for a top-level block), or None for
        the root and for nodes outside the tree (tags, definitions)."""
        return self._parents.get(id(node))

    def source(self, node: Node) -> str:
        return self.text[node.start : node.end]

    def shared(self, key: str, compute: Callable[[Document], T]) -> T:
        """`compute(self)`, worked out once per Document for every rule that asks with `key`.

        Rules of one family often derive the same facts (the duplicate rules each need the
        document's block sequence); sharing them is the rules' business, so the key names
        the owner (e.g. "duplicates.blocks").  The value must be treated as read-only.
        """
        memo = self.__dict__.setdefault("_shared", {})
        if key not in memo:
            memo[key] = compute(self)
        return memo[key]

    # -- diagnostics -------------------------------------------------------
    def diagnostic(
        self,
        code: str,
        name: str,
        start: int,
        end: int,
        message: str,
        fix: Fix | None = None,
        severity: Severity = Severity.WARNING,
        data: dict | None = None,
    ) -> Diagnostic:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Diagnostic(code, name, message, start, end, severity, fix, line, column, end_line, end_column, data)
