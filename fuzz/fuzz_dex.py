"""atheris: the DEX extractor, called directly (only the exceptions of
its contract) and through the explorer (only texts and skipped entries)."""

from __future__ import annotations

import atheris
from _harness import fuzz_readers

with atheris.instrument_imports():
    from ethicscan.extract.dex import extract_dex

CASES = (("classes.dex", extract_dex),)


if __name__ == "__main__":
    fuzz_readers(CASES)
