"""What bytes are before they are decoded: a byte-order mark, the magic number of a
binary format, whether they are UTF-8 as they are.  Below both the decoder
(:mod:`ethicscan.extract.decode`) and the prefilter (:mod:`ethicscan.rules.prefilter`),
which must judge the same bytes alike."""

from __future__ import annotations

import codecs

SAMPLE = 64 * 1024
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Magic numbers of formats that are not text; named so the skip reason is useful.
MAGIC = (
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF binary"),
    (b"MZ", "PE executable"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O fat binary"),
    (b"dex\n", "Android DEX"),
    (b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (b"\xd0\xcf\x11\xe0", "OLE2 document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"(\xb5/\xfd", "zstd data"),
    (b"SQLite format 3\x00", "SQLite database"),
)


def sniff_binary(data: bytes) -> str | None:
    """What a binary format looks like, by its magic number, or None."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            if magic == b"MZ" and b"\x00" not in data[:512]:
                continue  # text that happens to start with MZ
            return name
    return None


def read_as_utf8(data: bytes, ascii_only: bool = False) -> bool:
    """Whether :func:`decode` reads ``data`` as valid UTF-8, so that any slice of it
    decodes to the text decode gives there (a UTF-8 byte-order mark included: it
    is a character that is no letter).  ``ascii_only``: the caller knows the data
    is ASCII."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
    else:
        if any(data.startswith(bom) for bom, _ in BOMS):
            return False
        head = data[:SAMPLE]
        if b"\x00" in head or sniff_binary(head):  # (UTF-16 without a BOM has NULs)
            return False
        body = data
    if ascii_only:
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
