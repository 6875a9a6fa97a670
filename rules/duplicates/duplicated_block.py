from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar

from omnilint.rules.kit.lines import remove_lines

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.rule import Fixable, Options, Rule

from ._blocks import (
    BLOCK_ID_AT_END,
    NONE,
    SAFE,
    UNSAFE,
    Entry,
    backlinks,
    choose,
    content_end,
    entries,
    gap_between,
    header_nodes,
    kind_name,
    line_span,
    occurrences,
    removal,
    removal_message,
    same_section,
    section_starts,
    separator_between,
)


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
            if not same(seq[i], seq[j]) or seq[i].parent is not self.original[0].parent:
                return
            if seq[j].parent is not self.copy[0].parent:
                return
            self.original.insert(0, seq[i])
            self.copy.insert(0, seq[j])


def same(a: Entry, b: Entry) -> bool:
    return bool(a.text) and a.text == b.text and a.zone == b.zone and a.family == b.family


def repeated_texts(seq: list[Entry]) -> Counter:
    """(zone, family, text) -> how many blocks say it."""
    return Counter((b.zone, b.family, b.text) for b in map(_block_of, seq) if b.text)


_block_of = attrgetter("block")


def find_runs(seq: list[Entry], texts: Counter) -> list[Run]:
    """Pair each counting block with the latest earlier block of the same text, and join
    pairs that follow each other into runs.  Short blocks equal to their counterpart
    (a caption, a one-line paragraph) extend a run but never start one.  Linear time.

    `texts` is `repeated_texts(seq)`: a block whose text occurs once has no earlier copy and
    is no later block's, so whether it counts (its key, a code-likeness check) is not asked."""
    last_seen: dict[tuple[str, str, str], int] = {}
    runs: list[Run] = []
    current: Run | None = None
    for j, entry in enumerate(seq):
        previous = None
        block = entry.block
        if block.text and texts[(block.zone, block.family, block.text)] > 1 and entry.key is not None:
            key = (block.zone, block.family, block.text)
            previous = last_seen.get(key)
            last_seen[key] = j
        if current is not None and block.text:
            i = current.original[-1].index + 1
            if same(seq[i], entry) and current.extends(i, j, seq):
                current.original.append(seq[i])
                current.copy.append(entry)
                continue
        if previous is None:
            current = None
            continue
        floor = runs[-1].copy[-1].index if runs else -1
        current = Run([seq[previous]], [entry])
        current.extend_back(seq, floor)
        runs.append(current)
    return runs


def exporter_shaped(run: Run, seq: list[Entry], counts: Counter, starts: list[int]) -> bool:
    """Is this repetition what an exporter does (see DuplicatedBlock's docstring)?"""
    if run.copy[0].zone == "callout":
        return False  # callouts are the user's (templates, admonitions), never an exporter's copy
    twice = all(counts[(e.zone, e.family, e.key)] == 2 for e in run.copy if e.key is not None)
    if gap_between(seq, run.original, run.copy) is not None:
        # A block or run right next to its copy, said exactly twice (a line said again and
        # again is a log or a refrain); list items and table rows only among highlights:
        # elsewhere equal neighbours in a list or table are its data.
        return twice and all(e.family in ("paragraph", "heading") or e.zone == "highlights" for e in run.copy)
    if all(
        backlinks(a.features) and backlinks(a.features) == backlinks(b.features) for a, b in zip(run.original, run.copy)
    ):
        return True  # the same highlights synced twice: their back-links name the same highlights
    prose = [e for e in run.copy if e.prose and e.key is not None]
    # A run of two or more paragraphs of prose, each block said exactly twice, within one
    # section: documentation repeats a passage in sibling sections (an HTTP/2 and an
    # HTTP/3 variant), and in three places as readily as in two.
    return len(prose) >= 2 and twice and same_section(starts, run.original, run.copy)


def _body_key(doc: Document, entry: Entry) -> tuple[str, str]:
    """What a block of the body is compared by: its text, or its source for code, HTML and
    footnotes, which have no text the rules compare but must be equal to go."""
    if entry.text:
        return entry.family, entry.text
    return "source", " ".join(doc.text[entry.node.start : entry.node.end].split())


def whole_body(doc: Document, seq: list[Entry], min_length: int) -> tuple[list[Entry], list[Entry]] | None:
    """(first half, second half) when the article body, the exporter's header and the
    highlights aside, is one passage pasted twice (only separators or the title between),
    else None.  The halves must be whole top-level blocks, so one can go without the other."""
    header = header_nodes(doc)
    body = []
    for e in seq:
        block = e.block  # read directly: this loop visits every block of every document
        if block.separator or block.zone == "highlights" or id(block.top) in header:
            continue
        if block.node.kind == "heading" and not block.text:
            continue  # the title repeated as a heading
        body.append(e)
    if len(body) < 4 or len(body) % 2:
        return None  # a body of one block pasted twice is a block next to its copy
    half = len(body) // 2
    first, second = body[:half], body[half:]
    if any(_body_key(doc, a) != _body_key(doc, b) for a, b in zip(first, second)):
        return None
    if any(e.zone == "footnote" for e in body):
        return None  # footnote definitions are the user's text: no fix removes one
    if sum(e.block.size for e in first if e.prose) < min_length:
        return None  # prose, not a listing or a table, is what an article is made of
    if first[-1].block.top is second[0].block.top:
        return None  # both halves in one list or quote: not two pastes
    if any(e.zone == "highlights" for e in seq[first[0].index : second[-1].index + 1]):
        return None  # highlights between or inside the halves
    return first, second


class DuplicatedBlock(Rule):
    """## What it does
    Finds blocks that an exporter duplicated, comparing what a reader sees (link and
    emphasis markup stripped, entities decoded, whitespace folded).  Exporters
    duplicate in these shapes, and only these are reported with a fix:

    - a *run* of two or more consecutive paragraphs of prose that recurs as a run,
      each said exactly twice (a section saved once plain, then after `...` again
      with its links);
    - a block that recurs right next to its copy, with only blank lines, a thematic
      break, a `...`-like separator or the title between them;
    - a whole article body pasted twice (a run right next to its copy);
    - a highlight synced twice: the same text with a back-link to the same
      Readwise or Omnivore highlight.

    Everything else that repeats is presumed to be written that way on purpose and
    is not reported: the same first steps of separate procedures, admonitions
    (`**Note**`, `Warning:`, callouts), the parameter or field descriptions of
    sibling entries (definition lists `: text`), templates and boilerplate of
    specifications, table rows, list items, command output, code and code-like text
    (also with `\\_` escapes or HTML-escaped fences `&#x60;&#x60;&#x60;`), a heading
    against a list item with the same words, a link listed in two sections,
    captions, FAQ answers, and text said three times or more.  Highlights and notes
    sections quote the article by design: they are compared only among themselves,
    and footnote definitions are never compared.

    A single paragraph of prose far from its only copy is reported, without a fix,
    only when it is long: `far-min-length` reading units (default 300; CJK and
    other wide characters count double).  Blocks shorter than `min-length`
    (default 40) never start a finding; with `skip-code-like` (default true) neither
    do paragraphs that look like code whose fences were lost.

    ## Why is this bad?
    Saved pages repeat themselves: a section is rendered once without and once with
    its links, the lede appears twice, the same highlight is synced twice.  The copy
    adds nothing and doubles the reading.

    ## Example
    ```markdown
    The river rose three metres overnight, flooding the lower town.

    The bridge stayed closed for the rest of the week, and the ferry ran all night.

    ...

    The river rose three metres overnight, flooding the [lower town](https://example.com/town).

    The bridge stayed closed for the rest of the week, and the ferry ran all night.
    ```

    Use instead:
    ```markdown
    The river rose three metres overnight, flooding the [lower town](https://example.com/town).

    The bridge stayed closed for the rest of the week, and the ferry ran all night.
    ```

    ## Fix safety
    Safe only when a reader loses nothing: each removed block reads exactly like the
    copy that stays (whitespace aside), holds no block id (`^abc123`), link, image,
    footnote reference or formatting the kept copy lacks, and is not a heading.  The
    copy that stays is the one with more information; between equals the less
    nested (an excerpt quote gives way to the article), then the earlier.  A lone
    separator (`...`, `* * *`) between the two copies goes with the removed one.
    Otherwise the fix is unsafe (copies spelt differently, a heading, links on both
    sides, or a single block shorter than `safe-min-length`, 100 reading units, said
    twice in a row: a refrain or a step written out again may be the writer's), and there is none when both copies carry different block ids, when a
    copy shares a line with something that must stay, or for a paragraph far from
    its copy.  The message says what the fix removes and what it keeps.
    """

    code = "DUP001"
    name = "duplicated-block"
    summary = "A block that an exporter duplicated (a repeated run, a copy next to its original)"
    fixable = Fixable.SOMETIMES
    # Unsafe fixes only: a heading over the copy, a copy spelt differently.  A safe fix never
    # removes a paragraph whose equal copy does not stay (tests/test_properties.py).
    removes_paragraphs = True
    options: ClassVar[dict[str, Any]] = {
        "min-length": 40,
        "skip-code-like": True,
        "far-min-length": 300,
        "safe-min-length": 100,
    }

    def check(self, doc: Document, options: Options):
        seq = entries(doc, int(options["min-length"]), bool(options["skip-code-like"]))
        far_min = int(options["far-min-length"])
        safe_min = int(options["safe-min-length"])
        reported: set[int] = set()  # indices of blocks already reported as a copy
        halves = whole_body(doc, seq, int(options["min-length"]))
        if halves is not None:
            # One finding for the whole paste; the runs inside it would only repeat it.
            yield from self._exporter_copy(doc, seq, Run(*halves), occurrences(seq), reported, safe_min, whole=True)
            return
        texts = repeated_texts(seq)
        runs = find_runs(seq, texts)
        if not runs:
            return  # most documents: nothing repeats, and nothing below is needed
        # The keys of repeated texts only: the blocks of a run are all repeated.
        counts: Counter = Counter(
            (e.zone, e.family, e.key)
            for e in seq
            if e.text and texts[(e.zone, e.family, e.text)] > 1 and e.key is not None
        )
        nth = occurrences(seq)
        starts = section_starts(seq)
        for run in runs:
            if exporter_shaped(run, seq, counts, starts):
                yield from self._exporter_copy(doc, seq, run, nth, reported, safe_min)
                continue
            for original, copy in zip(run.original, run.copy):
                if (
                    copy.prose
                    and copy.key is not None
                    and copy.block.size >= far_min
                    and counts[(copy.zone, copy.family, copy.key)] == 2
                    and same_section(starts, [original], [copy])
                    and copy.index not in reported
                ):
                    reported.add(copy.index)
                    message = (
                        f"{kind_name([copy])} repeats {line_span(doc, [original])}, far from it; no fix:"
                        " check whether the repetition is intended"
                    )
                    yield self.report(doc, copy.node.start, content_end(doc, copy.node), message)

    def _exporter_copy(
        self,
        doc: Document,
        seq: list[Entry],
        run: Run,
        nth: dict[int, int],
        reported: set[int],
        safe_min: int,
        whole: bool = False,
    ):
        drop_first, applicability, why = choose(run.original, run.copy)
        if applicability == SAFE and not whole and _bare_short_repeat(doc, run, safe_min):
            # One short block said twice in a row, byte for byte, with nothing an exporter leaves
            # (a back-link, a block id, another nesting or formatting) may be the writer's: a refrain,
            # a step written out again.  Only then is removing it a judgement, not a repair.
            applicability, why = UNSAFE, "one short block repeated once may be deliberate (a refrain, a repeated step)"
        gone, kept = (run.original, run.copy) if drop_first else (run.copy, run.original)
        if any(e.index in reported for e in gone):
            return
        reported.update(e.index for e in gone)
        what = "The article body, pasted twice," if whole else kind_name(gone)
        verb = "repeats" if whole or len(gone) == 1 else "repeat"
        start, end = gone[0].node.start, content_end(doc, gone[-1].node)
        if applicability == NONE:
            message = f"{what} {verb} {line_span(doc, kept)}; no fix: {why}"
            yield self.report(doc, start, end, message)
            return
        separator = None
        if whole:
            edit = _remove_half(doc, run, drop_first)
            between = seq[run.original[-1].index + 1 : run.copy[0].index]
            if applicability == SAFE and any(e.node.kind == "heading" for e in between):
                applicability, why = UNSAFE, "it would remove a heading"
        else:
            separator = separator_between(seq, run.original, run.copy)
            nodes: list[Node] = [e.node for e in gone]
            if separator is not None:
                nodes = [*nodes, separator.node] if drop_first else [separator.node, *nodes]
            edit = removal(doc, nodes)
        if edit is not None and applicability == SAFE and _takes_a_heading_along(doc, edit, gone):
            applicability, why = UNSAFE, "it would remove the heading over the copy"
        removes = removal_message(doc, gone, kept, nth.get(gone[0].index, 2))
        if separator is not None:
            removes += f" (the `{doc.text[separator.node.start : content_end(doc, separator.node)]}` between goes too)"
        if edit is None:
            message = f"{what} {verb} {line_span(doc, kept)}; no fix: the copy shares a line with other text"
            yield self.report(doc, start, end, message)
            return
        message = f"{what} {verb} {line_span(doc, kept)}: the fix {removes}"
        if applicability != SAFE:
            message += f" (unsafe: {why})"
        order = nth.get(gone[0].index, 2)
        fix = self.fix(removal_message(doc, gone, kept, order, imperative=True), edit, safe=applicability == SAFE)
        yield self.report(doc, start, end, message, fix)


def _bare_short_repeat(doc: Document, run: Run, safe_min: int) -> bool:
    """One short block repeated as the same source in the same parent, with no link, image or block id."""
    if len(run.copy) != 1:
        return False
    original, copy = run.original[0], run.copy[0]
    if copy.block.size >= safe_min or original.parent is not copy.parent:
        return False
    source = doc.text[original.node.start : content_end(doc, original.node)]
    if source.strip() != doc.text[copy.node.start : content_end(doc, copy.node)].strip():
        return False
    return "](" not in source and "[[" not in source and not BLOCK_ID_AT_END.search(source)


def _takes_a_heading_along(doc: Document, edit, gone: list[Entry]) -> bool:
    """Does the removal take a heading other than the copies along (a `> ## Excerpt` quote
    removed whole)?  A heading is never removed by a safe fix."""
    own = {id(e.node) for e in gone}
    headings = doc.headings  # in document order: only those inside the edit are looked at
    i = bisect_left(headings, edit.start, key=_start_of)
    while i < len(headings) and headings[i].start < edit.end:
        if id(headings[i]) not in own:
            return True
        i += 1
    return False


def _start_of(node: Node) -> int:
    return node.start


def _remove_half(doc: Document, run: Run, drop_first: bool):
    """The lines of one half of a body pasted twice, whole top-level blocks, with the
    separators between the halves."""
    gone = run.original if drop_first else run.copy
    first, last = gone[0].block.top, gone[-1].block.top
    if drop_first:
        after = run.copy[0].block.top
        stop = after.start  # up to the kept half: separators between go too
        end_line = doc.line_bounds(stop)[0]
        return remove_lines(doc, doc.line_bounds(first.start)[0], end_line)
    before = run.original[-1].block.top
    start = doc.line_bounds(content_end(doc, before))[2]  # the line after the kept half
    end = doc.line_bounds(content_end(doc, last))[2]
    return remove_lines(doc, start, end)
