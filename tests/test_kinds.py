"""The enums that cross stage boundaries: every member is handled where they are
dispatched on, and reports write their values."""

from __future__ import annotations

import json

import pytest

from ethicscan import baseline
from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, target_kinds
from ethicscan.model import (
    Capability,
    Evidence,
    Finding,
    Location,
    ScanResult,
    Severity,
    Stats,
    Target,
    Trait,
)
from ethicscan.report import OutputFormat, reporter
from ethicscan.report import json as json_report


def _result(kind: TargetKind) -> ScanResult:
    f = Finding(
        rule="race-attribute",
        trait=Trait.RACE,
        capability=Capability.RECORD,
        basis=None,
        severity=Severity.MEDIUM,
        confidence=0.5,
        location=Location("lib/a.py", 3, 1, target="t"),
        evidence=Evidence("race", "race = 1", "en", ""),
        signals=(),
        refs=(),
        fingerprint="f" * 20,
    )
    return ScanResult((Target("t", kind),), (f,), (), Stats(1, 1, 0.0), "1")


@pytest.mark.parametrize("kind", list(TargetKind))
def test_every_target_kind_is_placed_and_reported(kind: TargetKind) -> None:
    result = _result(kind)
    loc = result.findings[0].location
    where = file_path(loc, target_kinds(result.targets))
    assert where == {TargetKind.FILE: "t", TargetKind.DIRECTORY: "t/lib/a.py"}.get(kind, "lib/a.py")
    (path, _), *_ = baseline.fingerprints(result)
    assert path == (where if kind.on_disk else "t:lib/a.py")
    doc = json.loads(reporter(OutputFormat.JSON)(result))
    assert doc["targets"][0]["kind"] == kind.value
    assert json_report.from_dict(doc).targets == result.targets
    for fmt in OutputFormat:
        assert "TargetKind" not in reporter(fmt)(result), fmt


def test_every_target_kind_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "json-format.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `targets[]` |"))
    assert all(f"`{k.value}`" in row for k in TargetKind)


TEXT_CASES = [
    ("NAMED", "src/face.py", ".py", False),
    ("NAMED", "docs/README", "", True),
    ("PROSE", "spec.pdf", ".txt", True),
    ("STRINGS", "README", ".strings", False),  # a binary named README: its strings
    ("STRINGS", "notes.txt", ".strings", False),  # undecodable: read as strings
    ("JAVA", "com/acme/FaceAttr.class", ".java", False),
    ("GETTEXT", "locale/de/messages.mo", ".po", False),
    ("NOTEBOOK", "analysis/stops.ipynb", ".py", False),
]


@pytest.mark.parametrize(("kind", "path", "suffix", "prose"), TEXT_CASES)
def test_every_text_kind_is_read_as_it_says(kind: str, path: str, suffix: str, prose: bool) -> None:
    from ethicscan.classify.document import Document
    from ethicscan.kinds import TextKind
    from ethicscan.rules.catalogue import load_default_catalogue

    doc = Document("race = 1\n", path, load_default_catalogue(), "", TextKind[kind])
    assert (doc.suffix, doc.is_prose) == (suffix, prose)
    assert doc.is_strings is (kind == "STRINGS")
    assert isinstance(doc.is_data, bool)


def test_the_cases_above_cover_every_text_kind() -> None:
    from ethicscan.kinds import TextKind

    assert {c[0] for c in TEXT_CASES} == {m.name for m in TextKind}
