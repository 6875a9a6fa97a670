"""Crash safety of `fix --write` (issue 7; RELIABILITY.md).

`omnilint fix --write` is killed with SIGKILL over and over, at chosen I/O steps of its
write phase and at random moments, on a generated vault.  After every kill each file
must hold exactly its old or its new bytes, never a mix, and the next full run must
leave no temporary file behind.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from omnilint import cli
from omnilint.writer import TMP_PREFIX

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"), pytest.mark.slow]

STEP_KILLS = 14
TIMED_KILLS = 4  # in forked children
PROCESS_KILLS = 2  # of real `python -m omnilint` processes, at random moments
I_O_STEPS = ((os, "replace"), (os, "fsync"), (os, "chmod"), (tempfile, "mkstemp"))
# The whitespace rules only: this is about the writer, and they keep each run short.
FIX_WRITE = ["fix", "--write", "--select", "FMT001,FMT002,FMT003", "--no-cache", "--jobs", "1", "."]


def forked_fix_write(folder: Path, kill_at: int, count_file: Path | None = None) -> int:
    """Run `omnilint fix --write .` in a forked child (no interpreter start-up: fast enough
    for many kills) that SIGKILLs itself right before its `kill_at`-th I/O step of a write
    (temporary file, fsync, chmod, rename).  kill_at = 0: run to the end, write the number
    of steps to `count_file`.  Returns the child's pid (not yet waited for)."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:  # the child: never return into pytest
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(folder)
        steps = 0

        def step(call):
            def wrapper(*args, **kwargs):
                nonlocal steps
                steps += 1
                if steps == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return call(*args, **kwargs)

            return wrapper

        for module, name in I_O_STEPS:
            setattr(module, name, step(getattr(module, name)))
        code = cli.main(FIX_WRITE)
        if count_file is not None:
            count_file.write_text(str(steps))
    finally:
        os._exit(code)


def wait(pid: int) -> int:
    """The child's exit code, or minus the signal that killed it."""
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def generated_vault(folder: Path, seed: int = 7) -> dict[Path, bytes]:
    """Forty articles in three folders, each with something to fix, some CRLF, some with a BOM."""
    rng = random.Random(seed)
    files = {}
    for i in range(40):
        sub = folder / ("Omnivore", "Readwise", "Clippings")[i % 3]
        sub.mkdir(parents=True, exist_ok=True)
        newline = "\r\n" if i % 5 == 0 else "\n"
        body = [f"# Article {i}", "", "#Omnivore", ""]
        for p in range(rng.randint(3, 30)):
            body += [f"Paragraph {p} of article {i} " + "word " * rng.randint(1, 40) + " " * rng.randint(0, 3), ""]
            body += [""] * rng.randint(0, 2)
        text = f"---\ntitle: Article {i}\n---\n" + newline.join(body)
        data = ("\ufeff" if i % 7 == 0 else "").encode() + text.encode()
        path = sub / f"article-{i:02d}.md"
        path.write_bytes(data)
        files[path] = data
    return files


def omnilint_process(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "omnilint", *FIX_WRITE],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*.md")}


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(TMP_PREFIX)]


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes], int, float]:
    """Each file's old and new bytes (from an uninterrupted run), the write steps, the run time."""
    folder = tmp_path_factory.mktemp("reference")
    old = {p.relative_to(folder).as_posix(): b for p, b in generated_vault(folder).items()}
    count_file = folder.parent / "steps.txt"
    started = time.perf_counter()
    assert wait(forked_fix_write(folder, 0, count_file)) in (0, 1)
    duration = time.perf_counter() - started
    new = {p.relative_to(folder).as_posix(): b for p, b in snapshot(folder).items()}
    assert sum(old[k] != new[k] for k in old) >= 30, "the vault should give the writer work"
    return old, new, int(count_file.read_text()), duration


def assert_each_file_is_old_or_new(folder: Path, old: dict[str, bytes], new: dict[str, bytes], when: str) -> None:
    now = {p.relative_to(folder).as_posix(): b for p, b in snapshot(folder).items()}
    assert set(now) == set(old), f"{when}: files appeared or vanished: {set(now) ^ set(old)}"
    mixed = [name for name, data in now.items() if data not in (old[name], new[name])]
    assert not mixed, f"{when}: neither old nor new content: {mixed}"


def test_sigkill_during_fix_write_never_leaves_a_mixed_file(tmp_path: Path, old_and_new):
    old, new, steps, duration = old_and_new
    rng = random.Random(2024)
    folder = tmp_path / "vault"
    generated_vault(folder)
    kills = [("step", rng.randint(1, steps)) for _ in range(STEP_KILLS)]
    kills += [("time", rng.uniform(0.0, duration)) for _ in range(TIMED_KILLS)]
    kills += [("process", rng.uniform(0.2, 1.0)) for _ in range(PROCESS_KILLS)]
    step_kills_landed = left_behind = 0
    for kind, where in kills:
        for name, data in old.items():  # the old vault again; temporary files left so far stay
            (folder / name).write_bytes(data)
        if kind == "step":
            step_kills_landed += wait(forked_fix_write(folder, where)) == -signal.SIGKILL
        elif kind == "time":
            pid = forked_fix_write(folder, 0)
            time.sleep(where)
            os.kill(pid, signal.SIGKILL)
            wait(pid)
        else:
            proc = omnilint_process(folder)
            time.sleep(where)
            proc.kill()
            proc.wait()
        assert_each_file_is_old_or_new(folder, old, new, f"after a kill at {kind} {where}")
        left_behind += len(temporary_files(folder))
    assert step_kills_landed == STEP_KILLS
    assert left_behind, "some kill should have left a temporary file for a later run to remove"
    # The next run finishes the job and, in the folders it writes to, removes what the
    # interrupted runs left once it is old enough not to be a concurrent run's.
    hour_ago = time.time() - 2 * 3600
    for leftover in temporary_files(folder):
        os.utime(leftover, (hour_ago, hour_ago))
    unfinished = {(folder / name).parent for name, data in old.items() if (folder / name).read_bytes() != new[name]}
    assert wait(forked_fix_write(folder, 0)) in (0, 1)
    assert snapshot(folder) == {folder / name: data for name, data in new.items()}
    left = [p for p in temporary_files(folder) if p.parent in unfinished]
    assert not left, left


def test_fix_write_removes_only_its_own_old_temporary_files_in_folders_it_writes(tmp_path: Path):
    (tmp_path / "a.md").write_text("x  \n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.md").write_text("clean\n")
    hour_ago = time.time() - 2 * 3600
    ours_old = tmp_path / f"{TMP_PREFIX}abcd1234.tmp"
    ours_young = tmp_path / f"{TMP_PREFIX}young123.tmp"
    in_unwritten_folder = sub / f"{TMP_PREFIX}abcd1234.tmp"
    user_note = tmp_path / f"{TMP_PREFIX}my-note.md"  # the user's file: only the prefix matches
    for path in (ours_old, ours_young, in_unwritten_folder, user_note):
        path.write_bytes(b"half a file")
    for path in (ours_old, in_unwritten_folder, user_note):
        os.utime(path, (hour_ago, hour_ago))
    (tmp_path / "keep.tmp").write_bytes(b"not ours")
    subprocess.run(
        [sys.executable, "-m", "omnilint", "fix", "--write", "--no-cache", "."], cwd=tmp_path, capture_output=True
    )
    assert (tmp_path / "a.md").read_text() == "x\n"
    assert not ours_old.exists(), "an old leftover of ours in a folder the run writes to is removed"
    assert ours_young.exists(), "a young one may belong to a run still writing"
    assert in_unwritten_folder.exists(), "folders the run does not write to are not touched"
    assert user_note.exists() and (tmp_path / "keep.tmp").exists()
