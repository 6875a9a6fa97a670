"""An untrusted vault cannot hurt the person who lints it (issue 13).

A vault is downloaded, cloned or synced: everything in it, its config files and its
`.omnilint_cache` included, may have been made by someone else.  Each test here builds
one such vault and checks one promise of the trust model (README "Trust model",
RELIABILITY.md): no code from the vault runs, nothing outside it is deleted or written,
the cache never decides what is written, odd files never hang the run, and option
values out of range are a configuration error.
"""

from __future__ import annotations

import json
import os
import time
from functools import partial
from pathlib import Path

import pytest
from conftest import run_omnilint

from omnilint import cache as result_cache

TIMEOUT = 60  # seconds; every run here takes well under one


omnilint = partial(run_omnilint, timeout=TIMEOUT)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders and links), to compare before and after."""
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = None if path.is_symlink() or path.is_dir() else path.read_bytes()
    return found


def old(path: Path, hours: float = 48) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then), follow_symlinks=False)


# -- the cache folder -------------------------------------------------------------------------------


@pytest.fixture
def bait(tmp_path: Path) -> Path:
    """A folder outside the vault that looks like an old cache: what a pruning cache would delete."""
    outside = tmp_path / "outside"
    for name in (f"{1:020x}", f"{2:020x}", "photos", "taxes"):
        folder = outside / result_cache.FORMAT / name
        folder.mkdir(parents=True)
        (folder / "last-used").write_text("")
        (folder / "keep.txt").write_text("precious\n")
        old(folder / "last-used", hours=24 * 30)
        old(folder, hours=24 * 30)
    return outside


@pytest.mark.parametrize("link_at", [".omnilint_cache", f".omnilint_cache/{result_cache.FORMAT}"])
def test_a_symlinked_cache_folder_is_refused_and_nothing_outside_is_touched(tmp_path: Path, bait: Path, link_at: str):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    link = vault / link_at
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(bait if link_at == ".omnilint_cache" else bait / result_cache.FORMAT)
    before = tree(bait)
    for args in (["check", "."], ["check", "."], ["fix", "--write", "."]):
        done = omnilint(*args, cwd=vault)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        assert "not using the cache" in done.stderr and "symbolic link" in done.stderr
    assert tree(bait) == before, "the cache followed a link out of the vault"
    assert (vault / "a.md").read_text() == "Text\n", "the run went on without the cache"


# -- temporary files ------------------------------------------------------------------------------------


def test_fix_write_deletes_no_temp_named_file_outside_the_paths_given(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.md").write_text("More  \n")
    leftover = outside / ".omnilint-tmp-abcd1234.tmp"  # exactly our pattern, old: still not ours to delete
    leftover.write_text("someone else's\n")
    old(leftover)
    (vault / "linked").symlink_to(outside)
    done = omnilint("fix", "--write", ".", cwd=vault)
    assert done.returncode in (0, 1), done.stderr
    assert leftover.exists()
    assert (outside / "b.md").read_text() == "More  \n", "a file outside the paths given is never written"


# -- reading ----------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_and_a_link_to_dev_zero_are_reported_and_the_run_goes_on(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    (tmp_path / "good.md").write_text("Text  \n")
    for args in (
        ["check", "--no-cache", "."],
        ["fix", "--write", "--no-cache", "."],
        ["check", "--no-cache", "zero.md", "pipe.md"],
    ):
        started = time.monotonic()
        done = omnilint(*args, cwd=tmp_path)
        assert time.monotonic() - started < 30
        assert "Traceback" not in done.stderr, done.stderr
        assert "pipe.md:1:1: IO001 not a regular file (a FIFO)" in done.stdout, done.stdout
        assert "zero.md:1:1: IO001 not a regular file (a character device)" in done.stdout
    assert (tmp_path / "good.md").read_text() == "Text\n"


def test_max_file_size_bounds_the_bytes_read_not_what_stat_says(tmp_path: Path, monkeypatch):
    from omnilint import runner

    path = tmp_path / "grows.md"
    path.write_bytes(b"x" * 10)
    real_stat = os.stat

    def stat_that_lies(p, *args, **kwargs):  # a file that grows between stat() and read()
        st = real_stat(p, *args, **kwargs)
        if str(p) == str(path):
            path.write_bytes(b"x" * 5000)
        return st

    monkeypatch.setattr(os, "stat", stat_that_lies)
    with pytest.raises(runner.TooLarge):
        runner.read_regular_file(str(path), 1000)


def test_a_symlink_to_a_note_inside_the_root_is_one_file(tmp_path: Path):
    (tmp_path / "a.md").write_text("Text  \n")
    (tmp_path / "alias.md").symlink_to("a.md")
    checked = omnilint("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    paths = [f["path"] for f in json.loads(checked.stdout)]
    assert paths == ["a.md"], paths
    for _ in range(2):
        done = omnilint("fix", "--write", ".", cwd=tmp_path)
        assert "changed on disk" not in done.stdout + done.stderr
    assert (tmp_path / "a.md").read_text() == "Text\n" and (tmp_path / "alias.md").is_symlink()


@pytest.mark.parametrize("config", ["exclude = []\n", 'exclude = ["nothing"]\nextend-exclude = []\n'])
def test_internal_folders_are_never_linted_or_written_whatever_exclude_says(tmp_path: Path, config: str):
    (tmp_path / "omnilint.toml").write_text(config)
    (tmp_path / "note.md").write_text("Text  \n")
    for internal in (".git", ".obsidian", ".trash", "node_modules", ".omnilint_cache"):
        (tmp_path / internal).mkdir(exist_ok=True)
        (tmp_path / internal / "inside.md").write_text("Text  \n")
    done = omnilint("fix", "--write", ".", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert (tmp_path / "note.md").read_text() == "Text\n"
    for internal in (".git", ".obsidian", ".trash", "node_modules"):
        assert (tmp_path / internal / "inside.md").read_text() == "Text  \n", internal


# -- code execution and the network ------------------------------------------------------------------------

EVIL = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\nRULES = []\n"


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("config_name", ["omnilint.toml", "pyproject.toml"])
def test_plugins_in_a_discovered_config_are_refused_and_never_run(tmp_path: Path, where: str, config_name: str):
    vault = tmp_path / "vault"
    vault.mkdir()
    marker = tmp_path / "PWNED"
    plugin = (vault if where == "inside" else tmp_path) / "plugin.py"
    plugin.write_text(EVIL.format(marker=str(marker)))
    spec = "plugin.py" if where == "inside" else str(plugin)
    table = "[tool.omnilint]\n" if config_name == "pyproject.toml" else ""
    (vault / config_name).write_text(f'{table}plugins = ["{spec}"]\n')
    (vault / "note.md").write_text("Text\n")
    for args in (["check", "."], ["fix", "--write", "."], ["check", "note.md"]):
        done = omnilint(*args, cwd=vault)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "'plugins' is refused in a discovered config" in done.stderr
        assert "--plugin" in done.stderr and "--config" in done.stderr, "the message says how to opt in"
        assert "Traceback" not in done.stderr
    assert not marker.exists()


def test_a_discovered_config_cannot_switch_the_network_on(tmp_path: Path):
    (tmp_path / "omnilint.toml").write_text("online = true\n")
    (tmp_path / "note.md").write_text("[x](http://127.0.0.1:9/x)\n")
    done = omnilint("check", "--no-cache", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert "'online' is refused in a discovered config" in done.stderr and "--online" in done.stderr
    (tmp_path / "omnilint.toml").write_text("online = false\n")  # narrowing is allowed
    assert omnilint("check", "--no-cache", ".", cwd=tmp_path).returncode == 0


# -- option values ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, words",
    [
        ('vault = "nope"\n', ["'vault'", "obsidian", "logseq"]),
        ("max-file-size = -1\n", ["'max-file-size'", "from 1"]),
        ("max-file-size = 0\n", ["'max-file-size'", "from 1"]),
    ],
)
def test_out_of_range_settings_are_a_configuration_error(tmp_path: Path, config: str, words: list[str]):
    (tmp_path / "omnilint.toml").write_text(config)
    (tmp_path / "note.md").write_text("Text\n")
    done = omnilint("check", "--no-cache", ".", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "omnilint.toml" in done.stderr and all(w in done.stderr for w in words), done.stderr
