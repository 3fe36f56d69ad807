"""The labelled corpus (tests/corpus/*.yaml): for each text, the exact set of
(trait, capability) pairs ethicscan must report - [] for look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ethicscan import scan_text

CORPUS = Path(__file__).parent / "corpus"


def _cases() -> list[Any]:
    out = []
    for f in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{f.stem}:{case['id']}"))
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
        (f.location.line, f.trait.value, f.capability.value, f.evidence.term,
         [s.name for s in f.signals])
        for f in findings
    ]
    assert got == want, f"{case.get('note', '')}\n{detail}"
    for e in case["expect"]:
        if "line" in e:
            lines = {f.location.line for f in findings
                     if (f.trait.value, f.capability.value) == (e["trait"], e["capability"])}
            assert e["line"] in lines, f"expected {e} on line {e['line']}, got lines {sorted(lines)}"
