"""links rules."""

RULES: list = []
