"""Small helpers the document extractors share."""

from __future__ import annotations

import re

LONG = 256  # characters: a name or text longer than this is written in full once ...
SHORT = 64  # ... and cut to this (and an ellipsis) wherever else it is used

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


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


class Once:
    """Text read from one entry of a file's tables (a name, a descriptor's types, a
    shared string, an annotation), as a line shows it: in full the first time and,
    when longer than :data:`LONG` characters, cut to :data:`SHORT` and an ellipsis
    every later time.  A descriptor or string shared by many members costs its length
    once, not once per member; the text was read (and scanned) where it was written
    in full."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, text: str) -> str:
        if len(text) <= LONG:
            return text
        if text in self._seen:  # (a str caches its hash: shared entries hash once)
            return text[:SHORT] + "\u2026"
        self._seen.add(text)
        return text


def label(text: str, name: str = "") -> str:
    """A member label (``Class`` or ``Class.method``, given as ``text`` and ``name``)
    of at most :data:`LONG` characters and an ellipsis: labels are repeated on every
    line of a class."""
    if name:
        text = f"{text[: LONG + 1]}.{name[: LONG + 1]}"
    return text if len(text) <= LONG else text[:LONG] + "\u2026"
