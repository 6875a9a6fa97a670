from __future__ import annotations

import re

import yaml

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import (
    construct,
    current,
    entries,
    keeps_others,
    never,
    node_span,
    same_value,
    value12,
    verify_each,
    walk,
    yaml_root,
)


class DuplicateKey(Rule):
    """## What it does
    Finds a key given twice in the same front-matter mapping.

    ## Why is this bad?
    Readers disagree: PyYAML (Jekyll, Hugo, scripts) silently keeps the last
    value, stricter parsers (Obsidian's) reject the whole block.  Templates that
    add a field the exporter already writes produce this.

    ## Example
    ```markdown
    ---
    title: JSON Web Tokens
    tags:
      - RSS
    title: JSON Web Tokens
    ---
    ```

    Use instead:
    ```markdown
    ---
    tags:
      - RSS
    title: JSON Web Tokens
    ---
    ```

    ## Fix safety
    The earlier entry is removed, so the file says what PyYAML already reads.
    Safe when both values are equal and every comment on the removed lines is on the
    kept one too (nothing is lost); unsafe when the values differ (the earlier value is
    dropped) or the removed entry carries a comment of its own.
    """

    code = "FM003"
    name = "front-matter-duplicate-key"
    summary = "A key given twice in the front matter"
    fixable = Fixable.SOMETIMES

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, node = root
        found = [pair for m in walk(node) if isinstance(m, yaml.MappingNode) for pair in _repeats(front, m)]
        candidates = [_candidate(doc, earlier) for earlier, _ in found]
        before = current(front)
        good = verify_each(front, candidates, lambda after, _: keeps_others(before, after, never))
        for (earlier, entry), candidate, ok in zip(found, candidates, good):
            line = doc.position(earlier.key_start)[0]
            equal = _equal(earlier.value_node, entry.value_node)
            how = "with the same value" if equal else "with a different value; PyYAML keeps only the last one"
            message = f"Key {entry.key!r} is given again (also on line {line}) {how}"
            # A comment on the removed lines that the kept entry lacks is the writer's text with no copy.
            safe = equal and candidate is not None and _comments_kept(doc, earlier, entry)
            fix = self.fix(f"Remove the {entry.key!r} entry on line {line}", *candidate[0], safe=safe) if ok else None
            start, end = node_span(front, entry.key_node)
            yield self.report(doc, start, end, message, fix)


def _repeats(front, mapping):
    """(earlier entry, repeating entry) for each key given again in a block mapping."""
    seen: dict = {}
    for entry in entries(front, mapping):
        if entry.key == "<<":
            continue  # merge keys may repeat
        try:
            earlier = seen.get(entry.key)
            seen[entry.key] = entry
        except TypeError:  # an unhashable key (a list): PyYAML would have failed already
            continue
        if earlier is not None:
            yield earlier, entry


def _candidate(doc, earlier):
    if doc.text[earlier.line_start : earlier.key_start].strip():
        return None  # the key shares its line with a `- ` item marker: leave it
    return [Edit(earlier.line_start, earlier.end)], None


def _comments(source: str) -> set[str]:
    """What each line holds from a ` #` on (a YAML comment, or `#` inside a value: then the
    kept entry holds the same text, since the values are equal)."""
    return {m.group().strip() for m in re.finditer(r"(?:^|[ \t])#[^\r\n]*", source, re.M)}


def _comments_kept(doc, earlier, entry) -> bool:
    return _comments(doc.text[earlier.line_start : earlier.end]) <= _comments(doc.text[entry.line_start : entry.end])


def _equal(a: yaml.Node, b: yaml.Node) -> bool:
    try:
        return same_value(construct(a), construct(b)) and value12(a) == value12(b)
    except (yaml.YAMLError, ValueError, OverflowError):
        return False
