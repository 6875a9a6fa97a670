"""`<!-- omnilint-disable … -->` comments.

Forms (codes are optional; none means every rule; prefixes work as in `select`):
  <!-- omnilint-disable-file FM004 -->       the whole file
  <!-- omnilint-disable-next-line LNK001 --> the line after the comment
  <!-- omnilint-disable DUP001 --> … <!-- omnilint-enable DUP001 -->  a range
Only real HTML comments count: the same text inside a code span or block is ignored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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


def find(doc: Document) -> Suppressions | None:
    if "omnilint-" not in doc.text:
        return None
    starts, ends = _html_ranges(doc)
    result = Suppressions()
    open_ranges: dict[str, int] = {}
    for m in DIRECTIVE.finditer(doc.text, doc.body_start):
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
    return [d for d in diagnostics if not found.covers(d)]
