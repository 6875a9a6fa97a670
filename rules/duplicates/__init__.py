"""Duplicate rules (DUP): repeated blocks within a file, and the same article saved twice."""

from .duplicate_document import DuplicateDocument
from .duplicated_block import DuplicatedBlock
from .near_duplicate_block import NearDuplicateBlock

RULES = [DuplicatedBlock, NearDuplicateBlock, DuplicateDocument]
