"""Write seed inputs for the atheris harnesses: ``python fuzz/make_seeds.py OUTDIR``
makes ``OUTDIR/<harness>/`` for each harness, from the generators the tests use (the
hostile corpus, the document fixtures).  Each seed starts with the byte that makes
its harness read it under the right name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

import hostile_corpus as H  # noqa: E402
import reader_corpus as R  # noqa: E402

# fuzz_archive reads its first byte as an index into these names
ARCHIVE_NAMES = (
    "a.zip",
    "a.tar",
    "a.tar.gz",
    "a.gz",
    "a.bz2",
    "a.xz",
    "a.zst",
    "a.7z",
    "a.jar",
    "a",
)


def seeds() -> dict[str, dict[str, bytes]]:
    from test_fuzz import SEEDS
    from test_hostile import _real_files

    real = _real_files()
    docs = R.document_seeds()
    archives = {}
    for name, data in SEEDS.items():
        suffix = next((n for n in ARCHIVE_NAMES if name.endswith(n[1:])), "a")
        archives[name] = bytes([ARCHIVE_NAMES.index(suffix)]) + data
    text = "int skinColor; // 肤色 face attribute\nvar race = 'x';\n"
    return {
        "fuzz_decode": {
            **{enc: text.encode(enc) for enc in ("utf-8", "utf-8-sig", "utf-16", "gb18030")},
            "big5": "人臉 膚色".encode("big5"),
            "binary": b"\x7fELF" + bytes(64),
            "nul": b"abc\x00def",
            "line": H.TERM_LINE,
            "utf-32": text.encode("utf-32-le"),  # without a byte-order mark
        },
        "fuzz_matcher": {"terms": b"\x01\x00skinColor\x01\x00race\x00 face"},
        "fuzz_archive": {**archives, **_reader_archives()},
        "fuzz_javaclass": {
            "FaceAttr.class": b"\x00" + real["FaceAttr.class"],
            "shared.class": b"\x00" + R.shared_descriptor_class(8, 400),
        },
        "fuzz_dex": {
            "classes.dex": b"\x00" + real["classes.dex"],
            "shared.dex": b"\x00" + R.shared_table_dex(8, 400, 8),
        },
        "fuzz_native": {
            "true.elf": b"\x00" + real.get("true.elf", b"\x7fELF"),
            "names.elf": b"\x00" + R.overlapping_names_elf(8, 200),
            "names.dylib": b"\x02" + R.overlapping_names_macho(8, 200),
        },
        "fuzz_pdf": {
            "spec.pdf": b"\x00" + real["spec.pdf"],
            "shared-notes.pdf": b"\x00" + docs["shared-notes.pdf"],
            "long-note.pdf": b"\x00" + docs["long-note.pdf"],
            "form.pdf": b"\x00" + docs["form.pdf"],
        },
        "fuzz_office": {
            "face.docx": b"\x00" + real["face.docx"],
            "persons.xlsx": b"\x01" + real["persons.xlsx"],
            "deck.pptx": b"\x02" + real["deck.pptx"],
            "relmain.docx": b"\x00" + docs["relmain.docx"],
            "gaps.xlsx": b"\x01" + docs["gaps.xlsx"],
        },
        "fuzz_markup": {"page.html": b"\x00" + real["page.html"]},
        "fuzz_rtf": {"doc.rtf": b"\x00" + real["doc.rtf"]},
        "fuzz_notebook": {"stops.ipynb": b"\x00" + _notebook()},
        "fuzz_gettext": {
            "django.mo": b"\x00" + _mo(),
            "shared.mo": b"\x00" + R.shared_translation_mo(8, 200),
        },
        "fuzz_shard": {"shard.json": _shard(text)},
        "fuzz_gitpack": _packs(),
    }


def _notebook() -> bytes:
    """A notebook as nbformat lays one out: a markdown cell, a code cell and its output."""
    cells = [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["## Stops by race\n"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "c",
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["race  n\n"]}],
            "source": ["hisp = stops[stops.race == 'H']\n", "print(len(hisp))\n"],
        },
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, sort_keys=True).encode("utf-8")


def _packs() -> dict[str, bytes]:
    """Pack entries after two bytes saying where the one to read starts: a whole blob,
    and an offset delta on it."""
    import zlib

    from gitpack import BLOB, OFS_DELTA, Entry, pack_and_index, varint

    base = b"".join(b"row %d\n" % i for i in range(200))
    copy = bytes([0x80 | 0x10 | 0x20, len(base) & 0xFF, len(base) >> 8])
    delta = varint(len(base)) + varint(len(base) + 4) + b"\x04race" + copy
    blob = Entry("2" * 40, BLOB, len(base), zlib.compress(base))
    whole, _ = pack_and_index([blob])
    chain, _ = pack_and_index(
        [blob, Entry("3" * 40, OFS_DELTA, len(delta), zlib.compress(delta), base=0)]
    )
    at = len(whole) - 32  # the delta follows the blob's entry
    return {
        "blob.pack": b"\x00\x00" + whole[12:-20],
        "delta.pack": at.to_bytes(2, "big") + chain[12:-20],
    }


def _reader_archives() -> dict[str, bytes]:
    """Shapes the readers learned (a zip behind a script, .lzma, a V7 tar, a zip
    listing more entries than it holds, OLE files ...), read by their content."""
    last = bytes([ARCHIVE_NAMES.index("a")])
    return {name: last + data for name, data in R.archive_seeds().items()}


def _shard(text: str) -> bytes:
    """A results shard's JSON: the report of one file."""
    from ethicscan import __version__
    from ethicscan.api import scan_text
    from ethicscan.kinds import TargetKind
    from ethicscan.model import ScanResult, Stats, Target
    from ethicscan.report import json as json_report
    from ethicscan.rules.catalogue import load_default_catalogue

    result = ScanResult(
        (Target("face.java", TargetKind.FILE),),
        tuple(scan_text(text, "face.java")),
        (),
        Stats(1, len(text), 0.1),
        load_default_catalogue().version,
        __version__,
    )
    return json.dumps(json_report.to_dict(result)).encode()


def _mo() -> bytes:
    """A small catalogue, written by the tests' own .mo writer."""
    from test_gettext_mo import HEADER, mo_bytes

    return mo_bytes({"": HEADER, "Uyghur alarm": "维族告警", "Tibetan": "Tibet"})


def main(out: str) -> None:
    for harness, files in seeds().items():
        folder = Path(out) / harness
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name.replace("/", "_")).write_bytes(data)


if __name__ == "__main__":
    main(sys.argv[1])
