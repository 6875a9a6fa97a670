"""One file's life: read it, decode it, lint (or fix) it, collect its corpus facts, cache it.

`lookup` answers from the result cache alone (or with the problem that makes the file
unreadable); `process` does the whole work.  Both never raise for bad input: a file that
cannot be checked is an IO finding.  A cached entry never supplies an edit: the cache folder
may be forged, so every edit that is written is derived from the bytes just read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from . import cache as result_cache
from . import config as cfg
from . import engine
from .codes import CONFIG_ERROR
from .discovery import relative_path
from .document import Document
from .files import SIZE_CODE, SIZE_NAME, STDIN, FileResult, NotRegular, Task, TooLarge, io_problem, read_regular_file
from .fixer import fix_text
from .model import Applicability, Diagnostic
from .rule import CorpusRule
from .session import Job, Session
from .text import Decoded, UndecodableError, decode, encode


@dataclass
class _Read:
    """A file read and decoded, with the rules that govern it and what the cache holds for it."""

    ruleset: cfg.RuleSet
    relpath: str
    data: bytes
    decoded: Decoded
    result: FileResult  # filled in by lookup / process
    scope: str | None  # the cache scope (None: no cache for this file)
    entry: result_cache.Entry | None  # a usable cache entry


def _read(task: Task, session: Session) -> _Read | FileResult:
    """The file ready to lint, or the FileResult with the problem that stops it."""
    job = session.job
    if task.path == STDIN:
        path = os.path.abspath(task.display)
        data: bytes | None = (task.stdin_text or "").encode("utf-8")
    else:
        path, data = task.path, None
    try:
        settings = session.settings_for(path)
        ruleset = session.ruleset(settings)
    except cfg.ConfigError as exc:
        return io_problem(task.display, str(exc), CONFIG_ERROR.code, CONFIG_ERROR.name)
    relpath = relative_path(path, settings.root)
    if data is None:
        limit = settings.get("max-file-size")
        try:
            data = read_regular_file(path, limit)
        except TooLarge as exc:
            return io_problem(task.display, f"{exc}, above max-file-size ({limit}); skipped", SIZE_CODE, SIZE_NAME)
        except NotRegular as exc:
            return io_problem(task.display, f"not a regular file ({exc}); skipped")
        except OSError as exc:
            return io_problem(task.display, f"cannot read: {exc.strerror or exc}")
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        return io_problem(task.display, str(exc))
    result = FileResult(task.display, relpath, task.path, stdin=task.path == STDIN)
    cache = session.cache
    scope = cache.scope(ruleset) if cache is not None and not result.stdin else None
    if scope is not None or job.mode == "fix":
        result.sha = result_cache.digest(data)
    entry = None
    if cache is not None and scope is not None:
        found = cache.load(scope, task.path, relpath, result.sha)
        # In fix mode a hit only helps when there is nothing to fix: then the fixer would change nothing.
        if found is not None and (job.mode == "check" or not _fixable(found.diagnostics, job.unsafe)):
            entry = found
    return _Read(ruleset, relpath, data, decoded, result, scope, entry)


def lookup(task: Task, session: Session) -> FileResult | None:
    """The file's result without linting: from the cache, or the problem that stops it; None
    when it must be linted."""
    read = _read(task, session)
    if isinstance(read, FileResult):
        return read
    if read.entry is None:
        return None
    _from_entry(read.result, read.entry, read.data, read.decoded, session.job)
    return read.result


def process(task: Task, session: Session) -> FileResult:
    """Read, decode, lint and (in fix mode) fix one file; the cache answers when it can."""
    read = _read(task, session)
    if isinstance(read, FileResult):
        return read
    result, job = read.result, session.job
    if read.entry is not None:
        _from_entry(result, read.entry, read.data, read.decoded, job)
        return result
    facts_json = _lint(result, read.ruleset.rules_for(read.relpath), read.data, read.decoded, job)
    if session.cache is not None and read.scope is not None and _storable(result, job):
        new_text = result.new_text
        sha = result.sha if new_text is None or not result.changed else result_cache.digest(encode(new_text, result.bom))
        entry_text = result_cache.entry_json(read.relpath, sha, result.diagnostics, facts_json, result.corpus_rules)
        session.cache.store(read.scope, task.path, entry_text)
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
    facts = collect_facts(result, doc, corpus)
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


def collect_facts(result: FileResult, doc: Document, corpus: list[tuple[CorpusRule, dict]]) -> str:
    """Each corpus rule's facts as JSON text, kept as text until the corpus phase: cached,
    uncached, serial and parallel runs then feed it exactly the same data (tuples become
    lists everywhere), and 20,000 files' facts take a fifth of the memory decoded ones would.
    Returns the mapping for the cache entry."""
    for rule, options in corpus:
        try:
            encoded = json.dumps(rule.collect(doc, options), ensure_ascii=False, separators=(",", ":"))
        except Exception as exc:  # noqa: BLE001 - a crash (or facts that are not JSON) is the rule's bug
            result.diagnostics.append(engine.internal_error(doc, rule, exc))
            continue
        result.facts[rule.code] = encoded
        result.corpus_rules.append(rule.code)
    _one_copy(result.facts)
    return json.dumps(result.facts, ensure_ascii=False, separators=(",", ":"))


def _fixable(diagnostics: list[Diagnostic], unsafe: bool) -> bool:
    return any(d.fix is not None and (unsafe or d.fix.applicability is Applicability.SAFE) for d in diagnostics)


def _from_entry(result: FileResult, entry: result_cache.Entry, data: bytes, decoded: Decoded, job: Job) -> None:
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
