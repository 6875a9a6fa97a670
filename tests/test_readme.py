"""The README's rule table is generated from the registry and must stay current."""

from __future__ import annotations

import re

from conftest import ROOT

from omnilint.cli import rules_markdown
from omnilint.registry import installed_rules

README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", re.S)


def current_table() -> str:
    return rules_markdown(installed_rules())


def test_readme_rule_table_is_current():
    found = BLOCK.search(README.read_text(encoding="utf-8"))
    assert found, "README.md lost its <!-- rules:start --> block"
    assert found.group(1) == current_table(), "run: python tests/test_readme.py --update"


def test_readme_names_the_two_newcomer_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && omnilint check seeds/" in text
    assert "pip install '.[test]' && pytest" in text


if __name__ == "__main__":
    import sys

    if "--update" in sys.argv:
        text = README.read_text(encoding="utf-8")
        README.write_text(
            BLOCK.sub(lambda m: f"<!-- rules:start -->\n{current_table()}\n<!-- rules:end -->", text), encoding="utf-8"
        )
