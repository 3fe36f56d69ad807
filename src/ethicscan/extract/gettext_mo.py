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
from ethicscan.model import SkipReason


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def extract_mo(data: bytes, name: str) -> Extracted:
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
    stem = name.rsplit("/", 1)[-1].rsplit("!", 1)[-1].rsplit(".", 1)[0] or "messages"
    return Extracted((Segment("\n".join(lines)),), hint=f"{stem}.po")
