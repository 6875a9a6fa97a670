"""Time omnilint against rumdl, markdownlint-cli2, mdformat and mdlint-obsidian on one generated corpus, in one run.

    python benchmarks/run.py --files 2000                 # the BENCHMARKS.md table (an hour or more on 2 cores)
    python benchmarks/run.py --files 2000 --quick         # omnilint and rumdl only, no scaling run

Everything runs on the same files, interleaved rep by rep (omnilint, rumdl, …, then
again) so background load hits every tool alike; the table shows medians.

- The corpus comes from benchmarks/generate.py (--files/--seed) into --work (a scratch
  folder outside the repo); fix runs work on fresh copies.
- omnilint runs from a snapshot of this checkout (copied into --work) so edits made
  while the benchmark runs cannot change the code half-way; bytecode is cached in
  --work (PYTHONDONTWRITEBYTECODE is dropped), as with a normal install.
- rumdl and markdownlint-cli2 are taken from PATH, or installed from their registries
  into --work/tools (pip into a scratch venv, npm into a scratch folder); mdformat
  is taken from this Python if it has it, else installed the same way.
- Peak memory is the highest sum of PSS (RSS where PSS is unavailable) over the
  process tree, sampled every 20 ms; PSS counts pages shared by forked workers once.
- Ratios are to rumdl on the same files in the same run: `rumdl check --no-cache`
  for checks, `rumdl fmt --no-cache` for fix --write.  The targets are judged on CPU
  time (user + system of the whole process tree): on a machine shared with other work,
  wall time measures the neighbours as much as the tool.
- `--real` generates the corpus with real vaults' finding density (generate.py --real).
- mdlint-obsidian (a Python Obsidian linter on the package index, command `mdlint`) is
  taken from beside --python or from PATH, else installed into --work/tools with pip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# -- measuring ---------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def _memory_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _memory_kb(p)
        stack.extend(_children(p))
    return total


class Measurement:
    def __init__(self, wall: float, cpu: float, peak_mb: float, code: int, stdout: str = "") -> None:
        self.wall, self.cpu, self.peak_mb, self.code, self.stdout = wall, cpu, peak_mb, code, stdout


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None, capture: bool = False) -> Measurement:
    """Wall time, CPU time (user + system, worker processes included) and peak memory.

    The main thread only waits (os.wait4 also gives the CPU time of the command and of
    every process it waited for, i.e. its workers); a thread samples memory, another
    drains stdout when it is captured.
    """
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
    peak = [0]
    chunks: list[bytes] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_memory_kb(proc.pid))
            done.wait(0.02)

    threads = [threading.Thread(target=sample, daemon=True)]
    if capture:
        threads.append(threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True))  # type: ignore[union-attr]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for t in threads:
        t.join()
    text = b"".join(chunks).decode("utf-8", "replace")
    return Measurement(wall, usage.ru_utime + usage.ru_stime, peak[0] / 1024, proc.returncode, text)


# -- tools ---------------------------------------------------------------------------


def run_quiet(cmd: list[str], **kw) -> None:
    print("  $", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)


def ensure_rumdl(tools: Path) -> list[str]:
    found = shutil.which("rumdl") or str(tools / "venv" / "bin" / "rumdl")
    if not Path(found).exists():
        run_quiet([sys.executable, "-m", "venv", str(tools / "venv")])
        run_quiet([str(tools / "venv" / "bin" / "pip"), "install", "--quiet", "rumdl"])
    return [found]


def ensure_markdownlint(tools: Path) -> list[str] | None:
    found = shutil.which("markdownlint-cli2") or str(tools / "npm" / "node_modules" / ".bin" / "markdownlint-cli2")
    if not Path(found).exists():
        if not shutil.which("npm"):
            return None
        (tools / "npm").mkdir(parents=True, exist_ok=True)
        run_quiet(["npm", "install", "--silent", "--prefix", str(tools / "npm"), "markdownlint-cli2"])
    return [found]


def ensure_mdlint_obsidian(tools: Path, python: str) -> list[str] | None:
    for found in (
        str(Path(python).parent / "mdlint"),
        shutil.which("mdlint") or "",
        str(tools / "venv" / "bin" / "mdlint"),
    ):
        if found and Path(found).exists():
            return [found]
    venv = tools / "venv"
    if not (venv / "bin" / "python").exists():
        run_quiet([sys.executable, "-m", "venv", str(venv)])
    try:
        run_quiet([str(venv / "bin" / "pip"), "install", "--quiet", "mdlint-obsidian"])
    except subprocess.CalledProcessError:
        return None
    return [str(venv / "bin" / "mdlint")]


def ensure_mdformat(tools: Path, python: str) -> list[str]:
    if subprocess.run([python, "-c", "import mdformat"], capture_output=True, check=False).returncode == 0:
        return [python, "-m", "mdformat"]
    venv = tools / "venv"
    if not (venv / "bin" / "python").exists():
        run_quiet([sys.executable, "-m", "venv", str(venv)])
    if subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import mdformat"], capture_output=True, check=False
    ).returncode:
        run_quiet([str(venv / "bin" / "pip"), "install", "--quiet", "mdformat", "mdformat-gfm", "mdformat-frontmatter"])
    return [str(venv / "bin" / "python"), "-m", "mdformat"]


def version_of(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            [*cmd, "--version"], capture_output=True, text=True, timeout=60, env=env, cwd=cwd, check=False
        )
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def snapshot(work: Path) -> Path:
    """A frozen copy of omnilint/ and rules/ to run from."""
    target = work / "snapshot"
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "omnilint", target / "omnilint", ignore=ignore)
    shutil.copytree(REPO / "rules", target / "rules", ignore=ignore)
    return target


def omnilint_env(work: Path, code: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR")}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def omnilint_command(python: str) -> list[str]:
    script = Path(python).parent / "omnilint"
    return [str(script)] if script.exists() else [python, "-m", "omnilint"]


# -- the parse-only floor ------------------------------------------------------------------

FLOOR = r"""
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import pyromark
from omnilint.markdown import OPTIONS

def files(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".md"))

def parse(paths):
    n = 0
    for p in paths:
        with open(p, encoding="utf-8") as h:
            for _ in pyromark.events_with_range(h.read(), options=OPTIONS):
                n += 1
    return n

paths, workers = files(sys.argv[1]), int(sys.argv[2])
if workers == 1:
    parse(paths)
else:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(parse, [paths[i::workers * 8] for i in range(workers * 8)]))
"""


# -- the benchmark ---------------------------------------------------------------------------


class Bench:
    def __init__(self, args) -> None:
        self.args = args
        self.work = Path(args.work)
        self.tools = self.work / "tools"
        self.results: dict[str, list[Measurement]] = {}
        self.notes: dict[str, str] = {}
        self.mdlint: list[str] | None = None

    def record(self, name: str, m: Measurement) -> None:
        self.results.setdefault(name, []).append(m)
        print(f"    {name:<38} {m.wall:8.3f} s wall {m.cpu:8.3f} s cpu {m.peak_mb:7.1f} MB  exit {m.code}", flush=True)

    def median(self, name: str) -> float | None:
        runs = self.results.get(name)
        return statistics.median(m.wall for m in runs) if runs else None

    def median_cpu(self, name: str) -> float | None:
        runs = self.results.get(name)
        return statistics.median(m.cpu for m in runs) if runs else None

    def corpus(self, files: int) -> Path:
        real = ["--real"] if self.args.real else []
        path = self.work / f"corpus-{files}-{self.args.seed}{'-real' if real else ''}"
        if not path.exists():
            print(f"generating {files} files into {path}", flush=True)
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--files", str(files), "--seed", str(self.args.seed),
                            "--out", str(path), *real], check=True)  # fmt: skip
        return path

    def fresh_copy(self, corpus: Path, name: str) -> Path:
        target = self.work / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(corpus, target)
        return target

    def run(self) -> dict:
        a = self.args
        self.work.mkdir(parents=True, exist_ok=True)
        code = None if a.no_snapshot else snapshot(self.work)
        env = omnilint_env(self.work, code)
        omni = omnilint_command(a.python)
        rumdl = ensure_rumdl(self.tools)
        mdl = None if a.quick else ensure_markdownlint(self.tools)
        mdformat = None if a.quick else ensure_mdformat(self.tools, a.python)
        self.mdlint = None if a.quick and not a.peers else ensure_mdlint_obsidian(self.tools, a.python)
        corpus = self.corpus(a.files)
        versions = {
            "omnilint": version_of(omni, env) + ("" if a.no_snapshot else f" (snapshot of {REPO})"),
            "rumdl": version_of(rumdl),
        }
        if mdl:
            versions["markdownlint-cli2"] = version_of(mdl).replace("\n", " ")
        if mdformat:
            versions["mdformat"] = version_of(mdformat, cwd=corpus)
        if self.mdlint:
            done = subprocess.run(
                [a.python, "-m", "pip", "show", "mdlint-obsidian"], capture_output=True, text=True, check=False
            )
            versions["mdlint-obsidian"] = next(
                (ln.split(":", 1)[1].strip() for ln in done.stdout.splitlines() if ln.startswith("Version:")), "?"
            )
        sample = self.single_file(corpus)
        # Warm the bytecode cache and the page cache once, untimed.
        subprocess.run([*omni, "check", str(sample), "--no-cache"], env=env, stdout=subprocess.DEVNULL, check=False)
        subprocess.run([*omni, "check", str(corpus), "--no-cache"], env=env, stdout=subprocess.DEVNULL, check=False)

        for rep in range(a.reps):
            print(f"rep {rep + 1}/{a.reps}", flush=True)
            self.one_rep(rep, corpus, sample, omni, rumdl, mdl, mdformat, env)
        findings = measure(
            [*omni, "check", str(corpus), "--no-cache", "--statistics", "--exit-zero"], env=env, capture=True
        )
        self.notes["omnilint statistics"] = findings.stdout
        if a.scale:
            self.scaling(omni, rumdl, env, a.files * a.scale)
        return {"versions": versions, "corpus": str(corpus), "sample": str(sample)}

    def one_rep(self, rep: int, corpus: Path, sample: Path, omni, rumdl, mdl, mdformat, env: dict) -> None:
        a, cache = self.args, self.work / "omnilint-cache"
        check = [*omni, "check", str(corpus), "--cache-dir", str(cache)]
        shutil.rmtree(cache, ignore_errors=True)
        self.record("omnilint check (cold)", measure(check, env=env))
        self.record("omnilint check (warm cache)", measure(check, env=env))
        if rep == 0:  # for reference, once: one process, no cache
            self.record(
                "omnilint check --no-cache -j1", measure([*omni, "check", str(corpus), "--no-cache", "-j1"], env=env)
            )
        self.record("rumdl check --no-cache", measure([*rumdl, "check", "--no-cache", str(corpus)]))
        copy = self.fresh_copy(corpus, "fix-omnilint")
        shutil.rmtree(cache, ignore_errors=True)
        self.record(
            "omnilint fix --write (cold)",
            measure([*omni, "fix", "--write", str(copy), "--cache-dir", str(cache)], env=env),
        )
        copy = self.fresh_copy(corpus, "fix-rumdl")
        self.record("rumdl fmt --no-cache", measure([*rumdl, "fmt", "--no-cache", str(copy)]))
        for workers in (1, a.cores):
            self.record(
                f"parse floor, {workers} process(es)",
                measure([a.python, "-c", FLOOR, str(corpus), str(workers)], env=env),
            )
        if rep < a.slow_reps:
            if mdl:
                self.record("markdownlint-cli2", measure([*mdl, "**/*.md"], cwd=corpus))
                self.record("single file: markdownlint-cli2", measure([*mdl, str(sample)]))
            if self.mdlint:
                self.record("mdlint-obsidian", measure([*self.mdlint, str(corpus)]))
                self.record("single file: mdlint-obsidian", measure([*self.mdlint, str(sample)]))
            if mdformat:
                # Run from the corpus: from a checkout, `python -m` would find omnilint's own
                # mdformat plugin (its egg-info) on sys.path and load it into the comparison.
                self.record("mdformat --check", measure([*mdformat, "--check", "."], cwd=corpus))
        for _ in range(a.single_reps):
            self.record("single file: omnilint check", measure([*omni, "check", str(sample), "--no-cache"], env=env))
            self.record("single file: rumdl check", measure([*rumdl, "check", "--no-cache", str(sample)]))

    def scaling(self, omni, rumdl, env, files: int) -> None:
        big = self.corpus(files)
        cache = self.work / "omnilint-cache-scale"
        for rep in range(self.args.scale_reps):
            print(f"scaling rep {rep + 1}/{self.args.scale_reps} ({files} files)", flush=True)
            shutil.rmtree(cache, ignore_errors=True)
            self.record(
                f"omnilint check (cold) x{self.args.scale}",
                measure([*omni, "check", str(big), "--cache-dir", str(cache)], env=env),
            )
            self.record(
                f"omnilint check (warm cache) x{self.args.scale}",
                measure([*omni, "check", str(big), "--cache-dir", str(cache)], env=env),
            )
            self.record(
                f"rumdl check --no-cache x{self.args.scale}", measure([*rumdl, "check", "--no-cache", str(big)])
            )
        shutil.rmtree(cache, ignore_errors=True)

    @staticmethod
    def single_file(corpus: Path) -> Path:
        """A file of median size: what a pre-commit hook sees."""
        files = sorted(corpus.rglob("*.md"), key=lambda p: (p.stat().st_size, str(p)))
        return files[len(files) // 2]


# -- the report ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({cpu}), {mem} MB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


TARGETS = [
    # (row, against, limit, what)
    ("omnilint check (cold)", "rumdl check --no-cache", 1.0, "cold check ≤ 1.0 × rumdl"),
    ("omnilint check (cold)", "rumdl check --no-cache", 3.0, "cold check ≤ 3 × rumdl (issue 19)"),
    ("omnilint check (warm cache)", "rumdl check --no-cache", 0.25, "warm check ≤ 0.25 × rumdl cold"),
    ("omnilint fix --write (cold)", "rumdl fmt --no-cache", 1.5, "fix --write ≤ 1.5 × rumdl fmt"),
]


def table(bench: Bench, info: dict) -> str:
    a = bench.args
    base = bench.median("rumdl check --no-cache")
    base_cpu = bench.median_cpu("rumdl check --no-cache")
    rows = [
        "| run | wall s (median) | min–max | CPU s (median) | peak MB | wall × rumdl | CPU × rumdl |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in bench.results.items():
        walls = [m.wall for m in runs]
        med, cpu = statistics.median(walls), statistics.median(m.cpu for m in runs)
        peak = max(m.peak_mb for m in runs)
        if name.startswith("single file"):
            rows.append(f"| {name} | {med * 1000:.0f} ms | {min(walls) * 1000:.0f}–{max(walls) * 1000:.0f} ms | "
                        f"{cpu * 1000:.0f} ms | {peak:.0f} | | |")  # fmt: skip
            continue
        ratio = f"{med / base:.2f}" if base else ""
        cpu_ratio = f"{cpu / base_cpu:.2f}" if base_cpu else ""
        rows.append(
            f"| {name} | {med:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.2f} | {peak:.0f} | {ratio} | {cpu_ratio} |"
        )
    lines = [
        f"Corpus: {a.files} generated files (seed {a.seed}), {info['corpus']}; single file: {Path(info['sample']).name} "
        f"({Path(info['sample']).stat().st_size} bytes).",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. Reps: {a.reps} (slow tools {a.slow_reps}).",
        "Versions: " + "; ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        *rows,
        "",
        "| target | CPU-time ratio | met (on CPU time) | wall ratio |",
        "|---|---:|---|---:|",
    ]
    for row, against, limit, what in TARGETS:
        mine, theirs = bench.median(row), bench.median(against)
        if mine and theirs:
            ratio = mine / theirs
            cpu = bench.median_cpu(row) / bench.median_cpu(against)  # type: ignore[operator]
            verdict = "yes" if cpu <= limit else f"no ({cpu / limit:.1f}× over)"
            lines.append(f"| {what} | {cpu:.2f} × | {verdict} | {ratio:.2f} × |")
    single = bench.median("single file: omnilint check")
    if single:
        lines.append(f"| single small file ≤ 80 ms | {single * 1000:.0f} ms | {'yes' if single <= 0.08 else 'no'} | |")
    if a.scale:
        small, large = bench.median("omnilint check (cold)"), bench.median(f"omnilint check (cold) x{a.scale}")
        if small and large:
            ratio = large / small
            lines.append(
                f"| {a.scale}× the files ≤ {a.scale * 1.1:.0f}× the time | {ratio:.1f}× | {'yes' if ratio <= a.scale * 1.1 else 'no'} | |"
            )
            peak = max(m.peak_mb for m in bench.results[f"omnilint check (cold) x{a.scale}"])
            lines.append(
                f"| peak memory at {a.files * a.scale} files ≤ 300 MB | {peak:.0f} MB | {'yes' if peak <= 300 else 'no'} | |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reps", type=int, default=3, help="repetitions of the timed runs (medians are reported)")
    p.add_argument(
        "--slow-reps", type=int, default=1, help="repetitions of markdownlint-cli2 and mdformat (~1 min each)"
    )
    p.add_argument("--single-reps", type=int, default=5, help="single-file runs per rep")
    p.add_argument("--scale", type=int, default=10, help="also check N × --files (0: skip)")
    p.add_argument("--scale-reps", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="omnilint and rumdl only, no scaling run")
    p.add_argument("--peers", action="store_true", help="with --quick: mdlint-obsidian too")
    p.add_argument("--real", action="store_true", help="real vaults' finding density (generate.py --real)")
    p.add_argument("--work", default="/tmp/omnibench", help="scratch folder (corpora, copies, tools, snapshot)")
    p.add_argument("--python", default=sys.executable, help="the Python that has omnilint's dependencies")
    p.add_argument(
        "--cores",
        type=int,
        default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    )
    p.add_argument("--no-snapshot", action="store_true", help="run the checkout itself, not a frozen copy")
    p.add_argument("--json", default=None, help="also write the raw timings here")
    args = p.parse_args(argv)
    if args.quick:
        args.scale = 0
    bench = Bench(args)
    info = bench.run()
    report = table(bench, info)
    print("\n" + report)
    if bench.notes.get("omnilint statistics"):
        print("\nomnilint findings on the corpus (--statistics):\n" + bench.notes["omnilint statistics"])
    raw = {
        "info": info,
        "machine": machine(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "args": vars(args),
        "runs": {
            k: [{"wall": m.wall, "cpu": m.cpu, "peak_mb": m.peak_mb, "exit": m.code} for m in v]
            for k, v in bench.results.items()
        },
        "table": report,
    }
    out = Path(args.json or Path(args.work) / f"results-{args.files}-{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    out.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print(f"\nraw timings: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
