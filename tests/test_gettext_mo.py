"""Compiled gettext catalogues are read as the .po source they came from."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from ethicscan import Capability, ScanOptions, Severity, scan
from ethicscan.extract.formats import Format, identify
from ethicscan.model import SkipReason


def mo_bytes(messages: dict[str, str]) -> bytes:
    """A little-endian .mo file, as msgfmt writes it."""
    keys = sorted(messages)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(messages[k].encode() + b"\0" for k in keys)
    n = len(keys)
    start = 7 * 4 + 16 * n
    koffsets, voffsets = [], []
    pos = 0
    for k in keys:
        koffsets.append((len(k.encode()), start + pos))
        pos += len(k.encode()) + 1
    pos = 0
    for k in keys:
        voffsets.append((len(messages[k].encode()), start + len(ids) + pos))
        pos += len(messages[k].encode()) + 1
    head = struct.pack("<Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    table = b"".join(struct.pack("<ii", *o) for o in koffsets + voffsets)
    return head + table + ids + strs


HEADER = "Content-Type: text/plain; charset=UTF-8\n"


def test_language_list_is_not_a_person_attribute(tmp_path: Path) -> None:
    mo = mo_bytes({"": HEADER, "Uyghur": "Uyğur", "Tibetan": "Tibet", "Save": "Saxla"})
    assert identify("django.mo", mo[:64])[0] is Format.GETTEXT
    (tmp_path / "django.mo").write_bytes(mo)
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert not [f for f in result.findings if f.severity.rank >= Severity.HIGH.rank]
    assert result.skipped == ()


def test_alarm_string_in_an_app_catalogue_is_found(tmp_path: Path) -> None:
    mo = mo_bytes({"": HEADER, "Uyghur alarm": "维族告警", "Face capture": "人脸抓拍"})
    (tmp_path / "camera.mo").write_bytes(mo)
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    caps = {f.capability for f in result.findings}
    assert Capability.TARGETING in caps
    assert {f.location.path for f in result.findings} == {"camera.mo"}


def test_corrupt_catalogue_is_skipped(tmp_path: Path) -> None:
    mo = mo_bytes({"": HEADER, "Uyghur": "Uyğur"})
    (tmp_path / "cut.mo").write_bytes(mo[:-4])  # its last string runs past the end
    assert b"Uyghur" in mo[:-4]
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert [s.reason for s in result.skipped] == [SkipReason.CORRUPT]


def test_catalogue_with_no_term_in_its_bytes_is_read_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its strings are its bytes: when no term is in the bytes (the prefilter reads
    them all, in every encoding), none can be in the strings, corrupt or not.  (A small
    scan reads without the prefilter: it parses the file and reports it corrupt.)"""
    from ethicscan import api

    monkeypatch.setattr(api, "SMALL_SCAN_FILES", 0)  # through the prefilter
    mo = mo_bytes({"": HEADER, "Save": "Saxla"})
    (tmp_path / "cut.mo").write_bytes(mo[:-4])
    (tmp_path / "whole.mo").write_bytes(mo)
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert result.skipped == () and result.findings == ()
    assert result.stats.files == 2
