"""No rule's cost grows faster than its input (RELIABILITY.md: "no super-linear rule").

Each shape below is a generated input of size n; every rule, and the fixer over all
rules, is timed (CPU time, the best of three) at n and at 4n.  A linear rule takes
about 4 times as long at 4n; the bound is 6 times, a ratio that a busy machine does
not change much.  A quadratic rule takes 16 times as long, an exponential one never
finishes.  The sizes are chosen so that the whole engine takes some 20-200 ms at n:
large enough that a super-linear term shows, small enough for the suite.

Per-file rules are timed one by one on a Document that is already parsed (the parse
is shared by every rule and timed on its own, as "parse"); corpus rules (DUP003,
FM006, LNK005, LNK006) go through the runner, as the CLI runs them.
"""

from __future__ import annotations

import gc
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import rules_for
from hypothesis import given
from hypothesis import strategies as st

from omnilint import engine, markdown, runner, suppress
from omnilint.config import Overrides
from omnilint.document import Document
from omnilint.model import Diagnostic, Severity
from omnilint.registry import installed_rules
from omnilint.text import line_bounds

RATIO = 6.0  # allowed growth of CPU time from n to 4n (linear: 4)
FLOOR = 0.003  # seconds: a rule faster than this at n is measured against this instead
REPS = 3
PATH = "notes/article.md"


# -- the shapes: size n -> text ---------------------------------------------------------------------


def _deep_list(n: int) -> str:
    block = "".join("  " * i + "- x\n" for i in range(40))  # 40 levels of indent, repeated
    return (block + "\n") * n


def _headings_with_links(n: int) -> str:
    # Every heading is linked from the page, and as many links go to anchors that do not exist.
    return "".join(
        f"## Section {i}: 第{i}节\n\nSee [it](#section-{i}-第{i}节) and [gone](#old-{i}).\n\n" for i in range(n)
    )


def _reference_links_in_one_paragraph(n: int) -> str:
    # Joined by words: with blanks alone the line is dense enough in brackets to look like
    # code (LNK007 then skips every reference) below n = 2,300 and not above, so n and 4n
    # would time different work.
    links = " and ".join(f"[text {i}][ref{i}] [^n{i}] [alone{i}]" for i in range(n))
    defined = "".join(f"[ref{i}]: https://example.com/{i}\n" for i in range(0, n, 2))
    notes = "".join(f"[^n{i}]: Note {i}.\n" for i in range(0, n, 3))
    return f"# Title\n\n{links}\n\n{defined}\n{notes}"


def _empty_keys(n: int) -> str:
    keys = "".join(f"key{i}:\nnull{i}: null\nblank{i}: ''\n" for i in range(n))
    return f"---\ntitle: Notes\n{keys}---\n\nText.\n"


def _escaped_urls_in_one_paragraph(n: int) -> str:
    links = " ".join(
        f"[post {i}](https:&#x2F;&#x2F;example.com&#x2F;{i}&#x2F;page?a=1&amp;b=2) ![img](https:&#x2F;&#x2F;e.com&#x2F;{i}.png)"
        for i in range(n)
    )
    return f"Links: {links}\n"


def _long_escaped_url(n: int) -> str:
    return "[x](https://example.com/" + "&#x2F;a&amp;" * n + ")\n"


def _highlights_never_closed(n: int) -> str:
    return "Text " + "==x " * n + "\n"


def _spaced_date(n: int) -> str:
    return f"---\ntitle: T\ndate: 2024-01-01{' ' * n}x\npublished: 2024-01-01{' ' * n}(UTC+8\n---\n\nText.\n"


def _suppression_ranges(n: int) -> str:
    return "".join(f"<!-- omnilint-disable X{i} -->\ntext  \n<!-- omnilint-enable X{i} -->\n\n" for i in range(n))


SHAPES: dict[str, tuple[Callable[[int], str], int, int]] = {
    # name: (text of size n, n for every rule but the formatter, n for the formatter FMT005)
    "crlf-blank-lines-before-front-matter": (
        lambda n: "\r\n" * n + "---\r\ntitle: T\r\n---\r\n\r\nText.\r\n",
        100_000,
        20_000,
    ),
    "crlf-blank-lines-before-text": (lambda n: "\r\n" * n + "Text.\r\n---\r\n", 100_000, 20_000),
    "cr-blank-lines-before-front-matter": (lambda n: "\r" * n + "---\rtitle: T\r---\r\rText.\r", 100_000, 20_000),
    "cr-blank-lines-before-text": (lambda n: " \r" * n + "Text.\r", 5_000, 10_000),
    "headings-with-in-page-links": (_headings_with_links, 500, 40),
    "reference-links-in-one-paragraph": (_reference_links_in_one_paragraph, 800, 50),
    "unclosed-reference-bracket": (lambda n: "Text [" + "word " * n + "][x\n", 16_000, 2_000),
    "empty-front-matter-keys": (_empty_keys, 300, 150),
    "escaped-urls-in-one-paragraph": (_escaped_urls_in_one_paragraph, 300, 40),
    "long-escaped-url": (_long_escaped_url, 8_000, 3_000),
    "unclosed-highlights": (_highlights_never_closed, 50_000, 250),
    "date-with-inner-spaces": (_spaced_date, 100_000, 50_000),
    "a-line-of-tags-in-the-header": (lambda n: "# Title\n\n" + "#tag, " * n + "\n\nText.\n", 20_000, 2_000),
    "body-field-with-inner-spaces": (lambda n: "# Notes\n\nAuthor: Ada" + " " * n + "Lovelace\n", 600_000, 2_000),
    "suppression-ranges": (_suppression_ranges, 1_000, 100),
    "unclosed-suppression-comments": (
        lambda n: "Text.\n\n" + "<!-- omnilint-disable FMT001 " * n + "\n",
        30_000,
        2_000,
    ),
    # The hostile shapes of tests/test_properties.py, scaled.
    "open-brackets": (lambda n: "[" * n, 25_000, 250),
    "nested-brackets": (lambda n: "[" * n + "]" * n + "(" * n, 12_000, 2_000),
    "blockquote-markers": (lambda n: ">" * n + " quote\n", 16_000, 20_000),
    "spaced-blockquote-markers": (lambda n: "> " * n + "quote\n", 15_000, 5_000),
    "emphasis-markers": (lambda n: "*" * n + "a", 20_000, 2_000),
    "deep-lists": (_deep_list, 100, 10),
    "blank-lines": (lambda n: "\n" * n + "x", 100_000, 20_000),
    "whitespace-lines": (lambda n: " \n" * n + "x", 5_000, 20_000),
    "inner-spaces": (lambda n: "a" + " " * n + "b\n", 1_000_000, 50_000),
    "deep-yaml-flow": (lambda n: "---\na: " + "[" * n + "]" * n + "\n---\nbody\n", 200_000, 2_000),
    "long-tag-and-parens": (lambda n: "#" + "1" * n + " [x](" + "(" * (n // 2) + "\n", 200_000, 20_000),
    "spaces-in-front-matter": (lambda n: "---\n" + " " * n + "a:" + " " * n + "b\n---\n", 300_000, 20_000),
}


# -- measuring -----------------------------------------------------------------------------------------


def _best(measure: Callable[[], dict[str, float]], reps: int = REPS) -> dict[str, float]:
    """The smallest CPU time of each part over `reps` runs, the garbage collector off."""
    best: dict[str, float] = {}
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # a collection of earlier garbage must not be charged to one rule
    try:
        for _ in range(reps):
            for part, seconds in measure().items():
                best[part] = min(best.get(part, seconds), seconds)
    finally:
        if enabled:
            gc.enable()
    return best


def _timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _grows_linearly(measure: Callable[[int], dict[str, float]], n: int) -> list[str]:
    """Parts whose time at 4n is over RATIO times their time at n (or FLOOR), with the numbers.

    One run of each size first; only a part that looks too slow is measured again (best of
    REPS), so a clean shape costs one run, and a noisy one more.
    """
    small, large = measure(n), measure(4 * n)
    suspects = [p for p in large if large[p] > RATIO * max(small.get(p, 0.0), FLOOR)]
    if not suspects:
        return []
    small, large = _best(lambda: measure(n)), _best(lambda: measure(4 * n))
    return [
        f"{p}: {small.get(p, 0.0) * 1000:.1f} ms at n={n}, {large[p] * 1000:.1f} ms at 4n"
        for p in large
        if large[p] > RATIO * max(small.get(p, 0.0), FLOOR)
    ]


# Every per-file rule with its default options; the formatter (FMT005, opt-in) is timed on
# its own, on smaller inputs: mdformat costs far more per byte than any rule.
FILE_RULES = [(r, o) for r, o in rules_for("ALL") if r.code != "FMT005"]
FORMATTER = [(r, o) for r, o in rules_for("FMT005")]
CORPUS_CODES = sorted(
    code
    for code, rule in installed_rules().items()
    if rule.is_corpus_rule() and getattr(rule, "enabled_by", None) != "online"
)


def _parse(doc: Document) -> None:
    """Everything a Document computes lazily and every rule family shares."""
    doc.lines, doc.newline, doc.body_start, doc.links, doc.definitions, doc.headings, doc.obsidian  # noqa: B018
    doc.in_code(0)
    if doc.front_matter is not None:
        doc.front_matter.parse()
        doc.front_matter.yaml_node  # noqa: B018


def _forget_memos() -> None:
    """Empty omnilint's in-process memos (lru_cache), so that no repetition is served from them."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(("omnilint", "rules")):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()


def _per_rule_check(text: str) -> dict[str, float]:
    _forget_memos()
    doc = Document(text, PATH)
    times = {"parse": _timed(lambda: _parse(doc))}
    for rule, options in FILE_RULES:
        times[rule.code] = _timed(lambda: list(rule.check(doc, options)))  # noqa: B023
    return times


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_rule_checks_in_linear_time(shape: str):
    make, n, _ = SHAPES[shape]
    slow = _grows_linearly(lambda size: _per_rule_check(make(size)), n)
    assert not slow, f"super-linear check on {shape}: {slow}"


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_engine_checks_and_fixes_in_linear_time(shape: str):
    make, n, _ = SHAPES[shape]

    def measure(size: int) -> dict[str, float]:
        text = make(size)
        times = {}
        for part, run in (
            ("check", lambda: engine.lint(Document(text, PATH), FILE_RULES)),
            ("fix", lambda: engine.fix(text, FILE_RULES, PATH)),
            ("fix --unsafe-fixes", lambda: engine.fix(text, FILE_RULES, PATH, unsafe=True)),
        ):
            _forget_memos()
            times[part] = _timed(run)
        return times

    slow = _grows_linearly(measure, n)
    assert not slow, f"super-linear engine on {shape}: {slow}"


@pytest.mark.parametrize("shape", list(SHAPES))
def test_corpus_rules_run_in_linear_time(shape: str, tmp_path: Path):
    make, n, _ = SHAPES[shape]

    def measure(size: int) -> dict[str, float]:
        folder = tmp_path / str(size)
        folder.mkdir(exist_ok=True)
        (folder / "article.md").write_text(make(size), encoding="utf-8", newline="")
        # A second note linking into the first: LNK005/LNK006 resolve links across files too.
        (folder / "index.md").write_text("[a](article.md#section-1) [[article#Section 2]]\n", encoding="utf-8")
        times = {}
        for code in CORPUS_CODES:
            for mode, unsafe in (("check", False), ("fix", True)):
                _forget_memos()
                job = runner.Job(mode=mode, unsafe=unsafe, overrides=Overrides(select=(code,)))
                times[f"{code} {mode}"] = _timed(lambda: runner.run([str(folder)], job, jobs=1))  # noqa: B023
        return times

    slow = _grows_linearly(measure, n)
    assert not slow, f"super-linear corpus rule on {shape}: {slow}"


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_formatter_runs_in_linear_time(shape: str):
    make, _, n = SHAPES[shape]

    def measure(size: int) -> dict[str, float]:
        text = make(size)
        _forget_memos()
        return {"FMT005": _timed(lambda: engine.lint(Document(text, PATH), FORMATTER))}

    slow = _grows_linearly(measure, n)
    assert not slow, f"super-linear formatter on {shape}: {slow}"


def test_the_sizes_make_the_engine_work():
    """Each shape's n is large enough to measure: the engine spends at least 10 ms on it."""
    light = []
    for shape, (make, n, _) in SHAPES.items():
        text = make(n)
        spent = min(_timed(lambda: engine.lint(Document(text, PATH), FILE_RULES)) for _ in range(2))  # noqa: B023
        if spent < 0.010:
            light.append(f"{shape}: {spent * 1000:.1f} ms")
    assert not light, light


# -- the linear rewrites find exactly what the plain patterns found ----------------------------------


def _texts(pieces: list[str]):
    return st.lists(st.sampled_from(pieces), max_size=14).map("".join)


@given(_texts(["=", "==", "a", " ", "\n", "\r", "x=", "中"]), st.integers(0, 40), st.integers(0, 40))
def test_highlights_are_found_as_the_pattern_finds_them(text: str, start: int, length: int):
    start = min(start, len(text))
    end = min(len(text), start + length)
    expected = [(m.span(), m.group(1)) for m in markdown.HIGHLIGHT.finditer(text, start, end)]
    assert [(m.span(), m.group(1)) for m in markdown._highlights(text, start, end)] == expected


@given(_texts(["<!--", " ", "omnilint-", "disable", "-next-line", "-file", "enable", "-->", "FM001", "\n", "-"]))
def test_suppression_comments_are_found_as_the_pattern_finds_them(text: str):
    expected = [(m.span(), m.groups()) for m in suppress.DIRECTIVE.finditer(text)]
    assert [(m.span(), m.groups()) for m in suppress._directives(text, 0)] == expected


SELECTORS = st.sampled_from(["", "FM", "FMT", "FM0", "FMT00", "LNK", "LNK01", "FM001", "D", "DUP", "F"])


@given(
    st.lists(SELECTORS, max_size=2),
    st.dictionaries(st.integers(1, 8), st.lists(SELECTORS, min_size=1, max_size=2), max_size=3),
    st.lists(st.tuples(st.integers(1, 8), st.integers(0, 3), SELECTORS), max_size=4),
    st.lists(
        st.tuples(st.sampled_from(["FM001", "FM013", "FMT001", "LNK001", "LNK010", "DUP001"]), st.integers(1, 10))
    ),
)
def test_suppressions_hide_what_covers_says(whole, lines, ranges, found):
    suppressions = suppress.Suppressions(whole, lines, [(a, a + k, s) for a, k, s in ranges])
    diagnostics = [Diagnostic(code, "n", "m", 0, 0, Severity.WARNING, None, line, 1, line, 1) for code, line in found]
    expected = {i for i, d in enumerate(diagnostics) if suppressions.covers(d)}
    assert suppress._covered(suppressions, diagnostics) == expected


@given(_texts(["\n", "\r", "\r\n", "a", " "]), st.integers(0, 20))
def test_line_bounds_stay_inside_the_line(text: str, offset: int):
    offset = min(offset, len(text))
    start, content_end, end = line_bounds(text, offset)
    breaks = [m.span() for m in re.finditer(r"\r\n|\r|\n", text)]
    # The line holding `offset`: after the last break that ends at or before it (inside a
    # CRLF, the offset belongs to the line the LF ends), up to the next break.
    expected_start = max([e for s, e in breaks if e <= offset or (s < offset < e)], default=0)
    following = [(s, e) for s, e in breaks if s >= offset or s < offset < e]
    expected_end = following[0] if following else (len(text), len(text))
    if following and following[0][0] < offset:  # the offset is the LF of a CRLF
        expected_end = (offset, following[0][1])
    assert (start, content_end, end) == (expected_start, *expected_end)
