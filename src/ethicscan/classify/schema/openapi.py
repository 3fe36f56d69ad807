"""JSON Schema and OpenAPI, in JSON or YAML."""

from __future__ import annotations

import contextlib
import json
import re

import yaml

from ethicscan.classify.schema.common import (
    Container,
    Field,
    Role,
    Use,
    apply_uses,
    role_from_name,
)

_HTTP = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
_SCHEMA_WORDS = frozenset(
    {
        "properties",
        "items",
        "schema",
        "schemas",
        "content",
        "allof",
        "anyof",
        "oneof",
        "additionalproperties",
        "not",
        "definitions",
        "$defs",
        "components",
        "requestbody",
        "responses",
        "parameters",
        "paths",
        "default",
    }
)


def parse(text: str) -> list[Container]:
    # JSON is YAML's flow style; tabs (legal in JSON) become spaces, keeping positions.
    root = _json_nodes(text) if text.lstrip()[:1] in ("{", "[") else None
    if root is None:
        root = yaml.compose(text.replace("\t", " "), Loader=_LOADER)
    out: list[Container] = []
    uses: list[Use] = []
    if root is not None:
        _walk(root, (out, uses, set()), name="", role=None, op="", parent=None, under_props=False)
    apply_uses(out, uses)
    return out


_JSON_TOKEN = re.compile(
    r'([ \t\r\n]*)("[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\],:]|-?\d[\d.eE+-]*|true|false|null)'
)


def _json_nodes(text: str) -> yaml.Node | None:
    """JSON read into PyYAML nodes with line marks by one regex pass: several times
    faster than composing it as YAML.  None when the text is not plain JSON."""
    pos, line = 0, 0
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []  # (container, pending key)
    root: list[yaml.Node] = []
    for m in _JSON_TOKEN.finditer(text):
        if m.start() != pos:
            return None  # something JSON does not have (a comment, a bare word)
        space, tok = m.group(1), m.group(2)
        if "\n" in space:
            line += space.count("\n")
        pos = m.end()
        c = tok[0]
        here = yaml.Mark("", pos, line, 0, "", 0)
        if c in ",:":
            continue
        if c in "}]":
            if not stack:
                return None
            stack.pop()[0].end_mark = here
            continue
        node: yaml.Node
        if c == "{":
            node = yaml.MappingNode("", [], here, here)
        elif c == "[":
            node = yaml.SequenceNode("", [], here, here)
        else:
            value = tok[1:-1] if c == '"' else tok
            if c == '"' and "\\" in value:
                with contextlib.suppress(ValueError):
                    value = str(json.loads(tok))
            node = yaml.ScalarNode("", value, here, here)
        if not stack:
            root.append(node)
        else:
            parent, key = stack[-1]
            if isinstance(parent, yaml.SequenceNode):
                parent.value.append(node)
            elif key:
                parent.value.append((key.pop(), node))
            else:
                key.append(node)
        if c in "{[":
            stack.append((node, []))
    if text[pos:].strip() or stack or len(root) != 1:
        return None
    return root[0]


def _scalar(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if _scalar(k) == key:
            return v  # type: ignore[no-any-return]
    return None


def _describe(node: yaml.Node | None) -> str:
    if not isinstance(node, yaml.MappingNode):
        return ""
    return " ".join(
        _scalar(_get(node, k)) for k in ("title", "description", "summary") if _get(node, k)
    )


def _field_type(node: yaml.Node | None) -> str:
    if not isinstance(node, yaml.MappingNode):
        return ""
    ref = _scalar(_get(node, "$ref"))
    if ref:
        return ref
    items = _get(node, "items")
    if isinstance(items, yaml.MappingNode) and _scalar(_get(items, "$ref")):
        return _scalar(_get(items, "$ref"))
    return _scalar(_get(node, "type"))


def _enum_values(node: yaml.Node | None) -> tuple[str, ...]:
    if not isinstance(node, yaml.MappingNode):
        return ()
    e = _get(node, "enum")
    if e is None:
        items = _get(node, "items")
        e = _get(items, "enum") if isinstance(items, yaml.MappingNode) else None
    if isinstance(e, yaml.SequenceNode):
        return tuple(_scalar(x) for x in e.value)
    return ()


_MEDIA_OR_STATUS = re.compile(r"^(?:[\w.+-]+/[\w.+*-]+|[1-5]\d\d|[1-5]XX|default)$")


# What a walk collects: containers, operation uses, and the nodes already walked (an
# alias is the same node again: walking it once keeps "billion laughs" files linear).
_Walk = tuple[list[Container], list[Use], set[int]]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(
    node: yaml.Node,
    acc: _Walk,
    name: str,
    role: Role | None,
    op: str,
    parent: Container | None,
    under_props: bool,
) -> None:
    out, uses, seen = acc
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        if name == "parameters":
            _parameters(node, acc, role, op, parent)
            return
        for child in node.value:
            _walk(child, acc, name, role, op, parent, False)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    ref = _scalar(_get(node, "$ref"))
    if ref and (role or op) and not under_props:
        uses.append(Use(ref, node.start_mark.line, role, op))
    props = _get(node, "properties")
    here = parent
    if isinstance(props, yaml.MappingNode):
        here = Container(
            "object",
            name or _scalar(_get(node, "title")),
            node.start_mark.line,
            node.end_mark.line,
            _describe(node),
            role=role or role_from_name(name),
            operation=op,
            parent=parent,
        )
        for k, v in props.value:
            here.fields.append(
                Field(_scalar(k), k.start_mark.line, _field_type(v), _enum_values(v), _describe(v))
            )
        out.append(here)
    for k, v in node.value:
        key = _scalar(k)
        low = key.lower()
        child_role, child_op = role, op
        keep = low in _SCHEMA_WORDS or _MEDIA_OR_STATUS.match(key)
        child_name = key if under_props or not keep else name
        if low in _HTTP and not under_props and isinstance(v, yaml.MappingNode) and name:
            child_op = " ".join(
                x
                for x in (
                    key.upper(),
                    name,
                    _scalar(_get(v, "operationId")),
                    _scalar(_get(v, "summary")),
                    _scalar(_get(v, "description")),
                )
                if x
            )
            child_name = _scalar(_get(v, "operationId")) or name
        elif low == "requestbody" and not under_props:
            child_role = Role.REQUEST
        elif low == "responses" and not under_props:
            child_role = Role.RESPONSE
        elif low == "parameters" and not under_props:
            child_name = "parameters"
        props_next = low == "properties" and not under_props
        _walk(v, acc, child_name, child_role, child_op, here, props_next)


def _parameters(
    node: yaml.SequenceNode,
    acc: _Walk,
    role: Role | None,
    op: str,
    parent: Container | None,
) -> None:
    c = Container(
        "parameters",
        "parameters",
        node.start_mark.line,
        node.end_mark.line,
        role=role or Role.REQUEST,
        operation=op,
        parent=parent,
    )
    in_query = False
    for p in node.value:
        if not isinstance(p, yaml.MappingNode):
            continue
        nm = _get(p, "name")
        where = _scalar(_get(p, "in"))
        in_query = in_query or where == "query"
        sch = _get(p, "schema")
        c.fields.append(
            Field(
                _scalar(nm),
                (nm or p).start_mark.line,
                _field_type(sch) or _scalar(_get(p, "type")),
                _enum_values(sch) or _enum_values(p),
                _scalar(_get(p, "description")),
            )
        )
        if where == "body" and sch is not None:
            _walk(sch, acc, _scalar(nm), role or Role.REQUEST, op, parent, False)
    if in_query:
        c.role = Role.FILTER
    if c.fields:
        acc[0].append(c)
