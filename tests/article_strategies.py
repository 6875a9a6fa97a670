"""Hypothesis strategies for saved-article Markdown, built from the shapes in REFERENCE.md.

`articles()` draws whole documents the way exporters write them (Omnivore front matter
of every plugin era, Readwise/Raindrop/Web Clipper/MarkDownload bodies, the defects of
§2 and the false-positive traps), glued with random separators, line endings, missing
final newlines and stray noise, so one example exercises many rules at once.
`nasty_text()` adds arbitrary Unicode (NUL, lone surrogates, bidi controls) on top.
"""

from __future__ import annotations

from hypothesis import strategies as st

# -- small pieces -------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "saved",
        "article",
        "reading",
        "the",
        "a",
        "Omnivore",
        "Readwise",
        "highlights",
        "note",
        "美中军方",
        "恢复对话",
        "华尔街日报",
        "café",
        "naïve",
        "😀",
        "x",
        "list1Pointer.val",
        ">=",
        "https://example.com/a_(b)",
        "foo_bar_baz",
        "**bold**",
        "*em*",
        "`code`",
        "~~s~~",
        "==mark==",
        "#tag",
        "#Omnivore",
        "#1234",
        "\\#escaped",
        "&amp;",
        "&nbsp;",
        "&#x2F;",
        "a\u00a0b",
        "zero\u200bwidth",
        "%%comment%%",
        "^abcdef12",
        "[[Note]]",
        "[[Jan 31st, 2023]]",
        "$x^2$",
        "<br>",
        "<span>t</span>",
        "[^1]",
        "['bitset'][index]",
        "[0x0008][0x0050]",
        "[^A-Za-z0-9-]",
        "!\\[\\]()",
        "\t",
        "  ",
    ]
)
SLUG = st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)
HEX8 = st.from_regex(r"[0-9a-f]{8}", fullmatch=True)
UUID = st.uuids().map(str)
DATE = st.sampled_from(
    [
        "2023-12-21 19:33:03",
        "2023-12-21T19:33:03.000Z",
        "2023-12-21",
        "'2023-12-21'",
        "星期五, 九月 20日 2024, 5:59:49 下午",
        "Dec 21, 2023",
        "",
        "2023-13-45 99:99:99",
        "2023-12-21 19:33:03+08:00",
    ]
)
URL = st.one_of(
    st.builds(lambda s: f"https://example.com/{s}", SLUG),
    st.builds(lambda s: f"https://omnivore.app/me/{s}", SLUG),
    st.builds(lambda s, u: f"https://omnivore.app/me/{s}#{u}", SLUG, UUID),
    st.just("https://omnivore.app/no_url?q=abc"),
    st.just("https://omnivore.app/attachments/x.pdf"),
    st.builds(lambda s: f"https://read.readwise.io/read/{s}", SLUG),
    st.builds(
        lambda w, h, s: f"https://proxy-prod.omnivore-image-cache.app/{w}x{h},s{s}/https://cdn.example.com/{s}.png",
        st.integers(0, 2000),
        st.integers(0, 2000),
        SLUG,
    ),
    st.just("https://proxy-prod.omnivore-image-cache.app/0x0,sAbC/https:/substack.com/i/https%3A%2F%2Fx.png"),
    st.just("https://proxy-demo.omnivore-image-cache.app/10x10,sx/data:image/svg+xml,%3Csvg%3E"),
    st.just("https:&#x2F;&#x2F;example.com&#x2F;path"),
    st.just("../other/note.md"),
    st.just("/abs/note.md"),
    st.just("attachments/img%20one.png"),
    st.just("note.md#heading"),
    st.just("<https://example.com/with space>"),
    st.just(""),
)
TEXT_LINE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)


def _lines(*parts: str) -> str:
    return "\n".join(parts)


# -- front matter ------------------------------------------------------------------

YAML_VALUE = st.one_of(
    TEXT_LINE.filter(lambda s: "\t" not in s),
    DATE,
    st.sampled_from(['"quoted: title"', "'single'", "null", "~", "[clippings]", "[]", "{}", "true", "1e3", ".nan"]),
    st.builds(lambda t: f'"{t}"', TEXT_LINE),  # 1.2.3 era: breaks when the title has a quote
)
YAML_FIELD = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["title", "author", "url", "site", "description"]), YAML_VALUE),
    st.builds(lambda d: f"date_saved: {d}", DATE),
    st.builds(lambda d: f"date_published: {d}", DATE),
    st.builds(lambda d: f"created: {d}", DATE),
    st.builds(lambda u: f"id: {u}", UUID),
    st.builds(lambda t: f"title: |\n  {t}", TEXT_LINE),  # 1.3.0 era block scalar
    st.builds(lambda t: f"title: >\n  {t}", TEXT_LINE),
    st.just("description: |-\n  null"),  # Raindrop
    st.builds(lambda u: f"source: {u}", URL),  # Web Clipper
    st.builds(lambda tags: "tags:\n" + "\n".join(f"  - {t}" for t in tags), st.lists(WORDS, max_size=4)),
    st.just("tags:\n\n  - a\n\n  - b"),  # blank lines inside a list
    st.just("tags: [clippings, Omnivore]"),
    st.just("omnivore_error: template failed to parse"),
    st.just("empty:"),
    st.just("title: a: b"),  # invalid YAML: unquoted colon
    st.just("dup: 1\ndup: 2"),
    st.just("anchor: &a [1, 2]\nalias: *a"),
    st.just("python: !!python/object/apply:os.system ['true']"),
    st.just("tab:\tvalue"),
)
YAML_FRONT = st.builds(
    lambda fields, close: "---\n" + "\n".join(fields) + ("\n" + close + "\n" if close else "\n"),
    st.lists(YAML_FIELD, min_size=0, max_size=8),
    st.sampled_from(["---", "---", "---", "...", "--- ", ""]),
)
FRONT_MATTER = st.one_of(
    st.just(""),
    YAML_FRONT,
    YAML_FRONT.map(lambda fm: "\n\n" + fm),  # displaced by blank lines
    st.builds(
        lambda t: f'+++\ntitle = "{t}"\ndate = 2023-12-21\n+++\n',
        TEXT_LINE.filter(lambda s: '"' not in s and "\\" not in s),
    ),
    st.just('{\n  "title": "json front matter",\n  "tags": ["a"]\n}\n'),
    st.builds(  # single-file mode: a list of articles
        lambda ids: "---\n" + "\n".join(f"- id: {i}\n  title: t" for i in ids) + "\n---\n",
        st.lists(UUID, min_size=1, max_size=3),
    ),
    st.just("tags::  #Readed\n"),  # Logseq property line
    st.just("---\n---\n"),
)

# -- body blocks -----------------------------------------------------------------------

LINK = st.builds(lambda t, u: f"[{t}]({u})", st.sampled_from(["", "x", "Read Original", "Read on Omnivore", "⤴️"]), URL)
IMAGE = st.builds(lambda t, u: f"![{t}]({u})", st.sampled_from(["", "img", "alt text"]), URL)
INLINE = st.one_of(TEXT_LINE, LINK, IMAGE, st.builds(lambda a, b: f"{a} {b}", TEXT_LINE, LINK))
PARAGRAPH = st.lists(INLINE, min_size=1, max_size=4).map(" ".join)
HIGHLIGHT = st.builds(
    lambda t, s, u, label, block: f"> {t} [⤴️](https://omnivore.app/me/{s}#{u}){label}{block}",
    TEXT_LINE,
    SLUG,
    UUID,
    st.sampled_from(["", " #label", " #to-read"]),
    st.one_of(st.just(""), HEX8.map(lambda h: f" ^{h}")),
)
CODE_BLOCK = st.builds(
    lambda fence, info, body: f"{fence}{info}\n{body}\n{fence}",
    st.sampled_from(["```", "~~~", "````"]),
    st.sampled_from(["", "python", "js", "markdown"]),
    st.sampled_from(
        ["if (list1Pointer.val >= x){", "x = ['bitset'][index]  ", "# not a heading", "", "a\n\n\n\nb", "[a](b)"]
    ),
)
BLOCK = st.one_of(
    PARAGRAPH,
    PARAGRAPH,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), TEXT_LINE),
    st.builds(lambda t: f"# {t}\n#Omnivore", TEXT_LINE),
    st.just("[[Omnivore]]"),
    st.builds(lambda s: f"[Read on Omnivore](https://omnivore.app/me/{s})", SLUG),
    st.builds(lambda u: f"[Read Original]({u})", URL),
    st.builds(lambda hs: "## Highlights\n\n" + "\n\n".join(hs), st.lists(HIGHLIGHT, min_size=1, max_size=3)),
    st.builds(lambda d: f"date_saved: {d}\n\ndate_published: {d}", DATE),  # body repeating front matter
    st.just("--- \n\n# Full Content: "),
    st.just("> ## Excerpt\n> The lede, repeated."),  # MarkDownload
    CODE_BLOCK,
    st.just("&#x60;&#x60;&#x60;js\nconst a = 1;\n&#x60;&#x60;&#x60;"),  # entity fences that never render
    st.builds(lambda items: "\n".join(f"- {i}" for i in items), st.lists(INLINE, min_size=1, max_size=4)),
    st.builds(
        lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1)),
        st.lists(TEXT_LINE, min_size=1, max_size=3),
    ),
    st.just("- [ ] task\n- [x] done"),
    st.just("| a | b |\n|---|---|\n| 1 | [x](y) |"),
    st.just("Text[^1].\n\n[^1]: A footnote."),
    st.just("[ref]: https://example.com/ref\n\nSee [ref]."),
    st.just("> [!note] Callout\n> body"),
    st.builds(lambda s: f"![[{s}.png]]", st.sampled_from(["folder/img", "a/b/c", "img"])),
    st.builds(lambda u: f"%%{u}_start%%\ntext\n%%{u}_end%%", UUID),
    st.just("<div>\nraw html\n</div>"),
    st.just("<!-- omnilint-disable-next-line -->\ntrailing  "),
    st.just("$$\nx^2\n$$"),
    st.just("***"),
    st.just("    indented code  "),
    st.just("hard break  \nnext line"),
    st.just("Title\n====="),
)


@st.composite
def articles(draw) -> str:
    """A whole saved article, with LF line endings (see `with_line_endings`)."""
    blocks = draw(st.lists(BLOCK, min_size=0, max_size=10))
    if blocks and draw(st.booleans()):  # a paragraph repeated (lede twice, highlight synced twice)
        blocks.append(draw(st.sampled_from(blocks)))
    seps = draw(
        st.lists(
            st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n\n", "\n \n\t\n", "  \n\n"]),
            min_size=len(blocks),
            max_size=len(blocks),
        )
    )
    body = "".join(b + s for b, s in zip(blocks, seps))
    text = draw(FRONT_MATTER) + body
    if draw(st.integers(0, 3)) == 0:  # a little noise somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(st.sampled_from("[]()!#*_`>-:|\\<&;\n \t\u00a0\u200b"), max_size=6)) + text[at:]
    if draw(st.booleans()):
        text = text.rstrip("\n")
    return text


NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "mixed"])


@st.composite
def with_line_endings(draw, text_strategy=None) -> str:
    """`text_strategy`'s text with LF, CRLF, CR or a random mix of line endings."""
    text = draw(text_strategy if text_strategy is not None else articles())
    style = draw(NEWLINES)
    if style == "mixed":
        lines = text.split("\n")
        ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
        return "".join(line + end for line, end in zip(lines[:-1], ends)) + lines[-1]
    return text.replace("\n", style)


def nasty_text() -> st.SearchStrategy[str]:
    """Any text at all: arbitrary code points (lone surrogates, NUL, bidi), spliced into articles."""
    anything = st.text(
        st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from("\x00\r\n\u2028\u202e\x1b")),
        max_size=200,
    )
    spliced = st.builds(
        lambda a, junk, at: a[: at % (len(a) + 1)] + junk + a[at % (len(a) + 1) :],
        articles(),
        anything,
        st.integers(0, 10_000),
    )
    return st.one_of(anything, spliced, with_line_endings())


@st.composite
def file_bytes(draw) -> bytes:
    """What a file can hold: articles in UTF-8 with or without BOM, or any bytes at all."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=300))
    data = draw(with_line_endings()).encode("utf-8")
    if kind == 1:  # a byte flipped somewhere: often invalid UTF-8
        at = draw(st.integers(0, max(0, len(data) - 1)))
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == 2:
        return b"\xef\xbb\xbf" + data
    return data
