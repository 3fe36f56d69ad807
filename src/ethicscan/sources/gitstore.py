"""What a git object is and how large, learned from its header without inflating it,
and a blob too large to hold in memory inflated as a stream into a file.

A git object's size is written before its data: at the start of a loose object's
zlib stream (``blob 1234\\0``), or in a pack entry's header.  A delta names its base
and starts with the sizes of the base and of the result.  Reading those headers
(and the chain of bases, each a few bytes inflated) says how much memory reading
the object whole would take before a byte of its data is inflated: a 2 GiB blob
of zeros packed into 2 MB is refused or streamed, never inflated in memory.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from dulwich.repo import Repo

from ethicscan.extract.units import RATIO_FLOOR

COMMIT, TREE, BLOB, TAG = 1, 2, 3, 4
_OFS_DELTA, _REF_DELTA = 6, 7
_KINDS = {b"commit": COMMIT, b"tree": TREE, b"blob": BLOB, b"tag": TAG}
KIND_NAMES = {v: k.decode() for k, v in _KINDS.items()}
# git stops a delta chain at 4,095 bases (pack.depth); a longer one, or a cycle of
# bases, is a corrupt pack.
MAX_CHAIN = 4096
CHUNK = 1024 * 1024


class ObjectError(Exception):
    """An object's header cannot be read: missing, truncated or malformed."""


class Refused(Exception):
    """A blob stopped while it was inflated: past a limit (its message says which)."""


@dataclass(frozen=True, slots=True)
class Stored:
    """Where an object is kept and what its header declares.  ``largest``: the most
    memory, in bytes, one object of its delta chain takes whole (its own size when
    it is no delta), which is what reading it through dulwich holds at once."""

    kind: int
    size: int
    largest: int
    file: str  # the loose object's file, or the pack
    offset: int  # where its entry starts in the pack; -1 for a loose object
    delta: bool


class Headers:
    """Object headers of one repository, each delta base's read once (bases are
    shared by many objects)."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._entries: dict[tuple[str, int], Stored] = {}
        self._files: dict[str, BinaryIO] = {}

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

    def _read(self, path: str, offset: int, n: int) -> bytes:
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = open(path, "rb")  # noqa: SIM115 - kept, closed by close()
        f.seek(offset)
        return f.read(n)

    def stored(self, oid: bytes) -> Stored | None:
        """``oid``'s header; None when the repository does not hold it.  Raises
        :class:`ObjectError` for a header that cannot be read."""
        return self._find(oid, 0)

    def _find(self, oid: bytes, hops: int) -> Stored | None:
        return _find(self._repo.object_store, oid, lambda f, o: self._packed(f, o, hops))

    def _packed(self, pack: str, offset: int, hops: int) -> Stored:
        key = (pack, offset)
        got = self._entries.get(key)
        if got is not None:
            return got
        if hops >= MAX_CHAIN:
            raise ObjectError(f"a delta chain longer than {MAX_CHAIN} in {os.path.basename(pack)}")
        try:
            kind, size, base, data_at = _pack_header(self._read(pack, offset, 64), offset)
            delta_head = self._read(pack, data_at, 512) if base is not None else b""
        except OSError as exc:
            raise ObjectError(f"cannot read {os.path.basename(pack)} ({exc})") from exc
        if base is None:
            got = Stored(kind, size, size, pack, offset, False)
        else:
            base_size, size = _delta_sizes(delta_head)
            if isinstance(base, int):
                under = self._packed(pack, base, hops + 1)
            else:
                found = self._find(base, hops + 1)
                if found is None:
                    raise ObjectError(f"the delta base {base.decode()} is missing")
                under = found
            if under.size != base_size:
                raise ObjectError(
                    f"a delta on a base of {base_size} bytes, but the base has {under.size}"
                )
            got = Stored(under.kind, size, max(size, under.largest), pack, offset, True)
        self._entries[key] = got
        return got


def _find(store: Any, oid: bytes, packed: Callable[[str, int], Stored]) -> Stored | None:
    """Packs first, then a loose file, then alternates: dulwich's own order."""
    for pack in store.packs:
        try:
            offset = pack.index.object_offset(oid)
        except KeyError:
            continue
        path = getattr(pack, "_data_path", None) or pack._basename + ".pack"
        return packed(os.fspath(path), int(offset))
    root = getattr(store, "path", None)
    if root is not None:
        hexsha = oid.decode("ascii")
        loose = os.path.join(os.fspath(root), hexsha[:2], hexsha[2:])
        if os.path.isfile(loose):
            kind, size = _loose_header(loose)
            return Stored(kind, size, size, loose, -1, False)
    for alternate in getattr(store, "alternates", ()):
        got = _find(alternate, oid, packed)
        if got is not None:
            return got
    return None


def _loose_header(path: str) -> tuple[int, int]:
    try:
        with open(path, "rb") as f:
            start = f.read(256)
        head = zlib.decompressobj().decompress(start, 64)
    except (OSError, zlib.error) as exc:
        raise ObjectError(f"cannot read the loose object's header ({exc})") from exc
    return _parse_loose(head)


def _parse_loose(head: bytes) -> tuple[int, int]:
    kind, sp, rest = head.partition(b" ")
    size, nul, _ = rest.partition(b"\0")
    if not sp or not nul or kind not in _KINDS or not size.isdigit() or len(size) > 20:
        raise ObjectError("a loose object with a malformed header")
    return _KINDS[kind], int(size)


def _pack_header(head: bytes, offset: int) -> tuple[int, int, int | bytes | None, int]:
    """A pack entry's kind, size, delta base (an offset in the pack or an object id;
    None for a whole object) and where its zlib data starts, from ``head``: the
    entry's first bytes (64 hold any header), at ``offset`` in its pack."""
    try:
        b = head[0]
        kind, size, shift, i = (b >> 4) & 7, b & 15, 4, 0
        while b & 0x80:
            i += 1
            b = head[i]
            size |= (b & 0x7F) << shift
            shift += 7
            if shift > 70:
                raise ObjectError("a pack entry with an overlong size")
        i += 1
        base: int | bytes | None = None
        if kind == _OFS_DELTA:
            b = head[i]
            i += 1
            back = b & 0x7F
            while b & 0x80:
                b = head[i]
                i += 1
                back = ((back + 1) << 7) | (b & 0x7F)
                if back > offset:
                    break
            if not 0 < back <= offset:
                raise ObjectError("a delta whose base lies outside its pack")
            base = offset - back
        elif kind == _REF_DELTA:
            if len(head) < i + 20:
                raise ObjectError("a truncated pack entry")
            base = head[i : i + 20].hex().encode()
            i += 20
        elif kind not in KIND_NAMES:
            raise ObjectError(f"a pack entry of unknown type {kind}")
    except IndexError:
        raise ObjectError("a truncated pack entry") from None
    return kind, size, base, offset + i


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(data) or shift > 70:
            raise ObjectError("a delta with a malformed header")
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def _delta_sizes(start: bytes) -> tuple[int, int]:
    """The base's size and the result's size: the first bytes of a delta, inflated
    from ``start``, the first bytes of its zlib data."""
    try:
        head = zlib.decompressobj().decompress(start, 32)
    except zlib.error as exc:
        raise ObjectError(f"cannot read a delta's header ({exc})") from exc
    base, i = _varint(head, 0)
    result, _ = _varint(head, i)
    return base, result


def inflate_to(
    stored: Stored,
    oid: bytes,
    out_path: str,
    max_ratio: float,
    max_expanded: int,
) -> int:
    """Inflate a whole (not delta) object's data into the file ``out_path``, a
    megabyte at a time, checking the expansion ratio (above 1 MiB) and the bytes
    expanded as it goes, then its size and id.  Returns its size.  Raises
    :class:`Refused` past a limit, :class:`ObjectError` for damaged data."""
    assert not stored.delta
    d = zlib.decompressobj()
    digest = hashlib.sha1() if len(oid) == 40 else hashlib.sha256()  # git ids
    skip_header = stored.offset < 0  # a loose object's data follows "blob N\0"
    if not skip_header:
        digest.update(f"{KIND_NAMES[stored.kind]} {stored.size}\0".encode())
    consumed = written = 0
    try:
        with open(stored.file, "rb") as src, open(out_path, "wb") as dst:
            if stored.offset >= 0:
                src.seek(stored.offset)
                _kind, _size, _base, data_at = _pack_header(src.read(64), stored.offset)
                src.seek(data_at)
            pending = b""
            while not d.eof:
                if not pending:
                    pending = src.read(64 * 1024)
                    if not pending:
                        raise ObjectError("the object's data ends early")
                    consumed += len(pending)
                piece = d.decompress(pending, CHUNK)
                pending = d.unconsumed_tail
                if d.eof:
                    consumed -= len(d.unused_data)
                digest.update(piece)
                if skip_header:
                    _head, nul, piece = piece.partition(b"\0")
                    if not nul:
                        raise ObjectError("a loose object with a malformed header")
                    skip_header = False
                written += len(piece)
                if written > stored.size:
                    raise ObjectError(
                        f"the object holds more than the {stored.size} bytes it declares"
                    )
                if written > max_expanded:
                    raise Refused(f"more than {max_expanded} bytes expanded (--max-expanded)")
                if written > RATIO_FLOOR and written > max_ratio * max(consumed, 1):
                    raise Refused(
                        f"expands more than {max_ratio:g} times (--max-ratio): "
                        f"{written} bytes from {consumed}"
                    )
                dst.write(piece)
    except OSError as exc:
        raise ObjectError(f"cannot read the object ({exc})") from exc
    except zlib.error as exc:
        raise ObjectError(f"the object's data is damaged ({exc})") from exc
    if written != stored.size:
        raise ObjectError(f"the object holds {written} bytes, its header says {stored.size}")
    if digest.hexdigest().encode() != oid:
        raise ObjectError("the object's content does not match its id")
    return written
