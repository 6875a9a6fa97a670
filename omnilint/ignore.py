""".gitignore files, read as git reads them, for the folder walk.

A vault kept in git says in its `.gitignore` files what is not part of it (exports
in progress, attachments of other tools, generated pages); omnilint skips those
paths by default, as ruff and rumdl do (`respect-gitignore = false` or
`--no-respect-gitignore` turns this off).

Semantics (pathspec's GitIgnoreSpec implements git's pattern rules: anchoring,
`**`, `!` negation, trailing `/` for folders): a `.gitignore` applies to the folder
it is in and everything below; deeper files override shallower ones, and within a
file the last matching pattern wins; a folder that is ignored is not entered, so
nothing below it can be re-included (as in git).  Above the walked folder, the
`.gitignore` files from the repository's top (the nearest folder holding `.git`)
down, and `.git/info/exclude`, apply too.  Outside a repository only the files at
and below the walked folder count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_IGNORE_FILE_BYTES = 1 << 20  # a larger .gitignore is not one a person wrote


@dataclass(frozen=True)
class IgnoreFile:
    base: str  # the folder its patterns are relative to
    spec: Any  # pathspec.GitIgnoreSpec


Chain = tuple[IgnoreFile, ...]


def read_ignore_file(path: str, base: str) -> IgnoreFile | None:
    """The patterns of one ignore file (None when it is missing, unreadable or empty)."""
    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_IGNORE_FILE_BYTES)
    except OSError:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return None
    import pathspec  # only for folders that have a .gitignore

    return IgnoreFile(base, pathspec.GitIgnoreSpec.from_lines(lines))


def repository_root(folder: str) -> str | None:
    """The nearest folder at or above `folder` that holds `.git` (a folder or a worktree's file)."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def chain_above(folder: str) -> Chain:
    """The ignore files that apply to `folder` from above it (not its own `.gitignore`)."""
    top = repository_root(folder)
    if top is None:
        return ()
    found: list[IgnoreFile] = []
    exclude = read_ignore_file(os.path.join(top, ".git", "info", "exclude"), top)
    if exclude is not None:
        found.append(exclude)
    rel = os.path.relpath(folder, top)
    parts = [] if rel == "." else Path(rel).parts
    current = top
    for part in parts:
        ignore = read_ignore_file(os.path.join(current, ".gitignore"), current)
        if ignore is not None:
            found.append(ignore)
        current = os.path.join(current, part)
    return tuple(found)


def with_folder(chain: Chain, folder: str) -> Chain:
    """`chain` plus the `.gitignore` of `folder` itself, if it has one."""
    own = read_ignore_file(os.path.join(folder, ".gitignore"), folder)
    return chain if own is None else (*chain, own)


def is_ignored(chain: Chain, path: str, is_dir: bool) -> bool:
    """True when the last ignore file with a pattern matching `path` ignores it."""
    verdict = None
    for ignore in chain:
        rel = os.path.relpath(path, ignore.base).replace(os.sep, "/")
        if rel.startswith("../"):
            continue
        result = ignore.spec.check_file(rel + "/" if is_dir else rel)
        if result.include is not None:
            verdict = result.include
    return bool(verdict)
