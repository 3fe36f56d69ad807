"""What a file is, by its content first and its name second.

Archives are recognised by their magic numbers, never only by their extension
(a jar renamed ``.bin`` is still opened); the name only refines a zip into an
office document or a jar, and names the member of a single-file ``.gz``.
"""

from __future__ import annotations

import enum

from ethicscan.names import base_name, suffix


class Format(str, enum.Enum):
    ZIP = "zip"  # zip, jar, war, ear, aar, apk, whl, egg, nupkg, ...
    OFFICE = "office"  # zip-shaped documents: docx, xlsx, pptx, odt, ods, odp
    TAR = "tar"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"
    ZSTD = "zstd"
    ARCHIVE = "archive"  # read by libarchive: 7z, ar (deb), rpm, cpio, iso, cab, rar, xar
    CLASS = "class"  # Java class file
    DEX = "dex"  # Android Dalvik executable
    ELF = "elf"
    PE = "pe"
    MACHO = "macho"
    PDF = "pdf"
    GETTEXT = "gettext"  # compiled gettext catalogue (.mo)
    IMAGE = "image"  # pictures: never read (ethicscan reads text, not faces)
    BINARY = "binary"  # any other binary: printable strings
    TEXT = "text"


CONTAINERS = frozenset(
    {Format.ZIP, Format.TAR, Format.GZIP, Format.BZIP2, Format.XZ, Format.ZSTD, Format.ARCHIVE}
)

# Formats whose text is read out of what a build made (not a text someone wrote here).
COMPILED = frozenset(
    {Format.CLASS, Format.DEX, Format.ELF, Format.PE, Format.MACHO, Format.GETTEXT, Format.BINARY}
)

OFFICE_SUFFIXES = frozenset(
    {".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm", ".odt", ".ods", ".odp"}
)

# (magic, offset, format, description)
_MAGIC: tuple[tuple[bytes, int, Format, str], ...] = (
    (b"PK\x03\x04", 0, Format.ZIP, "zip archive"),
    (b"PK\x05\x06", 0, Format.ZIP, "empty zip archive"),
    (b"PK\x07\x08", 0, Format.ZIP, "spanned zip archive"),
    (b"\x1f\x8b", 0, Format.GZIP, "gzip data"),
    (b"BZh", 0, Format.BZIP2, "bzip2 data"),
    (b"\xfd7zXZ\x00", 0, Format.XZ, "xz data"),
    (b"(\xb5/\xfd", 0, Format.ZSTD, "zstd data"),
    (b"\x5d\x00\x00", 0, Format.XZ, "lzma data"),  # the legacy .lzma ("LZMA alone")
    (b"7z\xbc\xaf\x27\x1c", 0, Format.ARCHIVE, "7z archive"),
    (b"!<arch>\n", 0, Format.ARCHIVE, "ar archive"),
    (b"\xed\xab\xee\xdb", 0, Format.ARCHIVE, "RPM package"),
    (b"070701", 0, Format.ARCHIVE, "cpio archive"),
    (b"070707", 0, Format.ARCHIVE, "cpio archive"),
    (b"MSCF\x00\x00\x00\x00", 0, Format.ARCHIVE, "cabinet archive"),
    (b"Rar!\x1a\x07", 0, Format.ARCHIVE, "RAR archive"),
    (b"xar!", 0, Format.ARCHIVE, "xar archive"),
    (b"CD001", 0x8001, Format.ARCHIVE, "ISO 9660 image"),
    (b"ustar", 257, Format.TAR, "tar archive"),
    (b"dex\n", 0, Format.DEX, "Android DEX"),
    (b"\x7fELF", 0, Format.ELF, "ELF binary"),
    (b"\xcf\xfa\xed\xfe", 0, Format.MACHO, "Mach-O binary"),
    (b"\xce\xfa\xed\xfe", 0, Format.MACHO, "Mach-O binary"),
    (b"\xfe\xed\xfa\xcf", 0, Format.MACHO, "Mach-O binary"),
    (b"\xfe\xed\xfa\xce", 0, Format.MACHO, "Mach-O binary"),
    (b"%PDF", 0, Format.PDF, "PDF document"),
    (b"\xde\x12\x04\x95", 0, Format.GETTEXT, "gettext catalogue"),
    (b"\x95\x04\x12\xde", 0, Format.GETTEXT, "gettext catalogue"),
    (b"\x89PNG", 0, Format.IMAGE, "PNG image"),
    (b"\xff\xd8\xff", 0, Format.IMAGE, "JPEG image"),
    (b"GIF8", 0, Format.IMAGE, "GIF image"),
    (b"RIFF", 0, Format.IMAGE, "RIFF media (WebP, AVI, WAV)"),
    (b"II*\x00", 0, Format.IMAGE, "TIFF image"),
    (b"MM\x00*", 0, Format.IMAGE, "TIFF image"),
    (b"\x00\x00\x01\x00", 0, Format.IMAGE, "icon image"),
)

HEAD = 0x8006  # bytes needed to identify every format above

# The entries a file may match, by its first byte, in the order of _MAGIC (which
# decides between two that match): those at offset 0 that start with that byte, and
# every entry at another offset.
_BY_FIRST: dict[int, tuple[tuple[bytes, int, Format, str], ...]] = {
    b: tuple(m for m in _MAGIC if m[1] != 0 or m[0][0] == b) for b in range(256)
}
_NOT_FIRST = tuple(m for m in _MAGIC if m[1] != 0)


def identify(name: str, head: bytes) -> tuple[Format, str]:
    """The format of a file whose first bytes are ``head`` (at least :data:`HEAD`
    bytes when the file is that long), and a description for skip reasons."""
    if head.startswith(b"\xca\xfe\xba\xbe") and len(head) >= 8:
        # Java class files and Mach-O fat binaries share a magic number; a class file
        # has its major version (45 and up) where a fat binary counts its few slices.
        if int.from_bytes(head[4:8], "big") >= 45:
            return Format.CLASS, "Java class file"
        return Format.MACHO, "Mach-O universal binary"
    for magic, offset, fmt, desc in _BY_FIRST[head[0]] if head else _NOT_FIRST:
        if head.startswith(magic, offset) and _plausible(magic, head):
            if fmt is Format.ZIP and (suffix(name) in OFFICE_SUFFIXES or _office_zip(head)):
                return Format.OFFICE, "office document"
            return fmt, desc
    if head.startswith(b"MZ") and b"\x00" in head[:512]:
        return Format.PE, "PE executable"
    if _tar_header(head):
        return Format.TAR, "tar archive (V7)"
    return Format.TEXT, "text"


_HEX = frozenset(b"0123456789abcdefABCDEF")


def _plausible(magic: bytes, head: bytes) -> bool:
    """Magic numbers that are also ordinary text get a second look."""
    if magic == b"BZh":  # block size digit, then a block or the end-of-stream marker
        return head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")
    if magic.startswith(b"0707"):  # a cpio header is 110 ASCII hex digits
        return len(head) >= 110 and all(c in _HEX for c in head[6:110])
    if magic == b"\x5d\x00\x00":  # .lzma: properties, dictionary size, size or -1
        if len(head) < 13:
            return False
        dictionary = int.from_bytes(head[1:5], "little")
        size = int.from_bytes(head[5:13], "little")
        shape = dictionary >> (dictionary.bit_length() - 2) if dictionary else 0
        return dictionary >= 4096 and shape in (2, 3) and (size < 1 << 48 or size == 2**64 - 1)
    return True


_V7_TYPES = frozenset(b"\x0001234567")


def _tar_header(head: bytes) -> bool:
    """A tar header without the ``ustar`` magic (the old V7 format): a name, octal
    numbers where they belong, and a checksum that adds up."""
    if len(head) < 512 or head[156] not in _V7_TYPES or head[155] not in (0, 32):
        return False  # a V7 type is NUL or a digit; the checksum field ends in NUL or space
    if not head[0] or head[257:262] == b"ustar":
        return False
    try:
        stored = int(head[148:156].strip(b"\x00 ") or b"x", 8)
        int(head[100:108].strip(b"\x00 ") or b"0", 8)  # mode
        int(head[124:136].strip(b"\x00 ") or b"0", 8)  # size
    except ValueError:
        return False
    block = head[:512]
    total = sum(block[:148]) + 8 * 32 + sum(block[156:])
    return stored == total


_OOXML_MAIN = frozenset({b"word/document.xml", b"xl/workbook.xml", b"ppt/presentation.xml"})


def _office_zip(head: bytes) -> bool:
    """An office document under another name.  OpenDocument stores its ``mimetype``
    first and uncompressed; Word, Excel and PowerPoint files have the entries
    ``[Content_Types].xml`` and their main part, whose local headers are usually
    in the first bytes (entry names are plain text there)."""
    head = head[:HEAD]  # (a caller may pass the whole file)
    if head[30:38] == b"mimetype":
        return b"application/vnd.oasis.opendocument." in head[38:128]
    names: set[bytes] = set()
    i = head.find(b"PK\x03\x04")
    while i != -1 and len(names) < 64:
        n = int.from_bytes(head[i + 26 : i + 28], "little")
        names.add(head[i + 30 : i + 30 + n])
        i = head.find(b"PK\x03\x04", i + 4)
    return b"[Content_Types].xml" in names and bool(names & _OOXML_MAIN)


def inner_name(name: str, fmt: Format) -> str:
    """The name of what a single-file compressor holds: ``a.txt.gz`` -> ``a.txt``,
    ``a.tgz`` -> ``a.tar``, ``x.zip!a.txt.gz`` -> ``a.txt``."""
    base = base_name(name)
    low = base.lower()
    for long, short in ((".tgz", ".tar"), (".tbz2", ".tar"), (".txz", ".tar"), (".tzst", ".tar")):
        if low.endswith(long):
            return base[: -len(long)] + short
    ends = {
        Format.GZIP: (".gz", ".gzip", ".z"),
        Format.BZIP2: (".bz2", ".bz"),
        Format.XZ: (".xz", ".lzma"),
        Format.ZSTD: (".zst", ".zstd"),
    }.get(fmt, ())
    for end in ends:
        if low.endswith(end) and len(base) > len(end):
            return base[: -len(end)]
    return base + ".out"
