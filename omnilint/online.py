"""Checking external URLs over the network (the engine side of LNK011).

Rules stay pure: LNK011 hands every URL of the run to `check_urls` at once and
gets plain verdicts back.  The checker is polite and cheap to re-run: one
asyncio loop with a global concurrency limit, a per-host rate limit, a deadline
per attempt, retries with exponential backoff, HEAD with a GET fallback, and a
JSON cache on disk with a time-to-live, so a second run sends no request for
URLs it has seen recently.

Verdicts: "ok" (2xx/3xx after redirects), "dead" (404 or 410, or a host name
that does not resolve), "unknown" (429, 401/403 bot walls, 5xx, timeouts,
refused connections, a resolver that cannot be reached), "refused" (a target
this checker will not contact, see below): only "dead" is reported, since a
site that throttles or blocks a robot is not a broken link.

What is guaranteed (notes are untrusted input: a URL in a note must not make
the machine that lints it probe its own network, e.g. a CI runner's metadata
service at 169.254.169.254):

- No connection goes to a loopback, private, link-local, multicast,
  unspecified, reserved or otherwise not globally routable address (IPv4 and
  IPv6; IPv4-mapped, 6to4 and NAT64 IPv6 addresses are judged by the IPv4
  address inside), nor to a `localhost` name, unless `allow_private` is set.
- The check happens after DNS resolution, inside the connection itself: the
  network backend (`PinnedBackend`) resolves the name, refuses the connection
  if *any* address it resolves to is forbidden, and connects to the very
  addresses it checked.  There is no second lookup between the check and the
  connect, so a DNS answer that changes (DNS rebinding) cannot slip through.
  IPv4 written in decimal, octal or hex (`http://2130706433/`,
  `http://0x7f.1/`) is read as the address it spells, never sent to a resolver.
- Redirects are followed by hand, at most MAX_REDIRECTS, and every hop is
  checked again (its URL before the request, its addresses at connect time).
- No proxy or `.netrc` from the environment is used (`trust_env=False`): a
  proxy would resolve and connect on our behalf, out of the checker's sight.
- Each attempt on a URL (HEAD, the GET fallback, every redirect, connect and
  headers) ends within one deadline, `timeout` seconds; no response body is
  read.  A URL costs at most (retries + 1) × timeout plus the backoff waits.
  Name lookups run in a worker thread; an attempt stops waiting for one at the
  deadline (the thread itself ends when the system resolver gives up).

HTTP client: httpx (the `online` extra).  It is pure Python and gives one
async API with connection limits and a pluggable network backend (httpcore's),
which is where the address check lives; aiohttp would add a compiled
dependency for no gain at this scale.  It is imported inside the functions that
use it, so a run without --online never imports an HTTP client
(tests/test_online.py checks this), and a missing httpx is reported with the
extra to install (`client_missing`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import re
import secrets
import socket
import stat
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from . import __version__

OK, DEAD, UNKNOWN, REFUSED = "ok", "dead", "unknown", "refused"
DEAD_STATUSES = frozenset({404, 410})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Resolver answers that mean "no such host" (not "resolver unreachable", which is EAI_AGAIN).
NO_SUCH_HOST = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)
UNKNOWN_TTL = 3600.0  # an "unknown" verdict (throttled, timed out) is worth re-trying sooner
CACHE_VERSION = 1
MAX_REDIRECTS = 10
MAX_CACHE_BYTES = 64 << 20  # a verdict cache larger than this was not written by us: ignored
INSTALL_HINT = "pip install 'omnilint-md[online]'"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# 64:ff9b::/96 (RFC 6052): a NAT64 gateway turns these into the IPv4 address in the last 32 bits.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def client_missing() -> str | None:
    """Why the network checks cannot run here (the HTTP client is not installed), or None."""
    try:
        import httpcore  # noqa: F401
        import httpx  # noqa: F401
    except ImportError as exc:
        return f"--online needs the HTTP client httpx, which is not installed ({exc}): {INSTALL_HINT}"
    return None


@dataclass(frozen=True)
class OnlineSettings:
    timeout: float = 10.0  # seconds: the deadline of one attempt on a URL (connect, redirects, headers)
    concurrency: int = 16  # requests in flight at once
    per_host_rate: float = 2.0  # request starts per second and host (0 = no limit)
    retries: int = 2  # extra attempts after a timeout, a refused connection, 429 or 5xx
    backoff: float = 0.5  # seconds before the first retry; doubled for each next one
    cache_ttl: float = 7 * 86400.0  # seconds a verdict is reused (0 = no cache)
    cache_file: str = ".omnilint_cache/online.json"
    # The folder `cache_file` must stay inside; every folder below it, and the file, are opened
    # without following symbolic links ("" = the cache file's own folder).
    cache_base: str = ""
    allow_private: bool = False  # True: loopback, private, link-local… targets may be contacted
    user_agent: str = f"omnilint/{__version__} (link check; +https://pypi.org/project/omnilint-md/)"


@dataclass(frozen=True)
class UrlStatus:
    url: str
    verdict: str  # OK, DEAD, UNKNOWN or REFUSED
    status: int | None  # the final HTTP status, when there was one
    detail: str  # for messages: "404 Not Found", "host does not resolve", …
    checked: float  # when (epoch seconds)
    retryable: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("url")
        data.pop("retryable")
        return data


def check_urls(
    urls: Iterable[str], settings: OnlineSettings = OnlineSettings(), guard: Guard | None = None, network=None
) -> dict[str, UrlStatus]:
    """A verdict for every URL: from the cache when fresh, otherwise from the network.

    `guard` decides which addresses may be contacted (default: `Guard(settings.allow_private)`);
    `network` is the httpcore network backend that opens connections (default: httpcore's
    anyio backend).  Both are parameters so tests can fake name lookups and connections.
    """
    base = Path(settings.cache_base) if settings.cache_base else None
    cache = UrlCache(Path(settings.cache_file), settings.cache_ttl, base=base)
    results: dict[str, UrlStatus] = {}
    todo: list[str] = []
    for url in dict.fromkeys(urls):
        hit = cache.get(url)
        if hit is not None:
            results[url] = hit
        else:
            todo.append(url)
    if todo:
        fetched = run_sync(check_all(todo, settings, guard, network))
        results.update(fetched)
        # A refusal depends on the allow option, not on the site, and cost no request: not kept.
        cache.save(s for s in fetched.values() if s.verdict != REFUSED)
    return results


T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def check_all(
    urls: list[str], settings: OnlineSettings, guard: Guard | None = None, network=None
) -> dict[str, UrlStatus]:
    import httpx

    guard = guard if guard is not None else Guard(settings.allow_private)
    limiter = HostLimiter(settings.per_host_rate)
    slots = asyncio.Semaphore(max(1, settings.concurrency))
    client = httpx.AsyncClient(
        transport=pinned_transport(guard, max(1, settings.concurrency), network),
        follow_redirects=False,  # followed by hand in `fetch`, each hop checked
        timeout=httpx.Timeout(settings.timeout),
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
        trust_env=False,  # no proxy (it would connect for us, unchecked) and no .netrc credentials
    )
    async with client:
        statuses = await asyncio.gather(*(check_one(client, url, settings, limiter, slots, guard) for url in urls))
    return {s.url: s for s in statuses}


async def check_one(
    client, url: str, settings: OnlineSettings, limiter: HostLimiter, slots: asyncio.Semaphore, guard: Guard
) -> UrlStatus:
    """One URL, with retries and backoff; waits never hold a concurrency slot."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # an invalid IPv6 literal: rate-limited under the empty host
        host = ""
    status = UrlStatus(url, UNKNOWN, None, "not checked", time.time())
    for attempt in range(max(0, settings.retries) + 1):
        if attempt:
            await asyncio.sleep(settings.backoff * 2 ** (attempt - 1))
        await limiter.wait(host)
        async with slots:
            status = await probe(client, url, guard, settings.timeout)
        if not status.retryable:
            break
    return status


async def probe(client, url: str, guard: Guard, deadline: float) -> UrlStatus:
    """One attempt: HEAD, and GET when HEAD fails (many servers refuse or mishandle HEAD).

    The whole attempt, redirects included, ends within `deadline` seconds: httpx's own
    timeouts bound each phase (a read, a connect), so a server that sends a byte at a
    time would otherwise hold the URL for as long as it likes.
    """
    import httpx

    try:
        async with asyncio.timeout(deadline):
            status, reason = await fetch(client, "HEAD", url, guard)
            if status >= 400 and status != 429:  # a throttled host gets no second request
                status, reason = await fetch(client, "GET", url, guard)
        return classify_response(url, status, reason)
    except TimeoutError:
        return UrlStatus(url, UNKNOWN, None, "timed out", time.time(), retryable=True)
    except RefusedTarget as exc:
        return UrlStatus(url, REFUSED, None, f"not checked: {exc}", time.time())
    except httpx.HTTPError as exc:
        return classify_error(url, exc)
    except (ValueError, UnicodeError) as exc:  # an URL httpx cannot even parse
        return UrlStatus(url, UNKNOWN, None, f"invalid URL ({exc})", time.time())


async def fetch(client, method: str, url: str, guard: Guard, max_redirects: int = MAX_REDIRECTS) -> tuple[int, str]:
    """The final (status, reason) of `method url`, following redirects by hand.

    Every hop's URL goes through `guard.check_url` before its request (and its
    addresses through the guard again when a connection is opened).  No body is
    read: each response is closed as soon as its headers are in.
    """
    import httpx

    request = client.build_request(method, url)
    for _ in range(max_redirects + 1):
        guard.check_url(str(request.url))
        response = await client.send(request, stream=True)
        try:
            following = response.next_request  # set by httpx for 301/302/303/307/308 with a Location
            if following is None:
                return response.status_code, response.reason_phrase
        finally:
            await response.aclose()
        request = following
    raise httpx.TooManyRedirects(f"more than {max_redirects} redirects", request=request)


def classify_response(url: str, code: int, reason: str = "") -> UrlStatus:
    detail = f"{code} {reason}".strip()
    now = time.time()
    if code < 400:
        return UrlStatus(url, OK, code, detail, now)
    if code in DEAD_STATUSES:
        return UrlStatus(url, DEAD, code, detail, now)
    if code in (401, 403):
        return UrlStatus(url, UNKNOWN, code, f"{detail} (the site may block robots)", now)
    return UrlStatus(url, UNKNOWN, code, detail, now, retryable=code in RETRY_STATUSES)


def classify_error(url: str, exc: BaseException) -> UrlStatus:
    import httpx

    now = time.time()
    if isinstance(exc, httpx.TimeoutException):
        return UrlStatus(url, UNKNOWN, None, "timed out", now, retryable=True)
    if isinstance(exc, httpx.TooManyRedirects):
        return UrlStatus(url, UNKNOWN, None, "too many redirects", now)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return UrlStatus(url, UNKNOWN, None, f"cannot be checked ({exc})", now)
    resolver = _resolver_error(exc)
    if resolver is not None:
        if resolver.errno in NO_SUCH_HOST:
            return UrlStatus(url, DEAD, None, "host does not resolve", now)
        return UrlStatus(url, UNKNOWN, None, f"name lookup failed ({resolver.strerror})", now, retryable=True)
    return UrlStatus(url, UNKNOWN, None, f"connection failed ({type(exc).__name__})", now, retryable=True)


def _resolver_error(exc: BaseException) -> socket.gaierror | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


# -- which targets may be contacted -------------------------------------------------------


class RefusedTarget(Exception):
    """A URL or address the checker will not contact (loopback, private, …): never a network error."""


def address_problem(ip: IPAddress) -> str | None:
    """Why `ip` must not be contacted from a link check ("loopback", "private", …), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        nat64 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None
        embedded = ip.ipv4_mapped or ip.sixtofour or nat64
        if embedded is not None:
            inner = address_problem(embedded)
            if inner is not None:
                return f"{inner} (IPv4 inside an IPv6 address)"
        if ip.is_site_local:  # fec0::/10: deprecated, but still routed inside some networks
            return "site-local"
    for problem, hit in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not globally routable", not ip.is_global),  # 100.64/10 (carrier NAT), documentation ranges, …
    ):
        if hit:
            return problem
    return None


def name_problem(host: str) -> str | None:
    """Why the host *name* is refused before any lookup (RFC 6761: localhost names are loopback)."""
    if not host:
        return "no host name"
    if host == "localhost" or host.endswith(".localhost"):
        return "a localhost name"
    return None


def ip_literal(host: str) -> IPAddress | None:
    """The address `host` spells, if it is one: standard forms, and the IPv4 forms
    inet_aton() accepts (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`), which a
    resolver would turn into an address without asking anyone."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    return _legacy_ipv4(text)


_LEGACY_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _legacy_ipv4(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":  # a trailing dot, as in "127.0.0.1."
        parts.pop()
    if not 1 <= len(parts) <= 4 or len(text) > 253:
        return None
    values = []
    for part in parts:
        if not _LEGACY_PART.fullmatch(part):
            return None
        if part[:2] in ("0x", "0X"):
            values.append(int(part[2:] or "0", 16))
        elif part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    return ipaddress.IPv4Address(number * 256 ** (4 - len(head)) + last)


async def system_lookup(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host` (raises socket.gaierror)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class Guard:
    """Decides which URLs and addresses may be contacted.

    `lookup(host, port)` returns the host's addresses as strings (default: the system
    resolver); `allow_private` lifts every restriction (a config option for checking
    links to an intranet, and for tests that talk to a server on 127.0.0.1).
    """

    def __init__(
        self, allow_private: bool = False, lookup: Callable[[str, int], Awaitable[list[str]]] | None = None
    ) -> None:
        self.allow_private = allow_private
        self.lookup = lookup if lookup is not None else system_lookup

    def address_problem(self, host: str, ip: IPAddress) -> str | None:
        """Why `host`, resolved to `ip`, must not be contacted (None: it may)."""
        return None if self.allow_private else address_problem(ip)

    def _static_problem(self, host: str) -> str | None:
        if self.allow_private:
            return None
        problem = name_problem(host)
        if problem is None:
            literal = ip_literal(host)
            problem = None if literal is None else self.address_problem(host, literal)
        return problem

    def check_url(self, url: str) -> None:
        """Refuse (RefusedTarget) a URL whose host is a forbidden name or address literal."""
        try:
            host = (urlsplit(url).hostname or "").rstrip(".")
        except ValueError:
            return  # httpx refuses it as an invalid URL
        problem = self._static_problem(host)
        if problem is not None:
            raise RefusedTarget(f"{host or url} is {problem}")

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, all checked; RefusedTarget if any is forbidden.

        Any, not all: a name that resolves to a public and a private address is refused,
        since the connection could go to either.
        """
        name = host.strip("[]").rstrip(".").lower()
        problem = None if self.allow_private else name_problem(name)
        if problem is not None:
            raise RefusedTarget(f"{name} is {problem}")
        literal = ip_literal(name)
        found = [literal] if literal is not None else [ipaddress.ip_address(a) for a in await self.lookup(name, port)]
        for ip in found:
            problem = self.address_problem(name, ip)
            if problem is not None:
                raise RefusedTarget(f"{name} is {ip}, {problem}" if literal is None else f"{name} is {problem}")
        return [str(ip) for ip in dict.fromkeys(found)]


class PinnedBackend:
    """An httpcore network backend that connects only to addresses the guard approved.

    httpcore calls `connect_tcp(host, port)` for every new connection (each redirect to
    another origin opens one); TLS then runs on the returned stream with the host *name*
    for SNI and certificate checks, so only the address choice moves here.  The name is
    resolved once, every address checked, and the connection made to those addresses
    themselves: no later lookup can answer differently.
    """

    def __init__(self, guard: Guard, inner) -> None:
        self.guard = guard
        self.inner = inner

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None, socket_options=None
    ):
        import httpcore

        try:
            addresses = await self.guard.resolve(host, port)
        except socket.gaierror as exc:  # kept as the cause: classify_error tells "no such host" apart
            raise httpcore.ConnectError(f"name lookup failed for {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # the next address, as a resolver-driven client would
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise RefusedTarget("Unix sockets are never used for link checks")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def pinned_transport(guard: Guard, max_connections: int, network=None):
    """An httpx transport whose every connection goes through `PinnedBackend`.

    httpx has no public parameter for httpcore's network backend, so the transport's
    connection pool is replaced by one built with it; if a future httpx stops having
    that pool, this fails loudly instead of connecting unchecked.
    """
    import httpcore
    import httpx

    transport = httpx.AsyncHTTPTransport(trust_env=False)
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        raise RuntimeError("this httpx version is not supported by omnilint's address check; please report it")
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=5.0,
        # PinnedBackend implements AsyncNetworkBackend's methods (duck-typed: httpcore's base class
        # is imported only here, with httpx, while this module loads without them).
        network_backend=PinnedBackend(guard, network if network is not None else httpcore.AnyIOBackend()),  # type: ignore[arg-type]
    )
    return transport


class HostLimiter:
    """At most `rate` request starts per second for each host (requests to other hosts do not wait)."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_start: dict[str, float] = {}

    async def wait(self, host: str) -> None:
        if not self.interval:
            return
        now = self.clock()
        start = max(now, self.next_start.get(host, now))
        self.next_start[host] = start + self.interval  # reserved before sleeping: no lock needed
        if start > now:
            await self.sleep(start - now)


# -- the verdict cache --------------------------------------------------------------------

# Opening a folder or file must never follow a symbolic link planted in the linted tree.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_AT_SUPPORTED = _NOFOLLOW and _DIRECTORY and {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd


class UrlCache:
    """Verdicts on disk as JSON, each reused until it is older than its time-to-live.

    The file must lie inside `base` (default: its own folder): a path that is not there
    lexically (absolute elsewhere, or leaving through `..`) disables the cache.  Below
    `base`, no folder and not the file itself is opened through a symbolic link (POSIX:
    each step is opened relative to the previous one with O_NOFOLLOW), so a link
    planted in a vault cannot make a run read or write elsewhere; such a cache is
    ignored.  Writes go to a new file created exclusively, with a random name, in the
    same folder, then renamed over the old one: atomic, and a rename replaces a link
    at the destination rather than writing through it.
    """

    def __init__(
        self, path: Path, ttl: float, clock: Callable[[], float] = time.time, base: Path | None = None
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.base = base if base is not None else path.parent
        self.parts = _inside(self.base, path)
        self.entries = self._load() if ttl > 0 else {}

    # -- safe file access --
    def _open_folder(self, create: bool) -> int | None:
        """A descriptor of the cache file's folder, reached from `base` without following links."""
        assert self.parts is not None
        fd = os.open(self.base, os.O_RDONLY | _DIRECTORY)
        try:
            for part in self.parts[:-1]:
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        return None
                    os.mkdir(part, 0o777, dir_fd=fd)
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _read_text(self) -> str | None:
        if self.parts is None:
            return None
        if not _AT_SUPPORTED:
            return self._read_text_portable()
        folder = self._open_folder(create=False)
        if folder is None:
            return None
        try:
            fd = os.open(self.parts[-1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
        finally:
            os.close(folder)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None  # a FIFO, a device, or a file we did not write: never read
            return handle.read(MAX_CACHE_BYTES + 1).decode("utf-8")

    def _read_text_portable(self) -> str | None:
        """Without openat/O_NOFOLLOW (Windows): each step checked not to be a link, then read."""
        if _has_link(self.base, self.parts):  # type: ignore[arg-type]
            return None
        if not self.path.is_file() or self.path.stat().st_size > MAX_CACHE_BYTES:
            return None
        return self.path.read_text(encoding="utf-8")

    def _write_text(self, text: str) -> None:
        if self.parts is None:
            return
        if not _AT_SUPPORTED:
            return self._write_text_portable(text)
        folder = self._open_folder(create=True)
        if folder is None:
            return
        try:
            temp = f".online-{secrets.token_hex(8)}.tmp"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.rename(temp, self.parts[-1], src_dir_fd=folder, dst_dir_fd=folder)  # POSIX: atomic, replaces
            except BaseException:
                try:
                    os.unlink(temp, dir_fd=folder)
                except OSError:
                    pass
                raise
        finally:
            os.close(folder)

    def _write_text_portable(self, text: str) -> None:
        """Without openat/O_NOFOLLOW (Windows): each folder checked, then made; a rename
        replaces a link at the destination.  A link swapped in between is not caught."""
        folder = self.base
        for part in self.parts[:-1]:  # type: ignore[index]
            folder = folder / part
            if folder.is_symlink():
                return
            folder.mkdir(exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".online-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    # -- the verdicts --
    def _load(self) -> dict[str, dict]:
        try:
            text = self._read_text()
            data = json.loads(text) if text is not None else None
        except (OSError, ValueError):
            return {}  # no cache yet, a damaged one, or one behind a link: start afresh
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("urls"), dict):
            return {}
        return data["urls"]

    def _fresh(self, entry: dict) -> bool:
        ttl = self.ttl if entry.get("verdict") != UNKNOWN else min(self.ttl, UNKNOWN_TTL)
        checked = entry.get("checked")
        return isinstance(checked, (int, float)) and 0 <= self.clock() - checked < ttl

    def get(self, url: str) -> UrlStatus | None:
        entry = self.entries.get(url)
        if not isinstance(entry, dict) or not self._fresh(entry):
            return None
        try:
            return UrlStatus(url, entry["verdict"], entry.get("status"), entry.get("detail", ""), entry["checked"])
        except (KeyError, TypeError):
            return None

    def save(self, statuses: Iterable[UrlStatus]) -> None:
        """Merge `statuses` into the file (re-read first: another run may have written it), atomically."""
        fresh = {s.url: s.to_json() for s in statuses}
        if self.ttl <= 0 or not fresh:
            return
        merged: dict[str, object] = {**self._load(), **fresh}  # the file is untrusted: any JSON value
        entries = {url: e for url, e in merged.items() if isinstance(e, dict) and self._fresh(e)}
        self.entries = entries
        try:
            text = json.dumps({"version": CACHE_VERSION, "urls": entries}, ensure_ascii=False, sort_keys=True)
            self._write_text(text)
        except OSError:
            pass  # a read-only tree, or a link in the way: this run has its results, only the next one re-fetches


def _inside(base: Path, path: Path) -> tuple[str, ...] | None:
    """`path`'s parts below `base` (lexically: no `..`, no other root), or None if it is not inside."""
    try:
        parts = Path(os.path.normpath(path)).relative_to(os.path.normpath(base)).parts
    except ValueError:
        return None
    return parts or None


def _has_link(base: Path, parts: tuple[str, ...]) -> bool:
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False
