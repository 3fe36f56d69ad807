"""Golden JSON, SARIF and HTML for the demo tree in examples/.

Regenerate after an intended change with::

    ETHICSCAN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff of tests/golden/examples.{json,sarif,html} before committing.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.model import ScanResult
from ethicscan.report import html, sarif
from ethicscan.report.json import to_dict

GOLDEN = Path(__file__).parent / "golden" / "examples.json"
GOLDEN_SARIF = Path(__file__).parent / "golden" / "examples.sarif"
GOLDEN_HTML = Path(__file__).parent / "golden" / "examples.html"
UPDATE = os.environ.get("ETHICSCAN_UPDATE_GOLDEN") == "1"

# Files of examples/ that must produce findings, and the folder that must produce none.
EXPECTED_WITH_FINDINGS = (
    "vendor-sdk/include/face_attr.h",
    "vendor-sdk/samples/attr_response.xml",
    "vendor-sdk/java/com/example/faceapi/FaceAnalysis.java",
    "vendor-sdk/viid/face_object.json",
    "police-app/config/alarm_rules.yaml",
    "police-app/sql/key_person_report.sql",
    "police-app/src/alerts.py",
    "hr-system/models/employee.py",
    "hr-system/forms/entry_form.json",
)


@pytest.fixture(scope="module")
def examples_result() -> ScanResult:
    old = os.getcwd()
    os.chdir(Path(__file__).resolve().parent.parent)  # the repository root
    try:
        return scan(["examples"], ScanOptions(jobs=1))
    finally:
        os.chdir(old)


@pytest.fixture
def examples_doc(examples_result: ScanResult) -> dict[str, Any]:
    doc = to_dict(examples_result)
    del doc["stats"]["seconds"]  # the only volatile values
    del doc["started"]
    return doc


def _check_golden(path: Path, doc: dict[str, Any]) -> None:
    rendered = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with ETHICSCAN_UPDATE_GOLDEN=1"
    golden = json.loads(path.read_text(encoding="utf-8"))
    assert doc == golden, (
        f"examples/ no longer renders as tests/golden/{path.name} says; if the change is "
        "intended, rerun with ETHICSCAN_UPDATE_GOLDEN=1 and review the diff"
    )


def test_examples_sarif_golden(examples_result: ScanResult) -> None:
    doc = sarif.to_dict(examples_result, repository="")  # whatever the install's metadata
    del doc["runs"][0]["invocations"][0]["startTimeUtc"]
    _check_golden(GOLDEN_SARIF, doc)


def test_examples_html_golden(examples_result: ScanResult) -> None:
    fixed = replace(examples_result, started="", stats=replace(examples_result.stats, seconds=0.0))
    page = html.render(fixed)
    if UPDATE:
        GOLDEN_HTML.write_text(page, encoding="utf-8")
    assert page == GOLDEN_HTML.read_text(encoding="utf-8"), (
        "the HTML report of examples/ changed; if intended, rerun with ETHICSCAN_UPDATE_GOLDEN=1 "
        "and review the diff of tests/golden/examples.html"
    )


def test_examples_golden(examples_doc: dict[str, Any]) -> None:
    _check_golden(GOLDEN, examples_doc)


def test_examples_sanity(examples_doc: dict[str, Any]) -> None:
    """Independent of the golden file: the demo tree shows what its README promises."""
    paths = {f["location"]["path"] for f in examples_doc["findings"]}
    for path in EXPECTED_WITH_FINDINGS:
        assert path in paths, f"no finding in examples/{path}"
    assert not [p for p in paths if p.startswith("lookalikes/")]
    # Only the tree's own README is left out, by examples/.ethicscanignore.
    assert [(s["path"], s["reason"]) for s in examples_doc["skipped"]] == [
        ("README.md", "excluded")
    ]
    assert [(t["target"], t["kind"]) for t in examples_doc["targets"]] == [
        ("examples", "directory")
    ]
    assert {f["location"]["target"] for f in examples_doc["findings"]} == {"examples"}
