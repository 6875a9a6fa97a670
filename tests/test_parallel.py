"""Worker processes must not change a single byte of the output: serial and parallel runs
(check, fix preview, fix --write, corpus rules and their fixes) give identical results."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from cache_helpers import PLUGIN_FILE, article, cli, make_vault

from omnilint import config as cfg
from omnilint import parallel, pipeline, runner

COUNT = 96  # above the parallel threshold, enough for two workers


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    root = make_vault(tmp_path_factory.mktemp("vault"), COUNT)
    big = root / "vault" / "folder2" / "big.md"
    big.write_text("# Big\n\n" + "\n\n".join(article(n) for n in range(200)), encoding="utf-8")  # scheduled first
    for n in (10, 20, 30):  # three files share an id: the corpus rule reports (and fixes) them
        path = root / "vault" / f"folder{n % 3}" / f"article {n:03d}.md"
        # article 020 has nothing else to fix: fix mode drops its text and the corpus fix re-reads it
        path.write_text(article(n, ident="shared", dirty=n != 20), encoding="utf-8")
    (root / "vault" / "folder0" / "unreadable.md").write_bytes(b"\xff\xfe not utf-8")
    return root


def test_worker_count():
    assert parallel.worker_count(None, 10) == 1
    assert parallel.worker_count(1, 10_000) == 1
    assert parallel.worker_count(4, parallel.PARALLEL_THRESHOLD) == 2  # never fewer than 32 files a worker
    assert parallel.worker_count(4, 10_000) == 4
    assert parallel.worker_count(0, 10_000) == parallel.worker_count(None, 10_000) >= 1


def test_chunks_cover_every_task_once_largest_first():
    tasks = [runner.Task(f"/x/{i}.md", f"{i}.md", size=s) for i, s in enumerate([10, 5000, 30, 700_000, 20] * 30)]
    chunks = parallel.chunks(tasks, 2)
    flat = [i for chunk in chunks for i in chunk]
    assert sorted(flat) == list(range(len(tasks)))
    assert tasks[chunks[0][0]].size == 700_000
    assert all(len(c) <= 64 for c in chunks)


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_check_output_is_identical_serial_and_parallel(vault: Path, output_format: str):
    args = ("check", "vault", "--no-cache", "--output-format", output_format)
    serial = cli(*args, "-j1", cwd=vault)
    parallel = cli(*args, "-j2", cwd=vault)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert "TST001" in serial.stdout and "IO001" in serial.stdout and "FMT001" in serial.stdout


def plugin_job(root: Path) -> runner.Job:
    """The vault's test rule comes from the invoker (--plugin), as a discovered config may not load code."""
    return runner.Job(overrides=cfg.Overrides(plugins=(str(root / PLUGIN_FILE),)))


_PARENT = os.getpid()
_process = pipeline.process


def _process_outside_the_parent(task, session):
    # The parent may serve cache hits (pipeline.lookup); linting belongs to the workers.
    assert os.getpid() != _PARENT, "a parallel run linted a file in the parent process"
    return _process(task, session)


def test_parallel_run_lints_in_workers_and_keeps_path_order(vault: Path, monkeypatch):
    monkeypatch.chdir(vault)
    monkeypatch.setattr(pipeline, "process", _process_outside_the_parent)  # forked workers inherit it
    monkeypatch.setattr(runner, "process", _process_outside_the_parent)  # the serial path's name for it
    run = runner.run(["vault"], plugin_job(vault), jobs=2)
    displays = [f.display for f in run.files]
    assert displays == sorted(displays)
    assert len(run.files) == COUNT + 2
    with pytest.raises(AssertionError):
        runner.run(["vault"], plugin_job(vault), jobs=1)


def test_fix_preview_is_identical_serial_and_parallel(vault: Path):
    serial = cli("fix", "vault", "--no-cache", "-j1", cwd=vault)
    parallel = cli("fix", "vault", "--no-cache", "-j2", cwd=vault)
    assert serial.stdout == parallel.stdout
    assert "+<!-- shared id -->" in serial.stdout  # corpus fixes show in the diff too


def test_fix_write_gives_the_same_files_serial_and_parallel(vault: Path, tmp_path: Path):
    copies = {}
    for jobs in ("1", "2"):
        copy = tmp_path / f"j{jobs}"
        shutil.copytree(vault, copy)
        done = cli("fix", "vault", "--write", "--no-cache", "-j", jobs, cwd=copy)
        assert done.returncode in (0, 1), done.stderr
        copies[jobs] = {p.relative_to(copy).as_posix(): p.read_bytes() for p in sorted((copy / "vault").rglob("*.md"))}
    assert copies["1"] == copies["2"]
    marked = [name for name, data in copies["1"].items() if data.endswith(b"<!-- shared id -->\n")]
    assert len(marked) == 3


def test_parallel_warm_run_equals_serial_cold_run(vault: Path, tmp_path: Path):
    cache_dir = str(tmp_path / "cache")
    cold = cli("check", "vault", "--output-format", "json", "-j1", "--no-cache", cwd=vault)
    cli("check", "vault", "--output-format", "json", "-j2", "--cache-dir", cache_dir, cwd=vault)
    warm = cli("check", "vault", "--output-format", "json", "-j2", "--cache-dir", cache_dir, cwd=vault)
    assert warm.stdout == cold.stdout


def test_jobs_must_not_be_negative(vault: Path):
    done = cli("check", "vault", "-j", "-1", cwd=vault)
    assert done.returncode == 2 and "--jobs" in done.stderr


def test_after_many_edits_the_parent_serves_hits_and_workers_lint_the_rest(vault: Path, tmp_path: Path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(vault, copy)
    monkeypatch.chdir(copy)
    job = replace(plugin_job(vault), cache_dir=str(tmp_path / "cache"))
    runner.run(["vault"], job, jobs=2)
    edited = sorted((copy / "vault").rglob("article 0[0-7]*.md"))[:70]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "\nAn edit.  \n", encoding="utf-8")
    monkeypatch.setattr(runner, "process", _process_outside_the_parent)
    warm = runner.run(["vault"], job, jobs=2)
    assert sum(not f.cached for f in warm.files) == len(edited) + 1  # and the unreadable file
    monkeypatch.setattr(runner, "process", _process)
    fresh = runner.run(["vault"], plugin_job(vault), jobs=1)
    assert [(f.display, [(d.code, d.line, d.column, d.message) for d in f.diagnostics]) for f in warm.files] == [
        (f.display, [(d.code, d.line, d.column, d.message) for d in f.diagnostics]) for f in fresh.files
    ]
