"""One finding per cause: what a rule that groups its occurrences needs.

A person acts once on a cause that repeats through a file (an exporter that escaped every
URL, a clipped page whose anchors are gone), so the rule reports it once, on the first
occurrence, with the count in the message and every occurrence's position in `data`
(JSON output), and one fix for all.
"""

from __future__ import annotations

from collections.abc import Iterable

from omnilint.document import Document
from omnilint.model import Edit

SHOWN = 5  # how many examples a grouped message names


def location(doc: Document, start: int, end: int) -> dict[str, int]:
    """A JSON-able position, in the shape of a finding's own (1-based line and column)."""
    line, column = doc.position(start)
    end_line, end_column = doc.position(max(start, end))
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}


def span_location(span: list[int]) -> dict[str, int]:
    """The same from a span recorded by `Span.of` (corpus rules see no Document)."""
    return {"line": span[2], "column": span[3], "end_line": span[4], "end_column": span[5]}


def examples(items: Iterable[str], total: int) -> str:
    """The first few items, comma-separated, with `…` when there are more."""
    shown = list(items)[:SHOWN]
    return ", ".join(shown) + (", …" if total > len(shown) else "")


def merge_edits(edits: Iterable[Edit]) -> list[Edit] | None:
    """The edits sorted, those that touch joined into one (the fixer refuses a fix whose own
    edits touch); None when two overlap, which no joined edit could express."""
    merged: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if merged and edit.start < merged[-1].end:
            return None
        if merged and edit.start == merged[-1].end:
            last = merged.pop()
            edit = Edit(last.start, edit.end, last.content + edit.content)
        merged.append(edit)
    return merged
