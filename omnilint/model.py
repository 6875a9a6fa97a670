"""Plain data that flows between rules, the fixer and the reports.

Nothing here knows about files, rules or output formats.  Offsets are character
offsets into the decoded document text (after a UTF-8 BOM is set aside);
line and column numbers are 1-based and count characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Applicability(str, Enum):
    """How far a fix can be trusted (ruff's terms)."""

    SAFE = "safe"  # keeps the meaning; applied by `fix --write`
    UNSAFE = "unsafe"  # may change meaning; applied only with --unsafe-fixes

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `content`. An insertion has start == end."""

    start: int
    end: int
    content: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit range {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Fix:
    """A group of edits applied together or not at all."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    message: str
    # The rule promises the rendered HTML does not change; the fixer checks it.
    preserves_render: bool = False

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class Diagnostic:
    """One finding. `start`/`end` are offsets; the positions are filled in from them."""

    code: str
    name: str
    message: str
    start: int
    end: int
    severity: Severity = Severity.WARNING
    fix: Fix | None = None
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    # Extra structured data for machine-readable output (e.g. duplicate clusters).
    data: dict[str, Any] | None = field(default=None)
    # (line, column, end_line, end_column) of each fix edit; filled in by the runner
    # so reports can show edits without the document.
    edit_positions: list[tuple[int, int, int, int]] | None = field(default=None)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.code)


def code_matches(selector: str, code: str) -> bool:
    """Does a selector (a code, or a prefix of one) name `code`?

    A selector of letters only names that family exactly: `FM` is FM001…FM013,
    never FMT001 (a plain prefix match would silently take both families).
    """
    if selector.isalpha():
        return code.rstrip("0123456789") == selector
    return code.startswith(selector)
