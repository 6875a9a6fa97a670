"""The public Python API: pure functions over text, safe to call from other programs.

    >>> from omnilint import check_text
    >>> [d.code for d in check_text("Hello \\n")]
    ['FMT001']

Results are plain dataclasses (picklable).  Corpus rules (which need several
files) are not run here; use the runner for a whole folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import config as cfg
from . import engine
from .document import Document
from .fixer import FixResult
from .model import Diagnostic


def _settings(config: cfg.Settings | Mapping[str, Any] | None) -> cfg.Settings:
    if config is None:
        return cfg.Settings(Path.cwd())
    if isinstance(config, cfg.Settings):
        return config
    return cfg.Settings(Path.cwd(), None, cfg.validate(dict(config), "config"))


def _rules(settings: cfg.Settings) -> engine.RuleList:
    return engine.per_file(cfg.ruleset(settings).rules)


def check_text(
    text: str, path: str | None = None, config: cfg.Settings | Mapping[str, Any] | None = None
) -> list[Diagnostic]:
    """Lint `text`; `config` is a Settings, a mapping like `[tool.omnilint]`, or None for defaults."""
    settings = _settings(config)  # `vault = "logseq"` reads the text as a Logseq outline
    return engine.lint(Document(text, path, settings.get("vault")), _rules(settings))


def fix_text(
    text: str,
    path: str | None = None,
    config: cfg.Settings | Mapping[str, Any] | None = None,
    unsafe: bool = False,
) -> FixResult:
    """Fix `text` to a fixpoint; `.text` is the result, `.rejected` the fixes that failed verification."""
    settings = _settings(config)
    return engine.fix(text, _rules(settings), path, unsafe, settings.get("vault"))
