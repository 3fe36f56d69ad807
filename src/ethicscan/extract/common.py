"""Small helpers the document extractors share."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def prose_hint(name: str) -> str:
    """The hint that makes the classifier read a document's text as prose
    (``spec.pdf`` -> ``spec.pdf.txt``)."""
    base = name.rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    return f"{base}.txt"


def clean(text: str) -> str:
    """Unix line ends, and control characters (not tabs) turned into spaces."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1-3, 5"``."""
    parts: list[str] = []
    first = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(first) if first == prev else f"{first}-{prev}")
        if n is not None:
            first = prev = n
    return ", ".join(parts)
