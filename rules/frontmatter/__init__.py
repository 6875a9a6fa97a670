"""frontmatter rules."""

RULES: list = []
