"""A check's findings wait on disk for the report (omnilint.spill): the report is the same,
finding for finding and in the same order, as a run that holds them in memory, and the
temporary folder is private to the run and gone afterwards, also when the run fails."""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from cache_helpers import PLUGIN_FILE, make_vault

from omnilint import cli as omnilint_cli
from omnilint import config as cfg
from omnilint import runner
from omnilint.cache import dump_diagnostic
from omnilint.files import FileResult
from omnilint.model import Diagnostic
from omnilint.report import get as report_format
from omnilint.report import json_text, write_json_array

COUNT = 80  # above the parallel threshold: -j2 starts two workers


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    root = make_vault(tmp_path_factory.mktemp("vault"), COUNT)
    for n in (10, 20, 30):  # a corpus rule's findings land in files that have their own
        path = root / "vault" / f"folder{n % 3}" / f"article {n:03d}.md"
        path.write_text(path.read_text(encoding="utf-8").replace(f"-{n:012d}", "-shared"), encoding="utf-8")
    odd = root / "vault" / "folder0"
    (odd / "unreadable.md").write_bytes(b"\xff\xfe not utf-8")
    (odd / "中文 page.md").write_text("# 标题\n\n文本\u200b内容 \u2028 and\u202e text  \n\n\n\n[x](#nowhere)\n")
    return root


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch) -> Path:
    """The system's temporary folder for this test (where a run's spill folder must go)."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def job(root: Path, **fields) -> runner.Job:
    return runner.Job(overrides=cfg.Overrides(plugins=(str(root / PLUGIN_FILE),)), **fields)


def listing(run: runner.RunResult) -> list[tuple[str, dict]]:
    return [(f.display, dump_diagnostic(d)) for f, d in run.diagnostics]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("cached", [False, True])
def test_spilled_findings_equal_held_ones_in_report_order(
    vault: Path, tmp_path: Path, private_tmp: Path, monkeypatch, jobs: int, cached: bool
):
    monkeypatch.chdir(vault)
    fields = {"cache_dir": str(tmp_path / "cache")} if cached else {}
    held = listing(runner.run(["vault"], job(vault, **fields), jobs=jobs))
    for _ in range(2 if cached else 1):  # with a cache: a cold run writes it, a warm one reads it
        with runner.Spill() as spill:
            run = runner.run(["vault"], job(vault, **fields), jobs=jobs, spill=spill)
            assert spill.records > 0
            assert all(not f.diagnostics and not f.facts for f in run.files)  # nothing held in memory
            assert any(f.facts_at for f in run.files)
            spilled = listing(run)
            assert run.codes == {d["code"] for _, d in spilled}
        assert spilled == held
    # The report order is the sorted order: by path, then line, column and code.
    keys = [(display, d["line"], d["column"], d["code"]) for display, d in spilled]
    assert keys == sorted(keys)
    assert {"TST001", "IO001", "FMT001", "FMT004"} <= {d["code"] for _, d in spilled}
    assert not os.listdir(private_tmp)


def test_fixable_and_unfixable_apply_to_spilled_findings(vault: Path, private_tmp: Path, monkeypatch):
    monkeypatch.chdir(vault)
    restricted = job(vault, fixable=frozenset({"FMT001"}), unfixable=frozenset({"TST001"}))
    held = listing(runner.run(["vault"], restricted, jobs=1))
    with runner.Spill() as spill:
        assert listing(runner.run(["vault"], restricted, jobs=1, spill=spill)) == held
    fixes = {(d["code"], "fix" in d) for _, d in held}
    assert ("FMT004", False) in fixes and ("FMT001", True) in fixes and ("TST001", False) in fixes


def test_every_output_format_is_the_same_spilled_or_held(vault: Path, private_tmp: Path, monkeypatch):
    monkeypatch.chdir(vault)
    held = runner.run(["vault"], job(vault), jobs=1)
    for name, options in [
        ("text", {}),
        ("text", {"statistics": True}),
        ("text", {"show_fixes": True}),
        ("json", {}),
        ("json", {"statistics": True}),
        ("github", {}),
        ("sarif", {}),
    ]:
        expected = io.StringIO()
        report_format(name).render(held, expected, **options)
        with runner.Spill() as spill:
            spilled = runner.run(["vault"], job(vault), jobs=1, spill=spill)
            out = io.StringIO()
            report_format(name).render(spilled, out, **options)
        assert out.getvalue() == expected.getvalue(), (name, options)
        if name in ("json", "sarif"):  # written piece by piece, the same bytes as one json_text
            assert out.getvalue() == json_text(json.loads(out.getvalue())) + "\n"


@pytest.mark.parametrize("items", [[], [{}], [1, "a\u2028b\x85"], [{"k": [1, {"x": []}], "s": '\n\t"'}, [[]], "é"]])
@pytest.mark.parametrize("nested", [False, True])
def test_json_array_written_item_by_item_is_json_text_of_the_list(items: list, nested: bool):
    out = io.StringIO()
    write_json_array(out, iter(items), 2 if nested else 0)
    # nested: the array as the value of a key one level in, `{\n  "a": [...]\n}`
    expected = json_text({"a": items})[len('{\n  "a": ') : -len("\n}")] if nested else json_text(items)
    assert out.getvalue() == expected


def test_the_spill_folder_is_private_and_removed_after_a_cli_check(vault: Path, private_tmp: Path, monkeypatch, capsys):
    monkeypatch.chdir(vault)
    made = []
    mkdtemp = tempfile.mkdtemp

    def recording(*args, **kwargs):
        folder = mkdtemp(*args, **kwargs)
        made.append((folder, stat.S_IMODE(os.stat(folder).st_mode)))
        return folder

    left_during_report = []
    render = report_format("text").render

    def watching(run, out, **kw):
        left_during_report.append(os.listdir(private_tmp))
        return render(run, out, **kw)

    monkeypatch.setattr(tempfile, "mkdtemp", recording)
    monkeypatch.setattr(report_format("text"), "render", watching)
    code = omnilint_cli.main(["check", "vault", "--no-cache", "-j1", "--plugin", str(vault / PLUGIN_FILE)])
    assert code == 1 and "TST001" in capsys.readouterr().out
    ((folder, mode),) = made
    assert os.path.dirname(folder) == str(private_tmp)  # the system's temporary folder, never the vault
    assert mode == 0o700
    if os.name == "posix":  # the open file has no name from the start: a killed run leaves nothing
        assert left_during_report == [[]]
    assert not os.listdir(private_tmp)


def refusing(remove):
    def call(path, *args, **kwargs):
        if not args and not kwargs:
            raise PermissionError(path)
        return remove(path, *args, **kwargs)

    return call


@pytest.mark.parametrize("where", ["corpus", "report"])
def test_the_spill_folder_is_removed_when_the_run_fails(vault: Path, private_tmp: Path, monkeypatch, where: str):
    monkeypatch.chdir(vault)
    for name in ("unlink", "rmdir"):  # as where an open file cannot be removed (Windows); rmtree's calls pass
        monkeypatch.setattr(os, name, refusing(getattr(os, name)))

    def boom(*args, **kwargs):
        assert os.listdir(private_tmp), "the spill folder exists while the run works"
        raise RuntimeError("boom")

    if where == "corpus":
        monkeypatch.setattr(runner, "corpus_phase", boom)
    else:
        monkeypatch.setattr(report_format("json"), "render", boom)
    with pytest.raises(RuntimeError, match="boom"):
        omnilint_cli.main(
            ["check", "vault", "--no-cache", "-j2", "--output-format", "json", "--plugin", str(vault / PLUGIN_FILE)]
        )
    assert not os.listdir(private_tmp)


def test_findings_that_do_not_pack_stay_in_memory_in_order(private_tmp: Path):
    def finding(code: str, data=None) -> Diagnostic:
        return Diagnostic(code, "name", "message", 0, 1, line=1, column=1, end_line=1, end_column=2, data=data)

    plain = FileResult("a.md", "a.md", diagnostics=[finding("A001")])
    odd = FileResult("b.md", "b.md", diagnostics=[finding("B001", {"not json": {1, 2}})])
    with runner.Spill() as spill:
        spill.keep(plain)
        spill.keep(odd)
        assert plain.diagnostics == [] and plain.spilled and not odd.spilled and odd.held
        plain.diagnostics.append(finding("A002"))  # a corpus rule's, after the file's own
        odd.diagnostics.append(finding("B002"))
        spill.keep(plain)
        spill.keep(odd)  # held: stays beside the first part
        assert [d.code for d in spill.load(plain)] == ["A001", "A002"]
        assert [d.code for d in spill.load(odd)] == ["B001", "B002"]
    assert not os.listdir(private_tmp)


def test_spilling_is_for_check_mode_only(vault: Path, private_tmp: Path, monkeypatch):
    monkeypatch.chdir(vault)
    with runner.Spill() as spill, pytest.raises(ValueError):
        runner.run(["vault"], job(vault, mode="fix"), jobs=1, spill=spill)


def test_the_corpus_key_is_hashed_part_by_part_as_the_joined_text_was():
    from omnilint.cache_format import corpus_key, listing_digest
    from omnilint.hashing import digest

    class Listing:
        root_known = True
        files = ["a.md", "b\udcff.md"]
        sources = {"x.md": "sub/x.md"}

    texts = {"d1.md": '{"t":"é"}', "d2.md": "[]"}
    # The listing's files are not in the key (a run that never reads them must not walk the
    # folder): an entry records their digest, hashed the same way, when the rule read them.
    joined = ["TST001", "/root", "known", "x.md", "sub/x.md", "\x02"]
    assert corpus_key("TST001", texts, "/root", Listing()) == digest(
        "\x00".join([*joined, "d1.md", '{"t":"é"}', "d2.md", "[]"])
    )
    assert corpus_key("TST001", {}, "/root", None) == digest("\x00".join(["TST001", "/root", "\x02"]))
    assert listing_digest(Listing()) == digest("a.md\x00b\udcff.md")


def _count_decodes(monkeypatch) -> dict[str, int]:
    """How often the cache's lookup and the spill's reader decode findings."""
    from omnilint import cache as cache_module
    from omnilint import spill as spill_module

    calls = {"lookup": 0, "report": 0}
    for module, name in ((cache_module, "lookup"), (spill_module, "report")):
        real = module.unpack_diagnostics

        def counted(text, share, _real=real, _name=name):
            calls[_name] += 1
            return _real(text, share)

        monkeypatch.setattr(module, "unpack_diagnostics", counted)
    return calls


def test_a_warm_spilling_check_decodes_each_cached_finding_once(
    vault: Path, tmp_path: Path, private_tmp: Path, monkeypatch
):
    monkeypatch.chdir(vault)
    fields = {"cache_dir": str(tmp_path / "cache")}
    held = listing(runner.run(["vault"], job(vault, **fields), jobs=1))  # fills the cache
    calls = _count_decodes(monkeypatch)
    with runner.Spill() as spill:
        run = runner.run(["vault"], job(vault, **fields), jobs=1, spill=spill)
        assert all(f.cached for f in run.files if f.display.endswith(".md") and "unreadable" not in f.display)
        assert listing(run) == held
        assert calls == {"lookup": 0, "report": spill.records}


@pytest.mark.parametrize("damage", ["not json at all", '[["broken"]]', "[[1,2,3,4,5,6,7,8,9,10,11,12,13]]"])
def test_cached_findings_that_do_not_decode_are_linted_afresh(
    vault: Path, tmp_path: Path, private_tmp: Path, monkeypatch, damage: str
):
    """The report decodes a cache entry's findings; one that does not decode (a damaged or
    forged cache) is replaced by what linting the file finds, never a traceback or a gap."""
    import sqlite3
    from contextlib import closing

    monkeypatch.chdir(vault)
    cache_dir = tmp_path / "cache"
    held = listing(runner.run(["vault"], job(vault), jobs=1))
    runner.run(["vault"], job(vault, cache_dir=str(cache_dir)), jobs=1)
    [database] = cache_dir.rglob("results.sqlite")
    with closing(sqlite3.connect(database)) as connection, connection:
        assert connection.execute("UPDATE files SET diagnostics = ?", (damage,)).rowcount > 0
    with runner.Spill() as spill:
        run = runner.run(["vault"], job(vault, cache_dir=str(cache_dir)), jobs=1, spill=spill)
        assert listing(run) == held
