"""ethicscan: find where software sorts people by race, skin colour, ethnicity,
religion and other protected traits, with evidence."""

from __future__ import annotations

__version__ = "0.1.0"

from ethicscan.api import ScanOptions, scan, scan_text
from ethicscan.model import (
    Basis,
    Capability,
    Finding,
    ScanResult,
    Severity,
    Skipped,
    Trait,
)

__all__ = [
    "Basis",
    "Capability",
    "Finding",
    "ScanOptions",
    "ScanResult",
    "Severity",
    "Skipped",
    "Trait",
    "__version__",
    "scan",
    "scan_text",
]
