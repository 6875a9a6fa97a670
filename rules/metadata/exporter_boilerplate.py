from __future__ import annotations

from omnilint.rules.kit.header import SECTION_LABELS, fold, header_lines, parse_property
from omnilint.rules.kit.lines import block_lines, remove_lines

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# Headings a template puts above the saved content ("# Full Content:").
CONTENT_LABELS = frozenset(
    {
        "full content",
        "article content",
        "original content",
        "full article",
        "full text",
        "正文",
        "全文",
        "原文",
        "原文内容",
    }
)
# Generic words that are a label only when written as one ("## Content:").
CONTENT_LABELS_WITH_COLON = frozenset({"content", "article", "text"})


def _label(node: Node) -> tuple[str, bool]:
    text = fold(node.plain_text())
    colon = text.endswith((":", "："))
    return text.rstrip(" :："), colon


def is_content_label(node: Node) -> bool:
    label, colon = _label(node)
    return label in CONTENT_LABELS or (colon and label in CONTENT_LABELS_WITH_COLON)


def empty_section(blocks: list[Node], index: int) -> bool:
    """Is there nothing at all (thematic breaks aside) before the next heading of the same
    or a higher level?  A subsection is something: the section holds it."""
    level = blocks[index].level
    for node in blocks[index + 1 :]:
        if node.kind == "heading":
            return node.level <= level
        if node.kind != "thematic_break":
            return False
    return True


class ExporterBoilerplate(Rule):
    """## What it does
    Finds template scaffolding with nothing of its own: a `# Full Content:`-style
    heading put above the saved content, an empty `## Highlights` (or `Notes`)
    section (nothing under it, subsections included, before the next heading of its
    level), and an empty Logseq property line (`tags::` with no value) in the header.
    A thematic break that ends the file is left alone: authors end pages with one.

    ## Why is this bad?
    These lines come from the exporter's template, not from the article: they add
    bogus entries to the outline and empty sections.

    ## Example
    ```markdown
    # An article

    ### Highlights

    # Full Content:

    The article text.
    ```

    Use instead:
    ```markdown
    # An article

    The article text.
    ```

    ## Fix safety
    Unsafe: the line is removed (with the blank line its removal would leave).  A
    user may have written under such a heading on purpose, or keep an empty
    section or property line to fill in later; review the change.
    """

    code = "META004"
    name = "exporter-boilerplate"
    summary = "Template scaffolding with nothing under it"
    fixable = Fixable.UNSAFE
    removes_paragraphs = True  # template lines such as `# Full Content:`

    def check(self, doc: Document, options: Options):
        blocks = doc.root.children
        for i, node in enumerate(blocks):
            if node.kind != "heading":
                continue
            if is_content_label(node):
                yield self._remove(doc, node, f"Template heading `{doc.source(node).strip()}` above the content")
            elif _label(node)[0] in SECTION_LABELS and empty_section(blocks, i):
                yield self._remove(doc, node, f"Empty section `{doc.source(node).strip()}`")
        for _node, lines in header_lines(doc):
            for line in lines:
                prop = parse_property(line)
                if prop is not None and prop.logseq and not prop.value:
                    message = f"Empty property line `{line.text.strip()}`"
                    edit = (
                        remove_lines(doc, line.start, line.after) if len(lines) == 1 else Edit(line.start, line.after)
                    )
                    fix = self._fix(edit, f"Remove the empty property line `{line.text.strip()}`")
                    yield self.report(doc, line.start, line.end, message, fix)

    def _remove(self, doc: Document, node: Node, message: str):
        lines = block_lines(doc, node)
        edit = remove_lines(doc, lines[0].start, lines[-1].after)
        end = node.start + len(doc.source(node).rstrip())
        source = doc.source(node).strip()
        return self.report(doc, node.start, end, message, self._fix(edit, f"Remove the heading `{source}`"))

    def _fix(self, edit: Edit, message: str):
        return self.fix(message, edit, safe=False)
