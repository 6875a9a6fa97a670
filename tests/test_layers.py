"""The layers hold: what a rule module may import, and that no family reaches into another.

A rule reads its Document (or its corpus context) and returns Diagnostics; the engine's
machinery (runner, cache, config, CLI) is out of its reach.  Helpers two families need
live in the shared rule kit (omnilint.rules.kit), never in one family's private module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

RULES = ROOT / "rules"

# What a rule may import from the engine: the rule interface, the Document and what it is
# made of, the one Obsidian grammar, and the services rules use (formatting, the network
# checker, hashing, suppression comments, front-matter parsing).
ALLOWED_ENGINE_MODULES = {
    "omnilint.rule",
    "omnilint.document",
    "omnilint.model",
    "omnilint.markdown",
    "omnilint.text",
    "omnilint.frontmatter",
    "omnilint.obsidian",
    "omnilint.suppress",
    "omnilint.format",
    "omnilint.online",
    "omnilint.hashing",
}
FAMILIES = sorted(p.name for p in RULES.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "kit")


def _imports(path: Path) -> list[str]:
    """Absolute names of every module `path` imports (relative imports resolved)."""
    package = ".".join(["omnilint", "rules", *path.relative_to(RULES).parent.parts])
    return _imports_of(path.read_text(encoding="utf-8"), package)


def _imports_of(source: str, package: str) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            # `from omnilint import format` names a module too
            names.extend(f"{module}.{alias.name}" for alias in node.names if module in ("omnilint", "omnilint.rules"))
    return names


def _rule_modules() -> list[Path]:
    return sorted(p for p in RULES.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _rule_modules(), ids=lambda p: str(p.relative_to(RULES)))
def test_rule_modules_import_only_the_rule_interface_and_services(path: Path):
    engine = {name for name in _imports(path) if name.startswith("omnilint") and not name.startswith("omnilint.rules")}
    engine.discard("omnilint")  # `from omnilint import x` is judged by its `omnilint.x` name
    assert engine <= ALLOWED_ENGINE_MODULES, (
        f"{path.name} imports engine internals: {sorted(engine - ALLOWED_ENGINE_MODULES)}"
    )


@pytest.mark.parametrize("path", _rule_modules(), ids=lambda p: str(p.relative_to(RULES)))
def test_no_family_imports_another_familys_modules(path: Path):
    parts = path.relative_to(RULES).parts
    own = parts[0] if len(parts) > 1 else None
    others = [
        name
        for name in _imports(path)
        if name.startswith("omnilint.rules.")
        and name.split(".")[2] in FAMILIES
        and name.split(".")[2] != own
        and own is not None  # rules/__init__.py lists every family: it is the registry
    ]
    assert not others, f"{'/'.join(parts)} reaches into another family: {others} (move the helper to rules/kit)"


def test_the_layer_check_resolves_the_imports_it_must_forbid():
    """Absolute, relative and `from package import module` forms all reach the checks above."""
    source = "from omnilint.cache import DIR_NAME\nfrom ..metadata._common import x\nfrom omnilint import runner\n"
    names = _imports_of(source, "omnilint.rules.links")
    assert {"omnilint.cache", "omnilint.rules.metadata._common", "omnilint.runner"} <= set(names)


LONG_MODULE = 400  # lines; a longer module says in its docstring why it stays one module


def _engine_and_rule_modules() -> list[Path]:
    return sorted(
        p for folder in (ROOT / "omnilint", RULES) for p in folder.rglob("*.py") if "__pycache__" not in p.parts
    )


@pytest.mark.parametrize("path", _engine_and_rule_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_long_module_says_why_it_is_one_module(path: Path):
    source = path.read_text(encoding="utf-8")
    if source.count("\n") <= LONG_MODULE:
        return
    doc = ast.get_docstring(ast.parse(source)) or ""
    assert "One module:" in doc, (
        f"{path.relative_to(ROOT)} has {source.count(chr(10))} lines: split it along its seams, or say in its "
        "docstring (a paragraph starting 'One module:') why it holds together"
    )
