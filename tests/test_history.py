"""History scans (--history) on repositories built here with the git command."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ethicscan import Capability, ScanOptions, pipeline, scan, scan_text
from ethicscan.api import scan_repository
from ethicscan.classify.history import Sighting, track
from ethicscan.cli import main
from ethicscan.commits import CommitInfo
from ethicscan.errors import ConfigError
from ethicscan.model import Commit, Finding, HistoryStatus, ScanResult, Severity, SkipReason
from ethicscan.pipeline import FileOutcome
from ethicscan.report.json import schema_text
from ethicscan.report.timeline import timeline
from ethicscan.sources.fs import FileJob

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

FACE_V1 = """\
{
  "FaceAttributes": {
    "properties": {
      "age": {"type": "integer"},
      "race": {"type": "string", "description": "race of the detected face: asian, black, white"},
      "EthicCode": {"type": "string", "description": "GA/T 1400 民族代码 of the face record"}
    }
  }
}
"""
FACE_V2 = FACE_V1.replace('"EthicCode"', '"attr7"')
ALARM = "rules:\n  - name: 维族告警\n    camera: all\n    notify: police\n"
POOL = "# avoid a race condition in the pool\nlock = None\n"
TIBET = "alarms:\n  - name: 藏族告警\n    camera: gate\n"


class Git:
    """Run git in one repository with fixed identities and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str, date: str = "2020-01-01T00:00:00+00:00") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.root.parent),
        }
        done = subprocess.run(
            ["git", "-C", str(self.root), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    @classmethod
    def new(cls, root: Path, name: str = "Ann Author", email: str = "ann@example.org") -> Git:
        """A new repository at ``root`` (made here), on branch main, with one author."""
        root.mkdir()
        g = cls(root)
        g("init", "-q", "-b", "main")
        g("config", "user.name", name)
        g("config", "user.email", email)
        return g

    def write(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def commit(self, msg: str, date: str) -> str:
        self("add", "-A")
        self("commit", "-q", "-m", msg, date=date)
        return self("rev-parse", "HEAD")


def _day(n: int) -> str:
    return f"2020-{n:02d}-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """main:    c1 (schema, alarm, look-alike) - c2 (EthicCode -> attr7) - merge(c3) - c4
    (alarm deleted) - c5 (schema moved to schema/); feature: c1 - c3 (Tibetan alarm)."""
    root = tmp_path_factory.mktemp("hist") / "repo"
    g = Git.new(root)
    g.write("api/face.json", FACE_V1)
    g.write("legacy/alarm.yaml", ALARM)
    g.write("pool.py", POOL)
    c1 = g.commit("one", _day(1))
    g.write("api/face.json", FACE_V2)
    c2 = g.commit("rename", _day(2))
    g("checkout", "-q", "-b", "feature", c1)
    g.write("police/tibet.yaml", TIBET)
    c3 = g.commit("feature", _day(3))
    g("checkout", "-q", "main")
    g("merge", "-q", "--no-ff", "-m", "merge", "feature", date=_day(4))
    merge = g("rev-parse", "HEAD")
    g("rm", "-q", "legacy/alarm.yaml")
    c4 = g.commit("delete", _day(5))
    g("mv", "api/face.json", "schema_face.json")
    c5 = g.commit("move", _day(6))
    return {
        "path": str(root),
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "merge": merge,
        "c4": c4,
        "c5": c5,
    }


def _scan(target: str, **kw: object) -> ScanResult:
    return scan([target], ScanOptions(jobs=1, history=True, **kw))  # type: ignore[arg-type]


def _one(result: ScanResult, term: str) -> Finding:
    found = [f for f in result.findings if f.evidence.term == term]
    assert len(found) == 1, [(f.evidence.term, f.location.path) for f in result.findings]
    return found[0]


def _summary(result: ScanResult) -> set[tuple[str, str, str, str]]:
    out = set()
    for f in result.findings:
        assert f.history is not None
        out.add((f.rule, f.evidence.term, f.history.status.value, f.history.first_commit.sha))
    return out


def test_present_finding_spans_first_to_tip_across_a_move(repo: dict[str, str]) -> None:
    result = _scan(repo["path"])
    race = _one(result, "race")
    assert race.history is not None
    assert race.history.status is HistoryStatus.PRESENT
    assert race.history.first_commit.sha == repo["c1"]
    assert race.history.first_commit.date == "2020-01-01T00:00:00+00:00"
    assert race.history.first_commit.author == "Ann Author"
    assert race.history.last_commit.sha == repo["c5"]
    # reported where it is now, under the repository target
    assert race.location.path == "schema_face.json"
    assert race.location.line == 5
    assert race.location.target == repo["path"]
    assert result.targets[0].kind == "repository"


def test_renamed_field_last_seen_on_a_later_branch(repo: dict[str, str]) -> None:
    ethic = _one(_scan(repo["path"]), "EthicCode")
    assert ethic.history is not None
    assert ethic.history.status is HistoryStatus.RENAMED
    assert ethic.history.renamed_to == "attr7"
    assert ethic.history.first_commit.sha == repo["c1"]
    # the feature branch forked before the rename kept it until its own commit
    assert ethic.history.last_commit.sha == repo["c3"]
    assert ethic.location.path == "api/face.json"


def test_deleted_file_is_removed_and_keeps_its_severity(repo: dict[str, str]) -> None:
    alarm = _one(_scan(repo["path"]), "维族告警")
    assert alarm.history is not None
    assert alarm.history.status is HistoryStatus.REMOVED
    assert alarm.severity is Severity.CRITICAL
    assert alarm.history.first_commit.sha == repo["c1"]
    assert alarm.history.last_commit.sha == repo["merge"]
    assert alarm.location.path == "legacy/alarm.yaml"


def test_merged_branch_finding_is_present(repo: dict[str, str]) -> None:
    tibet = _one(_scan(repo["path"]), "藏族")
    assert tibet.history is not None
    assert tibet.history.status is HistoryStatus.PRESENT
    assert tibet.history.first_commit.sha == repo["c3"]
    assert tibet.history.last_commit.sha == repo["c5"]


def test_lookalike_and_each_finding_once(repo: dict[str, str]) -> None:
    result = _scan(repo["path"])
    assert not [f for f in result.findings if f.location.path == "pool.py"]
    fps = [f.fingerprint for f in result.findings]
    assert len(fps) == len(set(fps))
    assert not result.skipped


def _distinct(path: str, kind: str) -> int:
    objs = subprocess.run(
        ["git", "-C", path, "rev-list", "--all", "--objects"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    kinds = subprocess.run(
        ["git", "-C", path, "cat-file", "--batch-check=%(objecttype)"],
        input="\n".join(o.split(" ")[0] for o in objs if o) + "\n",
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return kinds.count(kind)


def test_each_distinct_blob_analysed_once(
    repo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes | None] = []
    scan_content = pipeline.scan_content

    def counting(job: FileJob, size: int, data: bytes | None, *args: Any) -> FileOutcome:
        calls.append(data)
        return scan_content(job, size, data, *args)

    monkeypatch.setattr(pipeline, "scan_content", counting)
    result = _scan(repo["path"])
    distinct = _distinct(repo["path"], "blob")
    # 6 commits of 3 to 4 files each, but 5 distinct contents: each read once, by the
    # per-file pipeline of a plain scan
    assert len(calls) == len(set(calls)) == distinct == result.stats.files == 5


def test_a_history_scan_says_when_it_started(repo: dict[str, str]) -> None:
    """Regression: a history scan's result left ``started`` empty (a plain scan's holds
    the time), so its JSON report had no ``started``."""
    result = _scan(repo["path"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.started)


def test_each_distinct_tree_read_once(repo: dict[str, str]) -> None:
    _result, out = scan_repository(repo["path"], ScanOptions(jobs=1))
    assert out.commits == 6
    assert out.distinct_blobs == 5
    # which commits hold which findings: one read per distinct tree, not per commit
    assert out.trees == _distinct(repo["path"], "tree")


def test_bare_clone_gives_the_same_findings(repo: dict[str, str], tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", repo["path"], str(bare)], check=True)
    # a bare clone has the branches, and HEAD at main
    assert _summary(_scan(str(bare))) == _summary(_scan(repo["path"]))


def test_git_file_url_is_cloned_and_scanned(repo: dict[str, str]) -> None:
    result = _scan("git+file://" + repo["path"])
    assert _summary(result) == _summary(_scan(repo["path"]))
    assert result.targets[0].target.startswith("git+file://")
    assert {f.location.target for f in result.findings} == {"git+file://" + repo["path"]}


def test_git_file_url_with_a_colon_is_a_local_path(
    repo: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``user@host:path`` is ssh's syntax; inside a git+file:// URL it is a folder's name,
    and no process is ever started to read it."""
    odd = tmp_path / "u@127.0.0.1:repo.git"
    subprocess.run(["git", "clone", "-q", "--bare", repo["path"], str(odd)], check=True)

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    result = _scan("git+file://" + str(odd))
    assert _summary(result) == _summary(_scan(repo["path"]))


@contextmanager
def _server(answer: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A server on 127.0.0.1 that gives each connection to ``answer`` (with the event
    set when the test is done) and gives up after 20 s, so a clone that would wait for
    ever fails the test instead of hanging it; yields its base URL."""
    done = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    threads: list[threading.Thread] = []

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            t = threading.Thread(target=_answer, args=(answer, conn, done), daemon=True)
            threads.append(t)
            t.start()
        listener.close()  # from now on a connection is refused, not left waiting

    def _answer(
        answer: Callable[[socket.socket, threading.Event], None],
        conn: socket.socket,
        done: threading.Event,
    ) -> None:
        with conn:
            answer(conn, done)

    accepting = threading.Thread(target=serve, daemon=True)
    accepting.start()
    give_up = threading.Timer(20, done.set)
    give_up.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        give_up.cancel()
        done.set()
        accepting.join()
        for t in threads:
            t.join()


def _silent(conn: socket.socket, done: threading.Event) -> None:
    """Accept, read the request, never answer."""
    conn.recv(65536)
    done.wait()


def _trickle(conn: socket.socket, done: threading.Event) -> None:
    """Answer the ref advertisement with a header and a packet line of 4,000 bytes,
    sent one byte every 50 ms."""
    conn.recv(65536)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n\r\n0fa4"
    )
    while not done.wait(0.05):
        try:
            conn.sendall(b"x")
        except OSError:
            return


@pytest.mark.parametrize("answer", [_silent, _trickle], ids=["silent", "trickle"])
def test_clone_from_a_server_that_does_not_answer_times_out(
    answer: Callable[[socket.socket, threading.Event], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: a git+http:// server that accepted the connection and never
    answered (or trickled its answer) hung the scan for ever.  The clone now ends after
    $ETHICSCAN_CLONE_TIMEOUT seconds (600 by default): the target is unreadable, with
    the reason, exit 2, and its temporary clone is removed."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("ETHICSCAN_CLONE_TIMEOUT", "1.5")
    with _server(answer) as base:
        url = f"git+{base}/repo.git"
        started = time.monotonic()
        result = _scan(url)
        seconds = time.monotonic() - started
        assert main(["scan", "--history", url, "--jobs", "1"]) == 2
    assert seconds < 6
    detail = f"could not clone {url}: timed out after 1.5s ($ETHICSCAN_CLONE_TIMEOUT)"
    assert [(s.reason, s.detail) for s in result.skipped] == [(SkipReason.UNREADABLE, detail)]
    assert result.targets[0].kind == "unreadable"
    assert f"unreadable ({detail})" in capsys.readouterr().err
    assert os.listdir(scratch) == []


def test_clone_over_http(
    repo: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository served over http (git's "dumb" protocol: files, as a static
    server gives them) is cloned and scanned like the folder."""
    bare = tmp_path / "served" / "repo.git"
    subprocess.run(["git", "clone", "-q", "--bare", repo["path"], str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "update-server-info"], check=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path / "served"))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        serving = threading.Thread(target=httpd.serve_forever, daemon=True)
        serving.start()
        try:
            result = _scan(f"git+http://127.0.0.1:{httpd.server_address[1]}/repo.git")
        finally:
            httpd.shutdown()
    assert _summary(result) == _summary(_scan(repo["path"]))


@pytest.mark.parametrize("value", ["0", "-5", "soon", "inf", "nan"])
def test_clone_timeout_must_be_seconds(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ETHICSCAN_CLONE_TIMEOUT", value)
    assert main(["scan", "--history", "git+http://127.0.0.1:9/repo.git", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert f"ETHICSCAN_CLONE_TIMEOUT={value}: expected a number of seconds above 0" in err


def test_shallow_clone_scans_what_it_has(repo: dict[str, str], tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "file://" + repo["path"], str(shallow)],
        check=True,
    )
    result = _scan(str(shallow))
    assert not result.skipped  # missing parents of a shallow clone are not corrupt
    race = _one(result, "race")
    assert race.history is not None
    assert race.history.first_commit.sha == race.history.last_commit.sha == repo["c5"]
    assert "维族告警" not in {f.evidence.term for f in result.findings}


def test_corrupt_loose_object_is_skipped(repo: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo["path"], copy)
    blob = Git(copy)("rev-parse", f"{repo['c1']}:legacy/alarm.yaml")
    obj = copy / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"not zlib at all")
    result = _scan(str(copy))
    corrupt = [s for s in result.skipped if s.reason is SkipReason.CORRUPT]
    assert [s.path for s in corrupt] == ["legacy/alarm.yaml"]
    assert blob in corrupt[0].detail
    assert "维族告警" not in {f.evidence.term for f in result.findings}
    assert _one(result, "race").history is not None


def test_since_window_and_branch(repo: dict[str, str]) -> None:
    late = _scan(repo["path"], since="2020-05-01")
    race = _one(late, "race")
    assert race.history is not None
    assert race.history.first_commit.sha == repo["c4"]
    assert "维族告警" not in {f.evidence.term for f in late.findings}
    early = _scan(repo["path"], until="2020-01-31")
    assert {f.history.last_commit.sha for f in early.findings if f.history} == {repo["c1"]}
    feature = _scan(repo["path"], branches=("feature",))
    # on the feature branch alone, the EthicCode field is still there
    ethic = _one(feature, "EthicCode")
    assert ethic.history is not None
    assert ethic.history.status is HistoryStatus.PRESENT
    with pytest.raises(ConfigError, match="no branch named nope"):
        _scan(repo["path"], branches=("nope",))


def test_pool_gives_the_same_result(repo: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "many"
    shutil.copytree(repo["path"], copy)
    g = Git(copy)
    for i in range(20):
        g.write(f"gen/f{i}.py", f"# file {i}\nrace_{i} = detect_face_race(img)\n")
    g.commit("many", _day(7))
    one = scan([str(copy)], ScanOptions(jobs=1, history=True))
    two = scan([str(copy)], ScanOptions(jobs=2, history=True))
    assert one.findings == two.findings
    assert one.stats.files == two.stats.files == 25


def test_not_a_repository(tmp_path: Path) -> None:
    result = _scan(str(tmp_path))
    assert result.targets[0].kind == "unreadable"
    assert "not a git repository" in result.skipped[0].detail


def test_cli_history_json_and_table(
    repo: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", "--history", repo["path"], "--format", "json", "--jobs", "1"])
    assert code == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(doc)  # history too
    statuses = {f["evidence"]["term"]: f["history"]["status"] for f in doc["findings"]}
    assert statuses["EthicCode"] == "renamed"
    assert statuses["维族告警"] == "removed"
    assert doc["targets"][0]["kind"] == "repository"
    code = main(["scan", "--history", repo["path"], "--jobs", "1", "--fail-on", "never"])
    assert code == 0
    out = capsys.readouterr().out
    rows = out.split("TIMELINE", 1)[1].splitlines()
    alarm = [r for r in rows if "legacy/alarm.yaml" in r]
    assert len(alarm) == 1
    for part in ("2020-01-01 → 2020-04-01", "removed", f"{repo['c1'][:7]}..{repo['merge'][:7]}"):
        assert part in alarm[0]
    assert "EthicCode → attr7" in out


def test_cli_history_target_that_is_not_a_repository_exits_2(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    args = ["scan", "--history", repo["path"], str(plain), "--format", "json", "--jobs", "1"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    doc = json.loads(out)  # the repository is still scanned and reported
    assert doc["findings"] and [t["kind"] for t in doc["targets"]] == ["repository", "unreadable"]
    assert "1 of 2 targets could not be read or fetched" in err
    assert main([*args, "--keep-going"]) == 1


def test_cli_history_options_need_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", ".", "--since", "2020-01-01"]) == 2
    assert "need --history" in capsys.readouterr().err
    assert main(["scan", "--history", ".", "--since", "yesterday"]) == 2


def test_timeline_rows(repo: dict[str, str]) -> None:
    rows = timeline(_scan(repo["path"]))
    assert [r.first.date[:10] for r in rows] == sorted(r.first.date[:10] for r in rows)
    alarm = [r for r in rows if r.path == "legacy/alarm.yaml"]
    assert len(alarm) == 1
    assert alarm[0].status is HistoryStatus.REMOVED
    assert alarm[0].severity is Severity.CRITICAL
    assert alarm[0].last.sha == repo["merge"]


def test_edited_line_is_one_finding_with_the_tip(repo: dict[str, str]) -> None:
    # "EthicCode" -> "attr7" changed the line that holds 民族代码: still the same finding
    code = _one(_scan(repo["path"]), "民族代码")
    assert code.history is not None
    assert code.history.status is HistoryStatus.PRESENT
    assert code.history.first_commit.sha == repo["c1"]
    assert code.location.path == "schema_face.json"


def _commit_info(sha: str, day: int) -> CommitInfo:
    when = datetime(2020, day, 1, tzinfo=timezone.utc)
    commit = Commit(sha, when.isoformat(), "A")
    return CommitInfo(sha.encode(), int(when.timestamp()), b"", commit, rank=day)


class _NoTip:
    paths: frozenset[str] = frozenset()

    def text(self, path: str) -> str | None:
        return None

    def old_text(self, blob: bytes) -> str | None:
        return None


def test_a_removed_finding_keeps_its_worst_severity() -> None:
    found = [f for f in scan_text(FACE_V1, "face.json") if f.evidence.term == "race"]
    assert found and found[0].severity is Severity.HIGH
    high = found[0]
    low = replace(high, severity=Severity.LOW, capability=Capability.RECORD)
    v1, v2 = _commit_info("a" * 40, 1), _commit_info("b" * 40, 2)
    seen = [Sighting("face.json", b"1" * 40, v1, v1), Sighting("face.json", b"2" * 40, v2, v2)]
    by_blob = {b"1" * 40: [high], b"2" * 40: [low]}
    out = track(seen, lambda _p, b: by_blob[b], frozenset(), _NoTip())
    assert len(out) == 1
    f = out[0]
    assert f.history is not None
    assert f.history.status is HistoryStatus.REMOVED
    assert (f.history.first_commit.sha, f.history.last_commit.sha) == ("a" * 40, "b" * 40)
    assert f.severity is Severity.HIGH
    assert f.capability is Capability.INFERENCE
    assert f.signals[-1].name == "history-severity"


CODES = """\
# 民族代码表
ETHNIC_CODES = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
}
"""


def test_code_table_under_a_new_name_is_renamed(tmp_path: Path) -> None:
    root = tmp_path / "codes"
    g = Git.new(root, "B", "b@example.org")
    g.write("codes.py", CODES)
    (root / "link.py").symlink_to("codes.py")
    g.commit("codes", _day(1))
    # the name and its comment go, the values stay: the table lives on as TABLE_7
    g.write("codes.py", CODES.replace("ETHNIC_CODES", "TABLE_7").replace("民族代码表", "t7"))
    g.commit("hide", _day(2))
    result = _scan(str(root))
    name = _one(result, "ETHNIC")
    assert name.history is not None
    assert name.history.status is HistoryStatus.RENAMED
    assert name.history.renamed_to == "TABLE_7"
    table = _one(result, "汉族")
    assert table.history is not None
    assert table.history.status is HistoryStatus.PRESENT
    # the comment line has no neighbours of its own left to match: removed
    comment = _one(result, "民族代码")
    assert comment.history is not None
    assert comment.history.status is HistoryStatus.REMOVED
    assert [(s.path, s.reason) for s in result.skipped] == [("link.py", SkipReason.SYMLINK)]


def test_url_that_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"git+file://{tmp_path}/none.git"
    result = _scan(url)
    assert result.targets[0].kind == "unreadable"
    assert result.skipped[0].reason is SkipReason.UNREADABLE
    assert result.skipped[0].detail == f"{url}: {tmp_path}/none.git is not a git repository"
    assert main(["scan", "--history", url, "--jobs", "1"]) == 2
    assert "no target could be read" in capsys.readouterr().err


def test_present_finding_is_reported_as_at_the_tip(tmp_path: Path) -> None:
    root = tmp_path / "late"
    g = Git.new(root, "C", "c@example.org")
    g.write("face.json", FACE_V1)
    g.commit("one", _day(1))
    g("checkout", "-q", "-b", "later")
    g.write("face.json", "\n\n\n" + FACE_V1)  # the same line, three lines lower
    late = g.commit("later", _day(5))
    g("checkout", "-q", "main")
    g.write("README", "hello\n")
    tip = g.commit("tip", _day(3))
    race = _one(_scan(str(root)), "race")
    assert race.history is not None
    assert race.history.status is HistoryStatus.PRESENT
    assert race.history.last_commit.sha == late  # the latest commit holding it
    assert race.location.line == 5  # but where it is at the tip of HEAD
    assert tip != late


def test_corrupt_tree_is_skipped_once(repo: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo["path"], copy)
    tree = Git(copy)("rev-parse", f"{repo['c3']}:police")  # in 4 commits' trees
    obj = copy / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x00garbage")
    result = _scan(str(copy))
    corrupt = [s for s in result.skipped if s.reason is SkipReason.CORRUPT]
    assert len(corrupt) == 1
    assert corrupt[0].path == "police"
    assert tree in corrupt[0].detail
    assert "藏族" not in {f.evidence.term for f in result.findings}
    assert _one(result, "race").history is not None


def test_exclude_leaves_repository_paths_out(repo: dict[str, str]) -> None:
    result = _scan(repo["path"], excludes=("legacy/", "api/"))
    assert "维族告警" not in {f.evidence.term for f in result.findings}
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("api/", SkipReason.EXCLUDED),
        ("legacy/", SkipReason.EXCLUDED),
    ]
    # the schema counts only from when it sits at a path that is not excluded
    race = _one(result, "race")
    assert race.history is not None
    assert race.history.first_commit.sha == repo["c5"]


def test_html_report_draws_the_timeline(repo: dict[str, str]) -> None:
    from ethicscan.report.html import render

    result = _scan(repo["path"])
    page = render(result)
    assert '<section id="timeline">' in page
    rows = timeline(result)
    assert page.count('<svg class="bar"') == len(rows) > 0
    for row in rows:
        assert row.first.sha[:10] in page and row.last.sha[:10] in page
    assert "attr7" in page  # the new name of the renamed field
    # a scan without --history has no timeline
    assert '<section id="timeline">' not in render(_scan_plain(repo["path"]))


def _scan_plain(path: str) -> ScanResult:
    from ethicscan import ScanOptions, scan

    return scan([path], ScanOptions(jobs=1))


def _forged_commit(g: Git, tree: str, when: str) -> str:
    """A commit whose author and committer lines carry ``when`` ("SECONDS ZONE") as
    written, whatever git would accept; on a branch of its own."""
    body = f"tree {tree}\nauthor A <a@b> {when}\ncommitter A <a@b> {when}\n\nforged\n"
    done = subprocess.run(
        ["git", "-C", str(g.root), "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        input=body,
        capture_output=True,
        text=True,
        check=True,
    )
    sha = done.stdout.strip()
    g("update-ref", f"refs/heads/forged-{sha[:8]}", sha)
    return sha


def test_commit_dates_no_calendar_holds(tmp_path: Path) -> None:
    """Regression: a commit zone of +9999 (git reads 99:99, over 24 hours) or a time
    beyond year 9999 was an internal error (ValueError, exit 3).  Such a commit is
    scanned; its date is shown in UTC, or as the nearest one a date can show."""
    root = tmp_path / "repo"
    g = Git.new(root)
    g.write("api/face.json", FACE_V1)
    g.commit("one", _day(1))
    tree = g("rev-parse", "HEAD^{tree}")
    for when in ("1600000000 +9999", "1600000000 -9999", "99999999999999999 +0000"):
        _forged_commit(g, tree, when)
    for fmt in ("json", "sarif", "html", "table", "csv", "jsonl", "github"):
        assert main(["scan", "--history", str(root), "--jobs", "1", "--format", fmt]) == 1
    dates = {
        c.date
        for f in _scan(str(root)).findings
        if f.history
        for c in (f.history.first_commit, f.history.last_commit)
    }
    assert dates == {"2020-01-01T00:00:00+00:00", "9999-12-30T23:59:59+00:00"}
    from ethicscan.sources.history import commit_date

    assert commit_date(1600000000, 99 * 3600 + 99 * 60) == "2020-09-13T12:26:40+00:00"
    assert commit_date(10**17, 0) == "9999-12-30T23:59:59+00:00"
    assert commit_date(-(10**17), 3600) == "0001-01-02T01:00:00+01:00"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("packed-refs", b"garbage line here\n\xff\xfe\n", "cannot read the repository's refs"),
        ("packed-refs", b"# pack-refs with: peeled\nzz refs/heads/x\n", "refs: Invalid hex"),
        ("packed-refs", b"0" * 40 + b" refs/heads/x\n^a\n^b\n", "cannot read the repository's"),
        ("shallow", b"not a sha\n", "shallow or info/grafts file: Invalid graftpoint"),
        ("shallow", b"\xff\xff\xff\n", "shallow or info/grafts file: Invalid graftpoint"),
    ],
    ids=["packed-refs-garbage", "packed-refs-bad-sha", "packed-refs-peeled", "shallow", "bytes"],
)
def test_corrupt_refs_or_shallow_file_makes_the_repository_unreadable(
    repo: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    """Regression: a corrupt packed-refs or shallow file was an internal error (exit 3).
    Without its refs nothing in the repository can be found: it is an unreadable target,
    with the reason, and the other targets are still scanned (exit 2, as for a target
    that cannot be read)."""
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", repo["path"], str(bare)], check=True)
    (bare / name).write_bytes(content)
    result = _scan(str(bare))
    assert result.targets[0].kind == "unreadable"
    ((skipped,),) = [result.skipped]
    assert skipped.reason is SkipReason.UNREADABLE and message in skipped.detail
    args = ["scan", "--history", str(bare), repo["path"], "--jobs", "1", "--format", "json"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["findings"]  # the sound repository is scanned and reported
    assert message in err and "internal error" not in err
