"""Matching once per line shape (``Lexicon.find_by_lines``): the lines of a data text
that read alike but for their numbers are matched once, and each gets exactly the
matches that matching the whole text gives it.  Each test here fails if a line were
handed another line's matches where the two differ in anything a key or a judgement
reads."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ethicscan.classify import analyse as analyse_module
from ethicscan.classify import shape
from ethicscan.classify.analyse import SHAPED_LINES, analyse
from ethicscan.classify.document import Document
from ethicscan.rules import matcher
from ethicscan.rules.catalogue import Catalogue, context_words, load_catalogue, standing_terms
from ethicscan.rules.matcher import Key, Lexicon, Match, line_shape, lower_same_length


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(())


def _whole(lex: Lexicon[object], text: str, kept: object) -> list[tuple[int, int, int, object]]:
    """``kept(lex.find(text))`` with each match's line: the reference."""
    found = kept(lex.find(text, lower_same_length(text)))  # type: ignore[operator]
    return [(m.start, m.end, text.count("\n", 0, m.start), m.key) for m in found]


def _by_lines(
    lex: Lexicon[object], text: str, kept: object
) -> list[tuple[int, int, int, object]] | None:
    got = lex.find_by_lines(text, lower_same_length(text), kept)  # type: ignore[arg-type]
    if got is None:
        return None
    found, lines = got
    return [(m.start, m.end, line, m.key) for m, line in zip(found, lines, strict=True)]


def _records(rng: random.Random, n: int) -> str:
    """Lines of a few templates, their numbers varied: the words near the hits vary
    too (a camera or not, a case, a key's spelling, digits touching letters)."""
    templates = [
        '{{"face_id": {i}, "age": {n}, "race": "{r}", "race_confidence": 0.{n}}}',
        '{{"id": {i}, "{w}": "{r}", "camera": "c{m}"}}',
        '{{"id": {i}, "car": "formula {n}", "ethnicity": "{r}"}}',
        "{i},{r},formula-{n},RACE_TYPE,rac{m}p",
        "{i} 抓拍 人脸 维族告警 民族:{r} 运维族 {n}",
        '{{"n": {n}.{n}, "Race": "{r}", "v": "v{m}", "x{m}race": 1, "ΣΑΣ": "ΟΔΟΣ {n}"}}',
        '{{"id": {i}, "text": "sorted by race {n} times", "hl{m}": "iso3166"}}',
    ]
    labels = ["asian", "Black", "维吾尔族", "INDIAN"]
    words = ["race", "face", "emRace", "trace"]
    lines = [
        rng.choice(templates + templates[:2] * 6).format(  # ``formula``'s lines: fewer
            i=1000 + i,
            n=rng.choice([0, 1, 1, 3, 7, 10, 45]),
            m=rng.choice([1, 2]),
            r=rng.choice(labels),
            w=rng.choice(words),
        )
        for i in range(n)
    ]
    return rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["\n", ""])


@pytest.mark.parametrize("seed", range(8))
def test_lines_of_one_shape_are_matched_as_the_whole_text_matches_them(
    catalogue: Catalogue, seed: int
) -> None:
    rng = random.Random(seed)
    text = _records(rng, 600)
    for lex, kept in ((catalogue.terms, standing_terms), (catalogue.context, context_words)):
        shared = _by_lines(lex, text, kept)  # type: ignore[arg-type]
        assert shared is not None  # the lines read alike: matched by shape
        assert shared == _whole(lex, text, kept)  # type: ignore[arg-type]


def test_a_key_with_digits_keeps_its_lines_apart() -> None:
    """``formula 1``'s digit can be any line's: a line whose shape may hold the key is
    its own shape (else ``car formula 5`` would hand its no match to ``formula 1``'s
    line, or the other way round), and so is one that may hold ``rac1p``."""
    for key in ("formula 1", "formula-1", "size 1.5", "rac1p", "12"):
        lex = Lexicon([Key(key, key, True), Key("race", "race", True)])
        assert lex._digit_keys is not None and lex._digit_keys.search(line_shape(key))
        head = key.split("1")[0]
        lines = [f"race car {head}{n}" for n in (5, 1, 7, 1)] + ["size 1.5", "size 2.5"]
        lines += ["rac1p", "rac2p", "n 12", "n 34"]
        text = "\n".join(lines * (matcher.LINES_CHECKED // 3))
        got = _by_lines(lex, text, list)  # type: ignore[arg-type]
        assert got == _whole(lex, text, list)  # type: ignore[arg-type]
        assert any(k.text == key for *_, k in got or [])


def test_which_keys_keep_lines_apart() -> None:
    def safe(*texts: str, **touch: tuple[str, ...]) -> str | None:
        got = matcher._line_safe([Key(t, t, t.isascii(), **touch) for t in texts])
        return None if got is None else got.pattern

    assert safe("race", "维族") == "(?!)"  # no key has digits: every line is its shape
    assert safe("rac1p", "formula 1", "race") == "formula\\ 0|rac0p"
    assert safe("维族", not_after=("1",)) is None
    assert safe("维族", not_before=("\n",)) is None


def test_lines_that_differ_but_in_numbers_are_matched_apart() -> None:
    """Digits that touch a letter are not masked: ``rac1p`` and ``rac2p`` are other
    shapes, and a word beside a number is read as it is."""
    lex = Lexicon([Key(t, t, True) for t in ("rac1p", "race", "camera")])
    lines = ["rac1p 5", "rac2p 5", "race 5 camera", "race 6 cameras", "5 race", "5race"]
    text = "\n".join(lines * 100)
    got = _by_lines(lex, text, list)  # type: ignore[arg-type]
    assert got == _whole(lex, text, list)  # type: ignore[arg-type]
    assert {text[s:e] for s, e, _, _ in got or []} == {"rac1p", "race", "camera"}


def test_a_line_shape_is_matched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = Lexicon([Key("race", "race", True)])
    calls = []
    find = Lexicon.find

    def counting(
        self: Lexicon[object], text: str, lowered: str | None = None
    ) -> list[Match[object]]:
        calls.append(text)
        return find(self, text, lowered)

    monkeypatch.setattr(Lexicon, "find", counting)
    text = "".join(
        f'{{"id": {i}, "race": "{"ab"[i % 2]}", "p": 0.{i % 10}}}\n' for i in range(2000)
    )
    got = _by_lines(lex, text, list)  # type: ignore[arg-type]
    assert got is not None and len(got) == 2000
    # two shapes a number of digits, and the empty line after the last line break
    assert len(calls) == len({line_shape(x) for x in text.split("\n")}) == 9
    assert line_shape('{"id": 17, "p": 0.3, "v2": 5}') == '{"id": 00, "p": 0.0, "v0": 0}'
    # other scripts, their own digits and a lone surrogate kept
    assert line_shape("民族 12 ٣ \udc80 x9") == "民族 00 ٣ \udc80 x0"


def test_lines_that_do_not_read_alike_are_matched_whole() -> None:
    """Most lines new by the first check: None (the caller matches the text whole), so
    a text of distinct lines costs no more than twice a whole match."""
    lex = Lexicon([Key("race", "race", True)])
    text = "".join(f"race{chr(0x4E00 + i)}\n" for i in range(3 * matcher.LINES_CHECKED))
    assert _by_lines(lex, text, list) is None  # type: ignore[arg-type]


def _findings_both_ways(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, text: str, path: str
) -> tuple[list[object], list[object]]:
    calls = []
    by_lines = Lexicon.find_by_lines

    def counting(self: Lexicon[object], *args: object) -> object:
        got = by_lines(self, *args)  # type: ignore[arg-type]
        calls.append(got is not None)
        return got

    with monkeypatch.context() as m:
        m.setattr(Lexicon, "find_by_lines", counting)
        shared = analyse(text, path, catalogue)
    with monkeypatch.context() as m:
        m.setattr(Lexicon, "find_by_lines", lambda self, *args: None)
        whole = analyse(text, path, catalogue)
    return shared, [whole, calls]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("path", ["logs/faces.jsonl", "data/people.csv", "logs/alarm.log"])
def test_a_data_text_matched_by_line_shape_has_the_same_findings(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, seed: int, path: str
) -> None:
    rng = random.Random(seed)
    text = _records(rng, 400)
    shared, (whole, calls) = _findings_both_ways(monkeypatch, catalogue, text, path)
    assert shared == whole
    assert calls and all(calls)  # terms and context words both matched by shape
    assert Document(text, path, catalogue).is_data


def test_a_text_with_a_suppression_is_matched_whole(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """A directive's matches are dropped by where they stand: such a text is matched
    whole."""
    lines = [f'{{"id": {i}, "race": "asian"}}' for i in range(1500)]
    plain = "\n".join(lines) + "\n"
    lines[150] += "  # ethicscan: ignore[race] reviewed"
    text = "\n".join(lines) + "\n"
    shared, (whole, _) = _findings_both_ways(monkeypatch, catalogue, text, "logs/a.jsonl")
    assert shared == whole
    by_shape = analyse_module._by_line_shape
    assert by_shape(Document(plain, "logs/a.jsonl", catalogue), None) is not None
    assert by_shape(Document(text, "logs/a.jsonl", catalogue), None) is None


def test_only_a_text_dense_in_terms_is_read_for_its_shape(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """Whether a text is data is read (some 0.4 ms a text) only where matching by shape
    may pay: a text of many lines with as many candidates, or, without the prefilter,
    a long one.  A text of few terms is matched whole without asking."""
    asked: list[int] = []
    real = shape.is_data_text

    def counting(*args: Any) -> bool:
        asked.append(1)
        return real(*args)

    monkeypatch.setattr(shape, "is_data_text", counting)
    by_shape = analyse_module._by_line_shape
    few = "".join(f'{{"id": {i}, "x": "y"}}\n' for i in range(400)) + '{"race": "asian"}\n'
    cands = [(0, "race")] * (SHAPED_LINES - 1)
    assert by_shape(Document(few, "logs/a.jsonl", catalogue), cands) is None
    assert by_shape(Document(few, "logs/a.jsonl", catalogue), None) is None  # short
    assert not asked
    dense = "".join(f'{{"id": {i}, "race": "asian"}}\n' for i in range(400))
    assert by_shape(Document(dense, "logs/a.jsonl", catalogue), cands * 2) is not None
    assert asked
    assert by_shape(Document(dense * 4, "logs/a.jsonl", catalogue), None) is not None


@pytest.mark.parametrize("path", ["a.py", "b.js", "c.sql", "d.jsonl", "e.yaml", "f.md"])
def test_a_line_s_hits_are_in_a_comment_as_each_one_is(catalogue: Catalogue, path: str) -> None:
    """``_InComment`` asks a line once when it is no comment and holds no marker; every
    hit's answer is still ``in_comment``'s own (markers before, after and between the
    hits, in quotes or not, block comments and docstrings running over lines)."""
    rng = random.Random(path)
    bits = ["race", "x = 1", " // ", " # ", " -- ", '"', "'", " /* ", " */ ", '"""', "ethnicity"]
    lines = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 8))) for _ in range(400)]
    text = "\n".join(lines) + "\n"
    doc = Document(text, path, catalogue)
    asked = analyse_module._InComment(doc)
    hits = []
    start = 0
    for i, line in enumerate(lines):
        hits += [(i, start + j) for j in range(len(line)) if line.startswith(("race", "ethn"), j)]
        start += len(line) + 1
    assert len(hits) > 100
    fresh = Document(text, path, catalogue)
    got = [asked(pos, i) for i, pos in hits]
    assert got == [fresh.in_comment(pos, i) for i, pos in hits]
    assert sum(got) > 0 and (sum(got) < len(got) or path.endswith(".md"))  # (prose)


def _focus_chars_hit_by_hit(
    doc: Document, hits: list[tuple[int, int]], lines_of: list[int]
) -> list[tuple[int, int]]:
    """``_focus_chars`` as it was written: a span for each hit, in order, merged."""
    lines = doc.lines
    reach, chars = analyse_module.FOCUS, analyse_module.FOCUS_CHARS
    out: list[tuple[int, int]] = []
    for (s, e), line in sorted(zip(hits, lines_of, strict=True)):
        lo = max(lines.start(max(0, line - reach)), s - chars)
        hi = min(lines.end(min(lines.count - 1, line + reach)), e + chars)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def test_a_line_s_hits_give_the_focus_their_spans_give(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    """A run of hits on a short line makes one span: the spans the hits make one by one,
    merged, on random texts of short and long lines, hits in order or not."""
    monkeypatch.setattr(analyse_module, "FOCUS", 2)
    monkeypatch.setattr(analyse_module, "FOCUS_CHARS", 40)
    rng = random.Random(5)
    runs = 0
    for _ in range(300):
        text = "".join(
            "x" * rng.choice((0, 3, 20, 39, 40, 41, 90, 200)) + "\n"
            for _ in range(rng.randint(1, 30))
        )
        doc = Document(text, "logs/a.txt", catalogue)
        hits: list[tuple[int, int]] = []
        for _ in range(rng.randint(1, 25)):
            s = rng.randrange(len(text))
            hits.append((s, min(len(text), s + rng.randint(0, 6))))
        if rng.random() < 0.7:
            hits.sort()
        lines = [doc.line_of(s) for s, _ in hits]
        runs += len(set(lines)) < len(lines)
        got = analyse_module._focus_chars(doc, hits, lines)
        assert got == _focus_chars_hit_by_hit(doc, hits, lines), (text, hits)
    assert runs > 100


@pytest.mark.parametrize("seed", range(6))
def test_a_texts_blocks_of_lines_are_its_lines(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(["\n", "a", "bc", "\r\n", "维", "\n\n"]) for _ in range(300))
    for size in (0, 1, 2, 5, 17, 299, 10_000):
        blocks = list(matcher.line_blocks(text, size))
        assert all(text[at : at + len(b)] == b for at, b in blocks)
        assert [x for _, b in blocks for x in b.split("\n")] == text.split("\n")
        assert all(len(b) >= size for _, b in blocks[:-1])
    assert list(matcher.line_blocks("", 4)) == [(0, "")]


@pytest.mark.parametrize("block", [1, 40, 333])
def test_lines_matched_a_block_at_a_time_are_matched_as_the_whole_text(
    catalogue: Catalogue, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks cut anywhere between lines, a key with digits at a block's edge too."""
    monkeypatch.setattr(matcher, "LINE_BLOCK", block)
    for seed in range(3):
        text = _records(random.Random(seed), 400)
        for lex, kept in ((catalogue.terms, standing_terms), (catalogue.context, context_words)):
            shared = _by_lines(lex, text, kept)  # type: ignore[arg-type]
            assert shared is not None
            assert shared == _whole(lex, text, kept)  # type: ignore[arg-type]
    lex = Lexicon([Key("formula 1", "formula 1", True), Key("race", "race", True)])
    text = "\n".join(["race car formula 5", "race car formula 1"] * matcher.LINES_CHECKED)
    assert _by_lines(lex, text, list) == _whole(lex, text, list)  # type: ignore[arg-type]


def test_a_text_of_many_lines_is_matched_without_its_lines_held_whole() -> None:
    """Its lines, their shapes and its low-cased shape, whole, took five times the
    text's memory (a 3.8 MB JSON file of 200,000 lines: 54 MB)."""
    import tracemalloc

    lex = Lexicon([Key("race", "race", True)])
    lines = [f'{{"id": {i}, "v": {i % 97}, "w": "x{i % 7}"}}' for i in range(200_000)]
    lines[::1000] = ['{"race": "x"}'] * len(lines[::1000])
    text = "\n".join(lines)
    low = lower_same_length(text)
    tracemalloc.start()
    try:
        got = lex.find_by_lines(text, low, list)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got is not None and len(got[0]) == 200
    assert peak < len(text) // 2, (peak, len(text))


def test_an_argument_opened_on_the_line_is_read_back_from_the_hit_only() -> None:
    """``_argument_opens`` tells what ``_ARGUMENT_OPENS.search`` tells of a stretch of
    text (random texts of brackets, blanks, commas and words, and long tails)."""

    from ethicscan.classify.capability import _ARGUMENT_OPENS, _argument_opens

    rng = random.Random(17)
    alphabet = list("{}[](),:'\" \t\u3000\u00a0xa1\r\x0b\x1c")
    opened = 0
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.1:
            text += "x" * rng.randint(60, 400)
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text))
        if rng.random() < 0.5:
            lo, hi = 0, len(text)
        got = _argument_opens(text, lo, hi)
        assert got == bool(_ARGUMENT_OPENS.search(text[lo:hi])), repr(text[lo:hi])
        opened += got
    assert opened > 500


def test_a_minified_line_of_hits_counts_its_brackets_once(monkeypatch: Any) -> None:
    """A search function's argument: the nesting up to each hit of a minified line is
    counted on from the hit before, not from the line's start for each (the line's
    characters counted some 2 times, not once per hit), and the findings are those
    the count from the start gives."""
    from ethicscan import scan_text
    from ethicscan.classify import capability as cap

    counted: list[int] = []
    real = cap._nesting

    def nesting(text: str) -> int:
        counted.append(len(text))
        return real(text)

    monkeypatch.setattr(cap, "_nesting", nesting)
    n = 3_000
    line = "var a=[" + ",".join('{"race":"white","face":1}' for _ in range(n)) + "];\n"
    found = scan_text(line, "dist/app.min.js")
    assert found
    assert sum(counted) < 3 * len(line)  # (from the start each time: n/2 lines' worth)

    def from_the_start(doc: Any, hit: Any) -> int:
        return real(doc.text[doc.line_start(hit.line) : hit.start])

    monkeypatch.setattr(cap, "_nesting_before", from_the_start)
    assert scan_text(line, "dist/app.min.js") == found
    calls = "".join(
        f"$('#g').datagrid('load', {{'race': {i}}}); load({{race: r}}, x[{{a: 'ethnicity'}}]);"
        for i in range(50)
    )
    mixed = f"function doQuery() {{ {calls} }}\n"
    monkeypatch.undo()
    fresh = scan_text(mixed, "static/list.js")
    monkeypatch.setattr(cap, "_nesting_before", from_the_start)
    assert scan_text(mixed, "static/list.js") == fresh


def test_a_minified_line_of_hits_searches_its_derived_queries_once(monkeypatch: Any) -> None:
    """A finder named for the trait (``findByRace(``): each line's first derived query is
    searched once, not once for each of its hits (a minified line's hits searched the
    whole line each, its hits in the square of its length); the findings are those that
    searching for each hit gives, on a minified bundle and on lines of finders."""
    from ethicscan import scan_text
    from ethicscan.classify import capability as cap

    searched: list[int] = []
    real = cap._DERIVED_QUERY

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def search(self, text: str, lo: int, hi: int) -> Any:
            searched.append(hi - lo)
            return real.search(text, lo, hi)

    monkeypatch.setattr(cap, "_DERIVED_QUERY", Counting())
    n = 3_000
    line = "var a=[" + ",".join('{"race":"white","face":1}' for _ in range(n)) + "];\n"
    texts = [
        (line, "dist/app.min.js"),
        (
            "".join(
                f"List<P> a{i} = repo.findByRace(race); // race\n"
                f"View v{i} = ButterKnife.findById(v, R.id.nation); int race{i} = 0; // 民族\n"
                f"x = countByEthnicity(e, race) + findAllByNation(nation);\n"
                for i in range(40)
            ),
            "src/Finder.java",
        ),
    ]
    found = [scan_text(text, path) for text, path in texts]
    assert found[0] and found[1]
    assert sum(searched) < 3 * (len(texts[0][0]) + len(texts[1][0]))

    def each_time(doc: Any, i: int, start: int) -> Any:
        return real.search(doc.text, start, doc.lines.end(i))

    monkeypatch.setattr(cap, "_derived_query", each_time)
    assert [scan_text(text, path) for text, path in texts] == found


def _context_of(text: str, path: str, catalogue: Catalogue, shaped: bool) -> object:
    """A document's context words (all three of ``_context_words``' parts, the
    categories in their order), found by line shape or whole."""
    doc = Document(text, path, catalogue)
    doc.by_line_shape = shaped
    out, placed, rows = doc._context_words
    return list(out.items()), placed, sorted(rows), doc._events


# Lines whose words are each of the categories ``_context_words`` tests where they stand
# (an icon set's word, a query's "find by", a declaration's "form"), or none of them; a
# backquote (a code span is possible) or none.
_WORDED = [
    '{{"face_id": {i}, "age": {n}, "race": "asian", "race_confidence": 0.{n}}}',
    '{{"id": {i}, "camera": "c{n}", "model": "v{n}", "gender": "F"}}',
    '{{"id": {i}, "iconCls": "icon-search", "landmarks": {n}}}',
    '{{"id": {i}, "q": "findById", "face": {n}}}',
    '{{"id": {i}, "src": "request.form", "portrait": "p{n}"}}',
    '{{"id": {i}, "form": "intake", "facial": {n}}}',
    '{{"id": {i}, "note": "`face` {n}", "biometric": true}}',
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("path", ["logs/faces.jsonl", "logs/faces.log"])
def test_a_data_text_s_context_words_by_line_shape_are_those_found_whole(
    catalogue: Catalogue, seed: int, path: str
) -> None:
    """Whether its words go straight in (no word of a tested category, no backquote in
    the text) or through the tests, a text's context words found by line shape are
    those, in that order, found whole."""
    rng = random.Random(seed)
    templates = _WORDED[:2] + rng.sample(_WORDED[2:], rng.randint(0, 2))
    text = "\n".join(
        rng.choice(templates).format(i=i, n=rng.choice([0, 3, 45, 700])) for i in range(600)
    )
    by_shape = _context_of(text, path, catalogue, True)
    assert by_shape == _context_of(text, path, catalogue, False)
    assert by_shape[1]  # (words found)


def test_a_log_s_context_words_by_line_shape_make_no_match_a_word(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log whose words none of the tests may drop: its words are put straight from
    their line shapes, no Match made for each (80,000 in the face log)."""
    made: list[int] = []
    real = matcher._MATCH

    def counting(*args: Any) -> Any:
        made.append(1)
        return real(*args)

    text = "\n".join(_WORDED[0].format(i=i, n=i % 90) for i in range(2000))
    monkeypatch.setattr(matcher, "_MATCH", counting)
    doc = Document(text, "logs/faces.jsonl", catalogue)
    doc.by_line_shape = True
    out, _, _ = doc._context_words
    assert len(out) >= 2 and sum(map(len, out.values())) >= 4000
    assert len(made) < 50  # (those of the shapes, matched once each)
