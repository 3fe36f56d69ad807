"""The labelled corpus (tests/corpus/*.yaml): for each text, the exact set of
(trait, capability) pairs ethicscan must report - [] for look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ethicscan import scan_text

CORPUS = Path(__file__).parent / "corpus"

# Cases the classifier gets wrong today, each with why.  Strict: when a change fixes one,
# the suite fails until it is removed from this list (docs/classifier.md, "Known gaps").
KNOWN_GAPS = {
    "csv-en-camera-capture-rows-race-counter": "a CSV row does not read its column's header",
    "json-estimator-predominant-ethnicity": "race labels under an ethnicity key 4 lines away",
    "py-surname-ethnicity-predictor": "census race columns reported as race beside ethnicity",
    "json-locale-language-names": "several group names read as a code table of people",
    "py-name-provider-docstring-ethnic-russians": "'register' in prose read as declared data",
    "md-zh-survey-respondents-minzu": "survey prose about 民族 read as a record",
    "md-changelog-ethnicity-attribute-removed": "removal stated on another line than the term",
    "md-zh-dataset-tibetan-folk-songs": "a table-only group name in prose becomes a mention",
    "h-zh-camera-headscarf-beard-veil": "religious markers without religion words are not read",
    "ts-appearance-search-hijab-filter": "hijab as a search filter without surveillance words",
    "sql-face-access-log-union-members": "employee words outweigh the face access log",
    "md-zh-handbook-union-membership": "工会 membership wording not in the catalogue",
    "txt-census-codebook-race-hispanic": "'not' in a codebook category read as negation",
    "json-pedestrian-attr-minzu-score": "pedestrian attribute score without face words",
}


def _cases() -> list[Any]:
    out = []
    for f in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            marks = []
            if case["id"] in KNOWN_GAPS:
                marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[case["id"]], strict=True))
            out.append(pytest.param(case, id=f"{f.stem}:{case['id']}", marks=marks))
    return out


CASES = _cases()


def test_corpus_is_big_enough() -> None:
    lookalikes = [c for c in CASES if not c.values[0]["expect"]]
    assert len(CASES) >= 80
    assert len(lookalikes) >= 30
    ids = [c.values[0]["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    findings = scan_text(case["text"], case["path"])
    got = {(f.trait.value, f.capability.value) for f in findings}
    want = {(e["trait"], e["capability"]) for e in case["expect"]}
    detail = [
        (
            f.location.line,
            f.trait.value,
            f.capability.value,
            f.evidence.term,
            [s.name for s in f.signals],
        )
        for f in findings
    ]
    assert got == want, f"{case.get('note', '')}\n{detail}"
    for e in case["expect"]:
        if "line" in e:
            lines = {
                f.location.line
                for f in findings
                if (f.trait.value, f.capability.value) == (e["trait"], e["capability"])
            }
            assert e["line"] in lines, (
                f"expected {e} on line {e['line']}, got lines {sorted(lines)}"
            )
