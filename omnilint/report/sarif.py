"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

from typing import TextIO

from .. import __version__
from . import json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(run, out: TextIO, *, rules_table=None, **_) -> None:
    rules_table = rules_table or {}
    used = sorted({d.code for _, d in run.diagnostics})
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
    results = []
    for f, d in run.diagnostics:
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": rule_index[d.code],
                "level": "error" if d.severity.value == "error" else "warning" if d.severity.value == "warning" else "note",
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.display},
                            "region": {
                                "startLine": max(1, d.line),
                                "startColumn": max(1, d.column),
                                "endLine": max(1, d.end_line),
                                "endColumn": max(1, d.end_column),
                            },
                        }
                    }
                ],
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
                        "informationUri": "https://pypi.org/project/omnilint/",
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    out.write(json_text(doc))
    out.write("\n")
