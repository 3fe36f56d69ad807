"""Reporters: each renders a ScanResult to text.  One entry per output format."""

from __future__ import annotations

import enum
from collections.abc import Callable

from ethicscan.model import ScanResult
from ethicscan.report import csv as csv_report
from ethicscan.report import github as github_report
from ethicscan.report import html as html_report
from ethicscan.report import json as json_report
from ethicscan.report import jsonl as jsonl_report
from ethicscan.report import sarif as sarif_report
from ethicscan.report import table as table_report
from ethicscan.rules.catalogue import Catalogue


class OutputFormat(str, enum.Enum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    SARIF = "sarif"
    GITHUB = "github"
    HTML = "html"


def reporter(
    fmt: OutputFormat,
    color: bool = False,
    width: int = 160,
    catalogue: Catalogue | None = None,
) -> Callable[[ScanResult], str]:
    """The renderer for ``fmt``; ``catalogue`` (default: the built-in one) names the
    rules that SARIF lists."""
    if fmt is OutputFormat.TABLE:
        return lambda r: table_report.render(r, width=width, color=color)
    if fmt is OutputFormat.JSON:
        return json_report.render
    if fmt is OutputFormat.JSONL:
        return jsonl_report.render
    if fmt is OutputFormat.CSV:
        return csv_report.render
    if fmt is OutputFormat.SARIF:
        return lambda r: sarif_report.render(r, catalogue)
    if fmt is OutputFormat.GITHUB:
        return github_report.render
    if fmt is OutputFormat.HTML:
        return html_report.render
    raise AssertionError(f"no reporter for {fmt}")  # pragma: no cover - tested exhaustively
