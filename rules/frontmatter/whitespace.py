from __future__ import annotations

from bisect import bisect_right

import yaml

from omnilint.document import Document
from omnilint.frontmatter import FrontMatter
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import current, keeps_others, lines, never, outcome, verify_each, walk, yaml_front


class Whitespace(Rule):
    """## What it does
    Finds blank or whitespace-only lines inside YAML front matter, trailing
    spaces or tabs (also on the `---` lines), and tabs used for indentation.
    Lines inside block scalars and multi-line quoted values are content and are
    left alone.

    ## Why is this bad?
    Raindrop leaves blank and one-space lines inside its `tags:` lists, Omnivore
    templates leave blank lines between fields; stricter parsers and property
    editors choke on them or rewrite them, and every re-sync shows a diff.  YAML
    forbids tabs for indentation, so one tab makes the whole block unreadable.

    ## Example
    ```markdown
    ---
    id: 271ec262-7ccb-4996-9afe-f867cfd1015b

    url: https://www.zhihu.com/question/386503001␠␠
    tags:
    ⇥- RSS
    ---
    ```

    Use instead:
    ```markdown
    ---
    id: 271ec262-7ccb-4996-9afe-f867cfd1015b
    url: https://www.zhihu.com/question/386503001
    tags:
      - RSS
    ---
    ```

    ## Fix safety
    Safe: blank lines and trailing whitespace are removed and indentation tabs
    become two spaces each, and only when the front matter reads the same
    afterwards (for YAML that did not parse because of tabs: when it parses
    afterwards and tabs were the only indentation used).
    """

    code = "FM010"
    name = "front-matter-whitespace"
    summary = "Blank lines, trailing whitespace or tab indentation inside front matter"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        front = yaml_front(doc)
        if front is None:
            return
        yield from self._delimiters(doc, front)
        if front.parsed_ok and front.yaml_node is not None:
            yield from self._parsed(doc, front)
        elif not front.parsed_ok:
            yield from self._tab_indented(doc, front)

    def _delimiters(self, doc, front):
        for line_start in (front.start, front.content_end):
            _, content_end, _ = doc.line_bounds(line_start)
            start = _trailing_start(doc.text, line_start, content_end)
            if start is not None:
                fix = self.fix("Remove the trailing whitespace", Edit(start, content_end))
                yield self.report(doc, start, content_end, "Trailing whitespace after the front-matter delimiter", fix)

    def _parsed(self, doc, front):
        protected = _content_lines(front)
        problems = []
        for number, (start, content_end, end) in enumerate(lines(front.raw, front.content_start)):
            if number not in protected:
                problems.extend(_problems(start, content_end, end, doc.text[start:content_end]))
        if not problems:
            return
        before = current(front)
        candidates = [([edit], None) for *_, edit in problems]
        good = verify_each(front, candidates, lambda after, _: keeps_others(before, after, never))
        for (s, e, message, edit), ok in zip(problems, good):
            yield self.report(doc, s, e, message, self.fix(_fix_message(message), edit) if ok else None)

    def _tab_indented(self, doc, front):
        found, spaces_too = [], False
        for start, content_end, _ in lines(front.raw, front.content_start):
            line = doc.text[start:content_end]
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if not line.strip():
                continue
            if indent.startswith("\t"):
                # Never valid YAML, not even as block-scalar content (which starts with spaces).
                found.append((start, indent))
            elif indent:
                spaces_too = True  # then the width of a tab would be a guess
        if not found:
            return
        edits = [Edit(s, s + len(indent), indent.replace("\t", "  ")) for s, indent in found]
        after = outcome(front, edits)
        fixable = not spaces_too and after.ok and isinstance(after.value, dict)
        for edit in edits:
            fix = self.fix("Indent with spaces", edit) if fixable else None
            yield self.report(doc, edit.start, edit.end, "Tab used for indentation (YAML forbids it)", fix)


def _problems(start, content_end, end, line):
    """(start, end, message, edit) for each whitespace problem on one line."""
    if not line.strip():
        what = "Blank line" if not line else "Whitespace-only line"
        yield start, content_end, f"{what} inside front matter", Edit(start, end)
        return
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        yield (
            start,
            start + len(indent),
            "Tab used for indentation (YAML forbids it)",
            Edit(start, start + len(indent), indent.replace("\t", "  ")),
        )
    trailing = _trailing_start(line, 0, len(line))
    if trailing is not None:
        yield (
            start + trailing,
            content_end,
            "Trailing whitespace in front matter",
            Edit(start + trailing, content_end),
        )


def _trailing_start(text: str, start: int, end: int) -> int | None:
    """Where the spaces and tabs ending text[start:end] begin, or None when there are none.
    Not `[ \t]+$`: tried at each space of a long run that is not at the end of the line
    (indentation, the gap after `key:`), it took quadratic time (10^5 spaces: 45 s)."""
    stripped = start + len(text[start:end].rstrip(" \t"))
    return stripped if stripped < end else None


def _fix_message(message: str) -> str:
    if message.startswith("Tab"):
        return "Indent with spaces"
    if message.startswith("Trailing"):
        return "Remove the trailing whitespace"
    return "Remove the line"


def _content_lines(front: FrontMatter) -> set[int]:
    """Numbers (0-based, within the front matter) of lines whose whitespace is part of a value."""
    starts = [s for s, _, _ in lines(front.raw)]

    def line_of(index: int) -> int:
        return bisect_right(starts, index) - 1

    protected: set[int] = set()
    for node in walk(front.yaml_node):
        if not isinstance(node, yaml.ScalarNode):
            continue
        first, last_index = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            header_end = front.raw.find("\n", first)
            header = front.raw[first : header_end if header_end >= 0 else None]
            if "+" not in header:
                # Clip/strip chomping: trailing blank lines are not content.
                last_index = first + len(front.raw[first:last_index].rstrip(" \t\r\n"))
            protected.update(range(line_of(first) + 1, line_of(max(first, last_index - 1)) + 1))
        elif line_of(first) != line_of(max(first, last_index - 1)):
            protected.update(range(line_of(first), line_of(last_index - 1) + 1))
    return protected
