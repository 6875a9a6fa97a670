"""metadata rules."""

RULES: list = []
