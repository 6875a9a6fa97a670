"""The formatter's options: `format-options` in the configuration, FMT005's options, `Style`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WRAP_MODES = ("keep", "no")
END_OF_LINE = ("keep", "lf", "crlf")
THEMATIC_BREAKS = ("---", "***", "___")
# FMT005's options (also accepted under `format-options`) and their defaults.
OPTIONS: dict[str, Any] = {"wrap": "keep", "number": True, "thematic-break": "---", "end-of-line": "keep"}


def check_option(key: str, value: Any) -> str | None:
    """Why `value` is not valid for the formatting option `key`, or None."""
    if key == "wrap":
        if isinstance(value, bool) or not (value in WRAP_MODES or (isinstance(value, int) and value > 1)):
            return "must be 'keep', 'no' or a line width (an integer above 1)"
    elif key == "number":
        if not isinstance(value, bool):
            return "must be true (number ordered lists 1, 2, 3) or false (1, 1, 1)"
    elif key == "thematic-break":
        if value not in THEMATIC_BREAKS:
            return f"must be one of {', '.join(repr(t) for t in THEMATIC_BREAKS)}"
    elif key == "end-of-line":
        if value not in END_OF_LINE:
            return f"must be one of {', '.join(repr(e) for e in END_OF_LINE)}"
    else:
        return f"unknown formatting option; known: {', '.join(OPTIONS)}"
    return None


@dataclass(frozen=True)
class Style:
    """The formatting options, validated and hashable (results are memoised per style)."""

    wrap: str | int = "keep"
    number: bool = True
    thematic_break: str = "---"
    end_of_line: str = "keep"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Style:
        for key, value in options.items():
            problem = check_option(key, value)
            if problem:
                raise ValueError(f"option {key!r}: {problem}")
        merged = {**OPTIONS, **options}
        return cls(merged["wrap"], merged["number"], merged["thematic-break"], merged["end-of-line"])

    def mdformat_options(self) -> dict[str, Any]:
        from .mdformat_plugin import PLUGIN_ID

        return {
            "wrap": self.wrap,
            "number": self.number,
            "plugin": {PLUGIN_ID: {"thematic_break": self.thematic_break}},
        }

    def newline(self, text: str) -> str:
        """The line ending to write, chosen as mdformat does ("keep": the file's first one)."""
        if self.end_of_line == "crlf":
            return "\r\n"
        if self.end_of_line == "lf":
            return "\n"
        first = re.search(r"\r\n|\r|\n", text)
        return first.group() if first else "\n"  # CR-only files (old Mac) stay CR


DEFAULT_STYLE = Style()
