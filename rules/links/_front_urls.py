"""The article URLs a note's YAML front matter holds (`url:`, `source:` …), with their spans,
and rewrites that stay inside the scalar in the style it was written in.

A rewrite never re-serialises the front matter: the value's characters are replaced, and a
plain scalar stays plain, a quoted one keeps its quotes; when the new value would not read
back as itself in that style there is no rewrite.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from omnilint.document import Document
from omnilint.frontmatter import SafeLoader

# Keys (folded: lower case, `-` as `_`) that hold the saved article's own address.
URL_KEYS = frozenset(
    {"url", "source", "link", "original_url", "source_url", "canonical", "canonical_url", "origin_url", "article_url"}
)


@dataclass(frozen=True, slots=True)
class FrontUrl:
    key: str  # as written
    value: str  # the URL as YAML reads it
    start: int  # file offsets of the scalar as written (quotes included)
    end: int
    style: str  # "" plain, "'" or '"'


def fold_key(key: str) -> str:
    return key.strip().casefold().replace("-", "_")


def front_matter_urls(doc: Document) -> list[FrontUrl]:
    """The one-line string values of the top-level URL keys, in order."""
    front = doc.front_matter
    if front is None or front.kind != "yaml" or not front.parsed_ok:
        return []
    root = front.yaml_node
    if not isinstance(root, yaml.MappingNode):
        return []
    found: list[FrontUrl] = []
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or not isinstance(value_node, yaml.ScalarNode):
            continue
        if fold_key(str(key_node.value)) not in URL_KEYS or value_node.tag != "tag:yaml.org,2002:str":
            continue
        style = value_node.style or ""
        if style not in ("", "'", '"'):
            continue  # a block scalar (`|`, `>`): FM004's to make one line first
        start, end = front.offset_of(value_node.start_mark), front.offset_of(value_node.end_mark)
        raw = doc.text[start:end]
        if "\n" in raw or "\r" in raw:
            continue
        found.append(FrontUrl(str(key_node.value), str(value_node.value), start, end, style))
    return found


def scalar_rewrite(url: FrontUrl, new_value: str) -> str | None:
    """The scalar's new source text for `new_value`, in the style it was written in, or None
    when no text in that style reads back as exactly `new_value`."""
    if url.style == "":
        raw = new_value
    elif url.style == "'":
        raw = "'" + new_value.replace("'", "''") + "'"
    else:
        raw = json.dumps(new_value, ensure_ascii=False)
    if not new_value or re.search(r"[\r\n]", new_value):
        return None
    try:
        loaded = yaml.load(f"k: {raw}\n", Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    return raw if loaded == {"k": new_value} else None
