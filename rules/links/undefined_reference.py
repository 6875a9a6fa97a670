from __future__ import annotations

import re
from bisect import bisect_right

from omnilint.document import Document
from omnilint.rule import Options, Rule

from ._common import _lost_fence_lines, after_identifier, line_looks_like_code, normalize_label

# `[text][label]` and `[text][]` (collapsed) left as literal text because `label` is not defined.
# The text must hold a visible character: checked by a lookahead, since two stars around
# it (`[^…]*[^\s…][^…]*`) backtrack quadratically on an unclosed `[word word …`.
REFERENCE = re.compile(r"(!?)\[((?=[^\[\]\n]*[^\s\[\]])[^\[\]\n]*)\]\[([^\[\]\n]*)\]")
FOOTNOTE = re.compile(r"\[\^([^\[\]\s]+)\]")
# What a link text made of a literal looks like: `[0x0008][0x0050]`, `['bitset'][index]`, `[1][2]`
# citations, and citation marks with a short word before the number (`[注1][注2]`, `[n3]`, `[ref 4]`).
LITERAL = re.compile(r"\s*(?:-?0[xX][0-9a-fA-F]+|-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\"|`[^`]*`|[^\W\d_]{1,4} ?\d{1,3})\s*")
REGEX_CHARS = frozenset("\\.*+?{}|()$/")
# What follows a character class in a pattern: a quantifier or the rest of a pattern.
QUANTIFIERS = frozenset("*+?{")


class UndefinedReference(Rule):
    """## What it does
    Finds footnote references `[^label]` with no footnote definition and
    reference-style links `[text][label]` / `[text][]` whose label is defined
    nowhere in the file: text a reader was meant to see as a footnote or a link
    but sees as brackets.  Code spans and blocks are never looked at, and
    neither is text that looks like code whose fences were lost: brackets glued
    to an identifier (`table['bitset'][index]`), literals
    (`[0x0008][0x0050]`, citation marks `[1][2]`, `[注1][注2]`), regular-expression classes
    (`[^A-Za-z0-9-]`, `[^"]`: a label with no letter or digit, or a class a
    quantifier follows such as `[^abc]+`), lines shaped like statements, and text between escaped
    fences.  A lone `[label]` is not reported (ordinary prose uses brackets).

    ## Why is this bad?
    Exporters drop definitions (the footnotes section, the link list at the end),
    leaving markers that lead nowhere; the information behind them is lost
    unless someone restores it from the original page.

    ## Example
    ```markdown
    The probe landed in 2021[^landing] and sent [its first images][images].
    ```

    Use instead:
    ```markdown
    The probe landed in 2021[^landing] and sent [its first images][images].

    [^landing]: NASA press release, 18 February 2021.

    [images]: https://example.com/first-images
    ```

    ## Fix safety
    No fix: only the original page knows what the definition said.
    """

    code = "LNK007"
    name = "undefined-reference"
    summary = "Footnote references and reference-style links whose label is defined nowhere"

    def check(self, doc: Document, options: Options):
        text = doc.text
        if "][" not in text and "[^" not in text:
            return
        links = {normalize_label(d.label) for d in doc.definitions}
        notes = {normalize_label(n.label) for n in doc.nodes_of("footnote_definition")}
        code = _CodeLines(doc)
        for start, end in doc.parsed.text_runs:
            if "[" not in text[start:end]:
                continue
            for m in REFERENCE.finditer(text, start, end):
                finding = self._reference(doc, m, links, code)
                if finding is not None:
                    yield finding
            for m in FOOTNOTE.finditer(text, start, end):
                label = m.group(1)
                if normalize_label(label) in notes or _looks_like_regex_class(label, text, m.end()):
                    continue
                if code.in_lost_fence(m.start()) or code.on_code_line(m.start()):
                    continue
                yield self.report(doc, m.start(), m.end(), f"Footnote [^{label}] has no definition")

    def _reference(self, doc: Document, m: re.Match, links: set[str], code: _CodeLines):
        content, label = m.group(2), m.group(3)
        target = label if label else content
        if label and not label.strip():
            return None  # `[x][ ]` is not a reference at all
        if normalize_label(target) in links or len(target) > 999:
            return None
        if LITERAL.fullmatch(content) or code.code_like_at(m.start()):
            return None
        what = "Image reference" if m.group(1) else "Reference link"
        return self.report(
            doc, m.start(), m.end(), f"{what} [{_short(content)}][{label}]: label '{target}' is not defined"
        )


class _CodeLines:
    """Which lines look like code, and where the lost fences are, asked per finding.

    Each line is judged once and found by bisection: a paragraph on one line with
    thousands of references would otherwise be scanned again for each (quadratic)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.verdicts: dict[int, bool] = {}
        self.fences = _lost_fence_lines(doc.text)
        self.fence_starts = [s for s, _ in self.fences]

    def in_lost_fence(self, offset: int) -> bool:
        i = bisect_right(self.fence_starts, offset) - 1
        return i >= 0 and offset < self.fences[i][1]

    def on_code_line(self, offset: int) -> bool:
        index = self.doc.lines
        line = index.position(offset)[0]
        verdict = self.verdicts.get(line)
        if verdict is None:
            start = index.line_start(line)
            end = index.starts[line] if line < index.line_count else len(self.doc.text)
            verdict = self.verdicts[line] = line_looks_like_code(self.doc.text[start:end])
        return verdict

    def code_like_at(self, offset: int) -> bool:
        """Text around `offset` that looks like code whose fences were lost."""
        return self.in_lost_fence(offset) or after_identifier(self.doc.text, offset) or self.on_code_line(offset)


def _looks_like_regex_class(label: str, text: str = "", end: int = 0) -> bool:
    """`^A-Za-z0-9-`, `^\\s`, `^/`, `^"`: a negated character class, not a footnote label.

    A label with no letter or digit (`[^"]`, `[^,]`) names no note, and a class followed
    by a quantifier (`[^abc]+`) is a pattern whatever it holds."""
    if any(c in REGEX_CHARS for c in label) or not any(c.isalnum() for c in label):
        return True
    if end < len(text) and text[end] in QUANTIFIERS:
        return True
    for i in range(1, len(label) - 1):
        low, dash, high = label[i - 1], label[i], label[i + 1]
        if dash == "-" and low < high and (low + high).isascii() and _same_class(low, high):
            return True
    return False


def _same_class(a: str, b: str) -> bool:
    return (a.isdigit() and b.isdigit()) or (a.islower() and b.islower()) or (a.isupper() and b.isupper())


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
