from __future__ import annotations

from conftest import lint


def lines(text: str, *codes: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(text, *codes)]


def test_disable_next_line():
    text = "a \n<!-- omnilint-disable-next-line FMT001 -->\nb \nc \n"
    assert lines(text, "FMT001") == [("FMT001", 1), ("FMT001", 4)]


def test_disable_enable_range_and_prefixes():
    text = "a \n<!-- omnilint-disable FMT -->\n\nb \n\n<!-- omnilint-enable FMT -->\n\nc \n"
    assert lines(text, "FMT001") == [("FMT001", 1), ("FMT001", 8)]


def test_disable_without_codes_means_every_rule_until_the_end():
    text = "a \n\n<!-- omnilint-disable -->\n\nb \n\n\n\nc"
    assert lines(text, "FMT") == [("FMT001", 1)]


def test_disable_file():
    text = "a \nb \n\n<!-- omnilint-disable-file FMT001, FMT002 -->\n\nc"
    assert lines(text, "FMT") == []


def test_directive_inside_code_is_not_a_directive():
    text = "a \n\n`<!-- omnilint-disable-file -->`\n\n```\n<!-- omnilint-disable-file -->\n```\n"
    assert lines(text, "FMT001") == [("FMT001", 1)]
