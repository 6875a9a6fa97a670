from __future__ import annotations

import re
from bisect import bisect_right

from omnilint.document import Document
from omnilint.model import Severity
from omnilint.rule import Fixable, Options, Rule

# Git writes each marker as exactly seven characters at the start of a line; a synced
# Logseq page carries them indented like its blocks (tabs or spaces).  `|||||||` opens the
# common ancestor's part in diff3 style.
_MARKER = re.compile(r"^[ \t]*(?:(<{7}|\|{7}|>{7})(?:[ \t][^\r\n]*)?|(={7}))[ \t]*\r?$", re.MULTILINE)


class MergeConflictMarker(Rule):
    """## What it does
    Finds unresolved git merge conflicts: a `<<<<<<< ours` line, then a `=======`
    line, then a `>>>>>>> theirs` line, in that order (a diff3 `||||||| base` part
    may sit between the first two).  Markers indented with tabs or spaces count
    too, as a synced Logseq page holds them at its blocks' depth.  Only a complete
    conflict is reported: a lone `=======` line is a setext heading underline, and
    markers inside a fenced code block are an example, not a conflict.

    ## Why is this bad?
    A vault synced with git was merged and the conflict was never resolved: the
    note holds two versions of the same lines, and the marker lines render as
    text and a heading.

    ## Example
    ```markdown
    # Reading list

    <<<<<<< HEAD
    - Rivers of the world (saved on the laptop)
    =======
    - Rivers of the world, a long read (saved on the phone)
    >>>>>>> b823651 (vault backup: 2024-05-02)
    ```

    Use instead:
    ```markdown
    # Reading list

    - Rivers of the world, a long read (saved on the phone)
    ```

    ## Fix safety
    No fix: which side to keep, or how to merge both, is the owner's decision.
    """

    code = "GIT001"
    name = "merge-conflict-marker"
    summary = "An unresolved git merge conflict (<<<<<<<, =======, >>>>>>> lines)"
    fixable = Fixable.NEVER
    severity = Severity.ERROR

    def check(self, doc: Document, options: Options):
        text = doc.text
        if "<<<<<<<" not in text:  # the common case: no conflict can start
            return
        fences = _fenced_ranges(doc)
        opened = separator = None  # match of the open marker / of its separator
        for m in _MARKER.finditer(text):
            if _inside(fences, m.start()):
                opened = separator = None
                continue
            mark = m.group(1) or m.group(2)
            if mark.startswith("<"):
                opened, separator = m, None  # a new conflict starts; an unfinished one is dropped
            elif mark.startswith("|"):
                if separator is not None:
                    opened = separator = None  # a base part after the separator: not git's shape
            elif mark.startswith("="):
                if opened is not None and separator is None:
                    separator = m
            elif opened is not None and separator is not None:
                first = doc.position(opened.start())[0]
                middle = doc.position(separator.start())[0]
                last = doc.position(m.start())[0]
                message = f"Unresolved merge conflict (markers on lines {first}, {middle} and {last})"
                data = {"lines": [first, middle, last]}
                yield self.report(doc, opened.start(), m.end(), message, data=data)
                opened = separator = None


def _fenced_ranges(doc: Document) -> tuple[list[int], list[int]]:
    """(starts, ends) of the fenced code blocks, where conflict markers are an example.

    Indented code is not among them: a Logseq page's tab-indented block lines may parse
    as one, and a conflict in them is real.  Fenced blocks never overlap."""
    blocks = [n for n in doc.nodes_of("code_block") if n.label == "fenced"]
    return [n.start for n in blocks], [n.end for n in blocks]


def _inside(ranges: tuple[list[int], list[int]], offset: int) -> bool:
    starts, ends = ranges
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < ends[i]
