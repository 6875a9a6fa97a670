"""LNK011 and omnilint.online against a real HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import ROOT

from omnilint import cli, online, runner
from omnilint import config as cfg
from omnilint.registry import installed_rules


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
        port = self.server.server_address[1]
        if path == "/to-loopback":  # a public-looking site that sends the checker back home
            return self._send(302, head, {"Location": f"http://127.0.0.1:{port}/ok"})
        if path == "/to-localhost":
            return self._send(302, head, {"Location": f"http://localhost:{port}/ok"})
        if path == "/to-intranet":  # a name that resolves (in the test's resolver) to 10.0.0.7
            return self._send(307, head, {"Location": f"http://intranet.test:{port}/ok"})
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


def serving(httpd, stop: threading.Event):
    """Serve `httpd` on loopback in a thread; yield its URL; on the way out release waiting
    handlers (`stop`) and shut it down."""
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def server():
    Handler.counts = Counter()
    Handler.release = threading.Event()
    yield from serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler), Handler.release)


def settings(tmp_path: Path, **changes) -> online.OnlineSettings:
    # The test server is on 127.0.0.1: reaching it needs the option that allows private targets.
    base = {"timeout": 1.0, "concurrency": 4, "per_host_rate": 0, "retries": 1, "backoff": 0, "allow_private": True}
    base["cache_file"] = str(tmp_path / "online.json")
    base.update(changes)
    return online.OnlineSettings(**base)


def requests_sent() -> int:
    return sum(Handler.counts.values())


# -- the checker ------------------------------------------------------------------------


def test_verdicts_for_each_kind_of_answer(server, tmp_path):
    urls = {
        name: f"{server}/{name}"
        for name in ("ok", "moved", "gone", "removed", "throttled", "forbidden", "broken", "head-refused", "flaky")
    }
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
    cache.save(
        [
            online.UrlStatus("https://e.com/a", "dead", 404, "404", 1000.0),
            online.UrlStatus("https://e.com/b", "unknown", 429, "429", 1000.0),
        ]
    )
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


def write_project(tmp_path: Path, server: str, allow_private: bool = True, cache_file: str = "cache.json") -> None:
    (tmp_path / "omnilint.toml").write_text(
        'select = ["LNK011"]\n\n[rules.LNK011]\n'
        f'timeout = 1.0\nretries = 0\nper-host-rate = 0.0\ncache-file = "{cache_file}"\n'
        f"allow-private-addresses = {str(allow_private).lower()}\n",
        encoding="utf-8",
    )
    (tmp_path / "a.md").write_text(
        f"[ok]({server}/ok) [gone]({server}/gone#part)\n\n![img]({server}/removed) <{server}/throttled>\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(f"Again [gone]({server}/gone) and [[wikilink]].\n", encoding="utf-8")


def online_job(project: Path) -> runner.Job:
    """--online with the project's config named by the invoker (--config): it may allow private targets."""
    return runner.Job(overrides=cfg.Overrides(online=True), config_file=str(project / "omnilint.toml"))


def test_lnk011_reports_only_dead_urls_once_per_url(server, tmp_path):
    write_project(tmp_path, server)
    job = online_job(tmp_path)
    result = runner.run([str(tmp_path)], job, jobs=1)
    found = sorted(
        (f.display.rsplit("/", 1)[-1], d.line, d.column, d.message.split(":")[0]) for f, d in result.diagnostics
    )
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


def test_the_cache_file_lives_in_the_project_cache_folder_not_the_working_folder(server, tmp_path, monkeypatch):
    project, elsewhere = tmp_path / "vault", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    write_project(project, server, cache_file="state/online.json")
    monkeypatch.chdir(elsewhere)
    runner.run([str(project)], online_job(project), jobs=1)
    assert (project / ".omnilint_cache" / "state" / "online.json").is_file()
    assert not (project / "state").exists()
    assert not any(elsewhere.iterdir())


def test_the_cache_file_lives_in_the_cache_dir_the_invoker_names(server, tmp_path):
    project, cache_dir = tmp_path / "vault", tmp_path / "elsewhere" / "cache"
    project.mkdir()
    cache_dir.parent.mkdir()
    write_project(project, server, cache_file="state/online.json")
    job = runner.Job(
        overrides=cfg.Overrides(online=True), config_file=str(project / "omnilint.toml"), cache_dir=str(cache_dir)
    )
    runner.run([str(project)], job, jobs=1)
    assert (cache_dir / "state" / "online.json").is_file()
    assert not (project / ".omnilint_cache" / "state").exists()


def test_lnk011_is_off_without_online(server, tmp_path):
    write_project(tmp_path, server)
    (tmp_path / "omnilint.toml").write_text("", encoding="utf-8")
    result = runner.run([str(tmp_path)], runner.Job(), jobs=1)
    assert not [d for _, d in result.diagnostics if d.code == "LNK011"]
    assert requests_sent() == 0


def test_a_default_run_opens_no_socket(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(
        "[x](https://example.com/page) ![](https://proxy-prod.omnivore-image-cache.app/0x0,sabc/https://e.com/a.png)\n",
        encoding="utf-8",
    )

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


# -- targets the checker refuses (notes are untrusted: no request to the invoker's own network) --


class RecordingNetwork:
    """An httpcore network backend that records every connection asked of it and makes none."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        import httpcore

        self.connects.append((host, port))
        raise httpcore.ConnectError("no connection in this test")

    async def connect_unix_socket(self, *args, **kwargs):
        raise AssertionError("a Unix socket was asked for")

    async def sleep(self, seconds):
        await asyncio.sleep(seconds)


def fake_lookup(table: dict[str, list[str]]):
    """A resolver answering from `table` (an unknown name: "no such host"); asks no DNS server."""

    async def lookup(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return lookup


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "private"),  # 240/4 is "reserved" too: Python files it under private first
        ("255.255.255.255", "private"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("fec0::1", "site-local"),
        ("::ffff:127.0.0.1", "loopback (IPv4 inside an IPv6 address)"),
        ("::ffff:10.0.0.1", "private (IPv4 inside an IPv6 address)"),
        ("2002:7f00:1::1", "loopback (IPv4 inside an IPv6 address)"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local (IPv4 inside an IPv6 address)"),  # NAT64 of 169.254.169.254
        ("93.184.215.14", None),
        ("2606:4700::6810:84e5", None),
    ],
)
def test_non_public_addresses_are_named_and_public_ones_pass(address, problem):
    assert online.address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0x10.1", "10.16.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("08.1.1.1", None),  # not octal: a name, left to the resolver (whose answer is checked too)
        ("4294967296", None),
    ],
)
def test_ip_literals_in_every_spelling_a_resolver_accepts(host, address):
    found = online.ip_literal(host)
    assert (str(found) if found is not None else None) == address


def test_a_loopback_target_is_refused_without_the_allow_option(server, tmp_path):
    port = server.rsplit(":", 1)[1]
    urls = [
        f"{server}/gone",
        f"http://localhost:{port}/gone",
        f"http://sub.localhost:{port}/gone",
        f"http://2130706433:{port}/gone",
        f"http://0x7f.1:{port}/gone",
        f"http://127.1:{port}/gone",
        f"http://[::ffff:127.0.0.1]:{port}/gone",
    ]
    found = online.check_urls(urls, settings(tmp_path, allow_private=False))
    assert {url: status.verdict for url, status in found.items()} == dict.fromkeys(urls, "refused")
    assert requests_sent() == 0
    assert not (tmp_path / "online.json").exists()  # a refusal is not a verdict on the site: not cached


def test_lnk011_skips_loopback_urls_unless_the_option_allows_them(server, tmp_path):
    refused, allowed = tmp_path / "refused", tmp_path / "allowed"
    for project, allow in ((refused, False), (allowed, True)):
        project.mkdir()
        write_project(project, server, allow_private=allow)
    result = runner.run([str(refused)], online_job(refused), jobs=1)
    assert [d for _, d in result.diagnostics] == []  # skipped: neither reported dead nor a crash
    assert requests_sent() == 0
    result = runner.run([str(allowed)], online_job(allowed), jobs=1)
    assert len([d for _, d in result.diagnostics if d.code == "LNK011"]) == 3
    assert requests_sent() > 0


def test_private_and_link_local_targets_are_refused_before_any_connection(tmp_path):
    """Names resolving to non-public addresses, and such addresses written in the URL, are
    refused after resolution and before a connection is even asked for."""
    network = RecordingNetwork()
    table = {
        "intranet.test": ["10.1.2.3"],
        "home.test": ["192.168.1.20"],
        "metadata.test": ["169.254.169.254"],
        "v6-loopback.test": ["::1"],
        "v6-ula.test": ["fc00::5"],
        "v6-link.test": ["fe80::1"],
        "mapped.test": ["::ffff:192.168.0.1"],
        "half-public.test": ["93.184.215.14", "10.0.0.1"],  # any bad address refuses the name
        "public.test": ["93.184.215.14"],  # the control: this one is tried
    }
    refused = [f"http://{name}/page" for name in table if name != "public.test"] + [
        "http://10.0.0.1/",
        "https://192.168.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://0xa9fea9fe/",  # 169.254.169.254
    ]
    guard = online.Guard(lookup=fake_lookup(table))
    urls = [*refused, "http://public.test/page"]
    found = online.check_urls(urls, settings(tmp_path, allow_private=False, retries=0), guard, network)
    assert {u: found[u].verdict for u in refused} == dict.fromkeys(refused, "refused")
    assert "169.254.169.254" in found["http://metadata.test/page"].detail
    assert network.connects == [("93.184.215.14", 80)]  # only the public name (its HEAD failed: no GET)
    assert found["http://public.test/page"].verdict == "unknown"


def test_the_connection_goes_to_the_address_that_was_checked():
    """One lookup per connection, and the connect uses its answer: a resolver that answers
    differently the second time (DNS rebinding) is never asked again."""
    answers = [["93.184.215.14"], ["127.0.0.1"]]
    network = RecordingNetwork()

    async def rebinding_lookup(host: str, port: int) -> list[str]:
        return answers.pop(0)

    backend = online.PinnedBackend(online.Guard(lookup=rebinding_lookup), network)
    with pytest.raises(Exception, match="no connection in this test"):
        asyncio.run(backend.connect_tcp("rebind.test", 443))
    assert network.connects == [("93.184.215.14", 443)]
    assert answers == [["127.0.0.1"]]  # the second answer was never asked for
    with pytest.raises(online.RefusedTarget):
        asyncio.run(backend.connect_tcp("rebind.test", 443))
    assert network.connects == [("93.184.215.14", 443)]


def public_test_guard() -> online.Guard:
    """A guard that treats `public.test` (resolved to the test server on 127.0.0.1) as a public
    site, and every other loopback or private target as what it is: the redirect tests run on
    loopback, yet the guard still judges each hop."""

    class PublicTestGuard(online.Guard):
        def address_problem(self, host, ip):
            if host == "public.test" and str(ip) == "127.0.0.1":
                return None
            return super().address_problem(host, ip)

    return PublicTestGuard(lookup=fake_lookup({"public.test": ["127.0.0.1"], "intranet.test": ["10.0.0.7"]}))


@pytest.mark.parametrize("route", ["/to-loopback", "/to-localhost", "/to-intranet"])
def test_a_redirect_to_a_private_target_is_refused_at_that_hop(server, tmp_path, route):
    port = int(server.rsplit(":", 1)[1])
    url = f"http://public.test:{port}{route}"
    found = online.check_urls([url], settings(tmp_path, allow_private=False), public_test_guard())
    assert found[url].verdict == "refused", found[url]
    assert Handler.counts[("HEAD", route)] == 1  # the first hop was made…
    assert Handler.counts[("HEAD", "/ok")] == Handler.counts[("GET", "/ok")] == 0  # …the redirect was not followed


def test_a_redirect_between_allowed_targets_is_followed(server, tmp_path):
    port = int(server.rsplit(":", 1)[1])
    url = f"http://public.test:{port}/moved"
    found = online.check_urls([url], settings(tmp_path, allow_private=False), public_test_guard())
    assert (found[url].verdict, found[url].status) == ("ok", 200)
    assert Handler.counts[("HEAD", "/ok")] == 1


# -- one deadline per URL ---------------------------------------------------------------


class DripHandler(socketserver.StreamRequestHandler):
    """Answers any request with a status line, then one header byte at a time, for as long
    as it is let: each byte comes well within a per-read timeout."""

    stop = threading.Event()
    interval = 0.4
    longest = 15.0

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
            self.wfile.flush()
            started = time.monotonic()
            while not self.stop.wait(self.interval) and time.monotonic() - started < self.longest:
                self.wfile.write(b"a")
                self.wfile.flush()
        except OSError:
            pass  # the client gave up: what the test wants


@pytest.fixture()
def drip_server():
    DripHandler.stop = threading.Event()
    yield from serving(socketserver.ThreadingTCPServer(("127.0.0.1", 0), DripHandler), DripHandler.stop)


def test_a_server_dripping_bytes_is_abandoned_at_the_deadline(drip_server, tmp_path):
    url = f"{drip_server}/page"
    started = time.monotonic()
    found = online.check_urls([url], settings(tmp_path, timeout=1.0, retries=0))
    elapsed = time.monotonic() - started
    assert (found[url].verdict, found[url].detail) == ("unknown", "timed out")
    assert elapsed < 3.0, f"the URL held the checker for {elapsed:.1f} s with a 1 s deadline"


# -- without httpx ----------------------------------------------------------------------


def test_without_httpx_online_says_which_extra_to_install(server, tmp_path, monkeypatch, capsys):
    write_project(tmp_path, server)
    monkeypatch.setitem(sys.modules, "httpx", None)  # `import httpx` now fails as if it were not installed
    result = runner.run([str(tmp_path)], online_job(tmp_path), jobs=1)
    found = [d for _, d in result.diagnostics]
    assert [(d.code, d.severity.value) for d in found] == [("LNK011", "error")], found  # once, not per URL; no INT001
    assert "httpx" in found[0].message and "pip install 'omnilint-md[online]'" in found[0].message
    assert requests_sent() == 0
    config = str(tmp_path / "omnilint.toml")
    code = cli.main(["check", "--online", "--no-cache", "--jobs", "1", "--config", config, str(tmp_path)])
    out = capsys.readouterr()  # the command line says it once, up front, as a configuration error
    assert code == 2 and "pip install 'omnilint-md[online]'" in out.err and "Traceback" not in out.out + out.err


def test_the_online_extra_named_in_the_message_is_the_one_that_installs_httpx():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(dep.startswith("httpx") for dep in extras["online"])
    assert "omnilint-md[online]" in online.INSTALL_HINT


# -- options: the cache file stays in the cache folder; values are checked ------------------


def lnk011():
    return installed_rules()["LNK011"]


@pytest.mark.parametrize(
    "value",
    [
        "/etc/passwd",
        "../outside.json",
        ".omnilint_cache/../../x.json",
        "state/../../x.json",
        "state\\..\\..\\x.json",
        "C:\\x.json",
        "\\\\host\\share\\x",
        "",
        ".",
    ],
)
def test_a_cache_file_outside_the_cache_folder_is_a_configuration_error(value):
    with pytest.raises(cfg.ConfigError, match="cache-file"):
        cfg.rule_options(lnk011(), {"cache-file": value}, "omnilint.toml")


def test_a_cache_file_inside_the_cache_folder_is_accepted():
    for value in ("online.json", "state/online.json", ".omnilint_cache/online.json"):
        assert cfg.rule_options(lnk011(), {"cache-file": value}, "omnilint.toml")["cache-file"] == value


def test_an_escaping_cache_file_through_the_cli_exits_2(tmp_path, capsys):
    (tmp_path / "omnilint.toml").write_text('[rules.LNK011]\ncache-file = "../victim.txt"\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("[x](http://127.0.0.1:9/x)\n", encoding="utf-8")
    code = cli.main(["check", "--online", "--no-cache", "--jobs", "1", str(tmp_path)])
    assert code == 2 and "cache-file" in capsys.readouterr().err
    assert not (tmp_path.parent / "victim.txt").exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timeout", -1),
        ("timeout", 0),
        ("concurrency", 100000),
        ("concurrency", 0),
        ("concurrency", 2.5),
        ("retries", -1),
        ("per-host-rate", -2.0),
        ("cache-ttl", -5),
        ("allow-private-addresses", "yes"),
        ("timeout", "10"),
    ],
)
def test_out_of_range_lnk011_options_are_configuration_errors(key, value):
    with pytest.raises(cfg.ConfigError, match=key):
        cfg.rule_options(lnk011(), {key: value}, "omnilint.toml")


def test_only_the_invokers_config_may_allow_private_addresses(tmp_path):
    (tmp_path / "omnilint.toml").write_text("[rules.LNK011]\nallow-private-addresses = true\n", encoding="utf-8")
    options = cfg.rule_options(lnk011(), {"allow-private-addresses": True}, "--config omnilint.toml")
    assert options["allow-private-addresses"] is True
    with pytest.raises(cfg.ConfigError, match=r"allow-private-addresses.*discovered"):
        cfg.ruleset(cfg.discover(tmp_path), cfg.Overrides(online=True))


def cache_in(root: Path, ttl: float = 3600) -> online.UrlCache:
    return online.UrlCache(root / ".omnilint_cache" / "online.json", ttl, base=root)


VERDICT = online.UrlStatus("https://example.com/gone", "dead", 404, "404 Not Found", time.time())


def test_the_cache_is_never_written_through_a_linked_cache_folder(tmp_path):
    root, target = tmp_path / "vault", tmp_path / "elsewhere"
    root.mkdir()
    target.mkdir()
    (root / ".omnilint_cache").symlink_to(target, target_is_directory=True)
    cache_in(root).save([VERDICT])
    assert list(target.iterdir()) == []


def test_the_cache_is_never_written_through_a_linked_file(tmp_path):
    root, victim = tmp_path / "vault", tmp_path / "victim.txt"
    (root / ".omnilint_cache").mkdir(parents=True)
    victim.write_text("precious\n", encoding="utf-8")
    (root / ".omnilint_cache" / "online.json").symlink_to(victim)
    cache_in(root).save([VERDICT])
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (root / ".omnilint_cache" / "online.json").is_symlink()  # the link itself was replaced
    assert cache_in(root).get(VERDICT.url).verdict == "dead"


def test_a_linked_cache_file_is_not_read(tmp_path):
    root, forged = tmp_path / "vault", tmp_path / "forged.json"
    (root / ".omnilint_cache").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    cache_in(tmp_path / "elsewhere").save([VERDICT])
    os.replace(tmp_path / "elsewhere" / ".omnilint_cache" / "online.json", forged)
    (root / ".omnilint_cache" / "online.json").symlink_to(forged)
    assert cache_in(root).get(VERDICT.url) is None


def test_a_cache_file_that_is_a_fifo_does_not_hang(tmp_path):
    (tmp_path / ".omnilint_cache").mkdir()
    os.mkfifo(tmp_path / ".omnilint_cache" / "online.json")
    done = threading.Event()
    thread = threading.Thread(target=lambda: (cache_in(tmp_path), done.set()), daemon=True)
    thread.start()
    assert done.wait(5), "reading a FIFO as the cache blocked"


def test_saving_the_cache_leaves_no_temporary_file(tmp_path):
    cache_in(tmp_path).save([VERDICT])
    cache_in(tmp_path).save([VERDICT])
    assert sorted(p.name for p in (tmp_path / ".omnilint_cache").iterdir()) == ["online.json"]


def test_a_cache_path_outside_its_base_is_neither_read_nor_written(tmp_path):
    cache = online.UrlCache(tmp_path / "other" / "online.json", 3600, base=tmp_path / "vault")
    cache.save([VERDICT])
    assert not (tmp_path / "other").exists()


def test_without_openat_the_cache_still_refuses_links(tmp_path, monkeypatch):
    """The fallback for systems without O_NOFOLLOW and dir_fd (Windows) keeps the same promises."""
    monkeypatch.setattr(online.verdicts, "_AT_SUPPORTED", False)
    root, target = tmp_path / "vault", tmp_path / "elsewhere"
    root.mkdir()
    target.mkdir()
    cache = online.UrlCache(root / ".omnilint_cache" / "state" / "online.json", 3600, base=root)
    cache.save([VERDICT])
    assert online.UrlCache(cache.path, 3600, base=root).get(VERDICT.url).verdict == "dead"
    linked = tmp_path / "vault2"
    linked.mkdir()
    (linked / ".omnilint_cache").symlink_to(target, target_is_directory=True)
    online.UrlCache(linked / ".omnilint_cache" / "state" / "online.json", 3600, base=linked).save([VERDICT])
    assert list(target.iterdir()) == []
