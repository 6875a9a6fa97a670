"""omnilint: a linter and safe fixer for saved-article Markdown (Omnivore, Readwise, …)."""

from __future__ import annotations

from pathlib import Path as _Path

__version__ = "0.1.0"

# In a source checkout the built-in rules live in ../rules; the wheel installs them
# as omnilint/rules.  Let `omnilint.rules` resolve in both.
_here = _Path(__file__).resolve().parent
if not (_here / "rules").is_dir() and (_here.parent / "rules" / "__init__.py").is_file():
    __path__.append(str(_here.parent))


def check_text(*args, **kwargs):  # noqa: ANN002, ANN003 - thin lazy re-export
    from .api import check_text as _check_text

    return _check_text(*args, **kwargs)


def fix_text(*args, **kwargs):  # noqa: ANN002, ANN003
    from .api import fix_text as _fix_text

    return _fix_text(*args, **kwargs)


check_text.__doc__ = "Lint Markdown text; see omnilint.api.check_text."
fix_text.__doc__ = "Fix Markdown text; see omnilint.api.fix_text."
