"""The shortcuts taken for speed give exactly what the straightforward code gives."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from omnilint.rules.duplicates import _blocks
from omnilint.rules.format import blank_lines, trailing_whitespace
from omnilint.rules.kit import wide as _wide
from omnilint.rules.kit.header import weighs_at_least, weight

from omnilint.text import ByteToChar

PIECES = [
    "a",
    "b",
    " ",
    " ",
    "\t",
    "\n",
    "\n",
    "\r",
    "\r\n",
    "中文",
    "é",
    "😀",
    "  \n",
    "---\n",
    "```\n",
    "\u2028",
    "\x0c",
]


def random_texts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))


def test_byte_to_char_in_any_order_of_questions():
    rng = random.Random(7)
    for text in random_texts(2000, 1):
        data = text.encode("utf-8")
        boundaries = [len(text[:i].encode("utf-8")) for i in range(len(text) + 1)]
        expected = {b: i for i, b in enumerate(boundaries)}
        convert = ByteToChar(text)
        asked = boundaries[:] + rng.sample(boundaries, len(boundaries))  # forward, then shuffled
        for b in asked:
            assert convert(b) == expected[b], (text, b)
        assert convert(len(data)) == len(text)


TRAILING_REFERENCE = re.compile(r"(?<![ \t])[ \t]++(?=\r\n|\n|\r|\Z)")


@pytest.mark.parametrize("body", [0, 3])
def test_trailing_runs_equal_the_plain_regex(body: int):
    for text in random_texts(5000, 2):
        start = min(body, len(text))
        if start and text[start - 1] not in "\r\n":
            start = 0  # the body starts after a line break (or at 0)
        expected = [m.span() for m in TRAILING_REFERENCE.finditer(text, start)]
        assert trailing_whitespace.trailing_runs(text, start) == expected, repr(text)


def test_blank_line_runs_equal_the_plain_regex():
    for text in random_texts(5000, 3):
        for body in {0, text.find("\n") + 1}:
            expected = [m.span() for m in blank_lines.RUN.finditer(text, body)]
            assert [m.span() for m in blank_lines.runs(text, body)] == expected, repr(text)


# -- weight(): wide characters counted by a generated table ----------------------------------------


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch) != "Cn"


def plain_weight(text: str) -> int:
    """What weight() means, one character at a time."""
    return sum(0 if ch.isspace() else 2 if _is_wide(ch) else 1 for ch in text)


def wide_ranges() -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in range(0x110000):
        if _is_wide(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ranges


@pytest.mark.skipif(unicodedata.unidata_version != _wide.UNICODE_VERSION, reason="table made for another Unicode")
def test_wide_table_is_unicodedata():
    assert list(_wide.WIDE_RANGES) == wide_ranges()


@pytest.mark.skipif(unicodedata.unidata_version != _wide.UNICODE_VERSION, reason="table made for another Unicode")
def test_weight_of_every_code_point_alone_and_together():
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    assert [weight(ch) for ch in everything] == [plain_weight(ch) for ch in everything]
    assert weight("".join(everything)) == sum(map(plain_weight, everything))


def test_weight_of_mixed_texts():
    rng = random.Random(3)
    pieces = [
        *PIECES,
        "，",
        "。",
        "\u3000",
        "한국어",
        "ｆｕｌｌ",
        "𠀀",
        "🎉",
        "—",
        "\u00a0",
        "\x85",
        "\x1f",
        "カタカナ",
    ]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert weight(text) == plain_weight(text), text
    assert weight("中文 text") == 8 and weight("a b\tc") == 3


# -- code-like lines: the patterns taken apart in rules/duplicates/_blocks.py ---------------------

CODE_END = re.compile(r"(?:[{};]|\)\s*:|\):?\s*\{|=>)\s*$")
CODE_OPERATOR = re.compile(
    r"==|!=|=>|->|&&|\|\||\+=|-=|\+\+|::|\b[A-Za-z_]\w*\.[A-Za-z_]\w*\(|^[A-Za-z_][\w.\[\]]* = \S"
)


def plain_code_line(line: str) -> bool:
    return bool(_blocks._CODE_START.match(line) or CODE_END.search(line) or CODE_OPERATOR.search(line))


def test_code_lines_equal_the_plain_patterns():
    rng = random.Random(11)
    alphabet = "ab_Z9é.( )=;:{}>-&|+[]\t"
    words = ["x.push(", "é.f(", "_a.b(", "9a.b(", "a.b.c(", "if (", "return ", "a = b", "=> ", "):", ") :", "::"]
    for _ in range(100_000):
        line = "".join(
            rng.choice(alphabet) if rng.random() < 0.8 else rng.choice(words) for _ in range(rng.randint(1, 14))
        )
        line = line.strip()
        if line:
            assert _blocks.is_code_line(line) == plain_code_line(line), line


# -- NFKC piece by piece (the duplicate rules' normalisation) ----------------------------------------


def _second_in_a_composition() -> set[int]:
    """Code points that canonical composition may join to the character before them."""
    found = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowels and trailing consonants
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2 and unicodedata.normalize("NFC", chr(cp)) == chr(cp):
                found.add(int(parts[1], 16))
    return found


def test_nfkc_inert_characters_are_stable_code_points():
    seconds = _second_in_a_composition()
    inert = re.compile(f"[{_blocks.NFKC_INERT}]")
    for cp in range(0x110000):
        ch = chr(cp)
        if inert.match(ch):
            assert unicodedata.combining(ch) == 0, hex(cp)
            assert unicodedata.normalize("NFKC", ch) == ch, hex(cp)
            assert cp not in seconds, hex(cp)


def test_nfkc_by_pieces_equals_unicodedata():
    rng = random.Random(5)
    marks = ["\u0301", "\u0323", "\u0308", "\u3099", "\u309a", "\u1161", "\u11a8", "\u0f71", "\u0f72", "\u0f73"]
    pieces = [
        *PIECES,
        *marks,
        "，",
        "？",
        "！",
        "\u3000",
        "\u00a0",
        "ｆｕｌｌ",
        "ｶﾞ",
        "か",
        "カ",
        "ｶ",
        "\u1100",
        "가",
        "e",
        "A",
        "ﬁ",
        "…",
        "①",
        "㍿",
        "Å",
        "\u212b",
        "𝐀",
        "中",
        "。",
        "é",
        "\u00c5",
        "×",
    ]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert _blocks.nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000)
    assert _blocks.nfkc(every) == unicodedata.normalize("NFKC", every)


# -- weight decided on a prefix ----------------------------------------------------------------------


def plain_looks_like_code_by_symbols(text: str) -> bool:
    symbols = len(_blocks._CODE_SYMBOLS.findall(text))
    return symbols > 0 and symbols > 0.12 * max(1, weight(text))


def test_weighs_at_least_and_the_symbol_share_equal_the_whole_weight():
    rng = random.Random(7)
    pieces = [*PIECES, "中文", "，", "\u3000", "(", ")", "[x](y)", "{", ";", "=", "$", "word ", "  ", "\n\n"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        for minimum in (0, 1, 40, 80, 200, 300.5):
            assert weighs_at_least(text, minimum) == (weight(text) >= minimum), (text, minimum)
        if "```" not in text and "~~~" not in text and "&" not in text:
            lines = [ln.strip().lstrip("> ").strip() for ln in text.splitlines()]
            lines = [ln for ln in lines if ln]
            if lines and sum(map(_blocks.is_code_line, lines)) * 2 < len(lines):
                assert _blocks.looks_like_code(text) == plain_looks_like_code_by_symbols(text), text


if __name__ == "__main__" and sys.argv[1:] == ["--wide-table"]:
    items = [f"(0x{a:X}, 0x{b:X})," for a, b in wide_ranges()]
    lines, line = [], "   "
    for item in items:
        if len(line) + len(item) + 1 > 100:
            lines.append(line)
            line = "   "
        line += " " + item
    table = Path(_wide.__file__)
    source = table.read_text(encoding="utf-8")
    head = source[: source.index("UNICODE_VERSION = ")]
    table.write_text(
        f"{head}UNICODE_VERSION = {unicodedata.unidata_version!r}\n\nWIDE_RANGES = (\n"
        + "\n".join([*lines, line])
        + "\n)\n",
        encoding="utf-8",
    )
