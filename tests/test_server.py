"""`omnilint server`: a real LSP client (pygls's LanguageClient) drives the server over stdio (issue 18).

The server is a separate process, `python -m omnilint server`, exactly as an editor starts it.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SEED

types = pytest.importorskip("lsprotocol.types")
client_module = pytest.importorskip("pygls.lsp.client")

TIMEOUT = 30.0


class Session:
    """A client connected to a fresh server, with the diagnostics it has received per URI."""

    def __init__(self, client) -> None:
        self.client = client
        self.published: dict[str, list] = {}
        self.messages: list[str] = []
        self.changed = asyncio.Event()

    async def diagnostics(self, uri: str, version: int | None, predicate=lambda ds: True) -> list:
        """Wait for a publish of `uri` at `version` that satisfies `predicate`."""

        async def wait():
            while True:
                found = self.published.get(uri)
                if found is not None and found[0] == version and predicate(found[1]):
                    return found[1]
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)


async def start(workspace: Path) -> Session:
    client = client_module.LanguageClient("omnilint-test", "1")
    session = Session(client)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        session.published[params.uri] = (params.version, params.diagnostics)
        session.changed.set()

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params):
        session.messages.append(params.message)
        session.changed.set()

    await client.start_io(sys.executable, "-m", "omnilint", "server", cwd=str(workspace))
    await asyncio.wait_for(
        client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=workspace.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="vault")],
            )
        ),
        TIMEOUT,
    )
    client.initialized(types.InitializedParams())
    return session


async def stop(session: Session) -> None:
    await asyncio.wait_for(session.client.shutdown_async(None), TIMEOUT)
    session.client.exit(None)
    await asyncio.wait_for(session.client.stop(), TIMEOUT)


def open_document(session: Session, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )
    return uri


def apply_edits(text: str, edits) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to `text`, last first."""
    lines = text.splitlines(keepends=True)

    def offset(pos) -> int:
        if pos.line >= len(lines):
            return len(text)
        line = lines[pos.line]
        units = chars = 0
        while chars < len(line) and units < pos.character:
            units += 2 if ord(line[chars]) > 0xFFFF else 1
            chars += 1
        return sum(len(x) for x in lines[: pos.line]) + chars

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.md")
    (folder / "seed.md").chmod(0o644)
    return folder


@pytest.mark.slow
def test_a_real_client_gets_diagnostics_actions_updates_and_formatting(vault: Path):
    async def scenario():
        session = await start(vault)
        text = (vault / "seed.md").read_text(encoding="utf-8")
        uri = open_document(session, vault / "seed.md", text)
        found = await session.diagnostics(uri, 1)
        at = {(d.code, d.range.start.line + 1) for d in found}
        assert ("LNK001", 15) in at and ("META001", 19) in at and ("META001", 21) in at and ("DUP001", 31) in at, at
        dup = next(d for d in found if d.code == "DUP001")
        assert dup.source == "omnilint" and dup.code_description.href.endswith("#dup001")
        assert dup.data["name"] == "duplicated-block"

        # A quick fix for LNK001 on line 15, applied as the editor would.
        line15 = types.Range(start=types.Position(line=14, character=0), end=types.Position(line=14, character=5))
        actions = await asyncio.wait_for(
            session.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=line15,
                    context=types.CodeActionContext(diagnostics=[]),
                )
            ),
            TIMEOUT,
        )
        titles = [a.title for a in actions]
        quick = next(
            a
            for a in actions
            if "LNK001" in a.title and a.kind == types.CodeActionKind.QuickFix and not a.title.startswith("Disable")
        )
        assert any(t == "Disable LNK001 for this line" for t in titles)
        assert any(a.kind == "source.fixAll.omnilint" for a in actions), titles
        fixed = apply_edits(text, quick.edit.changes[uri])
        assert "[Read on Omnivore]" not in fixed and fixed != text

        # The edited text comes back as a change; the diagnostics follow with the new version.
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        )
        after = await session.diagnostics(uri, 2)
        assert ("LNK001", 15) not in {(d.code, d.range.start.line + 1) for d in after}

        # An incremental change: a line with trailing spaces typed before the last line.
        end = len(fixed.splitlines()) - 1
        typing = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=end, character=0), end=types.Position(line=end, character=0)),
            text="Typed text.   \n",
        )
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3), content_changes=[typing]
            )
        )
        typed = await session.diagnostics(uri, 3, lambda ds: any(d.code == "FMT001" for d in ds))
        current = apply_edits(fixed, [types.TextEdit(range=typing.range, new_text=typing.text)])
        assert any(d.code == "FMT001" and d.range.start.line == end for d in typed)

        # Formatting: the same text `fix --format`'s formatter gives, as edits.
        from omnilint import format as formatting

        edits = await asyncio.wait_for(
            session.client.text_document_formatting_async(
                types.DocumentFormattingParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    options=types.FormattingOptions(tab_size=2, insert_spaces=True),
                )
            ),
            TIMEOUT,
        )
        expected = formatting.format_document(current, formatting.Style())
        if expected.problem:
            assert not edits and any("not formatted" in m for m in session.messages)
        else:
            assert apply_edits(current, edits) == expected.formatted
        await stop(session)

    asyncio.run(scenario())


@pytest.mark.slow
def test_the_workspace_index_brings_cross_file_findings_to_an_open_document(vault: Path):
    text = (vault / "seed.md").read_text(encoding="utf-8")
    (vault / "copy.md").write_text(text, encoding="utf-8")  # the same article twice: DUP003

    async def scenario():
        session = await start(vault)
        uri = open_document(session, vault / "seed.md", text)
        found = await session.diagnostics(uri, 1, lambda ds: any(d.code == "DUP003" for d in ds))
        dup = next(d for d in found if d.code == "DUP003")
        assert "copy.md" in dup.message
        await stop(session)

    asyncio.run(scenario())


@pytest.mark.slow
def test_bad_input_never_kills_the_server(vault: Path):
    async def scenario():
        session = await start(vault)
        uri = open_document(session, vault / "seed.md", "# Title\n\nText  \n")
        await session.diagnostics(uri, 1)
        # A change whose positions are far outside the document and inside a surrogate pair.
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=999, character=999), end=types.Position(line=1000, character=5)
                        ),
                        text="😀 more  ",
                    )
                ],
            )
        )
        # A document of 2 MB, and one whose file was deleted while open.
        big = "Line of text. " * 150_000
        big_uri = open_document(session, vault / "big.md", big)
        await session.diagnostics(big_uri, 1)
        gone = vault / "gone.md"
        gone.write_text("x  \n", encoding="utf-8")
        gone_uri = open_document(session, gone, "x  \n")
        gone.unlink()
        await session.diagnostics(gone_uri, 1)
        # A code action for a document the server never saw, and for a range past the end.
        answer = await asyncio.wait_for(
            session.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=(vault / "never.md").as_uri()),
                    range=types.Range(
                        start=types.Position(line=5000, character=0), end=types.Position(line=5001, character=0)
                    ),
                    context=types.CodeActionContext(diagnostics=[]),
                )
            ),
            TIMEOUT,
        )
        assert not answer
        # Still alive: a new document is linted.
        alive = open_document(session, vault / "alive.md", "alive  \n")
        found = await session.diagnostics(alive, 1)
        assert any(d.code == "FMT001" for d in found)
        await stop(session)

    asyncio.run(scenario())


@pytest.mark.slow
def test_a_changed_configuration_is_respected(vault: Path):
    async def scenario():
        session = await start(vault)
        uri = open_document(session, vault / "note.md", "# Note\n\nText  \n")
        first = await session.diagnostics(uri, 1)
        assert any(d.code == "FMT001" for d in first)
        (vault / "omnilint.toml").write_text('ignore = ["FMT001"]\n', encoding="utf-8")
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
        await session.diagnostics(uri, 1, lambda ds: not any(d.code == "FMT001" for d in ds))
        await stop(session)

    asyncio.run(scenario())
