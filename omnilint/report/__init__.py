"""Output formats: one module each, all reading the same RunResult."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TextIO

FORMATS = ("text", "concise", "full", "json", "github", "sarif")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Escape control characters (and bidi overrides) so file content cannot drive the terminal."""
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
        text.replace("\n", "\\n").replace("\t", " "),
    )


def safe_lines(text: str) -> str:
    """`safe` for multi-line text shown on a terminal (a diff): line breaks stay line breaks."""
    lines = text.split("\n")
    return "\n".join(safe(line[:-1]) + "\r" if line.endswith("\r") else safe(line) for line in lines)


# json.dumps(ensure_ascii=False) escapes C0 controls but leaves DEL, C1 controls, line
# separators and bidi overrides raw; as \u escapes they mean the same to any JSON reader.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: object) -> str:
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False, indent=2))


def write_json_array(out: TextIO, items: Iterable[object], indent: int = 0) -> None:
    """json_text(list(items)) for an array whose first line starts `indent` spaces in, written
    item by item: a report of 430,000 findings never holds them all as dicts, nor the whole
    text.  The same bytes: an item's own line breaks are all layout (JSON escapes those
    in strings), so indenting it one level is adding two spaces after each."""
    pad = "\n" + " " * (indent + 2)
    first = True
    for item in items:
        out.write(("[" if first else ",") + pad + json_text(item).replace("\n", pad))
        first = False
    out.write("[]" if first else "\n" + " " * indent + "]")


def color_diff(diff: str) -> str:
    """A unified diff with git's colours: removed lines red, added green, hunk headers cyan."""
    out = []
    for line in diff.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith(("+++", "---")):
            out.append(f"\x1b[1m{body}\x1b[0m{end}")
        elif line.startswith("+"):
            out.append(f"\x1b[32m{body}\x1b[0m{end}")
        elif line.startswith("-"):
            out.append(f"\x1b[31m{body}\x1b[0m{end}")
        elif line.startswith("@@"):
            out.append(f"\x1b[36m{body}\x1b[0m{end}")
        else:
            out.append(line)
    return "".join(out)


def statistics(run) -> dict[str, dict]:
    """Findings per code: name, count, how many have a safe fix (for --statistics)."""
    from ..model import Applicability

    counts: dict[str, dict] = {}
    for _, d in run.diagnostics:
        row = counts.setdefault(d.code, {"name": d.name, "count": 0, "fixable": 0})
        row["count"] += 1
        if d.fix is not None and d.fix.applicability is Applicability.SAFE:
            row["fixable"] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1]["count"], kv[0])))


_MODULES = {"text": "text", "concise": "text", "full": "text", "json": "json_", "github": "github", "sarif": "sarif"}


def get(name: str):
    """The module that renders output format `name` (imported only when asked for)."""
    import importlib

    if name not in _MODULES:
        raise ValueError(f"unknown output format {name!r}")
    return importlib.import_module(f"{__name__}.{_MODULES[name]}")
