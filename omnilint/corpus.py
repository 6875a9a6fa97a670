"""The cross-file phase: every corpus rule once over the facts all files collected, and
(in fix mode) the corpus rules' fixes.

Facts arrive as JSON text (from workers or the cache) and are decoded one rule at a time,
only when the rule's findings are not in the cache (check mode: they are stored under a
hash of all its facts and the root, with the digest of the project's file listing when the
rule read it, so that a warm run walks the folder only for rules whose answer depends on it).
A corpus fix on a file whose facts came from the cache is applied only when the facts
collected again from the text about to be edited are the same.
"""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path

from . import cache as result_cache
from . import config as cfg
from . import engine
from .discovery import relative_path, walk_project
from .document import Document
from .files import FileResult, NotRegular, TooLarge, read_regular_file
from .fixer import Rejected, apply_edits, non_overlapping, verify
from .model import Applicability, Diagnostic, Severity
from .rule import CorpusContext, CorpusRule, ProjectFiles
from .session import Session
from .text import LineIndex, decode


def corpus_phase(results: list[FileResult], session: Session, progress=None) -> None:
    """Run every corpus rule once over the facts all files collected."""
    by_code: dict[str, list[FileResult]] = {}
    for r in results:
        for code in r.corpus_rules:
            by_code.setdefault(code, []).append(r)
    if not by_code:
        return
    index = {r.display: r for r in results}
    listings: dict[tuple[str, ...], ProjectFiles] = {}
    for number, (code, having) in enumerate(sorted(by_code.items())):
        if progress:
            progress("cross-file rules", number, len(by_code))
        _corpus_rule_phase(code, having, index, listings, session)


def _corpus_rule_phase(
    code: str,
    having: list[FileResult],
    index: dict[str, FileResult],
    listings: dict[tuple[str, ...], ProjectFiles],
    session: Session,
) -> None:
    """One corpus rule over the facts of the files `having` them; its findings go to their files.
    The facts' text (from memory, or read back from a spilling run's file) lives only here."""
    spill = session.spill
    texts = {r.display: (spill.facts(r) if spill is not None else r.facts)[code] for r in having}
    first = index[next(iter(texts))]
    rule, options = _corpus_rule(first, code, session)
    if rule is None:
        return
    listing = None
    if rule.needs_files:
        key = tuple(texts)
        if key not in listings:  # one walk per set of files, shared by the rules that need it
            listings[key] = project_files([index[d] for d in texts], session)
        listing = listings[key]
    settings = session.settings_for(first.path)
    root = str(settings.root) if settings.source is not None else os.getcwd()
    cache_dir = session.job.cache_dir or result_cache.default_directory(root)
    # Check mode only: a corpus finding from the cache never supplies a fix that is written.
    cache = session.cache if session.job.mode == "check" else None
    # The rule's findings are cached under a hash of all its facts and the root, with the file
    # listing's digest when the rule read it (its code and options are the scope's): a warm
    # run decodes no facts.
    scope = cache.scope(session.ruleset(settings)) if cache is not None else None
    stored = result_cache.corpus_key(code, texts, root, listing) if scope is not None else None
    found = None
    if cache is not None and scope and stored:
        listing_now = partial(result_cache.listing_digest, listing) if listing is not None else str
        found = cache.corpus_findings(scope, stored, index, listing_now)
    if found is None:
        # Each text is dropped as it is decoded: the two are never all in memory side by side.
        # Equal strings (keys, link kinds, shared targets) become one object across files:
        # the link rules' facts take a sixth less memory, the corpus phase's peak.
        share = _Shared()
        facts = {display: json.loads(texts.pop(display), object_pairs_hook=share) for display in list(texts)}
        del share
        reads_before = listing.reads if listing is not None else 0
        found, msg = _check(rule, options, facts, CorpusContext(root, listing, cache_dir))
        del facts
        if found is None:
            first.diagnostics.append(
                Diagnostic(engine.INTERNAL_CODE, engine.INTERNAL_NAME, msg, 0, 0, Severity.ERROR, None, 1, 1, 1, 1)
            )
            return
        _place_edits(found, index)
        if cache is not None and scope and stored:
            read_listing = listing is not None and listing.reads > reads_before
            stamp = result_cache.listing_digest(listing) if read_listing else ""
            cache.corpus_put(scope, stored, result_cache.pack_corpus_findings(found, stamp))
    for display, d in found:
        index[display].diagnostics.append(d)
    if spill is not None:  # a check that spills: this rule's findings follow the file's own
        for display in {display for display, _ in found}:
            spill.keep(index[display])


class _Shared:
    """json.loads' object_pairs_hook: an object whose keys and string values are one object per
    equal string over every file's facts (json itself shares keys within one document only)."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        one = self.known.setdefault
        return {one(k, k): one(v, v) if v.__class__ is str else v for k, v in pairs}


def _check(
    rule: CorpusRule, options: dict, facts: dict, context: CorpusContext
) -> tuple[list[tuple[str, Diagnostic]], str] | tuple[None, str]:
    """The rule's findings over its decoded facts (one rule's in memory at a time: at 20,000
    files the link rules' decode to ~130 MB each); or None and what to say when it crashed."""
    try:
        return list(rule.check_corpus(facts, options, context)), ""
    except Exception as exc:  # noqa: BLE001
        return None, f"corpus rule {rule.code} crashed: {type(exc).__name__}: {exc}; please report it"


def _place_edits(found: list[tuple[str, Diagnostic]], index: dict[str, FileResult]) -> None:
    """Line and column of each edit of the corpus rules' fixes (what JSON, SARIF and the editor
    show), as the pipeline gives per-file fixes: from the file's text, read again if it was
    dropped, and only if it is still what was linted (else the edits stay unplaced)."""
    texts: dict[str, LineIndex | None] = {}
    for display, d in found:
        if d.fix is None or d.edit_positions is not None:
            continue
        if display not in texts:
            texts[display] = _line_index(index[display])
        lines = texts[display]
        if lines is not None:
            d.edit_positions = [(*lines.position(e.start), *lines.position(e.end)) for e in d.fix.edits]


def _line_index(r: FileResult) -> LineIndex | None:
    if r.new_text is not None:
        return LineIndex(r.new_text)
    if r.stdin or not r.sha:
        return None
    try:
        data = read_regular_file(r.path, cfg.MAX_FILE_SIZE_LIMIT)
    except (OSError, TooLarge, NotRegular):
        return None
    if result_cache.digest(data) != r.sha:
        return None
    try:
        return LineIndex(decode(data).text)
    except ValueError:
        return None


def project_files(results: list[FileResult], session: Session) -> ProjectFiles:
    """Every file under the project root of `results` (for rules that resolve local links).

    The root is the config's folder when all files share one config; otherwise the
    common folder of the files (flagged as a guess with root_known=False).
    """
    paths = [Path(os.path.abspath(r.display)) if r.stdin else Path(r.path) for r in results]
    settings = [session.settings_for(p) for p in paths]
    roots = {s.root for s in settings}
    if len(roots) == 1 and all(s.source is not None for s in settings):
        root, known = roots.pop(), True
    else:
        root, known = Path(os.path.commonpath([str(p.parent) for p in paths])), False
    exclude = session.exclude_patterns(settings[0])
    sources = {r.display: relative_path(p, root) for r, p in zip(results, paths)}
    return ProjectFiles(None, sources, known, load=lambda: walk_project(root, exclude))


def _corpus_rule(result: FileResult, code: str, session: Session):
    ruleset = session.ruleset_for(result.path)
    for rule, options in ruleset.rules:
        if rule.code == code:
            return rule, options
    return None, None


def apply_corpus_fixes(results: list[FileResult], session: Session) -> None:
    """The corpus rules' fixes (fix mode), applied and verified as the fixer verifies its own."""
    job = session.job
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
        if r.cached and not _facts_still_hold(r, allowed, session):
            continue
        text = r.new_text
        if text is None:  # _reload filled it in; None only if it could not, and then we skipped
            continue
        batch = non_overlapping(allowed)
        new = apply_edits(text, (e for d in batch if d.fix is not None for e in d.fix.edits))
        why = verify(text, new, batch, session.vault_for(r.path) == "logseq")
        if why is not None:
            r.rejected.extend(Rejected(d, why) for d in batch)
            continue
        r.new_text = new
        r.applied.extend(batch)
        done = {id(d) for d in batch}
        r.diagnostics = [d for d in r.diagnostics if id(d) not in done]


def _facts_still_hold(r: FileResult, fixes: list[Diagnostic], session: Session) -> bool:
    """A corpus fix places its edits by the facts of its file; facts that came from the
    cache are collected again from the text about to be edited and must be the same
    (a forged or damaged cache entry never decides what is written)."""
    codes = {d.code for d in fixes}
    doc = Document(r.new_text or "", r.relpath, session.vault_for(r.path))
    for rule, options in session.ruleset_for(r.path).rules_for(r.relpath):
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
    data = b""
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
