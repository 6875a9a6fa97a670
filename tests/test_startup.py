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


def test_regex_cache_builds_exactly_the_patterns_re_builds():
    """Every pattern the engine, PyYAML and the rules compile, built from cached parts, matches alike."""
    import re

    import omnilint.rules  # noqa: F401 - compiles the rules' patterns

    from omnilint import _regex_cache

    _regex_cache.install()
    if "original" not in _regex_cache._state:
        import pytest

        pytest.skip("regex cache not available on this Python")
    seed = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.md")).read_text(encoding="utf-8")
    samples = [seed, seed.replace("\n", "\r\n"), "# Title\n\n#tag [x](https://omnivore.app/me/a) ^abc123\n", ""]
    patterns = [p for p in re._cache.values() if isinstance(p, re.Pattern) and isinstance(p.pattern, str)]  # type: ignore[attr-defined]
    assert len(patterns) > 50
    for original in patterns:
        if original.flags & re.DEBUG:
            continue
        flags = original.flags  # what the pattern was built with, inline flags included
        rebuilt = _regex_cache._build(
            original.pattern, json.loads(json.dumps(_regex_cache._parts(original.pattern, flags)))
        )
        reference = _regex_cache._state["original"](original.pattern, flags)
        assert (rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == (
            reference.flags,
            reference.groups,
            reference.groupindex,
        )
        for text in samples:
            assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in reference.finditer(text)], original


def test_regex_cache_file_is_written_read_and_survives_damage(tmp_path: Path):
    import os

    (tmp_path / "note.md").write_text("# Note\n\nText with trailing space \n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    command = [sys.executable, "-m", "omnilint", "check", "note.md", "--no-cache"]

    def run() -> str:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        return done.stdout

    first = run()
    (saved,) = (tmp_path / "xdg" / "omnilint").glob("regex-*.json")
    checksum, body = saved.read_text(encoding="utf-8").split("\n", 1)
    assert len(json.loads(body)) > 50
    assert run() == first
    saved.write_text(checksum + "\n" + body.replace("[", "[9999,", 3), encoding="utf-8")  # damaged: checksum fails
    assert run() == first
    env["OMNILINT_REGEX_CACHE"] = "0"
    assert run() == first
