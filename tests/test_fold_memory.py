"""Whether a text holds a word in any case (``Document.holds(word, folded=True)``) is
read a block at a time, not from a low-cased copy of the whole text kept with it: a
binary's strings (name2nat's pickle, an APK's DEX files) are tens of MB of text, and
that copy, kept while the text's hits were classified, raised a worker's peak by 30
to 50 MB."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify import document
from ethicscan.classify.document import Document
from ethicscan.rules.catalogue import load_catalogue
from ethicscan.rules.matcher import lower_same_length

_PIECES = st.sampled_from(
    ["column", "Column", "COLUMN", "cOlUmN", "colum", "n", "olumn", "c", " ", "\n", "é",
     "\u0130", "\u212a", "\U0001f600", "ß", "x"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.integers(1, 9))
def test_a_word_in_any_case_is_found_a_block_at_a_time_as_in_the_whole_low_text(
    text: str, block: int
) -> None:
    """The same answer as the whole text low-cased (``lower_same_length``: Unicode's
    lower case, or ASCII's where Unicode's would change the length), with blocks of 1
    to 9 characters, a word cut at every place by them, "\\u0130" and the Kelvin sign
    (the only characters low-cased to ASCII letters) in the text or not."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(document, "FOLD_BLOCK", block)
        for word in ("column", "olu", "n", "mn c"):
            assert document.holds_folded(text, word) == (word in lower_same_length(text)), (
                word,
                text,
            )


def test_a_large_text_is_not_low_cased_whole_to_find_a_word_in_any_case() -> None:
    """A text of 4 M characters, one astral (4 bytes a character: 16 MB): asking
    whether it holds "column" in any case traced 16 MB before (the whole text low-cased,
    and kept); now a block's copies, and the document holds no low-cased text."""
    text = ("face_id race ethnicity 12 " * 160_000)[:4_000_000] + "\U0001f600 cOLumn"
    doc = Document(text, "model.pkl", load_catalogue(()), "")
    tracemalloc.start()
    try:
        found = doc.holds("column", folded=True)
        absent = doc.holds("columns", folded=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found and not absent
    assert peak < 4 * 1024 * 1024, peak
    assert not doc.lowered
    # a word with "i" or "k" reads the whole low-cased text: the same answer as before
    assert doc.holds("ethnicity", folded=True) and doc.lowered
