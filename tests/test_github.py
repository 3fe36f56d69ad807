"""--format github: GitHub Actions workflow annotations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.model import Severity, Suppression
from ethicscan.report import github


def test_escaping() -> None:
    assert github.escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotations(
    tmp_path: Path,
    face_header_text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sdk").mkdir()
    (tmp_path / "sdk" / "face,attr:v2.h").write_text(face_header_text, encoding="utf-8")
    (tmp_path / "sdk" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    assert main(["scan", "sdk", "-j", "1", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    errors = [x for x in lines if x.startswith("::error ")]
    assert errors
    first = errors[0]
    assert first.startswith("::error file=sdk/face%2Cattr%3Av2.h,line=")
    assert ",col=" in first and ",title=ethicscan race-" in first
    assert "::race inference: " in first or "::skin_colour inference: " in first
    assert any(
        x.startswith("::notice title=ethicscan%3A not scanned::logo.png: binary") for x in lines
    )


def test_levels_and_suppressed(tmp_path: Path, face_header_text: str) -> None:
    f = tmp_path / "face.h"
    f.write_text(face_header_text, encoding="utf-8")
    result = scan([str(f)], ScanOptions(jobs=1))
    one = result.findings[0]
    cases = [
        (replace(one, severity=Severity.CRITICAL), "::error "),
        (replace(one, severity=Severity.MEDIUM), "::warning "),
        (replace(one, severity=Severity.INFO), "::notice "),
        (replace(one, suppression=Suppression("reviewed", "inline")), "::notice "),
    ]
    for finding, prefix in cases:
        out = github.render(replace(result, findings=(finding,)))
        assert out.startswith(prefix)
    out = github.render(replace(result, findings=(cases[-1][0],)))
    assert "(suppressed)::suppressed (inline): reviewed;" in out


def test_annotations_name_laws_by_short_id(tmp_path: Path, face_header_text: str) -> None:
    """Each annotation names the laws and standards by id, not by their long titles
    (which repeated some 400 characters on every line of a CI log)."""
    f = tmp_path / "face.h"
    f.write_text(face_header_text, encoding="utf-8")
    result = scan([str(f)], ScanOptions(jobs=1))
    lines = [x for x in github.render(result).splitlines() if x.startswith("::")]
    with_refs = [(f, x) for f, x in zip(result.findings, lines, strict=False) if f.refs]
    assert with_refs
    for finding, line in with_refs:
        assert line.endswith("; refs " + ", ".join(r.id for r in finding.refs))
        assert not any(r.title in line for r in finding.refs)
        assert len(line) < 400
    one = replace(result, findings=result.findings[:1])
    assert github.render(one).endswith(": 1 finding (1 not suppressed), 0 skipped\n")
