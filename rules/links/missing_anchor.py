from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import CorpusContext, CorpusRule, Fixable, Options

from . import _index
from ._common import parsed_destination
from ._grouped import examples, span_location

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
    non-Markdown targets, are not judged; missing files are LNK005's.  One
    finding per document, on the first such link, with their number and the
    first anchors (a clipped page loses its anchors all at once); JSON output
    lists every link in the finding's `data` (`count`, `anchors`, `locations`).
    Option `vault` as LNK005's: `"auto"` (the default) takes each file's kind;
    in a Logseq graph a `[[page#heading]]` wikilink is not judged.

    ## Why is this bad?
    The link opens the page but not the place.  Saved web pages keep anchors
    of the original site (`#fn1`, `#section-2`) that the Markdown copy has no
    heading for.

    ## Example
    ```markdown
    ---
    url: https://example.com/manual/rivers.html
    ---

    # Rivers

    See [the method](#method) and [the results](#results).
    ```

    Use instead:
    ```markdown
    ---
    url: https://example.com/manual/rivers.html
    ---

    # Rivers

    See [the method](https://example.com/manual/rivers.html#method) and [the results](https://example.com/manual/rivers.html#results).
    ```

    ## Fix safety
    Unsafe, and only for in-page links of a saved article: each `[…](#fragment)`
    whose anchor the file lacks is pointed at the original article (the
    front-matter `url`/`source`, else the `Read Original` link) with the same
    fragment, where the anchor still exists.  The link then leaves the note for
    the web, and the page may have changed; review it.  No fix for links into
    other files: which heading was meant is a guess.
    """

    code = "LNK006"
    name = "missing-anchor"
    summary = "Links to #fragments that match no heading or block id of the target file"
    needs_files = True
    fixable = Fixable.UNSAFE
    options = {"vault": "auto"}
    option_choices = {"vault": ("auto", "obsidian", "logseq", "plain")}

    def collect(self, doc: Document, options: Options) -> Any:
        return _index.collect(doc)

    def check_corpus(self, facts: Mapping[str, Any], options: Options, context: CorpusContext):
        chosen = options.get("vault", "auto")
        project = _index.Project.of(facts, context)
        # Each target file's anchors, prepared on the first link to it: a file with n
        # headings and n links to them costs n, not n * n.  Local to this call, so the
        # facts of another run are never mixed in.
        anchors: dict[tuple[bool, str], _index.Anchors] = {}
        for display, file_facts in facts.items():
            source = project.path_of(display, file_facts)
            vault = _index.vault_of(file_facts, chosen)
            missing = []
            for link in file_facts["links"]:
                fragment = link["fragment"]
                if fragment is None or fragment.strip().casefold() in ALWAYS_THERE:
                    continue
                message = self._check(project, (display, source), file_facts, link, vault, anchors)
                if message is not None:
                    missing.append((link, message))
            if missing:
                yield display, self._grouped(file_facts, missing)

    def _grouped(self, file_facts: Mapping[str, Any], missing: list[tuple[Mapping[str, Any], str]]):
        """One finding for the file's links to missing anchors, with every location in `data`."""
        first, message = missing[0]
        names = [f"{link['target']}#{link['fragment']}" for link, _ in missing]
        distinct = list(dict.fromkeys(names))
        if len(missing) > 1:
            message = f"{len(missing)} links to anchors that match nothing ({examples(distinct, len(distinct))})"
        data = {
            "count": len(missing),
            "anchors": distinct[:5],
            "locations": [
                {**span_location(link["span"]), "anchor": name, "message": text}
                for (link, text), name in zip(missing, names)
            ],
        }
        return self.at(first["span"], message, self._fix(file_facts, missing), data)

    def _fix(self, file_facts: Mapping[str, Any], missing: list[tuple[Mapping[str, Any], str]]):
        """Point the in-page links at the original article, fragment kept (unsafe)."""
        article = file_facts.get("article")
        if not article:
            return None
        base = article.partition("#")[0]
        edits = []
        for link, _ in missing:
            dest = link.get("dest")
            if link["target"] or dest is None:
                continue
            start, end, bracketed, raw = dest
            content = base + raw
            written = f"<{content}>" if bracketed else content
            parsed = parsed_destination(written)
            if parsed is None or not parsed.startswith(base):
                written = f"<{content}>"
                if bracketed or parsed_destination(written) is None:
                    continue
            edits.append(Edit(start, end, content if bracketed else written))
        if not edits:
            return None
        what = "link" if len(edits) == 1 else f"{len(edits)} in-page links"
        return self.fix(f"Point the {what} at the original article ({base})", *edits, safe=False)

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
        return f"No {what} in {where} matches '#{fragment}'"
