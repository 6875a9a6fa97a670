"""The parse layer: exact positions for blocks and inlines, Obsidian syntax as first-class nodes."""

from __future__ import annotations

import pickle

from omnilint import check_text
from omnilint.document import Document
from omnilint.markdown import destination_span

SAMPLE = """---
title: Notes
---
# Title 中文
#Omnivore #reading/later

See [the docs](https://example.com/a_(b) "T") and ![img](pic.png), `#notatag`, [[Note|alias]], ![[emb.png]].
> [!tip] Callout
> a ==highlight== and %%hidden%% ^abc123

```python
# not a heading, #not-a-tag
```
"""


def kinds(doc: Document, kind: str) -> list[str]:
    return [doc.source(n) for n in doc.nodes if n.kind == kind]


def test_front_matter_and_body_offsets():
    doc = Document(SAMPLE)
    assert doc.meta == {"title": "Notes"}
    assert doc.body_start == SAMPLE.index("# Title")
    (heading,) = doc.headings
    assert doc.position(heading.start) == (4, 1)
    assert heading.plain_text() == "Title 中文"


def test_tags_are_tags_not_headings_and_never_in_code():
    doc = Document(SAMPLE)
    assert [(t.label, doc.position(t.start)) for t in doc.tags] == [("Omnivore", (5, 1)), ("reading/later", (5, 11))]
    assert all(n.level == 1 for n in doc.headings) and len(doc.headings) == 1


def test_links_images_wikilinks_and_embeds_have_exact_spans():
    doc = Document(SAMPLE)
    spans = [(n.kind, n.link_type, n.url, doc.source(n)) for n in doc.links]
    assert spans == [
        ("link", "inline", "https://example.com/a_(b)", '[the docs](https://example.com/a_(b) "T")'),
        ("image", "inline", "pic.png", "![img](pic.png)"),
        ("link", "wikilink", "Note", "[[Note|alias]]"),
        ("image", "wikilink", "emb.png", "![[emb.png]]"),
    ]
    link = doc.links[0]
    start, end = destination_span(doc.text, link)
    assert doc.text[start:end] == "https://example.com/a_(b)"
    assert doc.position(link.start) == (7, 5)
    assert doc.links[3].is_embed


def test_callouts_highlights_comments_block_ids():
    doc = Document(SAMPLE)
    (callout,) = [n for n in doc.nodes if n.kind == "callout"]
    assert callout.label == "tip"
    found = {(n.kind, n.label or n.value) for n in doc.obsidian if n.kind != "tag"}
    assert found == {("highlight", "highlight"), ("comment", "hidden"), ("block_id", "abc123")}


def test_in_code_covers_code_spans_and_blocks_only():
    doc = Document(SAMPLE)
    assert doc.in_code(SAMPLE.index("#notatag"))
    assert doc.in_code(SAMPLE.index("# not a heading"))
    assert not doc.in_code(SAMPLE.index("#Omnivore"))


def test_columns_count_characters_not_bytes():
    doc = Document("中文中文 [x](y)\n")
    assert doc.position(doc.links[0].start) == (1, 6)


def test_escaped_hash_is_not_a_tag():
    doc = Document("\\#notatag and C# and a&#35;b and url#frag\n")
    assert doc.tags == []


def test_results_are_picklable():
    found = check_text("text  \n\n\n\nmore")
    assert pickle.loads(pickle.dumps(found)) == found


def test_linting_a_document_leaves_no_reference_cycles(tmp_path):
    """Parse trees point down only (Document.parent finds a parent) and rules' shared data
    holds its Document weakly: a linted file's objects go by reference counting alone, so
    no garbage collector pass (and no manual one) is needed to keep memory flat."""
    import gc

    from omnilint.config import Overrides
    from omnilint.files import Task
    from omnilint.pipeline import process
    from omnilint.session import Job, Session

    note = tmp_path / "note.md"
    para = "The river rose three metres overnight, flooding the [lower town](https://example.com/t)."
    note.write_text(
        f"---\ntitle: T\n---\n\n# T\n\n> [!note]\n> {para}\n\n- {para}\n  - nested #tag ==hi== ^id1\n\n"
        f"{para}\n\n{para}\n\n[Read Original](https://omnivore.app/me/t-1)\n",
        encoding="utf-8",
    )
    session = Session(Job(overrides=Overrides(select=("ALL",))))
    assert process(Task(str(note), "note.md"), session).diagnostics  # first: imports, compiled patterns
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            assert process(Task(str(note), "note.md"), session).diagnostics
        assert gc.collect() == 0
    finally:
        gc.enable()
