from __future__ import annotations

import re

import yaml

from omnilint.document import Document
from omnilint.frontmatter import FrontMatter, SafeLoader
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import current, keeps_others, lines, outcome, scalar, top_entries, verify_each, yaml_root

# `key: value` on one line (a key of a block mapping, maybe inside a `- ` item).
# The key stops at the first ':' followed by a blank, so `title: a: b` has the value `a: b`.
KEY_LINE = re.compile(
    r"(?P<indent>[ ]*(?:- )?)"
    r"(?P<key>[^\s#'\"\[\]{}&*!|>%@`,?:-][^:\r\n]*?|\"[^\"\r\n]*\"|'[^'\r\n]*')"
    r":[ \t]+(?P<value>\S(?:.*\S)?)[ \t]*"
)
# A line that starts a new key (used to tell continuation lines from the next field).
STARTS_KEY = re.compile(r"[^\s#:][^\r\n]*?:(?:[ \t]|$)")
BLOCK_HEADER = re.compile(r"[|>][-+1-9]*(?:[ \t]+#.*)?")
# ` #12 (Week 32)` after a plain value: a "comment" glued to its text, i.e. the rest of a title.
CUT_SHORT = re.compile(r"[ \t]+#[^\s#][^\r\n]*")


class InvalidYaml(Rule):
    """## What it does
    Finds front matter that does not parse (YAML, TOML or JSON), and reports the
    parser's complaint at the real line and column in the file.  Also finds a
    plain YAML value that is cut short by ` #` followed by text (`title: Weeknotes
    #12 (Week 32)` reads as "Weeknotes" plus a comment): valid YAML, but not what
    the exporter wrote.  A comment written as `# text` (with a space) is left alone.

    ## Why is this bad?
    One bad line makes the whole block unreadable: Obsidian shows no properties,
    Dataview sees no fields, static-site generators stop.  Omnivore templates up to
    plugin 1.2.2 wrote `title: {{{title}}}` unquoted (broken by any title with
    `: `); 1.2.3 wrote `"{{{title}}}"` (broken by a title with `"`).

    ## Example
    ```markdown
    ---
    title: Tiny Logger: write calmly
    quote: "He said "hi" and left"
    ---

    Text.
    ```

    Use instead:
    ```markdown
    ---
    title: "Tiny Logger: write calmly"
    quote: 'He said "hi" and left'
    ---

    Text.
    ```

    ## Fix safety
    Unsafe, and only for shapes it recognises in YAML: a plain value containing
    `: ` or ` #` or starting with an indicator character is quoted; a quoted value
    with an inner quote of the same kind is re-quoted, its text taken literally; a
    plain value continued on lines at column 0 is joined into one line (as YAML
    would fold it).  Every other line is left alone, and the fix is offered only
    when the repaired front matter parses as a mapping.  It is unsafe because the
    repair guesses what the exporter meant (a ` #` might have been a comment).
    """

    code = "FM001"
    name = "front-matter-invalid-yaml"
    summary = "Front matter that does not parse, or a value YAML cuts short at ` #`"
    fixable = Fixable.UNSAFE

    def check(self, doc: Document, options: Options):
        front = doc.front_matter
        if front is None or not front.closed:
            return
        if front.parsed_ok:
            yield from self._cut_short(doc)
            return
        if front.error is None:
            return
        if front.kind == "json" and not _looks_like_json(front.raw):
            return  # a body that merely starts with "{" is not JSON front matter
        at = front.error_offset
        assert at is not None
        end = doc.line_bounds(at)[1]
        detail = front.error.message.split(": ", 1)[-1]
        language = {"yaml": "YAML", "toml": "TOML", "json": "JSON"}[front.kind]
        message = f"Front matter is not valid {language} ({detail}): readers get none of its fields"
        fix = None
        if front.kind == "yaml":
            edits = repairs(front)
            if edits:
                fix = self.fix("Quote the values that break the YAML", *edits, safe=False)
        yield self.report(doc, at, max(end, at), message, fix)

    def _cut_short(self, doc: Document):
        root = yaml_root(doc)
        if root is None:
            return
        front, _ = root
        found = [cut for cut in (_cut(doc, front, entry) for entry in top_entries(doc)) if cut is not None]
        before = current(front)

        def whole_values(after, cuts):
            return keeps_others(before, after, {k for k, _ in cuts}.__contains__) and all(
                after.value.get(k) == whole for k, whole in cuts
            )

        candidates = [([edit], (entry.key, whole)) for entry, _, whole, edit in found]
        good = verify_each(front, candidates, whole_values)
        for (entry, comment, _whole, edit), ok in zip(found, good):
            message = (
                f"{entry.key!r} is cut short at ` #`: YAML reads {entry.value_node.value!r} and drops "
                f"{doc.text[comment : edit.end].strip()!r} as a comment"
            )
            fix = self.fix("Quote the whole value", edit, safe=False) if ok else None
            yield self.report(doc, comment, edit.end, message, fix)


def _cut(doc: Document, front: FrontMatter, entry):
    """(entry, offset of the `#`, the whole text, the quoting edit) for a one-line plain value cut short."""
    node = entry.value_node
    if not isinstance(node, yaml.ScalarNode) or node.style or not node.value:
        return None
    start, end = front.offset_of(node.start_mark), front.offset_of(node.end_mark)
    _, line_end, _ = doc.line_bounds(start)
    if end >= line_end or CUT_SHORT.fullmatch(doc.text, end, line_end) is None:
        return None
    whole = doc.text[start:line_end].rstrip()
    return entry, doc.text.index("#", end, line_end), whole, Edit(start, start + len(whole), scalar(whole))


def _looks_like_json(raw: str) -> bool:
    return re.match(r"\{\s*(?:\"|\})", raw) is not None


def repairs(front: FrontMatter) -> list[Edit]:
    """Edits that repair every recognised broken line, if together they make the YAML parse."""
    spans = list(lines(front.raw, front.content_start))
    text = front.raw
    base = front.content_start
    edits: list[Edit] = []
    i = 0
    while i < len(spans):
        start, content_end, _ = spans[i]
        m = KEY_LINE.fullmatch(text[start - base : content_end - base])
        if m is None or m.group("value").startswith("#"):
            i += 1
            continue
        continuation = _continuation(text, base, spans, i) if not m.group("indent") else []
        edit = _repair_line(m, start, continuation, text, base)
        if edit is not None:
            edits.append(edit)
        i += 1 + len(continuation)
    if not edits:
        return []
    after = outcome(front, edits)
    return edits if after.ok and isinstance(after.value, dict) else []


def _continuation(text: str, base: int, spans: list, i: int) -> list[tuple[int, int, int]]:
    """Lines after a top-level key line that start at column 0 but are not keys, comments or items."""
    found = []
    for start, content_end, end in spans[i + 1 :]:
        line = text[start - base : content_end - base]
        if not line.strip() or line[0] in " \t#-" or line.startswith("...") or STARTS_KEY.match(line):
            break
        found.append((start, content_end, end))
    return found


def _repair_line(m: re.Match, line_start: int, continuation: list, text: str, base: int) -> Edit | None:
    value = m.group("value")
    value_start = line_start + m.start("value")
    value_end = line_start + m.end("value")
    if not continuation:
        if BLOCK_HEADER.fullmatch(value) or _parses_alone(value):
            return None
        literal = _literal(value)
        return Edit(value_start, value_end, scalar(literal))
    if BLOCK_HEADER.fullmatch(value) or (value[0] in "\"'[{" and _parses_alone(value)):
        return None
    # YAML folds the lines of a plain multi-line scalar with single spaces.
    parts = [_literal(value) if not _parses_alone(value) else value]
    parts += [text[s - base : e - base].strip() for s, e, _ in continuation]
    return Edit(value_start, continuation[-1][1], scalar(" ".join(parts)))


def _parses_alone(value: str) -> bool:
    try:
        loaded = yaml.load(f"k: {value}\n", Loader=SafeLoader)
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return False
    return isinstance(loaded, dict) and len(loaded) == 1


def _literal(value: str) -> str:
    """The text an exporter meant: a quoted value's inside taken literally, else the value itself."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value
