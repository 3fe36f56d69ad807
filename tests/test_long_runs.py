"""A string of a binary's strings text can hold thousands of hits of one word in a row
(UTF-16 ``肤色`` repeated, ``race_race_...``): what each hit reads of the run it stands
in is read once for the run, not once a hit, and decides as reading it whole did."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ethicscan import scan_text
from ethicscan.classify import capability as cap
from ethicscan.classify.analyse import analyse
from ethicscan.classify.document import Document
from ethicscan.extract.units import TextKind
from ethicscan.rules.catalogue import load_catalogue

_NAME = re.compile(r"(\d+)")


def _reference_across(text: str, start: int, end: int) -> bool:
    """``_across_mangled_names`` as it read a hit alone: the run back to its start,
    then the symbol's names from its ``_Z`` up to the hit."""
    lo = start
    while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] in "_.$"):
        lo -= 1
    if not text.startswith("_Z", lo):
        return False
    i = lo + 2
    while i < start:
        m = _NAME.match(text, i)
        if m is None:
            i += 1
            continue
        name_start, n = m.end(), int(m.group(1)[:6])
        if name_start > start:
            break
        if end <= name_start + n:
            return False
        i = name_start + n
    return True


_PIECES = [
    "_Z",
    "_ZN",
    "4",
    "1",
    "0",
    "12",
    "3",
    "race",
    "Face",
    "a",
    "x",
    "_",
    ".",
    "$",
    " ",
    "\n",
    "肤色",
    "E",
    "v",
    "S2_",
    "٣",
]


@settings(max_examples=400, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["", "_Z", "x_ZN", "_ZN12"]),
        st.lists(st.sampled_from(_PIECES), max_size=40),
    ).map(lambda t: t[0] + "".join(t[1])),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=30),
    st.booleans(),
)
@example("_ZN12racerace", [(4, 3), (5, 4)], True)  # (in a name's length)
def test_a_runs_hits_are_judged_as_each_alone(
    text: str, spans: list[tuple[int, int]], in_order: bool
) -> None:
    """Asked for the hits of a text in order (as the classifier asks) or in any order,
    the runs read once give each hit the answer of reading its run alone."""
    spans = [(s, min(len(text), s + n)) for s, n in spans if s < len(text)]
    if in_order:
        spans.sort()
    runs = cap._SymbolRuns()
    for start, end in spans:
        assert runs.across(text, start, end) == _reference_across(text, start, end)


class _Counted(str):
    """A text that counts the characters read from it one at a time."""

    reads = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        _Counted.reads += 1
        return super().__getitem__(key)


class _CountedSearch:
    """A pattern that counts the characters its searches were given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.read = 0

    def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        self.read += endpos - pos
        return self.pattern.search(text, pos, endpos)


def test_a_run_of_hits_is_read_once_not_once_a_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hits of a run of 3,000 words (a mangled symbol's or not) read its characters
    some once in all, back to its start and on through its names: read from the run's
    start for each, they read it 1,500 times."""
    digits = _CountedSearch(cap._DIGIT_AT)
    monkeypatch.setattr(cap, "_DIGIT_AT", digits)
    for head in ("", "_ZN4Face"):
        text = _Counted("\x00" + head + "肤色" * 3_000 + "\x00")
        runs = cap._SymbolRuns()
        _Counted.reads = 0
        starts = [m.start() for m in re.finditer("肤色", text)]
        got = [runs.across(text, s, s + 2) for s in starts]
        assert _Counted.reads < 2 * len(text)
        assert digits.read < 2 * len(text)
        assert got == [_reference_across(str(text), s, s + 2) for s in starts]
        assert any(got) == bool(head)


class _Reads(str):
    """A text that counts the characters read from it by slicing, ``find``,
    ``rfind`` and ``count`` (what a search that stops early read, up to where)."""

    reads = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        got = super().__getitem__(key)
        _Reads.reads += len(got)
        return got

    def find(self, sub, lo=0, hi=None):  # type: ignore[no-untyped-def,override]
        hi = len(self) if hi is None else hi
        at = super().find(sub, lo, hi)
        _Reads.reads += at - lo if at >= 0 else max(0, hi - lo)
        return at

    def rfind(self, sub, lo=0, hi=None):  # type: ignore[no-untyped-def,override]
        hi = len(self) if hi is None else hi
        at = super().rfind(sub, lo, hi)
        _Reads.reads += hi - at if at >= 0 else max(0, hi - lo)
        return at

    def count(self, sub, lo=0, hi=None):  # type: ignore[no-untyped-def,override]
        hi = len(self) if hi is None else hi
        _Reads.reads += max(0, hi - lo)
        return super().count(sub, lo, hi)


def _minified(n: int) -> str:
    return "var a=[" + ",".join('{"race":"white","face":1}' for _ in range(n)) + "];\n"


def _finder_line(n: int) -> str:
    calls = "".join(
        f"$('#g').datagrid('load', {{'race': {i}}}); <b>x</b> load({{race: r}}, "
        "x[{a: 'ethnicity'}]);"
        for i in range(n // 3)
    )
    return f"function findByRace(race, x) {{ {calls} }}\n"


def _run_of_one_word(n: int) -> str:
    return "FaceEngine\nskin_color {\n" + "肤色" * n + "\n"


_LONG_LINES = [
    (_minified, "dist/app.min.js", TextKind.NAMED),
    (_finder_line, "static/list.js", TextKind.NAMED),
    (_run_of_one_word, "libface.so", TextKind.STRINGS),
]


@pytest.mark.parametrize(("make", "path", "kind"), _LONG_LINES)
def test_a_long_lines_hits_each_read_a_bounded_stretch(make: Any, path: str, kind: Any) -> None:
    """Four times the hits on one line (a minified bundle's, a binary's string of one
    word repeated) read about four times the characters, not sixteen: no hit reads
    the line up to itself (a brace count, a tag's end, a finder's parenthesis, a run
    of symbol characters back to its start)."""
    reads = []
    for n in (300, 1200):
        _Reads.reads = 0
        found = analyse(_Reads(make(n)), path, load_catalogue(()), kind)
        assert found
        reads.append(_Reads.reads)
    assert reads[1] < 5.5 * reads[0]  # (each hit reading the line to itself: over 6.5)


def _as_each_hit_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The readings a line's hits share, read afresh for each hit, as they were."""

    def braces_before(doc: Any, hit: Any) -> int:
        return cap._braces(doc.text, doc.line_start(hit.line), hit.start)

    def first_on_line(doc: Any, line: int, char: str, after: int = 0) -> int:
        return doc.text.find(char, max(after, doc.line_start(line)), doc.lines.end(line))

    def across(self: Any, text: str, start: int, end: int) -> bool:
        return _reference_across(text, start, end)

    monkeypatch.setattr(cap, "_braces_before", braces_before)
    monkeypatch.setattr(cap, "_first_on_line", first_on_line)
    monkeypatch.setattr(cap, "_opener_above", cap._opener_of)
    monkeypatch.setattr(
        cap,
        "_collection_owner",
        lambda doc, hit: cap._owner_of(doc, hit.line) if not (doc.is_prose or doc.is_data) else "",
    )
    monkeypatch.setattr(cap._SymbolRuns, "across", across)


_MIXED = [
    (
        '<template>\n<el-form :model="form">\n<el-select v-model="queryParams.status"\n'
        '  clearable size="small">民族</el-select>\n</el-form>\n</template>\n',
        "views/list.vue",
    ),
    (
        "def findCaptures(device_id, skin_color):\n    return api.captures(device_id)\n",
        "faces/f.py",
    ),
    ("def findCaptures(device_id): return api.captures(device_id, skin_color=1)\n", "faces/f.py"),
    (
        "<el-form :model='queryParams'>\n<el-select v-model=\"queryParams.nation\"\n"
        ' placeholder="民族" a=1>{x}</el-select>\n<b>民族</b> <i>race</i>\n</el-form>\n',
        "views/list.vue",
    ),
    ("const searchOptions = {\n  race: 'x', nation: 1,\n  items: [\n   'ethnicity',\n", "a.js"),
    (
        "List<Person> findByNation(String nation); // 民族\n"
        'queryPerson(String race) { wrapper.eq("race", race); }\n'
        "{ label: '民族', prop: 'nation', isFilter: true, options: [] }\n",
        "PersonMapper.java",
    ),
    ("_ZN4acme10FaceEngine16GetRaceEstimatesEv\n_ZN4Face4castES2_race\n", "libface.so"),
]


@pytest.mark.parametrize("seed", range(4))
def test_findings_are_those_each_hit_reading_alone_gives(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings of long lines, of a binary's strings and of code whose hits read
    the lines above (a literal's opener, a tag's end, a finder's parameters) are those
    each hit reading all it reads afresh gives."""
    rng = random.Random(seed)
    texts = [(make(rng.randint(30, 300)), path, kind) for make, path, kind in _LONG_LINES]
    texts += [(text, path, TextKind.NAMED) for text, path in _MIXED]
    texts.append(
        (
            "\n".join(
                rng.choice(["FaceEngine", "肤色" * 300, "{", "x" * 900, "skin_color"])
                for _ in range(40)
            ),
            "lib.so",
            TextKind.STRINGS,
        )
    )
    catalogue = load_catalogue(())
    fast = [analyse(text, path, catalogue, kind) for text, path, kind in texts]
    _as_each_hit_read_it(monkeypatch)
    assert fast == [analyse(text, path, catalogue, kind) for text, path, kind in texts]
    assert any(fast)


class _At:
    """A hit at ``start`` on ``line``, as the readings of a line ask for one."""

    def __init__(self, line: int, start: int) -> None:
        self.line = line
        self.start = start


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"ab >(){}\n\t", "  ", "x" * 30]), max_size=60).map("".join),
    st.lists(st.integers(0, 400), max_size=20),
)
def test_a_lines_first_bracket_tells_what_reading_up_to_each_hit_told(
    text: str, places: list[int]
) -> None:
    """What each hit read of its line up to itself (a ``>`` before it, an open
    parenthesis and no close after it, the braces opened, blanks only), told by the
    line's first such character found once, and the braces counted on from the hit
    before."""
    doc = Document(text, "static/a.js", load_catalogue(()))
    for pos in (p for p in places if p <= len(text)):  # (in order or not)
        line = doc.line_of(pos)
        lo = doc.line_start(line)
        before = text[lo:pos]
        assert (0 <= cap._first_on_line(doc, line, ">") < pos) == (">" in before)
        opens = text.find("(", lo, pos)
        shut = opens < 0 or text.find(")", opens, pos) >= 0
        assert cap._in_parentheses(doc, line, pos) == (not shut)
        braces = cap._braces_before(doc, _At(line, pos))  # type: ignore[arg-type]
        assert braces == before.count("{") - before.count("}")
        assert (cap._BLANKS.match(text, lo, pos).end() < pos) == bool(before.strip())  # type: ignore[union-attr]


def test_what_a_line_holds_before_a_hit_still_decides() -> None:
    """A select's text after its tag's end is no attribute of the tag (a form's field),
    its placeholder is; a finder's parameter is one between its parentheses only."""
    select = '<template>\n<el-form :model="form">\n<el-select v-model="queryParams.status"\n'

    def details(text: str, path: str) -> list[str]:
        return [s.detail for f in scan_text(text, path) for s in f.signals]

    text = select + '  clearable size="small">民族</el-select>\n</el-form>\n</template>\n'
    assert "a search form's field (model=\"query)" in details(text, "views/list.vue")
    text = select + '  clearable placeholder="民族">\n</el-form>\n</template>\n'
    assert '<el-select v-model="query' in details(text, "views/list.vue")
    text = "def findCaptures(device_id, skin_color):\n    return api.captures(device_id)\n"
    assert "a parameter of findCaptures()" in details(text, "faces/f.py")
    text = "def findCaptures(device_id): return api.captures(device_id, skin_color=1)\n"
    assert "a field or value of face data" in details(text, "faces/f.py")
