"""DUP003: the same article saved in several files of one run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from omnilint.rules.duplicates.duplicate_document import DuplicateDocument, normalise_url

from omnilint.document import Document
from omnilint.rule import CorpusContext

RULE = DuplicateDocument()
OPTIONS = dict(DuplicateDocument.options)

ARTICLE = "\n\n".join(
    f"Paragraph {i}: the printf function walks its format string one character at a time, "
    "copying ordinary characters and expanding each conversion it meets."
    for i in range(4)
)


def omnivore(ident: str, url: str, title: str = "Tearing apart printf()", body: str = ARTICLE) -> str:
    return (
        f"---\nid: {ident}\ntitle: {title}\ntags:\n  - RSS\n---\n\n# {title}\n#Omnivore\n\n"
        f"[Read on Omnivore](https://omnivore.app/me/{ident[:8]})\n[Read Original]({url})\n\n{body}\n"
    )


def run(files: dict[str, str]) -> dict[str, list]:
    facts = {path: RULE.collect(Document(text, path), OPTIONS) for path, text in files.items()}
    json.dumps(facts)  # facts cross process boundaries as plain data
    found: dict[str, list] = {}
    for path, d in RULE.check_corpus(facts, OPTIONS, CorpusContext()):
        found.setdefault(path, []).append(d)
    return found


def test_resynced_files_with_the_same_id():
    ident = "5a10ad8c-0d99-11ef-9ccf-87911ceebd3f"
    files = {
        "Omnivore/Blair Frandeen.md": omnivore(ident, "https://blairfrandeen.com/blog/a", body="Short."),
        f"Omnivore/Blair Frandeen-{ident}.md": omnivore(ident, "https://blairfrandeen.com/blog/b", body="Other."),
        "Omnivore/Unrelated.md": omnivore("cf744baa-e9d7-11ee-bf96-ef466ca15ba8", "https://datum-b.com/x"),
    }
    found = run(files)
    assert sorted(found) == sorted(list(files)[:2])
    [d] = found["Omnivore/Blair Frandeen.md"]
    assert (d.line, d.column) == (2, 1)  # the id line
    assert f"Blair Frandeen-{ident}.md" in d.message and "the same id" in d.message
    assert d.fix is None
    assert d.data["cluster"] == sorted(list(files)[:2])
    assert d.data["shared"] == {"id": ident}


def test_same_url_with_and_without_tracking_parameters():
    files = {
        "a.md": omnivore("1", "https://www.example.com/post/?utm_source=rss&utm_medium=feed#comments", body="A."),
        "b.md": omnivore("2", "http://example.com/post?fbclid=IwAR3x", body="B."),
        "c.md": omnivore("3", "https://example.com/post?page=2", body="C."),
    }
    found = run(files)
    assert sorted(found) == ["a.md", "b.md"]
    [d] = found["b.md"]
    assert "the same original URL" in d.message
    assert d.line == 12  # the [Read Original] link


def test_url_from_front_matter_source_key():
    clip = "---\nsource: https://example.com/post\ntags: [clippings]\n---\n\nA clipping.\n"
    found = run({"clip.md": clip, "omnivore.md": omnivore("9", "https://example.com/post/", body="B.")})
    assert sorted(found) == ["clip.md", "omnivore.md"]
    assert found["clip.md"][0].line == 2


def test_same_body_in_a_trash_copy_and_a_renamed_one():
    files = {
        "Omnivore/Is Palindrome.md": omnivore(
            "1", "https://elijer.github.io/garden/Dev-Notes/Is-Palindrome", "Is Palindrome"
        ),
        "Omnivore/3) Is Palindrome.md": omnivore(
            "2", "https://elijer.github.io/garden/devnotes/3)-Is-Palindrome", "3) Is Palindrome"
        ),
        ".trash/Is Palindrome.md": omnivore("3", "https://other.example/x", "Is Palindrome"),
    }
    found = run(files)
    assert sorted(found) == sorted(files)
    d = found["Omnivore/Is Palindrome.md"][0]
    assert "the same article text" in d.message
    assert d.line == 14  # the first paragraph of the article
    assert d.data["cluster_size"] == 3


def test_short_or_empty_bodies_do_not_match():
    files = {
        "Not Found.md": omnivore("1", "https://a.example/1", "Not Found", body="404 Not Found"),
        "Not Found-1a02.md": omnivore("2", "https://a.example/2", "Not Found", body="404 Not Found"),
        "empty.md": "",
        "empty2.md": "",
    }
    assert run(files) == {}


def test_clusters_join_through_different_keys():
    files = {
        "a.md": omnivore("same-id", "https://x.example/1", body="A."),
        "b.md": omnivore("same-id", "https://x.example/2", body="B."),
        "c.md": omnivore("other", "https://x.example/2", body="C."),
    }
    found = run(files)
    assert sorted(found) == ["a.md", "b.md", "c.md"]
    assert found["a.md"][0].data["cluster"] == ["a.md", "b.md", "c.md"]
    assert "the same id and the same original URL" in found["b.md"][0].message


def test_facts_are_small():
    facts = RULE.collect(Document(omnivore("1", "https://example.com/" + "p" * 50, body=ARTICLE * 50)), OPTIONS)
    assert set(facts) == {"id", "url", "body"}
    assert len(json.dumps(facts)) < 300


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.com/a/b/?utm_campaign=x&b=2&a=1#top", "example.com/a/b?a=1&b=2"),
        ("http://example.com:443/a", "example.com/a"),
        ("https://example.com:8080/a", "example.com:8080/a"),
        ("https://cn.wsj.com/articles/%E7%BE%8E%E4%B8%AD", "cn.wsj.com/articles/美中"),
        ("https://cn.wsj.com/articles/美中", "cn.wsj.com/articles/美中"),
        ("https://www.youtube.com/watch?v=oyzt0r79kns&si=abc", "youtube.com/watch?v=oyzt0r79kns"),
        ("https://x.com/a?__readwiseLocation=", "x.com/a"),
        ("https://omnivore.app/me/slug", None),
        ("mailto:someone@example.com", None),
        ("not a url", None),
    ],
)
def test_normalise_url(url: str, key: str | None):
    assert normalise_url(url) == key


def test_serial_and_parallel_runs_agree(tmp_path: Path):
    # Above the runner's parallel threshold, so -j2 really uses worker processes.
    for n in range(80):
        ident = "shared" if n in (3, 40, 77) else f"id-{n}"
        (tmp_path / f"article {n:02d}.md").write_text(
            omnivore(ident, f"https://example.com/{n}", body=f"Article {n}."), encoding="utf-8"
        )

    def check(jobs: str) -> list[dict]:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "omnilint",
                "check",
                "--select",
                "DUP003",
                "--no-cache",
                "--output-format",
                "json",
                jobs,
                ".",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        return json.loads(proc.stdout)

    serial, parallel = check("-j1"), check("-j2")
    assert serial == parallel
    assert sorted(f["path"] for f in serial) == ["article 03.md", "article 40.md", "article 77.md"]
    assert serial[0]["data"]["cluster"] == ["article 03.md", "article 40.md", "article 77.md"]
