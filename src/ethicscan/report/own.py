"""ethicscan's own reports, recognised by their content: a JSON or SARIF report, an HTML
evidence report or a baseline that ethicscan wrote quotes the evidence it found, so
scanning it again (a workflow that writes ``ethicscan.sarif`` into the checkout, then
scans ``.``) would report every finding a second time, at the report's lines.  Such a
file is listed as skipped (``ethicscan_report``), never read as evidence.

Only the head of a file is read, and only once it is known to hold terms (a clean text
is never asked): the marks below stand in the first lines of every report.
"""

from __future__ import annotations

import re

HEAD = 4096  # bytes of a file's head that are read for the marks
_MARKS = (
    ("JSON report", re.compile(rb'"tool"\s*:\s*\{\s*"name"\s*:\s*"ethicscan"')),
    ("SARIF report", re.compile(rb'"driver"\s*:\s*\{\s*"name"\s*:\s*"ethicscan"')),
    ("HTML report", re.compile(rb'<meta name="generator" content="ethicscan[ "]')),
    ("baseline", re.compile(rb'^\s*\{\s*"format"\s*:\s*"ethicscan-baseline"')),
)


# Reports that do not name ethicscan in their first lines: the CSV header, and a JSON
# Lines report's first finding (the summary that names the tool is its last line).
_HEADERS = (
    ("CSV report", re.compile(rb"severity,capability,trait,confidence,path,line,column,rule,")),
    ("JSON Lines report", re.compile(rb'\{"rule": "[^"\n]*", "trait": "[a-z_]+", "capability": ')),
)


def own_report(head: bytes) -> str:
    """What kind of ethicscan report ``head`` (a file's first bytes) opens, or ""."""
    head = head[:HEAD]
    if head.startswith((b"severity,", b'{"rule": ')):
        return next((kind for kind, mark in _HEADERS if mark.match(head)), "")
    if b"ethicscan" not in head:
        return ""
    return next((kind for kind, mark in _MARKS if mark.search(head)), "")
