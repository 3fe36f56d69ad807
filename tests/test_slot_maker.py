"""``model.slot_maker``: instances of a frozen, slotted dataclass made slot by slot are
those its constructor makes (the findings of a dense text are made so)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from ethicscan import scan_text
from ethicscan.model import Evidence, Finding, Location, Signal, slot_maker


def _values(obj: object) -> list[object]:
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]  # type: ignore[arg-type]


def test_made_slot_by_slot_is_what_the_constructor_makes() -> None:
    found = scan_text(
        '{"face_id": 1, "age": 30, "race": "asian", "race_confidence": 0.9}\n'
        '{"face_id": 2, "age": 41, "race": "white", "ethnicity": "han"}\n',
        "logs/faces.jsonl",
    )
    assert found
    for f in found:
        for obj in (f, f.location, f.evidence, *f.signals):
            cls = type(obj)
            made = slot_maker(cls)(*_values(obj))
            again = cls(*_values(obj))
            assert type(made) is cls
            assert made == again == obj
            assert hash(made) == hash(again)
            assert repr(made) == repr(again)
            with pytest.raises(dataclasses.FrozenInstanceError):
                made.__setattr__(dataclasses.fields(cls)[0].name, None)


def test_every_field_is_asked_for_in_order() -> None:
    make = slot_maker(Location)
    loc = make("a.py", 3, 7, "t", 2, 10, "m", 5)
    assert loc == Location("a.py", 3, 7, "t", 2, 10, "m", 5)
    with pytest.raises(TypeError):
        make("a.py", 3, 7, "t")  # no defaults: each field is given
    ev = slot_maker(Evidence)("race", "race = x", "en", "", ("a", "b"))
    assert ev.terms == ("a", "b")
    sig = slot_maker(Signal)
    assert sig(*_values(Signal("n", 0.5, "d"))) == Signal("n", 0.5, "d")
    assert slot_maker(Finding)  # (the classifier's three)


def test_a_class_it_would_make_wrongly_is_refused() -> None:
    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError):
        slot_maker(NoSlots)
    with pytest.raises(TypeError):
        slot_maker(Checked)
