"""The text layer of a PDF, one segment per page.

Read with pypdfium2 (PDFium: BSD/Apache, fast, maps CJK fonts through their
CMaps and ToUnicode tables; see docs/dependencies.md for the measurement).
Each page is one :class:`Segment` with ``page=n`` (1-based), so a finding is
located by its page and its line within the page.  The text of a page's
annotations (reviewers' comments, notes) and of its form fields (``name: value``)
is a segment of the same page with ``member="annotations"``; embedded files are
explored as ``spec.pdf!name``.

Nothing is inferred from pictures: a PDF whose pages carry no text at all (a
scan) is skipped with ``no text layer``, never reported clean; when only some
pages lack text (a picture or drawing but no text; blank pages do not count),
the rest is scanned and those pages are listed in one skipped entry.  The work
is bounded by :data:`MAX_PAGES`, :data:`MAX_SECONDS`, :data:`MAX_CHARS` and the
attachment limits.  Annotations count toward :data:`MAX_CHARS` as they are read,
whatever their length (one over the limit is a ``limit`` entry, never dropped), and a
long annotation text that comes back (annotations may share one string) is written
in full once.
"""

from __future__ import annotations

import ctypes
import time
from typing import Any

from ethicscan.extract.common import Once, clean, ranges
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason

MAX_PAGES = 5000  # pages read from one PDF
MAX_SECONDS = 60.0  # wall time spent on the text of one PDF
MAX_CHARS = 32 * 1024 * 1024  # characters of text kept from one PDF
MAX_ATTACHMENTS = 100  # embedded files read from one PDF
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024  # bytes of embedded files read from one PDF

_ERR_PASSWORD = 4  # FPDF_ERR_PASSWORD
_ERR_SECURITY = 5  # FPDF_ERR_SECURITY: an unsupported security handler


def extract_pdf(data: bytes, name: str) -> Extracted:
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ExtractError(
            SkipReason.UNSUPPORTED, f"PDF: pypdfium2 is not available ({exc})"
        ) from None
    try:
        # No password: PDFium opens documents whose user password is empty.
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        msg = str(exc).lower()
        if code in (_ERR_PASSWORD, _ERR_SECURITY) or "password" in msg or "security" in msg:
            raise ExtractError(SkipReason.ENCRYPTED, f"PDF: {exc}") from None
        raise ExtractError(SkipReason.CORRUPT, f"PDF: {exc}") from None
    try:
        form, skipped = _form(doc, pdfium)
        return _read(doc, pdfium, form, skipped)
    finally:
        doc.close()


def _form(doc: Any, pdfium: Any) -> tuple[Any, list[tuple[SkipReason, str]]]:
    """The handle of the PDF's form (its fields' names and values are read with the
    annotations), before any page is loaded; and an entry for an XFA form, which
    PDFium as built here does not read.  No script is run: this PDFium has no
    JavaScript engine."""
    raw = pdfium.raw
    kind = doc.get_formtype()
    if kind == raw.FORMTYPE_NONE:
        return None, []
    skipped: list[tuple[SkipReason, str]] = []
    if kind in (raw.FORMTYPE_XFA_FULL, raw.FORMTYPE_XFA_FOREGROUND):
        skipped.append((SkipReason.UNSUPPORTED, "PDF: XFA form not read"))
    try:
        doc.init_forms()
    except pdfium.PdfiumError as exc:
        skipped.append((SkipReason.CORRUPT, f"PDF: form not read ({exc})"))
        return None, skipped
    env = doc.formenv
    return (env.raw if env else None), skipped


class _Notes:
    """Reads annotations, and the names and values of form fields, within the PDF's
    character budget: each text's length is asked first, and a text is fetched only
    while the characters read (repeats included) stay under :data:`MAX_CHARS`; a
    repeated long text is shortened."""

    def __init__(self, form: Any = None) -> None:
        self.form = form  # the form environment's handle, when the PDF has a form
        self.read = 0  # characters fetched, repeats included
        self.once = Once()
        self.refused: list[int] = []  # pages with an annotation not read
        self._full = False

    def _text(self, get: Any, kept: int) -> str:
        """A UTF-16 text that ``get(buffer, size)`` gives (its size, with ``None``)."""
        size = get(None, 0)
        if size <= 2:
            return ""
        chars = size // 2
        if self.read + chars > MAX_CHARS or kept + chars > MAX_CHARS:
            self._full = True
            return ""
        self.read += chars
        buf = (ctypes.c_ushort * chars)()
        get(buf, size)
        text = bytes(memoryview(buf).cast("B")).decode("utf-16-le", "replace")
        return self.once(text.rstrip("\x00"))

    def page(self, raw: Any, page: Any, number: int, kept: int) -> str:
        notes: list[str] = []
        self._full = False
        for j in range(raw.FPDFPage_GetAnnotCount(page)):
            annot = raw.FPDFPage_GetAnnot(page, j)
            if not annot:
                continue
            try:
                kind = raw.FPDFAnnot_GetSubtype(annot)
                if kind == raw.FPDF_ANNOT_POPUP:
                    continue  # a popup shows its parent's text
                text = self._text(
                    lambda b, n, a=annot: raw.FPDFAnnot_GetStringValue(a, b"Contents", b, n), kept
                )
                if kind == raw.FPDF_ANNOT_WIDGET and self.form:
                    name = self._text(
                        lambda b, n, a=annot: raw.FPDFAnnot_GetFormFieldName(self.form, a, b, n),
                        kept,
                    )
                    value = self._text(
                        lambda b, n, a=annot: raw.FPDFAnnot_GetFormFieldValue(self.form, a, b, n),
                        kept,
                    )
                    field = f"{name}: {value}" if value else name
                    text = f"{field}\n{text}" if text else field
                kept += len(text)
                notes.append(text)
            finally:
                raw.FPDFPage_CloseAnnot(annot)
        if self._full:
            self.refused.append(number)
        return clean("\n".join(n for n in notes if n.strip()))


def _read(doc: Any, pdfium: Any, form: Any, skipped: list[tuple[SkipReason, str]]) -> Extracted:
    total = len(doc)
    if total == 0:
        raise ExtractError(SkipReason.NO_TEXT_LAYER, "PDF with no pages")
    segments: list[Segment] = []
    empty: list[int] = []  # pages with pictures or drawings but no text: scans
    blank: list[int] = []  # pages with nothing on them
    broken: list[int] = []
    chars = 0
    start = time.monotonic()
    last = min(total, MAX_PAGES)
    annotations = _Notes(form)
    for i in range(last):
        if time.monotonic() - start > MAX_SECONDS or chars > MAX_CHARS:
            last = i
            break
        try:
            text, notes, drawn = _page_text(doc[i], pdfium.raw, annotations, i + 1, chars)
        except pdfium.PdfiumError:
            broken.append(i + 1)
            continue
        if text.strip():
            chars += len(text)
            segments.append(Segment(text, page=i + 1))
        elif drawn:
            empty.append(i + 1)
        else:
            blank.append(i + 1)
        if notes.strip():
            chars += len(notes)
            segments.append(Segment(notes, page=i + 1, member="annotations"))
    if last < total:
        skipped.append(
            (
                SkipReason.LIMIT,
                f"PDF: pages {last + 1}-{total} of {total} not read (limits: {MAX_PAGES} pages, "
                f"{MAX_SECONDS:g} s, {MAX_CHARS} characters per PDF)",
            )
        )
    if annotations.refused:
        skipped.append(
            (
                SkipReason.LIMIT,
                f"PDF: annotations or form fields on page {ranges(annotations.refused)} not "
                f"read (limit: {MAX_CHARS} characters per PDF)",
            )
        )
    if broken:
        skipped.append((SkipReason.CORRUPT, f"PDF: page {ranges(broken)} could not be read"))
    members = _attachments(doc, pdfium, skipped)
    if len(broken) == last and not members:
        raise ExtractError(SkipReason.CORRUPT, f"PDF: no page could be read ({total} pages)")
    if not segments and not members:
        raise ExtractError(
            SkipReason.NO_TEXT_LAYER,
            f"PDF: no page has a text layer ({last} read: {len(empty)} with pictures or "
            f"drawings, {len(blank)} blank, {len(broken)} unreadable; scanned images?); "
            "not scanned",
        )
    if empty:
        skipped.append(
            (
                SkipReason.NO_TEXT_LAYER,
                f"PDF: {len(empty)} of {total} pages have no text layer (scanned images?): "
                f"page {ranges(empty)}; the rest was scanned",
            )
        )
    return Extracted(tuple(segments), kind=TextKind.PROSE, skipped=tuple(skipped), members=members)


def _page_text(
    page: Any, raw: Any, annotations: _Notes, number: int, kept: int
) -> tuple[str, str, bool]:
    """The text layer of a page, the text of its annotations (comments, notes), and
    whether anything is drawn on it (a page without text but with a picture is a scan;
    a page with nothing on it is blank)."""
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_range()
        finally:
            textpage.close()
        notes = annotations.page(raw, page.raw, number, kept + len(text))
        drawn = raw.FPDFPage_CountObjects(page.raw) > 0
    finally:
        page.close()
    return clean(text), notes, drawn


def _attachments(
    doc: Any, pdfium: Any, skipped: list[tuple[SkipReason, str]]
) -> tuple[tuple[str, bytes], ...]:
    """Files embedded in the PDF, explored in turn as ``spec.pdf!name``."""
    out: list[tuple[str, bytes]] = []
    count = doc.count_attachments()
    total = 0
    for i in range(min(count, MAX_ATTACHMENTS)):
        try:
            att = doc.get_attachment(i)
            name = att.get_name() or f"attachment{i + 1}"
            size = ctypes.c_ulong()
            pdfium.raw.FPDFAttachment_GetFile(att.raw, None, 0, size)
            if size.value > MAX_ATTACHMENT_BYTES or total + size.value > MAX_ATTACHMENT_BYTES:
                skipped.append(
                    (SkipReason.LIMIT, f"PDF: attachment {name!r}: {size.value} bytes not read")
                )
                continue
            data = bytes(att.get_data()) if size.value else b""
        except pdfium.PdfiumError as exc:
            skipped.append((SkipReason.CORRUPT, f"PDF: attachment {i + 1}: {exc}"))
            continue
        total += len(data)
        out.append((name.replace("!", "_"), data))
    if count > MAX_ATTACHMENTS:
        skipped.append(
            (SkipReason.LIMIT, f"PDF: {count - MAX_ATTACHMENTS} more attachments not read")
        )
    return tuple(out)
