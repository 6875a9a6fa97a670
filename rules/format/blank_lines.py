from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

NEWLINE = r"(?:\r\n|\n|\r(?!\n))"  # a CR never pairs with the LF after it
BLANK = rf"[ \t]*{NEWLINE}"
# Two or more blank lines in a row, each starting right after a line break.
# (Not between the two halves of a CRLF.)
# Possessive (`{2,}+`): a run is maximal anyway, and the engine then keeps no state to go
# back through each blank line of a run of thousands.
RUN = re.compile(rf"(?:(?<=\n)|(?<=\r)(?!\n)|\A)(?:{BLANK}){{2,}}+")
# Where a run can start: just after a line break followed by two blank lines.  Starting
# with the line break lets the regex engine skip to the next CR or LF at C speed; RUN,
# which starts with lookbehinds, would be tried at every position of the text.
RUN_START = re.compile(rf"{NEWLINE}(?={BLANK}{BLANK})")
# The same for a text without CR (most files): opening with one literal LF, the engine finds
# each candidate at memchr speed instead of trying the alternation at every position.
LF_RUN_START = re.compile(r"\n(?=[ \t]*\n[ \t]*\n)")
BLANK_LINE = re.compile(BLANK)
LINE_BREAK = re.compile(NEWLINE)


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
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        text = doc.text
        body = doc.body_start
        tail_start = trailing_blank_lines(text, body)
        for m in runs(text, body):
            if (tail_start is not None and m.end() > tail_start) or doc.in_code(m.start()):
                continue  # (blank lines reaching the end of the file are the finding below)
            first_end = BLANK_LINE.match(text, m.start()).end()  # type: ignore[union-attr]
            count = len(BLANK_LINE.findall(m.group()))
            yield self.report(
                doc,
                m.start(),
                m.end(),
                f"{count} blank lines in a row; one is enough",
                self.fix("Reduce to one blank line", Edit(first_end, m.end()), preserves_render=True),
            )
        if tail_start is not None and not doc.in_code(tail_start):
            yield self.report(
                doc,
                tail_start,
                len(text),
                "Blank lines at the end of the file",
                self.fix("Remove blank lines at the end", Edit(tail_start, len(text)), preserves_render=True),
            )


def runs(text: str, body: int):
    """RUN.finditer(text, body), found from the line breaks that can precede a run."""
    m = RUN.match(text, body)  # a run right at the start of the body (or of the text)
    pos = body
    run_start = RUN_START if "\r" in text else LF_RUN_START
    while True:
        if m is not None:
            yield m
            pos = m.end()  # runs are maximal: the line after one is not blank
        start = run_start.search(text, pos)
        if start is None:
            return
        m = RUN.match(text, start.end())


def trailing_blank_lines(text: str, body: int) -> int | None:
    """Where the blank lines that end the file begin (just after the last content line's
    break), or None when there are none.

    Without a regex: a pattern searched from every line break of a long run of blank
    lines takes quadratic time.
    """
    content_end = len(text.rstrip(" \t\r\n"))
    last_break = LINE_BREAK.search(text, max(content_end, body))
    if last_break is None:
        return None
    rest = text[last_break.end() :]
    return last_break.end() if "\n" in rest or "\r" in rest else None
