from __future__ import annotations

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.rule import Fixable, Options, Rule

from ._common import keeps_structure, line_removal, normalize_label

REFERENCE_TYPES = frozenset({"reference", "collapsed", "shortcut"})


class UnusedDefinition(Rule):
    """## What it does
    Finds link reference definitions (`[label]: https://…`) that no
    reference-style link or image uses, and footnote definitions (`[^label]: …`)
    that no footnote reference uses.

    ## Why is this bad?
    Such definitions render as nothing (a link definition) or as a stray note
    at the end of the page (a footnote); they are usually what is left after an
    exporter dropped the markers that used them.  An unused footnote is still text
    someone wrote (often a note linking to the reader's other notes): it is
    reported so the marker can be restored, never removed.

    ## Example
    ```markdown
    The article ends here.

    [1]: https://example.com/unused

    ```

    Use instead:
    ```markdown
    The article ends here.
    ```

    ## Fix safety
    Unsafe, for link reference definitions only: the definition (its whole lines,
    and one neighbouring blank line so no double blank line is left) is removed,
    which drops its URL.  Footnote definitions have no fix: no fix ever deletes a
    footnote.  Definitions that share a line with other text or sit inside a block
    quote or list are reported without a fix, and so is any removal that would
    change another block.
    """

    code = "LNK008"
    name = "unused-definition"
    summary = "Link reference definitions and footnote definitions that nothing uses"
    fixable = Fixable.UNSAFE
    # Only link reference definitions are removed, which render as nothing: no prose goes.
    removes_paragraphs = False

    def check(self, doc: Document, options: Options):
        used = {normalize_label(n.label) for n in doc.links if n.link_type in REFERENCE_TYPES}
        for definition in doc.definitions:
            if normalize_label(definition.label) not in used:
                message = f"Link reference definition [{definition.label}] is not used"
                yield self.report(doc, definition.start, definition.end, message, self._removal(doc, definition))
        notes = {normalize_label(n.label) for n in doc.nodes_of("footnote_ref")}
        for note in doc.nodes_of("footnote_definition"):
            if normalize_label(note.label) not in notes:
                end = _content_end(doc.text, note)
                message = f"Footnote definition [^{note.label}] is not used (kept: a footnote is someone's text)"
                yield self.report(doc, note.start, end, message)

    def _removal(self, doc: Document, node: Node):
        edit = line_removal(doc, node.start, node.end)
        if edit is None or not keeps_structure(doc, edit):
            return None
        source = doc.text[node.start : _content_end(doc.text, node)]
        shown = source if len(source) <= 80 else source[:79] + "…"
        return self.fix(f"Remove the unused definition `{shown}`", edit, safe=False)


def _content_end(text: str, node: Node) -> int:
    """End of a node without the line breaks and blanks it swallowed."""
    end = node.end
    while end > node.start and text[end - 1] in " \t\r\n":
        end -= 1
    return end
