"""Inline suppressions: parsed in any comment syntax, marked on findings, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.api import scan_text
from ethicscan.cli import main
from ethicscan.model import Severity
from ethicscan.rules.catalogue import load_default_catalogue
from ethicscan.suppress import apply_inline, known_ids, parse

KNOWN = known_ids(load_default_catalogue())


@pytest.mark.parametrize(
    ("line", "ids", "reason"),
    [
        (
            "# ethicscan: ignore[race] census form, reviewed 2026-11",
            ("race",),
            "census form, reviewed 2026-11",
        ),
        (
            "// ethicscan: ignore[race,skin_colour] vendor enum we never call",
            ("race", "skin_colour"),
            "vendor enum we never call",
        ),
        ("/* ethicscan: ignore[religion] chaplaincy roster */", ("religion",), "chaplaincy roster"),
        ("<!-- ethicscan:ignore[race] - test fixture -->", ("race",), "test fixture"),
        (
            "-- ethicscan: ignore[ethnicity] reporting view, legal ok",
            ("ethnicity",),
            "reporting view, legal ok",
        ),
    ],
)
def test_parse_valid(line: str, ids: tuple[str, ...], reason: str) -> None:
    valid, problems = parse(f"x = 1\n{line}\n", KNOWN)
    assert problems == []
    assert [(s.line, s.ids, s.reason) for s in valid] == [(2, ids, reason)]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("# ethicscan: ignore[race]", "has no reason"),
        ("/* ethicscan: ignore[race] */", "has no reason"),
        ("# ethicscan: ignore[disability] not a rule", "unknown rule or trait 'disability'"),
        ("# ethicscan: ignore[] why", "names no rule or trait"),
    ],
)
def test_parse_invalid(line: str, problem: str) -> None:
    valid, problems = parse(line + "\n", KNOWN)
    assert valid == []
    assert len(problems) == 1 and problem in problems[0][1] and problems[0][0] == 1


SOURCE = """\
class Face:
    # ethicscan: ignore[race] output of the vendor SDK, field unused since 2025
    race: str
    skin_color: str
"""


def test_apply_marks_line_below_and_same_line() -> None:
    cat = load_default_catalogue()
    findings = scan_text(SOURCE, "face.py")
    assert {f.trait.value for f in findings} >= {"race", "skin_colour"}
    marked, notices = apply_inline(SOURCE, findings, cat, "face.py")
    assert notices == []
    assert len(marked) == len(findings)  # kept, never dropped
    by_trait = {f.trait.value: f for f in marked}
    assert by_trait["race"].suppression is not None
    assert (
        by_trait["race"].suppression.reason == "output of the vendor SDK, field unused since 2025"
    )
    assert by_trait["race"].suppression.source == "inline"
    assert by_trait["skin_colour"].suppression is None  # two lines below: not covered
    same_line = "class Face:\n    race: str  # ethicscan: ignore[race] reviewed\n"
    marked2, _ = apply_inline(same_line, scan_text(same_line, "face.py"), cat, "face.py")
    assert marked2 and all(f.suppression is not None for f in marked2 if f.trait.value == "race")


def test_scan_marks_and_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "src"
    root.mkdir()
    (root / "face.py").write_text(
        "def analyse(face_image):\n"
        "    # ethicscan: ignore[race] research fixture, reviewed\n"
        "    race = model.predict_race(face_image)\n"
        "    # ethicscan: ignore[race]\n"
        "    return race\n",
        encoding="utf-8",
    )
    result = scan([str(root)], ScanOptions(jobs=1))
    suppressed = [f for f in result.findings if f.suppression]
    # The line below the comment; the reasonless one suppresses nothing.  A directive
    # names a trait without using it: it is never a finding itself.
    assert {f.location.line for f in suppressed} == {3}
    assert {f.location.line for f in result.findings if not f.suppression} == {5}
    assert [(n.path, n.line) for n in result.warnings] == [("face.py", 4)]
    assert "has no reason" in result.warnings[0].message
    assert main(["scan", str(root), "-j", "1", "--fail-on", "info"]) == 1
    err = capsys.readouterr().err
    assert "face.py:4: inline suppression ignore[race] has no reason" in err
    assert "1 suppressed;" in err


def test_fully_suppressed_file_passes_the_gate(tmp_path: Path) -> None:
    f = tmp_path / "face.py"
    f.write_text(
        "# ethicscan: ignore[race] vendor enum kept for wire compatibility\n"
        "EM_RACE_TYPE = face_attr.race\n",
        encoding="utf-8",
    )
    result = scan([str(f)], ScanOptions(jobs=1))
    assert result.findings and all(x.suppression for x in result.findings)
    assert result.failing(Severity.INFO) == ()
    assert result.at_or_above(Severity.INFO) == result.findings
    assert main(["scan", str(f), "-j", "1", "--fail-on", "info"]) == 0


def _suppressed_source(n_filler: int) -> str:
    filler = "".join(f"x{i} = {i}\n" for i in range(n_filler))
    return (
        filler
        + "def analyse(face_image):\n"
        + "    # ethicscan: ignore[race] research fixture, reviewed\n"
        + "    race = model.predict_race(face_image)\n"
        + "    # ethicscan: ignore[race]\n"
        + "    return race\n"
    )


def test_inside_an_archive_member_only_when_trusted(tmp_path: Path) -> None:
    """A vendor must not hide its own findings: a suppression inside an archive member
    (a package, an SDK) suppresses nothing, and says so, unless the scan trusts it."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "sdk.zip", "w") as z:
        z.writestr("src/face.py", _suppressed_source(3))
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert {f.location.path for f in result.findings} == {"sdk.zip!src/face.py"}
    assert all(f.suppression is None for f in result.findings)
    assert [(n.path, n.line) for n in result.warnings] == [
        ("sdk.zip!src/face.py", 5),
        ("sdk.zip!src/face.py", 7),
    ]
    assert "third-party artefact" in result.warnings[0].message
    assert "--trust-inline-suppressions" in result.warnings[0].message
    trusted = scan([str(tmp_path)], ScanOptions(jobs=1, trust_inline_suppressions=True))
    by_line = {f.location.line: f for f in trusted.findings}
    assert by_line[6].suppression is not None and by_line[8].suppression is None
    assert [(n.path, n.line) for n in trusted.warnings] == [("sdk.zip!src/face.py", 7)]


def test_in_a_compiled_file_only_when_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Firmware and other binaries: their strings are no comments anyone here wrote."""
    blob = (
        b"\x7fBIN\x00\x01\x02\x00"
        + b"ethicscan: ignore[race] vendor says fine\x00"
        + b"race = model.predict_race(face_image)\x00\x03\x04"
    )
    (tmp_path / "firmware.bin").write_bytes(blob)
    plain = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert plain.findings and all(f.suppression is None for f in plain.findings)
    assert "not trusted" in plain.warnings[0].message
    trusted = scan([str(tmp_path)], ScanOptions(jobs=1, trust_inline_suppressions=True))
    assert trusted.findings and all(f.suppression for f in trusted.findings)
    argv = ["scan", str(tmp_path), "-j", "1", "--fail-on", "info", "--format", "json"]
    assert main(argv) == 1
    assert main([*argv, "--trust-inline-suppressions"]) == 0


def test_in_a_large_text_read_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces and ranges of a large text are classified apart (ranges in a pool):
    suppressions and their warnings keep the file's own line numbers."""
    from ethicscan.extract import stream

    for name, value in (("RANGE", 4096), ("PIECE", 1500), ("EDGE", 200), ("BLOCK", 700)):
        monkeypatch.setattr(stream, name, value)
    (tmp_path / "big.py").write_text(_suppressed_source(3000), encoding="utf-8")
    whole = ScanOptions(jobs=1)
    pieces = ScanOptions(jobs=1, max_file_size=1024)
    ranges = ScanOptions(jobs=2, max_file_size=1024)
    for opts in (whole, pieces, ranges):
        result = scan([str(tmp_path)], opts)
        lines = {f.location.line: f.suppression is not None for f in result.findings}
        assert lines[3003] and 3002 not in lines, opts
        assert not [n for n, s in lines.items() if s and n != 3003], opts
        assert [(n.path, n.line) for n in result.warnings] == [("big.py", 3004)], opts


def test_warnings_survive_shards_relabel_and_merge(tmp_path: Path) -> None:
    """Corpus jobs and cluster target units carry suppression warnings like findings."""
    from dataclasses import replace

    from ethicscan.corpus import merge, relabel
    from ethicscan.report.json import from_dict as result_from_dict
    from ethicscan.report.json import to_dict

    (tmp_path / "face.py").write_text(_suppressed_source(0), encoding="utf-8")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert len(result.warnings) == 1 and result.started
    assert result_from_dict(to_dict(result)) == result
    shown = relabel(result, str(tmp_path), "repo/")
    assert [n.target for n in shown.warnings] == ["repo/"]
    other = replace(result, started="2000-01-01T00:00:00Z")
    merged = merge([result, other], 1.0)
    assert len(merged.warnings) == 2 and merged.started == "2000-01-01T00:00:00Z"


def test_a_warning_in_a_file_without_findings_survives_the_pool(tmp_path: Path) -> None:
    """Regression: a pool worker sent a file with no finding back as its size alone,
    and the warning about its suppression (no reason here) was lost with --jobs 2."""
    for i in range(80):  # more than a small scan, which runs in one process
        (tmp_path / f"f{i:02}.py").write_text(f"x = {i}\n")
    (tmp_path / "f05.py").write_text("x = 5  # ethicscan: ignore[race]\n")
    one = scan([str(tmp_path)], ScanOptions(jobs=1))
    pool = scan([str(tmp_path)], ScanOptions(jobs=2))
    assert [(n.path, n.line) for n in one.warnings] == [("f05.py", 1)]
    assert pool.warnings == one.warnings
