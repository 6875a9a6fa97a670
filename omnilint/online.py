"""Checking external URLs over the network (the engine side of LNK011).

Rules stay pure: LNK011 hands every URL of the run to `check_urls` at once and
gets plain verdicts back.  The checker is polite and cheap to re-run: one
asyncio loop with a global concurrency limit, a per-host rate limit, timeouts,
retries with exponential backoff, HEAD with a GET fallback, and a JSON cache
on disk with a time-to-live, so a second run sends no request for URLs it has
seen recently.

Verdicts: "ok" (2xx/3xx after redirects), "dead" (404 or 410, or a host name
that does not resolve), "unknown" (429, 401/403 bot walls, 5xx, timeouts,
refused connections, a resolver that cannot be reached): only "dead" is
reported, since a site that throttles or blocks a robot is not a broken link.

HTTP client: httpx.  It is already a declared dependency (the `online` and
`test` extras), pure Python, and gives one async API with connection limits,
per-phase timeouts and redirect following; aiohttp would add a compiled
dependency and its own timeout model for no gain at this scale.  It is
imported inside the functions that use it, so a run without --online never
imports an HTTP client (tests/test_online.py checks this).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__

OK, DEAD, UNKNOWN = "ok", "dead", "unknown"
DEAD_STATUSES = frozenset({404, 410})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Resolver answers that mean "no such host" (not "resolver unreachable", which is EAI_AGAIN).
NO_SUCH_HOST = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)
UNKNOWN_TTL = 3600.0  # an "unknown" verdict (throttled, timed out) is worth re-trying sooner
CACHE_VERSION = 1


@dataclass(frozen=True)
class OnlineSettings:
    timeout: float = 10.0  # seconds, per request phase (connect, read, …)
    concurrency: int = 16  # requests in flight at once
    per_host_rate: float = 2.0  # request starts per second and host (0 = no limit)
    retries: int = 2  # extra attempts after a timeout, a refused connection, 429 or 5xx
    backoff: float = 0.5  # seconds before the first retry; doubled for each next one
    cache_ttl: float = 7 * 86400.0  # seconds a verdict is reused (0 = no cache)
    cache_file: str = ".omnilint_cache/online.json"
    user_agent: str = f"omnilint/{__version__} (link check; +https://pypi.org/project/omnilint/)"


@dataclass(frozen=True)
class UrlStatus:
    url: str
    verdict: str  # OK, DEAD or UNKNOWN
    status: int | None  # the final HTTP status, when there was one
    detail: str  # for messages: "404 Not Found", "host does not resolve", …
    checked: float  # when (epoch seconds)
    retryable: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("url")
        data.pop("retryable")
        return data


def check_urls(urls: Iterable[str], settings: OnlineSettings = OnlineSettings()) -> dict[str, UrlStatus]:
    """A verdict for every URL: from the cache when fresh, otherwise from the network."""
    cache = UrlCache(Path(settings.cache_file), settings.cache_ttl)
    results: dict[str, UrlStatus] = {}
    todo: list[str] = []
    for url in dict.fromkeys(urls):
        hit = cache.get(url)
        if hit is not None:
            results[url] = hit
        else:
            todo.append(url)
    if todo:
        fetched = run_sync(check_all(todo, settings))
        results.update(fetched)
        cache.save(fetched.values())
    return results


def run_sync(coroutine: Awaitable):
    """Run `coroutine` to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def check_all(urls: list[str], settings: OnlineSettings) -> dict[str, UrlStatus]:
    import httpx

    limiter = HostLimiter(settings.per_host_rate)
    slots = asyncio.Semaphore(max(1, settings.concurrency))
    client = httpx.AsyncClient(
        follow_redirects=True,
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=max(1, settings.concurrency)),
        headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
    )
    async with client:
        statuses = await asyncio.gather(*(check_one(client, url, settings, limiter, slots) for url in urls))
    return {s.url: s for s in statuses}


async def check_one(client, url: str, settings: OnlineSettings, limiter: HostLimiter, slots: asyncio.Semaphore) -> UrlStatus:
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
            status = await probe(client, url)
        if not status.retryable:
            break
    return status


async def probe(client, url: str) -> UrlStatus:
    """HEAD, and GET when HEAD fails (many servers refuse or mishandle HEAD)."""
    import httpx

    try:
        response = await client.head(url)
        if response.status_code >= 400 and response.status_code != 429:  # a throttled host gets no second request
            async with client.stream("GET", url) as streamed:  # the status is enough: no body is read
                response = streamed
        return classify_response(url, response.status_code, response.reason_phrase)
    except httpx.HTTPError as exc:
        return classify_error(url, exc)
    except (ValueError, UnicodeError) as exc:  # an URL httpx cannot even parse
        return UrlStatus(url, UNKNOWN, None, f"invalid URL ({exc})", time.time())


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


class UrlCache:
    """Verdicts on disk as JSON, each reused until it is older than its time-to-live."""

    def __init__(self, path: Path, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.entries = self._load() if ttl > 0 else {}

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or a damaged one: start afresh
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
        if self.ttl <= 0:
            return
        entries = {**self._load(), **{s.url: s.to_json() for s in statuses}}
        entries = {url: e for url, e in entries.items() if isinstance(e, dict) and self._fresh(e)}
        self.entries = entries
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".online-", dir=self.path.parent)
        except OSError:
            return  # a read-only tree: this run has its results, only the next one re-fetches
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": CACHE_VERSION, "urls": entries}, out, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
