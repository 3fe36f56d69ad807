"""sources.fs.walk: what is scanned, in which order, and why anything is skipped."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.model import Skipped, SkipReason
from ethicscan.sources.fs import WalkOptions, walk


def _touch(root: Path, *names: str, text: str = "x\n") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _walk(root: Path, **kw: object) -> tuple[list[str], dict[str, Skipped]]:
    targets, jobs, skipped = walk([str(root)], WalkOptions(**kw))  # type: ignore[arg-type]
    assert [(t.target, t.kind) for t in targets] == [(str(root), "directory")]
    assert all(j.target == str(root) for j in jobs)
    assert all(s.target == str(root) for s in skipped)
    return [j.rel_path for j in jobs], {s.path: s for s in skipped}


def _reasons(skipped: dict[str, Skipped]) -> dict[str, SkipReason]:
    return {p: s.reason for p, s in skipped.items()}


def test_nested_dirs_in_sorted_order_with_slash_paths(tmp_path: Path) -> None:
    _touch(tmp_path, "z.txt", "b/c/deep.py", "b/a.py", "a/y.txt", "a/b/x.txt", "B.txt", "m.py")
    paths, skipped = _walk(tmp_path)
    assert paths == ["B.txt", "a/b/x.txt", "a/y.txt", "b/a.py", "b/c/deep.py", "m.py", "z.txt"]
    assert skipped == {}
    assert all("\\" not in p and not p.startswith("/") for p in paths)


def test_order_is_stable_across_walks(tmp_path: Path) -> None:
    for i in range(30):
        _touch(tmp_path, f"d{i % 4}/f{(i * 7) % 30:02d}.txt")
    first, _ = _walk(tmp_path)
    assert first == _walk(tmp_path)[0]
    assert len(first) == 30


def test_job_sizes_and_fs_paths(tmp_path: Path) -> None:
    _touch(tmp_path, "sub/a.txt", text="hello\n")
    _, jobs, _ = walk([str(tmp_path)], WalkOptions())
    assert len(jobs) == 1
    assert jobs[0].size == 6
    assert Path(jobs[0].fs_path) == tmp_path / "sub" / "a.txt"


def test_a_file_target(tmp_path: Path) -> None:
    _touch(tmp_path, "sub/a.txt")
    target = str(tmp_path / "sub" / "a.txt")
    targets, jobs, skipped = walk([target], WalkOptions())
    assert [(t.target, t.kind) for t in targets] == [(target, "file")]
    assert [(j.rel_path, j.target) for j in jobs] == [("a.txt", target)]
    assert skipped == []


def test_vcs_metadata_is_excluded(tmp_path: Path) -> None:
    _touch(tmp_path, ".git/HEAD", ".git/objects/ab/cdef", "sub/.hg/store", "src/main.py")
    paths, skipped = _walk(tmp_path)
    assert paths == ["src/main.py"]
    assert _reasons(skipped) == {".git/": SkipReason.EXCLUDED, "sub/.hg/": SkipReason.EXCLUDED}


def test_exclude_globs(tmp_path: Path) -> None:
    _touch(tmp_path, "build/out.c", "src/a.log", "src/a.c", "vendor/lib/x.c", "src/vendor.c")
    paths, skipped = _walk(tmp_path, excludes=("build/", "*.log", "/vendor"))
    assert paths == ["src/a.c", "src/vendor.c"]
    assert _reasons(skipped) == {
        "build/": SkipReason.EXCLUDED,
        "src/a.log": SkipReason.EXCLUDED,
        "vendor/": SkipReason.EXCLUDED,
    }
    assert skipped["src/a.log"].detail == "matched an ignore rule"


def test_ethicscanignore_file(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "keep.py",
        "debug.log",
        "fixtures/data.json",
        "sub/gen/out.py",
        "sub/gen.py",
        "sub/important.log",
    )
    (tmp_path / ".ethicscanignore").write_text("# test data\n*.log\n!important.log\nfixtures/\n")
    (tmp_path / "sub" / ".ethicscanignore").write_text("/gen/\n")
    paths, skipped = _walk(tmp_path)
    assert paths == [
        ".ethicscanignore",
        "keep.py",
        "sub/.ethicscanignore",
        "sub/gen.py",
        "sub/important.log",
    ]
    assert _reasons(skipped) == {
        "debug.log": SkipReason.EXCLUDED,
        "fixtures/": SkipReason.EXCLUDED,
        "sub/gen/": SkipReason.EXCLUDED,
    }


def test_nested_ignore_file_is_relative_to_its_folder(tmp_path: Path) -> None:
    _touch(tmp_path, "a/x.txt", "b/a/x.txt")
    (tmp_path / "b" / ".ethicscanignore").write_text("/a/\n")
    paths, skipped = _walk(tmp_path)
    assert "a/x.txt" in paths
    assert _reasons(skipped) == {"b/a/": SkipReason.EXCLUDED}


def test_gitignore_only_with_use_gitignore(tmp_path: Path) -> None:
    _touch(tmp_path, "dist/bundle.js", "src/app.js")
    (tmp_path / ".gitignore").write_text("dist/\n")
    without, skipped = _walk(tmp_path)
    assert "dist/bundle.js" in without
    assert skipped == {}
    with_gi, skipped = _walk(tmp_path, use_gitignore=True)
    assert "dist/bundle.js" not in with_gi
    assert "src/app.js" in with_gi
    assert _reasons(skipped) == {"dist/": SkipReason.IGNORED_BY_GIT}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_symlinks_are_reported_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside, "secret.py")
    root = tmp_path / "root"
    _touch(root, "real.py", "dir/inner.py")
    (root / "link_file.py").symlink_to(root / "real.py")
    (root / "link_dir").symlink_to(root / "dir", target_is_directory=True)
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "dangling").symlink_to(root / "nowhere")
    (root / "loop").symlink_to(root / "loop")
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    paths, skipped = _walk(root)
    assert paths == ["dir/inner.py", "real.py"]
    assert _reasons(skipped) == {
        name: SkipReason.SYMLINK
        for name in ("a", "b", "dangling", "escape", "link_dir", "link_file.py", "loop")
    }
    assert "not followed" in skipped["loop"].detail
    assert str(root / "real.py") in skipped["link_file.py"].detail


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_fifo_is_a_special_file(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    os.mkfifo(tmp_path / "pipe")
    paths, skipped = _walk(tmp_path)  # must not block on the FIFO
    assert paths == ["a.txt"]
    assert _reasons(skipped) == {"pipe": SkipReason.SPECIAL_FILE}
    assert "FIFO" in skipped["pipe"].detail


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_fifo_target_is_a_special_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    targets, jobs, skipped = walk([str(fifo)], WalkOptions())
    assert [t.kind for t in targets] == ["special"]
    assert jobs == []
    assert [s.reason for s in skipped] == [SkipReason.SPECIAL_FILE]


def test_size_is_judged_when_read_not_when_walked(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * 101)
    paths, skipped = _walk(tmp_path)
    assert paths == ["big.txt"]  # read in pieces (tests/test_stream.py)
    assert skipped == {}


def test_missing_target_is_not_found(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    missing = str(tmp_path / "no-such-dir")
    targets, jobs, skipped = walk([missing, str(tmp_path)], WalkOptions())
    assert [t.kind for t in targets] == ["missing", "directory"]
    assert [j.rel_path for j in jobs] == ["a.txt"]
    assert [(s.path, s.reason) for s in skipped] == [(missing, SkipReason.NOT_FOUND)]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file"
)
def test_unreadable_file_is_reported_by_the_scan(tmp_path: Path) -> None:
    _touch(tmp_path, "ok.py", "locked.py")
    locked = tmp_path / "locked.py"
    locked.chmod(0)
    try:
        result = scan([str(tmp_path)], ScanOptions(jobs=1))
    finally:
        locked.chmod(0o644)
    assert [(s.path, s.reason) for s in result.skipped] == [("locked.py", SkipReason.UNREADABLE)]
    assert result.stats.files == 1


def test_read_error_is_reported_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as the chmod test, for runs as root: a read that fails is a skip."""
    from ethicscan.sources import fs

    real = fs.read_regular

    def read_regular(path: str, limit: int) -> tuple[int, bytes | None]:
        if path.endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(fs, "read_regular", read_regular)
    _touch(tmp_path, "ok.py", "locked.py")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert [(s.path, s.reason, s.detail, s.target) for s in result.skipped] == [
        ("locked.py", SkipReason.UNREADABLE, "Permission denied", str(tmp_path))
    ]
    assert result.stats.files == 1


def test_compiled_copies_beside_their_source_are_skipped(tmp_path: Path) -> None:
    """``__pycache__/x.cpython-311.pyc`` is the source ``x.py`` compiled: the source is
    scanned, the copy listed as skipped; a compiled module with no source is read."""
    (tmp_path / "face.py").write_text("race = predict_race(face)\n", encoding="utf-8")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    (cache / "face.cpython-311.pyc").write_bytes(b"\x00race\x00")
    (cache / "face.cpython-311.opt-1.pyc").write_bytes(b"\x00race\x00")
    (cache / "gone.cpython-311.pyc").write_bytes(b"\x00race\x00")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    skipped = {s.path: s for s in result.skipped}
    for name in ("face.cpython-311.pyc", "face.cpython-311.opt-1.pyc"):
        s = skipped[f"__pycache__/{name}"]
        assert s.reason is SkipReason.EXCLUDED and "face.py" in s.detail
    assert "__pycache__/gone.cpython-311.pyc" not in skipped
