from __future__ import annotations

from omnilint.rules.kit.urls import host_in, host_of, is_web_url, parse_proxy

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Edit, Fix
from omnilint.rule import Fixable, Options, Rule

from ._common import keeps_structure, line_removal, unwrap_edit

BACKLINK_TEXT = "\u2934"  # ⤴ (Omnivore writes it with the emoji variation selector U+FE0F)
# Link texts of the lines an exporter writes in the header: "Read on Omnivore" (the reader
# copy) and the link back to the saved page.  Unwrapping one leaves the bare words behind.
READ_ON_OMNIVORE = "read on omnivore"
EXPORTER_LINK_TEXTS = frozenset(
    {
        READ_ON_OMNIVORE,
        "read original",
        "original",
        "original article",
        "view original",
        "open original",
        "原文",
        "原文链接",
        "阅读原文",
    }
)


class DeadServiceLink(Rule):
    """## What it does
    Finds links, images and autolinks whose host is a service that no longer
    exists.  By default that is `omnivore.app` (the "Read on Omnivore" link of
    every Omnivore export, the ⤴️ highlight backlinks `…/me/<slug>#<uuid>`,
    newsletter links `omnivore.app/no_url?q=…`, uploaded PDFs
    `omnivore.app/attachments/…`) and images on Omnivore's image proxy
    (`proxy-*.omnivore-image-cache.app`) whose original URL cannot be recovered
    (recoverable ones are LNK002's).  Option `dead-hosts` (a list of domains;
    subdomains included) replaces the default list.

    ## Why is this bad?
    Omnivore shut down; its domain now redirects to a gambling site.  Every
    such link sends the reader somewhere unrelated or nowhere.

    ## Example
    ```markdown
    # Saved article

    [Read on Omnivore](https://omnivore.app/me/saved-article-18c8fc2bbd2)

    [Read Original](https://example.com/article)

    > A highlight. [⤴️](https://omnivore.app/me/saved-article-18c8fc2bbd2#3f0dbb17-b06f-41bf-88b5-e0b60f559024) ^3f0dbb17
    ```

    Use instead:
    ```markdown
    # Saved article

    [Read Original](https://example.com/article)

    > A highlight. ^3f0dbb17
    ```

    ## Fix safety
    Safe for a ⤴️ backlink: it is removed from its highlight, keeping the
    highlight text, its labels and its `^blockid`.  Unsafe for the exporter's
    lines: a line that is only the "Read on Omnivore" link, or a dead
    `[Read Original](…)` (an uploaded PDF on omnivore.app), is removed whole (with
    one neighbouring blank line, so no double blank line is left; the fix is
    dropped if any other block would change): its words and URL have no copy that
    stays, which a safe fix requires.  An exporter line is never unwrapped (that
    would leave `Read on Omnivore` alone as text); when its line cannot go whole,
    there is no fix.  Unsafe for every other dead link: it is unwrapped to its text
    (an image to its alt text), which loses the URL.  Reference-style links and
    autolinks are reported without a fix.
    """

    code = "LNK001"
    name = "dead-service-link"
    summary = "Links and images to services that are gone (omnivore.app, Omnivore's image proxy)"
    fixable = Fixable.SOMETIMES
    options = {"dead-hosts": ["omnivore.app"]}
    removes_paragraphs = True  # the exporter's "Read on Omnivore" line

    def check(self, doc: Document, options: Options):
        hosts = [str(h).strip().strip(".").lower() for h in options["dead-hosts"] if str(h).strip()]
        for node in doc.links:
            if node.link_type == "wikilink" or not is_web_url(node.url):
                continue
            lowered = node.url.lower()
            if not any(h in lowered for h in hosts) and "omnivore-image-cache" not in lowered:
                continue  # cheap test first: taking URLs apart is the costly part (is_dead_url's too)
            host = host_of(node.url)
            if host_in(host, hosts):
                yield self._finding(doc, node, host)
                continue
            proxied = parse_proxy(node.url)
            if proxied is not None and proxied.official and proxied.original is None:
                yield self._finding(doc, node, host, proxy=True)

    def _finding(self, doc: Document, node: Node, host: str, proxy: bool = False):
        label = node.plain_text().strip()
        if proxy:
            what = "Image" if node.kind == "image" else "Link"
            message = f"{what} on Omnivore's image proxy ({host}), which is gone; the original URL cannot be recovered"
        elif _is_read_on_omnivore(node, label):
            message = f'"Read on Omnivore" link: {host} is gone (the domain now redirects to an unrelated site)'
        elif _is_backlink(node, label):
            message = f"Highlight backlink to {host}, which is gone"
        else:
            what = "Image" if node.kind == "image" else "Link"
            message = f"{what} to {host}, a service that is gone"
        return self.report(doc, node.start, node.end, message, self._fix(doc, node, label))

    def _fix(self, doc: Document, node: Node, label: str) -> Fix | None:
        if _is_exporter_line_link(node, label):
            return self._remove_line(doc, node)
        if _is_backlink(node, label):
            edit = _backlink_removal(doc, node)
            if edit is not None:
                return self.fix("Remove the highlight backlink (the highlight and its block id stay)", edit)
        edit = unwrap_edit(doc.text, node)
        if edit is None:
            return None
        what = "alt text" if node.kind == "image" else "text"
        return self.fix(f"Unwrap the dead link to its {what}", edit, safe=False)

    def _remove_line(self, doc: Document, node: Node) -> Fix | None:
        """The whole line of an exporter link, or no fix: never the bare words left behind."""
        paragraph = doc.parent(node)
        if paragraph is None or paragraph.kind != "paragraph":
            return None
        edit = line_removal(doc, node.start, node.end)
        if edit is None:
            return None
        alone = doc.text[paragraph.start : paragraph.end].strip() == doc.source(node)
        if not keeps_structure(doc, edit, [paragraph] if alone else []):
            return None
        source = doc.source(node)
        shown = source if len(source) <= 90 else source[:89] + "…"
        # Unsafe even for "Read on Omnivore": a safe fix removes only what has an equal copy
        # that stays, and this line has none (its URL still names the saved copy).
        return self.fix(f"Remove the line `{shown}` (the exporter's link to a dead service)", edit, safe=False)


def _is_read_on_omnivore(node: Node, label: str) -> bool:
    return node.kind == "link" and label.casefold() == READ_ON_OMNIVORE


def _is_exporter_line_link(node: Node, label: str) -> bool:
    return node.kind == "link" and node.link_type == "inline" and label.casefold() in EXPORTER_LINK_TEXTS


def _is_backlink(node: Node, label: str) -> bool:
    return node.kind == "link" and label.replace("\ufe0f", "") == BACKLINK_TEXT


def _backlink_removal(doc: Document, node: Node) -> Edit | None:
    """Remove a ⤴️ link that follows highlight text on its line; None when nothing precedes it."""
    text = doc.text
    line_start, line_end, _ = doc.line_bounds(node.start)
    parent = doc.parent(node)
    has_text_before = parent is not None and any(
        sibling.start >= line_start and sibling.end <= node.start and (sibling.kind != "text" or sibling.value.strip())
        for sibling in parent.children
    )
    if not has_text_before:
        return None
    after = node.end
    while after < line_end and text[after] in " \t":
        after += 1
    if after < line_end:  # a block id or labels follow: keep the blank before the link as their separator
        return Edit(node.start, after)
    before = node.start
    while before > line_start and text[before - 1] in " \t":
        before -= 1
    # Blanks after the link stay: two of them are a hard line break.
    return Edit(before, node.end)
