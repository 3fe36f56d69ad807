"""Documents generated at test time from text written here: PDFs (reportlab, with
its built-in CJK CID font), Word, Excel and PowerPoint files (python-docx,
openpyxl, python-pptx) and hand-made OpenDocument zips."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ethicscan import ScanOptions, scan
from ethicscan.model import ScanResult

# A fictional face-record specification: page 1 is an introduction, page 2 the
# person object with its ethnic-group and skin-colour fields.
SPEC_PAGES = [
    [
        "视频图像信息应用系统 人员对象规范 (示例)",
        "本规范规定了人脸抓拍记录的数据项。",
        "Face capture records are written by each camera.",
    ],
    [
        "人员对象 PersonObject 字段",
        "PersonID 人员标识 string(48)",
        "EthicCode 民族代码 string(2) 见 GB/T 3304",
        "SkinColor 肤色 string(2) 人脸特征",
        "维族告警 布控 人脸比对",
    ],
]

LOOKALIKE_PAGES = [
    [
        "Scheduler notes",
        "We fixed a race condition in the job queue with a lock.",
        "The UI offers a dark skin theme and a light skin theme.",
    ],
    ["The United Nations publishes country codes; each nation has one."],
]


def pdf(
    pages: Sequence[Sequence[str]],
    *,
    blank: Sequence[int] = (),
    empty: Sequence[int] = (),
    user_password: str | None = None,
) -> bytes:
    """A PDF with one page per entry (lines of text), drawn in the CJK CID font;
    pages whose 1-based number is in ``blank`` get only a drawn rectangle (a
    "scan"), pages in ``empty`` nothing at all."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    encrypt = (
        pdfencrypt.StandardEncryption(user_password, ownerPassword="owner")
        if user_password is not None
        else None
    )
    c = canvas.Canvas(out, encrypt=encrypt, invariant=True)
    for n, lines in enumerate(pages, 1):
        if n in empty:
            pass
        elif n in blank:
            c.rect(72, 72, 300, 400, fill=1)  # a "scanned" page: a picture, no text
        else:
            y = 780
            for line in lines:
                c.setFont("STSong-Light", 11)
                c.drawString(60, y, line)
                y -= 18
        c.showPage()
    c.save()
    return out.getvalue()


def pdf_review_copy() -> bytes:
    """A one-page PDF with a reviewer's note (a text annotation) and an embedded CSV."""
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=True)
    c.setFont("STSong-Light", 11)
    c.drawString(60, 780, "Review copy of the capture interface")
    c.textAnnotation("审阅意见: 增加维族告警字段", Rect=(60, 700, 260, 740))
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(out.getvalue())
    att = doc.new_attachment("fields.csv")
    att.set_data(b"person_id,race,skin_color,capture_time\n")
    final = io.BytesIO()
    doc.save(final)
    doc.close()
    return final.getvalue()


def docx_face_table(*, lookalike: bool = False) -> bytes:
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Vendor manual"
    if lookalike:
        d.add_paragraph("Release notes: fixed a race condition in the renderer.")
        t = d.add_table(rows=2, cols=3)
        header, row = ["Theme", "Skin", "Nation"], ["dark", "default skin", "UN member"]
    else:
        d.add_paragraph("人脸抓拍布控系统 人员数据表设计")
        t = d.add_table(rows=2, cols=3)
        header, row = ["姓名", "民族", "肤色"], ["张三", "汉", "黄"]
    for i, v in enumerate(header):
        t.rows[0].cells[i].text = v
    for i, v in enumerate(row):
        t.rows[1].cells[i].text = v
    p = d.add_paragraph("备注 remark")
    d.add_comment(
        p.runs[0], text="Tune the skin theme." if lookalike else "维族告警 需要复核", author="x"
    )
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# A fictional HR system's interface manual: prose chapters, and a table of the members of
# an employee's struct, a declared 民族 among them.
MANUAL_PROSE = [
    "本手册介绍人事系统的接口、结构体和枚举，供应用程序开发人员参考。",
    "应用程序在调用任何接口之前应先登录系统，并在退出前释放资源。",
    "所有接口在失败时返回错误码，应用程序可调用获取错误码接口查看原因。",
]
MANUAL_MEMBERS = [("szName", "姓名"), ("szNation", "民族，取值见 GB/T 3304"), ("szDept", "部门")]


def docx_manual() -> bytes:
    import docx

    d = docx.Document()
    for line in MANUAL_PROSE * 3:
        d.add_paragraph(line)
    d.add_paragraph("3.2 员工信息结构体")
    t = d.add_table(rows=len(MANUAL_MEMBERS), cols=2)
    for row, (name, text) in zip(t.rows, MANUAL_MEMBERS, strict=True):
        row.cells[0].text, row.cells[1].text = name, text
    for line in MANUAL_PROSE:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx_persons(*, lookalike: bool = False) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Notes"
    ws.append(["id", "note"])
    ws.append([1, "Fixed a race condition in the exporter"])
    if not lookalike:
        persons = wb.create_sheet("Persons")
        persons.append(["person_id", "race", "skin_color", "capture_time"])
        persons.append([1, "W", "2", "2024-01-01T10:00"])
        persons["A5"] = "face capture ethnicity"  # row 5 after two empty rows
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pptx_deck() -> bytes:
    import pptx

    deck = pptx.Presentation()
    s1 = deck.slides.add_slide(deck.slide_layouts[1])
    assert s1.shapes.title is not None
    s1.shapes.title.text = "Roadmap"
    s2 = deck.slides.add_slide(deck.slide_layouts[1])
    assert s2.shapes.title is not None
    s2.shapes.title.text = "Face attribute API"
    s2.placeholders[1].text = "Each detected face gets race and skin colour outputs"
    s2.notes_slide.notes_text_frame.text = "客户要求 维族告警"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def odf(kind: str, body: str, mimetype: str) -> bytes:
    """A minimal OpenDocument zip: ``kind`` is text, spreadsheet or presentation."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
        f"<office:body><office:{kind}>{body}</office:{kind}></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    return out.getvalue()


def scan_files(root: Path, files: dict[str, bytes]) -> ScanResult:
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return scan([str(root)], ScanOptions(jobs=1))


def mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    """Truncations, flipped bytes and spliced garbage of ``data``."""
    import random

    rnd = random.Random(seed)
    out: list[bytes] = [b"", data[:1], data[: len(data) // 2]]
    for _ in range(count):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            cut = rnd.randrange(len(b))
            b = b[:cut] + bytearray(rnd.randbytes(rnd.randint(0, 64)))
        out.append(bytes(b))
    out.append(rnd.randbytes(2048))
    return out
