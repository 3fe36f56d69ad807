"""C++ symbols shown as a reader knows them: ``_ZN4acme10FaceEngine16GetRaceEstimatesEv``
is evidence as ``acme::FaceEngine::GetRaceEstimates()``.

Matching needs no demangling: the matcher's identifier boundaries split a mangled name
into its words, and the classifier counts a term only within one of its length-prefixed
names (``capability._across_mangled_names``).  Only a finding's evidence is demangled,
once per finding, never per string of a binary (a C++ library holds tens of thousands).
"""

from __future__ import annotations

from functools import lru_cache

MAX_MANGLED = 2048  # longer names are shown as they are: a demangler's work grows with them


@lru_cache(maxsize=4096)
def demangled(name: str) -> str | None:
    """The demangled form of an Itanium C++ ABI name (``_Z...``, the ABI of GCC and
    Clang on Linux, macOS and Android), or None when ``name`` is not one or cannot be
    read.  Pure Python: a hostile name raises at worst, and that is caught here."""
    if not name.startswith("_Z") or len(name) > MAX_MANGLED:
        return None
    try:
        from itanium_demangler import parse
    except ImportError:  # an environment without it shows the mangled name
        return None
    try:
        node = parse(name)
    except Exception:  # any failure of a parser on hostile input
        return None
    return str(node) if node is not None else None
