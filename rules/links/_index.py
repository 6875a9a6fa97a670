"""Local links across files (LNK005, LNK006): what each file offers and points at, and how readers resolve it.

`collect` gathers JSON-able facts per file (its headings, block ids, HTML ids,
and its local links with positions).  `Project` indexes every file under the
project root (from the runner's `ProjectFiles`) and resolves a link the way
readers do: relative to the file's folder, relative to the project root, and,
for Obsidian, by the shortest-path rule (a unique file name, or a path suffix,
case-insensitively).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from weakref import WeakKeyDictionary

from omnilint.rules.kit.urls import SCHEME

from omnilint.document import Document
from omnilint.markdown import Node, destination_span
from omnilint.rule import CorpusContext, ProjectFiles, Span

from ._article import article_url
from ._common import is_bracketed

VAULTS = ("obsidian", "logseq")
_HEADING_ID = re.compile(r"\{#([^\s{}#]+)(?:[ \t][^{}]*)?\}[ \t]*$")
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


# -- per file ---------------------------------------------------------------------


_COLLECTED: WeakKeyDictionary[Document, dict[str, Any]] = WeakKeyDictionary()


def collect(doc: Document) -> dict[str, Any]:
    """What one file offers (anchors) and where it points (local links); once per document,
    since LNK005 and LNK006 both ask (they must not change what they are given)."""
    facts = _COLLECTED.get(doc)
    if facts is None:
        facts = _COLLECTED[doc] = {
            "path": doc.path or "",
            "headings": [h.plain_text().strip() for h in doc.headings],
            "blocks": sorted({n.label for n in doc.obsidian if n.kind == "block_id"}),
            "ids": sorted(_html_ids(doc) | _heading_ids(doc)),
            "links": [link for node in doc.links if (link := _local_link(doc, node)) is not None],
        }
        # The saved article's address, for LNK006's fix of in-page links whose anchor the
        # clipped copy lost; looked up only when there is such a link.
        in_page = any("dest" in link for link in facts["links"])
        facts["article"] = article_url(doc) if in_page else None
        if doc.vault != "obsidian":  # the default is left out: most facts stay as they were
            facts["vault"] = doc.vault
    return facts


def vault_of(file_facts: Mapping[str, Any], option: Any) -> str:
    """How a file's links resolve: the rule's `vault` option when set to a kind, else
    ("auto", the default) the file's own: the top-level `vault` setting, or a Logseq graph
    found around it (discovery.vault_kind)."""
    chosen = str(option).lower()
    return file_facts.get("vault", "obsidian") if chosen == "auto" else chosen


def _heading_ids(doc: Document) -> set[str]:
    """Custom heading ids (`## Data types {#data-types}`: VitePress, Hugo, pandoc, kramdown)."""
    ids: set[str] = set()
    for heading in doc.headings:
        m = _HEADING_ID.search(heading.plain_text())
        if m is not None:
            ids.add(m.group(1))
    return ids


def _html_ids(doc: Document) -> set[str]:
    ids: set[str] = set()
    for node in doc.nodes:
        if node.kind in ("html", "html_block") and ("id" in doc.source(node) or "name" in doc.source(node)):
            ids.update(_HTML_ID.findall(doc.source(node)))
    return ids


def _local_link(doc: Document, node: Node) -> dict[str, Any] | None:
    if node.link_type == "wikilink":
        return _wikilink(doc, node)
    if node.link_type not in ("inline", "reference", "collapsed", "shortcut"):
        return None  # autolinks and e-mail addresses are never local
    url = node.url.strip()
    if not url or SCHEME.match(url) or url.startswith("//"):
        return None
    path, fragment = _split(url)
    link: dict[str, Any] = {
        "kind": node.kind,
        "target": unquote(path),
        "fragment": unquote(fragment) if fragment is not None else None,
        "span": Span.of(doc, node.start, node.end),
        "edit": None,
    }
    span = destination_span(doc.text, node)
    if span is not None and path and doc.text[span[0] : span[1]].startswith(path):
        # The raw path part of the destination, for LNK005's rewrite.
        link["edit"] = [span[0], span[0] + len(path), is_bracketed(doc.text, span)]
    elif span is not None and not path and fragment and node.link_type == "inline":
        # An in-page `#fragment` destination as written, for LNK006's rewrite.
        link["dest"] = [span[0], span[1], is_bracketed(doc.text, span), doc.text[span[0] : span[1]]]
    return link


def _wikilink(doc: Document, node: Node) -> dict[str, Any] | None:
    start = node.start + (3 if node.kind == "image" else 2)
    raw = node.url
    path, fragment = raw.split("#", 1) if "#" in raw else (raw, None)
    link: dict[str, Any] = {
        "kind": "embed" if node.kind == "image" else "wikilink",
        "target": path.strip(),
        "fragment": fragment,
        "span": Span.of(doc, node.start, node.end),
        "edit": None,
    }
    if doc.text.startswith(raw, start) and path:
        link["edit"] = [start, start + len(path), False]
    return link


def _split(url: str) -> tuple[str, str | None]:
    """(path, fragment) of a relative URL; a query is dropped."""
    path, hash_sign, fragment = url.partition("#")
    path = path.partition("?")[0]
    return path, (fragment if hash_sign else None)


# -- the project --------------------------------------------------------------------


@dataclass(frozen=True)
class FileIndex:
    """The project's files looked up three ways; built once per listing for LNK005 and LNK006."""

    files: frozenset[str]
    folders: frozenset[str]
    by_name: dict[str, list[str]]  # case-folded file name -> paths

    @classmethod
    def of(cls, listing: ProjectFiles) -> FileIndex:
        files = frozenset(listing.files)
        folders = {"."}
        for path in files:
            folder = posixpath.dirname(path)
            while folder and folder not in folders:  # each folder and its parents, once
                folders.add(folder)
                folder = posixpath.dirname(folder)
        by_name: dict[str, list[str]] = {}
        for path in sorted(files):
            by_name.setdefault(posixpath.basename(path).casefold(), []).append(path)
        return cls(files, frozenset(folders), by_name)


class Project:
    """The linted files' facts and, on the first question about other files, the file index."""

    def __init__(self, listing: ProjectFiles) -> None:
        self.listing = listing
        self.sources: Mapping[str, str] = listing.sources
        self.root_known = listing.root_known
        self.notes: dict[str, Any] = {}  # project path of a linted file -> its facts

    @classmethod
    def of(cls, facts: Mapping[str, Any], context: CorpusContext) -> Project:
        listing: ProjectFiles | None = context.files
        if listing is None:  # called without the runner: only the linted files are known
            sources = {display: f["path"] or display for display, f in facts.items()}
            listing = ProjectFiles(tuple(sorted(sources.values())), sources, True)
        project = cls(listing)
        for display, f in facts.items():
            project.notes[project.path_of(display, f)] = f
        return project

    @property
    def index(self) -> FileIndex:
        return self.listing.shared("links.file-index", FileIndex.of)

    @property
    def files(self) -> frozenset[str]:
        return self.index.files

    @property
    def folders(self) -> frozenset[str]:
        return self.index.folders

    @property
    def by_name(self) -> dict[str, list[str]]:
        return self.index.by_name

    def path_of(self, display: str, facts: Mapping[str, Any]) -> str:
        return self.sources.get(display) or facts["path"] or display

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.folders

    # -- resolution ----------------------------------------------------------------

    def resolve(self, source: str, link: Mapping[str, Any], vault: str) -> tuple[str, str | None]:
        """("found", path) / ("missing", None) / ("unknown", None) for one link from `source`."""
        target = link["target"]
        if link["kind"] in ("wikilink", "embed"):
            return self._resolve_wikilink(source, target)
        return self._resolve_path(source, target, vault)

    def _resolve_path(self, source: str, target: str, vault: str) -> tuple[str, str | None]:
        folder = posixpath.dirname(source)
        if target.startswith("/"):
            if not self.root_known:
                return "unknown", None  # "/x" is relative to a root we only guessed
            candidates = [posixpath.normpath(target.lstrip("/"))]
        else:
            candidates = [posixpath.normpath(posixpath.join(folder, target)), posixpath.normpath(target)]
        for candidate in candidates:
            if self.exists(candidate):
                return "found", candidate
        if vault == "obsidian":
            found = self._obsidian(target.lstrip("/"))
            if found:
                return "found", found
        if candidates[0] == ".." or candidates[0].startswith("../"):
            return "unknown", None  # outside the project: nothing to compare with
        return "missing", None

    def _resolve_wikilink(self, source: str, target: str) -> tuple[str, str | None]:
        folder = posixpath.dirname(source)
        for name in (target, target + ".md"):
            for candidate in (posixpath.normpath(name.lstrip("/")), posixpath.normpath(posixpath.join(folder, name))):
                if candidate in self.files:
                    return "found", candidate
        found = self._obsidian(target.lstrip("/"))
        return ("found", found) if found else ("missing", None)

    def _obsidian(self, target: str) -> str | None:
        """Obsidian's shortest-path rule: by file name, then by path suffix, ignoring case."""
        wanted = target.casefold()
        for name in (wanted, wanted + ".md"):
            paths = self.by_name.get(posixpath.basename(name), [])
            if "/" not in name.strip("/"):
                if paths:
                    return paths[0]
                continue
            for path in paths:
                if path.casefold() == name or path.casefold().endswith("/" + name):
                    return path
        return None

    def unique_by_name(self, target: str, wikilink: bool) -> str | None:
        """The one file under the root with the target's file name, if there is exactly one."""
        name = posixpath.basename(target.rstrip("/"))
        if not name:
            return None
        names = [name, name + ".md"] if wikilink and "." not in name else [name]
        for wanted in names:
            paths = self.by_name.get(wanted.casefold(), [])
            exact = [p for p in paths if posixpath.basename(p) == wanted]
            chosen = exact if exact else paths
            if len(chosen) == 1:
                return chosen[0]
            if chosen:
                return None
        return None


# -- headings ---------------------------------------------------------------------


# Not letters or digits: `[^\W_]` is exactly str.isalnum() (both use Unicode's alphanumeric
# property), so one substitution does what a Python loop over each character did.
_NOT_ALNUM = re.compile(r"[\W_]+")


def loose(text: str) -> str:
    """Letters and digits only, case-folded: what GitHub, GitLab and Obsidian heading slugs agree on."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


_DUPLICATE_SUFFIX = re.compile(r"-\d+$")


@dataclass(frozen=True)
class Anchors:
    """What a file's fragments can match, prepared once per file (not once per link to it)."""

    blocks: frozenset[str]  # case-folded block ids
    ids: frozenset[str]  # HTML ids as written
    loose: frozenset[str]  # headings and HTML ids, loosened

    @classmethod
    def of(cls, facts: Mapping[str, Any]) -> Anchors:
        return cls(
            frozenset(b.casefold() for b in facts["blocks"]),
            frozenset(facts["ids"]),
            frozenset(loose(h) for h in facts["headings"]) | frozenset(loose(i) for i in facts["ids"]),
        )

    def exists(self, fragment: str) -> bool | None:
        """Does `fragment` name a heading, block id or HTML id of the file? None: cannot tell."""
        fragment = fragment.strip()
        if fragment.startswith("^"):
            return fragment[1:].casefold() in self.blocks
        fragment = fragment.split("#")[-1].strip()  # Obsidian's nested heading path H1#H2
        fragment = fragment.removeprefix("user-content-")
        if fragment in self.ids:
            return True
        wanted = {loose(fragment), loose(_DUPLICATE_SUFFIX.sub("", fragment))} - {""}
        if not wanted:
            return None
        return bool(wanted & self.loose)
