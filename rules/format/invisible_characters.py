from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule

# Zero-width space, word joiner, Mongolian vowel separator, BOM inside text.
# ZWJ/ZWNJ are left alone: emoji sequences and Persian, Hindi text need them.
ZERO_WIDTH_CHARS = "\u200b\u2060\u180e\ufeff"
ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH_CHARS}]+")
# A single no-break space (character or entity) between two visible characters:
# an exporter artefact.  Runs of them, or ones at a line's edge, are deliberate spacing.
NBSP = re.compile(r"(?<=[^\s\u00a0;])(?:\u00a0|&nbsp;|&#160;|&#xa0;|&#xA0;)(?=[^\s\u00a0&])")
NAMES = {"\u200b": "zero-width space", "\u2060": "word joiner", "\u180e": "Mongolian vowel separator", "\ufeff": "stray byte-order mark"}


class InvisibleCharacters(Rule):
    """## What it does
    Finds zero-width characters (U+200B, U+2060, U+180E, a BOM inside the text) and
    single no-break spaces (U+00A0 or `&nbsp;`) between words in prose.

    ## Why is this bad?
    They are invisible but break search, word counts, link matching and
    duplicate detection: `saved<U+200B>article` never matches `savedarticle`.  Web pages
    leave them behind in saved articles.  Zero-width joiners are kept (emoji and
    several scripts need them), and so are runs of no-break spaces used for layout.

    ## Example
    ```markdown
    A saved<U+200B>article with&nbsp;odd spaces.
    ```

    Use instead:
    ```markdown
    A saved article with odd spaces.
    ```

    ## Fix safety
    Safe: zero-width characters are removed and a lone no-break space becomes a
    space.  The rendered text changes by those invisible characters only.  Code
    spans and blocks are never touched.
    """

    code = "FMT004"
    name = "invisible-characters"
    summary = "Zero-width characters, stray BOMs and no-break spaces in prose"
    fixable = "safe"

    def check(self, doc: Document, options: Options):
        text = doc.text
        if text.isascii() and "&nbsp;" not in text and "&#" not in text:
            return
        # Most files hold neither; one C-speed scan of the whole text says so before the
        # per-run regexes (whose lookbehind makes them try every position) are run.
        zero_width = any(c in text for c in ZERO_WIDTH_CHARS)  # `in` is a memchr-like scan
        nbsp = "\u00a0" in text or "&nbsp;" in text or "&#160;" in text or "&#xa0;" in text or "&#xA0;" in text
        if not zero_width and not nbsp:
            return
        for start, end in doc.parsed.text_runs:
            chunk = text[start:end]
            if chunk.isascii() and "&" not in chunk:
                continue
            for m in ZERO_WIDTH.finditer(text, start, end) if zero_width else ():
                what = NAMES[m.group()[0]]
                yield self.report(
                    doc, m.start(), m.end(), f"Invisible character: {what}", self.fix(f"Remove the {what}", Edit(m.start(), m.end()))
                )
            for m in NBSP.finditer(text, start, end) if nbsp else ():
                yield self.report(
                    doc,
                    m.start(),
                    m.end(),
                    "No-break space between words",
                    self.fix("Replace with a normal space", Edit(m.start(), m.end(), " ")),
                )
