from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from omnilint.document import Document
from omnilint.rule import PROJECT_ROOT, CorpusRule, Options, Span

from ._common import is_web_url


class UnreachableUrl(CorpusRule):
    """## What it does
    Checks every external `http(s)` URL of links, images and autolinks over the
    network and reports those that answer 404 or 410, or whose host name does
    not resolve.  Off by default; `--online` (or `online = true` in the config)
    switches it on.  A site that throttles (429), blocks robots (401/403),
    fails (5xx) or times out is "unknown", never reported.  Each URL is
    checked once per run however often it appears (the `#fragment` aside), with
    at most `concurrency` requests in flight, `per-host-rate` request starts per
    second and host, a `timeout` in seconds, `retries` with exponential backoff,
    HEAD first and GET when HEAD fails.  Verdicts are cached in `cache-file`
    (a relative path is taken from the project root: the config file's folder,
    else the working folder) for `cache-ttl` seconds, so re-runs do not fetch
    again.

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
    needs_root = True
    options = {
        "timeout": 10.0,
        "concurrency": 16,
        "per-host-rate": 2.0,
        "retries": 2,
        "cache-ttl": 7 * 86400,
        "cache-file": ".omnilint_cache/online.json",
    }

    def collect(self, doc: Document, options: Options) -> Any:
        urls = []
        for node in doc.links:
            if node.link_type != "wikilink" and is_web_url(node.url.strip()):
                urls.append([node.url.strip().partition("#")[0], Span.of(doc, node.start, node.end)])
        return {"urls": urls}

    def check_corpus(self, facts: Mapping[str, Any], options: Options):
        from omnilint import online  # the network side, imported only when this rule runs

        settings = online.OnlineSettings(
            timeout=float(options["timeout"]),
            concurrency=int(options["concurrency"]),
            per_host_rate=float(options["per-host-rate"]),
            retries=int(options["retries"]),
            cache_ttl=float(options["cache-ttl"]),
            cache_file=os.path.join(str(options.get(PROJECT_ROOT, ".")), str(options["cache-file"])),
        )
        urls = sorted({url for file_facts in facts.values() for url, _ in file_facts["urls"]})
        if not urls:
            return
        statuses = online.check_urls(urls, settings)
        for display, file_facts in facts.items():
            for url, span in file_facts["urls"]:
                status = statuses.get(url)
                if status is not None and status.verdict == online.DEAD:
                    yield display, self.at(span, f"Unreachable URL: {status.detail} ({url})")
