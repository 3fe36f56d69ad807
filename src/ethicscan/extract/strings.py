"""Printable strings in binary data, each with its byte offset.

Like ``strings(1)``, but aware of the scripts this tool looks for:

* ASCII runs of printable characters with at least :data:`MIN_ASCII` letters
  (or underscores) in a row;
* UTF-8 runs that start with two CJK-range (three-byte) characters (``民族``,
  ``肤色``, ``维族告警: %d``) and take in the printable ASCII and other multi-byte
  characters on both sides;
* UTF-16LE runs (Windows resources, ``L"..."`` literals): four or more ASCII code
  units, or two or more units of ASCII and CJK that end in a NUL code unit.

Speed: each byte is first mapped to its class with :meth:`bytes.translate`
(printable, NUL, UTF-8 lead or continuation byte ...), so that every pattern
starts with a literal that :mod:`re` can search for quickly; no step walks the
bytes one at a time in Python (a run's start before its first letters is found
by a regular expression over a reversed stretch, a UTF-16 run's checks are
regular expressions over its text), and the work in Python is per string found.
Runs found by the UTF-8 pass replace the ASCII runs inside them; UTF-16 runs
that end in NUL replace the ASCII-only UTF-16 runs they overlap.  The passes stop
after :data:`MAX_CHARS` characters or :data:`MAX_STRINGS` strings.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import gc
import itertools
import operator
import re
import unicodedata
from array import array
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import BinaryIO

from ethicscan.extract.units import LazySegments, Segment

MIN_ASCII = 4
MAX_CHARS = 32 * 1024 * 1024  # characters of strings handed to the classifier per file
MAX_STRINGS = 1_000_000
MAX_STRING = 4096  # longer runs are cut into pieces of this many characters

_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t"
_WORD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"


def _table(classes: dict[bytes, bytes]) -> bytes:
    t = bytearray(b"." * 256)
    for members, cls in classes.items():
        for b in members:
            t[b] = cls[0]
    return bytes(t)


# W: letter or underscore, A: other printable ASCII, Z: NUL, L: lead byte of a
# 3-byte UTF-8 sequence (U+0800-FFFF, where CJK is), 2 and 4: other lead bytes,
# c: continuation byte.
_T8 = _table(
    {
        _PRINTABLE: b"A",
        _WORD: b"W",
        b"\x00": b"Z",
        bytes(range(0xC2, 0xE0)): b"2",
        bytes(range(0xE0, 0xF0)): b"L",
        bytes(range(0xF0, 0xF5)): b"4",
        bytes(range(0x80, 0xC0)): b"c",
    }
)
_TEXT_CLASSES = frozenset(b"AW")
# An ASCII string is kept when it has MIN_ASCII letters in a row (``race``,
# ``is_hui``, ``_ZN4Face12getSkinColorEv``): shorter runs ("%d, %s", "@8P!")
# hold no term, and in machine code they are noise that would dilute the context
# of the strings around them.
_ASCII = re.compile(b"W" * MIN_ASCII + rb"[AW]*")
_UTF8 = re.compile(rb"LccLcc(?:[AW]|Lcc|2c|4ccc)*")
# Starts at the high byte of the first unit: a literal to search for.
_U16_ASCII = re.compile(rb"Z[AW]Z[AW]Z[AW]Z(?:[AW]Z)*")
# For UTF-16 code units (low byte, high byte): Z: NUL; B: printable and a CJK high
# byte ('0' for U+30xx, 'N'-'~' for U+4Exx-7Exx); P: printable only; H: CJK high
# byte only (U+7Fxx-9Fxx).  The pass runs over the reversed classes, so that it
# starts at the NUL code unit that ends a string: ZZ, then (high, low) pairs.
_T16 = _table(
    {
        b"\x00": b"Z",
        b"0" + bytes(range(0x4E, 0x7F)): b"B",
        bytes(c for c in _PRINTABLE if c != 0x30 and not 0x4E <= c < 0x7F): b"P",
        bytes(range(0x7F, 0xA0)): b"H",
    }
)
_U16_ENDED = re.compile(rb"ZZ(?:[BH][^Z]|Z[PB]){2,}")


def strings(data: bytes, skip: Iterable[str] = ()) -> tuple[list[Segment], bool]:
    """Segments for the printable strings of ``data`` in file order (``offset`` =
    byte offset of the string), leaving out the texts in ``skip``; and whether the
    caps cut the list short."""
    runs = string_runs(data, skip)
    return list(runs), runs.cut


def string_runs(data: bytes, skip: Iterable[str] = ()) -> Runs:
    """What :func:`strings` finds, without an object per string (a binary can hold a
    million): the strings joined by line breaks (none holds one) and where each
    starts, in that text and in ``data``."""
    collecting = gc.isenabled()
    gc.disable()  # many small tuples and strings, no cycle among them
    try:
        return _string_runs(_stretches(data), len(data), set(skip))
    finally:
        if collecting:
            gc.enable()


def string_runs_read(f: BinaryIO, size: int, skip: Iterable[str] = ()) -> Runs:
    """:func:`string_runs` of the first ``size`` bytes of the file ``f`` (or as many as
    it holds), read a stretch at a time (:func:`_read_stretches`): the strings pass
    holds no copy of the whole binary (name2nat's pickle: 54 MB)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _string_runs(_read_stretches(f, size), size, set(skip))
    finally:
        if collecting:
            gc.enable()


class Runs(LazySegments):
    """The strings of one binary: ``text`` (joined by line breaks), ``starts`` (where
    each starts in ``text``), ``offsets`` (where each starts in the data), and ``cut``
    (the caps cut the list short).  A :class:`Segment` is made when one is asked for.

    ``text`` may be given as pieces (each the strings of a batch, joined), joined on
    first use: a binary's strings are joined once its bytes are let go (the pass needs
    them; the joining holds the pieces and the text, both of the text's size)."""

    __slots__ = ("_pieces", "_text", "cut", "offsets", "starts")

    def __init__(
        self, text: str | list[str], starts: array[int], offsets: array[int], cut: bool
    ) -> None:
        if len(starts) != len(offsets):
            raise ValueError(f"{len(starts)} strings but {len(offsets)} offsets")
        self._text = text if isinstance(text, str) else None
        self._pieces = None if isinstance(text, str) else text
        self.starts = starts
        self.offsets = offsets
        self.cut = cut

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join(self._pieces or ())
            self._pieces = None
        return self._text

    def __len__(self) -> int:
        return len(self.starts)

    def text_of(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[i] : end]

    def _at(self, i: int) -> Segment:
        return Segment(self.text_of(i), offset=self.offsets[i])

    def __iter__(self) -> Iterator[Segment]:
        if not self.starts:
            return
        for text, off in zip(self.text.split("\n"), self.offsets, strict=True):
            yield Segment(text, offset=off)

    def __repr__(self) -> str:
        return f"Runs({len(self)} strings, cut={self.cut})"


Span = tuple[int, int, str]
BATCH = 1 << 14  # strings handled at a time: their spans and texts are all that is held
REV_STEP = 1 << 20  # bytes of the data reversed at a time for the UTF-16 pass
# Bytes read at a time, when the data has runs of zeros (or bytes no string holds) to cut
# at: a stretch's copy, byte classes and reversed classes are held at once (8 MB
# stretches took 32 MB more at a worker's peak than 4 MB ones, for the same time; 2 MB
# ones 12 MB less than 4 MB ones on a 54 MB pickle, 7 MB less on a 37 MB library).
WINDOW = 2 << 20


def _string_runs(stretches: Iterator[tuple[int, bytes]], size: int, skipset: set[str]) -> Runs:
    chunks: list[str] = []
    # 4 bytes an entry where they fit (a million strings: 8 MB less than 8 bytes each);
    # a string starts within MAX_CHARS + MAX_STRINGS characters of the text's start.
    starts: array[int] = array("i" if MAX_CHARS + MAX_STRINGS < 1 << 31 else "q")
    offsets: array[int] = array("i" if size < 1 << 31 else "q")
    pos = 0  # where the next string starts in the joined text
    chars = 0
    cut = False
    spans: list[Span] = []
    texts: list[str] = []
    offs: list[int] = []
    window = b""
    batches = _span_batches(stretches)
    for base, window, spans in batches:
        # (the work per string done by built-ins: a million strings in a large binary)
        firsts, ends, encs = zip(*spans, strict=True)
        raws = list(map(window.__getitem__, map(slice, firsts, ends)))
        offs = list(map(operator.add, firsts, itertools.repeat(base))) if base else list(firsts)
        if "utf-16-le" in encs:
            # ASCII strings decode as UTF-8 the same; UTF-16 ones (few) are decoded apart
            texts = list(map(bytes.decode, raws, _UTF8_NAME, _REPLACE))
            for i in itertools.compress(itertools.count(), map(_UTF16_NAME.__eq__, encs)):
                texts[i] = _u16_text(raws[i])
        else:
            # ASCII and UTF-8 strings hold no line break, and a UTF-8 one ends with a whole
            # sequence: decoded joined, each is what it is decoded alone (see _utf8)
            texts = b"\n".join(raws).decode("utf-8", "replace").split("\n")
        del raws
        if texts and max(map(len, texts)) > MAX_STRING:
            texts, offs = _cut(texts, offs, spans)
        if skipset and not skipset.isdisjoint(texts):
            kept = list(map(operator.not_, map(skipset.__contains__, texts)))
            texts = list(itertools.compress(texts, kept))
            offs = list(itertools.compress(offs, kept))
        if not texts:
            continue
        # characters before each string, and after the last
        before = list(itertools.accumulate(map(len, texts), initial=0))
        room = bisect.bisect_right(before, MAX_CHARS - chars) - 1
        n = min(MAX_STRINGS - len(starts), room)
        cut = n < len(texts)
        if cut:
            del texts[n:], offs[n:]
        if texts:
            # each string starts after those before it and a line break each
            starts.extend(map(operator.add, before, range(pos, pos + len(texts))))
            pos += before[len(texts)] + len(texts)
            offsets.extend(offs)
            chars += before[len(texts)]
            chunks.append("\n".join(texts))
        if cut:
            break
    # The passes' byte classes (as large as a stretch) are let go when the caps stop
    # them too; the text is joined when it is first read (Runs.text), which the explorer
    # does once it has let go of the binary's bytes.
    batches.close()
    del spans, texts, offs, window
    return Runs(chunks, starts, offsets, cut)


# Two bytes in a row that no string holds, either of them, nor a UTF-16 unit across them:
# control bytes, and bytes that are neither ASCII, nor in a UTF-8 sequence, nor the
# high byte of a unit the UTF-16 passes take (0, "0", 0x4E-0x9F).
_NO_STRING = re.compile(rb"[\x01-\x08\x0a-\x1f\xc0\xc1\xf5-\xff]{2}")


def _windows(data: bytes) -> Iterator[tuple[int, int]]:
    """Stretches of about WINDOW bytes that no string crosses: each ends three bytes
    into a run of four zeros or more (a string holds no two zeros in a row, a UTF-16
    string's NUL unit is in the stretch that holds it, and a match in the next stretch
    starts no earlier than the last zero), or, where that comes first, between two
    bytes of which no string holds either (:data:`_NO_STRING`: neither is printable or
    part of a UTF-8 sequence, and neither can be the high byte of a UTF-16 unit, so no
    unit, and no run of units, has a byte on each side).  Data without either is one
    stretch."""
    start, n = 0, len(data)
    q = 0  # the first run of four zeros at or after where it was last looked for, or -1
    while start < n:
        end = n
        if start + WINDOW < n:
            if 0 <= q < start + WINDOW:  # (data with none left is not searched again)
                q = data.find(b"\x00\x00\x00\x00", start + WINDOW)
            stop = n if q < 0 else q
            m = _NO_STRING.search(data, start + WINDOW, stop + 1)
            end = m.start() + 1 if m is not None else stop + 3 if q >= 0 else n
        yield start, end
        start = end


NEAR = 2048  # bytes each side of a place that the stretch around it takes in, at least


def stretches_near(data: bytes, places: Iterable[int], near: int = NEAR) -> list[tuple[int, int]]:
    """Stretches of ``data`` cut as :func:`_windows` cuts it (three bytes into a run of
    four zeros or more, or at either end), so that no string crosses one and the
    strings pass finds in each the strings it finds there in the whole data: each
    holds the bytes ``near`` each side of a place of ``places`` (in order), those that
    overlap or touch joined."""
    out: list[tuple[int, int]] = []
    n = len(data)
    for p in places:
        if out and p + near <= out[-1][1]:
            continue
        q = data.rfind(b"\x00\x00\x00\x00", 0, max(0, p - near))
        start = q + 3 if q >= 0 else 0
        q = data.find(b"\x00\x00\x00\x00", min(n, p + near))
        end = q + 3 if q >= 0 else n
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _stretches(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each stretch of :func:`_windows` and where it starts."""
    for start, end in _windows(data):
        yield start, data if (start, end) == (0, len(data)) else data[start:end]


READ_STEP = 1 << 18  # bytes read at a time past a stretch's WINDOW, for where it ends


def _read_stretches(f: BinaryIO, size: int) -> Iterator[tuple[int, bytes]]:
    """:func:`_stretches` of the first ``size`` bytes of the file ``f`` (fewer if it
    ends before), read as they are needed: each stretch ends where :func:`_windows` ends
    it, the bytes past its WINDOW read READ_STEP at a time until that place is read."""
    start = 0
    buf = b""  # the bytes from ``start`` on that are read
    ended = False  # the file holds no more

    def fill(upto: int) -> None:
        nonlocal buf, ended
        need = min(upto, size - start) - len(buf)
        if need > 0 and not ended:
            got = f.read(need)
            ended = len(got) < need
            buf += got

    while True:
        fill(WINDOW + READ_STEP)
        if not buf:
            return
        if len(buf) <= WINDOW and (ended or start + len(buf) >= size):
            yield start, buf
            return
        searched = WINDOW  # (a cut is looked for from there)
        while True:
            q = buf.find(b"\x00\x00\x00\x00", searched)
            m = _NO_STRING.search(buf, searched, (len(buf) if q < 0 else q) + 1)
            if m is not None or q >= 0:
                end = m.start() + 1 if m is not None else q + 3
                break
            if ended or start + len(buf) >= size:
                end = len(buf)
                break
            searched = max(WINDOW, len(buf) - 4)  # (a run or a pair across the end)
            fill(len(buf) + READ_STEP)
        yield start, buf[:end]
        start += end
        buf = buf[end:]


def _span_batches(
    stretches: Iterator[tuple[int, bytes]],
) -> Generator[tuple[int, bytes, list[Span]], None, None]:
    """The spans of every string in file order, a batch at a time, each with its
    stretch and where that starts (the spans are in the stretch): each stretch read on
    its own, so that its byte classes are all that is held."""
    for start, window in stretches:
        for spans in _window_batches(window):
            yield start, window, spans


def _window_batches(data: bytes) -> Iterator[list[Span]]:
    ended = _utf16_ended(data)  # first: its reversed copy is freed before the classes
    classes = data.translate(_T8)
    wide = _utf8(data, classes)
    # UTF-8 and UTF-16 strings: in the order of the first pass (by start, the longer
    # first, UTF-8 before UTF-16 on a tie), merged into the ASCII strings as those are
    # found, a batch at a time, so that the caps stop the work too.  Held as arrays: a
    # dictionary of Chinese words has hundreds of thousands (a tuple each cost 120 bytes).
    others = wide.merged(_utf16(data, classes, ended))
    other_starts = others.starts
    reach = 0
    k = 0
    for batch in itertools.chain(_ascii_batches(classes, wide), [None]):
        # A batch of ASCII strings is merged a piece at a time, so that no piece meets
        # more than about BATCH others (a dictionary of Chinese words has few ASCII
        # strings between many others): each piece's texts are all that is held.
        # Pieces of a batch merge as smaller batches would.
        pieces = [None] if batch is None else _pieces(batch, other_starts, k)
        for piece in pieces:
            # the others before the piece's first string, BATCH at a time
            ahead = (
                len(others) if piece is None else bisect.bisect_left(other_starts, piece[0][0], k)
            )
            while ahead - k > BATCH:
                spans, reach = _merged([], others[k : k + BATCH], reach)
                k += BATCH
                if spans:
                    yield spans
            if piece is None:
                spans, reach = _merged([], others[k:], reach)
            else:
                j = bisect.bisect_right(other_starts, piece[-1][0], k)
                spans, reach = _merged(piece, others[k:j], reach)
                k = j
            if spans:
                yield spans


def _pieces(batch: list[Span], other_starts: Sequence[int], k: int) -> list[list[Span]]:
    """``batch`` cut where BATCH more of the other strings (from the ``k``-th) have
    started: at most one piece for each BATCH others, and the batch whole when the
    others within its reach are fewer."""
    n = len(other_starts)
    if bisect.bisect_right(other_starts, batch[-1][0], k) - k <= BATCH:
        return [batch]
    starts = [sp[0] for sp in batch]
    out: list[list[Span]] = []
    i = 0
    while i < len(batch):
        k = bisect.bisect_left(other_starts, starts[i], k)  # those before it go ahead
        stop = (
            bisect.bisect_left(starts, other_starts[k + BATCH], i + 1)
            if k + BATCH < n
            else len(batch)
        )
        out.append(batch[i:stop])
        i = stop
        k = bisect.bisect_right(other_starts, batch[stop - 1][0], k)
    return out


def _order(sp: Span) -> tuple[int, int, bool]:
    return sp[0], sp[0] - sp[1], sp[2] != "utf-8"


_ENCODINGS = ("utf-8", "utf-16-le")
_UTF8_NAME = itertools.repeat("utf-8")
_REPLACE = itertools.repeat("replace")
_UTF16_NAME = "utf-16-le"


class _Spans:
    """UTF-8 and UTF-16 spans in order, as three arrays (where each starts, ends, and
    its encoding); a slice gives them as :data:`Span` tuples."""

    __slots__ = ("ends", "kinds", "starts")

    def __init__(self) -> None:
        self.starts: array[int] = array("q")
        self.ends: array[int] = array("q")
        self.kinds = bytearray()  # an index into _ENCODINGS

    def __len__(self) -> int:
        return len(self.starts)

    def append(self, s: int, e: int, kind: int) -> None:
        self.starts.append(s)
        self.ends.append(e)
        self.kinds.append(kind)

    def __getitem__(self, i: slice) -> list[Span]:
        encs = map(_ENCODINGS.__getitem__, self.kinds[i])
        return list(zip(self.starts[i], self.ends[i], encs, strict=True))

    def merged(self, u16: list[Span]) -> _Spans:
        """These UTF-8 spans (in order of start, none overlapping) and the UTF-16 spans
        ``u16`` in one list, as ``sorted(wide + u16, key=_order)`` orders them."""
        if not u16:
            return self
        u16 = sorted(u16, key=_order)
        out = _Spans()
        starts, ends, kinds = self.starts, self.ends, self.kinds
        i = 0
        for s, e, _enc in u16:
            j = bisect.bisect_left(starts, s, i)
            if j < len(starts) and starts[j] == s and ends[j] >= e:
                j += 1  # the same start: the longer first, UTF-8 on a tie
            out.starts.extend(starts[i:j])
            out.ends.extend(ends[i:j])
            out.kinds.extend(kinds[i:j])
            out.append(s, e, 1)
            i = j
        out.starts.extend(starts[i:])
        out.ends.extend(ends[i:])
        out.kinds.extend(kinds[i:])
        return out


def _cut(texts: list[str], offsets: list[int], spans: list[Span]) -> tuple[list[str], list[int]]:
    """Strings longer than MAX_STRING characters cut into pieces of that many, each
    with the byte offset where it starts."""
    out_t: list[str] = []
    out_o: list[int] = []
    for text, off, (_s, _e, enc) in zip(texts, offsets, spans, strict=True):
        if len(text) <= MAX_STRING:
            out_t.append(text)
            out_o.append(off)
            continue
        for i in range(0, len(text), MAX_STRING):
            out_t.append(text[i : i + MAX_STRING])
            out_o.append(off + _width(text[:i], enc))
    return out_t, out_o


def _merged(first: list[Span], second: list[Span], reach: int) -> tuple[list[Span], int]:
    """The spans of both lists in order of start (the longer first at the same start,
    ``first`` before ``second`` when they are equal), leaving out each span that starts
    before ``reach`` or inside one kept before it; and the end of the last one kept.
    Each list is in that order and holds no overlapping spans, so only where a span of
    ``second`` falls among those of ``first`` is anything decided one at a time: the
    spans of ``first`` between two of ``second`` are kept together."""
    if not first and second:
        # (the UTF-8 and UTF-16 strings between two ASCII ones, a Chinese dictionary's
        # hundreds of thousands: when none overlaps the one before, each is kept)
        ends = list(map(_SECOND, second))
        if second[0][0] >= reach and all(map(operator.le, ends, map(_FIRST, second[1:]))):
            return list(second), ends[-1]
    out: list[Span] = []
    i = 0
    first_starts = [sp[0] for sp in first] if second else []
    for u in second:
        j = bisect.bisect_left(first_starts, u[0], i)
        if j < len(first) and first[j][0] == u[0] and first[j][1] >= u[1]:
            j += 1  # the same start: the longer first, ``first`` on a tie
        while i < j and first[i][0] < reach:
            i += 1
        if i < j:
            out.extend(first[i:j])
            reach = first[j - 1][1]
            i = j
        if u[0] >= reach:
            out.append(u)
            reach = u[1]
    while i < len(first) and first[i][0] < reach:
        i += 1
    if i < len(first):
        out.extend(first[i:])
        reach = first[-1][1]
    return out, reach


def _width(text: str, enc: str) -> int:
    return len(text.encode("utf-16-le" if enc == "utf-16-le" else "utf-8", "replace"))


_TEXT_RUN = re.compile(rb"[AW]*")
BACK_STEP = 4096  # bytes read back at a time for the start of a run


def _extend_back(classes: bytes, s: int, floor: int) -> int:
    """Where the run of printable classes that ends at ``s`` starts (not before
    ``floor``): a stretch before ``s`` reversed, matched by a regular expression."""
    while s > floor and classes[s - 1] in _TEXT_CLASSES:
        lo = max(floor, s - BACK_STEP)
        m = _TEXT_RUN.match(classes[lo:s][::-1])
        assert m is not None  # [AW]* matches the empty string at least
        if m.end() < s - lo:
            return s - m.end()
        s = lo
    return s


def _utf8(data: bytes, classes: bytes) -> _Spans:
    """UTF-8 runs that start with two CJK-range characters, with the printable ASCII
    before them, that decode to clean text."""
    wide = _Spans()
    unclean = _unclean_bmp()
    for starts, ends in _runs(_UTF8, _UTF8_SPLIT, classes):
        # Decoded joined by line breaks, as each decodes alone: a run holds no line break
        # and ends with a whole sequence (a lead byte and its continuation bytes), so no
        # replacement reaches past its end.  (A line break is neither unclean nor astral:
        # all are clean when the joined text is.)
        raws = map(data.__getitem__, map(slice, starts, ends))
        joined = b"\n".join(raws).decode("utf-8", "replace")
        if unclean.search(joined) is not None or _ASTRAL.search(joined) is not None:
            kept = list(map(_clean, joined.split("\n")))
            starts = list(itertools.compress(starts, kept))
            ends = list(itertools.compress(ends, kept))
        wide.starts.extend(starts)
        wide.ends.extend(ends)
        wide.kinds.extend(bytes(len(starts)))  # (0: UTF-8)
    return wide


def _ascii_batches(classes: bytes, wide: _Spans) -> Iterator[list[Span]]:
    """ASCII runs with MIN_ASCII letters in a row, in order, BATCH at a time, leaving
    out those inside a UTF-8 run."""
    wide_starts, wide_ends = wide.starts, wide.ends
    i = 0
    runs = (
        list(zip(starts, ends, itertools.repeat("ascii", len(starts)), strict=True))
        for starts, ends in _runs(_ASCII, _ASCII_SPLIT, classes)
    )
    for batch in _batched(runs, BATCH):
        if i >= len(wide):
            yield batch
            continue
        out: list[Span] = []
        for s, e, enc in batch:
            while i < len(wide) and wide_ends[i] <= s:
                i += 1
            if i < len(wide) and wide_starts[i] < e:
                continue  # part of a UTF-8 run
            out.append((s, e, enc))
        if out:
            yield out


def _batched(pieces: Iterable[list[Span]], n: int) -> Iterator[list[Span]]:
    """The items of ``pieces`` (lists) in lists of ``n``, the last one shorter."""
    held: list[Span] = []
    for piece in pieces:
        held += piece
        while len(held) >= n:
            yield held[:n]
            del held[:n]
    if held:
        yield held


_ASCII_SPLIT = re.compile(b"(" + _ASCII.pattern + b")")
_UTF8_SPLIT = re.compile(b"(" + _UTF8.pattern + b")")
# A class no match of _ASCII or _UTF8 holds (NUL, other bytes): no run crosses one.
_OUTSIDE = re.compile(rb"[^AWLc24]")
PIECE = 1 << 14  # bytes of byte classes split at a time, cut where no run crosses


def _runs(
    pattern: re.Pattern[bytes], split: re.Pattern[bytes], classes: bytes
) -> Iterator[tuple[list[int], list[int]]]:
    """Where each match of ``pattern`` (:data:`_ASCII` or :data:`_UTF8`; ``split``: the
    same in a group) starts and ends, the start moved back over the text classes before
    it but not before the end of the match before it (:func:`_extend_back`), in order,
    a piece of the classes at a time: the work per match done by built-ins.

    ``re.split`` gives the bytes between two matches and each match in turn: a match's
    start less what ``rstrip`` takes off the end of the bytes before it.  A piece ends
    at a class no match holds, so no match crosses two, nor a start moved back (text
    classes only); where no such class comes within 4 * PIECE, the matches are read one
    at a time up to there (the parts of a split are held at once)."""
    n = len(classes)
    a = 0
    sub, length = operator.sub, len
    while a < n:
        b = n
        if a + PIECE < n:
            m = _OUTSIDE.search(classes, a + PIECE, a + 4 * PIECE)
            if m is None:
                starts: list[int] = []
                ends: list[int] = []
                for m in pattern.finditer(classes, a):
                    starts.append(_extend_back(classes, m.start(), ends[-1] if ends else a))
                    ends.append(m.end())
                    if m.end() >= a + PIECE:
                        break
                if not ends:
                    return
                yield starts, ends
                a = ends[-1]
                continue
            b = m.start() + 1
        parts = split.split(classes[a:b])
        if len(parts) > 1:
            # where each part ends: a match's start and end are at 2i+1 and 2i+2
            at = list(itertools.accumulate(map(length, parts), initial=a))
            gaps = parts[::2]
            text_before = map(sub, map(length, gaps), map(length, map(bytes.rstrip, gaps, _AW)))
            yield list(map(sub, at[1:-1:2], text_before)), at[2::2]
        a = b


_AW = itertools.repeat(b"AW")


_LONG_ZEROS = b"Z" * 256  # runs this long are skipped; shorter ones cost little to search
_NOT_ZERO = re.compile(rb"[^Z]")


def _between_zeros(
    pattern: re.Pattern[bytes], buf: bytes | bytearray, tail: int, head: int, start: int = 0
) -> Iterator[re.Match[bytes]]:
    """``pattern.finditer(buf, start)``, for a pattern that holds no four NUL classes in
    a row but may end ``tail`` of them into a run and start ``head`` before its end:
    searched only between long runs of NULs (through a run of zeros, the search would
    try each of its bytes)."""
    while (run := buf.find(_LONG_ZEROS, start)) >= 0:
        after = _NOT_ZERO.search(buf, run)
        yield from pattern.finditer(buf, start, run + tail)
        start = (after.start() if after else len(buf)) - head
    yield from pattern.finditer(buf, start)


def _utf16_ended(data: bytes) -> list[Span]:
    """UTF-16LE runs that end in a NUL code unit and read as text, in order.  The
    pass runs over the reversed classes (built a stretch at a time, so that only one
    copy of the data's size is held), starting at the NUL that ends a string."""
    n = len(data)
    rev = bytearray(n)
    for i in range(0, n, REV_STEP):
        j = min(n, i + REV_STEP)
        rev[n - j : n - i] = data[i:j].translate(_T16)[::-1]
    # each run's span in rev, the last run of the data first
    spans = list(map(_SPAN, _between_zeros(_U16_ENDED, rev, 0, 3)))
    del rev
    if not spans:
        return []
    spans.reverse()
    # the string, without its NUL: from n - end to n - start - 2
    firsts = list(map(operator.sub, itertools.repeat(n), map(_SECOND, spans)))
    lasts = list(map(operator.sub, itertools.repeat(n - 2), map(_FIRST, spans)))
    kept = _utf16_texts(data, firsts, lasts)
    return list(
        itertools.compress(
            zip(firsts, lasts, itertools.repeat(_UTF16_NAME, len(firsts)), strict=True), kept
        )
    )


_SPAN = operator.methodcaller("span")
_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _utf16(data: bytes, classes: bytes, ended: list[Span]) -> list[Span]:
    """UTF-16LE strings: the runs that end in NUL (``ended``), and runs of four or
    more ASCII code units that are not part of one."""
    out: list[Span] = []
    i = 0
    text_classes = _TEXT_CLASSES
    for m in _u16_ascii_near_letters(classes):
        s, e = m.span()
        if s > 0 and classes[s - 1] in text_classes:
            s -= 1
        elif e - s - 1 >= 8:
            s += 1
        else:
            continue
        if not _LETTERS16.search(data, s, e):
            continue  # (units of printable ASCII: each letter is its unit's low byte)
        while i < len(ended) and ended[i][1] <= s:
            out.append(ended[i])
            i += 1
        if i < len(ended) and ended[i][0] < e:
            continue  # part of a NUL-ended run
        out.append((s, e, "utf-16-le"))
    out.extend(ended[i:])
    return out


# MIN_ASCII units of a letter (or underscore) each, in classes: what _LETTERS16 finds
_LETTER_UNITS = b"WZ" * MIN_ASCII
LETTERS_GAP = 4096  # bytes to the next such units past which the search starts again


def _u16_ascii_near_letters(classes: bytes) -> Iterator[re.Match[bytes]]:
    """The matches of :data:`_U16_ASCII` in ``classes``, in order, that
    ``finditer`` gives there, leaving out some that hold no MIN_ASCII letter units in
    a row (:data:`_LETTER_UNITS`), which :func:`_utf16` would leave out: the search
    starts only near each place such units stand (machine code has many runs of
    printable bytes and NULs, few of letters).

    No match holds two NUL classes in a row (they alternate with text classes), so no
    match runs across the second of the last two before such a place: searched from
    there, the matches are those of the whole search.  The matches before it, after
    the last match searched, hold no such units, nor do those that start after the
    place and before the next one."""
    reach = 0  # where the last match searched ends
    at = classes.find(_LETTER_UNITS)
    while at >= 0:
        zz = classes.rfind(b"ZZ", reach, at)
        for m in _between_zeros(_U16_ASCII, classes, 1, 1, zz + 1 if zz >= 0 else reach):
            yield m
            reach = m.end()
            if reach > at:
                at = classes.find(_LETTER_UNITS, reach)
                if at < 0:
                    return
                if at - reach > LETTERS_GAP:
                    break  # far: searched again from near it
        else:
            return


_LETTERS = re.compile(f"[A-Za-z_]{{{MIN_ASCII}}}")
_LETTERS16 = re.compile(b"(?:[A-Za-z_]\x00){%d}" % MIN_ASCII)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# An ideograph whose two bytes are both printable ASCII (see _utf16_text), as a class:
# U+3020-303F, and U+4E20-4E7E ... U+7E20-7E7E.
_ASCII_LIKE = re.compile(
    "[\u3020-\u303f"
    + "".join(f"{chr(hb << 8 | 0x20)}-{chr(hb << 8 | 0x7E)}" for hb in range(0x4E, 0x7F))
    + "]"
)


@functools.cache
def _unclean_bmp() -> re.Pattern[str]:
    """The characters of U+0080-FFFF that ``_clean`` refuses (control, format,
    surrogate, private-use, unassigned), with the replacement character, as a class:
    made once a process, when a binary is first read."""
    bad = [chr(c) for c in range(0x80, 0x10000) if unicodedata.category(chr(c))[0] == "C"]
    ranges: list[str] = []
    for _, run in itertools.groupby(enumerate(map(ord, bad)), lambda t: t[1] - t[0]):
        codes = [c for _, c in run]
        lo, hi = chr(codes[0]), chr(codes[-1])
        ranges.append(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}")
    return re.compile("[\ufffd" + "".join(ranges) + "]")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# bytes.decode("utf-16-le", ...) calls this through a function of the encodings package
# (a Python call a string): called straight, with final=True, it decodes the same.
_utf16_decode = codecs.utf_16_le_decode


def _u16_text(raw: bytes) -> str:
    return _utf16_decode(raw, "replace", True)[0]


def _utf16_texts(data: bytes, starts: list[int], ends: list[int]) -> list[bool]:
    """``_utf16_text`` of each run ``data[starts[i]:ends[i]]`` of :data:`_U16_ENDED`'s
    units, the work per run done by built-ins: the runs are decoded joined by line
    breaks (no unit of such a run is a line break or a surrogate, so each decodes as it
    does alone, and none is replaced), and a check that no run fails is asked of the
    joined text once."""
    if not starts:
        return []
    raws = map(data.__getitem__, map(slice, starts, ends))
    joined = _utf16_decode(b"\n\x00".join(raws), "replace", True)[0]
    if _unclean_bmp().search(joined) is not None:
        return [_utf16_text(data[s:e]) for s, e in zip(starts, ends, strict=True)]
    texts = joined.split("\n")
    cjk = list(map(len, map(_CJK.findall, texts)))
    if not any(cjk):
        return list(map(bool, map(_LETTERS.search, texts)))
    like = map(len, map(_ASCII_LIKE.findall, texts))
    # (a run without CJK is text when it holds MIN_ASCII letters in a row)
    return [
        2 * a <= c if c else _LETTERS.search(t) is not None
        for t, c, a in zip(texts, cjk, like, strict=True)
    ]


def _utf16_text(raw: bytes) -> bool:
    """Is ``raw`` (a run of UTF-16LE units that ends in NUL) text, and not ASCII
    strings read two bytes at a time?  ASCII strings separated by single NULs look
    like ideographs whose two bytes are both printable ASCII; in Chinese text about
    a quarter of the ideographs are like that, so a run where most are is refused."""
    text = _utf16_decode(raw, "replace", True)[0]
    if _unclean_bmp().search(text):
        return False
    cjk = len(_CJK.findall(text))
    if not cjk:
        return bool(_LETTERS.search(text))
    return 2 * len(_ASCII_LIKE.findall(text)) <= cjk


def _clean(text: str) -> bool:
    """No control, format, private-use, unassigned or replacement character outside
    ASCII: a regular expression for U+0080-FFFF, one look each beyond."""
    if _unclean_bmp().search(text):
        return False
    return all(unicodedata.category(c)[0] != "C" for c in _ASTRAL.findall(text))
