"""CPU seconds per rule (and per engine part) over a corpus, in one process.

    python benchmarks/profile_rules.py /tmp/omnibench/corpus-2000-1          # default rules
    python benchmarks/profile_rules.py DIR --select ALL --top 15

Each Document is built, then its front matter, parse and Obsidian scan are timed as they
are first asked for, then each rule's `check` (or a corpus rule's `collect`) in the order
the engine runs them.  Rules that share work (the duplicate rules' block sequence) are
charged to the first one that asks.  This is the table in BENCHMARKS.md, "Where the time goes".
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from omnilint import config as cfg
from omnilint.document import Document
from omnilint.rule import CorpusRule

# What each engine part computes, asked in the order the rules would ask.
_ASKS = (lambda d: d.front_matter, lambda d: d.parsed, lambda d: (d.obsidian, d.lines))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("--select", default=None, help="rule selection, as on the command line (default: the defaults)")
    p.add_argument("--top", type=int, default=12)
    args = p.parse_args()
    overrides = cfg.Overrides(select=tuple(args.select.split(","))) if args.select else cfg.Overrides()
    rules = cfg.ruleset(cfg.Settings(args.corpus), overrides).rules
    texts = [
        (str(f.relative_to(args.corpus)), f.read_bytes().decode("utf-8", "replace"))
        for f in sorted(args.corpus.rglob("*.md"))
    ]
    parts = {"front matter": 0.0, "parse (pyromark events -> Nodes)": 0.0, "Obsidian scan + line index": 0.0}
    per_rule: dict[str, float] = {}
    clock = time.process_time
    start = clock()
    for relpath, text in texts:
        doc = Document(text, relpath)
        for name, ask in zip(parts, _ASKS):
            t = clock()
            ask(doc)
            parts[name] += clock() - t
        for rule, options in rules:
            t = clock()
            try:
                if isinstance(rule, CorpusRule):
                    rule.collect(doc, options)
                else:
                    list(rule.check(doc, options))
            except Exception:  # noqa: BLE001 - a crash is the engine's INT001, not this script's business
                pass
            per_rule[rule.code] = per_rule.get(rule.code, 0.0) + clock() - t
        doc.release()
    total = clock() - start
    print(f"{len(texts)} files, {total:.2f} CPU s in all\n")
    print("| part | CPU s | share |\n|---|---:|---:|")
    ranked = sorted(per_rule.items(), key=lambda kv: -kv[1])
    for code, seconds in ranked[: args.top]:
        print(f"| {code} | {seconds:.2f} | {seconds / total:.0%} |")
    rest = sum(s for _, s in ranked[args.top :])
    print(f"| {len(ranked) - args.top} other rules together | {rest:.2f} | {rest / total:.0%} |")
    for name, seconds in parts.items():
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main()
