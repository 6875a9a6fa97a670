from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# What an HTML-escaping template engine (mustache's `{{content}}`) writes, and what it stood for.
ESCAPES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#39;": "'",
    "&#x27;": "'",
    "&#x2f;": "/",
    "&#x60;": "`",
    "&#x3d;": "=",
}
ESCAPED = re.compile(r"&(?:amp|lt|gt|quot|#39|#[xX]27|#[xX]2[fF]|#[xX]60|#[xX]3[dD]);")
# Only an escaper writes these: people and converters write `/`, a backtick and `=` as they are.
TELLTALE = re.compile(r"&#[xX](?:2[fF]|60|3[dD]);")
_NOT_PROSE = frozenset({"code_block", "html_block", "metadata"})


class EscapedMarkup(Rule):
    """## What it does
    Finds documents whose text was HTML-escaped as a whole: `&#x60;&#x60;&#x60;`
    where a code fence should be, `&#x2F;` for `/`, `&#x3D;` for `=`, with
    `&#39;`, `&quot;`, `&amp;`, `&lt;`, `&gt;` around them.  It reports once per
    document (at the first reference), when at least `min-count` of the telltale
    references (`&#x2F;`, `&#x60;`, `&#x3D;`) are in the text outside code.

    ## Why is this bad?
    An exporter template that used `{{content}}` instead of `{{{content}}}`
    escaped every article: code fences and inline code never render (the
    backticks are references), and the source is unreadable in an editor and
    for search.

    ## Example
    ````markdown
    Run it:

    &#x60;&#x60;&#x60;
    if (a &#x3D;&#x3D; b) return &#39;x&#39;;
    &#x60;&#x60;&#x60;
    ````

    Use instead:
    ````markdown
    Run it:

    ```
    if (a == b) return 'x';
    ```
    ````

    ## Fix safety
    Unsafe: every escaper reference outside code spans and blocks is replaced by
    its character (exactly reversing the escaping), which makes fences, inline
    code and any raw HTML of the original text live again, so the rendering
    changes.  References escaped with a backslash are kept.
    """

    code = "LNK004"
    name = "escaped-markup"
    summary = "Text HTML-escaped as a whole by an exporter (&#x60;&#x60;&#x60; fences that never render)"
    fixable = Fixable.UNSAFE
    options = {"min-count": 3}

    def check(self, doc: Document, options: Options):
        text = doc.text
        if "&#" not in text:
            return
        found = [m for start, end in _prose_spans(doc) for m in ESCAPED.finditer(text, start, end)]
        found = [m for m in found if m.start() == 0 or text[m.start() - 1] != "\\"]
        telltales = sum(1 for m in found if TELLTALE.fullmatch(m.group()))
        if telltales < max(1, int(options["min-count"])):
            return
        first = found[0]
        example = next(m.group() for m in found if TELLTALE.fullmatch(m.group()))
        edits = [Edit(m.start(), m.end(), ESCAPES[m.group().lower()]) for m in found]
        message = (
            f"The text is HTML-escaped ({len(found)} character references such as {example}); "
            "code fences, inline code and markup do not render"
        )
        fix = self.fix("Unescape the text outside code", *edits, safe=False)
        yield self.report(doc, first.start(), first.end(), message, fix)


def _prose_spans(doc: Document) -> list[tuple[int, int]]:
    """Source spans of all text outside code (link text and alt text included), merged."""
    spans: list[tuple[int, int]] = []
    # The texts a code or HTML block holds, by identity: their parents found from the few
    # such blocks, not a parent lookup (and the document's parent map) for every node.
    in_code = {id(child) for node in doc.nodes if node.kind in _NOT_PROSE for child in node.children}
    for node in doc.nodes:
        if node.kind != "text" or id(node) in in_code:
            continue
        if spans and spans[-1][1] == node.start:
            spans[-1] = (spans[-1][0], node.end)
        else:
            spans.append((node.start, node.end))
    return spans
