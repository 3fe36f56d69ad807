"""A scanned file leaves no reference cycle behind: a cycle that holds a large text
keeps it alive until the collector's rare full pass, and a pool worker's memory
climbs (a document and its comment flags did that once: worker peaks 90 to 119 MB)."""

from __future__ import annotations

import gc
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
