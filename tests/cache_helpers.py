"""Shared by test_cache.py and test_parallel.py: a small realistic vault and a corpus-rule plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# A local plugin (named in omnilint.toml) with a corpus rule: files sharing an `id`.
# Its fix appends a marker line, so corpus fixes on files the per-file rules left
# unchanged are exercised too.
CORPUS_PLUGIN = '''
from omnilint.model import Edit
from omnilint.rule import CorpusRule, Span


class SharedId(CorpusRule):
    """## What it does
    Finds files whose front matter shares an `id` with another file.
    """

    code = "TST001"
    name = "shared-id"
    summary = "Two files share an id"
    fixable = "safe"

    def collect(self, doc, options):
        value = doc.meta.get("id")
        if value is None:
            return None
        end = len(doc.text)
        return {"id": str(value), "span": Span.of(doc, 0, 3), "end": end, "newline": doc.newline}

    def check_corpus(self, facts, options, context):
        by_id = {}
        for path, fact in sorted(facts.items()):
            if fact:
                by_id.setdefault(fact["id"], []).append(path)
        for ident, paths in sorted(by_id.items()):
            for path in paths if len(paths) > 1 else ():
                fact = facts[path]
                others = ", ".join(p for p in paths if p != path)
                marker = "<!-- shared id -->" + fact["newline"]
                fix = self.fix("Mark the copy", Edit(fact["end"], fact["end"], marker))
                yield path, self.at(fact["span"], f"id {ident} is also used by {others}", fix)
'''

# The vault's config selects the test rule; the rule itself comes from the invoker (--plugin):
# a config found in the vault may not load code.
CONFIG = 'extend-select = ["TST001"]\n'
PLUGIN_FILE = "corpus_rules.py"


def plugin_args(cwd: Path) -> list[str]:
    """--plugin for the test rule file of the vault `cwd` is in (or beside)."""
    for folder in (cwd, *cwd.parents[:2]):
        if (folder / PLUGIN_FILE).exists():
            return ["--plugin", str(folder / PLUGIN_FILE)]
    return []


def article(n: int, ident: str | None = None, dirty: bool = True) -> str:
    """A saved article in the Omnivore shape, with a few defects when `dirty`."""
    ident = ident or f"00000000-0000-0000-0000-{n:012d}"
    trailing = "   " if dirty and n % 2 else ""
    blank = "\n\n\n" if dirty and n % 3 == 0 else "\n"
    zero_width = "\u200b" if dirty and n % 5 == 0 else ""
    body = "\n\n".join(f"Paragraph {i} of article {n}, with some words{zero_width} in it." for i in range(n % 7 + 1))
    text = (
        f"---\nid: {ident}\ntitle: Article {n}\ntags:\n  - RSS\n---\n\n"
        f"# Article {n}\n#Omnivore\n\n"
        f"[Read Original](https://example.com/{n}){trailing}\n{blank}"
        f"{body}\n\n```python\nx = 1   \n```\n"
    )
    return text if not dirty or n % 4 else text.rstrip("\n")


def make_vault(root: Path, count: int, dirty: bool = True) -> Path:
    (root / "omnilint.toml").write_text(CONFIG, encoding="utf-8")
    (root / "corpus_rules.py").write_text(CORPUS_PLUGIN, encoding="utf-8")
    for n in range(count):
        folder = root / "vault" / f"folder{n % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article {n:03d}.md").write_text(article(n, dirty=dirty), encoding="utf-8")
    return root


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
    return subprocess.run(
        [sys.executable, "-m", "omnilint", *args, *(plugin_args(cwd) if args and args[0] in ("check", "fix") else [])],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def findings(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
