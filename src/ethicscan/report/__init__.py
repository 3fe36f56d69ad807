"""Reporters: each renders a ScanResult to text.  One entry per output format."""

from __future__ import annotations

import enum
from collections.abc import Callable

from ethicscan.model import ScanResult
from ethicscan.report import json as json_report
from ethicscan.report import table as table_report


class OutputFormat(str, enum.Enum):
    TABLE = "table"
    JSON = "json"


def reporter(
    fmt: OutputFormat, color: bool = False, width: int = 160
) -> Callable[[ScanResult], str]:
    if fmt is OutputFormat.TABLE:
        return lambda r: table_report.render(r, width=width, color=color)
    if fmt is OutputFormat.JSON:
        return json_report.render
    raise AssertionError(f"no reporter for {fmt}")  # pragma: no cover - tested exhaustively
