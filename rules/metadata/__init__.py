"""Metadata rules (META): the body repeating, lacking or wrapping what the front matter holds."""

from .body_metadata import BodyMetadata
from .body_repeats_front_matter import BodyRepeatsFrontMatter
from .exporter_boilerplate import ExporterBoilerplate
from .repeated_title_heading import RepeatedTitleHeading

RULES = [BodyRepeatsFrontMatter, BodyMetadata, RepeatedTitleHeading, ExporterBoilerplate]
