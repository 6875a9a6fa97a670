from __future__ import annotations

from omnilint.document import Document
from omnilint.rule import Options, Rule


class NotMapping(Rule):
    """## What it does
    Finds front matter that parses but is a list or a single value instead of a
    mapping of fields.

    ## Why is this bad?
    Obsidian properties, Dataview and static-site generators read fields from a
    mapping; from a list or a scalar they read nothing.  Omnivore's "single file"
    mode writes a YAML list with one entry per article.

    ## Example
    ```markdown
    ---
    - id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
      title: Blair Frandeen
    - id: 7d838430-12fb-11ef-b25a-c3f818ef8a8a
      title: Recurse Center Return Statement
    ---
    ```

    Use instead:
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    title: Blair Frandeen
    ---
    ```

    ## Fix safety
    No fix: splitting a single-file export into one file per article is a job for
    a script, not a text edit.
    """

    code = "FM005"
    name = "front-matter-not-mapping"
    summary = "Front matter that is a list or a scalar, not a mapping"

    def check(self, doc: Document, options: Options):
        front = doc.front_matter
        if front is None or not front.parsed_ok or front.value is None or isinstance(front.value, dict):
            return
        value = front.value
        if isinstance(value, list):
            what = f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
            if value and all(isinstance(v, dict) for v in value):
                what += " (one per article, as Omnivore's single-file mode writes)"
        else:
            what = f"a single {type(value).__name__} value"
        start, end = front.content_start, doc.line_bounds(front.content_start)[1]
        yield self.report(doc, start, end, f"Front matter is {what}, not a mapping of fields: readers get no fields")
