from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.rule import Options, Rule

from ._blocks import Entry, content_end, entries, keep_first, kind_name, line_span, removal


@dataclass
class Run:
    """Consecutive blocks `copy` that repeat consecutive blocks `original` (earlier)."""

    original: list[Entry]
    copy: list[Entry]

    def extends(self, i: int, j: int, seq: list[Entry]) -> bool:
        last_i, last_j = self.original[-1], self.copy[-1]
        return (
            j == last_j.index + 1
            and i == last_i.index + 1
            and i < self.copy[0].index
            and seq[i].parent is last_i.parent
            and seq[j].parent is last_j.parent
        )

    def extend_back(self, seq: list[Entry], floor: int) -> None:
        """Take in equal blocks just before both copies (a short heading over a repeated
        section), never reaching into the original or into an earlier run."""
        while True:
            i, j = self.original[0].index - 1, self.copy[0].index - 1
            if i < 0 or j <= max(floor, self.original[-1].index):
                return
            if not _same(seq[i], seq[j]) or seq[i].parent is not self.original[0].parent:
                return
            if seq[j].parent is not self.copy[0].parent:
                return
            self.original.insert(0, seq[i])
            self.copy.insert(0, seq[j])


def _same(a: Entry, b: Entry) -> bool:
    return bool(a.text) and a.text == b.text and a.zone == b.zone


def find_runs(seq: list[Entry]) -> list[Run]:
    """Pair each counting block with the first earlier block of the same text, and join
    pairs that follow each other into runs.  Short blocks equal to their counterpart
    (a caption, a one-line paragraph) extend a run but never start one.  Linear time."""
    first_seen: dict[tuple[str, str], int] = {}
    runs: list[Run] = []
    current: Run | None = None
    for j, entry in enumerate(seq):
        first = None
        if entry.key is not None:
            first = first_seen.setdefault((entry.zone, entry.key), j)
        if current is not None and entry.text:
            i = current.original[-1].index + 1
            if _same(seq[i], entry) and current.extends(i, j, seq):
                current.original.append(seq[i])
                current.copy.append(entry)
                continue
        if first is None or first == j:
            current = None
            continue
        floor = runs[-1].copy[-1].index if runs else -1
        current = Run([seq[first]], [entry])
        current.extend_back(seq, floor)
        runs.append(current)
    return runs


def separator_between(seq: list[Entry], before: list[Entry], after: list[Entry]) -> Entry | None:
    """A lone `...` / `* * *` block between two copies, which goes with the removed one."""
    i = before[-1].index + 1
    if i + 1 == after[0].index and seq[i].separator and seq[i].parent is before[-1].parent is after[0].parent:
        return seq[i]
    return None


class DuplicatedBlock(Rule):
    """## What it does
    Finds blocks (paragraphs, headings, list items, quoted paragraphs, table rows)
    whose text equals an earlier block's, comparing what a reader sees: link and
    emphasis markup stripped, entities decoded, whitespace folded.  A run of
    consecutive repeated blocks is one finding, reported on the copy the fix removes.

    Blocks shorter than `min-length` (default 40; CJK and other wide characters
    count double, so 20 Chinese characters or about 8 English words) are ignored on
    their own.  Code blocks never count, and with `skip-code-like` (default true)
    neither do paragraphs that look like code whose fences were lost, since code
    legitimately repeats lines.  Highlights sections are compared only among
    themselves: a highlight quotes the article by design.

    ## Why is this bad?
    Saved pages repeat themselves: the lede or teaser appears twice, the same
    highlight is synced twice, a section is rendered once without and once with
    its links.  The copy adds nothing and doubles the reading.

    ## Example
    ```markdown
    The river rose three metres overnight, flooding the lower town.

    ...

    The river rose three metres overnight, flooding the [lower town](https://example.com/town).
    ```

    Use instead:
    ```markdown
    The river rose three metres overnight, flooding the [lower town](https://example.com/town).
    ```

    ## Fix safety
    Safe: the copy with less information (fewer links, images, emphasis; then the
    more deeply quoted one; then the later one) is removed with its lines, and so
    is a lone separator (`...`, `…`, `* * *`) left between the two copies.  The
    other copy stays byte-identical.  No fix is offered when a copy shares a line
    with something that must stay.
    """

    code = "DUP001"
    name = "duplicated-block"
    summary = "A block repeats an earlier block"
    fixable = "safe"
    removes_paragraphs = True  # the copy goes; its twin stays
    options: ClassVar[dict[str, Any]] = {"min-length": 40, "skip-code-like": True}

    def check(self, doc: Document, options: Options):
        seq = entries(doc, int(options["min-length"]), bool(options["skip-code-like"]))
        removed: set[tuple[int, int]] = set()
        for run in find_runs(seq):
            drop_first = not keep_first(run.original, run.copy)
            gone, kept = (run.original, run.copy) if drop_first else (run.copy, run.original)
            separator = separator_between(seq, run.original, run.copy)
            nodes: list[Node] = [e.node for e in gone]
            if separator is not None:
                nodes = [*nodes, separator.node] if drop_first else [separator.node, *nodes]
            edit = removal(doc, nodes)
            span = (gone[0].node.start, content_end(doc, gone[-1].node))
            if span in removed:
                continue
            removed.add(span)
            what = kind_name(gone)
            if drop_first:
                message = f"{what} repeated at {line_span(doc, kept)}, where the copy has more links or formatting"
            else:
                message = f"{what} repeating {line_span(doc, kept)}"
            fix = self.fix("Remove this copy", edit) if edit is not None else None
            yield self.report(doc, span[0], span[1], message, fix)
