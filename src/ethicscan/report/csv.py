"""CSV (``--format csv``): a header, one row per finding, then one row per file that was
not scanned and per warning, so that nothing is dropped (docs/reports.md, "CSV").

Columns: severity, capability, trait, confidence, path, line, column, rule, term,
snippet, signals (names joined by ``;``), end_line and terms (joined by ``;``): for a
finding that stands for a code table's rows, the line of its last row and their terms
(both empty for any other finding).  ``path`` is the file joined to its target
(``examples/hr-system/models/employee.py``; inside archives a ``!`` chain).  A file
not scanned is a row whose severity is ``skipped``, with its path and, in the snippet
column, ``reason: detail``; a warning is a row whose severity is ``warning``, with its
path, line and message; what the scan's settings left out (``--min-confidence``,
``--disable``, and the configuration file that set them) is a row each whose severity is
``not_reported``, the sentence in the snippet column.

Scanned text is hostile: a cell that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``
(OWASP, "CSV Injection"); control characters (an escape sequence or a line break in a
file name) are written escaped, as in the table (``\x1b``), so every record is one line;
quotes are quoted by the ``csv`` module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, inner_path, target_kinds
from ethicscan.model import Finding, Location, ScanResult, path_text
from ethicscan.report.safe import safe_text

COLUMNS = (
    "severity",
    "capability",
    "trait",
    "confidence",
    "path",
    "line",
    "column",
    "rule",
    "term",
    "snippet",
    "signals",
    "end_line",
    "terms",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a cell a spreadsheet shows and never evaluates, on one line."""
    text = path_text(str(value))
    return ("'" if text.startswith(_FORMULA) else "") + safe_text(text)


def _path(loc: Location, kinds: dict[str, TargetKind]) -> str:
    inner = inner_path(loc)
    return file_path(loc, kinds) + ("!" + inner if inner else "")


def _finding(f: Finding, kinds: dict[str, TargetKind]) -> Sequence[object]:
    loc = f.location
    return (
        f.severity.value,
        f.capability.value,
        f.trait.value,
        f.confidence,
        _path(loc, kinds),
        loc.line,
        loc.column,
        f.rule,
        f.evidence.term,
        f.evidence.snippet,
        ";".join(s.name for s in f.signals),
        "" if loc.end_line is None else loc.end_line,
        ";".join(f.evidence.terms),
    )


def render(result: ScanResult) -> str:
    kinds = target_kinds(result.targets)
    rows: list[Sequence[object]] = [_finding(f, kinds) for f in result.findings]
    for s in result.skipped:
        where = _path(Location(s.path, 0, 0, s.target), kinds)
        why = s.reason.value + (f": {s.detail}" if s.detail else "")
        rows.append(("skipped", "", "", "", where, "", "", "", "", why, "", "", ""))
    for n in result.warnings:
        where = _path(Location(n.path, n.line, 0, n.target), kinds)
        rows.append(("warning", "", "", "", where, n.line, "", "", "", n.message, "", "", ""))
    for line in result.not_reported():
        rows.append(("not_reported", "", "", "", "", "", "", "", "", line, "", "", ""))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()
