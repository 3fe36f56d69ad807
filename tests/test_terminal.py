"""Colours, width and verbosity of ``ethicscan scan``: --color, NO_COLOR, FORCE_COLOR,
COLUMNS, -q and -v, through the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ethicscan.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
ESC = "\x1b["
LINE = '    {"name": "x", "ethnicity": "Hispanic", "race": "White", "note": "' + "a" * 90 + '"},\n'


@pytest.fixture
def people(tmp_path: Path) -> Path:
    (tmp_path / "people.py").write_text("people = [\n" + LINE + "]\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    return tmp_path


@pytest.fixture(autouse=True)
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({}, [], False),  # piped: no colour
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "0"}, [], False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),  # NO_COLOR wins over FORCE_COLOR
        ({"NO_COLOR": ""}, ["--color", "always"], True),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),  # the flag wins
        ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({"FORCE_COLOR": "1"}, ["--color", "auto"], True),
    ],
)
def test_color_flag_and_environment(
    people: Path,
    env: dict[str, str],
    args: list[str],
    coloured: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(["scan", str(people / "people.py"), "-j", "1", "--fail-on", "never", *args]) == 0
    out = capsys.readouterr().out
    assert "Hispanic" in out
    assert (ESC in out) is coloured


def test_color_never_keeps_a_file_report_plain(
    people: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--output is a file: no escape sequences in it even when colour is forced."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    report = tmp_path / "report.txt"
    main(["scan", str(people / "people.py"), "-j", "1", "-o", str(report), "--fail-on", "never"])
    assert "Hispanic" in report.read_text(encoding="utf-8")
    assert ESC not in report.read_text(encoding="utf-8")


def _on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """``python -m ethicscan ARGS`` with stdout on a pseudo-terminal; what it printed."""
    import pty

    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env, PYTHONPATH=str(SRC), COLUMNS="120")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ethicscan", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=full_env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")
@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [({}, [], True), ({"NO_COLOR": "1"}, [], False), ({}, ["--color", "never"], False)],
)
def test_a_terminal_gets_colour_unless_told_not_to(
    people: Path, env: dict[str, str], args: list[str], coloured: bool
) -> None:
    out = _on_a_terminal(["scan", "people.py", "-j", "1", *args], env, people)
    assert "Hispanic" in out
    assert (ESC in out) is coloured


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_piped_table_honours_columns(
    people: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(people)
    target = "people.py"
    main(["scan", target, "-j", "1"])
    assert _widest(capsys.readouterr().out) > 100  # the default when piped: 160
    monkeypatch.setenv("COLUMNS", "70")
    main(["scan", target, "-j", "1"])
    out = capsys.readouterr().out
    assert "Hispanic" in out and _widest(out) <= 70
    monkeypatch.setenv("COLUMNS", "wide")  # not a number: the default
    main(["scan", target, "-j", "1"])
    assert _widest(capsys.readouterr().out) > 100


def test_quiet_prints_the_findings_only(people: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(people), "-j", "1", "--fail-on", "low"]) == 1
    assert "findings" in capsys.readouterr().err  # the summary, without -q
    assert main(["scan", str(people), "-j", "1", "--fail-on", "low", "-q"]) == 1
    got = capsys.readouterr()
    assert "Hispanic" in got.out
    assert got.err == ""


def test_quiet_still_shows_errors(people: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(people), str(people / "missing.py"), "-j", "1", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ethicscan: error:") and "missing.py" in err
    assert "ethicscan 0." not in err and "skipped." not in err  # no summary


def test_verbose_says_what_was_read_skipped_and_how_long(
    people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(people), "-j", "1", "--fail-on", "never", "-v"]) == 0
    got = capsys.readouterr()
    err = got.err.splitlines()
    assert f"read: {people} (directory)" in err
    assert "skipped: photo.png: binary (PNG image (pictures are not read))" in err
    assert "read: 1 text classified, from " in got.err
    for step in ("settings", "scan", "report", "total"):
        assert any(line.startswith(f"time: {step} ") for line in err), step
    assert "config: " in got.err
    assert "read: " not in got.out and "Hispanic" in got.out  # stdout is the report alone
    main(["scan", str(people), "-j", "1", "--fail-on", "never"])
    assert "skipped: " not in capsys.readouterr().err  # only with -v


def test_quiet_and_verbose_together_is_a_usage_error(
    people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(people), "-q", "-v"]) == 2
    assert "cannot go together" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("nbytes", "shown"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (9_280, "9.3 KB"),
        (999_949, "999.9 KB"),
        (999_960, "1.0 MB"),
        (2_500_000, "2.5 MB"),
        (7_300_000_000, "7.3 GB"),
    ],
)
def test_sizes_read_as_people_read_them(nbytes: int, shown: str) -> None:
    from ethicscan.cli import size_text

    assert size_text(nbytes) == shown


def test_summary_counts_in_good_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One finding is "1 finding"; a 9 KB tree is "9.x KB", not "0.0 MB"; the bytes
    are called the size of the files given (an archive's is its compressed size)."""
    (tmp_path / "a.py").write_text("x = 1  # " + "a" * 9000 + "\nethnicity = 2\n", "utf-8")
    assert main(["scan", str(tmp_path), "-j", "1", "--fail-on", "never"]) == 0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert ": 1 text read from 9.0 KB of files in " in summary
    assert "; 1 finding (1 " in summary and "findings" not in summary
    assert "0.0 MB" not in summary
