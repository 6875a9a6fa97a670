"""Configuration: discovery upward from each file, validation, per-file resolution.

Sources, nearest first: `omnilint.toml`, `.omnilint.toml`, or `pyproject.toml`
with a `[tool.omnilint]` table.  `--config FILE` replaces discovery.  Unknown keys,
unknown rule codes and ill-typed or out-of-range options are errors (exit 2), never ignored.

Trust: a config found inside the linted folder belongs to whoever made the folder
(a downloaded or cloned vault), not to the person running omnilint.  So a discovered
config may narrow what runs but never widen what omnilint may do: it cannot load
plugins (code), switch the network on, or set a rule's invoker-only options
(`Rule.invoker_only_options`).  Those come only from the command line or from a config
file the invoker names with `--config` (`Settings.trusted`).

One module: reading, validating and resolving settings share the one table of keys and
the trust rules; split, every part would import the others.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import code_matches
from .registry import RegistryError, all_rules

try:  # built in: skips hashlib's OpenSSL start-up (a few ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover
    from hashlib import blake2b
from .rule import Rule

CONFIG_NAMES = ("omnilint.toml", ".omnilint.toml", "pyproject.toml")
DEFAULT_INCLUDE = ["*.md", "*.markdown"]
# Folders omnilint never reads as notes nor writes, whatever `exclude` says: version-control
# and app internals, trash and sync history, dependency folders, and its own cache. `exclude`
# and `extend-exclude` add to this list; they cannot remove from it.
ALWAYS_EXCLUDED = (
    ".git",
    ".hg",
    ".svn",
    ".obsidian",
    ".trash",
    ".Trash",
    ".Trashes",
    ".stversions",
    ".stfolder",
    "node_modules",
    ".omnilint_cache",
    ".venv",
    "__pycache__",
)
DEFAULT_EXCLUDE: list[str] = []
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
MAX_FILE_SIZE_LIMIT = 1 << 30  # one article of more than 1 GiB is not an article
VAULT_KINDS = ("obsidian", "logseq", "plain")
# Keys only the invoker may set (command line or --config): what they do reaches beyond
# the folder being linted (code execution, the network).
INVOKER_ONLY_KEYS = {
    "plugins": "a folder's own config cannot make omnilint run code; name plugins with --plugin FILE "
    "or in a config you pass with --config FILE",
    "online": "a folder's own config cannot switch the network on; pass --online "
    "(or set it in a config you pass with --config FILE)",
}

# key -> (type, default)
KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "select": (list, None),
    "extend-select": (list, []),
    "ignore": (list, []),
    "per-file-ignores": (dict, {}),
    "include": (list, DEFAULT_INCLUDE),
    "exclude": (list, DEFAULT_EXCLUDE),
    "extend-exclude": (list, []),
    "respect-gitignore": (bool, True),
    "plugins": (list, []),
    "format": (bool, False),
    "format-options": (dict, {}),
    "online": (bool, False),
    "max-file-size": (int, DEFAULT_MAX_FILE_SIZE),
    "vault": (str, "obsidian"),
    "rules": (dict, {}),
}


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass
class Settings:
    """One validated configuration (from a file, or the defaults)."""

    root: Path  # the folder globs and links are relative to
    source: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    trusted: bool = False  # named by the invoker (--config), not found in the linted folder
    # discovery.vault_kind's answers per folder, for the life of these settings (one run).
    vault_by_folder: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def get(self, key: str) -> Any:
        return self.values.get(key, KEYS[key][1])


@dataclass(frozen=True)
class Overrides:
    """Settings given on the command line; they win over any file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    format: bool | None = None
    online: bool | None = None
    plugins: tuple[str, ...] = ()  # --plugin: module names or absolute paths of .py files


@dataclass
class RuleSet:
    """The effective rules for files under one config, with their options."""

    settings: Settings  # the config it was built from (for the defaults: the first folder's)
    rules: list[tuple[Rule, dict[str, Any]]]
    per_file_ignores: list[tuple[re.Pattern[str], frozenset[str]]]
    fingerprint: str

    def rules_for(self, relpath: str) -> list[tuple[Rule, dict[str, Any]]]:
        ignored: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if pattern.match(relpath):
                ignored |= codes
        if not ignored:
            return self.rules
        return [(r, o) for r, o in self.rules if r.code not in ignored]


def read_file(path: Path, trusted: bool = True) -> Settings:
    """A config file's settings; `trusted` when the invoker named it (--config)."""
    import tomllib  # only when there is a config file to read

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("omnilint", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.omnilint] must be a table")
    values = validate(data, str(path))
    if not trusted:
        _refuse_invoker_only_keys(values, path)
    return Settings(path.parent.resolve(), path, values, trusted)


def _refuse_invoker_only_keys(values: dict[str, Any], path: Path) -> None:
    for key, why in INVOKER_ONLY_KEYS.items():
        value = values.get(key)
        if value:  # `online = false` or `plugins = []` only narrow: allowed
            raise ConfigError(f"{path}: {key!r} is refused in a discovered config: {why}")


def validate(data: dict[str, Any], origin: str) -> dict[str, Any]:
    for key, value in data.items():
        if key not in KEYS:
            hint = close_match(key, KEYS)
            raise ConfigError(f"{origin}: unknown key {key!r}{hint}")
        expected = KEYS[key][0]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{origin}: {key!r} must be a {_type_name(expected)}, not {type(value).__name__}")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{origin}: {key!r} must be a list of strings")
    for glob, codes in data.get("per-file-ignores", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{origin}: per-file-ignores[{glob!r}] must be a list of rule codes")
    for code, opts in data.get("rules", {}).items():
        if not isinstance(opts, dict):
            raise ConfigError(f"{origin}: [rules.{code}] must be a table of options")
    if "vault" in data and data["vault"] not in VAULT_KINDS:
        raise ConfigError(
            f"{origin}: 'vault' must be one of {', '.join(map(repr, VAULT_KINDS))}, not {data['vault']!r}"
        )
    size = data.get("max-file-size")
    if size is not None and not 1 <= size <= MAX_FILE_SIZE_LIMIT:
        raise ConfigError(f"{origin}: 'max-file-size' must be from 1 to {MAX_FILE_SIZE_LIMIT} (bytes), not {size}")
    return data


def _type_name(t: Any) -> str:
    return {list: "list", dict: "table", bool: "boolean", int: "integer", str: "string"}.get(t, str(t))


def close_match(word: str, choices: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def find_config(directory: Path, memo: dict[str, Path | None] | None = None) -> Path | None:
    """The nearest config file at or above `directory` (a pyproject.toml counts only with a
    [tool.omnilint] table), or None.  `memo` (folder -> answer, kept by the caller for one
    run) spares the walk up through folders an earlier call already answered: a vault's
    folders share their parents."""
    climbed: list[str] = []
    found: Path | None = None
    for folder in (directory, *directory.parents):
        key = str(folder)
        if memo is not None and key in memo:
            found = memo[key]
            break
        climbed.append(key)
        found = _config_file_in(folder)
        if found is not None:
            break
    if memo is not None:
        for key in climbed:  # every folder on the way up has the same nearest config
            memo[key] = found
    return found


def _config_file_in(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            if name == "pyproject.toml" and not _has_tool_table(Path(candidate)):
                continue
            return Path(candidate)
    return None


def discover(directory: Path) -> Settings:
    """The nearest config at or above `directory` (found in the linted folder: not trusted), or
    the defaults rooted there.  Not memoised: a Session memoises per folder and per file."""
    source = find_config(directory)
    return read_file(source, trusted=False) if source is not None else Settings(directory)


def _has_tool_table(path: Path) -> bool:
    try:
        return "[tool.omnilint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """A gitignore-flavoured glob: `**` crosses folders, `*` does not; no slash = any depth."""
    anchored = "/" in glob.strip("/")
    parts, i = [], 0
    glob = glob.strip("/")
    while i < len(glob):
        if glob.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            parts.append(".*")
            i += 2
        elif glob[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(glob[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + "".join(parts) + "(?:/.*)?$")


def select_rules(
    table: dict[str, type[Rule]],
    select: Iterable[str] | None,
    extend: Iterable[str],
    ignore: Iterable[str],
    origin: str,
) -> list[type[Rule]]:
    by_name = {r.name: r for r in table.values()}

    def matching(selector: str, include_off: bool) -> list[type[Rule]]:
        if selector == "ALL":
            return list(table.values())
        if selector in table:
            return [table[selector]]
        if selector in by_name:
            return [by_name[selector]]
        found = [r for c, r in table.items() if code_matches(selector, c) and (include_off or r.default_enabled)]
        if not found and not any(code_matches(selector, c) for c in table):
            raise ConfigError(f"{origin}: unknown rule or prefix {selector!r}{close_match(selector, table)}")
        return found

    chosen: dict[str, type[Rule]] = {}
    if select is None:
        chosen = {c: r for c, r in table.items() if r.default_enabled}
    else:
        for s in select:
            chosen.update((r.code, r) for r in matching(s, False))
    for s in extend:
        chosen.update((r.code, r) for r in matching(s, False))
    for s in ignore:
        for r in matching(s, True):
            chosen.pop(r.code, None)
    return [chosen[c] for c in sorted(chosen)]


def rule_options(rule: type[Rule], given: dict[str, Any], origin: str, trusted: bool = True) -> dict[str, Any]:
    options = dict(rule.options)
    for key, value in given.items():
        if key not in rule.options:
            raise ConfigError(
                f"{origin}: rule {rule.code} has no option {key!r}{close_match(key, rule.options)}"
                + (f"; its options: {', '.join(rule.options)}" if rule.options else "")
            )
        if not trusted and key in rule.invoker_only_options:
            raise ConfigError(
                f"{origin}: option {key!r} of {rule.code} is refused in a discovered config (it reaches beyond "
                "the folder being linted); set it in a config you pass with --config FILE"
            )
        problem = rule.check_option(key, value)
        if problem:
            raise ConfigError(f"{origin}: option {key!r} of {rule.code} {problem}")
        choices = rule.option_choices.get(key)
        if choices is not None and value not in choices:
            raise ConfigError(
                f"{origin}: option {key!r} of {rule.code} must be one of {', '.join(map(repr, choices))}, not {value!r}"
            )
        bounds = rule.option_ranges.get(key)
        if bounds is not None and isinstance(value, (int, float)) and not bounds[0] <= value <= bounds[1]:
            raise ConfigError(
                f"{origin}: option {key!r} of {rule.code} must be from {bounds[0]} to {bounds[1]}, not {value!r}"
            )
        options[key] = value
    return options


def _merge_format_options(
    table: dict[str, type[Rule]], given: dict[str, dict[str, Any]], format_options: dict[str, Any], origin: str
) -> None:
    """`format-options` are the options of the formatting rules (FMT005), checked even when formatting is off.

    Options under [rules.FMT005] win over them.
    """
    formatters = [r for r in table.values() if r.enabled_by == "format"]
    known = sorted({key for r in formatters for key in r.options})
    for key in format_options:
        if key not in known:
            raise ConfigError(
                f"{origin}: format-options: unknown option {key!r}{close_match(key, known)}; known: {', '.join(known)}"
            )
    for rule in formatters:
        shared = {k: v for k, v in format_options.items() if k in rule.options}
        rule_options(rule, shared, f"{origin}: format-options")
        if shared:
            given[rule.code] = shared | given.get(rule.code, {})


def ruleset(settings: Settings, overrides: Overrides = Overrides()) -> RuleSet:
    """The rules in force for files governed by `settings` (built anew: a Session memoises)."""
    return build_ruleset(settings, overrides)


def build_ruleset(settings: Settings, overrides: Overrides) -> RuleSet:
    origin = str(settings.source) if settings.source else "defaults"
    plugins = [(spec, settings.root) for spec in settings.get("plugins")]  # read_file refused them unless trusted
    plugins += [(spec, Path.cwd()) for spec in overrides.plugins]
    try:
        table = all_rules(plugins)
    except RegistryError as exc:
        raise ConfigError(str(exc)) from None
    for flag, selectors in (
        ("--select", overrides.select or ()),
        ("--extend-select", overrides.extend_select),
        ("--ignore", overrides.ignore),
    ):
        for selector in selectors:  # a typo on the command line is named as such, not as the config's
            match_all(table, selector, flag)
    if overrides.select is not None:
        # --select on the command line means exactly that set (as in ruff): the
        # file's select/extend-select/ignore are a lower layer it replaces.
        select, extend, ignore = overrides.select, [*overrides.extend_select], [*overrides.ignore]
    else:
        select = settings.get("select")
        extend = [*settings.get("extend-select"), *overrides.extend_select]
        ignore = [*settings.get("ignore"), *overrides.ignore]
    fmt = overrides.format if overrides.format is not None else settings.get("format")
    online = overrides.online if overrides.online is not None else settings.get("online")
    if fmt:
        extend.extend(c for c, r in table.items() if r.enabled_by == "format")
    if online:
        extend.extend(c for c, r in table.items() if r.enabled_by == "online")
    chosen = select_rules(table, select, extend, ignore, origin)
    if not online:  # the network only with --online / `online = true`, whatever else selects a rule
        chosen = [r for r in chosen if r.enabled_by != "online"]
    by_name = {r.name: r for r in table.values()}
    given: dict[str, dict[str, Any]] = {}
    for key, opts in settings.get("rules").items():
        rule = table.get(key) or by_name.get(key)
        if rule is None:
            raise ConfigError(f"{origin}: [rules.{key}]: unknown rule{close_match(key, table)}")
        given[rule.code] = opts
    _merge_format_options(table, given, settings.get("format-options"), origin)
    rules = []
    for r in chosen:
        options = rule_options(r, given.get(r.code, {}), origin, settings.trusted or settings.source is None)
        rules.append((r(), options))
    pfi = []
    for glob, codes in settings.get("per-file-ignores").items():
        expanded: set[str] = set()
        for code in codes:
            expanded.update(r.code for r in match_all(table, code, origin))
        pfi.append((glob_to_regex(glob), frozenset(expanded)))
    fingerprint = blake2b(
        json.dumps(
            {
                # the class's name too: a plugin may bring another rule under a built-in code (not its
                # module: a plugin file's module name differs between processes; the scope's code
                # fingerprint covers the source itself)
                "rules": [[r.code, type(r).__qualname__, o] for r, o in rules],
                "pfi": sorted((g, sorted(c)) for g, c in settings.get("per-file-ignores").items()),
                "vault": settings.get("vault"),
                "format-options": settings.get("format-options"),
            },
            sort_keys=True,
            default=str,
        ).encode(),
        digest_size=8,
    ).hexdigest()
    return RuleSet(settings, rules, pfi, fingerprint)


def match_all(table: dict[str, type[Rule]], selector: str, origin: str) -> list[type[Rule]]:
    """Every rule a selector names, default-off ones included (for ignores)."""
    if selector == "ALL":
        return list(table.values())
    found = [r for c, r in table.items() if code_matches(selector, c) or r.name == selector]
    if not found:
        raise ConfigError(f"{origin}: unknown rule or prefix {selector!r}{close_match(selector, table)}")
    return found
