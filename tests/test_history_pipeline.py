"""History scans read each blob as a plain scan reads a file (archives, binaries and
documents opened, suppressions applied), and order commits by the commit graph.
Repositories are built here with the git command."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from docfixtures import SPEC_PAGES, pdf
from ethicscan import ScanOptions, scan
from ethicscan.model import Finding, HistoryStatus, ScanResult
from test_history import Git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

FACE_CLASS = (
    Path(__file__).parent / "fixtures" / "java" / "com" / "acme" / "face" / "FaceAttr.class"
)
SCHEMA = '{"FaceAttributes": {"properties": {"race": {"type": "string"}}}}\n'
ALARM = "rules:\n  - name: 维族告警\n    camera: all\n    notify: police\n"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _repo(root: Path, versions: list[dict[str, bytes]]) -> Git:
    """A repository whose commits (a day apart) write these files in turn."""
    g = Git.new(root)
    for day, files in enumerate(versions, 1):
        for rel, data in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        g.commit(f"v{day}", f"2020-01-{day:02d}T00:00:00+00:00")
    return g


def _history(root: Path) -> ScanResult:
    return scan([str(root)], ScanOptions(history=True, jobs=1))


def _plain(root: Path) -> ScanResult:
    return scan([str(root)], ScanOptions(jobs=1))  # .git is left out of a plain scan


def _as_plain(f: Finding) -> Finding:
    return replace(f, history=None)


def _tip_equals_plain(root: Path) -> list[Finding]:
    history, plain = _history(root), _plain(root)
    present = [
        _as_plain(f)
        for f in history.findings
        if f.history is not None and f.history.status is HistoryStatus.PRESENT
    ]
    assert plain.findings, "the fixture must give findings"
    assert sorted(present, key=Finding.sort_key) == sorted(plain.findings, key=Finding.sort_key)
    return present


@pytest.mark.parametrize(
    "name, data",
    [
        ("vendor/sdk.zip", lambda: _zip({"api/face.json": SCHEMA.encode(), "ok.txt": b"fine"})),
        ("libs/face.jar", lambda: _zip({"com/acme/face/FaceAttr.class": FACE_CLASS.read_bytes()})),
        ("docs/spec.pdf", lambda: pdf(SPEC_PAGES)),
    ],
    ids=["zip", "jar", "pdf"],
)
def test_tip_of_history_equals_a_plain_scan(
    tmp_path: Path, name: str, data: Callable[[], bytes]
) -> None:
    """An archive, a class file in a jar, a PDF: the findings at the tip are the
    plain scan's of the checked-out tip, members, pages and class members included."""
    root = tmp_path / "repo"
    _repo(root, [{"README.md": b"# SDK\n"}, {name: data()}, {"README.md": b"# SDK v2\n"}])
    present = _tip_equals_plain(root)
    assert all(f.location.path.startswith(name) for f in present)
    if name.endswith((".zip", ".jar")):
        assert all(f.location.path.startswith(name + "!") for f in present)
    if name.endswith(".jar"):
        assert any(f.location.member for f in present)
    if name.endswith(".pdf"):
        assert any(f.location.page == 2 for f in present)


def test_archive_member_findings_follow_the_archive_across_a_move(tmp_path: Path) -> None:
    """A zip moved to another folder: its members' findings are one finding each,
    first seen when the zip was added, present at the new path."""
    root = tmp_path / "repo"
    g = _repo(root, [{"sdk.zip": _zip({"api/face.json": SCHEMA.encode()})}])
    first = g("rev-parse", "HEAD")
    g("mv", "sdk.zip", "vendor.zip")
    last = g.commit("move", "2020-02-01T00:00:00+00:00")
    result = _history(root)
    assert result.findings
    for f in result.findings:
        assert f.location.path.startswith("vendor.zip!api/face.json")
        assert f.history is not None
        assert f.history.status is HistoryStatus.PRESENT
        assert (f.history.first_commit.sha, f.history.last_commit.sha) == (first, last)


def test_inline_suppressions_are_honoured_in_history(tmp_path: Path) -> None:
    """A finding suppressed by a comment on its line is marked as in a plain scan,
    in every version that holds the comment."""
    text = (
        "# ethicscan: ignore[group-uyghur] test fixture, reviewed\n"
        "ALARM = '维族告警'\n"
        "OTHER = '藏族告警'\n"
    )
    root = tmp_path / "repo"
    _repo(root, [{"alarm.py": text.encode()}, {"notes.txt": b"nothing\n"}])
    present = _tip_equals_plain(root)
    marked = [f for f in present if f.suppression is not None]
    assert marked and all(f.location.line == 2 for f in marked)
    assert any(f.suppression is None for f in present)
    history = _history(root)
    # a bad suppression's notice reaches the warnings too
    assert history.warnings == _plain(root).warnings


def test_bad_suppression_is_a_warning_in_history(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _repo(root, [{"alarm.py": "ALARM = '维族告警'  # ethicscan: ignore[nope] why\n".encode()}])
    history, plain = _history(root), _plain(root)
    assert plain.warnings
    assert history.warnings == plain.warnings


def test_first_and_last_commit_follow_the_graph_not_the_clock(tmp_path: Path) -> None:
    """Every commit in one second (a scripted import): a field added, deleted and
    re-added on a branch, merged; a field added then deleted on main.  First and
    last commits come from the commit graph, whatever the ids."""
    root = tmp_path / "repo"
    g = Git.new(root)
    when = "2021-06-01T12:00:00+00:00"
    race = '"race": {"type": "string"},\n'
    skin = '"skin_colour": {"type": "string"},\n'
    g.write("schema.json", "{\n" + race + '"age": 1\n}\n')
    c1 = g.commit("add race", when)
    g.write("alarm.yaml", ALARM)
    c2 = g.commit("add alarm", when)
    g("checkout", "-q", "-b", "side")
    g.write("schema.json", '{\n"age": 1\n}\n')
    c3 = g.commit("delete race", when)
    g.write("schema.json", "{\n" + race + '"age": 2\n}\n')
    c4 = g.commit("re-add race", when)
    g("checkout", "-q", "main")
    g("rm", "-q", "alarm.yaml")
    c5 = g.commit("delete alarm", when)
    g.write("skin.json", "{\n" + skin + "}\n")
    c6 = g.commit("add skin", when)
    g("merge", "-q", "--no-ff", "-m", "merge side", "side", date=when)
    merge = g("rev-parse", "HEAD")
    assert len({c1, c2, c3, c4, c5, c6, merge}) == 7

    result = _history(root)
    by_term = {f.evidence.term: f for f in result.findings}
    race_f = by_term["race"]
    assert race_f.history is not None
    assert race_f.history.status is HistoryStatus.PRESENT
    # first in c1, deleted in c3 and re-added in c4 on the branch, present at the merge
    assert (race_f.history.first_commit.sha, race_f.history.last_commit.sha) == (c1, merge)
    alarm = by_term["维族告警"]
    assert alarm.history is not None
    assert alarm.history.status is HistoryStatus.REMOVED
    # added in c2; the branch (c3, c4) still holds it, main deleted it in c5; the
    # branch's last commit comes after c2 and c3 in the graph
    assert alarm.history.first_commit.sha == c2
    assert alarm.history.last_commit.sha == c4
    skin_f = by_term["skin_colour"]
    assert skin_f.history is not None
    assert (skin_f.history.first_commit.sha, skin_f.history.last_commit.sha) == (c6, merge)


def test_graph_order_wins_over_dates_that_run_backwards(tmp_path: Path) -> None:
    """A child dated before its parent (a wrong clock, a rebase): the parent is
    still first."""
    root = tmp_path / "repo"
    g = Git.new(root)
    g.write("alarm.yaml", ALARM)
    first = g.commit("one", "2022-05-01T00:00:00+00:00")
    g.write("other.txt", "x\n")
    second = g.commit("two", "2019-01-01T00:00:00+00:00")
    (f,) = [f for f in _history(root).findings if f.evidence.term == "维族告警"]
    assert f.history is not None
    assert (f.history.first_commit.sha, f.history.last_commit.sha) == (first, second)
