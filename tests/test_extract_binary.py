"""Compiled code: Java class files, DEX, ELF, PE, Mach-O and other binaries.

Every fixture is built here from text in this repository (the Java and C sources
under tests/fixtures/, the DEX writer in tests/dexwriter.py) or is a class file
compiled from those sources; none classifies anything."""

from __future__ import annotations

import io
import itertools
import random
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexwriter import DexClass, build_dex
from ethicscan import Capability, ScanOptions, scan
from ethicscan.cli import main
from ethicscan.extract.dex import extract_dex
from ethicscan.extract.javaclass import extract_class, method_signature
from ethicscan.extract.native import extract_binary, extract_elf, extract_macho, extract_pe
from ethicscan.extract.strings import string_runs, strings
from ethicscan.extract.units import Extracted, ExtractError
from ethicscan.kinds import TextKind
from ethicscan.model import Basis, Finding, ScanResult, SkipReason, Trait

FIXTURES = Path(__file__).parent / "fixtures"
JAVA = FIXTURES / "java"
FACE_CLASS = JAVA / "com" / "acme" / "face" / "FaceAttr.class"
LOOK_CLASS = JAVA / "com" / "acme" / "util" / "RaceConditionDetector.class"
CC = shutil.which("cc") or shutil.which("gcc")
JAVAC = shutil.which("javac")


def _scan(root: Path) -> ScanResult:
    return scan([str(root)], ScanOptions(jobs=1))


def _by_member(result: ScanResult) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(f.location.member, []).append(f)
    return out


# -- Java class files ------------------------------------------------------------------
def test_class_file_findings_carry_members(tmp_path: Path) -> None:
    (tmp_path / "FaceAttr.class").write_bytes(FACE_CLASS.read_bytes())
    result = _scan(tmp_path)
    members = _by_member(result)
    ethic = members["com.acme.face.FaceAttr.ethicCode"]
    assert [f.evidence.term for f in ethic] == ["ethicCode"]
    assert ethic[0].capability is Capability.INFERENCE
    assert ethic[0].basis is Basis.BIOMETRIC
    assert ethic[0].evidence.snippet == "public int ethicCode;"
    skin = members["com.acme.face.FaceAttr.getSkinColor"]
    assert skin[0].trait is Trait.SKIN_COLOUR
    assert skin[0].evidence.snippet == "public String getSkinColor()"
    alarm = members["com.acme.face.FaceAttr.ALARM"]
    assert [(f.evidence.term, f.capability) for f in alarm] == [("维族告警", Capability.TARGETING)]
    # a string constant has the byte offset of its text in the class file
    off = alarm[0].location.offset
    assert off is not None
    assert FACE_CLASS.read_bytes()[off:].startswith("维族告警".encode())
    # the constant loaded by describe() is reported under that method
    assert "民族" in {f.evidence.term for f in members["com.acme.face.FaceAttr.describe"]}
    assert result.skipped == ()


def test_lookalike_class_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "RaceConditionDetector.class").write_bytes(LOOK_CLASS.read_bytes())
    result = _scan(tmp_path)
    assert result.findings == ()
    assert result.skipped == ()


def test_class_reads_like_java() -> None:
    out = extract_class(FACE_CLASS.read_bytes(), "FaceAttr.class")
    assert out.kind is TextKind.JAVA
    lines = {s.text: s.member for s in out.segments}
    assert lines["package com.acme.face;"] == "com.acme.face.FaceAttr"
    assert lines["public class FaceAttr"] == "com.acme.face.FaceAttr"
    assert lines["public FaceAttr detectFace(byte[], int, int)"] == (
        "com.acme.face.FaceAttr.detectFace"
    )
    assert lines["private String skinColor;"] == "com.acme.face.FaceAttr.skinColor"
    assert method_signature("([[ILjava/util/Map$Entry;J)[Ljava/lang/String;") == (
        "String[]",
        ["int[][]", "Map.Entry", "long"],
    )


@pytest.mark.skipif(JAVAC is None, reason="no javac")
def test_only_bytecode_that_can_load_a_constant_is_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A method's bytecode is walked for its ldc constants only when it holds an ldc or
    ldc_w byte and the class has a String constant: the same lines either way."""
    from ethicscan.extract import javaclass

    want = [
        (s.text, s.offset, s.member) for s in extract_class(FACE_CLASS.read_bytes(), "F").segments
    ]
    walked: list[bytes] = []
    real = javaclass._ldc_indexes

    def walk(code: bytes) -> list[int]:
        walked.append(code)
        return real(code)

    monkeypatch.setattr(javaclass, "_ldc_indexes", walk)
    cf = javaclass.ClassFile(FACE_CLASS.read_bytes())
    assert walked and all(b"\x12" in c or b"\x13" in c for c in walked)
    assert len(walked) < len(cf.methods)  # (the constructor loads no constant)
    got = [
        (s.text, s.offset, s.member) for s in extract_class(FACE_CLASS.read_bytes(), "F").segments
    ]
    assert got == want and any(s.startswith('"') for s, _o, _m in got)


def test_javac_output_matches_the_committed_class_files(tmp_path: Path) -> None:
    sources = [str(p) for p in sorted(JAVA.rglob("*.java"))]
    subprocess.run(
        [str(JAVAC), "--release", "8", "-g:none", "-d", str(tmp_path), *sources],
        check=True,
        capture_output=True,
    )
    for committed in (FACE_CLASS, LOOK_CLASS):
        fresh = tmp_path / committed.relative_to(JAVA)
        got = extract_class(fresh.read_bytes(), fresh.name)
        want = extract_class(committed.read_bytes(), committed.name)
        assert [(s.text, s.member) for s in got.segments] == [
            (s.text, s.member) for s in want.segments
        ]


def test_class_in_a_jar_in_a_zip(tmp_path: Path) -> None:
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("com/acme/face/FaceAttr.class", FACE_CLASS.read_bytes())
        z.writestr("com/acme/util/RaceConditionDetector.class", LOOK_CLASS.read_bytes())
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        z.writestr("lib/face.jar", jar.getvalue())
    result = _scan(tmp_path)
    paths = {(f.location.path, f.location.member) for f in result.findings}
    inner = "outer.zip!lib/face.jar!com/acme/face/FaceAttr.class"
    assert (inner, "com.acme.face.FaceAttr.ethicCode") in paths
    assert {p for p, _ in paths} == {inner}  # the look-alike class gives nothing


# -- DEX -------------------------------------------------------------------------------
FACE_DEX = [
    DexClass(
        "Lcom/acme/face/FaceAttr;",
        fields=[("age", "I"), ("ethicCode", "I"), ("skinColor", "Ljava/lang/String;")],
        methods=[
            ("detectFace", "Lcom/acme/face/FaceAttr;", ["[B", "I", "I"]),
            ("getSkinColor", "Ljava/lang/String;", []),
        ],
    )
]
LOOK_DEX = [
    DexClass(
        "Lcom/acme/util/RaceConditionDetector;",
        fields=[("traceId", "Ljava/lang/String;"), ("skinTheme", "I")],
        methods=[("detectRaceCondition", "Z", ["Ljava/lang/Thread;"])],
    )
]


def test_dex_findings(tmp_path: Path) -> None:
    data = build_dex(FACE_DEX, ["维族告警", "models/face_attr.bin"])
    (tmp_path / "classes.dex").write_bytes(data)
    result = _scan(tmp_path)
    members = _by_member(result)
    assert members["com.acme.face.FaceAttr.ethicCode"][0].capability is Capability.INFERENCE
    assert members["com.acme.face.FaceAttr.getSkinColor"][0].trait is Trait.SKIN_COLOUR
    alarm = [f for f in result.findings if f.evidence.term == "维族告警"]
    assert len(alarm) == 1 and alarm[0].capability is Capability.TARGETING
    off = alarm[0].location.offset
    assert off is not None and data[off + 1 :].startswith("维族告警".encode())  # after its length


def test_dex_reads_declarations() -> None:
    out = extract_dex(build_dex(FACE_DEX), "classes.dex")
    lines = [(s.text, s.member) for s in out.segments]
    assert ("public class FaceAttr", "com.acme.face.FaceAttr") in lines
    assert ("FaceAttr detectFace(byte[], int, int)", "com.acme.face.FaceAttr.detectFace") in lines
    assert ("String skinColor;", "com.acme.face.FaceAttr.skinColor") in lines


def test_a_dex_file_is_read_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle collector does not run while a DEX file's tables and segments are
    made (they hold no cycle), and runs again after, whether it was read or not."""
    import gc

    from ethicscan.extract import dex

    seen: list[bool] = []
    real = dex.dex_segments

    def segments(d: dex.DexFile) -> object:
        seen.append(gc.isenabled())
        return real(d)

    monkeypatch.setattr(dex, "dex_segments", segments)
    assert gc.isenabled()
    data = build_dex(FACE_DEX)
    assert extract_dex(data, "classes.dex").segments
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ExtractError):
        extract_dex(data[:200], "classes.dex")  # tables past the end of the file
    assert gc.isenabled()
    gc.disable()
    try:
        extract_dex(data, "classes.dex")
        assert not gc.isenabled()  # (left as it was found)
    finally:
        gc.enable()


def test_lookalike_dex_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "classes.dex").write_bytes(build_dex(LOOK_DEX, ["race condition in trace"]))
    result = _scan(tmp_path)
    assert result.findings == () and result.skipped == ()


# -- native ----------------------------------------------------------------------------
def _cc(tmp_path: Path, source: str, out: str) -> Path:
    assert CC is not None
    target = tmp_path / out
    subprocess.run(
        [CC, "-shared", "-fPIC", "-O1", "-o", str(target), str(FIXTURES / "native" / source)],
        check=True,
        capture_output=True,
    )
    return target


@pytest.mark.skipif(CC is None, reason="no C compiler")
def test_elf_symbols_and_strings(tmp_path: Path) -> None:
    lib = _cc(tmp_path, "face_sdk.c", "libface.so")
    data = lib.read_bytes()
    result = _scan(tmp_path)
    members = _by_member(result)
    sym = members["face_get_skin_color"][0]
    assert sym.trait is Trait.SKIN_COLOUR and sym.capability is Capability.INFERENCE
    assert sym.location.offset is not None and 0 < sym.location.offset < len(data)
    by_term = {f.evidence.term: f for f in result.findings}
    # UTF-8 string constant: the offset is where the string starts
    zh = by_term["民族"]
    assert zh.location.offset is not None
    assert data[zh.location.offset :].startswith("人脸属性: 民族 肤色".encode())
    # UTF-16LE string constant (u"..."), a targeting term
    alarm = by_term["维族告警"]
    assert alarm.capability is Capability.TARGETING
    assert alarm.location.offset is not None
    assert data[alarm.location.offset :].startswith("维族告警".encode("utf-16-le"))
    wide = by_term["SkinColor"]
    assert wide.location.offset is not None
    assert data[wide.location.offset :].startswith("SkinColor estimate".encode("utf-16-le"))
    assert result.skipped == ()
    # cut short, its symbols cannot be read (the section headers are at the end)
    cut = extract_elf(data[: len(data) - 100], "libface.so")
    assert [reason for reason, _ in cut.skipped] == [SkipReason.CORRUPT]
    assert "人脸属性: 民族 肤色" in {s.text for s in cut.segments}  # but its strings can


@pytest.mark.skipif(CC is None, reason="no C compiler")
def test_lookalike_elf_has_no_findings(tmp_path: Path) -> None:
    lib = _cc(tmp_path, "lookalike.c", "liblook.so")
    out = extract_elf(lib.read_bytes(), "liblook.so")
    assert "detect_race_condition" in {s.member for s in out.segments}  # it was read
    result = _scan(tmp_path)
    assert result.findings == () and result.skipped == ()


def test_mangled_cpp_names_and_strings_in_any_binary(tmp_path: Path) -> None:
    blob = b"\x00\x01\x02\xff".join(
        [
            b"\x13\x37",
            b"_ZN4Face12getSkinColorEv",
            b"FaceAttr",
            b"detectFace",
            b"ethicCode",
            b"race",
            "维族".encode(),
            b"\x99",
        ]
    )
    (tmp_path / "face.bin").write_bytes(blob)
    result = _scan(tmp_path)
    by_term = {f.evidence.term: f for f in result.findings}
    skin = by_term["SkinColor"]
    assert skin.capability is Capability.INFERENCE and skin.basis is Basis.BIOMETRIC
    assert skin.location.offset == blob.index(b"_ZN4Face")
    assert by_term["ethicCode"].capability is Capability.INFERENCE
    assert by_term["维族"].location.offset == blob.index("维族".encode())


def test_lookalike_strings_in_a_binary_give_nothing(tmp_path: Path) -> None:
    words = [b"race condition", b"traceId", b"skin_theme", b"nationality", b"SkinTheme"]
    words += [b"RaceConditionDetector", b"getNationality", b"backtrace"]
    (tmp_path / "tool.bin").write_bytes(b"\x00\x01\x02\x00".join(words) + b"\x00\xff")
    result = _scan(tmp_path)
    assert result.findings == () and result.skipped == ()


def _macho(symbols: list[tuple[str, int]]) -> bytes:
    """A 64-bit little-endian Mach-O with one segment and a symbol table."""
    header = 32
    seg_cmd, sym_cmd = 72, 24
    text_off = header + seg_cmd + sym_cmd
    text = b"\x90" * 64
    names = b"\x00" + b"".join(n.encode() + b"\x00" for n, _ in symbols)
    symoff = text_off + len(text)
    stroff = symoff + 16 * len(symbols)
    nlist, strx = b"", 1
    for name, value in symbols:
        nlist += struct.pack("<IBBHQ", strx, 0x0F, 1, 0, 0x1000 + value)
        strx += len(name) + 1
    out = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 6, 2, seg_cmd + sym_cmd, 0, 0)
    out += struct.pack(
        "<II16sQQQQiiII",
        0x19,
        seg_cmd,
        b"__TEXT",
        0x1000,
        len(text),
        text_off,
        len(text),
        5,
        5,
        0,
        0,
    )
    out += struct.pack("<IIIIII", 0x2, sym_cmd, symoff, len(symbols), stroff, len(names))
    return out + text + nlist + names


def test_macho_symbols() -> None:
    data = _macho([("_face_get_skin_color", 16), ("_face_detect", 0)])
    out = extract_macho(data, "libface.dylib")
    assert out.skipped == ()
    syms = {s.member: s.offset for s in out.segments if s.member}
    text_off = 32 + 72 + 24
    assert syms == {"_face_detect": text_off, "_face_get_skin_color": text_off + 16}
    assert "_face_get_skin_color" not in {s.text for s in out.segments if not s.member}


def test_universal_macho_symbols_of_each_slice() -> None:
    thin = _macho([("_face_get_skin_color", 16)])
    base = 4096
    fat = struct.pack(">II", 0xCAFEBABE, 1) + struct.pack(
        ">iiIII", 0x01000007, 3, base, len(thin), 12
    )
    data = fat + bytes(base - len(fat)) + thin
    out = extract_macho(data, "FaceSDK")
    assert out.skipped == ()
    assert {s.member: s.offset for s in out.segments if s.member} == {
        "_face_get_skin_color": base + 32 + 72 + 24 + 16
    }


def _pe_dll(exports: list[str], extra: bytes) -> bytes:
    """A PE32+ DLL with one section holding an export table and ``extra`` bytes."""
    rva, raw = 0x1000, 0x200
    names_at = 40 + 10 * len(exports)  # directory, functions, names, ordinals
    strings, name_rvas = b"face.dll\x00", []
    for name in exports:
        name_rvas.append(rva + names_at + len(strings))
        strings += name.encode() + b"\x00"
    code_at = 0x100
    n = len(exports)
    body = struct.pack(
        "<IIHHIIIIIII",
        0,
        0,
        0,
        0,
        rva + names_at,
        1,
        n,
        n,
        rva + 40,
        rva + 40 + 4 * n,
        rva + 40 + 8 * n,
    )
    body += b"".join(struct.pack("<I", rva + code_at + 16 * i) for i in range(n))
    body += b"".join(struct.pack("<I", r) for r in name_rvas)
    body += b"".join(struct.pack("<H", i) for i in range(n))
    body += strings
    body += bytes(code_at - len(body)) + b"\xc3" * 16 * n + extra
    body += bytes(-len(body) % 0x200)
    dos = b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40)
    coff = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x2022)
    opt = struct.pack(
        "<HBBIIIIIQIIHHHHHHIIIIHHQQQQII",
        0x20B,
        14,
        0,
        0,
        len(body),
        0,
        0,
        rva,
        0x180000000,
        0x1000,
        0x200,
        6,
        0,
        0,
        0,
        6,
        0,
        0,
        rva + 0x1000,
        raw,
        0,
        2,
        0,
        0x100000,
        0x1000,
        0x100000,
        0x1000,
        0,
        16,
    )
    opt += struct.pack("<II", rva, names_at + len(strings)) + bytes(8 * 15)
    section = struct.pack(
        "<8sIIIIIIHHI", b".rdata", len(body), rva, len(body), raw, 0, 0, 0, 0, 0x40000040
    )
    head = dos + coff + opt + section
    return head + bytes(raw - len(head)) + body


def test_pe_exports_and_wide_strings(tmp_path: Path) -> None:
    alarm = "维族告警".encode("utf-16-le") + b"\x00\x00"
    data = _pe_dll(["FaceDetect", "FaceGetSkinColor", "FaceGetEthicCode"], b"\x00\x00" + alarm)
    out = extract_pe(data, "face.dll")
    assert out.skipped == ()
    syms = {s.member: s.offset for s in out.segments if s.member}
    assert set(syms) == {"FaceDetect", "FaceGetSkinColor", "FaceGetEthicCode"}
    assert data[syms["FaceDetect"]] == 0xC3  # the first byte of the exported code
    (tmp_path / "face.dll").write_bytes(data)
    result = _scan(tmp_path)
    members = _by_member(result)
    assert members["FaceGetSkinColor"][0].capability is Capability.INFERENCE
    alarms = [f for f in result.findings if f.evidence.term == "维族告警"]
    assert alarms and data[alarms[0].location.offset or 0 :].startswith(alarm)


@pytest.mark.parametrize("kind", ["ELF", "PE"])
def test_a_binarys_bytes_are_not_kept_by_its_symbol_reader(kind: str, tmp_path: Path) -> None:
    """The symbol readers' objects refer to each other (pyelftools' sections to their
    file, pefile's to the PE): what of them refers to the binary's bytes is let go when
    its symbols are read, or a 35 MB library stayed in a worker's memory until the
    cycle collector's next full pass (32 MB each, ELF after ELF)."""
    import gc
    import sys

    if kind == "ELF":
        if CC is None:
            pytest.skip("no C compiler")
        data = _cc(tmp_path, "face_sdk.c", "libface.so").read_bytes()
        read = extract_elf
    else:
        data = _pe_dll(["FaceDetect", "FaceGetSkinColor"], b"\x00\x00")
        read = extract_pe
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(data)
        out = read(data, "lib")
        assert any(s.member for s in out.segments) and out.skipped == ()
        assert sys.getrefcount(data) == before
    finally:
        gc.enable()


# -- corrupt and random input ----------------------------------------------------------
def _elf_with_missing_sections() -> bytes:
    ident = b"\x7fELF\x02\x01\x01" + b"\x00" * 9
    rest = struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, 0x100000, 0, 64, 56, 0, 64, 30, 29)
    return ident + rest + b"\x00\x00face_get_skin_color\x00detectFace\x00"


def test_truncated_and_corrupt_files_are_skipped_as_corrupt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Cut.class").write_bytes(FACE_CLASS.read_bytes()[:300])
    (tmp_path / "cut.dex").write_bytes(build_dex(FACE_DEX)[:200])
    (tmp_path / "bad.so").write_bytes(_elf_with_missing_sections())
    (tmp_path / "bad.dll").write_bytes(b"MZ\x90\x00" + b"\x00" * 56 + b"detectFace ethicCode\x00")
    result = _scan(tmp_path)
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons == {
        "Cut.class": SkipReason.CORRUPT,
        "cut.dex": SkipReason.CORRUPT,
        "bad.so": SkipReason.CORRUPT,
        "bad.dll": SkipReason.CORRUPT,
    }
    # a binary whose symbols cannot be read still has its strings read
    assert {f.location.path for f in result.findings} >= {"bad.so", "bad.dll"}
    assert main(["scan", str(tmp_path), "-j", "1", "--fail-on", "never"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    "prefix",
    [
        b"",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x34",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
        b"dex\n035\x00",
        b"\x7fELF\x02\x01\x01\x00",
        b"MZ",
        b"MZ" + bytes(58) + b"\x40\x00\x00\x00PE\x00\x00",
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
    ],
    ids=lambda prefix: prefix[:4].hex() + (f"-{len(prefix)}" if len(prefix) > 4 else ""),
)
def test_random_bytes_never_raise(prefix: bytes) -> None:
    rng = random.Random(20261127 + len(prefix))
    extractors = (extract_class, extract_dex, extract_elf, extract_pe, extract_macho)
    for _ in range(60):
        data = prefix + rng.randbytes(rng.randrange(0, 400))
        for ext in (*extractors, extract_binary):
            try:
                out = ext(data, "x")
            except ExtractError as exc:
                assert ext in (extract_class, extract_dex)
                assert exc.reason is SkipReason.CORRUPT
                continue
            assert isinstance(out, Extracted)


# -- the strings pass ------------------------------------------------------------------
def test_strings_offsets_and_encodings() -> None:
    parts = [
        b"\x01\x02",
        b"face_get_skin_color\x00",
        "告警: 维族 %d\x00".encode(),
        b"\x00\x00" + "维族告警".encode("utf-16-le") + b"\x00\x00",
        "SkinColor".encode("utf-16-le") + b"\x01\x02",
        b"ab\x00cd\x00",  # too short
        b"one\x00two\x00six\x00ten\x00\x00\x00",  # ASCII, never read as UTF-16 ideographs
    ]
    data = b"".join(parts)
    found, cut = strings(data)
    assert not cut
    got = {s.text: s.offset for s in found}
    assert got == {
        "face_get_skin_color": 2,
        "告警: 维族 %d": data.index("告警".encode()),
        "维族告警": data.index("维族告警".encode("utf-16-le")),
        "SkinColor": data.index("SkinColor".encode("utf-16-le")),
    }


def test_strings_skip_and_long_runs() -> None:
    long = b"detectFace" * 1000
    found, _ = strings(b"\x00" + long + b"\x00ethicCode\x00", skip={"ethicCode"})
    assert [s.offset for s in found] == [1, 1 + 4096, 1 + 8192]
    assert "".join(s.text for s in found) == long.decode()


# -- how the classifier reads a binary's strings ---------------------------------------
def _binary(strings_: list[bytes]) -> bytes:
    return b"\x00\x01\x02" + b"\x00\x9f".join(strings_) + b"\x00\xff"


def test_context_in_a_binary_is_the_strings_around_a_hit(tmp_path: Path) -> None:
    face = [b"FaceAttr", b"detectFace", b"ethicCode", b"faceQuality", b"face_align_model"]
    filler = [f"config_option_{i:03d}".encode() for i in range(120)]
    (tmp_path / "near.bin").write_bytes(_binary([*face, b"religion", *filler]))
    (tmp_path / "far.bin").write_bytes(_binary([*face, *filler, b"religion"]))
    result = _scan(tmp_path)
    religion = {f.location.path: f for f in result.findings if f.evidence.term == "religion"}
    ethic = {f.location.path: f for f in result.findings if f.evidence.term == "ethicCode"}
    assert ethic["near.bin"].capability is ethic["far.bin"].capability is Capability.INFERENCE
    # next to the face SDK's names: a field of face data; a module away: a record
    assert religion["near.bin"].capability is Capability.INFERENCE
    assert religion["far.bin"].capability is Capability.RECORD


def test_a_keyword_table_in_a_binary_is_not_context(tmp_path: Path) -> None:
    names = [b"smiling face", b"grinning face", b"waving hand", b"thumbs up", b"footprints"]
    names += [b"light skin tone", b"skin tone", b"type 1", b"medium skin tone", b"skin tone"]
    names += [b"dark skin tone", b"skin tone", b"type 6", b"church", b"christian", b"religion"]
    names += [b"mosque", b"islam", b"muslim", b"religion", b"hindu temple", b"hindu"]
    (tmp_path / "glyphs.bin").write_bytes(_binary(names))
    assert _scan(tmp_path).findings == ()


def test_a_cpp_symbol_is_evidence_as_its_source_spells_it(tmp_path: Path) -> None:
    """A mangled name matches by its words and shows demangled in the evidence; a name a
    demangler cannot read shows as it is."""
    blob = b"\x00\x01\x02\xff".join(
        [
            b"\x13\x37",
            b"_ZN4acme10FaceEngine16GetRaceEstimatesEv",
            b"_ZN4acme10FaceEngine16GetRaceEstimatesE!!",  # broken: not an ABI name
            b"detectFace",
            b"\x99",
        ]
    )
    (tmp_path / "libacme.bin").write_bytes(blob)
    result = _scan(tmp_path)
    by_offset = {f.location.offset: f for f in result.findings if f.trait is Trait.RACE}
    good = by_offset[blob.index(b"_ZN4acme10FaceEngine16GetRaceEstimatesEv")]
    assert "acme::FaceEngine::GetRaceEstimates()" in good.evidence.snippet
    broken = by_offset[blob.index(b"_ZN4acme10FaceEngine16GetRaceEstimatesE!!")]
    assert "_ZN4acme10FaceEngine16GetRaceEstimatesE" in broken.evidence.snippet


def _strings_blob(rng: random.Random, size: int) -> bytes:
    """Random bytes with the shapes the strings pass tells apart planted in them."""
    pieces = [
        b"face_get_skin_color\x00",
        b"%d, %s: detectFace",
        "人脸属性: 民族 肤色\x00".encode(),
        "告警 维族 ok".encode() + b"\xff",
        "维族告警".encode("utf-16-le") + b"\x00\x00",
        b"\x00" + "SkinColor race".encode("utf-16-le") + b"\x01",
        b"one\x00two\x00six\x00ten\x00\x00\x00",
        "民族".encode() + b"\x80\x00",  # a UTF-8 run with a stray byte: not clean
        b"12345678 ---- " * rng.randint(1, 400) + b"abcd",  # a long run before its letters
        b"x" * rng.randint(4000, 9000),  # cut into pieces
        "肤色".encode("utf-16-le") * rng.randint(1, 3000) + b"\x00\x00",
        bytes(rng.randint(0, 64)),
    ]
    out = bytearray()
    while len(out) < size:
        if rng.random() < 0.4:
            out += rng.choice(pieces)
        else:
            alphabet = rng.choice(
                [b"\x00\x00AaZz_ 9", b"\x00\xe4\xb8\xad\x80 ab", bytes(range(256))]
            )
            out += bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))
    return bytes(out)


@pytest.mark.parametrize("seed", range(24))
def test_strings_equal_the_reference_pass(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectorised strings pass finds the same strings at the same offsets, and is
    cut by its caps at the same string, as the first, byte-at-a-time one."""
    import strings_reference
    from ethicscan.extract import strings as fast

    rng = random.Random(seed)
    data = _strings_blob(rng, rng.choice([300, 5_000, 60_000]))
    skip = {"face_get_skin_color", "xxxx"} if seed % 2 else set()
    if seed % 3 == 0:  # caps small enough to be reached
        for mod in (fast, strings_reference):
            monkeypatch.setattr(mod, "MAX_CHARS", 3_000)
            monkeypatch.setattr(mod, "MAX_STRINGS", 40)
    if seed % 2 == 0:  # stretches read one at a time, cut at every run of zeros
        monkeypatch.setattr(fast, "WINDOW", 1 + seed * 7)
    if seed % 4 == 1:  # batches of a few strings, UTF-8 and UTF-16 ones too
        monkeypatch.setattr(fast, "BATCH", 1 + seed // 4)
    if seed % 3 == 1:  # the ASCII pass's pieces cut at nearly every byte that is not text
        monkeypatch.setattr(fast, "PIECE", 1 + seed // 3)
    if seed % 4 == 2:  # the UTF-16 ASCII search started again near each run of letters
        monkeypatch.setattr(fast, "LETTERS_GAP", seed // 4)
    got, got_cut = fast.strings(data, skip)
    want, want_cut = strings_reference.strings(data, skip)
    assert [(s.text, s.offset) for s in got] == [(s.text, s.offset) for s in want]
    assert got_cut == want_cut


_U16_UNITS = [
    *"ABCxyz_ 09,.\t",  # ASCII units: letters and other printable ones
    "\u4e00",
    "\u6c11",
    "\u65cf",
    "\u9fff",
    "\u4e41",
    "\u7e7e",  # CJK, some ASCII-like
    "\u3000",
    "\u3041",
    "\u30a2",
    "\u3040",
    "\u3097",  # U+3040, U+3097: unassigned
    "\u8c01",
    "\u9f0f",
    "\u3020",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(_U16_UNITS), min_size=2, max_size=12).map("".join),
        max_size=20,
    )
)
def test_utf16_runs_are_judged_together_as_one_by_one(runs: list[str]) -> None:
    """The NUL-ended UTF-16 runs of a stretch are judged text or not decoded and
    checked together, as each is alone: with CJK or without, with an unassigned
    character among them (checked one by one) or not."""
    from ethicscan.extract import strings as fast

    data = b"\x01"
    starts, ends = [], []
    for run in runs:
        starts.append(len(data))
        data += run.encode("utf-16-le")
        ends.append(len(data))
        data += b"\x00\x00\x07"
    want = [fast._utf16_text(data[s:e]) for s, e in zip(starts, ends, strict=True)]
    assert fast._utf16_texts(data, starts, ends) == want


@pytest.mark.parametrize("gap", [0, 3, 4096])
def test_utf16_ascii_runs_near_letters_are_those_of_the_whole_search(
    gap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searched only near units of letters, the UTF-16 ASCII pass finds, among the
    runs that hold such units, the same runs at the same places as searched whole."""
    from ethicscan.extract import strings as fast

    monkeypatch.setattr(fast, "LETTERS_GAP", gap)
    rng = random.Random(gap)
    for _ in range(200):
        classes = bytes(rng.choice(b"ZZZWWA.") for _ in range(rng.randint(0, 400)))
        if rng.random() < 0.3:
            classes += bytes(300) + classes  # (a long run of NUL classes is skipped)
        classes = classes.replace(b"\x00", b"Z")

        whole = _lettered(classes, fast._between_zeros(fast._U16_ASCII, classes, 1, 1))
        assert _lettered(classes, fast._u16_ascii_near_letters(classes)) == whole


def _lettered(classes: bytes, matches: Iterator[re.Match[bytes]]) -> list[tuple[int, int]]:
    from ethicscan.extract.strings import _LETTER_UNITS

    spans = [m.span() for m in matches]
    return [(s, e) for s, e in spans if _LETTER_UNITS in classes[max(0, s - 1) : e]]


_UTF8_PIECES = [
    "民族".encode(),
    "肤色".encode(),
    "维族告警: %d".encode(),
    "é".encode(),
    "\U0001f600".encode(),  # astral
    "\u200b".encode(),  # a format character: not clean
    b"\xe0\x80\x80",  # overlong
    b"\xed\xa0\x80",  # a surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xc0\x80",
    b"\x80",
    b"\xe4\xb8",  # cut short
    b"race ",
    b"\x00",
    b"\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_UTF8_PIECES), max_size=40).map(b"".join))
def test_utf8_runs_decoded_joined_are_those_of_the_reference(data: bytes) -> None:
    """UTF-8 runs decoded joined (then split where one is not clean) give the strings
    each run decoded alone gives: with bytes no decoder takes among them too."""
    import strings_reference
    from ethicscan.extract import strings as fast

    want = [(s.text, s.offset) for s in strings_reference.strings(data)[0]]
    assert [(s.text, s.offset) for s in fast.strings(data)[0]] == want


def test_a_binarys_strings_join_as_the_same_segments_would() -> None:
    """A binary's strings kept as texts and offsets (StringRuns) join into the same
    text, lines and segments as a tuple of the same segments; a segment with a line
    break still counts its lines."""
    from ethicscan.extract.units import Segment, StringRuns, TextUnit

    data = _strings_blob(random.Random(7), 20_000)
    head = (Segment("_ZN4Face4skinEv", offset=16, member="_ZN4Face4skinEv"),)
    runs = StringRuns(head, string_runs(data))
    plain = (*head, *strings(data)[0])
    assert not any("\n" in s.text or "\r" in s.text for s in plain)
    assert list(runs) == list(plain) and runs == plain and len(runs) == len(plain)
    assert runs[-1] == plain[-1] and runs[1:3] == list(plain[1:3])
    lazy, whole = (TextUnit.joined("a.so", Extracted(s)) for s in (runs, plain))
    assert (lazy.text, tuple(lazy.starts)) == (whole.text, tuple(whole.starts))
    assert lazy.origin(len(plain)) == whole.origin(len(plain)) == (1, plain[-1])
    broken = (Segment("a\r\nb"), Segment("c"), Segment("d\re"))
    unit = TextUnit.joined("x", Extracted(broken))
    assert (unit.text, unit.starts) == ("a\nb\nc\nd\ne", (0, 2, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab \r\n\u2028"), max_size=8))
def test_segments_join_into_the_lines_each_one_gives(texts: list[str]) -> None:
    """Segments with no line break join in one step as line by line: a line each; with
    line breaks (\\r, \\r\\n, \\n), each starts where the breaks before it say."""
    from ethicscan.extract.units import Segment, TextUnit

    segs = tuple(Segment(t) for t in texts)
    unit = TextUnit.joined("x", Extracted(segs))
    pieces = [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts]
    starts = list(itertools.accumulate((p.count("\n") + 1 for p in pieces), initial=0))
    assert (unit.text, tuple(unit.starts)) == ("\n".join(pieces), tuple(starts[:-1]))
    assert isinstance(unit.starts, tuple) and unit.segments == segs


def test_modified_utf8_of_ascii_is_the_same_as_the_general_reading() -> None:
    """mutf8 reads an ASCII name straight; any name reads as the general path reads it."""
    from ethicscan.extract.javaclass import mutf8

    def general(raw: bytes) -> str:
        text = raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")

    rng = random.Random(3)
    pieces = [b"getSkinColor", b"\x00", b"\xc0\x80", "民族".encode(), b"\xed\xa0\xbd\xed\xb8\x80"]
    for _ in range(500):
        raw = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert mutf8(raw) == general(raw)
    assert mutf8(b"\xed\xa0\xbd\xed\xb8\x80") == "\U0001f600"  # a surrogate pair joined


def _symbols_both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    from ethicscan.extract import native

    out: list[object] = []
    for fast in (True, False):
        monkeypatch.setattr(native, "FAST_ELF_SYMBOLS", fast)
        try:
            out.append([(s.text, s.offset, s.member) for s in native._elf_symbols(data)])
        except native._NamesRepeat as exc:
            out.append(("names repeat", exc.symbols))
        except Exception as exc:  # the same failure either way
            out.append((type(exc).__name__, str(exc)))
    return out


@pytest.mark.skipif(CC is None, reason="no C compiler")
def test_elf_symbols_read_a_table_at_a_time_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Symbol tables read with struct give the names, kinds and offsets pyelftools
    gives symbol by symbol, on a library, on the system's C library, and on copies
    with bytes changed at random (whatever either reader makes of them)."""
    data = _cc(tmp_path, "face_sdk.c", "libface.so").read_bytes()
    libc = Path("/usr/lib/x86_64-linux-gnu/libc.so.6")
    inputs = [data, *([libc.read_bytes()] if libc.is_file() else [])]
    rng = random.Random(11)
    for _ in range(20):
        changed = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        inputs.append(bytes(changed))
    for raw in inputs:
        fast, slow = _symbols_both_ways(raw, monkeypatch)
        assert fast == slow
    fast, _ = _symbols_both_ways(data, monkeypatch)
    assert ("face_get_skin_color", "face_get_skin_color") in {(t, m) for t, _o, m in fast}  # type: ignore[misc]


def test_strings_between_long_runs_of_zeros_equal_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The UTF-16 passes skip runs of zeros (a section's padding) without losing a
    string that ends or starts at their edge."""
    import strings_reference
    from ethicscan.extract import strings as fast

    zeros = bytes(5000)
    parts = [
        zeros,
        "维族告警".encode("utf-16-le"),
        zeros,
        b"x" + "SkinColor race".encode("utf-16-le"),
        zeros,
        "A\x00B".encode("utf-16-le") + b"\x00" + "race_face".encode("utf-16-le"),
        bytes(3),
        "肤色 skin".encode("utf-16-le"),
        zeros,
    ]
    data = b"".join(parts)
    want = [(s.text, s.offset) for s in strings_reference.strings(data)[0]]
    assert {"维族告警", "SkinColor race"} <= {t for t, _ in want}
    for window in (1 << 20, 1, 4999, 5001, 5005):  # stretches cut at the runs of zeros
        monkeypatch.setattr(fast, "WINDOW", window)
        assert [(s.text, s.offset) for s in fast.strings(data)[0]] == want


def test_data_without_runs_of_zeros_is_read_in_stretches_as_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A binary with no run of four zeros (a pickle of names) is cut between two bytes
    that no string holds, so only a stretch's byte classes are held; the strings are
    those of the reference pass, UTF-16 units next to such bytes too."""
    import strings_reference
    from ethicscan.extract import strings as fast

    rng = random.Random(5)
    pieces = [
        b"X\x0f\x00\x00\x00Abraham Lincolnq\x01]q\x02",
        b"\x8c\x08Americanq\x03\x94",
        "\x01\x02人脸属性: 民族\x1f\xff".encode(),
        b"\xfe" + "维族告警".encode("utf-16-le") + b"\x00\x00\xc0\xc1",
        b"\x05" + "\u4e01\u4e05".encode("utf-16-le") + b"\x00\x00\x06\x07",  # low bytes 01, 05
        b"\x1f" + "\u8c01\u8c05".encode("utf-16-le") + b"\x00\x00\x07\x08",  # high bytes 8C
        "SkinColor race".encode("utf-16-le") + b"\x01\x1f",
        bytes(rng.randint(1, 255) for _ in range(40)),
    ]
    data = b"".join(rng.choice(pieces) for _ in range(3000))
    assert b"\x00\x00\x00\x00" not in data
    want = [(s.text, s.offset) for s in strings_reference.strings(data)[0]]
    assert {"维族告警", "SkinColor race", "Abraham Lincolnq"} <= {t for t, _ in want}
    for window in (1, 7, 100, 4099):
        monkeypatch.setattr(fast, "WINDOW", window)
        assert len(list(fast._windows(data))) > len(data) // (window + 4096)
        assert [(s.text, s.offset) for s in fast.strings(data)[0]] == want
    # many UTF-8 and UTF-16 strings among few ASCII ones: merged a piece at a time
    data = b"".join(
        rng.choice(pieces[2:6]) if rng.random() < 0.97 else pieces[0] for _ in range(3000)
    )
    want = [(s.text, s.offset) for s in strings_reference.strings(data)[0]]
    for batch in (1, 2, 7, 1 << 16):
        monkeypatch.setattr(fast, "BATCH", batch)
        assert [(s.text, s.offset) for s in fast.strings(data)[0]] == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_a_constant_is_written_as_json_dumps_writes_it(text: str) -> None:
    """Class and DEX constants are written by the JSON string encoder itself, as
    ``json.dumps(text, ensure_ascii=False)`` writes them (lone surrogates and control
    characters too)."""
    import json

    from ethicscan.extract.javaclass import _literal

    assert _literal(text) == json.dumps(text, ensure_ascii=False)
