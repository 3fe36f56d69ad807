"""Inside a git work tree a scan leaves out what the repository ignores (.gitignore
files, .git/info/exclude), virtual environments and node_modules, lists each left-out
path as skipped (``ignored_by_git``) in every format, and says so in the summary;
``--no-ignore`` scans them; a folder outside any work tree is scanned whole.  The
repositories are made by hand (a ``.git`` folder is all the walk looks for): no
``git`` runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.model import ScanResult, SkipReason
from ethicscan.report import OutputFormat, reporter

TERM = "ethnicity = person.ethnicity\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _repo(root: Path) -> Path:
    """A work tree: source, build output, logs, an environment and dependencies."""
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("# local\nscratch/\n", encoding="utf-8")
    _write(
        root,
        {
            ".gitignore": "dist/\n*.log\n",
            "src/app.py": TERM,
            "src/.gitignore": "generated_*.py\n!generated_keep.py\n",
            "src/generated_models.py": TERM,
            "src/generated_keep.py": TERM,
            "dist/bundle.js": TERM,
            "run.log": TERM,
            "scratch/notes.txt": TERM,
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/site.py": TERM,
            "web/node_modules/dep/index.js": TERM,
            "web/main.js": "const x = 1;\n",
        },
    )
    return root


IGNORED = {
    "dist/": "matched dist/ in .gitignore",
    "env/": "a virtual environment (holds pyvenv.cfg)",
    "run.log": "matched *.log in .gitignore",
    "scratch/": "matched scratch/ in .git/info/exclude",
    "src/generated_models.py": "matched generated_*.py in src/.gitignore",
    "web/node_modules/": "installed dependencies (node_modules)",
}


def _found(result: ScanResult) -> set[str]:
    return {f.location.path for f in result.findings}


def _ignored(result: ScanResult) -> dict[str, str]:
    return {s.path: s.detail for s in result.skipped if s.reason is SkipReason.IGNORED_BY_GIT}


def test_a_work_tree_leaves_out_what_git_ignores(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    result = scan([str(root)], ScanOptions(jobs=1))
    assert _found(result) == {"src/app.py", "src/generated_keep.py"}  # !pattern re-includes
    assert _ignored(result) == IGNORED


def test_no_ignore_and_outside_a_work_tree_scan_everything(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    everything = {
        "src/app.py",
        "src/generated_keep.py",
        "src/generated_models.py",
        "dist/bundle.js",
        "run.log",
        "scratch/notes.txt",
        "env/lib/site.py",
        "web/node_modules/dep/index.js",
    }
    result = scan([str(root)], ScanOptions(jobs=1, use_gitignore=False))
    assert _found(result) == everything
    assert _ignored(result) == {}
    # The same folder without .git is a vendor drop: scanned whole by default.
    drop = tmp_path / "drop"
    root.rename(drop)
    (drop / ".git" / "info" / "exclude").unlink()
    (drop / ".git" / "info").rmdir()
    (drop / ".git").rmdir()
    result = scan([str(drop)], ScanOptions(jobs=1))
    assert _found(result) == everything
    assert _ignored(result) == {}


def test_rules_above_the_target_count_and_a_target_named_is_scanned(tmp_path: Path) -> None:
    """A subfolder target is judged by the .gitignore files from the work tree's root
    down; a folder the repository ignores, named as a target, was asked for."""
    root = _repo(tmp_path / "repo")
    src = scan([str(root / "src")], ScanOptions(jobs=1))
    assert _found(src) == {"app.py", "generated_keep.py"}
    assert _ignored(src) == {"generated_models.py": "matched generated_*.py in src/.gitignore"}
    _write(root, {"src/deep/trace.log": TERM, "src/deep/ok.py": TERM})
    deep = scan([str(root / "src" / "deep")], ScanOptions(jobs=1))
    assert _found(deep) == {"ok.py"}
    assert _ignored(deep) == {"trace.log": "matched *.log in .gitignore"}
    for asked in ("dist", "env", "web/node_modules", "scratch"):
        result = scan([str(root / asked)], ScanOptions(jobs=1))
        assert result.findings, asked
        assert _ignored(result) == {}, asked
    # A file named as a target is read whatever the rules say (pre-commit names files).
    assert _found(scan([str(root / "run.log")], ScanOptions(jobs=1))) == {"run.log"}


def test_a_linked_work_tree_reads_the_common_exclude_file(tmp_path: Path) -> None:
    """``.git`` as a file (``git worktree add``, submodules): ``info/exclude`` is in the
    common git folder that ``commondir`` names."""
    common = tmp_path / "main.git"
    (common / "worktrees" / "wt").mkdir(parents=True)
    (common / "worktrees" / "wt" / "commondir").write_text("../..\n", encoding="utf-8")
    (common / "info").mkdir()
    (common / "info" / "exclude").write_text("private/\n", encoding="utf-8")
    wt = tmp_path / "wt"
    _write(wt, {".git": f"gitdir: {common / 'worktrees' / 'wt'}\n"})
    _write(wt, {"private/p.py": TERM, "pub.py": TERM})
    result = scan([str(wt)], ScanOptions(jobs=1))
    assert _found(result) == {"pub.py"}
    assert _ignored(result) == {"private/": "matched private/ in .git/info/exclude"}


def test_a_nested_repository_has_its_own_rules(tmp_path: Path) -> None:
    root = tmp_path / "outer"
    (root / ".git").mkdir(parents=True)
    (root / "inner" / ".git" / "info").mkdir(parents=True)
    (root / "inner" / ".git" / "info" / "exclude").write_text("x.py\n", encoding="utf-8")
    _write(root, {".gitignore": "*.txt\n", "a.txt": TERM, "inner/b.txt": TERM, "inner/x.py": TERM})
    result = scan([str(root)], ScanOptions(jobs=1))
    assert _found(result) == {"inner/b.txt"}  # the outer rules stop at the inner repository
    assert _ignored(result) == {
        "a.txt": "matched *.txt in .gitignore",
        "inner/x.py": "matched x.py in inner/.git/info/exclude",
    }


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_lists_what_git_ignored(tmp_path: Path, fmt: OutputFormat) -> None:
    root = _repo(tmp_path / "repo")
    result = scan([str(root)], ScanOptions(jobs=1))
    text = reporter(fmt)(result)
    for path in IGNORED:  # (a report may show folders without their final /)
        assert path.rstrip("/") in text, (fmt, path)
    assert "ignored_by_git" in text


def test_summary_counts_what_git_ignored_and_no_ignore_scans_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path / "repo")
    assert main(["scan", str(root), "-j", "1", "--fail-on", "never"]) == 0
    err = capsys.readouterr().err
    assert (
        "; 7 skipped, 6 of them ignored by git (4 folders, 2 files; listed as "
        "ignored_by_git, --no-ignore scans them)." in " ".join(err.split())
    )
    assert (
        main(["scan", str(root), "-j", "1", "--format", "json", "--no-ignore", "--fail-on", "low"])
        == 1
    )
    doc = json.loads(capsys.readouterr().out)
    assert [s["path"] for s in doc["skipped"]] == [".git/"]
    assert len({f["location"]["path"] for f in doc["findings"]}) == 8


def test_config_gitignore_false_is_no_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    (root / ".ethicscan.toml").write_text("gitignore = false\n", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["scan", ".", "-j", "1", "--format", "json", "--fail-on", "never"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not [s for s in doc["skipped"] if s["reason"] == "ignored_by_git"]
    assert main(["scan", ".", "--no-ignore", "--gitignore"]) == 2
    assert "--no-ignore and --gitignore cannot go together" in capsys.readouterr().err


def test_a_file_the_repository_tracks_is_never_ignored(tmp_path: Path) -> None:
    """git ignores no file it tracks (one added with ``git add -f``), nor a folder that
    holds one: the index, read with dulwich, decides before the patterns."""
    from dulwich.repo import Repo

    root = tmp_path / "repo"
    _write(
        root,
        {
            ".gitignore": "*.log\nbuild/\n",
            "audit.log": TERM,
            "debug.log": TERM,
            "build/keep.py": TERM,
            "build/out.log": TERM,
            "build/gen.py": TERM,
        },
    )
    with Repo.init(str(root)) as repo:
        tree = repo.get_worktree() if hasattr(repo, "get_worktree") else repo
        tree.stage([".gitignore", "audit.log", "build/keep.py"])
    result = scan([str(root)], ScanOptions(jobs=1))
    # build/ holds a tracked file: walked; its untracked files are still ignored, as
    # under any excluded folder (git check-ignore says so too).
    assert _found(result) == {"audit.log", "build/keep.py"}
    assert _ignored(result) == {
        "build/gen.py": "matched build/ in .gitignore",
        "build/out.log": "matched *.log in .gitignore",
        "debug.log": "matched *.log in .gitignore",
    }
    # A damaged index leaves the patterns alone to decide.
    (root / ".git" / "index").write_bytes(b"DIRC\x00\x00\x00\x02garbage")
    result = scan([str(root)], ScanOptions(jobs=1))
    assert set(_ignored(result)) == {"audit.log", "build/", "debug.log"}
