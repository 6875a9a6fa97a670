"""Which files a run checks: one walker for the paths given, and the project listing.

The walk skips the always-excluded folders (config.ALWAYS_EXCLUDED) and the result
cache whatever the settings say, applies `include`/`exclude` (with the command line's),
and reads `.gitignore` files as git does (omnilint.ignore).  A file reached by several
paths (a symbolic link to a note inside the root, a hard link) is one file.  The same
walker lists every file of the project for the rules that resolve local links.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import config as cfg
from . import ignore
from .files import FileResult, Task, io_problem
from .session import Session

MAX_PROJECT_FILES = 500_000


def relative_path(path: Path | str, root: Path | str) -> str:
    """`path` relative to `root`, '/'-separated (or the path itself when it is not inside);
    with string operations: discovery calls it per file."""
    path, root = str(path), str(root)
    if path == root:
        return "."
    path = path.removeprefix(root if root.endswith(os.sep) else root + os.sep)
    return path.replace(os.sep, "/") if os.sep != "/" else path


def display_path(path: Path | str) -> str:
    """The path relative to the working folder when it is inside it, else absolute; '/'-separated."""
    return relative_path(path, os.getcwd())


def always_excluded(name: str) -> bool:
    return name in cfg.ALWAYS_EXCLUDED


# A Logseq graph is the folder holding `logseq/config.edn`; Logseq keeps its own copies of
# pages in these folders of `logseq/` (backups of a page it rewrote, old versions).
LOGSEQ_CONFIG = os.path.join("logseq", "config.edn")
LOGSEQ_BACKUPS = ("bak", "version-files")
# Without a config file, the upward search for a graph stops after a folder that is the top
# of a repository or an Obsidian vault: a graph above it is not this project's.
_PROJECT_TOPS = (".git", ".obsidian")


def vault_kind(path: Path | str, settings: cfg.Settings) -> str:
    """The kind of vault (config.VAULT_KINDS) the file `path` belongs to.

    The config's `vault` when it sets one; else "logseq" when the file's folder or a folder
    above it holds `logseq/config.edn`, searched up to the config's folder (without a config:
    up to the top of the repository or Obsidian vault, else the file system's root); else the
    default.  Answers are kept per folder in `settings` (one run).
    """
    given = settings.values.get("vault")
    if isinstance(given, str):
        return given
    folder = os.path.dirname(os.path.abspath(path))
    known = settings.vault_by_folder.get(folder)
    if known is not None:
        return known
    stop = str(settings.root) if settings.source is not None else None
    kind = cfg.KEYS["vault"][1]
    seen: list[str] = []
    current = folder
    while True:
        found = settings.vault_by_folder.get(current)
        if found is not None:
            kind = found
            break
        seen.append(current)
        if os.path.isfile(os.path.join(current, LOGSEQ_CONFIG)):
            kind = "logseq"
            break
        parent = os.path.dirname(current)
        if (
            current == stop
            or parent == current
            or (stop is None and any(os.path.exists(os.path.join(current, top)) for top in _PROJECT_TOPS))
        ):
            break
        current = parent
    for each in seen:  # every folder on the way belongs to the same graph (or none)
        settings.vault_by_folder[each] = kind
    return kind


def logseq_backup_folder(folder: str, name: str, settings: cfg.Settings, session: Session) -> bool:
    """Is `folder`/`name` one of Logseq's own backup folders of a graph (skipped unless the
    config or the command line gives `exclude` itself)?"""
    if name not in LOGSEQ_BACKUPS or os.path.basename(folder) != "logseq":
        return False
    if session.job.exclude is not None or "exclude" in settings.values:
        return False  # the user's own exclude list replaces the defaults, as in ruff
    return os.path.isfile(os.path.join(folder, "config.edn")) or vault_kind(folder, settings) == "logseq"


@dataclass
class Discovery:
    files: list[Task] = field(default_factory=list)
    problems: list[FileResult] = field(default_factory=list)


def discover_files(paths: Iterable[str], session: Session) -> Discovery:
    """Every file to check, once each: a file reached by several paths is checked and written
    under its own path when one of the paths is not a link."""
    found = Discovery()
    by_identity: dict[tuple[int, int], int] = {}  # (device, inode) -> index in found.files
    cwd = os.getcwd()

    def add(file: str, identity: tuple[int, int] | None, size: int, is_link: bool) -> None:
        if identity is None:  # cannot stat: reading it will say why
            found.files.append(Task(file, relative_path(file, cwd), size=size))
            return
        known = by_identity.get(identity)
        if known is None:
            by_identity[identity] = len(found.files)
            found.files.append(Task(file, relative_path(file, cwd), size=size))
        elif not is_link and os.path.islink(found.files[known].path):
            found.files[known] = Task(file, relative_path(file, cwd), size=size)

    for raw in paths:
        path = os.path.abspath(raw)
        if os.path.islink(path) and not os.path.exists(path):
            found.problems.append(io_problem(relative_path(path, cwd), "broken symbolic link"))
        elif os.path.isdir(path):
            for file, identity, size, is_link in walk(Path(path), session, found):
                add(file, identity, size, is_link)
        elif os.path.exists(path):  # named explicitly: checked whatever its name, unless --force-exclude
            if session.job.force_exclude and excluded_explicitly_named(path, session):
                continue
            try:
                st = os.stat(path)
                add(path, (st.st_dev, st.st_ino), st.st_size, os.path.islink(path))
            except OSError:
                add(path, None, 0, False)
        else:
            found.problems.append(io_problem(relative_path(path, cwd), "no such file or directory"))
    found.files.sort(key=lambda t: t.display)
    return found


def excluded_explicitly_named(path: str, session: Session) -> bool:
    """--force-exclude: whether a file named on the command line (by pre-commit, say) is one
    the walk would have skipped: in an always-excluded folder, matched by an exclude glob, or
    ignored by git."""
    settings = session.settings_for(path)
    rel = relative_path(path, settings.root)
    if any(always_excluded(part) for part in rel.split("/")[:-1]):
        return True
    folder = os.path.dirname(os.path.abspath(path))
    while os.path.dirname(folder) != folder:  # in a Logseq backup folder, at any depth
        if logseq_backup_folder(os.path.dirname(folder), os.path.basename(folder), settings, session):
            return True
        folder = os.path.dirname(folder)
    if any(p.match(rel) for p in session.exclude_patterns(settings)):
        return True
    if session.respect_gitignore(settings):
        folder = os.path.dirname(path)
        chain = ignore.with_folder(ignore.chain_above(folder), folder)
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):  # an ignored folder on the way ignores the file
            candidate = os.path.join(str(settings.root), *parts[:depth])
            if ignore.is_ignored(chain, candidate, depth < len(parts)):
                return True
    return False


def walk(top: Path, session: Session, found: Discovery) -> Iterator[tuple[str, tuple[int, int] | None, int, bool]]:
    """(absolute path, (device, inode), size, is a symlink) of every included file under
    `top`, depth first, by name.  Problems (an unreadable folder, a broken link) go to `found`."""
    top_settings = session.settings_for(Path(top, "_"))
    above = ignore.chain_above(str(top)) if session.respect_gitignore(top_settings) else ()
    stack: list[tuple[str, ignore.Chain]] = [(str(top), above)]
    visited: set[tuple[int, int]] = set()
    cache_dir = os.path.realpath(session.job.cache_dir) if session.job.cache_dir else None
    while stack:
        folder, chain = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:
                continue  # a symlink loop
            visited.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.problems.append(io_problem(display_path(folder), f"cannot read folder: {exc.strerror or exc}"))
            continue
        settings = session.settings_for(Path(folder, "_"))
        session.ruleset(settings)  # a bad rule option fails the run here (exit 2), not once per file
        root = str(settings.root)
        include = session.globs(settings.get("include"))
        exclude = session.exclude_patterns(settings)
        chain = ignore.with_folder(chain, folder) if session.respect_gitignore(settings) else ()
        subfolders = []
        for entry in entries:
            if always_excluded(entry.name):
                continue
            rel = relative_path(entry.path, root)
            if any(p.match(rel) for p in exclude):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks; loops are caught above
            except OSError:
                is_dir = False
            if chain and ignore.is_ignored(chain, entry.path, is_dir):
                continue
            if is_dir and logseq_backup_folder(folder, entry.name, settings, session):
                continue
            if is_dir:
                if cache_dir is None or os.path.realpath(entry.path) != cache_dir:
                    subfolders.append((entry.path, chain))
            elif any(p.match(entry.name) for p in include):
                try:
                    st = entry.stat()
                except OSError:
                    if entry.is_symlink():
                        found.problems.append(io_problem(display_path(entry.path), "broken symbolic link"))
                        continue
                    yield entry.path, None, 0, False  # reading it will say what is wrong
                    continue
                yield entry.path, (st.st_dev, st.st_ino), st.st_size, entry.is_symlink()
        stack.extend(reversed(subfolders))


def walk_project(root: Path, exclude: list) -> tuple[str, ...]:
    """Every file under `root` ('/'-separated, relative), for the rules that resolve local links:
    the always-excluded folders and `exclude` left out, symbolic link loops cut, bounded."""
    files: list[str] = []
    visited: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(root, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in visited:  # a symlink loop
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        rel_folder = relative_path(folder, root)
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not always_excluded(d) and not any(p.match(prefix + d) for p in exclude))
        files.extend(prefix + n for n in names if not any(p.match(prefix + n) for p in exclude))
        if len(files) > MAX_PROJECT_FILES:
            break
    return tuple(sorted(files))
