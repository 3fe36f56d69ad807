"""Lines of a text are split out a block at a time as they are asked for
(document.Lines); every answer must be what splitting the whole text at once gives."""

from __future__ import annotations

import bisect
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify.document import Document, Lines
from ethicscan.rules.catalogue import load_catalogue

CAT = load_catalogue(())
TEXT = st.lists(st.sampled_from(["\n", "\r\n", "ab", "x", "", "中", "\n\n", " "]), max_size=80).map(
    "".join
)


def _starts(text: str) -> list[int]:
    out = [0]
    for i, c in enumerate(text):
        if c == "\n":
            out.append(i + 1)
    return out


@settings(max_examples=300)
@given(TEXT, st.integers(1, 9))
def test_blocks_answer_as_the_whole_text_split(text: str, block: int) -> None:
    lines = Lines(text, block)
    starts = _starts(text)
    whole = text.split("\n")
    assert lines.count == len(starts) == len(whole)
    for i in reversed(range(lines.count)):  # any order: blocks are split as asked
        assert lines.start(i) == starts[i]
        assert lines.text_of(i) == whole[i]
        assert lines.end(i) == starts[i] + len(whole[i])
    for pos in range(len(text) + 1):
        assert lines.of(pos) == bisect.bisect_right(starts, pos) - 1
    for first in range(lines.count):
        for last in range(first, lines.count):
            assert lines.between(first, last) == whole[first : last + 1]


def test_a_large_text_splits_only_the_blocks_asked_for() -> None:
    text = "".join(f"line {n}\n" for n in range(200_000))  # about 2.3 MB
    doc = Document(text, "big.js", CAT)
    pos = text.index("line 150000\n")
    assert doc.line_of(pos) == 150_000
    assert doc.line_text(150_000) == "line 150000"
    assert doc.line_start(150_001) == pos + len("line 150000\n")
    assert doc.line_count == 200_001
    assert len(doc.lines._breaks) <= 2  # of about 36 blocks


_RT = re.compile(r'"resourceType"\s*:\s*"(\w+)"')  # as a line is searched on its own
_RT_IN_LINE = re.compile(r'"resourceType"[^\S\n]*:[^\S\n]*"(\w+)"')
PIECES = st.sampled_from(
    ['"resourceType": "Patient"', '"resourceType":"SearchParameter"', '"resourceType":', "\n",
     ' "X"', "ab ", '"resourceType" \r: "Obs"', "\t", "\r\n", "zz" * 5]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(PIECES, max_size=40).map("".join), st.integers(4, 60))
def test_head_matches_are_each_lines_head_searched(text: str, width: int) -> None:
    """One pass over the text finds, for each line, what searching the first ``width``
    characters of that line alone finds (the first match, or none)."""
    doc = Document(text, "r.json", CAT)
    lines, found = doc.line_head_matches(_RT_IN_LINE, width)
    got = dict(zip(lines, (m.group(1) for m in found), strict=True))
    want = {}
    for i in range(doc.line_count):
        start = doc.line_start(i)
        m = _RT.search(text[start : min(doc.lines.end(i), start + width)])
        if m:
            want[i] = m.group(1)
    assert got == want
    assert doc.line_head_matches(_RT_IN_LINE, width)[0] is lines  # kept, not found again
