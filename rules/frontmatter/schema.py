from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from omnilint.document import Document
from omnilint.rule import Options, Rule

from ._common import key_offset, value12, yaml_root

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
TYPES = {
    "string": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "array": lambda v: isinstance(v, list),
    "mapping": lambda v: isinstance(v, dict),
    "object": lambda v: isinstance(v, dict),
    "date": lambda v: isinstance(v, str) and ISO_DATE.fullmatch(v) is not None,
    "string-list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}


class Schema(Rule):
    """## What it does
    Checks the front matter against the shape your vault expects, all of it
    configured (with nothing configured it reports nothing):

    * `required = ["id", "title"]`: keys that must be present;
    * `types = { title = "string", tags = "string-list" }`: the type of a key's
      value, one of string, number, integer, boolean, list, mapping, date (ISO
      8601 text), string-list (empty values are FM006's business);
    * `schema = "schemas/article.json"`: a JSON Schema file (relative to the
      working directory), validated with the `jsonschema` library
      (`pip install 'omnilint-md[schema]'`).

    Values are read as YAML 1.2 readers (Obsidian) read them, so an unquoted
    `2024-09-20` is the text "2024-09-20" and `yes` is the text "yes".

    ## Why is this bad?
    Queries, templates and publishing scripts assume every note has its `id`
    and its `title`, and that `tags` is a list; a note that breaks the assumption
    silently drops out of a Dataview table or breaks a build.

    ## Example
    With `required = ["id", "title"]`:
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    ---
    ```

    Use instead:
    ```markdown
    ---
    id: 5a10ad8c-0d99-11ef-9ccf-87911ceebd3f
    title: Blair Frandeen
    ---
    ```

    ## Fix safety
    No fix: the missing or wrong values have to come from the article.
    """

    code = "FM009"
    name = "front-matter-schema"
    summary = "Front matter that lacks required keys or breaks the configured types or JSON Schema"
    options = {"required": [], "types": {}, "schema": ""}
    example_options = {"required": ["id", "title"]}  # the docstring example assumes this configuration

    def check(self, doc: Document, options: Options):
        front = doc.front_matter
        required = [str(k) for k in options.get("required") or []]
        types = dict(options.get("types") or {})
        schema = str(options.get("schema") or "")
        if not (required or types or schema):
            return
        if front is None:
            if required:
                yield self.report(
                    doc, 0, 0, "No front matter: required keys " + ", ".join(map(repr, required)) + " are missing"
                )
            return
        if not front.parsed_ok or not isinstance(front.value, dict):
            return  # FM001/FM002/FM005 report why there are no fields
        values = _values(doc, front)
        opening = doc.line_bounds(front.start)[1]
        for key in required:
            if key not in values:
                yield self.report(doc, front.start, opening, f"Required key {key!r} is missing")
        yield from self._types(doc, front, values, types)
        if schema:
            yield from self._schema(doc, front, values, schema)

    def _types(self, doc, front, values, types):
        for key, type_name in types.items():
            test = TYPES.get(str(type_name).lower())
            if test is None:
                yield self.report(
                    doc,
                    front.start,
                    front.start,
                    f"Unknown type {type_name!r} for {key!r} in "
                    "the FM009 `types` option; use one of " + ", ".join(TYPES),
                )
                continue
            if key in values and values[key] is not None and not test(values[key]):
                at = key_offset(doc, front, key)
                yield self.report(
                    doc, at, doc.line_bounds(at)[1], f"{key!r} should be a {type_name}, not {_kind(values[key])}"
                )

    def _schema(self, doc, front, values, schema):
        validator, problem = load_validator(schema)
        if validator is None:
            yield self.report(doc, front.start, front.start, problem)
            return
        for error in sorted(validator.iter_errors(values), key=lambda e: [str(p) for p in e.absolute_path]):
            path = list(error.absolute_path)
            where = "/".join(str(p) for p in path) or "front matter"
            key = path[0] if path and isinstance(path[0], str) and path[0] in values else None
            at = key_offset(doc, front, key) if key is not None else front.start
            yield self.report(doc, at, doc.line_bounds(at)[1], f"JSON Schema: {where}: {error.message}")


def _values(doc: Document, front) -> dict:
    root = yaml_root(doc)
    if root is not None:
        converted = value12(root[1])
        return converted if isinstance(converted, dict) else {}
    return _jsonable(front.value)


def _jsonable(value: Any) -> Any:
    """TOML/JSON values as JSON Schema sees them: dates and times become ISO text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a text", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def load_validator(schema: str):
    """(validator, None) or (None, why not); cached per file path and modification time."""
    path = Path(schema).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        return None, f"Cannot read the JSON Schema {schema!r}: {exc.strerror or exc}"
    return _validator(str(path), stamp)


@lru_cache(maxsize=8)
def _validator(path: str, _stamp: int):
    try:
        import jsonschema
    except ImportError:
        return None, "Checking a JSON Schema needs the jsonschema package: pip install 'omnilint-md[schema]'"
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"Cannot use the JSON Schema {path!r}: {exc}"
    except jsonschema.exceptions.SchemaError as exc:
        return None, f"The JSON Schema {path!r} is not valid: {exc.message}"
    return cls(schema, format_checker=cls.FORMAT_CHECKER), None
