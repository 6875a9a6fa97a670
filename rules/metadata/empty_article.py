from __future__ import annotations

import re

from omnilint.rules.kit.header import (
    SECTION_LABELS,
    first_h1,
    heading_text,
    link_only,
    meta_title,
    paragraph_is_metadata,
    title_variants,
)
from omnilint.rules.kit.lines import block_lines

from omnilint.document import Document
from omnilint.markdown import Node
from omnilint.model import Severity
from omnilint.rule import Options, Rule

from .exporter_boilerplate import is_content_label
from .template_scaffolding import is_empty_callout

# Front-matter keys that hold the saved article's address: a note with one is a saved article.
URL_KEYS = frozenset(
    {"url", "source", "link", "original_url", "original-url", "source_url", "canonical", "omnivore_url"}
)
# The text of the exporter's link back to the article (`[Read Original](…)`).
_ORIGINAL_LINK = re.compile(
    r"^(?:read original|read on omnivore|original|source|view original|原文|原文链接|来源)$", re.I
)
_WEB = re.compile(r"^https?://", re.IGNORECASE)
# What an exporter writes in place of content it never fetched (Omnivore, while saving).
PLACEHOLDERS = frozenset({"your link is being saved...", "your link is being saved…"})


def is_saved_article(doc: Document, zone: list[Node]) -> bool:
    """Does the note say it is a saved web article (an article URL in the front matter, or
    the exporter's `[Read Original](…)` line)?  A note of one's own with only a title is a
    stub, not an article whose content was lost."""
    for key, value in doc.meta.items():
        if str(key).strip().casefold() in URL_KEYS and isinstance(value, str) and _WEB.match(value.strip()):
            return True
    for node in zone:
        if node.kind != "paragraph":
            continue
        for line in block_lines(doc, node):
            link = link_only(doc, line)
            if link is not None and link.kind == "link" and _ORIGINAL_LINK.match(link.plain_text().strip()):
                return True
    return False


def header_only(doc: Document) -> bool:
    """Is every top-level block something an exporter writes without any content: the
    title heading, template section headings, tag and property lines, lone links and
    images, thematic breaks, HTML comments, empty callouts?"""
    title = meta_title(doc)
    h1 = first_h1(doc)
    if title is None and h1 is not None:
        title = h1.plain_text()
    variants = title_variants(title) if title else set()
    tags = doc.tags
    for node in doc.root.children:
        if node.kind == "thematic_break":
            continue
        if node.kind == "html_block" and doc.source(node).lstrip().startswith("<!--"):
            continue
        if node.kind == "heading":
            text = heading_text(node)
            if text in variants or text in SECTION_LABELS or is_content_label(node):
                continue
            return False
        if node.kind == "paragraph" and paragraph_is_metadata(doc, block_lines(doc, node), tags):
            continue
        if node.kind == "paragraph" and node.plain_text().strip().casefold() in PLACEHOLDERS:
            continue
        if is_empty_callout(doc, node) is not None:
            continue
        return False
    return True


class EmptyArticle(Rule):
    """## What it does
    Finds a saved article whose body holds only what the exporter writes around the
    content: the title heading, the tag line, the `Read on …` and `Read Original`
    links, property lines, empty `Highlights` headings and empty callouts (or
    Omnivore's placeholder `Your link is being saved...`), and no text, quote or
    highlight of the article.  Only notes that say they are saved
    articles count (an article URL in the front matter, or a `Read Original`-style
    link line); a note of one's own with only a title is left alone.

    ## Why is this bad?
    The article was saved but nothing of it was: the page failed to load, was behind
    a login, or the exporter wrote only highlights and there were none.  The note
    looks like a saved article in searches and lists but holds nothing to read;
    save it again or delete it.

    ## Example
    ```markdown
    ---
    id: 3f0c9a52-1b7e-4c55-a0d4-6f2d1e8b9a10
    ---

    # 河流与海洋
    #Omnivore

    [Read on Omnivore](https://omnivore.app/me/rivers-18eae5572f0)
    [Read Original](https://example.com/rivers)
    ```

    Use instead:
    ```markdown
    ---
    id: 3f0c9a52-1b7e-4c55-a0d4-6f2d1e8b9a10
    ---

    # 河流与海洋
    #Omnivore

    [Read on Omnivore](https://omnivore.app/me/rivers-18eae5572f0)
    [Read Original](https://example.com/rivers)

    河流把水带到海洋。
    ```

    ## Fix safety
    No fix: only saving the article again brings its content back.  Severity info.
    """

    code = "META006"
    name = "empty-article"
    summary = "A saved article whose body is only the exporter's header: nothing of the article was saved"
    severity = Severity.INFO

    def check(self, doc: Document, options: Options):
        blocks = doc.root.children
        if not header_only(doc) or not is_saved_article(doc, blocks):
            return
        if blocks:
            first = blocks[0]
            end = first.start + len(doc.source(first).split("\n", 1)[0].rstrip())
            start = first.start
        else:
            start = end = doc.body_start
        yield self.report(doc, start, end, "The article has no content: the body is only the exporter's header")
