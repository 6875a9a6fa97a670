"""Latency of `omnilint server` as an editor sees it (issue 18). Not a test: a measurement.

    python benchmarks/server_latency.py [--edits 60] [--workspace-files 20000]

1. Re-lint after an edit: a 3-10 kB saved article is opened, then edited `--edits` times
   (one character typed each time, incremental sync); each edit's latency is the time from
   sending didChange to receiving publishDiagnostics for that version. Median and p95.
2. A large workspace: `--workspace-files` generated articles (benchmarks/generate.py); the time
   from opening one note right after `initialized` to its first diagnostics, while the
   background index is being built, and the server's peak RSS once the index is done.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent


class Probe:
    def __init__(self) -> None:
        self.client = LanguageClient("bench", "1")
        self.seen: dict[tuple[str, int | None], float] = {}
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on(params):
            self.seen.setdefault((params.uri, params.version), time.perf_counter())
            self.event.set()

    async def wait(self, uri: str, version: int, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.seen:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), max(0.01, deadline - time.perf_counter()))
        return self.seen[(uri, version)]

    async def start(self, folder: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "omnilint", "server", cwd=str(folder))
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=folder.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="w")],
            )
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def pick_note(folder: Path) -> Path:
    for path in sorted(folder.rglob("*.md")):
        if 3_000 <= path.stat().st_size <= 10_000:
            return path
    raise SystemExit("no 3-10 kB note in the generated vault")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def edit_latency(folder: Path, edits: int) -> list[float]:
    probe = Probe()
    await probe.start(folder)
    note = pick_note(folder)
    uri, text = note.as_uri(), note.read_text(encoding="utf-8")
    probe.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    await probe.wait(uri, 1)
    lines = text.splitlines()
    row = len(lines) // 2
    latencies = []
    for n in range(edits):
        version = n + 2
        at = types.Position(line=row, character=len(lines[row]) + n)
        sent = time.perf_counter()
        probe.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text="x")],
            )
        )
        latencies.append((await probe.wait(uri, version)) - sent)
        await asyncio.sleep(0.05)  # a typist, not a flood
    await probe.stop()
    return latencies


async def big_workspace(folder: Path) -> tuple[float, int]:
    probe = Probe()
    await probe.start(folder)
    note = pick_note(folder)
    uri = note.as_uri()
    sent = time.perf_counter()
    probe.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text=note.read_text(encoding="utf-8")
            )
        )
    )
    first = (await probe.wait(uri, 1)) - sent
    await asyncio.sleep(1)
    pid = probe.client._server.pid  # noqa: SLF001 - the server process, for its memory
    # Wait for the index (the cross-file publish comes after it); then read the peak RSS.
    deadline = time.perf_counter() + 600
    while time.perf_counter() < deadline:
        await asyncio.sleep(2)
        if len([k for k in probe.seen if k[0] == uri]) and rss_kb(pid) and _idle(pid):
            break
    peak = rss_kb(pid)
    await probe.stop()
    return first, peak


def _idle(pid: int) -> bool:
    """The server process used (almost) no CPU over the last half second."""

    def ticks() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    before = ticks()
    time.sleep(0.5)
    return ticks() - before <= 2


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--edits", type=int, default=60)
    p.add_argument("--workspace-files", type=int, default=20000)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--files", "200", "--out", str(small)],
            check=True,
            capture_output=True,
        )
        latencies = sorted(asyncio.run(edit_latency(small, args.edits)))
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(
            f"re-lint after an edit ({len(latencies)} edits of a 3-10 kB note): "
            f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
        if args.workspace_files:
            big = Path(tmp) / "big"
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), "--files", str(args.workspace_files), "--out", str(big)],
                check=True,
                capture_output=True,
            )
            first, peak = asyncio.run(big_workspace(big))
            print(
                f"{args.workspace_files}-file workspace: first diagnostics of an opened note after {first * 1000:.0f} ms "
                f"(index building in the background); server peak RSS {peak / 1024:.0f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
