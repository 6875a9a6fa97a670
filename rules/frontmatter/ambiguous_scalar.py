from __future__ import annotations

import math
from datetime import date

import yaml

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import construct, node_span, quote, readings_differ, resolve12, verify_each, walk, yaml_root


class AmbiguousScalar(Rule):
    """## What it does
    Finds unquoted values that YAML 1.1 readers (PyYAML, Jekyll, Hugo) and YAML
    1.2 readers (Obsidian, the Omnivore plugin) read differently: `yes`/`no`/`on`/
    `off` (booleans in 1.1, text in 1.2), `0777` (511 in 1.1, 777 in 1.2), `1:30`
    (90 in 1.1), `1_000`, `0o17`, `1e3`, `123e4567`.

    ## Why is this bad?
    The same file means two things: a script sees `draft: no` as false while
    Obsidian shows the text "no"; a hash such as `123e4567` becomes infinity for a
    1.2 reader.  Dates are not reported here (both read them as dates or as ISO
    text; see FM007).

    ## Example
    ```markdown
    ---
    draft: no
    mode: 0777
    duration: 1:30
    ---
    ```

    Use instead:
    ```markdown
    ---
    draft: "no"
    mode: "0777"
    duration: "1:30"
    published: false
    ---
    ```

    ## Fix safety
    Safe: the value is quoted exactly as written, so every reader gets the same
    text.  (If a boolean or a number was meant, write `true`/`false` or a plain
    decimal instead.)
    """

    code = "FM008"
    name = "front-matter-ambiguous-scalar"
    summary = "An unquoted value that YAML 1.1 and YAML 1.2 readers read differently"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, node = root
        found = [
            n
            for n in walk(node)
            if isinstance(n, yaml.ScalarNode) and readings_differ(n) and not isinstance(_reading11(n), date)
        ]  # a date to 1.1 and ISO text to 1.2 both mean the date: FM007's business
        edits = [Edit(*node_span(front, n), quote(n.value)) for n in found]
        good = verify_each(front, [([e], None) for e in edits], lambda after, _: after.ok)
        for scalar_node, edit, ok in zip(found, edits, good):
            text = scalar_node.value
            message = (
                f"`{_short(text)}` is read as {_describe(_reading11(scalar_node))} by YAML 1.1 readers (PyYAML, "
                f"Jekyll, Hugo) but as {_describe(resolve12(text))} by YAML 1.2 readers (Obsidian)"
            )
            yield self.report(doc, edit.start, edit.end, message, self.fix("Quote it", edit) if ok else None)


def _reading11(node: yaml.ScalarNode):
    try:
        return construct(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return _Unreadable()


class _Unreadable:
    pass


# A value quoted in a message is cut to this many characters: a scalar can be megabytes.
_SHOWN = 60


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _describe(value) -> str:
    if isinstance(value, _Unreadable):
        return "an error"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return f"the number {value}"
    if isinstance(value, int) and value.bit_length() > 128:
        # Not str(value): over 4300 digits it raises, and below that it is still too long to show.
        return f"a number of more than {math.floor((value.bit_length() - 1) * math.log10(2))} digits"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if value is None:
        return "null"
    return f"the text {_short(value)!r}"
