from __future__ import annotations

from typing import Any, ClassVar

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.rule import Options, Rule

from ._common import SECTION_LABELS, block_lines, first_h1, heading_text, meta_title, remove_lines, title_variants

FIRST_H1_MODES = ("allow", "require", "forbid")


def title_headings(doc: Document) -> tuple[Node | None, list[Node]]:
    """(the first H1 when it is the title, other top-level headings that repeat the title)."""
    title = meta_title(doc)
    h1 = first_h1(doc)
    if title is None:
        if h1 is None:
            return None, []
        title = h1.plain_text()
    variants = title_variants(title)
    convention = h1 if h1 is not None and heading_text(h1) in variants else None
    repeats = [
        n
        for n in doc.root.children
        if n.kind == "heading" and n is not convention and heading_text(n) in variants
        and heading_text(n) not in SECTION_LABELS  # a `## Notes` section in a note titled "Notes"
    ]
    return convention, repeats


class RepeatedTitleHeading(Rule):
    """## What it does
    Finds headings that repeat the document's title: the front-matter `title`, or
    the first H1 when there is none.  A title with a site suffix (`… - Site`,
    `… | Site`, `…_Site`) or a notification count (`(99+ …) …`) also matches the
    bare title.  The first H1 equal to the title is the usual convention and is not
    reported; option `first-h1` = `"require"` reports a document without it,
    `"forbid"` reports it too (when the front matter holds the title).

    ## Why is this bad?
    Exporters write the title as an H1, and the saved page often carries its own
    title heading as well, so the reader sees the title two or three times and the
    outline gains a bogus entry.

    ## Example
    ```markdown
    ---
    title: Rivers of the world - Example News
    ---

    # Rivers of the world - Example News

    ### Rivers of the world

    Rivers carry water to the sea.
    ```

    Use instead:
    ```markdown
    ---
    title: Rivers of the world - Example News
    ---

    # Rivers of the world - Example News

    Rivers carry water to the sea.
    ```

    ## Fix safety
    Safe: the repeated heading line is removed together with the blank line its
    removal would leave; the title is still in the H1 (or the front matter).  A
    missing title H1 (`require`) is reported without a fix.
    """

    code = "META003"
    name = "repeated-title-heading"
    summary = "A heading repeats the document title"
    fixable = "safe"
    removes_paragraphs = True  # a heading that only repeats the title
    options: ClassVar[dict[str, Any]] = {"first-h1": "allow"}
    option_choices: ClassVar[dict[str, tuple[Any, ...]]] = {"first-h1": FIRST_H1_MODES}

    def check(self, doc: Document, options: Options):
        mode = options.get("first-h1", "allow")
        if mode not in FIRST_H1_MODES:
            raise ValueError(f"option first-h1 must be one of {', '.join(FIRST_H1_MODES)}, not {mode!r}")
        convention, repeats = title_headings(doc)
        for heading in repeats:
            yield self._remove(doc, heading, "Heading repeats the document title")
        if mode == "forbid" and convention is not None and meta_title(doc) is not None:
            yield self._remove(doc, convention, "H1 repeats the front-matter title (first-h1 = \"forbid\")")
        if mode == "require" and convention is None and (meta_title(doc) or first_h1(doc)):
            start = doc.body_start
            yield self.report(doc, start, start, "No H1 with the document title (first-h1 = \"require\")")

    def _remove(self, doc: Document, heading: Node, message: str):
        lines = block_lines(doc, heading)
        edit = remove_lines(doc, lines[0].start, lines[-1].after)
        end = heading.start + len(doc.text[heading.start : heading.end].rstrip())
        return self.report(doc, heading.start, end, message, self.fix("Remove the heading", edit))
