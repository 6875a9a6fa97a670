"""The result cache: file content + effective config + omnilint code → findings and corpus facts.

A run over an unchanged corpus re-lints nothing and reads no file whose size and times
are unchanged: each file's per-file findings (with their fixes and edit positions) and
its corpus-rule facts are stored as plain JSON text, and each corpus rule's findings are
stored under a hash of all its facts and the file listing (cache_format.py: the forms).

Layout (one SQLite database per scope, omnilint/store.py; a file's row is replaced when its
content changes):

    <cache dir>/
      .gitignore, CACHEDIR.TAG
      v4/<scope>/results.sqlite           files: path -> relpath, size, mtime, ctime, sha, findings, facts
                                          corpus: hash of all facts + options -> the corpus phase's findings
      v4/<scope>/last-used

`scope` hashes the omnilint version, the parser and YAML versions, the code of
the engine and of every rule module (their files' sizes and mtimes, so an edited
rule never serves stale results), and the effective config (RuleSet.fingerprint).
An entry is used only when the file's path and content hash match; the content is not
read or hashed again when its size, mtime and ctime (nanoseconds) are the ones recorded
with the hash (recorded only for files unchanged for a few seconds: store.stat_key).

Safe to share between concurrent runs and worker processes: SQLite's locks and WAL
journal (store.py says why); an entry that does not decode is a miss; a database that
is damaged, foreign or locked for too long is "no cache" with one warning.  No pickle:
nothing in the cache is ever executed.  Old `v2`/`v3` folders (one JSON file per note)
are left alone.

Rules must not read anything but their Document (the brief's contract); rules
that do (the network rules behind `--online`) make their files uncacheable.

The cache folder sits inside a vault that may have been downloaded, so it is untrusted:
- it is never followed through a symbolic link: if the cache folder, `v4` or a scope folder is a
  link (or not a folder), or the database (or its -wal/-shm/-journal file) is a link, not a
  regular file or a hard link, the cache is refused (`unsafe_reason`) or that scope is skipped
  with a warning, and omnilint runs without it;
- pruning removes only scope folders this code made (a 20-hex-digit name holding its
  `last-used` marker), never through a link;
- an entry never decides what `fix --write` writes (runner.process): a hit may say
  "nothing to fix", and every edit that is written is derived from the file's bytes.

One module: the scope key, the folder layout, lookups and pruning all read the same layout and
the same trust checks; the storage itself (store.py) and the stored forms (cache_format.py)
are apart already.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Callable

from . import __version__
from .cache_format import PACKED_FIELDS as PACKED_FIELDS
from .cache_format import Strings as Strings
from .cache_format import corpus_key as corpus_key
from .cache_format import dump_diagnostic as dump_diagnostic
from .cache_format import listing_digest as listing_digest
from .cache_format import load_diagnostic as load_diagnostic
from .cache_format import pack_corpus_findings as pack_corpus_findings
from .cache_format import pack_diagnostics as pack_diagnostics
from .cache_format import pack_facts as pack_facts
from .cache_format import unpack_corpus_findings as unpack_corpus_findings
from .cache_format import unpack_diagnostics as unpack_diagnostics
from .cache_format import unpack_facts as unpack_facts
from .codes import ERROR_CODES
from .hashing import digest
from .model import Diagnostic
from .store import Store, stat_key, warn

DIR_NAME = ".omnilint_cache"
FORMAT = "v4"  # v2: facts are JSON text per rule; v3: findings by field name; v4: one SQLite file per scope
# When a new scope (version × code × config) is created, older scopes are removed if unused
# for a day, and beyond the most recently used few: after an upgrade or a config change
# they are dead weight, while two configs used side by side keep theirs.
STALE_SCOPE_SECONDS = 24 * 3600
MAX_SCOPES = 8
# Findings whose presence means "do not cache": crashes depend on more than the content.
UNCACHEABLE_CODES = ERROR_CODES

SCOPE_NAME = re.compile(r"[0-9a-f]{20}")
MARKER = "last-used"


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


class Entry:
    """One file's cached results: per-file findings and corpus facts."""

    __slots__ = ("corpus_rules", "diagnostics", "facts", "packed", "sha", "verified")

    def __init__(
        self,
        diagnostics: list[Diagnostic],
        facts: dict[str, str],
        corpus_rules: list[str],
        sha: str = "",
        packed: str | None = None,
    ) -> None:
        self.diagnostics = diagnostics
        self.facts = facts
        self.corpus_rules = corpus_rules
        self.sha = sha  # the content hash the entry was stored under
        self.packed = packed  # the findings as stored (a spilling run writes them out as they are)
        self.verified = True  # False: `packed` was not decoded (Cache.decode_findings)


class Cache:
    """A cache directory; one object per process (workers inherit it on fork)."""

    def __init__(self, directory: str) -> None:
        self.directory = os.path.abspath(directory)
        self._scopes: dict[tuple, str | None] = {}  # (fingerprint, vault) -> folder; None: uncacheable
        self._made: set[str] = set()
        self._ready: set[str] = set()  # scope folders prepared in this process
        self._token = os.urandom(4).hex()
        self._fingerprints: dict[frozenset, str] = {}  # rule classes -> code fingerprint
        self._stores: dict[str, Store] = {}  # scope folder -> its database
        self.quiet = False  # worker processes: the parent has said why a store is unusable
        self._warned: set[str] = set()
        self.strings = Strings()
        # False: decoded findings are not kept (a run that spills them), so sharing their
        # strings across the run would only keep every message alive; one table per entry.
        self.share = True
        # False (a run that spills them): an entry's findings stay the stored text, decoded once
        # when the report reads them; a text that does not decode then is linted afresh
        # (Spill.recover) instead of being a miss here.
        self.decode_findings = True
        self.hits = self.misses = self.writes = 0

    # scope ------------------------------------------------------------------
    def scope(self, ruleset, vault: str = "obsidian") -> str | None:
        """The folder of entries for files governed by `ruleset` and read as `vault` (a Logseq
        page's findings differ from the same text's elsewhere), or None: do not cache."""
        # By content, not identity: equal rule sets (the same rule classes and options) share a scope.
        key = (ruleset.fingerprint, vault)
        if key not in self._scopes:
            self._scopes[key] = self._open_scope(ruleset, vault)
        return self._scopes[key]

    def _open_scope(self, ruleset, vault: str) -> str | None:
        if not cacheable(ruleset.rules):
            return None
        classes = frozenset(type(r) for r, _ in ruleset.rules)
        code = self._fingerprints.get(classes)
        if code is None:
            code = self._fingerprints[classes] = code_fingerprint(sorted(classes, key=lambda r: r.code))
        name = digest(f"{FORMAT}\n{__version__}\n{code}\n{ruleset.fingerprint}\n{vault}")[:20]
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
            if (
                entry.path == keep
                or SCOPE_NAME.fullmatch(entry.name) is None
                or not entry.is_dir(follow_symlinks=False)
            ):
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
    def _store(self, scope: str) -> Store | None:
        found = self._stores.get(scope)
        if found is None:
            found = self._stores[scope] = Store(scope)
        if found.broken is not None:
            if found.broken not in self._warned and not self.quiet:
                self._warned.add(found.broken)
                warn(found.broken)
            return None
        return found

    def has_entries(self, scope: str) -> bool:
        store = self._store(scope)
        found = store is not None and store.has_entries()
        self._store(scope)  # say so if the database turned out unusable
        return found

    def load(self, scope: str, abspath: str, relpath: str, sha: str, key: tuple | None = None) -> Entry | None:
        """The entry of `abspath` if it was stored for content `sha`; `key` (store.stat_key of
        the file as read) is recorded with a hit whose recorded size and times differ."""
        row = self._row(scope, abspath, relpath)
        if row is None or row[4] != sha:
            self.misses += 1
            return None
        entry = self._entry(row)
        if entry is not None and key is not None and tuple(row[1:4]) != key:
            self._stores[scope].put_stat(abspath, key)
        return entry

    def load_unchanged(self, scope: str, abspath: str, relpath: str, st: os.stat_result) -> Entry | None:
        """The entry of `abspath` if the file's size, mtime and ctime are the ones recorded with
        its content hash: the file is then neither read nor hashed.  None: read it."""
        key = stat_key(st)
        if key is None:
            return None
        row = self._row(scope, abspath, relpath)
        if row is None or row[1] is None or tuple(row[1:4]) != key:
            return None  # not a miss yet: the caller reads the file and asks by content
        return self._entry(row)

    def _row(self, scope: str, abspath: str, relpath: str) -> tuple | None:
        store = self._store(scope)
        row = store.get(abspath) if store is not None else None
        if row is None or row[0] != relpath:
            self._store(scope)
            return None
        return row

    def _entry(self, row: tuple) -> Entry | None:
        try:
            facts = unpack_facts(row[6])
            if not self.decode_findings:
                if row[5].__class__ is not str:
                    raise TypeError("findings are not text")
                entry = Entry([], facts, list(facts), row[4], row[5])
                entry.verified = False
            else:
                share = self.strings if self.share else Strings()
                entry = Entry(unpack_diagnostics(row[5], share), facts, list(facts), row[4], row[5])
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            self.misses += 1  # written by something else: a miss (the row is replaced)
            return None
        self.hits += 1
        return entry

    def store(
        self, scope: str, abspath: str, relpath: str, sha: str, key: tuple | None, diagnostics: str, facts: str
    ) -> None:
        """Queue the entry of `abspath` (written by flush(), or when many are queued).
        `key`: store.stat_key of the file as read before hashing it, None if it was not
        read as stored (a fix) or changed too recently."""
        store = self._store(scope)
        if store is not None:
            store.put(abspath, relpath, key, sha, diagnostics, facts)
            self.writes += 1

    def corpus_findings(
        self, scope: str, key: str, known: dict, listing_now: Callable[[], str]
    ) -> list[tuple[str, Diagnostic]] | None:
        """The corpus phase's findings stored under `key` (corpus_key), each for a display path
        in `known`; None when there are none, they do not decode, or the rule read the project's
        file listing and `listing_now()` (its digest today) differs (then the rule runs)."""
        store = self._store(scope)
        text = store.corpus_get(key) if store is not None else None
        if text is None:
            return None
        try:
            stamp, found = unpack_corpus_findings(text, self.strings if self.share else Strings())
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None
        if stamp and stamp != listing_now():
            return None
        return found if all(display in known for display, _ in found) else None

    def corpus_put(self, scope: str, key: str, body: str) -> None:
        store = self._store(scope)
        if store is not None:
            store.corpus_put(key, body)

    def flush(self) -> None:
        """Write every queued entry (one transaction per scope); called at the end of a run
        and by workers after each chunk of files."""
        for scope, store in list(self._stores.items()):
            store.flush()
            self._store(scope)

    def close(self) -> None:
        """Flush and close every database (they reopen when used again)."""
        self.flush()
        for store in self._stores.values():
            store.close()

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
