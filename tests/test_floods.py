"""Issue 14, item 6: one finding per cause, where a person acts once.

LNK003 (escaped URLs) and LNK006 (missing anchors) report once per document with the count
and every location in the diagnostic's `data`; LNK009 reports a Readwise template's empty
backlinks `[](https://read.readwise.io/read/…)` once per document.  One fix covers them all.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from conftest import fix, lint
from omnilint.rules.links.missing_anchor import MissingAnchor

from omnilint import runner
from omnilint.document import Document
from omnilint.markdown import render_html
from omnilint.model import Applicability
from omnilint.report import json_
from omnilint.rule import CorpusContext, ProjectFiles


def only(text: str, code: str) -> list:
    return [d for d in lint(text, code) if d.code == code]


def locations(d) -> list[tuple[int, int]]:
    return [(loc["line"], loc["column"]) for loc in d.data["locations"]]


# -- LNK003 escaped-url ----------------------------------------------------------------------------

ESCAPED = (
    "# 派早报\n\n"
    "见[少数派](https:&#x2F;&#x2F;sspai.com&#x2F;post&#x2F;91515)与[来源](https:&#x2F;&#x2F;example.com&#x2F;a?x=1&amp;y=2)。\n\n"
    "![图](https:&#x2F;&#x2F;cdn.example.com&#x2F;a.png)\n\n"
    "[ref]: https:&#x2F;&#x2F;example.org&#x2F;ref\n"
)


def test_lnk003_reports_once_per_document_with_the_count_and_every_location():
    [d] = only(ESCAPED, "LNK003")
    assert (d.line, d.column) == (3, 8)
    assert d.message == "4 URLs hold HTML character references (14 references, e.g. &#x2F;)"
    assert d.data["count"] == 4 and locations(d) == [(3, 8), (3, 63), (5, 6), (7, 8)]


def test_lnk003_one_fix_decodes_every_url_and_keeps_the_render():
    [d] = only(ESCAPED, "LNK003")
    assert d.fix.applicability is Applicability.SAFE and len(d.fix.edits) == 4
    result = fix(ESCAPED, "LNK003")
    assert "&#x2F;" not in result.text and "&amp;" not in result.text
    assert render_html(result.text) == render_html(ESCAPED)
    assert only(result.text, "LNK003") == []


def test_lnk003_json_output_keeps_every_location(tmp_path: Path):
    (tmp_path / "a.md").write_text(ESCAPED, encoding="utf-8")
    job = runner.Job(overrides=runner.cfg.Overrides(select=("LNK003",)))
    result = runner.run([str(tmp_path)], job, jobs=1)
    out = io.StringIO()
    json_.render(result, out)
    [item] = json.loads(out.getvalue())
    assert item["data"]["count"] == 4
    assert [(loc["line"], loc["column"]) for loc in item["data"]["locations"]] == [(3, 8), (3, 63), (5, 6), (7, 8)]


def test_lnk003_a_single_url_keeps_the_short_message():
    [d] = only("[a](https:&#x2F;&#x2F;e.com&#x2F;)\n", "LNK003")
    assert d.message == "3 HTML character references in a URL (e.g. &#x2F;)"
    assert d.data["count"] == 1


# -- LNK006 missing-anchor ---------------------------------------------------------------------------


def run_corpus(notes: dict[str, str]):
    rule = MissingAnchor()
    opts = dict(rule.options)
    facts = {path: rule.collect(Document(text, path), opts) for path, text in notes.items()}
    listing = ProjectFiles(tuple(sorted(notes)), {p: p for p in notes}, True)
    return list(rule.check_corpus(facts, opts, CorpusContext(files=listing)))


def apply(text: str, fixes) -> str:
    out, pos = [], 0
    for e in sorted(fixes.edits, key=lambda e: e.start):
        out += [text[pos : e.start], e.content]
        pos = e.end
    return "".join(out) + text[pos:]


CLIPPED_MANUAL = (
    "---\nurl: https://www.example.org/manual/html_node/Rivers.html\n---\n\n"
    "# Rivers\n\n"
    "See [Deltas](#Deltas), [Floods](#Floods) and [洪水](#%E6%B4%AA%E6%B0%B4).[¹](#fn1)\n\n"
    "## Sources\n\n[back](#sources) [other](b.md#nowhere)\n"
)


def test_lnk006_reports_once_per_document_with_the_count_and_the_first_anchors():
    found = run_corpus({"a.md": CLIPPED_MANUAL, "b.md": "# B\n"})
    [(path, d)] = found
    assert path == "a.md" and (d.line, d.column) == (7, 5)
    assert d.message == "5 links to anchors that match nothing (#Deltas, #Floods, #洪水, #fn1, b.md#nowhere)"
    assert d.data["count"] == 5 and len(d.data["locations"]) == 5
    assert d.data["locations"][-1]["line"] == 11


def test_lnk006_unsafe_fix_points_in_page_links_at_the_original_article():
    [(_, d)] = run_corpus({"a.md": CLIPPED_MANUAL, "b.md": "# B\n"})
    assert d.fix is not None and d.fix.applicability is Applicability.UNSAFE
    fixed = apply(CLIPPED_MANUAL, d.fix)
    base = "https://www.example.org/manual/html_node/Rivers.html"
    assert f"[Deltas]({base}#Deltas)" in fixed and f"[洪水]({base}#%E6%B4%AA%E6%B0%B4)" in fixed
    assert f"[¹]({base}#fn1)" in fixed
    assert "[back](#sources)" in fixed and "[other](b.md#nowhere)" in fixed  # found, or another file's


def test_lnk006_takes_the_read_original_link_when_the_front_matter_has_no_url():
    text = "# 河流\n#Omnivore\n\n[Read Original](https://example.com/rivers?id=7#top)\n\n见[注释](#note-1)。\n"
    [(_, d)] = run_corpus({"a.md": text})
    assert apply(text, d.fix).endswith("见[注释](https://example.com/rivers?id=7#note-1)。\n")


def test_lnk006_without_an_article_url_has_no_fix():
    [(_, d)] = run_corpus({"a.md": "# Notes\n\n[a](#gone) [b](#also-gone)\n"})
    assert d.fix is None and d.data["count"] == 2


def test_lnk006_a_single_missing_anchor_keeps_the_short_message():
    [(_, d)] = run_corpus({"a.md": "# Notes\n\n[a](#gone)\n"})
    assert d.message == "No heading in this file matches '#gone'"


# -- LNK009 empty-link: Readwise backlinks --------------------------------------------------------------

READWISE = (
    "---\nurl: https://example.com/calibre\n---\n# Calibre file read\n\n"
    "Arbitrary file read via the content server. [](https://read.readwise.io/read/01j5x9xp43dgydvwg41hj8t0yb)\n\n"
    "内容服务器允许读取任意文件。 [](https://read.readwise.io/read/01j5x9xp43dgydvwg41hj8t0yc)\n\n"
    "The fix landed in 7.15. [](https://read.readwise.io/read/01j5x9xp43dgydvwg41hj8t0yd)\n\n"
    "Read [the advisory]() soon.\n"
)


def test_lnk009_readwise_backlinks_are_one_finding_with_every_location():
    found = only(READWISE, "LNK009")
    backlinks = [d for d in found if "Readwise" in d.message]
    others = [d for d in found if "Readwise" not in d.message]
    assert len(backlinks) == 1 and len(others) == 1  # the empty destination stays its own finding
    [d] = backlinks
    assert d.message == "3 empty Readwise backlinks [](https://read.readwise.io/read/…) from the export template"
    assert locations(d) == [(6, 45), (8, 16), (10, 25)]
    assert d.fix.applicability is Applicability.UNSAFE


def test_lnk009_one_unsafe_fix_removes_every_readwise_backlink():
    fixed = fix(READWISE, "LNK009", unsafe=True).text
    assert "read.readwise.io" not in fixed
    assert "内容服务器允许读取任意文件。 \n" in fixed
    assert fix(READWISE, "LNK009").text.count("read.readwise.io") == 3  # unsafe: not by default


def test_lnk009_adjacent_backlinks_are_removed_by_one_fix():
    text = "Quote. [](https://read.readwise.io/read/a1)[](https://read.readwise.io/read/a2)\n"
    [d] = only(text, "LNK009")
    assert d.data["count"] == 2
    assert re.sub(r"\s+$", "", fix(text, "LNK009", unsafe=True).text) == "Quote."
