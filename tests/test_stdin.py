"""Streams as targets: ``-`` (standard input, text or an archive), ``--targets-from -``,
``/dev/stdin`` and named pipes; never a silent "No findings"."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ethicscan import spool
from ethicscan.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
TEXT = 'people = [\n    {"name": "x", "ethnicity": "Hispanic"},\n]\n'

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes are POSIX")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder for the scan (the copies of streams go there)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["scan", *args, "--format", "json", "-j", "1", "--fail-on", "never"])
    got = capsys.readouterr()
    return code, json.loads(got.out), got.err


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_dash_reads_text_from_stdin(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, TEXT.encode())
    code, doc, _ = _json(capsys, "-")
    assert code == 0
    assert [t["target"] for t in doc["targets"]] == ["-"]
    assert {(f["location"]["target"], f["location"]["path"]) for f in doc["findings"]} == {
        ("-", "-")
    }
    assert "ethnicity" in {f["evidence"]["term"] for f in doc["findings"]}
    assert list(scratch.iterdir()) == []  # the copy is gone
    _stdin(monkeypatch, TEXT.encode())
    main(["scan", "-", "-j", "1"])
    assert "-:2:" in capsys.readouterr().out  # the table's place names the stream


def test_dash_reads_an_archive_by_its_content(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, _zip({"app/people.py": TEXT}))
    code, doc, _ = _json(capsys, "-")
    assert code == 0
    assert {f["location"]["path"] for f in doc["findings"]} == {"-!app/people.py"}
    assert doc["targets"][0]["size"] > 0
    assert list(scratch.iterdir()) == []


def test_targets_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    listing = f"# two files\n{tmp_path / 'a.py'}\n\n{tmp_path / 'b.py'}\n"
    _stdin(monkeypatch, listing.encode())
    code, doc, _ = _json(capsys, "--targets-from", "-")
    assert code == 0
    assert [t["target"] for t in doc["targets"]] == [str(tmp_path / n) for n in ("a.py", "b.py")]
    assert {f["location"]["target"] for f in doc["findings"]} == {
        str(tmp_path / n) for n in ("a.py", "b.py")
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "--targets-from", "-"], "standard input is read once"),
        (["-", "-"], "given more than once"),
        (["--history", "-"], "not standard input"),
    ],
)
def test_stdin_read_twice_is_a_usage_error(
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _stdin(monkeypatch, b"-\n")
    assert main(["scan", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_stream_longer_than_max_expanded_is_an_error(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, TEXT.encode() * 100)
    assert main(["scan", "-", "--max-expanded", "1K"]) == 2
    assert "more than 1024 bytes (--max-expanded)" in capsys.readouterr().err
    assert list(scratch.iterdir()) == []


def test_a_named_pipe_given_as_target_is_read(
    tmp_path: Path, scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "findings.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as f:  # blocks until the scan opens it
            f.write(TEXT.encode())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code, doc, _ = _json(capsys, str(fifo))
    writer.join(5)
    assert code == 0
    assert [t["target"] for t in doc["targets"]] == [str(fifo)]
    assert {f["location"]["path"] for f in doc["findings"]} == {"findings.fifo"}
    assert doc["skipped"] == []
    assert list(scratch.iterdir()) == []


def test_a_named_pipe_nobody_writes_to_is_skipped_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(spool, "FIFO_WAIT", 0.3)
    fifo = tmp_path / "idle.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    code, doc, err = _json(capsys, str(fifo))
    assert time.monotonic() - started < 10
    assert code == 0
    assert [(s["path"], s["reason"], s["detail"]) for s in doc["skipped"]] == [
        (str(fifo), "special_file", "named pipe (FIFO): no writer within 0.3 s")
    ]
    assert "no writer connected to the named pipe within 0.3 s" in err


def _run(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "ethicscan", "scan", *args, "-j", "1", "--format", "json"],
        input=data,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("target", ["-", "/dev/stdin"])
@pytest.mark.parametrize("archive", [False, True], ids=["text", "zip"])
def test_a_pipe_into_the_command(target: str, archive: bool, tmp_path: Path) -> None:
    """A real pipe on standard input, as a shell gives it: ``cat x | ethicscan scan -``."""
    if target == "/dev/stdin" and not os.path.exists("/dev/stdin"):
        pytest.skip("no /dev/stdin here")
    data = _zip({"people.py": TEXT}) if archive else TEXT.encode()
    done = _run([target, "--fail-on", "low"], data, tmp_path)
    assert done.returncode == 1, done.stderr  # findings at or above low: never "clean"
    doc = json.loads(done.stdout)
    assert [t["target"] for t in doc["targets"]] == [target]
    name = os.path.basename(target)
    paths = {f["location"]["path"] for f in doc["findings"]}
    assert paths == ({f"{name}!people.py"} if archive else {name})
    assert list(tmp_path.iterdir()) == []  # TMPDIR: the copy is gone
