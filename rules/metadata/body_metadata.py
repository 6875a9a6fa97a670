from __future__ import annotations

from typing import Any, ClassVar

from omnilint.rules.kit.exporter_links import is_dead_url, original_link
from omnilint.rules.kit.header import header_lines, parse_property, starting_within, tag_line_tags
from omnilint.rules.kit.lines import Line, merge_touching, remove_lines
from omnilint.rules.kit.readwise import Field, ReadwiseBody, readwise_body

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

from ._common import (
    add_tags_edit,
    front_matter_usable,
    insert_lines,
    meta_tags,
    norm_key,
    set_key_edit,
    split_list,
    tag_name,
    yaml_scalar,
)

TAG_LINE_MODES = ("if-tags-key", "always", "never")
# Front-matter keys that already hold the original URL.
URL_KEYS = ("url", "source", "link", "original_url", "originalurl", "href")
TAG_LINE_MESSAGE = "Tags {} are in the body but not in the front matter"
READWISE_MESSAGE = "Readwise metadata in the body ({}) is not in the front matter"
# Tags an exporter's template writes into every file (Omnivore's `#Omnivore` line): they say
# which app saved the file, not what it is about.  Option `report-exporter-tags` reports them.
EXPORTER_TAGS = frozenset({"omnivore"})
# Readwise's Metadata keys (folded) and the front-matter keys they become; the URL goes to
# the `url-key` option's key, any other field to its key in snake case.
READWISE_KEY_NAMES = {"full title": "title", "title": "title"}
TAGS_PROPERTY_MESSAGE = "Logseq property `tags::` holds tags {} the front matter lacks"


def readwise_key(found: Field, url_key: str) -> str:
    """The front-matter key a Readwise Metadata field becomes."""
    if found.folded_key == "url":
        return url_key
    return READWISE_KEY_NAMES.get(found.folded_key) or norm_key(found.key)


def _kept(found: Field, keys: set[str], url_key: str) -> bool:
    """Does the front matter (its folded keys) hold this Readwise field already?"""
    if found.folded_key == "url" and keys.intersection(URL_KEYS):
        return True
    return norm_key(readwise_key(found, url_key)) in keys


class BodyMetadata(Rule):
    """## What it does
    Finds metadata written in the body's header that the front matter lacks:
    Logseq-style `key:: value` lines (outside a Logseq graph: in one they are the
    page's own properties), a leading tag line (`tags::  #Readed`, or a
    bare `#tag` line when the front matter keeps a `tags` list too), and a
    `[Read Original](url)` line when no `url`/`source` key exists.

    Also Readwise's `## Metadata` list (`- Author: [[Jane Doe]]`, `- Full Title: …`,
    `- Category: #articles`, `- URL: …`, bullets `-` or `*`), which Readwise writes
    when its template has no front matter: the fields the front matter lacks.

    Option `url-key` (default `"url"`) names the key the URL is written to.
    Option `tag-line` says when a bare `#tag` line is reported: `"if-tags-key"`
    (default: only when the front matter has a `tags` key, so tags live in two
    places), `"always"`, or `"never"`.  A bare `#tag` line in a file with no
    `tags` key is a working Obsidian tag and the only place the tag lives.
    The `#Omnivore` line Omnivore's template writes in every file says which app
    saved it, not what it is about: it is left alone unless option
    `report-exporter-tags` is true (a line with tags of your own is reported,
    `#Omnivore` included).

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
    Readwise's Metadata list becomes a new front matter (values as written, quoted
    where YAML needs it; `Full Title` as `title`, `URL` under `url-key`; a tag in a
    value such as `#articles` also goes to `tags`, so it stays a tag) and the list
    with its heading leaves the body; in a file that has a front matter the finding
    has no fix (merging could keep the wrong one of two values).
    """

    code = "META002"
    name = "body-metadata"
    summary = "Metadata in the body that the front matter lacks"
    fixable = Fixable.UNSAFE
    removes_paragraphs = True  # (unsafe only) Readwise's `## Metadata` heading goes with its list
    options: ClassVar[dict[str, Any]] = {"url-key": "url", "tag-line": "if-tags-key", "report-exporter-tags": False}
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
                    # In a Logseq graph `key:: value` lines are the page's own properties, its
                    # native metadata; elsewhere they are text no front-matter reader sees.
                    if prop.value and not doc.outline:
                        yield from self._property(doc, prop, lines, keys)
                    continue
                found = tag_line_tags(doc, line, tags)
                if found is not None:
                    if mode == "always" or (mode == "if-tags-key" and meta_tags(doc) is not None):
                        exporter_tags = bool(options.get("report-exporter-tags", False))
                        yield from self._tags(doc, line, lines, found, TAG_LINE_MESSAGE, exporter_tags)
                    continue
                link = original_link(doc, line)
                if link is not None and not keys.intersection(URL_KEYS) and norm_key(options["url-key"]) not in keys:
                    yield self._url(doc, link, options["url-key"])
        readwise = readwise_body(doc)
        if readwise is not None:
            yield from self._readwise(doc, readwise, keys, options["url-key"])

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
        fix = self._move(
            doc,
            edit,
            prop.line,
            lines,
            f"Move the line `{prop.line.text.strip()}` into the front matter as `{prop.key}`",
        )
        yield self.report(
            doc, prop.line.start, prop.line.end, f"Logseq property `{prop.key}::` is not in the front matter", fix
        )

    def _tags(
        self, doc: Document, line: Line, lines: list[Line], found: list[str], message: str, exporter_tags: bool = True
    ):
        have = set(meta_tags(doc) or [])
        missing: list[str] = []
        for tag in found:
            if tag_name(tag) not in have and tag_name(tag) not in map(tag_name, missing):
                missing.append(tag)
        if not missing:
            return
        if not exporter_tags and all(tag_name(tag) in EXPORTER_TAGS for tag in missing):
            return  # only the template's own `#Omnivore`: reported when asked (report-exporter-tags)
        edit = add_tags_edit(doc, missing)
        fix = self._move(
            doc, edit, line, lines, f"Move the line `{line.text.strip()}` into the front-matter `tags` list"
        )
        names = ", ".join("#" + t for t in missing)
        yield self.report(doc, line.start, line.end, message.format(names), fix)

    def _url(self, doc: Document, link, key: str):
        edit = set_key_edit(doc, key, link.url)
        fix = self.fix(f"Copy the URL {link.url} into the front matter as `{key}`", edit, safe=False) if edit else None
        return self.report(
            doc, link.start, link.end, f"The original URL is only in the body; the front matter has no `{key}`", fix
        )

    def _readwise(self, doc: Document, found: ReadwiseBody, keys: set[str], url_key: str):
        missing = [f for f in found.fields if f.value and not _kept(f, keys, url_key)]
        if not missing:
            return  # the front matter has every field (META001 reports equal repeats)
        # A new front matter only: merging into one that exists could pick the wrong of two values.
        fix = self._readwise_fix(doc, found, url_key) if doc.front_matter is None else None
        names = ", ".join(f.key for f in missing)
        yield self.report(doc, found.start, found.fields[-1].end, READWISE_MESSAGE.format(names), fix)

    def _readwise_fix(self, doc: Document, found: ReadwiseBody, url_key: str):
        lines: list[str] = []
        written: set[str] = set()
        tags: list[str] = []
        for f in found.fields:
            if not f.value:
                continue
            key = readwise_key(f, url_key)
            if norm_key(key) == "tags":
                tags.extend(t for t in split_list(f.value) if t not in tags)
            elif norm_key(key) not in written:
                written.add(norm_key(key))
                lines.append(f"{key}: {yaml_scalar(f.value)}")
            # A tag in a value (`Category: #articles`) is a working tag in the body: it stays one.
            tags.extend(t.label for t in starting_within(doc.tags, f.start, f.end) if t.label not in tags)
        if tags:
            lines.append("tags:")
            lines.extend("  - " + yaml_scalar(t) for t in tags)
        edits = [insert_lines(doc, lines), remove_lines(doc, found.start, found.end)]
        return self.fix(
            "Move Readwise's Metadata list into a new front matter", *merge_touching(edits, doc.text), safe=False
        )

    def _move(self, doc: Document, edit: Edit | None, line: Line, lines: list[Line], message: str):
        if edit is None:
            return None
        removal = remove_lines(doc, line.start, line.after) if len(lines) == 1 else Edit(line.start, line.after)
        return self.fix(message, *merge_touching([edit, removal], doc.text), safe=False)
