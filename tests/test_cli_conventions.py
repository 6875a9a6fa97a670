"""The command line as users of ruff and markdownlint expect it (issue 15).

Each test runs the real CLI in a subprocess on a small folder and checks one convention:
excludes from the command line, .gitignore, --force-exclude, output formats and files,
colour, --show-fixes, --fixable/--unfixable, --show-settings, configuration errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from conftest import ROOT, run_omnilint

run = partial(run_omnilint, unset=("NO_COLOR", "FORCE_COLOR"), timeout=120)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "drafts").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# A\n\nTrailing  \n", encoding="utf-8")
    (tmp_path / "drafts" / "b.md").write_text("# B\n\nTrailing  \n", encoding="utf-8")
    return tmp_path


def paths_reported(proc: subprocess.CompletedProcess) -> set[str]:
    return {f["path"] for f in json.loads(proc.stdout)}


def test_exclude_and_extend_exclude_on_the_command_line(vault: Path):
    assert paths_reported(run("check", "--no-cache", "--output-format", "json", ".", cwd=vault)) == {
        "notes/a.md",
        "drafts/b.md",
    }
    assert paths_reported(
        run("check", "--no-cache", "--output-format", "json", "--extend-exclude", "drafts", ".", cwd=vault)
    ) == {"notes/a.md"}
    (vault / "omnilint.toml").write_text('exclude = ["notes"]\n', encoding="utf-8")
    assert paths_reported(run("check", "--no-cache", "--output-format", "json", ".", cwd=vault)) == {"drafts/b.md"}
    replaced = run("check", "--no-cache", "--output-format", "json", "--exclude", "drafts", ".", cwd=vault)
    assert paths_reported(replaced) == {"notes/a.md"}, "--exclude replaces the config's exclude"


def test_gitignore_is_respected_by_default_and_can_be_turned_off(vault: Path):
    subprocess.run(["git", "init", "-q"], cwd=vault, check=True)
    (vault / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    (vault / "notes" / ".gitignore").write_text("*.tmp.md\n", encoding="utf-8")
    (vault / "notes" / "x.tmp.md").write_text("Trailing  \n", encoding="utf-8")
    assert paths_reported(run("check", "--no-cache", "--output-format", "json", ".", cwd=vault)) == {"notes/a.md"}
    # a walk that starts below the repository's top still reads the .gitignore files above it
    assert paths_reported(run("check", "--no-cache", "--output-format", "json", "notes", cwd=vault)) == {"notes/a.md"}
    everything = run("check", "--no-cache", "--output-format", "json", "--no-respect-gitignore", ".", cwd=vault)
    assert paths_reported(everything) == {"notes/a.md", "notes/x.tmp.md", "drafts/b.md"}
    (vault / "omnilint.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    assert len(paths_reported(run("check", "--no-cache", "--output-format", "json", ".", cwd=vault))) == 3


def test_force_exclude_applies_excludes_and_gitignore_to_named_files(vault: Path):
    subprocess.run(["git", "init", "-q"], cwd=vault, check=True)
    (vault / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    (vault / "omnilint.toml").write_text('extend-exclude = ["Templates"]\n', encoding="utf-8")
    (vault / "Templates").mkdir()
    (vault / "Templates" / "t.md").write_text("Trailing  \n", encoding="utf-8")
    named = ["notes/a.md", "drafts/b.md", "Templates/t.md"]
    plain = run("check", "--no-cache", "--output-format", "json", *named, cwd=vault)
    assert paths_reported(plain) == set(named), "named files are checked whatever the excludes say"
    forced = run("check", "--no-cache", "--output-format", "json", "--force-exclude", *named, cwd=vault)
    assert paths_reported(forced) == {"notes/a.md"}
    run("fix", "--write", "--no-cache", "--force-exclude", *named, cwd=vault)
    assert (vault / "Templates" / "t.md").read_text(encoding="utf-8") == "Trailing  \n"


def test_concise_is_one_line_per_finding_and_nothing_else(vault: Path):
    proc = run("check", "--no-cache", "--output-format", "concise", ".", cwd=vault)
    assert proc.stdout.splitlines() == [
        "drafts/b.md:3:9: FMT001 [*] Trailing whitespace",
        "notes/a.md:3:9: FMT001 [*] Trailing whitespace",
    ]


def test_full_shows_the_source_line_and_a_caret_under_the_span(tmp_path: Path):
    (tmp_path / "a.md").write_text("# 标题\n\n中文 text  \n", encoding="utf-8")
    proc = run("check", "--no-cache", "--output-format", "full", "--select", "FMT001", ".", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert lines[0] == "a.md:3:8: FMT001 [*] Trailing whitespace"
    assert lines[1] == "  3 | 中文 text  "
    assert lines[2] == "      " + " " * 9 + "^^", "the caret sits under the two spaces; CJK takes two columns"


def test_output_file_holds_the_report_and_stdout_stays_empty(vault: Path):
    proc = run("check", "--no-cache", "--output-format", "json", "--output-file", "report.json", ".", cwd=vault)
    assert proc.returncode == 1 and proc.stdout == ""
    assert {f["path"] for f in json.loads((vault / "report.json").read_text(encoding="utf-8"))} == {
        "notes/a.md",
        "drafts/b.md",
    }


def test_color_always_never_and_the_environment(vault: Path):
    never = run("fix", "--no-cache", "--color", "never", ".", cwd=vault, env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in never.stdout
    always = run("fix", "--no-cache", "--color", "always", ".", cwd=vault, env={"NO_COLOR": "1"})
    assert "\x1b[31m-Trailing  \x1b[0m" in always.stdout and "\x1b[32m+Trailing\x1b[0m" in always.stdout, (
        "coloured diff"
    )
    assert "\x1b[" in always.stdout.split("@@")[-1], "coloured findings too"
    forced = run("check", "--no-cache", ".", cwd=vault, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    piped = run("check", "--no-cache", ".", cwd=vault)
    assert "\x1b[" not in piped.stdout


def test_show_fixes_lists_what_fix_applied_per_file(vault: Path):
    proc = run("fix", "--write", "--no-cache", "--show-fixes", ".", cwd=vault)
    assert "Fixes:\n  drafts/b.md:\n    1 × FMT001\n  notes/a.md:\n    1 × FMT001\n" in proc.stdout, proc.stdout
    check = run("check", "--no-cache", "--show-fixes", ".", cwd=vault)
    assert check.stdout.startswith("All checks passed")


def test_fixable_and_unfixable_decide_which_fixes_are_applied(tmp_path: Path):
    text = "# A\n\nTrailing  \n\n\n\nEnd\n"
    for flags, expected in (
        (["--unfixable", "FMT001"], "# A\n\nTrailing  \n\nEnd\n"),
        (["--fixable", "FMT001"], "# A\n\nTrailing\n\n\n\nEnd\n"),
        (["--fixable", "FMT", "--unfixable", "blank-lines"], "# A\n\nTrailing\n\n\n\nEnd\n"),
    ):
        (tmp_path / "a.md").write_text(text, encoding="utf-8")
        run("fix", "--write", "--no-cache", *flags, "a.md", cwd=tmp_path)
        assert (tmp_path / "a.md").read_text(encoding="utf-8") == expected, flags
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    listed = run("check", "--no-cache", "--unfixable", "FMT001", "a.md", cwd=tmp_path)
    assert "FMT001 Trailing whitespace" in listed.stdout and "FMT003 [*]" in listed.stdout
    typo = run("check", "--fixable", "FMT01", "a.md", cwd=tmp_path)
    assert typo.returncode == 2 and "--fixable: unknown rule or prefix 'FMT01' (did you mean 'FMT001'?)" in typo.stderr


def test_show_settings_prints_what_is_in_force(vault: Path):
    (vault / "omnilint.toml").write_text(
        'extend-exclude = ["drafts"]\n[rules.FM007]\ndate-format = "date"\n', encoding="utf-8"
    )
    proc = run("check", "--show-settings", "--select", "FM007,FMT001", "notes", cwd=vault)
    shown = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert shown["config"] == str(vault / "omnilint.toml") and shown["trusted_config"] is False
    assert shown["settings"]["extend-exclude"] == ["drafts"]
    assert set(shown["rules"]) == {"FM007", "FMT001"} and shown["rules"]["FM007"]["options"]["date-format"] == "date"


def test_statistics_in_json_is_an_object_of_counts_per_code(vault: Path):
    proc = run("check", "--no-cache", "--statistics", "--output-format", "json", ".", cwd=vault)
    assert json.loads(proc.stdout) == {"FMT001": {"name": "trailing-whitespace", "count": 2, "fixable": 2}}
    refused = run("check", "--no-cache", "--statistics", "--output-format", "sarif", ".", cwd=vault)
    assert refused.returncode == 2 and "--statistics" in refused.stderr


def test_sarif_has_column_kind_encoded_uris_and_fixes(tmp_path: Path):
    folder = tmp_path / "my notes" / "中文"
    folder.mkdir(parents=True)
    (folder / "a b.md").write_text("Trailing  \n", encoding="utf-8")
    proc = run("check", "--no-cache", "--output-format", "sarif", ".", cwd=tmp_path)
    sarif = json.loads(proc.stdout)
    the_run = sarif["runs"][0]
    assert the_run["columnKind"] == "unicodeCodePoints"
    assert "omnilint-md" in the_run["tool"]["driver"]["informationUri"]
    result = the_run["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20notes/%E4%B8%AD%E6%96%87/a%20b.md"
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {"startLine": 1, "startColumn": 9, "endLine": 1, "endColumn": 11}
    assert replacement["insertedContent"]["text"] == ""


def test_a_bad_rule_option_is_a_configuration_error_not_a_finding_per_file(vault: Path):
    (vault / "notes" / "omnilint.toml").write_text('[rules.FM007]\ndate-format = "isoo"\n', encoding="utf-8")
    proc = run("check", "--no-cache", ".", cwd=vault)
    assert proc.returncode == 2, proc.stdout
    assert "omnilint.toml" in proc.stderr and "date-format" in proc.stderr and "iso8601" in proc.stderr
    assert "CFG001" not in proc.stdout


def test_no_markdown_found_is_a_warning(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    proc = run("check", "--no-cache", ".", cwd=tmp_path)
    assert proc.returncode == 0 and "warning: no Markdown file found" in proc.stderr


def test_a_select_typo_names_the_flag_not_the_defaults(tmp_path: Path):
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    proc = run("check", "--select", "DUP01", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--select: unknown rule or prefix 'DUP01' (did you mean 'DUP001'?)" in proc.stderr
    assert "defaults" not in proc.stderr


def test_no_text_tells_users_to_install_the_unrelated_omnilint_package():
    import re

    wrong = re.compile(r"pip install ['\"]?omnilint(?![-\w])|pypi\.org/project/omnilint/")
    files = [
        ROOT / "README.md",
        ROOT / "action.yml",
        *(ROOT / "omnilint").rglob("*.py"),
        *(ROOT / "rules").rglob("*.py"),
    ]
    found = [
        f"{p.relative_to(ROOT)}: {m.group()}"
        for p in files
        if p.exists()
        for m in wrong.finditer(p.read_text(encoding="utf-8"))
    ]
    assert not found, found
    assert 'name = "omnilint-md"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_github_action_installs_this_project_and_annotates():
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "github.action_path" in script and "pip install" in script
    assert "--output-format github" in action["inputs"]["args"]["default"]


def test_progress_moves_on_a_terminal_and_stays_off_elsewhere(tmp_path: Path):
    pty = pytest.importorskip("pty")
    for i in range(40):
        (tmp_path / f"n{i:02d}.md").write_text(f"# Note {i}\n\nText  \n", encoding="utf-8")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "omnilint", "fix", "--write", "--no-cache", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.communicate(timeout=120)
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    for phase in ("finding files", "checking [", "writing ["):
        assert phase in err, err
    assert "40 files in " in err and err.rstrip().endswith(" s")
    quiet = run("check", "--no-cache", ".", cwd=tmp_path)  # stderr is a pipe here: no progress
    assert quiet.stderr == ""


@pytest.mark.parametrize("command", ["check", "fix"])
def test_every_option_of_help_is_in_the_readme(command: str):
    import re

    from omnilint.cli import build_parser

    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]  # noqa: SLF001 - argparse has no public accessor
    options = {s for action in sub._actions for s in action.option_strings if s.startswith("--") and s != "--help"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = readme[readme.index("## Usage") : readme.index("### JSON output")]
    missing = sorted(o for o in options if not re.search(re.escape(o) + r"(?![\w-])", usage))
    assert not missing, missing


@pytest.mark.parametrize("code", ["IO001", "IO002", "IO003", "CFG001", "INT001"])
def test_the_runs_own_codes_are_explained(code: str, tmp_path: Path):
    proc = run("explain", code, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith(f"# {code} ") and "## What it means" in proc.stdout


def test_fix_write_says_all_checks_passed_when_nothing_is_left(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\n\nText  \n", encoding="utf-8")
    first = run("fix", "--write", "--no-cache", ".", cwd=tmp_path)
    assert "Fixed 1 finding in 1 file." in first.stdout and "All checks passed (1 file)." in first.stdout
    again = run("fix", "--write", "--no-cache", ".", cwd=tmp_path)
    assert again.stdout == "All checks passed (1 file).\n" and again.returncode == 0
