"""Coverage-guided fuzzing of check and fix (atheris / libFuzzer).

Each input is a file's bytes.  It is decoded as omnilint decodes files, checked and
fixed with every offline rule, and the promises of RELIABILITY.md are asserted:
no rule crashes, a fix is idempotent, edits stay inside their ranges, front matter
that parsed still parses to the same mapping except the keys an edit touched.
A broken promise raises, and libFuzzer saves the input.

Run it with fuzz/run.sh SECONDS (atheris is not a test dependency:
`pip install atheris`).  OMNILINT_FUZZ_FORMAT=1 adds the mdformat rule (slow).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sys
import time
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["omnilint"]):
    from omnilint import config as cfg
    from omnilint import engine, fixer
    from omnilint import frontmatter as fm
    from omnilint.document import Document
    from omnilint.text import UndecodableError, decode

PATH = "notes/article.md"


def _rules() -> engine.RuleList:
    settings = cfg.Settings(Path.cwd(), None, cfg.validate({"select": ["ALL"]}, "fuzz"))
    wanted = {None, "format"} if os.environ.get("OMNILINT_FUZZ_FORMAT") else {None}
    return [(r, o) for r, o in engine.per_file(cfg.ruleset(settings).rules) if getattr(r, "enabled_by", None) in wanted]


# The rules are imported (through the registry) here, still under the import hook, so
# that libFuzzer's coverage sees the rules' code and not only the engine's.
with atheris.instrument_imports(include=["omnilint"]):
    RULES = _rules()


def lint(text: str):
    found = engine.lint(Document(text, PATH), RULES)
    crashes = [d.message for d in found if d.code == engine.INTERNAL_CODE]
    if crashes:
        raise AssertionError(f"rule crash: {crashes[0]}")
    return found


def check_steps(text: str, unsafe: bool) -> str:
    """Fix `text`, checking every pass against the findings it applied."""
    calls = []

    def recording(t: str):
        found = lint(t)
        calls.append((t, found))
        return found

    result = fixer.fix_text(text, recording, unsafe=unsafe)
    first = max(i for i, (t, _) in enumerate(calls) if t == text)
    chain = calls[first:]
    applied = {id(d) for d in result.applied}
    for (before, found), (after, _) in itertools.pairwise(chain):
        edits = [e for d in found if id(d) in applied for e in d.fix.edits]
        expected = before
        for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            expected = expected[: e.start] + e.content + expected[e.end :]
        if expected != after:
            raise AssertionError("a pass changed text outside the reported edits")
        check_front_matter(before, after, edits)
    return result.text


def check_front_matter(before: str, after: str, edits) -> None:
    old = fm.find(before)
    if old is None or not old.parsed_ok:
        return
    new = fm.find(after)
    if new is None or not new.parsed_ok:
        raise AssertionError("a fix broke front matter that parsed")
    if not any(e.start <= old.end and e.end >= old.start for e in edits) and repr(old.value) != repr(new.value):
        raise AssertionError("front matter changed without an edit in it")


# OMNILINT_FUZZ_KEEP_GOING=1: record each distinct broken promise in OMNILINT_FUZZ_FOUND
# (input + message) and go on, instead of stopping at the first (libFuzzer's way).
KEEP_GOING = bool(os.environ.get("OMNILINT_FUZZ_KEEP_GOING"))
FOUND = Path(os.environ.get("OMNILINT_FUZZ_FOUND", "fuzz-found"))
_seen: set[str] = set()


# An input that takes longer than this (CPU seconds, check and fix together) breaks the
# promise "no hang" (RELIABILITY.md) and is recorded like a crash.  The fuzzer's coverage
# tracing slows the code down a few times: replay a slow input with
# `python fuzz/fuzz_omnilint.py FILE` (no tracing of the run itself) to time it for real.
SLOW_SECONDS = float(os.environ.get("OMNILINT_FUZZ_SLOW", "2"))


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    started = time.process_time()
    try:
        check_input(data)
        spent = time.process_time() - started
        if spent > SLOW_SECONDS:
            message = f"slow input: {spent:.1f} s for {len(data)} bytes (over {SLOW_SECONDS:g} s)"
            if KEEP_GOING:  # every slow input is kept (not one per kind): each is a shape to time
                FOUND.mkdir(parents=True, exist_ok=True)
                (FOUND / f"slow-{hashlib.sha1(data).hexdigest()[:16]}.input").write_bytes(data)
                print(f"\nSLOW {message}", file=sys.stderr, flush=True)
                return
            raise AssertionError(message)
    except AssertionError as exc:
        if not KEEP_GOING:
            raise
        record(data, str(exc))


def record(data: bytes, message: str) -> None:
    kind = re.sub(r"\d+", "N", message)[:160]  # one file per kind of failure, not per input
    if kind in _seen:
        return
    _seen.add(kind)
    FOUND.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    (FOUND / f"{name}.input").write_bytes(data)
    (FOUND / f"{name}.txt").write_text(message + "\n", encoding="utf-8")
    print(f"\nFOUND {name}: {message[:300]}", file=sys.stderr, flush=True)


def check_input(data: bytes) -> None:
    try:
        text = decode(data).text
    except UndecodableError:
        return
    unsafe = len(data) % 2 == 1  # both modes, chosen by the input itself
    fixed = check_steps(text, unsafe)
    again = engine.fix(fixed, RULES, PATH, unsafe)
    if again.text != fixed:
        raise AssertionError(f"fix is not idempotent: {[d.code for d in again.applied]}")
    fixed.encode("utf-8")  # what would be written encodes


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
