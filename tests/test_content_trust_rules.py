"""Content rules a user can trust (issue 12, items 4-10): what META003/META004, FM006,
LNK001/LNK007/LNK008, META002 and FMT004 report and what their fixes remove, on the
shapes real vaults hold (Zhihu and Omnivore exports in Chinese, English docs and blogs).
"""

from __future__ import annotations

import json

from conftest import fix, lint
from omnilint.rules.frontmatter.empty_value import EmptyValue

from omnilint.document import Document
from omnilint.model import Applicability
from omnilint.rule import CorpusContext


def codes(text: str, *selected: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(text, *selected)]


# -- META003: only the header zone holds title headings -------------------------------------

ZHIHU_ANSWER = """---
id: f1604c3b-21ad-46ca-a857-f4576771ead0
title: 如何高效阅读论文？ - 知乎
---

# 如何高效阅读论文？ - 知乎
#Omnivore

[Read Original](https://www.zhihu.com/question/19616127)

## 如何高效阅读论文？

先读摘要和结论，再决定要不要读方法部分。

## 方法

第一遍只看图表。

## 如何高效阅读论文？

回到开头的问题：读论文是一种训练，需要反复练习。
"""


def test_meta003_reports_the_header_heading_but_not_the_same_heading_after_content():
    assert codes(ZHIHU_ANSWER, "META003") == [("META003", 11)]
    result = fix(ZHIHU_ANSWER, "META003")
    assert result.text.count("## 如何高效阅读论文？") == 1
    assert "## 如何高效阅读论文？\n\n回到开头的问题" in result.text  # the section at the end stays


def test_meta003_a_mid_article_heading_equal_to_the_title_is_a_section():
    text = (
        "---\ntitle: Getting started\n---\n\n"
        "Obsidian stores notes as plain Markdown files in a folder called a vault.\n\n"
        "## Getting started\n\nOpen the app and pick a folder.\n"
    )
    assert codes(text, "META003") == []


def test_meta003_fix_message_names_the_heading_and_the_copy_that_stays():
    [d] = lint(ZHIHU_ANSWER, "META003")
    assert d.fix.message == "Remove the heading `## 如何高效阅读论文？` (the title stays in the H1 at line 6)"
    assert d.fix.applicability is Applicability.SAFE  # the front matter's title holds it


def test_meta003_is_unsafe_when_only_a_longer_h1_keeps_the_title():
    text = ZHIHU_ANSWER.replace("title: 如何高效阅读论文？ - 知乎\n", "")
    [d] = lint(text, "META003")
    assert d.fix.applicability is Applicability.UNSAFE
    assert fix(text, "META003").text == text


# -- META004: empty means nothing at all under the heading ------------------------------------


def test_meta004_a_highlights_section_holding_only_subsections_is_not_empty():
    text = "# 读书笔记\n\n## Highlights\n\n### 第一章\n\n## 感想\n\n内容。\n"
    assert codes(text, "META004") == []


def test_meta004_a_closing_thematic_break_is_not_template_scaffolding():
    text = "# Release notes\n\nThe last paragraph of the article.\n\n---\n"
    assert codes(text, "META004") == []
    assert fix(text, "META004", unsafe=True).text == text


def test_meta004_fix_message_names_the_heading():
    [d] = lint("# T\n\n## Highlights\n\n## Notes\n\nMine.\n", "META004")
    assert d.fix.message == "Remove the heading `## Highlights`"


# -- FM006: workflow fields are not defects --------------------------------------------------


def fm006_run(files: dict[str, str], options: dict | None = None) -> dict[str, list]:
    rule = EmptyValue()
    opts = {**EmptyValue.options, **(options or {})}
    facts = {path: json.loads(json.dumps(rule.collect(Document(text, path), opts))) for path, text in files.items()}
    found: dict[str, list] = {}
    for path, d in rule.check_corpus(facts, opts, CorpusContext()):
        found.setdefault(path, []).append(d)
    return found


UNREAD = "---\nid: 61e18cc9-6f22-4731-b208-c86f167f5133\nurl: https://www.zhihu.com/question/271260956\nstatus:\n---\n\n正文。\n"
READ = "---\nid: 8c95904a-66ae-4709-8aa7-88dae8ca7622\nurl: https://zhuanlan.zhihu.com/p/649017215\nstatus: readed\n---\n\n正文。\n"


def test_fm006_a_key_blank_here_and_filled_elsewhere_is_a_workflow_field():
    assert fm006_run({"unread.md": UNREAD, "read.md": READ}) == {}


def test_fm006_a_blank_key_no_file_fills_is_reported():
    [d] = fm006_run({"unread.md": UNREAD, "other.md": UNREAD.replace("61e18cc9", "71e18cc9")})["unread.md"]
    assert d.message == "'status' is empty" and d.fix.applicability is Applicability.UNSAFE


def test_fm006_report_empty_lists_keys_reported_either_way():
    found = fm006_run({"unread.md": UNREAD, "read.md": READ}, {"report-empty": ["status"]})
    assert [d.message for d in found["unread.md"]] == ["'status' is empty"]


def test_fm006_placeholders_stay_reported_when_other_files_fill_the_key():
    raindrop = (
        "---\ntitle: Last Week in Security\ndescription: |-\n  null\nsource: https://blog.example.com/lwis\n---\n"
    )
    filled = "---\ntitle: Tiny XSS Payloads\ndescription: A list of short payloads.\n---\n"
    [d] = fm006_run({"raindrop.md": raindrop, "filled.md": filled})["raindrop.md"]
    assert "placeholder text 'null'" in d.message


def test_fm006_a_suppression_comment_still_holds_for_the_corpus_rule():
    text = "---\nauthor:\n---\n\n<!-- omnilint-disable-file FM006 -->\n\nBody.\n"
    assert fm006_run({"a.md": text}) == {}


# -- LNK007 / LNK008 --------------------------------------------------------------------------


def test_lnk007_regex_classes_in_code_like_text_are_not_footnotes():
    text = (
        '提取所有链接时，用 grep -o \'"url":"[^"]*"\' response.json 就够了。\n\n'
        "Split on commas with the class [^,]+ and trim each part.\n\n"
        "真正的脚注[^1]没有定义。\n"
    )
    assert codes(text, "LNK007") == [("LNK007", 5)]


def test_lnk008_footnotes_are_never_removed_even_with_unsafe_fixes():
    text = (
        "我的读书笔记。\n\n"
        "[^mine]: 参见 [[卡片盒笔记法]] 和 [[2024-04-05 周报]]。\n\n"
        "[^old]: An English note of my own, pointing at [[Zettelkasten]].\n"
    )
    found = lint(text, "LNK008")
    assert len(found) == 2 and all(d.fix is None for d in found)
    assert fix(text, "LNK008", unsafe=True).text == text


# -- LNK001: an exporter line goes whole, or stays -------------------------------------------

PDF_EXPORT = """# C++面向对象高效编程第2版
#Omnivore

[Read on Omnivore](https://omnivore.app/me/u-0-c-9-ea-094-pdf-18ebb1c1671)
[Read Original](https://omnivore.app/attachments/u/0c9ea094-f53f-11ee-9433-bbb82ea262b6/C2.pdf)

## Highlights

> 封装是面向对象的第一步。
"""


def test_lnk001_never_leaves_the_words_of_an_exporter_line_behind():
    result = fix(PDF_EXPORT, "LNK001", "FMT003", unsafe=True)  # FMT003: the two removals' blank lines
    assert "Read on Omnivore" not in result.text and "Read Original" not in result.text
    assert result.text == "# C++面向对象高效编程第2版\n#Omnivore\n\n## Highlights\n\n> 封装是面向对象的第一步。\n"


def test_lnk001_exporter_lines_are_removed_only_as_unsafe_fixes():
    # No copy of their words stays, so a safe fix may not remove them (issue 12).
    found = {d.line: d for d in lint(PDF_EXPORT, "LNK001")}
    assert found[4].fix.applicability is Applicability.UNSAFE
    assert found[5].fix.applicability is Applicability.UNSAFE
    assert found[5].fix.message.startswith("Remove the line `[Read Original](https://omnivore.app/attachments/")
    assert fix(PDF_EXPORT, "LNK001").text == PDF_EXPORT


def test_lnk001_an_exporter_line_that_cannot_go_whole_has_no_fix():
    text = "Intro.\n\n[Read on Omnivore](https://omnivore.app/me/x-1)\n    continued\n"
    [d] = lint(text, "LNK001")
    assert d.fix is None
    assert fix(text, "LNK001", unsafe=True).text == text


def test_meta002_never_copies_a_dead_url_into_the_front_matter():
    text = "---\ntitle: C++面向对象高效编程第2版\n---\n\n" + PDF_EXPORT
    assert codes(text, "META002") == []
    assert "url:" not in fix(text, "META002", unsafe=True).text


# -- FMT004: zero-width characters keep tokens apart -----------------------------------------


def test_fmt004_zero_width_spaces_between_numbers_become_a_space():
    text = "赞同 491\u200b\u200b41 条评论\n"
    [d] = lint(text, "FMT004")
    assert d.fix.message == "Replace the zero-width space (and 1 more) between '1' and '4' with a space"
    assert fix(text, "FMT004").text == "赞同 491 41 条评论\n"


def test_fmt004_zero_width_space_between_words_becomes_a_space_elsewhere_it_goes():
    text = "Read the saved\u200barticle\u200b. 知乎\u200b，保存。\n"
    assert fix(text, "FMT004").text == "Read the saved article. 知乎，保存。\n"


def test_fmt004_a_word_joiner_joins_so_it_is_removed():
    assert fix("co\u2060operate\n", "FMT004").text == "cooperate\n"


def test_fm006_through_the_command_line_keeps_the_workflow_key_and_fixes_the_rest(tmp_path):
    import subprocess
    import sys

    (tmp_path / "unread.md").write_text(UNREAD.replace("status:\n", "status:\nauthor:\npublished:\n"), encoding="utf-8")
    (tmp_path / "read.md").write_text(READ, encoding="utf-8")
    base = [sys.executable, "-m", "omnilint"]
    check = subprocess.run(
        [*base, "check", "--select", "FM006", "--no-cache", "--output-format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert [d["message"] for d in json.loads(check.stdout)] == ["'author' is empty", "'published' is empty"]
    subprocess.run(
        [*base, "fix", "--select", "FM006", "--write", "--unsafe-fixes", "--no-cache", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (tmp_path / "unread.md").read_text(encoding="utf-8") == UNREAD  # both keys went in one run
    assert (tmp_path / "read.md").read_text(encoding="utf-8") == READ


def test_fm006_documented_example_is_reported_and_its_fix_gives_the_good_one():
    # test_rule_docs runs per-file rules only; FM006 is a corpus rule now.
    from conftest import docstring_examples

    bad, good = docstring_examples(EmptyValue)
    found = fm006_run({"a.md": bad})["a.md"]
    assert [d.message for d in found] == ["'description' holds the placeholder text 'null'", "'author' is empty"]
    assert fm006_run({"a.md": good}) == {}
    edits = sorted((e for d in found for e in d.fix.edits), key=lambda e: e.start, reverse=True)
    for e in edits:
        bad = bad[: e.start] + e.content + bad[e.end :]
    assert bad == good


def test_meta002_never_moves_a_dead_url_property_into_the_front_matter():
    text = "---\ntitle: 汇编语言\n---\n\nomnivore_url:: https://omnivore.app/me/assembly-18eb68c09dd\n\n正文。\n"
    assert codes(text, "META002") == []
    alive = text.replace("https://omnivore.app/me/assembly-18eb68c09dd", "https://zh.wikipedia.org/wiki/汇编语言")
    assert codes(alive, "META002") == [("META002", 5)]
