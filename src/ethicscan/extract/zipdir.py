"""A zip's central directory counted before :mod:`zipfile` reads it.

``zipfile`` makes an object of every entry of the central directory (about 500 bytes
each) before the first is read: a 1 MB zip can list millions.  :func:`listing` counts
the records a megabyte at a time, as zipfile would read them, and :class:`Cut` shows
zipfile a zip whose directory ends after the entries a limit leaves.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from typing import IO, BinaryIO

CHUNK = 1024 * 1024

_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # a central directory record, 46 bytes


@dataclass(frozen=True, slots=True)
class Listing:
    """What a zip's central directory lists, counted before zipfile reads it."""

    count: int  # records, counted up to one past the most asked for
    start: int  # where the directory starts in the file
    kept: int  # bytes of the records up to the most asked for
    offset: int  # the directory's offset as the end record gives it


def listing(f: IO[bytes] | BinaryIO, most: int) -> Listing | None:
    """Count the records of the central directory of the zip in ``f`` as zipfile reads
    them (by the directory's size, not the count the end record claims), a megabyte
    at a time, stopping once past ``most``.  None when there is no end record to be
    found (zipfile then says what is wrong)."""
    try:
        # (the standard library's own reader of the end record, zip64 included)
        end = zipfile._EndRecData(f)  # type: ignore[attr-defined]
    except (AttributeError, OSError, struct.error, zipfile.BadZipFile, ValueError, EOFError):
        return None  # (a zip that spans disks, a zip64 locator that lies)
    finally:
        f.seek(0)
    if not end:
        return None
    size, offset, at = end[5], end[6], end[9]  # _ECD_SIZE, _ECD_OFFSET, _ECD_LOCATION
    start = at - size
    if end[0] == b"PK\x06\x06":  # zip64: its end record and locator come first
        start -= 56 + 20
    if start < 0 or offset < 0:
        return None
    f.seek(start)
    count = kept = 0
    left = size  # bytes of the directory not yet read
    buf = b""
    i = 0  # where the next record starts in buf
    done = 0  # bytes of the directory before buf
    try:
        while count <= most:
            if len(buf) - i < _CENTRAL.size:
                more = f.read(min(CHUNK, left)) if left else b""
                if not more:
                    break
                left -= len(more)
                done += i
                buf, i = buf[i:] + more, 0
                continue
            head = _CENTRAL.unpack_from(buf, i)
            if head[0] != b"PK\x01\x02":
                break
            count += 1  # (folders too: zipfile makes an object of each)
            i += _CENTRAL.size + head[12] + head[13] + head[14]  # name, extra, comment
            if count <= most:
                kept = done + i
            if i > len(buf):  # the record runs past what was read: skip the rest of it
                skip = min(i - len(buf), left)
                f.seek(skip, io.SEEK_CUR)
                left -= skip
                done += i
                buf, i = b"", 0
    finally:
        f.seek(0)
    return Listing(count, start, min(kept, size), offset)


class Cut(io.RawIOBase):
    """A zip read only up to its ``listing.kept`` bytes of central directory, with an
    end record that says so: zipfile then lists the first entries and no more."""

    def __init__(self, f: IO[bytes] | BinaryIO, listing: Listing, most: int) -> None:
        self.f = f
        self.cut = listing.start + listing.kept
        n = min(most, 0xFFFF)
        self.end = struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, listing.kept, listing.offset, 0
        )
        self.size = self.cut + len(self.end)
        self.pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + pos)
        return self.pos

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        out = b""
        want = len(b)
        if self.pos < self.cut:
            self.f.seek(self.pos)
            out = self.f.read(min(want, self.cut - self.pos))
        if len(out) < want and self.pos + len(out) >= self.cut:
            at = self.pos + len(out) - self.cut
            out += self.end[at : at + want - len(out)]
        b[: len(out)] = out
        self.pos += len(out)
        return len(out)
