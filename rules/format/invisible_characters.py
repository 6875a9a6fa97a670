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
NAMES = {
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\u180e": "Mongolian vowel separator",
    "\ufeff": "stray byte-order mark",
}
# The two that separate words (a break opportunity, a former space); the others join them.
SEPARATORS = "\u200b\u180e"
# Scripts that mark word boundaries with a zero-width space by convention (Thai, Lao,
# Khmer, Myanmar write no spaces between words): there it is the writer's, not debris.
WORD_BREAK_SCRIPTS = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
# Chinese and Japanese (ideographs, kana, their punctuation and full-width forms): a
# zero-width space beside them is a former space between two labels (Zhihu's `评论<ZWSP>收藏`
# buttons) as often as a line-break hint inside a word (`日本<ZWSP>語`): a space or nothing
# is the reader's call.
# (Ranges, not a regex class: compiling a class of ~30,000 code points costs every start-up
# 2 ms, and only the one character on each side of a zero-width space is ever tested.)
CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x312F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF),
)  # fmt: skip


def is_cjk(char: str) -> bool:
    """Is `char` (one character, or "" at a run's edge) Chinese or Japanese (CJK_RANGES)?"""
    if not char:
        return False
    point = ord(char)
    return any(low <= point <= high for low, high in CJK_RANGES)


# No-break spaces typography asks for, which stay: before `? ! : ; »` and after `«` (French),
# beside a number (`42 km`, `10 000`, `page 3`), after a short abbreviation (`M. Dupont`).
TYPOGRAPHIC_BEFORE = frozenset("?!:;»%‰€£¥$")
ABBREVIATION = re.compile(r"(?:^|[\s(\[])[^\W\d_]{1,3}\.$")


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
    upvotes and 41 comments, never `49141`), but only as an unsafe fix beside a
    Chinese or Japanese character (there it may also be a line-break hint inside a
    word, `日本<U+200B>語`); elsewhere it is removed, and so are the joiners (word
    joiner, BOM) wherever they are.  A single zero-width space between Thai, Lao,
    Khmer or Myanmar letters is those scripts' word boundary and is not reported.  A lone no-break space becomes a space; the ones typography asks for are not
    reported (before `?`, `!`, `:`, `;`, `»`, after `«`, beside a number as in
    `42 km`, after a short abbreviation as in `M. Dupont`).  Code spans and blocks
    are never touched.
    """

    code = "FMT004"
    name = "invisible-characters"
    summary = "Zero-width characters, stray BOMs and no-break spaces in prose"
    fixable = Fixable.SOMETIMES

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
                if not word_break(text, m, start, end):
                    yield self._zero_width(doc, m, start, end)
            # One character past the run: the lookahead must see what follows it (`word<NBSP>**bold**`
            # ends a run at the `**`), as the lookbehind sees what precedes it.
            for m in NBSP.finditer(text, start, end + 1) if nbsp else ():
                if m.start() >= end or typographic(text, m.start(), m.end()):
                    continue
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
            cjk = is_cjk(before) or is_cjk(after)  # a space, or a hint inside a word?
            fix = self.fix(
                f"Replace the {what} between {before!r} and {after!r} with a space",
                Edit(m.start(), m.end(), " "),
                safe=not cjk,
            )
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


def word_break(text: str, m: re.Match, run_start: int, run_end: int) -> bool:
    """Is this zero-width space a word boundary of a script that marks them so (Thai…)?"""
    if m.group() != "\u200b":
        return False
    before = text[m.start() - 1] if m.start() > run_start else ""
    after = text[m.end()] if m.end() < run_end else ""
    return bool(WORD_BREAK_SCRIPTS.match(before) or WORD_BREAK_SCRIPTS.match(after))


def typographic(text: str, start: int, end: int) -> bool:
    """Is the no-break space at `start:end` one typography asks for (see TYPOGRAPHIC_BEFORE)?"""
    before, after = text[start - 1], text[end]
    if after in TYPOGRAPHIC_BEFORE or before == "«" or before.isdigit() or after.isdigit():
        return True
    return bool(ABBREVIATION.search(text, max(0, start - 5), start))
