"""Whitespace and invisible-character rules (FMT)."""

from .blank_lines import BlankLines
from .final_newline import FinalNewline
from .invisible_characters import InvisibleCharacters
from .trailing_whitespace import TrailingWhitespace

RULES = [TrailingWhitespace, FinalNewline, BlankLines, InvisibleCharacters]
