"""bench/precision.py's corpus list: registry packages and git repositories pinned to a
commit, read from a local clone and scanned as the tree at that commit."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import precision  # noqa: E402

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin",
    }
    got = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert got.returncode == 0, got.stderr
    return got.stdout.strip()


def _repo(mirror: Path) -> tuple[str, str]:
    """A clone at ``mirror/acme+records`` with two commits; the first commit's id and
    the second's."""
    work = mirror / "acme+records"
    work.mkdir(parents=True)
    _git(work, "init", "-q")
    (work / "person.py").write_text("ethnicity = row['ethnicity']\n", encoding="utf-8")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "one")
    first = _git(work, "rev-parse", "HEAD")
    (work / "later.py").write_text("race = None\n", encoding="utf-8")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "two")
    return first, _git(work, "rev-parse", "HEAD")


def test_a_git_line_is_read_with_its_commit(tmp_path: Path) -> None:
    listing = tmp_path / "packages.txt"
    listing.write_text(
        "pypi:foo==1.0  popular\ngit:acme/records==" + "a" * 40 + "  cn-security\n",
        encoding="utf-8",
    )
    pkgs = precision.load_packages(listing)
    assert [(p.ecosystem, p.name, p.version, p.category) for p in pkgs] == [
        ("pypi", "foo", "1.0", "popular"),
        ("git", "acme/records", "a" * 40, "cn-security"),
    ]
    assert pkgs[1].id == "git:acme/records==" + "a" * 40
    with pytest.raises(ValueError, match="read from a clone"):
        pkgs[1].target  # noqa: B018


@needs_git
def test_a_repository_is_its_tree_at_the_commit(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    first, second = _repo(mirror)
    cache = tmp_path / "cache"
    old = precision.Package("git", "acme/records", first, "x").local(str(cache), str(mirror))
    new = precision.Package("git", "acme/records", second, "x").local(str(cache), str(mirror))
    with tarfile.open(old) as t:
        assert sorted(t.getnames()) == ["person.py"]
    with tarfile.open(new) as t:
        assert sorted(t.getnames()) == ["later.py", "person.py"]
    # made once: a second call reads the cache, even with the clone gone
    shutil.rmtree(mirror)
    again = precision.Package("git", "acme/records", first, "x").local(str(cache), str(mirror))
    assert again == old


@needs_git
def test_a_missing_clone_or_commit_says_so(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    _repo(mirror)
    pkg = precision.Package("git", "acme/records", "b" * 40, "x")
    with pytest.raises(SystemExit, match=r"no clone under .* holds commit b{40}"):
        pkg.local(str(tmp_path / "cache"), str(mirror))
    with pytest.raises(SystemExit, match="give --git-mirror"):
        pkg.local(str(tmp_path / "cache"), None)


@needs_git
def test_a_repository_is_scanned_as_an_archive(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    first, _ = _repo(mirror)
    pkg = precision.Package("git", "acme/records", first, "x")
    found = precision.scan_package(pkg, str(tmp_path / "cache"), 1, str(mirror))
    assert not isinstance(found, str)
    paths = {f.key[1] for f in found}
    assert paths == {f"acme+records-{first[:12]}.tar!person.py"}
    assert {f.key[3] for f in found} == {"ethnicity"}


@needs_git
def test_a_blob_the_clone_lacks_is_left_out_and_named(tmp_path: Path) -> None:
    """A size-capped mirror lacks some blobs: the tree is written without them."""
    mirror = tmp_path / "mirror"
    _, second = _repo(mirror)
    work = mirror / "acme+records"
    oid = _git(work, "rev-parse", f"{second}:later.py")
    (work / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    out = tmp_path / "tree.tar"
    missing = precision.tree_to_tar(work / ".git", second, out)
    assert missing == ["later.py"]
    with tarfile.open(out) as t:
        assert t.getnames() == ["person.py"]
        member = t.extractfile("person.py")
        assert member is not None
        assert member.read() == b"ethnicity = row['ethnicity']\n"


def test_figures_tell_each_judged_capability_how_often_it_is_named() -> None:
    pkg = precision.Package("pypi", "demo", "1.0", "other")

    def found(line: int, capability: str) -> precision.Found:
        key = (pkg.id, "demo/app.py", line, "race")
        return precision.Found(key, capability, "low", 0.9, 0.9, "race", "race-field", ())

    findings = [found(1, "search"), found(2, "record"), found(3, "search"), found(4, "record")]
    labels = {
        findings[0].key: precision.Label(findings[0].key, True, "search"),
        findings[1].key: precision.Label(findings[1].key, True, "search"),
        findings[2].key: precision.Label(findings[2].key, True, "record"),
        findings[3].key: precision.Label(findings[3].key, False, ""),
    }
    fig = precision.figures([(pkg, findings)], labels, {})[pkg.part]
    # judged search twice, named search once; judged record once, named search
    assert fig.by_judged["search"] == [1.0, 2.0]
    assert fig.by_judged["record"] == [0.0, 1.0]
    # reported search twice, both true, one of them judged search
    assert fig.by_capability["search"].right == 1.0
    assert fig.by_capability["search"].true == 2.0
