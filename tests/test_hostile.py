"""Hostile input: the scan always finishes, every file is scanned or skipped with a
reason, every output format can be written, no raw control byte from a name reaches
the terminal, memory and time stay bounded, and the scan's temporary folder is empty
afterwards.  The corpus is generated (tests/hostile_corpus.py), never committed.

Each case goes through :func:`hostile` (the CLI in this process, ``--jobs 1`` so that
peak memory is this process's): exit status 0 or 1, the JSON on stdout parses, every
``OutputFormat`` renders (JSON-shaped ones parse), no ESC byte on stdout or stderr,
elapsed time and peak RSS growth under the case's bounds, and nothing left in the
temporary folder (``TMPDIR`` and ``tempfile.tempdir`` point at an empty folder)."""

from __future__ import annotations

import builtins
import csv
import errno
import io
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import hostile_corpus as H
from ethicscan import cli as cli_module
from ethicscan import spool
from ethicscan.cli import main
from ethicscan.model import ScanResult, SkipReason, path_text
from ethicscan.report import OutputFormat, reporter
from unprivileged import run_ethicscan

MB = 1024 * 1024
DEFAULT_SECONDS = 20.0  # a case on a shared, busy two-core machine (most take under 1 s)
DEFAULT_RSS_MB = 150  # peak RSS growth of the scanning process


def _status() -> dict[str, int]:
    try:
        with open("/proc/self/status") as f:
            return {
                k: int(v.split()[0]) * 1024
                for k, v in (line.split(":", 1) for line in f)
                if k in ("VmRSS", "VmHWM")
            }
    except OSError:  # pragma: no cover - not Linux
        return {}


def reset_peak() -> int:
    """Reset this process's peak RSS (Linux: clear_refs 5) and return the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # pragma: no cover - not Linux, or not allowed: no memory bound
        return -1
    return _status().get("VmRSS", -1)


def peak_growth(base: int) -> int:
    """Bytes the peak RSS grew above ``base`` since :func:`reset_peak`; 0 if unknown."""
    if base < 0:
        return 0
    return max(0, _status().get("VmHWM", base) - base)


@dataclass
class Run:
    status: int
    result: ScanResult
    out: str
    err: str
    seconds: float
    rss: int  # peak RSS growth, bytes

    @property
    def skips(self) -> dict[str, list[tuple[SkipReason, str]]]:
        out: dict[str, list[tuple[SkipReason, str]]] = {}
        for s in self.result.skipped:
            out.setdefault(s.path, []).append((s.reason, s.detail))
        return out

    @property
    def found(self) -> set[str]:
        return {f.location.path for f in self.result.findings}

    def reasons(self, path: str) -> set[SkipReason]:
        return {r for r, _ in self.skips.get(path, [])}


def check_outputs(result: ScanResult) -> None:
    """Every output format renders, is valid UTF-8, JSON-shaped ones parse, and no raw
    ESC byte from a scanned name gets through."""
    for fmt in OutputFormat:
        text = reporter(fmt, color=False, width=160)(result)
        text.encode("utf-8")  # writable as UTF-8 (names that are not UTF-8 included)
        assert "\x1b" not in text, fmt
        if fmt.value in ("json", "sarif"):
            json.loads(text)
        if fmt.value == "jsonl":  # one document a line, however the lines are split
            lines = text.splitlines()
            assert lines == text.split("\n")[:-1], fmt
            assert "summary" in json.loads(lines[-1])
            assert len(lines) == len(result.findings) + 1
        if fmt.value == "csv":
            rows = list(csv.reader(io.StringIO(text)))
            assert len(rows) == 1 + len(result.findings) + len(result.skipped) + len(
                result.warnings
            )


Hostile = Callable[..., Run]


@pytest.fixture
def hostile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Hostile:
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    captured: list[ScanResult] = []
    real_scan = cli_module.scan

    def spy(*args: Any, **kw: Any) -> ScanResult:
        result = real_scan(*args, **kw)
        captured.append(result)
        return result

    monkeypatch.setattr(cli_module, "scan", spy)

    def run(
        *targets: str | Path,
        args: tuple[str, ...] = (),
        seconds: float = DEFAULT_SECONDS,
        rss_mb: float = DEFAULT_RSS_MB,
    ) -> Run:
        captured.clear()
        capsys.readouterr()
        base = reset_peak()
        started = time.perf_counter()
        status = main(["scan", *map(str, targets), "--format", "json", "--jobs", "1", *args])
        elapsed = time.perf_counter() - started
        grown = peak_growth(base)
        out, err = capsys.readouterr()
        print(f"[hostile] {elapsed:.2f}s, peak RSS +{grown / MB:.0f} MB")  # shown with -s
        assert status in (0, 1), err
        assert captured, err
        json.loads(out)
        assert "\x1b" not in out and "\x1b" not in err
        check_outputs(captured[0])
        assert sorted(os.listdir(scratch)) == [], "the scan left files in its temporary folder"
        assert elapsed < seconds, f"{elapsed:.1f}s > {seconds}s"
        assert grown < rss_mb * MB, f"peak RSS grew {grown / MB:.0f} MB > {rss_mb} MB"
        return Run(status, captured[0], out, err, elapsed, grown)

    return run


def deny_open(monkeypatch: pytest.MonkeyPatch, denied: Callable[[str], int | None]) -> None:
    """``open`` (builtins, io, which pathlib uses, and os.open) raises PermissionError
    with the errno ``denied(path)`` returns for a path, and opens anything else."""
    real_open, real_os_open = io.open, os.open

    def os_opener(path: Any, flags: int, *args: Any, **kw: Any) -> int:
        code = denied(os.fsdecode(path))
        if code:
            raise PermissionError(code, os.strerror(code), os.fsdecode(path))
        return real_os_open(path, flags, *args, **kw)

    def opener(file: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)):
            code = denied(os.fsdecode(file))
            if code:
                raise PermissionError(code, os.strerror(code), os.fsdecode(file))
        return real_open(file, *args, **kw)

    monkeypatch.setattr(builtins, "open", opener)
    monkeypatch.setattr(io, "open", opener)
    monkeypatch.setattr(os, "open", os_opener)


def tree(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


# -- bombs ---------------------------------------------------------------------------------


def test_flat_zip_bomb_refused_entry_by_entry(tmp_path: Path, hostile: Hostile) -> None:
    root = tree(tmp_path / "t", {"bomb.zip": H.flat_bomb(16, 64 * MB), "ok.h": H.TERM_LINE})
    run = hostile(root, seconds=15, rss_mb=60)
    assert len(run.skips) == 16
    for path, got in run.skips.items():
        assert path.startswith("bomb.zip!zeros")
        assert got[0][0] is SkipReason.LIMIT and "--max-ratio" in got[0][1]
    assert run.found == {"ok.h"}


def test_nested_42_style_bomb(tmp_path: Path, hostile: Hostile) -> None:
    """16 x 16 x 16 leaves of 16 MiB zeros (64 GiB declared, 21 KB on disk): leaves
    refused by their ratio, inner zips by theirs once they have expanded 200x, in
    bounded time and memory."""
    root = tree(tmp_path / "t", {"42.zip": H.nested_bomb(levels=3)})
    run = hostile(root, seconds=24, rss_mb=80)
    assert {s.reason for s in run.result.skipped} == {SkipReason.LIMIT}
    assert run.result.skipped[0].path == "42.zip!lib1_00.zip!lib0_00.zip!zeros00.txt"
    assert any("archive expands" in s.detail for s in run.result.skipped)
    assert 1000 < len(run.result.skipped) <= 16**3


def test_overlapping_entries_bomb(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: 8192 entries sharing one 1 MiB kernel (450 KB on disk, 8 GiB
    declared) used to be inflated one by one up to --max-expanded (38 s); overlapping
    entries are now refused from the central directory."""
    root = tree(tmp_path / "t", {"overlap.zip": H.overlapping_bomb(8192)})
    run = hostile(root, seconds=15, rss_mb=80)
    assert len(run.result.skipped) == 8192
    assert all(s.reason is SkipReason.LIMIT and "overlaps" in s.detail for s in run.result.skipped)


def test_many_small_entries_hit_the_archive_ratio(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: entries at the 1 MiB ratio floor each pass the per-entry check; the
    archive as a whole is now held to --max-ratio too (1 MiB of zip, 200 MiB read)."""
    root = tree(tmp_path / "t", {"small.zip": H.small_entries_bomb(1024)})
    run = hostile(root, seconds=24, rss_mb=60)
    refused = run.skips["small.zip"]
    assert refused[0][0] is SkipReason.LIMIT and "archive expands" in refused[0][1]
    assert len(run.result.skipped) == 1
    assert 150 < run.result.stats.files < 250  # about 200 MiB read, then refused


def test_7z_bomb_is_not_spooled_to_disk(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a 7z member declares no compressed size, so the per-entry ratio could
    not apply and 64 MiB of zeros (from 60 KB) went to the temporary folder; the
    archive's ratio now stops the stream."""
    pytest.importorskip("libarchive")
    root = tmp_path / "t"
    root.mkdir()
    H.libarchive_bomb(str(root / "zeros.7z"))
    run = hostile(root, seconds=15, rss_mb=60)
    ((reason, detail),) = run.skips["zeros.7z"]
    assert reason is SkipReason.LIMIT and "archive expands" in detail


def test_lying_entry_size_is_corrupt(tmp_path: Path, hostile: Hostile) -> None:
    """An entry that claims 1000 bytes is read to 1000 bytes, never to what it inflates
    to (32 MiB), and its CRC then fails."""
    root = tree(tmp_path / "t", {"lying.zip": H.lying_sizes()})
    run = hostile(root, seconds=15, rss_mb=40)
    assert run.reasons("lying.zip!small.txt") == {SkipReason.CORRUPT}


def test_entry_count_limit(tmp_path: Path, hostile: Hostile) -> None:
    many = H.raw_zip([H.entry(f"f{i}.txt", b"x\n") for i in range(2000)])
    root = tree(tmp_path / "t", {"many.zip": many})
    run = hostile(root, args=("--max-archive-entries", "500"))
    ((reason, detail),) = run.skips["many.zip"]
    assert reason is SkipReason.LIMIT and "--max-archive-entries" in detail
    assert run.result.stats.files == 500


# -- self-nesting and depth ----------------------------------------------------------------


def test_self_nesting_zip_stops_at_the_depth_limit(tmp_path: Path, hostile: Hostile) -> None:
    """A zip that holds a copy of itself (a quine read as deep as it goes): opened to
    --max-depth and no further."""
    root = tree(tmp_path / "t", {"quine.zip": H.self_nested(40)})
    run = hostile(root)
    ((path, got),) = run.skips.items()
    assert path == "quine.zip" + "!self.zip" * 12
    assert got[0][0] is SkipReason.LIMIT and "nested 12 deep" in got[0][1]


def test_archives_nested_50_deep(tmp_path: Path, hostile: Hostile) -> None:
    root = tree(tmp_path / "t", {"deep.zip": H.deep_mixed(50)})
    run = hostile(root)
    assert not run.found and {s.reason for s in run.result.skipped} == {SkipReason.LIMIT}
    run = hostile(root, args=("--max-depth", "60"))
    (path,) = run.found
    assert path.count("!") == 50 and path.endswith("!FaceAttr.java")
    assert not run.result.skipped


def test_depth_beyond_the_stack_is_refused(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: --max-depth 1000 let 300 nested zips exhaust the stack
    (RecursionError, exit 3); the option is now capped at 100, which the stack holds."""
    root = tree(tmp_path / "t", {"deep.zip": H.self_nested(101)})
    run = hostile(root, args=("--max-depth", "100"))
    ((path, got),) = run.skips.items()
    assert path.count("!") == 100 and "nested 100 deep" in got[0][1]
    assert main(["scan", str(root), "--max-depth", "1000"]) == 2


# -- names inside archives -----------------------------------------------------------------

TRAVERSAL = (
    "../../../../../tmp/ethicscan-evil/FaceAttr.java",
    "/etc/ethicscan-evil/FaceAttr.java",
    "C:\\Windows\\ethicscan-evil\\FaceAttr.java",
    "..\\..\\ethicscan-evil\\FaceAttr.java",
    "ok/../../FaceAttr.java",
)


def test_traversal_and_absolute_member_names_are_scanned_by_name(
    tmp_path: Path, hostile: Hostile
) -> None:
    members = [(name, H.TERM_JAVA) for name in TRAVERSAL]
    root = tree(
        tmp_path / "t",
        {"slip.zip": H.zip_of(members), "slip.tar": H.tar_of(members)},
    )
    run = hostile(root)
    for name in TRAVERSAL:
        assert f"slip.zip!{name}" in run.found
    # tarfile keeps names as stored, leading "/" included
    assert {p for p in run.found if p.startswith("slip.tar!")} == {
        f"slip.tar!{n}" for n in TRAVERSAL
    }
    assert not run.result.skipped
    for name in ("tmp/ethicscan-evil", "etc/ethicscan-evil"):
        assert not Path("/", name).exists()


def test_link_and_special_members_are_never_followed(tmp_path: Path, hostile: Hostile) -> None:
    links = (
        ("passwd", "/etc/passwd", tarfile.SYMTYPE),
        ("up", "../../../../etc/shadow", tarfile.SYMTYPE),
        ("hard", "FaceAttr.java", tarfile.LNKTYPE),
        ("hard-out", "/etc/passwd", tarfile.LNKTYPE),
        ("fifo", "", tarfile.FIFOTYPE),
        ("tty", "", tarfile.CHRTYPE),
    )
    zip_link = H.entry("passwd", b"/etc/passwd", zipfile.ZIP_STORED, mode=0o120777)
    root = tree(
        tmp_path / "t",
        {
            "links.tar": H.tar_of([("FaceAttr.java", H.TERM_JAVA)], links),
            "links.zip": H.raw_zip([zip_link, H.entry("FaceAttr.java", H.TERM_JAVA)]),
        },
    )
    run = hostile(root)
    for name in ("passwd", "up", "hard", "hard-out"):
        assert run.reasons(f"links.tar!{name}") == {SkipReason.SYMLINK}
    for name in ("fifo", "tty"):
        assert run.reasons(f"links.tar!{name}") == {SkipReason.SPECIAL_FILE}
    assert run.reasons("links.zip!passwd") == {SkipReason.SYMLINK}
    assert run.found == {"links.tar!FaceAttr.java", "links.zip!FaceAttr.java"}


# -- the file system -----------------------------------------------------------------------


def test_links_loops_fifos_and_sockets_in_the_tree(tmp_path: Path, hostile: Hostile) -> None:
    root = tree(tmp_path / "t", {"real.h": H.TERM_LINE})
    (root / "loop").symlink_to(root / "loop")
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    (root / "dir").mkdir()
    (root / "dir" / "up").symlink_to(root, target_is_directory=True)
    (root / "etc").symlink_to("/etc", target_is_directory=True)
    (root / "dangling").symlink_to(root / "nowhere")
    os.link(root / "real.h", root / "hardlink.h")
    os.mkfifo(root / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "sock"))
        run = hostile(root, seconds=15)
    finally:
        sock.close()
    for name in ("loop", "a", "b", "dir/up", "etc", "dangling"):
        assert run.reasons(name) == {SkipReason.SYMLINK}, name
    assert run.reasons("fifo") == run.reasons("sock") == {SkipReason.SPECIAL_FILE}
    assert run.found == {"real.h", "hardlink.h"}  # a hard link is an ordinary file


def test_fifo_given_as_target_does_not_block(
    tmp_path: Path, hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe given as a target is read when a writer comes (tests/test_stdin.py);
    one nobody writes to is given FIFO_WAIT seconds, then skipped."""
    monkeypatch.setattr(spool, "FIFO_WAIT", 0.5)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "ok.h").write_bytes(H.TERM_LINE)
    run = hostile(tmp_path / "fifo", tmp_path / "ok.h", seconds=15)
    assert run.reasons(str(tmp_path / "fifo")) == {SkipReason.SPECIAL_FILE}
    assert run.found == {"ok.h"}


def test_empty_files(tmp_path: Path, hostile: Hostile) -> None:
    files = {
        "empty.py": b"",
        "empty.zip": b"",
        "no-entries.zip": H.raw_zip([]),
        "empty.tar": H.tar_of([]),
        "empty.gz": H.gzip_of(b""),
        "empty-member.zip": H.zip_of([("e.txt", b"")]),
        "dir/empty.h": b"",
    }
    root = tree(tmp_path / "t", files)
    (root / "empty-dir").mkdir()
    run = hostile(root)
    assert not run.found
    # an empty tar is 10 KiB of NUL bytes: binary; everything else is read
    assert set(run.skips) <= {"empty.tar"}
    assert run.result.stats.files >= 5


def test_sparse_3gb_file_is_skipped_without_reading_it(tmp_path: Path, hostile: Hostile) -> None:
    """3 GiB of zeros (sparse: no disk used) named .js, in a folder and as a target:
    skipped as too large from its first 64 KiB.  Regression (as a target): its sha256
    was computed for the report, reading 3 GiB (9 s); a file skipped whole is now
    identified by its size."""
    root = tmp_path / "t"
    root.mkdir()
    with open(root / "zeros.js", "wb") as f:
        f.truncate(3 * 1024**3)
    run = hostile(root, seconds=15, rss_mb=40)
    assert run.reasons("zeros.js") == {SkipReason.TOO_LARGE}
    run = hostile(root / "zeros.js", seconds=15, rss_mb=40)
    assert run.reasons("zeros.js") == {SkipReason.TOO_LARGE}
    (target,) = run.result.targets
    assert target.size == 3 * 1024**3 and target.sha256 == ""


def _minified(path: Path, size: int, at: int) -> int:
    """``size`` bytes of one line of minified JavaScript, with a skin-colour field at
    byte ``at``; returns the column (1-based) of the term."""
    unit = b"function a(b,c){return b.x+c*2};var d=[1,2,3].map(function(e){return e+1});"
    block = unit * (MB // len(unit))
    hit = b'var f={skinColor:"",faceId:1};'
    with open(path, "wb") as f:
        written = 0
        while written < size:
            chunk = block[: size - written]
            if written <= at < written + len(chunk):
                cut = at - written
                chunk = chunk[:cut] + hit + chunk[cut + len(hit) :]
            f.write(chunk)
            written += len(chunk)
    return at + len(b"var f={") + 1


def test_30mb_line_of_minified_js(tmp_path: Path, hostile: Hostile) -> None:
    """Read whole (under --max-file-size): bounded by a few copies of the text."""
    root = tmp_path / "t"
    root.mkdir()
    column = _minified(root / "app.min.js", 30 * MB, 20 * MB)
    run = hostile(root, seconds=45, rss_mb=400)
    (f,) = [f for f in run.result.findings if f.evidence.term.lower() == "skincolor"]
    assert (f.location.path, f.location.line, f.location.column) == ("app.min.js", 1, column)


def test_200mb_line_of_minified_js(tmp_path: Path, hostile: Hostile) -> None:
    """Read in pieces (over --max-file-size): memory does not grow with the file.
    (About 2 s here: the prefilter passes over pieces without a candidate, so it is
    not marked slow.)"""
    root = tmp_path / "t"
    root.mkdir()
    column = _minified(root / "app.min.js", 200 * MB, 150 * MB)
    run = hostile(root, seconds=180, rss_mb=250)
    (f,) = [f for f in run.result.findings if f.evidence.term.lower() == "skincolor"]
    assert (f.location.path, f.location.line, f.location.column) == ("app.min.js", 1, column)


# -- truncated, corrupt, encrypted ---------------------------------------------------------


def _archives() -> dict[str, bytes]:
    members = [("FaceAttr.java", H.TERM_JAVA), ("README.txt", b"notes\n" * 400)]
    import bz2
    import lzma

    import zstandard

    tar = H.tar_of(members)
    out = {
        "a.zip": H.zip_of(members),
        "a.tar": tar,
        "a.tar.gz": H.gzip_of(tar),
        "a.tar.bz2": bz2.compress(tar),
        "a.tar.xz": lzma.compress(tar),
        "a.tar.zst": zstandard.ZstdCompressor().compress(tar),
        "a.h.gz": H.gzip_of(H.TERM_JAVA * 20),
    }
    try:
        import libarchive

        buf = Path(tempfile.mkdtemp()) / "a.7z"
        with libarchive.file_writer(str(buf), "7zip") as archive:
            for name, data in members:
                archive.add_file_from_memory(name, len(data), data)
        out["a.7z"] = buf.read_bytes()
        buf.unlink()
        buf.parent.rmdir()
    except ImportError:  # pragma: no cover - libarchive-c is a dependency
        pass
    return out


def test_truncated_and_corrupt_archives(tmp_path: Path, hostile: Hostile) -> None:
    files = {}
    for name, data in _archives().items():
        for how, cut in H.truncations(data).items():
            files[f"{how}-{name}"] = cut
    root = tree(tmp_path / "t", files)
    run = hostile(root)
    allowed = {SkipReason.CORRUPT, SkipReason.UNSUPPORTED, SkipReason.BINARY}
    for s in run.result.skipped:
        assert s.reason in allowed, s
    for name in _archives():
        # the first ten bytes are never an archive anyone can read
        assert run.skips.get(f"head-{name}") or not any(
            p.startswith(f"head-{name}!") for p in run.found
        )
        # half an archive: refused as corrupt, or read up to the cut
        half = f"half-{name}"
        assert (
            SkipReason.CORRUPT in run.reasons(half)
            or any(p.startswith(half) for p in run.found)
            or any(p.startswith(half + "!") for p in run.skips)
        ), half


def test_encrypted_zip_entries(tmp_path: Path, hostile: Hostile) -> None:
    files = {"flag.zip": H.encrypted_zip()}
    root = tree(tmp_path / "t", files)
    try:
        import libarchive

        with libarchive.file_writer(
            str(root / "zipcrypto.zip"), "zip", options="encryption=zipcrypt", passphrase="pw"
        ) as archive:
            archive.add_file_from_memory("FaceAttr.java", len(H.TERM_JAVA), H.TERM_JAVA)
    except ImportError:  # pragma: no cover
        pass
    run = hostile(root)
    assert run.reasons("flag.zip!secret/FaceAttr.java") == {SkipReason.ENCRYPTED}
    if (root / "zipcrypto.zip").exists():
        assert run.reasons("zipcrypto.zip!FaceAttr.java") == {SkipReason.ENCRYPTED}
    assert not run.found


# -- encodings -----------------------------------------------------------------------------


def test_invalid_and_mixed_encodings(tmp_path: Path, hostile: Hostile) -> None:
    mixed = (
        H.TERM_LINE
        + b"/* \xff\xfe\xc3\x28 overlong \xc0\xaf\xe0\x80\xaf cut \xe4\xb8 */\n"
        + "/* 种族 */\n".encode("gbk")
        + "/* 膚色 */\n".encode("big5")
        + "/* Ethnie é */\n".encode("latin-1")
    )
    lone = "\ufeffint skinColor; // face\n".encode("utf-16-le") + b"\x00\xd8a\x00\n\x00"
    files = {
        "mixed.h": mixed,
        "lone-surrogate.h": lone,
        "odd-utf16.h": b"\xff\xfe" + "int skinColor;\n".encode("utf-16-le") + b"\x00",
        "utf32-cut.h": b"\xff\xfe\x00\x00" + "int skinColor;".encode("utf-32-le")[:-1],
        "bom-then-junk.h": b"\xef\xbb\xbf" + H.TERM_LINE + b"\xff\xff\xff\n",
        "nul.h": b"int skinColor; // face\n\x00\x00\x00 binary tail\n",
        "random.h": bytes(range(256)) * 64,
    }
    root = tree(tmp_path / "t", files)
    run = hostile(root)
    for name in ("mixed.h", "lone-surrogate.h", "odd-utf16.h", "bom-then-junk.h"):
        assert name in run.found, name
    # NUL bytes: binary (read by the strings extractor once there is one)
    assert "nul.h" in run.found or run.reasons("nul.h") == {SkipReason.BINARY}
    for path in run.skips:
        assert path in ("nul.h", "random.h", "utf32-cut.h"), path


# -- hostile names -------------------------------------------------------------------------

NAMES = (
    b"bad\xff\xfe.h",
    b"new\nline.h",
    b"tab\t.h",
    b"\x1b[31mred\x1b[0m.h",
    b"\x1b]0;pwned\x07.h",
    b"\x1b[2J\x1b[Hclear.h",
    b"CON",
    b"aux.txt",
    b"nul",
    b"com1.h",
    b"<img src=x onerror=alert(1)>.js",
    b"[bold red]x[\\bold red]\\.h",
    b"$(touch pwned).h",
    b" lead and trail .h ",
)


def test_hostile_file_names(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a name with bytes that are not UTF-8 crashed every format (exit 3,
    UnicodeEncodeError when fingerprinting); such bytes are now shown as \\xNN.  Control
    characters never reach the terminal raw, in the report or the warnings."""
    root = tmp_path / "t"
    root.mkdir()
    broot = os.fsencode(root)
    for name in NAMES:
        with open(os.path.join(broot, name), "wb") as f:
            f.write(H.TERM_LINE)
    esc = "\x1b[31mred\x1b[0m.h"
    members = [(esc, H.TERM_LINE), ("CON", H.TERM_LINE), ("<b>.h", H.TERM_LINE)]
    (root / "names.zip").write_bytes(H.zip_of(members))
    (root / "names.tar").write_bytes(H.tar_of([*members, ("bad\udcff.h", H.TERM_LINE)]))
    run = hostile(root)
    shown = {path_text(os.fsdecode(n)) for n in NAMES}
    assert "bad\\xff\\xfe.h" in shown
    assert shown <= run.found
    assert {f"names.zip!{n}" for n, _ in members} <= run.found
    assert "names.tar!bad\\xff.h" in run.found
    # the table on a colour terminal shows them escaped too
    table = reporter(OutputFormat.TABLE, color=True, width=200)(run.result)
    assert "\x1b[31mred" not in table and "\x1b]0;" not in table and "\x07" not in table


def test_warnings_escape_hostile_names(
    tmp_path: Path, hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreadable file named with escape sequences: the warning on stderr shows it
    escaped."""
    root = tree(tmp_path / "t", {"\x1b[31mred.h": H.TERM_LINE, "ok.h": H.TERM_LINE})
    deny_open(monkeypatch, lambda path: errno.EACCES if "\x1b" in path else None)
    run = hostile(root)
    assert run.reasons("\x1b[31mred.h") == {SkipReason.UNREADABLE}
    assert "warning: \\x1b[31mred.h: unreadable" in run.err


# -- permissions ---------------------------------------------------------------------------


def test_permission_denied_paths_monkeypatched(
    tmp_path: Path, hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code paths of EACCES/EPERM, whoever runs the tests: a folder that cannot be
    listed, a file that cannot be opened, one whose stat fails."""
    root = tree(
        tmp_path / "t",
        {"locked/a.h": H.TERM_LINE, "secret.h": H.TERM_LINE, "eperm.h": H.TERM_LINE},
    )
    (root / "ok.h").write_bytes(H.TERM_LINE)
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    codes = {"secret.h": errno.EACCES, "eperm.h": errno.EPERM}
    monkeypatch.setattr(os, "scandir", scandir)
    deny_open(monkeypatch, lambda path: codes.get(os.path.basename(path)))
    run = hostile(root)
    assert run.reasons("locked") == {SkipReason.UNREADABLE}
    assert run.reasons("secret.h") == run.reasons("eperm.h") == {SkipReason.UNREADABLE}
    assert run.found == {"ok.h"}
    assert "warning: secret.h: unreadable (Permission denied)" in run.err


def test_permission_denied_for_real(tmp_path: Path) -> None:
    """chmod 000 files and folders, scanned by a user they deny.  As root (CI), chmod
    does not deny: the scan then runs as 'nobody' in a subprocess."""
    base = Path(tempfile.mkdtemp(prefix="ethicscan-perm-"))
    try:
        base.chmod(0o755)
        root = tree(base / "t", {"ok.h": H.TERM_LINE, "closed.h": H.TERM_LINE})
        (root / "shut").mkdir()
        (root / "shut" / "in.h").write_bytes(H.TERM_LINE)
        (root / "closed.h").chmod(0)
        (root / "shut").chmod(0)
        done = run_ethicscan(["scan", str(root), "--format", "json"], base)
        assert done.returncode in (0, 1), done.stderr
        result = json.loads(done.stdout)
        skipped = {s["path"]: s["reason"] for s in result["skipped"]}
        assert skipped == {"closed.h": "unreadable", "shut": "unreadable"}
        assert {f["location"]["path"] for f in result["findings"]} == {"ok.h"}
        assert "Permission denied" in done.stderr
    finally:
        for path in base.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(base)


def test_corrupt_and_truncated_zstd(tmp_path: Path, hostile: Hostile) -> None:
    """Regressions: a corrupt .zst raised zstandard's ZstdError through the scan (exit
    3); a truncated one read as an empty, clean file.  Both are now corrupt."""
    import zstandard

    data = zstandard.ZstdCompressor().compress(H.TERM_JAVA * 50)
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0xFF
    root = tree(tmp_path / "t", {"bad.h.zst": bytes(bad), "cut.h.zst": data[: len(data) // 2]})
    run = hostile(root)
    assert run.reasons("bad.h.zst") == run.reasons("cut.h.zst") == {SkipReason.CORRUPT}
    assert "ends after" in run.skips["cut.h.zst"][0][1]


# -- documents and compiled code (their extractors) ----------------------------------------


def _real_files() -> dict[str, bytes]:
    """One real file per extractor on main, from the fixtures the extractor tests use."""
    import shutil as _shutil

    import docfixtures
    from dexwriter import DexClass, build_dex

    fixtures = Path(__file__).parent / "fixtures"
    out = {
        "spec.pdf": docfixtures.pdf(docfixtures.SPEC_PAGES),
        "face.docx": docfixtures.docx_face_table(),
        "persons.xlsx": docfixtures.xlsx_persons(),
        "deck.pptx": docfixtures.pptx_deck(),
        "FaceAttr.class": (fixtures / "java/com/acme/face/FaceAttr.class").read_bytes(),
        "classes.dex": build_dex(
            [DexClass("Lcom/acme/Face;", fields=[("skinColor", "I")], methods=[])]
        ),
        "page.html": b"<html><body><p>skin colour of the face</p><img src=x></body></html>",
        "doc.rtf": rb"{\rtf1\ansi {\b skin colour} of the face\par}",
        "people.csv": b"id,name,skin_colour\n1,a,b\n",
    }
    true = _shutil.which("true")
    if true and Path(true).read_bytes()[:4] == b"\x7fELF":
        out["true.elf"] = Path(true).read_bytes()
    return out


def test_truncated_and_corrupt_documents_and_binaries(tmp_path: Path, hostile: Hostile) -> None:
    """Each extractor's real input cut short or with bytes flipped: corrupt (or read as
    far as it goes), never a crash."""
    files = {}
    for name, data in _real_files().items():
        for how, cut in H.truncations(data).items():
            files[f"{how}-{name}"] = cut
    root = tree(tmp_path / "t", files)
    run = hostile(root, seconds=60)
    allowed = {
        SkipReason.CORRUPT,
        SkipReason.UNSUPPORTED,
        SkipReason.BINARY,
        SkipReason.NO_TEXT_LAYER,
        SkipReason.ENCRYPTED,
    }
    for s in run.result.skipped:
        assert s.reason in allowed, s
    assert SkipReason.CORRUPT in run.reasons("half-spec.pdf")
    assert SkipReason.CORRUPT in run.reasons("half-face.docx")


def test_encrypted_pdf_is_skipped_as_encrypted(tmp_path: Path, hostile: Hostile) -> None:
    import docfixtures

    root = tree(
        tmp_path / "t",
        {"locked.pdf": docfixtures.pdf(docfixtures.SPEC_PAGES, user_password="secret")},
    )
    run = hostile(root)
    assert run.reasons("locked.pdf") == {SkipReason.ENCRYPTED}
    assert not run.found


def test_zip_entry_with_an_empty_name(tmp_path: Path, hostile: Hostile) -> None:
    """fuzz_archive: an entry named "" made zipfile's is_dir() raise IndexError through
    the scan (exit 3); it is now read like any entry."""
    data = H.raw_zip([H.entry("", H.TERM_JAVA), H.entry("b/", b""), H.entry("ok.h", b"x\n")])
    root = tree(tmp_path / "t", {"empty-name.zip": data})
    run = hostile(root)
    assert run.found == {"empty-name.zip!"}
    assert not run.result.skipped


def test_file_replaced_by_a_fifo_after_the_walk(tmp_path: Path) -> None:
    """A tree that changes under the scan: a file walked as regular and replaced by a
    FIFO before it is read is skipped as a special file, not read (a blocking open
    would hang the scan forever)."""
    from ethicscan.pipeline import scan_file
    from ethicscan.rules.catalogue import load_catalogue
    from ethicscan.sources.fs import WalkOptions, walk

    root = tree(tmp_path / "t", {"a.h": H.TERM_LINE, "b.h": H.TERM_LINE})
    _, jobs, _ = walk([str(root)], WalkOptions())
    (root / "a.h").unlink()
    os.mkfifo(root / "a.h")
    started = time.perf_counter()
    outcomes = [scan_file(job, load_catalogue(())) for job in jobs]
    assert time.perf_counter() - started < 5
    assert [(s.path, s.reason) for s in outcomes[0].skipped] == [("a.h", SkipReason.SPECIAL_FILE)]
    assert "FIFO" in outcomes[0].skipped[0].detail
    assert outcomes[1].findings


def test_tar_member_claiming_a_petabyte(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a 2 KB tar whose member header claims 100 GiB (a PAX size can claim
    any) was refused, then skipped over 10 KiB at a time by tarfile's stream reader:
    10 s for 100 GiB, days for a petabyte.  Passing over a member now counts toward
    --max-expanded, so the rest of such an archive is refused at once."""
    for size in (100 * 1024**3, 1024**5):
        ti = tarfile.TarInfo("huge.bin")
        ti.size = size
        data = ti.tobuf(format=tarfile.PAX_FORMAT) + b"x" * 1024
        root = tree(tmp_path / f"t{size}", {"huge.tar": data, "huge.tgz": H.gzip_of(data)})
        run = hostile(root, seconds=15)
        for name in ("huge.tar", "huge.tgz"):
            assert run.reasons(f"{name}!huge.bin") == {SkipReason.TOO_LARGE}
            ((reason, detail),) = run.skips[name]
            assert reason is SkipReason.LIMIT and "--max-expanded" in detail


# -- the user's own rule files and configs --------------------------------------------------


def bounded_cli(
    args: list[str], cwd: Path, seconds: float = DEFAULT_SECONDS, memory_mb: int = 1024
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``python -m ethicscan ARGS`` in ``cwd``, its address space capped at
    ``memory_mb`` (a runaway fails with MemoryError, exit 3, instead of taking the
    machine) and killed after twice ``seconds``; returns it and the time it took."""

    def cap() -> None:
        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ethicscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=2 * seconds,
        preexec_fn=cap,
        check=False,
    )
    return done, time.perf_counter() - started


def test_yaml_alias_bomb_in_a_rule_file_is_refused(tmp_path: Path) -> None:
    """Regression: 459 bytes of YAML aliases ("billion laughs") in a --rules file, or in
    a rules folder named by .ethicscan.toml, hung the scan and took 2.9 GB (the 9**9
    strings were turned into an error message).  Rule files may not use aliases: exit
    2 with a message, at once."""
    root = tree(tmp_path / "t", {"a.h": H.TERM_LINE})
    bomb = H.yaml_alias_bomb()
    assert len(bomb) < 600
    tree(tmp_path / "rules", {"bomb.yml": bomb})
    for args, config in (
        (["scan", "t", "--rules", "rules"], None),
        (["scan", "t"], b'rules = ["rules"]\n'),
    ):
        if config is not None:
            (tmp_path / ".ethicscan.toml").write_bytes(config)
        done, seconds = bounded_cli(args, tmp_path)
        assert done.returncode == 2, done.stderr
        # (after "config: .ethicscan.toml", which says where the rules were named)
        assert done.stderr.splitlines()[-1].startswith("ethicscan: error: ")
        assert "bomb.yml: YAML aliases (*name) are not allowed in rule files" in done.stderr
        assert seconds < DEFAULT_SECONDS
    assert root.is_dir()


def test_deeply_nested_config_is_a_usage_error(tmp_path: Path) -> None:
    """Regression: a pyproject.toml nested 5,000 deep (found above the target, or given
    with --config) was an internal error (RecursionError, exit 3); it is the user's file
    to fix: exit 2 with a message."""
    tree(tmp_path / "cfg" / "t", {"a.h": H.TERM_LINE})
    tree(tmp_path / "cfg", {"pyproject.toml": H.deep_toml()})
    for args, cwd in (
        (["scan", "t"], tmp_path / "cfg"),
        (["scan", "cfg/t", "--config", "cfg/pyproject.toml"], tmp_path),
    ):
        done, _ = bounded_cli(args, cwd)
        assert done.returncode == 2, done.stderr
        assert "pyproject.toml: not valid TOML: nested too deeply" in done.stderr


def test_deeply_nested_json_given_by_the_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: JSON nested 100,000 deep given to ``diff``, to --baseline, or as a
    --results shard or manifest was an internal error (RecursionError, exit 3).  The
    first three are the user's files: exit 2 with a message; a shard that cannot be read
    is scanned again."""
    root = tree(tmp_path / "t", {"a.h": H.TERM_LINE})
    deep = tmp_path / "deep.json"
    deep.write_text('{"findings": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    for args in (["diff", str(deep), str(deep)], ["scan", str(root), "--baseline", str(deep)]):
        assert main(args) == 2
        assert "nested too deeply" in capsys.readouterr().err
    results = tmp_path / "results"
    assert main(["scan", str(root), "--results", str(results), "--jobs", "1"]) == 1
    shards = [p for p in results.glob("*.json") if p.name != "manifest.json"]
    assert len(shards) == 1
    shards[0].write_bytes(deep.read_bytes())
    assert main(["scan", str(root), "--results", str(results), "--jobs", "1"]) == 1
    assert "0 targets resumed, 1 scanned" in capsys.readouterr().err
    (results / "manifest.json").write_bytes(deep.read_bytes())
    assert main(["scan", str(root), "--results", str(results), "--jobs", "1"]) == 2
    assert "unreadable manifest.json" in capsys.readouterr().err
