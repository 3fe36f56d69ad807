"""``--redact``: a person's name next to their ethnicity never reaches a report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethicscan.cli import main
from ethicscan.report import OutputFormat
from ethicscan.report.redact import mask

LINE = '    {"name": "Maria Gonzalez", "ethnicity": "Hispanic", "race": "White"},\n'


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "patients.py"
    path.write_text("patients = [\n" + LINE + "]\n", encoding="utf-8")
    return path


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["scan", *args, "--jobs", "1", "--fail-on", "never"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_redact_keeps_the_term_and_masks_the_name_in_every_format(
    people: Path, fmt: OutputFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _scan(capsys, str(people), "--format", fmt.value)
    if fmt is not OutputFormat.GITHUB:  # annotations quote the term, never the snippet
        assert "Gonzalez" in plain  # the fixture does put the name in this format
    redacted = _scan(capsys, str(people), "--format", fmt.value, "--redact")
    assert "Hispanic" in redacted and "ethnicity" in redacted
    assert "Maria" not in redacted and "Gonzalez" not in redacted


def test_redacted_snippet_keeps_its_length_and_the_fingerprint(
    people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = json.loads(_scan(capsys, str(people), "--format", "json"))["findings"]
    redacted = json.loads(_scan(capsys, str(people), "--format", "json", "--redact"))["findings"]
    assert [f["fingerprint"] for f in redacted] == [f["fingerprint"] for f in plain]
    by_rule = {f["rule"]: f["evidence"] for f in redacted}
    ev = by_rule["ethnicity-attribute"]
    assert ev["term"] == "ethnicity"
    assert ev["snippet"] == "******** ****** ********** *ethnicity** *********** ******* *********"
    for f, g in zip(plain, redacted, strict=True):
        assert len(g["evidence"]["snippet"]) == len(f["evidence"]["snippet"])


def test_a_baseline_written_plain_matches_a_redacted_scan(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    assert main(["scan", str(people), "--write-baseline", str(base), "--jobs", "1"]) == 0
    capsys.readouterr()
    out = _scan(capsys, str(people), "--format", "json", "--redact", "--baseline", str(base))
    assert json.loads(out)["findings"] == []


@pytest.mark.parametrize(
    ("snippet", "term", "masked"),
    [
        ("race = 'White'  # Jo", "race", "race * *******  * **"),
        ("Race, RACE", "race", "Race* RACE"),
        ("no term here", "race", "** **** ****"),
        ("tab\there", "", "***\t****"),
    ],
)
def test_mask(snippet: str, term: str, masked: str) -> None:
    assert mask(snippet, term) == masked
