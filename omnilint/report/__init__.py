"""Output formats: one module each, all reading the same RunResult."""

from __future__ import annotations

import re

FORMATS = ("text", "concise", "json", "github", "sarif")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Escape control characters (and bidi overrides) so file content cannot drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text.replace("\n", "\\n").replace("\t", " "))


def get(name: str):
    if name in ("text", "concise"):
        from . import text as module
    elif name == "json":
        from . import json_ as module
    elif name == "github":
        from . import github as module
    elif name == "sarif":
        from . import sarif as module
    else:
        raise ValueError(f"unknown output format {name!r}")
    return module
