"""The strings pass as it was written first, one byte class at a time where it had to look
back: the reference the vectorised pass in ethicscan.extract.strings must equal, string
for string (tests/test_extract_binary.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ethicscan.extract.units import Segment

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
    skipset = set(skip)
    classes = data.translate(_T8)
    spans = _utf8_and_ascii(data, classes) + _utf16(data, classes)
    spans.sort(key=lambda sp: (sp[0], sp[0] - sp[1]))
    found: list[Segment] = []
    chars = 0
    reach = 0
    for start, end, enc in spans:
        if start < reach:
            continue  # bytes already read as another string (ASCII inside UTF-16 CJK)
        reach = end
        text = data[start:end].decode(enc, "replace")
        if len(text) <= MAX_STRING:
            pieces = [(start, text)]
        else:
            pieces = [
                (start + _width(text[:i], enc), text[i : i + MAX_STRING])
                for i in range(0, len(text), MAX_STRING)
            ]
        for off, piece in pieces:
            if piece in skipset:
                continue
            chars += len(piece)
            if chars > MAX_CHARS or len(found) >= MAX_STRINGS:
                return found, True
            found.append(Segment(piece, offset=off))
    return found, False


def _width(text: str, enc: str) -> int:
    return len(text.encode("utf-16-le" if enc == "utf-16-le" else "utf-8", "replace"))


def _extend_back(classes: bytes, s: int, floor: int) -> int:
    while s > floor and classes[s - 1] in _TEXT_CLASSES:
        s -= 1
    return s


def _utf8_and_ascii(data: bytes, classes: bytes) -> list[tuple[int, int, str]]:
    wide: list[tuple[int, int, str]] = []
    prev_end = 0
    for m in _UTF8.finditer(classes):
        s, e = _extend_back(classes, m.start(), prev_end), m.end()
        prev_end = e
        if _clean(data[s:e].decode("utf-8", "replace")):
            wide.append((s, e, "utf-8"))
    out: list[tuple[int, int, str]] = []
    i = 0
    prev_end = 0
    for m in _ASCII.finditer(classes):
        s, e = _extend_back(classes, m.start(), prev_end), m.end()
        prev_end = e
        while i < len(wide) and wide[i][1] <= s:
            out.append(wide[i])
            i += 1
        if i < len(wide) and wide[i][0] < e:
            continue  # part of a UTF-8 run
        out.append((s, e, "ascii"))
    out.extend(wide[i:])
    return out


def _utf16(data: bytes, classes: bytes) -> list[tuple[int, int, str]]:
    n = len(data)
    rev = data.translate(_T16)[::-1]
    ended: list[tuple[int, int, str]] = []
    for m in _U16_ENDED.finditer(rev):
        s, e = n - m.end(), n - m.start() - 2  # the string, without its NUL
        if _utf16_text(data[s:e]):
            ended.append((s, e, "utf-16-le"))
    ended.reverse()
    out: list[tuple[int, int, str]] = []
    i = 0
    for m in _U16_ASCII.finditer(classes):
        s, e = m.start(), m.end()
        if s > 0 and classes[s - 1] in _TEXT_CLASSES:
            s -= 1
        elif e - s - 1 >= 8:
            s += 1
        else:
            continue
        if not _LETTERS.search(data[s:e].decode("utf-16-le", "replace")):
            continue
        while i < len(ended) and ended[i][1] <= s:
            out.append(ended[i])
            i += 1
        if i < len(ended) and ended[i][0] < e:
            continue  # part of a NUL-ended run
        out.append((s, e, "utf-16-le"))
    out.extend(ended[i:])
    return out


_LETTERS = re.compile(f"[A-Za-z_]{{{MIN_ASCII}}}")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _utf16_text(raw: bytes) -> bool:
    """Is ``raw`` (a run of UTF-16LE units that ends in NUL) text, and not ASCII
    strings read two bytes at a time?  ASCII strings separated by single NULs look
    like ideographs whose two bytes are both printable ASCII; in Chinese text about
    a quarter of the ideographs are like that, so a run where most are is refused."""
    text = raw.decode("utf-16-le", "replace")
    if not _clean(text):
        return False
    cjk = [c for c in text if _CJK.match(c)]
    if not cjk:
        return bool(_LETTERS.search(text))
    ascii_like = sum(1 for c in cjk if 0x20 <= ord(c) & 0xFF < 0x7F and ord(c) >> 8 < 0x7F)
    return 2 * ascii_like <= len(cjk)


def _clean(text: str) -> bool:
    """No control, format, private-use, unassigned or replacement character."""
    return all(c != "\ufffd" and unicodedata.category(c)[0] != "C" for c in text if not c.isascii())
