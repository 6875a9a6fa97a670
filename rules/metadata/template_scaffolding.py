from __future__ import annotations

import re
from pathlib import PurePosixPath

from omnilint.rules.kit.header import fold, header_zone_end, meta_title
from omnilint.rules.kit.lines import block_lines, remove_lines

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# One `>` level of a blockquote line (the callout's own), and the callout's first line
# when it carries no title: `[!summary]`, `[!summary]+`, `[!note]-`.
_QUOTE_PREFIX = re.compile(r"^[ \t]{0,3}>[ \t]?")
_BARE_MARKER = re.compile(r"^\[![A-Za-z][\w-]*\][+-]?[ \t]*$")
# What a template engine writes for a value that is missing: never a summary a person wrote.
PLACEHOLDERS = frozenset({"null", "undefined", "nil"})  # not "none": a person may write that
_TEMPLATE_VARIABLE = re.compile(r"^\{\{[^{}]*\}\}$")  # an unrendered `{{summary}}`
_DANGLING_BY = re.compile(r"[ \t]+by[ \t]*$", re.IGNORECASE)
AUTHOR_KEYS = ("author", "authors", "by", "creator", "作者")


def callout_body(doc: Document, node: Node) -> list[str] | None:
    """The lines under a callout's `[!type]` marker (one `>` level stripped), or None when
    the marker line carries a title (`> [!note] Read later`): a titled callout says something."""
    lines = [_QUOTE_PREFIX.sub("", line.text, count=1) for line in block_lines(doc, node)]
    if not lines or not _BARE_MARKER.match(lines[0]):
        return None
    return lines[1:]


def is_empty_callout(doc: Document, node: Node) -> str | None:
    """ "empty" or "placeholder" when a callout holds nothing a person wrote, else None."""
    if node.kind != "callout":
        return None
    body = callout_body(doc, node)
    if body is None:
        return None
    content = " ".join(line.strip() for line in body if line.strip())
    if not content:
        return "empty"
    if content.casefold() in PLACEHOLDERS or _TEMPLATE_VARIABLE.match(content):
        return "placeholder"
    return None


def expected_title(doc: Document) -> tuple[str, str] | None:
    """(the title, where it comes from): the front matter's, else the file name's stem."""
    title = meta_title(doc)
    if title is not None:
        return title, "front matter"
    if doc.path:
        stem = PurePosixPath(doc.path).stem.strip()
        if stem:
            return stem, "file name"
    return None


def has_author(doc: Document) -> bool:
    meta = doc.meta
    for key, value in meta.items():
        if str(key).strip().casefold() in AUTHOR_KEYS and value not in (None, "", []):
            return True
    return False


class EmptyTemplateScaffolding(Rule):
    """## What it does
    Finds what an exporter's template wrote around a value that was missing: a
    callout with nothing under its `[!type]` line (`> [!summary]` alone, or holding
    only `null`, `undefined` or an unrendered `{{summary}}`), and a title heading
    that ends in a dangling ` by` because the author was empty (`# Rivers of the
    world by`).  The heading is reported only when it is exactly the title (from the
    front matter, else the file name) followed by ` by`, and the front matter names
    no author: a title that really ends in "by" (`# Stand by`) is the title.

    ## Why is this bad?
    The reader sees an empty box titled "Summary", the word "null", or a title that
    stops mid-sentence: noise that says the template failed, not the article.

    ## Example
    ```markdown
    ---
    title: Rivers of the world
    ---

    # Rivers of the world by

    > [!summary]
    > null

    Rivers carry water to the sea.
    ```

    Use instead:
    ```markdown
    ---
    title: Rivers of the world
    ---

    # Rivers of the world

    Rivers carry water to the sea.
    ```

    ## Fix safety
    Unsafe.  Removing the dangling ` by` drops a visible word (it stands for the
    missing author, but a safe fix never removes words).  Removing an empty callout
    drops a visible box, which its owner may keep to fill in later, and a `null`
    in it is text, however meaningless.
    """

    code = "META005"
    name = "empty-template-scaffolding"
    summary = "An empty callout or a title ending in a dangling ' by' left by a template"
    fixable = Fixable.UNSAFE
    removes_paragraphs = True  # an empty callout, or one holding only `null`

    def check(self, doc: Document, options: Options):
        blocks = doc.root.children
        for node in blocks:
            verdict = is_empty_callout(doc, node)
            if verdict is None:
                continue
            lines = block_lines(doc, node)
            marker = lines[0].text.strip()
            if verdict == "empty":
                message = f"Empty callout `{marker}`"
            else:
                message = f"Callout `{marker}` holds only the placeholder `{' '.join(ln.text.strip(' >') for ln in lines[1:]).strip()}`"
            edit = remove_lines(doc, lines[0].start, lines[-1].after)
            fix = self.fix(f"Remove the callout `{marker}`", edit, safe=False)
            yield self.report(doc, lines[0].start, lines[-1].end, message, fix)
        yield from self._dangling_by(doc, blocks[: header_zone_end(doc)])

    def _dangling_by(self, doc: Document, zone: list[Node]):
        expected = expected_title(doc)
        if expected is None or has_author(doc):
            return
        title, _source = expected
        wanted = fold(title)
        if _DANGLING_BY.search(title):
            return  # the title itself ends in "by": nothing dangles
        for node in zone:
            if node.kind != "heading":
                continue
            line = block_lines(doc, node)[0]
            m = _DANGLING_BY.search(line.text)
            if m is None or doc.in_code(line.start + m.start()):
                continue
            heading = fold(node.plain_text())
            if not _DANGLING_BY.search(heading) or fold(_DANGLING_BY.sub("", heading)) != wanted:
                continue
            start, end = line.start + m.start(), line.start + m.end()
            fix = self.fix("Remove the dangling ` by`", Edit(start, end), safe=False)
            message = "Title heading ends in a dangling ` by` (the author is missing)"
            yield self.report(doc, start, end, message, fix)
            return
