"""Character classes spelled for a cheap start-up mean what their plain spelling means.

`re` compiles a class by visiting every code point of its ranges below U+FFFF, so wide
classes are written as narrow negations or range tables (every CLI start-up pays the
compile).  Each is checked here against the plain class, over every code point."""

from __future__ import annotations

import re
import sys

from omnilint.rules.format.invisible_characters import is_cjk
from omnilint.rules.frontmatter._common import _NON_PRINTABLE
from omnilint.rules.kit.header import _MAYBE_WIDE

EVERY_CHARACTER = [chr(point) for point in range(sys.maxunicode + 1)]


def _same_as(plain: str, matches) -> list[str]:
    reference = re.compile(plain)
    return [f"U+{ord(c):04X}" for c in EVERY_CHARACTER if bool(reference.fullmatch(c)) != bool(matches(c))][:5]


def test_maybe_wide_is_every_code_point_from_u1100():
    assert _same_as("[\u1100-\U0010ffff]", _MAYBE_WIDE.fullmatch) == []


def test_non_printable_is_what_yaml_cannot_hold_unquoted():
    plain = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]"
    assert _same_as(plain, _NON_PRINTABLE.fullmatch) == []


def test_is_cjk_is_the_chinese_and_japanese_class():
    plain = (
        "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u312f\u31f0-\u31ff"
        "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
    )
    assert _same_as(plain, is_cjk) == []
    assert is_cjk("") is False
