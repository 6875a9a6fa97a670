from __future__ import annotations

from omnilint.rules.kit.urls import is_web_url, parse_proxy

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import replacement, url_holders


class ProxiedImage(Rule):
    """## What it does
    Finds image and link URLs on Omnivore's image proxy
    (`https://proxy-prod.omnivore-image-cache.app/<W>x<H>,s<signature>/<original URL>`,
    also `proxy-demo.` and self-hosted proxies with the same path shape) whose
    original URL can be recovered from the proxy URL.

    ## Why is this bad?
    The proxy went down with Omnivore, so these images no longer load; the
    original URL is right there in the proxy URL.  Recovery takes everything
    after the size-and-signature segment as it is (no percent-decoding:
    Substack image URLs carry `https%3A%2F%2F` inside their path) and repairs a
    collapsed `https:/host`.  Proxy URLs that wrap a `data:` payload cannot be
    recovered; LNK001 reports those.

    ## Example
    ```markdown
    ![Chart](https://proxy-prod.omnivore-image-cache.app/840x459,sVwKVqg56Af0-p0cxBMnDCuwwvsUSQIyJ21EDcZwcuPs/https://substackcdn.com/image/fetch/w_1456/https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2Fchart.png)
    ```

    Use instead:
    ```markdown
    ![Chart](https://substackcdn.com/image/fetch/w_1456/https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2Fchart.png)
    ```

    ## Fix safety
    Safe: the destination is rewritten to the original URL, written so that a
    parser reads back exactly that URL (in `<...>` when it needs to be);
    when no such spelling exists the finding has no fix.  Reference-style links
    are fixed in their definition.
    """

    code = "LNK002"
    name = "proxied-image"
    summary = "Image and link URLs on Omnivore's image proxy whose original URL can be recovered"
    fixable = Fixable.SAFE

    def check(self, doc: Document, options: Options):
        text = doc.text
        for node, span in url_holders(doc):
            if not is_web_url(node.url):
                continue
            proxied = parse_proxy(node.url)
            if proxied is None or proxied.original is None:
                continue
            what = "Image" if node.kind == "image" else "URL"
            message = f"{what} on the Omnivore image proxy ({proxied.host}); the original is {proxied.original}"
            raw = replacement(text, node, span, proxied.original)
            fix = None if raw is None else self.fix("Rewrite to the original URL", Edit(span[0], span[1], raw))
            yield self.report(doc, span[0], span[1], message, fix)
