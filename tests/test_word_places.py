"""A definition's callers (``Document.connected``) are looked for where its name stands
(``word_places``: ``str``'s search, then the expression at each place), not by the
expression at every place of the module: in a generated module of 3 MB (a cloud SDK's
``models.py``, thousands of classes) each name cost 56 ms, 0.75 CPU s of the dense
corpus's scan."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify import document
from ethicscan.classify.document import Document
from ethicscan.rules.catalogue import load_catalogue

_PIECES = st.sampled_from(
    ["race", "Race", "race_", "_race", "races", "xrace", "ra", "ce", " ", ".", "(", "\n",
     "é", "raceé", "1", "_", "顔race", "race顔", "\u0130"]
)  # fmt: skip
_WORDS = st.sampled_from(["race", "race_", "_race", "ra", "e", "raceé", "é", "a.b", ""])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), _WORDS)
def test_a_words_places_are_the_expressions(text: str, word: str) -> None:
    want = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text)]
    assert list(document.word_places(text, word)) == want


def test_a_definitions_callers_are_found_by_their_names_places(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The callers of a function two deep, read by ``word_places``: the same spans."""
    code = (
        "def face_race(img):\n    return model(img).race\n\n\n"
        "def classify(img):\n    return face_race(img)\n\n\n"
        "def face_races(imgs):\n    return [classify(i) for i in imgs]\n\n\n"
        "def other():\n    return 1\n"
    )
    asked: list[str] = []
    real = document.word_places

    def counting(text: str, word: str) -> Iterator[int]:
        asked.append(word)
        return real(text, word)

    monkeypatch.setattr(document, "word_places", counting)
    doc = Document(code, "faces.py", load_catalogue(()), "")
    assert doc.connected(1) == [(0, 3), (4, 7), (8, 11)]
    assert asked == ["face_race", "classify"]
