"""Shared by the atheris harnesses: run a target, and explore bytes as a file would be.

Each harness is a libFuzzer binary in Python: ``python fuzz/fuzz_X.py [CORPUS_DIR ...]
[-max_total_time=S] [-artifact_prefix=DIR/]``.  A crash is any exception that is not part
of the code's contract; libFuzzer saves the input that caused it.  ``.ci/run`` runs each
harness for a bounded time over seeds from ``fuzz/make_seeds.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence

import atheris

with atheris.instrument_imports():
    from ethicscan.extract.explore import Budget, Explorer
    from ethicscan.extract.units import Blob, ExtractError, Limits, Scratch, TextUnit
    from ethicscan.model import Skipped
    from ethicscan.rules.catalogue import load_catalogue
    from ethicscan.rules.prefilter import prefilter_for

# What an extractor may raise: the explorer turns these into skipped entries.
TOLERATED = (ExtractError, ValueError, KeyError, IndexError, EOFError, OSError, RecursionError)
CATALOGUE = load_catalogue(())
PREFILTER = prefilter_for(CATALOGUE)
LIMITS = Limits(max_expanded=64 * 1024 * 1024, max_member_size=8 * 1024 * 1024)


def explore(name: str, data: bytes) -> list[TextUnit | Skipped]:
    """Explore ``data`` as the file ``name``: only texts and skipped entries may come
    out, and the scratch folder (in a temporary folder of its own) must be removed."""
    parent = tempfile.mkdtemp(prefix="ethicscan-fuzz-")
    old, tempfile.tempdir = tempfile.tempdir, parent
    scratch = Scratch()
    explorer = Explorer(LIMITS, scratch, PREFILTER)
    try:
        units = list(explorer.explore(name, Blob(len(data), data), Budget(LIMITS)))
    finally:
        scratch.close()
        tempfile.tempdir = old
        left = os.listdir(parent)
        shutil.rmtree(parent, ignore_errors=True)
    if left:
        raise AssertionError(f"scratch left behind: {left}")
    for unit in units:
        if not isinstance(unit, (TextUnit, Skipped)):
            raise AssertionError(f"unexpected {type(unit).__name__}")
        unit.path.encode("utf-8")
    return units


def main(test_one_input: Callable[[bytes], None]) -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


def fuzz_readers(cases: Sequence[tuple[str, Callable[[bytes, str], object]]]) -> None:
    """The harness of readers: an input's first byte picks a file name and its reader
    from ``cases``; the reader is called on the rest directly (only the exceptions of
    its contract may come out), and the rest is explored as that file."""

    def test_one_input(data: bytes) -> None:
        name, extract = cases[data[0] % len(cases)] if data else cases[0]
        body = data[1:]
        with contextlib.suppress(TOLERATED):
            extract(body, name)
        explore(name, body)

    main(test_one_input)
