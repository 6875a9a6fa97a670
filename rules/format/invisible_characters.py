from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# Zero-width space, word joiner, Mongolian vowel separator, BOM inside text.
# ZWJ/ZWNJ are left alone: emoji sequences and Persian, Hindi text need them.
ZERO_WIDTH_CHARS = "\u200b\u2060\u180e\ufeff"
ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH_CHARS}]+")
# A single no-break space (character or entity) between two visible characters:
# an exporter artefact.  Runs of them, or ones at a line's edge, are deliberate spacing.
NBSP = re.compile(r"(?<=[^\s\u00a0;])(?:\u00a0|&nbsp;|&#160;|&#xa0;|&#xA0;)(?=[^\s\u00a0&])")
NAMES = {"\u200b": "zero-width space", "\u2060": "word joiner", "\u180e": "Mongolian vowel separator", "\ufeff": "stray byte-order mark"}
# The two that separate words (a break opportunity, a former space); the others join them.
SEPARATORS = "\u200b\u180e"


class InvisibleCharacters(Rule):
    """## What it does
    Finds zero-width characters (U+200B, U+2060, U+180E, a BOM inside the text) and
    single no-break spaces (U+00A0 or `&nbsp;`) between words in prose.

    ## Why is this bad?
    They are invisible but break search, word counts, link matching and
    duplicate detection: `saved<U+200B>article` matches neither `savedarticle` nor `saved article`.  Web pages
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
    Safe: a zero-width space between two letters or digits becomes a space, since
    it kept two tokens apart (a Zhihu page's `赞同 491<U+200B><U+200B>41 条评论` is 491
    upvotes and 41 comments, never `49141`); elsewhere it is removed, and so are
    the joiners (word joiner, BOM) wherever they are.  A lone no-break space
    becomes a space.  Code spans and blocks are never touched.
    """

    code = "FMT004"
    name = "invisible-characters"
    summary = "Zero-width characters, stray BOMs and no-break spaces in prose"
    fixable = Fixable.SAFE

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
                yield self._zero_width(doc, m, start, end)
            for m in NBSP.finditer(text, start, end) if nbsp else ():
                yield self.report(
                    doc,
                    m.start(),
                    m.end(),
                    "No-break space between words",
                    self.fix("Replace the no-break space with a normal space", Edit(m.start(), m.end(), " ")),
                )

    def _zero_width(self, doc: Document, m: re.Match, run_start: int, run_end: int):
        text, found = doc.text, m.group()
        what = NAMES[found[0]] + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
        before = text[m.start() - 1] if m.start() > run_start else ""
        after = text[m.end()] if m.end() < run_end else ""
        if keeps_apart(found, before, after):
            fix = self.fix(f"Replace the {what} between {before!r} and {after!r} with a space", Edit(m.start(), m.end(), " "))
        else:
            fix = self.fix(f"Remove the {what}", Edit(m.start(), m.end()))
        return self.report(doc, m.start(), m.end(), f"Invisible character: {what}", fix)


def keeps_apart(found: str, before: str, after: str) -> bool:
    """Does a run of zero-width characters hold two tokens apart (a letter or digit on
    each side, and a zero-width space among them)?  Joiners (word joiner, BOM) join by
    definition, so removing them keeps the text as it reads."""
    if not before or not after or not any(c in SEPARATORS for c in found):
        return False
    return before.isalnum() and after.isalnum()
