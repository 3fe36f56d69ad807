"""The text layer of a PDF, one segment per page.

Read with pypdfium2 (PDFium: BSD/Apache, fast, maps CJK fonts through their
CMaps and ToUnicode tables; see docs/dependencies.md for the measurement).
Each page is one :class:`Segment` with ``page=n`` (1-based), so a finding is
located by its page and its line within the page.

Nothing is inferred from pictures: a PDF whose pages carry no text at all (a
scan) is skipped with ``no text layer``, never reported clean; when only some
pages lack text, the rest is scanned and the empty pages are listed in one
skipped entry.  The work is bounded by :data:`MAX_PAGES` and :data:`MAX_SECONDS`.
"""

from __future__ import annotations

import time

from ethicscan.extract.common import clean, prose_hint, ranges
from ethicscan.extract.units import Extracted, ExtractError, Segment
from ethicscan.model import SkipReason

MAX_PAGES = 5000  # pages read from one PDF
MAX_SECONDS = 60.0  # wall time spent on the text of one PDF
MAX_CHARS = 32 * 1024 * 1024  # characters of text kept from one PDF

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
        return _pages(doc, pdfium.PdfiumError, prose_hint(name))
    finally:
        doc.close()


def _pages(doc: object, error: type[Exception], hint: str) -> Extracted:
    total = len(doc)  # type: ignore[arg-type]
    if total == 0:
        raise ExtractError(SkipReason.NO_TEXT_LAYER, "PDF with no pages")
    segments: list[Segment] = []
    empty: list[int] = []
    broken: list[int] = []
    skipped: list[tuple[SkipReason, str]] = []
    chars = 0
    start = time.monotonic()
    last = min(total, MAX_PAGES)
    for i in range(last):
        if time.monotonic() - start > MAX_SECONDS or chars > MAX_CHARS:
            last = i
            break
        try:
            text = _page_text(doc, i)
        except error:
            broken.append(i + 1)
            continue
        if not text.strip():
            empty.append(i + 1)
            continue
        chars += len(text)
        segments.append(Segment(text, page=i + 1))
    if last < total:
        skipped.append(
            (
                SkipReason.LIMIT,
                f"PDF: pages {last + 1}-{total} of {total} not read (limits: {MAX_PAGES} pages, "
                f"{MAX_SECONDS:g} s, {MAX_CHARS} characters per PDF)",
            )
        )
    if broken:
        skipped.append((SkipReason.CORRUPT, f"PDF: page {ranges(broken)} could not be read"))
    if not segments:
        if broken and not empty:
            raise ExtractError(SkipReason.CORRUPT, f"PDF: no page could be read ({total} pages)")
        raise ExtractError(
            SkipReason.NO_TEXT_LAYER,
            f"PDF: none of its {last} pages has a text layer (scanned images?); not scanned",
        )
    if empty:
        skipped.append(
            (
                SkipReason.NO_TEXT_LAYER,
                f"PDF: {len(empty)} of {total} pages have no text layer (scanned images?): "
                f"page {ranges(empty)}; the other pages were scanned",
            )
        )
    return Extracted(tuple(segments), hint=hint, skipped=tuple(skipped))


def _page_text(doc: object, i: int) -> str:
    page = doc[i]  # type: ignore[index]
    try:
        textpage = page.get_textpage()
        try:
            raw: str = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return clean(raw)
