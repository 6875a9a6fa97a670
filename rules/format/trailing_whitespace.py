from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# A line break right after a space or tab.  Searching from the (rare) line breaks is far
# cheaper than trying a `[ \t]+` pattern at every space of the text.
SPACED_BREAK = re.compile(r"[\r\n](?<=[ \t][\r\n])")


class TrailingWhitespace(Rule):
    """## What it does
    Finds spaces and tabs at the end of lines in the Markdown body.

    ## Why is this bad?
    Trailing whitespace is invisible, makes diffs noisy and is a common exporter
    artefact.  A line ending in spaces that *is* a hard line break (two or more
    spaces, or a tab and more, inside a paragraph) is meaning, not noise, and is kept.  Code blocks are
    left alone (their whitespace is content); front matter is FM010's business.

    ## Example
    ```markdown
    A sentence with trailing spaces.␠␠␠
    ```

    Use instead:
    ```markdown
    A sentence with no trailing spaces.
    A hard line break is kept:␠␠
    next line.
    ```

    ## Fix safety
    Safe and render-preserving: the whitespace is removed; the rendered HTML is
    checked to be unchanged.  One exception: the parser keeps a tab at the end of
    an ATX heading (`# Title⇥`) in the heading's text, where CommonMark drops it;
    that run is still removed, without the render check.
    """

    code = "FMT001"
    name = "trailing-whitespace"
    summary = "Trailing spaces or tabs at the end of a line"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        text = doc.text
        body = doc.body_start
        runs = trailing_runs(text, body)
        if not runs:
            return
        hard_breaks = {n.start for n in doc.nodes if n.kind == "hardbreak"}
        atx_lines = _atx_heading_lines(doc)
        for start, end in runs:
            if start in hard_breaks or doc.in_code(start):  # the parser's word: tabs count too
                continue
            if text[start - 1 : start] == "\r" and text[end : end + 1] == "\n":
                continue  # a blank line between a lone CR and an LF: removing it makes one CRLF of two breaks
            yield self.report(
                doc,
                start,
                end,
                "Trailing whitespace",
                self.fix(
                    "Remove trailing whitespace",
                    Edit(start, end),
                    preserves_render=_keeps_render(doc, start, end, atx_lines),
                ),
            )


def _atx_heading_lines(doc: Document) -> set[int]:
    """Start offsets of the lines that hold an ATX (`#`) heading."""
    text = doc.text
    return {
        doc.line_bounds(n.start)[0]
        for n in doc.nodes
        if n.kind == "heading" and text[n.start : n.start + 4].lstrip(" ").startswith("#")
    }


def _keeps_render(doc: Document, start: int, end: int, atx_lines: set[int]) -> bool:
    # pulldown-cmark keeps a trailing tab in an ATX heading's text (`# e⇥` renders
    # `<h1>e\t</h1>`), so removing it changes the HTML the fixer compares.
    return "\t" not in doc.text[start:end] or doc.line_bounds(start)[0] not in atx_lines


def trailing_runs(text: str, body: int) -> list[tuple[int, int]]:
    """(start, end) of every run of spaces and tabs that ends a line, from `body` on."""
    found = []
    for m in SPACED_BREAK.finditer(text, body):
        found.append(_run_before(text, body, m.start()))
    if text.endswith((" ", "\t")) and len(text) > body:
        found.append(_run_before(text, body, len(text)))
    return found


def _run_before(text: str, body: int, end: int) -> tuple[int, int]:
    line_start = max(text.rfind("\n", body, end), text.rfind("\r", body, end)) + 1
    return line_start + len(text[line_start:end].rstrip(" \t")), end
