"""atheris: the HTML extractor, called directly (only the exceptions of
its contract) and through the explorer (only texts and skipped entries)."""

from __future__ import annotations

import atheris
from _harness import fuzz_readers

with atheris.instrument_imports():
    from ethicscan.extract.markup import extract_html

CASES = (("a.html", extract_html),)


if __name__ == "__main__":
    fuzz_readers(CASES)
