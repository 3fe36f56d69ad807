"""A code table of ethnic groups is one finding, at its first row: the finding carries the
table's extent (``Location.end_line``, the line of its last row) and its rows' terms
(``Evidence.terms``), and every report format shows them (docs/json-format.md,
docs/reports.md)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from ethicscan import ScanOptions, scan, scan_text
from ethicscan.extract.units import Segment, TextUnit
from ethicscan.kinds import TextKind
from ethicscan.model import Finding, ScanResult
from ethicscan.pipeline import _located
from ethicscan.report import OutputFormat, conform, github, html, jsonl, reporter, sarif, table
from ethicscan.report import csv as csv_report
from ethicscan.report import json as json_report

# A module of reference data as a registration service keeps it: the GB/T 3304 codes of
# the first peoples, then a function that reads the applicant's own field.
HOUSEHOLD = """\
\"\"\"Reference data for the household registration form.\"\"\"

from __future__ import annotations

# 民族代码，GB/T 3304
MINZU_CODES = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
}


def nation_label(code: str) -> str:
    return MINZU_CODES.get(code, "其他")


def applicant_row(form: dict) -> dict:
    return {"name": form["name"], "ethnicity": form["ethnicity"]}
"""
TABLE_TERMS = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
)

# An enum of a census dictionary: a row's English name is matched too.
NATION_JAVA = """\
package org.example.census.dict;

/** 民族 code list of the census forms. */
public enum Nation {
    HAN("01", "汉族"),
    MONGOL("02", "蒙古族"),
    HUI("03", "回族"),
    TIBETAN("04", "藏族"),
    UYGHUR("05", "维吾尔族"),
    MIAO("06", "苗族");

    private final String code;

    Nation(String code, String label) {
        this.code = code;
    }
}
"""

# The options of a sign-up page's select, all on one line.
SIGNUP_JS = """\
// options of the ethnicity select of the sign-up page
export const NATIONS = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族"];
"""


def _table_finding(findings: list[Finding]) -> Finding:
    (f,) = [f for f in findings if f.rule == "ethnic-code-table"]
    return f


def test_a_code_table_s_finding_carries_its_extent_and_terms() -> None:
    found = scan_text(HOUSEHOLD, "registry/household.py")
    f = _table_finding(found)
    # the finding is as it was: its first row, its term
    assert (f.location.line, f.evidence.term, f.capability.value) == (7, "汉族", "record")
    assert f.location.end_line == 16
    assert f.evidence.terms == TABLE_TERMS
    # every other finding of the file has neither
    others = [g for g in found if g is not f]
    assert others and any(g.evidence.term == "ethnicity" for g in others)
    assert all(g.location.end_line is None and g.evidence.terms == () for g in others)


def test_an_enum_s_rows_give_their_terms_in_order_each_once() -> None:
    f = _table_finding(scan_text(NATION_JAVA, "src/main/java/org/example/census/Nation.java"))
    assert (f.location.line, f.location.end_line) == (5, 10)
    assert f.evidence.terms[0] == "汉族"
    assert tuple(t for t in f.evidence.terms if not t.isascii()) == TABLE_TERMS[:6]
    assert len(set(f.evidence.terms)) == len(f.evidence.terms)


def test_a_table_on_one_line_ends_on_it_and_names_all_its_groups() -> None:
    f = _table_finding(scan_text(SIGNUP_JS, "web/src/signup/nations.js"))
    assert f.location.line == f.location.end_line == 2
    assert f.evidence.terms == TABLE_TERMS[:8]


# A schema's enum is one finding per trait, at its first hit: it stands for its labels.
MINZU_PROTO = """\
syntax = "proto3";

package census.v1;

// 民族 of the person as the register keeps it
enum Minzu {
  MINZU_UNSPECIFIED = 0;
  HAN = 1;      // 汉族
  MONGOL = 2;   // 蒙古族
  HUI = 3;      // 回族
  ZANG = 4;     // 藏族
  UYGHUR = 5;   // 维吾尔族
  MIAO = 6;     // 苗族
}

message Person {
  string name = 1;
}
"""


def test_a_schema_enum_s_finding_stands_for_its_labels() -> None:
    found = scan_text(MINZU_PROTO, "proto/census/v1/minzu.proto")
    (f,) = [f for f in found if f.location.end_line is not None]
    assert (f.location.line, f.location.end_line, f.evidence.term) == (5, 13, "民族")
    assert f.evidence.terms[0] == "民族"
    assert {"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族"} <= set(f.evidence.terms)
    assert len(set(f.evidence.terms)) == len(f.evidence.terms)
    # one line: the enum of a SQL type, its labels after its name
    sql = "CREATE TYPE minzu AS ENUM ('汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族');\n"
    (g,) = [g for g in scan_text(sql, "db/schema.sql") if g.location.end_line is not None]
    assert (g.location.line, g.location.end_line, g.evidence.term) == (1, 1, "minzu")
    assert g.evidence.terms == ("minzu", "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族")


def test_a_table_and_its_group_alone_are_told_apart() -> None:
    # a single group name in code is no table: no extent
    found = scan_text('PRIMARY = "汉族"\n', "app/defaults.py")
    assert found
    assert all(f.location.end_line is None and not f.evidence.terms for f in found)


# --- located in the file: pieces, pages, large texts ----------------------------------------


def test_a_piece_of_a_large_text_shifts_the_extent_with_the_line() -> None:
    f = _table_finding(scan_text(HOUSEHOLD, "registry/household.py"))
    unit = TextUnit("registry/household.py", HOUSEHOLD, TextKind.NAMED, piece=True, line_base=100)
    got = _located(f, unit, "t")
    assert (got.location.line, got.location.end_line) == (107, 116)


def test_a_table_cut_by_a_page_ends_on_its_page() -> None:
    f = _table_finding(scan_text(HOUSEHOLD, "registry/household.py"))
    # the text of two pages: lines 1-10 on page 1, 11- on page 2
    unit = TextUnit(
        "spec.pdf", HOUSEHOLD, TextKind.NAMED, (0, 10), (Segment("", 1), Segment("", 2))
    )
    got = _located(f, unit, "t")
    assert (got.location.page, got.location.line, got.location.end_line) == (1, 7, 10)
    unit = TextUnit("spec.pdf", HOUSEHOLD, TextKind.NAMED, (0, 5), (Segment("", 1), Segment("", 2)))
    got = _located(f, unit, "t")  # both on page 2: its lines 2 .. 11
    assert (got.location.page, got.location.line, got.location.end_line) == (2, 2, 11)


def test_a_text_read_in_ranges_keeps_each_table_s_extent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces and ranges of a large text (read apart, ranges in a pool) count a table's
    last row from the file's start, as its first."""
    from ethicscan.extract import stream

    for name, value in (("RANGE", 4096), ("PIECE", 1500), ("EDGE", 200), ("BLOCK", 700)):
        monkeypatch.setattr(stream, name, value)
    # 16 bytes a line: the table starts a range (after two), and a piece
    filler = "".join(f"v{i:05d} = {i:06d}\n" for i in range(512))
    (tmp_path / "big.py").write_text(filler + HOUSEHOLD + filler + filler, encoding="utf-8")
    whole = scan([str(tmp_path)], ScanOptions(jobs=1))
    f = _table_finding(list(whole.findings))
    assert (f.location.line, f.location.end_line) == (519, 528)
    for opts in (ScanOptions(jobs=1, max_file_size=1024), ScanOptions(jobs=2, max_file_size=1024)):
        got = _table_finding(list(scan([str(tmp_path)], opts).findings))
        assert _key(got) == _key(f), opts


def _key(f: Finding) -> tuple[object, ...]:
    return (f.location.line, f.location.end_line, f.rule, f.evidence.term, f.evidence.terms)


# --- every report format ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("tables")
    (root / "household.py").write_text(HOUSEHOLD, encoding="utf-8")
    return scan([str(root)], ScanOptions(jobs=1))


def _the_table(result: ScanResult) -> Finding:
    return _table_finding(list(result.findings))


def test_json_writes_both_fields_for_every_finding_and_reads_them_back(result: ScanResult) -> None:
    text = json_report.render(result)
    assert (
        text
        == json.dumps(json_report.valid(json_report.to_dict(result)), ensure_ascii=False, indent=2)
        + "\n"
    )
    doc = json.loads(text)
    rows = {(f["location"]["line"], f["rule"]): f for f in doc["findings"]}
    t = rows[(7, "ethnic-code-table")]
    assert t["location"]["end_line"] == 16
    assert t["evidence"]["terms"] == list(TABLE_TERMS)
    for f in doc["findings"]:
        if f is not t:
            assert f["location"]["end_line"] is None and f["evidence"]["terms"] == []
    assert json_report.from_dict(doc).findings == result.findings


def test_the_schema_validates_reports_with_and_without_the_fields(result: ScanResult) -> None:
    schema = json.loads(json_report.schema_text())
    doc = json.loads(json_report.render(result))
    jsonschema.Draft202012Validator(schema).validate(doc)
    conform.check(doc)
    # a report of an earlier 1.0 (no end_line, no terms) is still one, and reads back
    for f in doc["findings"]:
        del f["location"]["end_line"], f["evidence"]["terms"]
    jsonschema.Draft202012Validator(schema).validate(doc)
    conform.check(doc)
    old = json_report.from_dict(doc)
    assert all(f.location.end_line is None and f.evidence.terms == () for f in old.findings)
    # a table's terms are distinct strings, its end a line
    doc["findings"][0]["evidence"]["terms"] = ["汉族", "汉族"]
    with pytest.raises(conform.SchemaError, match="terms"):
        conform.check(doc)
    doc["findings"][0]["evidence"]["terms"] = []
    doc["findings"][0]["location"]["end_line"] = 0
    with pytest.raises(conform.SchemaError, match="end_line"):
        conform.check(doc)


def test_jsonl_lines_carry_both_fields(result: ScanResult) -> None:
    lines = [json.loads(x) for x in jsonl.render(result).splitlines()]
    t = next(x for x in lines if x.get("rule") == "ethnic-code-table")
    assert (t["location"]["end_line"], t["evidence"]["terms"]) == (16, list(TABLE_TERMS))
    schema = json.loads(json_report.schema_text())
    for x in lines[:-1]:
        conform.check(x, "finding")
        part = {"$defs": schema["$defs"], "$ref": "#/$defs/finding"}
        jsonschema.Draft202012Validator(part).validate(x)


def test_sarif_region_runs_to_the_last_row_with_the_terms(result: ScanResult) -> None:
    doc = sarif.to_dict(result, repository="")
    results = doc["runs"][0]["results"]
    t = next(r for r in results if r["ruleId"] == "ethnic-code-table")
    region = t["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"]) == (7, 12, 16)
    assert "endColumn" not in region  # to the end of the last row
    assert t["properties"]["terms"] == list(TABLE_TERMS)
    assert "code table at lines 7-16: 汉族, 蒙古族" in t["message"]["text"]
    for r in results:
        if r is not t:
            assert "endLine" not in r["locations"][0]["physicalLocation"]["region"]
            assert "terms" not in r["properties"]


def test_sarif_of_a_member_keeps_the_extent_in_its_properties(result: ScanResult) -> None:
    f = _the_table(result)
    inner = replace(f, location=replace(f.location, path="forms.zip!household.py"))
    doc = sarif.to_dict(replace(result, findings=(inner,)), repository="")
    (r,) = doc["runs"][0]["results"]
    assert r["properties"]["location"]["end_line"] == 16
    assert r["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_csv_has_the_two_columns(result: ScanResult) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_report.render(result))))
    assert list(rows[0])[-2:] == ["end_line", "terms"]
    t = next(r for r in rows if r["rule"] == "ethnic-code-table")
    assert (t["line"], t["end_line"], t["terms"]) == ("7", "16", ";".join(TABLE_TERMS))
    assert all(r["end_line"] == r["terms"] == "" for r in rows if r is not t)


def test_github_annotation_spans_the_table(result: ScanResult) -> None:
    lines = github.render(result).splitlines()
    (t,) = [x for x in lines if "ethnic-code-table" in x]
    assert ",line=7,col=12,endLine=16," in t
    assert t.endswith("code table at lines 7-16: " + ", ".join(TABLE_TERMS))
    assert not any("endLine" in x for x in lines if x is not t)


def test_the_text_table_and_html_name_the_rows(result: ScanResult) -> None:
    text = table.render(result, width=400)
    assert "(code table at lines 7-16: " + ", ".join(TABLE_TERMS) + ")" in text
    assert text.count("code table at") == 1
    page = html.render(result)
    assert '<div class="tag">code table at lines 7-16: 汉族, 蒙古族, 回族' in page
    assert page.count("code table at") == 1


def test_every_format_shows_the_last_row(result: ScanResult) -> None:
    for fmt in OutputFormat:
        out = reporter(fmt, width=400)(result)
        assert "16" in out and "维吾尔族" in out, fmt


def test_a_forged_term_is_escaped_in_html(result: ScanResult) -> None:
    f = _the_table(result)
    evil = "<script>alert(1)</script>"
    forged = replace(f, evidence=replace(f.evidence, terms=(f.evidence.term, evil)))
    page = html.render(replace(result, findings=(forged,)))
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
