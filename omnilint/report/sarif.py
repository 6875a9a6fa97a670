"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

from typing import TextIO
from urllib.parse import quote

from .. import __version__
from . import json_text, write_json_array

# Stands for the results in the document around them (written in their place, one by one):
# json.dumps escapes NUL, so no text of the document can look like it.
_RESULTS = "\x00results\x00"

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
PROJECT_URI = "https://pypi.org/project/omnilint-md/"


def artifact_uri(display: str) -> str:
    """A relative URI reference for a '/'-separated path (spaces, CJK, '#' percent-encoded);
    an absolute path becomes a file: URI."""
    encoded = quote(display, safe="/")
    return f"file://{encoded}" if display.startswith("/") else encoded


def region(line: int, column: int, end_line: int, end_column: int) -> dict:
    return {
        "startLine": max(1, line),
        "startColumn": max(1, column),
        "endLine": max(1, end_line),
        "endColumn": max(1, end_column),
    }


def fixes(uri: str, d) -> list[dict]:
    """The finding's fix as SARIF replacements (positions are 1-based code points, as the region's)."""
    if d.fix is None or not d.edit_positions:
        return []
    replacements = [
        {"deletedRegion": region(*p), "insertedContent": {"text": e.content}}
        for e, p in zip(d.fix.edits, d.edit_positions)
    ]
    return [
        {
            "description": {"text": f"{d.fix.message} ({d.fix.applicability.value})"},
            "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
        }
    ]


def render(run, out: TextIO, *, rules_table=None, **_) -> None:
    rules_table = rules_table or {}
    used = sorted(run.codes)
    rule_index = {code: i for i, code in enumerate(used)}
    descriptors = []
    for code in used:
        rule = rules_table.get(code)
        descriptors.append(
            {
                "id": code,
                "name": rule.name if rule else code,
                "shortDescription": {"text": rule.summary if rule else code},
                "fullDescription": {"text": rule.documentation() if rule else code},
                "help": {"text": f"omnilint explain {code}"},
            }
        )
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "omnilint",
                        "version": __version__,
                        "informationUri": PROJECT_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",  # columns count characters, as in every other format
                "results": _RESULTS,
            }
        ],
    }
    text = json_text(doc)
    where = text.index(json_text(_RESULTS))
    line = text[text.rfind("\n", 0, where) + 1 : where]
    out.write(text[:where])
    write_json_array(out, _results(run, rule_index), len(line) - len(line.lstrip(" ")))
    out.write(text[where + len(json_text(_RESULTS)) :])
    out.write("\n")


def _results(run, rule_index: dict[str, int]):
    for f, d in run.diagnostics:
        uri = artifact_uri(f.display)
        result = {
            "ruleId": d.code,
            "ruleIndex": rule_index[d.code],
            "level": "error" if d.severity.value == "error" else "warning" if d.severity.value == "warning" else "note",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": region(d.line, d.column, d.end_line, d.end_column),
                    }
                }
            ],
        }
        found_fixes = fixes(uri, d)
        if found_fixes:
            result["fixes"] = found_fixes
        yield result
