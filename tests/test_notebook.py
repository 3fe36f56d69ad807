"""Jupyter notebooks: each cell's source read in place, as what it is
(extract/notebook.py), so a finding's line is the file's."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan import scan_text
from ethicscan.extract.notebook import extract_notebook, notebook_text
from ethicscan.kinds import TextKind


def _code(src: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": "c",
        "metadata": {},
        "outputs": outputs or [],
        "source": src.splitlines(keepends=True),
    }


def _markdown(src: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "m", "metadata": {}, "source": src.splitlines(True)}


def _notebook(*cells: dict[str, Any]) -> str:
    """A notebook laid out as nbformat writes one: keys sorted, one a line, indent 1."""
    nb = {
        "cells": list(cells),
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


STREAM = {"name": "stdout", "output_type": "stream", "text": ["year  ethnicity  searched\n"]}
PICTURE = {
    "data": {"image/png": "iVBORw0KGgo" + "A" * 400, "text/plain": ["<Figure>"]},
    "metadata": {},
    "output_type": "display_data",
}
CODE = (
    "import pandas as pd\n"
    "stops = pd.read_csv('stops.csv')\n"
    "# keep one group's stops\n"
    "hisp = stops[stops.ethnicity == 'Hispanic']\n"
)
NOTEBOOK = _notebook(
    _markdown("## Stops by ethnicity\nWe compare how often each group is searched.\n"),
    _code(CODE, [STREAM, PICTURE]),
)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def test_cells_are_read_in_place_and_the_rest_stays() -> None:
    read = notebook_text(NOTEBOOK)
    before, after = NOTEBOOK.split("\n"), read.split("\n")
    assert len(after) == len(before)
    assert "hisp = stops[stops.ethnicity == 'Hispanic']" in after
    assert "# keep one group's stops" in after
    assert "# ## Stops by ethnicity" in after  # markdown: a comment of its text
    assert '      "year  ethnicity  searched\\n"' in after  # an output stays JSON
    assert not any("iVBORw0KGgo" in line for line in after)  # a picture is blanked
    for i, (a, b) in enumerate(zip(before, after, strict=True)):
        if a != b:
            assert a.lstrip().startswith('"'), i  # only a cell's strings are replaced
    assert extract_notebook(NOTEBOOK.encode(), "a.ipynb").kind is TextKind.NOTEBOOK


def test_a_cells_filter_is_read_as_code_at_the_files_line() -> None:
    found = {(f.location.line, f.capability.value) for f in scan_text(NOTEBOOK, "a/stops.ipynb")}
    # (one group's records kept, its label written out: singled out, as code reads it)
    assert (_line_of(NOTEBOOK, "stops.ethnicity =="), "targeting") in found
    # the printed table's header is a record; the markdown heading says nothing done
    assert (_line_of(NOTEBOOK, "year  ethnicity"), "record") in found
    assert (_line_of(NOTEBOOK, "## Stops by ethnicity"), "mention") in found


def test_a_notebook_not_laid_out_one_line_a_string_stays_as_it_is() -> None:
    minified = json.dumps(json.loads(NOTEBOOK))
    assert notebook_text(minified) == minified
    as_one_string = _code(CODE) | {"source": CODE}  # nbformat allows a source as one string
    text = _notebook(as_one_string)
    assert notebook_text(text) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["code", "markdown", "raw"]),
)
def test_every_line_of_a_cell_is_the_line_it_holds(lines: list[str], kind: str) -> None:
    cell = {"cell_type": kind, "id": "x", "metadata": {}, "source": [f"{s}\n" for s in lines]}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    text = _notebook(cell)
    read = notebook_text(text).split("\n")
    assert len(read) == len(text.split("\n"))
    first = next(i for i, line in enumerate(text.split("\n")) if '"source": [' in line) + 1
    prefix = "" if kind == "code" else "# "
    assert read[first : first + len(lines)] == [prefix + s for s in lines]
