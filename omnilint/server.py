"""`omnilint server`: a Language Server Protocol server over stdio (pygls).

The editor side of the same engine the CLI runs: the same config discovery (and the same
trust model: a discovered config never loads plugins nor switches the network on), the same
rule sets, fixes and suppression comments.

- Diagnostics on open and on every change (incremental sync), with the document version
  echoed; code, rule name, severity, a link to the rule's documentation, the exact range
  (LSP positions are UTF-16 code units; omnilint's columns are characters: converted here).
- Code actions: each fix as a quick fix (unsafe ones say so and are never preferred), "fix all
  safe" for the document (`source.fixAll.omnilint`), and "disable for this line" through the
  `<!-- omnilint-disable-next-line CODE -->` comment.
- Formatting through the same formatter and verification as `fix --format`: a document it
  refuses is left alone and the reason is shown.
- Cross-file rules (duplicate articles, missing files and anchors across the vault): a
  background thread indexes the workspace (with the result cache, like `check`), re-indexes on
  file events, and adds their findings to the open documents' when ready; an edit never waits.
- `workspace/didChangeConfiguration` (and a changed config file) drops every memo of settings.

State lives in one `OmnilintServer` object passed to the handlers, never in module globals.

One module: the protocol handlers share one workspace state (open documents, versions,
settings per folder, the corpus facts of the workspace) and are short; split, each part
would need the whole state anyway.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import __version__, codes
from . import config as cfg
from .model import Applicability, Diagnostic, Severity

logger = logging.getLogger("omnilint.server")
DOCS_URI = "https://pypi.org/project/omnilint-md/"
FIX_ALL_KIND = "source.fixAll.omnilint"
MAX_DOCUMENT_CHARS = 32 << 20  # larger buffers get one notice instead of a lint
CORPUS_DELAY = 0.3  # seconds after the last edit before the cross-file rules run again


def path_of(uri: str) -> str:
    """The file path of a `file:` URI (other schemes: the URI itself, used as a display name)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return os.path.abspath(unquote(parsed.path))


def utf16_column(line: str, characters: int) -> int:
    """A column in characters as UTF-16 code units (what LSP positions count by default)."""
    prefix = line[:characters]
    return characters + sum(1 for c in prefix if ord(c) > 0xFFFF)


def char_column(line: str, units: int) -> int:
    """The inverse of utf16_column; a position past the end or inside a surrogate pair is clamped."""
    count = 0
    for index, c in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(c) > 0xFFFF else 1
    return len(line)


@dataclass
class OpenDocument:
    uri: str
    path: str
    text: str
    version: int | None
    diagnostics: list[Diagnostic] = field(default_factory=list)  # per-file findings of `text`
    corpus: list[Diagnostic] = field(default_factory=list)  # cross-file findings, when known


class OmnilintServer:
    """Everything the handlers share: the run settings, the open documents, the workspace index."""

    def __init__(self, ls: Any) -> None:
        from . import runner

        self.ls = ls
        self.runner = runner
        self.job = runner.Job(mode="check")
        self.session = runner.Session(self.job)  # replaced when the settings may have changed
        self.root: str | None = None
        self.documents: dict[str, OpenDocument] = {}
        self.index: dict[str, Any] = {}  # absolute path -> FileResult (facts) of the workspace
        self.index_ready = threading.Event()
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.corpus_timer: threading.Timer | None = None

    # -- settings ------------------------------------------------------------------------------
    def reset_settings(self) -> None:
        """Forget every memo of configuration (a config file or the client's settings changed)."""
        self.session = self.runner.Session(self.job)

    def rules_for(self, path: str):
        settings = self.session.settings_for(path)
        ruleset = self.session.ruleset(settings)
        relpath = self.runner.relative_path(path, settings.root)
        return ruleset.rules_for(relpath), relpath

    # -- linting ---------------------------------------------------------------------------------
    def lint(self, doc: OpenDocument) -> list[Diagnostic]:
        from . import engine
        from .document import Document

        if len(doc.text) > MAX_DOCUMENT_CHARS:
            return [
                Diagnostic(
                    codes.TOO_LARGE.code,
                    codes.TOO_LARGE.name,
                    f"the document holds {len(doc.text):,} characters; not linted",
                    0,
                    0,
                    Severity.WARNING,
                    None,
                    1,
                    1,
                    1,
                    1,
                )
            ]
        try:
            rules, relpath = self.rules_for(doc.path)
        except cfg.ConfigError as exc:
            return [
                Diagnostic(
                    codes.CONFIG_ERROR.code, codes.CONFIG_ERROR.name, str(exc), 0, 0, Severity.ERROR, None, 1, 1, 1, 1
                )
            ]
        document = Document(doc.text, relpath, self.session.vault_for(doc.path))
        found = engine.lint(document, engine.per_file(rules))
        self.runner.locate_edits(document, found)
        return found

    def relint(self, doc: OpenDocument) -> None:
        doc.diagnostics = self.lint(doc)
        self.publish(doc)
        self.schedule_corpus()

    def publish(self, doc: OpenDocument) -> None:
        from lsprotocol import types

        lines = doc.text.splitlines() or [""]
        items = [self.to_lsp(d, lines) for d in [*doc.diagnostics, *doc.corpus]]
        params = types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=items, version=doc.version)
        self.call_in_loop(self.ls.text_document_publish_diagnostics, params)

    def call_in_loop(self, function, *args) -> None:
        """Send from the event loop's thread (the background index and corpus threads call this)."""
        if self.loop is not None and threading.current_thread() is not threading.main_thread():
            self.loop.call_soon_threadsafe(function, *args)
        else:
            function(*args)

    def to_lsp(self, d: Diagnostic, lines: list[str]):
        from lsprotocol import types

        severity = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning}
        return types.Diagnostic(
            range=self.lsp_range(lines, d.line, d.column, d.end_line, d.end_column),
            message=d.message,
            severity=severity.get(d.severity, types.DiagnosticSeverity.Information),
            code=d.code,
            code_description=types.CodeDescription(href=f"{DOCS_URI}#{d.code.lower()}"),
            source="omnilint",
            data={"name": d.name, "fixable": d.fix is not None},
        )

    @staticmethod
    def lsp_range(lines: list[str], line: int, column: int, end_line: int, end_column: int):
        from lsprotocol import types

        def position(l1: int, c1: int) -> types.Position:
            row = min(max(l1 - 1, 0), len(lines) - 1) if lines else 0
            text = lines[row] if lines else ""
            return types.Position(line=max(l1 - 1, 0), character=utf16_column(text, max(c1 - 1, 0)))

        return types.Range(start=position(line, column), end=position(end_line, end_column))

    # -- code actions -------------------------------------------------------------------------------
    def code_actions(self, uri: str, requested):
        from lsprotocol import types

        doc = self.documents.get(uri)
        if doc is None:
            return []
        lines = doc.text.splitlines() or [""]
        first, last = requested.start.line + 1, requested.end.line + 1
        actions = []
        for d in doc.diagnostics:
            if not (d.line <= last and d.end_line >= first):
                continue
            lsp_diagnostic = self.to_lsp(d, lines)
            if d.fix is not None and d.edit_positions:
                safe = d.fix.applicability is Applicability.SAFE
                edits = [
                    types.TextEdit(range=self.lsp_range(lines, *p), new_text=e.content)
                    for e, p in zip(d.fix.edits, d.edit_positions)
                ]
                actions.append(
                    types.CodeAction(
                        title=f"{d.fix.message} ({d.code}{'' if safe else ', unsafe: may change meaning'})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp_diagnostic],
                        is_preferred=safe,
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
            actions.append(self.disable_action(uri, doc, d, lsp_diagnostic))
        fix_all = self.fix_all(uri)
        if fix_all is not None:
            actions.append(fix_all)
        return actions

    def disable_action(self, uri: str, doc: OpenDocument, d: Diagnostic, lsp_diagnostic):
        from lsprotocol import types

        lines = doc.text.splitlines(keepends=True) or [""]
        row = min(max(d.line - 1, 0), len(lines) - 1)
        newline = next((e for e in ("\r\n", "\r", "\n") if lines[row].endswith(e)), "\n")
        indent = lines[row][: len(lines[row]) - len(lines[row].lstrip(" \t>"))]  # stay inside a quote
        comment = f"{indent}<!-- omnilint-disable-next-line {d.code} -->{newline}"
        at = types.Position(line=row, character=0)
        return types.CodeAction(
            title=f"Disable {d.code} for this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[lsp_diagnostic],
            edit=types.WorkspaceEdit(
                changes={uri: [types.TextEdit(range=types.Range(start=at, end=at), new_text=comment)]}
            ),
        )

    def fix_all(self, uri: str):
        """All safe fixes of the document at once: the fixer's result as one edit of the whole text."""
        from lsprotocol import types

        from . import engine

        doc = self.documents.get(uri)
        if doc is None or not any(d.fix and d.fix.applicability is Applicability.SAFE for d in doc.diagnostics):
            return None
        rules, relpath = self.rules_for(doc.path)
        result = engine.fix(
            doc.text, engine.per_file(rules), relpath, unsafe=False, vault=self.session.vault_for(doc.path)
        )
        if result.text == doc.text:
            return None
        return types.CodeAction(
            title=f"Fix all safe omnilint findings ({len(result.applied)})",
            kind=FIX_ALL_KIND,
            edit=types.WorkspaceEdit(changes={uri: [self.whole_text_edit(doc.text, result.text)]}),
        )

    @staticmethod
    def whole_text_edit(old: str, new: str):
        from lsprotocol import types

        lines = old.splitlines(keepends=True) or [""]
        last = lines[-1]
        ends_with_break = last.endswith(("\n", "\r"))
        end = (
            types.Position(line=len(lines), character=0)
            if ends_with_break
            else types.Position(line=len(lines) - 1, character=utf16_column(last, len(last)))
        )
        return types.TextEdit(range=types.Range(start=types.Position(line=0, character=0), end=end), new_text=new)

    # -- formatting ------------------------------------------------------------------------------------
    def format(self, uri: str):
        from lsprotocol import types

        from . import format as formatting

        doc = self.documents.get(uri)
        if doc is None:
            return []
        settings = self.session.settings_for(doc.path)
        if self.session.vault_for(doc.path) == "logseq":  # as FMT005: mdformat would fence the outline
            self.show(
                "omnilint: not formatted: a Logseq page is an outline, which the formatter would rewrite",
                types.MessageType.Warning,
            )
            return []
        try:
            style = formatting.Style.from_options(settings.get("format-options"))
            outcome = formatting.format_document(doc.text, style)
        except (ValueError, formatting.FormattingUnavailable) as exc:
            self.show(f"omnilint: not formatted: {exc}", types.MessageType.Warning)
            return []
        if outcome.problem:  # refused exactly as `fix --format` refuses
            self.show(f"omnilint: not formatted: {outcome.problem}", types.MessageType.Warning)
            return []
        if outcome.formatted == doc.text:
            return []
        return [self.whole_text_edit(doc.text, outcome.formatted)]

    def show(self, message: str, kind) -> None:
        from lsprotocol import types

        self.call_in_loop(self.ls.window_show_message, types.ShowMessageParams(type=kind, message=message))

    # -- the workspace index and the cross-file rules -------------------------------------------------------
    def start_index(self) -> None:
        if self.root is None:
            self.index_ready.set()
            return
        threading.Thread(target=self.build_index, name="omnilint-index", daemon=True).start()

    def build_index(self) -> None:
        """Collect every workspace file's corpus facts (served by the result cache when warm)."""
        if self.root is None:
            return
        try:
            job = replace(self.job, cache_dir=self.cache_dir())
            result = self.runner.run([self.root], job, jobs=1)
            for f in result.files:
                f.diagnostics = []  # the index keeps facts only: the open documents are linted live
            with self.lock:
                self.index = {f.path: f for f in result.files if f.path}
        except Exception:
            logger.exception("indexing the workspace failed")
        finally:
            self.index_ready.set()
        self.schedule_corpus(delay=0)

    def cache_dir(self) -> str | None:
        from .cache import default_directory, unsafe_reason

        folder = default_directory(self.root or os.getcwd())
        return None if unsafe_reason(folder) else folder

    def schedule_corpus(self, delay: float = CORPUS_DELAY) -> None:
        """Run the cross-file rules for the open documents soon, in a thread: edits never wait."""
        if not self.index_ready.is_set():
            return
        if self.corpus_timer is not None:
            self.corpus_timer.cancel()
        self.corpus_timer = threading.Timer(delay, self.run_corpus)
        self.corpus_timer.daemon = True
        self.corpus_timer.start()

    def run_corpus(self) -> None:
        from .document import Document
        from .pipeline import collect_facts
        from .rule import CorpusRule

        try:
            with self.lock:
                snapshot = dict(self.index)
            open_docs = list(self.documents.values())
            results = []
            fresh: dict[str, tuple[OpenDocument, str]] = {}
            for doc in open_docs:
                rules, relpath = self.rules_for(doc.path)
                document = Document(doc.text, relpath, self.session.vault_for(doc.path))
                item = self.runner.FileResult(self.runner.display_path(doc.path), relpath, doc.path)
                # the same facts, as the same JSON text, a check run collects for this text
                collect_facts(item, document, [(r, o) for r, o in rules if isinstance(r, CorpusRule)])
                item.diagnostics = []  # a rule crash is the per-file lint's to report
                fresh[doc.path] = (doc, doc.text)
                results.append(item)
            for path, indexed in snapshot.items():
                if path not in fresh:
                    results.append(
                        self.runner.FileResult(
                            indexed.display,
                            indexed.relpath,
                            path,
                            facts=indexed.facts,
                            corpus_rules=indexed.corpus_rules,
                        )
                    )
            self.runner.corpus_phase(results, self.session)
            for item in results:
                if item.path in fresh:
                    doc, text = fresh[item.path]
                    if doc.text == text:  # not edited meanwhile: the next run will cover the edit
                        doc.corpus = item.diagnostics
                        self.publish(doc)
        except Exception:
            logger.exception("the cross-file rules failed")


def build_server():
    """The pygls server with omnilint's handlers (a new one per call: no shared state)."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    ls = LanguageServer("omnilint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
    state = OmnilintServer(ls)

    @ls.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        state.loop = asyncio.get_running_loop()
        folders = params.workspace_folders or []
        uri = folders[0].uri if folders else params.root_uri
        state.root = path_of(uri) if uri else None
        if state.root:
            os.chdir(state.root)  # display paths and the project root, as for a CLI run in the vault

    @ls.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        state.start_index()

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = OpenDocument(item.uri, path_of(item.uri), item.text, item.version)
        state.documents[item.uri] = doc
        state.relint(doc)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        doc = state.documents.get(params.text_document.uri)
        if doc is None:
            return
        source = ls.workspace.get_text_document(params.text_document.uri)  # pygls applied the changes
        doc.text, doc.version = source.source, params.text_document.version
        state.relint(doc)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        state.documents.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    def code_action(params: types.CodeActionParams):
        return state.code_actions(params.text_document.uri, params.range)

    @ls.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: types.DocumentFormattingParams):
        return state.format(params.text_document.uri)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        state.reset_settings()
        for doc in list(state.documents.values()):
            state.relint(doc)

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        if any(Path(path_of(c.uri)).name in cfg.CONFIG_NAMES for c in params.changes):
            state.reset_settings()
            for doc in list(state.documents.values()):
                state.relint(doc)
        state.index_ready.clear()
        state.start_index()

    return ls, state


def main() -> int:
    """`omnilint server`: serve LSP over stdin/stdout until the client says exit."""
    try:
        import pygls  # noqa: F401
    except ImportError:
        import sys

        print(
            "omnilint: error: the language server needs pygls, a dependency of omnilint-md: reinstall it",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.WARNING, format="omnilint server: %(message)s")
    ls, _ = build_server()
    ls.start_io()
    return 0
