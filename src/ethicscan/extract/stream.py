"""Texts too large to read whole, read in bounded pieces.

A large text is cut into byte ranges of :data:`RANGE` bytes, each moved to the
next line start, so that ranges can be read in any order (or by different
processes) and always give the same pieces: results do not depend on the
number of workers.  Each range is decoded incrementally and handed out as
pieces of at most about :data:`PIECE` characters, cut after a newline.  A line
longer than that (minified JavaScript) is cut inside the line with an overlap of
:data:`EDGE` characters; a match near the cut is kept from the piece where it
has the more context, so it is reported once.  Memory stays bounded by a few
pieces whatever the file size.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

RANGE = 8 * 1024 * 1024  # bytes of a file per unit of work
PIECE = 2 * 1024 * 1024  # characters per piece handed to the classifier
EDGE = 1024  # characters shared by two pieces of one long line
BLOCK = 1024 * 1024  # bytes per read


@dataclass(frozen=True, slots=True)
class Piece:
    """Text of a large file and where it sits in its range.

    ``line`` counts the lines of the range before the piece; ``column`` the
    characters on the piece's first line before it.  Matches on the piece's
    first line that start before ``keep_from`` belong to the previous piece, and
    on its last line from ``keep_before`` on, to the next one (0-based
    characters within the piece).
    """

    text: str
    line: int
    column: int
    keep_from: int = 0
    keep_before: int | None = None


def unit_of(encoding: str) -> int:
    """Bytes of one code unit: 2 for UTF-16, 4 for UTF-32, else 1."""
    return 4 if encoding.startswith("utf-32") else 2 if encoding.startswith("utf-16") else 1


def ranges(size: int, bom: int, wide: bool | int) -> list[tuple[int, int]]:
    """Nominal byte ranges covering ``[bom, size)``; aligned on the code unit (``wide``:
    its size, or True for UTF-16)."""
    unit = 2 if wide is True else max(1, int(wide))
    out = []
    start = bom
    while start < size:
        end = min(size, start + RANGE)
        out.append((start, end))
        start = end
    if unit > 1:
        out = [(s - (s - bom) % unit, e - (e - bom) % unit if e < size else e) for s, e in out]
    return out or [(bom, size)]


class RangeReader:
    """The pieces of the lines that start in ``[start, end)`` of ``f``; after
    iterating, :attr:`newlines` holds how many line breaks those lines hold."""

    def __init__(self, f: BinaryIO, start: int, end: int, encoding: str, bom: int) -> None:
        self.f = f
        self.start = start
        self.end = end
        self.encoding = encoding
        self.bom = bom
        self.unit = unit_of(encoding)
        self.nl = "\n".encode(encoding) if self.unit > 1 else b"\n"
        self.newlines = 0

    # -- line starts ---------------------------------------------------------------------
    def _find_nl(self, data: bytes, at: int, base: int) -> int:
        """Index in ``data`` (whose first byte is at file offset ``base``) of the
        first line break at or after index ``at``, or -1."""
        i = data.find(self.nl, max(at, 0))
        while i != -1 and self.unit > 1 and (base + i - self.bom) % self.unit:
            i = data.find(self.nl, i + 1)
        return i

    def _line_start_at_or_after(self, pos: int) -> int:
        """The first line start at or after file offset ``pos``."""
        if pos <= self.bom:
            return self.bom
        back = len(self.nl)
        self.f.seek(pos - back)
        base = pos - back
        carry = b""
        while True:
            block = self.f.read(BLOCK)
            if not block:
                return base + len(carry)
            data = carry + block
            i = self._find_nl(data, 0, base)
            if i != -1:
                return base + i + len(self.nl)
            keep = len(self.nl) - 1 + (self.unit - 1)
            cut = len(data) - keep
            base += cut
            carry = data[cut:]

    # -- pieces --------------------------------------------------------------------------
    def pieces(self) -> Iterator[Piece]:
        begin = self._line_start_at_or_after(self.start)
        stop_at = self.end  # lines starting at or after this belong to the next range
        self.f.seek(begin)
        pos = begin
        dec = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        pending = ""
        line = 0
        column = 0
        keep_from = 0
        done = begin >= stop_at and begin > self.start
        if done:
            return
        while True:
            raw = self.f.read(BLOCK)
            final = not raw
            if raw and pos + len(raw) >= stop_at:
                # stop after the line break that ends the last line starting before stop_at
                i = self._find_nl(raw, stop_at - len(self.nl) - pos, pos)
                if i != -1:
                    raw = raw[: i + len(self.nl)]
                    final = True
            pos += len(raw)
            text = pending + dec.decode(raw, final)
            if final:
                if text:
                    yield Piece(text, line, column, keep_from)
                    self.newlines += text.count("\n")
                return
            while len(text) >= PIECE:
                cut = text.rfind("\n", 0, PIECE) + 1
                if cut:
                    piece, text = text[:cut], text[cut:]
                    yield Piece(piece, line, column, keep_from)
                    n = piece.count("\n")
                    self.newlines += n
                    line += n
                    column = 0
                    keep_from = 0
                else:  # one line longer than a piece: cut inside it, with an overlap
                    piece, text = text[:PIECE], text[PIECE - EDGE :]
                    yield Piece(piece, line, column, keep_from, PIECE - EDGE // 2)
                    column += PIECE - EDGE
                    keep_from = EDGE // 2
            pending = text
