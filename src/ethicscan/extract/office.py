"""The text of office documents: Word, Excel and PowerPoint (OOXML) and
OpenDocument text, spreadsheets and presentations.

The zip is read with :mod:`zipfile` in memory and each XML part with defusedxml
(no entity expansion, no external references, no network).  What is read:

* paragraphs, one line each; a table row is one line with its cells joined by
  `` | `` so a header row reads like a list of field names;
* DOCX/ODT: body, headers and footers, footnotes, endnotes and comments;
* XLSX/ODS: every sheet, one row a line (``member`` = the sheet name, the line
  within the sheet = the row number while rows are dense), and cell comments;
* PPTX/ODP: every slide (``page`` = the slide number) and its speaker notes
  (``member`` = ``notes``).
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ethicscan.extract.common import clean, prose_hint
from ethicscan.extract.formats import OFFICE_SUFFIXES, suffix
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.model import SkipReason

MAX_PART = 64 * 1024 * 1024  # uncompressed bytes of one XML part
MAX_TOTAL = 256 * 1024 * 1024  # uncompressed bytes of all parts read from one document
MAX_RATIO = 200.0  # expanded / compressed, per part above 1 MB
MAX_ROW_GAP = 1000  # empty rows padded so lines keep row numbers; larger gaps are closed
MAX_COL_GAP = 100  # empty cells padded so a row's cells keep their columns
CELL_SEP = " | "

Element = ET.Element


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def parse_xml(raw: bytes) -> Element:
    """Parse an XML part safely.  Entity expansion and external references need a
    document type declaration; a part with one goes through defusedxml, which
    refuses entity declarations and external references.  Office parts have none
    and go through the C parser of the standard library, about twice as fast (it
    resolves nothing external either)."""
    if any(d in raw for d in _DOCTYPE):
        return SafeET.fromstring(raw)
    return ET.fromstring(raw)


class _Package:
    """The parts of one zipped document, read within bounds."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            raise ExtractError(SkipReason.CORRUPT, f"office document: {exc}") from None
        except NotImplementedError as exc:  # a zip version or feature zipfile lacks
            raise ExtractError(SkipReason.UNSUPPORTED, f"office document: {exc}") from None
        self.names = {i.filename: i for i in self.zf.infolist()}
        self.read_total = 0
        self.skipped: list[tuple[SkipReason, str]] = []

    def has(self, name: str) -> bool:
        return name in self.names

    def xml(self, name: str) -> Element | None:
        """The parsed part, or None (and a skipped entry) when it cannot be read."""
        info = self.names.get(name)
        if info is None:
            return None
        if info.flag_bits & 0x1:
            self.skipped.append((SkipReason.ENCRYPTED, f"office part {name}: encrypted"))
            return None
        if not self.within_bounds(name, info):
            return None
        try:
            with self.zf.open(info) as f:
                raw = f.read(MAX_PART + 1)
            self.read_total += len(raw)
            return parse_xml(raw)
        except DefusedXmlException as exc:
            self.skipped.append((SkipReason.CORRUPT, f"office part {name}: refused: {exc!r}"))
        except (
            ET.ParseError,
            LookupError,  # an unknown encoding in the XML declaration
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
        ) as exc:
            self.skipped.append((SkipReason.CORRUPT, f"office part {name}: {exc}"))
        except NotImplementedError as exc:
            self.skipped.append((SkipReason.UNSUPPORTED, f"office part {name}: {exc}"))
        return None

    def within_bounds(self, name: str, info: zipfile.ZipInfo) -> bool:
        size = info.file_size
        if (
            size > MAX_PART
            or self.read_total + size > MAX_TOTAL
            or (size > 1 << 20 and size > MAX_RATIO * max(1, info.compress_size))
        ):
            self.skipped.append((SkipReason.LIMIT, f"office part {name}: {size} bytes not read"))
            return False
        return True

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id -> target part name, for ``part``."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root:
            rid, target = rel.get("Id"), rel.get("Target")
            if not rid or not target or rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                out[rid] = target.lstrip("/")
            else:
                out[rid] = posixpath.normpath(posixpath.join(folder, target))
        return out


def extract_office(data: bytes, name: str) -> Extracted:
    pkg = _Package(data)
    with pkg.zf:
        if pkg.has("word/document.xml"):
            segments = list(_docx(pkg))
        elif pkg.has("xl/workbook.xml"):
            segments = list(_xlsx(pkg))
        elif pkg.has("ppt/presentation.xml"):
            segments = list(_pptx(pkg))
        elif pkg.has("content.xml"):
            segments = list(_odf(pkg))
        else:
            raise ExtractError(
                SkipReason.UNSUPPORTED,
                f"office document ({suffix(name) or 'zip'}) without a known main part",
            )
        members = tuple(_embedded(pkg))
    kept = tuple(s for s in segments if s.text.strip())
    return Extracted(kept, hint=prose_hint(name), skipped=tuple(pkg.skipped), members=members)


_EMBEDDED = OFFICE_SUFFIXES | {".pdf"}


def _embedded(pkg: _Package) -> Iterator[tuple[str, bytes]]:
    """Documents embedded in a document (a workbook behind a chart or pasted into a
    report, a PDF): explored in turn as ``report.docx!word/embeddings/x.xlsx``.
    OLE objects (``.bin``) and media are left alone."""
    for part, info in pkg.names.items():
        if "/embeddings/" not in part or suffix(part) not in _EMBEDDED or info.is_dir():
            continue
        if info.flag_bits & 0x1 or not pkg.within_bounds(part, info):
            continue
        try:
            with pkg.zf.open(info) as f:
                data = f.read(MAX_PART + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            pkg.skipped.append((SkipReason.CORRUPT, f"office part {part}: {exc}"))
            continue
        except NotImplementedError as exc:
            pkg.skipped.append((SkipReason.UNSUPPORTED, f"office part {part}: {exc}"))
            continue
        pkg.read_total += len(data)
        yield part, data


# -- Word ------------------------------------------------------------------------------------
_W_BREAKS = frozenset({"br", "cr"})


def _w_text(el: Element) -> str:
    """The text of a Word paragraph or run (tabs and breaks as spaces and lines)."""
    out: list[str] = []
    for node in el.iter():
        tag = _local(node.tag)
        if tag in ("t", "instrText") and node.text:
            out.append(node.text)
        elif tag == "tab":
            out.append("\t")
        elif tag in _W_BREAKS:
            out.append("\n")
    return "".join(out)


def _w_lines(el: Element) -> Iterator[str]:
    """Lines of a Word body, header, comment ...: a paragraph a line, a table row a line."""
    for child in el:
        tag = _local(child.tag)
        if tag == "p":
            yield _w_text(child)
        elif tag == "tbl":
            for tr in child.iter():
                if _local(tr.tag) == "tr":
                    cells = [
                        " ".join(_w_text(p) for p in tc.iter() if _local(p.tag) == "p").strip()
                        for tc in tr
                        if _local(tc.tag) == "tc"
                    ]
                    yield CELL_SEP.join(cells)
        else:
            yield from _w_lines(child)  # sdt, sdtContent, body, comment, hdr ...


def _docx(pkg: _Package) -> Iterator[Segment]:
    order = ["word/document.xml"]
    extra = sorted(
        n
        for n in pkg.names
        if n.startswith("word/")
        and n.count("/") == 1
        and n.endswith(".xml")
        and n.split("/")[1].startswith(("header", "footer", "footnotes", "endnotes", "comments"))
    )
    for part in order + extra:
        root = pkg.xml(part)
        if root is None:
            continue
        member = "" if part == "word/document.xml" else part[len("word/") : -len(".xml")]
        yield Segment(clean("\n".join(_w_lines(root))), member=member)


# -- Excel -----------------------------------------------------------------------------------
def _col(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n


def _x_text(el: Element) -> str:
    return "".join(t.text or "" for t in el.iter() if _local(t.tag) == "t")


def _xlsx(pkg: _Package) -> Iterator[Segment]:
    wb = pkg.xml("xl/workbook.xml")
    if wb is None:
        return
    rels = pkg.rels("xl/workbook.xml")
    shared: list[str] = []
    sst = pkg.xml("xl/sharedStrings.xml")
    if sst is not None:
        shared = [_x_text(si) for si in sst if _local(si.tag) == "si"]
    for sheet in wb.iter():
        if _local(sheet.tag) != "sheet":
            continue
        title = sheet.get("name") or ""
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
        part = rels.get(rid, "")
        root = pkg.xml(part) if part else None
        if root is None:
            continue
        yield Segment(clean("\n".join(_x_rows(root, shared))), member=title)
        for target in pkg.rels(part).values():
            if posixpath.basename(target).startswith("comments"):
                comments = pkg.xml(target)
                if comments is not None:
                    lines = [_x_text(c) for c in comments.iter() if _local(c.tag) == "comment"]
                    yield Segment(clean("\n".join(lines)), member=f"{title} (comments)")


def _x_rows(root: Element, shared: list[str]) -> Iterator[str]:
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    c_tag, v_tag, t_tag = ns + "c", ns + "v", ns + "t"
    line = 0
    for row in root.iter(ns + "row"):
        r = row.get("r")
        if r and r.isdigit():
            gap = int(r) - 1 - line
            if 0 < gap <= MAX_ROW_GAP:
                yield from [""] * gap
                line += gap
        cells: list[str] = []
        for c in row:
            if c.tag != c_tag:
                continue
            col = _col(c.get("r", ""))  # empty cells are not written: keep their place
            if len(cells) + 1 < col <= len(cells) + 1 + MAX_COL_GAP:
                cells.extend([""] * (col - 1 - len(cells)))
            kind = c.get("t", "n")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(t_tag))
            else:
                v_el = c.find(v_tag)
                v = (v_el.text or "") if v_el is not None else ""
                if kind == "s":
                    value = shared[int(v)] if v.isdigit() and int(v) < len(shared) else ""
                else:
                    value = v
            cells.append(value.replace("\n", " "))
        while cells and not cells[-1]:
            cells.pop()
        line += 1
        yield CELL_SEP.join(cells)


# -- PowerPoint ------------------------------------------------------------------------------
def _a_lines(el: Element) -> Iterator[str]:
    """DrawingML text: a paragraph a line, a table row a line."""
    for child in el:
        tag = _local(child.tag)
        if tag == "p":
            yield "".join(
                (n.text or "") if _local(n.tag) == "t" else "\n"
                for n in child.iter()
                if _local(n.tag) in ("t", "br")
            )
        elif tag == "tbl":
            for tr in child:
                if _local(tr.tag) == "tr":
                    yield CELL_SEP.join(
                        " ".join(_a_lines(tc)).strip() for tc in tr if _local(tc.tag) == "tc"
                    )
        else:
            yield from _a_lines(child)


def _pptx(pkg: _Package) -> Iterator[Segment]:
    pres = pkg.xml("ppt/presentation.xml")
    if pres is None:
        return
    rels = pkg.rels("ppt/presentation.xml")
    slides = [
        rels.get(next((v for k, v in s.attrib.items() if _local(k) == "id" and "}" in k), ""), "")
        for s in pres.iter()
        if _local(s.tag) == "sldId"
    ]
    for n, part in enumerate(slides, 1):
        root = pkg.xml(part) if part else None
        if root is None:
            continue
        yield Segment(clean("\n".join(_a_lines(root))), page=n)
        for target in pkg.rels(part).values():
            if "notesSlide" in target:
                notes = pkg.xml(target)
                if notes is not None:
                    yield Segment(clean("\n".join(_a_lines(notes))), page=n, member="notes")
    for part in sorted(
        n for n in pkg.names if n.startswith("ppt/comments/") and n.endswith(".xml")
    ):
        root = pkg.xml(part)
        if root is not None:
            lines = [_p_comment(c) for c in root.iter() if _local(c.tag) in ("cm", "comment")]
            yield Segment(clean("\n".join(lines)), member="comments")


def _p_comment(cm: Element) -> str:
    """A PowerPoint comment: legacy ``p:cm/p:text`` or modern ``a:t`` runs."""
    legacy = [t.text or "" for t in cm if _local(t.tag) == "text"]
    return " ".join(legacy) if legacy else _x_text(cm)


# -- OpenDocument ----------------------------------------------------------------------------
def _o_text(el: Element, notes: list[str]) -> str:
    """The text of an ODF paragraph; annotations (comments) go to ``notes``."""
    out: list[str] = [el.text or ""]
    for child in el:
        tag = _local(child.tag)
        if tag == "annotation":
            notes.extend(_o_lines(child))
        elif tag == "s":
            count = child.get(_TEXT_C, "1")
            out.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        elif tag not in ("note-citation", "bookmark", "bookmark-start", "bookmark-end"):
            out.append(_o_text(child, notes))
        out.append(child.tail or "")
    return "".join(out)


_TEXT_C = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c"


def _o_lines(el: Element) -> Iterator[str]:
    for child in el:
        tag = _local(child.tag)
        if tag in ("p", "h"):
            notes: list[str] = []
            yield _o_text(child, notes)
            yield from notes
        elif tag == "table-row":
            cells = []
            for cell in child:
                if _local(cell.tag) in ("table-cell", "covered-table-cell"):
                    cells.append(" ".join(_o_lines(cell)).strip())
            while cells and not cells[-1]:
                cells.pop()
            yield CELL_SEP.join(cells)
        else:
            yield from _o_lines(child)


def _odf(pkg: _Package) -> Iterator[Segment]:
    content = pkg.xml("content.xml")
    if content is not None:
        body = next((e for e in content.iter() if _local(e.tag) == "body"), None)
        kind = next(iter(body), None) if body is not None else None
        kind_tag = _local(kind.tag) if kind is not None else ""
        if kind is not None and kind_tag == "spreadsheet":
            for table in kind:
                if _local(table.tag) == "table":
                    yield Segment(clean("\n".join(_o_lines(table))), member=_o_name(table))
        elif kind is not None and kind_tag == "presentation":
            n = 0
            for page in kind:
                if _local(page.tag) != "page":
                    continue
                n += 1
                notes = [c for c in page if _local(c.tag) == "notes"]
                for c in notes:
                    page.remove(c)
                yield Segment(clean("\n".join(_o_lines(page))), page=n)
                for c in notes:
                    yield Segment(clean("\n".join(_o_lines(c))), page=n, member="notes")
        elif body is not None:
            yield Segment(clean("\n".join(_o_lines(body))))
    styles = pkg.xml("styles.xml")  # headers and footers of master pages
    if styles is not None:
        masters = [e for e in styles.iter() if _local(e.tag) == "master-styles"]
        lines = [line for m in masters for line in _o_lines(m)]
        yield Segment(clean("\n".join(lines)), member="headers and footers")


def _o_name(table: Element) -> str:
    return next((v for k, v in table.attrib.items() if _local(k) == "name"), "")
