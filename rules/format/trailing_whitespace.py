from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule

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
    checked to be unchanged.
    """

    code = "FMT001"
    name = "trailing-whitespace"
    summary = "Trailing spaces or tabs at the end of a line"
    fixable = "safe"

    def check(self, doc: Document, options: Options):
        text = doc.text
        body = doc.body_start
        runs = trailing_runs(text, body)
        if not runs:
            return
        hard_breaks = {n.start for n in doc.nodes if n.kind == "hardbreak"}
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
                self.fix("Remove trailing whitespace", Edit(start, end), preserves_render=True),
            )


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
