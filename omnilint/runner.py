"""Walk paths, read and decode, lint (and fix) each file, then the corpus phase.

Files are processed in worker processes when there are many; results come back
as plain data and are ordered by path, so output never depends on scheduling.
One bad file (unreadable, binary, undecodable, too large) becomes an IO finding
and the run goes on.
"""

from __future__ import annotations

import difflib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import config as cfg
from . import engine
from .document import Document
from .fixer import Rejected, apply_edits, non_overlapping, verify
from .model import Applicability, Diagnostic, Severity
from .rule import CorpusRule
from .text import UndecodableError, decode, encode

IO_CODE = "IO001"
IO_NAME = "unreadable-file"
SIZE_CODE = "IO002"
SIZE_NAME = "file-too-large"
STDIN = "-"


@dataclass(frozen=True)
class Job:
    """What to do with every file; the same in every worker process."""

    mode: str = "check"  # check | fix
    unsafe: bool = False
    overrides: cfg.Overrides = cfg.Overrides()
    config_file: str | None = None
    want_diff: bool = False


@dataclass(frozen=True)
class Task:
    path: str  # absolute path ("-" for stdin)
    display: str  # what reports show
    stdin_text: str | None = None


@dataclass
class FileResult:
    display: str
    relpath: str
    path: str = ""  # absolute path; "" for problems found before reading
    diagnostics: list[Diagnostic] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
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

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.original is not None and encode(self.new_text, self.bom) != self.original

    def diff(self) -> str:
        if not self.changed:
            return ""
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
_EXPLICIT_SETTINGS: dict[str, cfg.Settings] = {}


def _init_worker(job: Job) -> None:
    global _JOB
    _JOB = job


def settings_for(path: Path, job: Job) -> cfg.Settings:
    if job.config_file:
        cached = _EXPLICIT_SETTINGS.get(job.config_file)
        if cached is None:
            cached = _EXPLICIT_SETTINGS[job.config_file] = cfg.read_file(Path(job.config_file))
        return cached
    return cfg.discover(path.parent)


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# -- file discovery ---------------------------------------------------------


@dataclass
class Discovery:
    files: list[Task] = field(default_factory=list)
    problems: list[FileResult] = field(default_factory=list)


def display_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def discover_files(paths: Iterable[str], job: Job) -> Discovery:
    found = Discovery()
    seen: set[str] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path.is_symlink() and not path.exists():
            found.problems.append(_io_problem(display_path(path), "broken symbolic link"))
        elif path.is_dir():
            for file in _walk(path, job, found):
                if str(file) not in seen:
                    seen.add(str(file))
                    found.files.append(Task(str(file), display_path(file)))
        elif path.exists():
            if str(path) not in seen:  # named explicitly: checked whatever its name
                seen.add(str(path))
                found.files.append(Task(str(path), display_path(path)))
        else:
            found.problems.append(_io_problem(display_path(path), "no such file or directory"))
    found.files.sort(key=lambda t: t.display)
    return found


def _patterns(settings: cfg.Settings, key: str) -> list:
    return [cfg.glob_to_regex(g) for g in settings.get(key)]


def _walk(top: Path, job: Job, found: Discovery) -> Iterator[Path]:
    stack = [top]
    visited: set[tuple[int, int]] = set()
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in visited:
                continue  # a symlink loop
            visited.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.problems.append(_io_problem(display_path(folder), f"cannot read folder: {exc.strerror or exc}"))
            continue
        settings = settings_for(folder / "_", job)
        include = _patterns(settings, "include")
        exclude = _patterns(settings, "exclude") + _patterns(settings, "extend-exclude")
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            rel = _relpath(path, settings.root)
            if any(p.match(rel) for p in exclude):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks; loops are caught above
            except OSError:
                is_dir = False
            if is_dir:
                subfolders.append(path)
            elif any(p.match(entry.name) for p in include):
                if entry.is_symlink() and not path.exists():
                    found.problems.append(_io_problem(display_path(path), "broken symbolic link"))
                else:
                    yield path
        stack.extend(reversed(subfolders))


def _io_problem(display: str, message: str, code: str = IO_CODE, name: str = IO_NAME) -> FileResult:
    d = Diagnostic(code, name, message, 0, 0, Severity.ERROR, None, 1, 1, 1, 1)
    return FileResult(display, display, diagnostics=[d])


# -- one file -----------------------------------------------------------------


def process(task: Task) -> FileResult:
    """Read, decode, lint and (in fix mode) fix one file. Never raises for bad input."""
    job = _JOB
    if task.path == STDIN:
        path = Path(os.path.abspath(task.display))
        data = (task.stdin_text or "").encode("utf-8")
    else:
        path = Path(task.path)
        data = None
    try:
        settings = settings_for(path, job)
        ruleset = cfg.ruleset(settings, job.overrides)
    except cfg.ConfigError as exc:
        return _io_problem(task.display, str(exc), "CFG001", "config-error")
    relpath = _relpath(path, settings.root)
    if data is None:
        try:
            size = path.stat().st_size
            limit = settings.get("max-file-size")
            if size > limit:
                return _io_problem(
                    task.display, f"file is {size} bytes, above max-file-size ({limit}); skipped", SIZE_CODE, SIZE_NAME
                )
            data = path.read_bytes()
        except OSError as exc:
            return _io_problem(task.display, f"cannot read: {exc.strerror or exc}")
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        return _io_problem(task.display, str(exc))
    rules = ruleset.rules_for(relpath)
    file_rules = engine.per_file(rules)
    corpus = [(r, o) for r, o in rules if isinstance(r, CorpusRule)]
    result = FileResult(task.display, relpath, task.path, stdin=task.path == STDIN)
    text = decoded.text
    if job.mode == "fix":
        fixed = engine.fix(text, file_rules, relpath, job.unsafe)
        result.original, result.new_text, result.bom = data, fixed.text, decoded.bom
        result.applied, result.rejected = fixed.applied, fixed.rejected
        result.diagnostics = fixed.remaining
        text = fixed.text
        doc = Document(text, relpath)
    else:
        doc = Document(text, relpath)
        result.diagnostics = engine.lint(doc, file_rules)
    locate_edits(doc, result.diagnostics)
    for rule, options in corpus:
        try:
            result.facts[rule.code] = rule.collect(doc, options)
            result.corpus_rules.append(rule.code)
        except Exception as exc:  # noqa: BLE001
            result.diagnostics.append(engine.internal_error(doc, rule, exc))
    return result


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


PARALLEL_THRESHOLD = 64


def run(paths: list[str], job: Job, jobs: int | None = None, stdin: Task | None = None, progress=None) -> RunResult:
    if stdin is not None:
        found = Discovery([stdin])
    else:
        found = discover_files(paths, job)
    tasks = found.files
    workers = max(1, jobs or os.cpu_count() or 1)
    results: list[FileResult]
    if workers > 1 and len(tasks) >= PARALLEL_THRESHOLD:
        results = _run_parallel(tasks, job, workers, progress)
    else:
        _init_worker(job)
        results = []
        for i, task in enumerate(tasks):
            results.append(process(task))
            if progress:
                progress(i + 1, len(tasks))
    _corpus_phase(results, job)
    if job.mode == "fix":
        _apply_corpus_fixes(results, job)
    results.extend(found.problems)
    results.sort(key=lambda r: r.display)
    for r in results:
        r.diagnostics.sort(key=Diagnostic.sort_key)
    return RunResult(results, len(tasks))


def _run_parallel(tasks: list[Task], job: Job, workers: int, progress) -> list[FileResult]:
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    chunk = max(4, min(64, len(tasks) // (workers * 8) or 1))
    results = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(job,)) as pool:
        for i, result in enumerate(pool.map(process, tasks, chunksize=chunk)):
            results.append(result)
            if progress:
                progress(i + 1, len(tasks))
    return results


def _corpus_phase(results: list[FileResult], job: Job) -> None:
    """Run every corpus rule once over the facts all files collected."""
    by_code: dict[str, dict[str, Any]] = {}
    for r in results:
        for code in r.corpus_rules:
            by_code.setdefault(code, {})[r.display] = r.facts[code]
    if not by_code:
        return
    index = {r.display: r for r in results}
    for code, facts in sorted(by_code.items()):
        first = index[next(iter(facts))]
        rule, options = _corpus_rule(first, code, job)
        if rule is None:
            continue
        try:
            for display, d in rule.check_corpus(facts, options):
                index[display].diagnostics.append(d)
        except Exception as exc:  # noqa: BLE001
            msg = f"corpus rule {code} crashed: {type(exc).__name__}: {exc}; please report it"
            first.diagnostics.append(Diagnostic(engine.INTERNAL_CODE, engine.INTERNAL_NAME, msg, 0, 0, Severity.ERROR, None, 1, 1, 1, 1))


def _corpus_rule(result: FileResult, code: str, job: Job):
    path = Path(result.path)
    ruleset = cfg.ruleset(settings_for(path, job), job.overrides)
    for rule, options in ruleset.rules:
        if rule.code == code:
            return rule, options
    return None, None


def _apply_corpus_fixes(results: list[FileResult], job: Job) -> None:
    for r in results:
        if r.new_text is None:
            continue
        allowed = [
            d
            for d in r.diagnostics
            if d.fix is not None
            and d.code in r.corpus_rules
            and (job.unsafe or d.fix.applicability is Applicability.SAFE)
        ]
        if not allowed:
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


def write_results(results: list[FileResult]) -> None:
    """Write every changed file atomically (fix --write)."""
    from .writer import StaleFileError, write_atomic

    for r in results:
        if not r.changed or r.stdin:
            continue
        try:
            write_atomic(Path(r.path), encode(r.new_text, r.bom), r.original)  # type: ignore[arg-type]
            r.written = True
        except (StaleFileError, OSError) as exc:
            r.write_error = str(exc) if isinstance(exc, StaleFileError) else f"cannot write: {exc.strerror or exc}"
