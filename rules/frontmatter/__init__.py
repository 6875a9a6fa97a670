"""Front-matter rules (FM): metadata that readers cannot read, or read differently.

Parsing is for diagnosis only (PyYAML's C loader); every fix is a minimal text
edit, checked by re-parsing before it is offered.  YAML 1.1 (PyYAML, Jekyll,
Hugo) and YAML 1.2 (Obsidian, the Omnivore plugin) readings are both considered.
"""

from .ambiguous_scalar import AmbiguousScalar
from .block_scalar import BlockScalar
from .date import Date
from .displaced import Displaced
from .duplicate_key import DuplicateKey
from .empty_value import EmptyValue
from .exporter_error import ExporterError
from .flattened import FlattenedFrontMatter
from .invalid_yaml import InvalidYaml
from .not_mapping import NotMapping
from .schema import Schema
from .tags import Tags
from .unclosed import Unclosed
from .whitespace import Whitespace

RULES = [
    InvalidYaml,
    Unclosed,
    DuplicateKey,
    BlockScalar,
    NotMapping,
    EmptyValue,
    Date,
    AmbiguousScalar,
    Schema,
    Whitespace,
    ExporterError,
    Tags,
    Displaced,
    FlattenedFrontMatter,
]
