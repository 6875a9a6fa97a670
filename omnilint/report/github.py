"""GitHub Actions workflow commands: one `::warning …::message` line per finding."""

from __future__ import annotations

from typing import TextIO

from . import safe


def _data(s: str) -> str:
    # Line breaks would end the command; other control characters would reach the log raw.
    return safe(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(run, out: TextIO, **_) -> None:
    for f, d in run.diagnostics:
        level = "error" if d.severity.value == "error" else "warning"
        out.write(
            f"::{level} title={_prop(f'omnilint ({d.code})')},file={_prop(f.display)},line={d.line},col={d.column},"
            f"endLine={d.end_line},endColumn={d.end_column}::{_data(f'{d.code} {d.message}')}\n"
        )
