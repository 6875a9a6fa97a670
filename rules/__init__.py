"""The built-in rules, installed as `omnilint.rules`.

The registry table: each family package lists its rules in `RULES`; this list is
what the `builtin` entry point names.  One module per rule (or small family).
"""

from __future__ import annotations

from .duplicates import RULES as _duplicates
from .format import RULES as _format
from .frontmatter import RULES as _frontmatter
from .git import RULES as _git
from .links import RULES as _links
from .metadata import RULES as _metadata

RULES = [*_format, *_frontmatter, *_metadata, *_duplicates, *_links, *_git]
