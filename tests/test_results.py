"""Corpus jobs: --targets-from and resumable --results (a job killed part way and run
again gives the report of an uninterrupted run, scanning only what was missing)."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from ethicscan import ScanOptions
from ethicscan.cli import _LateProgress, main
from ethicscan.corpus import MANIFEST, portable, read_targets, scan_corpus, shard_name
from ethicscan.model import (
    Commit,
    History,
    HistoryStatus,
    Suppression,
)
from ethicscan.report import json as json_report

N_TARGETS = 30


def _java(i: int) -> str:
    """A file of a few hundred KB with a finding at the end: scanning takes a moment."""
    filler = "".join(f"    int value{n} = compute({n}, {i});\n" for n in range(1000))
    return (
        f"/** Face attribute analysis result {i}. */\npublic class FaceAttr{i} {{\n{filler}"
        "    private int ethicCode; // 民族\n    private String skinColor;\n}\n"
    )


def _listing(tmp_path: Path, n: int) -> Path:
    """targets.txt naming n small folders (and a comment, a blank line, a missing one)."""
    lines = ["# vendor folders", ""]
    for i in range(n):
        d = tmp_path / "corpus" / f"t{i:02d}"
        d.mkdir(parents=True)
        (d / f"FaceAttr{i}.java").write_text(_java(i), encoding="utf-8")
        (d / "README.md").write_text("Build with make.\n", encoding="utf-8")
        lines.append(str(d))
    lines.append(str(tmp_path / "corpus" / "missing"))
    listing = tmp_path / "targets.txt"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return _listing(tmp_path, N_TARGETS)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return _listing(tmp_path, 3)


def _shards(folder: Path) -> list[Path]:
    """Finished shards (not the manifest, not a temporary file being written)."""
    return sorted(
        p for p in folder.glob("*.json") if p.name != MANIFEST and not p.name.startswith(".")
    )


def _report(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del doc["stats"]["seconds"]
    doc.pop("started", None)  # when the scan ran
    return doc


def _args(listing: Path, results: Path, out: Path, *extra: str) -> list[str]:
    return [
        "scan",
        "--targets-from",
        str(listing),
        "--results",
        str(results),
        "--format",
        "json",
        "--fail-on",
        "never",
        "-o",
        str(out),
        "--keep-going",  # the listing names a missing target, which would make the status 2
        *extra,
    ]


def test_disable_filters_the_report_not_the_stored_results(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule disabled in one run comes back when the next run over the same results
    does not disable it: the shards hold every rule's findings."""
    out = tmp_path / "o.json"
    assert main(_args(small, tmp_path / "r", out, "--disable", "gat1400-ethic-code")) == 0
    doc = _report(out)
    assert doc["findings"] and doc["tool"]["disabled_rules"] == ["gat1400-ethic-code"]
    assert "gat1400-ethic-code" not in {f["rule"] for f in doc["findings"]}
    capsys.readouterr()
    assert main(_args(small, tmp_path / "r", out)) == 0
    assert "4 targets resumed, 0 scanned" in capsys.readouterr().err
    assert "gat1400-ethic-code" in {f["rule"] for f in _report(out)["findings"]}


def test_a_missing_target_in_the_listing_exits_2_after_the_report(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.json"
    args = [a for a in _args(small, tmp_path / "r", out) if a != "--keep-going"]
    assert main(args) == 2
    assert "1 of 4 targets could not be read or fetched" in capsys.readouterr().err
    assert [t["kind"] for t in _report(out)["targets"]] == ["directory"] * 3 + ["missing"]


def test_read_targets(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_text("# comment\n\npypi:six\n  npm:left-pad  \n#pypi:no\nsrc/\n", encoding="utf-8")
    assert read_targets(str(f)) == ["pypi:six", "npm:left-pad", "src/"]


def _processes_with(marker: str) -> list[int]:
    """Live processes whose command line holds ``marker`` (forked pool workers keep
    their parent's)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                continue
    return found


def test_killed_job_resumes_to_the_uninterrupted_report(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The uninterrupted run.
    whole = tmp_path / "whole.json"
    assert main(_args(corpus, tmp_path / "r-whole", whole, "--jobs", "1")) == 0
    assert len(_shards(tmp_path / "r-whole")) == N_TARGETS + 1  # the missing target too
    capsys.readouterr()

    # A run killed once a few shards exist.
    results = tmp_path / "r-killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ethicscan", *_args(corpus, results, tmp_path / "x.json")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    deadline = time.monotonic() + 60
    try:
        while len(_shards(results)) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait()
    before = {p.name: p.stat().st_mtime_ns for p in _shards(results)}
    assert 3 <= len(before) < N_TARGETS, "the job ended before it could be killed part way"
    # Its pool workers end with it (they used to wait for work forever).
    if sys.platform.startswith("linux"):
        deadline = time.monotonic() + 10
        while _processes_with(str(results)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_with(str(results)) == []
    for p in _shards(results):
        json.loads(p.read_text(encoding="utf-8"))  # every shard is whole

    # Run again: only the missing targets are scanned; the report is the same.
    resumed = tmp_path / "resumed.json"
    assert main(_args(corpus, results, resumed, "--jobs", "2")) == 0
    err = capsys.readouterr().err
    assert f"{len(before)} targets resumed, {N_TARGETS + 1 - len(before)} scanned." in err
    assert {p.name: p.stat().st_mtime_ns for p in _shards(results) if p.name in before} == before
    assert _report(resumed) == _report(whole)

    # A third run scans nothing.
    assert main(_args(corpus, results, resumed)) == 0
    assert f"{N_TARGETS + 1} targets resumed, 0 scanned." in capsys.readouterr().err
    assert _report(resumed) == _report(whole)

    doc = _report(whole)
    assert len(doc["findings"]) >= N_TARGETS
    assert doc["stats"]["files"] == 2 * N_TARGETS
    assert [t["kind"] for t in doc["targets"]] == ["directory"] * N_TARGETS + ["missing"]


def test_changed_options_are_refused(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "r"
    out = tmp_path / "o.json"
    assert main(_args(small, results, out, "--min-confidence", "0.3")) == 0
    capsys.readouterr()
    assert main(_args(small, results, out, "--min-confidence", "0.5")) == 2
    err = capsys.readouterr().err
    assert "min_confidence: 0.3 there, 0.5 now" in err
    assert main(_args(small, results, out, "--min-confidence", "0.3", "--max-depth", "3")) == 2
    assert "max_depth: 12 there, 3 now" in capsys.readouterr().err
    # Where the work runs does not shape results: a local job may go on on a cluster.
    manifest = json.loads((results / MANIFEST).read_text(encoding="utf-8"))
    assert "engine" not in manifest and "jobs" not in manifest


def test_history_options_are_part_of_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: a job run without --history was resumed by the same command with it
    (the plain results, not the history's)."""
    from dulwich import porcelain

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_text("hello\n", encoding="utf-8")
    with porcelain.init(str(tmp_path / "t")) as repo:
        porcelain.add(repo, [str(tmp_path / "t" / "a.txt")])
        porcelain.commit(repo, message=b"one", author=b"A <a@x>", committer=b"A <a@x>")
    listing = tmp_path / "targets.txt"
    listing.write_text(f"{tmp_path / 't'}\n", encoding="utf-8")
    results, out = tmp_path / "r", tmp_path / "o.json"
    assert main(_args(listing, results, out)) == 0
    capsys.readouterr()
    assert main(_args(listing, results, out, "--history")) == 2
    assert "history: False there, True now" in capsys.readouterr().err
    history = ["--history"]
    assert main(_args(listing, tmp_path / "h", out, *history, "--branch", "master")) == 0
    capsys.readouterr()
    assert main(_args(listing, tmp_path / "h", out, *history, "--branch", "dev")) == 2
    assert "branches: ['master'] there, ['dev'] now" in capsys.readouterr().err


def test_every_option_that_shapes_results_is_in_the_manifest(tmp_path: Path) -> None:
    """Each field of ScanOptions either changes the manifest when it changes, or is
    declared not to shape results (where and how fast the work runs)."""
    from ethicscan.api import RUNS_NOT_RESULTS
    from ethicscan.corpus import manifest

    names = {f.name for f in fields(ScanOptions)}
    assert names >= RUNS_NOT_RESULTS  # no stale name
    other: dict[type, Any] = {int: 3, float: 0.5, tuple: ("x",), str: "2024-05-01"}
    base = ScanOptions(history=True)
    for name in sorted(names):
        default = getattr(base, name)
        value = next((v for t, v in other.items() if isinstance(default, t)), "2024-05-01")
        if isinstance(default, bool):
            value = not default
        elif name == "engine":
            value = "dask"
        elif name == "rule_dirs":
            value = (str(tmp_path),)
        elif name in ("progress", "on_fetch"):
            value = print
        elif name.startswith("tls_"):
            changed = replace(base, engine="dask", scheduler="tls://h:1", **{name: "x.pem"})
            assert manifest(changed) == manifest(base), name
            continue
        elif name == "scheduler":
            value = "tcp://h:1"
            changed = replace(base, engine="dask", scheduler=value)
            assert manifest(changed) == manifest(base), name
            continue
        changed = replace(base, **{name: value})
        assert (manifest(changed) == manifest(base)) == (name in RUNS_NOT_RESULTS), name


def test_rule_files_are_part_of_the_manifest(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = rules / "extra.yml"
    rule.write_text("rules: []\n", encoding="utf-8")
    args = _args(small, tmp_path / "r", tmp_path / "o.json", "--rules", str(rules))
    assert main(args) == 0
    rule.write_text("rules: []\n# edited\n", encoding="utf-8")
    assert main(args) == 2
    assert "rule_files_sha256" in capsys.readouterr().err


def test_a_folder_of_other_files_is_not_taken(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "report.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    assert main(["scan", str(tmp_path / "a.txt"), "--results", str(tmp_path / "r")]) == 2


def test_a_damaged_shard_is_scanned_again(small: Path, tmp_path: Path) -> None:
    targets = read_targets(str(small))[:3]
    opts = ScanOptions(jobs=1)
    first = scan_corpus(targets, opts, str(tmp_path / "r"))
    shard = tmp_path / "r" / shard_name(targets[1])
    shard.write_text('{"target": "', encoding="utf-8")  # cannot happen by a kill; by hand
    again = scan_corpus(targets, opts, str(tmp_path / "r"))
    assert (again.resumed, again.scanned) == (2, 1)
    assert again.result.findings == first.result.findings


def test_a_forged_shard_is_scanned_again(small: Path, tmp_path: Path) -> None:
    """A shard is checked against the published schema when read: one whose fields do not
    have the type or form ethicscan writes (markup for a line number, a confidence that
    is text, a field of its own) is not trusted, and the target is scanned again."""
    from ethicscan.report import html

    targets = read_targets(str(small))[:2]
    opts = ScanOptions(jobs=1)
    first = scan_corpus(targets, opts, str(tmp_path / "r"))
    shard = tmp_path / "r" / shard_name(targets[0])
    good = json.loads(shard.read_text(encoding="utf-8"))
    evil = "<meta http-equiv=refresh content=0;url=https://example.org>"
    forgeries = [
        ("location", "line", evil),
        ("location", "column", evil),
        ("location", "page", "7"),
        ("evidence", "term", 7),
        (None, "confidence", "high"),
        (None, "severity", "urgent"),
        (None, "fingerprint", evil),
        (None, "note", evil),  # a field of its own
    ]
    for part, key, value in forgeries:
        doc = json.loads(json.dumps(good))
        finding = doc["findings"][0]
        (finding[part] if part else finding)[key] = value
        shard.write_text(json.dumps(doc), encoding="utf-8")
        again = scan_corpus(targets, opts, str(tmp_path / "r"))
        assert (again.resumed, again.scanned) == (1, 1), (part, key)
        assert again.result.findings == first.result.findings
        assert "http-equiv=refresh" not in html.render(again.result)


def test_targets_listed_twice_are_scanned_once(small: Path) -> None:
    t = read_targets(str(small))[0]
    got = scan_corpus([t, t], ScanOptions(jobs=1))
    assert got.scanned == 1 and [x.target for x in got.result.targets] == [t]


def test_the_shard_format_round_trips_every_field() -> None:
    result = scan_corpus(["examples/"], ScanOptions(jobs=1)).result
    assert result.findings
    doc = json_report.to_dict(result)
    assert json_report.from_dict(doc) == result
    commit = Commit("abc", "2024-05-01T00:00:00Z", "A")
    f = result.findings[0]
    rich = type(f)(
        **{
            **{k: getattr(f, k) for k in f.__slots__},
            "history": History(commit, commit, HistoryStatus.RENAMED, "ethnic"),
            "suppression": Suppression("reviewed", "inline"),
        }
    )
    assert json_report.finding_from_dict(json_report.finding_dict(rich)) == rich


def test_progress_counts_targets(small: Path) -> None:
    seen: list[tuple[int, int, int, int]] = []
    targets = read_targets(str(small))  # three folders and a missing one
    # jobs=2: a pool of processes, to which the options travel without the callback
    res = scan_corpus(
        targets, ScanOptions(jobs=2, progress=lambda d, t, b, f: seen.append((d, t, b, f)))
    ).result
    assert [(d, t) for d, t, _, _ in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seen[-1][2:] == (res.stats.bytes, len(res.findings))


def test_progress_bar_shows_files_bytes_findings_and_rate() -> None:
    buf = io.StringIO()
    bar = _LateProgress(Console(file=buf, force_terminal=True, width=150), True, "targets")
    bar.started -= 2  # a scan running for two seconds
    bar(3, 10, 5_000_000, 7)
    bar.stop()
    assert re.search(r"3/10 targets, 5\.0 MB, 7 findings, 2\.\d MB/s", buf.getvalue())
    small = io.StringIO()
    bar = _LateProgress(Console(file=small, force_terminal=True, width=150), True)
    bar.started -= 2
    bar(1, 2, 9_280, 0)
    bar.stop()
    assert "1/2 files, 9.3 KB, 0 findings" in small.getvalue()  # not "0.0 MB"
    quiet = io.StringIO()
    off = _LateProgress(Console(file=quiet, force_terminal=False), False)
    off.started -= 2
    off(3, 10, 5_000_000, 7)
    off.stop()
    assert quiet.getvalue() == ""


def test_progress_bar_updates_at_most_twenty_times_a_second() -> None:
    """A scan reports every outcome; the bar is redrawn from a few of them, and always
    from the last."""
    bar = _LateProgress(Console(file=io.StringIO(), force_terminal=True, width=150), True)
    bar.started -= 2
    bar(1, 100_000, 10, 0)
    assert bar.progress is not None
    updates: list[int] = []
    real = bar.progress.update
    bar.progress.update = lambda task, **kw: (updates.append(kw["completed"]), real(task, **kw))  # type: ignore[method-assign]
    for done in range(2, 100_000):
        bar(done, 100_000, 10 * done, 0)
    bar(100_000, 100_000, 1_000_000, 3)
    bar.stop()
    assert updates[-1] == 100_000
    assert len(updates) < 100


def test_options_travel_without_callbacks() -> None:
    opts = ScanOptions(progress=lambda d, t, b: None, min_confidence=0.4, jobs=3)
    got = pickle.loads(pickle.dumps(portable(opts)))  # a lambda does not pickle
    assert got == opts and got.min_confidence == 0.4 and got.jobs == 3
    assert all(getattr(got, f.name) is None for f in fields(got) if not f.compare)


def test_a_shard_holding_a_lone_surrogate_renders_in_every_format(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: a shard whose JSON holds the escape ``\\ud800`` (a lone surrogate,
    which no UTF-8 can hold) made --format sarif an internal error (exit 3,
    UnicodeEncodeError); the other formats showed it escaped, as SARIF now does."""
    from ethicscan.report import OutputFormat

    results = tmp_path / "r"
    assert main(_args(small, results, tmp_path / "first.json")) == 0
    shard = next(p for p in _shards(results) if '"snippet": "' in p.read_text("utf-8"))
    text = shard.read_text(encoding="utf-8")
    shard.write_text(text.replace('"snippet": "', '"snippet": "\\ud800', 1), encoding="utf-8")
    for fmt in OutputFormat:
        out = tmp_path / f"out.{fmt.value}"
        args = _args(small, results, out)
        args[args.index("--format") + 1] = fmt.value
        assert main(args) == 0, (fmt, capsys.readouterr().err)
        written = out.read_bytes().decode("utf-8")  # valid UTF-8, whatever the format
        if fmt.value in ("json", "jsonl", "sarif"):
            assert r"\\xed\\xa0\\x80" in written, fmt  # the snippet, escaped (as \xNN)
