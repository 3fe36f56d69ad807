"""The screen of a binary's strings (extract.native.extract_screened): its strings pass
runs only when a term that is a reason to read stands in the strings around the places
its bytes may hold one, and a scan finds the same with and without it."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.extract import explore, native
from ethicscan.extract.native import extract_binary, extract_elf, extract_screened
from ethicscan.extract.strings import stretches_near, string_runs
from ethicscan.model import ScanResult
from ethicscan.rules.catalogue import load_default_catalogue
from ethicscan.rules.prefilter import prefilter_for

FIXTURES = Path(__file__).parent / "fixtures"
CC = shutil.which("cc") or shutil.which("gcc")


def _pf():  # type: ignore[no-untyped-def]
    return prefilter_for(load_default_catalogue())


def _filler(rng: random.Random, n: int) -> bytes:
    """Machine code and tables: runs of zeros (where stretches are cut), short
    printable runs, strings of no term."""
    out = bytearray()
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            out += bytes(rng.randint(1, 40))
        elif r < 0.5:
            out += bytes(rng.randint(1, 255) for _ in range(rng.randint(1, 60)))
        else:
            out += f"config_option_{rng.randint(0, 999)}".encode() + b"\x00"
    return bytes(out)


# Pieces as binaries hold them: ASCII, UTF-8 CJK, UTF-16LE, a mangled C++ symbol name,
# and look-alikes that the prefilter's raw expressions take for reasons (``TRACE``,
# ``emRace`` inside a word, ``race condition``) but no term stands in.
STANDING = [
    b"\x00ethnicity_estimate\x00",
    b"\x01_ZN4acme10FaceEngine16GetRaceEstimatesEv\x00",
    "\x00人脸属性: 民族 肤色\x00".encode(),
    b"\x00" + "维族告警".encode("utf-16-le") + b"\x00\x00",
    b"\x00\x00" + "SkinColor estimate".encode("utf-16-le") + b"\x00\x00",
    b"\x00detectFace\x00faceQuality\x00religion\x00",
]
LOOKALIKE = [
    b"\x00TRACE_LEVEL\x00",
    b"\x00race condition detected\x00",
    b"\x00backtrace\x00LBRACE\x00",
    b"\x00Promise.race\x00",
    b"\x00" + "TRACE".encode("utf-16-le") + b"\x00\x00",
    "\x00运维族\x00".encode(),
]


def _blob(rng: random.Random, pieces: list[bytes]) -> bytes:
    out = bytearray(b"\x13\x37")
    for p in pieces:
        out += _filler(rng, rng.randint(800, 2000)) + p
    return bytes(out + _filler(rng, 50))


def _scan(root: Path, screened: bool, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    with monkeypatch.context() as m:
        if not screened:
            m.setattr(explore, "SCREENED", {})
        return scan([str(root)], ScanOptions(jobs=1))


def _same(a: ScanResult, b: ScanResult) -> None:
    assert a.findings == b.findings
    assert a.skipped == b.skipped
    assert a.stats.files == b.stats.files


@pytest.mark.parametrize("seed", range(6))
def test_stretches_hold_the_strings_the_whole_pass_finds_there(seed: int) -> None:
    rng = random.Random(seed)
    data = _blob(rng, rng.sample(STANDING + LOOKALIKE, 8))
    whole = string_runs(data)
    found = list(zip(whole.offsets, (whole.text_of(i) for i in range(len(whole))), strict=True))
    places = sorted(rng.randrange(len(data)) for _ in range(rng.randint(1, 6)))
    near = stretches_near(data, places, near=rng.choice([16, 200, 2048]))
    cut = {0, len(data)} | {i + 3 for i in range(len(data)) if data[i : i + 4] == bytes(4)}
    assert all(a < b and a in cut and b in cut for a, b in near)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(near))
    for a, b in near:
        runs = string_runs(data[a:b])
        got = [(a + o, runs.text_of(i)) for i, o in enumerate(runs.offsets)]
        assert got == [(o, t) for o, t in found if a <= o < b]


@pytest.mark.parametrize("seed", range(8))
def test_a_screened_binary_gives_what_the_whole_pass_gives(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binaries of look-alikes only, of one standing term, of many, with a face word
    some strings away (context): the same findings, skipped entries and texts counted
    with and without the screen; and the look-alikes' binaries are screened out."""
    rng = random.Random(seed)
    pf = _pf()
    only_look = _blob(rng, rng.sample(LOOKALIKE, 4))
    one = _blob(rng, [*rng.sample(LOOKALIKE, 3), rng.choice(STANDING)])
    many = _blob(rng, rng.sample(STANDING + LOOKALIKE, 9))
    for name, data in (("look.bin", only_look), ("one.bin", one), ("many.bin", many)):
        (tmp_path / name).write_bytes(data)
    assert extract_screened(only_look, "", pf).clean
    assert extract_binary(only_look, "look.bin").segments  # the whole pass reads strings
    for data in (one, many):
        got = extract_screened(data, "", pf)
        assert not got.clean
        assert list(got.segments) == list(extract_binary(data, "x").segments)
    plain = _scan(tmp_path, False, monkeypatch)
    assert plain.findings  # something to lose
    _same(_scan(tmp_path, True, monkeypatch), plain)


def test_a_standing_term_far_from_the_first_reason_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Look-alikes at the start, the one standing term megabytes on, past runs of zeros:
    every place the bytes may hold a reason gets its stretch."""
    rng = random.Random(3)
    data = _blob(rng, LOOKALIKE) + bytes(3 << 20) + b"\x00religion\x00detectFace\x00"
    assert not extract_screened(data, "", _pf()).clean
    assert extract_screened(data[: -len(b"religion\x00detectFace\x00")], "", _pf()).clean


@pytest.mark.skipif(CC is None, reason="no C compiler")
def test_elf_libraries_screened_and_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real shared library of a face SDK (symbols, UTF-8 and UTF-16 constants) and one
    of look-alikes only (``detect_race_condition``): the same findings either way, and
    the look-alike library's strings pass is not run."""
    assert CC is not None
    monkeypatch.setattr(native, "SCREEN_SHARE", 1.0)  # small libraries: screened all the same
    for src, out in (("face_sdk.c", "libface.so"), ("lookalike.c", "liblook.so")):
        subprocess.run(
            [
                CC,
                "-shared",
                "-fPIC",
                "-O1",
                "-o",
                str(tmp_path / out),
                str(FIXTURES / "native" / src),
            ],
            check=True,
            capture_output=True,
        )
    pf = _pf()
    look = (tmp_path / "liblook.so").read_bytes()
    assert extract_screened(look, "ELF", pf).clean
    assert "detect_race_condition" in {s.member for s in extract_elf(look, "x").segments}
    face = (tmp_path / "libface.so").read_bytes()
    assert list(extract_screened(face, "ELF", pf).segments) == list(extract_elf(face, "x").segments)
    plain = _scan(tmp_path, False, monkeypatch)
    assert plain.findings
    _same(_scan(tmp_path, True, monkeypatch), plain)


def test_symbols_that_cannot_be_read_are_reported_when_screened_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A binary that says it is ELF but whose symbols cannot be read: the entry that
    says so is kept when its strings pass is screened out."""
    monkeypatch.setattr(native, "SCREEN_SHARE", 1.0)
    data = b"\x7fELF" + bytes(60) + b"\x00TRACE_LEVEL\x00" + bytes(64)
    got = extract_screened(data, "ELF", _pf())
    assert got.clean
    assert [r for r, _ in got.skipped] == [r for r, _ in extract_elf(data, "x").skipped]
    assert got.skipped
