from __future__ import annotations

from omnilint import format as formatting
from omnilint.document import Document
from omnilint.model import Edit, Severity
from omnilint.rule import Fixable, Options, Rule


class Unformatted(Rule):
    """## What it does
    Compares the document with its formatted form: mdformat with the GFM plugin and
    omnilint's Obsidian plugin, which keeps wikilinks, embeds, tags, block ids,
    `%%comments%%`, `==highlights==`, callouts, Logseq `key:: value` properties,
    footnotes, math, character references and escapes exactly as written.  Off by
    default: `omnilint fix --format`, or `format = true` in the configuration.
    Pages of a Logseq graph (outlines of indented blocks) are left alone.

    ## Why is this bad?
    Saved articles arrive in as many Markdown styles as there are exporters: `*` and
    `-` bullets, setext and ATX headings, trailing-space line breaks, indented and
    fenced code.  One consistent style makes a corpus easier to read, diff and search.
    Plain mdformat is not safe on a vault: it writes `[[Note|alias]]` as
    `\\[[Note|alias]\\]`, breaking every wikilink and embed.

    ## Example
    ```markdown
    Title with [[Wiki Link|alias]]
    ==============================
    * an embed ![[image.png|300]] and a #tag␠␠
    * a ==highlight== and a comment %%kept%% ^block-1
    ***
    ```

    Use instead:
    ```markdown
    # Title with [[Wiki Link|alias]]

    - an embed ![[image.png|300]] and a #tag
    - a ==highlight== and a comment %%kept%% ^block-1

    ---
    ```

    ## Options
    Also accepted as a table `format-options` in the configuration.
    - `wrap`: `"keep"` (default: line breaks stay where they are, as Obsidian shows
      them), `"no"` (one line per paragraph) or a line width such as `80`.
    - `number`: `true` (default) numbers ordered lists 1, 2, 3; `false` writes 1, 1, 1.
    - `thematic-break`: `"---"` (default), `"***"` or `"___"`.
    - `end-of-line`: `"keep"` (default: the file's first line ending), `"lf"` or `"crlf"`.

    ## Fix safety
    Safe, and checked before it is offered: the front matter stays byte-identical,
    every Obsidian/Logseq construct of the input is in the output unchanged, the
    rendered HTML is unchanged (both as mdformat checks it and as omnilint's parser
    renders it, whitespace between words aside), and formatting the result again
    changes nothing.  A document that fails a check is reported with the reason and
    no fix.  `fix` formats in a stage of its own, after every other rule's fixes are done.
    """

    code = "FMT005"
    name = "unformatted"
    summary = "The document differs from its formatted form (mdformat, Obsidian-safe)"
    default_enabled = False
    enabled_by = "format"
    fixable = Fixable.SOMETIMES
    options = dict(formatting.OPTIONS)

    check_option = staticmethod(formatting.check_option)

    @staticmethod
    def cache_key() -> str:
        return formatting.versions()

    def check(self, doc: Document, options: Options):
        if doc.outline:
            # A Logseq page is an outline of indented blocks; mdformat reads the indentation as
            # code and would fence the page.  Formatting leaves such pages alone.
            return
        style = formatting.Style.from_options(options)
        try:
            outcome = formatting.format_document(doc.text, style)
        except formatting.FormattingUnavailable as exc:
            yield doc.diagnostic(self.code, self.name, 0, 0, str(exc), severity=Severity.ERROR)
            return
        if outcome.problem is not None and outcome.formatted == doc.text:
            # Refused before formatting (too deeply nested, or mdformat failed).
            message = f"Document not formatted: {outcome.problem}; left as it is"
            yield self.report(doc, doc.body_start, doc.body_start, message)
            return
        if outcome.formatted == doc.text:
            return
        start, end, new_start, new_end = formatting.changed_span(doc.text, outcome.formatted)
        first, last = doc.position(start)[0], doc.position(max(start, end - 1))[0]
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        if outcome.problem is not None:
            message = f"Document is not formatted, and formatting it is not safe: {outcome.problem}; left as it is"
            yield self.report(doc, start, start, message)
            return
        fix = self.fix(
            "Format the document (mdformat, Obsidian-safe)",
            Edit(start, end, outcome.formatted[new_start:new_end]),
        )
        yield self.report(doc, start, start, f"Document is not formatted (the formatter rewrites {lines})", fix)
