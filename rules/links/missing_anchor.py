from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnilint.document import Document
from omnilint.rule import CorpusContext, CorpusRule, Options

from . import _index

# Fragments every page has.
ALWAYS_THERE = frozenset({"", "top"})


class MissingAnchor(CorpusRule):
    """## What it does
    Finds `#fragment` links, in the same file (`[see below](#results)`,
    `[[#Results]]`) or in another linted file (`notes.md#results`,
    `[[Notes#Results]]`, `[[Notes#^blockid]]`), that match no heading, no
    Obsidian block id and no HTML `id`/`name` of the target file.  Headings match
    the way GitHub, GitLab and Obsidian build anchors, which agree on the
    letters and digits of the heading text, case aside (`#whats-new-1` matches
    a second "What's new?").  Links into files that were not linted, and
    non-Markdown targets, are not judged; missing files are LNK005's.

    ## Why is this bad?
    The link opens the page but not the place.  Saved web pages keep anchors
    of the original site (`#fn1`, `#section-2`) that the Markdown copy has no
    heading for.

    ## Example
    ```markdown
    # Results

    See [the method](#method).
    ```

    Use instead:
    ```markdown
    # Results

    See [the results](#results).
    ```

    ## Fix safety
    No fix: which heading was meant is a guess.
    """

    code = "LNK006"
    name = "missing-anchor"
    summary = "Links to #fragments that match no heading or block id of the target file"
    needs_files = True
    options = {"vault": "obsidian"}
    option_choices = {"vault": ("obsidian", "logseq", "plain")}

    def collect(self, doc: Document, options: Options) -> Any:
        return _index.collect(doc)

    def check_corpus(self, facts: Mapping[str, Any], options: Options, context: CorpusContext):
        vault = str(options.get("vault", "obsidian")).lower()
        project = _index.Project.of(facts, context)
        # Each target file's anchors, prepared on the first link to it: a file with n
        # headings and n links to them costs n, not n * n.  Local to this call, so the
        # facts of another run are never mixed in.
        anchors: dict[tuple[bool, str], _index.Anchors] = {}
        for display, file_facts in facts.items():
            source = project.path_of(display, file_facts)
            for link in file_facts["links"]:
                fragment = link["fragment"]
                if fragment is None or fragment.strip().casefold() in ALWAYS_THERE:
                    continue
                finding = self._check(project, (display, source), file_facts, link, vault, anchors)
                if finding is not None:
                    yield display, finding

    def _check(
        self,
        project: _index.Project,
        names: tuple[str, str],
        own: Mapping[str, Any],
        link: Mapping[str, Any],
        vault: str,
        anchors: dict[tuple[bool, str], _index.Anchors],
    ):
        display, source = names
        fragment = link["fragment"]
        if not link["target"]:
            target_path, target = None, own
        else:
            if link["kind"] == "wikilink" and vault == "logseq":
                return None
            verdict, target_path = project.resolve(source, link, vault)
            if verdict != "found" or target_path not in project.notes:
                return None  # a missing file (LNK005) or a file we did not read
            target = project.notes[target_path]
        # Keyed by name, not by the facts object: a decoded object may be freed and its id reused.
        key = (True, display) if target_path is None else (False, target_path)
        prepared = anchors.get(key)
        if prepared is None:
            prepared = anchors[key] = _index.Anchors.of(target)
        if prepared.exists(fragment) is not False:
            return None
        where = "this file" if target_path is None or target_path == source else f"'{target_path}'"
        what = "block id" if fragment.startswith("^") else "heading"
        return self.at(link["span"], f"No {what} in {where} matches '#{fragment}'")
