"""A DEX file's lines kept as one text and arrays (extract.dex.DexLines): the same
segments, text, lines and limits as a Segment made for each line, for less memory."""

from __future__ import annotations

import random
import tracemalloc

import pytest
from tests.dexwriter import DexClass, build_dex

from ethicscan.extract import dex
from ethicscan.extract.dex import extract_dex
from ethicscan.extract.units import Extracted, Segment, TextUnit
from ethicscan.model import SkipReason

_WORDS = ["face", "Skin", "color", "ethnic", "Attr", "get", "race", "Id", "名族", "\U0001f600"]


def _app(rng: random.Random, classes: int, breaks: bool = False) -> bytes:
    """Classes in a few packages, each with fields and methods, and constants; with
    ``breaks``, some names and constants hold line breaks."""

    def word(n: int = 3) -> str:
        w = "".join(rng.choice(_WORDS) for _ in range(rng.randint(1, n)))
        return w + rng.choice(["\n", "\r\n", "\r", ""]) if breaks and rng.random() < 0.1 else w

    out = []
    for i in range(classes):
        pkg = rng.choice(["com/acme/face", "com/acme/util", "org/x", ""])
        name = f"L{pkg}/{word()}{i};" if pkg else f"L{word()}{i};"
        fields = [(f"{word()}{j}", rng.choice(["I", "Ljava/lang/String;"])) for j in range(3)]
        methods = [
            (f"{word()}{j}", rng.choice(["V", "Z", name]), rng.sample(["I", "[B", name], 2))
            for j in range(rng.randint(0, 4))
        ]
        methods += [("<init>", "V", [])] if rng.random() < 0.5 else []
        out.append(DexClass(name, fields, methods))
    return build_dex(out, [word(6) for _ in range(classes)])


def _made_each(unit: TextUnit, segments: list[Segment]) -> TextUnit:
    """The text unit of the same segments as a tuple: a Segment made for each line."""
    return TextUnit.joined(unit.path, Extracted(tuple(segments), kind=unit.kind))


@pytest.mark.parametrize("seed", range(12))
def test_a_dex_files_lines_give_what_a_segment_each_gives(seed: int) -> None:
    """Its text, each line's first line, and each line's segment (a class's label, a
    member's, a constant's offset) as the tuple of Segments gives them, whether the
    lines hold line breaks (joined again then) or not."""
    rng = random.Random(seed)
    out = extract_dex(_app(rng, 40, breaks=seed % 2 == 1), "classes.dex")
    segments = list(out.segments)
    assert len(segments) == len(out.segments) > 40
    assert [out.segments[i] for i in range(len(segments))] == segments
    assert out.segments[-1] == segments[-1] and list(out.segments[2:5]) == segments[2:5]
    unit = TextUnit.joined("classes.dex", out)
    ref = _made_each(unit, segments)
    assert (unit.text, list(unit.starts)) == (ref.text, list(ref.starts))
    for line in range(1, unit.text.count("\n") + 2):
        assert unit.origin(line) == ref.origin(line)
    members = {s.member for s in segments if s.offset is None}
    assert all(s.member == "" for s in segments if s.offset is not None)
    assert any("." in m for m in members) and "" not in members


def test_a_dex_files_lines_are_cut_where_the_limits_say(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _app(random.Random(3), 30)
    whole = list(extract_dex(data, "classes.dex").segments)
    monkeypatch.setattr(dex, "MAX_LINES", 50)
    out = extract_dex(data, "classes.dex")
    assert list(out.segments) == whole[:50]
    assert out.skipped == (
        (
            SkipReason.LIMIT,
            f"DEX file: {len(whole) - 50} lines after the first 50 not read "
            f"(limits: {dex.MAX_CHARS} characters, 50 lines per file)",
        ),
    )
    monkeypatch.setattr(dex, "MAX_LINES", len(whole) - 3)  # among the constants
    out = extract_dex(data, "classes.dex")
    assert whole[-4].offset is not None and list(out.segments) == whole[:-3]
    assert "3 lines after the first" in out.skipped[0][1]
    monkeypatch.setattr(dex, "MAX_LINES", len(whole))
    assert extract_dex(data, "classes.dex").skipped == ()
    chars = sum(len(s.text) for s in whole[:20])
    monkeypatch.setattr(dex, "MAX_CHARS", chars + len(whole[20].text) - 1)
    out = extract_dex(data, "classes.dex")
    assert list(out.segments) == whole[:20] and "lines after the first 20" in out.skipped[0][1]
    assert TextUnit.joined("x", out).text == "\n".join(s.text for s in whole[:20])


def test_a_dex_files_lines_are_held_as_one_text() -> None:
    """An app's DEX file has hundreds of thousands of lines: a Segment, a text and a
    member label each held 470 bytes a line beside the joined text (the settings APK's
    6.9 MB classes.dex: 43 MB held once joined, now 23).  Here: 330 bytes a line
    before, about 60 now (the arrays, and the members' names that labels are made of)."""
    out = extract_dex(_app(random.Random(5), 3000), "classes.dex")
    n = len(out.segments)
    del out
    data = _app(random.Random(5), 3000)
    tracemalloc.start()
    try:
        unit = TextUnit.joined("classes.dex", extract_dex(data, "classes.dex"))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    text_bytes = len(unit.text.encode("utf-32-le"))  # (an astral character: 4 bytes each)
    assert held < text_bytes + 100 * n, (held, text_bytes, n)
