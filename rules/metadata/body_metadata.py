from __future__ import annotations

from typing import Any, ClassVar

from omnilint.rules.links.dead_service_link import is_dead_url

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import (
    Line,
    add_tags_edit,
    front_matter_usable,
    header_lines,
    link_only,
    merge_touching,
    meta_tags,
    norm_key,
    parse_property,
    remove_lines,
    set_key_edit,
    split_list,
    tag_line_tags,
    tag_name,
)

TAG_LINE_MODES = ("if-tags-key", "always", "never")
# Link texts exporters use for the link back to the saved page.
ORIGINAL_LINK_TEXTS = frozenset(
    {"read original", "original", "original article", "view original", "open original", "原文", "原文链接", "阅读原文"}
)
# Front-matter keys that already hold the original URL.
URL_KEYS = ("url", "source", "link", "original_url", "originalurl", "href")
TAG_LINE_MESSAGE = "Tags {} are in the body but not in the front matter"
TAGS_PROPERTY_MESSAGE = "Logseq property `tags::` holds tags {} the front matter lacks"


def original_link(doc: Document, line: Line):
    """The `[Read Original](url)` link that makes up a line, or None (also when its URL is
    one LNK001 calls dead: an uploaded PDF on omnivore.app is no original to record)."""
    node = link_only(doc, line)
    if node is None or node.kind != "link" or not node.url or is_dead_url(node.url):
        return None
    if node.plain_text().strip().casefold() not in ORIGINAL_LINK_TEXTS:
        return None
    return node


class BodyMetadata(Rule):
    """## What it does
    Finds metadata written in the body's header that the front matter lacks:
    Logseq-style `key:: value` lines, a leading tag line (`tags::  #Readed`, or a
    bare `#tag` line when the front matter keeps a `tags` list too), and a
    `[Read Original](url)` line when no `url`/`source` key exists.

    Option `url-key` (default `"url"`) names the key the URL is written to.
    Option `tag-line` says when a bare `#tag` line is reported: `"if-tags-key"`
    (default: only when the front matter has a `tags` key, so tags live in two
    places), `"always"`, or `"never"`.  A bare `#tag` line in a file with no
    `tags` key is a working Obsidian tag and the only place the tag lives.

    ## Why is this bad?
    Obsidian's properties, Dataview and other tools read the front matter; a
    Logseq property line in the body is plain text to them, and tags or the
    original URL kept only in the body are missed by queries and by duplicate
    detection.

    ## Example
    ```markdown
    ---
    title: An article
    ---

    tags:: #Readed

    # An article

    The article text.
    ```

    Use instead:
    ```markdown
    ---
    title: An article
    tags:
      - Readed
    ---

    # An article

    The article text.
    ```

    ## Fix safety
    Unsafe: the value moves into the front matter (tags are appended to the
    `tags` list in its existing style, other keys get a new line; with no front
    matter one is created) and the body line is removed.  The front matter is
    edited as text, never re-serialised.  A `[Read Original]` link stays in the
    body; its URL is copied into the front matter, unless it is a URL LNK001 calls
    dead (omnivore.app, Omnivore's image proxy), which is not reported at all.
    """

    code = "META002"
    name = "body-metadata"
    summary = "Metadata in the body that the front matter lacks"
    fixable = Fixable.UNSAFE
    options: ClassVar[dict[str, Any]] = {"url-key": "url", "tag-line": "if-tags-key"}
    option_choices: ClassVar[dict[str, tuple[Any, ...]]] = {"tag-line": TAG_LINE_MODES}

    def check(self, doc: Document, options: Options):
        mode = options.get("tag-line", "if-tags-key")
        if mode not in TAG_LINE_MODES:
            raise ValueError(f"option tag-line must be one of {', '.join(TAG_LINE_MODES)}, not {mode!r}")
        if not front_matter_usable(doc):
            return  # we cannot know what a broken front matter lacks
        keys = {norm_key(str(k)) for k in doc.meta}
        tags = doc.tags
        for _node, lines in header_lines(doc):
            for line in lines:
                prop = parse_property(line)
                if prop is not None and prop.logseq:
                    if prop.value:
                        yield from self._property(doc, prop, lines, keys)
                    continue
                found = tag_line_tags(doc, line, tags)
                if found is not None:
                    if mode == "always" or (mode == "if-tags-key" and meta_tags(doc) is not None):
                        yield from self._tags(doc, line, lines, found, TAG_LINE_MESSAGE)
                    continue
                link = original_link(doc, line)
                if link is not None and not keys.intersection(URL_KEYS) and norm_key(options["url-key"]) not in keys:
                    yield self._url(doc, link, options["url-key"])

    def _property(self, doc: Document, prop, lines: list[Line], keys: set[str]):
        key = norm_key(prop.key)
        if key in ("tags", "tag"):
            found = split_list(prop.value)
            yield from self._tags(doc, prop.line, lines, found, TAGS_PROPERTY_MESSAGE)
            return
        if key in keys:
            return  # the front matter has it (META001 reports a repeat)
        if is_dead_url(prop.value.strip().strip("<>")):
            return  # a URL LNK001 calls dead is no metadata to keep (LNK001 reports it)
        edit = set_key_edit(doc, prop.key, prop.value)
        fix = self._move(doc, edit, prop.line, lines, f"Move the line `{prop.line.text.strip()}` into the front matter as `{prop.key}`")
        yield self.report(
            doc, prop.line.start, prop.line.end, f"Logseq property `{prop.key}::` is not in the front matter", fix
        )

    def _tags(self, doc: Document, line: Line, lines: list[Line], found: list[str], message: str):
        have = set(meta_tags(doc) or [])
        missing: list[str] = []
        for tag in found:
            if tag_name(tag) not in have and tag_name(tag) not in map(tag_name, missing):
                missing.append(tag)
        if not missing:
            return
        edit = add_tags_edit(doc, missing)
        fix = self._move(doc, edit, line, lines, f"Move the line `{line.text.strip()}` into the front-matter `tags` list")
        names = ", ".join("#" + t for t in missing)
        yield self.report(doc, line.start, line.end, message.format(names), fix)

    def _url(self, doc: Document, link, key: str):
        edit = set_key_edit(doc, key, link.url)
        fix = self.fix(f"Copy the URL {link.url} into the front matter as `{key}`", edit, safe=False) if edit else None
        return self.report(
            doc, link.start, link.end, f"The original URL is only in the body; the front matter has no `{key}`", fix
        )

    def _move(self, doc: Document, edit: Edit | None, line: Line, lines: list[Line], message: str):
        if edit is None:
            return None
        if len(lines) == 1:
            removal = remove_lines(doc, line.start, line.after)
        else:
            removal = Edit(line.start, line.after)
        return self.fix(message, *merge_touching([edit, removal], doc.text), safe=False)
