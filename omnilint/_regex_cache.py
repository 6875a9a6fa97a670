"""Compiled regular expressions kept on disk between runs, like bytecode in __pycache__.

A run of `omnilint check one-file.md` compiles about 140 regular expressions (the
rules', PyYAML's, the engine's): a quarter of its CPU time, every time, because
Python parses and compiles each pattern to SRE code in pure Python.  That code is
a pure function of the pattern, its flags and the Python build, so it can be kept:
this module stores it in the user's cache folder and hands it straight to `_sre`
on the next run.

Safety: only for the Python versions whose `re` internals this was checked against
(a self-test at install time compares a probe set of patterns compiled both ways,
and any failure leaves `re` untouched); the file is keyed by the exact Python
build and SRE magic, carries a checksum, and anything unexpected in it means
"compile normally".  Like bytecode caching it is skipped when Python is told not to
write bytecode (PYTHONDONTWRITEBYTECODE) for writing, and OMNILINT_REGEX_CACHE=0
turns it off entirely.
"""

from __future__ import annotations

import json
import os
import sys

SUPPORTED = {(3, 11), (3, 12)}
MAX_PATTERNS = 4000  # beyond this (patterns of many old versions), start afresh
_DEBUG = 128  # re.DEBUG: compiled with a print-out, never cached

_state: dict = {}


def install() -> None:
    """Serve compiled patterns from the cache from now on (and save new ones at exit)."""
    if _state or os.environ.get("OMNILINT_REGEX_CACHE", "1") == "0" or sys.version_info[:2] not in SUPPORTED:
        return
    try:
        import _sre
        from re import _compiler, _parser
    except ImportError:  # pragma: no cover - another implementation of re
        return
    _state["sre"], _state["compiler"], _state["parser"] = _sre, _compiler, _parser
    _state["original"] = _compiler.compile
    _state["path"] = _cache_path(_sre)
    _state["saved"], _state["new"] = _load(_state["path"]), {}
    if not _self_test():
        _state.clear()
        _state["off"] = True
        return
    _compiler.compile = _compile
    if not sys.dont_write_bytecode:
        import atexit

        atexit.register(save)


def _cache_path(sre) -> str:
    from ._hash import digest

    build = f"{sys.version}|{sys.implementation.cache_tag}|{sre.MAGIC}|{sre.CODESIZE}|{sre.MAXREPEAT}|{sre.MAXGROUPS}"
    base = sys.pycache_prefix or os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "omnilint", f"regex-{digest(build)[:16]}.json")


def _parts(pattern: str, flags: int) -> list:
    """What re._compiler.compile hands to _sre.compile (CPython 3.11 and 3.12)."""
    parsed = _state["parser"].parse(pattern, flags)
    code = _state["compiler"]._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return [flags | parsed.state.flags, code, parsed.state.groups - 1, dict(groupindex), indexgroup]


def _build(pattern: str, parts: list):
    flags, code, groups, groupindex, indexgroup = parts
    return _state["sre"].compile(pattern, flags, code, groups, groupindex, tuple(indexgroup))


def _compile(pattern, flags=0):
    if type(pattern) is not str or flags & _DEBUG:
        return _state["original"](pattern, flags)
    key = f"{flags}:{pattern}"
    parts = _state["saved"].get(key)
    if parts is not None:
        try:
            return _build(pattern, parts)
        except Exception:  # noqa: BLE001 - a damaged entry: compile it properly below
            del _state["saved"][key]
    parts = _parts(pattern, flags)
    _state["new"][key] = parts
    return _build(pattern, parts)


PROBES = [
    (r"(?P<word>\w+)\s+(?P=word)", 0, ["the the cat", "a b"]),
    (r"(?<![ \t])[ \t]++(?=\r\n|\n|\r|\Z)", 0, ["a  \nb\t\r\nc "]),
    (r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", 8, ["# Title ##\n## x"]),
    (r"[\u4e00-\u9fff\U00020000-\U0002fffd]+|[^\W\d_]+", 0, ["abc 中文 𠀀 42"]),
    (r"(?i)omnivore\.app/(?:me|no_url)(?:/[^)\s]*)?", 0, ["https://OMNIVORE.app/me/x)"]),
    (r"(a|b)*?c{2,5}(?:d(?=e))?", 0, ["ababccccde", "cc"]),
]


def _self_test() -> bool:
    """The shortcut must build exactly the patterns re builds itself."""
    try:
        for pattern, flags, samples in PROBES:
            mine, theirs = _build(pattern, _parts(pattern, flags)), _state["original"](pattern, flags)
            if (mine.flags, mine.groups, mine.groupindex) != (theirs.flags, theirs.groups, theirs.groupindex):
                return False
            for sample in samples:
                if [m.span() for m in mine.finditer(sample)] != [m.span() for m in theirs.finditer(sample)]:
                    return False
                if [m.groups() for m in mine.finditer(sample)] != [m.groups() for m in theirs.finditer(sample)]:
                    return False
    except Exception:  # noqa: BLE001 - any surprise means: leave re alone
        return False
    return True


def _load(path: str) -> dict:
    """The saved patterns; the file is a checksum line, then the JSON it covers."""
    from ._hash import digest

    try:
        with open(path, "rb") as handle:
            checksum, _, body = handle.read().partition(b"\n")
        if checksum.decode("ascii") == digest(body):
            patterns = json.loads(body)
            if isinstance(patterns, dict):
                return patterns
    except (OSError, ValueError):
        pass
    return {}


def save() -> None:
    """Add this run's new patterns to the file (atomically; a concurrent run's may be lost, and come back)."""
    if not _state.get("new"):
        return
    patterns = _load(_state["path"])
    if len(patterns) > MAX_PATTERNS:
        patterns = {}
    patterns.update(_state["new"])
    _state["new"] = {}
    from ._hash import digest

    body = json.dumps(patterns)
    text = f"{digest(body)}\n{body}"
    from .cache import replace_text

    path = _state["path"]
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_text(path, text, f"{path}.{os.getpid()}.tmp")
    except OSError:
        pass  # a read-only home: compile normally next time
