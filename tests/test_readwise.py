"""Readwise's body metadata (issue 14, items 2, 3 and the `#Omnivore` tag line of item 6).

Readwise without front matter keeps the article's facts in a `## Metadata` list and the
highlights under `## Highlights`; one parser (rules/kit/readwise.py) reads that shape for
META002 (body metadata, an unsafe fix into front matter) and DUP003 (the URL, and the
highlights as the article's text).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, fix, lint
from omnilint.rules.duplicates.duplicate_document import DuplicateDocument, normalise_url
from omnilint.rules.kit.readwise import highlight_text, readwise_body

from omnilint.document import Document
from omnilint.model import Applicability
from omnilint.rule import CorpusContext

VAULT = ROOT / "tests" / "fixtures" / "readwise" / "vault"
ENGLISH = VAULT / "Readwise" / "Articles" / "How Search Engines Rank Pages.md"
CHINESE = VAULT / "Readwise" / "Articles" / "搜索引擎如何排序网页.md"
COPY = VAULT / "Inbox" / "How Search Engines Rank Pages 1.md"

SHORT = (
    "# Notes on Caching\n\n"
    "![rw-book-cover](https://readwise-assets.s3.amazonaws.com/static/images/article1.png)\n\n"
    "## Metadata\n"
    "- Author: [[Ada Example]]\n"
    "- Full Title: Notes on Caching\n"
    "- Category: #articles\n"
    "- URL: https://blog.example.org/caching\n\n"
    "## Highlights\n"
    "- A cache is a bet that the past predicts the future. ([View Highlight](https://read.readwise.io/read/01h9a))\n"
)
NOT_READWISE = (
    "# Street trees of Paris\n\n"
    "## Metadata\n"
    "- Size: 3 GB\n"
    "- License: Open Licence 2.0\n"
    "- Format: CSV\n\n"
    "The data set lists every street tree the city maintains.\n"
)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1]) or {}


# -- the parser ---------------------------------------------------------------------------------


def test_the_parser_reads_fields_url_and_highlights():
    doc = Document(read(ENGLISH), "a.md")
    found = readwise_body(doc)
    assert found is not None
    assert [(f.key, f.value) for f in found.fields] == [
        ("Author", "[[Jane Doe]]"),
        ("Full Title", "How Search Engines Rank Pages"),
        ("Category", "#articles"),
        ("URL", "https://example.com/search/how-ranking-works?utm_source=newsletter"),
    ]
    assert found.url == "https://example.com/search/how-ranking-works?utm_source=newsletter"
    assert doc.text[found.start : found.end].startswith("## Metadata\n- Author:")
    assert doc.text[found.start : found.end].endswith("utm_source=newsletter\n")
    texts = [highlight_text(h) for h in found.highlights]
    assert len(texts) == 3
    assert texts[1].endswith("the links other people made.")  # no View Highlight link, no note
    assert "PageRank" not in " ".join(texts)


def test_the_parser_reads_star_bullets_and_chinese():
    found = readwise_body(Document(read(CHINESE), "b.md"))
    assert found is not None
    assert found.get("full title").value == "搜索引擎如何排序网页"
    assert found.url == "https://zhuanlan.zhihu.com/p/612345678"
    assert [highlight_text(h)[:4] for h in found.highlights] == ["爬虫访问", "排序的艺"]


def test_a_metadata_section_of_other_keys_is_not_readwise():
    assert readwise_body(Document(NOT_READWISE, "c.md")) is None


def test_a_metadata_heading_after_the_article_text_is_not_the_header():
    text = "# T\n\nSome prose first.\n\n## Metadata\n- Full Title: T\n- Category: #articles\n"
    assert readwise_body(Document(text, "d.md")) is None


# -- META002 ------------------------------------------------------------------------------------


def test_meta002_reports_the_readwise_metadata_list():
    [d] = lint(read(ENGLISH), "META002")
    assert (d.line, d.column) == (5, 1)
    assert "Readwise" in d.message and "Full Title" in d.message
    assert d.fix is not None and d.fix.applicability is Applicability.UNSAFE


def test_meta002_fix_moves_the_list_into_new_front_matter():
    result = fix(SHORT, "META002", unsafe=True)
    assert front(result.text) == {
        "author": "[[Ada Example]]",
        "title": "Notes on Caching",
        "category": "#articles",
        "url": "https://blog.example.org/caching",
        "tags": ["articles"],
    }
    body = result.text.split("---\n", 2)[2]
    assert body == (
        "# Notes on Caching\n\n"
        "![rw-book-cover](https://readwise-assets.s3.amazonaws.com/static/images/article1.png)\n\n"
        "## Highlights\n"
        "- A cache is a bet that the past predicts the future. ([View Highlight](https://read.readwise.io/read/01h9a))\n"
    )
    assert not lint(result.text, "META002")


def test_meta002_fix_keeps_crlf_and_chinese_values():
    text = read(CHINESE).replace("\n", "\r\n")
    result = fix(text, "META002", unsafe=True)
    assert "\n" not in result.text.replace("\r\n", "")
    meta = yaml.safe_load(result.text.split("---\r\n")[1])
    assert meta["title"] == "搜索引擎如何排序网页" and meta["author"] == "[[李华]]"


def test_meta002_is_not_a_safe_fix():
    assert fix(SHORT, "META002").text == SHORT


def test_meta002_with_front_matter_reports_only_what_it_lacks_without_a_fix():
    text = "---\nurl: https://blog.example.org/caching\ntitle: Notes on Caching\n---\n" + SHORT
    [d] = lint(text, "META002")
    assert "Author" in d.message and "Category" in d.message and "URL" not in d.message
    assert d.fix is None


def test_meta002_with_front_matter_holding_everything_says_nothing():
    text = (
        '---\nauthor: "[[Ada Example]]"\ntitle: Notes on Caching\ncategory: articles\n'
        "url: https://blog.example.org/caching\n---\n" + SHORT
    )
    assert lint(text, "META002") == []


def test_meta002_leaves_another_metadata_section_alone():
    assert lint(NOT_READWISE, "META002") == []


# -- the Omnivore template's own tag line -----------------------------------------------------

TAGGED = "---\ntitle: Blair\ntags:\n  - RSS\n---\n\n# Blair\n#Omnivore\n\nText.\n"


def test_meta002_leaves_the_omnivore_tag_line_by_default():
    assert lint(TAGGED, "META002") == []


def test_meta002_reports_the_omnivore_tag_line_when_asked():
    [d] = lint(TAGGED, "META002", options={"META002": {"report-exporter-tags": True}})
    assert d.line == 8 and "#Omnivore" in d.message


def test_meta002_still_reports_a_tag_line_with_the_users_own_tags():
    text = TAGGED.replace("#Omnivore\n", "#Omnivore #books\n")
    [d] = lint(text, "META002")
    assert "#Omnivore, #books" in d.message  # the fix moves the whole line: both tags go to the list
    result = fix(text, "META002", unsafe=True)
    assert front(result.text)["tags"] == ["RSS", "Omnivore", "books"]


# -- DUP003 -------------------------------------------------------------------------------------

RULE = DuplicateDocument()
OPTIONS = dict(DuplicateDocument.options)


def dup(files: dict[str, str]) -> dict[str, list]:
    facts = {path: RULE.collect(Document(text, path), OPTIONS) for path, text in files.items()}
    json.dumps(facts)
    found: dict[str, list] = {}
    for path, d in RULE.check_corpus(facts, OPTIONS, CorpusContext()):
        found.setdefault(path, []).append(d)
    return found


def test_dup003_finds_byte_identical_readwise_copies_by_url_and_text():
    found = dup({"a.md": read(ENGLISH), "b.md": read(COPY), "c.md": read(CHINESE)})
    assert sorted(found) == ["a.md", "b.md"]
    [d] = found["a.md"]
    assert "the same original URL and the same article text" in d.message
    assert d.line == 9  # the URL line of the Metadata list


def test_dup003_matches_readwise_highlights_as_the_article_text():
    other_url = read(COPY).replace("https://example.com/search/how-ranking-works", "https://mirror.example.net/p/42")
    [d] = dup({"a.md": read(ENGLISH), "b.md": other_url})["b.md"]
    assert "the same article text" in d.message and "URL" not in d.message


def test_dup003_different_highlights_of_the_same_site_are_different_articles():
    other = read(COPY).replace("how-ranking-works", "how-crawling-works").replace("A crawler", "Some crawler")
    assert dup({"a.md": read(ENGLISH), "b.md": other}) == {}


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://blog.omnivore.app/p/why-we-built-omnivore", True),
        ("https://docs.omnivore.app/using/saving", True),
        ("https://omnivore.app/me/why-we-built-omnivore-18c2a", False),
        ("https://www.omnivore.app/me/x", False),
        ("https://proxy-prod.omnivore-image-cache.app/0x0,s1Ab/https://example.com/i.png", False),
        ("https://images.example.com/640x480,sXyZ/https://example.com/i.png", False),
        ("https://example.com/post", True),
    ],
)
def test_dup003_only_reader_links_and_the_image_proxy_are_not_article_urls(url: str, article: bool):
    assert (normalise_url(url) is not None) is article


def test_dup003_finds_two_copies_of_an_article_on_a_subdomain_of_omnivore_app():
    def saved(ident: str) -> str:
        return (
            f"---\nid: {ident}\ntitle: Why we built Omnivore\n---\n\n# Why we built Omnivore\n\n"
            f"[Read on Omnivore](https://omnivore.app/me/why-{ident})\n"
            "[Read Original](https://blog.omnivore.app/p/why-we-built-omnivore)\n\nShort.\n"
        )

    found = dup({"alice/a.md": saved("1"), "bob/b.md": saved("2")})
    assert sorted(found) == ["alice/a.md", "bob/b.md"]
    assert "the same original URL" in found["bob/b.md"][0].message


def test_check_finds_the_readwise_copies_in_a_vault(tmp_path: Path):
    vault = tmp_path / "vault"
    shutil.copytree(VAULT, vault)
    proc = subprocess.run(
        [sys.executable, "-m", "omnilint", "check", "--no-cache", "--output-format", "json", "--select", "DUP003,META002", "."],
        cwd=vault, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    found = sorted((f["path"], f["code"]) for f in json.loads(proc.stdout))
    assert found == [
        ("Inbox/How Search Engines Rank Pages 1.md", "DUP003"),
        ("Inbox/How Search Engines Rank Pages 1.md", "META002"),
        ("Readwise/Articles/How Search Engines Rank Pages.md", "DUP003"),
        ("Readwise/Articles/How Search Engines Rank Pages.md", "META002"),
        ("Readwise/Articles/搜索引擎如何排序网页.md", "META002"),
    ]


@pytest.mark.parametrize(
    "url", ["https://newsletter.example.com/", "https://newsletter.example.com", "https://example.com/?utm_source=x"]
)
def test_dup003_a_homepage_is_no_article_url(url: str):
    assert normalise_url(url) is None


def test_dup003_two_newsletter_issues_with_the_senders_homepage_are_different_articles():
    def issue(n: int, text: str) -> str:
        return f"---\nid: issue-{n}\ntitle: Issue {n}\nurl: https://newsletter.example.com/\n---\n\n# Issue {n}\n\n{text}\n"

    assert dup({"41.md": issue(41, "Rivers and ferries."), "42.md": issue(42, "桥梁与渡口。")}) == {}
    assert normalise_url("https://example.com/?p=123") == "example.com/?p=123"  # a query names a page
