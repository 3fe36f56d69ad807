"""Whether a JSON document read back from disk (a ``--results`` shard) is a report as
``ethicscan schema`` describes it, before anything of it is trusted.

A shard is a file anyone who can write the results folder can forge: a line number that
is markup, a confidence that is a string.  Checking it against the published schema
(``report/schema.json``) means every field has the type and form ethicscan writes, so
nothing downstream (a reporter formatting a number, an HTML page) meets what it was not
made for.

The checker knows exactly the keywords of draft 2020-12 that the schema uses, and
refuses a schema with any other (:data:`KEYWORDS`): a keyword added to the schema and not
checked here would otherwise pass everything silently.  ``tests/test_conform.py`` holds
it to the reference validator (``jsonschema``) on valid and broken documents.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from ethicscan.report.json import schema_text

# Keywords that only describe (no effect on what is valid).
ANNOTATIONS = frozenset({"$schema", "$defs", "title", "description"})
# Keywords that this checker applies.
KEYWORDS = ANNOTATIONS | {
    "$ref",
    "additionalProperties",
    "const",
    "enum",
    "items",
    "maximum",
    "minimum",
    "minLength",
    "oneOf",
    "pattern",
    "properties",
    "required",
    "type",
    "uniqueItems",
}


class SchemaError(ValueError):
    """A document that is not what the schema describes; the message says where."""


def _walk_schema(node: Any, where: str) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk_schema(item, f"{where}/{i}")
        return
    if not isinstance(node, dict):
        return
    unknown = set(node) - KEYWORDS
    if unknown:
        raise SchemaError(f"schema {where}: keywords this checker does not apply: {unknown}")
    for key, value in node.items():
        if key in ("properties", "$defs"):
            for name, sub in value.items():
                _walk_schema(sub, f"{where}/{key}/{name}")
        elif key in ("items", "additionalProperties", "oneOf"):
            _walk_schema(value, f"{where}/{key}")


@functools.cache
def report_schema() -> dict[str, Any]:
    """The report's schema, checked to use only the keywords applied here."""
    schema: dict[str, Any] = json.loads(schema_text())
    _walk_schema(schema, "#")
    return schema


def check(doc: Any, definition: str = "") -> None:
    """Raise :class:`SchemaError` unless ``doc`` is valid under the report's schema (or
    under ``#/$defs/<definition>``)."""
    root = report_schema()
    node = root["$defs"][definition] if definition else root
    _check(doc, node, root, "$")


def _pattern(text: str) -> re.Pattern[str]:
    # ECMA-262 ``$`` is the end of the text; Python's also matches before a last "\n".
    if text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1] + r"\Z"
    return _compiled(text)


@functools.cache
def _compiled(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _is(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if kind == "number":
        return not isinstance(value, bool) and isinstance(value, (int, float))
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    raise SchemaError(f"schema: unknown type {kind!r}")


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    comparable = type(a) is type(b) or (_is(a, "number") and _is(b, "number"))
    return comparable and bool(a == b)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(value: Any, node: dict[str, Any], root: dict[str, Any], where: str) -> None:
    ref = node.get("$ref")
    if ref is not None:
        if not ref.startswith("#/$defs/"):
            raise SchemaError(f"schema: only local references are followed, not {ref!r}")
        _check(value, root["$defs"][ref.removeprefix("#/$defs/")], root, where)
    if "const" in node and not _same(value, node["const"]):
        raise SchemaError(f"{where}: {_short(value)} is not {_short(node['const'])}")
    if "enum" in node and not any(_same(value, e) for e in node["enum"]):
        raise SchemaError(f"{where}: {_short(value)} is not one of {_short(node['enum'])}")
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is(value, k) for k in kinds):
            raise SchemaError(f"{where}: {_short(value)} is not of type {' or '.join(kinds)}")
    if "oneOf" in node:
        fits = 0
        for option in node["oneOf"]:
            try:
                _check(value, option, root, where)
            except SchemaError:
                continue
            fits += 1
        if fits != 1:
            raise SchemaError(f"{where}: {_short(value)} fits {fits} of the forms, not one")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            raise SchemaError(f"{where}: shorter than {node['minLength']} characters")
        if "pattern" in node and not _pattern(node["pattern"]).search(value):
            raise SchemaError(f"{where}: {_short(value)} does not match {node['pattern']}")
    elif _is(value, "number"):
        if "minimum" in node and value < node["minimum"]:
            raise SchemaError(f"{where}: {value} is below {node['minimum']}")
        if "maximum" in node and value > node["maximum"]:
            raise SchemaError(f"{where}: {value} is above {node['maximum']}")
    elif isinstance(value, list):
        if "items" in node:
            for i, item in enumerate(value):
                _check(item, node["items"], root, f"{where}[{i}]")
        if node.get("uniqueItems"):
            seen = set()
            for item in value:
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    raise SchemaError(f"{where}: {_short(item)} is listed twice")
                seen.add(key)
    elif isinstance(value, dict):
        missing = [k for k in node.get("required", ()) if k not in value]
        if missing:
            raise SchemaError(f"{where}: missing {', '.join(missing)}")
        props: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], root, f"{where}.{key}")
            elif extra is False:
                raise SchemaError(f"{where}: unexpected field {_short(key)}")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{where}.{key}")
