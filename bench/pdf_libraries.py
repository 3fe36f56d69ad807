"""Which PDF library reads the text layer: pypdfium2, pypdf and pdfminer.six side by side.

Generates two 100-page PDFs with reportlab (a Chinese face-record specification
drawn in the CJK CID font STSong-Light through the predefined CMap UniGB-UCS2-H,
and an English one in Helvetica), extracts every page with each library that is
installed, and prints the time and whether the marker terms came out intact::

    pip install reportlab pypdf pdfminer.six   # pypdfium2 is a dependency
    python bench/pdf_libraries.py

The result chose pypdfium2 (docs/dependencies.md).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

PAGES = 100
ZH_MARKERS = ("民族代码", "EthicCode", "肤色", "维族告警")
EN_MARKERS = ("Face record specification", "capture service")


def _make(pages: list[list[str]], font: str) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=True)
    for lines in pages:
        y = 800
        for line in lines:
            c.setFont(font, 11)
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return out.getvalue()


def _pypdfium2(data: bytes) -> list[str]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(data)
    out = []
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        out.append(tp.get_text_range())
        tp.close()
        page.close()
    doc.close()
    return out


def _pypdf(data: bytes) -> list[str]:
    import pypdf

    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def _pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return [
        "".join(e.get_text() for e in page if isinstance(e, LTTextContainer))
        for page in extract_pages(io.BytesIO(data))
    ]


def main() -> None:
    zh = [
        ["视频图像信息应用系统 人员对象", "民族代码 EthicCode string(2) 见 GB/T 3304"]
        + ["肤色 SkinColor string 人脸特征", "维族告警 布控"]
        + [f"第{i}行 字段说明 人脸抓拍记录" for i in range(40)]
        for _ in range(PAGES)
    ]
    en = [
        [f"Face record specification, chapter {n}"]
        + [f"line {j}: the capture service stores each face with an id." for j in range(40)]
        for n in range(PAGES)
    ]
    docs = {"CJK (STSong-Light, UniGB-UCS2-H)": (_make(zh, "STSong-Light"), ZH_MARKERS)}
    docs["English (Helvetica)"] = (_make(en, "Helvetica"), EN_MARKERS)
    readers: dict[str, Callable[[bytes], list[str]]] = {
        "pypdfium2": _pypdfium2,
        "pypdf": _pypdf,
        "pdfminer.six": _pdfminer,
    }
    for label, (data, markers) in docs.items():
        print(f"{label}: {PAGES} pages, {len(data)} bytes")
        for name, read in readers.items():
            try:
                start = time.perf_counter()
                pages = read(data)
                seconds = time.perf_counter() - start
            except ImportError:
                print(f"  {name:13} not installed")
                continue
            intact = all(all(m in p for m in markers) for p in pages)
            print(f"  {name:13} {seconds:6.3f} s  pages={len(pages)}  markers intact={intact}")


if __name__ == "__main__":
    main()
