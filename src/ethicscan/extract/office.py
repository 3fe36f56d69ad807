"""The text of office documents: Word, Excel and PowerPoint (OOXML) and
OpenDocument text, spreadsheets and presentations.

The zip is read with :mod:`zipfile` in memory and each XML part as a stream of
parser events, through defusedxml when it declares a document type (no entity
expansion, no external references, no network): memory holds the elements open
at the moment, not the part's tree, and the text kept from one document is
bounded (:class:`_Package`).  The main part is the one the package's relationships
name.  What is read:

* paragraphs, one line each; a table row is one line with its cells joined by
  `` | `` so a header row reads like a list of field names;
* DOCX/ODT: body, headers and footers, footnotes, endnotes and comments;
* XLSX/ODS: every sheet, one row a line (``member`` = the sheet name, the line
  within the sheet = the row number while rows are dense), and cell comments;
* PPTX/ODP: every slide (``page`` = the slide number) and its speaker notes
  (``member`` = ``notes``).

The text of charts, SmartArt diagrams and a workbook's drawings is read too; what
is not read (OLE objects, ActiveX controls, tracked deletions) is listed as
``unsupported``, never passed over.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import xml.etree.ElementTree as ET
import zipfile
import zlib
from array import array
from collections.abc import Generator, Iterable, Iterator
from typing import IO, cast

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ethicscan.extract import zipdir
from ethicscan.extract.common import Once, clean
from ethicscan.extract.formats import OFFICE_SUFFIXES
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason
from ethicscan.names import suffix

MAX_PART = 64 * 1024 * 1024  # uncompressed bytes of one XML part
MAX_TOTAL = 256 * 1024 * 1024  # uncompressed bytes of all parts read from one document
MAX_RATIO = 200.0  # expanded / compressed, per part above 1 MB
MAX_PARTS = 10_000  # zip entries of one document (a large workbook has a few thousand)
MAX_ELEMENTS = 200_000  # elements of a part read as a tree (sheets and text are streamed)
MAX_CHARS = 16 * 1024 * 1024  # characters of text kept from one document
MAX_NESTING = 256  # elements open at once (office XML nests a few dozen deep)
MAX_ROW_GAP = 1000  # empty rows padded so lines keep row numbers; larger gaps are closed
MAX_COL_GAP = 100  # empty cells padded so a row's cells keep their columns
MAX_COLUMN = 16384  # Excel's last column (XFD): no padding beyond it
CELL_SEP = " | "
CHUNK = 64 * 1024  # bytes of XML fed to the parser at a time

Element = ET.Element


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """The tag without its namespace (remembered: a part repeats a few tags)."""
    got = _LOCAL.get(tag)
    if got is None:
        got = tag.rsplit("}", 1)[-1]
        if len(_LOCAL) < 4096:
            _LOCAL[tag] = got
    return got


_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _pull_parser(doctype: bool) -> ET.XMLPullParser[Element]:
    """A parser of XML events.  Entity expansion and external references need a
    document type declaration; a part with one goes through defusedxml's parser,
    which refuses entity declarations and external references.  Office parts have
    none and go through the C parser of the standard library, about twice as fast
    (it resolves nothing external either)."""
    if doctype:
        return ET.XMLPullParser(
            ("start", "end"), _parser=SafeET.DefusedXMLParser(target=ET.TreeBuilder())
        )
    return ET.XMLPullParser(("start", "end"))


class _TooMany(Exception):
    pass


class _TooDeep(Exception):
    pass


_PART_ERRORS: tuple[type[Exception], ...] = (
    ET.ParseError,
    LookupError,  # an unknown encoding in the XML declaration
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
)


class _Package:
    """The parts of one zipped document, read within bounds: each part's size and
    ratio, the bytes of all parts, the characters of text kept (:data:`MAX_CHARS`),
    and, for the parts read as a tree, their elements (:data:`MAX_ELEMENTS`).  Long
    texts that come back (a shared string in many cells) are written in full once
    (:class:`common.Once`)."""

    def __init__(self, data: bytes) -> None:
        self.skipped: list[tuple[SkipReason, str]] = []
        f: IO[bytes] = io.BytesIO(data)
        listed = zipdir.listing(f, MAX_PARTS)
        if listed is not None and listed.count > MAX_PARTS:
            # zipfile would make an object of every entry first: show it the first ones
            f = cast(IO[bytes], zipdir.Cut(f, listed, MAX_PARTS))
            self.skipped.append(
                (
                    SkipReason.LIMIT,
                    f"office document: lists more than {MAX_PARTS} parts; the rest not read",
                )
            )
        try:
            self.zf = zipfile.ZipFile(f)
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            raise ExtractError(SkipReason.CORRUPT, f"office document: {exc}") from None
        except NotImplementedError as exc:  # a zip version or feature zipfile lacks
            raise ExtractError(SkipReason.UNSUPPORTED, f"office document: {exc}") from None
        self.names = {i.filename: i for i in self.zf.infolist()}
        self.read_total = 0
        self.chars = 0  # characters of text kept so far
        self.full = False  # the text limit was reached
        self.once = Once()
        self.read: set[str] = set()  # the parts read (or tried)
        self.shared: _Shared | None = None  # a workbook's shared strings, once read

    def has(self, name: str) -> bool:
        return name in self.names

    def _part(self, name: str) -> zipfile.ZipInfo | None:
        info = self.names.get(name)
        if info is None:
            return None
        self.read.add(name)
        if info.flag_bits & 0x1:
            self.skipped.append((SkipReason.ENCRYPTED, f"office part {name}: encrypted"))
            return None
        if self.full:
            self.skipped.append(
                (
                    SkipReason.LIMIT,
                    f"office part {name}: not read (the document's text passed "
                    f"{MAX_CHARS} characters)",
                )
            )
            return None
        if not self.within_bounds(name, info):
            return None
        return info

    def events(
        self, name: str, tree: bool = False, keep: frozenset[str] = frozenset()
    ) -> Generator[tuple[str, Element], None, None]:
        """The part as a stream of ``("start" | "end", element)`` events.  Elements
        that have ended are dropped from the tree (unless ``tree``) a few dozen at a
        time, so memory holds the open elements and little more; ``tree`` keeps them,
        up to :data:`MAX_ELEMENTS`.  An element whose tag (without namespace) is in
        ``keep`` keeps its subtree, up to :data:`MAX_ELEMENTS` elements, until it
        ends.  A part that cannot be read ends its stream with a skipped entry (what
        was read before stays read)."""
        info = self._part(name)
        if info is None:
            return
        stack: list[Element] = []
        count = 0
        kept = -1  # where in the stack an element whose subtree is kept is, or -1
        try:
            with self.zf.open(info) as f:
                parser = _pull_parser(False)
                prolog: list[bytes] | None = []  # bytes before the root element
                tail = b""
                while True:
                    chunk = f.read(CHUNK)
                    self.read_total += len(chunk)
                    if chunk and prolog is not None:
                        # A document type declaration can only come before the root.
                        prolog.append(chunk)
                        if any(d in tail + chunk for d in _DOCTYPE):
                            parser = _pull_parser(True)
                            parser.feed(b"".join(prolog))
                            prolog = None
                        else:
                            parser.feed(chunk)
                            tail = chunk[-32:]
                    elif chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                    for event, el in cast(Iterator[tuple[str, Element]], parser.read_events()):
                        if event == "start":
                            if prolog is not None:
                                prolog = None
                            if kept < 0 and keep and _local(el.tag) in keep:
                                kept, count = len(stack), 0
                            if tree or kept >= 0:
                                count += 1
                                if count > MAX_ELEMENTS:
                                    raise _TooMany
                            stack.append(el)
                            if len(stack) > MAX_NESTING:
                                raise _TooDeep
                            yield "start", el
                        else:
                            stack.pop()
                            yield "end", el
                            if kept == len(stack):
                                kept = -1
                            # Every child of the parent has ended now: none is needed.
                            if not tree and kept < 0 and stack and len(stack[-1]) > 64:
                                del stack[-1][:]
                    if not chunk:
                        return
        except _TooDeep:
            self.skipped.append(
                (
                    SkipReason.LIMIT,
                    f"office part {name}: elements nested more than {MAX_NESTING} deep not read",
                )
            )
        except _TooMany:
            self.skipped.append(
                (
                    SkipReason.LIMIT,
                    f"office part {name}: more than {MAX_ELEMENTS} elements not read",
                )
            )
        except DefusedXmlException as exc:
            self.skipped.append((SkipReason.CORRUPT, f"office part {name}: refused: {exc!r}"))
        except _PART_ERRORS as exc:
            self.skipped.append((SkipReason.CORRUPT, f"office part {name}: {exc}"))
        except NotImplementedError as exc:
            self.skipped.append((SkipReason.UNSUPPORTED, f"office part {name}: {exc}"))

    def xml(self, name: str) -> Element | None:
        """The parsed part (at most :data:`MAX_ELEMENTS` elements), or None (and a
        skipped entry) when it cannot be read."""
        root: Element | None = None
        failed = len(self.skipped)
        for event, el in self.events(name, tree=True):
            if root is None and event == "start":
                root = el
        return root if len(self.skipped) == failed else None

    def text(self, lines: Iterable[str], name: str) -> str:
        """The lines of a part as one text, counted against :data:`MAX_CHARS`; the
        first line that would pass it ends the part (and the document's text) with a
        ``limit`` entry."""
        out: list[str] = []
        if self.full:
            return ""
        for line in lines:
            if self.chars + len(line) + 1 > MAX_CHARS:
                self.full = True
                self.skipped.append(
                    (
                        SkipReason.LIMIT,
                        f"office part {name}: text after line {len(out)} not read (the "
                        f"document's text passed {MAX_CHARS} characters)",
                    )
                )
                break
            self.chars += len(line) + 1
            out.append(line)
        return clean("\n".join(out))

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

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (target part name, type), for ``part``."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root:
            rid, target = rel.get("Id"), rel.get("Target")
            if not rid or not target or rel.get("TargetMode") == "External":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if target.startswith("/"):
                out[rid] = (target.lstrip("/"), kind)
            else:
                out[rid] = (posixpath.normpath(posixpath.join(folder, target)), kind)
        return out


# Main parts by the kind of document their content type names.
_MAIN_KINDS = (
    ("wordprocessingml", "word"),
    ("ms-word", "word"),
    ("spreadsheetml", "excel"),
    ("ms-excel", "excel"),
    ("presentationml", "powerpoint"),
    ("ms-powerpoint", "powerpoint"),
)
_WELL_KNOWN = {
    "word/document.xml": "word",
    "xl/workbook.xml": "excel",
    "ppt/presentation.xml": "powerpoint",
}


def _main_parts(pkg: _Package) -> list[tuple[str, str]]:
    """(part, kind) of the document's main parts: the one its package relationships
    name (``_rels/.rels``, type ``officeDocument``; its kind from
    ``[Content_Types].xml``, else its folder), and any well-known main part besides
    (a document whose relationships name another part may hold a decoy)."""
    out: list[tuple[str, str]] = []
    types: dict[str, str] = {}
    if pkg.has("[Content_Types].xml"):
        ct = pkg.xml("[Content_Types].xml")
        for el in ct if ct is not None else ():
            name, kind = el.get("PartName"), el.get("ContentType")
            if name and kind and _local(el.tag) == "Override":
                types[name.lstrip("/")] = kind
    if pkg.has("_rels/.rels"):
        for target, rel in pkg.rels("").values():
            if rel != "officeDocument" or not pkg.has(target):
                continue
            kind = next((k for word, k in _MAIN_KINDS if word in types.get(target, "")), "")
            kind = kind or _FOLDER_KINDS.get(target.split("/")[0], "")
            if kind:
                out.append((target, kind))
    for part, kind in _WELL_KNOWN.items():
        if pkg.has(part) and part not in {p for p, _ in out}:
            out.append((part, kind))
    return out


_FOLDER_KINDS = {"word": "word", "xl": "excel", "ppt": "powerpoint"}


def extract_office(data: bytes, name: str) -> Extracted:
    pkg = _Package(data)
    with pkg.zf:
        mains = _main_parts(pkg)
        segments: list[Segment] = []
        if mains:
            for part, kind in mains:
                if kind == "word":
                    segments += _docx(pkg, part)
                elif kind == "excel":
                    segments += _xlsx(pkg, part)
                else:
                    segments += _pptx(pkg, part)
        elif pkg.has("content.xml"):
            segments = list(_odf(pkg))
        else:
            raise ExtractError(
                SkipReason.UNSUPPORTED,
                f"office document ({suffix(name) or 'zip'}) without a known main part",
            )
        segments += _figures(pkg)
        segments += _unlisted(pkg)
        members = tuple(_embedded(pkg))
        _not_read(pkg)
    kept = tuple(s for s in segments if s.text.strip())
    return Extracted(kept, kind=TextKind.PROSE, skipped=tuple(pkg.skipped), members=members)


_EMBEDDED = OFFICE_SUFFIXES | {".pdf"}


def _embedded(pkg: _Package) -> Iterator[tuple[str, bytes]]:
    """Documents embedded in a document (a workbook behind a chart or pasted into a
    report, a PDF): explored in turn as ``report.docx!word/embeddings/x.xlsx``.
    Other embedded objects (OLE ``.bin``) are listed by :func:`_not_read`."""
    for part, info in pkg.names.items():
        if "/embeddings/" not in part or suffix(part) not in _EMBEDDED or info.is_dir():
            continue
        pkg.read.add(part)
        if info.flag_bits & 0x1:
            pkg.skipped.append((SkipReason.ENCRYPTED, f"office part {part}: encrypted"))
            continue
        if not pkg.within_bounds(part, info):
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


def _figures(pkg: _Package) -> Iterator[Segment]:
    """The text of charts (titles, labels, series and category names), SmartArt
    diagrams and a workbook's drawings (text boxes, shapes), each a segment whose
    ``member`` names the part (``charts/chart1``)."""
    if pkg.full:
        return
    for part in sorted(pkg.names):
        folder, base = posixpath.split(part)
        folder = posixpath.basename(folder)
        if part in pkg.read or not base.endswith(".xml"):
            continue
        if folder == "charts" and base.startswith("chart"):
            lines = _chart_lines(pkg.events(part))
        elif (folder, base[:4]) in (("diagrams", "data"), ("drawings", "draw")):
            lines = _flow_lines(pkg.events(part), _A_TEXT, _NO_TAB, _A_BREAKS)
        else:
            continue
        yield Segment(pkg.text(lines, part), member=f"{folder}/{base[:-4]}")


_WORD_ROOTS = frozenset(
    {"document", "glossaryDocument", "hdr", "ftr", "footnotes", "endnotes", "comments"}
)


def _unlisted(pkg: _Package) -> Iterator[Segment]:
    """Word documents, headers, comments, sheets, slides and notes that nothing names
    (no relationship leads to them: Word, Excel and PowerPoint never show them), read
    all the same, each a segment whose ``member`` is the part's name.  A part is known
    by its root element; other parts (styles, settings, themes) are left alone."""
    if pkg.full:
        return  # (the document's text passed its limit: that is said once)
    for part in sorted(pkg.names):
        if part in pkg.read or not part.endswith(".xml") or part.startswith("customXml/"):
            continue
        events = pkg.events(part)
        first = next(events, None)
        if first is None:
            continue
        root = _local(first[1].tag)
        stream = itertools.chain([first], events)
        if root in _WORD_ROOTS:
            lines = _flow_lines(stream, _W_TEXT, _TAB, _W_BREAKS)
        elif root in ("sld", "notes"):
            lines = _flow_lines(stream, _A_TEXT, _NO_TAB, _A_BREAKS)
        elif root == "worksheet":
            lines = _x_rows(stream, pkg.shared or _Shared(), pkg.once)
        else:
            events.close()
            continue
        yield Segment(pkg.text(lines, part), member=part)


def _chart_lines(events: Iterable[tuple[str, Element]]) -> Iterator[str]:
    """A chart's rich text (titles, labels), a line a paragraph, and the strings its
    series and categories cache (``c:strCache``), a line each; numbers are left."""
    strings = 0  # open c:strCache elements
    para: _Line | None = None
    for event, el in events:
        tag = _local(el.tag)
        if event == "start":
            if tag == "strCache":
                strings += 1
            elif tag == "p" and para is None:
                para = _Line()
            continue
        if tag == "strCache":
            strings -= 1
        elif tag == "t" and para is not None:
            if el.text:
                para.add(el.text)
        elif tag == "p" and para is not None:
            yield para.take()
            para = None
        elif tag == "v" and strings and el.text:
            yield el.text


def _not_read(pkg: _Package) -> None:
    """One ``unsupported`` entry per part that holds what ethicscan does not read
    (embedded OLE objects, ActiveX controls): listed, never ignored."""
    for part, info in pkg.names.items():
        if part in pkg.read or info.is_dir():
            continue
        if "/embeddings/" in part and not part.endswith(".rels"):
            why = "embedded object (OLE) not read"
        elif "/activeX/" in part and part.endswith(".bin"):
            why = "ActiveX control not read"
        else:
            continue
        pkg.skipped.append((SkipReason.UNSUPPORTED, f"office part {part}: {why}"))


# -- Word and DrawingML text, as a stream ----------------------------------------------------
_W_TEXT = frozenset({"t", "instrText"})
_W_BREAKS = frozenset({"br", "cr"})
_A_TEXT = frozenset({"t"})
_A_BREAKS = frozenset({"br"})
_NO_TAB: frozenset[str] = frozenset()
_TAB = frozenset({"tab"})


class _Line:
    """The text of one paragraph, cell or row as it is read, at most :data:`MAX_CHARS`:
    every 1,024 pieces are joined into a chunk (a paragraph of a million runs is not a
    million strings, and no piece is copied more than twice)."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.parts: list[str] = []
        self.size = 0

    def __bool__(self) -> bool:
        return self.size > 0 or bool(self.parts)

    def add(self, text: str) -> None:
        if self.size > MAX_CHARS:
            return
        self.parts.append(text)
        self.size += len(text)
        if len(self.parts) >= 1024:
            self.chunks.append("".join(self.parts))
            self.parts = []

    def take(self) -> str:
        out = "".join([*self.chunks, *self.parts])
        self.chunks, self.parts, self.size = [], [], 0
        return out


def _flow_lines(
    events: Iterable[tuple[str, Element]],
    text_tags: frozenset[str],
    tab_tags: frozenset[str],
    break_tags: frozenset[str],
    counts: dict[str, int] | None = None,
) -> Iterator[str]:
    """Word or DrawingML text read as a stream: a paragraph a line (a text box's
    paragraphs inside it are part of it), a table row a line with its cells joined by
    `` | `` (a cell's paragraphs, and a table inside it, joined by spaces).  Tracked
    deletions are counted in ``counts["deleted"]``."""
    para = 0  # open paragraphs
    tables = 0  # open tables
    line = _Line()
    row: _Line | None = None
    cell: _Line | None = None
    cells = 0
    for event, el in events:
        tag = _local(el.tag)
        if event == "start":
            if tag == "p":
                para += 1
            elif para:
                continue
            elif tag == "tbl":
                tables += 1
            elif tables == 1 and tag == "tr":
                row, cells = _Line(), 0
            elif tables == 1 and tag == "tc":
                cell = _Line()
            continue
        if para:
            if tag in text_tags:
                if el.text:
                    line.add(el.text)
            elif tag in tab_tags:
                line.add("\t")
            elif tag in break_tags:
                line.add("\n")
            elif tag == "delText" and counts is not None:
                counts["deleted"] = counts.get("deleted", 0) + 1
            elif tag == "p":
                para -= 1
                if not para:
                    text = line.take()
                    if tables and cell is not None:
                        cell.add(f" {text}" if cell else text)
                    else:
                        yield text
            continue
        if tag == "tbl":
            tables = max(0, tables - 1)
        elif tables == 1 and tag == "tc" and row is not None and cell is not None:
            row.add((CELL_SEP if cells else "") + cell.take().strip())
            cells += 1
            cell = None
        elif tables == 1 and tag == "tr" and row is not None:
            yield row.take()
            row = None


def _docx(pkg: _Package, main: str) -> Iterator[Segment]:
    folder = posixpath.dirname(main)
    related = sorted(
        {
            target
            for target, kind in pkg.rels(main).values()
            if kind in ("header", "footer", "footnotes", "endnotes", "comments")
        }
    )
    named = sorted(
        n
        for n in pkg.names
        if posixpath.dirname(n) == folder
        and n.endswith(".xml")
        and posixpath.basename(n).startswith(
            ("header", "footer", "footnotes", "endnotes", "comments")
        )
    )
    parts = [main] + [p for p in dict.fromkeys(related + named) if p != main]
    for part in parts:
        if part in pkg.read and part != main:
            continue
        counts: dict[str, int] = {}
        lines = _flow_lines(pkg.events(part), _W_TEXT, _TAB, _W_BREAKS, counts)
        member = "" if part == main else posixpath.splitext(posixpath.basename(part))[0]
        yield Segment(pkg.text(lines, part), member=member)
        if counts.get("deleted"):
            pkg.skipped.append(
                (
                    SkipReason.UNSUPPORTED,
                    f"office part {part}: {counts['deleted']} tracked deletions not read "
                    "(deleted text)",
                )
            )


# -- Excel -----------------------------------------------------------------------------------
def _col(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
            if n > MAX_COLUMN:
                return 0
        else:
            break
    return n


def _x_text(el: Element) -> str:
    return "".join(t.text or "" for t in el.iter() if _local(t.tag) == "t")


class _Shared:
    """A workbook's shared strings, kept compact: a few thousand at a time joined into
    one string with an array of where each ends (a table of millions of one-letter
    strings is not millions of objects), and no more than :data:`MAX_CHARS`
    characters in all."""

    STEP = 4096

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.ends: list[array[int]] = []
        self.pending: list[str] = []
        self.count = 0
        self.chars = 0

    def add(self, text: str) -> bool:
        """Keep ``text``; False (and nothing kept) once the table passes its limit."""
        if self.chars + len(text) > MAX_CHARS:
            return False
        self.chars += len(text)
        self.pending.append(text)
        self.count += 1
        if len(self.pending) == self.STEP:
            self.ends.append(array("I", itertools.accumulate(map(len, self.pending))))
            self.chunks.append("".join(self.pending))
            self.pending = []
        return True

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> str:
        chunk, k = divmod(i, self.STEP)
        if chunk >= len(self.chunks):
            return self.pending[k]
        ends = self.ends[chunk]
        return self.chunks[chunk][ends[k - 1] if k else 0 : ends[k]]


def _shared_strings(pkg: _Package, part: str) -> _Shared:
    """The shared strings, read as a stream (a string's runs joined)."""
    out = _Shared()
    cur: _Line | None = None
    for event, el in pkg.events(part):
        tag = _local(el.tag)
        if tag == "si":
            if event == "start":
                cur = _Line()
            elif cur is not None:
                if not out.add(cur.take()):
                    pkg.skipped.append(
                        (
                            SkipReason.LIMIT,
                            f"office part {part}: shared strings after the first {len(out)} "
                            f"not read (more than {MAX_CHARS} characters)",
                        )
                    )
                    break
                cur = None
        elif event == "end" and tag == "t" and cur is not None and el.text:
            cur.add(el.text)
    return out


def _xlsx(pkg: _Package, main: str) -> Iterator[Segment]:
    rels = pkg.rels(main)
    shared = _Shared()
    for target, kind in rels.values():
        if kind == "sharedStrings":
            shared = _shared_strings(pkg, target)
            break
    else:
        fallback = posixpath.join(posixpath.dirname(main), "sharedStrings.xml")
        if pkg.has(fallback):
            shared = _shared_strings(pkg, fallback)
    pkg.shared = shared
    sheets: list[tuple[str, str]] = []  # (title, part)
    for event, el in pkg.events(main):
        if event == "start" and _local(el.tag) == "sheet":
            title = el.get("name") or ""
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            sheets.append((title, rels.get(rid, ("", ""))[0]))
    for title, part in sheets:
        if not part or not pkg.has(part):
            continue
        yield Segment(pkg.text(_x_rows(pkg.events(part), shared, pkg.once), part), member=title)
        for target, _ in pkg.rels(part).values():
            if posixpath.basename(target).startswith("comments"):
                comments = pkg.xml(target)
                if comments is not None:
                    lines = [_x_text(c) for c in comments.iter() if _local(c.tag) == "comment"]
                    yield Segment(pkg.text(lines, target), member=f"{title} (comments)")


def _x_rows(events: Iterable[tuple[str, Element]], shared: _Shared, once: Once) -> Iterator[str]:
    """The rows of a sheet read as a stream, one line each; empty rows (up to
    :data:`MAX_ROW_GAP`) and empty cells (up to :data:`MAX_COL_GAP` at a time, within
    :data:`MAX_COLUMN`) are padded so lines keep row numbers and cells their columns;
    a long shared string is written in full once."""
    line = 0
    row = _Line()
    cells = 0  # cells written in this row (empty ones not yet written: ``pending``)
    pending = 0
    kind, col = "n", 0
    value: _Line | None = None  # the text of the cell being read
    ns = ""
    row_tag = c_tag = v_tag = t_tag = ""
    for event, el in events:
        tag = el.tag
        if not row_tag:  # the root: its namespace is the sheet's
            ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
            row_tag, c_tag, v_tag, t_tag = ns + "row", ns + "c", ns + "v", ns + "t"
        if event == "start":
            if tag == c_tag:
                kind = el.get("t", "n")
                col = _col(el.get("r", ""))  # empty cells are not written: keep their place
                value = _Line()
            elif tag == row_tag:
                r = el.get("r")
                if r and r.isdigit() and len(r) < 10:
                    gap = int(r) - 1 - line
                    if 0 < gap <= MAX_ROW_GAP:
                        for _ in range(gap):
                            yield ""
                        line += gap
                row, cells, pending = _Line(), 0, 0
            continue
        if value is not None and tag in (v_tag, t_tag):
            if el.text and (tag == v_tag or kind == "inlineStr"):
                value.add(el.text)
        elif tag == c_tag and value is not None:
            v = value.take()
            value = None
            if kind == "s":
                ok = v.isdigit() and len(v) < 10 and int(v) < len(shared)
                v = once(shared[int(v)]) if ok else ""
            elif kind == "inlineStr":
                v = once(v)
            at = cells + pending
            if at + 1 < col <= at + 1 + MAX_COL_GAP:
                pending += col - 1 - at
            if not v:
                pending += 1
                continue
            seps = pending + (1 if cells else 0)
            row.add(CELL_SEP * seps + v.replace("\n", " ") if seps else v.replace("\n", " "))
            cells += pending + 1
            pending = 0
        elif tag == row_tag:
            line += 1
            yield row.take()


# -- PowerPoint ------------------------------------------------------------------------------
def _pptx(pkg: _Package, main: str) -> Iterator[Segment]:
    rels = pkg.rels(main)
    slides: list[str] = []
    for event, el in pkg.events(main):
        if event == "start" and _local(el.tag) == "sldId":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id" and "}" in k), "")
            slides.append(rels.get(rid, ("", ""))[0])
    for n, part in enumerate(slides, 1):
        if not part or not pkg.has(part):
            continue
        lines = _flow_lines(pkg.events(part), _A_TEXT, _NO_TAB, _A_BREAKS)
        yield Segment(pkg.text(lines, part), page=n)
        for target, kind in pkg.rels(part).values():
            if kind == "notesSlide" or "notesSlide" in target:
                notes = _flow_lines(pkg.events(target), _A_TEXT, _NO_TAB, _A_BREAKS)
                yield Segment(pkg.text(notes, target), page=n, member="notes")
    folder = posixpath.dirname(main)
    for part in sorted(
        n for n in pkg.names if n.startswith(f"{folder}/comments/") and n.endswith(".xml")
    ):
        root = pkg.xml(part)
        if root is not None:
            said = [_p_comment(c) for c in root.iter() if _local(c.tag) in ("cm", "comment")]
            yield Segment(pkg.text(said, part), member="comments")


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
            out.append(" " * (min(int(count), 100) if count.isdigit() and len(count) < 4 else 1))
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


_O_UNITS = frozenset({"p", "h", "table-row"})
_O_KINDS = frozenset({"text", "spreadsheet", "presentation"})


def _o_unit(el: Element) -> Iterator[str]:
    """The lines of one paragraph, heading or table row (and its annotations)."""
    if _local(el.tag) == "table-row":
        cells = []
        for cell in el:
            if _local(cell.tag) in ("table-cell", "covered-table-cell"):
                cells.append(" ".join(_o_lines(cell)).strip())
        while cells and not cells[-1]:
            cells.pop()
        yield CELL_SEP.join(cells)
        return
    notes: list[str] = []
    yield _o_text(el, notes)
    yield from notes


def _o_content(
    pkg: _Package, part: str = "content.xml"
) -> Iterator[tuple[tuple[int, str, int | None], str]]:
    """The lines of ``content.xml`` (or of an embedded object's ``part``) read as a
    stream, each with the segment it goes to:
    (a number that changes with the segment, member, page).  Each paragraph, heading
    and table row is read whole when it ends, the rest of the tree is dropped."""
    kind = ""
    tables = pages = notes = 0
    member, page = "", None
    unit: Element | None = None
    for event, el in pkg.events(part, keep=_O_UNITS):
        if unit is not None:
            if event == "end" and el is unit:
                unit = None
                group = tables if kind == "spreadsheet" else 2 * pages + (notes > 0)
                for line in _o_unit(el):
                    yield (group, "notes" if notes else member, page), line
            continue
        tag = _local(el.tag)
        if event == "start":
            if tag in _O_UNITS:
                unit = el
            elif not kind and tag in _O_KINDS:
                kind = tag
            elif tag == "table" and kind == "spreadsheet":
                tables += 1
                member = _o_name(el)
            elif tag == "page" and kind == "presentation":
                pages += 1
                page = pages
            elif tag == "notes":
                notes += 1
        elif tag == "notes":
            notes -= 1


def _odf(pkg: _Package) -> Iterator[Segment]:
    # The document, then the objects embedded in it (charts, formulas, other documents:
    # "Object 1/content.xml"), each its own member.
    objects = sorted(n for n in pkg.names if n.endswith("/content.xml"))
    for part in ["content.xml", *objects]:
        folder = posixpath.dirname(part)
        for (_, member, page), lines in itertools.groupby(
            _o_content(pkg, part), key=lambda kv: kv[0]
        ):
            if pkg.full:
                return
            if folder:
                member = f"{folder}: {member}" if member else folder
            yield Segment(pkg.text((line for _, line in lines), part), page, None, member)
    styles = pkg.xml("styles.xml")  # headers and footers of master pages
    if styles is not None:
        masters = [e for e in styles.iter() if _local(e.tag) == "master-styles"]
        text = pkg.text((line for m in masters for line in _o_lines(m)), "styles.xml")
        yield Segment(text, member="headers and footers")


def _o_name(table: Element) -> str:
    return next((v for k, v in table.attrib.items() if _local(k) == "name"), "")
