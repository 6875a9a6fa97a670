"""Files checked in worker processes: how many workers, which files each gets, the pool.

Results come back as plain data in task order, so output never depends on scheduling.
A worker process builds its own Session from the Job in the pool's initializer (the
one place per process that holds it: the pool calls plain functions) and lives for one run.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .files import FileResult, Task
from .session import Job, Session

if TYPE_CHECKING:
    from .spill import Spill

PARALLEL_THRESHOLD = 64  # below this, starting worker processes costs more than it saves
FILES_PER_WORKER = 32  # never start a worker for fewer files than this


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


def run_parallel(
    tasks: list[Task], job: Job, workers: int, progress, share=None, spill: Spill | None = None
) -> list[FileResult]:
    """Every task's result, in task order, from `workers` processes; `progress(done, total)`
    is called as chunks finish; `share` (cache.Strings) keeps one object per equal string of
    the findings; `spill`: the findings go there in the workers' compact form, never decoded
    here."""
    from .cache import Strings

    share = share if share is not None else Strings()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    results: list[FileResult | None] = [None] * len(tasks)
    done = 0
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        chunk_of = {pool.submit(_process_chunk, [tasks[i] for i in chunk]): chunk for chunk in chunks(tasks, workers)}
        for future in as_completed(chunk_of):  # progress as chunks finish, not in submission order
            chunk = chunk_of[future]
            items = future.result()
            for i, result in zip(chunk, items):
                results[i] = _expand(result, share, spill)
            # The future keeps this very list until the pool closes (as_completed holds every
            # future): emptied, the chunk's packed findings are freed now, not at the end.
            items.clear()
            done += len(chunk)
            if progress:
                progress(done, len(tasks))
    return results  # type: ignore[return-value]


class _Worker:
    """A worker process's Session, made by the pool's initializer."""

    session: Session | None = None


def _start_worker(job: Job) -> None:
    """A worker process lives for one run, with its own Session (settings, rule sets, cache handle)."""
    _Worker.session = Session(job)
    if _Worker.session.cache is not None:
        _Worker.session.cache.quiet = True  # the parent says why a cache is unusable, once


def _process_chunk(tasks: list[Task]) -> list[FileResult]:
    from .pipeline import process

    session = _Worker.session
    assert session is not None, "the pool's initializer makes the session"
    results = []
    for task in tasks:
        results.append(process(task, session))
    if session.cache is not None:
        session.cache.flush()  # one short transaction per chunk: the other worker's waits stay short
    return [_compact(r) for r in results]


def _compact(result: FileResult):
    """A result to send to the parent: its findings as one string in the result cache's compact
    form (pickling ~20 Diagnostic objects per file, with their fixes and edits, and unpickling
    them cost ~1 CPU s per 2,000 real files; this costs a quarter of that).  Findings whose
    data is not JSON stay objects."""
    from .cache import pack_diagnostics

    try:
        packed = pack_diagnostics(result.diagnostics)
    except (TypeError, ValueError):
        return result
    result.diagnostics = []
    return (result, packed)


def _expand(item, share, spill: Spill | None = None) -> FileResult:
    if isinstance(item, FileResult):
        return spill.keep(item) if spill is not None else item
    result, packed = item
    result.corpus_rules = [share(code) for code in result.corpus_rules]  # unpickled: one copy per file otherwise
    if spill is not None:
        return spill.keep(result, packed)
    from .cache import unpack_diagnostics

    result.diagnostics = unpack_diagnostics(packed, share)
    return result


def chunks(tasks: list[Task], workers: int) -> list[list[int]]:
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
