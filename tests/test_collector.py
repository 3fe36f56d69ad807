"""The cycle collector around a text's classification (``analyse._collector_paused``):
paused while the text is classified, and, where the text left many objects (a dense
log's findings), those moved to the oldest generation as it resumes, so that no young
or middle pass walks them all again; a small text's objects age as any others do."""

from __future__ import annotations

import gc
import json

import pytest

from ethicscan.classify import analyse as analyse_mod
from ethicscan.classify.analyse import analyse
from ethicscan.rules.catalogue import load_catalogue


def _log(records: int) -> str:
    races = ("asian", "black", "white", "indian", "latino")
    return "".join(
        json.dumps(
            {
                "face_id": i,
                "age": 20 + i % 50,
                "gender": "MF"[i % 2],
                "race": races[i % 5],
                "race_confidence": 0.9,
                "ethnicity": races[(i * 3) % 5],
            },
            separators=(",", ":"),
        )
        + "\n"
        for i in range(records)
    )


def _in_generation(objs: list[object], generation: int) -> list[bool]:
    ids = {id(o) for o in gc.get_objects(generation=generation)}
    return [id(o) in ids for o in objs]


@pytest.fixture
def collector_on() -> object:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_dense_text_leaves_its_findings_in_the_oldest_generation(collector_on: object) -> None:
    catalogue = load_catalogue(())
    analyse(_log(10), "logs/faces.jsonl", catalogue)  # the catalogue's objects made first
    gc.collect()  # every count at 0: no middle pass can run before the check below
    found = analyse(_log(3000), "logs/faces.jsonl", catalogue)
    assert len(found) > 1000
    objs = [x for f in found[:50] for x in (f, f.location, f.evidence)]
    assert all(_in_generation(objs, 2))  # (on main: in the youngest or the middle one)
    assert gc.isenabled()


def test_a_small_text_leaves_its_objects_to_age_as_any_others(collector_on: object) -> None:
    catalogue = load_catalogue(())
    analyse(_log(10), "logs/faces.jsonl", catalogue)
    gc.collect()
    found = analyse(_log(40), "logs/faces.jsonl", catalogue)
    assert found
    assert not any(_in_generation([f for f in found], 2))
    assert gc.isenabled()


def test_the_threshold_is_the_count_of_objects_left(
    collector_on: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the threshold above what the text leaves, its objects are not promoted."""
    catalogue = load_catalogue(())
    analyse(_log(10), "logs/faces.jsonl", catalogue)
    monkeypatch.setattr(analyse_mod, "PROMOTED_FROM", 10**9)
    gc.collect()
    found = analyse(_log(3000), "logs/faces.jsonl", catalogue)
    assert not any(_in_generation(list(found[:50]), 2))


def test_a_collector_paused_by_the_caller_stays_paused_and_nothing_moves() -> None:
    catalogue = load_catalogue(())
    analyse(_log(10), "logs/faces.jsonl", catalogue)
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        found = analyse(_log(3000), "logs/faces.jsonl", catalogue)
        assert not gc.isenabled()
        assert not any(_in_generation(list(found[:50]), 2))
    finally:
        if was:
            gc.enable()


def test_a_cycle_made_among_promoted_objects_is_still_collected(collector_on: object) -> None:
    catalogue = load_catalogue(())
    gc.collect()
    made: list[object] = []

    class Node:
        pass

    real = analyse_mod._analyse

    def with_a_cycle(*args: object) -> object:
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        made.append(a)
        return real(*args)  # type: ignore[arg-type]

    analyse_mod._analyse = with_a_cycle  # type: ignore[assignment]
    try:
        analyse(_log(3000), "logs/faces.jsonl", catalogue)
    finally:
        analyse_mod._analyse = real
    assert _in_generation(made, 2) == [True]  # promoted with the findings
    made.clear()  # now garbage, a cycle in the oldest generation
    assert gc.collect() >= 2
