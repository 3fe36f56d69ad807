"""The structure of schema files: SQL DDL, JSON Schema and OpenAPI (JSON or YAML),
protobuf, XSD/WSDL and GraphQL SDL, read into one light model so the classifier can
use a field's container (its table, message, type or operation) as the field's
context instead of the lines around it.

Every parser is tolerant: broken or truncated input gives what could be read, or
None, and never raises.  Lines are 0-based, like :class:`Document`'s.
"""

from __future__ import annotations

import itertools
import re

from ethicscan.classify.schema import graphql, openapi, proto, sql, xsd
from ethicscan.classify.schema.common import (
    Container,
    Field,
    Place,
    Role,
    Schema,
    Use,
    type_name,
)
from ethicscan.names import suffix

__all__ = [
    "MAX_SCHEMA_CHARS",
    "SCHEMA_SUFFIXES",
    "Container",
    "Field",
    "Place",
    "Role",
    "Schema",
    "Use",
    "parse_schema",
    "schema_format",
]

MAX_SCHEMA_CHARS = 2_000_000  # larger texts keep the plain classifier

SCHEMA_SUFFIXES = {
    ".sql": "sql",
    ".ddl": "sql",
    ".proto": "proto",
    ".xsd": "xsd",
    ".wsdl": "xsd",
    ".graphql": "graphql",
    ".graphqls": "graphql",
    ".gql": "graphql",
}
_JSON_SUFFIXES = frozenset({".json"})
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def schema_format(path: str, text: str, ext: str | None = None) -> str | None:
    """The schema format of a text, from its suffix (``ext``, when it is read as
    another than its path's) and, for JSON/YAML, its content."""
    ext = suffix(path) if ext is None else ext
    fmt = SCHEMA_SUFFIXES.get(ext)
    if fmt == "sql":
        return fmt if re.search(r"(?i)\bcreate\s+(?:table|type)\b", text) else None
    if fmt:
        return fmt
    head = text[:20000]
    if ext not in _JSON_SUFFIXES and ext not in _YAML_SUFFIXES and _reads_as_ddl(head):
        return "sql"  # a script of DDL under another name (``….svn-base``, ``schema.txt``)
    if ext in _JSON_SUFFIXES or ext in _YAML_SUFFIXES:
        if re.search(r"""(?m)["']?(?:\$schema|openapi|swagger)["']?\s*:""", head):
            return "openapi"
        if re.search(r"""["']?properties["']?\s*:""", head) and re.search(
            r"""["']?type["']?\s*:\s*["']?object""", head
        ):
            return "openapi"
    return None


# Statements that open a line of a DDL script, and lines that open a module of code
# (a migration in Python or Java holds DDL in its strings: it is code, not a script).
_DDL_STATEMENT = re.compile(
    r"(?im)^[ \t]*(?:create[ \t]+(?:table|sequence|index|unique|view|type)|drop[ \t]+table"
    r"|alter[ \t]+table|comment[ \t]+on[ \t]+(?:table|column))\b"
)
_CODE_LINE = re.compile(
    r"(?m)^[ \t]*(?:import|package|from[ \t]+\S+[ \t]+import|def|class|public|private"
    r"|function|#include|using|namespace|const|var|let|module)\b"
)
_DDL_STATEMENTS = 3


def _reads_as_ddl(head: str) -> bool:
    """Does a text of no schema suffix read as a DDL script: three statements of DDL
    opening lines, and no line of a module of code?"""
    statements = itertools.islice(_DDL_STATEMENT.finditer(head), _DDL_STATEMENTS)
    if sum(1 for _ in statements) < _DDL_STATEMENTS:
        return False
    return _CODE_LINE.search(head) is None


def parse_schema(path: str, text: str, ext: str | None = None) -> Schema | None:
    """The structure of ``text`` when ``path`` (or the suffix ``ext`` it is read as) and
    content say it is a schema, else None.  Never raises."""
    if len(text) > MAX_SCHEMA_CHARS:
        return None
    fmt = schema_format(path, text, ext)
    if fmt is None:
        return None
    parser = _PARSERS[fmt]
    try:
        containers = parser(text)
    except Exception:  # tolerant by design: any surprise means "no structure"
        return None
    if not containers:
        return None
    _link_uses(containers)
    by_name = {c.name.lower(): c for c in containers if c.name}
    for c in containers:
        if c.returns:
            c.result = by_name.get(type_name(c.returns))
    return Schema(fmt, containers)


def _link_uses(containers: list[Container]) -> None:
    """A container used as a field's type (an enum, a referenced message or component)
    takes the role and operation of its users when it has none of its own."""
    by_name: dict[str, list[Container]] = {}
    for c in containers:
        if c.name:
            by_name.setdefault(c.name.lower(), []).append(c)
    for _ in range(3):  # a few levels of nesting by reference
        for user in containers:
            for f in user.fields:
                for target in by_name.get(type_name(f.type), ()):
                    if target is user or user in target.used_by:
                        continue
                    target.used_by.append(user)
                    if not target.role and user.role:
                        target.role = user.role
                    if not target.operation and user.operation:
                        target.operation = user.operation


_PARSERS = {
    "sql": sql.parse,
    "openapi": openapi.parse,
    "proto": proto.parse,
    "graphql": graphql.parse,
    "xsd": xsd.parse,
}
