"""Baselines: write, then report only what is new; robust to line moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan import baseline as bl
from ethicscan.cli import main
from ethicscan.errors import ConfigError

MODEL = """\
class FaceResult:
    face_id: int
    race: str  # predicted from the face image
    age: int
"""


def _scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, str]]]:
    code = main(["scan", *args, "--format", "json", "-j", "1", "--fail-on", "info"])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "app"
    root.mkdir()
    src = root / "face.py"
    src.write_text(MODEL, encoding="utf-8")
    base = tmp_path / "baseline.json"
    code, before = _scan_json(capsys, str(root), "--write-baseline", str(base))
    assert before and code == 0  # a baseline written: exit 0 whatever the findings
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert doc["format"] == "ethicscan-baseline" and doc["version"] == 1
    assert len(doc["findings"]) == len(before)
    assert {e["path"] for e in doc["findings"]} == {f"{root}/face.py"}
    # One entry per line, sorted: merge-friendly.
    lines = base.read_text(encoding="utf-8").splitlines()
    entries = [x for x in lines if x.strip().startswith('{"fingerprint"')]
    assert len(entries) == len(doc["findings"])

    # Lines inserted above the finding: nothing new.
    src.write_text("import os\n\n\n# the face model\n" + MODEL, encoding="utf-8")
    code, after = _scan_json(capsys, str(root), "--baseline", str(base))
    assert after == [] and code == 0

    # A second, identical finding: exactly one new (an entry hides one finding only).
    src.write_text(MODEL + "\n" + MODEL, encoding="utf-8")
    code, new = _scan_json(capsys, str(root), "--baseline", str(base))
    assert len(new) == len(before) and code == 1
    assert {f["location"]["line"] for f in new} == {f["location"]["line"] + 5 for f in before}

    # A finding of another rule: exactly one new.
    src.write_text(MODEL + "    religion: str\n", encoding="utf-8")
    _, new = _scan_json(capsys, str(root), "--baseline", str(base))
    assert [f["trait"] for f in new] == ["religion"]


def test_directory_baseline_matches_file_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A baseline of `ethicscan scan .` holds for the single files a pre-commit hook passes."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "face.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "face.py").write_text(MODEL, encoding="utf-8")  # same name, other folder
    monkeypatch.chdir(tmp_path)
    assert main(["scan", ".", "-j", "1", "--write-baseline", "b.json"]) == 0
    doc = json.loads(Path("b.json").read_text(encoding="utf-8"))
    assert sorted({e["path"] for e in doc["findings"]}) == ["face.py", "src/face.py"]
    capsys.readouterr()
    code, new = _scan_json(capsys, "src/face.py", "--baseline", "b.json")
    assert (code, new) == (0, [])
    (tmp_path / "src" / "other.py").write_text(MODEL, encoding="utf-8")  # same text, new file
    code, new = _scan_json(capsys, "src/other.py", "face.py", "--baseline", "b.json")
    assert code == 1 and {f["location"]["target"] for f in new} == {"src/other.py"}


def test_summary_counts_known(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "face.py"
    src.write_text(MODEL, encoding="utf-8")
    base = tmp_path / "b.json"
    main(["scan", str(src), "-j", "1", "--write-baseline", str(base)])
    capsys.readouterr()
    assert main(["scan", str(src), "-j", "1", "--baseline", str(base)]) == 0
    assert "1 known from the baseline" in capsys.readouterr().err


def test_suppressed_findings_stay_out_of_the_baseline(tmp_path: Path) -> None:
    src = tmp_path / "face.py"
    src.write_text(
        MODEL.replace("    race: str", "    # ethicscan: ignore[race] reviewed\n    race: str"),
        encoding="utf-8",
    )
    result = scan([str(src)], ScanOptions(jobs=1))
    assert result.findings and all(f.suppression for f in result.findings)
    assert bl.from_result(result).entries == ()


def test_dumps_loads(tmp_path: Path) -> None:
    b = bl.Baseline((bl.Entry("b.py", "race-attribute", "f2", "race"), bl.Entry("a.py", "r", "f1")))
    text = bl.dumps(bl.Baseline(tuple(sorted(b.entries))))
    assert bl.loads(text, "x").fingerprints == {"f1", "f2"}
    assert text.index('"a.py"') < text.index('"b.py"')
    assert bl.loads(bl.dumps(bl.Baseline(())), "x").entries == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a baseline file"),
        ('{"findings": []}', "not an ethicscan baseline"),
        ('{"format": "ethicscan-baseline", "version": 9, "findings": []}', "version 9"),
        (
            '{"format": "ethicscan-baseline", "version": 1, "findings": [{}]}',
            "has no 'fingerprint'",
        ),
    ],
)
def test_bad_baseline(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        bl.loads(text, "b.json")


def test_missing_baseline_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["scan", str(tmp_path), "--baseline", str(tmp_path / "none.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_baseline_fingerprints_are_the_findings_own_where_paths_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One formula: scanned from the folder itself, a finding's path is the path a
    baseline records, and its baseline fingerprint is its own (two equal findings,
    counted alike)."""
    (tmp_path / "face.py").write_text(MODEL + "\n" + MODEL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = scan(["."], ScanOptions(jobs=1))
    assert len(result.findings) >= 2
    assert bl.fingerprints(result) == [(f.location.path, f.fingerprint) for f in result.findings]
    assert len({f.fingerprint for f in result.findings}) == len(result.findings)
