"""Decoding and the line/column index.

Bytes become text exactly once, here.  A UTF-8 BOM is set aside (and restored by
the writer); line endings are kept as they are, so offsets index the real text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, islice

BOM = "\ufeff"
_NEWLINE = re.compile(r"\r\n|\r|\n")


_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_CR = re.compile(r"\r(?!\n)")


def parser_input(text: str) -> str:
    """`text` as the Markdown parser gets it; every offset stays valid.

    - Lone surrogates become U+FFFD.  Files never hold them (decoding is strict), but
      API callers may pass any str, and no UTF-8 encoder accepts them.  Both are one
      character and 3 UTF-8 bytes (as "surrogatepass" encodes a surrogate).
    - A lone CR becomes LF.  CommonMark counts both as a line ending, but pulldown-cmark
      mistakes lone CRs inside code blocks (`    code\r \r\t\ry` is all code to it).
    """
    if not text.isascii() and _SURROGATE.search(text) is not None:
        text = _SURROGATE.sub("\ufffd", text)
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    return text


class UndecodableError(ValueError):
    """The bytes are not text omnilint can safely rewrite."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    bom: bool


def decode(data: bytes) -> Decoded:
    """Decode a file's bytes as UTF-8, refusing binary and other encodings."""
    if b"\x00" in data[:8192]:
        raise UndecodableError("binary file (contains NUL bytes)")
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UndecodableError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); the file is reported and never rewritten"
        ) from None
    return Decoded(text, bom)


def encode(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def dominant_newline(text: str) -> str:
    """The line ending a fix should use when it inserts a line."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"


class LineIndex:
    """Maps character offsets to 1-based (line, column) and back."""

    __slots__ = ("length", "starts")

    def __init__(self, text: str) -> None:
        if "\r" in text:
            starts = [0]
            starts.extend(m.end() for m in _NEWLINE.finditer(text))
        else:  # LF only (most files): each line start is the one before plus its line's length and 1
            lines = text.split("\n")
            starts = list(accumulate(map((1).__add__, map(len, islice(lines, len(lines) - 1))), initial=0))
        self.starts = starts
        self.length = len(text)

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """Offset of a 1-based (line, column); clamped to the text."""
        line = max(1, min(line, len(self.starts)))
        return min(self.starts[line - 1] + column - 1, self.length)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def bounds(self, text: str, offset: int) -> tuple[int, int, int]:
        """`line_bounds(text, offset)` for the `text` this index was built from, by one bisect
        instead of scanning the line: rules ask for the line of every block they read."""
        starts = self.starts
        if not 0 <= offset < self.length:
            return line_bounds(text, offset)
        line = bisect_right(starts, offset)
        start = starts[line - 1]
        if line == len(starts):
            return start, self.length, self.length
        after = starts[line]
        end = after - 2 if text[after - 2 : after] == "\r\n" else after - 1
        if offset > end:  # between the CR and the LF: line_bounds' own answer for it
            return offset + 1, offset, offset + 1
        return start, end, after


def line_bounds(text: str, offset: int) -> tuple[int, int, int]:
    """(start, end_of_content, end_including_newline) of the line holding `offset`."""
    # Every search stays inside the line (str.find, at memchr speed): a search for "\r"
    # over the whole text, or a regex scan, made each call cost the file's length, and
    # a fixer pass asks for the line of every edit.
    length = len(text)
    lf = text.rfind("\n", 0, offset)
    start = max(lf, text.rfind("\r", lf + 1, offset)) + 1
    if offset > 0 and text[offset - 1 : offset + 1] == "\r\n":
        start = offset + 1 if offset < length else offset
    lf = text.find("\n", offset)
    stop = lf if lf >= 0 else length
    cr = text.find("\r", offset, stop)
    if cr >= 0:
        return start, cr, cr + 2 if cr + 1 == lf else cr + 1
    if lf >= 0:
        return start, lf, lf + 1
    return start, length, length


class ByteToChar:
    """Converts UTF-8 byte offsets (from the parser) to character offsets.

    Built per line with C-speed encodes, so CJK-heavy files cost little; within a
    non-ASCII line the prefix is decoded on demand, from the nearest offset already
    converted on that line: decoding each one from the line's start made long CJK
    paragraphs (one line, many links) cost quadratic time.
    """

    __slots__ = ("_ascii", "_byte_starts", "_char_starts", "_line", "_lines", "_mark_bytes", "_mark_chars")

    def __init__(self, text: str) -> None:
        self._ascii = text.isascii()
        if self._ascii:
            return
        byte_starts, char_starts, lines = [], [], []
        b = c = 0
        for line in text.splitlines(keepends=True):
            encoded = line.encode("utf-8", "surrogatepass")
            byte_starts.append(b)
            char_starts.append(c)
            lines.append(None if len(encoded) == len(line) else encoded)
            b += len(encoded)
            c += len(line)
        byte_starts.append(b)
        char_starts.append(c)
        lines.append(None)
        self._byte_starts, self._char_starts, self._lines = byte_starts, char_starts, lines
        # Offsets converted on the current line: byte offsets in it (sorted) and their character offsets.
        self._line, self._mark_bytes, self._mark_chars = -1, [0], [0]

    def __call__(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        k = bisect_right(self._byte_starts, byte_offset) - 1
        delta = byte_offset - self._byte_starts[k]
        encoded = self._lines[k]
        if encoded is None or delta == 0:
            return self._char_starts[k] + delta
        if self._line != k:
            self._line, self._mark_bytes, self._mark_chars = k, [0], [0]
        marks = self._mark_bytes
        i = bisect_right(marks, delta) - 1
        if marks[i] == delta:
            return self._char_starts[k] + self._mark_chars[i]
        chars = self._mark_chars[i] + len(encoded[marks[i] : delta].decode("utf-8", "surrogatepass"))
        marks.insert(i + 1, delta)
        self._mark_chars.insert(i + 1, chars)
        return self._char_starts[k] + chars
