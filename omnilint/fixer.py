"""Apply fixes: non-overlapping edits, repeated to a fixpoint, verified before anything is kept.

One central function (`apply_edits`) turns edits into text; everything outside the
edits stays byte-identical.  A batch of fixes whose result fails verification is
retried fix by fix, and each failing fix is dropped and reported, never applied.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import frontmatter as fm
from .markdown import render_html
from .model import Applicability, Diagnostic, Edit
from .text import line_bounds

MAX_PASSES = 12


class OverlapError(ValueError):
    pass


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply edits given as offsets into `text`. Overlapping edits are an error."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos:
            raise OverlapError(f"edit {edit.start}..{edit.end} overlaps an earlier edit ending at {pos}")
        if edit.end > len(text):
            raise OverlapError(f"edit {edit.start}..{edit.end} is past the end of the text ({len(text)})")
        out.append(text[pos : edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def non_overlapping(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Pick fixes greedily in document order, skipping any that touch a chosen one."""
    chosen: list[Diagnostic] = []
    taken = _Spans()
    for d in sorted(diagnostics, key=lambda d: (d.fix.start, d.fix.end, d.code)):  # type: ignore[union-attr]
        spans = sorted((e.start, e.end) for e in d.fix.edits)  # type: ignore[union-attr]
        if any(taken.touches(s) for s in spans):
            continue
        own = _Spans()
        if not all(own.add(s) for s in spans):
            continue  # a fix whose own edits overlap is malformed
        chosen.append(d)
        for s in spans:
            taken.add(s)
    return chosen


class _Spans:
    """Edit spans that touch no other, sorted: a new span is compared with its neighbours
    only, so choosing among 10^5 fixes (a file of trailing spaces) takes n log n, not n²."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []  # non-decreasing too, since no two spans overlap

    def touches(self, span: tuple[int, int]) -> bool:
        i = bisect_right(self.starts, span[1])  # spans starting after this one ends cannot touch it
        while i > 0 and self.ends[i - 1] >= span[0]:  # nor can those ending before it starts
            if _touch(span, (self.starts[i - 1], self.ends[i - 1])):
                return True
            i -= 1
        return False

    def add(self, span: tuple[int, int]) -> bool:
        """Add `span` unless it touches one already here; False when it does."""
        if self.touches(span):
            return False
        i = bisect_right(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])
        return True


def _touch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Two insertions at one point, or an edit touching another's end, are ambiguous.
    return (
        (a[0] < b[1] and b[0] < a[1])
        or a[0] == b[0]
        or (a[0] == a[1] and b[0] <= a[0] <= b[1])
        or (b[0] == b[1] and a[0] <= b[0] <= a[1])
    )


@dataclass
class Rejected:
    diagnostic: Diagnostic
    reason: str


@dataclass
class FixResult:
    original: str
    text: str
    applied: list[Diagnostic] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)  # findings on the final text
    passes: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.original


def verify(before: str, after: str, fixes: list[Diagnostic], outline: bool = False) -> str | None:
    """Why `after` must not replace `before`, or None when it may (`outline`: the text is a
    Logseq page, rendered as the outline it is)."""
    old = fm.find(before)
    if old is not None and old.parsed_ok:
        new = fm.find(after)
        if new is None or not new.parsed_ok:
            why = new.error.message if new is not None and new.error else "front matter is gone"
            return f"front matter no longer parses ({why})"
    promised = fixes and all(d.fix.preserves_render for d in fixes)  # type: ignore[union-attr]
    if promised and render_html(before, outline) != render_html(after, outline):
        return "the rendered HTML would change"
    return None


def _signature(text: str, d: Diagnostic) -> tuple:
    """A refused fix, recognisable in later passes (offsets shift): what it replaces, with
    what, on which line.  The line keeps one refusal from banning the same edit elsewhere
    (which a second run would then apply: not idempotent)."""
    assert d.fix is not None
    return (d.code, tuple((text[e.start : e.end], e.content, _lines_of(text, e)) for e in d.fix.edits))


def _lines_of(text: str, edit: Edit) -> str:
    return text[line_bounds(text, edit.start)[0] : line_bounds(text, edit.end)[1]]


# How often the stages may take turns: the formatter's output is normally left alone by the
# rules (one round, and one to see that nothing changes); more means they disagree.
MAX_ROUNDS = 3


def fix_in_stages(
    text: str, stages: list[Callable[[str], list[Diagnostic]]], unsafe: bool = False, outline: bool = False
) -> FixResult:
    """Fix `text` stage by stage: each stage's fixes to a fixpoint before the next begins.

    The engine's stages are the rules' fixes, then the formatter (a whole-document rewrite
    that must see the rules' result).  When a later stage changes the text, the earlier
    ones look at it again; the rounds stop when no stage changes anything.  `remaining`
    holds every stage's findings on the final text.
    """
    current = text
    applied: list[Diagnostic] = []
    rejected: list[Rejected] = []
    passes = 0
    remaining: list[list[Diagnostic]] = [[] for _ in stages]
    for _round in range(MAX_ROUNDS):
        changed_at = -1
        for number, lint in enumerate(stages):
            result = fix_text(current, lint, unsafe, outline=outline)
            applied.extend(result.applied)
            rejected.extend(r for r in result.rejected if r not in rejected)
            passes = -1 if result.passes < 0 or passes < 0 else passes + result.passes
            remaining[number] = result.remaining
            if result.text != current:
                current, changed_at = result.text, number
        if changed_at <= 0:  # only the first stage changed the text (or none did): all saw the last text
            break
    else:
        remaining = [lint(current) for lint in stages]  # the stages never agreed: judge the last text
    found = [d for stage in remaining for d in stage]
    found.sort(key=Diagnostic.sort_key)
    return FixResult(text, current, applied, rejected, found, passes)


def fix_text(
    text: str,
    lint: Callable[[str], list[Diagnostic]],
    unsafe: bool = False,
    max_passes: int = MAX_PASSES,
    outline: bool = False,
) -> FixResult:
    """Fix `text` to a fixpoint. `lint` returns the diagnostics for any text (`outline`: a
    Logseq page, whose rendering the fixes' promises are checked against)."""
    banned_codes: set[str] = set()
    result = FixResult(text, text)
    for _attempt in range(3):
        result = _fix_passes(text, lint, unsafe, max_passes, banned_codes, result.rejected, outline)
        if result.passes >= 0:
            return result
        # Did not converge: the rules still fixing at the cap undo each other.
        # Start again from the original without them.
        stuck = {d.code for d in result.applied}
        for code in sorted(stuck - banned_codes):
            example = next(d for d in result.applied if d.code == code)
            result.rejected.append(Rejected(example, "fixes did not converge (rules undo each other)"))
        banned_codes |= stuck
    return FixResult(text, text, [], result.rejected, lint(text), 0)


def _allowed(d: Diagnostic, unsafe: bool, banned: set[str]) -> bool:
    return d.fix is not None and d.code not in banned and (unsafe or d.fix.applicability is Applicability.SAFE)


def _fix_passes(
    original: str,
    lint: Callable[[str], list[Diagnostic]],
    unsafe: bool,
    max_passes: int,
    banned_codes: set[str],
    rejected: list[Rejected],
    outline: bool = False,
) -> FixResult:
    text = original
    applied: list[Diagnostic] = []
    # A refusal is a verdict on one text: once other fixes change the text, a refused fix
    # is judged again (else the next run would apply it: not idempotent).
    banned_fixes: set[tuple] = set()
    refused: list[Rejected] = []  # on the current text
    seen = {text}
    rejected = list(rejected)
    for n in range(1, max_passes + 1):
        diagnostics = lint(text)
        candidates = [
            d
            for d in diagnostics
            if _allowed(d, unsafe, banned_codes) and not (banned_fixes and _signature(text, d) in banned_fixes)
        ]  # a signature holds the edit's whole line: built only when some fix was refused
        if not candidates:
            return FixResult(original, text, applied, rejected + refused, diagnostics, n - 1)
        # Render-preserving fixes are checked on their own, so their promise can be held to.
        preserving = [d for d in candidates if d.fix.preserves_render]  # type: ignore[union-attr]
        batch = non_overlapping(preserving or candidates)
        new = apply_edits(text, (e for d in batch for e in d.fix.edits))  # type: ignore[union-attr]
        why = verify(text, new, batch, outline)
        if why is None and preserving and len(preserving) < len(candidates):
            new, batch = _and_the_others(text, new, batch, candidates, outline)
        if why is not None:
            new, kept = _one_by_one(text, batch, banned_fixes, refused, outline)
            batch = kept
            if not batch:
                continue  # every fix of this pass was refused (and banned): not a cycle
        if new in seen:
            # A cycle: what this pass undid was applied earlier; every rule that
            # took part is suspect.
            return FixResult(original, text, applied + batch, rejected + refused, diagnostics, -1)
        seen.add(new)
        applied.extend(batch)
        text = new
        banned_fixes, refused = set(), []
    last = lint(text)
    # A fix refused on this very text is a verdict, not unfinished work (judged again it is
    # refused again): only the others mean the passes ran out before the fixes did.
    pending = [
        d
        for d in last
        if _allowed(d, unsafe, banned_codes) and not (banned_fixes and _signature(text, d) in banned_fixes)
    ]
    if pending:
        return FixResult(original, text, pending, rejected + refused, last, -1)
    return FixResult(original, text, applied, rejected + refused, last, max_passes)


def _and_the_others(
    text: str, checked: str, batch: list[Diagnostic], candidates: list[Diagnostic], outline: bool = False
) -> tuple[str, list[Diagnostic]]:
    """Add the other fixes that touch none of `batch` to the same pass (one lint fewer per
    file): `checked` (the text with `batch` alone) has passed its render check, and the
    others are verified as a step from it.  When they fail, the pass is `batch` alone."""
    taken = _Spans()
    for d in batch:
        for e in d.fix.edits:  # type: ignore[union-attr]
            taken.add((e.start, e.end))
    others = [d for d in candidates if not d.fix.preserves_render]  # type: ignore[union-attr]
    added = [
        d
        for d in non_overlapping(others)
        if not any(taken.touches((e.start, e.end)) for e in d.fix.edits)  # type: ignore[union-attr]
    ]
    if not added:
        return checked, batch
    new = apply_edits(text, (e for d in [*batch, *added] for e in d.fix.edits))  # type: ignore[union-attr]
    if verify(checked, new, added, outline) is not None:
        return checked, batch
    return new, [*batch, *added]


def _one_by_one(
    text: str, batch: list[Diagnostic], banned: set[tuple], rejected: list[Rejected], outline: bool = False
) -> tuple[str, list[Diagnostic]]:
    kept: list[Diagnostic] = []
    current = text
    for d in batch:
        candidate = apply_edits(text, (e for k in [*kept, d] for e in k.fix.edits))  # type: ignore[union-attr]
        why = verify(current, candidate, [d], outline)
        if why is None:
            kept.append(d)
            current = candidate
        else:
            banned.add(_signature(text, d))
            rejected.append(Rejected(d, why))
    return current, kept
