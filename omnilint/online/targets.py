"""Which targets the checker may contact: address rules, the pinned network backend, per-host pacing."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# 64:ff9b::/96 (RFC 6052): a NAT64 gateway turns these into the IPv4 address in the last 32 bits.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


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
