"""DUP003 (duplicate-document) scales linearly with the number of files.

    python benchmarks/dup003_scaling.py                 # 2,000 and 20,000 files, in process
    python benchmarks/dup003_scaling.py --cli -j 2      # also time `omnilint check --select DUP003`
    python benchmarks/dup003_scaling.py --sizes 1000 4000 16000

Generates small Omnivore-shaped files (about 1 kB: front matter, the exporter
header, four paragraphs), one in twenty of them a duplicate of another (a re-sync
with the same id, the same URL with tracking parameters, or the same body under
another title), then times the rule's two phases separately:

- collect: per file, parse the Document and compute the facts (what the worker
  processes do);
- corpus: `check_corpus` over all the facts (what the main process does once).

Both columns should grow in proportion to the files: the per-file cost stays flat.
Prints a table; the lead records the figures in BENCHMARKS.md.  Not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from omnilint.rules.duplicates.duplicate_document import DuplicateDocument

from omnilint.document import Document
from omnilint.rule import CorpusContext

VOCABULARY = (
    "the of and to in is that for it as was with by on this are from at which have an they you were there one all "
    "we their when if so what can more about out up into some could other than then now only over also new after "
    "first way even because people work system data model memory process network server browser cache file page "
    "note vault link image export template plugin highlight library archive summary history market science garden"
)
WORDS = VOCABULARY.split()


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 24))
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, n: int, ident: str, url: str, title: str, body: str | None = None) -> str:
    body = body or "\n\n".join(" ".join(sentence(rng) for _ in range(2)) for _ in range(4))
    return (
        f"---\nid: {ident}\ntitle: {title}\ntags:\n  - RSS\ndate_saved: 2024-05-{n % 28 + 1:02d} 10:00:00\n---\n\n"
        f"# {title}\n#Omnivore\n\n[Read on Omnivore](https://omnivore.app/me/item-{n:x})\n[Read Original]({url})\n\n"
        f"{body}\n"
    )


def corpus(count: int, seed: int = 1) -> dict[str, str]:
    """`count` files; every twentieth repeats an earlier one by id, URL or body."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    originals: list[tuple[str, str, str, str]] = []
    for n in range(count):
        if n % 20 == 19 and originals:
            ident, url, title, body = rng.choice(originals)
            kind = n % 3
            if kind == 0:  # a re-sync: same id, file named <title>-<uuid>.md
                files[f"Omnivore/{title}-{ident}.md"] = article(rng, n, ident, url, title)
            elif kind == 1:  # the same URL saved again, with tracking parameters
                files[f"Omnivore/{n:06d} {title}.md"] = article(
                    rng, n, f"dup-{n}", url + "?utm_source=rss&fbclid=x", title
                )
            else:  # the same text under another title and URL
                files[f"Omnivore/{title} 1.md"] = article(
                    rng, n, f"dup-{n}", f"https://mirror.example/{n}", title + " 1", body
                )
            continue
        ident = f"{n:08x}-0d99-11ef-9ccf-87911ceebd3f"
        url = f"https://example{n % 97}.com/posts/{n}"
        title = f"Article {n}"
        body = "\n\n".join(" ".join(sentence(rng) for _ in range(2)) for _ in range(4))
        originals.append((ident, url, title, body))
        files[f"Omnivore/{title}.md"] = article(rng, n, ident, url, title, body)
    return files


def time_in_process(files: dict[str, str], repeat: int = 3) -> tuple[float, float, int]:
    """CPU seconds of the collect phase and (best of `repeat`) of the corpus phase.

    CPU time, not wall time: the machine may be shared, and the claim is about the
    work the rule does.  Facts go through JSON first, as they would between processes.
    """
    rule = DuplicateDocument()
    options = dict(rule.options)
    started = time.process_time()
    facts = {path: rule.collect(Document(text, path), options) for path, text in files.items()}
    collect_s = time.process_time() - started
    facts = json.loads(json.dumps(facts))
    corpus_s, found = float("inf"), 0
    for _ in range(repeat):
        started = time.process_time()
        found = len(list(rule.check_corpus(facts, options, CorpusContext())))
        corpus_s = min(corpus_s, time.process_time() - started)
    return collect_s, corpus_s, found


def time_cli(files: dict[str, str], jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="dup003-") as tmp:
        root = Path(tmp)
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "omnilint",
            "check",
            "--select",
            "DUP003",
            "--no-cache",
            "-q",
            "-j",
            str(jobs),
            ".",
        ]
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode not in (0, 1):
            raise SystemExit(f"omnilint failed: {proc.stderr}")
        return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--cli", action="store_true", help="also time the whole command line run")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="worker processes for --cli")
    args = parser.parse_args(argv)
    print(
        "CPU seconds (collect: parse + facts per file; corpus: check_corpus, best of 3)"
        + ("; cli: wall seconds of the whole run" if args.cli else "")
    )
    print(
        f"{'files':>8} {'collect s':>10} {'µs/file':>8} {'corpus s':>9} {'µs/file':>8} {'findings':>9}"
        + (f" {'cli s':>7} {'µs/file':>8}" if args.cli else "")
    )
    for count in args.sizes:
        files = corpus(count)
        collect_s, corpus_s, findings = time_in_process(files)
        row = (
            f"{count:>8} {collect_s:>10.2f} {collect_s / count * 1e6:>8.0f} {corpus_s:>9.3f} "
            f"{corpus_s / count * 1e6:>8.1f} {findings:>9}"
        )
        if args.cli:
            cli_s = time_cli(files, args.jobs)
            row += f" {cli_s:>7.2f} {cli_s / count * 1e6:>8.0f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
