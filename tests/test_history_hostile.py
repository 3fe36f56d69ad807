"""Hostile repositories for history scans: trees that share subtrees a billion ways,
blobs and deltas that declare gigabytes, folders nested past git's own limit, and
what a repository holds outside its commits' files (submodules, objects that only
a ref names, a blob where a folder should be).  Each is built here; each scan must
finish within the hostile suite's bounds, and nothing may be dropped silently."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ethicscan.sources.history as source
import hostile_corpus as H
import test_hostile
from ethicscan import ScanOptions, scan
from ethicscan.extract.units import Scratch
from ethicscan.model import HistoryStatus, ScanResult, SkipReason
from ethicscan.sources import gitstore
from gitpack import (
    BLOB,
    MIB,
    OFS_DELTA,
    Entry,
    fake_id,
    tree_data,
    varint,
    write_loose,
    write_pack,
    zeros_deflated,
)
from test_history import Git
from test_hostile import Hostile
from test_interrupt import _interrupted

hostile = test_hostile.hostile  # the hostile suite's fixture: bounds and checks

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

ALARM = "rules:\n  - name: 维族告警\n    camera: all\n    notify: police\n"
WHEN = "2021-03-01T00:00:00+00:00"


def _init(root: Path) -> Git:
    root.mkdir()
    g = Git(root)
    g("init", "-q", "-b", "main")
    g("config", "user.name", "Ann Author")
    g("config", "user.email", "ann@example.org")
    return g


def _objects(root: Path) -> Path:
    return root / ".git" / "objects"


def _commit_tree(g: Git, tree: str, parent: str | None = None) -> str:
    args = ["commit-tree", tree, "-m", "x"] + (["-p", parent] if parent else [])
    commit = g(*args, date=WHEN)
    g("update-ref", "refs/heads/main", commit)
    return commit


def _bomb(root: Path, leaf: bytes, wide: int = 10, deep: int = 9) -> Git:
    """One commit whose tree nests ``deep`` levels of ``wide`` entries, every entry of
    a level the same subtree (in the last level, ``leaf`` once and a clean file):
    ``deep`` + 2 objects, ``wide ** deep`` paths."""
    g = _init(root)
    objects = _objects(root)
    clean = write_loose(objects, "blob", b"nothing to see\n")
    first = write_loose(objects, "blob", leaf)
    files = [("100644", f"d{i}", first if i == 0 else clean) for i in range(wide)]
    oid = write_loose(objects, "tree", tree_data(files))
    for _ in range(deep - 1):
        oid = write_loose(
            objects, "tree", tree_data([("40000", f"d{i}", oid) for i in range(wide)])
        )
    _commit_tree(g, oid)
    return g


def test_git_bomb_of_shared_subtrees_is_bounded(tmp_path: Path, hostile: Hostile) -> None:
    """A billion paths in eleven objects: each distinct tree is read once, and the
    tip's paths are counted as they are listed, up to --max-archive-entries, with a
    reason."""
    root = tmp_path / "bomb"
    _bomb(root, b"nothing to see\n")
    run = hostile(root, args=("--history",), seconds=10, rss_mb=100)
    assert run.status == 0
    limits = [s for s in run.result.skipped if s.reason is SkipReason.LIMIT]
    assert len(limits) == 1 and "--max-archive-entries" in limits[0].detail, limits
    assert run.result.stats.files == 1  # one distinct blob


def test_git_bomb_with_a_finding_traces_at_most_the_entry_limit(
    tmp_path: Path, hostile: Hostile
) -> None:
    """The shared leaf holds a finding: it is analysed once, and traced at no more
    paths than --max-archive-entries allows; the rest is a skipped entry."""
    root = tmp_path / "bomb"
    _bomb(root, ALARM.encode())
    run = hostile(root, args=("--history", "--max-archive-entries", "100"), seconds=5, rss_mb=60)
    assert run.status == 1
    assert 0 < len(run.found) <= 100
    assert run.result.stats.files == 2  # two distinct blobs, each read once
    limits = [s for s in run.result.skipped if s.reason is SkipReason.LIMIT]
    assert any("more than 100 paths" in s.detail for s in limits), run.result.skipped


def test_git_bomb_with_a_finding_at_the_default_limits(tmp_path: Path, hostile: Hostile) -> None:
    """With the default limits: the leaf folder is traced at 256 paths, its copies
    beyond are one skipped entry a level (not a hundred million findings)."""
    root = tmp_path / "bomb"
    _bomb(root, ALARM.encode())
    run = hostile(root, args=("--history",), seconds=10, rss_mb=100)
    assert run.status == 1
    assert 0 < len(run.found) <= 256
    shared = [s for s in run.result.skipped if "shared subtrees" in s.detail]
    assert 0 < len(shared) <= 9  # a level at most


def test_folders_nested_past_gits_limit_are_skipped(tmp_path: Path, hostile: Hostile) -> None:
    """A chain of 4,200 folders (git refuses more than 4,096): read to that depth,
    the rest listed as skipped, memory not growing with the square of the depth."""
    root = tmp_path / "deep"
    g = _init(root)
    objects = _objects(root)
    oid = write_loose(objects, "blob", ALARM.encode())
    oid = write_loose(objects, "tree", tree_data([("100644", "alarm.yaml", oid)]))
    for _ in range(4200):
        oid = write_loose(objects, "tree", tree_data([("40000", "a", oid)]))
    _commit_tree(g, oid)
    run = hostile(root, args=("--history",), seconds=15, rss_mb=100)
    deep = [s for s in run.result.skipped if "core.maxTreeDepth" in s.detail]
    assert deep and all(s.reason is SkipReason.LIMIT for s in deep)


def _pack_repo(root: Path, entries: list[Entry], name: str) -> Git:
    g = _init(root)
    write_pack(_objects(root), entries)
    blob = entries[-1].oid
    tree = write_loose(_objects(root), "tree", tree_data([("100644", name, blob)]))
    _commit_tree(g, tree)
    return g


def test_blob_declaring_2_gib_in_a_small_pack_is_never_inflated_whole(
    tmp_path: Path, hostile: Hostile
) -> None:
    """2 GiB of zeros packed into 2 MB: its header is read first, and it is inflated
    as a stream that stops at the expansion ratio, never into memory."""
    root = tmp_path / "big"
    size = 2048 * MIB
    _pack_repo(root, [Entry(fake_id("zeros"), BLOB, size, zeros_deflated(size))], "zeros.bin")
    run = hostile(root, args=("--history",), seconds=10, rss_mb=60)
    assert run.reasons("zeros.bin") == {SkipReason.LIMIT}
    (detail,) = [d for _r, d in run.skips["zeros.bin"]]
    assert "--max-ratio" in detail and str(size) in detail


def test_delta_copying_its_base_thousands_of_times_is_stopped(
    tmp_path: Path, hostile: Hostile
) -> None:
    """A delta of a few kilobytes that copies a 64 KiB base 32,768 times (2 GiB): its
    header is read first, and it is applied as a stream that stops at the ratio."""
    root = tmp_path / "delta"
    base = (b"row,value\n" * 6554)[: 64 * 1024]
    target = 2048 * MIB
    ops = b"\x80" * (target // (64 * 1024))  # copy 64 KiB from offset 0, each one byte
    delta = varint(len(base)) + varint(target) + ops
    entries = [
        Entry(fake_id("base"), BLOB, len(base), zlib_of(base)),
        Entry(fake_id("delta"), OFS_DELTA, len(delta), zlib_of(delta), base=0),
    ]
    _pack_repo(root, entries, "table.csv")
    run = hostile(root, args=("--history",), seconds=10, rss_mb=60)
    assert run.reasons("table.csv") == {SkipReason.LIMIT}
    (detail,) = [d for _r, d in run.skips["table.csv"]]
    assert "--max-ratio" in detail and str(target) in detail


def zlib_of(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def _text(lines: int, finding_at: int) -> str:
    rows = [f"row {i}: the quick brown fox jumps over the lazy dog" for i in range(lines)]
    rows[finding_at] = "  - name: 维族告警"
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("packed", [False, True], ids=["loose", "packed-delta"])
def test_large_blobs_are_streamed_like_large_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    """Blobs above the in-memory threshold (lowered here to 64 KiB) are inflated into
    a temporary file, deltas applied from files, and read as a plain scan reads a
    large file: the tip's findings are the plain scan's, and no such blob passes
    through the whole-object reader."""
    monkeypatch.setattr(source, "SPOOL_AT", 64 * 1024)
    whole: list[bytes] = []
    real = source.read_blob

    def read_blob(repo: Any, blob: bytes) -> bytes:
        data = real(repo, blob)
        whole.append(data)
        return data

    monkeypatch.setattr(source, "read_blob", read_blob)
    root = tmp_path / "repo"
    g = _init(root)
    g.write("log.txt", _text(6000, 10))
    g.commit("one", WHEN)
    g.write("log.txt", _text(6000, 5000).replace("维族告警", "藏族告警"))
    g.commit("two", "2021-03-02T00:00:00+00:00")
    if packed:
        _pack_all(root)
        verify = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "verify-pack",
                "-v",
                *map(str, _objects(root).glob("pack/*.idx")),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert any(len(line.split()) >= 7 for line in verify.splitlines()), "a delta"
    history = scan([str(root)], ScanOptions(history=True, jobs=1))
    plain = scan([str(root)], ScanOptions(jobs=1))
    assert all(len(d) <= 64 * 1024 for d in whole)
    present = [
        f for f in history.findings if f.history and f.history.status is HistoryStatus.PRESENT
    ]
    assert [(f.rule, f.location.line) for f in present] == [
        (f.rule, f.location.line) for f in plain.findings
    ]
    gone = [
        f for f in history.findings if f.history and f.history.status is not HistoryStatus.PRESENT
    ]
    assert [f.location.line for f in gone] == [11]
    assert not [s for s in history.skipped if s.path == "log.txt"]


def _pack_all(root: Path) -> None:
    """Every object into one pack (deltas where git finds them), none left loose."""
    objects = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--objects", "--all"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(
        ["git", "-C", str(root), "pack-objects", "-q", str(_objects(root) / "pack" / "pack")],
        input=objects,
        capture_output=True,
        check=True,
    )
    subprocess.run(["git", "-C", str(root), "prune-packed"], check=True)
    assert not any(_objects(root).glob("??/*"))


def _scan(root: Path, **kw: Any) -> ScanResult:
    return scan([str(root)], ScanOptions(history=True, jobs=1, **kw))


def test_submodules_are_listed_as_skipped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    g = _init(root)
    g.write("README.md", "# app\n")
    g("add", "README.md")
    g("update-index", "--add", "--cacheinfo", f"160000,{'ab' * 20},vendor/face-sdk")
    g("commit", "-q", "-m", "submodule", date=WHEN)
    result = _scan(root)
    (sub,) = [s for s in result.skipped if s.path == "vendor/face-sdk"]
    assert sub.reason is SkipReason.UNSUPPORTED
    assert "submodule" in sub.detail and "abababababab" in sub.detail


def test_objects_only_a_ref_names_are_read(tmp_path: Path) -> None:
    """A blob and a tree that no commit holds, named by a lightweight tag, an
    annotated tag and a ref of another namespace: read, their findings reported
    (without a history: no commit held them)."""
    root = tmp_path / "repo"
    g = _init(root)
    g.write("README.md", "# app\n")
    g.commit("one", WHEN)
    objects = _objects(root)
    blob = write_loose(objects, "blob", ALARM.encode())
    other = write_loose(objects, "blob", ALARM.replace("维族", "藏族").encode())
    tree = write_loose(objects, "tree", tree_data([("100644", "alarm.yaml", other)]))
    third = write_loose(objects, "blob", ALARM.replace("维族", "回族").encode())
    g("tag", "loose-blob", blob)
    g("tag", "-a", "-m", "a tree", "a-tree", tree, date=WHEN)
    g("update-ref", "refs/hidden/data", third)
    result = _scan(root)
    paths = {f.location.path: f for f in result.findings}
    assert {"refs/tags/loose-blob", "refs/tags/a-tree:alarm.yaml", "refs/hidden/data"} <= set(paths)
    assert all(f.history is None for f in paths.values())


def test_a_blob_where_a_folder_should_be_is_read(tmp_path: Path) -> None:
    """A tree entry with a folder's mode that names a blob: read as the file it is."""
    root = tmp_path / "repo"
    g = _init(root)
    objects = _objects(root)
    blob = write_loose(objects, "blob", ALARM.encode())
    readme = write_loose(objects, "blob", b"# app\n")
    tree = write_loose(
        objects, "tree", tree_data([("100644", "README.md", readme), ("40000", "alarm", blob)])
    )
    commit = _commit_tree(g, tree)
    result = _scan(root)
    (f,) = [f for f in result.findings if f.location.path == "alarm"]
    assert f.history is not None and f.history.first_commit.sha == commit


def test_commit_and_tag_objects_are_read_only_when_their_header_allows(tmp_path: Path) -> None:
    """A tag whose message is larger than --max-file-size is not read (a reason in
    ``skipped``); the commits other refs reach still are."""
    root = tmp_path / "repo"
    g = _init(root)
    g.write("alarm.yaml", ALARM)
    g.commit("one", WHEN)
    g("tag", "-a", "huge", "-m", "x" * 4096, date=WHEN)
    result = _scan(root, max_file_size=2048)
    (tag,) = [s for s in result.skipped if s.path == "refs/tags/huge"]
    assert tag.reason is SkipReason.LIMIT and "--max-file-size" in tag.detail
    assert any(f.location.path == "alarm.yaml" for f in result.findings)


@given(st.binary(max_size=80), st.integers(min_value=0, max_value=1 << 40))
def test_pack_entry_headers_of_any_bytes_raise_only_object_errors(head: bytes, at: int) -> None:
    try:
        kind, size, base, data_at = gitstore._pack_header(head, at)
    except gitstore.ObjectError:
        return
    assert kind in gitstore.KIND_NAMES or base is not None
    assert size >= 0 and data_at > at
    assert base is None or isinstance(base, bytes) or 0 <= base < at


@given(st.binary(max_size=600))
def test_loose_and_delta_headers_of_any_bytes_raise_only_object_errors(data: bytes) -> None:
    for read in (gitstore._parse_loose, gitstore._delta_sizes):
        with contextlib.suppress(gitstore.ObjectError):
            read(data)
    with contextlib.suppress(gitstore.ObjectError):
        gitstore._delta_sizes(zlib.compress(data))


def test_damaged_packs_raise_only_object_errors(tmp_path: Path) -> None:
    """A pack holding a blob and a delta on it, its bytes damaged 200 ways (seeded):
    reading headers and inflating raise only ObjectError or Refused, and whatever
    inflates in full is the object its id names."""
    import random

    root = tmp_path / "repo"
    base = b"".join(b"line %d of the table\n" % i for i in range(400))
    result = base.replace(b"line 7 ", b"LINE 7 ")
    delta = varint(len(base)) + varint(len(result)) + _delta_ops(base, result)
    blob_id = _git_id(base)
    delta_id = _git_id(result)
    entries = [
        Entry(blob_id, BLOB, len(base), zlib_of(base)),
        Entry(delta_id, OFS_DELTA, len(delta), zlib_of(delta), base=0),
    ]
    _pack_repo(root, entries, "table.txt")
    (pack,) = _objects(root).glob("pack/*.pack")
    good = pack.read_bytes()
    rnd = random.Random(7)
    scratch = Scratch()
    try:
        for n in range(-1, 200):  # -1: undamaged, which must read in full
            damaged = bytearray(good)
            for _ in range(0 if n < 0 else 1 + n % 4):
                damaged[rnd.randrange(12, len(good) - 20)] = rnd.randrange(256)
            pack.write_bytes(bytes(damaged))
            read = _read_both(root, blob_id, delta_id, scratch)
            if n < 0:
                assert read == [base, result]
            else:
                assert all(r in (None, base, result) for r in read)
    finally:
        scratch.close()


def _read_both(root: Path, blob_id: str, delta_id: str, scratch: Scratch) -> list[bytes | None]:
    """Each object inflated through its header, or None when it raised ObjectError or
    Refused (anything else fails the test)."""
    from dulwich.repo import Repo

    repo = Repo(str(root))
    headers = gitstore.Headers(repo)
    out: list[bytes | None] = []
    try:
        for oid in (blob_id, delta_id):
            try:
                stored = headers.stored(oid.encode())
                assert stored is not None
                path = scratch.new_file()
                gitstore.inflate_to(
                    stored, oid.encode(), path, scratch.new_file, scratch.remove, 200.0, 1 << 30
                )
                out.append(Path(path).read_bytes())
            except (gitstore.ObjectError, gitstore.Refused):
                out.append(None)
    finally:
        headers.close()
        repo.close()
    return out


def _git_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _delta_ops(base: bytes, result: bytes) -> bytes:
    """Copy the common head and tail of ``base``, insert the middle of ``result``."""
    head = 0
    while head < min(len(base), len(result)) and base[head] == result[head]:
        head += 1
    tail = 0
    while tail < min(len(base), len(result)) - head and base[-1 - tail] == result[-1 - tail]:
        tail += 1
    ops = b""
    if head:
        ops += bytes([0x80 | 0x10 | 0x20, head & 0xFF, head >> 8])
    middle = result[head : len(result) - tail]
    while middle:
        ops += bytes([min(len(middle), 127)]) + middle[:127]
        middle = middle[127:]
    if tail:
        off = len(base) - tail
        ops += bytes(
            [0x80 | 0x01 | 0x02 | 0x10 | 0x20, off & 0xFF, off >> 8, tail & 0xFF, tail >> 8]
        )
    return ops


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_signal_mid_history_scan_removes_inflated_blobs(tmp_path: Path, jobs: str) -> None:
    """A blob over 8 MiB is inflated into the scan's temporary folder; SIGTERM in the
    middle (in the main process, or with a pool of workers) removes it and exits 130."""
    root = tmp_path / "repo"
    g = _init(root)
    H.noise_text_zip(str(root / "big.zip"))
    for i in range(16):  # enough blobs for the pool
        g.write(f"notes/{i:02}.txt", f"note {i}\n")
    g.commit("one", WHEN)
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    args = ["scan", "--history", str(root), "--jobs", jobs]
    status, err = _interrupted(args, scratch, signal.SIGTERM)
    assert status == 130, err
    assert os.listdir(scratch) == []


def test_a_tree_where_a_file_should_be_is_listed(tmp_path: Path) -> None:
    """A tree entry with a file's mode that names a tree: listed as corrupt, saying
    so, never passed over without a word."""
    root = tmp_path / "repo"
    g = _init(root)
    objects = _objects(root)
    inner = write_loose(
        objects,
        "tree",
        tree_data([("100644", "alarm.yaml", write_loose(objects, "blob", ALARM.encode()))]),
    )
    tree = write_loose(objects, "tree", tree_data([("100644", "data.bin", inner)]))
    _commit_tree(g, tree)
    result = _scan(root)
    (entry,) = [s for s in result.skipped if s.path == "data.bin"]
    assert entry.reason is SkipReason.CORRUPT and "is a tree, not a blob" in entry.detail
