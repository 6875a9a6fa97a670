"""Walk paths, read and decode, lint (and fix) each file, then the corpus phase.

Files are processed in worker processes when there are many; results come back
as plain data and are ordered by path, so output never depends on scheduling.
One bad file (unreadable, binary, undecodable, too large) becomes an IO finding
and the run goes on.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import cache as result_cache
from . import config as cfg
from . import engine, ignore
from .document import Document
from .fixer import Rejected, apply_edits, fix_text, non_overlapping, verify
from .model import Applicability, Diagnostic, Severity
from .rule import PROJECT_FILES, PROJECT_ROOT, CorpusRule, ProjectFiles
from .text import UndecodableError, decode, encode

IO_CODE = "IO001"
IO_NAME = "unreadable-file"
SIZE_CODE = "IO002"
SIZE_NAME = "file-too-large"
WRITE_CODE = "IO003"
WRITE_NAME = "write-failed"
STDIN = "-"


@dataclass(frozen=True)
class Job:
    """What to do with every file; the same in every worker process."""

    mode: str = "check"  # check | fix
    unsafe: bool = False
    overrides: cfg.Overrides = cfg.Overrides()
    config_file: str | None = None
    want_diff: bool = False
    cache_dir: str | None = None  # None: no result cache
    write: bool = False  # fix --write: the fixed text is what the file will hold
    # Discovery from the command line: --exclude replaces the config's `exclude`,
    # --extend-exclude adds to it; --force-exclude applies them to files named explicitly.
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool | None = None  # None: the config's `respect-gitignore`
    # --fixable / --unfixable, resolved to codes: findings of other rules keep no fix.
    fixable: frozenset[str] | None = None
    unfixable: frozenset[str] = frozenset()

    def may_fix(self, code: str) -> bool:
        return code not in self.unfixable and (self.fixable is None or code in self.fixable)

    def restrict_fixes(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Drop the fixes of rules --fixable/--unfixable exclude (the finding stays, unmarked)."""
        if self.fixable is not None or self.unfixable:
            for d in diagnostics:
                if d.fix is not None and not self.may_fix(d.code):
                    d.fix = None
        return diagnostics


@dataclass(frozen=True)
class Task:
    path: str  # absolute path ("-" for stdin)
    display: str  # what reports show
    stdin_text: str | None = None
    size: int = 0  # bytes, for scheduling the largest files first


@dataclass
class FileResult:
    display: str
    relpath: str
    path: str = ""  # absolute path; "" for problems found before reading
    diagnostics: list[Diagnostic] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # corpus rule code -> its facts as JSON text
    corpus_rules: list[str] = field(default_factory=list)
    # fix mode
    original: bytes | None = None
    new_text: str | None = None
    bom: bool = False
    applied: list[Diagnostic] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    written: bool = False
    write_error: str | None = None
    stdin: bool = False
    cached: bool = False  # the findings and facts came from the result cache
    sha: str = ""  # content hash of what was read (fix mode: to re-read an unchanged file safely)

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.original is not None and encode(self.new_text, self.bom) != self.original

    def diff(self) -> str:
        if not self.changed:
            return ""
        import difflib

        old = self.original.decode("utf-8", "replace")  # type: ignore[union-attr]
        if self.bom:
            old = old[1:]
        return "".join(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                self.new_text.splitlines(keepends=True),  # type: ignore[union-attr]
                f"a/{self.display}",
                f"b/{self.display}",
            )
        )


# -- settings per file ------------------------------------------------------

_JOB = Job()
_CACHE: result_cache.Cache | None = None
_EXPLICIT_SETTINGS: dict[str, cfg.Settings] = {}


def _init_worker(job: Job) -> None:
    """Set the job (and open its cache) in this process; forked workers inherit both."""
    global _JOB, _CACHE
    _JOB = job
    if job.cache_dir is None:
        _CACHE = None
    elif _CACHE is None or _CACHE.directory != os.path.abspath(job.cache_dir):
        _CACHE = result_cache.Cache(job.cache_dir)


_SETTINGS_BY_FOLDER: dict[str, cfg.Settings] = {}


def settings_for(path: Path | str, job: Job) -> cfg.Settings:
    if job.config_file:
        cached = _EXPLICIT_SETTINGS.get(job.config_file)
        if cached is None:  # named by the invoker: trusted (plugins, online)
            cached = _EXPLICIT_SETTINGS[job.config_file] = cfg.read_file(Path(job.config_file), trusted=True)
        return cached
    folder = os.path.dirname(path)
    found = _SETTINGS_BY_FOLDER.get(folder)  # cfg.discover is memoised too, but per Path: dearer per file
    if found is None:
        found = _SETTINGS_BY_FOLDER[folder] = cfg.discover(Path(folder))
    return found


def reset_settings_memo() -> None:
    """Forget the settings found per folder (a long-lived process: the editor server)."""
    _SETTINGS_BY_FOLDER.clear()
    _EXPLICIT_SETTINGS.clear()


def relative_path(path: Path | str, root: Path | str) -> str:
    """`path` relative to `root`, '/'-separated (the path rules and per-file-ignores see)."""
    return _relative(str(path), str(root))


def _relpath(path: Path | str, root: Path | str) -> str:
    return _relative(str(path), str(root))


def _relative(path: str, root: str) -> str:
    """Path.relative_to(root).as_posix() (or the path itself), with string operations: discovery calls it per file."""
    if path == root:
        return "."
    path = path.removeprefix(root if root.endswith(os.sep) else root + os.sep)
    return path.replace(os.sep, "/") if os.sep != "/" else path


# -- file discovery ---------------------------------------------------------


@dataclass
class Discovery:
    files: list[Task] = field(default_factory=list)
    problems: list[FileResult] = field(default_factory=list)


def display_path(path: Path | str) -> str:
    """The path relative to the working folder when it is inside it, else absolute; '/'-separated."""
    return _relative(str(path), os.getcwd())


def discover_files(paths: Iterable[str], job: Job) -> Discovery:
    """Every file to check, once each: a file reached by several paths (a symbolic link
    to a note inside the root, a hard link) is one file, checked and written under its
    own path when one of the paths is not a link."""
    found = Discovery()
    by_identity: dict[tuple[int, int], int] = {}  # (device, inode) -> index in found.files
    cwd = os.getcwd()

    def add(file: str, identity: tuple[int, int] | None, size: int, is_link: bool) -> None:
        if identity is None:  # cannot stat: reading it will say why
            found.files.append(Task(file, _relative(file, cwd), size=size))
            return
        known = by_identity.get(identity)
        if known is None:
            by_identity[identity] = len(found.files)
            found.files.append(Task(file, _relative(file, cwd), size=size))
        elif not is_link and os.path.islink(found.files[known].path):
            found.files[known] = Task(file, _relative(file, cwd), size=size)

    for raw in paths:
        path = os.path.abspath(raw)
        if os.path.islink(path) and not os.path.exists(path):
            found.problems.append(_io_problem(_relative(path, cwd), "broken symbolic link"))
        elif os.path.isdir(path):
            for file, identity, size, is_link in _walk(Path(path), job, found):
                add(file, identity, size, is_link)
        elif os.path.exists(path):  # named explicitly: checked whatever its name, unless --force-exclude
            if job.force_exclude and excluded_explicitly_named(path, job):
                continue
            try:
                st = os.stat(path)
                add(path, (st.st_dev, st.st_ino), st.st_size, os.path.islink(path))
            except OSError:
                add(path, None, 0, False)
        else:
            found.problems.append(_io_problem(_relative(path, cwd), "no such file or directory"))
    found.files.sort(key=lambda t: t.display)
    return found


_PATTERNS: dict[tuple[str, ...], list] = {}


def _patterns(settings: cfg.Settings, key: str) -> list:
    """The compiled globs of a setting (memoised by the globs: every folder has its Settings)."""
    return _globs(tuple(settings.get(key)))


def _globs(globs: tuple[str, ...]) -> list:
    memo = _PATTERNS.get(globs)
    if memo is None:
        memo = _PATTERNS[globs] = [cfg.glob_to_regex(g) for g in globs]
    return memo


def _always_excluded(name: str) -> bool:
    return name in cfg.ALWAYS_EXCLUDED


def _exclude_patterns(settings: cfg.Settings, job: Job) -> list:
    """The compiled `exclude` + `extend-exclude` globs, with the command line's in force."""
    base = _globs(job.exclude) if job.exclude is not None else _patterns(settings, "exclude")
    return base + _patterns(settings, "extend-exclude") + _globs(job.extend_exclude)


def _respect_gitignore(settings: cfg.Settings, job: Job) -> bool:
    return job.respect_gitignore if job.respect_gitignore is not None else settings.get("respect-gitignore")


def excluded_explicitly_named(path: str, job: Job) -> bool:
    """--force-exclude: whether a file named on the command line (by pre-commit, say) is one
    the walk would have skipped: in an always-excluded folder, matched by an exclude glob, or
    ignored by git."""
    settings = settings_for(path, job)
    rel = _relative(path, str(settings.root))
    if any(_always_excluded(part) for part in rel.split("/")[:-1]):
        return True
    if any(p.match(rel) for p in _exclude_patterns(settings, job)):
        return True
    if _respect_gitignore(settings, job):
        folder = os.path.dirname(path)
        chain = ignore.with_folder(ignore.chain_above(folder), folder)
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):  # an ignored folder on the way ignores the file
            candidate = os.path.join(str(settings.root), *parts[:depth])
            if ignore.is_ignored(chain, candidate, depth < len(parts)):
                return True
    return False


def _walk(top: Path, job: Job, found: Discovery) -> Iterator[tuple[str, tuple[int, int] | None, int, bool]]:
    """(absolute path, (device, inode), size, is a symlink) of every included file under
    `top`, depth first, by name.  Never enters the always-excluded folders (config.ALWAYS_EXCLUDED)
    nor the result cache, whatever the settings say."""
    top_settings = settings_for(Path(top, "_"), job)
    above = ignore.chain_above(str(top)) if _respect_gitignore(top_settings, job) else ()
    stack: list[tuple[str, ignore.Chain]] = [(str(top), above)]
    visited: set[tuple[int, int]] = set()
    cache_dir = os.path.realpath(job.cache_dir) if job.cache_dir else None
    while stack:
        folder, chain = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:
                continue  # a symlink loop
            visited.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.problems.append(_io_problem(display_path(folder), f"cannot read folder: {exc.strerror or exc}"))
            continue
        settings = settings_for(Path(folder, "_"), job)
        cfg.ruleset(settings, job.overrides)  # a bad rule option fails the run here (exit 2), not once per file
        root = str(settings.root)
        include = _patterns(settings, "include")
        exclude = _exclude_patterns(settings, job)
        if _respect_gitignore(settings, job):
            chain = ignore.with_folder(chain, folder)
        else:
            chain = ()
        subfolders = []
        for entry in entries:
            if _always_excluded(entry.name):
                continue
            rel = _relative(entry.path, root)
            if any(p.match(rel) for p in exclude):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks; loops are caught above
            except OSError:
                is_dir = False
            if chain and ignore.is_ignored(chain, entry.path, is_dir):
                continue
            if is_dir:
                if cache_dir is None or os.path.realpath(entry.path) != cache_dir:
                    subfolders.append((entry.path, chain))
            elif any(p.match(entry.name) for p in include):
                try:
                    st = entry.stat()
                except OSError:
                    if entry.is_symlink():
                        found.problems.append(_io_problem(display_path(entry.path), "broken symbolic link"))
                        continue
                    yield entry.path, None, 0, False  # reading it will say what is wrong
                    continue
                yield entry.path, (st.st_dev, st.st_ino), st.st_size, entry.is_symlink()
        stack.extend(reversed(subfolders))


def _io_problem(display: str, message: str, code: str = IO_CODE, name: str = IO_NAME) -> FileResult:
    d = Diagnostic(code, name, message, 0, 0, Severity.ERROR, None, 1, 1, 1, 1)
    return FileResult(display, display, diagnostics=[d])


# -- reading ------------------------------------------------------------------


class TooLarge(Exception):
    """The file holds more bytes than max-file-size."""


class NotRegular(Exception):
    """A FIFO, device, socket or folder where a note was expected."""


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    A vault may hold a FIFO (opening it would wait for a writer forever) or a link to
    /dev/zero (reading it never ends): only regular files are opened, the type is checked
    again on the open descriptor (the path may have been swapped in between), and the limit
    applies to the bytes actually read, not to what stat() claimed.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(_kind(st.st_mode))
    if st.st_size > limit:
        raise TooLarge(f"file is {st.st_size} bytes")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(_kind(st.st_mode))
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLarge(f"file is more than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


# -- one file -----------------------------------------------------------------


def process(task: Task, lookup_only: bool = False) -> FileResult:
    """Read, decode, lint and (in fix mode) fix one file. Never raises for bad input.

    With `lookup_only`, stop before linting: the result from the cache (or the
    problem that makes the file unreadable), or None when the file needs linting.
    """
    job = _JOB
    if task.path == STDIN:
        path = os.path.abspath(task.display)
        data = (task.stdin_text or "").encode("utf-8")
    else:
        path = task.path
        data = None
    try:
        settings = settings_for(path, job)
        ruleset = cfg.ruleset(settings, job.overrides)
    except cfg.ConfigError as exc:
        return _io_problem(task.display, str(exc), "CFG001", "config-error")
    relpath = _relpath(path, settings.root)
    if data is None:
        limit = settings.get("max-file-size")
        try:
            data = read_regular_file(path, limit)
        except TooLarge as exc:
            return _io_problem(task.display, f"{exc}, above max-file-size ({limit}); skipped", SIZE_CODE, SIZE_NAME)
        except NotRegular as exc:
            return _io_problem(task.display, f"not a regular file ({exc}); skipped")
        except OSError as exc:
            return _io_problem(task.display, f"cannot read: {exc.strerror or exc}")
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        return _io_problem(task.display, str(exc))
    rules = ruleset.rules_for(relpath)
    result = FileResult(task.display, relpath, task.path, stdin=task.path == STDIN)
    scope = _CACHE.scope(ruleset) if _CACHE is not None and not result.stdin else None
    if scope is not None or job.mode == "fix":
        result.sha = result_cache.digest(data)
    if scope is not None:
        entry = _CACHE.load(scope, task.path, relpath, result.sha)  # type: ignore[union-attr]
        # In fix mode a hit only helps when there is nothing to fix: then the fixer would change
        # nothing.  A cached entry never supplies an edit: the cache folder may be forged, so
        # every edit that is written is derived from the bytes just read.
        if entry is not None and (job.mode == "check" or not _fixable(entry.diagnostics, job.unsafe)):
            _from_entry(result, entry, data, decoded, job)
            return result
    if lookup_only:
        return None  # type: ignore[return-value]
    facts_json = _lint(result, rules, data, decoded, job)
    if scope is not None and _storable(result, job):
        sha = result.sha if not result.changed else result_cache.digest(encode(result.new_text, result.bom))  # type: ignore[arg-type]
        entry_text = result_cache.entry_json(relpath, sha, result.diagnostics, facts_json, result.corpus_rules)
        _CACHE.store(scope, task.path, entry_text)  # type: ignore[union-attr]
    _drop_unchanged_text(result)
    return result


def _lint(result: FileResult, rules: engine.RuleList, data: bytes, decoded, job: Job) -> str:
    """Lint (or fix) the text into `result`; returns the corpus facts as JSON text."""
    file_rules = engine.per_file(rules)
    corpus = [(r, o) for r, o in rules if isinstance(r, CorpusRule)]
    text = decoded.text
    if job.mode == "fix":
        fixed, doc = _fix(text, file_rules, result.relpath, job)
        result.original, result.new_text, result.bom = data, fixed.text, decoded.bom
        result.applied, result.rejected = fixed.applied, fixed.rejected
        result.diagnostics = fixed.remaining
    else:
        doc = Document(text, result.relpath)
        result.diagnostics = engine.lint(doc, file_rules)  # cached whole; run() restricts fixes for the report
    locate_edits(doc, result.diagnostics)
    facts = _collect_facts(result, doc, corpus)
    doc.release()
    return facts


def _fix(text: str, rules: engine.RuleList, relpath: str, job: Job):
    """engine.fix, plus the Document of the final text (the fixer's last pass parsed it
    already: the facts and edit positions reuse it instead of parsing it once more)."""
    last: list[Document] = []

    def lint(current: str) -> list[Diagnostic]:
        doc = Document(current, relpath)
        if last:
            last[0].release()  # an earlier pass's text: its findings hold no node
        last[:] = [doc]
        return job.restrict_fixes(engine.lint(doc, rules))

    fixed = fix_text(text, lint, unsafe=job.unsafe)
    doc = last[0] if last and last[0].text == fixed.text else Document(fixed.text, relpath)
    return fixed, doc


def _collect_facts(result: FileResult, doc: Document, corpus: engine.RuleList) -> str:
    """Each corpus rule's facts as JSON text, kept as text until the corpus phase: cached,
    uncached, serial and parallel runs then feed it exactly the same data (tuples become
    lists everywhere), and 20,000 files' facts take a fifth of the memory decoded ones would.
    Returns the mapping for the cache entry."""
    for rule, options in corpus:
        try:
            encoded = json.dumps(rule.collect(doc, options), ensure_ascii=False, separators=(",", ":"))  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - a crash (or facts that are not JSON) is the rule's bug
            result.diagnostics.append(engine.internal_error(doc, rule, exc))
            continue
        result.facts[rule.code] = encoded
        result.corpus_rules.append(rule.code)
    _one_copy(result.facts)
    return json.dumps(result.facts, ensure_ascii=False, separators=(",", ":"))


def _fixable(diagnostics: list[Diagnostic], unsafe: bool) -> bool:
    return any(d.fix is not None and (unsafe or d.fix.applicability is Applicability.SAFE) for d in diagnostics)


def _from_entry(result: FileResult, entry: result_cache.Entry, data: bytes, decoded, job: Job) -> None:
    result.cached = True
    result.diagnostics, result.facts, result.corpus_rules = entry.diagnostics, _one_copy(entry.facts), entry.corpus_rules
    if job.mode == "fix":  # nothing to fix: the fixer would return the text as it is
        result.original, result.new_text, result.bom = data, decoded.text, decoded.bom
        _drop_unchanged_text(result)


def _one_copy(facts: dict[str, str]) -> dict[str, str]:
    """Equal facts of several rules (LNK005 and LNK006 collect the same) as one string."""
    seen: dict[str, str] = {}
    for code, text in facts.items():
        facts[code] = seen.setdefault(text, text)
    return facts


def _storable(result: FileResult, job: Job) -> bool:
    """Cache what the file holds (or will hold after --write); never a crash's findings."""
    if any(d.code in result_cache.UNCACHEABLE_CODES for d in result.diagnostics):
        return False
    if job.mode == "fix" and (job.fixable is not None or job.unfixable):
        return False  # the fixer saw findings without some fixes: not what a plain run would store
    return job.mode == "check" or not result.changed or job.write


def _drop_unchanged_text(result: FileResult) -> None:
    """An unchanged file needs no text in memory or across the process pipe; a corpus fix re-reads it."""
    if result.new_text is not None and not result.stdin and not result.changed:
        result.original = result.new_text = None


def locate_edits(doc: Document, diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        if d.fix is not None and d.edit_positions is None:
            d.edit_positions = [(*doc.position(e.start), *doc.position(e.end)) for e in d.fix.edits]


# -- the whole run ----------------------------------------------------------


@dataclass
class RunResult:
    files: list[FileResult]
    checked: int

    @property
    def diagnostics(self) -> Iterator[tuple[FileResult, Diagnostic]]:
        for f in self.files:
            for d in f.diagnostics:
                yield f, d


PARALLEL_THRESHOLD = 64  # below this, starting worker processes costs more than it saves
FILES_PER_WORKER = 32  # never start a worker for fewer files than this


def run(paths: list[str], job: Job, jobs: int | None = None, stdin: Task | None = None, progress=None) -> RunResult:
    """Check (or fix) every file under `paths`.  `progress(phase, done, total)`, if given, is
    called as the work moves: "finding files", "checking" per file, "cross-file rules" per
    corpus rule (the CLI draws it on a terminal)."""
    if progress:
        progress("finding files", 0, 0)
    if stdin is not None:
        found = Discovery([stdin])
    else:
        found = discover_files(paths, job)
    tasks = found.files
    _SETTINGS_BY_FOLDER.clear()
    global _CACHE
    _CACHE = None  # a fresh cache per run: the rules' fingerprints are taken again
    _init_worker(job)  # this process's job and cache; forked workers inherit both
    per_file = (lambda done, total: progress("checking", done, total)) if progress else None
    results = _process_all(tasks, job, jobs, per_file)
    _corpus_phase(results, job, progress)
    if job.mode == "fix":
        _apply_corpus_fixes(results, job)
    results.extend(found.problems)
    results.sort(key=lambda r: r.display)
    for r in results:
        job.restrict_fixes(r.diagnostics)
        r.diagnostics.sort(key=Diagnostic.sort_key)
    return RunResult(results, len(tasks))


def _process_all(tasks: list[Task], job: Job, jobs: int | None, progress) -> list[FileResult]:
    """Every file's result, in task order.

    When the cache holds entries, this process first serves every hit itself (reading
    and hashing a file and loading its entry is cheaper than shipping the result
    across a pipe); only the misses are linted, by worker processes when there are
    enough of them.  A fully warm run so starts no worker at all, and a run after a
    few edits lints the few changed files right here.
    """
    results: list[FileResult | None] = [None] * len(tasks)
    todo = list(range(len(tasks)))
    done = 0
    with ManualGC() as collector:
        if tasks and _cache_has_entries(tasks[0], job):
            todo = []
            for i, task in enumerate(tasks):
                results[i] = process(task, lookup_only=True)
                if results[i] is None:
                    todo.append(i)
                else:
                    done += 1
                    if progress:
                        progress(done, len(tasks))
                collector.after(task)
        workers = worker_count(jobs, len(todo))
        if workers > 1:
            report = (lambda n, _: progress(done + n, len(tasks))) if progress else None
            for i, result in zip(todo, _run_parallel([tasks[i] for i in todo], job, workers, report)):
                _share_strings(result)
                results[i] = result
        else:
            for i in todo:
                results[i] = process(tasks[i])
                collector.after(tasks[i])
                done += 1
                if progress:
                    progress(done, len(tasks))
    return results  # type: ignore[return-value]


def _share_strings(result: FileResult) -> None:
    """Results unpickled from a worker carry their own copy of every code, name and message;
    sharing equal strings keeps the memory of a 20,000-file run in check."""
    share = result_cache.shared
    for d in result.diagnostics:
        d.code, d.name, d.message = share(d.code), share(d.name), share(d.message)


def _cache_has_entries(task: Task, job: Job) -> bool:
    """Open the cache scope before any linting; True when it holds entries (hits are likely)."""
    if _CACHE is None or task.path == STDIN:
        return False
    try:
        scope = _CACHE.scope(cfg.ruleset(settings_for(task.path, job), job.overrides))
    except cfg.ConfigError:
        return False  # process() reports it per file
    if scope is None:
        return False
    try:
        with os.scandir(scope) as entries:
            return any(e.is_dir() for e in entries)
    except OSError:
        return False


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours taskset and container CPU sets
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(jobs: int | None, files: int) -> int:
    """How many processes to use: `jobs` (default: the cores), fewer for few files."""
    wanted = jobs if jobs and jobs > 0 else available_cores()
    if wanted <= 1 or files < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(wanted, files // FILES_PER_WORKER))


def _run_parallel(tasks: list[Task], job: Job, workers: int, progress) -> list[FileResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    results: list[FileResult | None] = [None] * len(tasks)
    done = 0
    from concurrent.futures import as_completed

    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        chunk_of = {pool.submit(_process_chunk, [tasks[i] for i in chunk]): chunk for chunk in _chunks(tasks, workers)}
        for future in as_completed(chunk_of):  # progress as chunks finish, not in submission order
            chunk = chunk_of[future]
            for i, result in zip(chunk, future.result()):
                results[i] = result
            done += len(chunk)
            if progress:
                progress(done, len(tasks))
    return results  # type: ignore[return-value]


class ManualGC:
    """Run the cyclic garbage collector by hand while linting many files.

    Every parse tree is full of parent/child cycles, and the automatic collector
    re-scans the live tree of the file being linted every 700 allocations: about a
    fifth of the parse time.  Collecting once every few megabytes of files frees the
    same garbage for a fraction of the cost, and memory stays bounded.  Objects that
    exist before the run (modules, rules) are frozen out of the collector's sight.
    """

    EVERY_BYTES = 2 << 20
    EVERY_FILES = 100

    def __init__(self) -> None:
        self.bytes = self.files = 0
        self.was_enabled = gc.isenabled()

    def __enter__(self) -> ManualGC:
        gc.freeze()
        gc.disable()
        return self

    def after(self, task: Task) -> None:
        self.bytes += task.size
        self.files += 1
        if self.bytes >= self.EVERY_BYTES or self.files >= self.EVERY_FILES:
            # Generation 0 holds everything allocated since the last pass (automatic
            # collection is off), so this frees all new garbage without re-scanning
            # the results kept so far: the cost stays linear in the run.
            gc.collect(0)
            self.bytes = self.files = 0

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()
        if self.was_enabled:
            gc.enable()


_WORKER_GC: ManualGC | None = None


def _start_worker(job: Job) -> None:
    """A worker process lives for one run: its collector stays in manual mode until it exits."""
    global _WORKER_GC
    _init_worker(job)
    _WORKER_GC = ManualGC().__enter__()


def _process_chunk(tasks: list[Task]) -> list[FileResult]:
    results = []
    for task in tasks:
        results.append(process(task))
        if _WORKER_GC is not None:
            _WORKER_GC.after(task)
    return results


def _chunks(tasks: list[Task], workers: int) -> list[list[int]]:
    """Task indexes in chunks of similar byte size, largest files first.

    Big files go first so no worker is left with a 0.5 MB article at the end while
    the others idle; later chunks group many small files to save round trips.
    Results are put back in task order, so output never depends on this.
    """
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].size)
    target = max(1, sum(t.size for t in tasks) // (workers * 24))
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in order:
        current.append(i)
        size += tasks[i].size
        if size >= target or len(current) >= 64:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _corpus_phase(results: list[FileResult], job: Job, progress=None) -> None:
    """Run every corpus rule once over the facts all files collected."""
    by_code: dict[str, dict[str, str]] = {}
    for r in results:
        for code in r.corpus_rules:
            by_code.setdefault(code, {})[r.display] = r.facts[code]
    if not by_code:
        return
    index = {r.display: r for r in results}
    listings: dict[tuple[str, ...], ProjectFiles] = {}
    for number, (code, texts) in enumerate(sorted(by_code.items())):
        if progress:
            progress("cross-file rules", number, len(by_code))
        facts = {display: json.loads(text) for display, text in texts.items()}  # one rule's at a time
        first = index[next(iter(facts))]
        rule, options = _corpus_rule(first, code, job)
        if rule is None:
            continue
        if getattr(rule, "needs_files", False):
            key = tuple(facts)
            if key not in listings:  # one walk per set of files, shared by the rules that need it
                listings[key] = project_files([index[d] for d in facts], job)
            options = {**options, PROJECT_FILES: listings[key]}
        if getattr(rule, "needs_root", False):
            settings = settings_for(Path(first.path), job)
            options = {**options, PROJECT_ROOT: str(settings.root) if settings.source is not None else os.getcwd()}
        try:
            for display, d in rule.check_corpus(facts, options):
                index[display].diagnostics.append(d)
        except Exception as exc:  # noqa: BLE001
            msg = f"corpus rule {code} crashed: {type(exc).__name__}: {exc}; please report it"
            first.diagnostics.append(Diagnostic(engine.INTERNAL_CODE, engine.INTERNAL_NAME, msg, 0, 0, Severity.ERROR, None, 1, 1, 1, 1))


def corpus_phase(results: list[FileResult], job: Job) -> None:
    """The cross-file rules over `results`' facts, their findings added to each result."""
    _corpus_phase(results, job)


MAX_PROJECT_FILES = 500_000


def project_files(results: list[FileResult], job: Job) -> ProjectFiles:
    """Every file under the project root of `results` (for rules that resolve local links).

    The root is the config's folder when all files share one config; otherwise the
    common folder of the files (flagged as a guess with root_known=False).
    """
    paths = [Path(os.path.abspath(r.display)) if r.stdin else Path(r.path) for r in results]
    settings = [settings_for(p, job) for p in paths]
    roots = {s.root for s in settings}
    if len(roots) == 1 and all(s.source is not None for s in settings):
        root, known = roots.pop(), True
    else:
        root, known = Path(os.path.commonpath([str(p.parent) for p in paths])), False
    exclude = _patterns(settings[0], "exclude") + _patterns(settings[0], "extend-exclude")
    sources = {r.display: _relpath(p, root) for r, p in zip(results, paths)}
    return ProjectFiles(None, sources, known, load=lambda: _walk_project(root, exclude))


def _walk_project(root: Path, exclude: list) -> tuple[str, ...]:
    files: list[str] = []
    visited: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(root, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in visited:  # a symlink loop
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        rel_folder = _relpath(Path(folder), root)
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not _always_excluded(d) and not any(p.match(prefix + d) for p in exclude))
        files.extend(prefix + n for n in names if not any(p.match(prefix + n) for p in exclude))
        if len(files) > MAX_PROJECT_FILES:
            break
    return tuple(sorted(files))


def _corpus_rule(result: FileResult, code: str, job: Job):
    path = Path(result.path)
    ruleset = cfg.ruleset(settings_for(path, job), job.overrides)
    for rule, options in ruleset.rules:
        if rule.code == code:
            return rule, options
    return None, None


def _apply_corpus_fixes(results: list[FileResult], job: Job) -> None:
    for r in results:
        allowed = [
            d
            for d in r.diagnostics
            if d.fix is not None
            and d.code in r.corpus_rules
            and job.may_fix(d.code)
            and (job.unsafe or d.fix.applicability is Applicability.SAFE)
        ]
        if not allowed or (r.new_text is None and not _reload(r, allowed)):
            continue
        if r.cached and not _facts_still_hold(r, allowed, job):
            continue
        batch = non_overlapping(allowed)
        new = apply_edits(r.new_text, (e for d in batch for e in d.fix.edits))  # type: ignore[union-attr]
        why = verify(r.new_text, new, batch)
        if why is not None:
            r.rejected.extend(Rejected(d, why) for d in batch)
            continue
        r.new_text = new
        r.applied.extend(batch)
        done = {id(d) for d in batch}
        r.diagnostics = [d for d in r.diagnostics if id(d) not in done]


def _facts_still_hold(r: FileResult, fixes: list[Diagnostic], job: Job) -> bool:
    """A corpus fix places its edits by the facts of its file; facts that came from the
    cache are collected again from the text about to be edited and must be the same
    (a forged or damaged cache entry never decides what is written)."""
    codes = {d.code for d in fixes}
    settings = settings_for(r.path, job)
    doc = Document(r.new_text or "", r.relpath)
    for rule, options in cfg.ruleset(settings, job.overrides).rules_for(r.relpath):
        if rule.code in codes and isinstance(rule, CorpusRule):
            try:
                fresh = json.dumps(rule.collect(doc, options), ensure_ascii=False, separators=(",", ":"))
            except Exception:  # noqa: BLE001 - the rule's crash is reported where it is linted
                fresh = None
            if fresh != r.facts.get(rule.code):
                why = "the cached facts do not match the file; not fixed (run again with --no-cache)"
                r.rejected.extend(Rejected(d, why) for d in fixes)
                return False
    return True


def _reload(r: FileResult, fixes: list[Diagnostic]) -> bool:
    """Read back a file whose text was dropped as unchanged, if it is still what was linted."""
    why = None
    try:
        data = read_regular_file(r.path, cfg.MAX_FILE_SIZE_LIMIT)
        if result_cache.digest(data) != r.sha:
            why = "the file changed on disk while omnilint ran"
    except (OSError, TooLarge, NotRegular) as exc:
        why = f"cannot read it again: {getattr(exc, 'strerror', None) or exc}"
    if why is not None:
        r.rejected.extend(Rejected(d, why) for d in fixes)
        return False
    decoded = decode(data)
    r.original, r.new_text, r.bom = data, decoded.text, decoded.bom
    return True


def write_results(results: list[FileResult], roots: Iterable[str] | None = None, progress=None) -> None:
    """Write every changed file atomically (fix --write).

    With `roots` (the paths the user named), a file whose real location is outside
    all of them (reached through a symbolic link) is reported, never written.
    Temporary files that an interrupted omnilint run left (writer.is_stale_temp: our
    exact name pattern, a regular file, over an hour old) are removed only in the
    folders this run writes to.
    """
    from .writer import StaleFileError, remove_stale_temps, write_atomic

    allowed = [os.path.realpath(p) for p in roots] if roots is not None else None
    to_write = []
    for r in results:
        if not r.changed or r.stdin:
            continue
        if allowed is not None and not _inside(os.path.realpath(r.path), allowed):
            _write_failed(r, "not written: it is a symbolic link to a file outside the paths given")
            continue
        to_write.append(r)
    for folder in sorted({os.path.dirname(os.path.realpath(r.path)) for r in to_write}):
        remove_stale_temps(Path(folder))
    for number, r in enumerate(to_write):
        if progress:
            progress("writing", number, len(to_write))
        try:
            write_atomic(Path(r.path), encode(r.new_text, r.bom), r.original)  # type: ignore[arg-type]
            r.written = True
        except (StaleFileError, OSError) as exc:
            _write_failed(r, str(exc) if isinstance(exc, StaleFileError) else f"cannot write: {exc.strerror or exc}")


def _write_failed(r: FileResult, why: str) -> None:
    """A file whose fixes could not be written: the reason is a finding (every output format
    shows it, and the run exits 1), and its fixes count as not applied."""
    n = len(r.applied)
    r.write_error = why
    message = f"{why} ({n} fix{'es' * (n != 1)} not applied)" if n else why
    r.diagnostics.insert(0, Diagnostic(WRITE_CODE, WRITE_NAME, message, 0, 0, Severity.ERROR, None, 1, 1, 1, 1))
    r.applied = []


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
