"""JSON Lines (``--format jsonl``): one finding a line, the same objects as the JSON
report's ``findings``, then one last line with everything else, so that a consumer
reading line by line drops nothing::

    {"rule": "race-attribute", "trait": "race", ...}
    {"summary": {"schema_version": ..., "tool": ..., "started": ..., "targets": ...,
     "stats": ...}, "skipped": [...], "warnings": [...]}

Each line is one JSON document on one line: characters that some readers take for a
line break (U+0085, U+2028, U+2029; JSON escapes the control characters itself) are
written as escapes.
"""

from __future__ import annotations

import json
from typing import Any

from ethicscan.model import ScanResult
from ethicscan.report.json import finding_dict, to_dict, valid

_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def line(obj: dict[str, Any]) -> str:
    return json.dumps(valid(obj), ensure_ascii=False).translate(_BREAKS) + "\n"


def summary_dict(result: ScanResult) -> dict[str, Any]:
    """The last line: the report's other fields (the schema's ``jsonlSummary``)."""
    doc = to_dict(result)
    summary = {k: doc[k] for k in ("schema_version", "tool", "started", "targets", "stats")}
    return {"summary": summary, "skipped": doc["skipped"], "warnings": doc["warnings"]}


def render(result: ScanResult) -> str:
    return "".join(line(finding_dict(f)) for f in result.findings) + line(summary_dict(result))
