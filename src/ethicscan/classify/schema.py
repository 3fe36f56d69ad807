"""The structure of schema files: SQL DDL, JSON Schema and OpenAPI (JSON or YAML),
protobuf, XSD/WSDL and GraphQL SDL, read into one light model so the classifier can
use a field's container (its table, message, type or operation) as the field's
context instead of the lines around it.

Every parser is tolerant: broken or truncated input gives what could be read, or
None, and never raises.  Lines are 0-based, like :class:`Document`'s.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

import yaml

from ethicscan.names import suffix

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

# Roles a container plays, read from its place in the file or from its name.
FILTER, REQUEST, RESPONSE = "filter", "request", "response"
_ROLE_WORDS = (
    (FILTER, "Query|Queries|Filter|Filters|Criteria|Condition|Conditions|Search"),
    (REQUEST, "Request|Req|Input|Params|Param|Args"),
    (RESPONSE, "Response|Resp|Result|Results|Reply|Output|Ack"),
)
# CamelCase (FaceSearchRequest: the last word), or snake_case (face_search_result)
_ROLE_BY_NAME = tuple(
    (
        role,
        re.compile(rf"(?:{words})(?:Request|Req|Input)?$"),
        re.compile(rf"(?:^|_)(?:{words.lower()})(?:_?(?:request|req|input))?$"),
    )
    for role, words in _ROLE_WORDS
)


@dataclass
class Field:
    name: str
    line: int
    type: str = ""
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass
class Container:
    """A table, message, object schema, type, enum or operation's parameters."""

    kind: str  # table, message, enum, object, type, parameters, operation, complex
    name: str
    line: int
    end: int
    description: str = ""
    fields: list[Field] = field(default_factory=list)
    role: str = ""  # filter, request, response or ""
    operation: str = ""  # the operation it belongs to: "POST /face/detect detectFace"
    parent: Container | None = None
    extra_lines: set[int] = field(default_factory=set)  # COMMENT ON lines, outside the span
    used_by: list[Container] = field(default_factory=list)  # containers whose fields use it
    returns: str = ""  # an operation's result type
    result: Container | None = None  # ... when the file defines it

    def text(self) -> str:
        """Name, description and operation: what the container says about its fields; for
        an operation, also the name and fields of what it returns."""
        parts = [self.name, self.description, self.operation]
        if self.parent is not None:
            parts.append(self.parent.text())
        if self.result is not None:
            parts += [self.result.name, self.result.description]
            parts += [f.name for f in self.result.fields]
        return " ".join(p for p in parts if p)


@dataclass
class Schema:
    format: str
    containers: list[Container]
    _at: dict[int, Container | None] = field(default_factory=dict, repr=False)

    def container_at(self, line: int) -> Container | None:
        """The innermost container holding ``line`` (or described on it)."""
        if not self._at:
            # paint lines from the widest container to the narrowest: the last paint wins
            for c in sorted(self.containers, key=lambda c: c.line - c.end):
                for i in range(c.line, c.end + 1):
                    self._at[i] = c
            for c in self.containers:
                for i in c.extra_lines:
                    self._at[i] = c
        return self._at.get(line)


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
    if ext in _JSON_SUFFIXES or ext in _YAML_SUFFIXES:
        if re.search(r"""(?m)["']?(?:\$schema|openapi|swagger)["']?\s*:""", head):
            return "openapi"
        if re.search(r"""["']?properties["']?\s*:""", head) and re.search(
            r"""["']?type["']?\s*:\s*["']?object""", head
        ):
            return "openapi"
    return None


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
            c.result = by_name.get(_type_name(c.returns))
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
                for target in by_name.get(_type_name(f.type), ()):
                    if target is user or user in target.used_by:
                        continue
                    target.used_by.append(user)
                    if not target.role and user.role:
                        target.role = user.role
                    if not target.operation and user.operation:
                        target.operation = user.operation


def _type_name(t: str) -> str:
    t = t.strip().strip("[]!").rsplit("/", 1)[-1].rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    return t.strip("[]!").lower()


def _role_from_name(name: str) -> str:
    low = name.lower()
    for role, camel, snake in _ROLE_BY_NAME:
        if camel.search(name) or snake.search(low):
            return role
    return ""


def _line_index(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _line_of(starts: list[int], pos: int) -> int:
    return bisect.bisect_right(starts, pos) - 1


# -- SQL DDL -----------------------------------------------------------------------------

_CREATE_TABLE = re.compile(
    r"(?is)\bcreate\s+(?:(?:global\s+|local\s+)?(?:temporary|temp)\s+|unlogged\s+|external\s+)?"
    r"table\s+(?:if\s+not\s+exists\s+)?([\w.`\"\[\]]+)\s*\("
)
_CREATE_ENUM = re.compile(r"(?is)\bcreate\s+type\s+([\w.`\"\[\]]+)\s+as\s+enum\s*\(([^)]*)\)")
_COMMENT_ON = re.compile(
    r"(?is)\bcomment\s+on\s+(table|column)\s+([\w.`\"\[\]]+)\s+is\s+'((?:[^']|'')*)'"
)
_SQL_STRING = re.compile(r"'((?:[^']|'')*)'")
_SQL_COMMENT_KW = re.compile(r"(?is)\bcomment\s*(?:=\s*)?'((?:[^']|'')*)'")
_NOT_COLUMN = re.compile(
    r"(?i)^(?:constraint|primary|key|index|unique|foreign|check|fulltext|spatial|exclude|like)\b"
)
_SQL_LINE_COMMENT = re.compile(r"(?m)^\s*--.*$")
_SQL_COLUMN = re.compile(r"([`\"\[]?[\w\u4e00-\u9fff]+[`\"\]]?)\s*(.*)", re.S)
_SQL_ENUM_TYPE = re.compile(r"(?is)(?:enum|set)\s*\(([^)]*)\)")
_SQL_TRAILING = re.compile(r"--\s*(.*)")
_CHECK_IN = re.compile(r"(?is)\bcheck\s*\(\s*([\w`\"\[\]]+)\s+in\s*\(([^)]*)\)")


def _unquote(name: str) -> str:
    return name.strip().strip('`"[]').rsplit(".", 1)[-1].strip('`"[]')


_SQL_TOKEN = re.compile(r"'|--|\(|\)|,")


def _skip_sql(text: str, tok: str, i: int) -> int:
    """Index after a string (``tok`` is ``'``) or a ``--`` comment starting at ``i``."""
    if tok == "'":
        j = text.find("'", i + 1)
        while j != -1 and text.startswith("''", j):
            j = text.find("'", j + 2)
        return len(text) if j == -1 else j + 1
    j = text.find("\n", i)
    return len(text) if j == -1 else j


def _sql_body(text: str, start: int) -> int:
    """Index of the parenthesis closing the one before ``start``; len(text) if none."""
    depth, i = 1, start
    while True:
        m = _SQL_TOKEN.search(text, i)
        if m is None:
            return len(text)
        tok, i = m.group(), m.start()
        if tok in ("'", "--"):
            i = _skip_sql(text, tok, i)
            continue
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def _split_items(body: str, offset: int) -> list[tuple[int, str]]:
    """Top-level comma-separated items of a column list, with their offsets; a trailing
    ``-- comment`` after the comma stays with the item before it."""
    items: list[tuple[int, str]] = []
    depth, start, i, n = 0, 0, 0, len(body)
    while True:
        m = _SQL_TOKEN.search(body, i)
        if m is None:
            break
        tok, i = m.group(), m.start()
        if tok in ("'", "--"):
            i = _skip_sql(body, tok, i)
            continue
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0:
            eol = body.find("\n", i)
            eol = n if eol == -1 else eol
            tail = body[i + 1 : eol]
            if tail.strip().startswith("--"):
                items.append((offset + start, body[start:i] + " " + tail))
                start = i = eol
                continue
            items.append((offset + start, body[start:i]))
            start = i + 1
        i += 1
    items.append((offset + start, body[start:]))
    return items


def _parse_sql(text: str) -> list[Container]:
    starts = _line_index(text)
    out: list[Container] = []
    tables: dict[str, Container] = {}
    for m in _CREATE_TABLE.finditer(text):
        close = _sql_body(text, m.end())
        name = _unquote(m.group(1))
        line = _line_of(starts, m.start())
        tail = text[close + 1 : close + 400].split(";", 1)[0]
        tc = _SQL_COMMENT_KW.search(tail)
        doc = _leading_comments(text, starts, line, "--")
        desc = " ".join([*doc, tc.group(1) if tc else ""]).strip()
        c = Container("table", name, line, _line_of(starts, min(close, len(text) - 1)), desc)
        c.extra_lines.update(range(line - len(doc), line))  # the comment above describes it
        checks: dict[str, tuple[str, ...]] = {}
        for off, item in _split_items(text[m.end() : close], m.end()):
            stripped = item.strip()
            if not stripped or (stripped.startswith("--") and "\n" not in stripped):
                continue
            lead = len(item) - len(item.lstrip())
            body = _SQL_LINE_COMMENT.sub("", stripped).strip()
            for cm in _CHECK_IN.finditer(body):
                checks[_unquote(cm.group(1)).lower()] = tuple(_SQL_STRING.findall(cm.group(2)))
            if not body or _NOT_COLUMN.match(body):
                continue
            col = _SQL_COLUMN.match(body)
            if not col:
                continue
            pos = off + lead + (stripped.find(body[:20]) if body[:20] in stripped else 0)
            rest = col.group(2)
            ctype = rest.split(None, 1)[0] if rest.split() else ""
            enum = ()
            em = _SQL_ENUM_TYPE.match(rest)
            if em:
                enum = tuple(_SQL_STRING.findall(em.group(1)))
                ctype = "enum"
            cm2 = _SQL_COMMENT_KW.search(rest)
            note = " ".join(
                x for x in (cm2.group(1) if cm2 else "", *_SQL_TRAILING.findall(item)) if x
            )
            f = Field(_unquote(col.group(1)), _line_of(starts, pos), ctype, enum, note.strip())
            c.fields.append(f)
        for f in c.fields:
            if f.name.lower() in checks and not f.enum:
                f.enum = checks[f.name.lower()]
        c.role = _role_from_name(name)
        out.append(c)
        tables[name.lower()] = c
    for m in _COMMENT_ON.finditer(text):
        kind, target, note = m.group(1).lower(), m.group(2), m.group(3)
        parts = [_unquote(p) for p in target.split(".")]
        table = tables.get(
            (parts[-2] if kind == "column" and len(parts) > 1 else parts[-1]).lower()
        )
        if table is None:
            continue
        line = _line_of(starts, m.start())
        table.extra_lines.add(line)
        if kind == "table":
            table.description = (table.description + " " + note).strip()
        else:
            for f in table.fields:
                if f.name.lower() == parts[-1].lower():
                    f.description = (f.description + " " + note).strip()
    for m in _CREATE_ENUM.finditer(text):
        line = _line_of(starts, m.start())
        values = tuple(_SQL_STRING.findall(m.group(2)))
        c = Container("enum", _unquote(m.group(1)), line, _line_of(starts, m.end() - 1))
        c.fields = [Field(v, line, "value") for v in values]
        out.append(c)
    return out


def _leading_comments(text: str, starts: list[int], line: int, marker: str) -> list[str]:
    """The comment lines directly above ``line``, top first."""
    got: list[str] = []
    i = line - 1
    while i >= 0 and len(got) < 5:
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        s = text[starts[i] : end].strip()
        if not s.startswith(marker):
            break
        got.insert(0, s.lstrip(marker + "/*# ").strip())
        i -= 1
    return got


# -- JSON Schema / OpenAPI (JSON or YAML) --------------------------------------------------

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


def _parse_openapi(text: str) -> list[Container]:
    # JSON is YAML's flow style; tabs (legal in JSON) become spaces, keeping positions.
    root = _json_nodes(text) if text.lstrip()[:1] in ("{", "[") else None
    if root is None:
        root = yaml.compose(text.replace("\t", " "), Loader=_LOADER)
    out: list[Container] = []
    uses: list[Field] = []
    if root is not None:
        _walk(root, (out, uses, set()), name="", role="", op="", parent=None, under_props=False)
    _apply_uses(out, uses)
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


def _apply_uses(out: list[Container], uses: list[Field]) -> None:
    """``uses`` are (type name, line, role, operation) of operation inputs and outputs: the
    containers so named take that role and operation when they have none."""
    by_name = {c.name.lower(): c for c in out if c.name}
    for f in uses:
        target = by_name.get(_type_name(f.name))
        if target is None:
            continue
        if not target.role:
            target.role = f.type
        if not target.operation:
            target.operation = f.description


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
_Walk = tuple[list[Container], list[Field], set[int]]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(
    node: yaml.Node,
    acc: _Walk,
    name: str,
    role: str,
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
        uses.append(Field(ref, node.start_mark.line, role, (), op))
    props = _get(node, "properties")
    here = parent
    if isinstance(props, yaml.MappingNode):
        here = Container(
            "object",
            name or _scalar(_get(node, "title")),
            node.start_mark.line,
            node.end_mark.line,
            _describe(node),
            role=role or _role_from_name(name),
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
            child_role = REQUEST
        elif low == "responses" and not under_props:
            child_role = RESPONSE
        elif low == "parameters" and not under_props:
            child_name = "parameters"
        props_next = low == "properties" and not under_props
        _walk(v, acc, child_name, child_role, child_op, here, props_next)


def _parameters(
    node: yaml.SequenceNode,
    acc: _Walk,
    role: str,
    op: str,
    parent: Container | None,
) -> None:
    c = Container(
        "parameters",
        "parameters",
        node.start_mark.line,
        node.end_mark.line,
        role=role or REQUEST,
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
            _walk(sch, acc, _scalar(nm), role or REQUEST, op, parent, False)
    if in_query:
        c.role = FILTER
    if c.fields:
        acc[0].append(c)


# A line handler of a brace-structured SDL: (line, index, open container, doc comment,
# containers, operation uses) -> the container the line opens, if any.
_LineHandler = Callable[
    [str, int, "Container | None", str, "list[Container]", "list[Field]"], "Container | None"
]

# -- protobuf ------------------------------------------------------------------------------

_PROTO_BLOCK = re.compile(r"^\s*(message|enum|service|oneof)\s+(\w+)\s*\{")
_PROTO_FIELD = re.compile(
    r"^\s*(?:(?:repeated|optional|required)\s+)?([\w.]+(?:\s*<[^>]*>)?)\s+(\w+)\s*=\s*\d+"
)
_PROTO_VALUE = re.compile(r"^\s*(\w+)\s*=\s*-?\d+")
_PROTO_RPC = re.compile(
    r"^\s*rpc\s+(\w+)\s*\(\s*(?:stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(?:stream\s+)?([\w.]+)"
)


def _parse_proto(text: str) -> list[Container]:
    return _parse_braced(text, _proto_line)


def _proto_line(
    s: str, i: int, top: Container | None, pending: str, out: list[Container], ops: list[Field]
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
            role=_role_from_name(name),
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
            ops.append(Field(r.group(2), i, REQUEST, (), op))
            ops.append(Field(r.group(3), i, RESPONSE, (), op))
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


def _parse_braced(text: str, handle: _LineHandler) -> list[Container]:
    """Shared walk for brace-structured SDLs (protobuf, GraphQL): a stack of open
    containers, doc comments collected for the next declaration."""
    out: list[Container] = []
    stack: list[Container] = []
    ops: list[Field] = []  # (type name, line, role, op text) from rpc / root fields
    pending: list[str] = []
    pending_from = 0  # first line of the doc comment in ``pending``
    lines = text.split("\n")
    in_block_string = False
    for i, raw in enumerate(lines):
        s = raw.rstrip("\r")
        st = s.strip()
        if in_block_string:
            pending.append(st.replace('"""', ""))
            if '"""' in st:
                in_block_string = False
            continue
        if st.startswith(("//", "#")):
            pending_from = pending_from if pending else i
            pending.append(st.lstrip("/#* ").strip())
            continue
        if st.startswith('"""'):
            pending_from = pending_from if pending else i
            pending.append(st.replace('"""', ""))
            in_block_string = st.count('"""') == 1
            continue
        if st.startswith('"') and st.endswith('"') and len(st) > 1:
            pending_from = pending_from if pending else i
            pending.append(st.strip('"'))
            continue
        if st.startswith(("/*", "*")):
            pending_from = pending_from if pending else i
            pending.append(st.lstrip("/* ").rstrip("*/ ").strip())
            continue
        top = stack[-1] if stack else None
        opened = handle(s, i, top, " ".join(p for p in pending if p), out, ops)
        code = s.split("//", 1)[0].split("#", 1)[0]
        if opened is not None:
            if pending:  # the doc comment above a declaration describes it
                opened.extra_lines.update(range(pending_from, i))
            stack.append(opened)
            out.append(opened)
            code = code[code.find("{") + 1 :]
        pending = []
        depth = code.count("{") - code.count("}")
        if depth < 0:
            for _ in range(-depth):
                if stack:
                    stack.pop().end = i
    for c in stack:
        c.end = len(lines) - 1
    _apply_uses(out, ops)
    return out


# -- GraphQL SDL ---------------------------------------------------------------------------

_GQL_BLOCK = re.compile(r"^\s*(?:extend\s+)?(type|input|interface|enum)\s+(\w+)[^{]*\{")
_GQL_FIELD = re.compile(r"^\s*(\w+)\s*(\(([^)]*)\)?)?\s*:?\s*([\[\]\w!]*)")
_GQL_ARG = re.compile(r"(\w+)\s*:\s*([\[\]\w!]+)")
_GQL_ROOTS = frozenset({"query", "mutation", "subscription"})


def _parse_graphql(text: str) -> list[Container]:
    return _parse_braced(text, _graphql_line)


def _graphql_line(
    s: str, i: int, top: Container | None, pending: str, out: list[Container], ops: list[Field]
) -> Container | None:
    m = _GQL_BLOCK.match(s)
    if m:
        kind, name = m.group(1), m.group(2)
        role = REQUEST if kind == "input" else _role_from_name(name)
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
        role = FILTER if top.name.lower() == "query" else REQUEST
        call = Container("operation", name, i, i, pending, role=role, operation=op, returns=ftype)
        for a in _GQL_ARG.finditer(args):
            call.fields.append(Field(a.group(1), i, a.group(2)))
            ops.append(Field(a.group(2), i, role, (), op))
        if call.fields:
            out.append(call)
        ops.append(Field(ftype, i, RESPONSE, (), op))
    return None


# -- XSD / WSDL ----------------------------------------------------------------------------


class _NoDTD(Exception):
    pass


def _parse_xsd(text: str) -> list[Container]:
    out: list[Container] = []
    stack: list[tuple[str, Container | None, str]] = []  # (local tag, container, name)
    ops: list[Field] = []
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
            c = Container(kind, cname, line, line, role=_role_from_name(cname), parent=cur)
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
            role = REQUEST if local == "input" else RESPONSE
            ops.append(Field(attrs["message"], line, role, (), op_name[-1]))
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
    for f in ops:
        msg = by_name.get(_type_name(f.name))
        if msg is None:
            continue
        for target in [msg, *(by_name.get(_type_name(p.type)) for p in msg.fields)]:
            if target is not None and not target.role:
                target.role = f.type
                target.operation = f.description
    return out


_PARSERS = {
    "sql": _parse_sql,
    "openapi": _parse_openapi,
    "proto": _parse_proto,
    "graphql": _parse_graphql,
    "xsd": _parse_xsd,
}


@dataclass(frozen=True)
class Place:
    """Where a hit stands in a schema: its container, the lines that are its context
    (the container's, instead of a window around the hit) and the context words of
    the container's name, description and operation, its parents' and its users'."""

    container: Container
    span: tuple[int, int]
    words: dict[str, list[str]]

    def text(self) -> str:
        c = self.container
        return " ".join([c.text(), *(u.text() for u in c.used_by)])
