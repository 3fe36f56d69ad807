"""The one table that says which extractor reads which format, and whether the
prefilter may pass over a file of that format unparsed (the fast path).

A format with no extractor here is reported as skipped (``binary``, with what
it looks like); text files with no extractor for their suffix are decoded and
classified as they are.  Archives have their own table (``explore.ARCHIVES``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Reader:
    """A row of the table: the extractor, and the fast-path flag ``literal``.

    ``literal``: the extractor gives back strings that stand in the file's bytes as
    they are, each after a byte that is not a letter (NUL-separated string tables,
    the strings pass, gettext catalogues), so when the prefilter finds no term in the
    bytes the extractor cannot find one in the strings, and the file is counted
    clean without being parsed.  Not class files or DEX, whose strings follow a
    length that may be a letter, nor documents, which are compressed."""

    extract: Extractor
    literal: bool = False


# Binary and document formats, by content.
BY_FORMAT: dict[Format, Reader] = {
    # compiled code (docs/extractors.md, "Compiled code")
    Format.CLASS: Reader(_lazy("javaclass", "extract_class")),
    Format.DEX: Reader(_lazy("dex", "extract_dex")),
    Format.ELF: Reader(_lazy("native", "extract_elf"), literal=True),
    Format.PE: Reader(_lazy("native", "extract_pe"), literal=True),
    Format.MACHO: Reader(_lazy("native", "extract_macho"), literal=True),
    Format.BINARY: Reader(_lazy("native", "extract_binary"), literal=True),
    Format.PDF: Reader(_lazy("pdf", "extract_pdf")),
    Format.OFFICE: Reader(_lazy("office", "extract_office")),
    Format.GETTEXT: Reader(_lazy("gettext_mo", "extract_mo"), literal=True),
}

# Text formats that need more than decoding (visible text of HTML, cells of CSV ...),
# by suffix.  The extractor receives the decoded text encoded as UTF-8.
TEXT_BY_SUFFIX: dict[str, Reader] = {
    ".html": Reader(_lazy("markup", "extract_html")),
    ".htm": Reader(_lazy("markup", "extract_html")),
    ".xhtml": Reader(_lazy("markup", "extract_html")),
    ".rtf": Reader(_lazy("rtf", "extract_rtf")),
    ".ipynb": Reader(_lazy("notebook", "extract_notebook")),
}


def reader_for(fmt: Format, name: str) -> Reader | None:
    if fmt is Format.TEXT:
        return TEXT_BY_SUFFIX.get(suffix(name))
    return BY_FORMAT.get(fmt)


def extractor_for(fmt: Format, name: str) -> Extractor | None:
    reader = reader_for(fmt, name)
    return None if reader is None else reader.extract
