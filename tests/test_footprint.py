"""The memory a large file's exploring may take, estimated before it is read
(extract.footprint): what lets a pool's workers read two large files at once when both
fit, and what keeps the ones that do not apart."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from ethicscan.engine.local import ROOM
from ethicscan.extract import explore
from ethicscan.extract.footprint import (
    BINARY_READ,
    DEX,
    MIB,
    NATIVE,
    NATIVE_READ,
    OTHER,
    UNKNOWN,
    footprint,
)
from ethicscan.extract.units import Limits


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _est(path: Path, limits: Limits | None = None, held: bool = True) -> int:
    data = path.read_bytes()
    size = len(data)
    return footprint(path.name, size, data if held else None, str(path), limits)


def test_a_binarys_estimate_grows_with_its_size_by_its_kind(tmp_path: Path) -> None:
    elf = tmp_path / "libx.so"
    elf.write_bytes(b"\x7fELF" + b"\x00\x01" * (3 * MIB))
    blob = tmp_path / "names.pkl"
    blob.write_bytes(b"\x80\x04" + b"name\x00" * (MIB))
    size = elf.stat().st_size
    assert _est(elf, held=False) == int(NATIVE[0] * size) + NATIVE[1]
    assert _est(blob) == int(OTHER[0] * blob.stat().st_size) + OTHER[1]
    dex = tmp_path / "classes.dex"
    dex.write_bytes(b"dex\n035\x00" + b"\x00" * (3 * MIB))
    assert _est(dex) == int(DEX[0] * dex.stat().st_size) + DEX[1]


def test_a_large_binary_read_again_from_disk_counts_its_bytes_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A binary of READ_AGAIN_AT bytes or more read at its path is screened from its
    bytes, which are let go before its strings are read from the file again: its
    strings and symbols do not come on top of its bytes.  onnxruntime's two libraries
    (35 and 37 MB, 32 and 35 MB of a worker) now go together in a pool's room; at 1.6
    times their size (65 and 68 MB) each waited for the other to end."""
    elf = tmp_path / "libx.so"
    elf.write_bytes(b"\x7fELF" + b"\x00\x01" * (3 * MIB))
    size = elf.stat().st_size
    monkeypatch.setattr(explore, "READ_AGAIN_AT", 2 * MIB)
    assert _est(elf, held=False) == int(NATIVE_READ[0] * size) + NATIVE_READ[1]
    assert _est(elf) == int(NATIVE[0] * size) + NATIVE[1]  # held: bytes beside strings
    monkeypatch.setattr(explore, "READ_AGAIN_AT", size + 1)
    assert _est(elf, held=False) == int(NATIVE[0] * size) + NATIVE[1]
    monkeypatch.undo()
    pybind, lib = (footprint("x.so", n, None, str(elf)) for n in (36_611_432, 34_824_680))
    assert pybind + lib <= ROOM


def test_a_large_pickle_read_again_from_disk_is_estimated_as_a_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data the decoder refuses (a pickle) of READ_AGAIN_AT bytes or more at its path
    is explored as a binary, read again from the file once screened: name2nat's
    pickle (54 MB) took 81 MB of a worker; at 2.0 times its size and 32 MB (135 MB,
    more than the room) it went alone, the other worker idle once the walk was done.
    Now it goes beside a jar of class files (icu4j's: 32 MB)."""
    blob = tmp_path / "names.pkl"
    blob.write_bytes(b"\x80\x04" + b"name\x00" * MIB)
    text = tmp_path / "names.txt"
    text.write_bytes(b"a name\n" * MIB)
    size = blob.stat().st_size
    limits = Limits(whole_text=MIB)  # (read at its path, not in pieces)
    monkeypatch.setattr(explore, "READ_AGAIN_AT", 2 * MIB)
    assert _est(blob, limits, held=False) == int(BINARY_READ[0] * size) + BINARY_READ[1]
    assert _est(blob, limits) == int(OTHER[0] * size) + OTHER[1]  # held
    assert _est(text, limits, held=False) == int(OTHER[0] * MIB) + OTHER[1]  # in pieces
    monkeypatch.setattr(explore, "READ_AGAIN_AT", size + 1)
    assert _est(blob, limits, held=False) == int(OTHER[0] * size) + OTHER[1]
    monkeypatch.undo()
    pickle = footprint("name2nats.pkl", 53_818_763, None, str(blob))
    assert pickle + OTHER[1] <= ROOM


def test_an_apks_dex_file_goes_beside_a_library(tmp_path: Path) -> None:
    """A DEX file's lines are one text and arrays (extract.dex.DexLines): the settings
    APK (a 6.9 MB ``classes.dex``) took 65 MB of a worker, 78 MB with a segment a line,
    and its estimate at 14 times the DEX file (104 MB) kept it alone; at 11 times it
    goes beside an onnxruntime library read again from disk."""
    apk = _zip(tmp_path / "settings.apk", {"classes.dex": b"\x00" * 6_946_764, "a.xml": b"<a/>"})
    elf = tmp_path / "libx.so"
    elf.write_bytes(b"\x7fELF" + b"\x00\x01" * 1024)
    lib = footprint("libonnxruntime.so", 34_824_680, None, str(elf))
    assert _est(apk, held=False) + lib <= ROOM


def test_a_gzip_stream_counts_its_content(tmp_path: Path) -> None:
    """A gzip stream holding one file is estimated by that file: its size from the
    trailer, its kind from its first bytes, held when SPOOL_AT bytes or fewer, else
    read where it is spooled.  names_dataset's two pickles (29 and 24 MB gzipped, 100
    MB inside: read in pieces) took 8 and 9 MB of a worker, and as what could not be
    told (UNKNOWN) each went alone.  Several members, a tarball: UNKNOWN still."""
    text = b"a line of names\n" * (MIB // 2)  # 8 MiB: held
    elf = b"\x7fELF" + b"\x00\x01\x02" * (4 * MIB)  # 12 MiB: spooled
    small = tmp_path / "names.txt.gz"
    small.write_bytes(gzip.compress(text))
    lib = tmp_path / "libx.so.gz"
    lib.write_bytes(gzip.compress(elf))
    assert _est(small, held=False) == int(OTHER[0] * len(text)) + OTHER[1]
    assert _est(small) == small.stat().st_size + int(OTHER[0] * len(text)) + OTHER[1]
    assert _est(lib, held=False) == int(NATIVE[0] * len(elf)) + NATIVE[1]
    assert _est(lib, Limits(max_member_size=4 * MIB), held=False) == 0  # not read whole
    two = tmp_path / "two.gz"
    two.write_bytes(gzip.compress(elf) + gzip.compress(b"tail\n"))
    assert _est(two) == _est(two, held=False) == UNKNOWN


def test_a_zip_counts_its_largest_member_by_its_kind(tmp_path: Path) -> None:
    """An APK of 3 MB whose DEX file is 6 MB took 81 MB of a worker: a zip is judged by
    its members (read one at a time), not by its own size."""
    apk = _zip(tmp_path / "app.apk", {"classes.dex": b"\x00" * (6 * MIB), "a.xml": b"<a/>"})
    texts = _zip(tmp_path / "data.zip", {"words.txt": b"word\n" * (6 * MIB // 5)})
    jar = _zip(tmp_path / "lib.jar", {f"p/C{i}.class": b"\xca\xfe\xba\xbe" * 64 for i in range(50)})
    assert _est(apk) >= int(DEX[0] * 6 * MIB) > _est(texts) >= int(OTHER[0] * 6 * MIB)
    assert _est(jar) < 40 * MIB  # many small classes, one at a time
    assert _est(apk, held=False) < _est(apk)  # (held: its own bytes count too)


def test_what_cannot_be_told_from_the_head_goes_alone(tmp_path: Path) -> None:
    nested = _zip(tmp_path / "outer.zip", {"inner.jar": b"x" * 100})
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("a.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
    tgz = tmp_path / "a.tar.gz"
    tgz.write_bytes(buf.getvalue())
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 1000)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert _est(nested) == _est(tgz) == _est(pdf) == _est(broken) == UNKNOWN


def test_what_is_not_read_whole_takes_no_room(tmp_path: Path) -> None:
    png = tmp_path / "face.png"
    png.write_bytes(b"\x89PNG" + b"\x01" * (3 * MIB))
    huge = tmp_path / "model.dat"
    huge.write_bytes(b"\x00\x01\x02" * MIB)  # over the limit below: skipped unread
    limits = Limits(max_member_size=2 * MIB, whole_text=MIB)
    assert _est(png) == 0
    assert _est(huge, limits, held=False) == 0
    text = tmp_path / "big.log"
    text.write_bytes(b"a line of text\n" * (MIB // 5))  # read in pieces of whole_text
    assert _est(text, Limits(whole_text=MIB), held=False) == int(OTHER[0] * MIB) + OTHER[1]
