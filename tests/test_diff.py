"""ethicscan diff: two versions of a vendor SDK, scanned to JSON and compared."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan import diff as diff_mod
from ethicscan.cli import main
from ethicscan.errors import ConfigError
from ethicscan.report.json import render

GOLDEN_MD = Path(__file__).parent / "golden" / "diff.md"
UPDATE = os.environ.get("ETHICSCAN_UPDATE_GOLDEN") == "1"

HEADER_V1 = """\
/* 人脸属性 face attributes from the camera */
typedef struct {
    int nFaceId;
    int EthicCode;
    int nSkinColor;  /* 肤色 */
} FACE_ATTR;
"""
# v2: a line inserted (skin colour moves down), EthicCode renamed to EthnicCode.
HEADER_V2 = """\
/* 人脸属性 face attributes from the camera */
typedef struct {
    int nFaceId;
    int nAge;
    int EthnicCode;
    int nSkinColor;  /* 肤色 */
} FACE_ATTR;
"""
PREDICT = "def predict(face_image):\n    return model.predict_race(face_image)\n"
RELIGION = "class Face:\n    religion: str  # predicted from the face image\n"


@pytest.fixture
def two_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for version, header, files in (
        ("sdk-1.0", HEADER_V1, {"util/predict.py": PREDICT}),
        ("sdk-2.0", HEADER_V2, {"lib/predict.py": PREDICT, "lib/religion.py": RELIGION}),
    ):
        root = tmp_path / version
        (root / "include").mkdir(parents=True)
        (root / "include" / "face.h").write_text(header, encoding="utf-8")
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        result = scan([version], ScanOptions(jobs=1))
        (tmp_path / f"{version}.json").write_text(render(result), encoding="utf-8")
    return tmp_path


def test_compare(two_scans: Path) -> None:
    d = diff_mod.compare(diff_mod.load("sdk-1.0.json"), diff_mod.load("sdk-2.0.json"))
    assert [(p.old.term, p.new.term, p.old.line, p.new.line) for p in d.renamed] == [
        ("EthicCode", "EthnicCode", 4, 5)
    ]
    moved = {(p.old.place, p.new.place) for p in d.moved}
    assert ("include/face.h:5", "include/face.h:6") in moved  # a line inserted above
    assert ("util/predict.py:2", "lib/predict.py:2") in moved  # the file moved
    assert {i.path for i in d.appeared} == {"lib/religion.py"}
    assert d.disappeared == ()
    # And backwards: the religion finding disappears, nothing appears.
    back = diff_mod.compare(diff_mod.load("sdk-2.0.json"), diff_mod.load("sdk-1.0.json"))
    assert back.appeared == () and {i.path for i in back.disappeared} == {"lib/religion.py"}


def test_markdown_golden(two_scans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "sdk-1.0.json", "sdk-2.0.json", "--format", "markdown"]) == 1
    text = capsys.readouterr().out
    if UPDATE:
        GOLDEN_MD.write_text(text, encoding="utf-8")
    assert text == GOLDEN_MD.read_text(encoding="utf-8"), (
        "the Markdown diff changed; if intended, rerun with ETHICSCAN_UPDATE_GOLDEN=1"
    )


def test_cli_formats_and_exit_status(two_scans: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "sdk-1.0.json", "sdk-2.0.json", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["appeared"] == 1 and doc["summary"]["renamed"] == 1
    assert main(["diff", "sdk-2.0.json", "sdk-1.0.json"]) == 0  # nothing appeared
    out = capsys.readouterr().out
    assert "DISAPPEARED (1)" in out and "RENAMED (1)" in out and "lib/religion.py" in out
    assert main(["diff", "sdk-1.0.json", "sdk-1.0.json", "--format", "markdown"]) == 0
    assert "| unchanged | " in capsys.readouterr().out


def test_markdown_escapes_scanned_text() -> None:
    assert diff_mod.md("a|b<img src=x>\n`c`") == "a\\|b\\<img src=x\\> \\`c\\`"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "not a JSON report"),
        ('{"a": 1}', "no 'findings' list"),
        ('{"schema_version": "2.0", "findings": []}', "is not 1.x"),
        ('{"schema_version": "1.0", "findings": [{"rule": "x"}]}', "not an ethicscan finding"),
    ],
)
def test_bad_input(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        diff_mod.load(bad)


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, "{not json", "\ufeff\ud800"],
    ids=["deep", "broken", "not-utf8"],
)
def test_every_json_read_back_is_refused_alike(tmp_path: Path, text: str) -> None:
    """A report (diff), a baseline and a --results shard are read by one reader: what
    it refuses is a ConfigError naming the file, or, for a shard, a target to scan
    again; never a crash."""
    from ethicscan import baseline
    from ethicscan.corpus import read_shard, shard_name

    bad = tmp_path / shard_name("t")
    bad.write_bytes(text.encode("utf-8", "surrogatepass"))
    with pytest.raises(ConfigError, match=f"{bad.name}: not a JSON report"):
        diff_mod.load(bad)
    with pytest.raises(ConfigError, match=f"{bad.name}: not a baseline file"):
        baseline.load(bad)
    assert read_shard(tmp_path, "t") is None


def test_diff_and_fingerprints_read_a_line_alike() -> None:
    """Whitespace and the term's case change neither a finding's fingerprint nor the
    key diff pairs a finding moved to another file by (fingerprint.text_key)."""
    from dataclasses import replace

    from ethicscan.fingerprint import fingerprints
    from ethicscan.model import Capability, Evidence, Finding, Location, Severity, Trait

    a = Finding(
        rule="race-attribute",
        trait=Trait.RACE,
        capability=Capability.RECORD,
        basis=None,
        severity=Severity.MEDIUM,
        confidence=0.5,
        location=Location("a.py", 3, 1),
        evidence=Evidence("Race", "  race  =\tperson.race", "en", ""),
        signals=(),
        refs=(),
        fingerprint="",
    )
    b = replace(a, evidence=Evidence("race", "race = person.race", "en", ""))
    assert fingerprints([a]) == fingerprints([b])

    def item(f: Finding, path: str) -> diff_mod.Item:
        ev = f.evidence
        return diff_mod.Item(
            f.rule, "race", "record", "medium", path, 3, 1, ev.term, ev.snippet, "", "x"
        )

    d = diff_mod.compare([item(a, "a.py")], [replace(item(b, "b.py"), fingerprint="y")])
    assert len(d.moved) == 1 and not d.appeared and not d.disappeared


def test_fingerprints_of_rows_follow_the_formula() -> None:
    """``fingerprints_of`` (a term lowered once, a snippet folded once for the rows in a
    row that share it) gives the formula's fingerprint for each row: the rule, path,
    lowered term and folded snippet joined by US, then the count of equal ones before."""
    import hashlib
    import random

    from ethicscan.fingerprint import fingerprints_of, text_key

    rng = random.Random(7)
    snippets = ["race = x", " race  =\tx ", "Race = x", "民族 = 汉", "a\u3000b", "", "  "]
    rows: list[tuple[str, str, str, str]] = []
    for _ in range(3000):
        # a line's findings share one string; an equal string that is another object
        # comes now and then (a finding of another line with the same text)
        snippet = rng.choice(snippets)
        if rng.random() < 0.3:
            snippet = "".join(list(snippet))
        for _ in range(rng.randint(1, 4)):
            rows.append(
                (
                    rng.choice(["race-attribute", "ethnicity-attribute"]),
                    rng.choice(["a.py", "b/c.jsonl"]),
                    rng.choice(["Race", "race", "RACE", "民族"]),
                    snippet,
                )
            )
    counts: dict[str, int] = {}
    expected = []
    for rule, path, term, snippet in rows:
        r, t, line = text_key(rule, term, snippet)
        basis = "\x1f".join((r, path, t, line))
        n = counts.get(basis, 0)
        counts[basis] = n + 1
        expected.append(hashlib.sha256(f"{basis}\x1f{n}".encode()).hexdigest()[:20])
    assert fingerprints_of(iter(rows)) == expected
    assert len(set(expected)) == len(expected)
