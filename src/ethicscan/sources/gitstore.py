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
    base: Stored | None = None  # a delta's base
    data_at: int = 0  # where its zlib data starts in the pack


Location = tuple[str, int]  # (pack, offset), or (loose object file, -1)


class Headers:
    """Object headers of one repository, each delta base's read once (bases are
    shared by many objects)."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._entries: dict[Location, Stored] = {}
        self._files: dict[str, BinaryIO] = {}
        self._stores: list[tuple[list[tuple[Any, str]], str | None]] | None = None

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
        at = self._locate(oid)
        return None if at is None else self._at(at)

    def _locate(self, oid: bytes) -> Location | None:
        """Packs first, then a loose file, then alternates: dulwich's own order.  The
        packs are listed once (listing them is a folder read)."""
        if self._stores is None:
            self._stores = _stores(self._repo.object_store)
        for packs, root in self._stores:
            for index, path in packs:
                try:
                    return path, int(index.object_offset(oid))
                except KeyError:
                    continue
            if root is not None:
                hexsha = oid.decode("ascii")
                loose = os.path.join(root, hexsha[:2], hexsha[2:])
                if os.path.isfile(loose):
                    return loose, -1
        return None

    def _at(self, start: Location) -> Stored:
        """The object at ``start`` and its chain of bases, walked down (no recursion:
        a chain may be thousands long) until a base already known or stored whole."""
        chain: list[tuple[Location, int, int, int]] = []  # (where, size, base size, data at)
        at = start
        while True:
            under = self._entries.get(at)
            if under is not None:
                break
            if len(chain) >= MAX_CHAIN:
                raise ObjectError(f"a delta chain longer than {MAX_CHAIN}")
            path, offset = at
            if offset < 0:
                kind, size = _loose_header(path)
                under = Stored(kind, size, size, path, -1, False)
                break
            try:
                kind, size, base, data_at = _pack_header(self._read(path, offset, 64), offset)
                delta_head = self._read(path, data_at, 512) if base is not None else b""
            except OSError as exc:
                raise ObjectError(f"cannot read {os.path.basename(path)} ({exc})") from exc
            if base is None:
                under = Stored(kind, size, size, path, offset, False, None, data_at)
                self._entries[at] = under
                break
            base_size, size = _delta_sizes(delta_head)
            chain.append((at, size, base_size, data_at))
            if isinstance(base, int):
                at = (path, base)
            else:
                found = self._locate(base)
                if found is None:
                    raise ObjectError(f"the delta base {base.decode()} is missing")
                at = found
        for where, size, base_size, data_at in reversed(chain):
            if under.size != base_size:
                raise ObjectError(
                    f"a delta on a base of {base_size} bytes, but the base has {under.size}"
                )
            under = Stored(
                under.kind, size, max(size, under.largest), where[0], where[1], True, under, data_at
            )
            self._entries[where] = under
        return under


def _stores(store: Any, depth: int = 0) -> list[tuple[list[tuple[Any, str]], str | None]]:
    """Each object store (the repository's, then its alternates): its packs' indexes
    and data files, and its folder of loose objects."""
    packs = []
    for pack in store.packs:
        path = getattr(pack, "_data_path", None) or pack._basename + ".pack"
        packs.append((pack.index, os.fspath(path)))
    root = getattr(store, "path", None)
    out = [(packs, None if root is None else os.fspath(root))]
    if depth < 5:  # git follows alternates five deep
        for alternate in getattr(store, "alternates", ()):
            out.extend(_stores(alternate, depth + 1))
    return out


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


class _Budget:
    """What inflating one blob has read and written, against the limits: the bytes
    expanded in all (a delta chain writes each of its steps) and the expansion
    ratio over the compressed bytes read (above 1 MiB)."""

    def __init__(self, max_ratio: float, max_expanded: int) -> None:
        self.max_ratio = max_ratio
        self.max_expanded = max_expanded
        self.consumed = 0
        self.written = 0

    def wrote(self, n: int, step: int) -> None:
        """``n`` more bytes written, ``step`` so far by this step of the chain."""
        self.written += n
        if self.written > self.max_expanded:
            raise Refused(f"more than {self.max_expanded} bytes expanded (--max-expanded)")
        if step > RATIO_FLOOR and step > self.max_ratio * max(self.consumed, 1):
            raise Refused(
                f"expands more than {self.max_ratio:g} times (--max-ratio): "
                f"{step} bytes from {self.consumed}"
            )


class _Inflater:
    """The zlib data of one object, from ``at`` in ``src``, read by exact counts."""

    def __init__(self, src: BinaryIO, at: int, budget: _Budget) -> None:
        src.seek(at)
        self._src = src
        self._budget = budget
        self._d = zlib.decompressobj()
        self._pending = b""
        self._buf = b""

    def read(self, n: int, exact: bool = True) -> bytes:
        """``n`` bytes (fewer only at the end, when not ``exact``)."""
        while len(self._buf) < n and not self._d.eof:
            if not self._pending:
                self._pending = self._src.read(64 * 1024)
                if not self._pending:
                    raise ObjectError("the object's data ends early")
                self._budget.consumed += len(self._pending)
            self._buf += self._d.decompress(self._pending, max(n - len(self._buf), CHUNK))
            self._pending = self._d.unconsumed_tail
            if self._d.eof:
                self._budget.consumed -= len(self._d.unused_data)
        if exact and len(self._buf) < n:
            raise ObjectError("the object's data ends early")
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def byte(self) -> int:
        return self.read(1)[0]

    def at_end(self) -> bool:
        return not self._buf and (self._d.eof or not self.read(1, exact=False))


class _Out:
    """The file a step of the chain writes, counted (and, for the last step,
    hashed as git names objects)."""

    def __init__(self, path: str, budget: _Budget, digest: Any) -> None:
        self.f = open(path, "wb")  # noqa: SIM115 - closed by the caller's with
        self.budget = budget
        self.digest = digest
        self.count = 0

    def write(self, data: bytes) -> None:
        self.count += len(data)
        self.budget.wrote(len(data), self.count)
        if self.digest is not None:
            self.digest.update(data)
        self.f.write(data)


def inflate_to(
    stored: Stored,
    oid: bytes,
    out_path: str,
    new_file: Callable[[], str],
    remove: Callable[[str], None],
    max_ratio: float,
    max_expanded: int,
) -> int:
    """Inflate an object (a delta too, step by step through files from
    ``new_file``: bases are read back by offset, never held in memory) into the
    file ``out_path``, a megabyte at a time, checking ``max_expanded`` and the
    expansion ratio as it goes, then its size and id.  Returns its size.  Raises
    :class:`Refused` past a limit, :class:`ObjectError` for damaged data."""
    budget = _Budget(max_ratio, max_expanded)
    chain: list[Stored] = []
    whole = stored
    while whole.base is not None:
        chain.append(whole)
        whole = whole.base
    digest = hashlib.sha1() if len(oid) == 40 else hashlib.sha256()  # git ids
    digest.update(f"{KIND_NAMES[stored.kind]} {stored.size}\0".encode())
    path = out_path if not chain else new_file()
    try:
        _inflate_whole(whole, path, budget, None if chain else digest)
        for n, step in enumerate(reversed(chain), 1):
            target = out_path if n == len(chain) else new_file()
            _apply_delta(step, path, target, budget, digest if n == len(chain) else None)
            remove(path)
            path = target
    except OSError as exc:
        raise ObjectError(f"cannot read the object ({exc})") from exc
    except zlib.error as exc:
        raise ObjectError(f"the object's data is damaged ({exc})") from exc
    finally:
        if path != out_path:
            remove(path)
    if digest.hexdigest().encode() != oid:
        raise ObjectError("the object's content does not match its id")
    return stored.size


def _inflate_whole(stored: Stored, path: str, budget: _Budget, digest: Any) -> None:
    with open(stored.file, "rb") as src:
        reader = _Inflater(src, max(stored.data_at, 0), budget)
        if stored.offset < 0:  # a loose object's data follows "blob N\0"
            head = reader.read(64, exact=False)
            _header, nul, rest = head.partition(b"\0")
            if not nul:
                raise ObjectError("a loose object with a malformed header")
        else:
            rest = b""
        out = _Out(path, budget, digest)
        with out.f:
            if rest:
                out.write(rest)
            while out.count <= stored.size:
                piece = reader.read(CHUNK, exact=False)
                if not piece:
                    break
                if out.count + len(piece) > stored.size:
                    raise ObjectError(
                        f"the object holds more than the {stored.size} bytes it declares"
                    )
                out.write(piece)
        if out.count != stored.size:
            raise ObjectError(f"the object holds {out.count} bytes, its header says {stored.size}")


def _apply_delta(step: Stored, base_path: str, path: str, budget: _Budget, digest: Any) -> None:
    """Write ``step``'s result into ``path``: its delta's copies read from the base
    in ``base_path``, its inserts from the delta itself."""
    with open(step.file, "rb") as src, open(base_path, "rb") as base:
        base_size = base.seek(0, os.SEEK_END)
        reader = _Inflater(src, step.data_at, budget)
        _varint_from(reader)
        target = _varint_from(reader)
        if target != step.size:
            raise ObjectError("a delta whose header changed while it was read")
        out = _Out(path, budget, digest)
        with out.f:
            while out.count < target:
                op = reader.byte()
                if op & 0x80:
                    off = size = 0
                    for i in range(4):
                        if op & (1 << i):
                            off |= reader.byte() << (8 * i)
                    for i in range(3):
                        if op & (1 << (4 + i)):
                            size |= reader.byte() << (8 * i)
                    size = size or 0x10000
                    if off + size > base_size or out.count + size > target:
                        raise ObjectError("a delta that copies past its base or its size")
                    base.seek(off)
                    while size:
                        piece = base.read(min(size, CHUNK))
                        if not piece:
                            raise ObjectError("a delta's base ends early")
                        out.write(piece)
                        size -= len(piece)
                elif op:
                    if out.count + op > target:
                        raise ObjectError("a delta that inserts past its size")
                    out.write(reader.read(op))
                else:
                    raise ObjectError("a delta with a reserved instruction")
        if not reader.at_end():
            raise ObjectError("a delta with data past its end")


def _varint_from(reader: _Inflater) -> int:
    value = shift = 0
    while shift <= 70:
        b = reader.byte()
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value
    raise ObjectError("a delta with a malformed header")
