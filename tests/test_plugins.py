"""Third-party rules arrive through the same entry point group as the built-ins."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_omnilint

PLUGIN_RULE = '''
from omnilint.rule import Rule
from omnilint.model import Edit


class NoLoremIpsum(Rule):
    """## What it does
    Finds "lorem ipsum" placeholder text.

    ## Why is this bad?
    Placeholder text was never meant to be saved.

    ## Example
    ```markdown
    lorem ipsum
    ```

    Use instead:
    ```markdown
    Real text.
    ```

    ## Fix safety
    None.
    """

    code = "LOREM001"
    name = "no-lorem-ipsum"
    summary = "Placeholder text"

    def check(self, doc, options):
        for start, end in doc.parsed.text_runs:
            i = doc.text.find("lorem ipsum", start, end)
            if i >= 0:
                yield self.report(doc, i, i + 11, "Placeholder text left in the article")
'''


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory) -> Path:
    """Build and install a real distribution (pyproject + entry point) into a target folder."""
    src = tmp_path_factory.mktemp("plugin-src")
    (src / "omnilint_lorem").mkdir()
    (src / "omnilint_lorem" / "__init__.py").write_text(PLUGIN_RULE, encoding="utf-8")
    (src / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "omnilint-lorem"
            version = "1.0"

            [project.entry-points."omnilint.rules"]
            lorem = "omnilint_lorem:NoLoremIpsum"
            """
        ),
        encoding="utf-8",
    )
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(src)],
        check=True,
        capture_output=True,
    )
    return target


def omnilint(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess:
    return run_omnilint(*args, cwd=cwd, env={"PYTHONPATH": str(site)})


def test_installed_plugin_rule_is_listed_and_runs(installed_plugin: Path, tmp_path: Path):
    (tmp_path / "a.md").write_text("# Draft\n\nlorem ipsum dolor\n\n`lorem ipsum` in code is fine\n", encoding="utf-8")
    listing = omnilint(["rules"], tmp_path, installed_plugin)
    assert any(line.split()[:2] == ["LOREM001", "no-lorem-ipsum"] for line in listing.stdout.splitlines())
    proc = omnilint(["check", "a.md"], tmp_path, installed_plugin)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == "a.md:3:1: LOREM001 Placeholder text left in the article"
    assert omnilint(["check", "--ignore", "LOREM001", "a.md"], tmp_path, installed_plugin).returncode == 0


def test_plugin_rules_are_not_loaded_when_not_installed(tmp_path: Path):
    (tmp_path / "a.md").write_text("lorem ipsum\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "a.md"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "LOREM001" not in proc.stdout


def test_local_plugin_named_on_the_command_line_or_in_the_invokers_config(tmp_path: Path):
    (tmp_path / "my_rules.py").write_text(PLUGIN_RULE, encoding="utf-8")
    (tmp_path / "mine.toml").write_text('plugins = ["my_rules.py"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("lorem ipsum\n", encoding="utf-8")
    for given in (["--plugin", "my_rules.py"], ["--config", "mine.toml"]):
        proc = subprocess.run(
            [sys.executable, "-m", "omnilint", "check", *given, "a.md"], cwd=tmp_path, capture_output=True, text=True
        )
        assert "a.md:1:1: LOREM001" in proc.stdout, (given, proc.stderr)


def test_plugin_given_as_a_module_name_is_loaded(tmp_path: Path):
    (tmp_path / "lorem_rules_module.py").write_text(PLUGIN_RULE, encoding="utf-8")
    (tmp_path / "a.md").write_text("lorem ipsum\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "--plugin", "lorem_rules_module", "a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert "Traceback" not in proc.stderr and "a.md:1:1: LOREM001" in proc.stdout, proc.stderr


def test_broken_plugin_is_a_clear_config_error(tmp_path: Path):
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "--plugin", "missing_rules.py", "a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "plugin" in proc.stderr and "missing_rules.py: no such file" in proc.stderr
