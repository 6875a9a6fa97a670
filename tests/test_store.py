"""The result cache's SQLite store (omnilint/store.py): every trust promise of the cache holds
for it.  The cache folder sits in a vault that may come from someone else: a linked, foreign,
damaged or locked database means "no cache" with a warning and the run goes on; nothing
outside the cache is read or written through it; an entry never supplies an edit; a stale
entry is never used; concurrent runs neither crash nor damage it."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from cache_helpers import PLUGIN_FILE, article, make_vault

from omnilint import cache as result_cache
from omnilint import config as cfg
from omnilint import corpus, pipeline, runner, store
from omnilint.model import Applicability, Diagnostic, Edit, Fix, Severity

TIMEOUT = 120


def omnilint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "omnilint", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def scope_folder(cache_dir: Path) -> Path:
    (folder,) = [p for p in (cache_dir / result_cache.FORMAT).iterdir() if p.is_dir()]
    return folder


def database(cache_dir: Path) -> Path:
    return scope_folder(cache_dir) / store.DB_NAME


def rows(db: Path) -> list[tuple]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(
            "SELECT path, relpath, size, mtime, ctime, sha, diagnostics, facts FROM files"
        ).fetchall()


def run(root: Path, cache_dir: Path | None, mode: str = "check", write: bool = False) -> runner.RunResult:
    job = runner.Job(
        mode=mode,
        overrides=cfg.Overrides(plugins=(str(root / PLUGIN_FILE),)),
        cache_dir=str(cache_dir) if cache_dir else None,
        write=write,
    )
    return runner.run([str(root / "vault")], job, jobs=1)


def report(result: runner.RunResult) -> list:
    return [
        (f.display, d.code, d.message, d.line, d.column, d.end_line, d.end_column, d.fix and d.fix.edits, d.data)
        for f in result.files
        for d in f.diagnostics
    ]


def age(root: Path, seconds: float = 3600) -> None:
    """Make every note look unchanged for a while (mtime in the past; ctime cannot be set, so the
    racy window is shrunk by the caller where it matters)."""
    then = time.time() - seconds
    for path in root.rglob("*.md"):
        os.utime(path, (then, then))


@pytest.fixture
def vault(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_vault(tmp_path, 9)


@pytest.fixture
def no_racy_window(monkeypatch):
    """Files written by the test a moment ago count as settled (their size and times are recorded)."""
    monkeypatch.setattr(store, "RACY_NS", -(10**18))


# -- the warm path ------------------------------------------------------------------------------


def test_an_unchanged_file_is_served_without_reading_it(vault: Path, tmp_path: Path, monkeypatch, no_racy_window):
    cache_dir = tmp_path / "cache"
    cold = run(vault, cache_dir)
    reads: list[str] = []
    real = pipeline.read_regular_file
    monkeypatch.setattr(pipeline, "read_regular_file", lambda path, limit: reads.append(path) or real(path, limit))
    warm = run(vault, cache_dir)
    assert all(f.cached for f in warm.files) and reads == []
    assert report(warm) == report(cold) == report(run(vault, None))


def test_a_file_edited_at_the_same_size_with_its_mtime_set_back_is_linted_again(
    vault: Path, tmp_path: Path, no_racy_window
):
    """ctime is part of the key: it cannot be set back, so restoring the mtime does not hide an edit."""
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)
    path = vault / "vault" / "folder0" / "article 000.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Paragraph 0", "Paragraph X"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    warm = run(vault, cache_dir)
    assert [f.display for f in warm.files if not f.cached] == ["vault/folder0/article 000.md"]
    assert report(warm) == report(run(vault, None))


def test_sizes_and_times_of_a_just_written_file_are_not_recorded(vault: Path, tmp_path: Path):
    """Within the file system's timestamp granularity a second write may keep size and mtime:
    such a file is checked by its content hash until it has been left alone for a moment."""
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)
    assert {row[2:5] for row in rows(database(cache_dir))} == {(None, None, None)}


def test_a_hit_by_content_records_the_new_size_and_times(vault: Path, tmp_path: Path, monkeypatch):
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)  # just written: recorded without size and times
    monkeypatch.setattr(store, "RACY_NS", -(10**18))
    run(vault, cache_dir)  # hits by content hash: now the times are recorded
    recorded = {row[0]: row[2:5] for row in rows(database(cache_dir))}
    for path in (vault / "vault").rglob("*.md"):
        st = path.stat()
        assert recorded[str(path)] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def test_every_field_of_a_finding_survives_the_database(tmp_path: Path):
    cache = result_cache.Cache(str(tmp_path / "cache"))
    scope = cache.scope(cfg.ruleset(cfg.Settings(tmp_path)))
    assert scope is not None
    d = Diagnostic(
        "FMT001", "trailing-whitespace", "Trailing whitespace — ünïcode 中文 \u200b \x00 \"q\"", 10, 12, Severity.ERROR,
        Fix((Edit(10, 12, ""), Edit(20, 20, "\r\n")), Applicability.UNSAFE, "Remove it", True),
        3, 4, 3, 6, {"cluster": ["a.md", "b.md"], "n": 1.5, "none": None}, [(3, 4, 3, 6), (5, 1, 5, 1)],
    )  # fmt: skip
    plain = Diagnostic("X1", "x", "m", 0, 0, Severity.WARNING, None, 1, 1, 1, 1)
    facts = result_cache.pack_facts({"LNK006": '{"a":[1,2]}'})
    cache.store(scope, "/v/a.md", "a.md", "0" * 32, (5, 6, 7), result_cache.pack_diagnostics([d, plain]), facts)
    cache.flush()
    fresh = result_cache.Cache(str(tmp_path / "cache"))
    assert fresh.scope(cfg.ruleset(cfg.Settings(tmp_path))) == scope
    entry = fresh.load(scope, "/v/a.md", "a.md", "0" * 32)
    assert entry is not None
    assert (
        entry.diagnostics == [d, plain]
        and entry.facts == {"LNK006": '{"a":[1,2]}'}
        and entry.corpus_rules == ["LNK006"]
    )
    assert fresh.load(scope, "/v/a.md", "a.md", "1" * 32) is None, "another content hash is a miss"
    assert fresh.load(scope, "/v/a.md", "b.md", "0" * 32) is None, "another relative path is a miss"


def test_the_compact_form_knows_every_field_of_a_finding():
    """Fields are stored by position: a new field of Diagnostic must be added to the packed form
    (and FORMAT bumped) before this passes again."""
    assert sorted(f.name for f in dataclasses.fields(Diagnostic)) == sorted(result_cache.PACKED_FIELDS)
    assert [f.name for f in dataclasses.fields(Fix)] == ["edits", "applicability", "message", "preserves_render"]
    assert [f.name for f in dataclasses.fields(Edit)] == ["start", "end", "content"]


def test_a_finding_that_cannot_be_stored_as_text_is_not_cached_and_the_run_goes_on(tmp_path: Path):
    cache = result_cache.Cache(str(tmp_path / "cache"))
    scope = cache.scope(cfg.ruleset(cfg.Settings(tmp_path)))
    lone = Diagnostic("X1", "x", "a lone surrogate \udc80", 0, 0, Severity.WARNING, None, 1, 1, 1, 1)
    cache.store(scope, "/v/a.md", "a.md", "0" * 32, None, result_cache.pack_diagnostics([lone]), "")
    cache.store(scope, "/v/b.md", "b.md", "0" * 32, None, "[]", "")
    cache.flush()
    assert cache.load(scope, "/v/a.md", "a.md", "0" * 32) is None
    assert cache.load(scope, "/v/b.md", "b.md", "0" * 32) is not None


# -- untrusted cache folders ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_a_linked_database_file_is_refused_and_its_target_untouched(tmp_path: Path, suffix: str):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    assert omnilint("check", ".", cwd=vault).returncode == 1
    db = database(vault / ".omnilint_cache")
    for name in (db.name + "-wal", db.name + "-shm"):
        (db.parent / name).unlink(missing_ok=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = db.parent / (db.name + suffix)
    target.unlink(missing_ok=True)
    target.symlink_to(victim)
    (vault / "a.md").write_text("Other text  \n")  # a miss: the run wants to write
    for args in (["check", "."], ["fix", "--write", "."]):
        done = omnilint(*args, cwd=vault)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        assert "not using the cache" in done.stderr and "symbolic link" in done.stderr
    assert victim.read_text() == "precious\n"
    assert target.is_symlink()
    assert (vault / "a.md").read_text() == "Other text\n", "the run went on without the cache"


def test_a_hard_linked_database_is_refused(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    omnilint("check", ".", cwd=vault)
    db = database(vault / ".omnilint_cache")
    os.link(db, tmp_path / "someone-elses-file")
    done = omnilint("check", ".", cwd=vault)
    assert done.returncode == 1 and "FMT001" in done.stdout
    assert "not using the cache" in done.stderr and "hard links" in done.stderr


@pytest.mark.parametrize(
    "content",
    [b"garbage that is no database" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["not-a-database", "damaged-header"],
)
def test_a_corrupt_database_means_no_cache_with_a_warning_and_the_run_goes_on(tmp_path: Path, content: bytes):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("# Title\n\nText.  \n")
    expected = omnilint("check", "--no-cache", ".", cwd=vault).stdout
    omnilint("check", ".", cwd=vault)
    db = database(vault / ".omnilint_cache")
    for name in (db.name + "-wal", db.name + "-shm"):
        (db.parent / name).unlink(missing_ok=True)
    db.write_bytes(content)
    for args in (["check", "."], ["fix", "--write", "."]):
        done = omnilint(*args, cwd=vault)
        assert "Traceback" not in done.stderr and done.stderr.count("not using the cache") == 1, done.stderr
        if args[0] == "check":
            assert done.returncode == 1 and done.stdout == expected
    assert db.read_bytes() == content, "a database we cannot read is not ours to rewrite"
    assert (vault / "a.md").read_text() == "# Title\n\nText.\n"


def test_a_database_of_another_application_is_left_alone(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    omnilint("check", ".", cwd=vault)
    db = database(vault / ".omnilint_cache")
    db.unlink()
    for name in (db.name + "-wal", db.name + "-shm"):
        (db.parent / name).unlink(missing_ok=True)
    with closing(sqlite3.connect(db)) as foreign, foreign:
        foreign.execute("CREATE TABLE photos (name TEXT)")
        foreign.execute("INSERT INTO photos VALUES ('holiday.jpg')")
    before = db.read_bytes()
    done = omnilint("check", ".", cwd=vault)
    assert done.returncode == 1 and "FMT001" in done.stdout
    assert "not using the cache" in done.stderr and "not an omnilint cache database" in done.stderr
    assert db.read_bytes() == before


def test_a_database_locked_by_another_process_means_no_writes_and_the_run_goes_on(
    vault: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.2)
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)
    db = database(cache_dir)
    (vault / "vault" / "folder0" / "article 000.md").write_text(article(0) + "\nMore text.  \n", encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another run in the middle of its write
        warm = run(vault, cache_dir)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report(warm) == report(run(vault, None))
    assert sum(not f.cached for f in warm.files) == 1
    assert sum(not f.cached for f in run(vault, cache_dir).files) == 1, "the locked run's write was dropped"
    assert all(f.cached for f in run(vault, cache_dir).files)


def test_a_forged_entry_never_supplies_an_edit_to_fix_write(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "a.md"
    note.write_text("# Title\n\nText.  \n")
    assert omnilint("check", ".", cwd=vault).returncode == 1
    db = database(vault / ".omnilint_cache")
    ((path, *_rest, diagnostics, _facts),) = rows(db)
    forged = json.loads(diagnostics)
    assert forged, "the entry should hold the FMT001 finding"
    for row in forged:  # an in-range edit that writes the forger's text
        row[result_cache.PACKED_FIELDS.index("fix")] = [
            "safe",
            "Remove trailing whitespace",
            False,
            [[0, 0, "INJECTED by the cache\n"]],
        ]
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE files SET diagnostics = ? WHERE path = ?", (json.dumps(forged), path))
    done = omnilint("fix", "--write", ".", cwd=vault)
    assert done.returncode in (0, 1), done.stderr
    assert note.read_text() == "# Title\n\nText.\n"


def test_a_pickled_entry_is_a_miss_and_runs_nothing(tmp_path: Path):
    marker = tmp_path / "PWNED"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("# Title\n\nText.  \n")
    omnilint("check", ".", cwd=vault)
    db = database(vault / ".omnilint_cache")
    payload = pickle.dumps(Payload())
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE files SET diagnostics = ?, facts = ?", (payload, payload))
    done = omnilint("check", ".", cwd=vault)
    assert not marker.exists() and "a.md:3:6: FMT001" in done.stdout and "Traceback" not in done.stderr


def test_old_json_cache_folders_are_left_alone(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    old = vault / ".omnilint_cache" / "v3" / f"{1:020x}"
    (old / "ab").mkdir(parents=True)
    (old / "last-used").write_text("")
    (old / "ab" / "entry.json").write_text("{}")
    then = time.time() - 30 * 24 * 3600
    os.utime(old / "last-used", (then, then))
    assert omnilint("check", ".", cwd=vault).returncode == 1
    assert (old / "ab" / "entry.json").read_text() == "{}"


# -- concurrent runs ------------------------------------------------------------------------------


def test_concurrent_runs_on_one_cache_agree_and_leave_it_whole(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_vault(tmp_path, 120)
    cache_dir = tmp_path / "cache"
    command = [sys.executable, "-m", "omnilint", "check", "vault", "--output-format", "json", "--cache-dir",
               str(cache_dir), "-j2", "--plugin", PLUGIN_FILE]  # fmt: skip
    expected = subprocess.run(
        [*command[:7], "--no-cache", *command[9:]], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    runs = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=TIMEOUT) for p in runs]
    for out, err in outputs:
        assert out == expected.stdout and "Traceback" not in err and "not using the cache" not in err, err
    with closing(sqlite3.connect(database(cache_dir))) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM files").fetchone() == (120,)
    warm = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert warm.stdout == expected.stdout


def test_a_cache_is_read_while_another_process_writes(vault: Path, tmp_path: Path):
    """WAL: a reader is not blocked by a writer holding its write transaction open."""
    cache_dir = tmp_path / "cache"
    cold = run(vault, cache_dir)
    writer = sqlite3.connect(database(cache_dir), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE files SET sha = sha")
        warm = run(vault, cache_dir)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert all(f.cached for f in warm.files)
    assert report(warm) == report(cold)


def test_the_cli_warns_once_for_an_unusable_database(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(80):  # enough files for worker processes: they stay quiet
        (vault / f"n{n}.md").write_text(f"Note {n}  \n")
    omnilint("check", ".", cwd=vault)
    db = database(vault / ".omnilint_cache")
    for name in (db.name + "-wal", db.name + "-shm"):
        (db.parent / name).unlink(missing_ok=True)
    db.write_bytes(b"not a database" * 300)
    subprocess_run = omnilint("check", "-j2", ".", cwd=vault)
    assert subprocess_run.stderr.count("not using the cache") == 1, subprocess_run.stderr
    assert subprocess_run.stdout.count("FMT001") == 80


def test_a_scope_folder_replaced_by_a_link_is_never_written_through(tmp_path: Path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("Text  \n")
    assert omnilint("check", ".", cwd=vault).returncode == 1
    folder = scope_folder(vault / ".omnilint_cache")
    bait = tmp_path / "bait"
    bait.mkdir()
    (bait / "keep.txt").write_text("precious\n")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to(bait, target_is_directory=True)
    (vault / "a.md").write_text("Other text  \n")  # a miss: the run wants to store a new entry
    done = omnilint("check", ".", cwd=vault)
    assert done.returncode == 1 and "FMT001" in done.stdout, done.stderr
    assert sorted(p.name for p in bait.iterdir()) == ["keep.txt"]


# -- the corpus phase's results -------------------------------------------------------------------


def _count_corpus_calls(monkeypatch) -> list[str]:
    from omnilint.rules.links.missing_local_target import MissingLocalTarget

    calls: list[str] = []
    real = MissingLocalTarget.check_corpus

    def counted(self, *args, **kwargs):
        calls.append(self.code)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(MissingLocalTarget, "check_corpus", counted)
    return calls


def _linking_vault(root: Path) -> Path:
    make_vault(root, 6)
    (root / "vault" / "folder0" / "links.md").write_text(
        "# Links\n\nSee [the chart](chart.png) and [the notes](article%20003.md).\n", encoding="utf-8"
    )
    return root


def test_a_warm_run_takes_the_corpus_phase_from_the_cache(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    vault = _linking_vault(tmp_path)
    cache_dir = tmp_path / "cache"
    calls = _count_corpus_calls(monkeypatch)
    cold = run(vault, cache_dir)
    assert calls == ["LNK005"]
    warm = run(vault, cache_dir)
    assert calls == ["LNK005"], "the warm run decoded the facts and ran the rule again"
    assert report(warm) == report(cold) == report(run(vault, None))
    assert any(d.code == "LNK005" for _, d in warm.diagnostics)


def test_a_file_added_beside_the_notes_changes_the_cached_corpus_result(tmp_path: Path, monkeypatch):
    """LNK005's findings depend on every file under the root, not only on the notes' facts."""
    monkeypatch.chdir(tmp_path)
    vault = _linking_vault(tmp_path)
    cache_dir = tmp_path / "cache"
    before = run(vault, cache_dir)
    assert [d.message for _, d in before.diagnostics if d.code == "LNK005" and "chart.png" in d.message]
    (vault / "vault" / "folder0" / "chart.png").write_bytes(b"\x89PNG\r\n")
    after = run(vault, cache_dir)
    assert not [d for _, d in after.diagnostics if d.code == "LNK005" and "chart.png" in d.message]
    assert report(after) == report(run(vault, None))


def test_a_partner_edit_runs_the_corpus_phase_again(vault: Path, tmp_path: Path, monkeypatch):
    cache_dir = tmp_path / "cache"
    calls = _count_corpus_calls(monkeypatch)
    run(vault, cache_dir)
    (vault / "vault" / "folder1" / "article 001.md").write_text(article(1) + "\n[x](gone.md)\n", encoding="utf-8")
    warm = run(vault, cache_dir)
    assert calls == ["LNK005", "LNK005"]
    assert report(warm) == report(run(vault, None))


def test_fix_mode_never_takes_corpus_findings_from_the_cache(tmp_path: Path, monkeypatch):
    """A corpus finding may carry a fix: in fix mode the rule always runs on the facts."""
    monkeypatch.chdir(tmp_path)
    vault = _linking_vault(tmp_path)
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)

    def refuse(*args, **kwargs):
        raise AssertionError("fix mode asked the cache for corpus findings")

    monkeypatch.setattr(result_cache.Cache, "corpus_findings", refuse)
    fixed = run(vault, cache_dir, mode="fix")
    assert any(d.code == "LNK005" for _, d in fixed.diagnostics)


def test_damaged_corpus_results_are_a_miss(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    vault = _linking_vault(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = run(vault, cache_dir)
    with closing(sqlite3.connect(database(cache_dir))) as connection, connection:
        assert connection.execute("SELECT count(*) FROM corpus").fetchone()[0] > 0
        connection.execute(
            "UPDATE corpus SET body = ?",
            ('[["elsewhere.md"],[0],""]\x00[["X1","x","m",0,0,"error",1,1,1,1,null,null,null]]',),
        )
    assert report(run(vault, cache_dir)) == report(cold)


def test_corpus_findings_survive_their_stored_form():
    a = Diagnostic("LNK005", "missing-local-target", "No file 'x.png'", 3, 9, Severity.WARNING, None, 1, 4, 1, 10)
    b = Diagnostic(
        "DUP003",
        "duplicate-document",
        "Same as b.md",
        0,
        0,
        Severity.WARNING,
        None,
        1,
        1,
        1,
        1,
        {"cluster": ["a.md", "b.md"]},
    )
    found = [("notes/a.md", a), ("b 中文.md", b), ("notes/a.md", b)]
    packed = result_cache.pack_corpus_findings(found, "stamp")
    assert result_cache.unpack_corpus_findings(packed, result_cache.Strings()) == ("stamp", found)
    assert result_cache.unpack_corpus_findings(result_cache.pack_corpus_findings([]), result_cache.Strings()) == (
        "",
        [],
    )


def test_a_warm_run_walks_the_folder_only_for_rules_that_read_the_listing(tmp_path: Path, monkeypatch):
    """Notes that link to nothing local: no rule reads the project's files, so the warm run
    (like the cold one) never walks the folder; one local link later, it does."""
    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\nSee [the site](https://example.com/a).\n", encoding="utf-8")
    (notes / "b.md").write_text("# B\n\nPlain text.\n", encoding="utf-8")
    walks: list[Path] = []
    real_walk = corpus.walk_project
    monkeypatch.setattr(corpus, "walk_project", lambda root, exclude: walks.append(root) or real_walk(root, exclude))

    def check(cache_dir: Path | None) -> runner.RunResult:
        return runner.run(
            [str(notes)], runner.Job(mode="check", cache_dir=str(cache_dir) if cache_dir else None), jobs=1
        )

    cache_dir = tmp_path / "cache"
    cold = check(cache_dir)
    warm = check(cache_dir)
    assert all(f.cached for f in warm.files)
    assert walks == []
    assert report(warm) == report(cold)
    (notes / "b.md").write_text("# B\n\nSee [a](a.md) and [c](c.md).\n", encoding="utf-8")
    linked = check(cache_dir)
    assert walks, "a note with local links must have its targets checked against the folder"
    assert any(d.code == "LNK005" and "c.md" in d.message for _, d in linked.diagnostics)


def test_a_fully_warm_run_writes_nothing(vault: Path, tmp_path: Path, no_racy_window):
    cache_dir = tmp_path / "cache"
    run(vault, cache_dir)
    db = database(cache_dir)
    before = db.read_bytes()
    warm = run(vault, cache_dir)
    assert all(f.cached for f in warm.files)
    assert db.read_bytes() == before
    wal = db.parent / (db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
