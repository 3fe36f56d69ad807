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

from ethicscan.engine.local import Job, _put_off
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


def test_a_texts_findings_are_made_once_its_hits_are_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The findings of a text (the objects that stay) are made once its document, hits
    and decisions are let go, so they take the room those leave; a hit holds its fields
    in slots (a dense text makes 100,000)."""
    from ethicscan.classify import analyse as analyse_module
    from ethicscan.classify.capability import Hit

    alive: list[int] = []
    real = analyse_module._finished

    def counting(*args: object) -> object:
        alive.append(sum(isinstance(o, Hit) for o in gc.get_objects()))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(analyse_module, "_finished", counting)
    log = "".join(f'{{"face_id":{i},"age":{i % 90},"race":"asian"}}\n' for i in range(300))
    found = analyse_module.analyse(log, "logs/faces.jsonl", CAT)
    assert len(found) >= 300
    assert alive == [0]
    assert "__dict__" not in dir(Hit) and "__slots__" in dir(Hit)


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


def _gate(room: int) -> tuple[object, list[int]]:
    """A gate as a pool's workers share it, here between threads."""
    import threading

    from ethicscan.engine import local

    state = [0, 0]
    return local.InTurns(threading.Condition(), state, room), state


def test_large_files_go_together_when_their_estimates_fit() -> None:
    """Two large files whose estimated memory fits in the room are read at once (one
    at a time, 58 large files of a corpus of face SDKs left a worker idle for 15 of
    its 24 s); a file that does not fit waits; one larger than the room goes alone."""
    import threading
    import time

    from ethicscan.engine import local

    gate, state = _gate(100)
    with gate(local.HEAVY, lambda: 10):
        assert state[0] == 10  # a large file takes its estimate
        with gate(10, lambda: 1000):
            assert state[0] == 10  # a small one takes nothing (its estimate not asked)
        with gate(local.HEAVY, lambda: 90):  # (another worker's, beside it)
            assert state[0] == 100
    assert state == [0, 0]
    with gate(local.HEAVY, lambda: 0):  # not read whole (a picture, a skipped file)
        assert state[0] == 0
    with gate(local.HEAVY, lambda: 500):  # larger than the room: alone
        assert state[0] == 500
    got: list[float] = []
    with gate(local.HEAVY, lambda: 60):

        def other() -> None:
            with gate(local.HEAVY, lambda: 60):
                got.append(time.monotonic())

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.2)
        assert not got  # 60 + 60 > 100: it waits
        ended = time.monotonic()
    t.join()
    assert got and got[0] >= ended


def test_a_file_with_no_room_is_put_off_and_claims_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker told not to wait gets NoTurn for a file with no room (it reads others
    meanwhile), and that file's claim keeps later large files that would not fit beside
    it from passing it over, until it has its turn."""
    from ethicscan.engine import local
    from ethicscan.pipeline import NoTurn

    gate, state = _gate(100)
    with gate(local.HEAVY, lambda: 50), gate.deferring():
        with pytest.raises(NoTurn), gate(local.HEAVY, lambda: 80):
            pass
        assert state == [50, 80]
        with pytest.raises(NoTurn), gate(local.HEAVY, lambda: 30):  # fits, not by the claim
            pass
    with gate.deferring(), gate(local.HEAVY, lambda: 80):  # the claimant, room now free
        assert state == [80, 0]
    assert state == [0, 0]


def test_the_largest_file_put_off_goes_first_and_claims_the_room() -> None:
    """Of the large files put off, the largest is sent first and claims the room (the
    54 MB pickle of names, put off behind smaller files and read last, left the other
    worker idle for its 1.5 s); the others go when they fit beside it, as many as there
    are workers free."""
    import threading

    from ethicscan.engine import local

    state = [50, 0]  # a file of 50 being read
    claims = local.Claims(threading.Condition(), state, 128)
    needs = [30, 140, 60]  # (in the order they were put off)
    assert local.to_send(needs, claims, 2) == []  # 30 would fit, not beside 140
    assert state == [50, 140]
    state[0] = 0
    assert local.to_send(needs, claims, 2) == [1]  # alone: nothing fits beside it
    state[:] = [0, 0]
    assert local.to_send([30, 60, 20], claims, 2) == [1, 0]  # 60, then 30 beside it
    assert state == [0, 60]
    state[:] = [0, 0]
    assert local.to_send([30, 60, 20, 40], claims, 1) == [1]  # one worker free
    state[:] = [70, 0]
    assert local.to_send([30, 60, 20], claims, 2) == []  # 70 + 60 > 128: the room drains
    state[:] = [70, 0]
    assert local.to_send([30, 40, 20], claims, 2) == [1]  # 70 + 40 fit; 20 not beside
    state[:] = [0, 0]  # by size first (what takes longest), then by estimate
    assert local.to_send([100, 60], claims, 2, sizes=[3, 50]) == [1]
    assert state == [0, 60]


def test_a_claimant_on_its_way_keeps_its_claim() -> None:
    """A file put off that claimed the room and was sent keeps the claim until it is in
    the room: the next largest does not claim it meanwhile (the room then turned the
    claimant away when it came, and the next, and the next: a pickle, three libraries
    and a compressed pickle put off again in a row), nor is anything else sent."""
    import threading

    from ethicscan.engine import local

    state = [0, 0]
    claims = local.Claims(threading.Condition(), state, 128)
    assert local.to_send([75, 140, 68], claims, 1) == [1]  # the pickle, alone
    assert state == [0, 140]
    assert local.to_send([75, 68], claims, 1, waiting=140) == []  # on its way
    assert state == [0, 140]
    state[:] = [140, 0]  # in the room: the claim is let go, the next largest claims
    assert local.to_send([75, 68], claims, 1, waiting=140) == []
    assert state == [140, 75]
    state[:] = [0, 75]  # the pickle done
    assert local.to_send([75, 68], claims, 2, waiting=140) == [0]
    state[:] = [0, 0]  # (a claimant put off again is no longer waited for: waiting=0)
    assert local.to_send([75, 30], claims, 2) == [0, 1]


def test_a_worker_waits_for_anothers_large_file_a_while_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate waits with a time limit: a large file that never ends in one worker
    does not stop the others for longer than HEAVY_WAIT."""
    import time

    from ethicscan.engine import local

    monkeypatch.setattr(local, "HEAVY_WAIT", 0.2)
    gate, state = _gate(100)
    with gate(local.HEAVY, lambda: 100):
        start = time.monotonic()
        with gate(local.HEAVY, lambda: 100):  # (another worker's, stuck)
            waited = time.monotonic() - start
            assert state == [100, 0]  # read anyway, its room not taken nor claimed
    assert 0.15 < waited < 2 and state == [0, 0]
    # one room for two workers, half as many as the workers with more
    assert [local.heavy_turns(n) for n in (1, 2, 3, 4, 16)] == [1, 1, 1, 2, 8]


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the workers must inherit this test's stand-ins (forked)",
)
def test_a_pools_workers_never_read_two_files_that_do_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large files whose estimates do not fit in the room together are never read at
    the same time (the workers' largest files, a 54 MB pickle in one and an APK's DEX
    files in the other, summed past 300 MB); a worker that meets one while the other
    reads another puts it off and reads the files after it; the outcomes are those of
    one process, in order."""
    import time

    from ethicscan import pipeline
    from ethicscan.engine import local
    from ethicscan.sources import fs
    from ethicscan.sources.fs import WalkOptions, walk_units

    heavy = 4096
    monkeypatch.setattr(local, "HEAVY", heavy)
    monkeypatch.setattr(local, "BATCH_FIRST", 4)
    monkeypatch.setattr(pipeline, "footprint", lambda *a: local.ROOM - 1)
    log = tmp_path / "log"
    explored = pipeline._explored

    def slow(job: FileJob, size: int, *args: object) -> pipeline.FileOutcome:
        start = time.monotonic()
        if size >= heavy:
            time.sleep(0.05)
        with open(log, "a") as f:  # (forked workers inherit this)
            f.write(f"{job.rel_path} {start} {time.monotonic()}\n")
        return explored(job, size, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_explored", slow)
    put_off: list[Job] = []
    monkeypatch.setattr(local, "_put_off", lambda *a: put_off.extend(off := _put_off(*a)) or off)
    root = tmp_path / "tree"
    root.mkdir()
    for i in range(24):
        big = i % 6 == 0
        data = b"\x00\x01face_race\x00" * ((heavy if big else 100) // 10 + 1)
        (root / f"{i:02d}{'big' if big else 'small'}.bin").write_bytes(data)
    monkeypatch.setattr(fs, "FOLDER_CHUNK", 2)  # (runs of two files: batches of two runs)
    units = list(walk_units([str(root)], WalkOptions(), [], []))
    work = pipeline.Work(CAT)
    alone = [out for _, out in local.run(iter(units), work, 1)]
    log.unlink()
    outs = [out for _, out in local.run(iter(units), work, 2)]
    assert [o.findings for o in outs if o.findings] == [o.findings for o in alone if o.findings]
    assert sum(o.files for o in outs) == 24 and sum(o.texts for o in outs) == 24
    assert len([o for o in outs if o.findings]) == 24  # (read, not passed over)
    spans = {}
    for line in log.read_text().splitlines():
        name, start, end = line.split()
        spans[name] = (float(start), float(end))
    big = sorted(v for k, v in spans.items() if "big" in k)
    assert len(big) == 4
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(big)), big  # never two at once
    small = [v for k, v in spans.items() if "small" in k]
    assert any(big[0][0] < s[0] < big[-1][1] for s in small)  # beside them
    assert put_off  # (some met another's: put off, read later)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the workers inherit the parent's prefilter only when forked",
)
def test_a_pools_parent_lets_its_prefilter_go_once_the_workers_have_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent reads no file once the workers are forked with the prefilter: its
    copy of the databases (10 MB of the process tree's resident size) is dropped, to be
    loaded from disk again if it is used; the outcomes are those of one process."""
    from ethicscan import pipeline
    from ethicscan.engine import local
    from ethicscan.rules import prefilter as prefilter_mod
    from ethicscan.sources.fs import WalkOptions, walk_units

    monkeypatch.setattr(prefilter_mod, "_CACHE", {})
    root = tmp_path / "tree"
    root.mkdir()
    for i in range(40):
        text = f"# {i}\nrace = predict(face)['race']\n" if i % 3 else f"x = {i}\n"
        (root / f"{i:02d}.py").write_text(text)
    units = list(walk_units([str(root)], WalkOptions(), [], []))
    work = pipeline.Work(CAT)
    alone = [f for _, out in local.run(iter(units), work, 1) for f in out.findings]
    pf = prefilter_mod.prefilter_for(CAT)
    assert pf.keeps and pf.active  # (on disk: the suite keeps them, conftest)
    outs = [f for _, out in local.run(iter(units), work, 2) for f in out.findings]
    assert outs == alone and len(outs) >= 20
    assert prefilter_mod._CACHE == {}  # let go
    again = prefilter_mod.prefilter_for(CAT)
    assert again is not pf and again.loaded_from_disk and again.active
    # a prefilter that is not on disk stays
    key = next(iter({(CAT.digest,): 0}))
    prefilter_mod._CACHE[key] = kept = prefilter_mod.Prefilter(CAT, cache=None)
    assert not prefilter_mod.let_go(CAT) and prefilter_mod.prefilter_for(CAT) is kept


def test_a_worker_beside_a_large_file_hands_memory_back_sooner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a batch, a worker gives freed memory back past TRIM_ABOVE; while a file
    that takes half the room or more is explored (by another worker), past TRIM_BESIDE
    already (beside name2nat's pickle, a worker at 87 MB of what earlier files left)."""
    from ethicscan.engine import local

    calls: list[int] = []
    resident = [local.TRIM_BESIDE + 1]
    monkeypatch.setattr(local, "_trim", lambda: calls.append(resident[0]))
    monkeypatch.setattr(local, "_resident", lambda: resident[0])
    gate, state = _gate(100)
    big = 8 * 1024 * 1024
    local._after_batch(big, gate)
    assert calls == []  # nothing large being read: past TRIM_ABOVE only
    state[0] = 49
    local._after_batch(big, gate)
    assert calls == []
    state[0] = 50  # half the room
    local._after_batch(big, gate)
    local._after_batch(1024, gate)  # a batch that read little: nothing to give
    assert calls == [local.TRIM_BESIDE + 1]
    resident[0] = local.TRIM_BESIDE
    local._after_batch(big, gate)
    state[0] = 0
    resident[0] = local.TRIM_ABOVE + 1
    local._after_batch(big, gate)
    local._after_batch(big, None)  # (one process: no gate)
    assert calls == [local.TRIM_BESIDE + 1, local.TRIM_ABOVE + 1, local.TRIM_ABOVE + 1]
