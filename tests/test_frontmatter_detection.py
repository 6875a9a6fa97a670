"""omnilint finds front matter where python-frontmatter (the reference) does, with exact spans."""

from __future__ import annotations

import frontmatter as reference
import pytest

from omnilint import frontmatter as fm

CASES = [
    "---\ntitle: a\n---\nbody\n",
    "---\r\ntitle: a\r\n---\r\nbody\r\n",
    "---\ntitle: a\n...\nbody\n",  # YAML's `...` does not close front matter for Obsidian either
    '{\n  "title": "a"\n}\nbody\n',
    "---\ntags: [a, b]\nurl: https://x.y/z\n---\n\n# T\n",
    "---\n---\nbody\n",
    "no front matter\n---\nx: 1\n---\n",
    "---\ntitle: a\n",  # unclosed
]


@pytest.mark.parametrize("text", CASES)
def test_detection_agrees_with_python_frontmatter(text: str):
    ours = fm.find(text)
    post = reference.loads(text)
    found = ours is not None and ours.closed
    assert found == (post.content.strip() != text.strip()), (text, ours)
    if found:
        assert (ours.mapping or {}) == dict(post.metadata)
        assert text[ours.end :].strip() == post.content.strip()


def test_toml_front_matter():
    front = fm.find("+++\ntitle = 'a'\n+++\nbody\n")
    assert front.kind == "toml" and front.mapping == {"title": "a"} and front.end == 20


def test_spans_are_exact():
    text = "---\ntitle: a\n---\nbody\n"
    front = fm.find(text)
    assert (front.start, front.content_start, front.content_end, front.end) == (0, 4, 13, 17)
    assert front.raw == "title: a\n" and front.first_line == 2


def test_yaml_error_is_mapped_to_the_file_line_and_column():
    text = "---\nid: 1\ntitle: Rust: a language\n---\n"
    front = fm.find(text)
    assert not front.parsed_ok
    assert (front.error.line, front.error.column) == (3, 12)


def test_displaced_front_matter_after_blank_lines():
    assert fm.displaced("\n\n---\na: 1\n---\nbody") == 2
    assert fm.displaced("---\na: 1\n---\n") is None
