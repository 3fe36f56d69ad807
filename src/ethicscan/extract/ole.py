"""OLE compound files (the container of Office 97-2003 documents, and of Office
documents encrypted with a password): only their directory is read, to tell a
password-protected document, whose text cannot be read, from one whose strings can.

An OOXML document (``.docx``, ``.xlsx`` ...) saved with a password is not a zip: it is
a compound file holding the streams ``EncryptionInfo`` and ``EncryptedPackage`` (the
encrypted zip).  Its strings say nothing, so it is reported ``encrypted``, never
clean.  The directory is found through the file allocation table; every sector
number is checked against the file, and every chain is cut at the file's sector count,
so a loop ends.
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_ENCRYPTED = frozenset({"EncryptedPackage", "EncryptionInfo"})


def stream_names(data: bytes) -> set[str]:
    """The names of the streams and storages of the compound file ``data`` (empty
    when its header or directory cannot be read)."""
    if len(data) < 512 or not data.startswith(MAGIC):
        return set()
    shift = int.from_bytes(data[0x1E:0x20], "little")
    if shift not in (9, 12):
        return set()
    size = 1 << shift
    sectors = (len(data) - 512 + size - 1) // size

    def sector(n: int) -> bytes:
        at = 512 + n * size
        return data[at : at + size] if n < sectors else b""

    # The sectors of the allocation table: 109 in the header, the rest in a chain.
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, seen = int.from_bytes(data[0x44:0x48], "little"), 0
    while difat < sectors and seen < sectors:
        block = sector(difat)  # the last sector of a cut file is shorter
        if len(block) < 8:
            break
        ids = struct.unpack_from(f"<{len(block) // 4}I", block)
        fat_sectors += ids[:-1]
        difat = ids[-1]
        seen += 1
    fat: list[int] = []
    for n in fat_sectors:
        if n >= sectors or len(fat) >= sectors:
            continue
        block = sector(n)
        fat += struct.unpack_from(f"<{len(block) // 4}I", block)
    names: set[str] = set()
    at, steps = int.from_bytes(data[0x30:0x34], "little"), 0
    while at < sectors and steps < sectors:
        block = sector(at)
        for i in range(0, len(block) - 127, 128):
            length = int.from_bytes(block[i + 64 : i + 66], "little")
            if 2 <= length <= 64 and block[i + 66] in (1, 2):  # storage or stream
                names.add(block[i : i + length - 2].decode("utf-16-le", "replace"))
        at = fat[at] if at < len(fat) else _END
        steps += 1
    return names


def encrypted_package(data: bytes) -> bool:
    """Whether ``data`` is an Office document encrypted with a password."""
    return _ENCRYPTED.issubset(stream_names(data))
