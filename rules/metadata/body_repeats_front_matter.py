from __future__ import annotations

from omnilint.rules.kit.header import paragraph_is_metadata, parse_property, words
from omnilint.rules.kit.lines import block_lines, remove_lines

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import meta_tags, norm_key, split_list, tag_name, values_equal


class BodyRepeatsFrontMatter(Rule):
    """## What it does
    Finds body lines `key: value` (or Logseq-style `key:: value`) whose key is a
    front-matter key and whose value says the same thing, after normalising
    whitespace, quotes, markup and the spelling of dates.

    ## Why is this bad?
    Exporter templates often print the front matter a second time in the body
    (`date_saved: …`, `date_published: …`).  The copy adds nothing, clutters the
    reading view, and goes stale when the front matter is edited.  Only paragraphs
    made entirely of metadata-like lines are looked at, so prose that happens to
    contain a colon is left alone.

    ## Example
    ```markdown
    ---
    title: An article
    date_saved: 2023-12-21 19:33:03
    ---

    # An article

    date_saved: 2023-12-21 19:33:03

    The article text.
    ```

    Use instead:
    ```markdown
    ---
    title: An article
    date_saved: 2023-12-21 19:33:03
    ---

    # An article

    The article text.
    ```

    ## Fix safety
    Safe when the front matter shows every word of the line (an equal copy stays):
    the line is removed, with the blank line its removal would leave.  Unsafe when
    the body spells the same value otherwise (`2024-08-24T06:04:50` for
    `2024-08-24 06:04:50`).  A date the body spells with a time or a zone the front
    matter lacks is not a repeat, and stays.
    """

    code = "META001"
    name = "body-repeats-front-matter"
    summary = "A body line repeats a front-matter field with the same value"
    fixable = Fixable.SOMETIMES
    removes_paragraphs = True  # a metadata line whose value the front matter already holds

    def check(self, doc: Document, options: Options):
        meta = doc.meta
        if not meta:
            return
        keys = {norm_key(str(k)): k for k in meta}
        front = doc.front_matter
        front_words = words(front.raw) if front is not None else set()
        for node in doc.root.children:
            if node.kind != "paragraph":
                continue
            if doc.text.find(":", doc.line_bounds(node.start)[0], doc.line_bounds(node.end)[1]) < 0:
                continue  # no line of it can be a property: most paragraphs are prose
            lines = block_lines(doc, node)
            repeats = [p for p in map(parse_property, lines) if p is not None and self._repeats(doc, p, keys)]
            if not repeats or not paragraph_is_metadata(doc, lines, doc.tags):
                continue  # prose around a colon is not metadata
            whole = remove_lines(doc, lines[0].start, lines[-1].after) if len(repeats) == len(lines) else None
            for prop in repeats:
                line = prop.line
                start, end = line.start, line.after
                if whole is not None:  # the paragraph goes: the outer lines take its blank line along
                    start = whole.start if line is lines[0] else start
                    end = whole.end if line is lines[-1] else end
                field = keys[norm_key(prop.key)]
                shown = line.text.strip()
                shown = shown if len(shown) <= 80 else shown[:79] + "…"
                yield self.report(
                    doc,
                    line.start + (len(line.text) - len(line.text.lstrip())),
                    line.end,
                    f"`{prop.key}` repeats the front-matter field `{field}` with the same value",
                    self.fix(
                        f"Remove the line `{shown}` (the front matter keeps `{field}`)",
                        Edit(start, end),
                        # Safe only when the front matter shows every word of the line: a date
                        # spelled otherwise (`2024-08-24T06:04:50`) says the same, but the
                        # reader would lose the spelling.
                        safe=words(line.text) <= front_words,
                    ),
                )

    @staticmethod
    def _repeats(doc: Document, prop, keys: dict) -> bool:
        original = keys.get(norm_key(prop.key))
        if original is None or not prop.value:
            return False
        if norm_key(prop.key) == "tags":
            have = meta_tags(doc) or []
            said = [tag_name(t) for t in split_list(prop.value)]
            return bool(said) and set(said) <= set(have)
        return values_equal(doc.meta[original], prop.value)
