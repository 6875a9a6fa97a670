from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import yaml

from omnilint import suppress
from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import CorpusContext, CorpusRule, Fixable, Options, Span

from ._common import construct, current, node_span, tag_comment, top_entries, verify_each, yaml_root

PLACEHOLDERS = ["null", "none", "undefined", "unknown", "n/a"]
# Kinds of emptiness: a blank value (`key:`, `''`) is what a workflow leaves to fill in
# later; an explicit null or a placeholder text is something an exporter wrote.
BLANK, PLACEHOLDER = "blank", "placeholder"


class EmptyValue(CorpusRule):
    """## What it does
    Finds front-matter fields whose value is empty (`key:`, `''`, `~`, `null`) or
    a placeholder text (`null`, `none`, `undefined`, `unknown`, `n/a`; option
    `placeholders`, compared case-insensitively).

    It looks at the whole run: a key left blank (`key:` or `''`) in some files and
    filled in others is a workflow field (a `status:` that stays empty until the
    article is read), not a defect, and is not reported.  Explicit nulls and
    placeholder texts are always reported.  Option `allow-empty` lists keys never
    reported; option `report-empty` lists keys reported whenever they are blank,
    filled elsewhere or not.  A single file is its own run.

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
    Unsafe: the key's lines are removed, and a template or query may expect the key
    to exist even when empty.  A value with an anchor, tag or alias, or a key whose
    removal would change another key, has no fix.
    """

    code = "FM006"
    name = "front-matter-empty-value"
    summary = "A front-matter field that is empty or holds a placeholder such as null or unknown"
    fixable = Fixable.UNSAFE
    options: ClassVar[dict[str, Any]] = {"placeholders": PLACEHOLDERS, "allow-empty": [], "report-empty": []}

    # -- per file --------------------------------------------------------------

    def collect(self, doc: Document, options: Options) -> dict[str, Any]:
        """The file's empty keys (with their fixes) and the keys it fills."""
        root = yaml_root(doc)
        if root is None:
            return {"filled": [], "empty": []}
        front, _ = root
        placeholders = {str(p).strip().casefold() for p in options.get("placeholders", PLACEHOLDERS)}
        allowed = {str(k) for k in options.get("allow-empty", [])}
        forced = {str(k) for k in options.get("report-empty", [])}
        filled: list[str] = []
        found = []
        for entry in top_entries(doc):
            key = str(entry.key)
            if not isinstance(entry.value_node, yaml.ScalarNode):
                if _has_items(entry.value_node):
                    filled.append(key)
                continue
            emptiness = _emptiness(front, entry.value_node, placeholders)
            if emptiness is None:
                filled.append(key)
            elif key not in allowed:
                found.append((entry, *emptiness))
        candidates = [_candidate(doc, entry) for entry, _, _ in found]
        good = verify_each(front, candidates, _removes_only(current(front)))
        empty = []
        for (entry, kind, what), candidate, ok in zip(found, candidates, good):
            start, end = node_span(front, entry.key_node)
            span = Span.of(doc, start, end)
            edit = candidate[0][0] if ok else None
            empty.append(
                {
                    "key": str(entry.key),
                    "kind": kind,
                    "what": what,
                    "forced": str(entry.key) in forced,
                    "span": span,
                    "edit": [edit.start, edit.end, *Span.of(doc, edit.start, edit.end)[2:]] if edit else None,
                }
            )
        return {"filled": filled, "empty": _unsuppressed(self, doc, empty)}

    # -- the run ---------------------------------------------------------------

    def check_corpus(
        self, facts: Mapping[str, Any], options: Options, context: CorpusContext
    ) -> Iterable[tuple[str, Any]]:
        filled: set[str] = set()
        for own in facts.values():
            filled.update(own.get("filled", ()))
        for path, own in facts.items():
            for empty in own.get("empty", ()):
                if not workflow_field(empty, filled):
                    yield path, self._finding(empty)

    def _finding(self, empty: Mapping[str, Any]):
        fix = None
        edit = empty["edit"]
        if edit is not None:
            end_line = edit[4] - 1 if edit[5] == 1 and edit[4] > edit[2] else edit[4]
            lines = f"line {edit[2]}" if end_line == edit[2] else f"lines {edit[2]}–{end_line}"
            fix = self.fix(f"Remove the {empty['key']!r} key ({lines})", Edit(edit[0], edit[1]), safe=False)
        diagnostic = self.at(empty["span"], f"{empty['key']!r} {empty['what']}", fix)
        if edit is not None:  # the runner locates a per-file rule's edits; a corpus rule does it itself
            diagnostic.edit_positions = [(edit[2], edit[3], edit[4], edit[5])]
        return diagnostic


def workflow_field(empty: Mapping[str, Any], filled: set[str]) -> bool:
    """A blank key that other files of the run fill: left for the user to fill in."""
    return empty["kind"] == BLANK and not empty["forced"] and empty["key"] in filled


def _unsuppressed(rule: EmptyValue, doc: Document, empty: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings no suppression comment covers (the corpus phase sees no document)."""
    if not empty or "omnilint-" not in doc.text:
        return empty
    diagnostics = [rule.report(doc, e["span"][0], e["span"][1], e["key"]) for e in empty]
    kept = {id(d) for d in suppress.apply(doc, diagnostics)}
    return [e for e, d in zip(empty, diagnostics) if id(d) in kept]


def _removes_only(before):
    """The check for `verify_each`: the removed keys are gone, every other key reads the
    same in both dialects, and removing every key (an empty front matter) is fine."""

    def check(after, keys) -> bool:
        if not (before.ok and after.ok):
            return False
        gone = set(keys)
        for old, new in ((before.value, after.value), (before.value12, after.value12)):
            new = {} if new is None else new
            if not isinstance(old, dict) or not isinstance(new, dict):
                return False
            if gone & set(new):
                return False  # a duplicate of the key stays: FM003's business
            if {k: v for k, v in old.items() if k not in gone} != new:
                return False
        return True

    return check


def _candidate(doc: Document, entry):
    if doc.text[entry.line_start : entry.key_start].strip():
        return None
    if any(c in doc.text[entry.key_start : entry.end] for c in "&!*"):
        return None  # an anchor, tag or alias: other keys may depend on it
    return [Edit(entry.line_start, entry.end)], entry.key


def _has_items(node: yaml.Node) -> bool:
    return bool(getattr(node, "value", None))


def _emptiness(front, node: yaml.ScalarNode, placeholders: set[str]) -> tuple[str, str] | None:
    """(kind, why) when a scalar value counts as empty, None when it does not."""
    try:
        value = construct(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None
    if value is None:
        if tag_comment(front, node) is not None:
            return None  # `tags: #a #b` is FM012's finding
        return (BLANK, "is empty") if not node.value else (PLACEHOLDER, f"is empty (`{node.value}`)")
    if not isinstance(value, str):
        return None
    if not value.strip():
        return BLANK if node.style in ("'", '"') and value == "" else PLACEHOLDER, "is an empty text"
    if value.strip().casefold() in placeholders:
        return PLACEHOLDER, f"holds the placeholder text {value.strip()!r}"
    return None
