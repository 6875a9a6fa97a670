"""Formatting with mdformat, made safe for Obsidian and Logseq files, and proven safe per file.

`format_document(text, style)` runs mdformat with omnilint's plugin
(omnilint.format.mdformat_plugin, which brings mdformat-gfm) and
then checks the result before anyone may use it:

1. the front matter is byte-identical (and none appears where there was none);
2. every Obsidian/Logseq construct of the input is in the output, unchanged and in
   order: wikilinks, embeds, tags, block ids, highlights, comments, callout headers,
   `key:: value` properties;
3. the rendered HTML is unchanged, both as mdformat itself checks (markdown-it with
   the same plugins) and as omnilint's own parser renders it (pulldown-cmark, which
   knows wikilinks and math), whitespace between words aside;
4. formatting is stable: formatting the output again changes nothing.

A document that fails any check gets the reason and is left as it is.

The package: `style` (the options), `render` (running mdformat; the only module that
imports it, and only when formatting is asked for), `verify` (the checks above),
`mdformat_plugin` (the mdformat extension that teaches it Obsidian's syntax).  Here:
`format_document`, which refuses documents mdformat cannot handle in linear time,
renders, and verifies.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ..document import Document
from .render import INSTALL_HINT, FormattingUnavailable, render_stable, versions
from .style import END_OF_LINE, OPTIONS, THEMATIC_BREAKS, WRAP_MODES, Style, check_option
from .verify import constructs, first_difference, first_problem

__all__ = [
    "END_OF_LINE",
    "INSTALL_HINT",
    "OPTIONS",
    "THEMATIC_BREAKS",
    "WRAP_MODES",
    "FormattingUnavailable",
    "Outcome",
    "Style",
    "changed_span",
    "check_option",
    "format_document",
    "versions",
]


@dataclass(frozen=True)
class Outcome:
    formatted: str  # the formatted text (equal to the input when it is formatted already)
    problem: str | None = None  # why `formatted` must not be used


@lru_cache(maxsize=64)
def format_document(text: str, style: Style) -> Outcome:
    """The formatted document, verified (see the module docstring).

    Raises FormattingUnavailable when mdformat or its plugins are missing.
    """
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        # markdown-it stops reading at its nesting limit, and slows to a crawl long before
        # 100,000 nested quotes: such a document is refused before mdformat sees it.
        return Outcome(text, f"it is nested {depth} levels deep (more than {MAX_NESTING})")
    pieces = crowded_block(text)
    if pieces > MAX_INLINE_PIECES:
        # mdformat's renderer looks up each text piece among its siblings (markdown-it-py's
        # `next_sibling` is a list.index): quadratic in the pieces of one paragraph.
        return Outcome(text, f"one paragraph holds {pieces} inline pieces (more than {MAX_INLINE_PIECES})")
    try:
        formatted = render_stable(text, style)
    except FormattingUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a formatter crash on one file is that file's finding
        return Outcome(text, f"mdformat failed: {type(exc).__name__}: {exc}")
    if formatted == text:
        return Outcome(text)
    return Outcome(formatted, first_problem(text, formatted, style))


MAX_NESTING = 30  # within the plugin's markdown-it maxNesting (32)
MAX_INLINE_PIECES = 2_000  # links, emphasis, code spans and Obsidian constructs in one paragraph


def crowded_block(text: str) -> int:
    """The most inline pieces any one paragraph or heading holds: its inline elements and the
    Obsidian constructs (tags, wikilinks, highlights…) that split its text for the formatter."""
    doc = Document(text)
    offsets = [c.offset for c in constructs(text, doc)]
    most = 0
    for node in doc.nodes_of("paragraph", "heading"):
        inside = bisect_left(offsets, node.end) - bisect_left(offsets, node.start)
        most = max(most, len(node.children) + inside)
    return most


def nesting_depth(text: str) -> int:
    """How deep the parse tree of the body goes (blocks and inlines)."""
    deepest = 0
    stack = [(Document(text).root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest


def changed_span(before: str, after: str) -> tuple[int, int, int, int]:
    """(start, end) in `before` and (start, end) in `after` of the one region that differs.

    The region is widened to whole lines of `before` (the widening is common to both texts).
    """
    start = first_difference(before, after)
    start = before.rfind("\n", 0, start) + 1
    limit = min(len(before), len(after)) - start
    suffix = 0
    while suffix < limit and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    end = len(before) - suffix
    if end > start and before[end - 1] != "\n":  # end the edit at the end of its line
        newline = before.find("\n", end)
        suffix = 0 if newline < 0 else len(before) - newline - 1
    return start, len(before) - suffix, start, len(after) - suffix
