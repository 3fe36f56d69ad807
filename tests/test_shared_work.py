"""The work the classifier shares between hits (``capability.shared_context``: one
context computed per distinct key) changes no finding: every shared answer equals the
one computed afresh, and a text classified with sharing gives exactly what it gives
without.  Each input of the context is varied from record to record below, so a key
that left one out would hand a record its neighbour's context.  Also the short cuts
the classifier takes per line (a value too short to be a sentence)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ethicscan.classify import capability
from ethicscan.classify.analyse import analyse
from ethicscan.classify.capability import Context, Hit, Scope
from ethicscan.classify.document import Document
from ethicscan.model import Capability, Finding
from ethicscan.rules.catalogue import Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(())


def _unshared(doc: Document, hit: Hit, scope: Scope, line: str) -> Context:
    return capability._context(doc, hit, scope, line)


def _both_ways(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, text: str, path: str
) -> tuple[list[Finding], list[Finding]]:
    """The findings of ``text`` with shared contexts and decisions (each checked
    against a fresh one), and without sharing."""
    with monkeypatch.context() as m:
        m.setattr(capability, "VERIFY_SHARED", True)
        shared = analyse(text, path, catalogue)
    with monkeypatch.context() as m:
        m.setattr(capability, "shared_context", _unshared)
        m.setattr(capability, "decision_key", lambda doc, hit: None)
        alone = analyse(text, path, catalogue)
    return shared, alone


def _records(n: int, seed: int) -> list[dict[str, object]]:
    """Face records whose every input of a hit's context varies: the words beside it
    (face, model, surveillance, declared, fairness, look-alike words), other traits and
    value labels on the line and the lines around (clusters, trait words), a sentence
    in a value (a dataset of texts), a comment marker before a hit."""
    rng = random.Random(seed)
    extras = [
        {},
        {"camera": "c1", "track_id": 3},
        {"predicted": True, "model": "v2"},
        {"consent": "self-reported", "form": "intake"},
        {"fairness_audit": "bias"},
        {"game": "chess", "level": 3},
        {"religion": "muslim"},
        {"skin_colour": "brown"},
        {"note": "The officer said the man was asian and then left the building."},
        {"url": "http://example.org/a//b#race"},
    ]
    labels = ("asian", "black", "white", "indian", "latino", "hispanic")
    out = []
    for i in range(n):
        r: dict[str, object] = {"face_id": i, "age": rng.randint(1, 90)}
        r.update(rng.choice(extras))
        if rng.random() < 0.8:
            r["race"] = rng.choice(labels)
        if rng.random() < 0.5:
            r["race_confidence"] = round(rng.random(), 1)
        if rng.random() < 0.6:
            r["ethnicity"] = rng.choice(labels)
        out.append(r)
    return out


def _shapes(seed: int) -> list[tuple[str, str]]:
    """Texts of many records in the shapes where hits repeat, each record varied."""
    records = _records(300, seed)
    rng = random.Random(seed)
    jsonl = "\n".join(json.dumps(r) for r in records) + "\n"
    py = "".join(
        f"def f{i}(face):\n    r{i} = model.predict_race(face)  # race\n"
        if rng.random() < 0.5
        else f"    x{i} = row['ethnicity']  # {rng.choice(['not used', 'the people', 'race'])}\n"
        for i in range(300)
    )
    csv = "id,race,ethnicity,note\n" + "".join(
        f"{i},{rng.choice(['asian', 'white'])},{rng.choice(['hispanic', ''])},"
        f"{rng.choice(['', 'A sentence about the people who live here.'])}\n"
        for i in range(300)
    )
    zh = "".join(
        f"{i} {rng.choice(['抓拍', '人脸', '告警', ''])} 民族:{rng.choice(['维吾尔族', '汉族'])}\n"
        for i in range(300)
    )
    # hits alike on lines alike, in a comment or not, with "this file" (the function
    # they stand in) holding face words or not, out of the window of lines around them
    fill = "    a = 1\n    b = 2\n    c = 3\n    d = 4\n"
    alike = ["    r = 0  # ethnicity removed\n", "    removed = ethnicity\n"]
    funcs = "".join(
        f"def f{i}(row):\n"
        + (
            "    face = detect_face(img)\n    faces = crop(face)\n    face_box = faces[0]\n"
            * (i % 2)
        )
        + fill
        + rng.choice(alike)
        + fill
        + rng.choice(alike)
        + fill
        + "\n"
        for i in range(60)
    )
    # registers of unrelated names (their members read their own words) beside the
    # values of one field (which read each other), face words among both, at random
    heads = ["FACE", "MODEL", "ALERT", "RELIGION", "RACE", "QUERY", "SCORE", "DATA"]
    tails = ["INPUT", "OUTPUT", "NEAR", "LABEL", "FROM_FACES", "CONTEXT", "OF_DATA"]
    registers = ""
    for i in range(40):
        members = [f"{rng.choice(heads)}_{rng.choice(tails)}_{j}" for j in range(rng.randint(2, 6))]
        if rng.random() < 0.4:
            members = [
                f"EM_RACE_{rng.choice(['YELLOW', 'BLACK', 'WHITE', 'NODISTI'])}_{j}"
                for j in range(4)
            ]
        registers += f"class Names{i}(enum.Enum):\n"
        # a member is given a literal; the same words given a call's result are no member
        values = [f'"{m.lower()}"' if rng.random() < 0.7 else f"{m.lower()}()" for m in members]
        registers += "".join(
            f"    {m} = {v}  # {rng.choice(['', '人脸', '未识别'])}\n"
            for m, v in zip(members, values, strict=True)
        )
        registers += rng.choice(
            ["\n", "\ndef detect_faces(img):\n    return model.detect(img)\n\n"]
        )
    return [
        (registers, "lint/names.py"),
        (registers, "include/names.h"),
        (funcs, "sdk/analyse.py"),
        (jsonl, "logs/faces.jsonl"),
        (jsonl, "logs/faces.json"),
        (py, "sdk/analyse.py"),
        (csv, "data/people.csv"),
        (zh, "logs/alarm.log"),
        ("var a=[" + ",".join(json.dumps(r) for r in records) + "];\n", "dist/app.min.js"),
    ]


def _alike(seed: int) -> list[tuple[str, str]]:
    """Texts of records that read alike but for their numbers (``decision_key`` masks
    them), in each of which one part of the key varies from record to record: the
    records' own text, what the lines around them hold, what a hit reads past its
    line or quotes of it."""
    rng = random.Random(seed)

    def n() -> int:
        return rng.randint(1, 999)

    def rows(make: Callable[[], str], k: int = 120) -> str:
        return "".join(make() for _ in range(k))

    def pick(*choices: str) -> str:
        return rng.choice(choices)

    pad = "p" * 70
    record = '{{"id": {}, "race": "white", "ethnicity": "asian", "gender": "m"}}\n'
    said = (
        "The camera flagged the \u201cuyghur {}\u201d people as they walked past the station.",
        "The model guesses the ethnicity and {} from their names, the paper says.",
    )
    return [
        # the record's own text: a gloss on the line, or not (read from the masked line)
        (
            rows(
                lambda: (
                    f'{{"a": "{pad}", "n": {n()}, "ethnicity": "x", '
                    f'"{pick("gloss", "glass")}": "y", "b": "{pad}"}}\n'
                )
            ),
            "logs/a.jsonl",
        ),
        # the words of the lines around (a .json record's scope reaches them)
        (
            rows(lambda: record.format(n()) + pick('{"camera": "c"}\n', '{"x": "y"}\n')),
            "logs/b.json",
        ),
        # an emoji in the record's lines
        (
            rows(lambda: record.format(n()) + pick('{"i": "\U0001f600"}\n', '{"i": "x"}\n')),
            "logs/c.jsonl",
        ),
        # a resource type above
        (
            rows(
                lambda: (
                    f'{{"resourceType": "{pick("SearchParameter", "Patient")}"}}\n'
                    + record.format(n()) * rng.randint(1, 50)
                ),
                12,
            ),
            "logs/d.json",
        ),
        # a parameter declared below a line that opens one
        (
            rows(
                lambda: (
                    f'  "ethnicity": {{\n    "in": "{pick("query", "path")}", "n": {n()}\n  }},\n'
                )
            ),
            "api/e.json",
        ),
        # the doc of a column on the line below
        (
            rows(
                lambda: (
                    f'{{"race": "asian", "gender": "m", "n": {n()}}}\n'
                    + pick('{"note": "name of the race column"}\n', '{"note": "a note"}\n')
                )
            ),
            "logs/f.jsonl",
        ),
        # codes in the record's lines
        (
            rows(
                lambda: (
                    f'{{"n": {n()}, "kind": "race", "gender": "m"}}\n'
                    + pick('{"code": "1002-5"}\n', '{"code": "none"}\n')
                )
            ),
            "logs/i.jsonl",
        ),
        # a gloss, or a key, past the line's end
        (
            rows(
                lambda: (
                    f'{{"n": {n()}, "ethnicity": "x",\n' + pick('"gloss": "y"}\n', '"z": "y"}\n')
                )
            ),
            "logs/j.jsonl",
        ),
        (
            rows(lambda: f'{{"n": {n()}, "word": "ethnicity"\n' + pick(': "x"}\n', ', "x": 1}\n')),
            "logs/k.jsonl",
        ),
        # a sentence that quotes a phrase, or says "from their names", numbers in both
        (
            rows(
                lambda: (
                    json.dumps({"id": n(), "note": pick(*said).format(n())}, ensure_ascii=False)
                    + "\n"
                )
            ),
            "logs/m.jsonl",
        ),
        # a translation catalogue (its statements are entries): a name looked up
        (rows(lambda: f"ethnicity = search_ethnicity(surname, {n()})\n"), "locale/n.po"),
        # what a hit learns from its neighbours
        (
            rows(
                lambda: (
                    f'{{"n": {n()}, "label": "{pick("asian", "white", "black")}"}}\n'
                    + pick('{"race": 1}\n', '{"x": 1}\n', '{"religion": "x"}\n')
                )
            ),
            "logs/o.jsonl",
        ),
    ]


@pytest.mark.parametrize(
    ("texts", "seed"),
    [("varied", 1), ("varied", 2), ("varied", 3), ("alike", 1), ("alike", 2)],
)
def test_sharing_changes_no_finding_in_varied_records(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, texts: str, seed: int
) -> None:
    """Records of varied shapes (``_shapes``) and records that read alike but for one
    part of the decision's key (``_alike``, defined below): the same findings shared
    and alone."""
    made = _shapes(seed) if texts == "varied" else _alike(seed)
    for text, path in made:
        shared, alone = _both_ways(monkeypatch, catalogue, text, path)
        assert shared == alone, path


def test_sharing_changes_no_finding_in_the_corpus(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    for f in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            shared, alone = _both_ways(monkeypatch, catalogue, case["text"], case["path"])
            assert shared == alone, case["id"]


def _face_log_calls(catalogue: Catalogue, function: str, ages: Callable[[int], int]) -> int:
    """How many times ``capability.<function>`` runs while a log of 2,000 face records
    (ids counting up, ages from ``ages``) is classified; its 4,000 findings checked."""
    made: list[int] = []
    real = getattr(capability, function)

    def counting(*args: Any) -> Any:
        made.append(args[1].line)
        return real(*args)

    text = "".join(
        json.dumps({"face_id": i, "age": ages(i), "race": "asian", "ethnicity": "asian"}) + "\n"
        for i in range(2000)
    )
    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, function, counting)
        found = analyse(text, "logs/faces.jsonl", catalogue)
    assert len(found) == 4000
    return len(made)


def test_records_of_one_shape_share_their_contexts(catalogue: Catalogue) -> None:
    """The point of it: a log's records are decided in a handful of contexts."""
    made = _face_log_calls(catalogue, "_context", lambda i: 30 + i % 7)
    assert made < 50  # one per distinct context, not one per hit (8,000)


def test_a_value_too_short_for_a_sentence_is_never_one() -> None:
    """``is_sentence_value`` answers values shorter than SHORTEST_SENTENCE without
    reading them: the full reading must find no sentence there either, among the
    shortest sentences it could accept (words of two letters, Chinese characters,
    every ending and separator it reads)."""
    from ethicscan.classify import shape

    words = ["ab", "Ab", "a-b", "it's", "我", "你好"]
    joins = [" ", ", ", "\t", "; ", "，"]
    ends = ["", ".", "!", "?", "。", ": x"]
    rng = random.Random(7)
    tried = 0
    for _ in range(20000):
        n = rng.randint(1, 15)
        sep = rng.choice(joins)
        value = sep.join(rng.choice(words) for _ in range(n)) + rng.choice(ends)
        if rng.random() < 0.3:
            value = f'"{value}"'
        if len(value) < shape.SHORTEST_SENTENCE:
            tried += 1
            assert not shape._sentence_value(value), value
    assert tried > 2000
    for n in range(6, 20):  # and the shortest values that are sentences are not shorter
        assert shape._sentence_value(" ".join(["ab"] * n) + ".") == (
            len(" ".join(["ab"] * n) + ".") >= shape.SHORTEST_SENTENCE
        )


def test_a_register_member_shares_no_context_with_a_look_alike_line(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """Two lines with the same words around them: in the first block the face word is a
    fellow member's name, in the second a call's result beside the register.  Their
    contexts differ, though the words of their windows are the same."""
    block = (
        "    FACE_CONTEXT = {},\n"
        '    RELIGION_LABEL_FROM_MODEL = "religion-label-from-model",\n'
        '    ALERT_NEAR = "alert-near",\n'
        '    QUERY_DATA = "query-data",\n'
    )
    text = (
        block.format('"face-context"')
        + "\n" * 6
        + block.format("face_context()")
        + "\n" * 6
        + "int detect_faces(image img);\n"
    )
    shared, alone = _both_ways(monkeypatch, catalogue, text, "include/names.h")
    assert shared == alone


def test_a_fingerprinted_finding_keeps_every_other_field() -> None:
    """``analyse._fingerprinted`` is ``replace(f, fingerprint=fp)`` written out: a field
    added to Finding and not passed on there fails this."""
    import dataclasses

    from ethicscan.classify.analyse import _fingerprinted

    values = {f.name: object() for f in dataclasses.fields(Finding)}
    f = Finding(**values)  # type: ignore[arg-type]
    assert _fingerprinted(f, "fp") == dataclasses.replace(f, fingerprint="fp")


# Parts of what a shared decision is keyed by, each the only one to carry what it
# carries in one of the texts of ``_alike``: (function, index in what it gives, what).
_KEY_PARTS = [
    ("decision_key", 1, "the line, masked"),
    ("decision_key", 5, "the value labels near (cluster)"),
    ("_line_facts", 1, "an emoji in the record's lines"),
    ("_line_facts", 4, "the words of the lines around"),
    ("_line_facts", 7, "a resource type above"),
    ("_line_facts", 8, "a parameter declared below"),
    ("_line_facts", 9, "a column's doc on the line below"),
    ("_hit_facts", 1, "a gloss past the line's end"),
    ("_hit_facts", 6, "a sentence's quoted phrase"),
    ("_hit_facts", 7, "'from their names' after the hit"),
    ("_hit_facts", 8, "codes in the record's lines"),
    ("_line_key", 6, "codes in the record's lines, read once a line"),
]


@pytest.mark.parametrize(("function", "index", "what"), _KEY_PARTS)
def test_the_decision_key_misses_no_part(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, function: str, index: int, what: str
) -> None:
    """Leave one part out of the key: some hit is then given a decision made for
    another (VERIFY_SHARED finds it)."""
    real = getattr(capability, function)

    def without(*args: object) -> object:
        got = real(*args)
        return got if got is None else (*got[:index], None, *got[index + 1 :])

    monkeypatch.setattr(capability, "VERIFY_SHARED", True)
    monkeypatch.setattr(capability, function, without)
    with pytest.raises(AssertionError, match="a shared decision differs"):
        for text, path in _alike(1):
            analyse(text, path, catalogue)


def test_records_that_read_alike_share_their_decisions(catalogue: Catalogue) -> None:
    """The point of it: a log's records, their ids and ages aside, are decided once
    for each way they read."""
    rng = random.Random(3)
    made = _face_log_calls(catalogue, "_decided", lambda i: rng.randint(1, 90))
    assert made < 100  # one per distinct key, not one per hit (8,000)


def test_a_record_holds_an_emoji_where_one_of_its_lines_does() -> None:
    """``_record_has_emoji`` reads a record's lines one by one: a match of ``_EMOJI``
    in the lines joined is one in a line, and the other way round, short codes at
    the lines' ends and starts included."""
    from ethicscan.classify.shape import has_emoji

    bits = [
        ":smile:",
        " :x_1:",
        "':ok:'",
        "a",
        " ",
        "",
        ":",
        "\u200d",
        "U+1F600",
        "\U0001f600",
        "😀",
    ]
    rng = random.Random(11)
    for _ in range(5000):
        lines = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 3))) for _ in range(5)]
        assert has_emoji("\n".join(lines)) == any(has_emoji(ln) for ln in lines), lines


def test_a_record_holds_codes_and_word_keys_where_its_lines_do() -> None:
    """``_CODES`` reads no line break, and a match of ``_WORD_KEY`` holds one of its
    key's words (``_WORD_KEY_WORDS``) on one line: a record's lines are asked one by
    one."""
    bits = ["'1002-5'", '"AB1"', "'", '"', "1", "text", " = ", ": ", '"abbot"', "\t", "word", ","]
    rng = random.Random(13)
    for _ in range(5000):
        lines = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 4))) for _ in range(5)]
        joined = "\n".join(lines)
        codes = capability._CODES
        assert bool(codes.search(joined)) == any(codes.search(ln) for ln in lines), lines
        if capability._WORD_KEY.search(joined):
            assert any(capability._WORD_KEY_WORDS.search(ln) for ln in lines), lines


def test_a_line_reads_the_same_with_its_numbers_masked(catalogue: Catalogue) -> None:
    """What is read of a line's shape (``_shape_facts``: a statement, a sentence, an
    emoji, a text cell, a column's doc, codes, a call on a name, an SQL condition) is
    the same for the line and for the line with its numbers masked."""
    bits = [
        "race",
        " = ",
        "=",
        ": ",
        ", ",
        " ",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ";",
        ".",
        "'",
        '"',
        "0x1F",
        "12",
        "3.5",
        "7",
        "1f600",
        "U+1F600",
        "\\u200d",
        ":smile:",
        "a1",
        "name2race(surname)",
        "where race = ?",
        "The man was 45 and walked home.",
        "name of the race column",
        "1002-5",
        "- ",
        "12. ",
        "3) ",
        "<1>Race</2>",
        "&#x1F600;",
    ]
    bits += ['"The man was 45 and he walked home."', "'1002-5'", '"12"', "text", "word"]
    heads = [
        "",
        "",
        "ethnicity = lookup(surname, 3) ",
        "text: ",
        "12,The man was 45 and went home,",
    ]
    rng = random.Random(17)
    tried = 0
    for path in ("logs/a.jsonl", "data/a.csv", "locale/a.po", "notes/a.txt"):
        doc = Document("x\n", path, catalogue)
        for _ in range(3000):
            line = rng.choice(heads) + "".join(rng.choice(bits) for _ in range(rng.randint(1, 12)))
            hidden = capability.masked(line)
            tried += hidden != line
            assert capability._shape_facts(doc, line) == capability._shape_facts(doc, hidden), line
    assert tried > 3000


def test_only_numbers_standing_alone_are_masked() -> None:
    """What a pattern reads a digit's value in touches a letter: it is kept."""
    kept = 'name2race 0x1F U+1F600 "1f600" &#x1F600; \\u200d _ZN4acme7GetRace rac1p v1.2 12.'
    assert capability.masked(kept) == kept
    assert capability.masked('{"age":45,"c":0.3, "id": 12}') == '{"age":00,"c":0.0, "id": 00}'


def test_a_number_standing_alone_is_found_as_its_plain_pattern_finds_it() -> None:
    """``_NUMBER`` reads a number's first digit before what stands before it (a search
    skips to the next digit): the same numbers as the pattern written plainly, on
    random texts (digits touching letters, dots, line breaks, other scripts)."""
    plain = re.compile(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?(?![\w.])")
    rng = random.Random(11)
    bits = ["0", "7", "45", "3.5", ".", "..", "v", "x1", "_", " ", "\n", '"', "٣", "é", "1e5"]
    found = 0
    for _ in range(50_000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 12)))
        spans = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in capability._NUMBER.finditer(text)] == spans, text
        found += bool(spans)
    assert 5_000 < found < 45_000


def test_a_line_masked_at_once_is_masked_number_by_number() -> None:
    """Where every digit stands in a number alone, ``masked`` writes them all as zeros
    at once: the same text as masking each number, on random lines (digits touching
    letters, dots, versions, other scripts' digits)."""
    rng = random.Random(3)
    bits = ["0", "7", "45", "3.5", ".", "..", "v", "x1", "_", " ", ":", ",", '"', "-", "٣", "e"]

    def one_by_one(text: str) -> str:
        return capability._NUMBER.sub(capability._zeroed, text)

    fast = 0
    for _ in range(20_000):
        line = "".join(rng.choice(bits) for _ in range(rng.randint(0, 12)))
        assert capability.masked(line) == one_by_one(line), line
        fast += capability._DIGIT.search(capability._NUMBER.sub("", line)) is None
    assert 1_000 < fast < 19_000  # both ways taken


def test_a_line_masked_by_its_shape_is_masked_as_alone() -> None:
    """``_masked_shape`` asks once a shape (digits as zeros) whether every digit stands in
    a number alone: each line is masked as ``masked`` masks it, on random lines whose
    digits vary over few shapes (digits touching letters, dots, other scripts)."""
    rng = random.Random(5)
    bits = ["0", "7", "45", "3.5", ".", "v", "x1", "_", " ", ":", '"', "٣", "e", "1.2.3"]
    templates = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 10))) for _ in range(300)]
    work = capability.SharedWork()
    for _ in range(20_000):
        line = re.sub("[0-9]", lambda _: rng.choice("0123456789"), rng.choice(templates))
        assert capability._masked_shape(work, line) == capability.masked(line), line
    assert 50 < len(work.digits_alone) <= 300
    assert any(work.digits_alone.values()) and not all(work.digits_alone.values())


def test_a_log_s_lines_are_masked_once_a_shape(catalogue: Catalogue) -> None:
    """A log of 2,000 records whose ids and ages vary: its lines' numbers are looked for
    once for each of their few shapes, not once a line."""
    subs: list[str] = []
    real = capability._NUMBER

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def sub(self, repl: Any, text: str) -> str:
            subs.append(text)
            return real.sub(repl, text)

    rng = random.Random(2)
    text = "".join(
        json.dumps({"face_id": i, "age": rng.randint(1, 90), "race": "asian"}) + "\n"
        for i in range(2000)
    )
    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, "_NUMBER", Counting())
        found = analyse(text, "logs/faces.jsonl", catalogue)
    assert len(found) >= 2000
    assert len(subs) < 100


def test_a_line_and_a_term_are_read_once_for_their_hits(catalogue: Catalogue) -> None:
    """What the hits of a line read alike of the lines around it (codes in the record)
    is read once a line, and a text without a word of ``_WORD_KEY``'s key asks no line
    for one: each line's head is asked at most for an emoji and codes around it (4
    lines each) and a column's doc below (1), however many hits the line holds.  What
    the hits of a term read alike of it is read once a term."""
    calls: list[int] = []
    real = capability._head_facts

    def counting(doc: Document, work: object, j: int) -> object:
        calls.append(j)
        return real(doc, work, j)  # type: ignore[arg-type]

    terms: list[object] = []
    real_term = capability._term_key

    def counting_terms(term: object) -> object:
        terms.append(term)
        return real_term(term)  # type: ignore[arg-type]

    rng = random.Random(7)
    lines = 400
    text = "".join(
        json.dumps(
            {
                "face_id": i,
                "age": rng.randint(1, 90),
                "race": rng.choice(("asian", "black")),
                "ethnicity": "asian",
                "race_estimate": "white",
            }
        )
        + "\n"
        for i in range(lines)
    )
    assert not capability._WORD_KEY_WORDS.search(text)
    assert not capability._CODES.search(text)  # so codes are asked of the lines around
    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, "_head_facts", counting)
        m.setattr(capability, "_term_key", counting_terms)
        found = analyse(text, "logs/faces.jsonl", catalogue)
    assert len(found) >= 3 * lines
    assert len(calls) <= 9 * lines
    assert len(terms) == len({id(t) for t in terms}) < 10


def test_an_identifier_key_is_read_at_its_place_as_in_a_slice() -> None:
    """``_IDENT_KEY_AT.match(text, pos, pos + 64)`` is ``_IDENT_KEY.match(text[pos :
    pos + 64])``."""
    bits = ["race", "_id", "'", '"', " ", "\t", "\n", ":", "=", "a" * 30, "-", "é", "0"]
    rng = random.Random(19)
    for _ in range(20000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 12)))
        pos = rng.randint(0, len(text))
        old = capability._IDENT_KEY.match(text[pos : pos + 64])
        new = capability._IDENT_KEY_AT.match(text, pos, pos + 64)
        assert bool(old) == bool(new), (text, pos)


def test_colour_races_in_a_data_text_are_read_from_the_line_shared(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """A resource file of labels is a data text whose alike entries share a decision:
    the colour races are read from a label's own line and labels there, so an entry
    beside the colours and an alike one far from them decide the same shared or alone."""
    lines = [f"LABEL_{i}=Label {i}" for i in range(40)]
    lines[5:9] = ["RACE=Race", "YELLOW_RACE=Yellow", "BLACK_RACE=Black", "WHITE_RACE=White"]
    lines[30] = "RACE=Race"
    text = "\n".join(lines) + "\n"
    shared, alone = _both_ways(monkeypatch, catalogue, text, "res/res_en_US.properties")
    assert shared == alone
    capabilities = {f.location.line: f.capability.value for f in alone}
    assert capabilities[7] == capabilities[8] == capabilities[9] == "inference"


def test_a_data_text_shares_no_decision_across_the_lists_around_it(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """Records that read alike but stand beside different lists (categories of watched
    people) are decided each for its own: the lists around a hit are in the key."""
    rows = ["["]
    for i in range(12):
        second = "刑释人员" if i % 2 else "退休人员"  # two watched categories, or one
        rows.append(f'  {{"code": "{i}01", "name": "吸毒人员", "type": "key"}},')
        rows.append(f'  {{"code": "{i}02", "name": "{second}", "type": "key"}},')
        rows.append(f'  {{"code": "{i}03", "name": "民族宗教人员", "type": "key"}},')
        rows += [f'  {{"code": "{i}0{k}", "name": "-", "type": "none"}},' for k in range(4, 9)]
    rows += ['  {"code": "x", "name": "-", "type": "none"}', "]"]
    text = "\n".join(rows) + "\n"
    shared, alone = _both_ways(monkeypatch, catalogue, text, "export/people.json")
    assert [f.capability for f in shared] == [f.capability for f in alone]
    assert {f.capability for f in alone} == {Capability.TARGETING, Capability.RECORD}
    monkeypatch.setattr(capability, "VERIFY_SHARED", True)
    monkeypatch.setattr(capability, "_around_facts", lambda doc, hit: ())
    with pytest.raises(AssertionError, match="a shared decision differs"):
        analyse(text, "export/people.json", catalogue)


def test_lines_that_read_alike_share_their_decisions_whole(catalogue: Catalogue) -> None:
    """The point of ``decide_line``: a log's lines that read alike, their ids and ages
    aside, ask no decision's key hit by hit, the first line of their kind but."""
    rng = random.Random(4)
    made = _face_log_calls(catalogue, "decision_key", lambda i: rng.randint(1, 90))
    assert made < 100  # one per hit of the first line of each kind, not 8,000


@pytest.mark.parametrize("past", ["_past_gloss", "_past_ident_key"])
def test_a_line_shares_its_decisions_only_where_its_hits_read_no_further(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, past: str
) -> None:
    """Leave out one of the checks that a hit's key reads nothing past its line (a
    gloss after the line's end, a key's colon on the next line): some line is then
    given the decisions of another that reads alike but for what follows it
    (VERIFY_SHARED finds it)."""
    left = tuple(f for f in capability._READS_PAST_THE_LINE if f.__name__ != past)
    assert len(left) == len(capability._READS_PAST_THE_LINE) - 1
    monkeypatch.setattr(capability, "VERIFY_SHARED", True)
    monkeypatch.setattr(capability, "_READS_PAST_THE_LINE", left)
    with pytest.raises(AssertionError, match="a shared decision differs"):
        for text, path in _alike(1):
            analyse(text, path, catalogue)


def _labelled(n: int, seed: int, key: str, labels: list[str], often: float = 1.0) -> str:
    """A log of face records, each with a value label under ``key`` (or, as often as
    ``1 - often``, none): the clusters of its labels (the other labels within 2 lines)
    vary from record to record."""
    rng = random.Random(seed)
    return "".join(
        json.dumps(
            {
                "face_id": i,
                "age": rng.randint(1, 90),
                key: rng.choice(labels) if rng.random() < often else None,
            },
            separators=(",", ":"),
        )
        + "\n"
        for i in range(n)
    )


def _clustered() -> list[str]:
    """Logs whose records read alike but for their labels' clusters: of one label or
    two, with a yellow label among them or not, white or black among them or not."""
    return [
        _labelled(600, 2, "label", ["asian"] * 6 + ["black", "white", "caucasian", "hispanic"]),
        _labelled(600, 3, "class", ["asian"] * 3 + ["caucasian", "hispanic"]),
        _labelled(600, 4, "predicted_class", ["asian", "caucasian", "yellow", "white", "african"]),
        _labelled(600, 6, "race", ["asian", "caucasian", "hispanic"], often=0.3),
    ]


def test_clusters_shared_change_no_finding(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """Value labels whose clusters differ, shared by ``_cluster_class`` and made for
    each cluster by ``_with_cluster``: the same findings as each decided alone."""
    for text in _clustered():
        shared, alone = _both_ways(monkeypatch, catalogue, text, "logs/faces.jsonl")
        assert shared == alone
        # (the value set's signal names each label's own cluster)
        assert len({s.detail for f in alone for s in f.signals if s.name == "value-set"}) > 3


@pytest.mark.parametrize(
    ("what", "cls"),
    [
        ("one label or two", lambda c, got: (min(len(c), 1), *got[1:])),
        ("a yellow label", lambda c, got: (got[0], None, got[2])),
        ("white or black", lambda c, got: (*got[:2], None)),
    ],
)
def test_the_cluster_class_misses_no_part(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, what: str, cls: Any
) -> None:
    """Leave out one part of what ``decide`` reads of a cluster: some label is then
    given a decision made for another cluster (VERIFY_SHARED finds it)."""
    real = capability._cluster_class
    monkeypatch.setattr(capability, "VERIFY_SHARED", True)
    monkeypatch.setattr(capability, "_cluster_class", lambda c: cls(c, real(c)))
    with pytest.raises(AssertionError, match="a shared decision differs"):
        for text in _clustered():
            analyse(text, "logs/faces.jsonl", catalogue)


def test_a_shared_decision_names_its_own_cluster(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """A decision shared by labels whose clusters differ names each label's own
    cluster in its value set's signal: one given as made for the first fails."""
    monkeypatch.setattr(capability, "VERIFY_SHARED", True)
    monkeypatch.setattr(capability, "_with_cluster", lambda work, d, first, cluster: d)
    with pytest.raises(AssertionError, match="a shared decision differs"):
        for text in _clustered():
            analyse(text, "logs/faces.jsonl", catalogue)


def test_labels_whose_clusters_differ_share_their_decisions(catalogue: Catalogue) -> None:
    """The point of ``_cluster_class``: a log of 2,000 records whose race and ethnicity
    labels vary asks a decision's key for the first line of each kind (612 here; 2,756
    with the clusters themselves in the key) and makes a decision for each of them
    (567; 1,421 before)."""
    rng = random.Random(8)
    races = ("asian", "black", "white", "indian", "latino")
    text = "".join(
        json.dumps(
            {
                "face_id": i,
                "age": rng.randint(1, 90),
                "race": rng.choice(races),
                "ethnicity": rng.choice(races),
            },
            separators=(",", ":"),
        )
        + "\n"
        for i in range(2000)
    )
    calls = {"decision_key": 0, "_decided": 0}

    def counting(name: str) -> Callable[..., Any]:
        real = getattr(capability, name)

        def count(*args: Any) -> Any:
            calls[name] += 1
            return real(*args)

        return count

    with pytest.MonkeyPatch.context() as m:
        for name in calls:
            m.setattr(capability, name, counting(name))
        found = analyse(text, "logs/faces.jsonl", catalogue)
    assert len(found) == 6000
    assert calls["decision_key"] < 1000
    assert calls["_decided"] < 800


def _lines_decided(catalogue: Catalogue, text: str, path: str) -> list[tuple[Document, list[Hit]]]:
    """Each line's document and hits as ``analyse`` hands them to ``decide_line``."""
    from ethicscan.classify import analyse as analyse_module

    lines: list[tuple[Document, list[Hit]]] = []
    real = analyse_module.decide_line

    def capture(doc: Document, hits: list[Hit]) -> Any:
        lines.append((doc, list(hits)))
        return real(doc, hits)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(analyse_module, "decide_line", capture)
        analyse(text, path, catalogue)
    return lines


def _kinds(lines: list[tuple[Document, list[Hit]]]) -> list[int | None]:
    """The kind of each line (``_line_hits_key``), numbered as met; None: decided alone."""
    seen: dict[object, int] = {}
    out: list[int | None] = []
    for doc, hits in lines:
        doc.shared = capability.SharedWork()
        got = capability._line_hits_key(doc, hits)
        out.append(None if got is None else seen.setdefault(got[0], len(seen)))
    return out


def test_hits_keyed_by_the_number_of_what_they_learnt_read_as_by_its_fields(
    catalogue: Catalogue,
) -> None:
    """``_line_hits_key`` keys a hit by ``Hit.near`` (what it learnt from its neighbours,
    numbered) where ``_link_neighbours`` set it, else by the fields themselves: the lines
    of these logs fall into the same kinds either way, and fewer than their lines."""
    texts = [(text, "logs/faces.jsonl") for text in _clustered()] + _alike(1)
    for text, path in texts:
        lines = _lines_decided(catalogue, text, path)
        numbered = _kinds(lines)
        assert all(h.near >= 0 for _, hits in lines for h in hits)
        for _, hits in lines:
            for h in hits:
                h.near = -1
        assert _kinds(lines) == numbered, path
        if len(lines) > 100 and any(k is not None for k in numbered):
            assert len(set(numbered)) < len(lines) / 2


_HEAD_LINES = {
    ".java": [
        "public List<P> findByNation(String nation, int page) {",
        "if (nation != null) {",
        "} else {",
        "}",
        "x(nation);",
        "",
        "class Holder {",
        "void f() { y(); }",
    ],
    ".py": [
        "def search_people(df, race):",
        "    if race:",
        "        df = df[df.race == race]",
        "    return df",
        "",
        "class Holder:",
        "        pass",
        "    def f(self):",
    ],
}


@pytest.mark.parametrize("suffix", sorted(_HEAD_LINES))
def test_a_head_shared_down_the_lines_is_the_head_each_walk_finds(
    catalogue: Catalogue, suffix: str
) -> None:
    """``_head_above`` takes the line above's head where the walk from a line would pass
    over that line as if it began there: on random modules, every line's head so taken
    is the one ``_find_head_above`` finds afresh (the walk's reach included)."""
    rng = random.Random(20261207)
    head, body = _HEAD_LINES[suffix][0], _HEAD_LINES[suffix][2]
    modules = [[head] + [body] * 120]  # a body longer than the walk's reach
    for _ in range(60):
        modules.append([rng.choice(_HEAD_LINES[suffix]) for _ in range(rng.randrange(1, 200))])
    for lines in modules:
        doc = Document("\n".join(lines) + "\n", "m" + suffix, catalogue)
        doc.shared = capability.SharedWork()
        for i in range(doc.line_count):
            assert capability._head_above(doc, i) == capability._find_head_above(doc, i)[0]
