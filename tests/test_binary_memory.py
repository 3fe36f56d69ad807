"""What a large binary costs a worker: its bytes read once, its strings' lines counted
without an object each."""

from __future__ import annotations

import pickle
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan import ScanOptions, scan
from ethicscan.extract.native import extract_binary
from ethicscan.extract.units import Blob, TextUnit
from ethicscan.model import Finding


def test_a_binary_that_starts_like_text_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose head reads as text but that is binary further on (a pickle of
    names) goes from the text path to the strings pass with the bytes already read: a
    file on disk is not read a second time (each read is a copy of its size)."""
    rng = random.Random(1)
    people = {
        f"{rng.choice(['Abraham', 'Ayn', 'Alain'])} {rng.choice(['Lincoln', 'Rand'])} {i}": [
            rng.choice(["American", "Greek", "ethnicity"])
        ]
        for i in range(20_000)
    }
    data = pickle.dumps(people, protocol=3)
    (tmp_path / "names.pkl").write_bytes(data)
    reads: list[int] = []
    real = Blob.read

    def counted(self: Blob) -> bytes:
        got = real(self)
        reads.append(len(got))
        return got

    monkeypatch.setattr(Blob, "read", counted)
    monkeypatch.setattr("ethicscan.extract.units.SPOOL_AT", 0)
    result = scan([str(tmp_path)], ScanOptions(jobs=1, max_file_size=len(data) + 1))
    assert result.stats.files == 1 and not result.skipped
    assert reads.count(len(data)) == 1, (reads, result.stats, result.findings[:1])


def test_a_binarys_lines_are_counted_without_an_int_each() -> None:
    data = b"\x00".join(b"string_number_%d" % i for i in range(50_000))
    unit = TextUnit.joined("big.bin", extract_binary(data, "big.bin"))
    assert len(unit.starts) == 50_000
    assert sys.getsizeof(unit.starts) < 1000  # not a tuple of 50,000 ints
    for line in (1, 2, 777, 50_000):
        got, seg = unit.origin(line)
        assert got == 1 and seg is not None
        assert seg.text == f"string_number_{line - 1}"
        want = 0 if line == 1 else data.index(b"\x00string_number_%d" % (line - 1)) + 1
        assert seg.offset == want


def test_a_dictionary_of_words_is_read_without_a_tuple_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A binary of many UTF-8 strings and few ASCII ones (a pickle of Chinese words:
    385,000 of them) holds their places as arrays, and a batch of them at a time as
    tuples and texts, not every string's: its peak was 320 bytes a string."""
    import tracemalloc

    from ethicscan.extract import strings

    monkeypatch.setattr(strings, "BATCH", 1024)
    rng = random.Random(3)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    n = 20_000
    words = (f"{rng.choice(chars)}{rng.choice(chars)}".encode() + b"q\x01\x94" for _ in range(n))
    data = b"\x8c\x06".join(words)  # (a pickle's opcodes between its strings)
    strings.string_runs("民族 x".encode())  # what is made once a process, made
    tracemalloc.start()
    try:
        runs = strings.string_runs(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(runs) == n and runs.text_of(n - 1) == data[-9:-2].decode()
    assert peak < 120 * n, peak


@pytest.mark.parametrize("head", [b"\x00\x01\x02\x03", b"names of people, a pickle\n" * 40])
def test_a_binarys_bytes_are_let_go_before_its_strings_are_classified(
    head: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large binary's bytes (read from disk: it is larger than what is held in
    memory) are gone while its strings are classified, also when the file started like
    text (a pickle of names, 54 MB): only the strings' text is held then."""
    import tracemalloc

    from ethicscan import pipeline
    from ethicscan.extract.units import SPOOL_AT
    from ethicscan.rules.catalogue import load_catalogue
    from ethicscan.sources.fs import FileJob

    catalogue = load_catalogue(())
    data = head + "\x00\x01维族告警: %d\x00".encode() + b"\x01\xfe" * (SPOOL_AT // 2)
    (tmp_path / "names.pkl").write_bytes(data)
    held: list[int] = []
    analyse = pipeline.analyse

    def seen(*args: Any, **kwargs: Any) -> list[Finding]:
        held.append(tracemalloc.get_traced_memory()[0])
        return analyse(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", seen)
    pipeline.scan_file(FileJob(str(tmp_path / "names.pkl"), "names.pkl", len(data)), catalogue)
    tracemalloc.start()
    try:
        job = FileJob(str(tmp_path / "names.pkl"), "names.pkl", len(data))
        out = pipeline.scan_file(job, catalogue)
    finally:
        tracemalloc.stop()
    assert out.findings and len(held) == 2
    assert held[-1] < len(data) // 4, held


def test_a_binarys_strings_pass_holds_a_small_stretch_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A binary cut into stretches by its runs of zeros (a pickle of names, 10 MB here,
    54 MB in the dense corpus) holds one stretch's copy and byte classes at a time
    (``strings.WINDOW``): beside the strings' text and places, 10.6 MB more at the
    pass's peak with stretches of 4 MB, 5.6 MB with 2 MB ones (12 MB less at a worker's
    peak on name2nat's pickle)."""
    import tracemalloc

    from ethicscan.extract import strings

    monkeypatch.setattr(strings, "BATCH", 1024)  # (a batch's lists: a small part here)
    rng = random.Random(7)
    words = [f"name{i} race{i % 7} of a person, ".encode() * 3 for i in range(1000)]
    data = b"".join(
        rng.choice(words) + b"q\x01\x94\x00\x00\x00\x00" * (rng.random() < 0.2) + b"\x8c\x0b"
        for _ in range(100_000)
    )
    strings.string_runs(b"x race x")  # what is made once a process, made
    tracemalloc.start()
    try:
        runs = strings.string_runs(data)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(runs) == 100_000 and not runs.cut
    assert peak - kept < 8_000_000, (peak - kept, kept)


_PARTS = st.sampled_from(
    [b"\x00" * 4, b"\x00" * 9, b"\x00", b"\x01\x1f", b"\xfe\xff", b"race ethnicity ", b"x" * 40,
     "维族告警".encode(), "SkinColor".encode("utf-16-le") + b"\x00\x00", b"\xc0", b"q\x01"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_PARTS, max_size=60).map(b"".join),
    st.integers(1, 40),
    st.integers(1, 9),
    st.integers(-30, 30),
)
def test_a_files_stretches_read_as_needed_are_those_of_its_bytes(
    data: bytes, window: int, step: int, more: int
) -> None:
    """``_read_stretches`` cuts a file where ``_windows`` cuts its bytes, whatever the
    stretch's size and the bytes read at a time past it, a size given larger than the
    file or smaller; and the strings read so are those of ``string_runs``."""
    import io

    from ethicscan.extract import strings

    size = max(0, len(data) + more)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(strings, "WINDOW", window)
        m.setattr(strings, "READ_STEP", step)
        whole = data[:size]
        want = [whole[a:b] for a, b in strings._windows(whole)]
        got = list(strings._read_stretches(io.BytesIO(data), size))
        assert [w for _, w in got] == want
        assert [a for a, _ in got] == [a for a, _ in strings._windows(whole)]
        runs = strings.string_runs_read(io.BytesIO(data), size)
        ref = strings.string_runs(whole)
        assert (runs.text, list(runs.offsets), runs.cut) == (ref.text, list(ref.offsets), ref.cut)


def test_a_large_binary_on_disk_is_let_go_before_its_strings_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A binary on disk of READ_AGAIN_AT bytes or more (name2nat's pickle) is screened
    from its bytes, which are then let go: its strings pass reads the file again a
    stretch at a time, and finds what the pass over its bytes finds.  Its bytes were
    held through the pass: name2nat's pickle raised a worker by 85 MB, now 67."""
    import tracemalloc

    from ethicscan.extract import explore, native, strings

    rng = random.Random(4)
    words = [b"Abraham Lincoln", b"American", b"Greek", b"Rand"] * 50
    words += ["维族告警".encode(), b"ethnicity"]
    data = b"\x80\x03}q\x00(" + b"".join(
        rng.choice(words) + b"q\x01\x94" + b"\x00\x00\x00\x00" * (rng.random() < 0.1)
        for _ in range(100_000)
    )
    (tmp_path / "names.pkl").write_bytes(data)
    monkeypatch.setattr(explore, "READ_AGAIN_AT", len(data) // 2)
    monkeypatch.setattr("ethicscan.pipeline.SPOOL_AT", 0)  # (read at its path, not held)
    monkeypatch.setattr(strings, "WINDOW", 1 << 16)
    held: list[int] = []
    runs_read = native.string_runs_read

    def seen(*args: Any, **kwargs: Any) -> strings.Runs:
        held.append(tracemalloc.get_traced_memory()[0])
        return runs_read(*args, **kwargs)

    monkeypatch.setattr(native, "string_runs_read", seen)
    options = ScanOptions(jobs=1, max_file_size=len(data) + 1)
    tracemalloc.start()
    try:
        result = scan([str(tmp_path)], options)
    finally:
        tracemalloc.stop()
    assert len(held) == 1 and held[0] < len(data) // 2, (held, len(data))
    monkeypatch.setattr(explore, "READ_AGAIN_AT", len(data) + 1)  # its bytes held
    before = scan([str(tmp_path)], options)
    assert result.findings and result.findings == before.findings
