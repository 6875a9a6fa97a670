"""The per-file link rules (LNK001–LNK004, LNK007–LNK010) on realistic saved-article text."""

from __future__ import annotations

import pytest
from conftest import ROOT, fix, lint

from omnilint.markdown import render_html
from omnilint.model import Applicability


def codes(text: str, *select: str, options: dict | None = None) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint(text, *select, options=options)]


def only(text: str, code: str, options: dict | None = None):
    return [d for d in lint(text, code, options=options) if d.code == code]


OMNIVORE_HEAD = """\
---
id: ba4f520a-a081-11ee-9215-d7b360604b4b
title: Saved article
---

# Saved article
#Omnivore

[Read on Omnivore](https://omnivore.app/me/saved-article-18c8fc2bbd2)

[Read Original](https://example.com/article)

Body text.
"""


# -- LNK001 dead-service-link ---------------------------------------------------------


class TestDeadServiceLink:
    def test_seed_line_15_is_reported_and_removed_with_one_blank_line(self):
        seed = (ROOT / "seeds" / "000_3c66538365dce977.md").read_text(encoding="utf-8")
        found = only(seed, "LNK001")
        assert [(d.line, d.column) for d in found] == [(15, 1)]
        # Unsafe: the line's words have no copy that stays (issue 12).
        assert found[0].fix.applicability is Applicability.UNSAFE
        assert fix(seed, "LNK001").text == seed
        result = fix(seed, "LNK001", unsafe=True)
        lines = seed.splitlines(keepends=True)
        assert result.text == "".join(lines[:14] + lines[16:])  # line 15 and the blank line after it
        assert "\n\n\n" not in result.text[result.text.index("#Omnivore") :][:200]

    def test_read_on_omnivore_line_removed_from_a_blank_separated_block(self):
        result = fix(OMNIVORE_HEAD, "LNK001", unsafe=True)
        assert result.text == OMNIVORE_HEAD.replace(
            "[Read on Omnivore](https://omnivore.app/me/saved-article-18c8fc2bbd2)\n\n", ""
        )

    def test_read_on_omnivore_line_inside_a_paragraph_goes_alone(self):
        text = "# T\n#Omnivore\n\n[Read on Omnivore](https://omnivore.app/me/t-1)\n[Read Original](https://e.com/t)\n\nBody.\n"
        assert fix(text, "LNK001", unsafe=True).text == "# T\n#Omnivore\n\n[Read Original](https://e.com/t)\n\nBody.\n"

    def test_crlf_and_following_text_stay_byte_identical(self):
        text = "# T\r\n\r\n[Read on Omnivore](https://omnivore.app/me/x-1)\r\n\r\n[Read Original](https://e.com)\r\n"
        assert fix(text, "LNK001", unsafe=True).text == "# T\r\n\r\n[Read Original](https://e.com)\r\n"

    def test_last_line_of_the_file(self):
        text = "Body.\n\n[Read on Omnivore](https://omnivore.app/me/x-1)\n"
        assert fix(text, "LNK001", unsafe=True).text == "Body.\n"

    def test_line_removal_that_would_turn_text_into_code_is_not_offered(self):
        # The continuation line would become an indented code block after a blank line.
        text = "Intro.\n\n[Read on Omnivore](https://omnivore.app/me/x-1)\n    continued\n"
        (d,) = only(text, "LNK001")
        assert d.fix is None or d.fix.applicability is Applicability.UNSAFE

    def test_highlight_backlink_removed_keeping_text_label_and_block_id(self):
        text = (
            "## Highlights\n\n"
            "> 依据网络的六度分隔理论，只要我们对笔记多建立关联。 "
            "[⤴️](https://omnivore.app/me/99-10-2020-191c58ec77b#3f0dbb17-b06f-41bf-88b5-e0b60f559024)  ^3f0dbb17\n\n"
            "> Second highlight. [⤴️](https://omnivore.app/me/x-1#7b46528c-dac2-460d-bb6d-1b4912fd62c9) #idea ^7b46528c\n\n"
            "> Last highlight. [⤴️](https://omnivore.app/me/x-1#aa46528c-dac2-460d-bb6d-1b4912fd62c9)\n"
        )
        found = only(text, "LNK001")
        assert len(found) == 3 and all(d.fix.applicability is Applicability.SAFE for d in found)
        assert "Highlight backlink" in found[0].message
        assert fix(text, "LNK001").text == (
            "## Highlights\n\n"
            "> 依据网络的六度分隔理论，只要我们对笔记多建立关联。 ^3f0dbb17\n\n"
            "> Second highlight. #idea ^7b46528c\n\n"
            "> Last highlight.\n"
        )

    @pytest.mark.parametrize(
        "url",
        [
            "https://omnivore.app/no_url?q=3f5c1a2e-newsletter",
            "https://omnivore.app/attachments/u/0c9ea094-f53f-11ee-9433-bbb82ea262b6/C2.pdf",
            "https://www.omnivore.app/",
            "https:&#x2F;&#x2F;omnivore.app&#x2F;",
        ],
    )
    def test_other_omnivore_links_are_unwrapped_only_as_unsafe(self, url):
        text = f"I tried [Omnivore]({url}) once.\n"
        (d,) = only(text, "LNK001")
        assert d.fix.applicability is Applicability.UNSAFE
        assert fix(text, "LNK001").text == text
        assert fix(text, "LNK001", unsafe=True).text == "I tried Omnivore once.\n"

    def test_autolinks_and_reference_links_are_reported_without_fix(self):
        text = "See <https://omnivore.app/me/x> and [it][o].\n\n[o]: https://omnivore.app/me/y\n"
        found = only(text, "LNK001")
        assert len(found) == 2 and all(d.fix is None for d in found)

    def test_data_payload_behind_the_proxy_is_a_dead_image(self):
        text = "![logo](https://proxy-prod.omnivore-image-cache.app/0x0,sdZrgmdLZlI3ELMrjQKUkhCfuIUPioEWuoM-IavjVGa8/data:image/svg+xml,%3Csvg%3E%3C/svg%3E)\n"
        (d,) = only(text, "LNK001")
        assert "cannot be recovered" in d.message
        assert not only(text, "LNK002")
        assert fix(text, "LNK001", unsafe=True).text == "logo\n"

    def test_dead_hosts_option_replaces_the_list(self):
        text = "[a](https://getpocket.com/read/1) [b](https://omnivore.app/me/x)\n"
        found = only(text, "LNK001", options={"LNK001": {"dead-hosts": ["getpocket.com"]}})
        assert [d.column for d in found] == [1]

    def test_living_hosts_code_and_lookalikes_are_not_reported(self):
        text = (
            "[x](https://notomnivore.app/me/x) and [y](https://omnivore.application.example/)\n\n"
            "`[Read on Omnivore](https://omnivore.app/me/x)`\n\n"
            "```\n[Read on Omnivore](https://omnivore.app/me/x)\n```\n"
        )
        assert not only(text, "LNK001")


# -- LNK002 proxied-image ------------------------------------------------------------

PROXY = "https://proxy-prod.omnivore-image-cache.app/840x459,sVwKVqg56Af0-p0cxBMnDCuwwvsUSQIyJ21EDcZwcuPs/"


class TestProxiedImage:
    def test_rewrites_to_the_original(self):
        text = "![](https://proxy-prod.omnivore-image-cache.app/653x527,sebTFqaBiPNi4sMqQp4J8eWSDWywQsNYnlNWLXL-pJ20/https://pic1.zhimg.com/v2-f9f6_b.jpg)\n"
        (d,) = only(text, "LNK002")
        assert d.fix.applicability is Applicability.SAFE
        assert fix(text, "LNK002").text == "![](https://pic1.zhimg.com/v2-f9f6_b.jpg)\n"

    def test_substack_percent_encoding_is_kept(self):
        original = "https://substackcdn.com/image/fetch/w_1456,c_limit,f_webp/https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2Fa.png"
        assert fix(f"![chart]({PROXY}{original})\n", "LNK002").text == f"![chart]({original})\n"

    def test_entity_escaped_proxy_url_nested_in_a_link(self):
        text = (
            "[![](https:&#x2F;&#x2F;proxy-prod.omnivore-image-cache.app&#x2F;0x0,sdZrgmdLZlI3ELMrjQKUkhCfuIUPioEWuoM-IavjVGa8"
            "&#x2F;https:&#x2F;&#x2F;datum-b.com&#x2F;static&#x2F;post_images&#x2F;optimism_reduced.jpg)]"
            "(https:&#x2F;&#x2F;datum-b.com&#x2F;static&#x2F;post%5Fimages&#x2F;optimism.jpg)\n"
        )
        (d,) = only(text, "LNK002")
        assert "https://datum-b.com/static/post_images/optimism_reduced.jpg" in d.message
        result = fix(text, "LNK002", "LNK003")
        assert result.text == (
            "[![](https://datum-b.com/static/post_images/optimism_reduced.jpg)]"
            "(https://datum-b.com/static/post%5Fimages/optimism.jpg)\n"
        )
        assert not result.rejected

    def test_query_with_escaped_ampersand_and_equals(self):
        text = (
            f"![]({PROXY}https:&#x2F;&#x2F;i0.wp.com&#x2F;a.com&#x2F;image.png?resize&#x3D;840%2C459&amp;ssl&#x3D;1)\n"
        )
        assert fix(text, "LNK002").text == "![](https://i0.wp.com/a.com/image.png?resize=840%2C459&ssl=1)\n"

    def test_collapsed_scheme_slashes_are_repaired(self):
        assert fix(f"![]({PROXY}https:/example.com/a.png)\n", "LNK002").text == "![](https://example.com/a.png)\n"

    def test_self_hosted_proxy_of_the_same_shape(self):
        url = "https://images.my-omnivore.example.org/0x0,s2ZGBBwG7SDZKSOhrQK4BTOUj-x2U0gBxZmfQIrkRTwE/https://www.stevegattuso.me/a.jpg"
        assert fix(f"![]({url})\n", "LNK002").text == "![](https://www.stevegattuso.me/a.jpg)\n"
        # a short signature is a coincidence of shape, not a proxy
        assert not only("![](https://cdn.example.com/10x10,sabc/https://e.com/a.png)\n", "LNK002")

    def test_original_with_spaces_gets_angle_brackets(self):
        text = f"![]({PROXY}https://e.com/a%20b/c (1).png)\n".replace(" (1)", "(1)")
        assert fix(text, "LNK002").text == "![](https://e.com/a%20b/c(1).png)\n"
        text = f"![](<{PROXY}https://e.com/my image.png>)\n"
        assert fix(text, "LNK002").text == "![](<https://e.com/my image.png>)\n"

    def test_reference_definition_is_fixed_in_place(self):
        text = f'![chart][c]\n\n[c]: {PROXY}https://e.com/c.png "Chart"\n'
        assert fix(text, "LNK002").text == '![chart][c]\n\n[c]: https://e.com/c.png "Chart"\n'

    def test_autolink(self):
        assert fix(f"<{PROXY}https://e.com/c.png>\n", "LNK002").text == "<https://e.com/c.png>\n"


# -- LNK003 escaped-url ---------------------------------------------------------------


class TestEscapedUrl:
    def test_decodes_and_keeps_the_render(self):
        text = "NASA’s [Jet Propulsion Laboratory](https:&#x2F;&#x2F;jpl.nasa.gov&#x2F;) and [q](https://e.com/?a=1&amp;b=2).\n"
        (d,) = only(text, "LNK003")  # one finding per document (issue 14), both URLs in its data
        assert d.fix.preserves_render and d.data["count"] == 2 and len(d.fix.edits) == 2
        result = fix(text, "LNK003")
        assert (
            result.text
            == "NASA’s [Jet Propulsion Laboratory](https://jpl.nasa.gov/) and [q](https://e.com/?a=1&b=2).\n"
        )
        assert render_html(result.text) == render_html(text)

    def test_references_that_would_break_the_destination_are_kept(self):
        text = "[a](https://e.com/a&#x20;b) [b](https://e.com/&#x28;x) [c](https://e.com/?q=&amp;lt;)\n"
        assert not only(text, "LNK003")

    def test_mixed_destination_keeps_only_the_needed_reference(self):
        text = "[a](https:&#x2F;&#x2F;e.com&#x2F;a&#x20;b)\n"
        result = fix(text, "LNK003")
        assert result.text == "[a](https://e.com/a&#x20;b)\n"
        assert render_html(result.text) == render_html(text)

    def test_title_and_link_text_are_left_alone(self):
        text = '[A &amp; B](https://e.com/x "Q &amp; A")\n'
        assert not only(text, "LNK003")

    def test_definitions_and_not_autolinks_or_code(self):
        text = "<https://e.com/?a=1&amp;b=2> `[x](https:&#x2F;&#x2F;e.com)`\n\n[d]: https:&#x2F;&#x2F;e.com&#x2F;d\n"
        found = only(text, "LNK003")
        assert [d.line for d in found] == [3]
        assert fix(text, "LNK003").text.endswith("[d]: https://e.com/d\n")


# -- LNK004 escaped-markup ------------------------------------------------------------

ESCAPED_ARTICLE = """\
# Is Palindrome

## My First Attempt

&#x60;&#x60;&#x60;javascript
var isPalindrome &#x3D; function(s) {
  let n &#x3D; s.toLowerCase().replace(&#x2F;[^a-z]&#x2F;g, &#39;&#39;);
  return n &#x3D;&#x3D;&#x3D; n.split(&quot;&quot;).reverse().join(&quot;&quot;)
};
&#x60;&#x60;&#x60;

I replaced my &#x60;a-z&#x60; to &#x60;a-z1-9&#x60;, and [the docs](https://e.com) say A &amp; B.
"""


class TestEscapedMarkup:
    def test_one_finding_per_document_and_unsafe_unescape(self):
        (d,) = only(ESCAPED_ARTICLE, "LNK004")
        assert (d.line, d.column) == (5, 1)
        assert d.fix.applicability is Applicability.UNSAFE
        assert fix(ESCAPED_ARTICLE, "LNK004").text == ESCAPED_ARTICLE
        result = fix(ESCAPED_ARTICLE, "LNK004", unsafe=True)
        assert "```javascript\nvar isPalindrome = function(s) {" in result.text
        assert "replace(/[^a-z]/g, '');" in result.text
        assert "I replaced my `a-z` to `a-z1-9`, and [the docs](https://e.com) say A & B." in result.text
        assert "<pre><code" in render_html(result.text)

    def test_code_and_escaped_references_stay(self):
        text = "Path &#x2F;usr&#x2F;bin &#x3D; ok, `a &#x2F; b` and \\&#x2F; stays.\n\n    x &#x3D; 1\n"
        result = fix(text, "LNK004", unsafe=True)
        assert result.text == "Path /usr/bin = ok, `a &#x2F; b` and \\&#x2F; stays.\n\n    x &#x3D; 1\n"

    def test_ordinary_entities_are_not_the_artefact(self):
        assert not only("Fish &amp; chips, &quot;quoted&quot;, it&#39;s &lt;fine&gt;.\n", "LNK004")
        assert not only("One slash &#x2F; here.\n", "LNK004")

    def test_double_escaped_text_is_unescaped_once(self):
        text = "a &#x2F; b &#x2F; c &#x2F; d and &amp;lt;tag&amp;gt;\n"
        assert fix(text, "LNK004", unsafe=True).text == "a / b / c / d and &lt;tag&gt;\n"


# -- LNK007 undefined-reference -------------------------------------------------------


class TestUndefinedReference:
    def test_reports_footnotes_and_references_without_definition(self):
        text = "The probe landed[^landing] and sent [its first images][images]; see [Notes][].\n"
        found = only(text, "LNK007")
        assert [(d.column, d.message) for d in found] == [
            (17, "Footnote [^landing] has no definition"),
            (37, "Reference link [its first images][images]: label 'images' is not defined"),
            (69, "Reference link [Notes][]: label 'Notes' is not defined"),
        ]

    def test_defined_labels_match_case_and_spacing_insensitively(self):
        text = "A[^Note] and [text][My  Label].\n\n[^note]: x\n\n[my label]: https://e.com\n"
        assert not only(text, "LNK007")

    @pytest.mark.parametrize(
        "text",
        [
            "['bitset'][index] = value\n",
            "    state['bitset'][index] = value;\n\nThen state['bitset'][index] again.\n",
            "The tag [0x0008][0x0050] holds the value.\n",
            "Wikipedia says so.[1][2]\n",
            "Strip with the class [^A-Za-z0-9-] first.\n",
            "let n = s.replace(/[^a-z]/g, '') and [x][y];\n",
            "Markdown writes images as !\\[\\]() and links as \\[text\\]\\[label\\].\n",
            "`[x][y]` and `[^1]` in code\n\n```\n[a][b] [^c]\n```\n",
            "Checkbox [x][ ] is not a reference.\n",
        ],
    )
    def test_code_looking_text_is_not_reported(self, text):
        assert not only(text, "LNK007")

    def test_text_between_escaped_fences_is_code(self):
        text = (
            "&#x60;&#x60;&#x60;\nconst [error, data] = f();\nvalue [a][b] here\n&#x60;&#x60;&#x60;\n\nProse [a][b].\n"
        )
        assert [d.line for d in only(text, "LNK007")] == [6]


# -- LNK008 unused-definition ---------------------------------------------------------


class TestUnusedDefinition:
    def test_unused_link_definition_is_removed_but_an_unused_footnote_never(self):
        text = "Used [a][1] and note[^used].\n\n[1]: https://e.com/1\n[2]: https://e.com/2\n\n[^used]: Yes.\n\n[^old]: Nothing points here.\n"
        found = only(text, "LNK008")
        assert [(d.line, d.message) for d in found] == [
            (4, "Link reference definition [2] is not used"),
            (8, "Footnote definition [^old] is not used (kept: a footnote is someone's text)"),
        ]
        assert found[0].fix.applicability is Applicability.UNSAFE and found[1].fix is None
        assert found[0].fix.message == "Remove the unused definition `[2]: https://e.com/2`"
        result = fix(text, "LNK008", unsafe=True)
        assert (
            result.text
            == "Used [a][1] and note[^used].\n\n[1]: https://e.com/1\n\n[^used]: Yes.\n\n[^old]: Nothing points here.\n"
        )

    def test_shortcut_collapsed_and_image_uses_count(self):
        text = "[a] [B][] ![c][C]\n\n[a]: /a\n[b]: /b\n[c]: /c.png\n"
        assert not only(text, "LNK008")

    def test_definition_in_a_quote_is_reported_without_fix(self):
        (d,) = only("> [x]: https://e.com\n", "LNK008")
        assert d.fix is None


# -- LNK009 empty-link ----------------------------------------------------------------


class TestEmptyLink:
    def test_empty_destination_is_unwrapped_safely(self):
        text = "Read [the announcement]() now.\n"
        (d,) = only(text, "LNK009")
        assert d.fix.applicability is Applicability.SAFE
        assert fix(text, "LNK009").text == "Read the announcement now.\n"

    def test_empty_image_is_removed_safely_with_its_line(self):
        text = "# Clipping\n\n![]()\n\nText.\n"
        assert fix(text, "LNK009").text == "# Clipping\n\nText.\n"

    def test_readwise_backlink_with_empty_text_is_unsafe(self):
        text = "Arbitrary file read via Calibre. [](https://read.readwise.io/read/01j5x9xp43dgydvwg41hj8t0yb)\n"
        (d,) = only(text, "LNK009")
        assert "empty text" in d.message and d.fix.applicability is Applicability.UNSAFE
        assert fix(text, "LNK009", unsafe=True).text == "Arbitrary file read via Calibre. \n"

    def test_invisible_text_and_heading_anchors(self):
        text = "### [ ](#customizable-error-handling) **Customizable Error Handling**\n\n[\u200b](https://www.zhihu.com/question/48509984)\n"
        found = only(text, "LNK009")
        assert [d.line for d in found] == [1, 3]
        assert all("invisible" in d.message for d in found)
        assert fix(text, "LNK009", unsafe=True).text == "### **Customizable Error Handling**\n"

    def test_images_with_empty_alt_and_links_around_images_are_fine(self):
        assert not only("![](https://e.com/a.png) [![](https://e.com/b.png)](https://e.com)\n", "LNK009")

    def test_code_that_lost_its_fences_is_not_a_link(self):
        text = (
            "&#x60;&#x60;&#x60;javascript\n   const obj &#x3D; {\n     [Symbol.result]() {\n       return 1\n     },\n   };\n"
            "&#x60;&#x60;&#x60;\n\nconst [error, data] = someFunction[Symbol.result]();\n"
        )
        assert not only(text, "LNK009")


# -- LNK010 tracking-url --------------------------------------------------------------


class TestTrackingUrl:
    def test_off_by_default(self):
        from omnilint import api

        assert not [d for d in api.check_text("[a](https://e.com/?utm_source=x)\n") if d.code == "LNK010"]

    def test_tracking_parameters_are_removed_keeping_the_rest(self):
        text = "[a](https://e.com/post?id=7&utm_source=nl&fbclid=Ab1&b=%2F#part) [b](https://read.readwise.io/x?__readwiseLocation=)\n"
        found = only(text, "LNK010")
        assert len(found) == 2 and all(d.fix.applicability is Applicability.SAFE for d in found)
        assert fix(text, "LNK010").text == "[a](https://e.com/post?id=7&b=%2F#part) [b](https://read.readwise.io/x)\n"

    def test_redirect_wrappers_are_unwrapped(self):
        text = (
            "[](https://link.zhihu.com/?target=https%3A//pan.quark.cn/s/7fcd7cf32abb)\n"
            "[g](https://www.google.com/url?sa=t&q=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1&usg=x)\n"
        )
        assert fix(text, "LNK010").text == "[](https://pan.quark.cn/s/7fcd7cf32abb)\n[g](https://example.org/a?b=1)\n"

    def test_amp_addresses_are_unsafe(self):
        text = (
            "[Read Original](https://cn.wsj.com/amp/articles/%E7%BE%8E-e2e3002c)\n"
            "[c](https://www.google.com/amp/s/example.com/story)\n"
        )
        found = only(text, "LNK010")
        assert len(found) == 2 and all(d.fix.applicability is Applicability.UNSAFE for d in found)
        assert fix(text, "LNK010", unsafe=True).text == (
            "[Read Original](https://cn.wsj.com/articles/%E7%BE%8E-e2e3002c)\n[c](https://example.com/story)\n"
        )

    def test_ordinary_urls_are_fine(self):
        assert not only("[a](https://e.com/amplifier/amp-guide?ref=home&page=2)\n", "LNK010")

    def test_params_option(self):
        found = only("[a](https://e.com/?ref=home)\n", "LNK010", options={"LNK010": {"params": ["ref"]}})
        assert len(found) == 1


# -- all rules together ---------------------------------------------------------------


def test_fixing_everything_is_idempotent_and_rejects_nothing():
    text = (
        OMNIVORE_HEAD + "\n" + ESCAPED_ARTICLE.split("\n", 1)[1] + f"\n![]({PROXY}https:&#x2F;&#x2F;e.com&#x2F;a.png)\n"
    )
    result = fix(text, "LNK", unsafe=True)
    assert not result.rejected
    assert fix(result.text, "LNK", unsafe=True).text == result.text
    assert "omnivore" not in result.text.replace("#Omnivore", "")
