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
import socket
import time
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .. import __version__
from .targets import (
    NAT64,
    Guard,
    HostLimiter,
    IPAddress,
    PinnedBackend,
    RefusedTarget,
    address_problem,
    ip_literal,
    name_problem,
    pinned_transport,
)
from .verdicts import CACHE_VERSION, DEAD, MAX_CACHE_BYTES, OK, REFUSED, UNKNOWN, UNKNOWN_TTL, UrlCache, UrlStatus

# The package's face: the LNK011 rule and the tests use these names from here.
__all__ = [
    "CACHE_VERSION",
    "DEAD",
    "INSTALL_HINT",
    "MAX_CACHE_BYTES",
    "NAT64",
    "OK",
    "REFUSED",
    "UNKNOWN",
    "UNKNOWN_TTL",
    "Guard",
    "HostLimiter",
    "IPAddress",
    "OnlineSettings",
    "PinnedBackend",
    "RefusedTarget",
    "UrlCache",
    "UrlStatus",
    "address_problem",
    "check_urls",
    "classify_error",
    "classify_response",
    "client_missing",
    "ip_literal",
    "name_problem",
    "pinned_transport",
]

DEAD_STATUSES = frozenset({404, 410})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Resolver answers that mean "no such host" (not "resolver unreachable", which is EAI_AGAIN).
NO_SUCH_HOST = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)
MAX_REDIRECTS = 10
INSTALL_HINT = "pip install 'omnilint-md[online]'"


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
