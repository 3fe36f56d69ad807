"""GraphQL SDL: types, inputs, interfaces, enums and root operations."""

from __future__ import annotations

import re

from ethicscan.classify.schema.common import (
    Container,
    Field,
    Role,
    Use,
    parse_braced,
    role_from_name,
)

_GQL_BLOCK = re.compile(r"^\s*(?:extend\s+)?(type|input|interface|enum)\s+(\w+)[^{]*\{")
_GQL_FIELD = re.compile(r"^\s*(\w+)\s*(\(([^)]*)\)?)?\s*:?\s*([\[\]\w!]*)")
_GQL_ARG = re.compile(r"(\w+)\s*:\s*([\[\]\w!]+)")
_GQL_ROOTS = frozenset({"query", "mutation", "subscription"})


def parse(text: str) -> list[Container]:
    return parse_braced(text, _graphql_line)


def _graphql_line(
    s: str, i: int, top: Container | None, pending: str, out: list[Container], ops: list[Use]
) -> Container | None:
    m = _GQL_BLOCK.match(s)
    if m:
        kind, name = m.group(1), m.group(2)
        role = Role.REQUEST if kind == "input" else role_from_name(name)
        return Container("enum" if kind == "enum" else "type", name, i, i, pending, role=role)
    if top is None:
        return None
    code = s.split("#", 1)[0]
    if top.kind == "enum":
        for v in re.findall(r"\b([A-Z_][A-Z0-9_]*)\b", code):
            top.fields.append(Field(v, i, "value", (), pending))
        return None
    f = _GQL_FIELD.match(code)
    if not f or not f.group(1):
        return None
    name, args, ftype = f.group(1), f.group(3) or "", f.group(4)
    if not ftype and "(" in code and ")" in code:
        ftype = code.rsplit(":", 1)[-1].strip()
    root = top.name.lower() in _GQL_ROOTS
    # a root field's type is linked through its operation (below), not as a plain use
    top.fields.append(Field(name, i, "" if root else ftype, (), pending))
    if root:
        op = f"{name} {pending}".strip()
        role = Role.FILTER if top.name.lower() == "query" else Role.REQUEST
        call = Container("operation", name, i, i, pending, role=role, operation=op, returns=ftype)
        for a in _GQL_ARG.finditer(args):
            call.fields.append(Field(a.group(1), i, a.group(2)))
            ops.append(Use(a.group(2), i, role, op))
        if call.fields:
            out.append(call)
        ops.append(Use(ftype, i, Role.RESPONSE, op))
    return None
