from __future__ import annotations

from omnilint.rules.kit.urls import host_of

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit, Fix
from omnilint.rule import Fixable, Options, Rule

from ._common import code_like_at, is_empty_text, keeps_structure, line_removal, unwrap_edit
from ._grouped import location, merge_edits


class EmptyLink(Rule):
    """## What it does
    Finds links and images with an empty destination (`[text]()`, `![]()`) and
    links whose text is empty or invisible (only spaces or zero-width
    characters), such as Readwise's `[](https://read.readwise.io/read/…)`
    backlinks and the `[ ](#heading)` anchors web pages leave in headings.
    Brackets that look like code whose fences were lost (`obj[Symbol.result]()`
    on a line shaped like a statement) are not links a writer meant, and are left alone.
    The empty backlinks a Readwise export template writes after every highlight
    (`[](https://read.readwise.io/read/…)`) are one finding per document, on the
    first, with their number; so are the empty `[ ](#…)` section permalinks of a
    page's headings; JSON output lists every one in the finding's `data`.

    ## Why is this bad?
    An empty destination links the page to itself; an empty text is a link
    nobody can see or click on purpose.  Both are exporter noise.

    ## Example
    ```markdown
    Read [the announcement]() and the notes.[](https://read.readwise.io/read/01j8mz4aaxv3m0keqe399k740m)

    ![]()
    ```

    Use instead:
    ```markdown
    Read the announcement and the notes.
    ```

    ## Fix safety
    Safe for an empty destination: `[text]()` becomes `text`, and `![]()` (no
    text, no URL) is removed, as it shows nothing.  Unsafe for an empty text:
    removing the link drops its URL, and an image with alt text but no URL
    becomes its alt text.  A link alone on its line goes with its line (and one
    neighbouring blank line) when no other block changes.  One unsafe fix removes
    every Readwise backlink of the document, one every heading permalink.
    """

    code = "LNK009"
    name = "empty-link"
    summary = "Links with an empty destination ([text]()) or empty, invisible text ([](url))"
    fixable = Fixable.SOMETIMES

    def check(self, doc: Document, options: Options):
        backlinks: list[Node] = []
        permalinks: list[Node] = []
        for node in doc.links:
            if node.link_type in ("autolink", "email", "wikilink"):
                continue
            empty_url = not node.url.strip()
            # An image with an empty alt text is a decorative image, not an empty link.
            empty_text = is_empty_text(node) if node.kind == "link" or empty_url else False
            if not (empty_url or empty_text):
                continue
            if empty_url and code_like_at(doc, node.start, node.end):
                continue  # `obj[Symbol.result]()` in code that lost its fences
            if empty_text and not empty_url and node.kind == "link" and is_readwise_backlink(node):
                backlinks.append(node)
                continue
            if empty_text and not empty_url and node.kind == "link" and is_heading_permalink(doc, node):
                permalinks.append(node)
                continue
            fix = self._fix(doc, node, empty_url, empty_text)
            yield self.report(doc, node.start, node.end, _message(node, empty_url, empty_text), fix)
        if backlinks:
            many = f"{len(backlinks)} empty Readwise backlinks [](https://read.readwise.io/read/…) from the export template"
            yield self._grouped(doc, backlinks, many, "Readwise backlink")
        if permalinks:
            many = f"{len(permalinks)} empty links [ ](#…) to their own headings (the site's section permalinks)"
            yield self._grouped(doc, permalinks, many, "heading permalink", _permalink_removal)

    def _grouped(self, doc: Document, nodes: list[Node], many: str, what: str, removal=None):
        """Empty links an exporter or a site writes by the dozen: one finding, one unsafe fix
        that removes them all (each by `removal(doc, node)`, else as a lone empty link is)."""
        first = nodes[0]
        message = _message(first, False, True) if len(nodes) == 1 else many
        if removal is None:
            edits = merge_edits(e for n in nodes for e in self._remove(doc, n, safe=False).edits)
        else:
            edits = merge_edits(removal(doc, n) for n in nodes)
        what = f"empty {what}" if len(nodes) == 1 else f"{len(nodes)} empty {what}s"
        fix = None if edits is None else self.fix(f"Remove the {what}", *edits, safe=False)
        data = {"count": len(nodes), "locations": [location(doc, n.start, n.end) for n in nodes]}
        return self.report(doc, first.start, first.end, message, fix, data)

    def _fix(self, doc: Document, node: Node, empty_url: bool, empty_text: bool) -> Fix | None:
        if node.link_type != "inline":
            return None
        if empty_url and empty_text:
            return self._remove(doc, node, safe=True)
        if empty_url:
            edit = unwrap_edit(doc.text, node)
            if edit is None:
                return None
            if node.kind == "image":
                return self.fix("Replace the image by its alt text", edit, safe=False)
            return self.fix("Unwrap the link to its text", edit)
        return self._remove(doc, node, safe=False)

    def _remove(self, doc: Document, node: Node, safe: bool) -> Fix:
        edit = line_removal(doc, node.start, node.end)
        if edit is not None:
            paragraph = doc.parent(node)
            alone = (
                paragraph is not None
                and paragraph.kind == "paragraph"
                and (doc.text[paragraph.start : paragraph.end].strip() == doc.source(node))
            )
            if not keeps_structure(doc, edit, [paragraph] if alone and paragraph is not None else []):
                edit = None
        if edit is None:
            edit = Edit(node.start, node.end)
        what = "image" if node.kind == "image" else "link"
        return self.fix(f"Remove the empty {what}", edit, safe=safe)


def is_heading_permalink(doc: Document, node: Node) -> bool:
    """`## [ ](#getting-started) Getting started`: the section permalink icon of a web page
    (dev.to, docs sites), an in-page link with no text inside a heading."""
    if not node.url.startswith("#"):
        return False
    parent = doc.parent(node)
    while parent is not None and parent.kind not in ("heading", "paragraph"):
        parent = doc.parent(parent)
    return parent is not None and parent.kind == "heading"


def _permalink_removal(doc: Document, node: Node) -> Edit:
    """The link and the space after it: `## [ ](#x) Title` becomes `## Title`."""
    end = node.end + 1 if doc.text[node.end : node.end + 1] == " " else node.end
    return Edit(node.start, end)


def is_readwise_backlink(node: Node) -> bool:
    """`[](https://read.readwise.io/read/…)`: the link a Readwise template puts after a highlight."""
    return host_of(node.url) == "read.readwise.io" and node.url.split("read.readwise.io", 1)[1].startswith("/read/")


def _message(node: Node, empty_url: bool, empty_text: bool) -> str:
    what = "Image" if node.kind == "image" else "Link"
    if empty_url and empty_text:
        return f"{what} with no text and no destination"
    if empty_url:
        return f"{what} with an empty destination"
    invisible = "invisible" if node.plain_text() else "empty"
    return f"{what} with {invisible} text (to {node.url})"
