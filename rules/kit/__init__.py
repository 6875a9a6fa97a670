"""The shared rule kit: helpers more than one rule family uses.

A family's private helpers live in its own `_common.py`; anything a second family needs
moves here, so no family reaches into another family's private module.
"""
