"""rules.matcher: one Aho-Corasick pass with identifier-aware boundaries."""

from __future__ import annotations

import pytest

from ethicscan.rules.matcher import (
    Key,
    Lexicon,
    Match,
    drop_contained,
    ends_word,
    lower_same_length,
    starts_word,
    variants,
)


def _lexicon(*texts: str) -> Lexicon[str]:
    keys: list[Key[str]] = []
    for text in texts:
        keys.extend(Key(v, text, v.isascii()) for v in variants(text))
    return Lexicon(keys)


def _found(lex: Lexicon[str], text: str) -> list[str]:
    """The matched slices of ``text``, in the original casing."""
    return [text[m.start : m.end] for m in lex.find(text)]


RACE = _lexicon("race")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("race", "race"),
        ("emRace", "Race"),
        ("RACE_TYPE", "RACE"),
        ("dominant_race", "race"),
        ("RaceClient", "Race"),
        ("HTMLRace", "Race"),
        ("race2", "race"),
        ("raceType", "race"),
        ("RACEType", "RACE"),
        ("EM_RACE_YELLOW", "RACE"),
        ("face.race = 1", "race"),
        ("face-race", "race"),
    ],
)
def test_race_matches_identifier_parts(text: str, expected: str) -> None:
    assert _found(RACE, text) == [expected]


@pytest.mark.parametrize(
    "text",
    ["trace", "brace", "grace", "racecar", "TRACE", "Trace", "embraced", "racer", "Racetrack"],
)
def test_race_never_matches_inside_a_word(text: str) -> None:
    assert _found(RACE, text) == []


def test_match_positions_point_into_the_original_text() -> None:
    text = "int trace; int emRace; /* race */"
    matches = RACE.find(text)
    assert [(m.start, m.end) for m in matches] == [(17, 21), (26, 30)]
    assert all(m.key.payload == "race" for m in matches)


def test_variants_of_a_multi_word_term() -> None:
    assert variants("skin colour") == ["skincolour", "skin_colour", "skin-colour", "skin colour"]
    assert variants("Race") == ["race"]
    assert variants("肤色") == ["肤色"]


@pytest.mark.parametrize(
    "text",
    ["SkinColour", "skin_colour", "skin-colour", "skin colour", "SKIN_COLOUR", "emSkinColour"],
)
def test_multi_word_variants_match(text: str) -> None:
    lex = _lexicon("skin colour")
    matches = lex.find(text)
    assert len(matches) == 1
    found = text[matches[0].start : matches[0].end]
    assert "".join(c for c in found if c.isalpha()).lower() == "skincolour"


@pytest.mark.parametrize("text", ["foreskin colour", "skin colours", "skincolourful"])
def test_multi_word_variants_respect_boundaries(text: str) -> None:
    assert _found(_lexicon("skin colour"), text) == []


def test_cjk_not_after() -> None:
    lex = Lexicon([Key("维族", "uyghur", False, not_after=("运",))])
    assert _found(lex, "运维族") == []  # an ops team, not Uyghurs
    assert _found(lex, "维族告警") == ["维族"]
    assert _found(lex, "是否维族") == ["维族"]


def test_cjk_not_before() -> None:
    lex = Lexicon([Key("维吾尔", "uyghur", False, not_before=("自治",))])
    assert _found(lex, "新疆维吾尔自治区") == []  # an address, not people
    assert _found(lex, "维吾尔族") == ["维吾尔"]


def test_cjk_keys_need_no_word_boundary() -> None:
    lex = Lexicon([Key("肤色", "skin", False)])
    assert _found(lex, "人脸肤色识别") == ["肤色"]


def test_empty_lexicon_finds_nothing() -> None:
    assert Lexicon[str]([]).find("race") == []


def test_empty_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty key"):
        Lexicon([Key("", "x", True)])


def test_two_payloads_for_one_key() -> None:
    lex = Lexicon([Key("race", "a", True), Key("race", "b", True)])
    assert sorted(m.key.payload for m in lex.find("race")) == ["a", "b"]


def _m(start: int, end: int, payload: str) -> Match[str]:
    return Match(start, end, Key("x" * (end - start), payload, False))


def test_drop_contained_keeps_the_longest() -> None:
    lex = Lexicon([Key("维族", "short", False), Key("维族告警", "long", False)])
    kept = drop_contained(lex.find("发送维族告警"))
    assert [(m.start, m.end, m.key.payload) for m in kept] == [(2, 6, "long")]


def test_drop_contained_multi_word() -> None:
    lex = _lexicon("latino", "latino hispanic")
    kept = drop_contained(lex.find("label = latino_hispanic"))
    assert [m.key.payload for m in kept] == ["latino hispanic"]


def test_drop_contained_keeps_disjoint_and_orders_by_start() -> None:
    kept = drop_contained([_m(10, 14, "c"), _m(0, 4, "a"), _m(1, 3, "inner"), _m(5, 8, "b")])
    assert [m.key.payload for m in kept] == ["a", "b", "c"]


def test_drop_contained_keeps_partial_overlaps() -> None:
    kept = drop_contained([_m(0, 4, "a"), _m(2, 6, "b")])
    assert [m.key.payload for m in kept] == ["a", "b"]


def test_lower_same_length_plain() -> None:
    assert lower_same_length("EmRace 种族") == "emrace 种族"


def test_lower_same_length_keeps_indexes_with_dotted_capital_i() -> None:
    text = "İstanbul: RACE İ race"
    assert len(text.lower()) != len(text)  # the case the function exists for
    low = lower_same_length(text)
    assert len(low) == len(text)
    assert low.count("race") == 2
    assert [low.index("race"), low.rindex("race")] == [10, 17]
    assert low[0] == "İ"


def test_find_with_dotted_capital_i_reports_original_positions() -> None:
    text = "İİİ emRace İ RACE_TYPE"
    found = _found(RACE, text)
    assert found == ["Race", "RACE"]


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("race", 0, True),
        ("trace", 1, False),
        ("emRace", 2, True),
        ("HTMLRace", 4, True),
        ("HTMLRACE", 4, False),
        ("_race", 1, True),
        ("2race", 1, True),
    ],
)
def test_starts_word(text: str, pos: int, expected: bool) -> None:
    assert starts_word(text, pos) is expected


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("race", 4, True),
        ("racecar", 4, False),
        ("raceType", 4, True),
        ("RACEType", 4, True),
        ("RACES", 4, False),
        ("race_x", 4, True),
        ("race2", 4, True),
    ],
)
def test_ends_word(text: str, end: int, expected: bool) -> None:
    assert ends_word(text, end) is expected


def test_prefilter_candidates_equal_the_automaton() -> None:
    """The matcher judges the candidates of the prefilter's pass (identifier starts
    built in) instead of walking the text; it must find exactly what the automaton
    finds, in the same order, look-alikes and Chinese included."""
    from pathlib import Path

    import yaml

    from ethicscan.rules.catalogue import load_default_catalogue
    from ethicscan.rules.prefilter import prefilter_for

    pytest.importorskip("hyperscan")
    cat = load_default_catalogue()
    pf = prefilter_for(cat).warm_up()
    root = Path(__file__).parent
    texts = []
    for f in sorted((root / "corpus").glob("*.yaml")):
        texts += [c["text"] for c in yaml.safe_load(f.read_text(encoding="utf-8"))]
    src = root.parent / "src"
    texts += [f.read_text(encoding="utf-8", errors="replace") for f in src.rglob("*.py")]
    texts.append("RACE_TYPE emRace HTMLRace TRACE raceCode race condition x.race=1 Race\n" * 40)
    texts.append("维族告警 运维族 emRace 民族 中华民族 种族 İstanbul race condition 肤色\n" * 30)
    checked = 0
    for text in texts:
        cands = pf.candidates(text)
        assert cands is not None
        fast = cat.terms.at(text, cands)
        low = lower_same_length(text)
        slow: list = []
        cat.terms._find(text, low, slow)
        assert fast == slow
        checked += 1
    assert checked > 250


def test_matches_are_made_slot_by_slot_as_the_constructor_makes_them() -> None:
    """``find``, ``at`` and ``find_by_lines`` make their matches with ``_MATCH`` (each
    slot set by its descriptor): equal to, hashed and shown as ``Match(...)``, frozen."""
    import dataclasses

    from ethicscan.rules import matcher

    text = "race = 1\nrace = 2\nrace = 3\n" * 100
    made: list[tuple[int, int]] = []
    real = matcher._MATCH

    def counting(start: int, end: int, key: Key[str]) -> Match[str]:
        made.append((start, end))
        return real(start, end, key)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(matcher, "_MATCH", counting)
        found = RACE.find(text)
        by_lines = RACE.find_by_lines(text, text, lambda ms: ms)
    assert by_lines is not None and by_lines[0] == found
    assert len(found) == 300
    assert len(made) == 2 * len(found) + 1  # (the line shape matched once, then copied)
    for got in found[:3]:
        plain = Match(got.start, got.end, got.key)
        assert type(got) is Match and got == plain and hash(got) == hash(plain)
        assert repr(got) == repr(plain)
        with pytest.raises(dataclasses.FrozenInstanceError):
            got.start = 0  # type: ignore[misc]
