from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from omnilint.rules.kit.lines import Line

from omnilint import frontmatter as fm
from omnilint.document import Document
from omnilint.frontmatter import SafeLoader
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# Keys that name article metadata in front matter (folded: lower case, `-` and spaces as `_`).
# A flattened block must use several of them: `Step: 1` under a rule is prose.
KNOWN_KEYS = frozenset(
    {
        "title", "date", "created", "updated", "modified", "published", "date_published", "date_saved",
        "date_created", "date_modified", "saved", "author", "authors", "by", "tags", "tag", "aliases", "alias",
        "source", "url", "link", "original_url", "type", "status", "category", "categories", "description",
        "summary", "cssclass", "cssclasses", "publish", "permalink", "id", "lang", "language", "site",
        "site_name", "keywords", "topics", "related", "rating", "标题", "作者", "日期", "标签", "来源", "链接",
        "分类", "别名", "创建时间", "更新时间",
    }
)  # fmt: skip
HEAD_LINES = 40  # how far into the body the block may start ("near the top")
BLOCK_LINES = 40  # how many lines the block may hold before its closing `---`
_DELIMITER = re.compile(r"^---[ \t]*$")
# `## Date: 2024-05-02`, `**Author:** Ada`, `Aliases:` (a list follows): a renderer that does
# not know front matter turned `---` into a rule and the keys into a heading and text.
_KEY_LINE = re.compile(
    r"^(?P<heading>#{1,6}[ \t]+)?(?P<open>\*\*|__)?(?P<key>[^\W\d][\w\- ]{0,30}?)(?P=open)?[ \t]*:(?P=open)?"
    r"(?:[ \t]+(?P<value>\S(?:.*\S)?))?[ \t]*$"
)
_LIST_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+(?P<item>\S(?:.*\S)?)[ \t]*$")
# What an exporter's header holds before the block: headings, tag lines, lone links or
# images, wikilinks and property lines.  Anything else is content, and a `---` after it is
# the article's own thematic break.
_HEADER_LINE = re.compile(
    r"^(?:#{1,6}[ \t].*|(?:#[^\s#]+[ \t]*)+|!?\[[^\]]*\]\([^)]*\)[ \t]*|\[\[[^\]]+\]\][ \t]*|[^\W\d][\w\- ]{0,30}::?[ \t].*)$"
)
# A Markdown backslash escape of ASCII punctuation (`\[`, `\_`), as an HTML-to-Markdown
# converter writes them into text that was YAML.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass
class Entry:
    key: str
    value: str | None  # None: nothing after the colon (a list may follow)
    items: list[str]


def _lines(doc: Document, start: int, limit: int) -> list[Line]:
    found: list[Line] = []
    pos = start
    text = doc.text
    while pos < len(text) and len(found) < limit:
        begin, end, after = doc.line_bounds(pos)
        found.append(Line(begin, end, after, text[begin:end]))
        if after <= pos:
            break
        pos = after
    return found


def _fold_key(key: str) -> str:
    return re.sub(r"[\s-]+", "_", key.strip()).casefold()


@dataclass
class Flattened:
    open: Line
    close: Line
    entries: list[Entry]
    before_blank: bool  # the line before the opening `---` is blank (or there is none)
    after: Line | None  # the line after the closing `---`


def find_flattened(doc: Document) -> Flattened | None:
    """The flattened front-matter block near the top of the body, or None."""
    lines = _lines(doc, doc.body_start, HEAD_LINES + BLOCK_LINES)
    for i, line in enumerate(lines[:HEAD_LINES]):
        stripped = line.text.strip()
        if _DELIMITER.match(line.text):
            if doc.in_code(line.start):
                return None
            return _block(lines, i)
        if stripped and not _HEADER_LINE.match(stripped):
            return None  # content came first: a `---` below it is the article's own rule
    return None


def _block(lines: list[Line], open_index: int) -> Flattened | None:
    entries: list[Entry] = []
    evidence = False  # a heading marker on a key line, or escaped YAML punctuation
    for j in range(open_index + 1, min(len(lines), open_index + 1 + BLOCK_LINES)):
        text = lines[j].text
        if _DELIMITER.match(text):
            return _judge(lines, open_index, j, entries, evidence)
        if not text.strip():
            continue
        m = _KEY_LINE.match(text.strip())
        if m is not None and not (m.group("value") or "").startswith("//"):  # `https://…` is no key
            entries.append(Entry(m.group("key").strip(), m.group("value"), []))
            evidence = evidence or bool(m.group("heading")) or bool(_ESCAPE.search(m.group("value") or ""))
            continue
        item = _LIST_ITEM.match(text)
        if item is not None and entries and entries[-1].value is None:
            entries[-1].items.append(item.group("item"))
            continue
        return None  # a line that is not metadata: prose between two rules
    return None


def _judge(
    lines: list[Line], open_index: int, close_index: int, entries: list[Entry], evidence: bool
) -> Flattened | None:
    known = sum(_fold_key(e.key) in KNOWN_KEYS for e in entries)
    if known < 2 or (len(entries) < 3 and not evidence):
        return None
    before_blank = open_index == 0 or not lines[open_index - 1].text.strip()
    after = lines[close_index + 1] if close_index + 1 < len(lines) else None
    return Flattened(lines[open_index], lines[close_index], entries, before_blank, after)


def restored_yaml(entries: list[Entry], newline: str) -> str | None:
    """The block as YAML front-matter lines, or None when it would not read back as
    the same keys."""
    out: list[str] = []
    for entry in entries:
        if entry.value is None:
            out.append(f"{entry.key}:")
            out.extend(f"  - {_scalar(_unescape(item))}" for item in entry.items)
            continue
        out.append(f"{entry.key}: {_scalar(_unescape(entry.value))}")
    text = newline.join(out) + newline
    try:
        loaded = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(loaded, dict) or len(loaded) != len(entries):
        return None  # a key given twice, or a line YAML reads differently
    return text


def _unescape(value: str) -> str:
    return _ESCAPE.sub(r"\1", value)


def _scalar(value: str) -> str:
    """`value` as written when YAML reads it without error (a flow list stays a list), else quoted."""
    try:
        loaded = yaml.load(f"k: {value}", Loader=SafeLoader)
    except yaml.YAMLError:
        loaded = None
    if isinstance(loaded, dict) and list(loaded) == ["k"] and loaded["k"] is not None:
        return value
    return json.dumps(value, ensure_ascii=False)


class FlattenedFrontMatter(Rule):
    """## What it does
    Finds front matter that an exporter flattened into the body: near the top of the
    note (after the title and header lines at most), a `---` line, then only
    `Key: value` lines of article metadata (at least two well-known keys such as
    `Date`, `Author`, `Tags`, `Aliases`, `Source`; the first often turned into a
    heading, `### Date: …`, and brackets escaped, `Tags: \\["#Type/…"\\]`), then a
    closing `---`.  A rule followed by prose, or by fewer than three keys without
    such traces, is an ordinary thematic break and is not reported.

    ## Why is this bad?
    A renderer that did not know front matter showed the metadata as a rule and a
    heading, and the clipper saved that page: the fields are text now, so Obsidian,
    Dataview and every other reader have no date, author or tags for the note, and
    the outline gains a heading made of metadata.

    ## Example
    ```markdown
    # 河流与海洋

    ---
    ### Date: 2024-05-02
    Author: Ada Lovelace
    Tags: \\["#Type/Article"\\]
    Aliases: \\["Rivers"\\]
    ---

    河流把水带到海洋。
    ```

    Use instead:
    ```markdown
    ---
    Date: 2024-05-02
    Author: Ada Lovelace
    Tags: ["#Type/Article"]
    Aliases: ["Rivers"]
    ---
    # 河流与海洋

    河流把水带到海洋。
    ```

    ## Fix safety
    Unsafe, and only when the note has no front matter: the block moves to the top
    as YAML front matter (heading marks and Markdown escapes dropped, each value
    kept as written, or quoted when YAML would not read it back), so it disappears
    from the rendered note and every reader starts using its fields; the keys keep
    their case, which may differ from what the vault's other notes use.  When the
    note already has front matter, merging the two is the owner's decision and the
    finding has no fix.
    """

    code = "FM014"
    name = "flattened-front-matter"
    summary = "Front matter that an exporter flattened into the body (a rule, Key: value lines, a rule)"
    fixable = Fixable.UNSAFE

    def check(self, doc: Document, options: Options):
        if doc.front_matter is None and fm.displaced(doc.text) is not None:
            return  # blank lines before a real block: FM013's
        block = find_flattened(doc)
        if block is None:
            return
        keys = ", ".join(e.key for e in block.entries[:4]) + (", …" if len(block.entries) > 4 else "")
        message = f"Front matter flattened into the body ({keys}): readers do not see it as metadata"
        fix = None
        if doc.front_matter is None:
            fix = self._restore(doc, block)
        yield self.report(doc, block.open.start, block.close.end, message, fix)

    def _restore(self, doc: Document, block: Flattened):
        newline = doc.newline
        yaml_text = restored_yaml(block.entries, newline)
        if yaml_text is None or block.open.start == 0:
            return None
        end = block.close.after
        if block.before_blank and block.after is not None and not block.after.text.strip():
            end = block.after.after  # the blank line that would be left doubled goes too
        insert = Edit(0, 0, f"---{newline}{yaml_text}---{newline}")
        return self.fix(
            "Move the block to the top as YAML front matter", insert, Edit(block.open.start, end), safe=False
        )
