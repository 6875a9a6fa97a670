"""Logseq graphs (issue 14, item 1): an outline page is read as an outline, never as code.

The Omnivore Logseq plugin writes `pages/Omnivore.md` as a heading followed by tab-indented
blocks; CommonMark alone reads them as one indented code block, so no rule saw a link.  In a
Logseq graph (a folder holding `logseq/config.edn`, or `vault = "logseq"`) the parse adapter
reads an offset-preserving view where indentation is list nesting (markdown.OutlineView); every
position still indexes the original text, so fixes edit the original bytes.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import example, given
from hypothesis import strategies as st

from omnilint import config as cfg
from omnilint import discovery, engine, fixer
from omnilint.document import Document
from omnilint.markdown import outline_view, render_html
from omnilint.model import Diagnostic, Edit

GRAPH = ROOT / "tests" / "fixtures" / "logseq" / "graph"
OMNIVORE_PAGE = (
    "## 📚 Omnivore\n"
    "\t- [How the Web Was Indexed](https://omnivore.app/me/how-the-web-was-indexed-18c2a4f1e07)\n"
    "\t  collapsed:: true\n"
    "\t  site:: [example.com](https://example.com/a?utm_source=rss)\n"
    "\t  date-saved:: [[Nov 2nd, 2023]]\n"
    "\t\t- ### Highlights\n"
    "\t\t- > 链接是一种承诺：页面将一直存在。 #web\n"
    "\t- [搜索引擎是如何工作的](https://omnivore.app/me/sou-suo-yin-qing-18c2a4f2b11)\n"
    "\t  site:: [zhuanlan.zhihu.com](https://zhuanlan.zhihu.com/p/20230123)\n"
)


def logseq(text: str) -> Document:
    return Document(text, "pages/Omnivore.md", "logseq")


def link_sources(doc: Document) -> list[str]:
    return [doc.source(n) for n in doc.links]


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "omnilint", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env
    )


def findings(proc: subprocess.CompletedProcess) -> list[tuple[str, int, int, str]]:
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(proc.stdout)]


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    target = tmp_path / "graph"
    shutil.copytree(GRAPH, target)
    return target


# -- the parse adapter ------------------------------------------------------------------------


def test_tab_indented_blocks_of_an_omnivore_page_are_an_outline_with_their_links():
    doc = logseq(OMNIVORE_PAGE)
    assert link_sources(doc) == [
        "[How the Web Was Indexed](https://omnivore.app/me/how-the-web-was-indexed-18c2a4f1e07)",
        "[example.com](https://example.com/a?utm_source=rss)",
        "[[Nov 2nd, 2023]]",
        "[搜索引擎是如何工作的](https://omnivore.app/me/sou-suo-yin-qing-18c2a4f2b11)",
        "[zhuanlan.zhihu.com](https://zhuanlan.zhihu.com/p/20230123)",
    ]
    assert [doc.source(t) for t in doc.tags] == ["#web"]
    assert not doc.nodes_of("code_block")
    assert not doc.in_code(OMNIVORE_PAGE.index("https://omnivore.app"))


def test_outline_nesting_follows_the_tabs():
    doc = logseq(OMNIVORE_PAGE)
    items = doc.nodes_of("item")
    depth = {doc.source(i).split("\n")[0]: sum(1 for p in _ancestors(doc, i) if p.kind == "item") for i in items}
    assert depth["- ### Highlights"] == 1
    assert depth["- > 链接是一种承诺：页面将一直存在。 #web"] == 1
    assert depth["- [搜索引擎是如何工作的](https://omnivore.app/me/sou-suo-yin-qing-18c2a4f2b11)"] == 0
    assert [doc.source(h) for h in doc.headings] == ["## 📚 Omnivore\n", "### Highlights\n"]


def _ancestors(doc, node):
    node = doc.parent(node)
    while node is not None:
        yield node
        node = doc.parent(node)


def test_the_same_page_outside_a_graph_stays_indented_code():
    doc = Document(OMNIVORE_PAGE, "notes/Omnivore.md")
    assert link_sources(doc) == []
    assert doc.nodes_of("code_block")[0].label == "indented"


def test_an_obsidian_note_keeps_its_indented_code():
    note = "Run this:\n\n    curl https://example.com/a?utm_source=x\n    - not a list\n\nDone.\n"
    doc = Document(note, "notes/a.md", "obsidian")
    assert [n.label for n in doc.nodes_of("code_block")] == ["indented"]
    assert not doc.nodes_of("item")


def test_every_position_indexes_the_original_text():
    text = "---\ntitle: 页面\n---\n" + OMNIVORE_PAGE.replace("\n", "\r\n")
    doc = logseq(text)
    for node in doc.nodes:
        assert 0 <= node.start <= node.end <= len(text)
        if node.kind == "text" and not any(c in node.value for c in "&\\"):
            assert doc.source(node) == node.value, node
        if node.kind in ("link", "image"):
            assert text[node.start] in "[!<", node
            assert text[node.end - 1] in ")]>", node
    for start, end in doc.parsed.text_runs:
        assert "\t" not in text[start:end]  # a prose run never takes in the outline's tabs


def test_space_indented_outline_four_columns_deep_is_never_code():
    page = "# Reading list\n    - [A](https://omnivore.app/me/a)\n        - [B](https://example.com/b)\n      note:: 读完\n"
    doc = logseq(page)
    assert link_sources(doc) == ["[A](https://omnivore.app/me/a)", "[B](https://example.com/b)"]
    assert not doc.nodes_of("code_block")


def test_fenced_code_inside_a_block_is_code_and_its_lines_are_not_blocks():
    page = "- Snippet\n\t- ```python\n\t  - [x](https://example.com/in-code)\n\t      indented\n\t  ```\n\t- [after](https://example.com/after)\n"
    doc = logseq(page)
    assert link_sources(doc) == ["[after](https://example.com/after)"]
    (code,) = doc.nodes_of("code_block")
    assert code.label == "fenced"
    assert doc.in_code(page.index("in-code"))
    assert "".join(n.value for n in code.children) == "- [x](https://example.com/in-code)\n    indented\n"


def test_a_page_without_indented_lines_is_parsed_as_written():
    assert outline_view("- a\n- b [x](https://example.com)\n") is None


def test_outline_rendering_sees_the_links():
    assert 'href="https://omnivore.app/me/a"' in render_html("## A\n\t- [A](https://omnivore.app/me/a)\n", outline=True)
    assert "<code>" in render_html("## A\n\t- [A](https://omnivore.app/me/a)\n")


def test_reference_definitions_in_an_outline_point_at_the_source():
    page = "- Notes\n\t- see [the paper][p]\n\t- [p]: https://example.com/paper\n"
    (definition,) = logseq(page).definitions
    assert page[definition.start : definition.end] == "[p]: https://example.com/paper"


def test_rules_report_links_of_outline_blocks_at_their_place():
    rules = engine.per_file(
        cfg.ruleset(cfg.Settings(ROOT, None, cfg.validate({"select": ["LNK001", "LNK010"]}, "t"))).rules
    )
    found = [(d.code, d.line, d.column) for d in engine.lint(logseq(OMNIVORE_PAGE), rules)]
    assert ("LNK001", 2, 4) in found
    assert ("LNK001", 8, 4) in found
    assert ("LNK010", 4, 25) in found


# -- which files are a graph's ------------------------------------------------------------------


def test_vault_kind_finds_the_graph_above_a_page(graph: Path):
    settings = cfg.Settings(graph / "pages")
    assert discovery.vault_kind(graph / "pages" / "Omnivore.md", settings) == "logseq"
    assert discovery.vault_kind(graph / "journals" / "2023_11_03.md", cfg.Settings(graph / "journals")) == "logseq"


def test_vault_kind_of_a_folder_without_a_graph_is_the_default(tmp_path: Path):
    (tmp_path / ".git").mkdir()  # the top of the project: the search stops here
    (tmp_path / "notes").mkdir()
    assert discovery.vault_kind(tmp_path / "notes" / "a.md", cfg.Settings(tmp_path / "notes")) == "obsidian"


def test_a_configured_vault_wins_over_detection(graph: Path):
    settings = cfg.Settings(graph, graph / "omnilint.toml", {"vault": "obsidian"})
    assert discovery.vault_kind(graph / "pages" / "Omnivore.md", settings) == "obsidian"


def test_check_finds_the_links_of_a_graph_page(graph: Path):
    found = findings(run("check", "--no-cache", "--output-format", "json", "--select", "LNK001,LNK003", ".", cwd=graph))
    assert ("pages/Omnivore.md", 2, 4, "LNK001") in found
    assert ("pages/Omnivore.md", 10, 4, "LNK001") in found
    assert ("pages/Omnivore.md", 12, 32, "LNK003") in found


def test_printf_example_from_the_issue_is_found_in_a_graph(graph: Path):
    proc = run("check", "--no-cache", "--output-format", "json", "--stdin-filename", "pages/x.md", "-",
               cwd=graph, stdin="## A\n\t- [A](https://omnivore.app/me/a)\n")  # fmt: skip
    assert ("pages/x.md", 2, 4, "LNK001") in findings(proc)


def test_logseq_backups_are_not_linted_by_default(graph: Path):
    found = findings(run("check", "--no-cache", "--output-format", "json", "--select", "LNK001", ".", cwd=graph))
    paths = {path for path, *_ in found}
    assert paths == {"pages/Omnivore.md", "journals/2023_11_03.md"}


def test_an_exclude_list_of_ones_own_replaces_the_backup_default(graph: Path):
    (graph / "omnilint.toml").write_text('exclude = []\nselect = ["LNK001"]\n', encoding="utf-8")
    paths = {path for path, *_ in findings(run("check", "--no-cache", "--output-format", "json", ".", cwd=graph))}
    assert any(p.startswith("logseq/bak/") for p in paths)
    assert any(p.startswith("logseq/version-files/") for p in paths)


def test_force_exclude_skips_a_backup_named_on_the_command_line(graph: Path):
    backup = next((graph / "logseq" / "bak").rglob("*.md")).relative_to(graph)
    proc = run(
        "check", "--no-cache", "--output-format", "json", "--force-exclude", str(backup), "pages/Omnivore.md", cwd=graph
    )
    assert {path for path, *_ in findings(proc)} == {"pages/Omnivore.md"}


def test_vault_logseq_in_the_config_makes_a_graph_without_config_edn(tmp_path: Path):
    (tmp_path / "omnilint.toml").write_text('vault = "logseq"\nselect = ["LNK001"]\n', encoding="utf-8")
    (tmp_path / "Omnivore.md").write_text(OMNIVORE_PAGE, encoding="utf-8")
    found = findings(run("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path))
    assert ("Omnivore.md", 2, 4, "LNK001") in found


def test_link_rules_resolve_a_found_graph_as_logseq_without_a_config(graph: Path):
    """A namespace page `[[a/b]]` exists in a Logseq graph once referenced: LNK005 takes the
    file's kind from the graph found around it (its `vault` option is "auto"), not "obsidian"."""
    (graph / "pages" / "Links.md").write_text("- See [[Reading/Articles]] and ![chart](gone.png)\n", encoding="utf-8")
    found = findings(run("check", "--no-cache", "--output-format", "json", "--select", "LNK005", "pages", cwd=graph))
    assert ("pages/Links.md", 1, 32, "LNK005") in found  # the missing image is still found
    assert [f for f in found if f[0] == "pages/Links.md"] == [("pages/Links.md", 1, 32, "LNK005")]


def test_a_rule_level_vault_option_overrides_the_found_graph(graph: Path):
    (graph / "omnilint.toml").write_text('[rules.LNK005]\nvault = "obsidian"\n', encoding="utf-8")
    (graph / "pages" / "Links.md").write_text("- See [[Reading/Articles]]\n", encoding="utf-8")
    found = findings(run("check", "--no-cache", "--output-format", "json", "--select", "LNK005", "pages", cwd=graph))
    assert ("pages/Links.md", 1, 7, "LNK005") in found


def test_a_folder_that_is_not_a_graph_keeps_its_indented_code(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "note.md").write_text(OMNIVORE_PAGE, encoding="utf-8")
    assert (
        findings(run("check", "--no-cache", "--output-format", "json", "--select", "LNK001", ".", cwd=tmp_path)) == []
    )


def test_fix_write_in_a_graph_edits_only_the_tracking_parameters(graph: Path):
    page = graph / "pages" / "Omnivore.md"
    before = page.read_bytes()
    proc = run("fix", "--write", "--no-cache", "--select", "LNK010", "pages/Omnivore.md", cwd=graph)
    assert proc.returncode in (0, 1), proc.stderr
    after = page.read_bytes()
    changed = [(a, b) for a, b in zip(before.split(b"\n"), after.split(b"\n")) if a != b]
    assert changed == [
        (b"\t  site:: [example.com](https://example.com/how-the-web-was-indexed?utm_source=rss&utm_medium=feed)",
         b"\t  site:: [example.com](https://example.com/how-the-web-was-indexed)"),
        (b"\t  site:: [zhuanlan.zhihu.com](https://zhuanlan.zhihu.com/p/20230123?utm_source=wechat&amp;share=1)",
         b"\t  site:: [zhuanlan.zhihu.com](https://zhuanlan.zhihu.com/p/20230123?share=1)"),
    ]  # fmt: skip
    assert before.count(b"\n") == after.count(b"\n")


def test_fix_write_in_a_graph_decodes_an_escaped_url(graph: Path):
    page = graph / "pages" / "Omnivore.md"
    proc = run("fix", "--write", "--no-cache", "--select", "LNK003", "pages/Omnivore.md", cwd=graph)
    assert proc.returncode in (0, 1), proc.stderr
    assert "https://zhuanlan.zhihu.com/p/20230123?utm_source=wechat&share=1)" in page.read_text(encoding="utf-8")


def test_format_leaves_a_graph_page_as_it_is(graph: Path):
    page = graph / "pages" / "Omnivore.md"
    before = page.read_bytes()
    proc = run("fix", "--write", "--format", "--no-cache", "--select", "FMT005", "pages/Omnivore.md", cwd=graph)
    assert proc.returncode in (0, 1), proc.stderr
    assert page.read_bytes() == before  # mdformat would have fenced the indented outline


def test_the_api_reads_text_as_an_outline_when_the_config_says_logseq():
    from omnilint import check_text

    text = "## A\n\t- [A](https://omnivore.app/me/a-18c2a)\n"
    assert not [d for d in check_text(text, config={"select": ["LNK001"]}) if d.code == "LNK001"]
    found = check_text(text, config={"select": ["LNK001"], "vault": "logseq"})
    assert [(d.code, d.line) for d in found] == [("LNK001", 2)]


# -- property: fixes in a graph change only what they say -----------------------------------------

BLOCKS = [
    "[How the Web Was Indexed](https://omnivore.app/me/how-the-web-18c2a)",
    "[搜索引擎是如何工作的](https://zhuanlan.zhihu.com/p/1?utm_source=wechat&amp;x=1)",
    "### Highlights",
    "> 链接是一种承诺：页面将一直存在。 #web",
    "> A link is a promise that the page will still be there.",
    "![](https://proxy-prod.omnivore-image-cache.app/0x0,sabc/https://example.com/i.png)",
    "a note with a trailing space ",
    "[](https://example.com/empty)",
    "no\u200bbreak\u00a0space",
    "Read [[Omnivore]] later",
    "```js\n- not a block\n    kept indented\n```",
]
PROPERTIES = [
    "collapsed:: true",
    "site:: [example.com](https://example.com/a?utm_source=rss&amp;b=2)",
    "date-saved:: [[Nov 2nd, 2023]]",
    "author:: 张三",
    "tags:: #Omnivore",
]


@st.composite
def logseq_pages(draw) -> str:
    unit = draw(st.sampled_from(["\t", "  ", "    "]))
    lines = [draw(st.sampled_from(["## 📚 Omnivore", "title:: Omnivore", "- ## 📚 Omnivore"]))]
    depth = draw(st.integers(0, 1))
    for _ in range(draw(st.integers(1, 10))):
        depth = draw(st.integers(0, depth + 1))
        block = draw(st.sampled_from(BLOCKS)).split("\n")
        pad = unit * depth
        lines.append(pad + "- " + block[0])
        lines.extend(pad + "  " + rest for rest in block[1:])
        lines.extend(pad + "  " + p for p in draw(st.lists(st.sampled_from(PROPERTIES), max_size=3)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline


ALL_OFFLINE = engine.per_file(
    [(r, o) for r, o in cfg.ruleset(cfg.Settings(ROOT, None, cfg.validate({"select": ["ALL"]}, "t"))).rules
     if getattr(r, "enabled_by", None) not in ("online", "format")]
)  # fmt: skip


def _apply(text: str, edits: list[Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: e.start] + e.content + text[e.end :]
    return text


@given(logseq_pages(), st.booleans())
@example(
    "## A\n\t- [A](https://omnivore.app/me/a)\n\t  site:: [x](https://example.com/a?utm_source=rss&amp;b=2)\n", True
)
def test_fixes_in_a_graph_change_only_their_edits(page: str, unsafe: bool):
    passes: list[tuple[str, list[Diagnostic]]] = []

    def lint(text: str) -> list[Diagnostic]:
        found = engine.lint(Document(text, "pages/Omnivore.md", "logseq"), ALL_OFFLINE)
        assert not [d.message for d in found if d.code == engine.INTERNAL_CODE]
        passes.append((text, found))
        return found

    result = fixer.fix_text(page, lint, unsafe=unsafe)
    first = max(i for i, (t, _) in enumerate(passes) if t == page)
    chain = passes[first:]
    applied = {id(d) for d in result.applied}
    for (before, found), (after, _) in itertools.pairwise(chain):
        if after != before:
            edits = [e for d in found if id(d) in applied for e in d.fix.edits]  # type: ignore[union-attr]
            assert edits, "a pass changed the text without a reported fix"
            assert _apply(before, edits) == after


@given(logseq_pages())
def test_every_link_of_a_generated_page_is_seen_at_its_place(page: str):
    doc = logseq(page)
    starts = {n.start for n in doc.links if n.link_type == "inline"}
    pos = page.find("](http")
    while pos >= 0:
        if not doc.in_code(pos):
            opener = page.rfind("[", 0, pos)
            if page[opener - 1 : opener] == "!":
                opener -= 1
            assert opener in starts, (page, pos)
        pos = page.find("](http", pos + 1)


# -- cost: the outline view and every rule on it stay linear ------------------------------------

import gc  # noqa: E402  (only the cost test needs them)
import time  # noqa: E402


def _omnivore_page(n: int) -> str:
    block = (
        "\t- [搜索引擎 {i}](https://omnivore.app/me/slug-{i})\n\t  collapsed:: true\n"
        "\t  site:: [example.com](https://example.com/a{i}?utm_source=x&amp;b=1)\n\t  date-saved:: [[2023-11-02]]\n"
        "\t\t- ### Highlights\n\t\t- > a quote {i} #web\n"
    )
    return "## 📚 Omnivore\n" + "".join(block.format(i=i) for i in range(n))


def _deep_outline(n: int) -> str:
    return ("".join("\t" * i + f"- level {i}\n" + "\t" * i + "  note:: x\n" for i in range(40)) + "- top\n") * n


def _cost(text: str) -> float:
    """CPU time of parsing and checking `text` as a graph page, the best of five (the
    collector off while timing: a collection falling into one run is no growth)."""
    best = float("inf")
    for _ in range(5):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            engine.lint(Document(text, "pages/Omnivore.md", "logseq"), ALL_OFFLINE)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return max(best, 0.003)


@pytest.mark.parametrize(
    ("shape", "n"), [(_omnivore_page, 200), (_deep_outline, 40)], ids=["omnivore-page", "deep-outline"]
)
def test_checking_a_graph_page_grows_linearly(shape, n: int):
    small, large = _cost(shape(n)), _cost(shape(4 * n))
    assert large / small < 6.0, (small, large)


# -- any text: the outline reading never breaks a run ------------------------------------------

from article_strategies import nasty_text, with_line_endings  # noqa: E402


def _outline_texts() -> st.SearchStrategy[str]:
    """Any text, and generated pages with their tabs and bullets shuffled about."""
    mangled = st.builds(
        lambda page, junk, at: page[: at % (len(page) + 1)] + junk + page[at % (len(page) + 1) :],
        logseq_pages(), st.text(st.sampled_from("\t -*>`~#\n\r[]()!"), max_size=20), st.integers(0, 10_000),
    )  # fmt: skip
    return st.one_of(nasty_text(), with_line_endings(), mangled)


@given(_outline_texts())
@example("\t- ```\n\t  - x\n```\n\t- y\n")
@example("- a\r\n\t\r\n\t\t- b\r\t  c\n")
@example("\t-\n\t  \t- x\n")
def test_any_text_read_as_an_outline_keeps_positions_in_the_text(text: str):
    doc = Document(text, "pages/x.md", "logseq")
    n = len(text)
    for node in doc.nodes:
        assert 0 <= node.start <= node.end <= n, node
    for start, end in doc.parsed.text_runs + doc.parsed.code_ranges:
        assert 0 <= start <= end <= n
    found = engine.lint(doc, ALL_OFFLINE)
    assert not [d.message for d in found if d.code == engine.INTERNAL_CODE]
    for d in found:
        assert 0 <= d.start <= d.end <= n


# -- META002: a graph's page properties are its metadata ------------------------------------------

PAGE_PROPERTIES = "title:: 详论读书笔记\nauthor:: [[佚名]]\ntags:: [[Readed]], [[读书]]\n\n- ## 正文\n\t- 第一段。\n"


def _meta002(doc: Document) -> list[tuple[int, str]]:
    rules = engine.per_file(cfg.ruleset(cfg.Settings(ROOT, None, cfg.validate({"select": ["META002"]}, "t"))).rules)
    return [(d.line, d.message) for d in engine.lint(doc, rules)]


def test_meta002_leaves_the_page_properties_of_a_graph_alone():
    assert _meta002(Document(PAGE_PROPERTIES, "pages/读书笔记.md", "logseq")) == []


def test_meta002_still_reports_property_lines_in_an_obsidian_note():
    assert [line for line, _ in _meta002(Document(PAGE_PROPERTIES, "notes/读书笔记.md"))] == [1, 2, 3]


def test_a_folder_that_becomes_a_graph_is_not_served_its_old_cached_findings(tmp_path: Path):
    page = tmp_path / "pages" / "Omnivore.md"
    page.parent.mkdir()
    page.write_text("## A\n\t- [A](https://omnivore.app/me/a-18c2a)\n", encoding="utf-8")
    args = ("check", "--select", "LNK001", "--output-format", "json", "--cache-dir", str(tmp_path / "cache"), ".")
    before = json.loads(run(*args, cwd=tmp_path).stdout)
    assert before == []  # outside a graph the tab-indented block is code
    (tmp_path / "logseq").mkdir()
    (tmp_path / "logseq" / "config.edn").write_text("{}\n", encoding="utf-8")
    after = json.loads(run(*args, cwd=tmp_path).stdout)
    assert [(f["code"], f["line"]) for f in after] == [("LNK001", 2)]
