from __future__ import annotations

from typing import Any, ClassVar

from omnilint.rules.kit.header import (
    SECTION_LABELS,
    first_h1,
    header_zone_end,
    heading_text,
    meta_title,
    title_variants,
)
from omnilint.rules.kit.lines import block_lines, remove_lines

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.rule import Fixable, Options, Rule

from .exporter_boilerplate import is_content_label

FIRST_H1_MODES = ("allow", "require", "forbid")


def title_headings(doc: Document) -> tuple[Node | None, list[Node]]:
    """(the first H1 when it is the title, other headings of the header zone that repeat it).

    Only the header zone (before the first content block) holds title headings: a
    heading after content is a section of the article, even one named like it."""
    title = meta_title(doc)
    h1 = first_h1(doc)
    if h1 is not None and is_content_label(h1):
        h1 = None  # `# Full Content:` is template scaffolding (META004's), never the title
    if title is None:
        if h1 is None:
            return None, []
        title = h1.plain_text()
    variants = title_variants(title)
    convention = h1 if h1 is not None and heading_text(h1) in variants else None
    zone = doc.root.children[: header_zone_end(doc)]
    repeats = [
        n
        for n in zone
        if n.kind == "heading"
        and n is not convention
        and heading_text(n) in variants
        and heading_text(n) not in SECTION_LABELS  # a `## Notes` section in a note titled "Notes"
        and not is_content_label(n)
    ]
    return convention, repeats


def title_paragraph(doc: Document) -> Node | None:
    """The first content block when it is a plain paragraph that only repeats the title
    (`Rivers of the world` under the exporter's header): the saved page's own title line.

    Only that block: further down, a line equal to the title is the article's."""
    title = meta_title(doc)
    if title is None:
        h1 = first_h1(doc)
        if h1 is None or is_content_label(h1):
            return None
        title = h1.plain_text()
    blocks = doc.root.children
    index = header_zone_end(doc)
    if index >= len(blocks) or blocks[index].kind != "paragraph":
        return None
    node = blocks[index]
    if any(child.kind in ("link", "image", "html", "footnote_ref") for child in node.walk()):
        return None  # a link or an image says more than the title
    text = heading_text(node)
    if text in SECTION_LABELS or text not in title_variants(title):
        return None
    return node


class RepeatedTitleHeading(Rule):
    """## What it does
    Finds headings that repeat the document's title: the front-matter `title`, or
    the first H1 when there is none, and the title repeated as a plain paragraph
    right under the exporter's header (the saved page's own title line).  Only
    headings of the header zone count, the
    blocks an exporter writes before the content (headings, tag and property lines,
    lone links, thematic breaks): a heading after the first content block is a
    section of the article, even when its text equals the title.  A title with a site suffix (`… - Site`,
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
    Safe when an equal copy stays: the repeated heading (or paragraph) line is removed together
    with the blank line its removal would leave, and the title is still in the
    front matter (or in an H1 with exactly the heading's text); the fix message
    names the copy that stays.  Unsafe when the only copy is an H1 that says more
    (`(99+ 封私信) 问题 - 知乎` above `## 问题`).  A
    missing title H1 (`require`) is reported without a fix.
    """

    code = "META003"
    name = "repeated-title-heading"
    summary = "A heading repeats the document title"
    fixable = Fixable.SOMETIMES
    removes_paragraphs = True  # a heading that only repeats the title
    options: ClassVar[dict[str, Any]] = {"first-h1": "allow"}
    option_choices: ClassVar[dict[str, tuple[Any, ...]]] = {"first-h1": FIRST_H1_MODES}

    def check(self, doc: Document, options: Options):
        mode = options.get("first-h1", "allow")
        if mode not in FIRST_H1_MODES:
            raise ValueError(f"option first-h1 must be one of {', '.join(FIRST_H1_MODES)}, not {mode!r}")
        convention, repeats = title_headings(doc)
        kept = f"the H1 at line {doc.position(convention.start)[0]}" if convention is not None else "the front matter"
        title = meta_title(doc)
        for heading in repeats:
            # Safe only when an equal copy stays: the front matter's title (the heading is
            # it, or it without a site suffix), or an H1 with exactly the heading's text.
            safe = title is not None or (convention is not None and heading_text(heading) == heading_text(convention))
            yield self._remove(doc, heading, "Heading repeats the document title", kept, safe)
        paragraph = title_paragraph(doc)
        if paragraph is not None:
            safe = title is not None or (convention is not None and heading_text(paragraph) == heading_text(convention))
            yield self._remove(doc, paragraph, "Paragraph repeats the document title", kept, safe, "line")
        in_zone = convention is not None and any(n is convention for n in doc.root.children[: header_zone_end(doc)])
        if mode == "forbid" and convention is not None and in_zone and meta_title(doc) is not None:
            message = 'H1 repeats the front-matter title (first-h1 = "forbid")'
            yield self._remove(doc, convention, message, "the front matter", True)
        if mode == "require" and convention is None and (meta_title(doc) or first_h1(doc)):
            start = doc.body_start
            yield self.report(doc, start, start, 'No H1 with the document title (first-h1 = "require")')

    def _remove(self, doc: Document, heading: Node, message: str, kept: str, safe: bool, what: str = "heading"):
        lines = block_lines(doc, heading)
        edit = remove_lines(doc, lines[0].start, lines[-1].after)
        end = heading.start + len(doc.text[heading.start : heading.end].rstrip())
        source = _short(doc.text[heading.start : end])
        fix = self.fix(f"Remove the {what} `{source}` (the title stays in {kept})", edit, safe=safe)
        return self.report(doc, heading.start, end, message, fix)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
