"""The one table that says which extractor reads which format.

A format with no extractor here is reported as skipped (``binary``, with what
it looks like); text files with no extractor for their suffix are decoded and
classified as they are.
"""

from __future__ import annotations

import importlib

from ethicscan.extract.formats import Format
from ethicscan.extract.units import Extracted, Extractor
from ethicscan.names import suffix


def _lazy(module: str, name: str) -> Extractor:
    """The extractor ``module.name``, imported when first called: a scan of source
    code never loads the PDF, office or binary readers (nor their libraries)."""
    loaded: list[Extractor] = []

    def extract(data: bytes, path: str) -> Extracted:
        if not loaded:
            loaded.append(getattr(importlib.import_module(f"ethicscan.extract.{module}"), name))
        return loaded[0](data, path)

    extract.__name__ = extract.__qualname__ = name
    return extract


# Binary and document formats, by content.
BY_FORMAT: dict[Format, Extractor] = {
    # compiled code (docs/extractors.md, "Compiled code")
    Format.CLASS: _lazy("javaclass", "extract_class"),
    Format.DEX: _lazy("dex", "extract_dex"),
    Format.ELF: _lazy("native", "extract_elf"),
    Format.PE: _lazy("native", "extract_pe"),
    Format.MACHO: _lazy("native", "extract_macho"),
    Format.BINARY: _lazy("native", "extract_binary"),
    Format.PDF: _lazy("pdf", "extract_pdf"),
    Format.OFFICE: _lazy("office", "extract_office"),
    Format.GETTEXT: _lazy("gettext_mo", "extract_mo"),
}

# Text formats that need more than decoding (visible text of HTML, cells of CSV ...),
# by suffix.  The extractor receives the decoded text encoded as UTF-8.
TEXT_BY_SUFFIX: dict[str, Extractor] = {
    ".html": _lazy("markup", "extract_html"),
    ".htm": _lazy("markup", "extract_html"),
    ".xhtml": _lazy("markup", "extract_html"),
    ".rtf": _lazy("rtf", "extract_rtf"),
}


def extractor_for(fmt: Format, name: str) -> Extractor | None:
    if fmt is Format.TEXT:
        return TEXT_BY_SUFFIX.get(suffix(name))
    return BY_FORMAT.get(fmt)
