from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from omnilint.rules.kit.urls import is_web_url

from omnilint.document import Document
from omnilint.model import Diagnostic, Severity
from omnilint.rule import CorpusContext, CorpusRule, Options, Span

# The default cache folder's name: a `cache-file` that starts with it (the old default,
# relative to the project root) names the same folder.
CACHE_FOLDER = ".omnilint_cache"

INTEGER_OPTIONS = frozenset({"concurrency", "retries"})


def cache_file_problem(value: Any) -> str | None:
    """Why `value` is not a valid `cache-file` (a relative path that stays inside the cache folder)."""
    if not isinstance(value, str) or not value.strip():
        return "must be a file name inside the cache folder, such as 'online.json'"
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).anchor:
        return f"must be relative to the cache folder ({CACHE_FOLDER}), not an absolute path: {value!r}"
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if ".." in parts:
        return f"must stay inside the cache folder ({CACHE_FOLDER}): no '..' ({value!r})"
    if not [p for p in parts if p not in (".", CACHE_FOLDER)]:
        return f"must name a file inside the cache folder, not the folder itself ({value!r})"
    return None


def cache_file_parts(value: str) -> tuple[str, ...]:
    """The path of `cache-file` below the cache folder; a leading `.omnilint_cache/` (the old
    default, relative to the project root) names the same folder."""
    parts = [p for p in PurePosixPath(value.replace("\\", "/")).parts if p != "."]
    if len(parts) > 1 and parts[0] == CACHE_FOLDER:
        parts = parts[1:]
    return tuple(parts)


class UnreachableUrl(CorpusRule):
    """## What it does
    Checks every external `http(s)` URL of links, images and autolinks over the
    network and reports those that answer 404 or 410, or whose host name does
    not resolve.  Off by default; only `--online` (or `online = true` in a
    config passed with `--config`) switches it on.  A site that throttles (429),
    blocks robots (401/403), fails (5xx) or times out is "unknown", never
    reported.  Each URL is checked once per run however often it appears (the
    `#fragment` aside), with at most `concurrency` requests in flight,
    `per-host-rate` request starts per second and host, `retries` with
    exponential backoff, HEAD first and GET when HEAD fails.  `timeout` is one
    deadline in seconds for a whole attempt on a URL: connecting, every
    redirect and the response headers (no body is read); a URL takes at most
    (`retries` + 1) × `timeout` plus the backoff waits.  Verdicts are cached
    in `cache-file`, a path inside the cache folder (`--cache-dir`, else
    `.omnilint_cache` in the project root: the config file's folder, else the
    working folder), for
    `cache-ttl` seconds, so re-runs do not fetch again.  An absolute
    `cache-file` or one that leaves the folder with `..` is a configuration
    error; a cache folder or file that is a symbolic link is neither read nor
    written.

    Notes are untrusted input, so the check never contacts loopback, private,
    link-local, multicast, unspecified or reserved addresses (IPv4 and IPv6,
    IPv4-mapped IPv6 included, and IPv4 written in decimal, octal or hex such
    as `http://2130706433/`), nor `localhost` names.  The address is checked
    after the name is resolved, on every redirect, and the connection goes to
    the address that was checked (no second lookup).  Such a URL is skipped:
    not reported, not cached.  `allow-private-addresses = true` lifts this (to
    check links into an intranet); only a config passed with `--config` may
    set it, never one found in the linted folder.  Proxies from the
    environment are not used.

    ## Why is this bad?
    Saved articles outlive the pages they link to; a dead link is worth
    replacing with an archived copy while one can still be found.

    ## Example
    ```markdown
    [The original post](https://example.com/a-page-that-was-deleted)
    ```

    Use instead:
    ```markdown
    [The original post](https://web.archive.org/web/2023/https://example.com/a-page-that-was-deleted)
    ```

    ## Fix safety
    No fix: only a person can pick the replacement.
    """

    code = "LNK011"
    name = "unreachable-url"
    summary = "External URLs that answer 404/410 or whose host does not resolve (network; --online)"
    default_enabled = False
    enabled_by = "online"
    options = {
        "timeout": 10.0,
        "concurrency": 16,
        "per-host-rate": 2.0,
        "retries": 2,
        "cache-ttl": 7 * 86400,
        "cache-file": "online.json",
        "allow-private-addresses": False,
    }
    option_ranges = {
        "timeout": (0.1, 600.0),
        "concurrency": (1, 256),
        "per-host-rate": (0.0, 1000.0),
        "retries": (0, 10),
        "cache-ttl": (0, 365 * 86400),
    }
    # Reaching the invoker's own network is the invoker's decision, not a downloaded vault's.
    invoker_only_options = frozenset({"allow-private-addresses"})

    @classmethod
    def check_option(cls, key: str, value: Any) -> str | None:
        """Why `value` is not valid for `key` (the config layer adds the key and rule), or None."""
        default = cls.options[key]
        if key == "cache-file":
            return cache_file_problem(value)
        if isinstance(default, bool):
            return None if isinstance(value, bool) else f"must be true or false, not {value!r}"
        if key in INTEGER_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be an integer, not {value!r}"
            return None  # the range is checked from `option_ranges`
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, not {value!r}"
        return None  # the range is checked from `option_ranges`

    def collect(self, doc: Document, options: Options) -> Any:
        urls = []
        for node in doc.links:
            if node.link_type != "wikilink" and is_web_url(node.url.strip()):
                urls.append([node.url.strip().partition("#")[0], Span.of(doc, node.start, node.end)])
        return {"urls": urls}

    def check_corpus(self, facts: Mapping[str, Any], options: Options, context: CorpusContext):
        from omnilint import online  # the network side, imported only when this rule runs

        urls = sorted({url for file_facts in facts.values() for url, _ in file_facts["urls"]})
        if not urls:
            return
        missing = online.client_missing()
        if missing is not None:  # once per run, at the first URL: a setup problem, not a crash
            display = next(d for d, f in sorted(facts.items()) if f["urls"])
            yield display, self._error(facts[display]["urls"][0][1], f"URLs not checked: {missing}")
            return
        cache_file = str(options["cache-file"])
        valid_cache = cache_file_problem(cache_file) is None  # the config layer refused others; API callers too
        settings = online.OnlineSettings(
            timeout=float(options["timeout"]),
            concurrency=int(options["concurrency"]),
            per_host_rate=float(options["per-host-rate"]),
            retries=int(options["retries"]),
            cache_ttl=float(options["cache-ttl"]) if valid_cache else 0.0,
            cache_file=os.path.join(context.cache_dir, *cache_file_parts(cache_file)) if valid_cache else "",
            # The folder above: the cache folder itself is created (never through a link) when missing.
            cache_base=os.path.dirname(os.path.abspath(context.cache_dir)),
            allow_private=options["allow-private-addresses"] is True,
        )
        statuses = online.check_urls(urls, settings)
        for display, file_facts in facts.items():
            for url, span in file_facts["urls"]:
                status = statuses.get(url)
                if status is not None and status.verdict == online.DEAD:
                    yield display, self.at(span, f"Unreachable URL: {status.detail} ({url})")

    def _error(self, span: list[int], message: str) -> Diagnostic:
        start, end, line, column, end_line, end_column = span
        return Diagnostic(
            self.code, self.name, message, start, end, Severity.ERROR, None, line, column, end_line, end_column
        )
