"""LNK011 and omnilint.online against a real HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import ROOT

from omnilint import config as cfg
from omnilint import online, runner


class Handler(BaseHTTPRequestHandler):
    """Routes by path; counts every request so tests can prove the cache works."""

    counts: ClassVar[Counter] = Counter()
    release = threading.Event()
    flaky_failures = 1

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _answer(self, head: bool) -> None:
        path = self.path.split("?")[0]
        type(self).counts[(self.command, path)] += 1
        if path == "/slow":
            self.release.wait(10)  # longer than the client's timeout; released at teardown
        if path == "/moved":
            return self._send(301, head, {"Location": "/ok"})
        if path == "/head-refused" and head:
            return self._send(405, head)
        if path == "/flaky" and type(self).counts[(self.command, path)] <= self.flaky_failures:
            return self._send(503, head)
        status = {"/gone": 404, "/removed": 410, "/throttled": 429, "/forbidden": 403, "/broken": 500}.get(path, 200)
        self._send(status, head)

    def _send(self, status: int, head: bool, headers: dict | None = None) -> None:
        body = b"hello\n"
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)


@pytest.fixture()
def server():
    Handler.counts = Counter()
    Handler.release = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        Handler.release.set()
        httpd.shutdown()
        httpd.server_close()


def settings(tmp_path: Path, **changes) -> online.OnlineSettings:
    base = {"timeout": 1.0, "concurrency": 4, "per_host_rate": 0, "retries": 1, "backoff": 0}
    base["cache_file"] = str(tmp_path / "online.json")
    base.update(changes)
    return online.OnlineSettings(**base)


def requests_sent() -> int:
    return sum(Handler.counts.values())


# -- the checker ------------------------------------------------------------------------


def test_verdicts_for_each_kind_of_answer(server, tmp_path):
    urls = {name: f"{server}/{name}" for name in ("ok", "moved", "gone", "removed", "throttled", "forbidden", "broken", "head-refused", "flaky")}
    found = online.check_urls(urls.values(), settings(tmp_path))
    verdict = {name: (found[url].verdict, found[url].status) for name, url in urls.items()}
    assert verdict == {
        "ok": ("ok", 200),
        "moved": ("ok", 200),  # redirects are followed
        "gone": ("dead", 404),
        "removed": ("dead", 410),
        "throttled": ("unknown", 429),
        "forbidden": ("unknown", 403),
        "broken": ("unknown", 500),
        "head-refused": ("ok", 200),  # GET after a refused HEAD
        "flaky": ("ok", 200),  # retried after a 503
    }
    assert Handler.counts[("GET", "/gone")] == 1  # HEAD said 404: confirmed by GET
    assert Handler.counts[("GET", "/throttled")] == 0  # a throttled host gets no second request
    assert Handler.counts[("HEAD", "/throttled")] == 2  # but one retry


def test_slow_answers_time_out_as_unknown(server, tmp_path):
    url = f"{server}/slow"
    found = online.check_urls([url], settings(tmp_path, timeout=0.2, retries=0))
    assert (found[url].verdict, found[url].detail) == ("unknown", "timed out")


def test_the_cache_makes_a_second_run_send_no_requests(server, tmp_path):
    urls = [f"{server}/ok", f"{server}/gone", f"{server}/throttled", f"{server}/moved"]
    first = online.check_urls(urls, settings(tmp_path))
    sent = requests_sent()
    assert sent >= len(urls)
    second = online.check_urls(urls, settings(tmp_path))
    assert requests_sent() == sent
    assert {u: s.verdict for u, s in second.items()} == {u: s.verdict for u, s in first.items()}


def test_cache_entries_expire(tmp_path):
    now = [1000.0]
    cache = online.UrlCache(tmp_path / "c.json", ttl=60, clock=lambda: now[0])
    cache.save([online.UrlStatus("https://e.com/a", "dead", 404, "404", 1000.0), online.UrlStatus("https://e.com/b", "unknown", 429, "429", 1000.0)])
    reread = online.UrlCache(tmp_path / "c.json", ttl=60, clock=lambda: now[0])
    assert reread.get("https://e.com/a").verdict == "dead"
    now[0] = 1061.0
    assert reread.get("https://e.com/a") is None


def test_damaged_cache_is_ignored(tmp_path):
    (tmp_path / "c.json").write_text("{not json", encoding="utf-8")
    assert online.UrlCache(tmp_path / "c.json", ttl=60).get("https://e.com") is None


def test_hosts_that_do_not_resolve_are_dead_but_a_missing_resolver_is_not():
    import httpx

    def connect_error(errno: int) -> httpx.ConnectError:
        exc = httpx.ConnectError("lookup failed")
        exc.__cause__ = socket.gaierror(errno, "lookup failed")
        return exc

    assert online.classify_error("https://nx.invalid/", connect_error(socket.EAI_NONAME)).verdict == "dead"
    again = online.classify_error("https://e.com/", connect_error(socket.EAI_AGAIN))
    assert again.verdict == "unknown" and again.retryable
    refused = online.classify_error("https://e.com/", httpx.ConnectError("refused"))
    assert refused.verdict == "unknown"


def test_per_host_rate_limit_spaces_request_starts():
    now = [0.0]
    slept: list[tuple[str, float]] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    limiter = online.HostLimiter(2.0, clock=lambda: now[0], sleep=fake_sleep)

    async def scenario():
        for host in ("a.com", "a.com", "b.com", "a.com"):
            await limiter.wait(host)

    asyncio.run(scenario())
    assert slept == [0.5, 1.0]  # a.com's 2nd and 3rd requests wait; b.com does not


# -- LNK011 through the runner --------------------------------------------------------


def write_project(tmp_path: Path, server: str) -> None:
    (tmp_path / "omnilint.toml").write_text(
        'select = ["LNK011"]\n\n[rules.LNK011]\n'
        f'timeout = 1.0\nretries = 0\nper-host-rate = 0.0\ncache-file = "{(tmp_path / "cache.json").as_posix()}"\n',
        encoding="utf-8",
    )
    (tmp_path / "a.md").write_text(
        f"[ok]({server}/ok) [gone]({server}/gone#part)\n\n![img]({server}/removed) <{server}/throttled>\n", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text(f"Again [gone]({server}/gone) and [[wikilink]].\n", encoding="utf-8")


def test_lnk011_reports_only_dead_urls_once_per_url(server, tmp_path):
    write_project(tmp_path, server)
    job = runner.Job(overrides=cfg.Overrides(online=True))
    result = runner.run([str(tmp_path)], job, jobs=1)
    found = sorted((f.display.rsplit("/", 1)[-1], d.line, d.column, d.message.split(":")[0]) for f, d in result.diagnostics)
    gone_column = (tmp_path / "a.md").read_text(encoding="utf-8").index("[gone]") + 1
    assert found == [
        ("a.md", 1, gone_column, "Unreachable URL"),
        ("a.md", 3, 1, "Unreachable URL"),
        ("b.md", 1, 7, "Unreachable URL"),
    ]
    assert Handler.counts[("HEAD", "/gone")] == 1  # one check for two links
    sent = requests_sent()
    runner.run([str(tmp_path)], job, jobs=1)
    assert requests_sent() == sent  # the second run answers from the cache


def test_a_relative_cache_file_lives_in_the_project_root_not_the_working_folder(server, tmp_path, monkeypatch):
    project, elsewhere = tmp_path / "vault", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    write_project(project, server)
    config = (project / "omnilint.toml").read_text(encoding="utf-8")
    (project / "omnilint.toml").write_text(
        config.replace(f'"{(project / "cache.json").as_posix()}"', '"state/online.json"'), encoding="utf-8"
    )
    monkeypatch.chdir(elsewhere)
    runner.run([str(project)], runner.Job(overrides=cfg.Overrides(online=True)), jobs=1)
    assert (project / "state" / "online.json").is_file()
    assert not any(elsewhere.iterdir())


def test_lnk011_is_off_without_online(server, tmp_path):
    write_project(tmp_path, server)
    (tmp_path / "omnilint.toml").write_text("", encoding="utf-8")
    result = runner.run([str(tmp_path)], runner.Job(), jobs=1)
    assert not [d for _, d in result.diagnostics if d.code == "LNK011"]
    assert requests_sent() == 0


def test_a_default_run_opens_no_socket(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text("[x](https://example.com/page) ![](https://proxy-prod.omnivore-image-cache.app/0x0,sabc/https://e.com/a.png)\n", encoding="utf-8")

    def no_network(*args, **kwargs):
        raise AssertionError("a socket was opened without --online")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    result = runner.run([str(tmp_path)], runner.Job(), jobs=1)
    assert not [d for _, d in result.diagnostics if d.code.startswith("INT")]
    assert any(d.code.startswith("LNK") for _, d in result.diagnostics)


def test_a_default_run_never_imports_an_http_client(tmp_path):
    (tmp_path / "a.md").write_text("[x](https://example.com/page)\n", encoding="utf-8")
    code = (
        "import sys\nfrom omnilint.cli import main\n"
        f"main(['check', '--no-cache', '-q', {str(tmp_path)!r}])\n"
        "print(sorted(m for m in ('httpx', 'httpcore', 'aiohttp', 'requests', 'omnilint.online') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr
