"""LNK005 missing-local-target and LNK006 missing-anchor: corpus rules over several files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS_SAMPLE, SAMPLE_MISSING, rules_for
from omnilint.rules.links.missing_anchor import MissingAnchor
from omnilint.rules.links.missing_local_target import MissingLocalTarget

from omnilint import runner
from omnilint.document import Document
from omnilint.engine import fix as engine_fix
from omnilint.model import Applicability
from omnilint.rule import CorpusContext, ProjectFiles


def run_corpus(rule_class, notes: dict[str, str], other_files=(), options: dict | None = None, root_known=True):
    """Collect every note, then check the corpus with a project listing: [(path, line, column, message, fix)]."""
    rule = rule_class()
    opts = {**rule.options, **(options or {})}
    facts = {path: rule.collect(Document(text, path), opts) for path, text in notes.items()}
    listing = ProjectFiles(tuple(sorted([*notes, *other_files])), {p: p for p in notes}, root_known)
    found = rule.check_corpus(facts, opts, CorpusContext(files=listing))
    return sorted((path, d.line, d.column, d.message, d.fix) for path, d in found)


def apply(text: str, fix) -> str:
    out, pos = [], 0
    for e in sorted(fix.edits, key=lambda e: e.start):
        out += [text[pos : e.start], e.content]
        pos = e.end
    return "".join(out) + text[pos:]


# -- LNK005 ---------------------------------------------------------------------------

TITLE_WITH_SLASH = "(99+ 封私信 - 91 条消息) 增加肌肉含量 - 知乎"
NOTE_PATH = f"Read It Later/Omnivore/(99+ 封私信/91 条消息) 增加肌肉含量 - 知乎/{TITLE_WITH_SLASH}.md"
IMAGE = "Read It Later/Omnivore/(99+ 封私信/91 条消息) 增加肌肉含量 - 知乎/attachments/f8fd6be7d3f839ff0c6d92f85d32dd7d_MD5.jpg"


class TestMissingLocalTarget:
    def test_wrong_folder_embed_is_reported_with_an_unsafe_fix_to_the_only_file(self):
        text = f"# {TITLE_WITH_SLASH}\n\n![[Omnivore/(99+ 封私信 / 91 条消息) 增加肌肉含量 - 知乎/attachments/f8fd6be7d3f839ff0c6d92f85d32dd7d_MD5.jpg]]\n"
        ((path, line, column, message, fix),) = run_corpus(MissingLocalTarget, {NOTE_PATH: text}, [IMAGE])
        assert (path, line, column) == (NOTE_PATH, 3, 1)
        assert "does not exist" in message and IMAGE in message
        assert fix.applicability is Applicability.UNSAFE
        assert apply(text, fix) == f"# {TITLE_WITH_SLASH}\n\n![[{IMAGE}]]\n"

    def test_embeds_that_readers_resolve_are_fine(self):
        text = (
            "![[Omnivore/(99+ 封私信/91 条消息) 增加肌肉含量 - 知乎/attachments/f8fd6be7d3f839ff0c6d92f85d32dd7d_MD5.jpg]]\n"  # path suffix
            "![[f8fd6be7d3f839ff0c6d92f85d32dd7d_MD5.jpg|300]]\n"  # unique name
            "![[F8FD6BE7D3F839FF0C6D92F85D32DD7D_md5.JPG]]\n"  # Obsidian ignores case
            "![](attachments/f8fd6be7d3f839ff0c6d92f85d32dd7d_MD5.jpg) ![](./attachments/)\n"  # relative to the note
            f"![](/{IMAGE.replace(' ', '%20')}) [up](../../../Omnivore)\n"  # root-relative, percent-decoded; a folder
        )
        assert run_corpus(MissingLocalTarget, {NOTE_PATH: text}, [IMAGE, "Read It Later/Omnivore/x.md"]) == []

    def test_markdown_links_percent_decoding_and_fix_is_relative_and_encoded(self):
        notes = {"notes/a.md": "See [b](my%20notes/b%20note.md#top), ![p](img/pic 1.png) and ![q](<img/pic 1.png>).\n"}
        found = run_corpus(MissingLocalTarget, notes, ["archive/old notes/b note.md", "assets/pic 1.png"])
        # `![p](img/pic 1.png)` is no image at all: a space ends a destination that is not in <...>.
        assert [(c, m.split(" does")[0]) for _, _, c, m, _ in found] == [
            (5, "Link target 'my notes/b note.md'"),
            (62, "Image target 'img/pic 1.png'"),
        ]
        text = notes["notes/a.md"]
        assert apply(text, found[0][4]).startswith("See [b](../archive/old%20notes/b%20note.md#top),")
        assert apply(text, found[1][4]).endswith("![q](<../assets/pic%201.png>).\n")

    def test_obsidian_resolves_markdown_links_by_path_suffix_but_other_vaults_do_not(self):
        notes = {"notes/a.md": "See [b](my%20notes/b%20note.md).\n"}
        assert run_corpus(MissingLocalTarget, notes, ["archive/my notes/b note.md"]) == []
        assert (
            len(run_corpus(MissingLocalTarget, notes, ["archive/my notes/b note.md"], options={"vault": "plain"})) == 1
        )

    def test_bare_note_wikilinks_are_placeholders_unless_asked(self):
        text = "[[Omnivore]] [[Jan 31st, 2023]] [[notes/Missing]] [[missing.pdf]]\n"
        found = run_corpus(MissingLocalTarget, {"a.md": text})
        assert [m.split("'")[1] for *_, m, _ in found] == ["notes/Missing", "missing.pdf"]
        strict = run_corpus(MissingLocalTarget, {"a.md": text}, options={"note-placeholders": False})
        assert len(strict) == 4
        assert "Logseq journal date" in strict[1][3]

    def test_logseq_graph_pages_always_exist(self):
        text = "[[Jan 31st, 2023]] [[2023-01-31]] [[Project/Sub page]] ![[missing.png]] ![](../assets/gone.png)\n"
        found = run_corpus(
            MissingLocalTarget, {"pages/a.md": text}, options={"vault": "logseq", "note-placeholders": False}
        )
        assert [m.split("'")[1] for *_, m, _ in found] == ["missing.png", "../assets/gone.png"]

    def test_links_out_of_the_project_urls_and_anchors_are_not_judged(self):
        text = "[x](../../elsewhere.md) [y](https://e.com/a.md) [z](#part) [m](mailto:a@b.c) <https://e.com>\n"
        assert run_corpus(MissingLocalTarget, {"a.md": text}) == []

    def test_root_relative_links_are_not_judged_when_the_root_is_a_guess(self):
        text = "![](/attachments/gone.png) ![](attachments/gone.png)\n"
        found = run_corpus(MissingLocalTarget, {"a.md": text}, root_known=False)
        assert [c for _, _, c, _, _ in found] == [28]

    def test_two_files_with_the_name_means_no_fix(self):
        found = run_corpus(MissingLocalTarget, {"a.md": "![](img/x.png)\n"}, ["one/x.png", "two/x.png"])
        assert len(found) == 1 and found[0][4] is None

    def test_www_hint(self):
        ((*_, message, _),) = run_corpus(MissingLocalTarget, {"a.md": "[site](www.example.com)\n"})
        assert "needs https://" in message


# -- LNK006 ---------------------------------------------------------------------------


class TestMissingAnchor:
    def test_same_file_fragments(self):
        text = (
            "# What I’m trying to do\n\n## What I’m trying to do\n\n### Results & notes\n\nA line ^blk1\n\n"
            "[a](#what-im-trying-to-do) [b](#what-im-trying-to-do-1) [c](#Results--Notes) [d](#results-notes)\n"
            "[[#Results & notes]] [[#^blk1]] [top](#top) [e](#) [f](#user-content-results--notes)\n"
            '<a id="anchor-x"></a> [g](#anchor-x)\n\n'
            "[gone](#fn1) [[#^nope]] [[#Missing heading]]\n"
        )
        found = run_corpus(MissingAnchor, {"a.md": text})
        # One finding per document (issue 14); tests/test_floods.py checks its data.
        assert [(line, m) for _, line, _, m, _ in found] == [
            (13, "3 links to anchors that match nothing (#fn1, #^nope, #Missing heading)"),
        ]

    def test_other_files_by_path_and_by_wikilink(self):
        notes = {
            "notes/a.md": "[x](b.md#intro) [y](b.md#nowhere) [[b#Intro]] [[b#Outro]] [[b#^id7]] [z](../other/c.md#any)\n",
            "notes/b.md": "# Intro\n\nText ^id7\n",
        }
        found = run_corpus(MissingAnchor, notes, ["other/c.md"])
        assert [m for *_, m, _ in found] == ["2 links to anchors that match nothing (b.md#nowhere, b#Outro)"]

    def test_headings_inside_code_are_not_headings(self):
        text = "```\n# Fake\n```\n\n#Omnivore\n\n[a](#fake) [b](#omnivore)\n"
        [(*_, message, _)] = run_corpus(MissingAnchor, {"a.md": text})
        assert message == "2 links to anchors that match nothing (#fake, #omnivore)"


# -- through the runner ----------------------------------------------------------------


def test_runner_passes_the_project_files_and_fix_write_repairs_the_embed(tmp_path: Path):
    (tmp_path / "omnilint.toml").write_text('select = ["LNK005", "LNK006"]\n', encoding="utf-8")
    note = tmp_path / "Omnivore" / "Why X" / "Y is hard" / "Why X - Y is hard.md"
    image = tmp_path / "Omnivore" / "Why X" / "Y is hard" / "attachments" / "chart_MD5.jpg"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\xff\xd8")
    text = "# Why X / Y is hard\n\n![[Omnivore/Why X / Y is hard/attachments/chart_MD5.jpg]]\n\n[up](#why-x--y-is-hard) [no](#nope)\n"
    note.write_text(text, encoding="utf-8")
    result = runner.run([str(tmp_path)], runner.Job())
    found = sorted((d.code, d.line) for _, d in result.diagnostics)
    assert found == [("LNK005", 3), ("LNK006", 5)]
    fixed = runner.run([str(tmp_path)], runner.Job(mode="fix", unsafe=True))
    runner.write_results(fixed.files)
    assert note.read_text(encoding="utf-8") == text.replace(
        "Omnivore/Why X / Y is hard/attachments", "Omnivore/Why X/Y is hard/attachments"
    )


def test_project_listing_respects_excludes_and_guesses_the_root_without_config(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "n.md").write_text("![](../b/pic.png) ![](../b/gone.png)\n", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pic.png").write_bytes(b"x")
    (tmp_path / "b" / "other.md").write_text("x\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "pic.png").write_bytes(b"x")
    job = runner.Job(overrides=runner.cfg.Overrides(select=("LNK005",)))
    result = runner.run([str(tmp_path)], job)
    assert [(d.code, d.column) for _, d in result.diagnostics] == [("LNK005", 19)]
    listing = runner.project_files(list(result.files), runner.Session(job))
    assert not listing.root_known and "b/pic.png" in listing.files
    assert not any(p.startswith(".git/") for p in listing.files)


def test_a_corpus_fix_shows_where_its_edits_go_cold_and_warm(tmp_path: Path):
    """JSON (and SARIF, the editor) list each edit with its line and column, for the corpus
    rules' fixes as for the others; the cached run says the same."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.md").write_text("# N\n\nText.\n\n![chart](img/chart.png)\n", encoding="utf-8")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "chart.png").write_bytes(b"x")
    (tmp_path / "omnilint.toml").write_text("", encoding="utf-8")  # the project's root: media/ is in it

    def edits(cache_dir: Path | None) -> list:
        job = runner.Job(
            overrides=runner.cfg.Overrides(select=("LNK005",)), cache_dir=str(cache_dir) if cache_dir else None
        )
        result = runner.run([str(tmp_path / "notes")], job, jobs=1)
        [(_, d)] = result.diagnostics
        assert d.fix is not None
        return [(e.content, p) for e, p in zip(d.fix.edits, d.edit_positions or [])]

    cold = edits(tmp_path / "cache")
    assert cold == [("../media/chart.png", (5, 10, 5, 23))]  # "img/chart.png" spans columns 10-22
    assert edits(tmp_path / "cache") == cold == edits(None)


# -- the corpus sample ---------------------------------------------------------------


@pytest.mark.skipif(not CORPUS_SAMPLE.is_dir(), reason=SAMPLE_MISSING)
def test_corpus_sample_link_findings_are_the_expected_ones():
    job = runner.Job(overrides=runner.cfg.Overrides(select=("LNK",)))
    result = runner.run([str(CORPUS_SAMPLE)], job, jobs=1)
    by_code: dict[str, list] = {}
    for f, d in result.diagnostics:
        by_code.setdefault(d.code, []).append((f.display, d))
    # Notes in Obsidian's .trash are not linted (config.ALWAYS_EXCLUDED): not counted either.
    notes = [p for p in CORPUS_SAMPLE.rglob("*.md") if ".trash" not in p.relative_to(CORPUS_SAMPLE).parts]
    read_on = sum(p.read_text(encoding="utf-8").count("[Read on Omnivore](") for p in notes)
    backlinks = sum(p.read_text(encoding="utf-8").count("[⤴️](https://omnivore.app") for p in notes)
    lnk001 = [d for _, d in by_code["LNK001"]]
    assert sum("Read on Omnivore" in d.message for d in lnk001) == read_on
    assert sum("backlink" in d.message for d in lnk001) == backlinks
    assert not by_code.get("LNK007") and not by_code.get("LNK008")  # only code-looking brackets there
    assert not any("Symbol.result" in d.message for _, d in by_code.get("LNK009", []))
    assert {d.fix is not None for _, d in by_code["LNK003"]} == {True}


@pytest.mark.skipif(not CORPUS_SAMPLE.is_dir(), reason=SAMPLE_MISSING)
def test_corpus_sample_fixes_are_accepted_and_idempotent():
    rules = rules_for("LNK")
    for path in sorted(CORPUS_SAMPLE.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        result = engine_fix(text, rules, path.name, unsafe=True)
        assert not result.rejected, (path, [(r.diagnostic.code, r.reason) for r in result.rejected])
        assert engine_fix(result.text, rules, path.name, unsafe=True).text == result.text, path
        json.dumps([d.message for d in result.remaining])  # messages are plain text


# -- the documented examples of the corpus rules (test_rule_docs runs only per-file rules) --


@pytest.mark.parametrize("rule_class", [MissingLocalTarget, MissingAnchor], ids=lambda r: r.code)
def test_documented_examples_of_corpus_rules(rule_class):
    from conftest import docstring_examples

    bad, good = docstring_examples(rule_class)
    existing = ["Omnivore/Why X/Y is hard/attachments/chart_MD5.jpg"]
    found = run_corpus(rule_class, {"Omnivore/Why X/Y is hard/Why X - Y is hard.md": bad}, existing)
    assert found, f"{rule_class.code}: bad example not reported"
    assert not run_corpus(rule_class, {"Omnivore/Why X/Y is hard/Why X - Y is hard.md": good}, existing)
    fixes = [f for *_, f in found if f is not None]
    if rule_class.fixable:
        assert fixes and apply(bad, fixes[0]) == good


@pytest.mark.parametrize("vault, expected", [("", 1), ('vault = "logseq"\n', 0)])
def test_the_top_level_vault_setting_reaches_lnk005(tmp_path: Path, vault: str, expected: int):
    (tmp_path / "omnilint.toml").write_text(
        f'{vault}select = ["LNK005"]\n\n[rules.LNK005]\nnote-placeholders = false\n', encoding="utf-8"
    )
    (tmp_path / "journal.md").write_text("Met on [[Jan 31st, 2023]].\n", encoding="utf-8")
    result = runner.run([str(tmp_path)], runner.Job(), jobs=1)
    assert len([d for _, d in result.diagnostics if d.code == "LNK005"]) == expected
