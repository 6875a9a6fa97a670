"""JSON: one array of findings. A public interface: keys are only ever added."""

from __future__ import annotations

from typing import TextIO

from . import json_text, write_json_array


def finding(f, d) -> dict:
    item = {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "path": f.display,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "severity": str(d.severity.value),
        "fix": None,
    }
    if d.fix is not None:
        item["fix"] = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {"line": p[0], "column": p[1], "end_line": p[2], "end_column": p[3], "content": e.content}
                for e, p in zip(d.fix.edits, d.edit_positions or [])
            ],
        }
    if d.data:
        item["data"] = d.data
    return item


def render(run, out: TextIO, *, statistics: bool = False, **_) -> None:
    """The findings as one array; with --statistics, an object: code -> {name, count, fixable}."""
    if statistics:
        from . import statistics as counts

        out.write(json_text(counts(run)))
    else:
        write_json_array(out, (finding(f, d) for f, d in run.diagnostics))
    out.write("\n")
