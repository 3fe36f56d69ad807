"""Compiled gettext catalogues (``.mo``): the messages and their translations, read
with the standard library's own parser and written out as the ``.po`` source they
were compiled from, so that they read as that source reads.  A language list in a
translation catalogue (``msgid "Uyghur"``) is a list of languages, not an attribute
of a person; read as bare strings of a binary it looked like one."""

from __future__ import annotations

import gettext
import io
import struct

from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _table_bytes(data: bytes) -> int:
    """The bytes that the catalogue's two string tables name, repeats included: the
    standard library's parser decodes each entry's strings anew, so entries that all
    name one long string would cost its length once each.  0 when the header cannot
    be read (the parser then says what is wrong)."""
    if len(data) < 20:
        return 0
    magic = int.from_bytes(data[:4], "little")
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else ""
    if not order:
        return 0
    count, originals, translations = struct.unpack_from(order + "3I", data, 8)
    total = 0
    for table in (originals, translations):
        end = table + 8 * count
        if end > len(data):
            return 0
        total += sum(struct.unpack_from(f"{order}{2 * count}I", data, table)[0::2])
    return total


def extract_mo(data: bytes, name: str) -> Extracted:
    if _table_bytes(data) > 4 * len(data) + (1 << 20):
        raise ExtractError(
            SkipReason.LIMIT,
            "gettext catalogue: its entries name the same strings over and over (more "
            "than four times the file's size); not read",
        )
    try:
        catalog = gettext.GNUTranslations(io.BytesIO(data))._catalog  # type: ignore[attr-defined]
    except (OSError, struct.error, UnicodeDecodeError, LookupError, ValueError, IndexError) as exc:
        raise ExtractError(SkipReason.CORRUPT, f"gettext catalogue: {exc}") from exc
    lines: list[str] = []
    for key, value in catalog.items():
        if isinstance(key, tuple):  # (msgid, plural index)
            key = f"{key[0]}[{key[1]}]"
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        lines.append(f"msgid {_quote(key)}\nmsgstr {_quote(value)}\n")
    if not lines:
        return Extracted(())
    return Extracted((Segment("\n".join(lines)),), kind=TextKind.GETTEXT)
