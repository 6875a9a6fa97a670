"""Metadata rules (META): the body repeating, lacking or wrapping what the front matter holds."""

from .body_metadata import BodyMetadata
from .body_repeats_front_matter import BodyRepeatsFrontMatter
from .empty_article import EmptyArticle
from .exporter_boilerplate import ExporterBoilerplate
from .repeated_title_heading import RepeatedTitleHeading
from .template_scaffolding import EmptyTemplateScaffolding

RULES = [
    BodyRepeatsFrontMatter,
    BodyMetadata,
    RepeatedTitleHeading,
    ExporterBoilerplate,
    EmptyTemplateScaffolding,
    EmptyArticle,
]
