"""Configuration discovery, validation and per-file resolution."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import run_omnilint as run

from omnilint import config as cfg


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.omnilint]\nignore = ["FMT002"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("trailing \nno newline", encoding="utf-8")
    sub = tmp_path / "clippings"
    sub.mkdir()
    (sub / "b.md").write_text("trailing \nno newline", encoding="utf-8")
    return tmp_path


def codes(proc: subprocess.CompletedProcess, name: str) -> set[str]:
    return {line.split()[1] for line in proc.stdout.splitlines() if line.startswith(name)}


def test_pyproject_tool_table_is_found_from_a_subfolder(vault: Path):
    proc = run("check", ".", cwd=vault / "clippings")
    assert codes(proc, "b.md") == {"FMT001"}


def test_nearest_config_wins(vault: Path):
    (vault / "clippings" / "omnilint.toml").write_text('select = ["FMT002"]\n', encoding="utf-8")
    proc = run("check", ".", cwd=vault)
    assert codes(proc, "a.md") == {"FMT001"}
    assert codes(proc, "clippings/b.md") == {"FMT002"}


def test_dot_omnilint_toml_and_explicit_config(vault: Path, tmp_path_factory):
    other = tmp_path_factory.mktemp("cfg") / "strict.toml"
    other.write_text('select = ["FMT002"]\n', encoding="utf-8")
    proc = run("check", "--config", str(other), ".", cwd=vault)
    assert codes(proc, "a.md") == {"FMT002"}
    (vault / ".omnilint.toml").write_text('ignore = ["FMT001"]\n', encoding="utf-8")
    assert codes(run("check", "a.md", cwd=vault), "a.md") == {"FMT002"}


def test_cli_flags_override_config(vault: Path):
    proc = run("check", "--select", "FMT002", ".", cwd=vault)
    assert codes(proc, "a.md") == {"FMT002"}
    proc = run("check", "--extend-select", "FMT002", ".", cwd=vault)  # config ignore still wins
    assert codes(proc, "a.md") == {"FMT001"}


def test_per_file_ignores_and_exclude(vault: Path):
    (vault / "pyproject.toml").write_text(
        '[tool.omnilint]\nper-file-ignores = { "clippings/*.md" = ["FMT"] }\nextend-exclude = ["drafts"]\n',
        encoding="utf-8",
    )
    (vault / "drafts").mkdir()
    (vault / "drafts" / "c.md").write_text("x \n", encoding="utf-8")
    proc = run("check", ".", cwd=vault)
    assert codes(proc, "clippings/b.md") == set()
    assert codes(proc, "a.md") == {"FMT001", "FMT002"}
    assert "drafts" not in proc.stdout


def test_default_excludes_skip_obsidian_and_git(vault: Path):
    for folder in (".obsidian", ".git", "node_modules"):
        (vault / folder).mkdir()
        (vault / folder / "x.md").write_text("x \n", encoding="utf-8")
    proc = run("check", ".", cwd=vault)
    assert ".obsidian" not in proc.stdout and ".git/" not in proc.stdout and "node_modules" not in proc.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('selct = ["FMT"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('select = "FMT"\n', "'select' must be a list"),
        ('select = ["ZZZ"]\n', "unknown rule or prefix 'ZZZ'"),
        ("[rules.FMT001]\nwidth = 3\n", "rule FMT001 has no option 'width'"),
        ("[rules.XYZ999]\n", "[rules.XYZ999]: unknown rule"),
        ('[rules.META003]\nfirst-h1 = "sometimes"\n', "option 'first-h1' of META003 must be one of 'allow'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_clear_error_with_exit_2(tmp_path: Path, text: str, message: str):
    (tmp_path / "omnilint.toml").write_text(text, encoding="utf-8")
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    proc = run("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_rule_names_and_prefixes_select_rules():
    table = cfg.all_rules()
    chosen = cfg.select_rules(table, ["trailing-whitespace", "FMT00"], [], ["FMT004"], "test")
    assert [r.code for r in chosen] == ["FMT001", "FMT002", "FMT003"]


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.md", "a/b/c.md", True),
        ("clippings/*.md", "clippings/x.md", True),
        ("clippings/*.md", "clippings/deep/x.md", False),
        ("clippings/**/*.md", "clippings/deep/x.md", True),
        ("drafts", "drafts/x.md", True),
        (".trash", "vault/.trash/x.md", True),
        ("a?.md", "ab.md", True),
    ],
)
def test_globs(glob: str, path: str, matches: bool):
    assert bool(cfg.glob_to_regex(glob).match(path)) is matches


def test_a_letters_only_prefix_names_one_family():
    table = cfg.all_rules()
    fm = [r.code for r in cfg.select_rules(table, ["FM"], [], [], "test")]
    assert fm and all(c.startswith("FM0") for c in fm)
    assert "FMT001" in [r.code for r in cfg.select_rules(table, ["FMT"], [], [], "test")]


def test_find_config_with_a_shared_memo_answers_as_without_it(tmp_path: Path):
    """The memo is filled by whichever folder asks first; nested configs must still win."""
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "x" / "y").mkdir(parents=True)
    (tmp_path / "a" / "omnilint.toml").write_text("", encoding="utf-8")
    (tmp_path / "a" / "b" / "c" / ".omnilint.toml").write_text("", encoding="utf-8")
    (tmp_path / "a" / "x" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    folders = [tmp_path / p for p in ("a/x/y", "a/b/c", "a/b", "a/x", "a", "")]
    memo: dict = {}
    for folder in folders + folders[::-1]:
        assert cfg.find_config(folder, memo) == cfg.find_config(folder)
    assert cfg.find_config(tmp_path / "a" / "b", memo) == tmp_path / "a" / "omnilint.toml"
    assert cfg.find_config(tmp_path / "a" / "b" / "c", memo) == tmp_path / "a" / "b" / "c" / ".omnilint.toml"
