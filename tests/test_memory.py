"""A scanned file leaves no reference cycle behind: a cycle that holds a large text
keeps it alive until the collector's rare full pass, and a pool worker's memory
climbs (a document and its comment flags did that once: worker peaks 90 to 119 MB)."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from ethicscan.pipeline import scan_file
from ethicscan.rules.catalogue import load_catalogue
from ethicscan.rules.prefilter import prefilter_for
from ethicscan.sources.fs import FileJob

CAT = load_catalogue(())
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

TEXTS = {
    # comments judged when asked (no block comment can open) ...
    "attrs.py": "# face attributes\nrace = predict(face)['race']\nskin_color = 'white'\n" * 50,
    # ... and read in order
    "attrs.c": "/* 人脸属性 */\nint EthicCode; /* 民族 */\nint race;\n" * 50,
    # a large text: focus ranges and context near the hits only
    "bundle.js": ("var a=person.race;" + "y" * 300 + ";\n") * 2000,
}


@pytest.fixture
def no_collector() -> Iterator[None]:
    prefilter_for(CAT).warm_up()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_scanning_leaves_no_cycle(tmp_path: Path, no_collector: None) -> None:
    jobs = []
    for name, text in TEXTS.items():
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        jobs.append(FileJob(str(f), name, f.stat().st_size))
    for f in sorted(EXAMPLES.rglob("*")):
        if f.is_file():
            jobs.append(FileJob(str(f), f.name, f.stat().st_size))
    found = 0
    for job in jobs:
        found += len(scan_file(job, CAT).findings)
    assert found > 20  # the texts were classified, not passed over
    assert gc.collect() == 0


def test_workers_know_their_resident_size() -> None:
    """Pool workers hand freed memory back only past TRIM_ABOVE: they must be able to
    tell their resident size (Linux: /proc/self/statm)."""
    from ethicscan.engine import local

    size = local._resident()
    assert 1024 * 1024 < size < 64 * 1024**3
    before = local._resident()
    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * (len(block) // 4096)  # every page touched: resident
    assert local._resident() > before + 32 * 1024 * 1024
    del block


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the workers must inherit this test's stand-ins (forked)",
)
def test_a_pools_workers_read_large_files_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers never explore files of HEAVY bytes or more at the same time: the
    workers' largest files (a 54 MB pickle in one, an APK's DEX files in the other)
    met and summed past 300 MB.  Smaller files go on beside a large one."""
    import time

    from ethicscan import pipeline
    from ethicscan.engine import local

    heavy = 4096
    monkeypatch.setattr(local, "HEAVY", heavy)
    log = tmp_path / "log"
    explored = pipeline._explored

    def slow(job: FileJob, size: int, *args: object) -> pipeline.FileOutcome:
        start = time.monotonic()
        if size >= heavy:
            time.sleep(0.25)
        with open(log, "a") as f:  # (forked workers inherit this)
            f.write(f"{job.rel_path} {start} {time.monotonic()}\n")
        return explored(job, size, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_explored", slow)
    jobs = []
    for i in range(20):
        name = f"{'big' if i < 3 else 'small'}{i}.bin"
        data = b"\x00\x01face_race\x00" * ((heavy if i < 3 else 100) // 10 + 1)
        (tmp_path / name).write_bytes(data)
        jobs.append(FileJob(str(tmp_path / name), name, len(data)))
    work = pipeline.Work(CAT)
    outs = [out for _, out in local.run(jobs, work, 2)]
    assert len(outs) == 20 and all(o.texts == 1 for o in outs)
    spans = {}
    for line in log.read_text().splitlines():
        name, start, end = line.split()
        spans[name] = (float(start), float(end))
    big = sorted(v for k, v in spans.items() if k.startswith("big"))
    assert len(big) == 3 and len(spans) == 20
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(big)), big  # never two at once
    small = [v for k, v in spans.items() if k.startswith("small")]
    assert any(big[0][0] < s[0] < big[-1][1] for s in small)  # beside them


def test_a_worker_waits_for_anothers_large_file_a_while_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate is a lock with a time limit: a large file that never ends in one worker
    does not stop the others for longer than HEAVY_WAIT."""
    import threading
    import time

    from ethicscan.engine import local

    monkeypatch.setattr(local, "HEAVY_WAIT", 0.2)
    lock = threading.Lock()
    gate = local.InTurns(lock)
    with gate(10):
        assert not lock.locked()  # a small file takes no turn
    with gate(local.HEAVY):
        assert lock.locked()
        start = time.monotonic()
        with gate(local.HEAVY):  # (another worker's, stuck)
            waited = time.monotonic() - start
    assert 0.15 < waited < 2 and not lock.locked()
    # one of two workers at a time, half of them on a larger machine
    assert [local.heavy_turns(n) for n in (1, 2, 3, 4, 16)] == [1, 1, 1, 2, 8]
