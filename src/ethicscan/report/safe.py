"""Scanned text as it may be shown: apart from the table's report, which imports rich."""

from __future__ import annotations


def safe_text(s: str) -> str:
    """Scanned text never reaches the terminal raw: control characters are shown escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in s)
