from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule

NEWLINE = r"(?:\r\n|\n|\r(?!\n))"  # a CR never pairs with the LF after it
BLANK = rf"[ \t]*{NEWLINE}"
# Two or more blank lines in a row, each starting right after a line break.
# (Not between the two halves of a CRLF.)
RUN = re.compile(rf"(?:(?<=\n)|(?<=\r)(?!\n)|\A)(?:{BLANK}){{2,}}")
TRAILING_BLANKS = re.compile(rf"{NEWLINE}((?:{BLANK})+)[ \t]*\Z")


class BlankLines(Rule):
    """## What it does
    Finds runs of more than one blank line, and blank lines at the end of the file.

    ## Why is this bad?
    Markdown treats any number of blank lines as one; extra ones are exporter
    noise (templates that join sections with several newlines) and make files
    harder to compare.  Blank lines inside code blocks are content and are kept.

    ## Example
    ```markdown
    First paragraph.



    Second paragraph.
    ```

    Use instead:
    ```markdown
    First paragraph.

    Second paragraph.
    ```

    ## Fix safety
    Safe and render-preserving: the run is reduced to one blank line (none at the
    end of the file); the rendered HTML is checked to be unchanged.
    """

    code = "FMT003"
    name = "blank-lines"
    summary = "More than one blank line in a row, or blank lines at the end of the file"
    fixable = "safe"

    def check(self, doc: Document, options: Options):
        text = doc.text
        body = doc.body_start
        tail = TRAILING_BLANKS.search(text, body)
        tail_start = tail.start(1) if tail else len(text) + 1
        for m in RUN.finditer(text, body):
            if m.start() >= tail_start or doc.in_code(m.start()):
                continue
            first_end = re.match(BLANK, text[m.start() :]).end() + m.start()  # type: ignore[union-attr]
            count = len(re.findall(BLANK, m.group()))
            yield self.report(
                doc,
                m.start(),
                m.end(),
                f"{count} blank lines in a row; one is enough",
                self.fix("Reduce to one blank line", Edit(first_end, m.end()), preserves_render=True),
            )
        if tail and not doc.in_code(tail.start(1)):
            yield self.report(
                doc,
                tail.start(1),
                tail.end(),
                "Blank lines at the end of the file",
                self.fix("Remove blank lines at the end", Edit(tail.start(1), tail.end()), preserves_render=True),
            )
