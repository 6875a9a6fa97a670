"""duplicates rules."""

RULES: list = []
