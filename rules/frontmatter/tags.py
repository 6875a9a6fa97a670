from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from omnilint.document import Document
from omnilint.frontmatter import FrontMatter
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import (
    current,
    keeps_others,
    key_is,
    line_end,
    line_start,
    node_span,
    outcome,
    quote,
    readings_differ,
    scalar,
    tag_comment,
    top_entries,
    value12,
    verify_each,
    yaml_root,
)

ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
KEY = "tags"


class Tags(Rule):
    """## What it does
    Checks the `tags` field: it should be a list of strings, without a leading
    `#`, without duplicates and without HTML character references (`a&#x2F;b`).
    Also finds `tags: #a #b`, which YAML reads as an empty value and a comment.

    ## Why is this bad?
    Obsidian (1.4+) only takes `tags` as a list of strings; `#` belongs to inline
    tags, not to the property (`- #x` is even a YAML comment, so the tag is lost);
    exporters that HTML-escape their templates write `a&#x2F;b` for `a/b`; and a
    tag given twice is noise every re-sync keeps.  Web Clipper's `tags: [clippings]`
    is a list of strings and is fine.

    ## Example
    ```markdown
    ---
    tags:
      - "#reading"
      - tech&#x2F;security
      - RSS
      - RSS
    ---
    ```

    Use instead:
    ```markdown
    ---
    tags:
      - reading
      - tech/security
      - RSS
    ---
    ```

    ## Fix safety
    Safe: the `#` is dropped, the references are decoded, a repeated tag is
    removed, an empty item is removed, a number is quoted, and a string of tags
    (`tags: a, b` or `tags: "#a #b"`) becomes a flow list `[a, b]`; each fix is
    checked to change nothing but the `tags` value.  Tags that differ only in case
    (Obsidian treats them as one) and nested lists or mappings are reported
    without a fix.
    """

    code = "FM012"
    name = "front-matter-tags"
    summary = "Tags that are not a clean list of strings (leading #, duplicates, HTML escapes)"
    fixable = Fixable.SOMETIMES

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, _ = root
        entry = next((e for e in reversed(top_entries(doc)) if e.key == KEY), None)
        if entry is None:
            return
        node = entry.value_node
        if isinstance(node, yaml.SequenceNode):
            yield from self._items(doc, front, node)
        elif isinstance(node, yaml.ScalarNode):
            found = self._scalar(doc, front, entry, node)
            if found is not None:
                yield found
        else:
            yield self.report(doc, entry.key_start, entry.key_start + len(KEY), "`tags` is a mapping, not a list")

    # -- tags written as one value -----------------------------------------
    def _scalar(self, doc, front, entry, node):
        comment = tag_comment(front, node)
        if comment is not None:
            tags = [t.lstrip("#") for t in re.split(r"[\s,]+", comment.group(1)) if t]
            start = front.offset_of(node.start_mark)
            end = start + comment.end()
            fix = self._checked(
                front, [Edit(start, end, " " + _flow(tags))], lambda old: tags, "Write the tags as a list"
            )
            return self.report(
                doc,
                start + comment.start(1),
                end,
                "`tags: #…` is read as an empty value and a comment: the tags are lost",
                fix,
            )
        value = value12(node)
        if value is None or value == "":
            return None  # an empty value is FM006's business
        start, end = node_span(front, node)
        if not isinstance(value, str):
            tags = [node.value]
            fix = self._checked(front, [Edit(start, end, _flow(tags))], lambda old: tags, "Write the tag as a list")
            return self.report(doc, start, end, f"`tags` is {_kind(value)}, not a list", fix)
        tags = _split(value)
        fix = None
        if tags and node.style not in ("|", ">") and "\n" not in doc.text[start:end]:
            fix = self._checked(front, [Edit(start, end, _flow(tags))], lambda old: tags, "Write the tags as a list")
        return self.report(doc, start, end, "`tags` is a text, not a list: Obsidian expects a list", fix)

    # -- a list of tags ------------------------------------------------------
    def _items(self, doc, front, seq):
        problems = list(self._item_problems(doc, front, seq))
        candidates = [([p.edit], p) if p.edit is not None else None for p in problems]
        good = verify_each(front, candidates, lambda after, chosen: self._tags_become(front, after, _combined(chosen)))
        for p, ok in zip(problems, good):
            yield self.report(doc, p.start, p.end, p.message, self.fix(p.fix_message, p.edit) if ok else None)

    def _item_problems(self, doc, front, seq):
        seen: dict[str, int] = {}
        folded: dict[str, int] = {}
        for i, item in enumerate(seq.value):
            start, end = node_span(front, item)
            if not isinstance(item, yaml.ScalarNode):
                yield Problem(start, max(end, start + 1), "A tag that is a nested list or mapping")
                continue
            value = value12(item)
            if value is None:
                yield self._empty_item(doc, front, seq, i, item)
                continue
            if not isinstance(value, str):
                if not readings_differ(item):  # FM008 reports what the two YAML versions read differently
                    yield Problem(
                        start,
                        end,
                        f"Tag `{item.value}` is {_kind(value)}, not a text",
                        Edit(start, end, quote(item.value)),
                        (i, item.value),
                        "Quote it",
                    )
                continue
            name = html.unescape(value).lstrip("#")
            if name in seen:
                line = doc.position(seen[name])[0]
                yield Problem(
                    start,
                    end,
                    f"Tag {name!r} is given twice (first on line {line})",
                    _remove_item(doc, front, seq, i),
                    (i, None),
                    "Remove the repeated tag",
                )
                continue
            seen[name] = start
            if name.casefold() in folded:
                line = doc.position(folded[name.casefold()])[0]
                yield Problem(start, end, f"Tag {name!r} differs only in case from a tag on line {line}")
            folded.setdefault(name.casefold(), start)
            found = _item_text(doc, i, item, value, start, end)
            if found is not None:
                yield found

    def _empty_item(self, doc, front, seq, i, item):
        comment = tag_comment(front, item)
        start = front.offset_of(item.start_mark)
        if comment is not None and " " not in comment.group(1).strip():
            name = comment.group(1).lstrip("#")
            return Problem(
                start + comment.start(1),
                start + comment.end(1),
                f"`- {comment.group(1)}` is a YAML comment, so the tag is empty",
                Edit(start, start + comment.end(), " " + scalar(name)),
                (i, name),
                "Write the tag without #",
            )
        first = line_start(front, start)
        return Problem(
            first,
            max(start, first + 1),
            "An empty tag",
            _remove_item(doc, front, seq, i),
            (i, None),
            "Remove the empty tag",
        )

    def _checked(self, front: FrontMatter, edits, expected: Callable[[list], list], message: str):
        """A fix whose only effect (in both YAML versions) is `tags` becoming `expected(old tags)`."""
        if not edits or any(e is None for e in edits):
            return None
        return self.fix(message, *edits) if self._tags_become(front, outcome(front, edits), expected) else None

    @staticmethod
    def _tags_become(front: FrontMatter, after, expected: Callable[[list], list]) -> bool:
        before = current(front)
        if not keeps_others(before, after, key_is(KEY)):
            return False
        for old, new in ((before.value, after.value), (before.value12, after.value12)):
            old_tags = old.get(KEY)
            want = expected(list(old_tags) if isinstance(old_tags, list) else old_tags)
            got = new.get(KEY)
            if got != want or not all(type(a) is type(b) for a, b in zip(got, want)):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Problem:
    start: int
    end: int
    message: str
    edit: Edit | None = None
    change: tuple[int, str | None] | None = None  # (item index, new text or None to drop it)
    fix_message: str = ""


def _item_text(doc, i, item, value, start, end) -> Problem | None:
    if value.startswith("#") and value.lstrip("#"):
        fixed = value.lstrip("#")
        edit = _drop_hashes(doc, item, start, len(value) - len(fixed))
        return Problem(
            start, end, f"Tag {value!r} starts with #: a tag property has no #", edit, (i, fixed), "Remove the #"
        )
    if ENTITY.search(value) and html.unescape(value) != value:
        fixed = html.unescape(value)
        text = quote(fixed, prefer=item.style) if item.style in ('"', "'") else scalar(fixed, flow=_in_flow(doc, start))
        return Problem(
            start,
            end,
            f"Tag {value!r} is HTML-escaped (it means {fixed!r})",
            Edit(start, end, text),
            (i, fixed),
            "Decode the character references",
        )
    return None


def _combined(problems: list[Problem]) -> Callable[[list], list]:
    """The tag list after every problem's change (drops and replacements by index)."""
    changes = {p.change[0]: p.change[1] for p in problems if p.change is not None}

    def apply(old: list) -> list:
        return [changes.get(i, tag) for i, tag in enumerate(old) if not (i in changes and changes[i] is None)]

    return apply


def _split(value: str) -> list[str]:
    """The tags in a text: comma-separated, or `#a #b`; [] when that would be a guess."""
    value = value.strip()
    if "," in value:
        parts = [p.strip().lstrip("#") for p in value.split(",")]
    elif value.startswith("#"):
        parts = [p.lstrip("#") for p in value.split()]
    else:
        parts = [value]
    if not all(parts) or any(re.search(r"\s", p) for p in parts):
        return []
    return parts


def _flow(tags: list[str]) -> str:
    return "[" + ", ".join(scalar(t, flow=True) for t in tags) + "]"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _in_flow(doc: Document, start: int) -> bool:
    line_from = doc.line_bounds(start)[0]
    return not re.match(r"[ \t]*-[ \t]", doc.text[line_from:start])


def _drop_hashes(doc: Document, item, start: int, count: int) -> Edit | None:
    """Delete the `#`s right after a quoted tag's opening quote."""
    if item.style not in ('"', "'") or doc.text[start + 1 : start + 1 + count] != "#" * count:
        return None
    return Edit(start + 1, start + 1 + count)


def _remove_item(doc: Document, front: FrontMatter, seq, i: int) -> Edit | None:
    items = seq.value
    start, end = node_span(front, items[i])
    if not seq.flow_style:
        first = line_start(front, start)
        if not re.fullmatch(r"[ \t]*-[ \t]*", doc.text[first:start]):
            return None
        stop = front.content_start + line_end(front.raw, end - front.content_start)
        return Edit(first, stop)
    if i > 0:
        return Edit(node_span(front, items[i - 1])[1], end)
    if len(items) > 1:
        return Edit(start, node_span(front, items[1])[0])
    return Edit(start, end)
