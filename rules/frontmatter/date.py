from __future__ import annotations

import re

import yaml

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from . import _dates
from ._common import current, keeps_others, scalar_region, top_entries, value12, verify_each, yaml_root
from .empty_value import PLACEHOLDERS

# Words that make a key a date field: `created`, `date_saved`, `datePublished`, `updated_at` …
DATE_WORDS = {
    "date",
    "created",
    "updated",
    "modified",
    "published",
    "saved",
    "added",
    "clipped",
    "archived",
    "synced",
    "timestamp",
    "datetime",
}
FORMATS = {
    "iso8601": "ISO 8601 (2024-09-20 or 2024-09-20T17:59:49)",
    "date": "a plain date (2024-09-20)",
}


def is_date_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    words = re.split(r"[^a-z0-9]+", re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key).lower())
    return any(w in DATE_WORDS for w in words) or (len(words) > 1 and words[-1] == "at")


class Date(Rule):
    """## What it does
    Finds date fields (keys such as `date`, `created`, `updated`, `published`,
    `date_saved`, `*_at`) whose text no reader can parse: localised dates such as
    `星期五, 九月 20日 2024, 5:59:49 下午`, or `2024-01-01 (UTC+8)`.  With the option
    `date-format` set (`"iso8601"` or `"date"`), also dates that parse but are not
    written in that form (e.g. `2023-12-21 19:33:03`, `September 20, 2024`).

    ## Why is this bad?
    Dataview, Obsidian's date properties, static-site generators and scripts only
    understand a handful of date forms; anything else is a text that sorts and
    filters wrongly.  Obsidian templates formatted with a Chinese locale write the
    first example into `created:` and `updated:`.

    ## Example
    ```markdown
    ---
    created: 星期五, 九月 20日 2024, 5:59:49 下午
    published: 2024-01-01 (UTC+8)
    ---
    ```

    Use instead:
    ```markdown
    ---
    created: 2024-09-20T17:59:49
    published: 2024-01-01
    ---
    ```

    ## Fix safety
    Safe, and only when the source form is unambiguous: the date is rewritten as
    ISO 8601 with the same wall-clock time (and offset, when one was given).  A
    weekday that contradicts the date, or `05/06/2024` (May 6 or June 5?), gets no
    fix.  The quoting style of the value is kept.
    """

    code = "FM007"
    name = "front-matter-date"
    summary = "A date field that readers cannot parse, or not in the configured form"
    fixable = Fixable.SOMETIMES
    options = {"date-format": ""}
    option_choices = {"date-format": ("", *FORMATS)}  # a typo is a configuration error (exit 2), not a finding per file

    def check(self, doc: Document, options: Options):
        root = yaml_root(doc)
        if root is None:
            return
        front, _ = root
        wanted = str(options.get("date-format", "") or "").lower()
        if wanted and wanted not in FORMATS:
            yield self.report(
                doc,
                front.start,
                front.start,
                f"Unknown date-format {wanted!r}: use one of " + ", ".join(repr(f) for f in FORMATS) + ' or "" (off)',
            )
            return
        found = []
        for entry in top_entries(doc):
            node = entry.value_node
            if not is_date_key(entry.key) or not isinstance(node, yaml.ScalarNode):
                continue
            text = node.value.strip()
            if not isinstance(value12(node), str) or not text or text.casefold() in PLACEHOLDERS:
                continue  # numbers (epochs) and empty values are other rules' business
            problem = _problem(entry.key, text, wanted)
            if problem is not None:
                found.append((entry, node, *problem))
        candidates = [_candidate(front, entry, node, target) for entry, node, _, target in found]
        before = current(front)
        good = verify_each(front, candidates, lambda after, keys: keeps_others(before, after, set(keys).__contains__))
        for (_entry, node, message, target), candidate, ok in zip(found, candidates, good):
            fix = self.fix(f"Write the date as {target}", *candidate[0]) if ok else None
            start, end = scalar_region(front, node)
            yield self.report(doc, start, end, message + (f" (it means {target})" if ok else ""), fix)


def _problem(key, text: str, wanted: str) -> tuple[str, str | None] | None:
    """(message, ISO rewrite or None) for a date text that is unreadable or not in the wanted form."""
    reading = _dates.read(text)
    if reading.kind == "unreadable":
        return f"{key!r} is a date no reader can parse: {text!r}", _target(reading, wanted)
    if wanted and not _in_form(reading, text, wanted):
        return f"{key!r} is not written as {FORMATS[wanted]}: {text!r}", _target(reading, wanted)
    return None


def _candidate(front, entry, node, target):
    if not target:
        return None
    start, end = scalar_region(front, node)
    quote = node.style if node.style in ('"', "'") else ""
    return [Edit(start, end, f"{quote}{target}{quote}")], entry.key


def _in_form(reading: _dates.Reading, text: str, wanted: str) -> bool:
    if wanted == "date":
        return reading.kind == "iso" and len(text) == 10
    return reading.kind == "iso"


def _target(reading: _dates.Reading, wanted: str) -> str | None:
    if not reading.iso or (reading.kind == "iso" and wanted != "date"):
        return None
    if wanted == "date" and len(reading.iso) != 10:
        return None  # dropping the time would lose information
    return reading.iso
