"""atheris: git object headers, delta chains and inflation (history scans) raise only
ObjectError or Refused, whatever a pack holds.  The input is two bytes saying where
an entry starts, then a pack's entries; that entry is read through its header and
chain, then inflated into a temporary file."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import atheris
from _harness import main

with atheris.instrument_imports():
    from ethicscan.sources.gitstore import Headers, ObjectError, Refused, inflate_to


class _Store:
    packs: tuple[Any, ...] = ()
    path = None
    alternates = ()


class _Repo:
    object_store = _Store()


FOLDER = tempfile.mkdtemp(prefix="ethicscan-fuzz-")
PACK = os.path.join(FOLDER, "pack.pack")
HEAD = b"PACK\x00\x00\x00\x02\x00\x00\x00\x01"


def test_one_input(data: bytes) -> None:
    at = len(HEAD) + int.from_bytes(data[:2], "big")
    with open(PACK, "wb") as f:
        f.write(HEAD + data[2:])
    headers = Headers(_Repo())  # type: ignore[arg-type]
    n = 0

    def new_file() -> str:
        nonlocal n
        n += 1
        return os.path.join(FOLDER, f"out{n}")

    try:
        stored = headers._at((PACK, at))
        inflate_to(stored, b"0" * 40, new_file(), new_file, os.unlink, 200.0, 64 << 20)
    except (ObjectError, Refused):
        pass
    finally:
        headers.close()
        for name in os.listdir(FOLDER):
            if name != "pack.pack":
                os.unlink(os.path.join(FOLDER, name))


if __name__ == "__main__":
    try:
        main(test_one_input)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)
