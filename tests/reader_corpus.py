"""Hostile input for the readers of files (class files, DEX, office documents, PDFs,
archives), generated: bombs whose tables share one entry many times, and files the
readers must not drop in silence.  Nothing here is committed as a binary."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator

# -- compiled code whose tables share entries ------------------------------------------------


def _class_utf8(text: str) -> bytes:
    raw = text.encode()
    return b"\x01" + struct.pack(">H", len(raw)) + raw


def shared_descriptor_class(methods: int = 500, params: int = 65000) -> bytes:
    """A class file whose ``methods`` methods share one descriptor of ``params``
    parameters (about 69 KB with the defaults): written out once per method, that is
    32 M parameter names."""
    pool = [
        _class_utf8("com/acme/face/Bomb"),
        b"\x07" + struct.pack(">H", 1),
        _class_utf8("java/lang/Object"),
        b"\x07" + struct.pack(">H", 3),
        _class_utf8("(" + "I" * params + ")V"),
        _class_utf8("getSkinColor"),
    ]
    names = [_class_utf8(f"m{i}") for i in range(methods - 1)]
    pool += names
    out = bytearray(b"\xca\xfe\xba\xbe" + struct.pack(">HHH", 0, 52, len(pool) + 1))
    out += b"".join(pool)
    out += struct.pack(">HHHHH", 0x21, 2, 4, 0, 0)  # public class Bomb; no interfaces, fields
    out += struct.pack(">H", methods)
    for i in range(methods):
        name = 6 if i == 0 else 7 + i - 1
        out += struct.pack(">HHHH", 0x1, name, 5, 0)
    out += struct.pack(">H", 0)
    return bytes(out)


def _dex(
    strings: list[bytes],
    string_ids: list[int | tuple[int, int]],
    type_ids: list[int],
    protos: list[tuple[int, int, int]],
    fields: list[tuple[int, int, int]],
    methods: list[tuple[int, int, int]],
    classes: list[int],
    lists: list[list[int]],
) -> bytes:
    """A DEX file from its tables, sharing whatever they share: ``string_ids`` index
    ``strings`` (several ids may name one string's data), a proto's third value
    indexes ``lists`` (type lists, one of which may serve every proto), 1-based (0:
    no parameters); a string id ``(i, k)`` points ``k`` bytes into string ``i``'s data."""
    counts = [len(string_ids), len(type_ids), len(protos), len(fields), len(methods), len(classes)]
    sizes = [4, 4, 12, 8, 8, 32]
    offs = []
    off = 0x70
    for n, size in zip(counts, sizes, strict=True):
        offs.append(off if n else 0)
        off += n * size
    data = bytearray()
    list_offs = []
    for types in lists:
        while (off + len(data)) % 4:
            data.append(0)
        list_offs.append(off + len(data))
        data += struct.pack(f"<I{len(types)}H", len(types), *types)
    str_offs = []
    for s in strings:
        str_offs.append(off + len(data))
        data += bytes([min(len(s), 127)]) + s + b"\x00"  # (the length is not checked)
    body = struct.pack(
        f"<{len(string_ids)}I",
        *(str_offs[i[0]] + i[1] if isinstance(i, tuple) else str_offs[i] for i in string_ids),
    )
    body += struct.pack(f"<{len(type_ids)}I", *type_ids)
    for shorty, ret, params in protos:
        body += struct.pack("<III", shorty, ret, list_offs[params - 1] if params else 0)
    body += b"".join(struct.pack("<HHI", *f) for f in fields)
    body += b"".join(struct.pack("<HHI", *m) for m in methods)
    for c in classes:
        body += struct.pack("<8I", c, 1, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0, 0, 0)
    header = bytearray(b"dex\n035\x00" + bytes(24))
    header += struct.pack("<IIIIII", off + len(data), 0x70, 0x12345678, 0, 0, 0)
    for n, o in zip(counts, offs, strict=True):
        header += struct.pack("<II", n, o)
    header += struct.pack("<II", len(data), off)
    return bytes(header + body + data)


def shared_table_dex(methods: int = 4000, params: int = 30000, ids: int = 10000) -> bytes:
    """A DEX file whose ``methods`` methods share one proto whose type list names
    ``params`` parameters, and whose ``ids`` string ids all point at one 8 KB string
    (about 170 KB with the defaults; written out per use, 600 MB)."""
    strings = [b"LBomb;", b"I", b"V", b"getSkinColor", b"s" * 8000 + b" skin colour"]
    strings += [f"m{i}".encode() for i in range(methods)]
    string_ids = list(range(len(strings))) + [4] * ids
    return _dex(
        strings,
        string_ids,
        type_ids=[0, 1, 2],
        protos=[(2, 2, 1)],
        fields=[],
        methods=[(0, 0, 5 + i) for i in range(methods)],
        classes=[0],
        lists=[[1] * params],
    )


# -- office documents written part by part --------------------------------------------------

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _rels(*rels: tuple[str, str, str]) -> str:
    """A relationships part: (id, type's last word, target)."""
    body = "".join(
        f'<Relationship Id="{rid}" Type="{_REL_NS}/{kind}" Target="{target}"/>'
        for rid, kind, target in rels
    )
    return f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL_NS}">{body}</Relationships>'


def _content_types(overrides: dict[str, str]) -> str:
    body = "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types">{body}</Types>'
    )


def office_zip(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def xlsx(
    rows: Iterable[str],
    shared: list[str],
    shared_part: str = "sharedStrings.xml",
    extra: dict[str, str] | None = None,
) -> bytes:
    """A workbook of one sheet (``rows``: the XML of each ``<row>``) whose shared
    strings are ``shared``, in ``xl/<shared_part>`` named by the workbook's
    relationships; ``extra`` parts are added as they are (nothing names them)."""
    sst = "".join(f"<si><t>{s}</t></si>" for s in shared)
    return office_zip(
        {
            "[Content_Types].xml": _content_types(
                {
                    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet.main+xml"
                }
            ),
            "_rels/.rels": _rels(("r1", "officeDocument", "xl/workbook.xml")),
            "xl/workbook.xml": f'<workbook xmlns="{_SHEET_NS}" xmlns:r="{_REL_NS}"><sheets>'
            '<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": _rels(
                ("rId1", "worksheet", "worksheets/sheet1.xml"),
                ("rId2", "sharedStrings", shared_part),
            ),
            f"xl/{shared_part}": f'<sst xmlns="{_SHEET_NS}">{sst}</sst>',
            "xl/worksheets/sheet1.xml": sheet_xml(rows),
            **(extra or {}),
        }
    )


def sheet_xml(rows: Iterable[str]) -> str:
    return (
        f'<worksheet xmlns="{_SHEET_NS}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    )


def column(n: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def gappy_rows(rows: int, every: int = 100, last: int = 16384) -> Iterator[str]:
    """Rows with a cell (shared string 0) every ``every`` columns: each empty run is
    padded, so a row of 164 cells used to become 16,000."""
    cols = [column(c) for c in range(1, last + 1, every)]
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in cols)
        yield f'<row r="{r}">{cells}</row>'


# -- PDFs written object by object ---------------------------------------------------------


def pdf_of(objects: list[bytes], page_annots: list[int]) -> bytes:
    """A one-page PDF: objects 1-3 are the catalogue, the page tree and the page (with
    the text "Annotated page" and ``page_annots`` as its annotations); ``objects``
    follow from number 5 (object 4 is the page's content)."""
    annots = b" ".join(b"%d 0 R" % n for n in page_annots)
    content = b"BT /F1 12 Tf 72 720 Td (Annotated page) Tj ET"
    body = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> "
        b">> >> /Annots [" + annots + b"] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, obj in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def shared_annotation_pdf(annotations: int = 300, chars: int = 400_000) -> bytes:
    """``annotations`` text annotations whose contents are one string object of
    ``chars`` characters (read once per annotation, 120 M characters by default)."""
    text = b"a" * (chars - 20) + b" face skin colour"
    first = 6
    annots = [
        b"<< /Type /Annot /Subtype /Text /Rect [72 %d 90 %d] /Contents 5 0 R >>" % (i, i + 10)
        for i in range(annotations)
    ]
    return pdf_of([b"(" + text + b")", *annots], list(range(first, first + annotations)))


def long_annotation_pdf(chars: int = 600_000) -> bytes:
    """One annotation of ``chars`` characters (more than 512 K), the term at its end."""
    text = b"a " * ((chars - 20) // 2) + b" face skin colour"
    annot = b"<< /Type /Annot /Subtype /Text /Rect [72 700 90 710] /Contents (" + text + b") >>"
    return pdf_of([annot], [5])


# -- archives ------------------------------------------------------------------------------


def zip_listing(entries: int) -> bytes:
    """A zip whose central directory lists ``entries`` entries (distinct names, every
    one pointing at the same small local header): zipfile makes an object of each
    before the first is read."""
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0) + b"a"
    record = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0
    )
    cd = b"".join(record + b"%08x" % i for i in range(entries))
    n = min(entries, 0xFFFF)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), len(local), 0)
    return local + cd + end


# -- OLE compound files --------------------------------------------------------------------


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file (512-byte sectors) holding ``streams`` (each of 4096
    bytes or more, so none goes to the mini stream), the way an Office document
    encrypted with a password holds ``EncryptionInfo`` and ``EncryptedPackage``."""
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fatsect, end]  # sector 0: this table; sector 1: the directory
    body = b""
    starts = []
    for data in streams.values():
        n = -(-len(data) // 512)
        first = len(fat)
        starts.append(first)
        fat += [first + k + 1 for k in range(n - 1)] + [end]
        body += data.ljust(n * 512, b"\x00")
    assert len(fat) <= 128 and len(streams) <= 3
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, 1, free, end, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, free, right, starts[i], len(streams[name]))
    directory = directory.ljust(512, b"\x00")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    return header + struct.pack("<128I", *fat) + directory + body


def encrypted_docx() -> bytes:
    """What Word writes for a document saved with a password: no zip, a compound file."""
    import os

    return compound_file({"EncryptionInfo": os.urandom(4096), "EncryptedPackage": os.urandom(8192)})


_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def word_xml(*paragraphs: str, deleted: str = "") -> str:
    """A Word body of ``paragraphs``; ``deleted``: a tracked deletion in the last one."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    if deleted:
        body += f"<w:p><w:del><w:r><w:delText>{deleted}</w:delText></w:r></w:del></w:p>"
    return f'<w:document xmlns:w="{_WORD_NS}"><w:body>{body}</w:body></w:document>'


def docx(main: str, parts: dict[str, str | bytes]) -> bytes:
    """A Word document whose package relationships name ``main`` as its main part;
    ``parts`` are written as they are (the main part among them)."""
    return office_zip(
        {
            "[Content_Types].xml": _content_types({main: _WORD_MAIN}),
            "_rels/.rels": _rels(("r1", "officeDocument", main)),
            **parts,
        }
    )


def v7_tar(members: list[tuple[str, bytes]]) -> bytes:
    """A tar in the old V7 format: no "ustar" magic, only a checksum says it is a tar."""
    out = bytearray()
    for name, data in members:
        header = bytearray(512)
        header[: len(name)] = name.encode()
        header[100:108] = b"0000644\x00"
        header[108:116] = header[116:124] = b"0000000\x00"
        header[124:136] = b"%011o\x00" % len(data)
        header[136:148] = b"00000000000\x00"
        header[148:156] = b" " * 8
        header[156:157] = b"0"
        header[148:156] = b"%06o\x00 " % sum(header)
        out += header + data + bytes(-len(data) % 512)
    return bytes(out + bytes(1024))


def archive_seeds() -> dict[str, bytes]:
    """Small files of the shapes above, for the fuzzers to mutate (named so the
    explorer identifies them by content, as it must)."""
    import gzip
    import lzma

    term = b"int detectSkinColor(Face face); // face attribute: skin colour\n"
    zipped = office_zip({"FaceAttr.java": term, "dir/": b"data"})
    return {
        "launcher.jar": b"#!/bin/sh\nexec java -jar $0\n" + zipped,
        "notes.h.lzma": lzma.compress(term, format=lzma.FORMAT_ALONE),
        "v7.tar": v7_tar([("a.h.gz", gzip.compress(term, mtime=0))]),
        "listing.zip": zip_listing(64),
        "locked.docx": encrypted_docx(),
        "old.doc": compound_file({"WordDocument": term.ljust(4096, b"\x00")}),
        "wide.h": term.decode().encode("utf-32-le"),
    }


def document_seeds() -> dict[str, bytes]:
    """Small documents of the shapes above, for the fuzzers to mutate."""
    return {
        "relmain.docx": docx(
            "word/main.xml",
            {
                "word/main.xml": word_xml("人脸比对 维族告警", deleted="race"),
                "word/document.xml": word_xml("agenda"),
                "word/charts/chart1.xml": "<c/>",
            },
        ),
        "gaps.xlsx": xlsx(gappy_rows(2, 300, 1000), ["ethnicity"], "s2.xml"),
        "shared-notes.pdf": shared_annotation_pdf(4, 2000),
        "long-note.pdf": long_annotation_pdf(4000),
        "form.pdf": form_pdf(),
    }


def with_listing(data: bytes, extra: int) -> bytes:
    """The zip ``data`` (no comment) with ``extra`` more records in its central
    directory, each naming a new entry that points at one more (empty) local header."""
    size, offset = struct.unpack_from("<II", data, len(data) - 10)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0) + b"p"
    record = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 8, 0, 0, 0, 0, 0, offset
    )
    more = b"".join(record + b"%08x" % i for i in range(extra))
    cd = data[offset : offset + size] + more
    n = min(0xFFFF, len(zipfile.ZipFile(io.BytesIO(data)).infolist()) + extra)
    start = offset + len(local)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), start, 0)
    return data[:offset] + local + cd + end


def shared_name_class(entries: int = 20_000, length: int = 60_000) -> bytes:
    """A class file whose ``entries`` Class constants all name one class of ``length``
    characters, every one of them an interface of the class."""
    pool = [
        _class_utf8("com/acme/face/Many"),
        b"\x07" + struct.pack(">H", 1),
        _class_utf8("java/lang/Object"),
        b"\x07" + struct.pack(">H", 3),
        _class_utf8("com/acme/" + "X" * length),
    ]
    pool += [b"\x07" + struct.pack(">H", 5)] * entries  # constants 6 ...
    out = bytearray(b"\xca\xfe\xba\xbe" + struct.pack(">HHH", 0, 52, len(pool) + 1))
    out += b"".join(pool)
    out += struct.pack(">HHHH", 0x21, 2, 4, entries)
    out += struct.pack(f">{entries}H", *range(6, 6 + entries))
    out += struct.pack(">HHH", 0, 0, 0)  # no fields, methods, attributes
    return bytes(out)


def overlapping_strings_dex(ids: int = 20_000, run: int = 100_000) -> bytes:
    """A DEX file whose ``ids`` string ids point one byte apart into a run of ``run``
    letters with no NUL byte: each string is read to the end of the run (2 G bytes
    with the defaults, from a 180 KB file)."""
    return _dex(
        [b"LBomb;", b"a" * run],
        [0] + [(1, k + 1) for k in range(ids)],
        type_ids=[0],
        protos=[],
        fields=[],
        methods=[],
        classes=[0],
        lists=[],
    )


def shared_translation_mo(entries: int = 20_000, length: int = 100_000) -> bytes:
    """A little-endian .mo catalogue of ``entries`` messages whose translations all
    name one string of ``length`` bytes (each decoded anew by the standard library's
    parser: 2 G characters from a 580 KB file with the defaults)."""
    ids = b"".join(b"m%06d\x00" % i for i in range(entries))
    start = 7 * 4 + 16 * entries
    shared_at = start + len(ids)
    originals = b"".join(struct.pack("<II", 7, start + 8 * i) for i in range(entries))
    translations = struct.pack("<II", length, shared_at) * entries
    head = struct.pack("<IIIIIII", 0x950412DE, 0, entries, 28, 28 + 8 * entries, 0, 0)
    shared = b"x" * (length - 20) + b" face skin colour"  # (a term: the file is read)
    return head + originals + translations + ids + shared.ljust(length, b" ") + b"\x00"


def overlapping_names_macho(symbols: int = 20_000, run: int = 100_000) -> bytes:
    """A 64-bit Mach-O whose ``symbols`` symbols name strings one byte apart in a run
    of ``run`` letters: each name is read to the end of the run (2 G bytes from a
    420 KB file with the defaults)."""
    header, sym_cmd = 32, 24
    symoff = header + sym_cmd
    names = b"\x00" + b"a" * (run - 12) + b"SkinColor" + b"\x00"
    stroff = symoff + 16 * symbols
    nlist = b"".join(struct.pack("<IBBHQ", 1 + k, 0x0F, 0, 0, 0) for k in range(symbols))
    out = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 6, 1, sym_cmd, 0, 0)
    out += struct.pack("<IIIIII", 0x2, sym_cmd, symoff, symbols, stroff, len(names))
    return out + nlist + names


def overlapping_names_elf(symbols: int = 20_000, run: int = 100_000) -> bytes:
    """A 64-bit ELF whose ``symbols`` symbols name strings one byte apart in a run of
    ``run`` letters (sections: .symtab, .strtab, .shstrtab; no program)."""
    strtab = b"\x00" + b"a" * (run - 12) + b"SkinColor" + b"\x00"
    shstrtab = b"\x00.symtab\x00.strtab\x00.shstrtab\x00"
    symtab = bytes(24)  # the null symbol
    symtab += b"".join(struct.pack("<IBBHQQ", 1 + k, 0x11, 0, 0, 0, 0) for k in range(symbols))
    symoff = 64
    stroff = symoff + len(symtab)
    shstroff = stroff + len(strtab)
    shoff = shstroff + len(shstrtab)
    shoff += -shoff % 8
    header = b"\x7fELF\x02\x01\x01" + bytes(9)
    header += struct.pack("<HHIQQQIHHHHHH", 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, 4, 3)

    def section(
        name: int, kind: int, off: int, size: int, link: int = 0, entsize: int = 0
    ) -> bytes:
        return struct.pack("<IIQQQQIIQQ", name, kind, 0, 0, off, size, link, 1, 1, entsize)

    sections = bytes(64)
    sections += section(1, 2, symoff, len(symtab), link=2, entsize=24)  # .symtab
    sections += section(9, 3, stroff, len(strtab))  # .strtab
    sections += section(17, 3, shstroff, len(shstrtab))  # .shstrtab
    body = header + symtab + strtab + shstrtab
    return body + bytes(shoff - len(body)) + sections


def nested_listings(levels: int = 10, entries: int = 19_990) -> bytes:
    """Zips inside zips, ``levels`` deep, each listing ``entries`` entries besides the
    zip inside it (the first entry): opened one inside the other, every level's entry
    objects are in memory at once."""
    data = zip_listing(entries)
    for _ in range(levels - 1):
        data = with_listing(office_zip({"inner.zip": data}), entries)
    return data


def form_pdf() -> bytes:
    """A one-page PDF form (AcroForm) whose filled-in field says what a visitor is."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=True)
    c.drawString(60, 780, "Visitor registration")
    c.acroForm.textfield(name="ethnicity", value="Uyghur", x=60, y=700, width=200, height=20)
    c.acroForm.textfield(name="visitor_name", value="", x=60, y=650, width=200, height=20)
    c.showPage()
    c.save()
    return out.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0"'
)


def odt_with_chart(title: str, categories: list[str]) -> bytes:
    """A text document holding a chart object (``Object 1/content.xml``: its title
    and the table of its data), the way Writer stores one."""
    cells = "".join(
        "<table:table-row><table:table-cell><text:p>"
        f"{c}</text:p></table:table-cell></table:table-row>"
        for c in categories
    )
    chart = (
        f"<office:document-content {_ODF_NS}><office:body><office:chart><chart:chart>"
        f"<chart:title><text:p>{title}</text:p></chart:title>"
        f"<table:table table:name='local-table'><table:table-rows>{cells}</table:table-rows>"
        "</table:table></chart:chart></office:chart></office:body></office:document-content>"
    )
    content = (
        f"<office:document-content {_ODF_NS}><office:body><office:text>"
        "<text:p>Quarterly figures</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        z.writestr("content.xml", content)
        z.writestr("Object 1/content.xml", chart)
    return out.getvalue()
