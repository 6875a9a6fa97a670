"""The central edit function and the fixpoint loop with its verification."""

from __future__ import annotations

import pytest

from omnilint import engine
from omnilint.document import Document
from omnilint.fixer import OverlapError, apply_edits, fix_text, non_overlapping
from omnilint.model import Applicability, Diagnostic, Edit, Fix
from omnilint.rule import Rule


def test_apply_edits_touches_only_the_edited_ranges():
    text = "héllo\r\nwörld\r\n"
    assert apply_edits(text, [Edit(0, 1, "H"), Edit(7, 8, "W"), Edit(14, 14, "!")]) == "Héllo\r\nWörld\r\n!"


def test_apply_edits_refuses_overlaps_and_out_of_range():
    with pytest.raises(OverlapError):
        apply_edits("abcdef", [Edit(0, 3), Edit(2, 4)])
    with pytest.raises(OverlapError):
        apply_edits("abc", [Edit(2, 9)])
    with pytest.raises(ValueError):
        Edit(3, 2)


def _diag(code: str, *edits: Edit, preserves_render: bool = False) -> Diagnostic:
    fix = Fix(tuple(edits), Applicability.SAFE, "x", preserves_render)
    return Diagnostic(code, code.lower(), "m", edits[0].start, edits[-1].end, fix=fix)


def test_non_overlapping_keeps_the_first_of_conflicting_fixes():
    a = _diag("A001", Edit(0, 5))
    b = _diag("B001", Edit(3, 8))
    c = _diag("C001", Edit(8, 9))
    d = _diag("D001", Edit(8, 8, "x"))  # an insertion where C starts: only one of them
    assert [x.code for x in non_overlapping([b, c, a, d])] == ["A001", "D001"]


class _Rule(Rule):
    summary = "test"

    def __init__(self, finder):
        self.finder = finder

    def check(self, doc, options):
        yield from self.finder(self, doc)


def _rule(code: str, finder) -> tuple[Rule, dict]:
    cls = type(f"R{code}", (_Rule,), {"code": code, "name": code.lower()})
    return cls(finder), {}


def _lint(*rules):
    return lambda text: engine.lint(Document(text), list(rules))


def test_fix_that_breaks_front_matter_is_rejected_and_others_still_apply():
    def break_yaml(rule, doc):
        i = doc.text.find("title: a")
        if i >= 0:
            yield rule.report(doc, i, i + 8, "m", rule.fix("break", Edit(i, i + 8, "title: [a")))

    def upper(rule, doc):
        i = doc.text.find("body")
        if i >= 0:
            yield rule.report(doc, i, i + 4, "m", rule.fix("upper", Edit(i, i + 4, "BODY")))

    text = "---\ntitle: a\n---\nbody\n"
    result = fix_text(text, _lint(_rule("XBR001", break_yaml), _rule("XUP001", upper)))
    assert result.text == "---\ntitle: a\n---\nBODY\n"
    assert [(r.diagnostic.code, r.reason.split(" (")[0]) for r in result.rejected] == [
        ("XBR001", "front matter no longer parses")
    ]


def test_render_preserving_promise_is_checked():
    def liar(rule, doc):
        i = doc.text.find("*")
        if i >= 0:
            yield rule.report(doc, i, i + 1, "m", rule.fix("drop", Edit(i, i + 1), preserves_render=True))

    result = fix_text("a *b* c\n", _lint(_rule("XLI001", liar)))
    assert result.text == "a *b* c\n"
    assert result.rejected and result.rejected[0].reason == "the rendered HTML would change"


def test_rules_that_undo_each_other_are_stopped_and_reported():
    def to_b(rule, doc):
        i = doc.text.find("a")
        if i >= 0:
            yield rule.report(doc, i, i + 1, "m", rule.fix("a->b", Edit(i, i + 1, "b")))

    def to_a(rule, doc):
        i = doc.text.find("b")
        if i >= 0:
            yield rule.report(doc, i, i + 1, "m", rule.fix("b->a", Edit(i, i + 1, "a")))

    result = fix_text("xa\n", _lint(_rule("XAB001", to_b), _rule("XBA001", to_a)))
    assert result.text == "xa\n"
    assert {r.diagnostic.code for r in result.rejected} == {"XAB001", "XBA001"}
    assert all("did not converge" in r.reason for r in result.rejected)


def test_fixpoint_reaches_fixes_that_appear_after_other_fixes():
    # Removing trailing whitespace makes a run of blank lines visible to FMT003.
    from conftest import fix

    result = fix("a\n\n  \n\t\nb\n", "FMT")
    assert result.text == "a\n\nb\n"
    assert fix(result.text, "FMT").text == result.text


def _finder(needle: str, replacement: str, preserves_render: bool):
    def find(rule, doc):
        i = doc.text.find(needle)
        if i >= 0:
            edit = Edit(i, i + len(needle), replacement)
            yield rule.report(doc, i, i + len(needle), "m", rule.fix("f", edit, preserves_render=preserves_render))

    return find


def _counting(lint):
    calls: list[str] = []

    def counted(text):
        calls.append(text)
        return lint(text)

    return counted, calls


def test_render_preserving_and_other_fixes_share_a_pass():
    keeps = _rule("XKP001", _finder("a  \n", "a\n", preserves_render=True))  # trailing spaces before a break
    changes = _rule("XUP001", _finder("body", "BODY", preserves_render=False))
    lint, calls = _counting(_lint(keeps, changes))
    result = fix_text("a  \n\nbody\n", lint)
    assert result.text == "a\n\nBODY\n"
    assert len(calls) == 2  # one pass applied both; one lint confirmed nothing is left


def test_a_false_promise_is_refused_even_beside_other_fixes():
    liar = _rule("XLI001", _finder("*b*", "b", preserves_render=True))  # drops emphasis: the HTML changes
    changes = _rule("XUP001", _finder("body", "BODY", preserves_render=False))
    result = fix_text("a *b* c\n\nbody\n", _lint(liar, changes))
    assert result.text == "a *b* c\n\nBODY\n"
    assert [(r.diagnostic.code, r.reason) for r in result.rejected] == [("XLI001", "the rendered HTML would change")]


def test_a_refused_fix_is_judged_again_once_the_text_changed():
    # Removing the spaces of a hard break changes the rendering: refused.  Once XJN001 has
    # ended the paragraph there, they are only trailing spaces, and the same fix is right:
    # it must be applied in this run, or the next run would apply it (not idempotent).
    trim = _rule("XTR001", _finder("x  \n", "x\n", preserves_render=True))
    split = _rule("XJN001", _finder("  \ny", "  \n\ny", preserves_render=False))
    once = fix_text("x  \ny\n", _lint(trim, split))
    assert once.text == "x\n\ny\n"
    assert not once.rejected  # the refusal was about a text that is gone


def test_a_fix_refused_in_the_last_pass_is_not_taken_for_rules_that_never_converge():
    # The passes run out right after a refusal: the refused fix is still offered on the final
    # text, but it was judged on that very text.  Taking it for unfinished work banned the rule
    # and restarted without it, so a second run applied its other fixes (not idempotent).
    def drop_bang(rule, doc):
        i = doc.text.find("!")
        if i >= 0:
            yield rule.report(doc, i, i + 1, "m", rule.fix("drop", Edit(i, i + 1)))

    def liar(rule, doc):  # offered once the bangs are gone; its promise is false
        i = doc.text.find("*")
        if i >= 0 and "!" not in doc.text:
            yield rule.report(doc, i, i + 1, "m", rule.fix("drop", Edit(i, i + 1), preserves_render=True))

    result = fix_text("a *b* c!\n", _lint(_rule("XBG001", drop_bang), _rule("XLI001", liar)), max_passes=2)
    assert result.text == "a *b* c\n" and result.passes >= 0
    assert [(r.diagnostic.code, r.reason) for r in result.rejected] == [("XLI001", "the rendered HTML would change")]
