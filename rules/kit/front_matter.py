"""Reading the front matter's YAML mapping as nodes (positions included), for rules of any family."""

from __future__ import annotations

import yaml

from omnilint.document import Document


def mapping_node(doc: Document) -> yaml.MappingNode | None:
    front = doc.front_matter
    if front is None:
        return None
    node = front.yaml_node
    return node if isinstance(node, yaml.MappingNode) else None


def find_key(doc: Document, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    node = mapping_node(doc)
    if node is None:
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None
