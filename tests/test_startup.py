"""A quiet scan imports what it uses: the modules of other report formats, of a pool of
worker processes and of the terminal's console wait until they are needed.  A scan's
summary, a line of plain ASCII, is written as the console would print it, without it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from ethicscan import cli
from ethicscan.cli import plain_line

# Each a module a one-process, quiet JSON scan used to import and does not use.
NOT_NEEDED = (
    "rich",  # the stderr console, the progress bar, the table's report
    "multiprocessing",  # the pool of workers
    "concurrent.futures",
    "importlib.metadata",  # SARIF's tool version
    "html",  # the HTML report
    "ethicscan.report.table",
    "ethicscan.report.csv",
    "ethicscan.report.html",
    "ethicscan.report.sarif",
)

_PROBE = """
import json, sys
from ethicscan.cli import main
status = main(sys.argv[1:])
print(json.dumps([status, sorted(sys.modules)]))
"""


def _imported(*argv: str) -> tuple[int, set[str]]:
    return _run(*argv)[:2]


def _run(*argv: str) -> tuple[int, set[str], str]:
    """The command's exit status, the modules it imported and what it wrote on stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], check=True, capture_output=True, text=True
    )
    status, modules = json.loads(done.stdout.splitlines()[-1])
    return status, set(modules), done.stderr


def _printed(text: str, color: bool) -> str:
    """``text`` as the command's stderr console prints it (``cli._StdErr``)."""
    out = io.StringIO()
    console = Console(
        file=out, highlight=False, no_color=not color, force_terminal=True if color else None
    )
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    return out.getvalue()


def test_a_quiet_json_scan_imports_no_other_format_pool_or_console(tmp_path: Path) -> None:
    target = tmp_path / "faces.jsonl"
    target.write_text('{"face_id": 1, "race": "asian", "race_confidence": 0.9}\n' * 3)
    report = tmp_path / "out.json"
    status, modules = _imported("scan", "-q", "--format", "json", "-o", str(report), str(target))
    assert status == 1  # findings
    assert json.loads(report.read_text())["findings"]
    loaded = {m for m in NOT_NEEDED if m in modules}
    assert not loaded, f"imported by a quiet JSON scan: {sorted(loaded)}"


def test_the_formats_and_the_console_still_load_when_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "faces.jsonl"
    target.write_text('{"face_id": 1, "race": "asian"}\n')
    for fmt, module in (
        ("table", "ethicscan.report.table"),
        ("csv", "ethicscan.report.csv"),
        ("html", "ethicscan.report.html"),
        ("sarif", "ethicscan.report.sarif"),
        ("jsonl", "ethicscan.report.jsonl"),
        ("github", "ethicscan.report.github"),
    ):
        out = tmp_path / f"out.{fmt}"
        status, modules = _imported("scan", "--format", fmt, "-o", str(out), str(target))
        assert status == 1, fmt
        assert module in modules, fmt
        assert out.read_text().strip(), fmt


def test_a_scan_s_summary_is_written_without_the_console(tmp_path: Path) -> None:
    """A scan that is not quiet says its summary on stderr: a line of plain ASCII,
    written as the console prints it, without importing rich; a line the console may
    change (a name that is not ASCII, ``-v``) is printed by it, as before."""
    target = tmp_path / "faces.jsonl"
    target.write_text('{"face_id": 1, "race": "asian", "race_confidence": 0.9}\n' * 3)
    report = tmp_path / "out.json"
    status, modules, err = _run("scan", "--format", "json", "-o", str(report), str(target))
    assert status == 1
    assert "rich" not in modules and "rich.console" not in modules
    (summary,) = err.splitlines()
    assert summary.startswith("ethicscan ") and " findings (" in summary
    assert plain_line(summary)
    assert err == _printed(summary, color=False) == _printed(summary, color=True)
    named = tmp_path / "民族.jsonl"
    named.write_text(target.read_text())
    status, modules, err = _run("scan", "-v", "--format", "json", "-o", str(report), str(named))
    assert status == 1
    assert "rich.console" in modules  # (a line that names the target)
    assert "民族.jsonl" in err and err.count(" findings (") == 1


# Printable ASCII, colons, brackets (markup, which the console is told not to read), the
# blanks at either end, and what is not plain: line breaks, tabs, controls, non-ASCII
_CHARACTERS = st.sampled_from(
    [chr(c) for c in range(32, 127)]
    + [":", ":", "[", "]", " ", "\n", "\t", "\r", "\x1b", "é", "民"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARACTERS, max_size=60).map("".join) | st.sampled_from([":smile:", "a :+1: b"]))
def test_a_plain_line_is_what_the_console_prints(text: str) -> None:
    """``plain_line``: the console prints such a line as it is, and a line break after
    it, coloured or not (what it would change, an emoji's code, a control character, is
    never plain)."""
    if plain_line(text):
        assert _printed(text, color=False) == text + "\n"
        assert _printed(text, color=True) == text + "\n"


def test_what_the_console_would_change_is_not_plain() -> None:
    for text in (":smile:", "a :+1: b", "x:y:z", "tab\there", "two\nlines", "\x1b[1m", "民族", "é"):
        assert not plain_line(text), text
    for text in ("", " ", "ethicscan 0.1.0: 3 findings; 0 skipped.", "a: b: c", "[bold]x[/]"):
        assert plain_line(text), text
    assert _printed(":smile:", color=False) != ":smile:\n"  # (an emoji, which is why)


class _Stream(io.StringIO):
    def __init__(self, broken: bool = False) -> None:
        super().__init__()
        self.broken = broken

    def write(self, s: str) -> int:
        if self.broken:
            raise BrokenPipeError
        return super().write(s)


def test_where_the_console_does_more_than_write_a_line_it_prints_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plain line is written as it is only where the console would write it as it is:
    with no stderr (the console writes nowhere), in a notebook (it displays it), on
    Windows (a legacy console's rendering) or on a broken pipe (it exits), the console
    prints it."""
    printed: list[str] = []

    class Console:
        def print(self, text: str, **_: object) -> None:
            printed.append(text)

    monkeypatch.setattr(cli._StdErr, "console", property(lambda self: Console()))
    line = "ethicscan 0.1.0: 3 findings (3 high); 0 skipped."
    stream = _Stream()
    monkeypatch.setattr(sys, "stderr", stream)
    cli._StdErr(False).show(line)
    assert stream.getvalue() == line + "\n" and printed == []
    for case in ("no stderr", "notebook", "windows", "broken pipe"):
        with monkeypatch.context() as m:
            m.setattr(sys, "stderr", _Stream(broken=case == "broken pipe"))
            if case == "no stderr":
                m.setattr(sys, "stderr", None)
            if case == "notebook":
                m.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
            if case == "windows":
                m.setattr(sys, "platform", "win32")
            cli._StdErr(False).show(line)
            assert printed.pop() == line, case
            if sys.stderr is not None:
                assert sys.stderr.getvalue() == "", case  # type: ignore[attr-defined]
