"""Front-matter rules on the shared real-file sample (skipped when it is absent).

The sample is read, never written: fixes are applied in memory.  What is asserted
is what a person checked finding by finding: only the defects really there are
reported, and fixing them (unsafe fixes included) keeps every front matter
parsing, with only the fixed keys changed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from conftest import CORPUS_SAMPLE, SAMPLE_MISSING, fix, lint

from omnilint.document import Document
from omnilint.text import decode

EXPECTED_CODES = {"FM004", "FM006", "FM007", "FM010"}


@pytest.fixture(scope="module")
def sample_texts():
    if not CORPUS_SAMPLE.is_dir():
        pytest.skip(SAMPLE_MISSING)
    return {p: decode(p.read_bytes()).text for p in sorted(CORPUS_SAMPLE.rglob("*.md"))}


def fm_findings(text):
    return [d for d in lint(text, "FM0") if d.code.startswith("FM0")]


def test_only_real_defects_are_reported(sample_texts):
    counts = Counter()
    for text in sample_texts.values():
        for d in fm_findings(text):
            counts[d.code] += 1
            if d.code == "FM004":
                assert "'title'" in d.message or "'author'" in d.message
            if d.code == "FM007":
                assert "星期" in d.message, d.message  # only the zh-cn Obsidian dates
            if d.code == "FM006":
                assert any(k in d.message for k in ("'status'", "'author'", "'published'", "'description'"))
    assert set(counts) <= EXPECTED_CODES, counts
    assert counts["FM004"] >= 2 and counts["FM007"] >= 2


def test_fixing_everything_keeps_front_matter_parsing(sample_texts):
    for path, text in sample_texts.items():
        if not fm_findings(text):
            continue
        result = fix(text, "FM0", unsafe=True)
        assert not result.rejected, (path, [r.reason for r in result.rejected])
        before = Document(text).front_matter
        after = Document(result.text).front_matter
        assert before.parsed_ok and after.parsed_ok, path
        for key, value in after.value.items():
            old = before.value[key]
            if value != old:
                assert isinstance(value, (str, date)), (path, key)
        assert not [d for d in fm_findings(result.text) if d.fix is not None], path
        assert result.text[after.end :] == text[before.end :]  # the body is untouched
