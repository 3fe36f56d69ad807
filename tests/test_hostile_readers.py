"""Hostile input for the readers of files: tables that share one entry many times
(class files, DEX), documents and archives that amplify memory under every limit,
and shapes that used to be dropped in silence.  Each case runs through the
``hostile`` fixture of tests/test_hostile.py (exit status, every output format,
time and peak RSS bounds, nothing left in the temporary folder); the inputs are
generated (tests/reader_corpus.py)."""

from __future__ import annotations

from pathlib import Path

import reader_corpus as R
from ethicscan.extract.dex import extract_dex
from ethicscan.extract.javaclass import extract_class
from test_hostile import Hostile, hostile, tree

__all__ = ["hostile"]


def _chars(segments: tuple[object, ...]) -> int:
    return sum(len(s.text) + len(s.member) for s in segments)  # type: ignore[attr-defined]


def test_class_and_dex_whose_members_share_one_descriptor(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a 69 KB class whose 500 methods share one descriptor of 65,000
    parameters took 23 s and 548 MB (the parameters were written out per method), and
    a DEX whose methods share one type list and whose string ids share one string's
    data took 31 s and 637 MB.  Each descriptor, type list and string is now read and
    written once: the text is linear in the file's size, and every method is there."""
    cls = R.shared_descriptor_class()
    dex = R.shared_table_dex()
    assert len(cls) < 80_000 and len(dex) < 200_000
    for data, read in ((cls, extract_class), (dex, extract_dex)):
        out = read(data, "x")
        assert _chars(out.segments) < 8 * len(data)
        assert not out.skipped
    methods = {s.member for s in extract_class(cls, "x").segments}
    assert len(methods) == 501  # the class and its 500 methods
    root = tree(tmp_path / "t", {"Bomb.class": cls, "classes.dex": dex})
    run = hostile(root, seconds=10, rss_mb=100)
    assert not run.result.skipped
    assert run.found == {"Bomb.class", "classes.dex"}
