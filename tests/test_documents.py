"""Documents: PDF pages and office files become located text; what cannot be read
(scans, encryption, corruption) is reported as skipped, never as clean."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from docfixtures import (
    LOOKALIKE_PAGES,
    SPEC_PAGES,
    docx_face_table,
    docx_manual,
    mutations,
    odf,
    pdf,
    pdf_review_copy,
    pptx_deck,
    scan_files,
    xlsx_persons,
)
from ethicscan.extract.office import extract_office
from ethicscan.extract.pdf import extract_pdf
from ethicscan.extract.units import Extracted, ExtractError
from ethicscan.model import Capability, SkipReason, Trait


def _line_in(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# -- PDF -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spec_pdf() -> bytes:
    return pdf(SPEC_PAGES)


def test_pdf_findings_carry_page_and_line_within_page(tmp_path: Path, spec_pdf: bytes) -> None:
    result = scan_files(tmp_path, {"spec.pdf": spec_pdf})
    assert not result.skipped
    found = result.findings
    assert {f.location.page for f in found} == {2}
    terms = {f.evidence.term for f in found}
    assert {"EthicCode", "SkinColor", "维族告警"} <= terms
    page2 = SPEC_PAGES[1]
    for f in found:
        assert f.location.path == "spec.pdf"
        assert f.evidence.term in page2[f.location.line - 1], f
    ethic = next(f for f in found if f.evidence.term == "EthicCode")
    assert ethic.location.line == _line_in(page2, "EthicCode")
    assert ethic.trait is Trait.ETHNICITY
    alarm = next(f for f in found if f.evidence.term == "维族告警")
    assert alarm.capability is Capability.TARGETING


def test_pdf_lookalikes_are_quiet(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"notes.pdf": pdf(LOOKALIKE_PAGES)})
    assert result.findings == ()
    assert result.skipped == ()
    assert result.stats.files == 1


def test_scanned_pdf_is_skipped_never_clean(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"scan.pdf": pdf([["x"], ["y"]], blank=(1, 2))})
    assert result.findings == ()
    assert [(s.path, s.reason) for s in result.skipped] == [("scan.pdf", SkipReason.NO_TEXT_LAYER)]
    assert SkipReason.NO_TEXT_LAYER.value == "no text layer"


def test_partly_scanned_pdf_reads_text_and_lists_empty_pages(tmp_path: Path) -> None:
    pages = [SPEC_PAGES[0], ["x"], SPEC_PAGES[1], ["x"], ["x"], ["x"]]
    result = scan_files(tmp_path, {"mixed.pdf": pdf(pages, blank=(2, 4, 5), empty=(6,))})
    assert {f.location.page for f in result.findings} == {3}
    [skip] = result.skipped
    assert skip.reason is SkipReason.NO_TEXT_LAYER
    # page 6 has nothing on it: blank, not a scan
    assert "3 of 6 pages" in skip.detail and "page 2, 4-5;" in skip.detail


def test_blank_pdf_is_not_clean_either(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"blank.pdf": pdf([["x"], ["y"]], empty=(1, 2))})
    assert [(s.reason, "2 blank" in s.detail) for s in result.skipped] == [
        (SkipReason.NO_TEXT_LAYER, True)
    ]


def test_encrypted_pdf(tmp_path: Path) -> None:
    locked = pdf(SPEC_PAGES, user_password="secret")
    open_to_all = pdf(SPEC_PAGES, user_password="")
    result = scan_files(tmp_path, {"locked.pdf": locked, "open.pdf": open_to_all})
    assert [(s.path, s.reason) for s in result.skipped] == [("locked.pdf", SkipReason.ENCRYPTED)]
    assert {f.location.path for f in result.findings} == {"open.pdf"}
    assert {f.location.page for f in result.findings} == {2}


def test_truncated_pdf_is_corrupt(tmp_path: Path, spec_pdf: bytes) -> None:
    result = scan_files(tmp_path, {"cut.pdf": spec_pdf[:400]})
    assert [(s.path, s.reason) for s in result.skipped] == [("cut.pdf", SkipReason.CORRUPT)]


def test_pdf_inside_zip_keeps_chain_and_page(tmp_path: Path, spec_pdf: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "Specifications.\n")
        z.writestr("spec.pdf", spec_pdf)
    result = scan_files(tmp_path, {"docs.zip": out.getvalue()})
    assert result.findings
    assert {(f.location.path, f.location.page) for f in result.findings} == {
        ("docs.zip!spec.pdf", 2)
    }


def test_pdf_annotations_and_attachments(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"review.pdf": pdf_review_copy()})
    assert result.skipped == ()
    got = {
        (f.location.path, f.location.page, f.location.member, f.location.line, f.evidence.term)
        for f in result.findings
    }
    assert ("review.pdf", 1, "annotations", 1, "维族告警") in got
    assert ("review.pdf!fields.csv", None, "", 1, "race") in got


def test_mutated_pdfs_never_raise(spec_pdf: bytes) -> None:
    for data in mutations(spec_pdf, seed=3, count=40):
        try:
            out = extract_pdf(data, "m.pdf")
        except ExtractError as exc:
            assert exc.reason in (SkipReason.CORRUPT, SkipReason.NO_TEXT_LAYER)
        else:
            assert isinstance(out, Extracted)


# -- office documents ------------------------------------------------------------------------
def test_docx_table_row_and_comment(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"design.docx": docx_face_table()})
    assert not result.skipped
    body = [f for f in result.findings if f.location.member == ""]
    assert {f.evidence.term for f in body} == {"民族", "肤色"}
    # line 1 is the heading, line 2 the header row of the table: 姓名 | 民族 | 肤色
    assert {f.location.line for f in body} == {2}
    assert all(f.evidence.snippet == "姓名 | 民族 | 肤色" for f in body)
    assert all(f.capability is not Capability.MENTION for f in body)
    comments = [f for f in result.findings if f.location.member == "comments"]
    assert [f.evidence.term for f in comments] == ["维族告警"]
    assert comments[0].capability is Capability.TARGETING


def test_docx_table_of_members_is_a_record(tmp_path: Path) -> None:
    # a manual's two-column table of a struct's members, an identifier and its
    # description: the member's field is declared data, as a wider table's row is
    result = scan_files(tmp_path, {"manual.docx": docx_manual()})
    [f] = result.findings
    assert f.evidence.snippet == "szNation | 民族，取值见 GB/T 3304"
    assert f.capability is Capability.RECORD


def test_documents_embedded_in_documents_are_explored(tmp_path: Path) -> None:
    out = io.BytesIO(docx_face_table(lookalike=True))
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_persons())
        z.writestr("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0race")
    result = scan_files(tmp_path, {"report.docx": out.getvalue()})
    # the OLE object is not read, and is listed
    assert [(s.path, s.reason, s.detail) for s in result.skipped] == [
        (
            "report.docx",
            SkipReason.UNSUPPORTED,
            "office part word/embeddings/oleObject1.bin: embedded object (OLE) not read",
        )
    ]
    got = {(f.location.path, f.location.member, f.location.line) for f in result.findings}
    assert ("report.docx!word/embeddings/Microsoft_Excel_Worksheet.xlsx", "Persons", 1) in got
    assert {p for p, _, _ in got} == {"report.docx!word/embeddings/Microsoft_Excel_Worksheet.xlsx"}


def test_xlsx_empty_cells_keep_their_column() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["C1"], ws["B3"] = "id", "race", "x"
    buf = io.BytesIO()
    wb.save(buf)
    [sheet] = extract_office(buf.getvalue(), "a.xlsx").segments
    assert sheet.text.split("\n") == ["id |  | race", "", " | x"]


def test_docx_lookalike(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"notes.docx": docx_face_table(lookalike=True)})
    assert result.findings == ()
    assert result.skipped == ()


def test_xlsx_sheet_rows_keep_row_numbers(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"export.xlsx": xlsx_persons()})
    got = {(f.location.member, f.location.line, f.evidence.term) for f in result.findings}
    assert {("Persons", 1, "race"), ("Persons", 1, "skin_color")} <= got
    assert ("Persons", 5, "ethnicity") in got
    assert all(f.location.member == "Persons" for f in result.findings)


def test_xlsx_lookalike(tmp_path: Path) -> None:
    assert scan_files(tmp_path, {"notes.xlsx": xlsx_persons(lookalike=True)}).findings == ()


def test_pptx_slide_number_and_notes(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"deck.pptx": pptx_deck()})
    slide = {(f.location.page, f.location.member, f.evidence.term) for f in result.findings}
    assert (2, "", "race") in slide
    assert (2, "", "skin colour") in slide
    assert (2, "notes", "维族告警") in slide
    assert {f.location.page for f in result.findings} == {2}


def test_odt_and_ods(tmp_path: Path) -> None:
    odt = odf(
        "text",
        "<text:h>人脸识别 布控系统</text:h><text:p>说明</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>姓名</text:p></table:table-cell>"
        "<table:table-cell><text:p>民族</text:p></table:table-cell>"
        "<table:table-cell><text:p>肤色</text:p></table:table-cell></table:table-row>"
        "</table:table>",
        "application/vnd.oasis.opendocument.text",
    )
    ods = odf(
        "spreadsheet",
        '<table:table table:name="Capture"><table:table-row>'
        "<table:table-cell><text:p>face_id</text:p></table:table-cell>"
        "<table:table-cell><text:p>race</text:p></table:table-cell>"
        "<table:table-cell><text:p>skin_color</text:p></table:table-cell>"
        "<table:table-cell><text:p>capture_time</text:p></table:table-cell>"
        "</table:table-row></table:table>",
        "application/vnd.oasis.opendocument.spreadsheet",
    )
    result = scan_files(tmp_path, {"spec.odt": odt, "capture.ods": ods})
    got = {
        (f.location.path, f.location.member, f.location.line, f.evidence.term)
        for f in result.findings
    }
    assert {("spec.odt", "", 3, "民族"), ("spec.odt", "", 3, "肤色")} <= got
    assert {("capture.ods", "Capture", 1, "race"), ("capture.ods", "Capture", 1, "skin_color")} <= (
        got
    )


def test_office_documents_found_by_content_under_other_names(tmp_path: Path) -> None:
    odt = odf(
        "text",
        "<text:p>人脸抓拍 布控</text:p><text:p>维族告警</text:p>",
        "application/vnd.oasis.opendocument.text",
    )
    opc = io.BytesIO()  # an OPC package that is no office document (a NuGet package)
    with zipfile.ZipFile(opc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("lib/readme.txt", "Detects skin colour of each face for search.\n")
    result = scan_files(
        tmp_path,
        {"attachment.bin": docx_face_table(), "spec": odt, "pkg.nupkg": opc.getvalue()},
    )
    paths = {f.location.path for f in result.findings}
    assert paths == {"attachment.bin", "spec", "pkg.nupkg!lib/readme.txt"}
    assert {f.location.member for f in result.findings if f.location.path == "attachment.bin"} == {
        "",
        "comments",
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_office_xml_entities_are_not_expanded(encoding: str) -> None:
    bomb = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<!DOCTYPE d [<!ENTITY a "race race race race">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", bomb.encode(encoding))
    got = extract_office(out.getvalue(), "bomb.docx")
    assert got.segments == ()
    assert [r for r, _ in got.skipped] == [SkipReason.CORRUPT]
    assert "refused" in got.skipped[0][1]


def test_office_without_main_part_and_not_a_zip(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("other.xml", "<x/>")
    result = scan_files(tmp_path, {"odd.docx": out.getvalue(), "bad.xlsx": b"PK\x03\x04junk"})
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons == {"odd.docx": SkipReason.UNSUPPORTED, "bad.xlsx": SkipReason.CORRUPT}


@pytest.mark.parametrize("make", [docx_face_table, xlsx_persons, pptx_deck])
def test_mutated_office_files_never_raise(make: object) -> None:
    assert callable(make)
    data = make()
    for i, bad in enumerate(mutations(data, seed=7, count=25)):
        try:
            out = extract_office(bad, f"m{i}.docx")
        except ExtractError as exc:
            assert exc.reason in (SkipReason.CORRUPT, SkipReason.UNSUPPORTED)
        else:
            assert isinstance(out, Extracted)


# -- HTML ------------------------------------------------------------------------------------
SEARCH_HTML = """\
<!DOCTYPE html>
<html lang="zh">
<head><title>人脸检索</title>
<style>.race-condition { color: red } .skin-dark { background: #000 }</style></head>
<body class="skin-dark theme-race">
<h1>人脸抓拍检索 Face capture search</h1>
<form action="/api/face/search">
  <select id="ethnic" name="ethnicCode"><option value="05">维吾尔族</option></select>
  <img src="/img/skin.png" alt="按肤色筛选人脸">
  <input type="checkbox" name="alarm" title="维族告警">
</form>
<script>
  const query = { faceId: id, skinColor: sel.value };
</script>
</body>
</html>
"""

LOOKALIKE_HTML = """\
<html><head><title>Scheduler</title>
<style>.race { color: red }</style></head>
<body class="skin-dark">
<p>We fixed a race condition in the scheduler.</p>
<a href="/races/2024" class="race-link" data-theme="skin">Results</a>
<p>Pick a skin theme for the editor; each nation&#39;s flag is shown.</p>
</body></html>
"""


def test_html_findings_point_at_real_lines_and_columns(tmp_path: Path) -> None:
    result = scan_files(tmp_path, {"search.html": SEARCH_HTML.encode()})
    lines = SEARCH_HTML.splitlines()
    got = {(f.location.line, f.evidence.term) for f in result.findings}
    assert (_line_in(lines, 'alt="按肤色'), "肤色") in got  # an alt attribute
    assert (_line_in(lines, 'title="维族告警"'), "维族告警") in got
    assert (_line_in(lines, "skinColor: sel"), "skinColor") in got  # inline script
    assert (_line_in(lines, 'name="ethnicCode"'), "ethnicCode") in got
    for f in result.findings:
        line = lines[f.location.line - 1]
        assert line[f.location.column - 1 :].startswith(f.evidence.term), f
    # class names, style rules and URLs are not read: no finding on those lines
    quiet = {_line_in(lines, "<style>"), _line_in(lines, "<body class")}
    assert not quiet & {f.location.line for f in result.findings}


def test_html_lookalike_and_markup_only_words(tmp_path: Path) -> None:
    assert scan_files(tmp_path, {"notes.html": LOOKALIKE_HTML.encode()}).findings == ()


def test_html_visible_text_keeps_lines() -> None:
    from ethicscan.extract.markup import visible_text

    for src in (SEARCH_HTML, LOOKALIKE_HTML, "<p>a &amp; b</p><b>x</b>\n<p title='t &lt; u'>z"):
        out = visible_text(src)
        assert out.count("\n") == src.count("\n")
        assert [len(x) for x in out.split("\n")] == [len(x) for x in src.split("\n")]
    assert visible_text("<p>a &amp; b</p><b>x</b>").split() == ["a", "&", "b", "x"]
    assert visible_text('<i data-skin-color="dark" class="race">').split() == [
        "data-skin-color",
        "dark",
    ]


def test_html_form_controls_keep_their_opening_name() -> None:
    """A label beside a form control is a field of a form: the control's ``<name``
    stays in the visible text (columns kept), other tags do not."""
    from ethicscan.extract.markup import visible_text

    src = '<td>民族：</td><td><select name="p.mz"><option value="">不限</option></select></td>'
    out = visible_text(src)
    assert len(out) == len(src)
    assert out.split() == ["民族：", "<select", "p.mz", "<option", "不限"]
    assert out.index("<select") == src.index("<select")
    # a form's tags keep theirs too, with its method: what it sends, and how
    assert visible_text("<form><p>x</p></form>").split() == ["<form", "x", "</form"]
    assert visible_text('<form method="post" action="/a"><p>x</p></form>').split() == [
        "<form",
        "post",
        "x",
        "</form",
    ]


def test_html_script_tags_keep_their_names() -> None:
    """A script's tags keep their names in the visible text (columns kept): what stands
    between them is the page's code."""
    from ethicscan.extract.markup import visible_text

    src = '<p>x</p><script type="text/javascript">var a = 1;</script><p>y</p>'
    out = visible_text(src)
    assert len(out) == len(src)
    assert out.split() == ["x", "<script", "var", "a", "=", "1;</script", "y"]
    assert out.index("</script") == src.index("</script")


APP_PAGE_HTML = """<!DOCTYPE html>
<html lang="zh" xmlns:th="http://www.thymeleaf.org">
<head><title>网格人员</title></head>
<body>
  <table id="bootstrap-table"></table>
  <script th:inline="javascript">
    var options = {
        url: prefix + "/list",
        columns: [
            { field: 'name', title: '姓名' },
            { field: 'nation', title: '民族' },
            // { field: 'zzmm', title: '政治面貌' },
            { field: 'phone', title: '电话' }
        ]
    };
    $.table.init(options);
  </script>
</body>
</html>
"""

DOC_PAGE_HTML = """<!DOCTYPE html>
<html>
<head><script>var DOCUMENTATION_OPTIONS = { VERSION: '1.0' };</script></head>
<body>
  <p>The survey asked every respondent about their religion and their
  ethnicity, and the report compares the answers by region.</p>
</body>
</html>
"""


def test_html_page_script_is_code_its_prose_is_not(tmp_path: Path) -> None:
    """An application's page keeps its list's columns in a script: a column of people's
    民族 is a record, as in a .js file; a commented-out column is a comment still, and a
    document's sentences outside its script stay prose."""
    got = scan_files(tmp_path, {"list.html": APP_PAGE_HTML.encode()}).findings
    lines = APP_PAGE_HTML.splitlines()
    caps = {(f.location.line, f.evidence.term): f.capability.value for f in got}
    assert caps[(_line_in(lines, "title: '民族'"), "民族")] == "record"
    assert caps.get((_line_in(lines, "title: '政治面貌'"), "政治面貌")) in (None, "mention")
    doc = scan_files(tmp_path / "doc", {"survey.html": DOC_PAGE_HTML.encode()}).findings
    assert doc and {f.capability.value for f in doc} == {"mention"}


def test_html_unclosed_tags_and_quotes_are_linear() -> None:
    from ethicscan.extract.markup import visible_text

    # Each "<" would rescan the rest of the text with a backtracking tag pattern.
    for bad in ('<a title="' + "<b " * 100_000, "<b " * 100_000, "<a\n" * 100_000):
        out = visible_text(bad)
        assert len(out) == len(bad) and out.count("\n") == bad.count("\n")
    # an unclosed quote runs to the end of the file, as in browsers
    assert visible_text('<p title="race <b>x</b>').split() == ["race", "<b>x</b>"]


# -- RTF -------------------------------------------------------------------------------------
def _gbk(s: str) -> str:
    return "".join(f"\\'{b:02x}" for b in s.encode("gbk"))


SPEC_RTF = (
    "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 "
    + _gbk("宋体")
    + ";}}\n{\\*\\generator Riched20;}\\uc1\\pard\\f0 "
    + _gbk("人脸抓拍 布控系统 人员字段")
    + "\\par\n"
    + _gbk("姓名")
    + "\\cell "
    + _gbk("民族")
    + "\\cell "
    + _gbk("肤色")
    + "\\cell\\row\n"
    + "\\u24067?\\u25511? \\u32500?\\u26063?\\u21578?\\u35686? alarm\\par\n"
    + "{\\pict\\pngblip 89504e47 race}}"
)


def test_rtf_gbk_and_unicode_escapes(tmp_path: Path) -> None:
    from ethicscan.extract.rtf import rtf_text

    text = rtf_text(SPEC_RTF)
    assert text.splitlines()[:3] == [
        "人脸抓拍 布控系统 人员字段",
        "姓名 | 民族 | 肤色",
        "布控 维族告警 alarm",
    ]
    assert "宋体" not in text and "race" not in text and "Riched" not in text
    info = r"{\rtf1{\info{\title Face search}{\author Zhang}{\creatim\yr2024}}\pard Body\par}"
    assert rtf_text(info).split("\n") == ["", "Face search", "Body", ""]
    result = scan_files(tmp_path, {"spec.rtf": SPEC_RTF.encode("ascii")})
    got = {(f.location.line, f.evidence.term) for f in result.findings}
    assert {(2, "民族"), (2, "肤色"), (3, "维族告警")} <= got


def test_rtf_lookalike(tmp_path: Path) -> None:
    rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0 Race Sans;}}\\pard A race condition in the UI skin.\\par}"
    assert scan_files(tmp_path, {"n.rtf": rtf.encode()}).findings == ()


# -- CSV: read as it is; the header line is a field list to the classifier ---------------------
def test_csv_header_is_schema_evidence(tmp_path: Path) -> None:
    csv = "person_id,race,skin_color,capture_time\n1,W,2,2024-01-01\n"
    tsv = "job\trace_condition_count\tskin_theme\tnation_code\n1\t0\tdark\tUS\n"
    result = scan_files(tmp_path, {"capture.csv": csv.encode(), "jobs.tsv": tsv.encode()})
    got = {(f.location.path, f.location.line, f.evidence.term) for f in result.findings}
    assert got == {("capture.csv", 1, "race"), ("capture.csv", 1, "skin_color")}


# -- every extractor survives random and mutated input ---------------------------------------
def test_text_extractors_never_raise_on_mutations() -> None:
    from ethicscan.extract.markup import extract_html
    from ethicscan.extract.rtf import extract_rtf

    for ext, sample in ((extract_html, SEARCH_HTML), (extract_rtf, SPEC_RTF)):
        for data in mutations(sample.encode("utf-8"), seed=11, count=60):
            out = ext(data, "m")
            assert isinstance(out, Extracted)
            text = data.decode("utf-8", errors="replace")
            if ext is extract_html:  # markup never moves a line
                assert out.segments[0].text.count("\n") == text.count("\n")


# -- every output format shows pages and scans --------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_outputs_show_page_and_no_text_layer(
    tmp_path: Path, spec_pdf: bytes, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from ethicscan.cli import main

    root = tmp_path / "docs"
    root.mkdir()
    (root / "spec.pdf").write_bytes(spec_pdf)
    (root / "scan.pdf").write_bytes(pdf([["x"]], blank=(1,)))
    assert main(["scan", str(root), "--format", fmt, "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        doc = json.loads(out)
        assert {f["location"]["page"] for f in doc["findings"]} == {2}
        assert [(s["path"], s["reason"]) for s in doc["skipped"]] == [("scan.pdf", "no text layer")]
    else:
        assert "spec.pdf p.2:" in out
        assert "scan.pdf" in out and "no text layer" in out


@pytest.mark.parametrize("make", [docx_face_table, xlsx_persons, pptx_deck])
def test_mutated_office_xml_parts_never_raise(make: object) -> None:
    """Mutating the zip's bytes mostly trips its CRCs; this mutates the XML inside."""
    import random

    assert callable(make)
    rnd = random.Random(5)
    src = zipfile.ZipFile(io.BytesIO(make()))
    parts = {i.filename: src.read(i) for i in src.infolist()}
    xml = [n for n in parts if n.endswith((".xml", ".rels"))]
    splices = [b'"', b"<", b"</x>", b' r="ZZ9"', b' t="s"', b"<v>99999</v>", b"\xff", b"&amp;"]
    for _ in range(40):
        new = dict(parts)
        for _ in range(rnd.randint(1, 3)):
            name = rnd.choice(xml)
            b = bytearray(new[name])
            i = rnd.randrange(len(b) + 1)
            roll = rnd.random()
            if roll < 0.1:
                b = bytearray(bytes(b).replace(b"UTF-8", b"UTF-9", 1))  # unknown encoding
            elif roll < 0.55:
                b[i:i] = rnd.choice(splices)
            else:
                b = b[:i]
            new[name] = bytes(b)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for k, v in new.items():
                z.writestr(k, v)
        try:
            got = extract_office(out.getvalue(), "m.docx")
        except ExtractError as exc:
            assert exc.reason in (SkipReason.CORRUPT, SkipReason.UNSUPPORTED)
        else:
            assert isinstance(got, Extracted)


def test_large_ods_is_read_as_a_stream() -> None:
    """A sheet of more elements than a part read as a tree may hold (30,000 rows of
    three cells: 210,000 elements) is read whole: OpenDocument content is
    streamed a paragraph or row at a time, like OOXML sheets."""
    from ethicscan.extract.office import MAX_ELEMENTS

    cell = "<table:table-cell><text:p>{}</text:p></table:table-cell>"
    rows = "".join(
        f"<table:table-row>{cell.format(i)}{cell.format('name')}{cell.format('x')}</table:table-row>"
        for i in range(30_000)
    )
    last = f"<table:table-row>{cell.format('ethnicity')}</table:table-row>"
    body = f'<table:table table:name="People">{rows}{last}</table:table>'
    assert body.count("<") // 2 > MAX_ELEMENTS
    data = odf("spreadsheet", body, "application/vnd.oasis.opendocument.spreadsheet")
    [sheet] = extract_office(data, "people.ods").segments
    lines = sheet.text.split("\n")
    assert sheet.member == "People" and len(lines) == 30_001
    assert lines[0] == "0 | name | x" and lines[-1] == "ethnicity"


def test_shared_strings_are_kept_compact_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of many short shared strings (a 2.5 MB workbook can list a million) is
    held as joined chunks, not one object each, and stops at the text limit with a
    reason."""
    import sys

    import reader_corpus as R
    from ethicscan.extract import office

    shared = office._Shared()
    texts = [format(i, "x") for i in range(200_000)]
    for t in texts:
        assert shared.add(t)
    held = sum(map(sys.getsizeof, [*shared.chunks, *shared.ends, *shared.pending]))
    assert held < 2_000_000 < sum(map(sys.getsizeof, texts))
    assert [shared[i] for i in (0, 4095, 4096, 199_999)] == [
        texts[i] for i in (0, 4095, 4096, 199_999)
    ]

    monkeypatch.setattr(office, "MAX_CHARS", 100)
    row = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    out = extract_office(R.xlsx([row], [f"name {i}" for i in range(50)]), "a.xlsx")
    [(reason, detail)] = out.skipped
    assert reason is SkipReason.LIMIT
    assert detail.startswith("office part xl/sharedStrings.xml: shared strings after the first")


def test_office_xml_nested_too_deep_is_a_limit() -> None:
    """A part nested 50,000 deep would hold as many open elements (and a tree of
    them would overflow the readers' recursion): past 256 the part stops there."""
    import reader_corpus as R

    deep = "<w:r>" * 50_000 + "</w:r>" * 50_000
    body = R.word_xml("人脸比对 维族告警").replace("</w:body>", f"<w:p>{deep}</w:p></w:body>")
    out = extract_office(R.docx("word/document.xml", {"word/document.xml": body}), "deep.docx")
    assert [s.text for s in out.segments] == ["人脸比对 维族告警"]
    [(reason, detail)] = out.skipped
    assert reason is SkipReason.LIMIT and "nested more than 256 deep" in detail


def test_numbers_too_long_for_int_are_not_an_error() -> None:
    """A shared-string index or row number of 5,000 digits made int() raise (Python
    refuses to convert such strings), and the whole workbook was reported corrupt."""
    import reader_corpus as R

    huge = "9" * 5000
    rows = [
        f'<row r="{huge}"><c r="A1" t="s"><v>{huge}</v></c></row>',
        '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
    ]
    out = extract_office(R.xlsx(rows, ["ethnicity"]), "a.xlsx")
    assert out.skipped == ()
    assert [s.text for s in out.segments] == ["\nethnicity"]
