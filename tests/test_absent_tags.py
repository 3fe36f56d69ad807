"""A text that holds no ``<`` opens no tag, element or label on any line
(``Document.holds_tags``), and one without "enum", "Enum" or "class", "column" or "="
(``Document.holds``) has no enumeration, column's doc or parameter's default: what
reads them around a hit answers nothing there without reading the lines, and answers
as before wherever they stand."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify import capability
from ethicscan.classify.analyse import analyse
from ethicscan.classify.document import Document
from ethicscan.rules.catalogue import Catalogue, Term, TermKind, load_catalogue
from hitfixtures import Counting, hits_of


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(())


_LINES = [
    '<el-select v-model="queryParams.race" placeholder="race">',
    '<el-select v-model="advanceQueryParams.ethnic">',
    '  <el-option v-for="item in options.race" :key="item" :label="race" />',
    "</el-select>",
    '<el-form-item label="race">',
    "<label>race</label>",
    "<label>ethnicity</label>",
    '<input name="race" />',
    '  placeholder="race"',
    '  :search="queryParams.race">',
    "race:",
    "ethnicity = {",
    '  "race": "asian",',
    '{"face_id": 12, "race": "black", "ethnicity": "white"}',
    "query.race = race",
    "params.race",
    "  in: query",
    "}",
    "",
]
_TEXTS = st.lists(st.sampled_from(_LINES), min_size=1, max_size=14).map("\n".join)
_SUFFIXES = st.sampled_from(["a.vue", "a.html", "a.yaml", "a.json", "a.py", "logs/a.jsonl"])


def _term(catalogue: Catalogue, text: str) -> Term:
    return next(
        k.payload
        for k in catalogue.terms.keys
        if isinstance(k.payload, Term) and k.payload.text.lower() == text
    )


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _SUFFIXES)
def test_a_text_without_a_tag_reads_as_one_read_line_by_line(text: str, path: str) -> None:
    """Each function's answer is the one it gives reading every line (``holds_tags``
    taken as true), with tags in the text and without."""
    catalogue = load_catalogue(())
    for plain in (text, text.replace("<", "")):
        doc = Document(plain, path, catalogue, "")
        ref = Document(plain, path, catalogue, "")
        ref.__dict__["holds_tags"] = True  # the lines read whatever the text holds
        assert doc.holds_tags == ("<" in plain)
        term = _term(catalogue, "race")
        for hit in hits_of(doc, term, "race"):
            for f in (capability._option_of_a_query_select, capability._tag_opened_above):
                assert f(doc, hit) == f(ref, hit)
        for i in range(doc.line_count):
            line = doc.line_text(i)
            assert capability._declared_below(doc, i, line) == capability._declared_below(
                ref, i, line
            )


def test_a_log_without_a_tag_reads_no_line_for_one(catalogue: Catalogue) -> None:
    """A log of face records: no line around a hit is read for a drop-down's option or a
    tag's attributes, no line for a label element; its findings are those found reading
    them."""
    text = "".join(
        json.dumps({"face_id": i, "race": "asian", "ethnicity": "white", "q": "search"}) + "\n"
        for i in range(300)
    )
    read: list[str] = []
    real_near = capability._line_near
    real_searched = capability._searched
    labels = (capability._LABEL_ELEMENT, capability._OPENS_SELECT, capability._FORM_ITEM_LABEL)

    def near(doc: Document, i: int, pos: int) -> str:
        read.append("near")
        return real_near(doc, i, pos)

    def searched(pattern: Any, line: str) -> Any:
        if pattern in labels:
            read.append("label")
        return real_searched(pattern, line)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, "_searched", searched)
        found = analyse(text, "logs/faces.jsonl", catalogue)
        assert "label" not in read
        doc = Document(text, "logs/faces.jsonl", catalogue, "")
        hit = hits_of(doc, _term(catalogue, "race"), "race")[5]
        m.setattr(capability, "_line_near", near)
        read.clear()
        assert capability._option_of_a_query_select(doc, hit) == ""
        assert capability._tag_opened_above(doc, hit) == ""
        assert read == []
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Document, "holds_tags", property(lambda self: True))
        assert analyse(text, "logs/faces.jsonl", catalogue) == found


# Lines of enumerations, columns' docs and parameters' defaults, and lines without them.
_WORD_LINES = [
    "enum RaceType {",
    "class EM_NATION_TYPE(IntEnum):",
    "    UNKNOWN = 0,",
    "    ASIAN = 1,  # race",
    "    OTHER = 2,",
    "typedef enum tagEM_RACE {",
    "}",
    "def load(path, race='race', ethnicity_col=\"ethnicity\"):",
    "function f(race = 'race') {",
    "    race_col: the name of the column holding race",
    "# Column name of the race",
    "COLUMN header for race",
    '{"face_id": 12, "race": "black", "ethnicity": "white"}',
    "race, ethnicity",
    "    race",
    "",
]
_WORD_TEXTS = st.lists(st.sampled_from(_WORD_LINES), min_size=1, max_size=14).map("\n".join)


def _everything(doc: Document) -> Document:
    """``doc`` as if it held every word (its lines then read for each)."""
    doc.holds = lambda word, folded=False: True  # type: ignore[method-assign]
    return doc


@settings(max_examples=300, deadline=None)
@given(_WORD_TEXTS, st.sampled_from(["a.py", "a.ts", "a.yaml", "logs/a.jsonl", "a.sql"]))
def test_a_text_without_a_word_reads_as_one_read_line_by_line(text: str, path: str) -> None:
    """An enumeration's members (``_ENUM_WORD``: "enum", "Enum", "class"), a column's doc
    ("column", in any case) and a parameter's default ("="): each answer is the one read
    from the lines, with those words in the text and without."""
    catalogue = load_catalogue(())
    cut = str.maketrans("", "", "=")
    for plain in (text, text.replace("num", "nun").replace("lass", "lase"), text.translate(cut)):
        for variant in (plain, plain.replace("olumn", "olumm").replace("OLUMN", "OLUMM")):
            doc = Document(variant, path, catalogue, "")
            ref = _everything(Document(variant, path, catalogue, ""))
            for word in ("race", "ethnicity"):
                for hit in hits_of(doc, _term(catalogue, word), word):
                    for f in (
                        capability._one_group_enum,
                        capability._names_a_column,
                        capability._a_default_column,
                    ):
                        assert f(doc, hit) == f(ref, hit), (f.__name__, variant)


def test_a_log_without_those_words_reads_no_line_for_them(catalogue: Catalogue) -> None:
    text = "".join(
        json.dumps({"face_id": i, "race": "asian", "ethnicity": "white"}) + "\n" for i in range(300)
    )
    doc = Document(text, "logs/faces.jsonl", catalogue, "")
    hit = hits_of(doc, _term(catalogue, "race"), "race")[5]
    read: list[str] = []

    with pytest.MonkeyPatch.context() as m:
        for name in ("_ENUM_WORD", "_COLUMN_DOC", "_DEFAULT_BEFORE", "_COLUMN_DEFAULT"):
            m.setattr(capability, name, Counting(getattr(capability, name), read))
        assert capability._one_group_enum(doc, hit) == ""
        assert capability._names_a_column(doc, hit) == ""
        assert not capability._a_default_column(doc, hit)
    assert read == []
    assert not doc.holds("enum") and not doc.holds("column", folded=True)
    assert doc.holds("race") and doc.holds("face_id")


# Lines of enumerations whose members say the recogniser could not tell the trait, and
# lines that hold the words of such a value elsewhere (or in another case).
_UNRECOGNISED_LINES = [
    "enum RaceType {",
    "class Race(IntEnum):",
    "Race = Enum('Race', 'ASIAN WHITE')",
    "    UNKNOWN = 0,",
    "    ASIAN = 1,  # race",
    "    NOT_RECOGNISED = 9,",
    "    UNRECOGNIZED = 8,",
    "    // 未识别",
    "    Undistinguishable = 7,",
    "}",
    "race: 0 亚洲 1 白人 9 未能识别",
    "race: asian, white, not distinguished",
    "RACE: NOT-RECOGNIZED",
    "ethnicity = 'Unrecognised'",
    '{"face_id": 12, "race": "black", "ethnicity": "white"}',
    '{"face_id": 3, "race": "asian", "ethnicity": "unknown"}',
    "race",
    "",
    "race: White, Non-White",
    "    NON_WHITE = 3,",
    "ethnicity = 'not Asian'",
    '{"race": "white", "group": "nonwhite"}',
    '{"race": "asian", "privileged_groups": "white"}',
]
_UNRECOGNISED_TEXTS = st.lists(st.sampled_from(_UNRECOGNISED_LINES), min_size=1, max_size=14).map(
    "\n".join
)
# Each word ``_UNRECOGNISED`` reads made another: "识别", "not" and "un" in any case gone
_NO_UNRECOGNISED = [("识别", "识字"), ("not", "nut"), ("NOT", "NUT"), ("un", "an")]
_NO_UNRECOGNISED += [("UN", "AN"), ("Un", "An"), ("Not", "Nut")]
_NO_UNRECOGNISED += [("non", "nun"), ("NON", "NUN"), ("Non", "Nun")]


def _label(catalogue: Catalogue, text: str) -> Term:
    return next(
        k.payload
        for k in catalogue.terms.keys
        if isinstance(k.payload, Term)
        and k.payload.text.lower() == text
        and k.payload.kind is TermKind.VALUE
    )


@settings(max_examples=300, deadline=None)
@given(_UNRECOGNISED_TEXTS, st.sampled_from(["a.py", "a.ts", "a.h", "logs/a.jsonl", "a.txt"]))
def test_an_unrecognised_value_reads_as_one_read_line_by_line(text: str, path: str) -> None:
    """A value "not recognised" (``_UNRECOGNISED``: "识别", "not", "un" in any case), an
    enumeration's head above a line (``_ENUM_WORD``: "enum", "Enum", "class") and a
    group's complement (``non-white``, ``not Asian``: "non" or "not" in any case): each
    answer is the one read from the lines, with those words in the text and without."""
    catalogue = load_catalogue(())
    gone = text
    for old, new in _NO_UNRECOGNISED:
        gone = gone.replace(old, new)
    # an enumeration's words: none, and each of the three alone
    cuts = {"enum": "enun", "Enum": "Enun", "class": "clase"}
    enums = [gone]
    for kept in (None, *cuts):
        variant = text
        for old, new in cuts.items():
            variant = variant if old == kept else variant.replace(old, new)
        enums.append(variant)
    for variant in (text, *enums):
        doc = Document(variant, path, catalogue, "")
        ref = _everything(Document(variant, path, catalogue, ""))
        for word in ("race", "ethnicity"):
            for hit in hits_of(doc, _term(catalogue, word), word):
                assert capability._unrecognised_value(doc, hit) == (
                    capability._unrecognised_value(ref, hit)
                ), variant
        for word in ("white", "asian"):  # a group's label set against the rest
            for hit in hits_of(doc, _label(catalogue, word), word):
                assert capability._set_against_the_rest(doc, hit) == (
                    capability._set_against_the_rest(ref, hit)
                ), variant
        for i in range(doc.line_count):
            assert capability._enum_head_above(doc, i) == capability._enum_head_above(ref, i)


def test_the_words_of_an_unrecognised_value_fold_to_ascii_only() -> None:
    """``Document.holds(word, folded=True)`` reads the text low-cased by ``str.lower``,
    ``_UNRECOGNISED`` by the expression's own case folding, which matches some letters
    with others beyond ASCII (``s`` with ``ſ``, ``k`` with the Kelvin sign): the letters of
    "not" and "un" match their two ASCII cases alone, so the two readings agree."""
    for letter in "notu":
        p = re.compile(letter, re.IGNORECASE)
        folded = [chr(c) for c in range(sys.maxunicode + 1) if p.fullmatch(chr(c))]
        assert folded == sorted({letter, letter.upper()}), letter


def test_a_log_reads_no_line_for_an_enumeration_or_an_unrecognised_value(
    catalogue: Catalogue,
) -> None:
    """A log's records each open with a brace, which an enumeration's body line may be:
    without "enum", "Enum" or "class" in the text no line above a hit is read for an
    enumeration's head (12 a hit before); without "识别", "not" or "un" no line is
    searched for a value "not recognised", and without "non" or "not" none around a
    label for its complement; the log's findings are those found reading them."""
    text = "".join(
        json.dumps({"face_id": i, "age": i % 90, "race": "asian", "ethnicity": "white"}) + "\n"
        for i in range(300)
    )
    doc = Document(text, "logs/faces.jsonl", catalogue, "")
    hit = hits_of(doc, _term(catalogue, "race"), "race")[20]
    read: list[str] = []

    with pytest.MonkeyPatch.context() as m:
        for name in ("_ENUM_WORD", "_ENUM_BODY_LINE", "_UNRECOGNISED"):
            m.setattr(capability, name, Counting(getattr(capability, name), read))
        assert capability._enum_head_above(doc, hit.line) is None
        assert capability._unrecognised_value(doc, hit) == ""
        found = analyse(text, "logs/faces.jsonl", catalogue)
    assert read == []
    # a label's complement (``non-asian``): no line around it read, its own line alone
    # (for a fairness toolkit's groups)
    label = hits_of(doc, _label(catalogue, "asian"), "asian")[20]
    real_near = capability._line_near
    near: list[int] = []

    def counting_near(doc: Document, i: int, pos: int) -> str:
        near.append(i)
        return real_near(doc, i, pos)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, "_line_near", counting_near)
        assert capability._set_against_the_rest(doc, label) == ""
    assert near == [label.line]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Document, "holds", lambda self, word, folded=False: True)
        assert analyse(text, "logs/faces.jsonl", catalogue) == found
