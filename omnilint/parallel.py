"""Files checked in worker processes: how many workers, which files each gets, the pool.

Results come back as plain data in task order, so output never depends on scheduling.
A worker process builds its own Session from the Job in the pool's initializer (the
one place per process that holds it: the pool calls plain functions) and lives for one run.
"""

from __future__ import annotations

import gc
import os
import sys

from .files import FileResult, Task
from .session import Job, Session

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


def run_parallel(tasks: list[Task], job: Job, workers: int, progress) -> list[FileResult]:
    """Every task's result, in task order, from `workers` processes; `progress(done, total)`
    is called as chunks finish."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    results: list[FileResult | None] = [None] * len(tasks)
    done = 0
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        chunk_of = {pool.submit(_process_chunk, [tasks[i] for i in chunk]): chunk for chunk in chunks(tasks, workers)}
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


class _Worker:
    """A worker process's Session and collector, made by the pool's initializer."""

    session: Session | None = None
    collector: ManualGC | None = None


def _start_worker(job: Job) -> None:
    """A worker process lives for one run: its collector stays in manual mode until it exits."""
    _Worker.session = Session(job)
    _Worker.collector = ManualGC().__enter__()


def _process_chunk(tasks: list[Task]) -> list[FileResult]:
    from .pipeline import process

    session = _Worker.session
    assert session is not None, "the pool's initializer makes the session"
    results = []
    for task in tasks:
        results.append(process(task, session))
        if _Worker.collector is not None:
            _Worker.collector.after(task)
    return results


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
