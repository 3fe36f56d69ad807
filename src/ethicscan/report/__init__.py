"""Reporters: each renders a ScanResult to text.  One entry per output format."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from ethicscan.model import ScanResult
from ethicscan.report import json as json_report
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


def _module(name: str) -> Any:
    """The reporter module ``name``, imported when its format is first asked for: a
    scan imports only the one it writes (the table's and the HTML's import rich and
    html, SARIF's importlib.metadata: some 40 ms of a command's start)."""
    return import_module(f"ethicscan.report.{name}")


# One reporter per output format.
REPORTERS: dict[OutputFormat, Callable[[ScanResult, Style], str]] = {
    OutputFormat.TABLE: lambda r, s: _module("table").render(r, width=s.width, color=s.color),
    OutputFormat.JSON: lambda r, _s: json_report.render(r),
    OutputFormat.JSONL: lambda r, _s: _module("jsonl").render(r),
    OutputFormat.CSV: lambda r, _s: _module("csv").render(r),
    OutputFormat.SARIF: lambda r, s: _module("sarif").render(r, s.catalogue),
    OutputFormat.GITHUB: lambda r, _s: _module("github").render(r),
    OutputFormat.HTML: lambda r, _s: _module("html").render(r),
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
