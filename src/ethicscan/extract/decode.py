"""Bytes to text without ever aborting a scan.

Order: a byte-order mark; UTF-16 without a BOM (NUL bytes in alternate places),
UTF-32 without a BOM (two NUL bytes in every four);
a NUL byte means binary; strict UTF-8; then charset-normalizer on a bounded
sample taken where the non-ASCII bytes are (GB18030/GBK, Big5, Shift-JIS ...).
Chinese vendor headers are often GBK; GBK and GB2312 are decoded as GB18030,
their superset.
"""

from __future__ import annotations

from dataclasses import dataclass

from ethicscan.sniff import BOMS as _BOMS
from ethicscan.sniff import SAMPLE as SAMPLE
from ethicscan.sniff import read_as_utf8 as read_as_utf8
from ethicscan.sniff import sniff_binary as sniff_binary

_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "utf-8"}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


class NotText(Exception):
    """The bytes are not text; ``str()`` says what they look like."""


def utf32_without_bom(head: bytes) -> str | None:
    """UTF-32 text without a byte-order mark: in every four bytes the highest is NUL
    and the next nearly always (the first plane), the lowest seldom; and what that
    decodes to is printable (a table of small 32-bit numbers is not text)."""
    if len(head) < 16:
        return None
    cols = [head[k::4] for k in range(4)]

    def zeros(col: bytes) -> float:
        return col.count(0) / len(col)

    if zeros(cols[3]) == 1 and zeros(cols[2]) > 0.9 and zeros(cols[0]) < 0.2:
        enc = "utf-32-le"
    elif zeros(cols[0]) == 1 and zeros(cols[1]) > 0.9 and zeros(cols[3]) < 0.2:
        enc = "utf-32-be"
    else:
        return None
    text = head[: len(head) - len(head) % 4].decode(enc, "replace")
    printable = sum(c.isprintable() or c in "\t\n\r" for c in text)
    return enc if printable >= 0.95 * len(text) else None


def utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 8:
        return None
    even = head[0::2]
    odd = head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes) -> Decoded:
    """Decode ``data`` or raise :class:`NotText`."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(enc, errors="replace"), enc)
    head = data[:SAMPLE]
    kind = sniff_binary(head)
    if kind:
        raise NotText(kind)
    wide = utf16_without_bom(head) or utf32_without_bom(head)
    if wide:
        return Decoded(data.decode(wide, errors="replace"), wide)
    if b"\x00" in head:
        raise NotText("binary data (NUL bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    # Sample where the non-ASCII text is: a long ASCII licence header must not drown it.
    sample = data[max(0, first - 256) : first + SAMPLE]
    from charset_normalizer import from_bytes  # only for text that is not UTF-8

    best = from_bytes(sample).best()
    if best is None:
        # Not a known encoding; GB18030 maps every byte sequence, so text is never lost.
        return Decoded(data.decode("gb18030", errors="replace"), "gb18030?")
    enc = _SUPERSET.get(best.encoding.lower(), best.encoding)
    return Decoded(data.decode(enc, errors="replace"), enc)


def stream_encoding(head: bytes) -> tuple[str, int] | None:
    """For a text too large to read whole: its encoding, judged from the first
    bytes as :func:`decode` would, and the length of its byte-order mark; None
    for binary data."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc, len(bom)
    if sniff_binary(head):
        return None
    wide = utf16_without_bom(head) or utf32_without_bom(head)
    if wide:
        return wide, 0
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the end of the sample
            return "utf-8", 0
        first = exc.start
    from charset_normalizer import from_bytes

    best = from_bytes(head[max(0, first - 256) :]).best()
    if best is None:
        return "gb18030", 0
    return _SUPERSET.get(best.encoding.lower(), best.encoding), 0
