"""Entry points of installed distributions, found without importing importlib.metadata.

`importlib.metadata` costs about 30 ms at start-up (it imports email, zipfile, csv
and more) - more than a third of the 80 ms a pre-commit run of one file may take.
Entry points live in plain files, `<name>-<version>.dist-info/entry_points.txt`
(or `.egg-info/`) in the folders on sys.path; reading them directly gives the same
answer for ordinary installs (venvs, site-packages, editable installs, --target
folders).  Anything unusual - zip files or eggs on sys.path, import hooks that
provide their own distributions - falls back to importlib.metadata itself.
As with importlib.metadata, the first distribution of a name on sys.path wins.
"""

from __future__ import annotations

import os
import re
import sys
from functools import reduce
from importlib import import_module
from typing import Any

_VALUE = re.compile(r"(?P<module>[\w.]++)\s*+(:\s*+(?P<attr>[\w.]++)\s*+)?((?P<extras>\[.*\])\s*)?$")
_SEPARATORS = re.compile(r"[-_.]+")


class EntryPoint:
    """The part of importlib.metadata.EntryPoint omnilint uses."""

    __slots__ = ("group", "name", "value")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name, self.value, self.group = name, value, group

    def load(self) -> Any:
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, module)

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


def entry_points(group: str) -> list:
    if not _plain_layout():
        from importlib.metadata import entry_points as slow

        return list(slow(group=group))
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for folder in sys.path:
        for dist_name, meta in _distributions(folder or "."):
            if dist_name in seen:
                continue
            seen.add(dist_name)
            found.extend(_read(os.path.join(meta, "entry_points.txt"), group))
    return found


def _plain_layout() -> bool:
    """Only folders on sys.path, and no import hook that brings distributions of its own."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    return all(not (entry.endswith(".egg") or os.path.isfile(entry or ".")) for entry in sys.path)


def _distributions(folder: str) -> list[tuple[str, str]]:
    """(normalised name, metadata folder) of the distributions installed in `folder`."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        low = name.lower()
        if low.endswith((".dist-info", ".egg-info")):
            stem = name.rsplit(".", 1)[0].split("-", 1)[0]
            found.append((_SEPARATORS.sub("_", stem).lower(), os.path.join(folder, name)))
    return found


def _read(path: str, group: str) -> list[EntryPoint]:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    found = []
    section = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line:
            name, value = line.split("=", 1)
            found.append(EntryPoint(name.strip(), value.strip(), group))
    return found
