"""Property: every safe front-matter fix changes nothing but what it means to change.

Hypothesis writes front matter the way exporters do (block scalars, quoted and
plain values, ambiguous scalars, localised dates, messy tag lists, blank lines,
trailing spaces, repeated keys).  For each finding with a *safe* fix, the fix is
applied alone; the front matter must still parse to the same mapping, in both
YAML 1.1 and 1.2 readings, except for the one key the fix is about, and that key
must have changed in the way the rule promises.
"""

from __future__ import annotations

from datetime import date

import yaml
from conftest import lint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omnilint.rules.frontmatter._common import plain_ok, quote, value12

from omnilint.document import Document
from omnilint.fixer import apply_edits

TEXT_ALPHABET = st.sampled_from(list("abcXYZ 0123:#-'\"|>[]{},.!?&*@%`美中军方华尔街日报é/\\"))
TEXT = st.text(TEXT_ALPHABET, min_size=1, max_size=24).filter(lambda s: s.strip() == s and s)
AMBIGUOUS = st.sampled_from(["yes", "no", "on", "Off", "0777", "1:30", "1_000", "1e3", "0o17"])
DATES = st.sampled_from(
    [
        "星期五, 九月 20日 2024, 5:59:49 下午",
        "2024-01-01 (UTC+8)",
        "2024-01-01 10:30:00 (UTC+8)",
        "2023-12-21 19:33:03",
        "2024-09-20",
        "September 20, 2024",
        "2024年9月20日",
    ]
)
TAG = st.sampled_from(["#a", "a", "b", "a&#x2F;b", "2024", "RSS", "rss", "#RSS", "tech&amp;life"])
KEYS = st.sampled_from(["title", "author", "id", "url", "note", "status", "mode", "draft"])


@st.composite
def text_value(draw):
    value = draw(TEXT)
    style = draw(st.sampled_from(["block", "quoted", "plain"]))
    if style == "block" and "\\" not in value:
        return f"|\n  {value}"
    if style == "plain" and plain_ok(value):
        return value
    return quote(value)


@st.composite
def tags_value(draw):
    items = draw(st.lists(TAG, min_size=1, max_size=5))
    rendered = [i if plain_ok(i) else quote(i) for i in items]
    if draw(st.booleans()):
        return "[" + ", ".join(rendered) + "]"
    blank = draw(st.sampled_from(["", "\n", "\n \n"]))
    return "\n" + blank.join(f"  - {r}\n" for r in rendered).rstrip("\n")


@st.composite
def front_matter(draw):
    lines = []
    keys = draw(st.lists(KEYS, min_size=1, max_size=5))
    for key in keys:
        value = draw(st.one_of(text_value(), AMBIGUOUS, st.just("true"), st.integers(0, 99).map(str)))
        lines.append(f"{key}: {value}")
    if draw(st.booleans()):
        lines.append(f"tags: {draw(tags_value())}")
    if draw(st.booleans()):
        lines.append(f"created: {draw(DATES)}")
    out = []
    for line in lines:
        out.append(line + draw(st.sampled_from(["", "", " ", "  "])))
        if draw(st.integers(0, 4)) == 0:
            out.append("")
    return "---\n" + "\n".join(out) + "\n---\n\nBody text.\n"


def readings(text: str):
    front = Document(text).front_matter
    if front is None or not front.parsed_ok or not isinstance(front.value, dict):
        return None
    return front.value, value12(front.yaml_node)


def strip_newline(value):
    if isinstance(value, str):
        return value.removesuffix("\n")
    if isinstance(value, list):
        return [strip_newline(v) for v in value]
    return value


def changed_as_promised(code: str, key, old11, new11, new12) -> bool:
    if code == "FM004":
        return new11 == strip_newline(old11)
    if code == "FM007":
        return isinstance(new11, (date, str))
    if code == "FM008":
        return new11 == new12  # quoted: every reader now reads the same
    if code == "FM012":
        return key == "tags" and isinstance(new11, list) and all(isinstance(t, str) for t in new11)
    return False  # FM003 and FM010 must not change any value


def entry_key_at(text: str, offset: int):
    """The top-level key whose entry holds `offset`."""
    front = Document(text).front_matter
    key = None
    for k, _ in front.yaml_node.value:
        if front.offset_of(k.start_mark) <= offset:
            key = k.value
    return key


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter(), st.sampled_from(["", "iso8601"]))
def test_every_safe_fix_changes_only_what_it_promises(text, date_format):
    before = readings(text)
    if before is None:
        return  # generated something that does not parse: FM001's business, not this property's
    old11, old12 = before
    options = {"FM007": {"date-format": date_format}} if date_format else None
    for d in lint(text, "FM0", options=options):
        if d.fix is None or d.fix.applicability != "safe" or not d.code.startswith("FM"):
            continue
        new_text = apply_edits(text, d.fix.edits)
        after = readings(new_text)
        assert after is not None, (d.code, d.message, new_text)
        new11, new12 = after
        assert set(new11) == set(old11), (d.code, d.message)
        key = entry_key_at(text, d.fix.start)
        for k in old11:
            if old11[k] == new11[k] and old12.get(k) == new12.get(k):
                continue
            assert k == key, (d.code, d.message, k, key, new_text)
            assert changed_as_promised(d.code, k, old11[k], new11[k], new12.get(k)), (d.code, d.message, new_text)


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_quote_round_trips_in_both_dialects(value):
    node = yaml.compose(f"k: {quote(value)}\n", Loader=yaml.SafeLoader).value[0][1]
    assert yaml.safe_load(f"k: {quote(value)}\n")["k"] == value
    assert value12(node) == value


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_plain_ok_means_plain_reads_back_the_same(value):
    if plain_ok(value):
        loaded = yaml.safe_load(f"k: {value}\n")["k"]
        node = yaml.compose(f"k: {value}\n", Loader=yaml.SafeLoader).value[0][1]
        assert loaded == value and value12(node) == value


RAW_LINE = st.text(st.sampled_from(list("ab: -#'\"|>[]{},\t&*!%@`?~0179\u2028\u3000美")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(RAW_LINE, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_no_fm_rule_crashes_on_arbitrary_front_matter(lines, newline):
    text = newline.join(["---", *lines, "---", "", "Body"]) + newline
    codes = {d.code for d in lint(text, "FM0")}
    assert "INT001" not in codes
