from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule

TRAILING = re.compile(r"[ \t]+(?=\r\n|\n|\r|\Z)")


class TrailingWhitespace(Rule):
    """## What it does
    Finds spaces and tabs at the end of lines in the Markdown body.

    ## Why is this bad?
    Trailing whitespace is invisible, makes diffs noisy and is a common exporter
    artefact.  A line ending in spaces that *is* a hard line break (two or more
    spaces inside a paragraph) is meaning, not noise, and is kept.  Code blocks are
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
        if not TRAILING.search(text, body):
            return
        hard_breaks = {n.start for n in doc.nodes if n.kind == "hardbreak"}
        for m in TRAILING.finditer(text, body):
            start, end = m.span()
            if start in hard_breaks and "\t" not in m.group() or doc.in_code(start):
                continue
            yield self.report(
                doc,
                start,
                end,
                "Trailing whitespace",
                self.fix("Remove trailing whitespace", Edit(start, end), preserves_render=True),
            )
