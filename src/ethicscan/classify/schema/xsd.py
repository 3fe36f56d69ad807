"""XSD and WSDL: complex types, their elements, enumerations and operations."""

from __future__ import annotations

from xml.parsers import expat

from ethicscan.classify.schema.common import (
    Container,
    Field,
    Role,
    Use,
    role_from_name,
    type_name,
)


class _NoDTD(Exception):
    pass


def parse(text: str) -> list[Container]:
    out: list[Container] = []
    stack: list[tuple[str, Container | None, str]] = []  # (local tag, container, name)
    ops: list[Use] = []
    op_name: list[str] = []
    doc_target: list[Container | Field | None] = [None]
    last_field: list[Field | None] = [None]
    doc_text: list[str] = []
    in_doc = [False]
    parser = expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise _NoDTD

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def current() -> Container | None:
        for _, c, _ in reversed(stack):
            if c is not None:
                return c
        return None

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(":", 1)[-1]
        line = parser.CurrentLineNumber - 1
        name = attrs.get("name", "")
        c: Container | None = None
        cur = current()
        if local in ("complexType", "simpleType") or (local == "message" and name):
            cname = name or (stack[-1][2] if stack else "")
            kind = "enum" if local == "simpleType" else "complex"
            c = Container(kind, cname, line, line, role=role_from_name(cname), parent=cur)
            out.append(c)
            doc_target[0] = c
        elif local in ("element", "attribute", "part") and cur is not None:
            f = Field(
                name or attrs.get("ref", ""), line, attrs.get("type", attrs.get("element", ""))
            )
            cur.fields.append(f)
            last_field[0] = f
            doc_target[0] = f
        elif local == "enumeration" and cur is not None:
            cur.fields.append(Field(attrs.get("value", ""), line, "value"))
        elif local == "operation" and name:
            op_name.append(name)
        elif local in ("input", "output") and op_name and attrs.get("message"):
            role = Role.REQUEST if local == "input" else Role.RESPONSE
            ops.append(Use(attrs["message"], line, role, op_name[-1]))
        elif local == "documentation":
            in_doc[0] = True
            doc_text.clear()
        stack.append((local, c, name))

    def end(tag: str) -> None:
        local = tag.rsplit(":", 1)[-1]
        if not stack:
            return
        popped, c, _ = stack.pop()
        if c is not None:
            c.end = parser.CurrentLineNumber - 1
        if popped == "documentation":
            in_doc[0] = False
            target = doc_target[0]
            note = " ".join(" ".join(doc_text).split())
            if isinstance(target, (Container, Field)):
                target.description = (target.description + " " + note).strip()
        if local == "operation" and op_name:
            op_name.pop()

    def chars(data: str) -> None:
        if in_doc[0]:
            doc_text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text, True)
    except _NoDTD:
        return []  # a document type declaration: entities are never expanded here
    except expat.ExpatError:
        pass  # broken or truncated: keep what was read
    last = text.count("\n")
    for _, c, _ in stack:
        if c is not None:
            c.end = last
    by_name = {c.name.lower(): c for c in out if c.name}
    for u in ops:
        msg = by_name.get(type_name(u.name))
        if msg is None:
            continue
        for target in [msg, *(by_name.get(type_name(p.type)) for p in msg.fields)]:
            if target is not None and not target.role:
                target.role = u.role
                target.operation = u.operation
    return out
