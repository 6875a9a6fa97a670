"""Built-in and third-party rules, loaded the same way: the `omnilint.rules` entry points.

An entry point may name a Rule class, a list/tuple of Rule classes, or a module
(whose `RULES` list, or else every Rule subclass defined in it, is taken).
The invoker may also name local rule modules or files (`--plugin`, or `plugins` in a
config passed with `--config`); a config discovered in the linted folder cannot
(config.INVOKER_ONLY_KEYS): loading a plugin runs its code.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from ._entry_points import entry_points  # importlib.metadata's answer, without its 30 ms import
from .rule import CorpusRule, Rule

GROUP = "omnilint.rules"


class RegistryError(Exception):
    """A plugin could not be loaded or two rules share a code."""


def rules_from(obj: object, origin: str) -> list[type[Rule]]:
    if inspect.isclass(obj) and issubclass(obj, Rule):
        return [obj]
    if isinstance(obj, ModuleType):
        if hasattr(obj, "RULES"):
            return rules_from(list(obj.RULES), origin)
        return [
            v
            for v in vars(obj).values()
            if inspect.isclass(v) and issubclass(v, Rule) and v.__module__ == obj.__name__ and v.code
        ]
    if isinstance(obj, (list, tuple)):
        found: list[type[Rule]] = []
        for item in obj:
            found.extend(rules_from(item, origin))
        return found
    raise RegistryError(f"{origin}: not a rule, a list of rules or a module: {obj!r}")


def _check_rule(rule: type[Rule], origin: str) -> None:
    if rule in (Rule, CorpusRule) or not rule.code or not rule.name:
        raise RegistryError(f"{origin}: rule {rule.__qualname__} has no code or name")


def _add(table: dict[str, type[Rule]], rules: Iterable[type[Rule]], origin: str) -> None:
    for rule in rules:
        _check_rule(rule, origin)
        other = table.get(rule.code)
        if other is not None and other is not rule:
            raise RegistryError(
                f"{origin}: rule code {rule.code} is already used by {other.__module__}.{other.__qualname__}"
            )
        table[rule.code] = rule


@lru_cache(maxsize=1)
def installed_rules() -> dict[str, type[Rule]]:
    """Every rule from every installed distribution's `omnilint.rules` entry points."""
    table: dict[str, type[Rule]] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name != "builtin", e.name)):
        origin = f"entry point {ep.name} = {ep.value}"
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must say which one it is
            raise RegistryError(f"{origin}: cannot load: {exc}") from exc
        _add(table, rules_from(obj, origin), origin)
    if not table:  # running from a source tree that was never installed
        builtin = importlib.import_module("omnilint.rules")  # ../rules, by omnilint/__init__.py's path
        _add(table, rules_from(builtin, "omnilint.rules"), "omnilint.rules")
    return dict(sorted(table.items()))


def load_plugin(spec: str, base: Path) -> list[type[Rule]]:
    """A local plugin the invoker named: a module name, or a .py file relative to `base`."""
    if spec.endswith(".py") or "/" in spec or "\\" in spec:
        path = (base / spec).resolve()
        name = f"omnilint_local_{abs(hash(str(path)))}"
        if name in sys.modules:
            return rules_from(sys.modules[name], spec)
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None or not path.is_file():
            raise RegistryError(f"plugin {spec}: no such file {path}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise RegistryError(f"plugin {spec}: cannot load: {exc}") from exc
        return rules_from(module, spec)
    try:
        return rules_from(importlib.import_module(spec), spec)
    except ImportError as exc:
        raise RegistryError(f"plugin {spec}: cannot import: {exc}") from exc


def all_rules(plugins: Iterable[tuple[str, Path]] = ()) -> dict[str, type[Rule]]:
    table = dict(installed_rules())
    for spec, base in plugins:
        _add(table, load_plugin(spec, base), f"plugin {spec}")
    return dict(sorted(table.items()))
