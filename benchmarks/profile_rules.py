"""CPU seconds per rule and per phase of a run (discovery, read/decode, parse, rules, corpus
phase, output) over a corpus, in one process.

    python benchmarks/profile_rules.py /tmp/omnibench/corpus-2000-1          # default rules
    python benchmarks/profile_rules.py DIR --select ALL --top 15

The phases follow what `omnilint check --no-cache -j1` does, with the same functions:
discovery (`discover_files`, settings per folder), reading and decoding each file, then per
Document its front matter, parse and Obsidian scan as they are first asked for, each rule's
`check` (or a corpus rule's `collect`, then its facts as JSON) in the order the engine runs
them, edit positions, the corpus phase (`corpus_phase`, each corpus rule's `check_corpus`
timed, facts decoding included), and the text report.  Rules that share work (the duplicate
rules' block sequence) are charged to the first one that asks.  This is the table in
BENCHMARKS.md, "Where the time goes".
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

from omnilint import config as cfg
from omnilint.corpus import corpus_phase
from omnilint.discovery import discover_files, vault_kind
from omnilint.document import Document
from omnilint.files import FileResult, read_regular_file
from omnilint.pipeline import locate_edits
from omnilint.report import get as report_format
from omnilint.rule import CorpusRule
from omnilint.runner import RunResult
from omnilint.session import Job, Session
from omnilint.text import decode

# What each engine part computes, asked in the order the rules would ask.
_ASKS = (lambda d: d.front_matter, lambda d: d.parsed, lambda d: (d.obsidian, d.lines))
clock = time.process_time


def _timed_corpus(rule, spent: dict[str, float]) -> None:
    """Wrap one corpus rule object's check_corpus so that its CPU time (until its findings are
    all produced) is added to spent[code]; the rule's own arguments pass through unchanged."""
    inner = rule.check_corpus

    def timed(*args, **kwargs):
        start = clock()
        found = list(inner(*args, **kwargs))
        spent[rule.code] = spent.get(rule.code, 0.0) + clock() - start
        return found

    rule.check_corpus = timed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("--select", default=None, help="rule selection, as on the command line (default: the defaults)")
    p.add_argument("--top", type=int, default=12)
    args = p.parse_args()
    overrides = cfg.Overrides(select=tuple(args.select.split(","))) if args.select else cfg.Overrides()
    session = Session(Job(overrides=overrides))
    phases: dict[str, float] = {}
    per_rule: dict[str, float] = {}
    per_corpus: dict[str, float] = {}
    parts = {"front matter": 0.0, "parse (pyromark events -> Nodes)": 0.0, "Obsidian scan + line index": 0.0}
    start = clock()

    t = clock()
    tasks = discover_files([str(args.corpus)], session).files
    phases["discovery (walk, settings per folder)"] = clock() - t

    wrapped: set[int] = set()
    results: list[FileResult] = []
    read = facts_time = positions = 0.0
    for task in tasks:
        t = clock()
        settings = session.settings_for(task.path)
        ruleset = session.ruleset(settings)
        data = read_regular_file(task.path, settings.get("max-file-size"))
        text = decode(data).text
        read += clock() - t
        result = FileResult(task.display, task.display, task.path)
        doc = Document(text, result.relpath, vault_kind(task.path, settings))
        for name, ask in zip(parts, _ASKS):
            t = clock()
            ask(doc)
            parts[name] += clock() - t
        for rule, options in ruleset.rules_for(result.relpath):
            t = clock()
            try:
                if isinstance(rule, CorpusRule):
                    if id(rule) not in wrapped:
                        wrapped.add(id(rule))
                        _timed_corpus(rule, per_corpus)
                    facts = rule.collect(doc, options)
                    per_rule[rule.code] = per_rule.get(rule.code, 0.0) + clock() - t
                    t = clock()
                    result.facts[rule.code] = json.dumps(facts, ensure_ascii=False, separators=(",", ":"))
                    result.corpus_rules.append(rule.code)
                    facts_time += clock() - t
                    continue
                result.diagnostics.extend(rule.check(doc, options))
            except Exception:  # noqa: BLE001 - a crash is the engine's INT001, not this script's business
                pass
            per_rule[rule.code] = per_rule.get(rule.code, 0.0) + clock() - t
        t = clock()
        locate_edits(doc, result.diagnostics)
        positions += clock() - t
        results.append(result)
    phases["read + decode"] = read
    phases["corpus facts to JSON"] = facts_time
    phases["edit positions"] = positions

    t = clock()
    corpus_phase(results, session)
    phases["corpus phase (all check_corpus, facts decoded)"] = clock() - t

    t = clock()
    for r in results:
        r.diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    report_format("text").render(RunResult(results, len(results)), io.StringIO())
    phases["output (sort, text report)"] = clock() - t
    total = clock() - start

    findings = sum(len(r.diagnostics) for r in results)
    print(
        f"{len(results)} files, {findings} findings ({findings / max(1, len(results)):.1f} per file), {total:.2f} CPU s in all\n"
    )
    print("| part | CPU s | share |\n|---|---:|---:|")
    ranked = sorted(per_rule.items(), key=lambda kv: -kv[1])
    for code, seconds in ranked[: args.top]:
        print(f"| {code} | {seconds:.2f} | {seconds / total:.0%} |")
    rest = sum(s for _, s in ranked[args.top :])
    print(f"| {len(ranked[args.top :])} other rules together | {rest:.2f} | {rest / total:.0%} |")
    for name, seconds in [*parts.items(), *phases.items()]:
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    for code, seconds in sorted(per_corpus.items(), key=lambda kv: -kv[1]):
        print(f"| &nbsp;&nbsp;{code} check_corpus | {seconds:.3f} | {seconds / total:.1%} |")


if __name__ == "__main__":
    main()
