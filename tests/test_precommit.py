"""A real pre-commit run of this repository's hook in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout"
    ),
    pytest.mark.slow,
]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_try_repo_runs_the_omnilint_hook(tmp_path: Path):
    repo = tmp_path / "vault"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "article.md").write_text("# Saved\n\ntrailing   \n", encoding="utf-8")
    (repo / "notes.txt").write_text("not markdown   \n", encoding="utf-8")
    git("add", ".", cwd=repo)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t")
    base = [sys_executable(), "-m", "pre_commit", "try-repo", str(ROOT)]

    check = subprocess.run([*base, "omnilint", "--all-files"], cwd=repo, env=env, capture_output=True, text=True)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "article.md:3:9: FMT001 [*] Trailing whitespace" in check.stdout
    assert "notes.txt" not in check.stdout  # types: [markdown]

    fix = subprocess.run([*base, "omnilint-fix", "--all-files"], cwd=repo, env=env, capture_output=True, text=True)
    assert fix.returncode == 1  # pre-commit fails a hook that modified files
    assert (repo / "article.md").read_text(encoding="utf-8") == "# Saved\n\ntrailing\n"
    assert (repo / "notes.txt").read_text(encoding="utf-8") == "not markdown   \n"


def sys_executable() -> str:
    import sys

    return sys.executable


ARTICLE = "---\ntitle: The same article\nurl: https://example.com/same\n---\n\n# The same article\n\n" + "".join(
    f"Paragraph {i} of a saved article that three people exported, long enough to compare.\n\n" for i in range(6)
)


def test_hooks_see_every_file_in_one_process_and_skip_excluded_ones(tmp_path: Path):
    repo = tmp_path / "vault"
    (repo / "Templates").mkdir(parents=True)
    git("init", "-q", cwd=repo)
    for name in ("a.md", "b.md", "c.md", "d.md", "e.md", "f.md"):
        (repo / name).write_text(ARTICLE, encoding="utf-8")
    (repo / "omnilint.toml").write_text('extend-exclude = ["Templates"]\n', encoding="utf-8")
    template = "# {{title}}\n\ntrailing   \n"
    (repo / "Templates" / "article.md").write_text(template, encoding="utf-8")
    git("add", ".", cwd=repo)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t")
    base = [sys_executable(), "-m", "pre_commit", "try-repo", str(ROOT)]

    check = subprocess.run(
        [*base, "omnilint", "--all-files", "--verbose"], cwd=repo, env=env, capture_output=True, text=True
    )
    out = check.stdout
    assert check.returncode == 1, out + check.stderr
    duplicates = [line for line in out.splitlines() if "DUP003" in line]
    assert len(duplicates) == 6, out  # every copy sees the five others: one process saw all files
    assert "Same article as" in duplicates[0] and all(n in duplicates[0] for n in ("b.md", "f.md"))
    assert out.count("Found ") == 1, out
    assert "Templates" not in out

    subprocess.run([*base, "omnilint-fix", "--all-files"], cwd=repo, env=env, capture_output=True, text=True)
    assert (repo / "Templates" / "article.md").read_text(encoding="utf-8") == template
