"""CPU seconds of a warm `omnilint check` (every file served by the result cache), by phase.

    python benchmarks/profile_warm.py /tmp/omnibench/corpus-2000-1-real --cache-dir /tmp/warm-cache

The first run fills the cache (untimed); the second is timed in this process, as
`omnilint check DIR --cache-dir CACHE` runs it: start-up imports, discovery, the cache
lookups (stat, database, decoding findings), any file linted again, the corpus phase,
the report (written to /dev/null), and what is left (settings, sorting, the rest).
"""

from __future__ import annotations

import time

START = time.process_time()  # before omnilint is imported: the imports are part of a run

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus")
    p.add_argument("--cache-dir", required=True)
    args = p.parse_args()
    command = ["check", args.corpus, "--cache-dir", args.cache_dir, "--exit-zero"]
    subprocess.run([sys.executable, "-m", "omnilint", *command], stdout=subprocess.DEVNULL, check=False)

    clock = time.process_time
    t = clock()
    from omnilint import cli, corpus, pipeline, runner

    imports = clock() - t + (t - START)
    spent: dict[str, float] = {}

    def timed(module, name: str, label: str) -> None:
        inner = getattr(module, name)

        def wrapper(*a, **k):
            t = clock()
            try:
                return inner(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + clock() - t

        setattr(module, name, wrapper)

    timed(runner, "discover_files", "discovery (walk, settings per folder)")
    timed(runner, "lookup", "cache lookups (stat, database, decoding findings)")
    timed(runner, "process", "files linted again")
    timed(runner, "corpus_phase", "corpus phase")
    timed(cli, "_report", "report (text, to /dev/null)")
    del corpus, pipeline
    t = clock()
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        cli.main(command)
    run = clock() - t
    total = imports + run
    print(f"warm check of {args.corpus}: {total:.3f} CPU s in this process\n")
    print("| phase | CPU s | share |\n|---|---:|---:|")
    print(f"| start-up imports (omnilint, rules, PyYAML, pyromark) | {imports:.3f} | {imports / total:.0%} |")
    for label, seconds in spent.items():
        print(f"| {label} | {seconds:.3f} | {seconds / total:.0%} |")
    rest = run - sum(spent.values())
    print(f"| the rest (config, rule set, cache scope, sorting) | {rest:.3f} | {rest / total:.0%} |")


if __name__ == "__main__":
    main()
