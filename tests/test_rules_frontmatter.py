"""Front-matter rules (FM001–FM013) on realistic exporter output.

Every fixture is written here, in the shapes REFERENCE.md §1 describes: Omnivore
1.2.2 (unquoted titles), 1.2.3 (quoted titles with inner quotes), 1.3.0 (`title: |`
block scalars), single-file list front matter, `omnivore_error`, Raindrop
(`description: |-` holding `null`, blank lines in lists), Web Clipper
(`tags: [clippings]`) and Obsidian templates with localised dates.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from conftest import SEED, fix, lint
from omnilint.rules.frontmatter.empty_value import EmptyValue

from omnilint.document import Document
from omnilint.rule import CorpusContext


def found(text: str, code: str, options: dict | None = None):
    return [d for d in lint(text, code, options={code: options} if options else None) if d.code == code]


def fixed(text: str, code: str, unsafe: bool = False, options: dict | None = None) -> str:
    result = fix(text, code, unsafe=unsafe, options={code: options} if options else None)
    assert not result.rejected, [r.reason for r in result.rejected]
    return result.text


def meta(text: str):
    front = Document(text).front_matter
    assert front is not None and front.parsed_ok, front and front.error
    return front.value


BODY = "\n# Heading\n\n#Omnivore\n\n[Read Original](https://example.com/a)\n"


# -- FM001 invalid YAML -------------------------------------------------------

OMNIVORE_122 = (
    "---\n"
    "id: 1c0cc6f8-4730-4030-8c81-129498b1d6e9\n"
    "title: Tiny Logger: write calmly\n"
    "date_saved: 2024-07-29 19:04:05\n"
    "---\n" + BODY
)


def test_fm001_unquoted_title_with_colon_is_reported_at_the_real_position():
    [d] = found(OMNIVORE_122, "FM001")
    assert (d.line, d.column) == (3, 19)  # the second ':' on the title line
    assert "not valid YAML" in d.message
    assert d.fix is not None and d.fix.applicability == "unsafe"


def test_fm001_repair_quotes_the_value_and_touches_nothing_else():
    assert fixed(OMNIVORE_122, "FM001") == OMNIVORE_122  # unsafe: not applied by default
    out = fixed(OMNIVORE_122, "FM001", unsafe=True)
    assert out == OMNIVORE_122.replace("title: Tiny Logger: write calmly", 'title: "Tiny Logger: write calmly"')
    assert meta(out)["title"] == "Tiny Logger: write calmly"


def test_fm001_column_counts_characters_not_bytes():
    text = "---\ntitle: 美中军方: 华尔街日报\n---\n"
    [d] = found(text, "FM001")
    assert (d.line, d.column) == (2, 12)


def test_fm001_quoted_title_with_inner_quotes_is_requoted_literally():
    text = (
        "---\n"
        "id: 042f334c-e3b0-11ee-9767-97bdd5c5fed5\n"
        'title: "Nat? "Nat." Nat! | #738 What\'s making me happy"\n'
        'author: "C:\\Users\\nat"\n'
        "---\n" + BODY
    )
    [d] = found(text, "FM001")
    assert d.line == 3
    out = fixed(text, "FM001", unsafe=True)
    assert meta(out)["title"] == 'Nat? "Nat." Nat! | #738 What\'s making me happy'
    assert out.count("\n") == text.count("\n")
    assert out.endswith("---\n" + BODY)


@pytest.mark.parametrize(
    "value",
    ["[Update] New release notes", "@dan said this", "`code` in titles", "> a quote", "- a dash", "*bold* move"],
)
def test_fm001_plain_value_starting_with_an_indicator_is_quoted(value):
    text = f"---\nid: a1\ntitle: {value}\nurl: https://example.com\n---\n"
    assert found(text, "FM001")
    out = fixed(text, "FM001", unsafe=True)
    assert meta(out) == {"id": "a1", "title": value, "url": "https://example.com"}


def test_fm001_multi_line_plain_value_at_column_0_is_joined():
    text = "---\nid: a1\ntitle: A very long title that the\ntemplate broke over two lines\nauthor: Ann\n---\n"
    [d] = found(text, "FM001")
    assert d.line == 4  # the continuation line, not the line after it
    out = fixed(text, "FM001", unsafe=True)
    assert out == "---\nid: a1\ntitle: A very long title that the template broke over two lines\nauthor: Ann\n---\n"


def test_fm001_value_cut_short_by_hash_is_reported_and_quoted():
    text = "---\nid: a1\ntitle: Weeknotes #12 (Week 32, 2024) | Olu Online\nnote: kept # a real comment\n---\n"
    [d] = found(text, "FM001")
    assert (d.line, d.column) == (3, 18)
    assert "'Weeknotes'" in d.message
    out = fixed(text, "FM001", unsafe=True)
    assert meta(out)["title"] == "Weeknotes #12 (Week 32, 2024) | Olu Online"
    assert "note: kept # a real comment\n" in out


def test_fm001_unrecognised_breakage_is_reported_without_a_fix():
    text = "---\nid: a1\ntags:\n  - a\n - b\n---\n"
    [d] = found(text, "FM001")
    assert d.fix is None


def test_fm001_toml_and_json_errors_are_at_the_right_line():
    toml = '+++\ntitle = "ok"\ndate = = 2024\n+++\n\nBody\n'
    [d] = found(toml, "FM001")
    assert (d.line, d.column) == (3, 8) and "TOML" in d.message
    json_text = '{\n  "title": "ok",\n  "tags": [x]\n}\n\nBody\n'
    [d] = found(json_text, "FM001")
    assert (d.line, d.column) == (3, 12) and "JSON" in d.message


def test_fm001_a_body_that_starts_with_a_brace_is_not_json_front_matter():
    assert not found("{% raw %}\ncode\n}\n", "FM001")


def test_fm001_valid_front_matter_is_quiet():
    text = '---\ntitle: "Tiny Logger: write calmly"\ntags: [clippings]\n---\n'
    assert not found(text, "FM001")


# -- FM002 unclosed -----------------------------------------------------------


def test_fm002_unclosed_front_matter():
    text = (
        "---\nid: 175e999e-d7e9-11ee-9fd2-9f3677ec3c2a\ntitle: Snapshot Testing - blag\n\n# Snapshot Testing\n\nText.\n"
    )
    [d] = found(text, "FM002")
    assert (d.line, d.column) == (1, 1) and d.fix is None
    assert not found(text, "FM001")


def test_fm002_a_thematic_break_at_the_top_is_not_front_matter():
    assert not found("---\n\n# Title\n\nText.\n", "FM002")
    assert not found("---\nJust a paragraph after a rule.\n", "FM002")


# -- FM003 duplicate keys -----------------------------------------------------


def test_fm003_equal_duplicate_is_removed_safely():
    text = "---\nid: a1\ntitle: JSON Web Tokens\ntags:\n  - RSS\ntitle: JSON Web Tokens\n---\n"
    [d] = found(text, "FM003")
    assert d.line == 6 and "also on line 3" in d.message
    assert d.fix.applicability == "safe"
    assert fixed(text, "FM003") == "---\nid: a1\ntags:\n  - RSS\ntitle: JSON Web Tokens\n---\n"


def test_fm003_different_duplicate_keeps_the_last_only_with_unsafe_fixes():
    text = "---\ntitle: |\n  Old title\nid: a1\ntitle: New title # the one PyYAML reads\n---\n"
    [d] = found(text, "FM003")
    assert d.fix.applicability == "unsafe"
    assert fixed(text, "FM003") == text
    out = fixed(text, "FM003", unsafe=True)
    assert out == "---\nid: a1\ntitle: New title # the one PyYAML reads\n---\n"
    assert meta(out) == meta(text)


def test_fm003_nested_duplicates_are_found():
    text = "---\nraindrop_highlights:\n  6966: a\n  6967: b\n  6966: a\n---\n"
    [d] = found(text, "FM003")
    assert d.line == 5
    assert fixed(text, "FM003") == "---\nraindrop_highlights:\n  6967: b\n  6966: a\n---\n"


# -- FM004 block scalars -------------------------------------------------------


def test_fm004_on_the_seed_title_and_author():
    text = SEED.read_text(encoding="utf-8")
    lines = [d.line for d in found(text, "FM004")]
    assert lines == [3, 5]


def test_fm004_seed_fix_with_the_cli_keeps_the_rest_byte_identical(tmp_path):
    from omnilint.cli import main

    path = tmp_path / "seed.md"
    shutil.copyfile(SEED, path)
    original = SEED.read_text(encoding="utf-8")
    assert main(["fix", "--write", "--no-cache", "--select", "FM004", str(path)]) in (0, 1)
    after = path.read_text(encoding="utf-8")
    old_meta, new_meta = meta(original), meta(after)
    assert new_meta["title"] == old_meta["title"][:-1] and not new_meta["title"].endswith("\n")
    assert new_meta["author"] == "Gordon Lubold"
    expected = original.replace(
        "title: |\n  美中军方在中断交流一年多后恢复对话 - 华尔街日报\n",
        "title: 美中军方在中断交流一年多后恢复对话 - 华尔街日报\n",
    ).replace("author: |\n  Gordon Lubold\n", "author: Gordon Lubold\n")
    assert after == expected


@pytest.mark.parametrize(
    "value, written",
    [
        ("Tiny Logger: write calmly", '"Tiny Logger: write calmly"'),
        ("Nat? Nat. Nat! | #738 happy", '"Nat? Nat. Nat! | #738 happy"'),
        ("yes", '"yes"'),
        ("2024-01-01", '"2024-01-01"'),
        ("1:30", '"1:30"'),
        ("null", '"null"'),
        ('He said "hi"', 'He said "hi"'),
        ('"Quoted" start', "'\"Quoted\" start'"),
        ("[Update] news", '"[Update] news"'),
        (
            "派早报：Beats Studio Pro 推出 Kim 特别版新配色等 - 少数派",
            "派早报：Beats Studio Pro 推出 Kim 特别版新配色等 - 少数派",
        ),
        ("维客笔记A better you，A bigger world！", "维客笔记A better you，A bigger world！"),
    ],
)
def test_fm004_plain_only_when_plain_means_the_same(value, written):
    text = f"---\nid: a1\ntitle: |\n  {value}\ntags:\n  - RSS\n---\n"
    out = fixed(text, "FM004")
    assert out == f"---\nid: a1\ntitle: {written}\ntags:\n  - RSS\n---\n"
    assert meta(out)["title"] == value


def test_fm004_folded_scalar_and_trailing_spaces_and_crlf():
    text = "---\r\ntitle: >\r\n  Spaces kept  \r\nid: a1\r\n---\r\n"
    [d] = found(text, "FM004")
    assert d.line == 2
    out = fixed(text, "FM004")
    assert out == '---\r\ntitle: "Spaces kept  "\r\nid: a1\r\n---\r\n'


def test_fm004_leaves_real_block_scalars_and_strip_chomping_alone():
    text = "---\nsummary: |\n  Line one\n  Line two\ndescription: |-\n  One line, no newline\n---\n"
    assert not found(text, "FM004")


def test_fm004_nested_block_scalar_in_a_list():
    text = "---\nauthors:\n  - |\n    Ann Lee\n  - Bo\n---\n"
    assert fixed(text, "FM004") == "---\nauthors:\n  - Ann Lee\n  - Bo\n---\n"


# -- FM005 not a mapping --------------------------------------------------------


def test_fm005_single_file_mode_list():
    text = (
        "---\n"
        "- id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f\n"
        "  title: Blair Frandeen\n"
        "- id: 7d838430-12fb-11ef-b25a-c3f818ef8a8a\n"
        "  title: Recurse Center Return Statement\n"
        "---\n\n%%5a10ad8c-0d99-11ef-9ccf-87911ceebd3f_start%%\n# Blair Frandeen\n%%5a10ad8c-0d99-11ef-9ccf-87911ceebd3f_end%%\n"
    )
    [d] = found(text, "FM005")
    assert d.line == 2 and "list of 2 items" in d.message and "single-file" in d.message


def test_fm005_scalar_and_empty_front_matter():
    assert "single str" in found("---\njust some text\n---\n", "FM005")[0].message
    assert not found("---\n---\n\nBody\n", "FM005")


# -- FM006 empty values ---------------------------------------------------------

RAINDROP = (
    "---\n"
    "raindrop_id: 1540824848\n"
    "raindrop_highlights:\n"
    "  696641ee6f63c001bef6765a: ac8da68d18c269a2eb35629720d3f659\n"
    'title: "Last Week in Security (LWiS) - 2026-01-12"\n'
    "\n"
    "description: |-\n"
    "  null\n"
    "\n"
    "source: https://blog.badsectorlabs.com/last-week-in-security-lwis-2026-01-12.html\n"
    "\n"
    "created: 2026-01-13\n"
    "sync-date: 1769114384119\n"
    "tags:\n"
    '  - "_index"\n'
    "\n"
    " \n"
    '  - "tech-newsletters" \n'
    '  - "labs" \n'
    "\n"
    "---\n"
    "# Last Week in Security (LWiS) - 2026-01-12\n"
)


def fm006_run(files: dict[str, str], options: dict | None = None) -> dict[str, list]:
    """FM006 over a run of files, as the runner drives a corpus rule (facts go through JSON)."""
    rule = EmptyValue()
    opts = {**EmptyValue.options, **(options or {})}
    facts = {path: json.loads(json.dumps(rule.collect(Document(text, path), opts))) for path, text in files.items()}
    found: dict[str, list] = {}
    for path, d in rule.check_corpus(facts, opts, CorpusContext()):
        found.setdefault(path, []).append(d)
    return found


def fm006(text: str, options: dict | None = None) -> list:
    return fm006_run({"a.md": text}, options).get("a.md", [])


def fm006_fixed(text: str, options: dict | None = None) -> str:
    edits = sorted((e for d in fm006(text, options) if d.fix for e in d.fix.edits), key=lambda e: e.start, reverse=True)
    for e in edits:
        text = text[: e.start] + e.content + text[e.end :]
    return text


def test_fm006_raindrop_null_description():
    [d] = fm006(RAINDROP)
    assert d.line == 7 and "'null'" in d.message and d.fix.applicability == "unsafe"
    out = fm006_fixed(RAINDROP)
    assert "description" not in meta(out)
    assert out == RAINDROP.replace("description: |-\n  null\n\n", "")


def test_fm006_empty_values_and_placeholders():
    text = (
        "---\n"
        "title: Methods to Bypass OTP\n"
        "author:\n"
        "published: ''\n"
        "description: ~\n"
        "summary: null\n"
        "source: unknown\n"
        "status: N/A\n"
        "tags: []\n"
        "draft: false\n"
        "count: 0\n"
        "---\n"
    )
    assert [d.line for d in fm006(text)] == [3, 4, 5, 6, 7, 8]
    assert [d.line for d in fm006(text, {"placeholders": ["unknown"]})] == [3, 4, 5, 6, 7]
    assert [d.line for d in fm006(text, {"allow-empty": ["author", "status"]})] == [4, 5, 6, 7]
    # Neighbouring keys' removals touch without overlapping: one pass removes them all.
    assert meta(fm006_fixed(text)) == {"title": "Methods to Bypass OTP", "tags": [], "draft": False, "count": 0}


def test_fm006_unsafe_fix_removes_only_the_key():
    text = "---\nid: a1\nauthor:\nurl: https://example.com\n---\nBody\n"
    [d] = fm006(text)
    assert d.fix.applicability == "unsafe" and d.fix.message == "Remove the 'author' key (line 3)"
    assert fm006_fixed(text) == "---\nid: a1\nurl: https://example.com\n---\nBody\n"


# -- FM007 dates ----------------------------------------------------------------

OBSIDIAN_ZH = (
    "---\n"
    "id: 210ec59e-8112-4676-aa87-d7444e6a4593\n"
    "created: 星期五, 九月 20日 2024, 5:59:49 下午\n"
    "updated: 星期四, 七月 10日 2025, 1:25:36 下午\n"
    "url: https://www.zhihu.com/question/527764298/answer/2449644130\n"
    "---\n"
)


def test_fm007_localised_dates_are_reported_and_rewritten():
    found_ = found(OBSIDIAN_ZH, "FM007")
    assert [(d.line, d.column) for d in found_] == [(3, 10), (4, 10)]
    assert all(d.fix and d.fix.applicability == "safe" for d in found_)
    out = fixed(OBSIDIAN_ZH, "FM007")
    assert out == (
        OBSIDIAN_ZH.replace("星期五, 九月 20日 2024, 5:59:49 下午", "2024-09-20T17:59:49").replace(
            "星期四, 七月 10日 2025, 1:25:36 下午", "2025-07-10T13:25:36"
        )
    )


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2024-01-01 (UTC+8)", "2024-01-01"),
        ("2024-01-01 10:30:00 (UTC+8)", "2024-01-01T10:30:00+08:00"),
        ("2024年9月20日", "2024-09-20"),
        ("2024年9月20日 下午5:59", "2024-09-20T17:59:00"),
        ("星期日, 十二月 1日 2024, 12:05:00 凌晨", "2024-12-01T00:05:00"),
        ("星期一, 十二月 2日 2024, 12:30:00 中午", "2024-12-02T12:30:00"),
    ],
)
def test_fm007_unambiguous_forms_are_fixed(value, iso):
    text = f"---\ndate: {value}\n---\n"
    assert fixed(text, "FM007") == f"---\ndate: {iso}\n---\n"


def test_fm007_quoting_style_is_kept():
    text = '---\npublished: "2024-01-01 (UTC+8)"\n---\n'
    assert fixed(text, "FM007") == '---\npublished: "2024-01-01"\n---\n'


def test_fm007_contradicting_weekday_gets_no_fix():
    [d] = found("---\ncreated: 星期六, 九月 20日 2024, 5:59:49 下午\n---\n", "FM007")
    assert d.fix is None


def test_fm007_readable_dates_numbers_and_other_keys_are_quiet_by_default():
    text = (
        "---\n"
        "date_saved: 2023-12-21 19:33:03\n"
        "date_published: 2024-05-08 16:30:43\n"
        "created: 1761288574585\n"
        "published: September 20, 2024\n"
        "updated: 09/20/2024\n"
        "date: 2024-11-30T11:06:39+08:00\n"
        "title: 星期五 的 故事\n"
        "status: 2024年\n"
        "---\n"
    )
    assert not found(text, "FM007")


def test_fm007_date_format_option():
    text = "---\ndate_saved: 2023-12-21 19:33:03\npublished: September 20, 2024\nupdated: 05/06/2024\ncreated: 2024-01-01\n---\n"
    result = found(text, "FM007", {"date-format": "iso8601"})
    assert [d.line for d in result] == [2, 3, 4]
    assert result[2].fix is None  # May 6 or June 5?
    out = fixed(text, "FM007", options={"date-format": "iso8601"})
    assert (
        out
        == "---\ndate_saved: 2023-12-21T19:33:03\npublished: 2024-09-20\nupdated: 05/06/2024\ncreated: 2024-01-01\n---\n"
    )
    assert meta(out)["date_saved"] == meta(text)["date_saved"]
    date_only = found(text, "FM007", {"date-format": "date"})
    assert [d.line for d in date_only] == [2, 3, 4] and date_only[0].fix is None


def test_fm007_unknown_date_format_is_a_configuration_error():
    from omnilint.config import ConfigError

    with pytest.raises(ConfigError, match="'date-format' of FM007 must be one of '', 'iso8601', 'date'"):
        found("---\ndate: 2024-01-01\n---\n", "FM007", {"date-format": "dd.mm.yyyy"})


# -- FM008 ambiguous scalars --------------------------------------------------------


def test_fm008_values_read_differently_by_yaml_11_and_12():
    text = "---\ndraft: no\npinned: On\nmode: 0777\nduration: 1:30\nsize: 1_000\nhash: 123e4567\nok: true\nn: 42\nd: 2024-01-01\nq: 'yes'\n---\n"
    result = found(text, "FM008")
    assert [d.line for d in result] == [2, 3, 4, 5, 6, 7]
    assert "boolean false" in result[0].message and "text 'no'" in result[0].message
    out = fixed(text, "FM008")
    assert out == text.replace("no\n", '"no"\n', 1).replace("On", '"On"').replace("0777", '"0777"').replace(
        "1:30", '"1:30"'
    ).replace("1_000", '"1_000"').replace("123e4567", '"123e4567"')
    assert meta(out)["draft"] == "no" and meta(out)["ok"] is True


def test_fm008_inside_lists():
    text = "---\ntags: [yes, reading]\n---\n"
    assert fixed(text, "FM008") == '---\ntags: ["yes", reading]\n---\n'


# -- FM009 schema -------------------------------------------------------------------


def test_fm009_reports_nothing_without_configuration():
    assert not found("---\nfoo: 1\n---\n", "FM009")
    assert not found("No front matter.\n", "FM009")


def test_fm009_required_and_types():
    text = "---\nid: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f\ntags: RSS\ncount: '3'\ndate_saved: 2024-05-08 16:30:43\nstatus:\n---\n"
    options = {
        "required": ["id", "title"],
        "types": {"tags": "list", "count": "integer", "date_saved": "date", "status": "string"},
    }
    result = found(text, "FM009", options)
    messages = [(d.line, d.message) for d in result]
    assert (1, "Required key 'title' is missing") in messages
    assert any(line == 3 and "'tags' should be a list, not a text" in m for line, m in messages)
    assert any(line == 4 and "'count' should be a integer" in m for line, m in messages)
    assert len(result) == 3  # the date is fine; the empty status is FM006's business


def test_fm009_missing_front_matter_with_required_keys():
    [d] = found("# Just a note\n", "FM009", {"required": ["id"]})
    assert "No front matter" in d.message


def test_fm009_json_schema(tmp_path, monkeypatch):
    schema = tmp_path / "schemas" / "article.json"
    schema.parent.mkdir()
    schema.write_text(
        '{"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "pattern": "^[0-9a-f-]{36}$"},'
        ' "tags": {"type": "array", "items": {"type": "string"}}}}',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    text = "---\nid: not-a-uuid\ntags:\n  - RSS\n  - 2024\n---\n"
    result = found(text, "FM009", {"schema": "schemas/article.json"})
    assert [(d.line, d.message.split(":")[0]) for d in result] == [(2, "JSON Schema"), (3, "JSON Schema")]
    assert "tags/1" in result[1].message
    assert not found(
        "---\nid: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f\n---\n", "FM009", {"schema": "schemas/article.json"}
    )


def test_fm009_unreadable_schema_and_missing_library(tmp_path, monkeypatch):
    from omnilint.rules.frontmatter import schema as schema_module

    monkeypatch.chdir(tmp_path)
    [d] = found("---\nid: a\n---\n", "FM009", {"schema": "nope.json"})
    assert "Cannot read the JSON Schema" in d.message
    (tmp_path / "s.json").write_text("{}", encoding="utf-8")
    schema_module._validator.cache_clear()
    monkeypatch.setitem(__import__("sys").modules, "jsonschema", None)
    [d] = found("---\nid: a\n---\n", "FM009", {"schema": "s.json"})
    assert "pip install 'omnilint-md[schema]'" in d.message
    schema_module._validator.cache_clear()


def test_fm009_toml_front_matter():
    text = '+++\ntitle = "A"\ndate = 2024-01-01\n+++\n\nBody\n'
    result = found(text, "FM009", {"required": ["id"], "types": {"date": "date", "title": "string"}})
    assert [d.message for d in result] == ["Required key 'id' is missing"]


# -- FM010 whitespace ----------------------------------------------------------------


def test_fm010_raindrop_blank_lines_and_trailing_spaces():
    result = found(RAINDROP, "FM010")
    assert [d.line for d in result] == [6, 9, 11, 16, 17, 18, 19, 20]
    out = fixed(RAINDROP, "FM010")
    assert meta(out) == meta(RAINDROP)
    assert out == (
        "---\n"
        "raindrop_id: 1540824848\n"
        "raindrop_highlights:\n"
        "  696641ee6f63c001bef6765a: ac8da68d18c269a2eb35629720d3f659\n"
        'title: "Last Week in Security (LWiS) - 2026-01-12"\n'
        "description: |-\n"
        "  null\n"
        "source: https://blog.badsectorlabs.com/last-week-in-security-lwis-2026-01-12.html\n"
        "created: 2026-01-13\n"
        "sync-date: 1769114384119\n"
        "tags:\n"
        '  - "_index"\n'
        '  - "tech-newsletters"\n'
        '  - "labs"\n'
        "---\n"
        "# Last Week in Security (LWiS) - 2026-01-12\n"
    )


def test_fm010_block_scalar_content_is_left_alone():
    text = "---\nnote: |\n  first  \n\n  third\n\nkeep: |+\n  x\n\n\nid: a1\n---\n"
    result = found(text, "FM010")
    assert [d.line for d in result] == [6]
    out = fixed(text, "FM010")
    assert meta(out) == meta(text)


def test_fm010_multi_line_quoted_value_is_left_alone():
    text = '---\ntitle: "a long\n\n  title"\nid: a1\n---\n'
    assert not found(text, "FM010")


def test_fm010_tab_indentation_is_fixed():
    text = "---\nid: a1\ntags:\n\t- RSS\n\t- reading\n---\n"
    result = found(text, "FM010")
    assert [(d.line, d.column) for d in result] == [(4, 1), (5, 1)]
    out = fixed(text, "FM010")
    assert out == "---\nid: a1\ntags:\n  - RSS\n  - reading\n---\n"
    assert meta(out)["tags"] == ["RSS", "reading"]


def test_fm010_mixed_tab_and_space_indentation_gets_no_fix():
    text = "---\na:\n  b: 1\nc:\n\t- x\n---\n"
    result = found(text, "FM010")
    assert result and all(d.fix is None for d in result)


def test_fm010_delimiter_trailing_whitespace():
    text = "---  \nid: a1\n--- \nBody\n"
    assert [d.line for d in found(text, "FM010")] == [1, 3]
    assert fixed(text, "FM010") == "---\nid: a1\n---\nBody\n"


def test_fm010_leaves_the_body_alone():
    text = "---\nid: a1\n---\n\n\nBody with trailing   \n"
    assert not found(text, "FM010")


# -- FM011 exporter error ---------------------------------------------------------------


def test_fm011_omnivore_error():
    text = (
        "---\n"
        "id: 4b0ef29a-6507-e01f-da56-42f9e9a90483\n"
        'omnivore_error: "There was an error parsing the front matter template. See console for details."\n'
        "---\n" + BODY
    )
    [d] = found(text, "FM011")
    assert (d.line, d.column) == (3, 1) and d.fix is None
    assert "There was an error parsing" in d.message


def test_fm011_quiet_without_the_key():
    assert not found("---\nid: a1\n---\n", "FM011")


# -- FM012 tags ---------------------------------------------------------------------------


def test_fm012_web_clipper_flow_list_is_fine():
    text = (
        '---\ntitle: "Trailing Danger"\nsource: https://www.sebsrt.xyz/blog/trailing-danger/\ntags: [clippings]\n---\n'
    )
    assert not found(text, "FM012")
    assert not found('---\ntags: ["clippings/articles", "_inbox"]\n---\n', "FM012")


def test_fm012_hash_duplicates_and_escapes():
    text = '---\ntags:\n  - "#reading"\n  - tech&#x2F;security\n  - RSS\n  - RSS\n  - rss\n---\n'
    result = found(text, "FM012")
    assert [d.line for d in result] == [3, 4, 6, 7]
    assert result[3].fix is None  # differs only in case: reported, not guessed
    out = fixed(text, "FM012")
    assert out == '---\ntags:\n  - "reading"\n  - tech/security\n  - RSS\n  - rss\n---\n'


def test_fm012_tags_as_text():
    assert fixed("---\ntags: reading, tech\n---\n", "FM012") == "---\ntags: [reading, tech]\n---\n"
    assert fixed('---\ntags: "#a #b"\n---\n', "FM012") == "---\ntags: [a, b]\n---\n"
    [d] = found("---\ntags: machine learning\n---\n", "FM012")
    assert d.fix is None


def test_fm012_tags_written_as_a_comment():
    text = "---\nid: a1\ntags: #reading #tech\n---\n"
    [d] = found(text, "FM012")
    assert d.line == 3 and "comment" in d.message
    assert not fm006(text)
    assert fixed(text, "FM012") == "---\nid: a1\ntags: [reading, tech]\n---\n"
    item = "---\ntags:\n  - #reading\n  - tech\n---\n"
    assert fixed(item, "FM012") == "---\ntags:\n  - reading\n  - tech\n---\n"


def test_fm012_numbers_and_empty_items():
    text = "---\ntags:\n  - 2024\n  -\n  - x\n---\n"
    assert fixed(text, "FM012") == '---\ntags:\n  - "2024"\n  - x\n---\n'


def test_fm012_flow_list_duplicate():
    assert fixed("---\ntags: [a, b, a]\n---\n", "FM012") == "---\ntags: [a, b]\n---\n"


# -- FM013 displaced --------------------------------------------------------------------------


def test_fm013_front_matter_after_blank_lines():
    text = "\n\n---\nid: 4b0ef29a-6507-e01f-da56-42f9e9a90483\ntitle: JSON Web Tokens\n---\n\nText.\n"
    [d] = found(text, "FM013")
    assert (d.line, d.column) == (3, 1) and d.fix.applicability == "unsafe"
    assert fixed(text, "FM013") == text
    out = fixed(text, "FM013", unsafe=True)
    assert out == text[2:] and meta(out)["title"] == "JSON Web Tokens"


def test_fm013_thematic_breaks_are_not_front_matter():
    assert not found("\n---\nA paragraph between rules.\n---\n", "FM013")
    assert not found("---\nid: a1\n---\n", "FM013")


# -- TOML / JSON front matter --------------------------------------------------------------------


def test_yaml_rules_say_nothing_about_valid_toml_or_json():
    toml = '+++\ntitle = "A: b"\ntags = "one"\ndraft = "no"\ncreated = "星期五, 九月 20日 2024, 5:59:49 下午"\n\n+++\n\nBody\n'
    json_text = '{\n  "title": "A",\n  "tags": "one",\n  "author": ""\n}\n\nBody\n'
    for text in (toml, json_text):
        assert not [d for d in lint(text, "FM0") if d.code.startswith("FM0")]


def test_every_fm_finding_on_a_clean_omnivore_file_is_absent():
    text = (
        "---\n"
        "id: 5ada2997-8895-4618-a87b-89856b6925dd\n"
        'title: "Bye Bye, Try-Catch Blocks: Meet JavaScript\'s Safe Assignment Operator Proposal😉 - DEV Community"\n'
        "tags:\n"
        "  - RSS\n"
        "date_published: 2024-08-20 06:34:06\n"
        "---\n" + BODY
    )
    assert not [d for d in lint(text, "FM0") if d.code.startswith("FM0")]
    assert yaml.safe_load(text.split("---\n")[1])["tags"] == ["RSS"]
