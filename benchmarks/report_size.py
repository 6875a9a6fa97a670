"""The size and time of `omnilint report` on a generated vault (issue 16: a few MB at 20,000 files).

    python benchmarks/report_size.py --files 20000

Generates the vault with benchmarks/generate.py (same seed as the other benchmarks), runs
`omnilint report --no-cache` once, and prints the page's size, the wall and CPU time.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=20000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--files",
                str(args.files),
                "--seed",
                str(args.seed),
                "--out",
                str(vault),
            ],
            check=True,
            capture_output=True,
        )
        page = Path(tmp) / "report.html"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "omnilint", "report", "--no-cache", "--output", str(page), str(vault)],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return 1
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"{args.files} files: page {page.stat().st_size / 1e6:.2f} MB, wall {wall:.1f} s, CPU {cpu:.1f} s")
        print(done.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
