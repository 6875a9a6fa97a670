"""The result cache: a hit must give exactly what a fresh lint gives, and anything that could
change the result (content, config, omnilint's code or version, a partner file of a corpus
rule) must make it re-lint."""

from __future__ import annotations

import json
import os
from contextlib import closing
from pathlib import Path

import pytest
from cache_helpers import PLUGIN_FILE, article, cli, findings, make_vault
from hypothesis import given
from hypothesis import strategies as st

from omnilint import cache as result_cache
from omnilint import config as cfg
from omnilint import engine, runner
from omnilint.model import Applicability, Diagnostic, Edit, Fix, Severity


def databases(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob(f"{result_cache.FORMAT}/*/results.sqlite"))


def stored_rows(cache_dir: Path) -> list[tuple]:
    """Every stored entry: (path, relpath, size, mtime, ctime, sha, diagnostics, facts)."""
    import sqlite3

    rows = []
    for db in databases(cache_dir):
        with closing(sqlite3.connect(db)) as connection:
            rows.extend(connection.execute("SELECT * FROM files ORDER BY path").fetchall())
    return rows


def lint_run(root: Path, cache_dir: Path | None, mode: str = "check", select=None, write: bool = False):
    job = runner.Job(
        mode=mode,
        overrides=cfg.Overrides(
            select=select, plugins=tuple(str(root / p) for p in [PLUGIN_FILE] if (root / p).exists())
        ),
        cache_dir=str(cache_dir) if cache_dir else None,
        write=write,
    )
    return runner.run([str(root / "vault")], job, jobs=1)


def as_data(run: runner.RunResult) -> list:
    """Everything a report can show, as plain data."""
    rows = []
    for f in run.files:
        for d in f.diagnostics:
            fix = d.fix and (
                d.fix.applicability.value,
                d.fix.message,
                [(e.start, e.end, e.content) for e in d.fix.edits],
            )
            rows.append((f.display, d.code, d.name, d.message, d.line, d.column, d.end_line, d.end_column,
                         d.severity.value, fix, d.data, d.edit_positions))  # fmt: skip
    return rows


@pytest.fixture
def vault(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_vault(tmp_path, 12)


def test_diagnostics_survive_the_round_trip_through_json():
    d = Diagnostic(
        "FMT001", "trailing-whitespace", "Trailing whitespace — ünïcode", 10, 12, Severity.ERROR,
        Fix((Edit(10, 12, ""), Edit(20, 20, "\r\n")), Applicability.UNSAFE, "Remove it", True),
        3, 4, 3, 6, {"cluster": ["a.md", "b.md"]}, [(3, 4, 3, 6), (5, 1, 5, 1)],
    )  # fmt: skip
    row = json.loads(json.dumps(result_cache.dump_diagnostic(d)))
    assert result_cache.load_diagnostic(row) == d


_text = st.text(max_size=20)
_edits = st.builds(
    lambda start, length, content: Edit(start, start + length, content),
    st.integers(0, 10**6),
    st.integers(0, 1000),
    _text,
)
_fixes = st.builds(
    Fix,
    st.lists(_edits, min_size=1, max_size=4).map(tuple),
    st.sampled_from(list(Applicability)),
    _text,
    st.booleans(),
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_diagnostics = st.builds(
    Diagnostic,
    _text,
    _text,
    _text,
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.sampled_from(list(Severity)),
    st.none() | _fixes,
    st.integers(0, 10**5),
    st.integers(0, 10**5),
    st.integers(0, 10**5),
    st.integers(0, 10**5),
    st.none() | st.dictionaries(_text, _json_values, max_size=3),
    st.none() | st.lists(st.tuples(*[st.integers(0, 10**5)] * 4), max_size=3),
)


@given(_diagnostics)
def test_every_field_of_a_finding_survives_the_cache_round_trip(d: Diagnostic):
    """By field name, through JSON text: Fix.preserves_render, data, edit positions included."""
    row = json.loads(json.dumps(result_cache.dump_diagnostic(d), ensure_ascii=False))
    assert result_cache.load_diagnostic(row, result_cache.Strings()) == d


@given(st.lists(_diagnostics, max_size=3))
def test_every_field_of_a_finding_survives_the_stores_compact_form(diagnostics: list[Diagnostic]):
    """What the SQLite store holds (fields by position), through JSON text, back to equal findings."""
    packed = result_cache.pack_diagnostics(diagnostics)
    assert result_cache.unpack_diagnostics(packed, result_cache.Strings()) == diagnostics


@given(st.dictionaries(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1), _json_values, max_size=4))
def test_facts_survive_the_stores_compact_form(values: dict):
    facts = {code: json.dumps(value, ensure_ascii=False) for code, value in values.items()}
    assert result_cache.unpack_facts(result_cache.pack_facts(facts)) == facts


def test_unchanged_corpus_is_served_from_the_cache_with_identical_results(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    cold = lint_run(vault, cache_dir)
    warm = lint_run(vault, cache_dir)
    assert not any(f.cached for f in cold.files)
    assert all(f.cached for f in warm.files)
    assert as_data(warm) == as_data(cold) == as_data(lint_run(vault, None))
    assert any(d.fix for _, d in warm.diagnostics), "the fixture must have fixable findings"


def test_a_changed_file_is_linted_again_and_the_others_are_not(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    changed = vault / "vault" / "folder1" / "article 001.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "New line with trailing space \n", encoding="utf-8")
    warm = lint_run(vault, cache_dir)
    fresh = {f.display for f in warm.files if not f.cached}
    assert fresh == {"vault/folder1/article 001.md"}
    assert as_data(warm) == as_data(lint_run(vault, None))


def test_same_size_and_time_but_other_content_is_a_miss(vault: Path, tmp_path: Path):
    """The key is the content, not the file's size or mtime."""
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    path = vault / "vault" / "folder0" / "article 000.md"
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Paragraph 0", "Paragraph X"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    warm = lint_run(vault, cache_dir)
    assert [f.display for f in warm.files if not f.cached] == ["vault/folder0/article 000.md"]


def test_a_changed_config_does_not_use_the_old_results(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    narrow = lint_run(vault, cache_dir, select=("FMT002",))
    assert not any(f.cached for f in narrow.files)
    assert {d.code for _, d in narrow.diagnostics} == {"FMT002"}
    again = lint_run(vault, cache_dir)  # the first config's entries are still there
    assert all(f.cached for f in again.files)


def test_a_new_omnilint_version_does_not_use_the_old_results(vault: Path, tmp_path: Path, monkeypatch):
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    monkeypatch.setattr(result_cache, "__version__", "999.0")
    assert not any(f.cached for f in lint_run(vault, cache_dir).files)


def test_an_edited_rule_module_does_not_use_the_old_results(vault: Path, tmp_path: Path):
    """Developers edit rules without bumping the version: the code's fingerprint covers them."""
    cache_dir = tmp_path / "cache"
    (vault / "vault" / "folder0" / "article 000.md").write_text(article(0, ident="same"), encoding="utf-8")
    (vault / "vault" / "folder1" / "article 001.md").write_text(article(1, ident="same"), encoding="utf-8")
    args = ("check", "vault", "--output-format", "json", "--cache-dir", str(cache_dir), "-j1")
    first = findings(cli(*args, cwd=vault))
    assert (
        next(f["message"] for f in first if f["code"] == "TST001")
        == "id same is also used by vault/folder1/article 001.md"
    )
    plugin = vault / "corpus_rules.py"
    # Only the facts change (collect), which a stale cache would still serve.
    plugin.write_text(
        plugin.read_text(encoding="utf-8").replace('"id": str(value)', '"id": str(value).upper()'), encoding="utf-8"
    )
    second = findings(cli(*args, cwd=vault))
    assert (
        next(f["message"] for f in second if f["code"] == "TST001")
        == "id SAME is also used by vault/folder1/article 001.md"
    )


def test_corpus_rule_sees_a_changed_partner_while_the_other_file_comes_from_the_cache(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    a = vault / "vault" / "folder0" / "article 000.md"
    b = vault / "vault" / "folder1" / "article 001.md"
    a.write_text(article(0, ident="shared-1"), encoding="utf-8")
    b.write_text(article(1, ident="shared-1"), encoding="utf-8")
    cold = lint_run(vault, cache_dir)
    shared = sorted(f.display for f, d in cold.diagnostics if d.code == "TST001")
    assert shared == ["vault/folder0/article 000.md", "vault/folder1/article 001.md"]

    b.write_text(article(1, ident="other"), encoding="utf-8")  # only the partner changes
    warm = lint_run(vault, cache_dir)
    by_name = {f.display: f for f in warm.files}
    assert by_name["vault/folder0/article 000.md"].cached
    assert not by_name["vault/folder1/article 001.md"].cached
    assert not [d for _, d in warm.diagnostics if d.code == "TST001"]

    b.write_text(article(1, ident="shared-1"), encoding="utf-8")  # and back: found again from cached facts
    again = lint_run(vault, cache_dir)
    assert sorted(f.display for f, d in again.diagnostics if d.code == "TST001") == shared
    assert as_data(again) == as_data(lint_run(vault, None))


def test_corpus_facts_come_back_as_json_data_whether_cached_or_not(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    cold = lint_run(vault, cache_dir)
    warm = lint_run(vault, cache_dir)
    assert [f.facts for f in cold.files] == [f.facts for f in warm.files]
    assert all(isinstance(json.loads(f.facts["TST001"])["span"], list) for f in warm.files)


def test_fix_mode_uses_a_hit_only_when_there_is_nothing_to_fix(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_vault(tmp_path, 6)
    clean = tmp_path / "vault" / "folder0" / "clean.md"
    clean.write_text("# Clean\n\nNothing to fix here.\n", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    lint_run(tmp_path, cache_dir)  # check fills the cache
    preview = lint_run(tmp_path, cache_dir, mode="fix")
    by_name = {f.display: f for f in preview.files}
    assert by_name["vault/folder0/clean.md"].cached and not by_name["vault/folder0/clean.md"].changed
    dirty = [f for f in preview.files if f.changed]
    assert dirty and not any(f.cached for f in dirty)
    uncached = lint_run(tmp_path, None, mode="fix")
    assert [(f.display, f.diff()) for f in preview.files] == [(f.display, f.diff()) for f in uncached.files]


def test_after_fix_write_the_next_check_is_served_from_the_cache(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_vault(tmp_path, 8)
    cache_dir = tmp_path / "cache"
    fixed = lint_run(tmp_path, cache_dir, mode="fix", write=True)
    runner.write_results(fixed.files)
    assert any(f.written for f in fixed.files)
    check = lint_run(tmp_path, cache_dir)
    assert all(f.cached for f in check.files)
    assert as_data(check) == as_data(lint_run(tmp_path, None))


def test_fix_preview_does_not_replace_the_entry_of_what_is_on_disk(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    lint_run(vault, cache_dir, mode="fix")  # no --write: the files keep their content
    assert all(f.cached for f in lint_run(vault, cache_dir).files)


def test_a_corrupt_or_foreign_entry_is_a_miss_and_is_replaced(vault: Path, tmp_path: Path):
    import sqlite3

    cache_dir = tmp_path / "cache"
    cold = lint_run(vault, cache_dir)
    entries = stored_rows(cache_dir)
    assert len(entries) == len(cold.files)
    with closing(sqlite3.connect(databases(cache_dir)[0])) as db, db:
        db.execute("UPDATE files SET diagnostics = ? WHERE path = ?", ('[{"code": "x", "sha": ', entries[0][0]))
        db.execute(
            "UPDATE files SET diagnostics = ?, facts = ? WHERE path = ?", ("[1, 2, 3]", "A\x00x\x00B", entries[1][0])
        )
    warm = lint_run(vault, cache_dir)
    assert sum(not f.cached for f in warm.files) == 2
    assert as_data(warm) == as_data(cold)
    assert all(f.cached for f in lint_run(vault, cache_dir).files)


def test_no_temporary_files_are_left_and_entries_are_plain_json(vault: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    assert not list(cache_dir.rglob("*.tmp"))
    assert len(databases(cache_dir)) == 1
    rows = stored_rows(cache_dir)
    assert rows
    for _path, relpath, _size, _mtime, _ctime, sha, diagnostics, facts in rows:
        assert relpath.startswith("vault/") and len(sha) == 32
        assert all(isinstance(row, list) and isinstance(row[0], str) for row in json.loads(diagnostics))
        assert all(
            isinstance(json.loads(text), (dict, list, type(None))) for text in result_cache.unpack_facts(facts).values()
        )
    assert (cache_dir / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (cache_dir / "CACHEDIR.TAG").exists()


def test_a_crashing_rule_is_never_cached(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_vault(tmp_path, 3)
    (tmp_path / "corpus_rules.py").write_text(
        (tmp_path / "corpus_rules.py").read_text(encoding="utf-8")
        + "\n\nclass Crash(CorpusRule):\n    code = 'TST002'\n    name = 'crash'\n"
        + "    def collect(self, doc, options):\n        return {1, 2}  # a set is not JSON: the rule's bug\n"
        + "    def check_corpus(self, facts, options, context):\n        return ()\n",
        encoding="utf-8",
    )
    (tmp_path / "omnilint.toml").write_text('extend-select = ["TST001", "TST002"]\n', encoding="utf-8")
    cache_dir = tmp_path / "cache"
    args = ("check", "vault", "--output-format", "json", "--cache-dir", str(cache_dir))
    first = cli(*args, cwd=tmp_path)
    assert first.returncode == 2 and "TST002 crashed" in first.stdout
    assert not stored_rows(cache_dir)
    assert cli(*args, cwd=tmp_path).stdout == first.stdout


def test_two_runs_sharing_one_cache_at_the_same_time(tmp_path: Path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    make_vault(tmp_path, 90)
    cache_dir = tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "omnilint",
        "check",
        "vault",
        "--output-format",
        "json",
        "--cache-dir",
        str(cache_dir),
        "-j2",
        "--plugin",
        PLUGIN_FILE,
    ]
    runs = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate()[0] for p in runs]
    assert outputs[0] == outputs[1] == outputs[2]
    assert not list(cache_dir.rglob("*.tmp"))
    warm = cli(*command[3:], cwd=tmp_path)
    assert warm.stdout == outputs[0]


def test_cli_cache_location_and_no_cache(tmp_path: Path):
    make_vault(tmp_path, 3)
    (tmp_path / "sub").mkdir()
    cli("check", "vault", "--no-cache", cwd=tmp_path)
    assert not (tmp_path / ".omnilint_cache").exists()
    cli("check", "../vault", cwd=tmp_path / "sub")  # the project root is the config's folder
    assert (tmp_path / ".omnilint_cache" / result_cache.FORMAT).is_dir()
    assert not (tmp_path / "sub" / ".omnilint_cache").exists()
    cli("check", "vault", "--cache-dir", "elsewhere", cwd=tmp_path)
    assert (tmp_path / "elsewhere" / result_cache.FORMAT).is_dir()
    listed = cli("check", ".", "--output-format", "json", "--no-cache", cwd=tmp_path)
    assert not any(".omnilint_cache" in f["path"] or "elsewhere" in f["path"] for f in findings(listed))


def test_stdin_is_never_cached(tmp_path: Path):
    import subprocess
    import sys

    make_vault(tmp_path, 1)
    done = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "-", "--stdin-filename", "x.md", "--plugin", PLUGIN_FILE],
        cwd=tmp_path, input="Text  \n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert not (tmp_path / ".omnilint_cache").exists()


def test_stale_scopes_are_removed_when_a_new_one_is_made_and_only_ours(tmp_path: Path):
    base = tmp_path / "cache" / result_cache.FORMAT
    names = [f"{n:020x}" for n in range(3)]  # scope folders this code makes: 20 hex digits
    for name in names:
        old = base / name
        old.mkdir(parents=True)
        (old / "last-used").write_text("")
    os.utime(base / names[0] / "last-used", (1, 1))  # unused for decades
    not_ours = [base / "photos", base / f"{9:020x}"]  # a folder someone put there; one without our marker
    for folder in not_ours:
        folder.mkdir()
        os.utime(folder, (1, 1))
    cache = result_cache.Cache(str(tmp_path / "cache"))
    ruleset = cfg.ruleset(cfg.Settings(tmp_path))
    assert cache.scope(ruleset) is not None
    assert sorted(p.name for p in base.iterdir() if p.name in names) == names[1:]
    assert all(folder.is_dir() for folder in not_ours)


def test_fix_after_check_starts_from_the_cached_findings(vault: Path, tmp_path: Path, monkeypatch):
    """The fixer's first pass is the lint of the file as it is: a check just cached it."""
    cache_dir = tmp_path / "cache"
    lint_run(vault, cache_dir)
    calls = []
    real_lint = engine.lint
    monkeypatch.setattr(engine, "lint", lambda doc, rules: calls.append(doc.text) or real_lint(doc, rules))
    warm = lint_run(vault, cache_dir, mode="fix")
    with_cache = len(calls)
    calls.clear()
    cold = lint_run(vault, None, mode="fix")
    assert with_cache < len(calls)
    assert [(f.display, f.diff(), [d.code for d in f.applied]) for f in warm.files] == [
        (f.display, f.diff(), [d.code for d in f.applied]) for f in cold.files
    ]
