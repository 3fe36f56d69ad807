"""atheris: the ELF, PE, Mach-O and strings extractor, called directly (only the exceptions of
its contract) and through the explorer (only texts and skipped entries)."""

from __future__ import annotations

import atheris
from _harness import fuzz_readers

with atheris.instrument_imports():
    from ethicscan.extract.native import extract_binary, extract_elf, extract_macho, extract_pe

CASES = (
    ("lib.so", extract_elf),
    ("a.dll", extract_pe),
    ("a.dylib", extract_macho),
    ("a.bin", extract_binary),
)


if __name__ == "__main__":
    fuzz_readers(CASES)
