"""Rules about version-control debris left in notes (a synced vault's merge conflicts)."""
