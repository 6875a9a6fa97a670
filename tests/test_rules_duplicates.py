"""DUP001 and DUP002: repeated blocks inside one file."""

from __future__ import annotations

from conftest import ROOT, fix, lint
from omnilint.rules.duplicates._blocks import entries, looks_like_code
from omnilint.rules.duplicates.near_duplicate_block import MAX_CANDIDATES, candidates, tokens

from omnilint.document import Document

SEED = (ROOT / "seeds" / "000_3c66538365dce977.md").read_text(encoding="utf-8")


def found(text: str, *codes: str, options: dict | None = None) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.end_line) for d in lint(text, *codes, options=options)]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


# -- the seed ---------------------------------------------------------------------------------


def test_seed_run_of_four_paragraphs_is_one_finding_on_the_copy_without_links():
    [d] = lint(SEED, "DUP001")
    assert (d.line, d.end_line) == (31, 37)
    assert "41–47" in d.message


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


def test_omnivore_highlight_synced_twice_but_not_the_quoted_content():
    # The two highlights differ only in their block ids; the article paragraph they quote is by design.
    assert found(OMNIVORE_HIGHLIGHTS, "DUP001") == [("DUP001", 7, 7)]
    result = fix(OMNIVORE_HIGHLIGHTS, "DUP001")
    assert "^9bd0c1aa" not in result.text and "^2ac621a7" in result.text
    assert result.text.count("咬住后槽牙") == 2
    assert "\n\n\n" not in result.text


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
    result = fix(MARKDOWNLOAD, "DUP001")
    assert result.text == (
        "# The Tyranny of the Marginal User\n\n---\n\n"
        "Why software gets worse over time, even when its makers try to make it better for everyone.\n\n"
        "It starts with a simple observation about who a product is built for.\n"
    )


# -- thresholds and normalisation --------------------------------------------------------------


def test_cjk_and_english_length_threshold():
    short_cjk = "关注者很多，但是回答很少。"  # 13 characters: 26 units
    long_cjk = "北京和华盛顿方面对军方接触的看法经常不同，过去几十年来如此。"  # 29 characters
    short_en = "Sign up for our newsletter."
    long_en = "The river rose three metres overnight, flooding the lower town."
    for text, expected in ((short_cjk, 0), (long_cjk, 1), (short_en, 0), (long_en, 1)):
        doc = f"{text}\n\nSomething else between the two copies.\n\n{text}\n"
        assert len(found(doc, "DUP001")) == expected, text
    doc = f"{short_en}\n\n{short_en}\n"
    assert found(doc, "DUP001", options={"DUP001": {"min-length": 10}}) == [("DUP001", 3, 3)]


def test_markup_entities_and_whitespace_do_not_matter():
    text = (
        "Tom &amp; Jerry ran   across the *whole* kitchen floor, twice in one afternoon.\n\n"
        "Tom & Jerry ran across the whole kitchen\nfloor, twice in one afternoon.\n"
    )
    [d] = lint(text, "DUP001")
    assert d.line == 3  # the plain copy goes: the first has emphasis
    assert fix(text, "DUP001").text == text.split("\n\n")[0] + "\n"


def test_different_images_make_blocks_different():
    text = (
        "![The lower town under water after the night of rain](a.png)\n\n"
        "![The lower town under water after the night of rain](b.png)\n"
    )
    assert found(text, "DUP001") == []


def test_table_rows_and_list_items():
    text = (
        "| City | Rainfall in millimetres over the whole of last week |\n|---|---|\n"
        "| Lower town by the river | Three hundred and twelve millimetres |\n"
        "| Lower town by the river | Three hundred and twelve millimetres |\n"
        "| Upper town | Two |\n"
    )
    assert found(text, "DUP001") == [("DUP001", 4, 4)]
    assert fix(text, "DUP001").text == "".join(text.splitlines(keepends=True)[i] for i in (0, 1, 2, 4))


def test_crlf_is_kept():
    text = "The river rose three metres overnight, flooding the lower town.\r\n\r\n...\r\n\r\nThe river rose three metres overnight, flooding the lower town.\r\n\r\nEnd.\r\n"
    result = fix(text, "DUP001")
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


def test_fenceless_code_counts_when_asked():
    options = {"DUP001": {"skip-code-like": False, "min-length": 20}}
    assert found(FENCELESS_CODE, "DUP001", options=options) != []


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
    assert not looks_like_code("在周四的视频会议上，美国参谋长联席会议主席、空军上将布朗(CQ Brown Jr.)和中国人民解放军讨论了问题。")
    assert not looks_like_code("The research tested ~70 open-source implementations (e.g., fasthttp, lighttpd).")


# -- DUP002 ---------------------------------------------------------------------------------------

NEAR = (
    "The river rose three metres overnight, flooding the lower town and closing the old bridge for the week.\n\n"
    "Other news follows here, about something else entirely.\n\n"
    "The river rose three metres overnight, flooding the lower town and closing the old [bridge](https://x.org) for a week.\n"
)


def test_near_duplicate_paragraph():
    [d] = lint(NEAR, "DUP002")
    assert d.line == 1 and "similar" in d.message  # the copy without the link goes
    assert d.fix is not None and d.fix.applicability == "unsafe"
    result = fix(NEAR, "DUP002", unsafe=True)
    assert result.text == NEAR.split("\n\n", 1)[1]
    assert fix(NEAR, "DUP002").text == NEAR  # unsafe only


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
    text = "".join(f"Entry number {i} of the long list of very similar paragraphs in this file.\n\n" for i in range(2000))
    seq = [e for e in entries(Document(text), 0) if e.key]
    for e in seq:
        e.tokens = tokens(e.text)
    per_block: dict[int, int] = {}
    for _earlier, later in candidates(seq):
        per_block[later.index] = per_block.get(later.index, 0) + 1
    assert max(per_block.values()) <= MAX_CANDIDATES


def test_a_repeated_section_takes_its_short_heading_along():
    section = "## Intro\n\nThe river rose three metres overnight, flooding the lower town.\n\n"
    text = section + "Between.\n\n" + section + "End.\n"
    [d] = lint(text, "DUP001")
    assert (d.line, d.end_line) == (7, 9)
    assert fix(text, "DUP001").text == section + "Between.\n\nEnd.\n"


def test_crlf_copy_at_the_end_of_the_file():
    para = "The river rose three metres overnight, flooding the lower town."
    text = f"{para}\r\n\r\nBetween.\r\n\r\n{para}\r\n\r\n"
    assert fix(text, "DUP001").text == f"{para}\r\n\r\nBetween.\r\n"
    assert fix(text.rstrip("\r\n"), "DUP001").text == f"{para}\r\n\r\nBetween.\r\n"
