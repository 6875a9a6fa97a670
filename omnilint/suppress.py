"""`<!-- omnilint-disable … -->` comments.

Forms (codes are optional; none means every rule; prefixes work as in `select`):
  <!-- omnilint-disable-file FM004 -->       the whole file
  <!-- omnilint-disable-next-line LNK001 --> the line after the comment
  <!-- omnilint-disable DUP001 --> … <!-- omnilint-enable DUP001 -->  a range
Only real HTML comments count: the same text inside a code span or block is ignored.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .document import Document
from .model import Diagnostic, code_matches

DIRECTIVE = re.compile(r"<!--\s*omnilint-(disable-next-line|disable-file|disable|enable)\b(.*?)-->", re.S)
ALL = ""  # matches every code


@dataclass
class Suppressions:
    whole_file: list[str] = field(default_factory=list)
    lines: dict[int, list[str]] = field(default_factory=dict)  # line -> prefixes
    ranges: list[tuple[int, int, str]] = field(default_factory=list)  # [first, last] lines, prefix

    def covers(self, d: Diagnostic) -> bool:
        if any(_names(p, d.code) for p in self.whole_file):
            return True
        if any(_names(p, d.code) for p in self.lines.get(d.line, ())):
            return True
        return any(a <= d.line <= b and _names(p, d.code) for a, b, p in self.ranges)


def _names(selector: str, code: str) -> bool:
    return selector == ALL or code_matches(selector, code)


def _html_ranges(doc: Document) -> tuple[list[int], list[int]]:
    spans = sorted((n.start, n.end) for n in doc.nodes if n.kind in ("html", "html_block"))
    return [s for s, _ in spans], [e for _, e in spans]


_OPENER = re.compile(r"<!--\s*omnilint-(?:disable-next-line|disable-file|disable|enable)\b")


def _directives(text: str, start: int) -> Iterator[re.Match]:
    """The matches of `DIRECTIVE.finditer(text, start)`, in linear time.

    The regex alone is quadratic on many openers without a `-->`: each one scans to the
    end of the text.  When one finds no `-->`, no later one can, so the scan stops.
    """
    pos = start
    while True:
        opener = _OPENER.search(text, pos)
        if opener is None or text.find("-->", opener.end()) < 0:
            return
        m = DIRECTIVE.match(text, opener.start())  # the opener, then `.*?` up to that `-->`
        if m is None:
            return
        yield m
        pos = m.end()


def find(doc: Document) -> Suppressions | None:
    if "omnilint-" not in doc.text:
        return None
    starts, ends = _html_ranges(doc)
    result = Suppressions()
    open_ranges: dict[str, int] = {}
    for m in _directives(doc.text, doc.body_start):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= ends[i]:
            continue  # inside code or plain text: not a comment a renderer would hide
        kind = m.group(1)
        codes = m.group(2).replace(",", " ").split() or [ALL]
        line = doc.position(m.start())[0]
        end_line = doc.position(m.end())[0]
        if kind == "disable-file":
            result.whole_file.extend(codes)
        elif kind == "disable-next-line":
            result.lines.setdefault(end_line + 1, []).extend(codes)
        elif kind == "disable":
            for code in codes:
                open_ranges.setdefault(code, line)
        else:  # enable
            for code in codes:
                if code == ALL:
                    for c, first in open_ranges.items():
                        result.ranges.append((first, line, c))
                    open_ranges.clear()
                elif code in open_ranges:
                    result.ranges.append((open_ranges.pop(code), line, code))
    for code, first in open_ranges.items():
        result.ranges.append((first, doc.lines.line_count + 1, code))
    return result


def apply(doc: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    found = find(doc)
    if found is None:
        return diagnostics
    hidden = _covered(found, diagnostics)
    return [d for i, d in enumerate(diagnostics) if i not in hidden]


def _selectors_naming(code: str) -> set[str]:
    """Every selector that `_names` accepts for `code`: all, its family, its other prefixes."""
    names = {ALL, *(code[:k] for k in range(1, len(code) + 1) if not code[:k].isalpha())}
    family = code.rstrip("0123456789")
    if family.isalpha():
        names.add(family)
    return names


def _covered(found: Suppressions, diagnostics: list[Diagnostic]) -> set[int]:
    """Indexes of the diagnostics that `found.covers`, in n log n.

    Asking `covers` of each diagnostic walks every range: thousands of disable/enable
    pairs and as many findings made that quadratic.  Here the diagnostics are visited by
    line while the ranges open and close around them, and each one looks up only the
    few selectors that can name its code.
    """
    whole = set(found.whole_file)
    by_line = {line: set(selectors) for line, selectors in found.lines.items()}
    ranges = sorted(found.ranges)
    active: Counter[str] = Counter()
    closing: list[tuple[int, str]] = []  # (last line, selector) of the open ranges
    hidden: set[int] = set()
    j = 0
    for i in sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].line):
        line = diagnostics[i].line
        while j < len(ranges) and ranges[j][0] <= line:
            first, last, selector = ranges[j]
            heapq.heappush(closing, (last, selector))
            active[selector] += 1
            j += 1
        while closing and closing[0][0] < line:
            _, selector = heapq.heappop(closing)
            active[selector] -= 1
            if not active[selector]:
                del active[selector]
        names = _selectors_naming(diagnostics[i].code)
        if names & whole or names & by_line.get(line, set()) or any(n in active for n in names):
            hidden.add(i)
    return hidden
