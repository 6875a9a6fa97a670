"""ruff-style text: `path:line:col: CODE [*] message`, then a summary.

Three shapes: `text` (the findings, then a summary), `concise` (one line per finding,
nothing else), `full` (each finding with its source line and a caret under the span).
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..model import Applicability
from . import safe


def _style(code: str, on: bool):
    def paint(s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if on else s

    return paint


def render(
    run,
    out: TextIO,
    *,
    color: bool = False,
    statistics: bool = False,
    mode: str = "check",
    unsafe: bool = False,
    quiet: bool = False,
    write: bool = False,
    show_fixes: bool = False,
    format: str = "text",
    **_,
) -> None:
    if format == "concise":
        quiet = True
    source = _SourceLines() if format == "full" else None
    bold, red, cyan, dim = (_style(c, color) for c in ("1", "31", "36", "2"))
    fixable = unsafe_fixable = total = 0
    counts: Counter[tuple[str, str]] = Counter()
    fixable_codes: Counter[str] = Counter()
    colon = dim(":")
    current = path = None  # the file being listed, and its escaped, styled path (once per file, not per finding)
    for f, d in run.diagnostics:
        total += 1
        counts[(d.code, d.name)] += 1
        marker = ""
        if d.fix is not None:
            if d.fix.applicability is Applicability.SAFE:
                fixable += 1
                fixable_codes[d.code] += 1
                marker = "[*] "
            else:
                unsafe_fixable += 1
                if unsafe:
                    marker = "[*] "
        if not statistics:
            if f is not current:
                current, path = f, bold(safe(f.display))
            out.write(
                f"{path}{colon}{d.line}{colon}{d.column}{colon} {red(d.code)} {cyan(marker) if marker else ''}{safe(d.message)}\n"
            )
            if source is not None:
                out.write(source.excerpt(f, d, red))
            if show_fixes and mode == "check" and d.fix is not None:
                out.write(f"    {dim('fix (' + d.fix.applicability.value + '):')} {safe(d.fix.message)}\n")
    for f in run.files:
        for rej in f.rejected:
            out.write(
                f"{bold(safe(f.display))}: fix for {rej.diagnostic.code} at {rej.diagnostic.line}:{rej.diagnostic.column} was not applied: {safe(rej.reason)}\n"
            )
    if statistics:
        for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            star = "[*]" if fixable_codes[code] else "   "
            out.write(f"{n:>6}\t{red(code):<8}\t{star} {name}\n")
    if show_fixes and mode == "fix":
        _list_applied(run, out, bold, red)
    if quiet:
        return
    if mode == "fix":
        changed = sum(1 for f in run.files if f.changed)
        written = sum(1 for f in run.files if f.written)
        failed = sum(1 for f in run.files if f.write_error)
        applied = sum(len(f.applied) for f in run.files if f.written or not write)
        if write:
            if written:
                out.write(f"Fixed {applied} finding{'s' * (applied != 1)} in {written} file{'s' * (written != 1)}.\n")
            if failed:
                out.write(f"{failed} file{'s' * (failed != 1)} could not be written (IO003).\n")
        elif any(f.stdin for f in run.files):
            if applied:  # the fixed text went to stdout
                out.write(f"Fixed {applied} finding{'s' * (applied != 1)}.\n")
        elif changed:
            out.write(
                f"Would fix {applied} finding{'s' * (applied != 1)} in {changed} file{'s' * (changed != 1)} (run with --write to apply).\n"
            )
    if total:
        out.write(f"Found {total} finding{'s' * (total != 1)} in {run.checked} file{'s' * (run.checked != 1)}.\n")
        if fixable and mode == "check":
            out.write(f"[*] {fixable} fixable with `omnilint fix --write`.\n")
        if unsafe_fixable and not unsafe:
            out.write(f"({unsafe_fixable} more fixable with `--unsafe-fixes`.)\n")
    elif mode == "check" or write or not any(f.changed for f in run.files):
        # Nothing left (fix --write included, as ruff says it); a fix preview with changes
        # to make has said "Would fix" above.
        out.write(f"All checks passed ({run.checked} file{'s' * (run.checked != 1)}).\n")


def _list_applied(run, out: TextIO, bold, red) -> None:
    """--show-fixes in fix mode: per file, how many fixes of each rule were (or would be) applied."""
    rows = [(f, Counter(d.code for d in f.applied)) for f in run.files if f.applied]
    if not rows:
        return
    out.write(
        "Fixes:\n" if any(f.written for f, _ in rows) or not any(f.changed for f, _ in rows) else "Fixes to apply:\n"
    )
    for f, counts in rows:
        out.write(f"  {bold(safe(f.display))}:\n")
        for code, n in sorted(counts.items()):
            out.write(f"    {n} × {red(code)}\n")


class _SourceLines:
    """The lines of the files being reported, read once per file (for the `full` format)."""

    MAX_BYTES = 64 << 20

    def __init__(self) -> None:
        self.file = None
        self.lines: list[str] = []

    def _load(self, f) -> None:
        self.file = f
        text = f.new_text if f.stdin and f.new_text is not None else None
        if text is None and f.path:
            try:
                with open(f.path, "rb") as handle:
                    text = handle.read(self.MAX_BYTES).decode("utf-8", "replace").removeprefix("\ufeff")
            except OSError:
                text = ""
        self.lines = (text or "").splitlines()

    def excerpt(self, f, d, paint) -> str:
        if f is not self.file:
            self._load(f)
        if not 1 <= d.line <= len(self.lines):
            return ""
        line = self.lines[d.line - 1].expandtabs(1)
        start = max(0, d.column - 1)
        end = (d.end_column - 1) if d.end_line == d.line else len(line)
        lead, width = _cells(line[:start]), max(1, _cells(line[start:end]))  # CJK takes two cells
        gutter = f"{d.line} | "
        return f"  {gutter}{safe(line)}\n  {' ' * len(gutter)}{' ' * lead}{paint('^' * width)}\n"


def _cells(text: str) -> int:
    """Terminal columns `text` takes: wide and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
