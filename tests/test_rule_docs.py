"""Every rule documents itself, and its documented examples behave as documented."""

from __future__ import annotations

import re

import pytest
from conftest import docstring_examples, fix, lint

from omnilint.registry import installed_rules
from omnilint.rule import CorpusRule, Fixable

RULES = list(installed_rules().values())
PER_FILE = [r for r in RULES if not issubclass(r, CorpusRule) and getattr(r, "enabled_by", None) != "online"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert re.fullmatch(r"[A-Z]+\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary and not rule.summary.endswith(".")
    doc = rule.documentation()
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert section in doc, f"{rule.code} lacks {section}"
    assert isinstance(rule.fixable, Fixable)


def _example_options(rule) -> dict | None:
    # A rule that reports nothing until configured (FM009) names the options its example assumes.
    return {rule.code: rule.example_options} if rule.example_options else None


@pytest.mark.parametrize("rule", PER_FILE, ids=lambda r: r.code)
def test_bad_example_is_reported_and_good_is_not(rule):
    bad, good = docstring_examples(rule)
    options = _example_options(rule)
    assert any(d.code == rule.code for d in lint(bad, rule.code, options=options)), (
        f"{rule.code}: bad example not reported"
    )
    assert not [d for d in lint(good, rule.code, options=options) if d.code == rule.code], (
        f"{rule.code}: good example reported"
    )


@pytest.mark.parametrize("rule", [r for r in PER_FILE if r.fixable], ids=lambda r: r.code)
def test_fix_of_bad_example_is_clean_and_idempotent(rule):
    bad, _ = docstring_examples(rule)
    result = fix(bad, rule.code, unsafe=True)
    assert result.changed, f"{rule.code}: the fix changed nothing"
    assert not result.rejected, [r.reason for r in result.rejected]
    assert not [d for d in lint(result.text, rule.code) if d.fix is not None]
    assert fix(result.text, rule.code, unsafe=True).text == result.text


@pytest.mark.parametrize(
    "rule", [r for r in PER_FILE if r.fixable in (Fixable.SAFE, Fixable.UNSAFE)], ids=lambda r: r.code
)
def test_fixes_on_bad_example_have_the_applicability_the_rule_declares(rule):
    bad, _ = docstring_examples(rule)
    fixes = [d.fix for d in lint(bad, rule.code, options=_example_options(rule)) if d.code == rule.code and d.fix]
    assert fixes, f"{rule.code} declares {rule.fixable} fixes but its example got none"
    assert {str(f.applicability) for f in fixes} == {rule.fixable.value}


@pytest.mark.parametrize("rule", [r for r in PER_FILE if not r.fixable], ids=lambda r: r.code)
def test_rule_declared_without_fixes_offers_none_on_its_example(rule):
    bad, _ = docstring_examples(rule)
    assert not [d for d in lint(bad, rule.code, options=_example_options(rule)) if d.code == rule.code and d.fix]
