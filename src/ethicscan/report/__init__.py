"""Reporters: each renders a ScanResult to text.  One entry per output format."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Style:
    """What a reporter may be told besides the result."""

    color: bool = False
    width: int = 160
    catalogue: Catalogue | None = None  # the rules SARIF lists (default: the built-in ones)


# One reporter per output format.
REPORTERS: dict[OutputFormat, Callable[[ScanResult, Style], str]] = {
    OutputFormat.TABLE: lambda r, s: table_report.render(r, width=s.width, color=s.color),
    OutputFormat.JSON: lambda r, _s: json_report.render(r),
    OutputFormat.JSONL: lambda r, _s: jsonl_report.render(r),
    OutputFormat.CSV: lambda r, _s: csv_report.render(r),
    OutputFormat.SARIF: lambda r, s: sarif_report.render(r, s.catalogue),
    OutputFormat.GITHUB: lambda r, _s: github_report.render(r),
    OutputFormat.HTML: lambda r, _s: html_report.render(r),
}


def reporter(
    fmt: OutputFormat,
    color: bool = False,
    width: int = 160,
    catalogue: Catalogue | None = None,
) -> Callable[[ScanResult], str]:
    """The renderer for ``fmt``; ``catalogue`` (default: the built-in one) names the
    rules that SARIF lists."""
    render, style = REPORTERS[fmt], Style(color, width, catalogue)
    return lambda r: render(r, style)


def reporter_parts(
    fmt: OutputFormat,
    color: bool = False,
    width: int = 160,
    catalogue: Catalogue | None = None,
) -> Callable[[ScanResult], Iterable[str]]:
    """:func:`reporter`, its text given in parts (joined: the same text) for a writer
    to write a few at a time: the JSON report's findings one a part, each made as it is
    asked for; any other report whole."""
    if fmt is OutputFormat.JSON:
        return json_report.render_parts
    render = reporter(fmt, color, width, catalogue)
    return lambda r: [render(r)]
