"""Jupyter notebooks (``.ipynb``): each cell's source read as what it is, at its own
line of the file.

A notebook is JSON, and read as it is its code is a column of string literals: a
``df[df.race == r]`` in a cell is a quoted ``"    df[df.race == r]\\n",``, its comments
and its markdown more literals beside it.  nbformat writes one key a line and a cell's
source as a list of strings, one a line of the cell; so each of those lines is decoded
in place: a code cell's line becomes the code it holds, a markdown or raw cell's line a
comment of that text (``# ## Search rates by race``).  Every other line (the cells'
outputs, their metadata, the notebook's) stays as it is, so a finding's line is the
file's, and the outputs' tables are read as entries, as before; but an output's
picture (base64 on one line) is blanked.

The text is of kind :attr:`TextKind.NOTEBOOK`, read as a Python module.  A notebook
written otherwise (minified, a source as one string) keeps those lines as they are.
"""

from __future__ import annotations

import json
import re

from ethicscan.extract.units import Extracted, Segment
from ethicscan.kinds import TextKind

# A cell's kind: nbformat sorts a cell's keys, so it stands above the cell's source.
_CELL_TYPE = re.compile(r'^\s*"cell_type"\s*:\s*"(\w+)"\s*,?\s*$')
_SOURCE_OPENS = re.compile(r'^\s*"source"\s*:\s*\[\s*$')
# A line of the source: one JSON string, then a comma unless it is the last.
_SOURCE_LINE = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s*,?\s*$')
_SOURCE_CLOSES = re.compile(r"^\s*\]\s*,?\s*$")
# An output's picture, sound or document, base64 on one line: no text, blanked
_BINARY_OUTPUT = re.compile(
    r'^\s*"(?:image|audio|video)/[\w.+-]+"\s*:\s*"|^\s*"application/pdf"\s*:\s*"'
)


def notebook_text(text: str) -> str:
    """``text`` with each line of a cell's source replaced by the line it holds: code as
    it is, markdown and raw text after ``# ``.  Nothing else moves."""
    lines = text.split("\n")
    cell = ""
    i, n = 0, len(lines)
    while i < n:
        if m := _CELL_TYPE.match(lines[i]):
            cell = m.group(1)
        elif _BINARY_OUTPUT.match(lines[i]):
            lines[i] = ""
        elif cell and _SOURCE_OPENS.match(lines[i]):
            i += 1
            while i < n and not _SOURCE_CLOSES.match(lines[i]):
                held = _held(lines[i])
                if held is None:
                    break  # not one string a line: the rest stays as it is
                lines[i] = held if cell == "code" else "# " + held
                i += 1
            cell = ""
            continue
        i += 1
    return "\n".join(lines)


def _held(line: str) -> str | None:
    """The line of a cell that the JSON string on ``line`` holds, or None when ``line``
    is not one such string."""
    m = _SOURCE_LINE.match(line)
    if m is None:
        return None
    try:
        held = json.loads(m.group(1))
    except ValueError:
        return None
    if not isinstance(held, str):
        return None
    # one line of the cell, its line break at its end (a break inside it, which
    # nbformat never writes, is read as a space: the file's lines stay its lines)
    return held.rstrip("\r\n").replace("\r", " ").replace("\n", " ")


def extract_notebook(data: bytes, name: str) -> Extracted:
    return Extracted(
        (Segment(notebook_text(data.decode("utf-8", errors="replace"))),),
        kind=TextKind.NOTEBOOK,
    )
