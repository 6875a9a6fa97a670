from __future__ import annotations

import re
from fnmatch import fnmatchcase
from urllib.parse import unquote, urlsplit

from omnilint.rules.kit.urls import host_in, host_of, is_web_url

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import replacement, url_holders
from ._front_urls import FrontUrl, front_matter_urls, scalar_rewrite

TRACKING_PARAMS = [
    "utm_*", "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid",
    "__readwiseLocation", "__twitter_impression",
]  # fmt: skip
# (host, path, query parameter holding the target): link wrappers that carry the real URL.
WRAPPERS = [
    ("link.zhihu.com", "", "target"),
    ("link.juejin.cn", "", "target"),
    ("links.jianshu.com", "/go", "to"),
    ("google.com", "/url", "q"),
    ("google.com", "/url", "url"),
    ("l.facebook.com", "/l.php", "u"),
    ("lm.facebook.com", "/l.php", "u"),
    ("youtube.com", "/redirect", "q"),
    ("steamcommunity.com", "/linkfilter", "url"),
    ("weibo.cn", "/sinaurl", "u"),
    ("douban.com", "/link2", "url"),
    ("safelinks.protection.outlook.com", "", "url"),
]
_AMP_CACHE = re.compile(r"^https?://(?:www\.)?google\.[a-z.]+/amp/(s/)?(.+)$", re.IGNORECASE)
_AMP_PROJECT = re.compile(r"^https?://[^/]+\.cdn\.ampproject\.org/[a-z]/(s/)?(.+)$", re.IGNORECASE)
_AMP_QUERY = re.compile(r"^(?:amp(?:=(?:1|true))?|outputType=amp)$", re.IGNORECASE)


class TrackingUrl(Rule):
    """## What it does
    Finds URLs that carry tracking parameters (`utm_*`, `fbclid`, `gclid`,
    `__readwiseLocation`, …; option `params`, `*` allowed), redirect wrappers
    whose target is written inside the URL (`link.zhihu.com/?target=…`,
    `google.com/url?q=…`, Facebook, YouTube, Outlook safe links, …) and AMP
    URLs (`google.com/amp/s/…`, `*.cdn.ampproject.org/c/s/…`, an `amp` first or
    last path segment, `amp.` hosts, `?amp=1`).  The article URL fields of the
    front matter (`url`, `source`, `link`, `original_url`, `source_url`,
    `canonical`, …) are checked too.  A second `?` whose part holds only tracking
    parameters (`?v=7?__readwiseLocation=`, an app appending its query to a URL
    that had one) is tracking as well.  Off by default.

    ## Why is this bad?
    Saved articles keep the campaign noise of the moment they were shared; a
    wrapper stops working when the redirect service does, and AMP pages are
    stripped-down copies of the article.

    ## Example
    ```markdown
    [Source](https://example.com/post?id=7&utm_source=newsletter&utm_medium=email) and
    [a tool](https://link.zhihu.com/?target=https%3A//example.org/tool).
    ```

    Use instead:
    ```markdown
    [Source](https://example.com/post?id=7) and
    [a tool](https://example.org/tool).
    ```

    ## Fix safety
    Safe for tracking parameters (removed; the other parameters and their order
    stay byte for byte) and redirect wrappers (replaced by the target they
    carry).  Unsafe for AMP URLs: the canonical address is a guess that is
    usually right.  Reference-style links are fixed in their definition.  In the
    front matter only the scalar's characters change, in the style it was
    written in (a plain value stays plain, a quoted one keeps its quotes); when
    the new URL would not read back as itself in that style there is no fix.
    """

    code = "LNK010"
    name = "tracking-url"
    summary = "Tracking parameters, redirect wrappers and AMP addresses in URLs"
    fixable = Fixable.SOMETIMES
    default_enabled = False
    options = {"params": TRACKING_PARAMS}

    def check(self, doc: Document, options: Options):
        patterns = [str(p) for p in options["params"]]
        text = doc.text
        for node, span in url_holders(doc):
            url = node.url
            if not is_web_url(url):
                continue
            lowered = url.lower()
            if "?" not in url and "amp" not in lowered:
                continue  # no parameters, no wrapper target, no AMP: nothing to look at
            cleaned, reasons = _clean(url, patterns)
            amp = _de_amp(cleaned) if "amp" in cleaned.lower() else None
            if not reasons and amp is None:
                continue
            if reasons:
                message = "URL " + " and ".join(reasons) + (" (and is an AMP address)" if amp else "")
                raw = replacement(text, node, span, cleaned)
                action = (
                    "Link to the target directly"
                    if cleaned != url and "wrapper" in reasons[0]
                    else "Remove the tracking parameters"
                )
                fix = None if raw is None else self.fix(action, Edit(span[0], span[1], raw))
            else:
                message = "AMP address of an article"
                raw = replacement(text, node, span, amp) if amp is not None else None
                fix = (
                    None
                    if raw is None
                    else self.fix("Use the canonical address", Edit(span[0], span[1], raw), safe=False)
                )
            yield self.report(doc, span[0], span[1], message, fix)
        for field in front_matter_urls(doc):
            finding = self._front_matter(doc, field, patterns)
            if finding is not None:
                yield finding

    def _front_matter(self, doc: Document, field: FrontUrl, patterns: list[str]):
        """The same finding and fix for a front-matter URL field, edited inside its scalar."""
        url = field.value.strip()
        if url != field.value or not is_web_url(url) or ("?" not in url and "amp" not in url.lower()):
            return None
        cleaned, reasons = _clean(url, patterns)
        amp = _de_amp(cleaned) if "amp" in cleaned.lower() else None
        if reasons:
            message = f"Front-matter `{field.key}`: URL " + " and ".join(reasons)
            if amp:
                message += " (and is an AMP address)"
            raw = scalar_rewrite(field, cleaned)
            action = "Link to the target directly" if "wrapper" in reasons[0] else "Remove the tracking parameters"
            fix = None if raw is None else self.fix(action, Edit(field.start, field.end, raw))
        elif amp is not None:
            message = f"Front-matter `{field.key}`: AMP address of an article"
            raw = scalar_rewrite(field, amp)
            fix = (
                None
                if raw is None
                else self.fix("Use the canonical address", Edit(field.start, field.end, raw), safe=False)
            )
        else:
            return None
        return self.report(doc, field.start, field.end, message, fix)


def _clean(url: str, patterns: list[str]) -> tuple[str, list[str]]:
    """`url` unwrapped from redirect wrappers and without tracking parameters, and what was done."""
    reasons: list[str] = []
    for _ in range(3):  # wrappers inside wrappers
        target = _wrapped_target(url)
        if target is None:
            break
        reasons.append(f"goes through the redirect wrapper {host_of(url)}")
        url = target
    without, dropped = _drop_params(url, patterns)
    if dropped:
        reasons.append("has tracking parameters (" + ", ".join(dropped) + ")")
    return without, reasons


def _query_bounds(url: str) -> tuple[int, int] | None:
    """(start, end) of the query (after '?', before '#'), or None."""
    q = url.find("?")
    h = url.find("#")
    if q < 0 or (0 <= h < q):
        return None
    return q + 1, (h if h >= 0 else len(url))


def _query_pairs(url: str) -> list[tuple[str, str]]:
    bounds = _query_bounds(url)
    if bounds is None:
        return []
    return [(unquote(item.partition("=")[0]), item) for item in url[bounds[0] : bounds[1]].split("&")]


def _wrapped_target(url: str) -> str | None:
    host = host_of(url)
    if not host:  # no host, or one urlsplit refuses (an invalid IPv6 literal)
        return None
    path = urlsplit(url).path.rstrip("/")
    for wrapper_host, wrapper_path, param in WRAPPERS:
        if host_in(host, [wrapper_host]) and path == wrapper_path:
            for key, item in _query_pairs(url):
                if key == param and "=" in item:
                    target = unquote(item.partition("=")[2])
                    if is_web_url(target) and host_of(target):
                        return target
    return None


def _tracking(item: str, patterns: list[str]) -> bool:
    return bool(item) and any(fnmatchcase(unquote(item.partition("=")[0]), p) for p in patterns)


def _drop_params(url: str, patterns: list[str]) -> tuple[str, list[str]]:
    bounds = _query_bounds(url)
    if bounds is None:
        return url, []
    dropped: list[str] = []
    # A second `?` (`watch?v=7&index=6?__readwiseLocation=`): an app appended its own query
    # to a URL that had one.  When that part is only tracking, it goes whole; else a `?`
    # inside a value (`?q=why?`) is the site's business and the query is read as usual.
    second = url.find("?", bounds[0], bounds[1])
    tail = url[second + 1 : bounds[1]].split("&") if second >= 0 else []
    if tail and all(_tracking(item, patterns) for item in tail):
        dropped = [unquote(item.partition("=")[0]) for item in tail]
        url = url[:second] + url[bounds[1] :]
        bounds = (bounds[0], second)
    kept = []
    for key, item in _query_pairs(url):
        if item and any(fnmatchcase(key, p) for p in patterns):
            dropped.append(key)
        else:
            kept.append(item)
    if not dropped:
        return url, []
    if len(kept) == len(_query_pairs(url)):
        return url, dropped  # only the appended part went
    query = "&".join(kept)
    start = bounds[0] if query else bounds[0] - 1  # no '?' left when nothing is kept
    return url[:start] + query + url[bounds[1] :], dropped


def _de_amp(url: str) -> str | None:
    """The canonical address of an AMP URL, or None when `url` is not one."""
    for pattern in (_AMP_CACHE, _AMP_PROJECT):
        m = pattern.match(url)
        if m:
            return ("https://" if m.group(1) else "http://") + m.group(2)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. `https://examp]le.com`: not an address anyone could canonicalise
        return None
    segments = parts.path.split("/")
    new_path = parts.path
    if len(segments) > 2 and segments[1].lower() == "amp":
        new_path = "/" + "/".join(segments[2:])
    elif len(segments) > 2 and segments[-1].lower() == "amp":
        new_path = "/".join(segments[:-1]) + "/"
    elif re.search(r"\.amp(?:\.html?)?$", segments[-1], re.IGNORECASE):
        new_path = re.sub(r"\.amp(?=(?:\.html?)?$)", "", parts.path, flags=re.IGNORECASE)
    query = [item for _, item in _query_pairs(url)]
    kept = [q for q in query if not _AMP_QUERY.match(q)]
    # `amp.example.com` is the AMP copy of example.com; `amp.dev` is a site of its own (what
    # would be left is a bare top-level domain).
    amp_host = host.startswith("amp.") and "." in host[4:] and parts.netloc.lower().startswith("amp.")
    new_host = parts.netloc[4:] if amp_host else parts.netloc
    if new_path == parts.path and kept == query and new_host == parts.netloc:
        return None
    rebuilt = f"{parts.scheme}://{new_host}{new_path}"
    if kept:
        rebuilt += "?" + "&".join(kept)
    if parts.fragment:
        rebuilt += "#" + parts.fragment
    return rebuilt
