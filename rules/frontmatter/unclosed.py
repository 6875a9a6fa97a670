from __future__ import annotations

import re

from omnilint.document import Document
from omnilint.rule import Options, Rule

# The first non-blank line of real metadata: `key: value` (YAML) or `key = value` (TOML).
FIELD = {
    "yaml": re.compile(r"[\w\"'][^:\r\n]*:(?:[ \t]|$)"),
    "toml": re.compile(r"[ \t]*(?:[\w\"'.-]+[ \t]*=|\[|#)"),
}


class Unclosed(Rule):
    """## What it does
    Finds a front-matter opening delimiter (`---` or `+++` on the first line,
    followed by fields) that no closing delimiter line ever ends.

    ## Why is this bad?
    Without the closing line the block is not front matter at all: Obsidian and
    python-frontmatter show the fields as body text (the `---` becomes a rule and
    the last field a heading), and tools that do accept it take the whole file as
    metadata.  A file that merely starts with a `---` thematic break, not followed
    by a `key: value` line, is not reported.

    ## Example
    ```markdown
    ---
    title: Snapshot Testing
    id: 175e999e-d7e9-11ee-9fd2-9f3677ec3c2a

    # Snapshot Testing
    ```

    Use instead:
    ```markdown
    ---
    title: Snapshot Testing
    id: 175e999e-d7e9-11ee-9fd2-9f3677ec3c2a
    ---

    # Snapshot Testing
    ```

    ## Fix safety
    No fix: where the metadata was meant to end is a guess.
    """

    code = "FM002"
    name = "front-matter-unclosed"
    summary = "Front matter whose closing delimiter is missing"

    def check(self, doc: Document, options: Options):
        front = doc.front_matter
        if front is None or front.closed or front.kind not in FIELD:
            return
        first = next((line for line in front.raw.splitlines() if line.strip()), "")
        if not FIELD[front.kind].match(first):
            return  # a thematic break at the top of the body, not metadata
        delimiter = "---" if front.kind == "yaml" else "+++"
        end = doc.line_bounds(front.start)[1]
        yield self.report(
            doc,
            front.start,
            end,
            f"Front matter opened here is never closed (no `{delimiter}` line ends it): it is not read as metadata",
        )
