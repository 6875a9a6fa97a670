from __future__ import annotations

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule


class FinalNewline(Rule):
    """## What it does
    Finds a non-empty file whose last line has no line break.

    ## Why is this bad?
    POSIX tools, `cat` and many diff viewers treat the last line as incomplete;
    appending to such a file glues two lines together.

    ## Example
    ```markdown
    The last line has no line break.⏎
    ```

    Use instead:
    ```markdown
    The last line ends with a line break.
    ```

    ## Fix safety
    Safe and render-preserving: one line break (the file's own style, CRLF stays
    CRLF) is appended.  When the file ends inside a code block or raw HTML, that
    block's text gains its final line break (the only change to the rendered HTML).
    """

    code = "FMT002"
    name = "final-newline"
    summary = "The file does not end with a line break"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        text = doc.text
        if not text or text.endswith(("\n", "\r")):
            return
        end = len(text)
        # A code block or HTML block that runs to the end keeps the line break in its text.
        in_block = any(n.kind in ("code_block", "html_block") and n.end >= end for n in doc.nodes)
        yield self.report(
            doc,
            end,
            end,
            "No line break at the end of the file",
            self.fix("Add a final line break", Edit(end, end, doc.newline), preserves_render=not in_block),
        )
