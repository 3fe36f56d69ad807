"""write_atomic: the one way reports, baselines, shards and kept databases are written."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ethicscan import atomic
from ethicscan.atomic import write_atomic


class _Boom(Exception):
    pass


def test_text_and_bytes_and_modes(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.txt", "ethnicité\n")
        write_atomic(tmp_path / "k.bin", b"\x00\x01", private=True, durable=True)
    finally:
        os.umask(old)
    assert (tmp_path / "r.txt").read_bytes() == "ethnicité\n".encode()
    assert stat.S_IMODE((tmp_path / "r.txt").stat().st_mode) == 0o644
    assert (tmp_path / "k.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE((tmp_path / "k.bin").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.bin", "r.txt"]


def test_a_text_in_parts_is_written_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "PARTS_AT_ONCE", 3)
    parts = [f"{i}: ethnicité\n" for i in range(10)] + ["", "\ufffd 民族"]
    write_atomic(tmp_path / "r.txt", parts)
    assert (tmp_path / "r.txt").read_bytes() == "".join(parts).encode()
    write_atomic(tmp_path / "e.txt", [])
    assert (tmp_path / "e.txt").read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.txt", "r.txt"]


def test_parts_are_written_as_they_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts made as they are asked for are written PARTS_AT_ONCE at a time, each group
    before the next is made: a report made in parts is never held whole.  A part that
    fails to be made keeps the old file and leaves nothing."""
    monkeypatch.setattr(atomic, "PARTS_AT_ONCE", 3)
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    written: list[int] = []

    def parts() -> Iterator[str]:
        for i in range(10):
            (tmp,) = (p for p in tmp_path.iterdir() if p.name.startswith(".ethicscan-"))
            written.append(tmp.stat().st_size)
            yield str(i % 10) * 10_000
        raise _Boom

    with pytest.raises(_Boom):
        write_atomic(target, parts())
    # (each group of 3 written, 30,000 bytes, before the next part is made)
    assert written == [0, 0, 0, 30_000, 30_000, 30_000, 60_000, 60_000, 60_000, 90_000]
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def replace(src: str, dst: str) -> None:
        raise _Boom

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(_Boom):
        write_atomic(target, "new", prefix=".x-")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_fifo_or_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    """``--output /dev/null`` (or /dev/stdout, or a FIFO) must not replace the device
    with a file: as root the rename succeeds and /dev/null becomes a regular file."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as f:
            got.append(f.read())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        write_atomic(fifo, "report\n")
    finally:
        if reader.is_alive():  # the write replaced the FIFO: let the reader go
            # (without blocking: the reader may have read and gone since it was asked,
            # and a FIFO opened for writing with no reader waits for one for ever)
            with contextlib.suppress(OSError):  # no reader left (ENXIO), or no FIFO
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got == [b"report\n"]
