"""One SQLite database per cache scope: the per-file entries and the corpus phase's results.

Why SQLite (the standard library's `sqlite3`): a warm run over 2,000 files opened, read
and decoded 2,000 small JSON files; one database answers each lookup with one indexed
query, writes a whole run's new entries in a few transactions instead of 2,000 renamed
temporary files, and has been made safe for concurrent processes by people who test that
for a living.  Nothing in it is ever executed: entries are JSON text in plain columns.

Journal mode: WAL.  A run that reads (the editor server indexing in the background, a
second `omnilint check`, pre-commit hooks side by side) never waits for one that writes,
and a commit appends to one file without an fsync (`synchronous=NORMAL`: an OS crash may
lose the last commits of a cache, never damage it).  Its costs: two more files beside
the database (`-wal`, `-shm`), checked like the database itself, and WAL needs the
processes to share memory, i.e. one machine; a cache scope is never shared between
machines anyway (its name hashes the installed code's file times).

Safety (the cache folder sits in a vault that may come from someone else):
- the database and its `-wal`/`-shm`/`-journal` files are used only when each is absent or a
  regular file with one link (never a symbolic link out of the cache, never a hard link to
  someone's file); SQLite itself refuses a linked WAL;
- a file that is not an SQLite database, a database of another application, one that is
  damaged or stays locked: "no cache" for this scope, one warning, and the run goes on;
- a writer that cannot get the lock in time drops its writes (the next run re-lints);
- an entry is a hint, never an order: what is written by `fix --write` is derived from the
  file's bytes (pipeline, corpus), whatever the database says.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from typing import Any

DB_NAME = "results.sqlite"
APPLICATION_ID = 0x6F6D6C74  # "omlt": marks a database as this cache's (PRAGMA application_id)
SCHEMA_VERSION = 4
# How long a statement waits for another process's lock before giving up (seconds).
BUSY_TIMEOUT = 3.0
# Pending writes are committed once they hold this many characters (and at the end of a run):
# one transaction for a normal run, bounded memory for a huge one.
FLUSH_CHARS = 8 << 20
# A file modified this recently may change again within the file system's timestamp
# granularity without a new size or mtime: its size and times are not recorded ("racy").
RACY_NS = 2_000_000_000
# The corpus phase's results kept per scope (most recently used first).
MAX_CORPUS_ROWS = 64
# A corpus row's use is recorded at most this often (seconds): a fully warm run writes nothing.
USED_EVERY = 3600

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, relpath TEXT NOT NULL, size INTEGER,"
    " mtime INTEGER, ctime INTEGER, sha TEXT NOT NULL, diagnostics TEXT NOT NULL, facts TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS corpus (key TEXT PRIMARY KEY, used REAL NOT NULL, body TEXT NOT NULL)",
)


class StoreError(Exception):
    """The database cannot be used (the message says why)."""


def stat_key(st: os.stat_result, now_ns: int | None = None) -> tuple[int, int, int] | None:
    """(size, mtime ns, ctime ns) of a file, or None when it changed too recently to be
    trusted without its content hash.  ctime is included because it cannot be set back:
    a file rewritten at the same size with its mtime restored still gets a new ctime."""
    now = time.time_ns() if now_ns is None else now_ns
    if now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _check_file(path: str) -> None:
    """Raise unless `path` is absent or a regular file with one link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{path} is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file")
    if st.st_nlink > 1:
        raise StoreError(f"{path} has other hard links")


class Store:
    """The database of one cache scope, opened on first use; one per process and scope."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, DB_NAME)
        self._db: Any = None  # sqlite3.Connection, opened on first use (sqlite3 is imported then)
        self.broken: str | None = None  # why the store is unusable (then every call is a no-op)
        self._pending_files: list[tuple] = []
        self._pending_stats: list[tuple] = []
        self._pending_corpus: list[tuple] = []
        self._pending_chars = 0

    # opening -------------------------------------------------------------------------------
    def _connect(self):
        if self._db is not None or self.broken is not None:
            return self._db
        try:
            self._db = self._open()
        except StoreError as exc:
            self.broken = str(exc)
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error, OSError: any reason means "no cache"
            self.broken = f"{self.path}: {exc}"
        return self._db

    def _open(self):
        import sqlite3

        for suffix in ("", "-wal", "-shm", "-journal"):
            _check_file(self.path + suffix)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            _check_file(self.path)  # the name did not become a link while SQLite opened it
            if self._ours(db):
                db.execute("PRAGMA synchronous=NORMAL")  # per connection: commits in WAL mode without an fsync
                return db
            # Not ours yet: decide under the write lock, where no other process can be
            # creating it at the same moment (the second one waits, then finds it made).
            db.execute("BEGIN IMMEDIATE")
            try:
                if self._ours(db):
                    db.execute("COMMIT")
                    db.execute("PRAGMA synchronous=NORMAL")
                    return db
                empty = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
                if not empty or db.execute("PRAGMA application_id").fetchone()[0] != 0:
                    raise StoreError(f"{self.path} is not an omnilint cache database of this version")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            try:
                db.execute("PRAGMA journal_mode=WAL")  # persistent: only the database's creator sets it
            except sqlite3.OperationalError:
                pass  # another process is reading it right now: it stays in rollback mode, as correct
            db.execute("PRAGMA synchronous=NORMAL")
            return db
        except BaseException:
            db.close()
            raise

    @staticmethod
    def _ours(db) -> bool:
        return (
            db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
            and db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        )

    def _fail(self, exc: BaseException) -> None:
        """A damaged or foreign database found while using it: no cache from here on."""
        self.broken = f"{self.path}: {exc}"
        self._pending_files.clear()
        self._pending_stats.clear()
        self._pending_corpus.clear()
        self.close()

    # reading ---------------------------------------------------------------------------------
    def _read(self, sql: str, args: tuple = ()) -> tuple | None:
        """One row of a query, or None: no database, no row, or busy beyond the timeout (a miss,
        not a broken cache); any other error marks the cache broken (a damaged database)."""
        db = self._connect()
        if db is None:
            return None
        try:
            return db.execute(sql, args).fetchone()
        except Exception as exc:  # noqa: BLE001 - sqlite3.DatabaseError: damaged
            if not _locked(exc):
                self._fail(exc)
            return None

    def has_entries(self) -> bool:
        return self._read("SELECT 1 FROM files LIMIT 1") is not None

    def get(self, path: str) -> tuple | None:
        """(relpath, size, mtime, ctime, sha, diagnostics, facts) of `path`, or None."""
        return self._read(
            "SELECT relpath, size, mtime, ctime, sha, diagnostics, facts FROM files WHERE path = ?", (path,)
        )

    def corpus_get(self, key: str) -> str | None:
        row = self._read("SELECT body, used FROM corpus WHERE key = ?", (key,))
        if row is None:
            return None
        if not isinstance(row[1], (int, float)) or time.time() - row[1] > USED_EVERY:
            self._pending_corpus.append((key, None))  # mark it used at the next flush
        return row[0]

    # writing -----------------------------------------------------------------------------------
    def put(
        self, path: str, relpath: str, key: tuple[int, int, int] | None, sha: str, diagnostics: str, facts: str
    ) -> None:
        if self.broken is not None:
            return
        for text in (relpath, diagnostics, facts):
            try:
                text.isascii() or text.encode("utf-8")
            except UnicodeEncodeError:
                return  # a lone surrogate (from a file name, say) cannot be stored as text: not cached
        size, mtime, ctime = key if key is not None else (None, None, None)
        self._pending_files.append((path, relpath, size, mtime, ctime, sha, diagnostics, facts))
        self._pending_chars += len(diagnostics) + len(facts)
        if self._pending_chars >= FLUSH_CHARS:
            self.flush()

    def put_stat(self, path: str, key: tuple[int, int, int] | None) -> None:
        """A hit found by content whose size or times changed (a touch, a checkout): record
        them, so the next run trusts them without hashing."""
        if self.broken is None and key is not None:
            self._pending_stats.append((*key, path))

    def corpus_put(self, key: str, body: str) -> None:
        if self.broken is None:
            self._pending_corpus.append((key, body))
            self._pending_chars += len(body)

    def flush(self) -> None:
        """Write what is pending in one transaction; if the lock cannot be had in time, or
        the database is read-only, the writes are dropped (a later run lints again)."""
        if not (self._pending_files or self._pending_stats or self._pending_corpus):
            return
        files, stats, corpus = self._pending_files, self._pending_stats, self._pending_corpus
        self._pending_files, self._pending_stats, self._pending_corpus = [], [], []
        self._pending_chars = 0
        db = self._connect()
        if db is None:
            return
        now = time.time()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if files:
                    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", files)
                if stats:
                    db.executemany("UPDATE files SET size = ?, mtime = ?, ctime = ? WHERE path = ?", stats)
                new = [(key, now, body) for key, body in corpus if body is not None]
                if new:
                    db.executemany("INSERT OR REPLACE INTO corpus VALUES (?, ?, ?)", new)
                used = [(now, key) for key, body in corpus if body is None]
                if used:
                    db.executemany("UPDATE corpus SET used = ? WHERE key = ?", used)
                if new:
                    db.execute(
                        "DELETE FROM corpus WHERE key NOT IN (SELECT key FROM corpus ORDER BY used DESC LIMIT ?)",
                        (MAX_CORPUS_ROWS,),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except Exception as exc:  # noqa: BLE001
            if not _locked(exc) and "readonly" not in str(exc).replace(" ", "").lower():
                self._fail(exc)

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:  # noqa: BLE001
                pass
            self._db = None


def _locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def warn(why: str) -> None:
    print(f"omnilint: warning: not using the cache: {why}", file=sys.stderr)
