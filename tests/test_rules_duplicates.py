"""DUP001 and DUP002: repeated blocks inside one file."""

from __future__ import annotations

from conftest import SEED as SEED_FILE
from conftest import fix, lint
from omnilint.rules.duplicates._blocks import entries, looks_like_code
from omnilint.rules.duplicates.near_duplicate_block import MAX_CANDIDATES, candidates, tokens

from omnilint.document import Document

SEED = SEED_FILE.read_text(encoding="utf-8")


def found(text: str, *codes: str, options: dict | None = None) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.end_line) for d in lint(text, *codes, options=options)]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


# -- the seed ---------------------------------------------------------------------------------


def test_seed_run_of_four_paragraphs_is_one_finding_on_the_copy_without_links():
    [d] = lint(SEED, "DUP001")
    assert (d.line, d.end_line) == (31, 37)
    assert d.fix is not None and d.fix.applicability == "safe"
    # The message says what the fix removes and what it keeps.
    assert (
        "removes the 1st copy of '美国国防部高级别官员与中国对等官员进行会…' at lines 31–37; keeps lines 41–47"
        in d.message
    )
    assert d.fix.message.startswith("Remove the 1st copy of '美国国防部")


def test_seed_fix_keeps_the_linked_copy_and_drops_the_separator():
    result = fix(SEED, "META001", "META003", "DUP001")
    assert not result.rejected
    lines = SEED.splitlines(keepends=True)
    linked = "".join(lines[40:47])  # lines 41-47
    assert linked in result.text
    assert "\n...\n" not in result.text
    assert result.text.count("美国国防部高级别官员与中国对等官员进行会谈") == 1
    # Everything but the removed lines is byte-identical: META001 takes lines 19-22,
    # META003 lines 27-28, DUP001 lines 31-40 (four paragraphs, `...`, their blank lines).
    gone = {*range(18, 22), *range(26, 28), *range(30, 40)}
    assert result.text == "".join(line for i, line in enumerate(lines) if i not in gone)
    assert "\n\n\n" not in result.text
    again = lint(result.text, "META001", "META003", "DUP001")
    assert again == []
    assert fix(result.text, "META001", "META003", "DUP001").text == result.text


# -- exporter shapes ------------------------------------------------------------------------------

READWISE_DOUBLE_SYNC = """# Is there any native function to convert json to url parameters?

## Highlights

- URLSearchParams is the standard way to turn an object into a query string in the browser. ([View Highlight](https://read.readwise.io/read/01j093rabhf312skx7r644qeeq))
- It encodes spaces as plus signs, which most servers accept without complaint. ([View Highlight](https://read.readwise.io/read/01j093rc2k3q))
- URLSearchParams is the standard way to turn an object into a query string in the browser. ([View Highlight](https://read.readwise.io/read/01j093rabhf312skx7r644qeeq))
"""


def test_readwise_highlight_synced_twice():
    assert found(READWISE_DOUBLE_SYNC, "DUP001") == [("DUP001", 7, 7)]
    result = fix(READWISE_DOUBLE_SYNC, "DUP001")
    assert result.text == "\n".join(READWISE_DOUBLE_SYNC.split("\n")[:6]) + "\n"


OMNIVORE_HIGHLIGHTS = """# 详论戒色要点

## Highlights

> 小便的时候咬住后槽牙，这样能保住不漏，《戒为良药》里也写过，牙属肾，小便的时候咬牙踮脚尖，最好一直保持。 [⤴️](https://omnivore.app/me/-19177ad9f40#2ac621a7-e340-4496-85ec-b59c7e84d122)  ^2ac621a7

> 小便的时候咬住后槽牙，这样能保住不漏，《戒为良药》里也写过，牙属肾，小便的时候咬牙踮脚尖，最好一直保持。 [⤴️](https://omnivore.app/me/-19177ad9f40#9bd0c1aa-e340-4496-85ec-b59c7e84d122)  ^9bd0c1aa

# Full Content:

小便的时候咬住后槽牙，这样能保住不漏，《戒为良药》里也写过，牙属肾，小便的时候咬牙踮脚尖，最好一直保持。
"""


def test_omnivore_highlight_synced_twice_with_two_block_ids_has_no_fix():
    # The two highlights differ in their block ids (other notes may link to either), and the
    # article paragraph they quote is by design: one finding, and nothing to fix.
    [d] = lint(OMNIVORE_HIGHLIGHTS, "DUP001")
    assert (d.line, d.end_line) == (7, 7)
    assert d.fix is None and "block ids" in d.message
    assert fix(OMNIVORE_HIGHLIGHTS, "DUP001", unsafe=True).text == OMNIVORE_HIGHLIGHTS


def test_a_copy_with_a_block_id_the_other_lacks_is_the_one_kept():
    para = "The river rose three metres overnight, flooding the lower town and the market."
    text = f"{para} ^flood1\n\n{para}\n"
    [d] = lint(text, "DUP001")
    assert d.line == 3 and d.fix.applicability == "safe"
    assert fix(text, "DUP001").text == f"{para} ^flood1\n"


MARKDOWNLOAD = """# The Tyranny of the Marginal User

> ## Excerpt
> Why software gets worse over time, even when its makers try to make it better for everyone.

---

Why software gets worse over time, even when its makers try to make it better for everyone.

It starts with a simple observation about who a product is built for.
"""


def test_markdownload_excerpt_repeating_the_lede():
    [d] = lint(MARKDOWNLOAD, "DUP001")
    assert d.line == 4  # the excerpt is the copy that goes; the article keeps its lede
    # The quote goes whole, its `## Excerpt` heading with it: a heading is never removed safely.
    assert d.fix.applicability == "unsafe" and "heading" in d.message
    assert fix(MARKDOWNLOAD, "DUP001").text == MARKDOWNLOAD
    result = fix(MARKDOWNLOAD, "DUP001", unsafe=True)
    assert result.text == (
        "# The Tyranny of the Marginal User\n\n---\n\n"
        "Why software gets worse over time, even when its makers try to make it better for everyone.\n\n"
        "It starts with a simple observation about who a product is built for.\n"
    )


# -- thresholds and normalisation --------------------------------------------------------------


def test_cjk_and_english_length_threshold_for_adjacent_copies():
    short_cjk = "关注者很多，但是回答很少。"  # 13 characters: 26 units
    long_cjk = "北京和华盛顿方面对军方接触的看法经常不同，过去几十年来如此。"  # 29 characters
    short_en = "Sign up for our newsletter."
    long_en = "The river rose three metres overnight, flooding the lower town."
    for text, expected in ((short_cjk, 0), (long_cjk, 1), (short_en, 0), (long_en, 1)):
        doc = f"{text}\n\n...\n\n{text}\n"
        assert len(found(doc, "DUP001")) == expected, text
    doc = f"{short_en}\n\n{short_en}\n"
    assert found(doc, "DUP001", options={"DUP001": {"min-length": 10}}) == [("DUP001", 3, 3)]


LONG_CJK = (
    "美国和中国的军队正频繁在台湾周围以及南中国海活动。美中两国政府日益担心发生意外事件的风险，"
    "以及进而演变成更广泛的对峙的风险；这种情况是双方都不想看到的。两国官员都预计相关紧张局面会继续，"
    "因此华盛顿和北京方面必须找到管理分歧的方法。"
)  # 115 characters, 227 reading units: CJK characters count double (NFKC makes the fullwidth "，；" ASCII)
LONG_EN = (
    "Officials on both sides expect the tensions to continue, so Washington and Beijing must find ways"
    " to manage their differences."
)  # 107 reading units (spaces do not count)


def test_a_single_paragraph_far_from_its_copy_is_reported_only_when_long_and_never_fixed():
    def doc(para: str) -> str:
        return f"{para}\n\nThis paragraph has nothing to do with either copy.\n\n{para}\n"

    assert found(doc(LONG_CJK), "DUP001") == []  # under the default of 300 units
    options = {"DUP001": {"far-min-length": 227}}
    [d] = lint(doc(LONG_CJK), "DUP001", options=options)  # CJK counts double: 115 characters reach 227
    assert (d.line, d.fix) == (5, None) and "far from it" in d.message
    assert found(doc(LONG_CJK), "DUP001", options={"DUP001": {"far-min-length": 228}}) == []
    assert found(doc(LONG_EN), "DUP001", options={"DUP001": {"far-min-length": 108}}) == []
    assert found(doc(LONG_EN), "DUP001", options={"DUP001": {"far-min-length": 107}}) == [("DUP001", 5, 5)]
    # Said three times, it is boilerplate, not a copy.
    thrice = f"{doc(LONG_CJK)}\nAnother paragraph between.\n\n{LONG_CJK}\n"
    assert found(thrice, "DUP001", options=options) == []
    # In another section, it is documentation repeating itself on purpose.
    assert found(f"{LONG_CJK}\n\n## 其他\n\n{LONG_CJK}\n", "DUP001", options=options) == []


def test_equal_neighbours_in_a_table_or_list_are_its_data():
    text = (
        "| City | Rainfall in millimetres over the whole of last week |\n|---|---|\n"
        "| Lower town by the river | Three hundred and twelve millimetres |\n"
        "| Lower town by the river | Three hundred and twelve millimetres |\n"
        "| Upper town | Two |\n\n"
        "- Sandbags were handed out at the town hall until midnight.\n"
        "- Sandbags were handed out at the town hall until midnight.\n"
    )
    assert found(text, "DUP001", "DUP002") == []


def test_crlf_is_kept():
    text = "The river rose three metres overnight, flooding the lower town.\r\n\r\n...\r\n\r\nThe river rose three metres overnight, flooding the lower town.\r\n\r\nEnd.\r\n"
    result = fix(text, "DUP001", unsafe=True)  # one short sentence said twice: unsafe (a refrain?)
    assert result.text == "The river rose three metres overnight, flooding the lower town.\r\n\r\nEnd.\r\n"


# -- traps: code repeats legitimately ------------------------------------------------------------

FENCELESS_CODE = """This was what the failing code looked like at that point:

function iterateNodes(list1Pointer, list2Pointer){

if (list1Pointer.val &gt;&#x3D; list2Pointer.val){
current &#x3D; list2Pointer
list2Pointer &#x3D; list2Pointer.next
}

After I fixed this mistake, this is what I ended up with:

function iterateNodes(list1Pointer, list2Pointer){

if (list1Pointer.val &gt;&#x3D; list2Pointer.val){
current &#x3D; list2Pointer
list2Pointer &#x3D; list2Pointer.next
}
"""


def test_fenceless_code_that_repeats_is_not_touched():
    assert found(FENCELESS_CODE, "DUP001", "DUP002") == []
    assert fix(FENCELESS_CODE, "DUP001").text == FENCELESS_CODE
    assert fix(FENCELESS_CODE, "DUP002", unsafe=True).text == FENCELESS_CODE


def test_fenceless_code_counts_when_asked_but_only_right_next_to_its_copy():
    options = {"DUP001": {"skip-code-like": False, "min-length": 20}}
    assert found(FENCELESS_CODE, "DUP001", options=options) == []  # two listings, far apart
    code = FENCELESS_CODE.split("\n\n", 1)[1].split("\n\nAfter")[0]
    adjacent = f"{code}\n\n{code}\n"
    assert found(adjacent, "DUP001") == []
    assert found(adjacent, "DUP001", options=options) != []


def test_code_blocks_never_count():
    block = "```js\nif (list1Pointer.val >= list2Pointer.val) { current = list2Pointer }\n```\n"
    indented = "    console.log('unexpected case in the merge of two lists')\n"
    text = f"{block}\nText.\n\n{block}\nMore.\n\n{indented}\nAgain.\n\n{indented}"
    assert found(text, "DUP001") == []


def test_code_like_paragraphs_extend_a_duplicated_section():
    # A forum reply rendered twice: prose, then the CSS whose fences were lost.
    reply = (
        "这个css只是一个一个举例，不是真的实现。用这个吧，应该就能去掉表格上面的空行了\n\n"
        ".markdown-source-view.is-live-preview .cm-line:has(+ .cm-table-widget) {  \nline-height: 0;  \n}\n"
    )
    text = reply + "\n" + reply + "\nThanks!\n"
    [d] = lint(text, "DUP001")
    assert (d.line, d.end_line) == (7, 11)
    assert fix(text, "DUP001").text == reply + "\nThanks!\n"


def test_looks_like_code_heuristic():
    assert looks_like_code("if (list1Pointer.val &gt;&#x3D; list2Pointer.val){")
    assert looks_like_code("&#x60;&#x60;&#x60;python\nprint(1)\n&#x60;&#x60;&#x60;")
    assert looks_like_code("const u = new URLSearchParams(myParams).toString();")
    assert not looks_like_code(
        "在周四的视频会议上，美国参谋长联席会议主席、空军上将布朗(CQ Brown Jr.)和中国人民解放军讨论了问题。"
    )
    assert not looks_like_code("The research tested ~70 open-source implementations (e.g., fasthttp, lighttpd).")


# -- DUP002 ---------------------------------------------------------------------------------------

NEAR = (
    "The river rose three metres overnight, flooding the lower town and closing the old bridge for the week.\n\n"
    "...\n\n"
    "The river rose three metres overnight, flooding the lower town and closing the old [bridge](https://x.org) for a week.\n"
)


def test_near_duplicate_paragraph():
    [d] = lint(NEAR, "DUP002")
    assert d.line == 1 and "similar" in d.message  # the copy without the link goes
    assert "removes the 1st copy of 'The river rose three metres overnight, f…' at line 1; keeps line 5" in d.message
    assert d.fix is not None and d.fix.applicability == "unsafe"
    result = fix(NEAR, "DUP002", unsafe=True)
    assert result.text == NEAR.split("\n\n", 2)[2]  # the separator goes with it
    assert fix(NEAR, "DUP002").text == NEAR  # unsafe only


def test_near_duplicates_far_apart_are_not_reported():
    far = NEAR.replace("...", "Other news follows here, about something else entirely.")
    assert found(far, "DUP002") == []


def test_near_duplicate_beside_an_equal_pair_in_one_section():
    # A section saved twice, the second time with one word changed: the equal paragraph
    # beside the near pair makes the two a run.
    same = "Officials on both sides expect the tensions to continue for some time, they said on Thursday."
    a, b = NEAR.rstrip("\n").split("\n\n...\n\n")
    text = f"{a}\n\n{same}\n\nThe rest of the report follows here.\n\n{b}\n\n{same}\n"
    assert [d.line for d in lint(text, "DUP002")] == [1]
    assert found(text.replace("The rest of", "## Elsewhere\n\nThe rest of"), "DUP002") == []


def test_near_duplicate_never_takes_a_template_callout_for_a_copy():
    lede = "The river rose three metres overnight, flooding the lower town and closing the old bridge for the week."
    text = f"> [!summary]\n> {lede[:-1]}!\n\n{lede}\n"
    assert found(text, "DUP001", "DUP002") == []
    notes = f"## Notes\n\n{lede[:-1]}!\n\n## Article\n\n{lede}\n"
    assert found(notes, "DUP001", "DUP002") == []


def test_near_duplicate_threshold_option_and_exact_copies():
    assert found(NEAR, "DUP002", options={"DUP002": {"threshold": 0.99}}) == []
    exact = "A paragraph long enough to count, about rivers, towns, bridges and the weather of last week.\n\n"
    assert found(exact * 2, "DUP002") == []  # equal blocks are DUP001's
    assert found(exact * 2, "DUP001") == [("DUP001", 3, 3)]


def test_near_duplicate_cjk():
    a = "两位将军周四的通话是中美军事高层对话中断以来两国军方的首次实质性交流，当时中国政府因访问台湾而被激怒。"
    b = "两位将军周四的通话是中美军事高层对话中断以来两国军方的首次实质性交流，当时中国政府因访问台湾而被激怒了。"
    assert found(f"{a}\n\n{b}\n", "DUP002") == [("DUP002", 1, 1)]


def test_near_duplicate_candidates_are_bounded_on_large_files():
    # 2,000 near-identical rows would be two million pairs; each block meets a bounded few.
    text = "".join(
        f"Entry number {i} of the long list of very similar paragraphs in this file.\n\n" for i in range(2000)
    )
    seq = [e for e in entries(Document(text), 0) if e.key]
    for e in seq:
        e.tokens = tokens(e.text)
    per_block: dict[int, int] = {}
    for _earlier, later in candidates(seq):
        per_block[later.index] = per_block.get(later.index, 0) + 1
    assert max(per_block.values()) <= MAX_CANDIDATES


def test_a_section_repeated_right_after_itself_takes_its_heading_along_but_not_safely():
    section = "## Intro\n\nThe river rose three metres overnight, flooding the lower town.\n\n"
    text = "Lede.\n\n" + section + section + "End.\n"
    [d] = lint(text, "DUP001")
    assert (d.line, d.end_line) == (7, 9)
    assert d.fix.applicability == "unsafe" and "heading" in d.message  # a heading is never removed safely
    assert fix(text, "DUP001").text == text
    assert fix(text, "DUP001", unsafe=True).text == "Lede.\n\n" + section + "End.\n"


def test_a_heading_and_a_paragraph_repeated_in_another_section_are_not_a_copy():
    section = "## Returns\n\nThe river rose three metres overnight, flooding the lower town.\n\n"
    text = section + "Between.\n\n" + section + "End.\n"
    assert found(text, "DUP001", "DUP002") == []


def test_crlf_copy_at_the_end_of_the_file():
    para = "The river rose three metres overnight, flooding the lower town."
    text = f"Between.\r\n\r\n{para}\r\n\r\n{para}\r\n\r\n"
    assert fix(text, "DUP001", unsafe=True).text == f"Between.\r\n\r\n{para}\r\n"
    assert fix(text.rstrip("\r\n"), "DUP001", unsafe=True).text == f"Between.\r\n\r\n{para}\r\n"


# -- exporter duplication is still found ---------------------------------------------------------

TEASER_RUN = """---
title: 两国军方恢复对话
---

# 两国军方恢复对话

美国国防部高级别官员与中国对等官员进行会谈，表明美中军方在中断交流16个月后恢复对话。

一个多月前，美国总统拜登和中国领导人习近平在旧金山郊外举行的一次峰会上同意恢复军事对话。

Subscribers can read the rest of this story in the app.

美国国防部高级别官员与中国对等官员进行会谈，表明美中军方在中断交流16个月后恢复对话。

一个多月前，美国总统拜登和中国领导人习近平在旧金山郊外举行的[一次峰会上](https://cn.wsj.com/articles/x)同意恢复军事对话。

然而，在多年来双方关系日益紧张之后，这种缓和是初步的。
"""


def test_a_run_of_paragraphs_recurring_in_the_same_section_is_found_and_fixed_safely():
    # A paywall teaser (two paragraphs) and the article repeating them, the second with a link.
    [d] = lint(TEASER_RUN, "DUP001")
    assert (d.line, d.end_line) == (7, 9) and d.fix.applicability == "safe"
    assert "keeps lines 13–15" in d.message
    result = fix(TEASER_RUN, "DUP001")
    assert result.text == TEASER_RUN.replace(
        "美国国防部高级别官员与中国对等官员进行会谈，表明美中军方在中断交流16个月后恢复对话。\n\n"
        "一个多月前，美国总统拜登和中国领导人习近平在旧金山郊外举行的一次峰会上同意恢复军事对话。\n\n",
        "",
        1,
    )
    assert result.text.count("恢复对话。") == 1


WEB_CLIPPER_ADJACENT = """---
source: https://example.com/trailers
tags: [clippings]
---

With the introduction of chunked transfer encoding in HTTP/1.1, agents gained the ability to send additional headers after the request body.

With the introduction of chunked transfer encoding in HTTP/1.1, agents gained the ability to send **additional headers after the request body**.

This post explores the security implications of improper trailer parsing.
"""


def test_a_paragraph_right_next_to_its_copy_is_found_and_the_formatted_copy_kept():
    [d] = lint(WEB_CLIPPER_ADJACENT, "DUP001")
    assert d.line == 6 and d.fix.applicability == "safe"
    assert "removes the 1st copy of 'With the introduction of chunked transfe…' at line 6; keeps line 8" in d.message
    result = fix(WEB_CLIPPER_ADJACENT, "DUP001")
    assert "**additional headers after the request body**" in result.text
    assert result.text.count("With the introduction") == 1 and "\n\n\n" not in result.text


def test_a_short_line_said_twice_in_a_row_is_unsafe_to_remove_a_long_paragraph_is_not():
    refrain = "Oh the river runs, the river runs, down to the sea tonight"
    [d] = lint(f"# Song\n\n{refrain}\n\n{refrain}\n\nThe verse goes on.\n", "DUP001")
    assert d.fix.applicability == "unsafe" and "may be deliberate" in d.message
    long = refrain + ", and every night the town listens to it rise against the old stone bridge."
    [d] = lint(f"# Song\n\n{long}\n\n{long}\n\nThe verse goes on.\n", "DUP001")
    assert d.fix.applicability == "safe"


def test_adjacent_copies_spelt_differently_or_with_links_on_both_sides_are_unsafe():
    plain = "The river rose three metres overnight, flooding the [lower town](https://a.example) again."
    other = "The river rose three metres overnight, flooding the [lower town](https://b.example) again."
    [d] = lint(f"{plain}\n\n{other}\n", "DUP001")
    assert d.fix.applicability == "unsafe"  # each copy has a link the other lacks
    fullwidth = "The river rose three metres overnight, flooding the ｌｏｗｅｒ town again and again."
    [d] = lint(f"{fullwidth}\n\n{fullwidth.replace('ｌｏｗｅｒ', 'lower')}\n", "DUP001")
    assert d.fix.applicability == "unsafe"  # equal only after Unicode normalisation


WHOLE_BODY_TWICE = """---
title: 如何去掉表格上面的空行
---

用 css 去掉前一行的行高，用 .cm-line 和 :has() 即可，这是论坛里最常见的回答。

- 打开设置里的外观页面，找到代码片段
- 新建一个 css 文件并启用它

谢谢你的回复，我按你说的增加了这个 css，表格上面的空行已经去掉了。

用 css 去掉前一行的行高，用 .cm-line 和 :has() 即可，这是论坛里最常见的回答。

- 打开设置里的外观页面，找到代码片段
- 新建一个 css 文件并启用它

谢谢你的回复，我按你说的增加了这个 css，表格上面的空行已经去掉了。
"""


def test_a_whole_body_pasted_twice_is_one_finding_and_one_half_goes():
    [d] = lint(WHOLE_BODY_TWICE, "DUP001")
    assert (d.line, d.end_line) == (12, 17) and d.fix.applicability == "safe"
    assert "pasted twice" in d.message and "keeps lines 5–10" in d.message
    result = fix(WHOLE_BODY_TWICE, "DUP001")
    assert result.text == WHOLE_BODY_TWICE[: WHOLE_BODY_TWICE.index("\n\n用 css", 60) + 1]
    assert fix(result.text, "DUP001").text == result.text


def test_a_body_pasted_twice_keeps_both_copies_of_its_footnote_definitions():
    """Footnote definitions are the writer's text: the fix removes the repeated paragraphs and
    never a definition, even an equal one (the whole-body shape is refused for them)."""
    body = (
        "The river rose three metres overnight and the town woke to water in the streets, the shops"
        " closed and the school shut.[^1]\n\n"
        "By noon the army had sandbags on the bridge, and the mayor asked everyone living near the"
        " bank to leave before dark.\n\n"
        "[^1]: Measured at the old mill gauge, which has recorded the river since 1871.\n\n"
    )
    text = "# Flood\n\n" + body + body
    [d] = lint(text, "DUP001")
    assert "pasted twice" not in d.message
    fixed = fix(text, "DUP001").text
    assert fixed.count("[^1]: Measured at the old mill gauge") == 2
    assert fixed.count("By noon the army") == 1


def test_the_same_highlight_synced_twice_is_found_wherever_it_is():
    # Readwise wrote the same highlight (the same highlight id in its back-link) twice.
    assert found(READWISE_DOUBLE_SYNC, "DUP001") == [("DUP001", 7, 7)]
    [d] = lint(READWISE_DOUBLE_SYNC, "DUP001")
    assert d.fix.applicability == "safe"


def test_a_body_with_sections_pasted_twice_before_the_highlights_is_found_but_not_safely():
    body = (
        "The river rose three metres overnight, flooding the lower town.\n\n"
        "The bridge stayed closed for the rest of the week, and the ferry ran all night.\n\n"
        "## Aftermath\n\n"
        "Sandbags ran out by midnight, and the [council](https://example.com/c) opened the school hall.\n"
    )
    highlights = (
        "## Highlights\n\n> The bridge stayed closed for the rest of the week, and the ferry ran all night."
        " [⤴️](https://omnivore.app/me/x#1)\n"
    )
    header = "---\nid: 1\ntitle: Flood\n---\n\n# Flood\n#Omnivore\n\n[Read Original](https://example.com/flood)\n\n"
    text = f"{header}{body}\n{body}\n{highlights}"
    [d] = lint(text, "DUP001")
    assert (d.line, d.end_line) == (19, 25) and "pasted twice" in d.message
    assert d.fix.applicability == "unsafe"  # the copy holds a heading
    assert fix(text, "DUP001", unsafe=True).text == f"{header}{body}\n{highlights}"
