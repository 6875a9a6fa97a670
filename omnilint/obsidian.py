"""Obsidian's and Logseq's inline grammar: one definition for the parser, the rules and the formatter.

The parse layer (omnilint.markdown) finds these constructs in prose, the rules read
them from the Document, and the formatter's plugin (omnilint.format.mdformat_plugin)
and its safety check (omnilint.format.verify) must agree with both, or a construct the
linter sees could be rewritten by the formatter unnoticed.  So the pieces live here and
every consumer builds its patterns from them.  Where a consumer needs another anchoring
(markdown-it's inline rules match at a position in text whose line breaks are all "\\n"),
it composes the same pieces; it never spells a construct anew.

The rules, as Obsidian reads them:

- tag: `#` then letters, digits, `_`, `-`, `/` with at least one non-digit, not right
  after a word character, `#`, `&`, `\\` or `/` (`C#`, `&#38;`, `a/#b` are not tags);
- block id: `^` and letters, digits, `-` at the end of a line, after whitespace;
- highlight: `==` and `==` on one line around text that neither starts nor ends with
  whitespace or `=`;
- comment: `%%` to the next `%%`, across lines;
- callout: `[!type]` opening a blockquote, optionally `+`/`-` (foldable) and a title;
- Logseq property: `key:: value` at the start of a line (after quote or list markers);
- wikilink-shaped text: `[[` to the first `]]` on the line, `!` before it for an embed.
"""

from __future__ import annotations

import re
from bisect import bisect_left

# -- pieces ------------------------------------------------------------------------

TAG_NAME = r"[\w/-]*[^\W\d][\w/-]*"
TAG_NOT_AFTER = r"[\w#&\\/]"  # a character that, right before `#`, makes it no tag
BLOCK_ID_NAME = r"[A-Za-z0-9-]+"
CALLOUT_TYPE = r"[A-Za-z][\w-]*"
PROPERTY_KEY = r"[^\W_][\w.-]*"

# -- whole constructs in a Document's text -----------------------------------------

TAG = re.compile(rf"(?<!{TAG_NOT_AFTER})#({TAG_NAME})")
BLOCK_ID = re.compile(rf"(?:(?<=\s)|^)\^({BLOCK_ID_NAME})[ \t]*$", re.M)
COMMENT = re.compile(r"%%(.*?)%%", re.S)
CALLOUT = re.compile(rf"\[!({CALLOUT_TYPE})\]")  # at the start of a blockquote's first line
CALLOUT_HEADER = re.compile(rf"\[!{CALLOUT_TYPE}\][+-]?[^\r\n]*")  # type, fold mark and title
# `key:: value` at the start of a line, after any blockquote or list markers.
PROPERTY_LINE = re.compile(
    # Each quote or list marker is taken whole and never given back (atomic, possessive): the
    # markers of `>  >  >  …` could otherwise be split between the two `[ \t]*` in 2^n ways.
    rf"^(?>[ \t]*+(?:>[ \t]?+|[-*+][ \t]++|\d{{1,9}}[.)][ \t]++))*+[ \t]*+({PROPERTY_KEY}::(?:[ \t][^\r\n]*)?)$",
    re.MULTILINE,
)

HIGHLIGHT = re.compile(r"(?<!=)==(?=[^\s=])([^\r\n]*?)(?<=[^\s=])==(?!=)")  # what `Highlights` finds
HIGHLIGHT_OPEN = re.compile(r"(?<!=)==(?=[^\s=])")
HIGHLIGHT_CLOSE = re.compile(r"(?<=[^\s=])==(?!=)")

# Text Obsidian may read as a wikilink or embed: `[[` up to the first `]]` on one line,
# whatever lies between (`[[ -n "$uki" ]]` in a shell snippet whose fences were lost).
WIKILINK_SHAPED = re.compile(r"!?\[\[(?:(?!\]\])[^\r\n])+\]\]")  # what `WikilinkShapes` finds
_OPENERS = re.compile(r"(?=\[\[)")
_CLOSERS = re.compile(r"(?=\]\])")


class Highlights:
    """Where the highlight opening at a position ends, found by bisection.

    `HIGHLIGHT`, tried at each `==`, scans the rest of the line when nothing closes it:
    `==x ==x ==x …` on one line took quadratic time.  Here every closer and line break
    is found once, and each opener looks up the first closer after it."""

    __slots__ = ("breaks", "closers")

    def __init__(self, text: str, breaks: str = "\n") -> None:
        self.closers = [m.start() for m in HIGHLIGHT_CLOSE.finditer(text)]
        self.breaks = [m.start() for m in re.finditer(f"[{breaks}]", text)]

    def end(self, pos: int, limit: int) -> int | None:
        """The end of the highlight whose `==` (followed by a visible character) is at `pos`."""
        i = bisect_left(self.closers, pos + 3)  # a closer needs a visible character before it
        if i == len(self.closers) or self.closers[i] + 2 > limit:
            return None
        close = self.closers[i]
        j = bisect_left(self.breaks, pos)
        if j < len(self.breaks) and self.breaks[j] < close:
            return None  # the line ends first
        return close + 2


class WikilinkShapes:
    """Where wikilink-shaped text ends, found by bisection: `WIKILINK_SHAPED`, tried at
    each `[[`, scans the rest of the line when no `]]` follows (quadratic on `[[[[…`)."""

    __slots__ = ("breaks", "closers", "text")

    def __init__(self, text: str, breaks: str = "\r\n") -> None:
        self.text = text
        self.closers = [m.start() for m in _CLOSERS.finditer(text)]
        self.breaks = [m.start() for m in re.finditer(f"[{breaks}]", text)]

    def end(self, pos: int, limit: int) -> int | None:
        """The end of the shape whose `[[` is at `pos`: the first `]]` after it, with at
        least one character between and no line break."""
        i = bisect_left(self.closers, pos + 2)
        if i == len(self.closers):
            return None
        close = self.closers[i]
        if close == pos + 2 or close + 2 > limit:
            return None
        j = bisect_left(self.breaks, pos + 2)
        if j < len(self.breaks) and self.breaks[j] < close:
            return None
        return close + 2

    def findall(self) -> list[str]:
        """What `WIKILINK_SHAPED.findall(text)` returns, in linear time."""
        text, found, after = self.text, [], 0
        for m in _OPENERS.finditer(text):
            start = m.start()
            if start < after:
                continue
            end = self.end(start, len(text))
            if end is None:
                continue
            if start > after and text[start - 1] == "!":
                start -= 1
            found.append(text[start:end])
            after = end
        return found
