"""atheris: matches lie where they say; for ASCII texts the prefilter's candidates
give the matcher's own matches; the prefilter never says no where the matcher finds a
term that is a reason to read, nor where the classifier finds anything, in the text
the scanner decodes from the bytes; confirming a plain text's reasons never says no
where the classifier judges one, nor where it finds anything."""

from __future__ import annotations

import atheris
from _harness import CATALOGUE, PREFILTER, main

with atheris.instrument_imports():
    from ethicscan.classify.analyse import analyse
    from ethicscan.extract.decode import NotText, decode
    from ethicscan.rules.catalogue import Term, standing_terms
    from ethicscan.rules.prefilter import reason

TERMS = sorted({k.text for k in CATALOGUE.terms.keys if isinstance(k.payload, Term)})


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    parts = []
    while fdp.remaining_bytes():
        if fdp.ConsumeBool():
            term = TERMS[fdp.ConsumeIntInRange(0, len(TERMS) - 1)]
            parts.append(term.upper() if fdp.ConsumeBool() else term)
        else:
            parts.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 8)))
    text = "".join(parts)
    found = CATALOGUE.terms.find(text)
    for m in found:
        if not 0 <= m.start < m.end <= len(text):
            raise AssertionError(f"match outside the text: {m}")
    if text.isascii():
        candidates = PREFILTER.candidates(text)
        if candidates is not None and CATALOGUE.terms.at(text, candidates) != found:
            raise AssertionError(f"prefilter candidates judge differently: {text!r}")
    for encoding in ("utf-8", "gb18030"):
        data = text.encode(encoding)
        maybe = PREFILTER.maybe(data)
        plain = PREFILTER.maybe(data, plain=True)
        if plain and not maybe:
            raise AssertionError(f"a plain text read where its bytes hold no reason: {text!r}")
        if plain:
            continue
        # No: then the text the scanner reads from these bytes (GB18030 bytes may be
        # valid UTF-8, and are then read as that) holds no finding, no reason to read
        # that the classifier would judge, and (when the bytes alone say no) none at all.
        try:
            seen = decode(data).text
        except NotText:
            continue
        found = CATALOGUE.terms.find(seen)
        judged = standing_terms(found) if maybe else found
        if any(reason(m.key.payload) for m in judged) or analyse(seen, "attrs.py", CATALOGUE):
            raise AssertionError(f"prefilter misses a match in {encoding}: {text!r}")


if __name__ == "__main__":
    main(test_one_input)
