"""Rules about version-control debris left in notes (a synced vault's merge conflicts)."""

from .merge_conflict_marker import MergeConflictMarker

RULES = [MergeConflictMarker]
