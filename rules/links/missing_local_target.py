from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import CorpusContext, CorpusRule, Fixable, Options

from . import _index
from ._common import format_destination

# Logseq journal page names: `[[Jan 31st, 2023]]`, `[[2023-01-31]]`, `[[2023_01_31]]`, `[[31.01.2023]]`.
LOGSEQ_DATE = re.compile(
    r"^(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?, \d{4}|\d{4}[-_/.]\d{1,2}[-_/.]\d{1,2}|\d{1,2}[-_/.]\d{1,2}[-_/.]\d{4})$"
)
_WIKILINK_UNSAFE = re.compile(r"[|#^\[\]\n\r]")
HAS_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


class MissingLocalTarget(CorpusRule):
    """## What it does
    Finds relative links, images, wikilinks and embeds whose target file does not
    exist.  A target is found if any reader finds it: relative to the linking
    file's folder, relative to the project root (the folder of the config file),
    or, in an Obsidian vault, by Obsidian's shortest-path rule (a unique file
    name, or a path suffix, ignoring case).  Markdown link paths are
    percent-decoded first (`my%20note.md`), as a reader does; wikilinks without
    an extension mean a `.md` note.  Links that leave the project are not judged.

    A wikilink to a bare note name (`[[Omnivore]]`, `[[Jan 31st, 2023]]`: no
    folder, no extension) that matches no file is a placeholder, a note not
    written yet, which Obsidian creates on click; it is not reported unless
    option `note-placeholders` is false.  Option `vault`: `"auto"` (the default)
    takes each file's kind (the top-level `vault` setting, else a Logseq graph
    found around the file, else Obsidian); `"obsidian"` also resolves Markdown
    links the Obsidian way; `"logseq"`: every `[[page]]` of a Logseq graph
    exists once it is referenced (journal dates like `[[Jan 31st, 2023]]` and
    `[[a/b]]` namespaces included), so only embeds and Markdown links are
    checked; `"plain"` resolves Markdown links by path only.

    ## Why is this bad?
    The reader gets a broken image or a dead link.  A common cause in saved
    articles: a `/` in an article title became a folder, so embeds name a
    folder path that does not exist while the image sits elsewhere.

    ## Example
    ```markdown
    ![[Omnivore/Why X / Y is hard/attachments/chart_MD5.jpg]]
    ```

    Use instead:
    ```markdown
    ![[Omnivore/Why X/Y is hard/attachments/chart_MD5.jpg]]
    ```

    ## Fix safety
    Unsafe: when exactly one file under the project root has the target's file
    name, the path is rewritten to it (root-relative for wikilinks, relative to
    the linking file and percent-encoded for Markdown links); the file found may
    not be the one the writer meant.  Otherwise there is no fix.
    """

    code = "LNK005"
    name = "missing-local-target"
    summary = "Relative links, images, wikilinks and embeds whose target file does not exist"
    fixable = Fixable.UNSAFE
    needs_files = True
    options = {"vault": "auto", "note-placeholders": True}
    option_choices = {"vault": ("auto", "obsidian", "logseq", "plain")}

    def collect(self, doc: Document, options: Options) -> Any:
        return _index.collect(doc)

    def check_corpus(self, facts: Mapping[str, Any], options: Options, context: CorpusContext):
        chosen = options.get("vault", "auto")
        placeholders = bool(options.get("note-placeholders", True))
        project = _index.Project.of(facts, context)
        for display, file_facts in facts.items():
            source = project.path_of(display, file_facts)
            vault = _index.vault_of(file_facts, chosen)
            for link in file_facts["links"]:
                if not link["target"] or _skipped(link, vault, placeholders):
                    continue
                verdict, _ = project.resolve(source, link, vault)
                if verdict == "missing":
                    yield display, self._finding(project, source, link)

    def _finding(self, project: _index.Project, source: str, link: Mapping[str, Any]):
        target = link["target"]
        wikilink = link["kind"] in ("wikilink", "embed")
        what = {"embed": "Embed", "wikilink": "Wikilink", "image": "Image", "link": "Link"}[link["kind"]]
        message = f"{what} target '{target}' does not exist"
        if not wikilink and target.lower().startswith("www."):
            message += " (a web address needs https://)"
        if link["kind"] == "wikilink" and LOGSEQ_DATE.match(target):
            message += ' (a Logseq journal date? set vault = "logseq" for a Logseq graph)'
        found = project.unique_by_name(target, wikilink)
        fix = None
        if found is not None and link["edit"] is not None:
            new = _new_path(source, found, link, wikilink)
            if new is not None:
                message += f"; the only file with that name is '{found}'"
                start, end, _ = link["edit"]
                fix = self.fix(f"Point the link at '{found}'", Edit(start, end, new), safe=False)
        return self.at(link["span"], message, fix)


def _skipped(link: Mapping[str, Any], vault: str, placeholders: bool) -> bool:
    if link["kind"] != "wikilink":
        return False
    if vault == "logseq":
        return True  # Logseq creates every referenced page
    target = link["target"]
    return placeholders and "/" not in target and not HAS_EXTENSION.search(target)


def _new_path(source: str, found: str, link: Mapping[str, Any], wikilink: bool) -> str | None:
    if wikilink:
        new = found[:-3] if found.endswith(".md") and not link["target"].endswith(".md") else found
        return None if _WIKILINK_UNSAFE.search(new) else new
    relative = posixpath.relpath(found, posixpath.dirname(source) or ".")
    encoded = quote(relative, safe="/")
    _, _, bracketed = link["edit"]
    return encoded if format_destination(encoded, bracketed) == encoded else None
