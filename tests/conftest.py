"""Shared test helpers.

`lint(text, *codes)` and `fix(text, *codes, unsafe=False)` run the real engine with
only the named rules (codes or prefixes) selected, the same path the CLI takes.
`run_omnilint(*args, cwd=...)` runs the command line as its own process, as a user does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from omnilint import config as cfg
from omnilint import engine
from omnilint.document import Document
from omnilint.registry import installed_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS_SAMPLE = SHARED / "corpus-sample"
TRAPS = SHARED / "traps"
# The shared real-file folders are other people's text: they are not in the repository. The
# acceptance tests that read them skip, saying where they are expected.
SAMPLE_MISSING = (
    f"the shared real-file sample is not at {CORPUS_SAMPLE} "
    "(expected as ../shared/corpus-sample beside the project root; it is not part of the repository)"
)
TRAPS_MISSING = (
    f"the shared trap folder is not at {TRAPS} "
    "(expected as ../shared/traps beside the project root; it is not part of the repository)"
)
FIXTURE_ARTICLES = ROOT / "tests" / "fixtures" / "articles"  # our own saved-article fixtures, always present
SEED = ROOT / "seeds" / "000_3c66538365dce977.md"  # the bundled seed document (README's quick start)


def run_omnilint(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    timeout: float | None = None,
    unset: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`python -m omnilint ARGS` in `cwd` as its own process; stdout and stderr captured as text.

    `unset` drops variables from the inherited environment (NO_COLOR, so a colour test sees what
    a terminal user sees) and `env` adds some; both are read at the call, not at import.
    """
    environment = None
    if unset or env:
        environment = {k: v for k, v in os.environ.items() if k not in unset}
        environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "omnilint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )


def rules_for(*codes: str, options: dict | None = None) -> engine.RuleList:
    values: dict = {"select": list(codes) if codes else ["ALL"]}
    if options:
        values["rules"] = options
    settings = cfg.Settings(ROOT, None, cfg.validate(values, "test"))
    return engine.per_file(cfg.ruleset(settings).rules)


def lint(text: str, *codes: str, path: str | None = None, options: dict | None = None):
    return engine.lint(Document(text, path), rules_for(*codes, options=options))


def fix(text: str, *codes: str, unsafe: bool = False, path: str | None = None, options: dict | None = None):
    return engine.fix(text, rules_for(*codes, options=options), path, unsafe)


_MARKERS = {"␠": " ", "⇥": "\t"}
_UNICODE = re.compile(r"<U\+([0-9A-Fa-f]{4,6})>")


def example_text(block: str) -> str:
    """Docstring example notation: ␠ space, ⇥ tab, <U+XXXX> any character, ⏎ at the end: no final newline."""
    for marker, char in _MARKERS.items():
        block = block.replace(marker, char)
    block = _UNICODE.sub(lambda m: chr(int(m.group(1), 16)), block)
    if block.endswith("⏎\n"):
        block = block[: -len("⏎\n")]
    return block


def docstring_examples(rule) -> tuple[str, str]:
    """(bad, good) from a rule's `## Example` section."""
    doc = rule.documentation()
    section = doc.split("## Example", 1)[1].split("\n## ", 1)[0]
    bad_part, good_part = section.split("Use instead:", 1)
    fence = re.compile(r"^(`{3,}|~{3,})markdown\n(.*?)^\1\s*$", re.S | re.M)
    bad = fence.search(bad_part)
    good = fence.search(good_part)
    assert bad and good, f"{rule.code}: Example needs a ```markdown block before and after 'Use instead:'"
    return example_text(bad.group(2)), example_text(good.group(2))


@pytest.fixture(scope="session")
def all_rule_classes():
    return list(installed_rules().values())


# -- Hypothesis profiles (RELIABILITY.md) -----------------------------------------
# "ci" (the default) keeps the whole suite within minutes on two cores; "long" is run
# by hand before a release: OMNILINT_HYPOTHESIS=long pytest tests/test_properties.py
import os as _os  # noqa: E402

from hypothesis import HealthCheck as _HealthCheck  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_SLOW_OK = [_HealthCheck.too_slow, _HealthCheck.data_too_large, _HealthCheck.filter_too_much]
_hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=_SLOW_OK)
_hypothesis_settings.register_profile("long", max_examples=2_000, deadline=None, suppress_health_check=_SLOW_OK)
_hypothesis_settings.load_profile(_os.environ.get("OMNILINT_HYPOTHESIS", "ci"))
