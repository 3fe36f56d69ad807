"""Git objects and packs written here, byte by byte, for repositories no git command
would make: objects whose headers declare gigabytes, deltas that copy one base
thousands of times, trees that share subtrees a billion ways.  Formats as git
documents them (gitformat-pack); nothing is copied from git."""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

BLOB, OFS_DELTA = 3, 6
MIB = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One pack entry: its object id (what the index names it), type, declared size,
    zlib data, and for an offset delta the index of its base in the same pack."""

    oid: str
    kind: int
    size: int
    zdata: bytes
    base: int | None = None


def _header(kind: int, size: int) -> bytes:
    out = bytearray()
    byte = (kind << 4) | (size & 15)
    size >>= 4
    while size:
        out.append(byte | 0x80)
        byte = size & 0x7F
        size >>= 7
    out.append(byte)
    return bytes(out)


def _back(n: int) -> bytes:
    """An offset delta's distance back to its base, in git's encoding."""
    out = [n & 0x7F]
    n >>= 7
    while n:
        n -= 1
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def varint(n: int) -> bytes:
    """A size at the start of a delta: seven bits a byte, lowest first."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zeros_deflated(size: int) -> bytes:
    """A zlib stream of ``size`` zero bytes (a whole number of MiB), built from one
    compressed megabyte repeated: about a thousandth of ``size``, made at once.  Its
    checksum is not the stream's (a reader stopped at a limit never gets there)."""
    assert size % MIB == 0
    co = zlib.compressobj(9)
    head = co.compress(b"") + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(b"\0" * MIB) + co.flush(zlib.Z_FULL_FLUSH)
    return head + block * (size // MIB) + co.flush()


def write_pack(objects: Path, entries: list[Entry]) -> None:
    """``entries`` as a pack and its index (version 2) in the folder ``objects/pack``."""
    pack, idx = pack_and_index(entries)
    folder = objects / "pack"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"pack-{pack[-20:].hex()}"
    (folder / f"{name}.pack").write_bytes(pack)
    (folder / f"{name}.idx").write_bytes(idx)


def pack_and_index(entries: list[Entry]) -> tuple[bytes, bytes]:
    """``entries`` as a pack and its index (version 2)."""
    body = bytearray(b"PACK" + struct.pack(">II", 2, len(entries)))
    offsets: list[int] = []
    crcs: list[int] = []
    for e in entries:
        offsets.append(len(body))
        raw = _header(e.kind, e.size)
        if e.base is not None:
            raw += _back(offsets[-1] - offsets[e.base])
        raw += e.zdata
        crcs.append(zlib.crc32(raw))
        body += raw
    checksum = hashlib.sha1(body).digest()
    pack = bytes(body) + checksum
    order = sorted(range(len(entries)), key=lambda i: entries[i].oid)
    ids = [bytes.fromhex(entries[i].oid) for i in order]
    fanout = [sum(1 for x in ids if x[0] <= b) for b in range(256)]
    idx = bytearray(b"\xfftOc" + struct.pack(">I", 2))
    idx += b"".join(struct.pack(">I", n) for n in fanout)
    idx += b"".join(ids)
    idx += b"".join(struct.pack(">I", crcs[i]) for i in order)
    idx += b"".join(struct.pack(">I", offsets[i]) for i in order)
    idx += checksum
    idx += hashlib.sha1(idx).digest()
    return pack, bytes(idx)


def fake_id(label: str) -> str:
    """An object id for an object too large to hash here (the scan must stop before
    it could check it)."""
    return hashlib.sha1(label.encode()).hexdigest()


def write_loose(objects: Path, kind: str, data: bytes) -> str:
    """One loose object in ``objects``; its id."""
    raw = f"{kind} {len(data)}\0".encode() + data
    oid = hashlib.sha1(raw).hexdigest()
    path = objects / oid[:2] / oid[2:]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(zlib.compress(raw, 1))
    return oid


def tree_data(entries: list[tuple[str, str, str]]) -> bytes:
    """A tree object's data: ``(mode, name, id)`` entries, in git's order."""

    def key(e: tuple[str, str, str]) -> bytes:
        return e[1].encode() + (b"/" if e[0] == "40000" else b"")

    return b"".join(
        f"{mode} {name}\0".encode() + bytes.fromhex(oid)
        for mode, name, oid in sorted(entries, key=key)
    )
