"""atheris: the office extractor (DOCX, XLSX, PPTX, ODF), called directly (only the
exceptions of its contract) and through the explorer (only texts and skipped entries)."""

from __future__ import annotations

import atheris
from _harness import fuzz_readers

with atheris.instrument_imports():
    from ethicscan.extract.office import extract_office

CASES = (
    ("a.docx", extract_office),
    ("a.xlsx", extract_office),
    ("a.pptx", extract_office),
    ("a.odt", extract_office),
)


if __name__ == "__main__":
    fuzz_readers(CASES)
