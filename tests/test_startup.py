"""A pre-commit run checks one file: start-up must import only what that needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from omnilint import _entry_points

PROBE = """
import json, sys
from omnilint.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_checking_one_file_imports_no_formatter_http_client_or_pool(tmp_path: Path):
    (tmp_path / "note.md").write_text("---\ntitle: A note\n---\n\n# A note\n\nText.\n", encoding="utf-8")
    loaded = modules_after("check", "note.md", "--quiet", "--exit-zero", cwd=tmp_path)
    assert "omnilint.runner" in loaded and "yaml" in loaded  # the probe really ran a check
    unwanted = {
        "mdformat",
        "markdown_it",
        "httpx",
        "httpcore",
        "importlib.metadata",
        "multiprocessing",
        "concurrent.futures",
    }
    assert not loaded & unwanted


def test_fast_entry_point_lookup_agrees_with_importlib_metadata():
    from importlib.metadata import entry_points

    for group in ("omnilint.rules", "console_scripts", "pytest11"):
        slow = sorted((ep.name, ep.value) for ep in entry_points(group=group))
        fast = sorted((ep.name, ep.value) for ep in _entry_points.entry_points(group=group))
        assert fast == slow, group


def test_fast_entry_points_load_like_importlib_metadata():
    (builtin,) = [ep for ep in _entry_points.entry_points("omnilint.rules") if ep.name == "builtin"]
    from omnilint.rules import RULES

    assert builtin.load() is RULES


def test_a_target_folder_on_sys_path_is_searched_in_order(tmp_path: Path, monkeypatch):
    for folder, value in (("first", "first_module:RULES"), ("second", "second_module:RULES")):
        meta = tmp_path / folder / "omnilint_extra-1.0.dist-info"
        meta.mkdir(parents=True)
        (meta / "entry_points.txt").write_text(
            f"# comment\n[omnilint.rules]\nextra = {value}\n\n[other]\nx = y\n", encoding="utf-8"
        )
    monkeypatch.syspath_prepend(str(tmp_path / "second"))
    monkeypatch.syspath_prepend(str(tmp_path / "first"))  # the first distribution of a name wins
    found = [(ep.name, ep.value) for ep in _entry_points.entry_points("omnilint.rules") if ep.name == "extra"]
    assert found == [("extra", "first_module:RULES")]


def test_a_check_writes_nothing_outside_the_project(tmp_path: Path):
    """No cache of compiled patterns or anything else in the user's home: a run writes only the
    files it fixes and its own cache (README, trust model)."""
    import os

    project = tmp_path / "vault"
    project.mkdir()
    (project / "note.md").write_text("# Note\n\nText with trailing space \n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    env.pop("PYTHONPYCACHEPREFIX", None)
    done = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "note.md"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert not any(home.rglob("*")), sorted(home.rglob("*"))
    made = {p.relative_to(project).parts[0] for p in project.rglob("*")}
    assert made == {"note.md", ".omnilint_cache"}
