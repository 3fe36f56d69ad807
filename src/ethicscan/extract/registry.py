"""The one table that says which extractor reads which format.

A format with no extractor here is reported as skipped (``binary``, with what
it looks like); text files with no extractor for their suffix are decoded and
classified as they are.
"""

from __future__ import annotations

from ethicscan.extract.dex import extract_dex
from ethicscan.extract.formats import Format, suffix
from ethicscan.extract.gettext_mo import extract_mo
from ethicscan.extract.javaclass import extract_class
from ethicscan.extract.markup import extract_html
from ethicscan.extract.native import extract_binary, extract_elf, extract_macho, extract_pe
from ethicscan.extract.office import extract_office
from ethicscan.extract.pdf import extract_pdf
from ethicscan.extract.rtf import extract_rtf
from ethicscan.extract.units import Extractor

# Binary and document formats, by content.
BY_FORMAT: dict[Format, Extractor] = {
    # compiled code (docs/extractors.md, "Compiled code")
    Format.CLASS: extract_class,
    Format.DEX: extract_dex,
    Format.ELF: extract_elf,
    Format.PE: extract_pe,
    Format.MACHO: extract_macho,
    Format.BINARY: extract_binary,
    Format.PDF: extract_pdf,
    Format.OFFICE: extract_office,
    Format.GETTEXT: extract_mo,
}

# Text formats that need more than decoding (visible text of HTML, cells of CSV ...),
# by suffix.  The extractor receives the decoded text encoded as UTF-8.
TEXT_BY_SUFFIX: dict[str, Extractor] = {
    ".html": extract_html,
    ".htm": extract_html,
    ".xhtml": extract_html,
    ".rtf": extract_rtf,
}


def extractor_for(fmt: Format, name: str) -> Extractor | None:
    if fmt is Format.TEXT:
        return TEXT_BY_SUFFIX.get(suffix(name))
    return BY_FORMAT.get(fmt)
