"""The library entry points: scan() and scan_text()."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ethicscan import Capability, ScanOptions, Severity, Trait, scan, scan_text
from ethicscan.engine.local import POOL_MIN_FILES
from ethicscan.errors import ConfigError
from ethicscan.model import Basis, Finding, ScanResult, SkipReason

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.fixture
def sdk_tree(tmp_path: Path, face_header_gbk: bytes) -> Path:
    root = tmp_path / "sdk"
    (root / "include").mkdir(parents=True)
    (root / "include" / "face_attr.h").write_bytes(face_header_gbk)
    (root / "docs").mkdir()
    (root / "docs" / "logo.png").write_bytes(PNG)
    (root / "docs" / "notes.txt").write_text("Build with make.\n", encoding="utf-8")
    return root


def _lines_of(face_header_text: str, needle: str) -> set[int]:
    return {i for i, line in enumerate(face_header_text.splitlines(), 1) if needle in line}


def test_gbk_header_findings(sdk_tree: Path, face_header_text: str) -> None:
    result = scan([str(sdk_tree)], ScanOptions(jobs=1))
    assert result.findings
    assert {f.location.path for f in result.findings} == {"include/face_attr.h"}
    assert {f.location.target for f in result.findings} == {str(sdk_tree)}
    assert {f.trait for f in result.findings} == {Trait.RACE, Trait.SKIN_COLOUR}
    for f in result.findings:
        # a race and a skin-colour output of a face-attribute SDK: biometric inference
        assert f.capability is Capability.INFERENCE, f
        assert f.basis is Basis.BIOMETRIC
        assert f.severity is Severity.HIGH
        assert 0.0 < f.confidence <= 1.0
        assert f.refs
        assert f.signals
        assert f.location.line >= 1 and f.location.column >= 1
        # the snippet is the decoded source line the finding points at
        line = face_header_text.splitlines()[f.location.line - 1]
        assert f.evidence.snippet == line.strip()
        assert line[f.location.column - 1 :].lower().startswith(f.evidence.term.lower()[:2])

    race_lines = {f.location.line for f in result.findings if f.trait is Trait.RACE}
    skin_lines = {f.location.line for f in result.findings if f.trait is Trait.SKIN_COLOUR}
    assert _lines_of(face_header_text, "emRace;") <= race_lines
    assert _lines_of(face_header_text, "typedef enum tagEM_RACE_TYPE") <= race_lines
    assert _lines_of(face_header_text, "emSkinColor;") <= skin_lines
    assert _lines_of(face_header_text, "typedef enum tagEM_SKIN_COLOR") <= skin_lines

    # the Chinese comments were decoded from GBK and are evidence too
    zh = [f for f in result.findings if f.evidence.language == "zh"]
    assert {f.evidence.term for f in zh} >= {"种族", "肤色"}
    assert all(f.evidence.gloss for f in zh)


def test_findings_are_sorted_and_stats_count(sdk_tree: Path, face_header_gbk: bytes) -> None:
    result = scan([str(sdk_tree)], ScanOptions(jobs=1))
    assert list(result.findings) == sorted(result.findings, key=Finding.sort_key)
    assert result.stats.files == 2  # the header and notes.txt; the PNG is skipped
    assert result.stats.bytes == len(face_header_gbk) + len(PNG) + len("Build with make.\n")
    assert result.stats.seconds >= 0
    assert [(t.target, t.kind) for t in result.targets] == [(str(sdk_tree), "directory")]
    assert result.tool_version
    assert result.catalogue_version


def test_pictures_are_skipped_and_binaries_read(sdk_tree: Path) -> None:
    (sdk_tree / "lib.so").write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)
    (sdk_tree / "blob.bin").write_bytes(b"race\x00\x01\x02" * 10)
    result = scan([str(sdk_tree)], ScanOptions(jobs=1))
    skipped = {s.path: s for s in result.skipped}
    assert {p: s.reason for p, s in skipped.items()} == {"docs/logo.png": SkipReason.BINARY}
    assert skipped["docs/logo.png"].detail == "PNG image (pictures are not read)"
    assert all(s.target == str(sdk_tree) for s in result.skipped)
    # the binaries' strings are read: a lone "race" with nothing about people is no finding
    assert not [f for f in result.findings if f.location.path in ("lib.so", "blob.bin")]


@pytest.fixture
def big_tree(tmp_path: Path, face_header_gbk: bytes, face_header_text: str) -> Path:
    root = tmp_path / "big"
    py = (
        "def predict(face):\n"
        "    attrs = model.predict(face)  # age, gender, race, emotion\n"
        "    return attrs['dominant_race']\n"
    )
    for i in range(48):
        folder = root / f"pkg{i % 6}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 4
        if kind == 0:
            (folder / f"attr{i:02d}.h").write_bytes(face_header_gbk)
        elif kind == 1:
            (folder / f"attr{i:02d}_u8.h").write_text(face_header_text, encoding="utf-8")
        elif kind == 2:
            (folder / f"infer{i:02d}.py").write_text(py, encoding="utf-8")
        else:
            (folder / f"clean{i:02d}.txt").write_text("nothing here\n", encoding="utf-8")
    (root / "image.png").write_bytes(PNG)
    return root


def test_jobs_1_equals_jobs_2(big_tree: Path) -> None:
    one = scan([str(big_tree)], ScanOptions(jobs=1))
    assert one.stats.files >= 40 > POOL_MIN_FILES  # the pool is used with jobs=2
    two = scan([str(big_tree)], ScanOptions(jobs=2))
    assert one.findings == two.findings  # same findings, same order
    assert [f.fingerprint for f in one.findings] == [f.fingerprint for f in two.findings]
    assert one.skipped == two.skipped
    assert one.targets == two.targets
    assert dataclasses.replace(one.stats, seconds=0) == dataclasses.replace(two.stats, seconds=0)
    assert len({f.location.path for f in one.findings}) >= 30


def test_fingerprints_survive_lines_added_above(tmp_path: Path, face_header_gbk: bytes) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "face_attr.h").write_bytes(face_header_gbk)
    (tmp_path / "b" / "face_attr.h").write_bytes(b"\n\n\n\n\n" + face_header_gbk)
    before = scan([str(tmp_path / "a")], ScanOptions(jobs=1)).findings
    after = scan([str(tmp_path / "b")], ScanOptions(jobs=1)).findings
    assert before
    assert [f.location.line + 5 for f in before] == [f.location.line for f in after]
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]


def test_fingerprints_differ_between_findings(sdk_tree: Path) -> None:
    findings = scan([str(sdk_tree)], ScanOptions(jobs=1)).findings
    assert len(findings) >= 2
    fps = [f.fingerprint for f in findings]
    assert len(set(fps)) == len(fps)
    assert all(len(fp) == 20 and int(fp, 16) >= 0 for fp in fps)


def test_identical_lines_get_distinct_fingerprints() -> None:
    text = "def f(face):\n    race = model.predict(face)\n\n    race = model.predict(face)\n"
    findings = scan_text(text, "infer.py")
    lines = [f for f in findings if f.evidence.term.lower() == "race"]
    assert len(lines) == 2
    assert lines[0].fingerprint != lines[1].fingerprint


def test_min_confidence_filters(sdk_tree: Path) -> None:
    everything = scan([str(sdk_tree)], ScanOptions(jobs=1))
    confidences = sorted({f.confidence for f in everything.findings})
    assert len(confidences) >= 2, "the fixture needs findings of different confidence"
    cut = confidences[-1]
    high = scan([str(sdk_tree)], ScanOptions(jobs=1, min_confidence=cut))
    assert high.findings
    assert all(f.confidence >= cut for f in high.findings)
    assert list(high.findings) == [f for f in everything.findings if f.confidence >= cut]
    assert scan([str(sdk_tree)], ScanOptions(jobs=1, min_confidence=1.0)).findings == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_confidence": 2.0}, "--min-confidence"),
        ({"min_confidence": -0.1}, "--min-confidence"),
        ({"jobs": -1}, "--jobs"),
        ({"max_file_size": 0}, "--max-file-size"),
    ],
)
def test_bad_options(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ScanOptions(**kwargs)  # type: ignore[arg-type]


def test_no_targets() -> None:
    with pytest.raises(ConfigError, match="nothing to scan"):
        scan([])


def test_progress_is_called(sdk_tree: Path) -> None:
    calls: list[tuple[int, int, int]] = []
    scan([str(sdk_tree)], ScanOptions(jobs=1, progress=lambda d, t, b: calls.append((d, t, b))))
    assert [c[0] for c in calls] == [1, 2, 3]
    # the total is the files the walk has found so far: never below done, all at the end
    assert all(done <= total <= 3 for done, total, _ in calls) and calls[-1][1] == 3


def test_scan_text(face_header_text: str) -> None:
    findings = scan_text(face_header_text, "sdk/face_attr.h")
    assert {(f.trait, f.capability) for f in findings} == {
        (Trait.RACE, Capability.INFERENCE),
        (Trait.SKIN_COLOUR, Capability.INFERENCE),
    }
    assert {f.location.path for f in findings} == {"sdk/face_attr.h"}
    assert all(f.location.target == "" for f in findings)


def test_scan_text_matches_scan(tmp_path: Path, face_header_text: str) -> None:
    (tmp_path / "face_attr.h").write_text(face_header_text, encoding="utf-8")
    via_scan = scan([str(tmp_path)], ScanOptions(jobs=1)).findings
    via_text = scan_text(face_header_text, "face_attr.h")
    assert [
        dataclasses.replace(f, location=dataclasses.replace(f.location, target=""))
        for f in via_scan
    ] == via_text


def test_scan_text_clean_and_lookalike() -> None:
    assert scan_text("") == []
    assert scan_text("x = 1\n", "a.py") == []
    assert scan_text("// avoid a data race: take the lock before trace()\n", "pool.go") == []


def test_scan_result_at_or_above(sdk_tree: Path) -> None:
    result: ScanResult = scan([str(sdk_tree)], ScanOptions(jobs=1))
    assert result.at_or_above(Severity.HIGH) == result.findings
    assert result.at_or_above(Severity.CRITICAL) == ()


def test_batches_start_small_and_grow() -> None:
    """The pool's batches: the first small, so a small scan still feeds every worker,
    then doubling up to BATCH_FILES; a folder's run of files travels whole."""
    from ethicscan.engine import local
    from ethicscan.extract.units import Limits
    from ethicscan.sources.fs import FileJob, FolderFiles

    jobs = [FileJob(f"/t/f{i}", f"f{i}", 10) for i in range(5000)]
    sizes = [len(b) for b in local._batches(jobs, Limits())]
    assert sizes[:5] == [64, 128, 256, 512, 1024] and max(sizes) == local.BATCH_FILES
    assert sum(sizes) == 5000
    folder = FolderFiles("/t", "", tuple(f"n{i}" for i in range(100)))
    [first, second] = local._batches([folder, folder], Limits())
    assert first == [(folder, folder)] and second == [(folder, folder)]


def test_batches_of_folder_runs_hold_about_batch_bytes_once_files_were_read() -> None:
    """A folder's run of files does not say how large they are: once the pool has read
    some, a batch holds about BATCH_BYTES of files of the average size read so far (on a
    corpus of 100 KB binaries, batches of 1,024 files left one worker a batch of 12 s
    while the other had none)."""
    from ethicscan.engine import local
    from ethicscan.extract.units import Limits
    from ethicscan.sources.fs import FolderFiles

    runs = [FolderFiles("/t", "", (f"n{i}",)) for i in range(300)]
    pace = local.Pace()
    sizes = [len(b) for b in local._batches(runs, Limits(), pace=pace)]
    assert sizes[:3] == [64, 128, 108]  # nothing read yet: as before
    pace.count([[1024 * 1024] * 99, 1024 * 1024])  # 100 files of 1 MiB (a list: a run's)
    assert (pace.files, pace.bytes) == (100, 100 * 1024 * 1024)
    assert pace.most(1024) == local.BATCH_BYTES // (1024 * 1024) == 16
    sizes = [len(b) for b in local._batches(runs, Limits(), pace=pace)]
    assert sizes == [16] * 18 + [12]
    small = local.Pace()
    small.count([[100] * 100])  # small files: the batches grow as before
    assert small.most(1024) == 1024
