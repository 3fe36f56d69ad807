"""A quiet scan imports what it uses: the modules of other report formats, of a pool of
worker processes and of the terminal's console wait until they are needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], check=True, capture_output=True, text=True
    ).stdout
    status, modules = json.loads(out.splitlines()[-1])
    return status, set(modules)


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
        assert "rich.console" in modules, fmt  # the summary on stderr (not quiet)
        assert out.read_text().strip(), fmt
