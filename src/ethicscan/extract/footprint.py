"""How much memory exploring a large file may take, estimated before it is read from
its kind and size, so that a pool's workers can read two large files at once when
both fit (:class:`ethicscan.engine.local.InTurns`) and one at a time when not.

The estimates are upper bounds of what a worker's resident size rose by (VmHWM) when
it read such a file alone, measured on the throughput benchmark's dense corpus
(``bench/file_memory.py``): a binary's strings take about its own size again, a
pickle of many short UTF-8 strings up to seven times its size (spaCy-pkuseg's 4.5 MB
dictionary: 34 MB), a DEX file about ten times (an APK's 6.9 MB ``classes.dex``: 65
MB).  What cannot be told from the head (a tar, a compressed stream, a document)
counts as :data:`UNKNOWN`, which a pool reads with no other large file beside it.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import IO

from ethicscan.extract.formats import CONTAINERS, HEAD, Format, identify, inner_name
from ethicscan.extract.units import SPOOL_AT, Limits

MIB = 1024 * 1024
LARGE_MEMBER = 2 * MIB  # a zip's members from this size are estimated one by one
UNKNOWN = 1 << 40  # more than any pool's room: read with no other large file beside it

# Per kind: (bytes of memory per byte of the file, bytes more).
NATIVE = (1.6, 12 * MIB)  # ELF, PE, Mach-O: the bytes, their strings and symbols
# ... of READ_AGAIN_AT bytes or more on disk: its bytes while it is screened, let go
# before its strings are read from the file a stretch at a time, so the strings and
# symbols (0.6 of its size at most) no longer come on top of the bytes: onnxruntime's
# two libraries of 35 and 37 MB took 32 and 35 MB (1.6: 65 and 68, too many to go
# together), libopenblas 33 MB of 39, libavcodec 17 of 18.
NATIVE_READ = (1.0, 12 * MIB)
# Other data the decoder refuses (a pickle, a model) of READ_AGAIN_AT bytes or more on
# disk, read again the same way: as a binary's, its strings may take more than its
# size (name2nat's pickle of 54 MB, a million short strings: 81 MB; 2.0 times its size
# and 32 MB, 135 MB, more than the room, kept it alone).
BINARY_READ = (1.6, 12 * MIB)
JAVA = (14.0, 8 * MIB)  # class files: their strings, a segment each
# DEX files: their tables, then their lines as one text (extract.dex.DexLines): the
# settings APK's 6.9 MB classes.dex took 65 MB, the Appium APK's 10.8 MB one 63 MB
# (78 and 83 MB with a segment a line, for which 14 times was measured).
DEX = (11.0, 8 * MIB)
OTHER = (2.0, 32 * MIB)  # texts read whole, pickles, models: bytes, text and lines

_KINDS = {
    Format.ELF: NATIVE,
    Format.PE: NATIVE,
    Format.MACHO: NATIVE,
    Format.DEX: DEX,
    Format.CLASS: JAVA,
}
# A zip's members by name: the archives inside it expand unseen.
_NESTED = frozenset({
    ".zip", ".jar", ".apk", ".aar", ".war", ".ear", ".whl", ".egg", ".nupkg",
    ".gz", ".tgz", ".bz2", ".xz", ".zst", ".tar", ".7z", ".rar", ".deb", ".rpm",
})  # fmt: skip
_JAVA = frozenset({".dex", ".class"})

CENTRAL_MOST = 4 * MIB  # a zip's central directory read for its members, at most
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # a central directory record, 46 bytes


def _scaled(kind: tuple[float, int], size: int) -> int:
    per_byte, more = kind
    return int(per_byte * size) + more


def footprint(
    name: str, size: int, data: bytes | None, path: str, limits: Limits | None = None
) -> int:
    """Bytes of memory exploring the file ``name`` of ``size`` bytes may take (asked
    for large files only: a small one's is its own small size): 0 for what is not
    read whole (a picture, a file over ``--max-file-size`` that is skipped), a piece's
    for a text read in pieces, :data:`UNKNOWN` for what its head does not tell.
    ``data``: the file's bytes if held, else it is read at ``path`` (its head, a
    zip's central directory)."""
    limits = limits or Limits()
    try:
        head = data[:HEAD] if data is not None else _head(path)
    except OSError:
        return 0  # the scan reports why it cannot be read
    fmt, _ = identify(name, head)
    if fmt is Format.ZIP:
        return _zip(data, path, size)
    if fmt is Format.GZIP:
        return _gzip(name, size, data, path, limits)
    if fmt in CONTAINERS or fmt in (Format.OFFICE, Format.PDF):
        return UNKNOWN
    if fmt is Format.IMAGE:
        return 0
    if data is not None:
        return _scaled(_KINDS.get(fmt, OTHER), size)
    return _at_path(name, fmt, size, lambda: _sample(path), limits)


def _at_path(name: str, fmt: Format, size: int, sample: Callable[[], bytes], limits: Limits) -> int:
    """The estimate of a file of the format ``fmt`` read at its path (not held), whose
    first SAMPLE bytes ``sample`` gives."""
    if size > limits.stream_above:
        if size > limits.max_member_size:
            return 0  # skipped unread, or a text read in pieces
        if fmt is Format.TEXT and _streamed(name, sample):
            return _scaled(OTHER, limits.whole_text)
    kind = _KINDS.get(fmt, OTHER)
    if size >= _read_again_at():
        if kind is NATIVE:
            kind = NATIVE_READ
        elif fmt is Format.TEXT and _refused(sample):
            kind = BINARY_READ
    return _scaled(kind, size)


def _refused(sample: Callable[[], bytes]) -> bool:
    """Whether the decoder refuses a file as binary data, by its first SAMPLE bytes
    as :func:`ethicscan.extract.decode.decode` judges them: explored as a binary."""
    from ethicscan.extract.decode import stream_encoding

    try:
        return stream_encoding(sample()) is None
    except OSError:
        return False


GZIP_TAIL = 8  # a gzip member's trailer: its CRC-32 and its content's size (mod 2**32)


def _gzip(name: str, size: int, data: bytes | None, path: str, limits: Limits) -> int:
    """A gzip stream's estimate: its content's (a single file's), by the size its
    trailer gives and the format its first bytes tell, read as the explorer reads it:
    held when SPOOL_AT bytes or fewer, else spooled to the scan's folder and read
    there; with the stream's own bytes when held.  UNKNOWN for a tarball, an archive
    inside, or a trailer that does not fit the stream (several members: each trailer
    gives only its own member's size, and a bgzip file's are 64 KB at most)."""
    from ethicscan.extract.decode import SAMPLE

    try:
        if data is not None:
            raw, tail = data[:HEAD], data[-GZIP_TAIL:]
        else:
            with open(path, "rb") as f:
                raw = f.read(HEAD)
                f.seek(max(0, size - GZIP_TAIL))
                tail = f.read(GZIP_TAIL)
        first = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, max(HEAD, SAMPLE))
    except (OSError, zlib.error):
        return UNKNOWN
    if len(tail) < GZIP_TAIL:
        return UNKNOWN
    content = int.from_bytes(tail[4:], "little")
    if content < size:  # (what inflates to less than its stream holds more than one member)
        return UNKNOWN
    inner = inner_name(name, Format.GZIP)
    fmt, _ = identify(inner, first[:HEAD])
    if fmt in CONTAINERS or fmt in (Format.OFFICE, Format.PDF):
        return UNKNOWN
    held = size if data is not None else 0
    if fmt is Format.IMAGE:
        return held
    if content <= SPOOL_AT:
        return held + _scaled(_KINDS.get(fmt, OTHER), content)
    return held + _at_path(inner, fmt, content, lambda: first[:SAMPLE], limits)


def _read_again_at() -> int:
    """The size from which a binary not held (read at its path) has its strings read
    from the file again (:data:`ethicscan.extract.explore.READ_AGAIN_AT`)."""
    from ethicscan.extract import explore

    return explore.READ_AGAIN_AT


def _head(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD)


def _sample(path: str) -> bytes:
    from ethicscan.extract.decode import SAMPLE

    with open(path, "rb") as f:
        return f.read(SAMPLE)


def _streamed(name: str, sample: Callable[[], bytes]) -> bool:
    from ethicscan.extract.explore import streamable

    try:
        return streamable(name, sample())
    except OSError:
        return False


def _zip(data: bytes | None, path: str, size: int) -> int:
    """A zip's largest member's estimate (members are read one at a time), with the
    zip's own bytes when held: by the central directory's names and sizes, read
    without zipfile's object per entry; UNKNOWN if it holds an archive or cannot be
    read."""
    try:
        if data is not None:
            import io

            return _members(io.BytesIO(data), size)
        with open(path, "rb") as f:
            return _members(f, 0)
    except (OSError, ValueError, struct.error, zipfile.BadZipFile, EOFError):
        return UNKNOWN


def _members(f: IO[bytes], held: int) -> int:
    end = zipfile._EndRecData(f)  # type: ignore[attr-defined]
    if not end:
        return UNKNOWN
    length, offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
    if length > CENTRAL_MOST:
        return UNKNOWN
    # (a zip behind a stub: the directory sits that much later than it says)
    stub = end[zipfile._ECD_LOCATION] - length - offset  # type: ignore[attr-defined]
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
        stub -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
    f.seek(offset + max(0, stub))
    central = f.read(length)
    most = 0
    at = 0
    while at + _CENTRAL.size <= len(central):
        rec = _CENTRAL.unpack_from(central, at)
        if rec[0] != b"PK\x01\x02":
            return UNKNOWN
        member_size, name_len, extra_len, comment_len = rec[11], rec[12], rec[13], rec[14]
        name = central[at + _CENTRAL.size : at + _CENTRAL.size + name_len].lower()
        at += _CENTRAL.size + name_len + extra_len + comment_len
        if member_size == 0xFFFFFFFF:  # zip64: the size is in the extra field
            return UNKNOWN
        suffix = os.path.splitext(name.decode("latin-1"))[1]
        if suffix in _NESTED:
            return UNKNOWN
        kind = DEX if suffix == ".dex" else JAVA if suffix == ".class" else OTHER
        if member_size >= LARGE_MEMBER or suffix in _JAVA:
            most = max(most, _scaled(kind, member_size))
    return held + max(most, OTHER[1])
