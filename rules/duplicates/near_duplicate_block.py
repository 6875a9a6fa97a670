from __future__ import annotations

import heapq
import re
import zlib
from collections import Counter
from difflib import SequenceMatcher
from itertools import pairwise, repeat
from typing import Any, ClassVar

from omnilint.document import Document
from omnilint.rule import Fixable, Options, Rule

from ._blocks import (
    Entry,
    block_ids,
    content_end,
    entries,
    gap_between,
    keep_first,
    kind_name,
    line_span,
    prose,
    removal,
    removal_message,
    same_section,
    section_starts,
    separator_between,
)

# Words, numbers, single CJK characters and punctuation marks are the units compared.
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
TOKEN = re.compile(rf"[{_WIDE}]|[^\W_{_WIDE}]+|[^\w\s]")
SKETCH_SIZE = 8  # bottom-k sketch: the k smallest shingle hashes stand for the block
MAX_BUCKET = 16  # compare with at most this many earlier blocks per sketch value
MAX_CANDIDATES = 8  # and at most this many in all, so a file costs linear time
MIN_SHARED = 3  # sketch values two blocks must share to be compared at all
COMPARED_KINDS = frozenset({"paragraph", "item"})
NEIGHBOUR_MIN = 40  # an equal neighbour makes a run when DUP001 would count it (its min-length)


def compared(entry: Entry) -> bool:
    """Paragraphs of prose, and list items only among highlights (elsewhere sibling items
    say nearly the same thing by design: changelog entries, options, steps)."""
    if entry.node.kind not in COMPARED_KINDS:
        return False
    if entry.zone == "highlights":
        return entry.key is not None
    # Shape first: the key's code-likeness check is asked only of paragraphs that could be prose.
    return entry.block.prose_shaped and entry.key is not None and entry.prose


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


def sketch(toks: list[str]) -> list[int]:
    """Bottom-k MinHash of the token bigrams: similar blocks share some of these values."""
    grams = toks if len(toks) < 3 else map(_BIGRAM, pairwise(toks))
    # map() over C functions all the way: no Python bytecode runs per token.
    return heapq.nsmallest(SKETCH_SIZE, set(map(zlib.crc32, map(str.encode, grams))))


_BIGRAM = "\x1f".join


def similarity(a: list[str], b: list[str], threshold: float, bags: tuple[Counter, Counter] | None = None) -> float:
    """Word-level similarity (difflib's ratio), 0 when the cheap upper bounds rule it out.

    `bags` (the tokens counted) give difflib's quick_ratio bound without building a matcher."""
    if bags is not None:
        small, large = sorted(bags, key=len)
        # The tokens both hold, counted (`sum((small & large).values())`), by map() over C functions.
        shared = sum(map(min, small.values(), map(large.get, small, repeat(0))))
        if a and b and 2.0 * shared / (len(a) + len(b)) < threshold:
            return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    return matcher.ratio()


def candidates(seq: list[Entry]):
    """(earlier, later) entry pairs that may be similar: those sharing at least MIN_SHARED
    of their sketch values, the most-sharing first, at most MAX_CANDIDATES per block.
    Buckets are read only at their recent end, so a file costs linear time."""
    by_index = {e.index: e for e in seq}
    buckets: dict[int, list[int]] = {}  # sketch value -> indices of the blocks that have it
    for entry in seq:
        met: list[int] = []  # earlier blocks met in this block's buckets, once per shared value
        for value in sketch(entry.tokens):
            bucket = buckets.get(value)
            if bucket is None:
                buckets[value] = [entry.index]
            else:
                met += bucket[-MAX_BUCKET:]
                bucket.append(entry.index)
        if len(met) < MIN_SHARED:
            continue  # most blocks: no earlier block shares enough
        shared = Counter(met)
        likely = sorted((i for i, n in shared.items() if n >= MIN_SHARED), key=lambda i: (-shared[i], i))
        for index in likely[:MAX_CANDIDATES]:
            yield by_index[index], entry


def exporter_pair(
    seq: list[Entry], earlier: Entry, later: Entry, near: set[tuple[int, int]], starts: list[int]
) -> bool:
    """Do two nearly equal blocks sit where an exporter puts a copy: right next to each
    other, or, within one section, beside a pair of paragraphs that repeat each other as
    well (equal or nearly so), so that the two make a run?"""
    if gap_between(seq, [earlier], [later]) is not None:
        return True
    if not same_section(starts, [earlier], [later]):
        return False
    for step in (-1, 1):
        i, j = earlier.index + step, later.index + step
        if not (0 <= i < len(seq) and 0 <= j < len(seq)) or i == later.index or j == earlier.index:
            continue
        a, b = seq[i], seq[j]
        if a.parent is not earlier.parent or b.parent is not later.parent:
            continue
        if (i, j) in near or (a.prose and a.block.size >= NEIGHBOUR_MIN and a.text == b.text and a.zone == b.zone):
            return True
    return False


def differs_in_numbers(a: list[str], b: list[str]) -> bool:
    """Do the words that differ include a number?  Then the two say different things about
    different versions, sizes or steps (an HTTP/2 and an HTTP/3 variant), not the same
    thing twice."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and any(any(c.isdigit() for c in t) for t in (*a[i1:i2], *b[j1:j2])):
            return True
    return False


class NearDuplicateBlock(Rule):
    """## What it does
    Finds paragraphs of some length (`min-length`, default 80; CJK characters count
    double) that are nearly the same as another one: their word-level similarity is
    at least `threshold` (default 0.9) but the texts are not equal (equal blocks are
    DUP001's).  Only where an exporter puts copies: the two sit right next to each
    other (only blank lines, a thematic break or `...` between), or beside another
    pair of paragraphs that repeat each other, so that together they make a repeated
    run, and they do not differ in a number (an HTTP/2 and an HTTP/3 variant of a
    sentence are two statements).  Headings, table rows, list items (except
    highlights), admonitions and
    blocks that look like code are not compared; highlights and notes sections and
    the user's callouts (`> [!summary]`) are never taken for copies of the article.

    ## Why is this bad?
    A teaser and the article's first paragraph, or two syncs of an edited
    highlight, differ by a word or a punctuation mark: the reader still reads the
    same thing twice.

    ## Example
    ```markdown
    The river rose three metres overnight, flooding the lower town and closing the old bridge for the rest of the week.

    The river rose three metres overnight, flooding the lower town and closing the old bridge for the rest of the week!
    ```

    Use instead:
    ```markdown
    The river rose three metres overnight, flooding the lower town and closing the old bridge for the rest of the week.
    ```

    ## Fix safety
    Never safe: the copies differ, so removing one may lose a word that matters.  The
    unsafe fix removes the copy with less information (fewer links, images, emphasis;
    then the shorter; then the later one), with a lone separator between them; there
    is none when both copies carry different block ids.  The message says what the
    fix removes and what it keeps.
    """

    code = "DUP002"
    name = "near-duplicate-block"
    summary = "A block is nearly the same as an earlier block"
    fixable = Fixable.UNSAFE
    removes_paragraphs = True  # (unsafe only) the poorer of two nearly equal copies goes
    options: ClassVar[dict[str, Any]] = {"threshold": 0.9, "min-length": 80, "skip-code-like": True}

    def check(self, doc: Document, options: Options):
        threshold = float(options["threshold"])
        seq = entries(doc, int(options["min-length"]), bool(options["skip-code-like"]))
        chosen = [e for e in seq if compared(e)]
        for entry in chosen:
            entry.tokens = tokens(prose(entry.text))
        bags: dict[int, Counter] = {}  # tokens counted, per entry compared at all
        best: dict[int, tuple[float, Entry]] = {}
        near: set[tuple[int, int]] = set()
        for earlier, later in candidates(chosen):
            if earlier.zone != later.zone or earlier.key == later.key:
                continue
            a, b = earlier.tokens, later.tokens
            if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
                continue  # the length difference alone puts them below the threshold
            for e in (earlier, later):
                if e.index not in bags:
                    bags[e.index] = Counter(e.tokens)
            score = similarity(a, b, threshold, (bags[earlier.index], bags[later.index]))
            if score >= threshold:
                near.add((earlier.index, later.index))
                if score > best.get(later.index, (0.0, None))[0]:
                    best[later.index] = (score, earlier)
        if not best:
            return  # most documents: no near copies, and nothing below is needed
        reported: set[int] = set()
        starts = section_starts(seq)
        # A block with an exact copy is DUP001's: a near copy of it must not go in the same
        # pass as DUP001 removes its twin.
        exact = Counter((e.zone, e.family, e.text) for e in seq if e.text)
        for index in sorted(best):
            score, earlier = best[index]
            later = seq[index]
            if (
                exact[(earlier.zone, earlier.family, earlier.text)] > 1
                or exact[(later.zone, later.family, later.text)] > 1
            ):
                continue
            if exporter_pair(seq, earlier, later, near, starts) and not differs_in_numbers(
                earlier.tokens, later.tokens
            ):
                yield from self._report(doc, seq, earlier, later, score, reported)

    def _report(self, doc: Document, seq: list[Entry], earlier: Entry, later: Entry, score: float, reported: set[int]):
        drop_first = not keep_first([earlier], [later], by_length=True)
        gone, kept = (earlier, later) if drop_first else (later, earlier)
        if gone.index in reported:
            return
        reported.add(gone.index)
        nodes = [gone.node]
        separator = separator_between(seq, [earlier], [later])
        if separator is not None:
            nodes = [gone.node, separator.node] if drop_first else [separator.node, gone.node]
        how = "the same words, other links or images" if score >= 1 else f"{score:.0%} similar"
        start, end = gone.node.start, content_end(doc, gone.node)
        head = f"{kind_name([gone])} nearly repeats {line_span(doc, [kept])} ({how})"
        ids_gone, ids_kept = block_ids(gone.features), block_ids(kept.features)
        if ids_gone and ids_kept and ids_gone != ids_kept:
            yield self.report(doc, start, end, f"{head}; no fix: both copies carry block ids other notes may link to")
            return
        edit = removal(doc, nodes)
        if edit is None:
            yield self.report(doc, start, end, f"{head}; no fix: the copy shares a line with other text")
            return
        order = 2 if gone.index > kept.index else 1  # near copies: the removed one is the 1st or the 2nd
        removes = removal_message(doc, [gone], [kept], order)
        fix = self.fix(removal_message(doc, [gone], [kept], order, imperative=True), edit, safe=False)
        yield self.report(doc, start, end, f"{head}: the unsafe fix {removes}", fix)
