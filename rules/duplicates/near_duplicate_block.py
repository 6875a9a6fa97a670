from __future__ import annotations

import heapq
import re
import zlib
from collections import Counter
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any, ClassVar

from omnilint.document import Document
from omnilint.rule import Options, Rule

from ._blocks import Entry, content_end, entries, keep_first, kind_name, line_span, prose, removal
from .duplicated_block import separator_between

# Words, numbers, single CJK characters and punctuation marks are the units compared.
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
TOKEN = re.compile(rf"[{_WIDE}]|[^\W_{_WIDE}]+|[^\w\s]")
SKETCH_SIZE = 8  # bottom-k sketch: the k smallest shingle hashes stand for the block
MAX_BUCKET = 16  # compare with at most this many earlier blocks per sketch value
MAX_CANDIDATES = 8  # and at most this many in all, so a file costs linear time
MIN_SHARED = 3  # sketch values two blocks must share to be compared at all
COMPARED_KINDS = frozenset({"paragraph", "item"})


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
        shared = sum((bags[0] & bags[1]).values())
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
    buckets: dict[int, list[Entry]] = {}
    for entry in seq:
        shared: dict[int, int] = {}
        for value in sketch(entry.tokens):
            bucket = buckets.setdefault(value, [])
            for other in bucket[-MAX_BUCKET:]:
                shared[other.index] = shared.get(other.index, 0) + 1
            bucket.append(entry)
        likely = sorted((i for i, n in shared.items() if n >= MIN_SHARED), key=lambda i: (-shared[i], i))
        for index in likely[:MAX_CANDIDATES]:
            yield by_index[index], entry


class NearDuplicateBlock(Rule):
    """## What it does
    Finds paragraphs and list items of some length (`min-length`, default 80; CJK
    characters count double) that are nearly the same as an earlier one: their
    word-level similarity is at least `threshold` (default 0.9) but the texts are
    not equal (equal blocks are DUP001's).  Headings, table rows and blocks that
    look like code are not compared; highlights are compared only with highlights.

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
    Unsafe: the copies differ, so removing one may lose a word that matters.  The
    fix removes the copy with less information (fewer links, images, emphasis;
    then the shorter; then the later one), with a lone separator between them.
    """

    code = "DUP002"
    name = "near-duplicate-block"
    summary = "A block is nearly the same as an earlier block"
    fixable = "unsafe"
    removes_paragraphs = True  # the poorer of two nearly equal copies goes
    options: ClassVar[dict[str, Any]] = {"threshold": 0.9, "min-length": 80, "skip-code-like": True}

    def check(self, doc: Document, options: Options):
        threshold = float(options["threshold"])
        seq = entries(doc, int(options["min-length"]), bool(options["skip-code-like"]))
        compared = [e for e in seq if e.key is not None and e.node.kind in COMPARED_KINDS]
        for entry in compared:
            entry.tokens = tokens(prose(entry.text))
        bags: dict[int, Counter] = {}  # tokens counted, per entry compared at all
        best: dict[int, tuple[float, Entry]] = {}
        for earlier, later in candidates(compared):
            if earlier.zone != later.zone or earlier.key == later.key:
                continue
            a, b = earlier.tokens, later.tokens
            if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
                continue  # the length difference alone puts them below the threshold
            for e in (earlier, later):
                if e.index not in bags:
                    bags[e.index] = Counter(e.tokens)
            score = similarity(a, b, threshold, (bags[earlier.index], bags[later.index]))
            if score >= threshold and score > best.get(later.index, (0.0, None))[0]:
                best[later.index] = (score, earlier)
        reported: set[int] = set()
        for index in sorted(best):
            score, earlier = best[index]
            later = seq[index]
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
        edit = removal(doc, nodes)
        fix = self.fix("Remove this copy", edit, safe=False) if edit is not None else None
        how = "the same words, other links or images" if score >= 1 else f"{score:.0%} similar"
        message = f"{kind_name([gone])} nearly repeats {line_span(doc, [kept])} ({how})"
        yield self.report(doc, gone.node.start, content_end(doc, gone.node), message, fix)
