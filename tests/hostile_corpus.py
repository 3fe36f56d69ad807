"""The adversarial corpus, generated: nothing hostile is committed as a binary.

Each builder writes bytes (or files) that attack one promise of the scanner: bombs,
self-nesting, path traversal, links, truncation, hostile names.  Builders are fast:
compressed zeros are made once and reused, and crafted zips are written byte by byte
with :func:`raw_zip` so they can lie about sizes, flags and offsets.
"""

from __future__ import annotations

import functools
import gzip
import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

# A line the catalogue finds (a skin-colour field in a face result): scanned files
# carry it, so "scanned correctly" means "its finding is reported at this path".
TERM_LINE = b"int detectSkinColor(Face face); // face attribute: skin colour\n"
TERM_JAVA = (
    b"package com.acme.face;\n"
    b"public class FaceAttr {\n"
    b"    private String skinColor;   // face attribute\n"
    b"    private int ethnicity;      // inferred from the face\n"
    b"}\n"
)


@functools.lru_cache(maxsize=8)
def deflated_zeros(n: int, fill: bytes = b"\x00") -> tuple[bytes, int]:
    """Raw deflate of ``n`` zero (or ``fill``) bytes, made in 1 MiB steps, and their
    CRC-32."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = fill * (1024 * 1024)
    out = []
    crc = 0
    left = n
    while left:
        chunk = block[: min(left, len(block))]
        out.append(comp.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        left -= len(chunk)
    out.append(comp.flush())
    return b"".join(out), crc


@dataclass(frozen=True)
class Entry:
    """One crafted zip entry: compressed bytes and what the headers claim."""

    name: bytes
    payload: bytes  # as stored in the file (compressed for method 8)
    size: int  # uncompressed size claimed
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    mode: int = 0o100644  # unix mode in the external attributes
    at: int | None = None  # reuse the local header of entry ``at`` (overlapping entries)


def entry(name: str | bytes, data: bytes, method: int = zipfile.ZIP_DEFLATED, **kw: int) -> Entry:
    raw = name.encode() if isinstance(name, str) else name
    if method == zipfile.ZIP_DEFLATED:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        payload = comp.compress(data) + comp.flush()
    else:
        payload = data
    return Entry(raw, payload, len(data), zlib.crc32(data), method, **kw)


def raw_zip(entries: list[Entry], comment: bytes = b"") -> bytes:
    """A zip written header by header, believing whatever the entries claim."""
    out = io.BytesIO()
    offsets: list[int] = []
    for e in entries:
        if e.at is not None:
            offsets.append(offsets[e.at])
            continue
        offsets.append(out.tell())
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                e.flags,
                e.method,
                0,
                0x21,
                e.crc,
                len(e.payload),
                e.size,
                len(e.name),
                0,
            )
        )
        out.write(e.name + e.payload)
    cd_start = out.tell()
    for e, off in zip(entries, offsets, strict=True):
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                0x0314,  # made by unix, 2.0: the mode is in the external attributes
                20,
                e.flags,
                e.method,
                0,
                0x21,
                e.crc,
                len(e.payload),
                e.size,
                len(e.name),
                0,
                0,
                0,
                0,
                e.mode << 16,
                off,
            )
        )
        out.write(e.name)
    cd_size = out.tell() - cd_start
    n = len(entries)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, len(comment)))
    out.write(comment)
    return out.getvalue()


def zip_of(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    return raw_zip([entry(name, data, method) for name, data in members])


def tar_of(
    members: list[tuple[str, bytes]],
    links: tuple[tuple[str, str, bytes], ...] = (),
    compress: str = "",
) -> bytes:
    """A tar (``compress``: "", "gz", "bz2", "xz"); ``links`` are (name, target, type)
    with type tarfile.SYMTYPE, LNKTYPE, FIFOTYPE, CHRTYPE ..."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:" + compress, format=tarfile.PAX_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        for name, target, kind in links:
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.linkname = target
            tf.addfile(ti)
    return buf.getvalue()


# -- bombs ---------------------------------------------------------------------------------


def flat_bomb(entries: int = 16, each: int = 64 * 1024 * 1024) -> bytes:
    """``entries`` entries of ``each`` zero bytes, deflated (ratio about 1000)."""
    payload, crc = deflated_zeros(each)
    return raw_zip([Entry(f"zeros{i:02}.txt".encode(), payload, each, crc) for i in range(entries)])


def nested_bomb(levels: int = 4, fanout: int = 16, leaf: int = 16 * 1024 * 1024) -> bytes:
    """42.zip-style: ``fanout`` copies of the level below, ``levels`` deep, the leaves
    ``leaf`` zero bytes each (16 ** 4 * 16 MiB = 1 TiB declared with the defaults)."""
    data = flat_bomb(fanout, leaf)
    for level in range(levels - 1):
        data = zip_of([(f"lib{level}_{i:02}.zip", data) for i in range(fanout)])
    return data


def overlapping_bomb(copies: int = 8192, each: int = 1024 * 1024) -> bytes:
    """Fifield-style: ``copies`` central-directory entries share one local header and
    one deflated kernel; each entry stays at the 1 MiB ratio floor, together 8 GiB."""
    payload, crc = deflated_zeros(each)
    first = Entry(b"kernel.bin", payload, each, crc)
    return raw_zip([first] + [Entry(b"kernel.bin", payload, each, crc, at=0)] * (copies - 1))


def lying_sizes() -> bytes:
    """An entry that claims 1000 bytes but inflates to 32 MiB."""
    payload, crc = deflated_zeros(32 * 1024 * 1024)
    return raw_zip([Entry(b"small.txt", payload, 1000, crc)])


def self_nested(depth: int, inner: bytes = TERM_LINE) -> bytes:
    """A zip holding a copy of itself, ``depth`` times (a quine read to a depth)."""
    data = zip_of([("self.h", inner)])
    for _ in range(depth - 1):
        data = zip_of([("self.zip", data)], zipfile.ZIP_STORED)
    return data


def deep_mixed(depth: int, inner: bytes = TERM_JAVA) -> bytes:
    """``depth`` archives inside each other, alternating zip and tar.gz."""
    data = inner
    name = "FaceAttr.java"
    for level in range(depth):
        if level % 2:
            data, name = tar_of([(name, data)], compress="gz"), f"l{level}.tgz"
        else:
            data, name = zip_of([(name, data)]), f"l{level}.zip"
    return data


# -- truncated and corrupt ----------------------------------------------------------------


def truncations(data: bytes) -> dict[str, bytes]:
    """``data`` cut at a few places, and with a run of bytes flipped."""
    n = len(data)
    flipped = bytearray(data)
    for i in range(n // 3, min(n, n // 3 + 64)):
        flipped[i] ^= 0xFF
    return {
        "head": data[: min(n, 10)],
        "half": data[: n // 2],
        "tail": data[: n - 1],
        "flip": bytes(flipped),
    }


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def encrypted_zip() -> bytes:
    """Entries with the encryption flag (bit 0): refused, never guessed at."""
    secret = entry("secret/FaceAttr.java", TERM_JAVA, flags=0x1)
    return raw_zip([secret, entry("README.txt", b"public notes\n")])


def small_entries_bomb(entries: int = 4096, each: int = 1024 * 1024) -> bytes:
    """Entries each at the 1 MiB ratio floor (so each passes the per-entry check),
    deflated to about 1 KiB: a 4 MiB zip that expands to 4 GiB (of spaces: text,
    cheap to read once inflated, so the test measures the limit, not the reader)."""
    payload, crc = deflated_zeros(each, b" ")
    return raw_zip([Entry(f"z{i:05}.txt".encode(), payload, each, crc) for i in range(entries)])


def libarchive_bomb(path: str, size: int = 64 * 1024 * 1024) -> None:
    """A 7z holding ``size`` zero bytes (deflated, about 1000x), written to ``path``."""
    import libarchive

    block = bytes(1024 * 1024)

    def blocks() -> Iterator[bytes]:
        for _ in range(size // len(block)):
            yield block

    with libarchive.file_writer(path, "7zip", options="compression=deflate") as archive:
        archive.add_file_from_memory("zeros.bin", size, blocks())


def yaml_alias_bomb(width: int = 9, levels: int = 9) -> bytes:
    """A rule file of about 500 bytes whose aliases of aliases stand for ``width **
    levels`` strings ("billion laughs"), given as a rule's trait: turned into text (an
    error message), it is gigabytes.  The anchors sit under a key rule files may have."""
    lines = ["catalogue_version:", f"  - &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"  - &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    rule = f"rules:\n  - id: bomb\n    trait: *a{levels - 1}\n    name: bomb\n    terms: [x]\n"
    return ("\n".join(lines) + "\n" + rule).encode()


def deep_toml(depth: int = 5000) -> bytes:
    """A ``[tool.ethicscan]`` table with an array nested ``depth`` deep (valid TOML;
    Python's tomllib recurses once per level)."""
    return f"[tool.ethicscan]\nexclude = {'[' * depth}{']' * depth}\n".encode()


def noise_text_zip(path: str, members: int = 2, size: int = 24 * 1024 * 1024) -> None:
    """A zip of ``members`` texts of ``size`` random lowercase words each (deflated about
    1.6 to 1: under every ratio limit, and spooled to disk when read, being over 8 MiB),
    each ending in :data:`TERM_LINE`; written to ``path``."""
    import os

    alphabet = b"abcdefghijklmnopqrstuvwxyz     \n"
    table = bytes(alphabet[b % len(alphabet)] for b in range(256))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(members):
            z.writestr(f"m{i}.txt", os.urandom(size).translate(table) + TERM_LINE)
