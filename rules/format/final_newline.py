from __future__ import annotations

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule


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
    CRLF) is appended.
    """

    code = "FMT002"
    name = "final-newline"
    summary = "The file does not end with a line break"
    fixable = "safe"

    def check(self, doc: Document, options: Options):
        text = doc.text
        if not text or text.endswith(("\n", "\r")):
            return
        end = len(text)
        yield self.report(
            doc,
            end,
            end,
            "No line break at the end of the file",
            self.fix("Add a final line break", Edit(end, end, doc.newline), preserves_render=True),
        )
