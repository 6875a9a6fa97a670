"""ruff-style text: `path:line:col: CODE [*] message`, then a summary."""

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
    **_,
) -> None:
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
            out.write(f"{path}{colon}{d.line}{colon}{d.column}{colon} {red(d.code)} {cyan(marker) if marker else ''}{safe(d.message)}\n")
    for f in run.files:
        for rej in f.rejected:
            out.write(f"{bold(safe(f.display))}: fix for {rej.diagnostic.code} at {rej.diagnostic.line}:{rej.diagnostic.column} was not applied: {safe(rej.reason)}\n")
    if statistics:
        for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            star = "[*]" if fixable_codes[code] else "   "
            out.write(f"{n:>6}\t{red(code):<8}\t{star} {name}\n")
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
            out.write(f"Would fix {applied} finding{'s' * (applied != 1)} in {changed} file{'s' * (changed != 1)} (run with --write to apply).\n")
    if total:
        out.write(f"Found {total} finding{'s' * (total != 1)} in {run.checked} file{'s' * (run.checked != 1)}.\n")
        if fixable and mode == "check":
            out.write(f"[*] {fixable} fixable with `omnilint fix --write`.\n")
        if unsafe_fixable and not unsafe:
            out.write(f"({unsafe_fixable} more fixable with `--unsafe-fixes`.)\n")
    elif mode == "check":
        out.write(f"All checks passed ({run.checked} file{'s' * (run.checked != 1)}).\n")
