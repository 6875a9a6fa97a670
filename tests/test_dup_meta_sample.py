"""META and DUP rules on the shared sample of real files (skipped when it is absent)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS_SAMPLE, SAMPLE_MISSING, run_omnilint


def omnilint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_omnilint(*args, "--no-cache", cwd=cwd)


def findings(cwd: Path, select: str) -> list[dict]:
    proc = omnilint("check", "--select", select, "--output-format", "json", ".", cwd=cwd)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    if not CORPUS_SAMPLE.is_dir():
        pytest.skip(SAMPLE_MISSING)
    copy = tmp_path_factory.mktemp("meta-dup") / "sample"
    shutil.copytree(CORPUS_SAMPLE, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


def line_of(root: Path, finding: dict) -> str:
    return (root / finding["path"]).read_text(encoding="utf-8").splitlines()[finding["line"] - 1]


def test_findings_on_the_sample(sample: Path):
    found = findings(sample, "META,DUP")
    assert not [f for f in found if f["code"] == "INT001"]
    # The article saved twice under two names is found, each copy naming the other; trash
    # folders are never read, so their copies are not in any cluster.
    clusters = {tuple(f["data"]["cluster"]) for f in found if f["code"] == "DUP003"}
    assert any(len(c) == 2 and all(p.endswith("Is Palindrome.md") for p in c) for c in clusters)
    assert not any(".trash/" in p for c in clusters for p in c)
    # Exactly the exporter's duplication, read in context: the Clippings file that repeats a
    # paragraph once without, once with its emphasis (the plain copy goes), and the forum
    # page whose two posts were each captured twice in a row.
    dup = sorted(
        (Path(f["path"]).name[:20], f["line"], f["fix"]["applicability"]) for f in found if f["code"] == "DUP001"
    )
    assert dup == [
        ("Sebastiano Sartor - ", 35, "safe"),
        ("如何去掉“表格”上面的空行 - 疑问解答", 47, "safe"),
        ("如何去掉“表格”上面的空行 - 疑问解答", 62, "safe"),
    ]
    # The repository's description, said again with images around it right below: unsafe only.
    near = [(Path(f["path"]).name[:10], f["line"], f["fix"]["applicability"]) for f in found if f["code"] == "DUP002"]
    assert near == [("kevin-mizu", 24, "unsafe")]
    # `#Omnivore` is a tag line: never taken for a heading or a repeated block.
    for f in found:
        if f["code"] != "META002":
            assert line_of(sample, f).strip() != "#Omnivore", f


def test_safe_fixes_on_the_sample_are_clean_and_idempotent(sample: Path, tmp_path: Path):
    work = tmp_path / "work"
    shutil.copytree(sample, work)
    blank_lines_before = Counter(f["path"] for f in findings(work, "FMT003"))
    omnilint("fix", "--write", "--select", "META,DUP", ".", cwd=work)
    left = [f for f in findings(work, "META,DUP") if f["fix"] and f["fix"]["applicability"] == "safe"]
    assert left == []
    assert Counter(f["path"] for f in findings(work, "FMT003")) == blank_lines_before  # no stray blank lines
    snapshot = {p: p.read_bytes() for p in work.rglob("*.md")}
    omnilint("fix", "--write", "--select", "META,DUP", "--unsafe-fixes", ".", cwd=work)
    omnilint("fix", "--write", "--select", "META,DUP", "--unsafe-fixes", ".", cwd=work)
    again = {p: p.read_bytes() for p in work.rglob("*.md")}
    omnilint("fix", "--write", "--select", "META,DUP", "--unsafe-fixes", ".", cwd=work)
    assert {p: p.read_bytes() for p in work.rglob("*.md")} == again
    assert again != snapshot  # the unsafe fixes did something (front matter moves)
