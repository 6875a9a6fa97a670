"""Run rules over a Document; the pure core behind the runner and the Python API."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from typing import Any

from . import suppress
from .codes import INTERNAL_ERROR
from .document import Document
from .fixer import FixResult, fix_in_stages
from .model import Diagnostic, Severity
from .rule import Rule

RuleList = list[tuple[Rule, dict[str, Any]]]

INTERNAL_CODE, INTERNAL_NAME = INTERNAL_ERROR.code, INTERNAL_ERROR.name


def lint(doc: Document, rules: RuleList) -> list[Diagnostic]:
    """Every per-file rule's findings, suppressions applied, in position order.

    A rule that raises does not stop the others: its crash becomes an INT001
    finding naming the rule (exit code 2), and the run goes on.
    """
    found: list[Diagnostic] = []
    for rule, options in rules:
        try:
            found.extend(rule.check(doc, options))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the rest
            found.append(internal_error(doc, rule, exc))
    found = suppress.apply(doc, found)
    found.sort(key=Diagnostic.sort_key)
    return found


def internal_error(doc: Document, rule: Rule, exc: BaseException) -> Diagnostic:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return doc.diagnostic(
        INTERNAL_CODE,
        INTERNAL_NAME,
        0,
        0,
        f"rule {rule.code} crashed: {type(exc).__name__}: {exc} ({where.filename}:{where.lineno}); please report it",
        severity=Severity.ERROR,
    )


def fix(
    text: str, rules: RuleList, path: str | None = None, unsafe: bool = False, vault: str = "obsidian"
) -> FixResult:
    """Fix `text` in stages (see `fix_stages`); `vault` as for Document."""

    def linter(stage: RuleList) -> Callable[[str], list[Diagnostic]]:
        return lambda current: lint(Document(current, path, vault), stage)

    return fix_in_stages(text, [linter(stage) for stage in fix_stages(rules)], unsafe, outline=vault == "logseq")


def fix_stages(rules: RuleList) -> list[RuleList]:
    """The rules whose fixes run together, in order: the rules' own fixes, then formatting.

    Formatting rewrites the whole document and must see the rules' result, and a rule's
    fix must never be judged against a half-formatted text; so the formatter's rules
    (`enabled_by = "format"`) form a stage of their own, after the others converge.
    """
    content = [(r, o) for r, o in rules if r.enabled_by != "format"]
    formatting = [(r, o) for r, o in rules if r.enabled_by == "format"]
    return [stage for stage in (content, formatting) if stage] or [[]]


def per_file(rules: Iterable[tuple[Rule, dict[str, Any]]]) -> RuleList:
    return [(r, o) for r, o in rules if not r.is_corpus_rule()]
