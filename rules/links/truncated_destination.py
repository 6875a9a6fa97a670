from __future__ import annotations

import re

from omnilint.rules.kit.urls import is_web_url

from omnilint.document import Document
from omnilint.markdown import Node, destination_span
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import is_bracketed, parsed_destination, text_span

# What follows a cut link: text glued to its `)` that runs on like a URL and ends in the
# `)` that was meant to close the link (`)-Is-Palindrome)`, `)_of_Rivers)`).
_REST = re.compile(r"(?:[^\s()<>\[\]]+\))+")
# Only closing parentheses after the link: the URL ended in `)` (`…/Delta_(river)mouth)`); a
# finding only when the link's text is the whole URL, since prose closes parentheses so too.
_PARENS_ONLY = re.compile(r"\)+")
# The rest must start as a URL goes on (ASCII), unless the shape makes the URL certain.
_URL_CONTINUES = re.compile(r"[A-Za-z0-9\-._~/%?#=&+:]")
# The exporter's own link line: its text is fixed and the line holds nothing else.
_EXPORTER_TEXT = re.compile(r"^(?:read original|read on omnivore|original|source|原文|原文链接|来源)$", re.IGNORECASE)
_UNESCAPED_PAREN = re.compile(r"(?<!\\)([()])")
LOOK_BACK = 2000  # characters before a link searched for an open `(`
URL_KEYS = ("url", "source", "link", "original_url", "original-url", "source_url", "canonical")


class TruncatedLinkDestination(Rule):
    """## What it does
    Finds a link or image whose destination an unescaped `)` cut short, so that
    the rest of the URL and the closing parenthesis show as text after the link:
    `[Read Original](https://example.com/journal/3)-Is-Palindrome)` links to
    `https://example.com/journal/3`.  Reported when text glued to the link runs on
    like a URL and ends in `)`, and no `(` opened earlier on the line (then the `)`
    closes that parenthesis: `(see [the post](https://example.com)'s end)` is prose).

    ## Why is this bad?
    The link leads to a wrong or missing page, and the reader sees URL debris
    after it.  Exporters write URLs with parentheses as they are, and a Markdown
    destination ends at the first `)` that has no `(` to match.

    ## Example
    ```markdown
    [Read Original](https://example.com/journal/3)-Is-Palindrome)
    ```

    Use instead:
    ```markdown
    [Read Original](<https://example.com/journal/3)-Is-Palindrome>)
    ```

    ## Fix safety
    Offered only when the shape makes the full URL certain: the exporter's `Read
    Original` line (the link and its debris are the whole line), a link whose text
    is the full URL, or a front-matter `url`/`source` equal to it.  The destination
    is then written in angle brackets (or with its parentheses escaped), so the
    link points at the whole URL and the debris leaves the visible text; nothing
    else changes.  Unsafe all the same: the words of the debris stay only inside
    the URL, and omnilint holds every safe fix to keeping the visible words.
    Otherwise there is no fix: the text after the link may be prose.
    """

    code = "LNK012"
    name = "truncated-link-destination"
    summary = "A link destination cut short by an unescaped ')', the rest of the URL left as text"
    fixable = Fixable.UNSAFE
    removes_paragraphs = True  # the debris after the link leaves the visible text (it goes into the URL)

    def check(self, doc: Document, options: Options):
        text = doc.text
        for node in doc.links:
            if node.link_type != "inline":
                continue
            if text[node.end - 1 : node.end] != ")":
                continue
            m = _REST.match(text, node.end) or _PARENS_ONLY.match(text, node.end)
            if m is None:
                continue
            span = destination_span(text, node)
            if span is None or is_bracketed(text, span) or text[span[1] : node.end] != ")":
                continue  # a bracketed destination is whole; a title ends the destination on purpose
            if doc.in_code(node.start) or doc.in_code(m.start()):
                continue
            raw = text[span[0] : m.end() - 1]  # the destination as the exporter meant it
            full = _full_url(raw)
            if full is None:
                continue
            certain = self._certain(doc, node, m.end(), full)
            if not certain and (m.re is _PARENS_ONLY or not self._likely(doc, node, m.group())):
                continue
            fix = None
            if certain:
                replacement = _destination(raw, full)
                if replacement is not None:
                    # The whole link is rewritten (text as written), so the edit covers the debris.
                    link = text[node.start : span[0]] + replacement + ")"
                    fix = self.fix(
                        "Write the whole URL as the destination", Edit(node.start, m.end(), link), safe=False
                    )
            rest = m.group()[:-1]
            message = f"Link destination cut short by an unescaped `)`: the URL goes on with `){rest}`"
            yield self.report(doc, node.start, m.end(), message, fix)

    def _certain(self, doc: Document, node: Node, end: int, full: str) -> bool:
        label = text_span(doc.text, node)
        shown = node.plain_text().strip()
        if label is not None and shown == full:
            return True
        if node.kind == "link" and _EXPORTER_TEXT.match(shown) and _alone_on_line(doc.text, node.start, end):
            return True
        meta = doc.meta
        return any(isinstance(meta.get(key), str) and meta[key].strip() == full for key in URL_KEYS)

    def _likely(self, doc: Document, node: Node, rest: str) -> bool:
        if not is_web_url(node.url) or not _URL_CONTINUES.match(rest):
            return False
        # What comes before the link on its line (at most LOOK_BACK characters, so that a
        # line of many links costs each only a bounded look): an open `(` takes the `)`.
        text = doc.text
        floor = max(0, node.start - LOOK_BACK)
        line_start = max(text.rfind("\n", floor, node.start), text.rfind("\r", floor, node.start)) + 1
        before = text[max(line_start, floor) : node.start]
        return before.count("(") <= before.count(")")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Only spaces between the line's start and `start`, and between `end` and its end."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    return (i == 0 or text[i - 1] in "\r\n") and (j == len(text) or text[j] in "\r\n")


def _full_url(raw: str) -> str | None:
    """The URL `raw` means as one destination, or None when no writing of it parses back."""
    for candidate in (f"<{raw}>", _UNESCAPED_PAREN.sub(r"\\\1", raw)):
        url = parsed_destination(candidate)
        if url:
            return url
    return None


def _destination(raw: str, full: str) -> str | None:
    """`raw` written so that it parses as the whole of `full`: in angle brackets, else with
    its parentheses escaped."""
    for candidate in (f"<{raw}>", _UNESCAPED_PAREN.sub(r"\\\1", raw)):
        if parsed_destination(candidate) == full:
            return candidate
    return None
