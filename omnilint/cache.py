"""The result cache: file content + effective config + omnilint code → findings and corpus facts.

A run over an unchanged corpus re-reads every file but re-lints none: each file's
per-file findings (with their fixes and edit positions) and its corpus-rule facts
are stored as plain JSON, and the corpus phase re-runs from the facts, so corpus
rules stay right when only a partner file changed.

Layout (one small JSON file per checked file, bounded: a file's entry is replaced
when its content changes):

    <cache dir>/
      .gitignore, CACHEDIR.TAG
      v2/<scope>/<hh>/<path hash>.json    {"path": relpath, "sha": content hash, ...}
      v2/<scope>/last-used

`scope` hashes the omnilint version, the parser and YAML versions, the code of
the engine and of every rule module (their files' sizes and mtimes, so an edited
rule never serves stale results), and the effective config (RuleSet.fingerprint).
An entry is used only when the file's path *and* content hash match.

Safe to share between concurrent runs and worker processes: an entry is written
to a temporary file and renamed over the old one (atomic on POSIX and Windows),
so a reader sees a whole old entry, a whole new one, or none; an entry that does
not parse is a miss.  No pickle: nothing in the cache is ever executed.

Rules must not read anything but their Document (the brief's contract); rules
that do (the network rules behind `--online`) make their files uncacheable.

The cache folder sits inside a vault that may have been downloaded, so it is untrusted:
- it is never followed through a symbolic link: if the cache folder, `v2`, a scope or an
  entry folder is a link (or not a folder), the cache is refused (`unsafe_reason`) or
  that store is skipped, and omnilint runs without it;
- pruning removes only scope folders this code made (a 20-hex-digit name holding its
  `last-used` marker), never through a link;
- an entry never decides what `fix --write` writes (runner.process): a hit may say
  "nothing to fix", and every edit that is written is derived from the file's bytes.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import time

from . import __version__
from .hashing import digest
from .codes import ERROR_CODES
from .model import Applicability, Diagnostic, Edit, Fix, Severity

DIR_NAME = ".omnilint_cache"
FORMAT = "v3"  # v2: facts are JSON text per rule; v3: findings by field name
# When a new scope (version × code × config) is created, older scopes are removed if unused
# for a day, and beyond the most recently used few: after an upgrade or a config change
# they are dead weight, while two configs used side by side keep theirs.
STALE_SCOPE_SECONDS = 24 * 3600
MAX_SCOPES = 8
# Findings whose presence means "do not cache": crashes depend on more than the content.
UNCACHEABLE_CODES = ERROR_CODES

SCOPE_NAME = re.compile(r"[0-9a-f]{20}")
MARKER = "last-used"

_SEVERITY = {s.value: s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}


# -- what a rule set's results depend on --------------------------------------


def _source_files(rules: list) -> list[str]:
    """The engine's modules and every module a rule could import from its package."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(here, n) for n in os.listdir(here) if n.endswith(".py")]
    seen_tops: set[str] = set()
    for rule in rules:
        module = rule.__module__
        top = "omnilint.rules" if module.startswith("omnilint.rules") else module.split(".")[0]
        if top in seen_tops:
            continue
        seen_tops.add(top)
        loaded = sys.modules.get(top) or sys.modules.get(module)
        paths = list(getattr(loaded, "__path__", []) or [])
        if paths:
            for folder in paths:
                for dirpath, dirnames, filenames in os.walk(folder):
                    dirnames[:] = [d for d in dirnames if d != "__pycache__"]
                    files.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".py"))
        else:
            single = getattr(loaded, "__file__", None)
            if isinstance(single, str):
                files.append(single)
    return sorted(set(files))


def code_fingerprint(rules: list) -> str:
    """Changes whenever omnilint, the parser, PyYAML or any rule module changes.

    Taken when a Cache opens a scope, before any file of it is linted: the files' state
    at the time the code was loaded is what the results depend on.
    """
    import pyromark
    import yaml

    parts = [f"pyromark={getattr(pyromark, '__version__', '?')}", f"yaml={yaml.__version__}"]
    # A rule whose results depend on other packages names their versions (FMT005: mdformat and plugins).
    parts.extend(key for rule in rules if (key := rule.cache_key()))
    for path in _source_files(rules):
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return digest("\n".join(parts))


def cacheable(rules: list) -> bool:
    """False when a rule reads more than its file (the network rules)."""
    return not any(r.enabled_by == "online" or not r.cacheable for r, _ in rules)


# -- diagnostics as plain data -----------------------------------------------------
# Stored by field name (a new field cannot shift the others); every field of Diagnostic,
# Fix and Edit makes the round trip (tests/test_cache.py checks it over generated values).


def dump_diagnostic(d: Diagnostic) -> dict:
    row: dict = {
        "code": d.code, "name": d.name, "message": d.message, "start": d.start, "end": d.end,
        "severity": d.severity.value, "line": d.line, "column": d.column, "end_line": d.end_line,
        "end_column": d.end_column,
    }  # fmt: skip
    if d.fix is not None:
        f = d.fix
        row["fix"] = {
            "applicability": f.applicability.value, "message": f.message, "preserves_render": f.preserves_render,
            "final": f.final, "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in f.edits],
        }  # fmt: skip
    if d.data is not None:
        row["data"] = d.data
    if d.edit_positions is not None:
        row["edit_positions"] = d.edit_positions
    return row


def load_diagnostic(row: dict, share=None) -> Diagnostic:
    """A Diagnostic from its stored form; `share` (str -> str) keeps one object per equal string."""
    share = share or (lambda text: text)
    fix = None
    stored = row.get("fix")
    if stored is not None:
        edits = tuple(
            Edit(e["start"], e["end"], share(e["content"]) if len(e["content"]) < 3 else e["content"])
            for e in stored["edits"]
        )
        fix = Fix(edits, _APPLICABILITY[stored["applicability"]], share(stored["message"]),
                  bool(stored["preserves_render"]), bool(stored["final"]))  # fmt: skip
    positions = row.get("edit_positions")
    return Diagnostic(
        share(row["code"]), share(row["name"]), share(row["message"]), row["start"], row["end"],
        _SEVERITY[row["severity"]], fix, row["line"], row["column"], row["end_line"], row["end_column"],
        row.get("data"), [tuple(p) for p in positions] if positions is not None else None,
    )  # fmt: skip


class Strings:
    """One object for all equal strings: a run over 20,000 files holds ~200,000 findings whose
    codes, names and most messages repeat; JSON decoding (or unpickling a worker's results)
    would make a copy of each."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return self._known.setdefault(text, text)


class Entry:
    """One file's cached results: per-file findings and corpus facts."""

    __slots__ = ("corpus_rules", "diagnostics", "facts")

    def __init__(self, diagnostics: list[Diagnostic], facts: dict[str, str], corpus_rules: list[str]) -> None:
        self.diagnostics = diagnostics
        self.facts = facts
        self.corpus_rules = corpus_rules


def entry_json(relpath: str, sha: str, diagnostics: list[Diagnostic], facts_json: str, corpus_rules: list[str]) -> str:
    """The entry's text; `facts_json` (rule code -> facts as JSON text) is already encoded."""
    head = json.dumps(
        {
            "path": relpath,
            "sha": sha,
            "corpus_rules": corpus_rules,
            "diagnostics": [dump_diagnostic(d) for d in diagnostics],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return f'{head[:-1]},"facts":{facts_json}}}'


# -- the store ---------------------------------------------------------------------


class Cache:
    """A cache directory; one object per process (workers inherit it on fork)."""

    def __init__(self, directory: str) -> None:
        self.directory = os.path.abspath(directory)
        self._scopes: dict[int, str | None] = {}  # id(RuleSet) -> scope folder, None = uncacheable
        self._rulesets: list = []  # keeps the RuleSets alive so their ids stay unique
        self._made: set[str] = set()
        self._ready: set[str] = set()  # scope folders prepared in this process
        self._token = os.urandom(4).hex()
        self._fingerprints: dict[frozenset, str] = {}  # rule classes -> code fingerprint
        self.strings = Strings()
        self.hits = self.misses = self.writes = 0

    # scope ------------------------------------------------------------------
    def scope(self, ruleset) -> str | None:
        """The folder holding entries for files governed by `ruleset` (None: do not cache)."""
        key = id(ruleset)
        if key not in self._scopes:
            self._rulesets.append(ruleset)
            self._scopes[key] = self._open_scope(ruleset)
        return self._scopes[key]

    def _open_scope(self, ruleset) -> str | None:
        if not cacheable(ruleset.rules):
            return None
        classes = frozenset(type(r) for r, _ in ruleset.rules)
        code = self._fingerprints.get(classes)
        if code is None:
            code = self._fingerprints[classes] = code_fingerprint(sorted(classes, key=lambda r: r.code))
        name = digest(f"{FORMAT}\n{__version__}\n{code}\n{ruleset.fingerprint}")[:20]
        folder = os.path.join(self.directory, FORMAT, name)
        if folder not in self._ready:
            try:
                self._prepare(folder)
            except OSError:
                return None  # a read-only place: run without a cache
            self._ready.add(folder)
        return folder

    def _prepare(self, folder: str) -> None:
        fresh = not os.path.isdir(self.directory)
        for part in (self.directory, os.path.dirname(folder), folder):
            _real_folder(part)
        if fresh or not os.path.exists(os.path.join(self.directory, ".gitignore")):
            self._write(os.path.join(self.directory, ".gitignore"), "# Created by omnilint\n*\n")
            self._write(
                os.path.join(self.directory, "CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n# omnilint result cache; safe to delete.\n",
            )
        marker = os.path.join(folder, MARKER)
        if not os.path.exists(marker):
            self._write(marker, "")
            self._remove_stale_scopes(folder)
        else:
            os.utime(marker, follow_symlinks=False)  # a planted link: touch the link, not its target

    def _remove_stale_scopes(self, keep: str) -> None:
        """Remove old scope folders: only ones this code made (a scope's name, its marker
        a regular file), each a real folder (never a link), by shutil.rmtree, which does not
        follow links inside what it removes."""
        import shutil

        now = time.time()
        others = []
        for entry in os.scandir(os.path.dirname(keep)):
            if entry.path == keep or SCOPE_NAME.fullmatch(entry.name) is None or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                marker = os.lstat(os.path.join(entry.path, MARKER))
            except OSError:
                continue  # not ours, or being created right now: left alone
            if not stat.S_ISREG(marker.st_mode):
                continue
            others.append((marker.st_mtime, entry.path))
        others.sort(reverse=True)
        for rank, (used, path) in enumerate(others, start=1):
            if now - used > STALE_SCOPE_SECONDS or rank >= MAX_SCOPES:
                shutil.rmtree(path, ignore_errors=True)

    # entries ---------------------------------------------------------------------
    @staticmethod
    def entry_path(scope: str, abspath: str) -> str:
        name = digest(abspath)
        return os.path.join(scope, name[:2], name + ".json")

    def load(self, scope: str, abspath: str, relpath: str, sha: str) -> Entry | None:
        try:
            fd = os.open(self.entry_path(scope, abspath), os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise ValueError("not a regular file")
                raw = json.loads(handle.read())  # bytes: no text-layer decoding pass
            if raw["sha"] != sha or raw["path"] != relpath:
                self.misses += 1
                return None
            entry = Entry([load_diagnostic(row, self.strings) for row in raw["diagnostics"]], raw["facts"], raw["corpus_rules"])
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1  # absent, half-written by a killed run, or from a foreign tool: a miss
            return None
        self.hits += 1
        return entry

    def store(self, scope: str, abspath: str, text: str) -> None:
        try:
            self._write(self.entry_path(scope, abspath), text)
            self.writes += 1
        except OSError:
            pass  # a full disk or a read-only cache must not fail the run

    def _write(self, path: str, text: str) -> None:
        folder = os.path.dirname(path)
        if folder not in self._made:
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
            _real_folder(folder)  # a planted link in the cache must not take the entry elsewhere
            self._made.add(folder)
        replace_text(path, text, f"{path}.{os.getpid()}-{self._token}.tmp")


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafeCacheFolder(OSError):
    """A part of the cache folder is a symbolic link or not a folder."""


def _real_folder(path: str) -> None:
    """Create `path` if it is missing; raise unless it is a real folder (not a link)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise UnsafeCacheFolder(f"{path} is a symbolic link or not a folder")


def unsafe_reason(directory: str) -> str | None:
    """Why the cache folder must not be used (None: it may): the folder, or a folder it holds
    that omnilint uses, is a symbolic link or not a folder."""
    for path in (directory, os.path.join(directory, FORMAT)):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{path}: {exc.strerror or exc}"
        if stat.S_ISLNK(st.st_mode):
            return f"{path} is a symbolic link"
        if not stat.S_ISDIR(st.st_mode):
            return f"{path} is not a folder"
    return None


def replace_text(path: str, text: str, tmp: str) -> None:
    """Write `text` to `tmp` (created exclusively, never through a link), then rename it over
    `path`: readers see the old or the new file, never half of one; on any failure `tmp` is
    removed and the error raised."""
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def default_directory(root: str) -> str:
    return os.path.join(root, DIR_NAME)
