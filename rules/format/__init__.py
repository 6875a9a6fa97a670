"""Whitespace, invisible-character and formatting rules (FMT)."""

from .blank_lines import BlankLines
from .final_newline import FinalNewline
from .invisible_characters import InvisibleCharacters
from .trailing_whitespace import TrailingWhitespace
from .unformatted import Unformatted

RULES = [TrailingWhitespace, FinalNewline, BlankLines, InvisibleCharacters, Unformatted]
