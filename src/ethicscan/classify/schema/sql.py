"""SQL DDL: tables, their columns, enum types, comments and CHECK lists."""

from __future__ import annotations

import re

from ethicscan.classify.schema.common import (
    Container,
    Field,
    line_index,
    line_of,
    role_from_name,
)

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


def _commented(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside a ``--`` line comment or a ``/* */`` block: a table
    commented out is no table (its ``--);`` closes nothing)."""
    line_start = text.rfind("\n", 0, pos) + 1
    if "--" in text[line_start:pos]:
        return True
    opened = text.rfind("/*", 0, pos)
    return opened != -1 and text.rfind("*/", opened, pos) == -1


def parse(text: str) -> list[Container]:
    starts = line_index(text)
    out: list[Container] = []
    tables: dict[str, Container] = {}
    for m in _CREATE_TABLE.finditer(text):
        if _commented(text, m.start()):
            continue
        close = _sql_body(text, m.end())
        name = _unquote(m.group(1))
        line = line_of(starts, m.start())
        tail = text[close + 1 : close + 400].split(";", 1)[0]
        tc = _SQL_COMMENT_KW.search(tail)
        doc = _leading_comments(text, starts, line, "--")
        desc = " ".join([*doc, tc.group(1) if tc else ""]).strip()
        c = Container("table", name, line, line_of(starts, min(close, len(text) - 1)), desc)
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
            f = Field(_unquote(col.group(1)), line_of(starts, pos), ctype, enum, note.strip())
            c.fields.append(f)
        for f in c.fields:
            if f.name.lower() in checks and not f.enum:
                f.enum = checks[f.name.lower()]
        c.role = role_from_name(name)
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
        # every line of the statement: its note may stand on the next (``IS\n'民族'``)
        table.extra_lines.update(
            range(line_of(starts, m.start()), line_of(starts, max(m.start(), m.end() - 1)) + 1)
        )
        if kind == "table":
            table.description = (table.description + " " + note).strip()
        else:
            for f in table.fields:
                if f.name.lower() == parts[-1].lower():
                    f.description = (f.description + " " + note).strip()
    for m in _CREATE_ENUM.finditer(text):
        if _commented(text, m.start()):
            continue
        line = line_of(starts, m.start())
        values = tuple(_SQL_STRING.findall(m.group(2)))
        c = Container("enum", _unquote(m.group(1)), line, line_of(starts, m.end() - 1))
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
