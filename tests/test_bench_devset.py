"""The dev sets of bench/accuracy.py: the project's own file, loading several, and the
scoring of items given by their term instead of a quotation of the package."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import accuracy  # noqa: E402
from _devset import (  # noqa: E402
    Case,
    DevsetError,
    Expected,
    default_devset,
    default_devsets,
    load_all,
    load_cases,
    project_devset,
)
from accuracy import Hit, run_grep, score_case  # noqa: E402


def _case(case_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": case_id,
        "source": "pypi",
        "name": case_id,
        "version": "1.0",
        "obtain": f"pip download --no-deps -d DEST/{case_id} {case_id}==1.0",
        "artifact": f"{case_id}-1.0-py3-none-any.whl sha256 {'0' * 64}",
        "expected": items,
    }


def _write(path: Path, *cases: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"about": "generated", "cases": list(cases)}), encoding="utf-8")
    return path


ITEM = {
    "path": "m.py",
    "line": 10,
    "term": "民族",
    "category": "record",
    "argument": "a form field",
}


def _expected(**over: Any) -> Expected:
    fields: dict[str, Any] = {
        "path": "m.py",
        "token": "",
        "category": "record",
        "line": 10,
        "term": "民族",
        "argument": "a form field",
    }
    fields.update(over)
    return Expected(**fields)


def _score(item: Expected, hits: list[Hit], grep: list[Hit]) -> accuracy.Score:
    case = Case("c", "pypi", "c", "1", "x DEST/c", "c.whl", "0" * 64, (item,))
    return score_case(case, hits, {}, grep, 0.0)[0]


# --- the project's own dev set --------------------------------------------------------------


def test_project_devset_is_labels_only_and_big_enough() -> None:
    raw = json.loads(project_devset().read_text(encoding="utf-8"))
    cases = load_cases(project_devset())
    items = [e for c in cases for e in c.expected]
    assert len(cases) >= 10
    assert sum(e.category != "benign" for e in items) >= 25
    assert sum(all(e.category == "benign" for e in c.expected) for c in cases) >= 3
    # no quotation of a package: no token anywhere, each item a place, a term and a reason
    assert all("token" not in item for case in raw["cases"] for item in case["expected"])
    assert all(e.line and e.term and e.argument and not e.token for e in items)
    assert all(len(c.sha256) == 64 and "DEST/" in c.obtain for c in cases)
    assert any(accuracy.language_of(e.label) == "zh" for e in items)


def test_project_cases_are_not_in_the_shared_dev_set() -> None:
    if not default_devset().is_file():
        pytest.skip("the shared dev set is not beside this checkout")
    ids = [c.id for c in load_all(default_devsets())]  # raises on an id defined twice
    assert len(ids) == len(set(ids))
    shared = {(c.name, c.version) for c in load_cases(default_devset())}
    assert not shared & {(c.name, c.version) for c in load_cases(project_devset())}


# --- loading --------------------------------------------------------------------------------


def test_a_case_id_in_two_files_is_an_error(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.json", _case("dup", [ITEM]))
    two = _write(tmp_path / "two.json", _case("other", [ITEM]), _case("dup", [ITEM]))
    with pytest.raises(DevsetError, match="'dup'") as info:
        load_all([one, two])
    assert str(one) in str(info.value) and str(two) in str(info.value)


def test_a_case_id_twice_in_one_file_is_an_error(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.json", _case("dup", [ITEM]), _case("dup", [ITEM]))
    with pytest.raises(DevsetError, match="defined twice in"):
        load_all([one])


def test_cases_of_several_files_are_read_in_order(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.json", _case("a", [ITEM]))
    two = _write(tmp_path / "two.json", _case("b", [ITEM]), _case("c", [ITEM]))
    assert [c.id for c in load_all([one, two])] == ["a", "b", "c"]


@pytest.mark.parametrize("missing", ["line", "term", "argument"])
def test_an_item_without_token_needs_line_term_and_argument(tmp_path: Path, missing: str) -> None:
    item = {k: v for k, v in ITEM.items() if k != missing}
    path = _write(tmp_path / "d.json", _case("c", [item]))
    with pytest.raises(DevsetError, match=missing):
        load_cases(path)


def test_devset_option_repeats_and_defaults_to_both_files(tmp_path: Path) -> None:
    assert accuracy.parse_args([]).devsets == [default_devset(), project_devset()]
    args = accuracy.parse_args(["--devset", "a.json", "--devset", "b.json"])
    assert args.devsets == [Path("a.json"), Path("b.json")]


# --- scoring items given by their term ------------------------------------------------------


def test_a_finding_counts_only_with_the_expected_term() -> None:
    item = _expected()
    other = Hit("m.py", 10, "record", term="ethnicity")
    assert _score(item, [other], []).found == 0
    same = Hit("m.py", 12, "record", term="民族")
    score = _score(item, [other, same], [])
    assert (score.found, score.right_capability) == (1, 1)
    assert score.items[0].language == "zh"
    far = Hit("m.py", 10 + accuracy.WINDOW + 1, "record", term="民族")
    assert _score(item, [far], []).found == 0


def test_a_code_table_s_finding_answers_for_the_terms_of_its_rows() -> None:
    """A code table is one finding at its first row: an item on a later row, by its own
    term, is found when the finding names that term among its rows' and the item lies
    within the window of its lines."""
    item = _expected(line=20, term="维吾尔族")
    first_row_only = Hit("m.py", 10, "record", term="汉族")
    assert _score(item, [first_row_only], []).found == 0
    table = Hit("m.py", 10, "record", term="汉族", terms=("汉族", "维吾尔族"), end_line=30)
    score = _score(item, [table], [])
    assert (score.found, score.right_capability) == (1, 1)
    last = 30 + accuracy.WINDOW
    assert _score(_expected(line=last, term="维吾尔族"), [table], []).found == 1
    assert _score(_expected(line=last + 1, term="维吾尔族"), [table], []).found == 0
    assert _score(_expected(line=10 - accuracy.WINDOW - 1, term="汉族"), [table], []).found == 0
    assert _score(_expected(line=20, term="苗族"), [table], []).found == 0  # not a row's


def test_findings_carry_their_code_table_to_the_scoring(tmp_path: Path) -> None:
    rows = "".join(f'    "{i:02d}": "{name}",\n' for i, name in enumerate(GROUPS, 1))
    (tmp_path / "codes.py").write_text(f"MINZU = {{\n{rows}}}\n", encoding="utf-8")
    hits, _ = accuracy.run_ethicscan(accuracy.import_ethicscan(), tmp_path, 1)
    (table,) = [h for h in hits if h.end_line is not None]
    assert (table.line, table.end_line, table.term) == (2, 1 + len(GROUPS), "汉族")
    assert table.terms == GROUPS


GROUPS = ("汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族")


def test_terms_meet_across_case_separators_and_identifiers() -> None:
    assert accuracy.same_term("skin tone", "skinTones")
    assert accuracy.same_term("race", "race_concept_id")
    assert accuracy.same_term("ethnic", "ETHNIC_GROUP")
    assert not accuracy.same_term("race", "ethnicity")
    assert not accuracy.same_term("race", "")


def test_wrong_capability_is_judged_on_the_term_s_findings_only() -> None:
    item = _expected(term="race", category="search")
    hits = [Hit("m.py", 10, "search", term="black"), Hit("m.py", 10, "record", term="race")]
    score = _score(item, hits, [])
    assert (score.found, score.right_capability) == (1, 0)


def test_grep_counts_only_a_line_holding_the_term() -> None:
    item = _expected()
    assert _score(item, [], [Hit("m.py", 11, "grep", terms=("ethnicity",))]).grep_found == 0
    assert _score(item, [], [Hit("m.py", 11, "grep", terms=("民族", "ethnicity"))]).grep_found == 1


def test_a_benign_item_is_flagged_only_by_its_term() -> None:
    item = _expected(term="race", category="benign")
    assert _score(item, [Hit("m.py", 10, "inference", term="white")], []).benign_flagged == 0
    assert _score(item, [Hit("m.py", 10, "mention", term="race")], []).benign_flagged == 0
    assert _score(item, [Hit("m.py", 10, "inference", term="RACE")], []).benign_flagged == 1


def test_an_item_with_a_token_still_matches_by_place_alone() -> None:
    item = Expected("m.py", "RACE_LABELS", "inference", 10)
    score = _score(item, [Hit("m.py", 12, "inference", term="ethnic")], [Hit("m.py", 9, "grep")])
    assert (score.found, score.right_capability, score.grep_found) == (1, 1, 1)
    assert score.items[0].language == "en"


def test_grep_lines_carry_the_terms_on_them(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("nothing\nRace and 民族\nrace\n", encoding="utf-8")
    hits = run_grep(tmp_path, ["race", "民族", "caste"])
    assert [(h.line, h.terms) for h in hits] == [(2, ("race", "民族")), (3, ("race",))]
