"""atheris: decoding never raises anything but NotText, and the large-text path judges
bytes as the whole-text path does."""

from __future__ import annotations

import codecs

import atheris
from _harness import main

with atheris.instrument_imports():
    from ethicscan.extract.decode import SAMPLE, NotText, decode, stream_encoding


def test_one_input(data: bytes) -> None:
    try:
        out = decode(data)
        is_text = True
        out.text.encode("utf-8")
    except NotText:
        is_text = False
    enc = stream_encoding(data[:SAMPLE])
    if (enc is not None) != is_text:
        raise AssertionError(f"decode says text={is_text}, stream_encoding says {enc}")
    if enc is not None:
        codecs.getincrementaldecoder(enc[0])(errors="replace").decode(data[enc[1] :], True)


if __name__ == "__main__":
    main(test_one_input)
