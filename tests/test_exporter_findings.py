"""Issue 14, item 5: exporter defects that were not reported at all.

GIT001 merge-conflict markers, FM014 flattened front matter, META005 empty template
scaffolding, META003's title repeated as a paragraph, LNK012 a link destination cut short
by `)`, META006 an article with nothing saved.  Fixtures: tests/fixtures/exporter_findings/
(our own text, shaped like the real files of issue 14).
"""

from __future__ import annotations

import yaml
from conftest import ROOT, fix, lint

from omnilint.document import Document
from omnilint.markdown import render_html
from omnilint.model import Applicability, Severity

FIXTURES = ROOT / "tests" / "fixtures" / "exporter_findings"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def codes(text: str, code: str, path: str | None = None) -> list:
    return [d for d in lint(text, code, path=path) if d.code == code]


# -- GIT001 merge-conflict-marker ---------------------------------------------------------------


def test_git001_reports_a_tab_indented_conflict_in_a_logseq_page_once_as_an_error():
    found = codes(read("logseq-conflict.md"), "GIT001")
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR and found[0].fix is None
    assert found[0].data == {"lines": [5, 8, 11]}
    assert (found[0].line, found[0].end_line) == (5, 11)


def test_git001_reports_each_complete_conflict_at_column_zero():
    text = "# 笔记\n\n<<<<<<< HEAD\n甲\n=======\n乙\n>>>>>>> 1a2b3c4\n\ntext\n\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> main\n"
    assert [d.line for d in codes(text, "GIT001")] == [3, 11]


def test_git001_reports_a_diff3_conflict_with_its_base_part():
    text = "<<<<<<< ours\na\n||||||| base\no\n=======\nb\n>>>>>>> theirs\n"
    assert [d.data["lines"] for d in codes(text, "GIT001")] == [[1, 5, 7]]


def test_git001_leaves_setext_underlines_lone_markers_and_fenced_examples_alone():
    assert codes(read("setext-and-rules.md"), "GIT001") == []
    assert codes("Title\n=======\n\n>>>>>>> quoted\n", "GIT001") == []
    assert codes("<<<<<<< HEAD\na\n>>>>>>> main\n", "GIT001") == []  # no separator: not git's shape
    assert codes("=======\n<<<<<<< HEAD\n>>>>>>> main\n", "GIT001") == []  # out of order
    assert codes("<<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n", "GIT001") == []  # eight: not a marker


# -- FM014 flattened-front-matter ------------------------------------------------------------------


def test_fm014_restores_the_flattened_block_as_front_matter_with_an_unsafe_fix():
    text = read("garden-flattened.md")
    found = codes(text, "FM014")
    assert len(found) == 1 and found[0].line == 6 and found[0].end_line == 11
    assert found[0].fix is not None and found[0].fix.applicability is Applicability.UNSAFE
    assert fix(text, "FM014").text == text  # unsafe: not applied by default
    fixed = fix(text, "FM014", unsafe=True).text
    doc = Document(fixed)
    assert doc.meta == {
        "Date": __import__("datetime").date(2024, 5, 2),
        "Author": "Ada Lovelace",
        "Tags": ["#Type/Article", "#Topic/水文"],
        "Aliases": ["Rivers and seas"],
    }
    body = fixed[doc.body_start :]
    assert body.startswith(
        "# 河流与海洋\n#Omnivore\n\n[Read Original](https://garden.example.net/notes/rivers)\n\n河流"
    )
    assert "---" not in body and "Author" not in body
    assert codes(fixed, "FM014") == []


def test_fm014_with_front_matter_already_there_reports_without_a_fix():
    text = "---\nid: 1\n---\n\n" + read("garden-flattened.md")
    found = codes(text, "FM014")
    assert len(found) == 1 and found[0].fix is None


def test_fm014_list_values_under_a_key_become_a_yaml_list():
    text = "# Rivers\n\n---\nTitle: Rivers\nAuthor: Ada\nTags:\n- hydrology\n- 河流\n---\n\nText.\n"
    fixed = fix(text, "FM014", unsafe=True).text
    assert yaml.safe_load(fixed.split("---\n")[1]) == {
        "Title": "Rivers",
        "Author": "Ada",
        "Tags": ["hydrology", "河流"],
    }


def test_fm014_leaves_rules_around_prose_few_keys_and_late_blocks_alone():
    # A thematic break then prose.
    assert codes("# T\n\n---\n\nSome prose here, then a rule.\n\n---\n", "FM014") == []
    # Two plain keys between rules, no trace of flattening: could be the article's own.
    assert codes("# T\n\n---\nDate: 2024-05-02\nAuthor: Ada\n---\n\nText.\n", "FM014") == []
    # Keys that are not metadata.
    assert codes("# T\n\n---\nStep: one\nResult: two\nNext: three\n---\n", "FM014") == []
    # After the article's content started, a rule and keys belong to the article.
    late = "# T\n\nThe article begins here.\n\n---\nDate: 2024\nAuthor: Ada\nTags: a\n---\n"
    assert codes(late, "FM014") == []
    # In a code block: an example.
    fenced = "# T\n\n```\n---\nDate: 2024\nAuthor: Ada\nTags: a\n---\n```\n"
    assert codes(fenced, "FM014") == []


# -- META005 empty-template-scaffolding ---------------------------------------------------------


def test_meta005_reports_a_null_summary_callout_and_a_dangling_by_in_a_raindrop_file():
    text = read("raindrop-null-summary.md")
    found = codes(text, "META005")
    assert [(d.line, d.fix.applicability) for d in found] == [(9, Applicability.UNSAFE), (13, Applicability.UNSAFE)]
    assert "placeholder `null`" in found[1].message
    assert fix(text, "META005").text == text  # unsafe: not applied by default
    fixed = fix(text, "META005", unsafe=True).text
    assert "# Last Week in Rivers - 2025-10-20\n" in fixed
    assert "[!summary]" not in fixed and "null" not in fixed
    assert fixed.endswith(
        "rivers-10-20.png)\n\nFlood gauges on the Rhine were upgraded this week, and the new readings are public.\n"
    )


def test_meta005_empty_callout_is_reported_with_an_unsafe_fix():
    text = "# 河流\n\n> [!summary]\n\n正文。\n"
    [d] = codes(text, "META005")
    assert d.message == "Empty callout `> [!summary]`" and d.fix.applicability is Applicability.UNSAFE
    assert fix(text, "META005", unsafe=True).text == "# 河流\n\n正文。\n"


def test_meta005_leaves_titled_and_filled_callouts_alone():
    assert codes("> [!note] Read later\n\ntext\n", "META005") == []
    assert codes("> [!summary]+\n> > A quoted summary.\n\ntext\n", "META005") == []
    assert codes("> [!summary]\n> Rivers carry water.\nand lazy text\n", "META005") == []
    assert codes("> [!todo]\n> none\n", "META005") == []  # a person may answer "none"


def test_meta005_dangling_by_needs_the_title_plus_by_and_no_author():
    # The title from the file name.
    [d] = codes("# 河流 by\n\n正文。\n", "META005", path="notes/河流.md")
    assert d.fix.applicability is Applicability.UNSAFE
    assert fix("# 河流 by\n\n正文。\n", "META005", path="notes/河流.md", unsafe=True).text == "# 河流\n\n正文。\n"
    # A title that really ends in "by".
    assert codes("# Stand by\n\nText.\n", "META005", path="Stand by.md") == []
    assert codes("---\ntitle: Stand by\n---\n# Stand by\n", "META005") == []
    # The author is known: the heading says something else.
    assert codes("---\ntitle: Rivers\nauthor: Ada\n---\n# Rivers by\n", "META005") == []
    # Not the title: a heading of the article.
    assert codes("---\ntitle: Rivers\n---\n# Rivers\n\nText.\n\n## Written by\n", "META005") == []


# -- META006 empty-article ----------------------------------------------------------------------


def test_meta006_reports_an_omnivore_article_with_only_its_header_as_info():
    [d] = codes(read("omnivore-empty-zh.md"), "META006")
    assert d.severity is Severity.INFO and d.fix is None and d.line == 9


def test_meta006_leaves_articles_with_highlights_or_text_alone():
    assert codes(read("omnivore-with-highlight-zh.md"), "META006") == []
    assert codes(read("raindrop-null-summary.md"), "META006") == []


def test_meta006_needs_a_saved_article_not_a_stub_note():
    assert codes("# 待办\n\n#todo\n", "META006") == []
    assert codes("---\ntitle: Rivers\n---\n# Rivers\n", "META006") == []
    # Front matter with the article URL and no body at all.
    [d] = codes("---\nurl: https://example.com/rivers\n---\n", "META006")
    assert d.line == 4


# -- LNK012 truncated-link-destination ----------------------------------------------------------


def _hrefs(text: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]*)"', render_html(text))


def test_lnk012_fixes_the_read_original_line_so_the_link_points_at_the_whole_url():
    text = read("leetcode-read-original.md")
    [d] = codes(text, "LNK012")
    assert d.line == 10 and d.fix is not None and d.fix.applicability is Applicability.UNSAFE
    assert "https://example.com/LeetCode-Journal/3" in _hrefs(text)
    assert fix(text, "LNK012").text == text
    fixed = fix(text, "LNK012", unsafe=True).text
    assert "[Read Original](<https://example.com/LeetCode-Journal/3)-Is-Palindrome>)\n" in fixed
    assert "https://example.com/LeetCode-Journal/3)-Is-Palindrome" in _hrefs(fixed)
    assert codes(fixed, "LNK012") == []
    assert fixed.replace("(<https://example.com/LeetCode-Journal/3)-Is-Palindrome>)", "") == text.replace(
        "(https://example.com/LeetCode-Journal/3)-Is-Palindrome)", ""
    )


def test_lnk012_link_text_equal_to_the_full_url_makes_the_url_certain():
    text = "见 [https://example.com/a_(b)c)d](https://example.com/a_(b)c)d) 一文。\n"
    [d] = codes(text, "LNK012")
    assert d.fix is not None
    assert "https://example.com/a_(b)c)d" in _hrefs(fix(text, "LNK012", unsafe=True).text)


def test_lnk012_uncertain_shape_is_reported_without_a_fix():
    [d] = codes("See [the post](https://example.com/journal/3)-Is-Palindrome) today.\n", "LNK012")
    assert d.fix is None


def test_lnk012_leaves_parentheses_of_prose_alone():
    assert codes("(see [the post](https://example.com/a)'s end)\n", "LNK012") == []
    assert codes("(see [the post](https://example.com/a)).\n", "LNK012") == []
    assert codes("参见[链接](https://example.com/a)的说明)\n", "LNK012") == []
    assert codes("[ok](<https://example.com/a)b>) fine\n", "LNK012") == []
    assert codes("`[x](https://example.com/a)b)`\n", "LNK012") == []


# -- LNK010 tracking-url on front-matter URL fields (item 4) -------------------------------------


def test_lnk010_front_matter_url_with_readwise_location_is_fixed_inside_the_plain_scalar():
    text = "---\nauthor: STAR Labs\nurl: https://example.com/advisories/24/24-6781/?__readwiseLocation=\ncreated: 2025-04-24\n---\n# Calibre\n"
    [d] = codes(text, "LNK010")
    assert d.line == 3 and d.message == "Front-matter `url`: URL has tracking parameters (__readwiseLocation)"
    assert d.fix.applicability is Applicability.SAFE
    assert fix(text, "LNK010").text == text.replace("?__readwiseLocation=", "")


def test_lnk010_malformed_second_question_mark_is_repaired_when_only_tracking_differs():
    text = "---\nurl: https://www.youtube.com/watch?v=oyzt0r79kns&list=WL&index=6?__readwiseLocation=\n---\n"
    assert fix(text, "LNK010").text == "---\nurl: https://www.youtube.com/watch?v=oyzt0r79kns&list=WL&index=6\n---\n"
    body = "[Intro](https://www.youtube.com/watch?v=wVyu7NB7W6Y?__readwiseLocation=&utm_source=rss)\n"
    assert fix(body, "LNK010").text == "[Intro](https://www.youtube.com/watch?v=wVyu7NB7W6Y)\n"
    # A second `?` that carries a real parameter is not ours to judge.
    odd = "[a](https://example.com/p?id=7?page=2)\n"
    assert codes(odd, "LNK010") == []


def test_lnk010_quoted_front_matter_values_keep_their_quotes():
    text = (
        '---\nsource: "https://example.com/post?id=7&utm_source=newsletter"\n'
        "original-url: 'https://example.com/文章?utm_medium=email&lang=zh'\n"
        "canonical: https://example.com/ok\n---\n"
    )
    found = codes(text, "LNK010")
    assert [d.line for d in found] == [2, 3]
    fixed = fix(text, "LNK010").text
    assert fixed == (
        '---\nsource: "https://example.com/post?id=7"\n'
        "original-url: 'https://example.com/文章?lang=zh'\n"
        "canonical: https://example.com/ok\n---\n"
    )
    assert yaml.safe_load(fixed.split("---\n")[1])["source"] == "https://example.com/post?id=7"


def test_lnk010_leaves_other_front_matter_keys_and_clean_urls_alone():
    text = '---\ntitle: "https://example.com/?utm_source=x"\nurl: https://example.com/post?id=7\n---\n'
    assert codes(text, "LNK010") == []


# -- META003 title repeated as a paragraph -------------------------------------------------------


def test_meta003_reports_the_title_repeated_as_a_paragraph_under_the_header():
    text = (
        "---\ntitle: 河流与海洋 - 知乎\n---\n\n# 河流与海洋 - 知乎\n#Omnivore\n\n"
        "[Read Original](https://zhuanlan.zhihu.com/p/1)\n\n河流与海洋\n\n河流把水带到海洋。\n"
    )
    [d] = codes(text, "META003")
    assert d.line == 10 and d.message == "Paragraph repeats the document title"
    assert d.fix.applicability is Applicability.SAFE
    assert fix(text, "META003").text == text.replace("河流与海洋\n\n河流把", "河流把")


def test_meta003_paragraph_equal_to_the_title_further_down_or_with_a_link_is_the_articles():
    later = "---\ntitle: Rivers\n---\n# Rivers\n\nRivers carry water.\n\nRivers\n"
    assert codes(later, "META003") == []
    linked = "---\ntitle: Rivers\n---\n# Rivers\n\n[Rivers](https://example.com/rivers) and more\n"
    assert codes(linked, "META003") == []


def test_git001_finds_a_conflict_in_a_crlf_file_and_in_front_matter():
    crlf = "# 笔记\r\n\r\n<<<<<<< HEAD\r\n甲\r\n=======\r\n乙\r\n>>>>>>> 1a2b3c4\r\n"
    assert [d.data["lines"] for d in codes(crlf, "GIT001")] == [[3, 5, 7]]
    front = "---\n<<<<<<< HEAD\ntitle: A\n=======\ntitle: B\n>>>>>>> main\n---\n# A\n"
    assert [d.line for d in codes(front, "GIT001")] == [2]


def test_meta006_omnivore_placeholder_text_is_no_content():
    text = (
        "---\nid: 1940bfcb\nurl: https://blog.example.com/emanlee/8206920\n---\n\ntags:: \n\n"
        "# https://blog.example.com/emanlee/8206920\n#Omnivore\n\n"
        "[Read Original](https://blog.example.com/emanlee/8206920)\n\nYour link is being saved...\n"
    )
    assert len(codes(text, "META006")) == 1
    assert codes(text.replace("Your link is being saved...", "The saved text."), "META006") == []


def test_git001_reports_the_conflict_in_a_logseq_graph_too():
    from omnilint.rules.git.merge_conflict_marker import MergeConflictMarker

    doc = Document(read("logseq-conflict.md"), "pages/Reading queue.md", "logseq")
    assert [d.data["lines"] for d in MergeConflictMarker().check(doc, {})] == [[5, 8, 11]]


def test_lnk010_a_question_mark_inside_a_value_does_not_hide_other_tracking():
    text = "[s](https://example.com/search?q=why?&utm_source=feed)\n"
    assert fix(text, "LNK010").text == "[s](https://example.com/search?q=why?)\n"
