"""Whether a group's name is part of a place's, a language's or an organisation's name
(``capability._names_no_people``) is asked once for each text around the name with its
digits written as zeros, where the catalogue's entity words hold no digit
(``Entities.digit_blind``): a log's records ask it once a shape, not once a record, and
every answer is the one the exact text gives."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify import capability
from ethicscan.classify.analyse import analyse
from ethicscan.classify.capability import SharedWork
from ethicscan.classify.document import Document
from ethicscan.model import Trait
from ethicscan.rules.catalogue import Catalogue, Entities, Term, TermKind, load_catalogue
from hitfixtures import hits_of


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(())


def _zeroed(text: str) -> str:
    return text.translate(str.maketrans("123456789", "000000000"))


def _group_term(catalogue: Catalogue, text: str) -> Term:
    """The catalogue's term ``text`` that ``_names_no_people`` reads around."""
    for key in catalogue.terms.keys:
        t = key.payload
        if (
            isinstance(t, Term)
            and t.text.lower() == text
            and t.kind in (TermKind.GROUP, TermKind.WORD)
            and t.trait in (Trait.ETHNIC_GROUP, Trait.ETHNICITY, Trait.RELIGION)
            and t.capability is None
        ):
            return t
    raise AssertionError(f"no group term {text!r}")


def test_the_shipped_entity_words_hold_no_digit(catalogue: Catalogue) -> None:
    assert catalogue.entities.digit_blind
    assert not Entities().digit_blind  # (unknown words: read exactly)


def test_an_entity_word_with_a_digit_reads_digits_exactly() -> None:
    assert not Entities.of({"en_after": ["route 66"]}).digit_blind
    assert not Entities.of({"zh_org": ["第1中学"]}).digit_blind
    assert Entities.of({"en_after": ["route"], "zh_org": ["中学"]}).digit_blind


_PIECES = [
    " ",
    "  ",
    "\t",
    "\n",
    "_",
    "-",
    "(",
    ":",
    "=",
    '"',
    "'",
    "/nz",
    "0",
    "7",
    "42",
    "1999",
    "3.5",
    "a1",
    "x",
    "The ",
    "of ",
    "the ",
    "language",
    "Language",
    "Language-Team",
    "lang",
    "script",
    "LETTER",
    " LETTER",
    " DIGIT",
    " SUBJOINED",
    "TIBETAN",
    "translated into",
    "University",
    "League",
    "World",
    "Muslim",
    "Inc",
    "族",
    "自治区",
    "维吾尔",
    "语",
    "协会",
    "第",
    "路",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(
    _TEXTS,
    _TEXTS,
    st.sampled_from(["en", "zh"]),
    st.booleans(),
)
def test_the_shipped_entities_read_every_digit_alike(
    before: str, after: str, lang: str, capital: bool
) -> None:
    entities = load_catalogue(()).entities
    exact = entities.names_no_people(before, after, lang, capital)
    assert exact == entities.names_no_people(_zeroed(before), _zeroed(after), lang, capital)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXTS, st.sampled_from(["uyghur", "Uyghur"]), _TEXTS), min_size=1))
def test_asked_once_a_shape_each_answer_is_the_exact_one(
    rows: list[tuple[str, str, str]],
) -> None:
    catalogue = load_catalogue(())
    term = _group_term(catalogue, "uyghur")
    text = "".join(f"{a}{w}{b}\n" for a, w, b in rows)
    doc = Document(text, "logs/people.log", catalogue, "")
    work = SharedWork()
    for word in ("uyghur", "Uyghur"):
        for hit in hits_of(doc, term, word):
            assert capability._names_no_people(doc, hit, work) == capability._names_no_people(
                doc, hit
            )


def test_a_catalogue_whose_words_hold_digits_is_asked_each_time(catalogue: Catalogue) -> None:
    """Two names whose texts differ only in a digit of an entity word: each its own
    answer, though with digits as zeros they read alike."""
    entities = Entities.of({"en_after": ["route 66"]})
    assert entities.names_no_people("", " route 66", "en")
    assert not entities.names_no_people("", " route 67", "en")
    custom = replace(catalogue, entities=entities)
    term = _group_term(catalogue, "uyghur")
    pad = " " * 60
    doc = Document(f"{pad}uyghur route 66{pad}uyghur route 67{pad}\n", "a.log", custom, "")
    work = SharedWork()
    first, second = hits_of(doc, term, "uyghur")
    assert capability._names_no_people(doc, first, work)
    assert not capability._names_no_people(doc, second, work)


def test_a_log_asks_once_for_each_shape_around_a_name(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 records whose ids and ages differ: the entities are asked of a few dozen
    texts around ``ethnicity``, not once a record; the findings are those found with
    every text asked."""
    rng = random.Random(5)
    text = "".join(
        json.dumps(
            {
                "face_id": i,
                "age": rng.randint(1, 90),
                "race": rng.choice(("asian", "black")),
                "ethnicity": rng.choice(("asian", "white")),
            }
        )
        + "\n"
        for i in range(2000)
    )
    asked: list[str] = []
    real = Entities.names_no_people

    def counting(self: Entities, before: str, after: str, lang: str, capital: bool = False) -> bool:
        asked.append(after)
        return real(self, before, after, lang, capital)

    monkeypatch.setattr(Entities, "names_no_people", counting)
    found = analyse(text, "logs/faces.jsonl", catalogue)
    assert 0 < len(asked) < 200
    exact = capability._names_no_people
    monkeypatch.setattr(capability, "_names_no_people", lambda doc, hit, work=None: exact(doc, hit))
    assert analyse(text, "logs/faces.jsonl", catalogue) == found
