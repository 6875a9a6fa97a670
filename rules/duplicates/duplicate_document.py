from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from omnilint.rules.kit.exporter_links import ORIGINAL_LINK_TEXTS, original_link
from omnilint.rules.kit.front_matter import find_key
from omnilint.rules.kit.header import weighs_at_least
from omnilint.rules.kit.readwise import ReadwiseBody, highlight_text, readwise_body

from omnilint.document import Document
from omnilint.hashing import blake2b
from omnilint.markdown import Node
from omnilint.rule import CorpusContext, CorpusRule, Options, Span

from ._blocks import Block, blocks
from ._blocks import header as shared_header

# Query parameters that only say where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "igshid",
        "igsh",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "__readwiselocation",
        "spm",
        "scm",
        "share_token",
        "srsltid",
        "cmpid",
        "ncid",
        "at_medium",
        "at_campaign",
        "smid",
        "sr_share",
        "s_cid",
        "trk",
        "mkt_tok",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "wt_mc",
        "icid",
        "source",
        "via",
        "feature",
        "si",
        "share_source",
        "share_medium",
        "share_from",
        "from",
        "is_from_webapp",
        "sender_device",
        "utm",
    }
)
URL_KEYS = ("url", "source", "link", "original_url", "originalUrl", "original-url")
# The exporter's own addresses, never an article's: Omnivore's reader links
# (`omnivore.app/me/<slug>`) and its image proxy (`proxy-prod.omnivore-image-cache.app/<W>x<H>,s<sig>/<url>`,
# self-hosted proxies keep the path shape under other hosts).  Any other address, on a subdomain
# of omnivore.app too (`blog.omnivore.app/p/…` is a real article), is an article's.
READER_HOST, READER_PATH = "omnivore.app", "/me/"
IMAGE_PROXY_HOST = "omnivore-image-cache.app"
IMAGE_PROXY_PATH = re.compile(r"/\d+x\d+,[^/]*/(?:https?:|data:)", re.I)


def _exporter_address(host: str, path: str) -> bool:
    """Is host + path (host lower case, without `www.`) the exporter's reader or image proxy?"""
    if host == READER_HOST and (path + "/").startswith(READER_PATH):
        return True
    if host == IMAGE_PROXY_HOST or host.endswith("." + IMAGE_PROXY_HOST):
        return True
    return IMAGE_PROXY_PATH.match(path) is not None


MAX_LISTED = 100  # files listed in a finding's data; a cluster of thousands would make output quadratic


def normalise_url(url: str) -> str | None:
    """A comparison key for an article URL: scheme, `www.`, default port, fragment,
    trailing slash, tracking parameters and parameter order do not matter."""
    url = url.strip().strip("<>")
    url = re.sub(r"[?&]__readwiseLocation=[^&#]*", "", url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if _exporter_address(host, parts.path):
        return None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = unquote(parts.path).rstrip("/") or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(("utm_", "pk_", "hmb_", "mtm_"))
    )
    if path == "/" and not query:
        return None  # a homepage names a site, not an article (newsletters give the sender's)
    return host + path + ("?" + urlencode(query) if query else "")


def _original_url(doc: Document, header: list, readwise: ReadwiseBody | None = None) -> tuple[str, int, int] | None:
    """(url, start, end) from the front matter's url/source key, else from the `[Read Original]`
    link, else from the `URL:` line of Readwise's Metadata list."""
    meta = doc.meta
    for key in URL_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            found = find_key(doc, key)
            front = doc.front_matter
            if found is not None and front is not None:
                return value, front.offset_of(found[0].start_mark), front.offset_of(found[1].end_mark)
            return value, 0, 0
    for _node, lines in header:
        for line in lines:
            link = original_link(doc, line, dead=True)  # a dead site's article is still the same article
            if link is not None:
                return link.url, link.start, link.end
    if readwise is not None and readwise.url is not None:
        line = readwise.get("url")
        assert line is not None  # readwise.url comes from it
        return readwise.url, line.start, line.end
    return None


def _id(doc: Document) -> tuple[str, int, int] | None:
    value = doc.meta.get("id")
    if value is None or isinstance(value, (dict, list, bool)) or not str(value).strip():
        return None
    found = find_key(doc, "id")
    front = doc.front_matter
    if found is not None and front is not None:
        return str(value).strip(), front.offset_of(found[0].start_mark), front.offset_of(found[1].end_mark)
    return str(value).strip(), 0, 0


def _exporter_links(block: Block) -> bool:
    """Does the block hold the exporter's own links (Read on Omnivore, Read Original)?"""
    for n in block.links:
        if "omnivore.app/" in n.url or n.plain_text().strip().casefold() in ORIGINAL_LINK_TEXTS:
            return True
    return False


def body_fingerprint(doc: Document, min_length: int, header: list | None = None) -> tuple[str, int, int] | None:
    """(hash, start, end of the first block) of the article text.  The exporter's header
    and the highlights are left out, so a re-sync that gained a highlight or a renamed
    title still matches."""
    if header is None:
        header = shared_header(doc)
    skipped = {id(node) for node, _ in header if node.kind == "paragraph"}
    texts = []
    first: Node | None = None
    for block in blocks(doc):
        node = block.node
        if block.zone == "highlights" or id(node) in skipped or _exporter_links(block):
            continue
        if node.kind == "code_block":
            texts.append(re.sub(r"\s+", " ", doc.source(node)).strip())
        elif block.text:
            texts.append(block.text)
        else:
            continue
        first = first or node
    body = "\n".join(texts)
    if first is None or not weighs_at_least(body, min_length):
        return None
    digest = blake2b(body.encode("utf-8"), digest_size=12).hexdigest()
    return digest, first.start, first.start + len(doc.source(first).split("\n", 1)[0].rstrip())


def highlights_fingerprint(doc: Document, readwise: ReadwiseBody, min_length: int) -> tuple[str, int, int] | None:
    """(hash, start, end of the first highlight's line) of a Readwise file's highlights, the
    only text of the article it keeps (Readwise's View Highlight links and the reader's notes
    left out), or None when there are fewer than `min_length` units of it."""
    texts = [text for text in (highlight_text(item) for item in readwise.highlights) if text]
    body = "\n".join(texts)
    if not texts or not weighs_at_least(body, min_length):
        return None
    digest = blake2b(body.encode("utf-8"), digest_size=12).hexdigest()
    first = readwise.highlights[0]
    return digest, first.start, doc.line_bounds(first.start)[1]


class DuplicateDocument(CorpusRule):
    """## What it does
    Finds files in the same run that hold the same article: the same front-matter
    `id` (a re-sync wrote `<title>-<uuid>.md` or `… 1.md`), the same original URL
    (front-matter `url`/`source`, the `[Read Original]` link, or the `URL:` line of
    Readwise's `## Metadata` list; compared without scheme, `www.`, fragment,
    trailing slash and tracking parameters such as `utm_*`), or the same article
    text (at least `min-body-length` units, CJK counting double; the exporter
    header and highlights are left out, except in a Readwise file, which keeps no
    article: its highlights are its text).  Only the exporter's own addresses are
    never an original URL: Omnivore's reader links (`omnivore.app/me/…`) and its
    image proxy; any other address is one, on a subdomain of omnivore.app too
    (`blog.omnivore.app/p/…`).  Each file's finding names the others; the JSON
    output carries the whole cluster in the finding's `data`.

    ## Why is this bad?
    Copies drift apart: highlights and notes land in one copy and not the other,
    searches return the article twice, and `.trash/` or `-2.md` copies resurface.

    ## Example
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    url: https://example.com/post?utm_source=rss
    ---
    ```

    And, in another file of the same run:
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    url: https://example.com/post
    ---
    ```

    Use instead: keep one of the two files.
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    url: https://example.com/post
    ---
    ```

    ## Fix safety
    No fix: files are never deleted or merged; which copy to keep (the one with
    your highlights, the one your notes link to) is your decision.
    """

    code = "DUP003"
    name = "duplicate-document"
    summary = "Another file in the run holds the same article"
    options: ClassVar[dict[str, Any]] = {"min-body-length": 200}

    def collect(self, doc: Document, options: Options) -> dict[str, Any]:
        """Small facts per file: the three keys and where to report each."""
        facts: dict[str, Any] = {}
        found_id = _id(doc)
        if found_id is not None:
            facts["id"] = [found_id[0], Span.of(doc, found_id[1], found_id[2])]
        header = shared_header(doc)
        readwise = readwise_body(doc)
        url = _original_url(doc, header, readwise)
        if url is not None:
            key = normalise_url(url[0])
            if key is not None:
                facts["url"] = [key, Span.of(doc, url[1], url[2])]
        if readwise is not None:  # Readwise keeps no article, only highlights: they are its text
            body = highlights_fingerprint(doc, readwise, int(options["min-body-length"]))
        else:
            body = body_fingerprint(doc, int(options["min-body-length"]), header)
        if body is not None:
            facts["body"] = [body[0], Span.of(doc, body[1], body[2])]
        return facts

    def check_corpus(
        self, facts: Mapping[str, Any], options: Options, context: CorpusContext
    ) -> Iterable[tuple[str, Any]]:
        clusters = cluster(facts)
        for members, reasons in clusters:
            for path in members:
                others = [p for p in members if p != path]
                yield path, self._finding(path, others, members, reasons, facts[path])

    def _finding(self, path: str, others: list[str], members: list[str], reasons: dict, own: dict):
        shared = [kind for kind in ("id", "url", "body") if path in reasons.get(kind, ())]
        kind = shared[0] if shared else next(k for k in ("id", "url", "body") if k in own)
        span = own[kind][1]
        names = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        what = {"id": "the same id", "url": "the same original URL", "body": "the same article text"}
        reasons_text = [what[k] for k in shared]
        because = ", ".join(reasons_text[:-1]) + " and " + reasons_text[-1] if len(shared) > 1 else reasons_text[0]
        message = f"Same article as {names} ({because})"
        data = {
            "cluster": members[:MAX_LISTED],
            "cluster_size": len(members),
            "shared": {k: own[k][0] for k in shared},
        }
        return self.at(span, message, data=data)


def cluster(facts: Mapping[str, Any]) -> list[tuple[list[str], dict[str, set[str]]]]:
    """Files joined by any shared key (union-find over hashed keys): linear in the files."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    owner: dict[tuple[str, str], str] = {}
    reasons: dict[str, set[str]] = {"id": set(), "url": set(), "body": set()}
    for path in sorted(facts):
        parent.setdefault(path, path)
        for kind in ("id", "url", "body"):
            fact = (facts[path] or {}).get(kind)
            if not fact:
                continue
            first = owner.setdefault((kind, fact[0]), path)
            if first != path:
                reasons[kind].update((first, path))
                a, b = find(first), find(path)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for path in sorted(parent):
        groups.setdefault(find(path), []).append(path)
    # Reasons per cluster: a file shares `kind` when another file in its cluster has its value.
    found = []
    for members in groups.values():
        if len(members) > 1:
            found.append((members, reasons))
    return found
