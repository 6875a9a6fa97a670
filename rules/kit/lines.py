"""Lines of a note as rules read and remove them: a line's span and text, a block's lines,
and removing lines together with the blank line their removal would leave."""

from __future__ import annotations

from dataclasses import dataclass

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offset of the first character of the line
    end: int  # offset of the end of its content (before the line break)
    after: int  # offset just after the line break
    text: str  # the line's content


def line_at(doc: Document, offset: int) -> Line:
    start, end, after = doc.line_bounds(offset)
    return Line(start, end, after, doc.text[start:end])


def line_before(doc: Document, line_start: int) -> Line | None:
    """The line that ends where the line starting at `line_start` begins (None at the top).

    Found from the end of its content, since an offset between CR and LF belongs to
    no line."""
    if line_start <= 0:
        return None
    text = doc.text
    end = line_start - (2 if text[line_start - 2 : line_start] == "\r\n" else 1)
    line = line_at(doc, end)
    return line if line.start < line_start else None


def block_lines(doc: Document, node: Node) -> list[Line]:
    """The source lines a block spans (trailing blank lines excluded)."""
    lines: list[Line] = []
    pos = node.start
    stop = content_end(doc, node)
    while pos < stop:
        line = line_at(doc, pos)
        lines.append(line)
        if line.after <= pos:
            break
        pos = line.after
    return lines


def content_end(doc: Document, node: Node) -> int:
    """Offset just after the last non-whitespace character of a node."""
    return node.start + len(doc.text[node.start : node.end].rstrip())


def is_blank(text: str, quoted: bool = False) -> bool:
    return not text.strip(" \t>" if quoted else " \t")


def remove_lines(doc: Document, start: int, after: int, quoted: bool = False) -> Edit:
    """Remove the whole lines text[start:after] and the blank line that would be left.

    `start` is a line start and `after` the offset after a line break (or the end
    of the text).  A blank line goes with them when blank lines sit on both sides
    (or the lines open the body), so the text keeps one blank line between its
    neighbours; lines that end the text take the blank lines before them along.
    `quoted`: inside a blockquote, `>`-only lines count as blank.
    """
    text = doc.text
    rest = text[after:]
    if not rest.strip(" \t\r\n>" if quoted else " \t\r\n"):
        # Nothing follows: drop the blank lines before too, keep the previous line's break.
        begin = start
        while begin > doc.body_start:
            prev = line_before(doc, begin)
            if prev is None or prev.start < doc.body_start or not is_blank(prev.text, quoted):
                break
            begin = prev.start
        return Edit(begin, len(text))
    next_line = line_at(doc, after)
    next_blank = is_blank(next_line.text, quoted) and next_line.after > after
    if next_blank:
        at_body_start = start <= doc.body_start
        prev_blank = False
        if not at_body_start:
            prev = line_before(doc, start)
            prev_blank = prev is None or is_blank(prev.text, quoted) or prev.start < doc.body_start
        if at_body_start or prev_blank:
            return Edit(start, next_line.after)
    return Edit(start, after)


def merge_touching(edits: list[Edit], text: str) -> list[Edit]:
    """Join edits that touch (an insertion where a removal starts) into one edit, since
    the fixer rejects a fix whose own edits touch.  Overlapping edits are a bug."""
    merged: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if not merged or edit.start > merged[-1].end:
            merged.append(edit)
            continue
        last = merged[-1]
        if edit.start < last.end:
            raise ValueError(f"overlapping edits {last} and {edit}")
        merged[-1] = Edit(last.start, edit.end, last.content + edit.content)
    return merged
