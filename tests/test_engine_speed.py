"""The shortcuts taken for speed give exactly what the straightforward code gives."""

from __future__ import annotations

import random
import re

import pytest
from omnilint.rules.format import blank_lines, trailing_whitespace

from omnilint.text import ByteToChar

PIECES = ["a", "b", " ", " ", "\t", "\n", "\n", "\r", "\r\n", "中文", "é", "😀", "  \n", "---\n", "```\n", "\u2028", "\x0c"]


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
