"""Hostile input for the readers of files: tables that share one entry many times
(class files, DEX), documents and archives that amplify memory under every limit,
and shapes that used to be dropped in silence.  Each case runs through the
``hostile`` fixture of tests/test_hostile.py (exit status, every output format,
time and peak RSS bounds, nothing left in the temporary folder); the inputs are
generated (tests/reader_corpus.py)."""

from __future__ import annotations

import lzma
from pathlib import Path

import hostile_corpus as H
import reader_corpus as R
from ethicscan.extract.dex import extract_dex
from ethicscan.extract.javaclass import extract_class
from ethicscan.extract.office import MAX_CHARS, extract_office
from ethicscan.extract.pdf import extract_pdf
from ethicscan.extract.units import Segment
from ethicscan.model import SkipReason
from test_hostile import Hostile, hostile, tree

__all__ = ["hostile"]  # the fixture, used here by name


def _chars(segments: tuple[Segment, ...]) -> int:
    """The characters an extractor gave: its lines and their member labels."""
    return sum(len(s.text) + len(s.member) for s in segments)


def test_class_and_dex_whose_members_share_one_descriptor(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a 69 KB class whose 500 methods share one descriptor of 65,000
    parameters took 23 s and 548 MB (the parameters were written out per method), and
    a DEX whose methods share one type list and whose string ids share one string's
    data took 31 s and 637 MB.  Each descriptor, type list and string is now read and
    written once: the text is linear in the file's size, and every method is there."""
    cls = R.shared_descriptor_class()
    dex = R.shared_table_dex()
    assert len(cls) < 80_000 and len(dex) < 200_000
    root = tree(tmp_path / "t", {"Bomb.class": cls, "classes.dex": dex})
    run = hostile(root, seconds=10, rss_mb=100)
    assert not run.result.skipped
    assert run.found == {"Bomb.class", "classes.dex"}
    for data, read in ((cls, extract_class), (dex, extract_dex)):
        out = read(data, "x")
        assert _chars(out.segments) < 8 * len(data)
        assert not out.skipped
    methods = {s.member for s in extract_class(cls, "x").segments}
    assert len(methods) == 501  # the class and its 500 methods


def test_xlsx_with_column_gaps_stays_bounded(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a sheet of rows with a cell every 100 columns was read as a tree
    (every cell an element) and each gap padded with empty cells: a 1.4 MB workbook
    took 544 MB and became 147 M characters (6.4 MB took 2.9 GB).  Sheets are now read
    as a stream, and the text of a document stops at its limit with a reason."""
    data = R.xlsx(R.gappy_rows(3000), ["x"])
    assert len(data) < 2_000_000
    root = tree(tmp_path / "t", {"gaps.xlsx": data})
    run = hostile(root, rss_mb=120)
    assert run.reasons("gaps.xlsx") == {SkipReason.LIMIT}
    out = extract_office(data, "gaps.xlsx")
    assert _chars(out.segments) <= MAX_CHARS
    [(reason, detail)] = out.skipped
    assert reason is SkipReason.LIMIT and f"passed {MAX_CHARS} characters" in detail


def test_pdf_annotations_sharing_one_string_stay_bounded(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: annotations whose contents are one string object were each read in
    full (2,000 sharing a string of 500 K characters died with MemoryError; 300 here
    took 265 MB and became 120 M characters).  Annotations now count toward the PDF's
    character limit as they are read, a long text that comes back is written in full
    once, and the annotations not read are a limit entry."""
    data = R.shared_annotation_pdf()
    assert len(data) < 500_000
    root = tree(tmp_path / "t", {"notes.pdf": data})
    run = hostile(root, seconds=10, rss_mb=100)
    assert run.reasons("notes.pdf") == {SkipReason.LIMIT}
    assert run.found == {"notes.pdf"}
    out = extract_pdf(data, "notes.pdf")
    assert _chars(out.segments) < 1_000_000
    [(reason, detail)] = out.skipped
    assert reason is SkipReason.LIMIT and "annotations or form fields on page 1 not read" in detail


def test_zip_listing_more_entries_than_the_limit_is_read_only_to_it(
    tmp_path: Path, hostile: Hostile
) -> None:
    """Regression: a 1 MB zip holding a zip whose central directory lists 400,000
    entries (1.5 M in the report: 877 MB) made zipfile build an object for each before
    the entry limit applied.  The directory's records are now counted first, a
    megabyte at a time, and zipfile is shown only those the limit leaves."""
    inner = R.zip_listing(400_000)
    outer = R.office_zip({"FaceAttr.java": H.TERM_JAVA, "inner.zip": inner})
    assert len(outer) < 1_500_000
    root = tree(tmp_path / "t", {"listing.zip": outer})
    run = hostile(root, args=("--max-archive-entries", "1000"), seconds=10, rss_mb=100)
    assert run.found == {"listing.zip!FaceAttr.java"}
    [(reason, detail)] = run.skips["listing.zip!inner.zip"]
    assert reason is SkipReason.LIMIT and "more than 1000 archive entries" in detail
    # the first entries the limit leaves were read (each overlaps the others' data)
    read = [p for p in run.skips if p.startswith("listing.zip!inner.zip!")]
    assert len(read) == 998


def _silent_drop_cases() -> dict[str, bytes]:
    """Files each reader used to read as clean without a word: the term is in each."""
    term = H.TERM_JAVA
    zipped = H.zip_of([("FaceAttr.java", term)])
    return {
        # a zip after a launcher script or a "#!" line
        "launcher.jar": b'#!/bin/sh\nexec java -jar "$0" "$@"\n' + zipped,
        "app.pyz": b"#!/usr/bin/env python3\n" + zipped,
        "long-launcher.jar": b"#!/bin/sh\n" + b"# set up the class path\n" * 4000 + zipped,
        "big-launcher.jar": b"#!/bin/sh\n" + b"# the class path\n" * 300_000 + zipped,
        "notes.h.lzma": lzma.compress(H.TERM_LINE, format=lzma.FORMAT_ALONE),
        "old.tar": R.v7_tar([("a.h.gz", H.gzip_of(H.TERM_LINE))]),
        "wide.h": H.TERM_LINE.decode().encode("utf-32-le"),
        "folder.zip": H.zip_of([("dir/", term)]),
        "relmain.docx": R.docx(
            "word/main.xml",
            {
                "word/main.xml": R.word_xml("人脸比对 维族告警"),
                "word/document.xml": R.word_xml("Meeting agenda"),
            },
        ),
        "renamed.xlsx": R.xlsx(
            ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'],
            ["person_id", "ethnicity"],
            shared_part="strings2.xml",
        ),
        "long-note.pdf": R.long_annotation_pdf(),
        "form.pdf": R.form_pdf(),
        "unlisted.xlsx": R.xlsx(
            ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
            ["notes", "ethnicity"],
            extra={"xl/worksheets/sheet9.xml": R.sheet_xml([_ROW])},
        ),
        "unlisted.docx": R.docx(
            "word/document.xml",
            {
                "word/document.xml": R.word_xml("Meeting agenda"),
                "word/archive.xml": R.word_xml("人脸比对 维族告警"),
            },
        ),
        "chart.odt": R.odt_with_chart("Alerts by group", ["维族告警", "other"]),
    }


_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def test_nothing_is_read_as_clean_in_silence(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: each of these gave no finding and no skipped entry (exit 0): a jar
    behind its launcher script (short, longer than the first 64 KiB, or making a file
    large enough to be read in pieces), a zipapp
    behind "#!", a .lzma file, a V7 tar (no
    "ustar" magic) holding a .gz, UTF-32 text without a byte-order mark, a zip entry
    named like a folder that holds data, a DOCX whose relationships name another main
    part than word/document.xml (a clean decoy), an XLSX whose shared strings have
    another name, a PDF annotation over 512 K characters, the fields of a PDF form, a
    sheet or Word document that no relationship names, a chart in an OpenDocument text."""
    cases = _silent_drop_cases()
    root = tree(tmp_path / "t", cases)
    run = hostile(root)
    assert not run.result.skipped
    assert run.found == {
        "launcher.jar!FaceAttr.java",
        "app.pyz!FaceAttr.java",
        "long-launcher.jar!FaceAttr.java",
        "big-launcher.jar!FaceAttr.java",
        "notes.h.lzma!notes.h",
        "old.tar!a.h.gz!a.h",
        "wide.h",
        "folder.zip!dir/",
        "relmain.docx",
        "renamed.xlsx",
        "long-note.pdf",
        "form.pdf",
        "unlisted.xlsx",
        "unlisted.docx",
        "chart.odt",
    }


def test_password_protected_docx_is_encrypted(tmp_path: Path, hostile: Hostile) -> None:
    """Regression: a DOCX saved with a password (a compound file holding the encrypted
    package) went to the strings pass and was reported clean."""
    root = tree(tmp_path / "t", {"locked.docx": R.encrypted_docx()})
    run = hostile(root)
    [(reason, detail)] = run.skips["locked.docx"]
    assert reason is SkipReason.ENCRYPTED and "EncryptedPackage" in detail
    # an Office 97-2003 file is still read by its strings
    plain = R.compound_file({"WordDocument": H.TERM_LINE.ljust(4096, b"\x00")})
    root = tree(tmp_path / "u", {"old.doc": plain})
    run = hostile(root)
    assert run.found == {"old.doc"} and not run.result.skipped


_CHART = (
    '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title>'
    "<c:tx><c:rich><a:p><a:r><a:t>Alerts by group</a:t></a:r></a:p></c:rich></c:tx></c:title>"
    "<c:plotArea><c:barChart><c:ser><c:cat><c:strRef><c:strCache><c:pt><c:v>维族告警</c:v>"
    "</c:pt></c:strCache></c:strRef></c:cat><c:val><c:numRef><c:numCache><c:pt><c:v>12</c:v>"
    "</c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart>"
    "</c:chartSpace>"
)


def test_office_charts_are_read_and_parts_not_read_are_listed(
    tmp_path: Path, hostile: Hostile
) -> None:
    """Charts, OLE objects and tracked deletions were passed over in silence: a chart's
    text is now read (its title, and the category names it caches), and an OLE object
    and tracked deletions are each an unsupported entry naming the part."""
    data = R.docx(
        "word/document.xml",
        {
            "word/document.xml": R.word_xml("Quarterly figures", deleted="ethnicity column"),
            "word/charts/chart1.xml": _CHART,
            "word/charts/style1.xml": "<cs:chartStyle/>",
            "word/embeddings/oleObject1.bin": R.compound_file({"Ole10Native": bytes(4096)}),
        },
    )
    chart = [s for s in extract_office(data, "report.docx").segments if s.member]
    assert [(s.member, s.text) for s in chart] == [("charts/chart1", "Alerts by group\n维族告警")]
    root = tree(tmp_path / "t", {"report.docx": data})
    run = hostile(root)
    assert {(f.location.member, f.evidence.term) for f in run.result.findings} == {
        ("charts/chart1", "维族告警")
    }
    details = sorted(d for r, d in run.skips["report.docx"] if r is SkipReason.UNSUPPORTED)
    assert details == [
        "office part word/document.xml: 1 tracked deletions not read (deleted text)",
        "office part word/embeddings/oleObject1.bin: embedded object (OLE) not read",
    ]


def test_office_document_listing_many_parts_is_read_only_to_its_limit(
    tmp_path: Path, hostile: Hostile
) -> None:
    """An office document is a zip too: one whose central directory lists 400,000
    entries made zipfile build an object for each (183 MB) before a part was read.
    Only the first 10,000 are shown to zipfile, and the rest is a limit entry."""
    from ethicscan.extract.office import MAX_PARTS

    doc = R.docx("word/document.xml", {"word/document.xml": R.word_xml("人脸比对 维族告警")})
    data = R.with_listing(doc, 400_000)
    root = tree(tmp_path / "t", {"many.docx": data})
    run = hostile(root, seconds=10, rss_mb=100)
    assert run.found == {"many.docx"}
    [(reason, detail)] = run.skips["many.docx"]
    assert reason is SkipReason.LIMIT and f"more than {MAX_PARTS} parts" in detail


def test_class_whose_class_entries_share_one_long_name(tmp_path: Path, hostile: Hostile) -> None:
    """Each Class constant was made into a dotted name of its own: 20,000 Class entries
    naming one 60,000-character name (the interfaces of a 200 KB class) were 1.2 G
    characters.  A name is now made once per Utf8 entry, and written in full once."""
    data = R.shared_name_class(20_000, 60_000)
    assert len(data) < 250_000
    root = tree(tmp_path / "t", {"Many.class": data})
    run = hostile(root, seconds=10, rss_mb=100)
    assert not run.result.skipped
    out = extract_class(data, "Many.class")
    assert _chars(out.segments) < 8 * len(data)


def test_dex_whose_string_ids_point_into_each_other(tmp_path: Path, hostile: Hostile) -> None:
    """String ids one byte apart in a run of 100,000 letters were each read to the run's
    end: 20,000 of them, 2 G bytes from a 180 KB file.  Reading string data past four
    times the file's size is a limit."""
    data = R.overlapping_strings_dex()
    assert len(data) < 200_000
    root = tree(tmp_path / "t", {"classes.dex": data})
    run = hostile(root, seconds=10, rss_mb=100)
    [(reason, detail)] = run.skips["classes.dex"]
    assert reason is SkipReason.LIMIT and "string data overlap" in detail


def test_gettext_catalogue_whose_entries_share_one_translation(
    tmp_path: Path, hostile: Hostile
) -> None:
    """20,000 messages of a .mo catalogue whose translations name one string of 100,000
    bytes were each decoded anew by the standard library's parser (2 G characters from
    a 580 KB file; 2,000 of them took 221 MB).  A catalogue whose tables name more than
    four times its size is a limit, before it is parsed."""
    data = R.shared_translation_mo()
    assert len(data) < 600_000
    root = tree(tmp_path / "t", {"messages.mo": data})
    run = hostile(root, seconds=10, rss_mb=100)
    [(reason, detail)] = run.skips["messages.mo"]
    assert reason is SkipReason.LIMIT and "gettext catalogue" in detail


def test_elf_and_macho_whose_symbol_names_overlap(tmp_path: Path, hostile: Hostile) -> None:
    """20,000 symbols naming strings one byte apart in a run of 100,000 letters were
    each read to the run's end (2 G bytes from a 420 KB Mach-O or a 580 KB ELF file;
    2,000 took 220 MB).  Mach-O names are now read once per string index, and names
    past four times the file's size are a limit; the strings pass still reads the
    file."""
    macho, elf = R.overlapping_names_macho(), R.overlapping_names_elf()
    assert len(macho) < 450_000 and len(elf) < 600_000
    root = tree(tmp_path / "t", {"libbomb.dylib": macho, "libbomb.so": elf})
    run = hostile(root, seconds=10, rss_mb=100)
    for name, kind in (("libbomb.dylib", "Mach-O"), ("libbomb.so", "ELF")):
        [(reason, detail)] = run.skips[name]
        assert reason is SkipReason.LIMIT and f"{kind} symbols after the first" in detail


def test_zips_inside_zips_share_one_entry_budget(tmp_path: Path, hostile: Hostile) -> None:
    """Each zip's central directory was checked against what the limit left after the
    entries read so far, not after the entries of the zips open around it: ten zips
    one inside the other, each listing just under the limit, held ten times the limit's
    entry objects at once.  A zip's entries are now counted when it is opened."""
    data = R.nested_listings()
    root = tree(tmp_path / "t", {"nested.zip": data})
    run = hostile(root, args=("--max-archive-entries", "20000"), seconds=15, rss_mb=60)
    assert run.reasons("nested.zip!inner.zip") == {SkipReason.LIMIT}
    assert "more than 20000 archive entries" in run.skips["nested.zip!inner.zip"][0][1]


def test_a_compound_file_cut_inside_its_allocation_chain_is_read_as_bytes() -> None:
    """Regression (found by fuzz_archive): a compound file whose DIFAT chain points at
    its last, cut-short sector raised struct.error; it holds no readable directory."""
    from ethicscan.extract import ole

    whole = R.encrypted_docx()
    header = bytearray(whole[:512])
    header[0x44:0x48] = (0).to_bytes(4, "little")  # the DIFAT chain starts at sector 0
    for cut in (1, 7, 141, 300):
        assert ole.stream_names(bytes(header) + whole[512 : 512 + cut]) == set()


def test_a_zip64_end_locator_that_claims_many_disks_is_corrupt(
    tmp_path: Path, hostile: Hostile
) -> None:
    """Regression (found by fuzz_archive): an end record behind a stub whose zip64
    locator claims a multi-disk zip raised BadZipFile out of the entry count; it is a
    corrupt zip, like any other zipfile refuses."""
    import base64
    import io

    from ethicscan.extract import zipdir

    blob = base64.b64decode(
        "RmFQSwYHdPPzrQYAAAAEgAAABGlyL1BLBQYAAAAAAgAC////////////////////////////////////////"
        "AG0AAACNAAAAACsA"
    )[1:]
    assert zipdir.listing(io.BytesIO(blob), 100) is None
    run = hostile(tree(tmp_path / "t", {"stub.jar": blob}))
    assert [reason for reason, _ in run.skips["stub.jar"]] == [SkipReason.CORRUPT]
