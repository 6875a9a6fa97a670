from __future__ import annotations

import yaml

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Options, Rule

from ._common import construct, current, keeps_others, node_span, tag_comment, top_entries, verify_each, yaml_root

PLACEHOLDERS = ["null", "none", "undefined", "unknown", "n/a"]


class EmptyValue(Rule):
    """## What it does
    Finds front-matter fields whose value is empty (`key:`, `''`, `~`, `null`) or
    a placeholder text (`null`, `none`, `undefined`, `unknown`, `n/a`; option
    `placeholders`, compared case-insensitively).  Keys listed in the option
    `allow-empty` (e.g. a `status:` a workflow fills in later) are not reported.

    ## Why is this bad?
    An empty field is an exporter that had nothing to write: Raindrop writes
    `description: |-` holding the text `null`, Web Clipper leaves `published:`
    empty.  Placeholders are worse than nothing: `null` as text is a real value to
    Dataview and search, and `unknown` sorts as an author.

    ## Example
    ```markdown
    ---
    title: "Tiny XSS Payloads"
    description: |-
      null
    author:
    ---
    ```

    Use instead:
    ```markdown
    ---
    title: "Tiny XSS Payloads"
    ---
    ```

    ## Fix safety
    Unsafe: the key is removed, and a template or query may expect the key to
    exist even when empty.
    """

    code = "FM006"
    name = "front-matter-empty-value"
    summary = "A front-matter field that is empty or holds a placeholder such as null or unknown"
    fixable = "unsafe"
    options = {"placeholders": PLACEHOLDERS, "allow-empty": []}

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, _ = root
        placeholders = {str(p).strip().casefold() for p in options.get("placeholders", PLACEHOLDERS)}
        allowed = set(options.get("allow-empty", []))
        found = []
        for entry in top_entries(doc):
            if entry.key in allowed or not isinstance(entry.value_node, yaml.ScalarNode):
                continue
            what = _emptiness(front, entry.value_node, placeholders)
            if what is not None:
                found.append((entry, what))
        candidates = [_candidate(doc, entry) for entry, _ in found]
        before = current(front)

        def removed(after, keys):
            return keeps_others(before, after, set(keys).__contains__) and not set(keys) & set(after.value)

        good = verify_each(front, candidates, removed)
        for (entry, what), candidate, ok in zip(found, candidates, good):
            fix = self.fix(f"Remove the {entry.key!r} key", *candidate[0], safe=False) if ok else None
            start, end = node_span(front, entry.key_node)
            yield self.report(doc, start, end, f"{entry.key!r} {what}", fix)


def _candidate(doc, entry):
    if doc.text[entry.line_start : entry.key_start].strip():
        return None
    return [Edit(entry.line_start, entry.end)], entry.key


def _emptiness(front, node: yaml.ScalarNode, placeholders: set[str]) -> str | None:
    """Why a scalar value counts as empty, or None when it does not."""
    try:
        value = construct(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None
    if value is None:
        if tag_comment(front, node) is not None:
            return None  # `tags: #a #b` is FM012's finding
        return "is empty" if not node.value else f"is empty (`{node.value}`)"
    if not isinstance(value, str):
        return None
    if not value.strip():
        return "is an empty text"
    if value.strip().casefold() in placeholders:
        return f"holds the placeholder text {value.strip()!r}"
    return None
