"""The JSON report is written from a template (``report.json.render``), not by the
standard indented encoder, which is slow on a report of 100,000 findings: the two must
agree character for character, whatever the findings hold."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ethicscan import ScanOptions, atomic, scan
from ethicscan.cli import main
from ethicscan.kinds import TargetKind
from ethicscan.model import (
    Basis,
    Capability,
    Commit,
    Evidence,
    Finding,
    History,
    HistoryStatus,
    Location,
    Notice,
    Ref,
    ScanResult,
    Severity,
    Signal,
    Skipped,
    SkipReason,
    Stats,
    Suppression,
    Target,
    Trait,
)
from ethicscan.report import json as json_report
from ethicscan.report.json import render, render_parts, to_dict, valid

# strings a report may carry: non-ASCII, quotes and backslashes, control characters,
# the line breaks JSON leaves alone, lone surrogates (a file name that is not UTF-8)
_STRINGS = (
    "",
    "race",
    "民族",
    'say "hi"\\ there',
    "tab\there\nnew\r\x00\x1f\x7f",
    "\u2028\u2029\x85",
    "bad\udcff name",
    "\ud800",
    "😀 emoji",
)
_FLOATS = (0.0, -0.0, 0.05, 0.1 + 0.2, 1.0, 0.99, 1e-7, 1e16, float("nan"), float("inf"))


def _reference(result: ScanResult) -> str:
    return json.dumps(valid(to_dict(result)), ensure_ascii=False, indent=2) + "\n"


def _finding(rng: random.Random, shared: list[tuple[Signal, ...]]) -> Finding:
    s = lambda: rng.choice(_STRINGS)  # noqa: E731
    signals = (
        rng.choice(shared)
        if rng.random() < 0.7
        else (tuple(Signal(s(), rng.choice(_FLOATS), s()) for _ in range(rng.randint(0, 3))))
    )
    commit = Commit(s(), s(), s())
    return Finding(
        rule=s(),
        trait=rng.choice(list(Trait)),
        capability=rng.choice(list(Capability)),
        basis=rng.choice([None, *Basis]),
        severity=rng.choice(list(Severity)),
        confidence=rng.choice(_FLOATS),
        score=rng.choice((*_FLOATS, 1, 0)),
        location=Location(
            s(),
            rng.randint(0, 10**6),
            rng.randint(0, 300),
            s(),
            rng.choice([None, 1, 12]),
            rng.choice([None, 0, 2**40]),
            s(),
            rng.choice([None, None, 1, 10**6]),  # a code table's last row
        ),
        evidence=Evidence(s(), s(), s(), s(), tuple(s() for _ in range(rng.choice((0, 0, 1, 3))))),
        signals=signals,
        refs=tuple(Ref(s(), s(), s()) for _ in range(rng.randint(0, 2))),
        fingerprint=s(),
        history=rng.choice([None, History(commit, commit, rng.choice(list(HistoryStatus)), s())]),
        suppression=rng.choice([None, Suppression(s(), s())]),
    )


def _result(rng: random.Random, n: int) -> ScanResult:
    s = lambda: rng.choice(_STRINGS)  # noqa: E731
    shared = [(Signal(s(), 0.1, s()),), (), (Signal("a", 0.05, ""), Signal(s(), -0.1, s()))]
    return ScanResult(
        targets=tuple(
            Target(s(), rng.choice(list(TargetKind)), s(), s(), rng.randint(0, 9))
            for _ in range(rng.randint(0, 2))
        ),
        findings=tuple(_finding(rng, shared) for _ in range(n)),
        skipped=tuple(
            Skipped(s(), rng.choice(list(SkipReason)), s(), s()) for _ in range(rng.randint(0, 2))
        ),
        stats=Stats(rng.randint(0, 5), rng.randint(0, 10**9), rng.choice(_FLOATS)),
        catalogue_version=s(),
        tool_version=s(),
        warnings=tuple(Notice(s(), rng.randint(0, 9), s(), s()) for _ in range(rng.randint(0, 2))),
        started=s(),
        disabled_rules=tuple(s() for _ in range(rng.randint(0, 2))),
        min_confidence=rng.choice(_FLOATS),
        config_file=s(),
    )


def _with_signals(base: Finding, signals: tuple[Signal, ...]) -> Finding:
    """``base`` with other signals, built anew (not ``replace``: a new object each time)."""
    return Finding(
        base.rule,
        base.trait,
        base.capability,
        base.basis,
        base.severity,
        base.confidence,
        base.location,
        base.evidence,
        signals,
        base.refs,
        base.fingerprint,
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_report_is_what_the_standard_encoder_writes(seed: int) -> None:
    rng = random.Random(seed)
    result = _result(rng, rng.choice([0, 1, 2, 30]))
    assert render(result) == _reference(result)


def test_a_scan_s_report_is_what_the_standard_encoder_writes(tmp_path: Path) -> None:
    """The same on the findings of a real scan (shared signals and references)."""
    folder = tmp_path
    (folder / "faces.jsonl").write_text(
        "".join(
            json.dumps({"face_id": i, "race": "asian", "race_confidence": 0.5, "ethnicity": "白"})
            + "\n"
            for i in range(50)
        ),
        encoding="utf-8",
    )
    (folder / "m.py").write_text("race = model.predict_race(face)  # 民族\n", encoding="utf-8")
    result = scan([str(folder)], ScanOptions(jobs=1))
    assert len(result.findings) > 50
    assert render(result) == _reference(result)
    # in parts, a finding a part, as the command line writes it to a file
    parts = list(render_parts(result))
    assert "".join(parts) == _reference(result)
    assert len(parts) > 2 * len(result.findings)
    out = folder / "report.json"
    assert main(["scan", str(folder), "-q", "-j", "1", "--format", "json", "-o", str(out)]) == 1
    written = out.read_text(encoding="utf-8")
    assert written.count('"fingerprint"') == len(result.findings)
    moment = ('"started"', '"seconds"')  # the scan's own moment and duration
    assert [x for x in written.split("\n") if not x.strip().startswith(moment)] == [
        x for x in render(result).split("\n") if not x.strip().startswith(moment)
    ]


def test_the_report_is_made_as_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``render_parts`` makes a finding's text when its part is asked for, and the
    command line hands the parts to the writer as they are made: a report of 60,000
    findings (120 MB) is never held whole."""
    rng = random.Random(3)
    result = _result(rng, 40)
    made: list[int] = []
    real = json_report._FindingTexts.__call__

    def counting(self: object, f: Finding) -> str:
        made.append(1)
        return real(self, f)  # type: ignore[arg-type]

    monkeypatch.setattr(json_report._FindingTexts, "__call__", counting)
    taken: list[str] = []
    for part in render_parts(result):
        taken.append(part)
        # no finding's text is made before its part is asked for
        assert len(made) == sum('"fingerprint"' in t for t in taken)
    assert "".join(taken) == _reference(result)
    assert len(made) == len(result.findings)
    # the command line: the writer is given the parts as they are made, not a list
    given: list[object] = []
    write = atomic._write

    def spying(out: Any, data: Any) -> None:
        given.append(data)
        write(out, data)

    monkeypatch.setattr(atomic, "_write", spying)
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "faces.jsonl").write_text(
        "".join(
            json.dumps({"face_id": i, "race": "asian", "ethnicity": "black"}) + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    assert main(["scan", str(folder), "-q", "-j", "1", "--format", "json", "-o", str(out)]) == 1
    (data,) = given
    assert isinstance(data, Iterator)
    assert out.read_text(encoding="utf-8").count('"fingerprint"') > 30


def test_signals_equal_in_python_but_written_apart_stay_apart() -> None:
    """``Signal("a", 0.0) == Signal("a", -0.0)`` (and 1 == 1.0), but JSON writes them
    apart: encoding shared signals once must not hand one the other's text."""
    rng = random.Random(1)
    base = _finding(rng, [()])
    weights: tuple[float, ...] = (0.0, -0.0, 1, 1.0, 0.0)
    findings = tuple(_with_signals(base, (Signal("name", w, "detail"),)) for w in weights)
    result = ScanResult((), findings, (), Stats(1, 1, 0.0), "c")
    assert render(result) == _reference(result)
    assert '"weight": -0.0' in render(result)


def test_scores_equal_in_python_but_written_apart_stay_apart() -> None:
    """A confidence and a score are written once for the objects a decision's findings
    share: 0.0 and -0.0, 1 and 1.0 (equal in Python) keep their own texts, and so do
    line numbers and fingerprints written straight."""
    rng = random.Random(3)
    base = _finding(rng, [()])
    pairs: tuple[tuple[float, float], ...] = ((0.0, 1), (-0.0, 1.0), (0.0, 1.0), (1, -0.0))
    findings = tuple(
        Finding(
            base.rule,
            base.trait,
            base.capability,
            base.basis,
            base.severity,
            conf,
            Location("a.py", 7 + i, True if i == 2 else 3),
            base.evidence,
            base.signals,
            base.refs,
            fp,
            score=score,
        )
        for i, ((conf, score), fp) in enumerate(
            zip(pairs * 2, ["0af3", "ü1", "a b", '"x', "", "12", "\\n", "e9"], strict=True)
        )
    )
    result = ScanResult((), findings, (), Stats(1, 1, 0.0), "c")
    assert render(result) == _reference(result)
    assert '"score": -0.0' in render(result) and '"confidence": 1,' in render(result)


def test_tuples_of_the_same_signals_in_other_orders_are_written_apart() -> None:
    """Signal tuples are found by their members' identities: tuples of the same
    objects in another order, or fewer of them, are other texts."""
    a, b = Signal("a", 0.1, "x"), Signal("b", -0.05, "y")
    base = _finding(random.Random(2), [()])
    shapes = [(a, b), (a,), (b, a), (a, b), (b,), (a, a)]
    findings = tuple(
        _with_signals(base, tuple(list(sig)))  # a new tuple each time
        for sig in shapes
    )
    result = ScanResult((), findings, (), Stats(1, 1, 0.0), "c")
    assert render(result) == _reference(result)


def _fresh(s: str) -> str:
    """A string equal to ``s`` (of two characters or more) that is another object."""
    return "".join(list(s))


def _shared_findings(rng: random.Random, n: int) -> list[Finding]:
    """Findings that share their objects as a scan's do (a verdict's signals, references,
    numbers, rule, path), each the one before on another line, column, snippet and
    fingerprint, and now and then one field another object, equal or not, written alike
    or apart (0.0 and -0.0, 1 and 1.0), or a field whose text no other finding shares
    (an end line, a page, an offset, a code table's terms, a history, a suppression)."""
    commit = Commit("abc", "2026-01-01", "me")
    sig = (Signal("face-context", 0.1, "face"), Signal("model-output", 0.15, "confidence"))
    pools: dict[str, list[Any]] = {
        "rule": ["race-attribute", _fresh("race-attribute"), "race-label-set"],
        "trait": [Trait.RACE, Trait.ETHNICITY],
        "capability": list(Capability),
        "basis": [None, *Basis],
        "severity": list(Severity),
        "confidence": [0.992, float("0.992"), 0.0, -0.0, float("nan")],
        "score": [0.8, 1, 1.0, 0.99, -0.0],
        "signals": [sig, tuple(sig), (sig[0],), ()],
        "refs": [(Ref("gdpr-9", "GDPR Art. 9", "https://x"),), (), (Ref("a", "b", ""),)],
        "history": [None, History(commit, commit, HistoryStatus.PRESENT, "")],
        "suppression": [None, Suppression("ok", "inline")],
        "path": ["logs/faces.jsonl", _fresh("logs/faces.jsonl"), "民族.jsonl", "bad\udcff"],
        "target": ["faces.jsonl", _fresh("faces.jsonl"), ""],
        "page": [None, 3],
        "offset": [None, 0],
        "member": ["", "member.txt"],
        "end_line": [None, 12],
        "term": ["race", _fresh("race"), "White", "民族", 'q"uote'],
        "language": ["en", _fresh("en"), "zh"],
        "gloss": ["", "race", "\u2028"],
        "terms": [(), ("汉族", "回族")],
    }
    first = {k: v[0] for k, v in pools.items()}
    now = dict(first)
    out = []
    for i in range(n):
        if rng.random() < 0.3:  # one field another object
            k = rng.choice(list(pools))
            now[k] = rng.choice(pools[k])
        elif rng.random() < 0.1:
            now = dict(first)
        out.append(
            Finding(
                now["rule"],
                now["trait"],
                now["capability"],
                now["basis"],
                now["severity"],
                now["confidence"],
                Location(
                    now["path"],
                    rng.choice([i + 1, True, 2**40]),
                    rng.choice([37, 44, 74, 0]),
                    now["target"],
                    now["page"],
                    now["offset"],
                    now["member"],
                    now["end_line"],
                ),
                Evidence(
                    _fresh(now["term"]),  # (a slice of the text: a string of its own)
                    rng.choice(['{"face_id":1,"race":"white"}', "tab\there", "民族 ok", ""]),
                    now["language"],
                    now["gloss"],
                    now["terms"],
                ),
                now["signals"],
                now["refs"],
                rng.choice([f"{i:020x}", f"{i:020x}", "不是", '"']),
                now["history"],
                now["suppression"],
                now["score"],
            )
        )
    return out


@pytest.mark.parametrize("seed", range(30))
def test_findings_that_share_their_objects_are_written_as_the_encoder_writes(seed: int) -> None:
    rng = random.Random(seed)
    result = _result(rng, 0)
    result = ScanResult(
        result.targets,
        tuple(_shared_findings(rng, 300)),
        result.skipped,
        result.stats,
        result.catalogue_version,
        result.tool_version,
    )
    assert render(result) == _reference(result)


def test_a_finding_of_the_same_objects_is_written_from_the_last_one_s_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Findings that differ only in their line, column, snippet and fingerprint (a
    log's: one verdict's many lines) are each written from the text made for the first
    of them; one that differs in anything else is written in full."""
    base = _shared_findings(random.Random(1), 1)[0]
    base = Finding(
        base.rule,
        Trait.RACE,
        Capability.INFERENCE,
        Basis.BIOMETRIC,
        Severity.HIGH,
        0.5,
        Location("faces.jsonl", 1, 1, "faces.jsonl", None, None, "", None),
        Evidence("race", "s", "en", "", ()),
        (Signal("a", 0.1, "b"),),
        (),
        "0" * 20,
    )
    made: list[Finding] = []
    real = json_report._FindingTexts._text

    def counting(self: Any, f: Finding) -> str:
        made.append(f)
        return real(self, f)

    monkeypatch.setattr(json_report._FindingTexts, "_text", counting)
    findings = [
        Finding(
            base.rule,
            base.trait,
            base.capability,
            base.basis,
            base.severity,
            base.confidence,
            Location("faces.jsonl", i + 1, i % 7 + 1, "faces.jsonl", None, None, "", None),
            Evidence(_fresh("race"), f"line {i}", "en", "", ()),
            base.signals,
            base.refs,
            f"{i:020x}",
        )
        for i in range(100)
    ]
    other_score = replace(findings[5], score=0.25)  # (another verdict's number)
    findings.insert(50, other_score)
    result = _result(random.Random(2), 0)
    result = ScanResult(result.targets, tuple(findings), result.skipped, result.stats, "", "")
    assert render(result) == _reference(result)
    assert made == [findings[0], other_score, findings[51]]
