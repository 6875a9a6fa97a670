from __future__ import annotations

import re

import yaml

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import construct, same_value, scalar, scalar_region, verify_each, walk, yaml_root

HEADER = re.compile(r"[|>][-+1-9]*[ \t]*(?:\r\n|\r|\n)")


class BlockScalar(Rule):
    """## What it does
    Finds a one-line value written as a block scalar (`title: |` followed by one
    indented line), whose value therefore ends with a newline.

    ## Why is this bad?
    The value is `"The title\\n"`, not `"The title"`: it shows a stray line break in
    Obsidian's properties, breaks exact matches in Dataview and comparisons in
    scripts.  Omnivore 1.3.0-era templates leave this in every file.

    ## Example
    ```markdown
    ---
    title: |
      Tiny Logger: write calmly
    author: |
      Gordon Lubold
    ---
    ```

    Use instead:
    ```markdown
    ---
    title: "Tiny Logger: write calmly"
    author: Gordon Lubold
    ---
    ```

    ## Fix safety
    Safe: the value is written on the key's line without the trailing newline,
    plain when a plain scalar means the same text to YAML 1.1 and 1.2 readers,
    otherwise quoted.  Everything else in the front matter stays byte-identical.
    """

    code = "FM004"
    name = "front-matter-block-scalar"
    summary = "A one-line value written as a block scalar, so it ends with a newline"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, node = root
        keys = {id(k) for n in walk(node) if isinstance(n, yaml.MappingNode) for k, _ in n.value}
        found = [n for n in walk(node) if id(n) not in keys and _one_line_block(n)]
        candidates = [self._candidate(doc, front, n) for n in found]
        good = verify_each(front, candidates, lambda after, changes: _changed_only(front, after, dict(changes)))
        labels = _labels(node)
        for scalar_node, candidate, ok in zip(found, candidates, good):
            start = front.offset_of(scalar_node.start_mark)
            label = labels.get(id(scalar_node), "a value")
            message = f"{label} is a one-line block scalar (`{scalar_node.style}`): its value ends with a newline"
            fix = self.fix("Write the value on one line without the trailing newline", *candidate[0]) if ok else None
            yield self.report(doc, start, start + 1, message, fix)

    @staticmethod
    def _candidate(doc, front, node):
        start, end = scalar_region(front, node)
        if not HEADER.match(doc.text, start):
            return None  # a comment after the indicator: leave the line alone
        text = node.value[:-1]
        return [Edit(start, end, scalar(text))], (id(node), text)


def _one_line_block(node: yaml.Node) -> bool:
    if not isinstance(node, yaml.ScalarNode) or node.style not in ("|", ">"):
        return False
    value = node.value
    return value.endswith("\n") and value.count("\n") == 1 and bool(value.strip())


def _labels(root: yaml.Node) -> dict[int, str]:
    """A readable name for each value node: the key of a top-level entry."""
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {id(v): f"{k.value!r}" for k, v in root.value if isinstance(k, yaml.ScalarNode)}


def _changed_only(front, after, changes: dict[int, str]) -> bool:
    """The front matter parses, each changed top-level value is its old text without the newline,
    and every top-level value holding no changed node is as it was."""
    if not after.ok:
        return False
    root = front.yaml_node
    before = front.value
    if not isinstance(before, dict) or not isinstance(after.value, dict) or not isinstance(root, yaml.MappingNode):
        return True  # odd shapes: parsing is the check
    expected = dict(before)
    nested: set = set()  # keys whose value holds a changed node deeper down: not compared
    for key_node, value_node in root.value:
        key = construct(key_node)
        if id(value_node) in changes:
            expected[key] = changes[id(value_node)]
        elif any(id(n) in changes for n in walk(value_node)):
            nested.add(key)
    return len(after.value) == len(expected) and all(
        same_value(after.value.get(k), v) for k, v in expected.items() if k not in nested
    )
