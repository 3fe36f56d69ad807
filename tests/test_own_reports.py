"""A report ethicscan wrote is never scanned as evidence: it is listed as skipped
(``ethicscan_report``) in every format, whatever its name and wherever it lies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.model import SkipReason
from ethicscan.report.own import own_report

SOURCE = "def analyse(face):\n    race = model.predict_race(face)\n    return race\n"


@pytest.fixture()
def checkout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A project with one finding and every report of it written into the project,
    under names that do not say what they are."""
    (tmp_path / "face.py").write_text(SOURCE, encoding="utf-8")
    src = str(tmp_path / "face.py")
    for fmt, name in (
        ("json", "out1"),
        ("sarif", "out2.txt"),
        ("html", "page.htm"),
        ("jsonl", "lines.log"),
        ("csv", "table.txt"),
    ):
        main(["scan", src, "--format", fmt, "--output", str(tmp_path / name), "--jobs", "1"])
    main(["scan", src, "--write-baseline", str(tmp_path / "known.json"), "--jobs", "1"])
    capsys.readouterr()
    return tmp_path


def test_reports_in_the_tree_are_skipped_not_scanned(checkout: Path) -> None:
    result = scan([str(checkout)], ScanOptions(jobs=1))
    assert {f.location.path for f in result.findings} == {"face.py"}
    skipped = {s.path: s for s in result.skipped}
    assert set(skipped) == {"out1", "out2.txt", "page.htm", "lines.log", "table.txt", "known.json"}
    assert {s.reason for s in skipped.values()} == {SkipReason.ETHICSCAN_REPORT}
    assert "SARIF report" in skipped["out2.txt"].detail
    assert "JSON Lines report" in skipped["lines.log"].detail
    assert "CSV report" in skipped["table.txt"].detail


def test_a_report_given_as_the_target_is_skipped_in_every_format(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(checkout / "out2.txt")
    assert main(["scan", target, "--format", "json", "--jobs", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == []
    assert [s["reason"] for s in data["skipped"]] == ["ethicscan_report"]
    main(["scan", target, "--format", "sarif", "--jobs", "1"])
    assert "ethicscan_report" in capsys.readouterr().out
    main(["scan", target, "--format", "table", "--jobs", "1"])
    assert "ethicscan_report" in capsys.readouterr().out


def test_a_large_report_is_skipped_whole(checkout: Path) -> None:
    """A report over the size read at once is recognised by its head, not split."""
    big = checkout / "big.json"
    text = (checkout / "out1").read_text(encoding="utf-8")
    big.write_text(text.replace('"findings": [', '"findings": [' + " " * 9_000_000, 1))
    result = scan([str(big)], ScanOptions(jobs=1))
    assert result.findings == ()
    assert [s.reason for s in result.skipped] == [SkipReason.ETHICSCAN_REPORT]


def test_data_that_looks_like_a_report_at_a_glance_is_read() -> None:
    assert own_report(b"severity,trait,path\nhigh,race,a.py\n") == ""
    assert own_report(b'{"rule": 1, "race": "x"}\n') == ""
    assert own_report(b'{"rule": "r", "trait": "race", "capability": "record"}') == (
        "JSON Lines report"
    )


def test_text_that_only_names_the_tool_is_read() -> None:
    assert own_report(b'{"tool": {"name": "ethicscan", "version": "0.1.0"}}') == "JSON report"
    assert own_report(b"We ran ethicscan; it reported race as a face attribute.") == ""
    assert own_report(b'{"tool": {"name": "other"}, "note": "ethicscan"}') == ""
