"""One file's life: read it, decode it, lint (or fix) it, collect its corpus facts, cache it.

`lookup` answers from the result cache alone (or with the problem that makes the file
unreadable); `process` does the whole work.  Both never raise for bad input: a file that
cannot be checked is an IO finding.  A cached entry never supplies an edit: the cache folder
may be forged, so every edit that is written is derived from the bytes just read.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

from . import cache as result_cache
from . import config as cfg
from . import engine
from .codes import CONFIG_ERROR
from .discovery import relative_path
from .document import Document
from .files import SIZE_CODE, SIZE_NAME, STDIN, FileResult, NotRegular, Task, TooLarge, io_problem, read_regular_file
from .fixer import fix_in_stages
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
    vault: str = "obsidian"  # the file's vault kind (discovery.vault_kind): a Logseq page parses as an outline
    stat: tuple | None = None  # store.stat_key of the file, taken before it was read (None: not recorded)


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
    key = None
    if data is None:
        limit = settings.get("max-file-size")
        try:
            # Size and times before the read: a change after it can only make them differ.
            key = _stat_key(path) if session.cache is not None else None
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
    vault = session.vault_for(path)
    scope = cache.scope(ruleset, vault) if cache is not None and not result.stdin else None
    if not result.stdin:  # what the cache keys, and what a corpus fix or its edits' places are checked against
        result.sha = result_cache.digest(data)
    entry = None
    if cache is not None and scope is not None:
        found = cache.load(scope, task.path, relpath, result.sha, key)
        # In fix mode a hit only helps when there is nothing to fix: then the fixer would change nothing.
        if found is not None and (job.mode == "check" or not _fixable(found.diagnostics, job.unsafe)):
            entry = found
    return _Read(ruleset, relpath, data, decoded, result, scope, entry, vault, key)


def lookup(task: Task, session: Session) -> FileResult | None:
    """The file's result without linting: from the cache, or the problem that stops it; None
    when it must be linted."""
    unchanged = _lookup_unchanged(task, session)
    if unchanged is not None:
        return unchanged
    read = _read(task, session)
    if isinstance(read, FileResult):
        return _spill(read, session)
    if read.entry is None:
        return None
    _from_entry(read.result, read.entry, read.data, read.decoded, session)
    return read.result


def _stat_key(path: str) -> tuple | None:
    from .store import stat_key

    try:
        return stat_key(os.stat(path))
    except OSError:
        return None


def _lookup_unchanged(task: Task, session: Session) -> FileResult | None:
    """The cached result of a file whose size, mtime and ctime are those recorded with its
    content hash: it is not read, decoded or hashed.  None: the normal path decides."""
    cache = session.cache
    if cache is None or task.path == STDIN:
        return None
    try:
        settings = session.settings_for(task.path)
        scope = cache.scope(session.ruleset(settings), session.vault_for(task.path))
        st = os.stat(task.path)
    except (cfg.ConfigError, OSError):
        return None  # _read reports it
    if scope is None or not stat.S_ISREG(st.st_mode) or st.st_size > settings.get("max-file-size"):
        return None
    relpath = relative_path(task.path, settings.root)
    entry = cache.load_unchanged(scope, task.path, relpath, st)
    if entry is None or (session.job.mode == "fix" and _fixable(entry.diagnostics, session.job.unsafe)):
        return None
    result = FileResult(task.display, relpath, task.path)
    result.sha = entry.sha  # what a corpus fix checks the file against before re-reading it
    _from_entry(result, entry, None, None, session)
    return result


def process(task: Task, session: Session) -> FileResult:
    """Read, decode, lint and (in fix mode) fix one file; the cache answers when it can."""
    read = _read(task, session)
    if isinstance(read, FileResult):
        return _spill(read, session)
    result, job = read.result, session.job
    if read.entry is not None:
        _from_entry(result, read.entry, read.data, read.decoded, session)
        return result
    _lint(result, read.ruleset.rules_for(read.relpath), read.data, read.decoded, job, read.vault)
    diagnostics = None
    if session.cache is not None and read.scope is not None and _storable(result, job):
        new_text = result.new_text
        sha = (
            result.sha if new_text is None or not result.changed else result_cache.digest(encode(new_text, result.bom))
        )
        key = read.stat if sha == result.sha else None  # a fix's new text: the file's times are not its
        diagnostics = result_cache.pack_diagnostics(result.diagnostics)
        session.cache.store(
            read.scope, task.path, read.relpath, sha, key, diagnostics, result_cache.pack_facts(result.facts)
        )
    _drop_unchanged_text(result)
    return _spill(result, session, diagnostics)


def _spill(result: FileResult, session: Session, packed: str | None = None, verified: bool = True) -> FileResult:
    """The file's findings are final: to disk when the run spills them (`packed`: they are
    in compact form already; `verified` False: a cache entry's text, not yet decoded)."""
    if session.spill is not None:
        if packed is not None:
            result.diagnostics = []
        session.spill.keep(result, packed, verified)
    return result


def _lint(result: FileResult, rules: engine.RuleList, data: bytes, decoded, job: Job, vault: str = "obsidian") -> str:
    """Lint (or fix) the text into `result`; returns the corpus facts as JSON text."""
    file_rules = engine.per_file(rules)
    corpus = [(r, o) for r, o in rules if isinstance(r, CorpusRule)]
    text = decoded.text
    if job.mode == "fix":
        fixed, doc = _fix(text, file_rules, result.relpath, job, vault)
        result.original, result.new_text, result.bom = data, fixed.text, decoded.bom
        result.applied, result.rejected = fixed.applied, fixed.rejected
        result.diagnostics = fixed.remaining
    else:
        doc = Document(text, result.relpath, vault)
        result.diagnostics = engine.lint(doc, file_rules)  # cached whole; run() restricts fixes for the report
    locate_edits(doc, result.diagnostics)
    return collect_facts(result, doc, corpus)


def _fix(text: str, rules: engine.RuleList, relpath: str, job: Job, vault: str = "obsidian"):
    """engine.fix, plus the Document of the final text (the fixer's last pass parsed it
    already: the facts and edit positions reuse it instead of parsing it once more)."""
    last: list[Document] = []

    def lint(current: str, stage: engine.RuleList) -> list[Diagnostic]:
        if last and last[0].text == current:
            doc = last[0]  # the stages take turns on one text: parse it once
        else:
            doc = Document(current, relpath, vault)
            last[:] = [doc]  # an earlier pass's Document goes: its tree holds no cycle
        return job.restrict_fixes(engine.lint(doc, stage))

    def linter(stage: engine.RuleList) -> Callable[[str], list[Diagnostic]]:
        return lambda current: lint(current, stage)

    stages = [linter(stage) for stage in engine.fix_stages(rules)]
    fixed = fix_in_stages(text, stages, job.unsafe, outline=vault == "logseq")
    doc = last[0] if last and last[0].text == fixed.text else Document(fixed.text, relpath, vault)
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


def _from_entry(
    result: FileResult, entry: result_cache.Entry, data: bytes | None, decoded: Decoded | None, session: Session
) -> None:
    """`data` None: the file was not read (unchanged since its entry); in fix mode an entry is
    used only when there is nothing to fix, so no text is needed (it would be dropped)."""
    result.cached = True
    result.diagnostics, result.facts, result.corpus_rules = (
        entry.diagnostics,
        _one_copy(entry.facts),
        entry.corpus_rules,
    )
    if session.job.mode == "fix" and data is not None and decoded is not None:
        # the fixer would return the text as it is
        result.original, result.new_text, result.bom = data, decoded.text, decoded.bom
        _drop_unchanged_text(result)
    # Its stored text is what a spilling run writes out (decoded by the report, or already here).
    _spill(result, session, entry.packed if isinstance(entry.packed, str) else None, entry.verified)


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
