"""Protocol buffers: messages, enums, services and their RPCs."""

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

_PROTO_BLOCK = re.compile(r"^\s*(message|enum|service|oneof)\s+(\w+)\s*\{")
_PROTO_FIELD = re.compile(
    r"^\s*(?:(?:repeated|optional|required)\s+)?([\w.]+(?:\s*<[^>]*>)?)\s+(\w+)\s*=\s*\d+"
)
_PROTO_VALUE = re.compile(r"^\s*(\w+)\s*=\s*-?\d+")
_PROTO_RPC = re.compile(
    r"^\s*rpc\s+(\w+)\s*\(\s*(?:stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(?:stream\s+)?([\w.]+)"
)


def parse(text: str) -> list[Container]:
    return parse_braced(text, _proto_line)


def _proto_line(
    s: str, i: int, top: Container | None, pending: str, out: list[Container], ops: list[Use]
) -> Container | None:
    m = _PROTO_BLOCK.match(s)
    if m:
        kind = m.group(1)
        name = m.group(2)
        c = Container(
            "enum" if kind == "enum" else kind if kind == "service" else "message",
            name,
            i,
            i,
            pending,
            role=role_from_name(name),
            parent=top if kind == "oneof" or (top and top.kind == "message") else None,
        )
        return c
    if top is None:
        return None
    note = s.split("//", 1)[1].strip() if "//" in s else ""
    if top.kind == "service":
        r = _PROTO_RPC.match(s)
        if r:
            op = f"{top.name} {r.group(1)} {pending} {note}".strip()
            ops.append(Use(r.group(2), i, Role.REQUEST, op))
            ops.append(Use(r.group(3), i, Role.RESPONSE, op))
            top.fields.append(Field(r.group(1), i, r.group(2), (), (pending + " " + note).strip()))
        return None
    if top.kind == "enum":
        v = _PROTO_VALUE.match(s)
        if v and not s.lstrip().startswith(("option", "reserved")):
            top.fields.append(Field(v.group(1), i, "value", (), (pending + " " + note).strip()))
        return None
    f = _PROTO_FIELD.match(s)
    if f and f.group(1) not in ("option", "reserved", "extensions", "syntax", "package"):
        top.fields.append(Field(f.group(2), i, f.group(1), (), (pending + " " + note).strip()))
    return None
