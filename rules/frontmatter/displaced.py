from __future__ import annotations

from omnilint import frontmatter as fm
from omnilint.document import Document
from omnilint.model import Edit
from omnilint.rule import Fixable, Options, Rule

# Keys that make a one-entry block metadata rather than a heading between two rules.
ONE_KEY_METADATA = frozenset(
    {"title", "id", "date", "created", "updated", "tags", "aliases", "url", "source", "author", "type", "status"}
)


class Displaced(Rule):
    """## What it does
    Finds a YAML front-matter block (`---`, `key: value` lines, `---`) that is
    not at the very start of the file because blank lines come before it.

    ## Why is this bad?
    Front matter counts only when `---` is the file's first line: Obsidian,
    python-frontmatter, Jekyll and Hugo all ignore a block that starts on line 2,
    so its fields are lost and it renders as a rule, text and a heading.  (A
    UTF-8 byte-order mark is not a blank line: it is set aside and is no problem.)
    A `---` block whose content is not a YAML mapping is an ordinary thematic
    break and is not reported, nor is a one-line block whose key names no metadata
    field (`Update: the results were replicated` between two `---` is a rule and a
    heading).

    ## Example
    ```markdown

    ---
    id: 4b0ef29a-6507-e01f-da56-42f9e9a90483
    title: JSON Web Tokens
    ---

    Text.
    ```

    Use instead:
    ```markdown
    ---
    id: 4b0ef29a-6507-e01f-da56-42f9e9a90483
    title: JSON Web Tokens
    ---

    Text.
    ```

    ## Fix safety
    Unsafe: removing the leading blank lines turns the block into metadata, so it
    disappears from the rendered note and every reader starts using its fields.
    """

    code = "FM013"
    name = "front-matter-displaced"
    summary = "Front matter that is not at the start of the file, so readers ignore it"
    fixable = Fixable.UNSAFE

    def check(self, doc: Document, options: Options):
        if doc.front_matter is not None:
            return
        at = fm.displaced(doc.text)
        if at is None:
            return
        block = fm.find(doc.text[at:])
        if block is None or block.kind != "yaml" or not isinstance(block.mapping, dict) or not block.mapping:
            return
        if len(block.mapping) == 1 and str(next(iter(block.mapping))).lower() not in ONE_KEY_METADATA:
            # `---`, `Update: the results were replicated`, `---` is also a thematic break and a
            # setext heading: one key that names no metadata field is read as the reader sees it.
            return
        line = doc.position(at)[0]
        fix = self.fix("Remove the blank lines before the front matter", Edit(0, at), safe=False)
        yield self.report(
            doc,
            at,
            at + 3,
            f"Front matter starts on line {line}, not line 1: readers ignore it",
            fix,
        )
