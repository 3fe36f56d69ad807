"""What every schema grammar reads into (containers, fields, a schema, a place) and
the helpers the grammars share."""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field


# Roles a container plays, read from its place in the file or from its name.
class Role(enum.Enum):
    """What a container is to an operation: what it searches by, what it is sent, or
    what it answers."""

    FILTER = "filter"
    REQUEST = "request"
    RESPONSE = "response"


_ROLE_WORDS = (
    (Role.FILTER, "Query|Queries|Filter|Filters|Criteria|Condition|Conditions|Search"),
    (Role.REQUEST, "Request|Req|Input|Params|Param|Args"),
    (Role.RESPONSE, "Response|Resp|Result|Results|Reply|Output|Ack"),
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
    role: Role | None = None
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


def type_name(t: str) -> str:
    t = t.strip().strip("[]!").rsplit("/", 1)[-1].rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    return t.strip("[]!").lower()


def role_from_name(name: str) -> Role | None:
    low = name.lower()
    for role, camel, snake in _ROLE_BY_NAME:
        if camel.search(name) or snake.search(low):
            return role
    return None


def line_index(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def line_of(starts: list[int], pos: int) -> int:
    return bisect.bisect_right(starts, pos) - 1


@dataclass(frozen=True, slots=True)
class Use:
    """A type an operation names as its input or output (a message, a component, a
    GraphQL type), where, in which role, and the operation's text."""

    name: str
    line: int
    role: Role | None
    operation: str


def apply_uses(out: list[Container], uses: list[Use]) -> None:
    """The containers ``uses`` name take the use's role and operation when they have
    none."""
    by_name = {c.name.lower(): c for c in out if c.name}
    for u in uses:
        target = by_name.get(type_name(u.name))
        if target is None:
            continue
        if not target.role:
            target.role = u.role
        if not target.operation:
            target.operation = u.operation


# A line handler of a brace-structured SDL: (line, index, open container, doc comment,
# containers, operation uses) -> the container the line opens, if any.
LineHandler = Callable[
    [str, int, "Container | None", str, "list[Container]", "list[Use]"], "Container | None"
]


def parse_braced(text: str, handle: LineHandler) -> list[Container]:
    """Shared walk for brace-structured SDLs (protobuf, GraphQL): a stack of open
    containers, doc comments collected for the next declaration."""
    out: list[Container] = []
    stack: list[Container] = []
    ops: list[Use] = []  # from rpc / root fields
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
    apply_uses(out, ops)
    return out


@dataclass(frozen=True)
class Place:
    """Where a hit stands in a schema: its container, the lines that are its context
    (the container's, instead of a window around the hit) and the context words of
    the container's name, description and operation, its parents' and its users'."""

    container: Container
    span: tuple[int, int]
    words: dict[str, list[str]]
    # the terms in the container's own name or description (``religionBeliever``,
    # ``'民族宗教'``): what it is a register of
    named: frozenset[str] = frozenset()

    def text(self) -> str:
        c = self.container
        return " ".join([c.text(), *(u.text() for u in c.used_by)])
