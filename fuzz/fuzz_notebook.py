"""atheris: the Jupyter notebook extractor, called directly (only the exceptions of
its contract) and through the explorer (only texts and skipped entries)."""

from __future__ import annotations

import contextlib

import atheris
from _harness import TOLERATED, explore, main

with atheris.instrument_imports():
    from ethicscan.extract.notebook import extract_notebook

CASES = (("a.ipynb", extract_notebook),)


def test_one_input(data: bytes) -> None:
    name, extract = CASES[data[0] % len(CASES)] if data else CASES[0]
    body = data[1:]
    with contextlib.suppress(TOLERATED):
        extract(body, name)
    explore(name, body)


if __name__ == "__main__":
    main(test_one_input)
