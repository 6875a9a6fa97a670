"""FMT005: opt-in formatting with mdformat that keeps Obsidian and Logseq syntax as written.

The documents here are written like real vault files: wikilinks with aliases and
headings, embeds with sizes, tags, block ids, comments, highlights, callouts,
Logseq properties and outlines, footnotes, math, entities left by exporters.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import CORPUS_SAMPLE, ROOT, SAMPLE_MISSING, SEED, fix, lint

from omnilint import config as cfg
from omnilint import format as formatting
from omnilint import obsidian
from omnilint.format import render, verify
from omnilint.text import decode

pytest.importorskip("mdformat")
pytest.importorskip("mdformat_gfm")

STYLE = formatting.Style()

# Already in the formatted style: formatting must give back every byte.
OBSIDIAN_FORMATTED = """\
---
title: "Reading notes: a saved article"
tags:
- clippings
- reading   # exporter comment
created: 2024-09-20 17:59:49
---

# Heading with #tag and [[Wiki Link]]

#Omnivore #nested/tag/deep #tag_with_underscores

A paragraph with [[Note|alias]], [[Note#Heading]], [[Note#^abc123|shown]] and ![[image.png]].
An embed with a size ![[image.png|300]], a ==highlight with **bold**==, %%an inline comment%%
and a block reference at the end of the paragraph. ^abc123

%%
A block comment spanning lines,

with a blank line and *markdown* inside that must not be touched
%%

> [!note] A note callout with a title
> Callout body with [[link]] and a #tag.

> [!tip]- Folded callout
> Hidden text.

> [!info] Steps, written right under the title
> - one
> - two

> [!quote] Nested
>
> > [!warning]
> > Inner.

- [ ] an open task with a [[Link]]
- [x] a done task ^task-1
- a Logseq-style date link [[Jan 31st, 2023]]

1. first
2. second

| Note         | Alias               |
| ------------ | ------------------- |
| [[Note\\|Al]] | ![[chart.png\\|200]] |

Escaped, so not a tag: \\#Omnivore, not a highlight: \\==plain\\==, and entities stay: &nbsp;&amp;&#x2F;.
Math stays LaTeX: $x_1 + \\alpha^2$ and $$\\frac{a}{b}$$.

A footnote reference[^1] in the text.

[^1]: The footnote stays where it was defined.

[[Omnivore]] [⤴️](https://omnivore.app/me/note-18c8fc2bbd2#7b46528c) ^7b46528c

---

Text after a thematic break.
"""

LOGSEQ_FORMATTED = """\
title:: Reading notes
tags:: [[reading]], #[[saved article]]
alias:: notes

- A block with a property drawer
  collapsed:: true
  id:: 64a1f2c3-1111-2222-3333-444455556666
  - A child block referring to ((64a1f2c3-1111-2222-3333-444455556666))
  - TODO a task with a #tag and a [[Page Link]]
- tags::  #Readed
"""

# The same kind of content in an exporter's style: formatting restyles it but every
# Obsidian construct must come out as written.
OBSIDIAN_MESSY = """\
---
title: |
  美中军方在中断交流一年多后恢复对话
tags: [clippings,  saved]
---
tags::  #Readed

Title with [[Wiki Link|alias]] and #tag
=====

* item with ![[image.png|300]]   and   a ==highlight==
* item with %%a comment%% ^block-1
+ other list [[Jan 31st, 2023]]

1) first [[Note#^abc123|shown]]
2) second

> [!note] Callout title
lazy continuation with [[link]]

Line with a hard break  
next line #nested/tag, escaped \\#not-a-tag and &nbsp; entity.

***
Setext two
----------
"""


def constructs(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.source) for c in verify.constructs(text)]


def formatted(text: str, style: formatting.Style = STYLE) -> str:
    outcome = formatting.format_document(text, style)
    assert outcome.problem is None, outcome.problem
    return outcome.formatted


# -- Obsidian and Logseq syntax survives ------------------------------------------


@pytest.mark.parametrize("text", [OBSIDIAN_FORMATTED, LOGSEQ_FORMATTED], ids=["obsidian", "logseq"])
def test_formatted_vault_documents_are_byte_identical(text):
    assert formatted(text) == text
    assert not lint(text, "FMT005")


def test_a_messy_document_is_restyled_with_every_construct_as_written():
    out = formatted(OBSIDIAN_MESSY)
    assert out != OBSIDIAN_MESSY
    assert constructs(out) == constructs(OBSIDIAN_MESSY)
    kinds = {kind for kind, _ in constructs(OBSIDIAN_MESSY)}
    assert kinds >= {"wikilink", "embed", "tag", "block id", "highlight", "comment", "callout", "property"}
    assert out.startswith(OBSIDIAN_MESSY[: OBSIDIAN_MESSY.index("tags::")])  # front matter byte for byte
    assert "# Title with [[Wiki Link|alias]] and #tag\n" in out  # setext became ATX, the wikilink stayed
    assert "- item with ![[image.png|300]] and a ==highlight==\n" in out
    assert "1. first [[Note#^abc123|shown]]\n2. second\n" in out
    assert "> [!note] Callout title\n> lazy continuation with [[link]]\n" in out
    assert "Line with a hard break\\\n" in out
    assert "escaped \\#not-a-tag and &nbsp; entity" in out
    assert "tags::  #Readed\n" in out
    assert "\n---\n\n## Setext two\n" in out
    assert "\\[[" not in out and "\\]\\]" not in out and "_" * 10 not in out
    assert formatted(out) == out


def test_plain_mdformat_breaks_what_the_plugin_keeps():
    """The reason the plugin exists: measured with mdformat and mdformat-gfm alone."""
    import mdformat

    plain = mdformat.text("[[Note|alias]] and ![[image.png]]\n\n---\n", extensions=["gfm"])
    assert plain == "\\[[Note|alias]\\] and !\\[[image.png]\\]\n\n" + "_" * 70 + "\n"
    assert formatted("[[Note|alias]] and ![[image.png]]\n\n---\n") == "[[Note|alias]] and ![[image.png]]\n\n---\n"


def test_wrapping_never_breaks_a_construct_or_a_header_line():
    text = (
        "title:: A page with a long property value that goes on and on\n"
        "type:: article\n"
        "The first line of prose after the properties, long enough to be wrapped somewhere.\n\n"
        "> [!note] A callout title that is long and must stay on its own single line whatever the width\n"
        "> Body text of the callout that is long enough to be wrapped at the width given here.\n\n"
        "A line ending in a block id ^first-id\n"
        "then [[A Long Wikilink Target That Cannot Break|with an alias of several words]] and\n"
        "a ==highlight of several words== and %%a comment of several words%% to finish.\n"
    )
    for wrap in (30, "no"):
        out = formatted(text, formatting.Style(wrap=wrap))
        assert constructs(out) == constructs(text)
        lines = out.splitlines()
        assert "title:: A page with a long property value that goes on and on" in lines
        assert "type:: article" in lines
        assert "> [!note] A callout title that is long and must stay on its own single line whatever the width" in lines
        assert any(line.endswith("^first-id") for line in lines)
        assert formatted(out, formatting.Style(wrap=wrap)) == out
    assert "The first line of prose after the properties, long\nenough" in formatted(text, formatting.Style(wrap=50))


def test_math_footnotes_entities_and_escapes_are_kept():
    text = (
        "Euler: $e^{i\\pi} + 1 = 0$, sum $$\\sum_{k=1}^n k$$ and a price of 5 dollars.\n\n"
        "A claim[^note] and another[^2].\n\n"
        "[^note]: First paragraph of the note.\n\n"
        "    Second paragraph, indented.\n\n"
        "[^2]: Short.\n\n"
        "Exporter entities: &#x60;code&#x60; &lt;b&gt; and escapes \\_x\\_ \\[a\\] kept.\n"
    )
    assert formatted(text) == text


def test_links_keep_their_destinations_as_written():
    text = "[汉字](https://zh.wikipedia.org/wiki/汉字) and [note](<My Note.md>) and [ ](mailto:me@example.com)\n"
    assert formatted(text) == text
    assert formatted("[ ](mailto:me@example.com)\n") == "[ ](mailto:me@example.com)\n"
    assert formatted("[![[cover.jpg]]](https://example.com)\n") == "[![[cover.jpg]]](https://example.com)\n"
    assert formatted("[x]: https://example.com\n\n[x]\n") == "[x]\n\n[x]: https://example.com\n"


# -- style options -------------------------------------------------------------------


@pytest.mark.parametrize("style, expected", [("---", "---"), ("***", "***"), ("___", "___")])
def test_thematic_break_style(style, expected):
    out = formatted("Above\n\n* * *\n\nBelow\n", formatting.Style(thematic_break=style))
    assert out == f"Above\n\n{expected}\n\nBelow\n"


def test_a_break_that_dashes_would_change_is_written_with_asterisks():
    # `---` at the top of a file starts front matter; in a tight list item it underlines a heading.
    assert formatted("***\n\nText\n\n***\n") == "***\n\nText\n\n---\n"
    assert formatted("- item\n  ***\n") == "- item\n  ***\n"


def test_list_numbering_option():
    assert formatted("1. a\n1. b\n1. c\n") == "1. a\n2. b\n3. c\n"
    assert formatted("1. a\n2. b\n", formatting.Style(number=False)) == "1. a\n1. b\n"


def test_line_endings_are_kept_or_converted():
    crlf = "---\r\ntitle: x\r\n---\r\n* a [[b|c]]\r\n* #tag\r\n"
    assert formatted(crlf) == "---\r\ntitle: x\r\n---\r\n\r\n- a [[b|c]]\r\n- #tag\r\n"
    assert formatted(crlf, formatting.Style(end_of_line="lf")) == crlf.replace("\r\n", "\n").replace(
        "---\n*", "---\n\n*"
    ).replace("*", "-")
    assert formatted("a\nb\n", formatting.Style(end_of_line="crlf")) == "a\r\nb\r\n"


def test_front_matter_is_never_reserialised():
    text = "---\ntags: [a,  b]\nlist:\n- x\n-   y   # comment\n\nempty:\n---\n# Title\n"
    assert formatted(text) == text.replace("---\n# Title", "---\n\n# Title")
    toml = '+++\ntitle = "x"\n+++\n\n* a\n'
    assert formatted(toml) == '+++\ntitle = "x"\n+++\n\n- a\n'


# -- verification ---------------------------------------------------------------------


def test_each_check_names_what_would_break():
    assert "wikilink '[[a|b]]' (line 1)" in verify.constructs_changed("[[a|b]]\n", "\\[[a|b]\\]\n")
    assert "a tag '#new' would appear" in verify.constructs_changed("x\n", "x #new\n")
    assert verify.front_matter_changed("---\na: 1\n---\nx\n", "---\na: 1 \n---\nx\n") == "the front matter would change"
    assert "front matter block would appear" in verify.front_matter_changed("***\nx: 1\n***\n", "---\nx: 1\n---\n")
    assert "not closed" in verify.front_matter_changed("---\ntitle: x\n\nbody\n", "***\n\ntitle: x\n")
    assert "rendered HTML would change" in verify.html_changed("[ ](mailto:a@b.c)\n", "\\[ \\](mailto:a@b.c)\n")
    assert verify.html_changed("a  b\nc\n", "a b c\n") is None  # whitespace between words
    assert verify.html_changed("```\na  b\n```\n", "```\na b\n```\n") is not None  # code is exact
    assert "not stable" in verify.unstable("* not formatted\n", STYLE)


@pytest.mark.parametrize(
    "text, reason",
    [
        # A title line ending in a hard break: mdformat would write `[!summary]\`.
        ("> [!summary]  \n> Body.\n", "the callout '[!summary]' (line 1) would not stay as written"),
        # A list item that is only a reference link `[x]`: mdformat-gfm escapes it as a task box.
        ("- [x]\n\n[x]: https://example.com\n", "the rendered HTML would change"),
        # Unclosed front matter would be rewritten as Markdown.
        ("---\ntitle: x\n\n* body\n", "the front matter is not closed"),
    ],
)
def test_a_document_that_fails_a_check_is_reported_and_left_untouched(text, reason):
    found = [d for d in lint(text, "FMT005") if d.code == "FMT005"]
    assert len(found) == 1 and found[0].fix is None
    assert reason in found[0].message and "left as it is" in found[0].message
    result = fix(text, "FMT005")
    assert result.text == text


def test_deep_outlines_format_and_pathological_nesting_is_refused_up_front():
    outline = "".join("  " * level + f"- level {level} [[Page {level}]]\n" for level in range(12))
    assert formatted(outline) == outline
    (finding,) = lint("> " * 40 + "quote\n", "FMT005")
    assert "nested 42 levels deep (more than 30)" in finding.message and finding.fix is None


def test_the_finding_points_at_the_first_changed_line():
    text = "# Title\n\nProse stays.\n\n* one\n* two\n"
    (finding,) = lint(text, "FMT005")
    assert (finding.line, finding.column) == (5, 1)
    assert finding.message == "Document is not formatted (the formatter rewrites lines 5-6)"
    (edit,) = finding.fix.edits
    assert text[edit.start : edit.end] == "* one\n* two\n" and edit.content == "- one\n- two\n"


# -- the fixer: formatting runs after the rule fixes --------------------------------------


def test_formatting_is_applied_after_the_other_fixes():
    text = "# Title   \n\n\n\n* a [[b|c]]\t\n* #tag"
    result = fix(text, "FMT001", "FMT002", "FMT003", "FMT005")
    assert result.text == "# Title\n\n- a [[b|c]]\n- #tag\n"
    assert [d.code for d in result.applied][-1] == "FMT005"
    assert sum(d.code == "FMT005" for d in result.applied) == 1
    assert not result.rejected
    assert fix(result.text, "FMT001", "FMT002", "FMT003", "FMT005").text == result.text


# -- configuration ---------------------------------------------------------------------


NO_OVERRIDES = cfg.Overrides()


def ruleset(values: dict, overrides: cfg.Overrides = NO_OVERRIDES) -> dict:
    settings = cfg.Settings(ROOT, None, cfg.validate(values, "test"))
    return {rule.code: options for rule, options in cfg.ruleset(settings, overrides).rules}


def test_formatting_is_off_by_default_and_switched_on_by_config_or_flag():
    assert "FMT005" not in ruleset({})
    assert ruleset({"format": True})["FMT005"] == formatting.OPTIONS
    assert "FMT005" in ruleset({}, cfg.Overrides(format=True))


def test_format_options_reach_the_rule_and_rule_options_win():
    options = ruleset({"format": True, "format-options": {"wrap": 80, "thematic-break": "***"}})["FMT005"]
    assert options == {**formatting.OPTIONS, "wrap": 80, "thematic-break": "***"}
    both = {"format": True, "format-options": {"wrap": 80}, "rules": {"FMT005": {"wrap": "no"}}}
    assert ruleset(both)["FMT005"]["wrap"] == "no"


@pytest.mark.parametrize(
    "values, message",
    [
        ({"format-options": {"wrapp": 80}}, "format-options: unknown option 'wrapp' (did you mean 'wrap'?)"),
        ({"format-options": {"wrap": 0}}, "option 'wrap' of FMT005 must be 'keep', 'no' or a line width"),
        ({"format-options": {"number": "yes"}}, "option 'number' of FMT005 must be true"),
        ({"format-options": {"thematic-break": "___ "}}, "option 'thematic-break' of FMT005 must be one of"),
        ({"format": True, "rules": {"FMT005": {"end-of-line": "cr"}}}, "option 'end-of-line' of FMT005 must be one of"),
        ({"format": True, "rules": {"FMT005": {"width": 80}}}, "rule FMT005 has no option 'width'"),
    ],
)
def test_unknown_or_invalid_format_options_are_config_errors(values, message):
    with pytest.raises(cfg.ConfigError, match=re.escape(message)):
        ruleset(values)


def test_missing_mdformat_is_a_clear_finding(monkeypatch):
    def unavailable(text, style):
        raise formatting.FormattingUnavailable(f"formatting needs mdformat: {formatting.INSTALL_HINT}")

    monkeypatch.setattr(formatting, "format_document", unavailable)
    (finding,) = lint("* a\n", "FMT005")
    assert finding.severity.value == "error" and "reinstall" in finding.message and "omnilint-md" in finding.message


def test_mdformat_is_imported_only_when_formatting_runs():
    code = "import sys, omnilint.cli, omnilint.rules, omnilint.format; print('mdformat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_cache_key_names_the_formatter_versions():
    from omnilint.rules.format.unformatted import Unformatted

    assert "mdformat=" in Unformatted.cache_key() and "mdformat-gfm=" in Unformatted.cache_key()


# -- the mdformat plugin on its own ----------------------------------------------------


def test_plugin_is_registered_for_mdformat():
    names = {ep.name: ep.value for ep in entry_points(group="mdformat.parser_extension")}
    assert names.get("omnilint") == "omnilint.format.mdformat_plugin", "reinstall omnilint: pip install -e ."


def test_plugin_beside_mdformat_frontmatter_keeps_the_front_matter():
    import mdformat

    pytest.importorskip("mdformat_frontmatter")
    render.extensions()  # registers the plugin when the entry point is missing
    for names in (["omnilint", "frontmatter"], ["frontmatter", "omnilint"]):
        out = mdformat.text(OBSIDIAN_FORMATTED, extensions=names, options={"number": True})
        assert out == OBSIDIAN_FORMATTED


def test_seed_fixed_with_format_is_accepted_by_mdformat_check_and_stable(tmp_path: Path):
    from omnilint.cli import main

    target = tmp_path / SEED.name
    target.write_bytes(SEED.read_bytes())
    main(["fix", "--format", "--write", "--no-cache", str(target)])
    once = target.read_bytes()
    assert once != SEED.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "mdformat", "--check", "--number", "--extensions", "omnilint", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    main(["fix", "--format", "--write", "--no-cache", str(target)])
    assert target.read_bytes() == once
    assert not list(lint(once.decode(), "FMT005"))


# -- acceptance on the real sample ------------------------------------------------------


@pytest.mark.skipif(not CORPUS_SAMPLE.is_dir(), reason=SAMPLE_MISSING)
def test_corpus_sample_formats_without_verification_failures():
    failures = []
    for path in sorted(CORPUS_SAMPLE.rglob("*.md")):
        text = decode(path.read_bytes()).text
        outcome = formatting.format_document(text, STYLE)
        if outcome.problem is not None:
            failures.append(f"{path.relative_to(CORPUS_SAMPLE)}: {outcome.problem}")
            continue
        assert constructs(outcome.formatted) == constructs(text), path
        assert formatting.format_document(outcome.formatted, STYLE).formatted == outcome.formatted, path
    assert not failures, "\n".join(failures)


# -- wikilink-shaped text stays byte-identical (issue 12) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A shell snippet whose fences were lost: a `[` inside the brackets.
        'Run *this* first:\n[[ -n "${arr[0]}" ]] && echo ok\n',
        '检查变量：\n\n- [[ -d "$dir[1]" ]] || mkdir "$dir"\n',
        "See [[Note|alias [draft]]] for the plan.\n",
    ],
)
def test_wikilink_shaped_text_with_brackets_inside_is_kept_and_the_rest_formatted(text):
    out = formatted(text)
    for shape in obsidian.WIKILINK_SHAPED.findall(text):
        assert shape in out


def test_wikilink_shaped_text_a_math_span_cuts_into_leaves_the_file_alone():
    # `$5 and [[ -n "$` reads as inline math, so mdformat escapes the closing `]]`:
    # the file is refused rather than written as `[[ -n "$uki" \]\]`.
    text = 'Price $5 and [[ -n "$uki" ]] on the same line.\n'
    outcome = formatting.format_document(text, STYLE)
    assert outcome.problem == "the wikilink-shaped text '[[ -n \"$uki\" ]]' would not stay as written"


def test_wikilink_text_check_can_fail():
    before = 'if [[ -n "$uki" ]]; then\n'
    assert verify.wikilink_text_changed(before, 'if [[ -n "$uki" \\]\\]; then\n')
    assert verify.wikilink_text_changed(before, before) is None


def test_an_unused_link_reference_definition_is_never_dropped():
    # mdformat drops definitions nothing uses; their URL is the author's text.
    text = "参考资料见下。\n\n[x]: https://example.com/unused-reference\n"
    outcome = formatting.format_document(text, STYLE)
    assert outcome.problem == "the link reference definition [x] would be dropped"
    used = "Text [y][].\n\n[y]: https://example.com/b\n"
    assert "[y]: https://example.com/b" in formatted(used)
