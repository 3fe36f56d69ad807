"""Archives are read recursively, in memory or in a private temp folder, with limits;
everything refused is a skipped entry with its reason and the rest is still read."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.extract.formats import Format, identify, inner_name
from ethicscan.model import ScanResult, SkipReason

FACE_JAVA = (
    "package com.acme.face;\n"
    "/** Face attribute analysis result. */\n"
    "public class FaceAttr {\n"
    "    private int age;\n"
    "    private int ethicCode;      // 民族\n"
    "    private String skinColor;   // 肤色\n"
    "}\n"
).encode()
LOOKALIKE = b"// avoid a race condition when two threads trace the request\nint traceId;\n"


def zip_bytes(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def tar_bytes(members: list[tuple[str, bytes]], links: tuple[tuple[str, str], ...] = ()) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        for name, dest in links:
            ti = tarfile.TarInfo(name)
            ti.type = tarfile.SYMTYPE
            ti.linkname = dest
            tf.addfile(ti)
    return buf.getvalue()


def run(tmp_path: Path, files: dict[str, bytes], **opts: object) -> ScanResult:
    root = tmp_path / "t"
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return scan([str(root)], ScanOptions(jobs=1, **opts))  # type: ignore[arg-type]


def found(result: ScanResult) -> set[tuple[str, int, str]]:
    return {(f.location.path, f.location.line, f.rule) for f in result.findings}


def skips(result: ScanResult) -> dict[str, tuple[SkipReason, str]]:
    return {s.path: (s.reason, s.detail) for s in result.skipped}


@pytest.fixture
def plain(tmp_path: Path) -> set[tuple[int, str]]:
    """(line, rule) of the Java source scanned as a plain file: the reference."""
    result = run(tmp_path / "plain", {"FaceAttr.java": FACE_JAVA})
    assert result.findings
    return {(line, rule) for _, line, rule in found(result)}


def test_nested_zip_jar_chain(tmp_path: Path, plain: set[tuple[int, str]]) -> None:
    jar = zip_bytes([("com/acme/face/FaceAttr.java", FACE_JAVA), ("META-INF/MANIFEST.MF", b"")])
    inner = zip_bytes([("libs/face-sdk.jar", jar), ("notes.txt", LOOKALIKE)])
    outer = zip_bytes([("sdk/inner.zip", inner)])
    result = run(tmp_path, {"vendor-sdk.zip": outer})
    chain = "vendor-sdk.zip!sdk/inner.zip!libs/face-sdk.jar!com/acme/face/FaceAttr.java"
    assert found(result) == {(chain, line, rule) for line, rule in plain}
    assert result.skipped == ()
    assert result.stats.files == 3  # FaceAttr.java, MANIFEST.MF, notes.txt


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("pkg.tar", lambda b: b),
        ("pkg.tgz", gzip.compress),
        ("pkg.tar.gz", gzip.compress),
        ("pkg.tar.bz2", bz2.compress),
        ("pkg.tar.xz", lzma.compress),
        ("pkg.tar.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
        ("renamed.bin", gzip.compress),  # by content, not by name
    ],
)
def test_tarballs(
    tmp_path: Path, plain: set[tuple[int, str]], name: str, pack: Callable[[bytes], bytes]
) -> None:
    tar = tar_bytes(
        [("package/src/FaceAttr.java", FACE_JAVA), ("package/notes.txt", LOOKALIKE)],
        links=(("package/passwd", "/etc/passwd"),),
    )
    result = run(tmp_path, {name: pack(tar)})
    assert found(result) == {(f"{name}!package/src/FaceAttr.java", ln, r) for ln, r in plain}
    assert skips(result) == {
        f"{name}!package/passwd": (
            SkipReason.SYMLINK,
            "link member to /etc/passwd (not followed)",
        )
    }


@pytest.mark.parametrize(
    ("name", "pack", "inner"),
    [
        ("FaceAttr.java.gz", gzip.compress, "FaceAttr.java"),
        ("FaceAttr.java.bz2", bz2.compress, "FaceAttr.java"),
        ("FaceAttr.java.xz", lzma.compress, "FaceAttr.java"),
        ("FaceAttr.java.zst", lambda b: zstandard.ZstdCompressor().compress(b), "FaceAttr.java"),
    ],
)
def test_single_compressed_file(
    tmp_path: Path,
    plain: set[tuple[int, str]],
    name: str,
    pack: Callable[[bytes], bytes],
    inner: str,
) -> None:
    result = run(tmp_path, {name: pack(FACE_JAVA)})
    assert found(result) == {(f"{name}!{inner}", line, rule) for line, rule in plain}


@pytest.mark.parametrize(
    ("name", "fmt", "member"),
    [
        ("sdk.7z", "7zip", "include/FaceAttr.java"),
        ("sdk.cpio", "cpio_newc", "include/FaceAttr.java"),
        ("sdk.a", "ar_svr4", "FaceAttr.java"),  # ar holds flat names only
    ],
)
def test_libarchive_formats(
    tmp_path: Path, plain: set[tuple[int, str]], name: str, fmt: str, member: str
) -> None:
    libarchive = pytest.importorskip("libarchive")
    out = tmp_path / "t" / name
    out.parent.mkdir()
    with libarchive.file_writer(str(out), fmt) as archive:
        archive.add_file_from_memory(member, len(FACE_JAVA), FACE_JAVA)
        archive.add_file_from_memory("notes.txt", len(LOOKALIKE), LOOKALIKE)
    result = scan([str(out.parent)], ScanOptions(jobs=1))
    assert found(result) == {(f"{name}!{member}", line, rule) for line, rule in plain}
    assert result.skipped == ()


def test_deb_package_layout(tmp_path: Path, plain: set[tuple[int, str]]) -> None:
    """A .deb is an ar archive holding compressed tarballs."""
    libarchive = pytest.importorskip("libarchive")
    data = lzma.compress(tar_bytes([("./usr/share/face/FaceAttr.java", FACE_JAVA)]))
    control = gzip.compress(tar_bytes([("./control", b"Package: face-sdk\n")]))
    deb = tmp_path / "t" / "face-sdk_1.0_all.deb"
    deb.parent.mkdir()
    with libarchive.file_writer(str(deb), "ar_svr4") as archive:
        for name, blob in (
            ("debian-binary", b"2.0\n"),
            ("control.tar.gz", control),
            ("data.tar.xz", data),
        ):
            archive.add_file_from_memory(name, len(blob), blob)
    result = scan([str(deb.parent)], ScanOptions(jobs=1))
    chain = "face-sdk_1.0_all.deb!data.tar.xz!./usr/share/face/FaceAttr.java"
    assert found(result) == {(chain, line, rule) for line, rule in plain}


def test_depth_limit_names_the_refused_archive(tmp_path: Path) -> None:
    blob = FACE_JAVA
    name = "FaceAttr.java"
    for i in range(5):
        blob = zip_bytes([(name, blob)])
        name = f"level{i}.zip"
    result = run(tmp_path, {"deep.zip": blob}, max_depth=3)
    assert result.findings == ()
    [(path, (reason, detail))] = skips(result).items()
    assert path == "deep.zip!level3.zip!level2.zip!level1.zip"
    assert reason is SkipReason.LIMIT
    assert "--max-depth 3" in detail
    # with the default depth, the same file is read to the bottom
    assert run(tmp_path / "again", {"deep.zip": blob}).findings


def test_zip_bomb_entry_refused_rest_scanned(tmp_path: Path) -> None:
    bomb = zip_bytes([("zeros.txt", b"\0" * (16 * 1024 * 1024)), ("src/FaceAttr.java", FACE_JAVA)])
    result = run(tmp_path, {"bomb.zip": bomb})
    reason, detail = skips(result)["bomb.zip!zeros.txt"]
    assert reason is SkipReason.LIMIT and "compression bomb" in detail
    assert {p for p, _, _ in found(result)} == {"bomb.zip!src/FaceAttr.java"}


def test_gzip_bomb_refused(tmp_path: Path) -> None:
    result = run(tmp_path, {"zeros.gz": gzip.compress(b"\0" * (8 * 1024 * 1024))})
    [(path, (reason, detail))] = skips(result).items()
    assert path == "zeros.gz" and reason is SkipReason.LIMIT and "--max-ratio" in detail


def test_entry_and_expansion_budgets(tmp_path: Path) -> None:
    many = zip_bytes([(f"f{i}.txt", b"hello") for i in range(50)])
    result = run(tmp_path, {"many.zip": many}, max_entries=10)
    reason, detail = skips(result)["many.zip"]
    assert reason is SkipReason.LIMIT and "--max-archive-entries" in detail
    assert result.stats.files == 10  # the first ten were read

    big = zip_bytes([(f"f{i}.txt", bytes(range(256)) * 400) for i in range(4)])
    result = run(tmp_path / "b", {"big.zip": big}, max_expanded=250_000)
    limited = {p for p, (r, d) in skips(result).items() if r is SkipReason.LIMIT}
    assert limited == {"big.zip!f2.txt", "big.zip!f3.txt"}


def _patch_zip_flags(data: bytes, flag_or: int = 0, method: int | None = None) -> bytes:
    """Set general-purpose flag bits (and the method) of every entry, in the local
    headers and the central directory: how an encrypted or exotic zip looks."""
    buf = bytearray(data)
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        i = buf.find(sig)
        while i != -1:
            flags = int.from_bytes(buf[i + flag_at : i + flag_at + 2], "little") | flag_or
            buf[i + flag_at : i + flag_at + 2] = flags.to_bytes(2, "little")
            if method is not None:
                buf[i + method_at : i + method_at + 2] = method.to_bytes(2, "little")
            i = buf.find(sig, i + 4)
    return bytes(buf)


def test_encrypted_and_unsupported_entries(tmp_path: Path) -> None:
    enc = _patch_zip_flags(zip_bytes([("secret/FaceAttr.java", FACE_JAVA)]), flag_or=1)
    odd = _patch_zip_flags(zip_bytes([("odd/FaceAttr.java", FACE_JAVA)]), method=99)
    ok = zip_bytes([("ok/FaceAttr.java", FACE_JAVA)])
    result = run(tmp_path, {"enc.zip": enc, "odd.zip": odd, "ok.zip": ok})
    s = skips(result)
    assert s["enc.zip!secret/FaceAttr.java"][0] is SkipReason.ENCRYPTED
    assert s["odd.zip!odd/FaceAttr.java"][0] is SkipReason.UNSUPPORTED
    assert {p for p, _, _ in found(result)} == {"ok.zip!ok/FaceAttr.java"}


def test_corrupt_member_and_truncated_archives(tmp_path: Path) -> None:
    good = zip_bytes([("a/FaceAttr.java", FACE_JAVA), ("b/FaceAttr.java", FACE_JAVA)], 0)
    # flip a byte inside the first stored member: its CRC no longer matches
    at = good.find(b"ethicCode")
    crc_bad = good[:at] + b"E" + good[at + 1 :]
    tgz = gzip.compress(tar_bytes([("p/FaceAttr.java", FACE_JAVA)]))
    result = run(
        tmp_path,
        {
            "crc.zip": crc_bad,
            "cut.zip": good[: len(good) // 2],
            "cut.tgz": tgz[: len(tgz) // 2],
            "cut.7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 20,
        },
    )
    s = skips(result)
    assert s["crc.zip!a/FaceAttr.java"][0] is SkipReason.CORRUPT
    assert "crc.zip!b/FaceAttr.java" in {p for p, _, _ in found(result)}
    assert s["cut.zip"][0] is SkipReason.CORRUPT
    assert s["cut.tgz"][0] is SkipReason.CORRUPT
    assert s["cut.7z"][0] in (SkipReason.CORRUPT, SkipReason.UNSUPPORTED)


def test_zip_symlink_member_not_followed(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    result = run(tmp_path, {"links.zip": buf.getvalue()})
    assert skips(result)["links.zip!link"][0] is SkipReason.SYMLINK


def test_large_members_spool_to_a_private_folder_that_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain: set[tuple[int, str]]
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def spy(*args: object, **kwargs: object) -> str:
        path = real_mkdtemp(*args, **kwargs)  # type: ignore[call-overload]
        seen.append(path)
        return str(path)

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    filler = b"".join(b"line %d of the build log\n" % i for i in range(400_000))  # ~10 MB
    inner = zip_bytes([("build.log", filler), ("src/FaceAttr.java", FACE_JAVA)])
    result = run(tmp_path, {"outer.zip": zip_bytes([("inner.zip", inner)], 0)})
    assert found(result) == {("outer.zip!inner.zip!src/FaceAttr.java", ln, r) for ln, r in plain}
    assert seen and all(Path(p).parent == scratch for p in seen)
    assert stat.S_IMODE(Path(scratch).stat().st_mode) and list(scratch.iterdir()) == []


def test_archive_over_the_text_limit_is_still_opened(tmp_path: Path) -> None:
    filler = bytes(range(256)) * 4096  # 1 MB that compresses poorly when stored
    z = zip_bytes([("filler.bin", filler), ("src/FaceAttr.java", FACE_JAVA)], 0)
    result = run(tmp_path, {"sdk.zip": z}, max_file_size=64 * 1024)
    assert {p for p, _, _ in found(result)} == {"sdk.zip!src/FaceAttr.java"}
    assert skips(result)["sdk.zip!filler.bin"][0] is SkipReason.TOO_LARGE


def test_cli_json_chain_and_limit_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    nested = zip_bytes([("inner.zip", zip_bytes([("FaceAttr.java", FACE_JAVA)]))])
    (tmp_path / "a.zip").write_bytes(nested)
    code = main(["scan", str(tmp_path / "a.zip"), "--format", "json", "--max-depth", "1"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["findings"] == []
    assert [(s["path"], s["reason"]) for s in doc["skipped"]] == [("a.zip!inner.zip", "limit")]
    [target] = doc["targets"]
    assert target["kind"] == "file" and target["size"] == len(nested)
    assert len(target["sha256"]) == 64

    code = main(["scan", str(tmp_path / "a.zip"), "--format", "json", "--max-expanded", "1M"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {f["location"]["path"] for f in doc["findings"]} == {"a.zip!inner.zip!FaceAttr.java"}
    assert main(["scan", str(tmp_path), "--max-expanded", "lots"]) == 2


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("x.jar", b"PK\x03\x04", Format.ZIP),
        ("x.docx", b"PK\x03\x04", Format.OFFICE),
        ("x.bin", b"\x1f\x8b\x08", Format.GZIP),
        ("A.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34", Format.CLASS),
        ("fat", b"\xca\xfe\xba\xbe\x00\x00\x00\x02", Format.MACHO),
        ("notes.txt", b"BZh is how the note starts", Format.TEXT),
        ("ids.txt", b"070701 is a number\n", Format.TEXT),
        ("x.bz2", b"BZh91AY&SY", Format.BZIP2),
        ("plain.txt", b"hello", Format.TEXT),
    ],
)
def test_identify_by_content(name: str, head: bytes, fmt: Format) -> None:
    assert identify(name, head)[0] is fmt


def test_inner_names() -> None:
    assert inner_name("a/b.txt.gz", Format.GZIP) == "b.txt"
    assert inner_name("pkg.tgz", Format.GZIP) == "pkg.tar"
    assert inner_name("data", Format.XZ) == "data.out"


def test_zip_from_a_future_format_version_is_unsupported_not_a_crash(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("a/FaceAttr.java", FACE_JAVA)]))
    cd = data.find(b"PK\x01\x02")
    data[cd + 6] = 160  # "version needed to extract": 16.0
    ok = zip_bytes([("ok/FaceAttr.java", FACE_JAVA)])
    result = run(tmp_path, {"future.zip": bytes(data), "ok.zip": ok})
    assert skips(result)["future.zip"][0] is SkipReason.UNSUPPORTED
    assert {p for p, _, _ in found(result)} == {"ok.zip!ok/FaceAttr.java"}
