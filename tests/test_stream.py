"""Texts larger than --max-file-size are read in bounded pieces: every match found
once, at its true line and column, in every encoding, with any number of workers.
The piece sizes are made tiny here so that small files cross many cuts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ethicscan import ScanOptions, pipeline, scan
from ethicscan.extract import stream
from ethicscan.extract.stream import RangeReader, ranges
from ethicscan.extract.units import Limits
from ethicscan.model import Finding, ScanResult, SkipReason
from ethicscan.rules.catalogue import load_default_catalogue
from ethicscan.sources.fs import FolderFiles

LINE = "    private int ethicCode;  // 民族 of the captured face, line {n}\n"
FILLER = "    // nothing to see on line {n}: a trace of the build, brace yourself\n"


@pytest.fixture(autouse=True)
def tiny_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "RANGE", 4096)
    monkeypatch.setattr(stream, "PIECE", 1500)
    monkeypatch.setattr(stream, "EDGE", 200)
    monkeypatch.setattr(stream, "BLOCK", 700)


def _source(lines: int) -> tuple[str, set[int]]:
    out = ["/** Face attribute record of a surveillance camera. */\n", "class FaceAttr {\n"]
    expect = set()
    for n in range(3, lines):
        if n % 7 == 0:
            out.append(LINE.format(n=n))
            expect.add(n)
        else:
            out.append(FILLER.format(n=n))
    out.append("}\n")
    return "".join(out), expect


def _scan(path: Path, limit: int, jobs: int = 1) -> ScanResult:
    return scan([str(path)], ScanOptions(jobs=jobs, max_file_size=limit))


def _where(findings: tuple[Finding, ...], rule: str) -> list[tuple[int, int]]:
    return sorted((f.location.line, f.location.column) for f in findings if f.rule == rule)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le", "utf-16"])
def test_large_text_matches_whole_text(tmp_path: Path, encoding: str) -> None:
    text, expect = _source(400)
    f = tmp_path / "FaceAttr.java"
    f.write_bytes(text.encode(encoding))
    whole = _scan(f, limit=10 * 1024 * 1024)
    pieces = _scan(f, limit=1024)
    assert f.stat().st_size > 6 * 4096  # many ranges, more pieces
    rules = {x.rule for x in whole.findings}
    assert rules
    for rule in rules:
        assert _where(pieces.findings, rule) == _where(whole.findings, rule), rule
    ethic = {x.location.line for x in pieces.findings if x.rule == "gat1400-ethic-code"}
    assert ethic == {n for n in expect}
    # one text, counted once; no skipped entries
    assert pieces.stats.files == 1 and pieces.skipped == ()
    # fingerprints count equal lines across the whole file, not per piece
    fps = [x.fingerprint for x in pieces.findings]
    assert len(fps) == len(set(fps))


def test_one_long_line_is_cut_with_overlap(tmp_path: Path) -> None:
    """Minified code: one line far longer than a piece, a term every so often,
    some straddling the cuts."""
    unit = 'a.traceId=1;a.skin_theme="dark";b.raceCode=2;'  # one match: raceCode
    parts = [unit * (i % 5 + 1) for i in range(300)]
    line = "".join(parts)
    text = "// face attribute bundle\n" + line + "\n"
    f = tmp_path / "bundle.min.js"
    f.write_text(text, encoding="utf-8")
    expected_cols = []
    start = text.index("\n") + 1
    i = line.find("raceCode")
    while i != -1:
        expected_cols.append(i + 1)
        i = line.find("raceCode", i + 1)
    pieces = _scan(f, limit=1024)
    whole = _scan(f, limit=10 * 1024 * 1024)
    assert start > 0 and len(line) > 20 * stream.PIECE
    got = [
        (x.location.line, x.location.column)
        for x in pieces.findings
        if x.evidence.term == "raceCode"
    ]
    want = [
        (x.location.line, x.location.column)
        for x in whole.findings
        if x.evidence.term == "raceCode"
    ]
    assert sorted(got) == sorted(want)
    assert sorted(c for _, c in got) == expected_cols or not want


def test_jobs_do_not_change_results(tmp_path: Path) -> None:
    text, _ = _source(600)
    big = tmp_path / "t" / "FaceAttr.java"
    big.parent.mkdir()
    big.write_text(text, encoding="utf-8")
    for i in range(3):
        (tmp_path / "t" / f"small{i}.java").write_text(text[:2000], encoding="utf-8")
    one = scan([str(big.parent)], ScanOptions(jobs=1, max_file_size=1024))
    two = scan([str(big.parent)], ScanOptions(jobs=2, max_file_size=1024))
    assert one.findings == two.findings
    assert one.skipped == two.skipped
    assert (one.stats.files, one.stats.bytes) == (two.stats.files, two.stats.bytes)


def test_large_texts_in_a_busy_folder_are_shared_and_in_order(tmp_path: Path) -> None:
    """A folder of many files is read by the pool's workers, which learn sizes only
    as they open each file: a large text among them comes back as ranges for the pool,
    and everything still arrives in walk order, as with one process."""
    text, _ = _source(600)
    root = tmp_path / "t"
    (root / "sub").mkdir(parents=True)
    for i in range(24):
        folder = root if i % 3 else root / "sub"
        if i % 8 == 4:  # large texts, to be read in ranges
            (folder / f"f{i:02d}_Face.java").write_text(text, encoding="utf-8")
        elif i == 9:  # a large binary: skipped, not streamed
            (folder / f"f{i:02d}.bin").write_bytes(b"\x00\x01race\x00" * 400)
        else:
            (folder / f"f{i:02d}.java").write_text(text[: 200 + 40 * i], encoding="utf-8")
    one = scan([str(root)], ScanOptions(jobs=1, max_file_size=1024))
    two = scan([str(root)], ScanOptions(jobs=2, max_file_size=1024))
    assert one.findings == two.findings
    assert one.skipped == two.skipped
    assert (one.stats.files, one.stats.bytes) == (two.stats.files, two.stats.bytes)
    assert one.stats.files == 24 - 1
    big = {f.location.path for f in two.findings if f.location.line > 100}
    assert big == {"f04_Face.java", "f20_Face.java", "sub/f12_Face.java"}


def test_a_worker_gives_a_large_text_back_as_ranges(tmp_path: Path) -> None:
    text, _ = _source(600)
    (tmp_path / "Big.java").write_text(text, encoding="utf-8")
    (tmp_path / "small.txt").write_text("nothing\n", encoding="utf-8")
    folder = FolderFiles(str(tmp_path), "", ("Big.java", "small.txt"), "t")
    limits = Limits(max_member_size=1024)
    split = pipeline._scan_named(folder, "Big.java", load_default_catalogue(), limits, None)
    assert isinstance(split, pipeline.Split)
    assert split.job.size == len(text.encode()) and len(split.parts) > 1
    assert [p.part for p in split.parts] == [(k, len(split.parts)) for k in range(len(split.parts))]
    small = pipeline._scan_named(folder, "small.txt", load_default_catalogue(), limits, None)
    assert small == len(b"nothing\n")  # a clean text: its size alone


def test_a_file_gone_since_the_listing_is_reported(tmp_path: Path) -> None:
    """A worker opens a folder's files by name in the open folder (or by path); a file
    removed or replaced since the listing is skipped with its reason and path."""
    import os

    os.mkfifo(tmp_path / "pipe")
    folder = FolderFiles(str(tmp_path), "sub", ("gone.txt", "pipe"), "t")
    dir_fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for fd in (dir_fd, None):
            gone, pipe = (
                pipeline._scan_named(folder, n, load_default_catalogue(), Limits(), fd)
                for n in folder.names
            )
            assert isinstance(gone, pipeline.FileOutcome) and isinstance(pipe, pipeline.FileOutcome)
            [s] = gone.skipped
            assert (s.path, s.reason, s.target) == ("sub/gone.txt", SkipReason.UNREADABLE, "t")
            [p] = pipe.skipped
            assert (p.path, p.reason) == ("sub/pipe", SkipReason.SPECIAL_FILE)
    finally:
        os.close(dir_fd)


def test_large_binary_is_skipped_not_streamed(tmp_path: Path) -> None:
    f = tmp_path / "blob.bin"
    f.write_bytes(b"\x00\x01\x02race\x00" * 1000)
    result = _scan(f, limit=1024)
    [s] = result.skipped
    assert s.reason is SkipReason.TOO_LARGE and "binary" in s.detail


def test_ranges_cover_the_file_once() -> None:
    data = b"".join(b"line %d\n" % i for i in range(5000))
    total_lines = 0
    texts = []
    for start, end in ranges(len(data), 0, False):
        reader = RangeReader(io.BytesIO(data), start, end, "utf-8", 0)
        texts.extend(p.text for p in reader.pieces())
        total_lines += reader.newlines
    assert "".join(texts) == data.decode()
    assert total_lines == 5000


def test_utf16_ranges_stay_aligned() -> None:
    text = "".join(f"第{i}行 line\n" for i in range(3000))
    data = text.encode("utf-16-le")
    out = []
    for start, end in ranges(len(data), 0, True):
        assert (start % 2, end % 2) == (0, 0)
        out.extend(
            p.text for p in RangeReader(io.BytesIO(data), start, end, "utf-16-le", 0).pieces()
        )
    assert "".join(out) == text
