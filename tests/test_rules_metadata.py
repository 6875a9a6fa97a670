"""META001–META004 on realistic exporter output (Omnivore, Logseq, Readwise, Web Clipper)."""

from __future__ import annotations

import yaml
from conftest import SEED as SEED_FILE
from conftest import fix, lint

from omnilint.model import Applicability

SEED = SEED_FILE.read_text(encoding="utf-8")


def codes_at(text: str, *codes: str, options: dict | None = None) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(text, *codes, options=options)]


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1]) or {}


# -- the seed -------------------------------------------------------------------------------


def test_seed_metadata_findings():
    found = codes_at(SEED, "META001", "META003")
    assert found == [("META001", 19), ("META001", 21), ("META003", 27)]


def test_seed_tag_line_is_neither_heading_nor_moved_by_default():
    assert not [d for d in lint(SEED, "META", "DUP") if d.line == 13]


def test_seed_template_scaffolding_without_its_closing_rule():
    # Line 81 is the `---` that ends the article: an author's rule, not template scaffolding.
    found = codes_at(SEED, "META004")
    assert found == [("META004", 25)]


def test_seed_read_original_without_url_key():
    [d] = lint(SEED, "META002")
    assert d.line == 17 and "url" in d.message
    result = fix(SEED, "META002", unsafe=True)
    assert front(result.text)["url"].startswith("https://cn.wsj.com/amp/articles/%E7%BE%8E")
    assert "[Read Original](https://cn.wsj.com/amp/" in result.text  # the link stays in the body


# -- META001 --------------------------------------------------------------------------------

OMNIVORE_TEMPLATE = """---
id: 76c84a05-26e0-4d28-b16e-c1160298c425
title: "Tearing apart printf()"
author: |
  MaiZure
date_saved: 2024-08-24 06:04:50
---

# Tearing apart printf()

author: MaiZure

date_saved: 2024-08-24T06:04:50

Date Saved: "2024-08-24 06:04:50"

The printf function is older than most of us.
"""


def test_meta001_normalises_quotes_whitespace_key_spelling_and_dates():
    assert codes_at(OMNIVORE_TEMPLATE, "META001") == [("META001", 11), ("META001", 13), ("META001", 15)]


def test_meta001_fix_removes_lines_and_their_blank_lines():
    result = fix(OMNIVORE_TEMPLATE, "META001", unsafe=True)
    assert result.text.endswith("# Tearing apart printf()\n\nThe printf function is older than most of us.\n")
    assert not lint(result.text, "META001")


def test_meta001_a_line_spelled_otherwise_than_the_front_matter_goes_only_as_unsafe():
    found = {d.line: d.fix.applicability for d in lint(OMNIVORE_TEMPLATE, "META001")}
    # `2024-08-24T06:04:50`: the same instant, but the front matter does not show that spelling.
    assert found == {11: Applicability.SAFE, 13: Applicability.UNSAFE, 15: Applicability.SAFE}
    safe = fix(OMNIVORE_TEMPLATE, "META001").text
    assert "author: MaiZure\n\n" not in safe.split("---", 2)[2] and "date_saved: 2024-08-24T06:04:50" in safe


def test_meta001_values_that_differ_are_kept():
    text = "---\ndate_saved: 2024-08-24 06:04:50\nauthor: Ann\n---\n\ndate_saved: 2024-08-25\n\nauthor: Bob\n"
    assert codes_at(text, "META001") == []


def test_meta001_date_only_matches_the_same_day():
    text = "---\ndate_saved: 2024-08-24 06:04:50\n---\n\ndate_saved: 2024-08-24\n\nText.\n"
    assert codes_at(text, "META001") == [("META001", 5)]


def test_meta001_logseq_property_equal_to_front_matter():
    text = "---\nstatus: readed\ntags:\n  - Readed\n---\n\nstatus:: readed\ntags:: #Readed\n\n# Title\n"
    assert codes_at(text, "META001") == [("META001", 7), ("META001", 8)]
    result = fix(text, "META001")
    assert result.text == "---\nstatus: readed\ntags:\n  - Readed\n---\n\n# Title\n"


def test_meta001_prose_with_a_colon_is_not_metadata():
    text = "---\nauthor: Ann\n---\n\nauthor: Ann\nwrote this paragraph, which is prose around a colon.\n"
    assert codes_at(text, "META001") == []


def test_meta001_ignores_code():
    text = "---\nauthor: Ann\n---\n\n```yaml\nauthor: Ann\n```\n\n    author: Ann\n"
    assert codes_at(text, "META001") == []


def test_meta001_keeps_crlf():
    text = OMNIVORE_TEMPLATE.replace("\n", "\r\n")
    result = fix(text, "META001")
    assert result.text == fix(OMNIVORE_TEMPLATE, "META001").text.replace("\n", "\r\n")


def test_meta001_without_front_matter_reports_nothing():
    assert codes_at("date_saved: 2024-08-24\n\nText.\n", "META001") == []


# -- META002 --------------------------------------------------------------------------------

LOGSEQ_READED = """---
id: f1604c3b-21ad-46ca-a857-f4576771ead0

url: https://www.zhihu.com/question/19616127/answer/3534396209
status: readed
---


tags::  #Readed 

# (99+ 封私信 / 91 条消息) 你如何做读书笔记？ - 知乎
#Omnivore

[Read on Omnivore](https://omnivore.app/me/99-91-190333d997c)
[Read Original](https://www.zhihu.com/question/19616127/answer/3534396209)

## 你如何做读书笔记？

读书笔记，不就是阅读体验当中的一种么？
"""


def test_meta002_logseq_tags_line_moves_into_a_new_tags_list():
    [d] = lint(LOGSEQ_READED, "META002")
    assert (d.line, d.column) == (9, 1) and "#Readed" in d.message
    assert d.fix is not None and d.fix.applicability == "unsafe"
    result = fix(LOGSEQ_READED, "META002", unsafe=True)
    # The template's own `#Omnivore` line stays where it is (option `report-exporter-tags`).
    assert result.text.startswith(
        "---\nid: f1604c3b-21ad-46ca-a857-f4576771ead0\n\nurl: https://www.zhihu.com/question/19616127/answer/3534396209"
        "\nstatus: readed\ntags:\n  - Readed\n---\n\n\n# (99+ 封私信 / 91 条消息) 你如何做读书笔记？ - 知乎\n#Omnivore\n\n[Read on"
    )
    assert "tags::" not in result.text
    assert not lint(result.text, "META002")


def test_meta002_not_applied_without_unsafe():
    assert fix(LOGSEQ_READED, "META002").text == LOGSEQ_READED


def test_meta002_appends_to_a_block_list_in_its_style():
    text = "---\nauthor: fpilee\ntags:\n    - readwise/articles\nurl: https://stackoverflow.com/q/1\n---\n# Q\n\ntags:: #Tools\n\n## Highlights\n"
    result = fix(text, "META002", unsafe=True)
    assert result.text == (
        "---\nauthor: fpilee\ntags:\n    - readwise/articles\n    - Tools\nurl: https://stackoverflow.com/q/1\n---\n"
        "# Q\n\n## Highlights\n"
    )


def test_meta002_appends_to_a_flow_list():
    text = "---\ntags: [clippings]\n---\n\ntags:: #Tools, #Web\n\nText.\n"
    result = fix(text, "META002", unsafe=True)
    assert result.text == "---\ntags: [clippings, Tools, Web]\n---\n\nText.\n"


def test_meta002_fills_an_empty_tags_key():
    text = "---\ntags:\ntitle: T\n---\n\ntags:: #Tools\n\nText.\n"
    result = fix(text, "META002", unsafe=True)
    assert result.text == "---\ntags:\n  - Tools\ntitle: T\n---\n\nText.\n"


def test_meta002_tags_already_present_are_not_reported():
    text = "---\ntags:\n  - Readed\n---\n\ntags:: #readed\n\nText.\n"
    assert codes_at(text, "META002") == []


def test_meta002_logseq_property_becomes_a_key_quoted_when_needed():
    text = "---\ntitle: T\n---\n\nstatus:: read\nsource:: [[Weekly: notes]]\n\nText.\n"
    result = fix(text, "META002", unsafe=True)
    meta = front(result.text)
    assert meta == {"title": "T", "status": "read", "source": "[[Weekly: notes]]"}
    assert result.text.endswith("---\n\nText.\n")


def test_meta002_creates_front_matter_when_there_is_none():
    text = "tags:: #Readed\n\n# Title\n\nText.\n"
    result = fix(text, "META002", unsafe=True)
    assert result.text == "---\ntags:\n  - Readed\n---\n# Title\n\nText.\n"


def test_meta002_bare_tag_line_only_when_the_front_matter_keeps_tags():
    no_key = "---\ntitle: Blair\n---\n\n# Blair\n#Omnivore\n\nText.\n"
    with_key = "---\ntitle: Blair\ntags:\n  - RSS\n---\n\n# Blair\n#Omnivore\n\nText.\n"
    exporter = {"META002": {"report-exporter-tags": True}}  # the template's own line, reported on request
    assert codes_at(no_key, "META002") == codes_at(with_key, "META002") == []
    assert codes_at(no_key, "META002", options=exporter) == []
    assert codes_at(with_key, "META002", options=exporter) == [("META002", 8)]
    assert codes_at(no_key, "META002", options={"META002": {"tag-line": "always", "report-exporter-tags": True}}) == [
        ("META002", 6)
    ]
    assert codes_at(with_key, "META002", options={"META002": {"tag-line": "never", "report-exporter-tags": True}}) == []
    result = fix(with_key, "META002", unsafe=True, options=exporter)
    assert result.text == "---\ntitle: Blair\ntags:\n  - RSS\n  - Omnivore\n---\n\n# Blair\n\nText.\n"


def test_meta002_tag_in_prose_is_not_a_tag_line():
    text = "---\ntags: [a]\n---\n\nThis is about #python and more.\n"
    assert codes_at(text, "META002") == []


def test_meta002_read_original_to_configured_key():
    text = "---\ntitle: T\n---\n\n[Read Original](https://example.com/a?b=1)\n\nText.\n"
    options = {"META002": {"url-key": "source"}}
    [d] = lint(text, "META002", options=options)
    assert "`source`" in d.message
    result = fix(text, "META002", unsafe=True, options=options)
    assert front(result.text)["source"] == "https://example.com/a?b=1"


def test_meta002_read_original_with_a_source_key_is_fine():
    text = "---\nsource: https://example.com/a\n---\n\n[Read Original](https://example.com/a)\n\nText.\n"
    assert codes_at(text, "META002") == []


def test_meta002_read_original_deep_in_the_body_is_prose():
    text = "---\ntitle: T\n---\n\nA first paragraph of prose.\n\n[Read Original](https://example.com/a)\n"
    assert codes_at(text, "META002") == []


def test_meta002_leaves_broken_front_matter_alone():
    text = "---\ntitle: a: b\n---\n\ntags:: #Readed\n"
    assert codes_at(text, "META002") == []


# -- META003 --------------------------------------------------------------------------------


def test_meta003_seed_fix_removes_only_the_repeat():
    result = fix(SEED, "META003")
    assert "# 美中军方在中断交流一年多后恢复对话 - 华尔街日报\n#Omnivore\n" in result.text
    assert "##  美中军方" not in result.text
    assert "# Full Content: \n\n## 美国国防部高级官员" in result.text


def test_meta003_title_from_first_h1_and_site_suffix():
    text = "# Dev Logs Without the Noise | Peter Lyons\n\n## [Peter Lyons](https://peterlyons.com/)\n\n## Dev Logs Without the Noise\n\nText.\n"
    assert codes_at(text, "META003") == [("META003", 5)]


def test_meta003_zhihu_notification_prefix_and_suffix():
    text = (
        "---\ntitle: (99+ 封私信 / 91 条消息) 你如何做读书笔记？ - 知乎\n---\n\n"
        "# (99+ 封私信 / 91 条消息) 你如何做读书笔记？ - 知乎\n#Omnivore\n\n## 你如何做读书笔记？\n\n读书笔记。\n"
    )
    assert codes_at(text, "META003") == [("META003", 8)]


def test_meta003_baidu_underscore_suffixes():
    text = "---\ntitle: 详论戒色要点，让你戒得更专业！_戒色吧_百度贴吧\n---\n\n## 详论戒色要点，让你戒得更专业！\n\n正文。\n"
    assert codes_at(text, "META003") == [("META003", 5)]


def test_meta003_tag_line_is_not_a_heading():
    text = "---\ntitle: Omnivore\n---\n\n#Omnivore\n\nText.\n"
    assert codes_at(text, "META003") == []


def test_meta003_first_h1_options():
    text = "---\ntitle: Rivers\n---\n\n# Rivers\n\nText.\n"
    bare = "---\ntitle: Rivers\n---\n\nText.\n"
    assert codes_at(text, "META003") == []
    assert codes_at(text, "META003", options={"META003": {"first-h1": "forbid"}}) == [("META003", 5)]
    assert codes_at(bare, "META003", options={"META003": {"first-h1": "require"}}) == [("META003", 4)]
    assert codes_at(text, "META003", options={"META003": {"first-h1": "require"}}) == []
    forbid = fix(text, "META003", options={"META003": {"first-h1": "forbid"}})
    assert forbid.text == "---\ntitle: Rivers\n---\n\nText.\n"


def test_meta003_similar_but_different_heading_is_kept():
    text = "---\ntitle: Rivers of the world\n---\n\n# Rivers of the world\n\n## Rivers of Europe\n\nText.\n"
    assert codes_at(text, "META003") == []


# -- META004 --------------------------------------------------------------------------------


def test_meta004_empty_highlights_and_content_label_but_not_the_trailing_break():
    text = "# T\n\n## Highlights\n\n## Content:\n\nText.\n\n---\n"
    assert codes_at(text, "META004") == [("META004", 3), ("META004", 5)]
    result = fix(text, "META004", unsafe=True)
    assert result.text == "# T\n\nText.\n\n---\n"


def test_meta004_highlights_with_content_and_inner_breaks_are_kept():
    text = "# T\n\n## Highlights\n\n> A highlight.\n\n---\n\n## Content\n\nText.\n"
    assert codes_at(text, "META004") == []


def test_meta004_empty_logseq_property_line():
    text = "---\nid: 1\n---\n\n\ntags:: \n\n# Title\n\nText.\n"
    assert codes_at(text, "META004") == [("META004", 6)]
    assert fix(text, "META004", unsafe=True).text == "---\nid: 1\n---\n\n\n# Title\n\nText.\n"


def test_meta004_setext_underline_is_not_a_trailing_break():
    assert codes_at("# T\n\nLast line\n---\n", "META004") == []


def test_meta003_site_first_titles_keep_their_site_heading():
    # "Site - Post": what follows the separator is longer, so it is not a site suffix.
    text = "---\ntitle: Nat. Nat! - #738 What's making me happy this week\n---\n\n## Nat. Nat!\n\nText.\n"
    assert codes_at(text, "META003") == []


def test_meta003_a_notes_section_in_a_note_titled_notes():
    text = "---\ntitle: Notes\n---\n\n# Notes\n\n## Notes\n\nMine.\n"
    assert codes_at(text, "META003") == []


def test_meta_fixes_keep_crlf_at_the_edges():
    text = "---\r\ntitle: T\r\n---\r\n\r\ntags:: \r\n\r\n# T\r\n\r\nText.\r\n\r\n## Notes\r\n"
    assert fix(text, "META004", unsafe=True).text == "---\r\ntitle: T\r\n---\r\n\r\n# T\r\n\r\nText.\r\n"


def test_meta002_logseq_page_links_as_tags():
    text = "---\ntitle: T\n---\n\ntags:: [[Readed]], reading\n\nText.\n"
    result = fix(text, "META002", unsafe=True)
    assert front(result.text)["tags"] == ["Readed", "reading"]
