"""Whether a text holds a data app's selection control (``_SELECTION_CONTROL``) is first
asked of what each control's call holds up to its "(" (``_CONTROL_NEEDLES``): the
expression tries a word at every word's start: 1.16 CPU s of the dense corpus's 13 (an
APK's DEX text, 0.18 s each; name2nat's pickle's strings, 0.57 s) where none of its calls
is; each "(" of a text read against the needles first, 4 ms for 13 MB."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify import capability
from ethicscan.classify.document import Document
from ethicscan.rules.catalogue import Term, load_catalogue
from hitfixtures import Counting, hits_of

_CALLS = (
    [
        f"{m}.{n}("
        for m in ("st", "sidebar", "x")
        for n in ("multiselect", "selectbox", "select_slider")
    ]
    + [f"{m}.{n}(" for m in ("st", "sidebar") for n in ("radio", "pills", "segmented_control")]
    + [f"dcc.{n}(" for n in ("Checklist", "Dropdown", "RadioItems")]
    + [
        f"{n}("
        for n in (
            "checkboxGroupInput", "input_checkbox_group", "selectInput", "selectizeInput",
            "pickerInput", "radioButtons", "input_select", "input_selectize",
            "input_radio_buttons",
        )
    ]
    + [
        f"{m}.{n}("
        for m in ("widgets", "pn.widgets", "gr")
        for n in (
            "SelectMultiple", "MultiSelect", "MultiChoice", "CheckboxGroup", "CheckBoxGroup",
            "Dropdown", "Select", "RadioButtons", "ToggleButtons", "Radio",
        )
    ]
)  # fmt: skip


def _words(pattern: str) -> set[str]:
    bare = re.sub(r"\(\?P<\w+>|\\[bw]", "", pattern)
    return set(re.findall(r"[A-Za-z_]{2,}", bare))


def test_every_control_the_expression_names_holds_a_needle() -> None:
    """Every control the expression names (its words are those of the calls listed
    here: a control added to it fails this until it is listed) is found by the
    expression and has a needle, alone and inside code."""
    assert _words(capability._SELECTION_CONTROL.pattern) == _words(" ".join(_CALLS)) - {"x"}
    assert all(n.endswith("(") for n in capability._CONTROL_NEEDLES)  # (_CONTROL_CALL's "(")
    for call in _CALLS:
        for text in (call, f"races = {call}'Race', RACES)\n", f"a=1;{call}x)"):
            assert capability._SELECTION_CONTROL.search(text), text
            assert capability._holds_a_control(text), text


_PIECES = st.sampled_from(
    [*_CALLS, "select(", "Dropdown(", "radio(", "st.", ".", "(", "x", " ", "\n", "gr", "_",
     "widgets", "dcc", "selectInput", "getInput(", "setItems("]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_a_text_holds_a_control_as_the_expression_says(text: str) -> None:
    assert capability._holds_a_control(text) == (
        capability._SELECTION_CONTROL.search(text) is not None
    )


def _term(text: str) -> Term:
    return next(
        k.payload
        for k in load_catalogue(()).terms.keys
        if isinstance(k.payload, Term) and k.payload.text.lower() == text
    )


def test_a_text_without_a_controls_call_is_not_searched_for_one() -> None:
    """A long text of code with no control's call (a DEX file's strings, Java's
    ``getInput(``, ``setItems(``): the expression is not asked; a dashboard's control
    is still a filter's choices."""
    code = "".join(
        f"void setItems{i}(List race) {{ return getInput(race); }}\n" for i in range(2000)
    )
    dashboard = 'import streamlit as st\nraces = st.multiselect("Race", RACES)\n'
    catalogue = load_catalogue(())
    asked: list[str] = []

    race = _term("race")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(capability, "_SELECTION_CONTROL", Counting(capability._SELECTION_CONTROL, asked))
        doc = Document(code, "classes.dex", catalogue, "")
        for hit in hits_of(doc, race, "race")[:5]:
            assert capability._filter_control(doc, hit) == ""
        assert asked == []
        doc = Document(dashboard, "app.py", catalogue, "")
        (hit,) = hits_of(doc, race, "Race")
        assert capability._filter_control(doc, hit).startswith("a filter's choices")
        assert "search" in asked
