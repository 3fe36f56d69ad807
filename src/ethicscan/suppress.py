"""Inline suppressions in a comment of any syntax, on a finding's line or the line
directly above it: ``ethicscan: ignore[race] reason``, with one or more rule ids or
traits, comma-separated, in the brackets.

A suppression needs a reason and known ids (rule ids of the catalogue or trait
names); otherwise it suppresses nothing and becomes a :class:`Notice`.  Suppressed
findings are kept and marked, never dropped.

Only the people who own a text may suppress its findings: a vendor must not hide its own.
A suppression in a third-party artefact (an archive member, a package, a compiled file's
strings) suppresses nothing unless the scan trusts them (``--trust-inline-suppressions``);
each one that would have covered a finding becomes a :class:`Notice` saying so.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ethicscan.model import Finding, Notice, Suppression, Trait
from ethicscan.rules.catalogue import Catalogue

MARKER = "ethicscan:"
DIRECTIVE = re.compile(r"ethicscan:\s*ignore\[([^\]\n]*)\]([^\n]*)", re.IGNORECASE)
# What may close a comment after the reason: */ --> %> #} *) and quotes of docstrings.
_CLOSERS = re.compile(r"""\s*(?:\*/|-->|--\}\}|%>|#\}|\*\)|\|#|"{3}|'{3})\s*$""")
_LEADERS = " \t:-—–"


@dataclass(frozen=True, slots=True)
class InlineSuppression:
    line: int  # 1-based
    ids: tuple[str, ...]
    reason: str


def parse(
    text: str, known_ids: frozenset[str]
) -> tuple[list[InlineSuppression], list[tuple[int, str]]]:
    """Valid suppressions in ``text``, and (line, problem) for the invalid ones."""
    if not mentions_marker(text):
        return [], []
    valid: list[InlineSuppression] = []
    problems: list[tuple[int, str]] = []
    for i, line in enumerate(text.split("\n"), start=1):
        if MARKER not in line.lower():
            continue
        for m in DIRECTIVE.finditer(line):
            ids = tuple(x.strip() for x in m.group(1).split(",") if x.strip())
            reason = _CLOSERS.sub("", m.group(2)).strip(_LEADERS).strip()
            unknown = [x for x in ids if x not in known_ids]
            if not ids:
                problems.append((i, "inline suppression names no rule or trait"))
            elif unknown:
                problems.append(
                    (
                        i,
                        "inline suppression names unknown rule or trait "
                        + ", ".join(repr(x) for x in unknown),
                    )
                )
            elif not reason:
                problems.append((i, f"inline suppression ignore[{','.join(ids)}] has no reason"))
            else:
                valid.append(InlineSuppression(i, ids, reason))
    return valid, problems


def mentions_marker(text: str, utf8: bytes | None = None) -> bool:
    """Whether ``ethicscan:`` is in ``text`` in any case: a Hyperscan pass over its
    UTF-8 bytes (``utf8``, when at hand; lower-casing a large text costs more than the
    rest of its analysis), or lower-casing."""
    global _marker_db
    if _marker_db is None:
        try:
            import hyperscan

            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(expressions=[MARKER.encode()], flags=[hyperscan.HS_FLAG_CASELESS])
            _marker_db = (db, hyperscan.ScanTerminated, threading.local())
        except ImportError:  # pragma: no cover - hyperscan ships wheels where we run
            _marker_db = False
    if not _marker_db:  # pragma: no cover
        return MARKER in text.lower()
    db, stop, local = _marker_db
    scratch = getattr(local, "scratch", None)
    if scratch is None:
        import hyperscan

        scratch = local.scratch = hyperscan.Scratch(db)  # one per thread
    found: list[bool] = []
    with contextlib.suppress(stop):
        db.scan(
            utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass"),
            match_event_handler=_found,
            context=found,
            scratch=scratch,
        )
    return bool(found)


def _found(_id: int, _start: int, _end: int, _flags: int, found: list[bool]) -> bool:
    found.append(True)
    return True


_marker_db: Any = None


def known_ids(catalogue: Catalogue) -> frozenset[str]:
    return frozenset(r.id for r in catalogue.rules) | frozenset(t.value for t in Trait)


def apply_inline(
    text: str,
    findings: Sequence[Finding],
    catalogue: Catalogue,
    path: str,
    target: str = "",
    trusted: bool = True,
) -> tuple[list[Finding], list[Notice]]:
    """Mark the findings of ``text`` that an inline suppression covers; report the
    suppressions that are not valid.  Findings counted within pages (documents)
    are left alone: their line numbers are not lines of ``text``.  In a text that is
    not ``trusted`` (a third-party artefact) nothing is marked, and each suppression
    that would have covered a finding is reported instead."""
    valid, problems = parse(text, known_ids(catalogue))
    notices = [
        Notice(path, line, msg + "; it suppresses nothing", target) for line, msg in problems
    ]
    if not valid:
        return list(findings), notices
    by_line: dict[int, list[InlineSuppression]] = {}
    for s in valid:
        by_line.setdefault(s.line, []).append(s)
    out = []
    refused: dict[int, InlineSuppression] = {}
    for f in findings:
        hit = None
        if f.location.page is None and f.suppression is None:
            for s in by_line.get(f.location.line, []) + by_line.get(f.location.line - 1, []):
                if f.rule in s.ids or f.trait.value in s.ids:
                    hit = s
                    break
        if hit and not trusted:
            refused.setdefault(hit.line, hit)
            hit = None
        out.append(replace(f, suppression=Suppression(hit.reason, "inline")) if hit else f)
    notices.extend(
        Notice(
            path,
            s.line,
            f"inline suppression ignore[{','.join(s.ids)}] is in a third-party artefact "
            "(an archive member or a compiled file): not trusted, its findings stay open "
            "(--trust-inline-suppressions trusts it)",
            target,
        )
        for s in refused.values()
    )
    return out, sorted(notices, key=lambda n: n.line)
