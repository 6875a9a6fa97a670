"""End to end on the seed (always) and on the shared real-file sample (when present)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS_SAMPLE, FIXTURE_ARTICLES, ROOT, SAMPLE_MISSING, SEED
from conftest import run_omnilint as omnilint


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".omnilint_cache" not in p.parts
    }


def test_seed_check_then_fix_leaves_no_fmt_finding_and_is_idempotent(tmp_path: Path):
    proc = omnilint("check", "seeds/", cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    copy = tmp_path / "seed.md"
    shutil.copy(SEED, copy)
    copy.chmod(0o644)
    omnilint("fix", "--write", str(copy), cwd=tmp_path)
    after = omnilint("check", "--select", "FMT", str(copy), cwd=tmp_path)
    assert after.returncode == 0, after.stdout
    first = copy.read_bytes()
    omnilint("fix", "--write", str(copy), cwd=tmp_path)
    assert copy.read_bytes() == first


@pytest.fixture(params=["fixtures", "shared-sample"])
def sample(tmp_path: Path, request) -> Path:
    """A writable copy of saved articles: the repository's own fixtures (always), and the shared
    real-file sample when it is present."""
    source = FIXTURE_ARTICLES if request.param == "fixtures" else CORPUS_SAMPLE
    if not source.is_dir():
        pytest.skip(SAMPLE_MISSING)
    copy = tmp_path / "sample"
    shutil.copytree(source, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


def test_check_on_the_real_sample_completes_without_crash(sample: Path):
    proc = omnilint("check", "--output-format", "json", ".", cwd=sample)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert '"code": "INT001"' not in proc.stdout


def test_fix_on_the_real_sample_is_idempotent_and_keeps_every_file(sample: Path):
    before = snapshot(sample)
    proc = omnilint("fix", "--write", ".", cwd=sample)
    assert "Traceback" not in proc.stderr and "INT001" not in proc.stdout
    once = snapshot(sample)
    assert once.keys() == before.keys()  # nothing deleted, nothing left behind
    omnilint("fix", "--write", ".", cwd=sample)
    assert snapshot(sample) == once
