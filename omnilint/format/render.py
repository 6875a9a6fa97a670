"""Running mdformat with omnilint's plugin (unverified output; omnilint.format.verify judges it).

mdformat is imported only here, and only when formatting is asked for: a plain
`omnilint check` never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from .style import Style

INSTALL_HINT = "mdformat is a dependency of omnilint-md: reinstall it (pip install --force-reinstall omnilint-md)"


class FormattingUnavailable(RuntimeError):
    """mdformat or one of the plugins formatting needs is not installed."""


# -- running mdformat ------------------------------------------------------------


def extensions() -> list[str]:
    """mdformat's extension names to enable: omnilint's plugin (it enables gfm itself)."""
    try:
        import mdformat.plugins

        from . import mdformat_plugin
    except ImportError as exc:
        raise FormattingUnavailable(f"formatting needs mdformat and its plugins ({exc}): {INSTALL_HINT}") from None
    installed = mdformat.plugins.PARSER_EXTENSIONS
    # Registered by the entry point when omnilint is installed; register it by hand otherwise.
    installed.setdefault(mdformat_plugin.PLUGIN_ID, mdformat_plugin)  # type: ignore[attr-defined]
    missing = [name for name in mdformat_plugin.REQUIRED_EXTENSIONS if name not in installed]
    if missing:
        raise FormattingUnavailable(f"formatting needs the mdformat plugins {', '.join(missing)}: {INSTALL_HINT}")
    return [mdformat_plugin.PLUGIN_ID]


# The packages whose versions decide the formatted text (part of the result cache's key).
PACKAGES = ("mdformat", "mdformat-gfm", "mdformat-tables", "markdown-it-py", "mdit-py-plugins")


def versions() -> str:
    """The installed versions of PACKAGES, without importing them."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return " ".join(found)


@contextmanager
def quiet_mdformat() -> Iterator[None]:
    """mdformat logs warnings (e.g. about YAML) to stderr; omnilint reports its own findings."""
    import logging  # here, not at the top: every run imports this module, few format

    logger = logging.getLogger("mdformat")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def render_stable(text: str, style: Style) -> str:
    """`text` as mdformat with omnilint's plugins writes it (unverified).

    Rendered again until it no longer changes (at most three times): an escape added
    by one pass can make the next pass add another (`g~~~` becomes `g\\~~~`, then
    `g\\~\\~~`).  `mdformat --check` runs one pass, so the result must be a fixpoint.
    """
    out = render_once(text, style)
    for _ in range(2):
        again = render_once(out, style)
        if again == out:
            break
        out = again
    return out


@lru_cache(maxsize=64)
def render_once(text: str, style: Style) -> str:
    names = extensions()
    import mdformat

    with quiet_mdformat():
        formatted = mdformat.text(text, options=style.mdformat_options(), extensions=names)
    newline = style.newline(text)
    return formatted if newline == "\n" else formatted.replace("\n", newline)
