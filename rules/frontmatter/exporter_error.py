from __future__ import annotations

from omnilint.document import Document
from omnilint.rule import Options, Rule

from ._common import key_offset

KEY = "omnivore_error"


class ExporterError(Rule):
    """## What it does
    Finds an `omnivore_error` key in the front matter.

    ## Why is this bad?
    The Omnivore plugin writes this key *instead of* the user's fields when the
    front-matter template fails to render: the title, URL, dates and labels the
    file should carry are missing.  The note looks fine but is invisible to every
    query on its metadata.

    ## Example
    ```markdown
    ---
    id: 4b0ef29a-6507-e01f-da56-42f9e9a90483
    omnivore_error: "There was an error parsing the front matter template."
    ---
    ```

    Use instead:
    ```markdown
    ---
    id: 4b0ef29a-6507-e01f-da56-42f9e9a90483
    title: JSON Web Tokens
    ---
    ```

    ## Fix safety
    No fix: the real metadata has to come from a new export (fix the template,
    then re-sync the article).
    """

    code = "FM011"
    name = "front-matter-exporter-error"
    summary = "An omnivore_error key: the exporter failed and the real metadata is missing"

    def check(self, doc: Document, options: Options):
        front = doc.front_matter
        mapping = front.mapping if front is not None and front.parsed_ok else None
        if front is None or not mapping or KEY not in mapping:
            return
        detail = mapping[KEY]
        shown = f" ({' '.join(str(detail).split())[:120]})" if detail not in (None, "") else ""
        start = key_offset(doc, front, KEY)
        yield self.report(
            doc,
            start,
            doc.line_bounds(start)[1],
            f"The exporter failed{shown}: the article's real metadata is missing; fix the template and re-export",
        )
