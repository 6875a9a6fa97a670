"""A whole run: find the files, check (or fix) each, run the cross-file rules, write.

The steps live in their own modules, and this one only strings them together:
discovery (which files), pipeline (one file's life), parallel (worker processes),
corpus (the cross-file phase and its fixes).  Everything a run works out along the way
is in its Session (omnilint.session), passed explicitly; nothing is kept in module globals.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import config as cfg
from . import parallel
from .corpus import apply_corpus_fixes, corpus_phase, project_files
from .discovery import Discovery, discover_files, display_path, relative_path
from .files import (
    IO_CODE,
    SIZE_CODE,
    STDIN,
    WRITE_CODE,
    WRITE_NAME,
    FileResult,
    NotRegular,
    Task,
    TooLarge,
    read_regular_file,
)  # fmt: skip
from .model import Diagnostic, Severity
from .pipeline import locate_edits, lookup, process
from .session import Job, Session
from .spill import Spill
from .text import encode

__all__ = [
    "IO_CODE", "SIZE_CODE", "STDIN", "WRITE_CODE", "Discovery", "FileResult", "Job", "NotRegular", "RunResult",
    "Session", "Spill", "Task", "TooLarge", "corpus_phase", "discover_files", "display_path", "locate_edits",
    "lookup", "process", "project_files", "read_regular_file", "relative_path", "run", "write_results",
]  # fmt: skip


@dataclass
class RunResult:
    """The files of a run, sorted by display path, and their findings.  With `spill` the
    findings are on disk (a check from the CLI): `diagnostics` reads them back one file at a
    time, sorted as an in-memory run sorts them, and `restrict` (Job.restrict_fixes) applies
    --fixable/--unfixable as they are read."""

    files: list[FileResult]
    checked: int
    spill: Spill | None = None
    restrict: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None
    _codes: frozenset[str] | None = field(default=None, init=False, repr=False)

    @property
    def diagnostics(self) -> Iterator[tuple[FileResult, Diagnostic]]:
        """Every finding with its file, in report order.  A complete pass notes the codes it
        saw (`codes`), so the exit status needs no second pass over findings on disk."""
        seen: set[str] = set()
        for f in self.files:
            for d in self.findings(f):
                seen.add(d.code)
                yield f, d
        self._codes = frozenset(seen)

    def findings(self, f: FileResult) -> list[Diagnostic]:
        """The findings of `f`, sorted by position and code."""
        if self.spill is None:
            return f.diagnostics
        found = self.spill.load(f)
        if self.restrict is not None:
            self.restrict(found)
        found.sort(key=Diagnostic.sort_key)  # stable: per-file findings first, then the corpus rules', as found
        return found

    @property
    def codes(self) -> frozenset[str]:
        """The codes of all findings (from the last complete pass over them, else one now)."""
        if self._codes is None:
            for _ in self.diagnostics:
                pass
        assert self._codes is not None
        return self._codes


def _lint_afresh(job: Job, result: FileResult) -> list[Diagnostic]:
    """The file's own findings as a run without the cache finds them (for a cache entry whose
    stored findings turned out not to decode when the report read them)."""
    fresh = Session(replace(job, cache_dir=None))
    return process(Task(result.path, result.display), fresh).diagnostics


def run(
    paths: list[str],
    job: Job,
    jobs: int | None = None,
    stdin: Task | None = None,
    progress=None,
    session: Session | None = None,
    spill: Spill | None = None,
) -> RunResult:
    """Check (or fix) every file under `paths`.  `session`: the run's state (a new one from
    `job` when not given).  `progress(phase, done, total)`, if given, is called as the work
    moves: "finding files", "checking" per file, "cross-file rules" per corpus rule.
    `spill` (check mode): each file's findings go to disk once final; the caller closes it
    after reading the report from the RunResult."""
    session = session if session is not None else Session(job)
    if spill is not None:
        if job.mode != "check":
            raise ValueError("findings are spilled in check mode only (fix mode edits them after the corpus phase)")
        session.spill = spill
        if session.cache is not None:
            session.cache.share = False
            # Cached findings are decoded once, by the report (not also at lookup to prove them
            # valid); one that does not decode then is linted afresh.
            session.cache.decode_findings = False
            spill.recover = partial(_lint_afresh, job)
    if progress:
        progress("finding files", 0, 0)
    found = Discovery([stdin]) if stdin is not None else discover_files(paths, session)
    tasks = found.files
    per_file = (lambda done, total: progress("checking", done, total)) if progress else None
    results = _process_all(tasks, session, jobs, per_file)
    corpus_phase(results, session, progress)
    if session.cache is not None:
        session.cache.close()  # this process's new entries and corpus results in one transaction; handles released
    if job.mode == "fix":
        apply_corpus_fixes(results, session)
    results.extend(found.problems)
    results.sort(key=lambda r: r.display)
    if spill is not None:
        for r in results:
            spill.keep(r)  # the corpus rules' findings and late problems: after the file's own
        return RunResult(results, len(tasks), spill, job.restrict_fixes)
    for r in results:
        job.restrict_fixes(r.diagnostics)
        r.diagnostics.sort(key=Diagnostic.sort_key)
    return RunResult(results, len(tasks))


def _process_all(tasks: list[Task], session: Session, jobs: int | None, progress) -> list[FileResult]:
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
    if tasks and _cache_has_entries(tasks[0], session):
        todo = []
        for i, task in enumerate(tasks):
            results[i] = lookup(task, session)
            if results[i] is None:
                todo.append(i)
            else:
                done += 1
                if progress:
                    progress(done, len(tasks))
    workers = parallel.worker_count(jobs, len(todo))
    if workers > 1:
        if session.cache is not None:
            # No database connection may cross a fork (SQLite's rule): close ours; it
            # reopens for the corpus phase.  Workers open their own.
            session.cache.close()
        report = (lambda n, _: progress(done + n, len(tasks))) if progress else None
        found = parallel.run_parallel(
            [tasks[i] for i in todo], session.job, workers, report, session.strings, session.spill
        )
        for i, result in zip(todo, found):
            results[i] = result  # its findings' strings are shared with the run's (run_parallel)
    else:
        for i in todo:
            results[i] = process(tasks[i], session)
            done += 1
            if progress:
                progress(done, len(tasks))
    return results  # type: ignore[return-value]


def _cache_has_entries(task: Task, session: Session) -> bool:
    """Open the cache scope before any linting; True when it holds entries (hits are likely)."""
    if session.cache is None or task.path == STDIN:
        return False
    try:
        scope = session.cache.scope(session.ruleset_for(task.path), session.vault_for(task.path))
    except cfg.ConfigError:
        return False  # process() reports it per file
    return scope is not None and session.cache.has_entries(scope)


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
