"""The pipeline and the explorer decide "a clean text" and "a text read in pieces" with
one predicate each (extract/explore.clean_text, extract/explore.in_pieces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethicscan.extract import stream
from ethicscan.extract.explore import Budget, Explorer, clean_text, in_pieces
from ethicscan.extract.units import Blob, Limits, Scratch, TextUnit
from ethicscan.pipeline import _clean_text, split_large
from ethicscan.rules.catalogue import load_default_catalogue
from ethicscan.rules.prefilter import prefilter_for
from ethicscan.sources.fs import FileJob

CLEAN = b"def add(a, b):\n    return a + b\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.py", CLEAN),
        ("a.py", b"race = person.race\n"),
        ("a.html", b"<p>" + CLEAN + b"</p>\n"),
        ("a.py", CLEAN * 3 + b"\x00\x00binary"),
        ("a.py", CLEAN + b"PK\x05\x06" + b"\x00" * 18),  # ends like a zip, is none
        ("a.txt", b"%PDF-1.4\n" + CLEAN),
    ],
    ids=["clean", "term", "html", "binary", "zip-end", "pdf-magic"],
)
def test_engine_and_explorer_agree_on_clean_texts(name: str, data: bytes) -> None:
    catalogue = load_default_catalogue()
    prefilter = prefilter_for(catalogue)
    verdict = clean_text(data, name, prefilter)
    assert _clean_text(data, name, catalogue) is verdict
    explorer = Explorer(Limits(), Scratch(), prefilter)
    units = list(explorer.explore(name, Blob(len(data), data), Budget(Limits())))
    if verdict:
        assert units == [TextUnit(name, "")]
    elif name == "a.py" and b"\x00" not in data:
        assert units and all(isinstance(u, TextUnit) and u.text for u in units)


@pytest.mark.parametrize(
    ("name", "size"),
    [("a.py", 3000), ("a.py", 8000), ("a.html", 8000), ("a.html", 20000)],
)
def test_engine_and_explorer_agree_on_texts_read_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, size: int
) -> None:
    monkeypatch.setattr(stream, "RANGE", 2048)
    limits = Limits(whole_text=4096, max_member_size=16384)
    data = (b"x = 1\n" * size)[:size]
    path = tmp_path / name
    path.write_bytes(data)
    decided = in_pieces(size, name, limits, lambda: data[:65536])
    explorer = Explorer(limits, Scratch())
    units = list(explorer.explore(name, Blob(size, data), Budget(limits)))
    assert any(isinstance(u, TextUnit) and u.piece for u in units) is decided
    jobs = split_large(FileJob(str(path), name, size), limits)
    assert (len(jobs) > 1) is decided
    assert decided is (size > 4096 and (name.endswith(".py") or size > 16384))


def test_every_container_has_its_reader_and_the_literal_rows_are_the_string_formats() -> None:
    from ethicscan.extract.explore import ARCHIVES
    from ethicscan.extract.formats import CONTAINERS, Format
    from ethicscan.extract.registry import BY_FORMAT, TEXT_BY_SUFFIX

    assert set(ARCHIVES) == CONTAINERS
    literal = {fmt for fmt, reader in BY_FORMAT.items() if reader.literal}
    assert literal == {Format.ELF, Format.PE, Format.MACHO, Format.BINARY, Format.GETTEXT}
    assert not any(reader.literal for reader in TEXT_BY_SUFFIX.values())
