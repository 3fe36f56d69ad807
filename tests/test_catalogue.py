"""rules.catalogue: the built-in rules load and validate; user rule folders extend them
and every mistake in a rule file is a ConfigError that names the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from ethicscan.errors import ConfigError
from ethicscan.model import Trait
from ethicscan.rules.catalogue import (
    Catalogue,
    Term,
    load_catalogue,
    load_default_catalogue,
    rule_documents,
)

CUSTOM = """\
rules:
  - id: custom-caste
    trait: ethnicity
    name: Caste
    summary: Caste recorded or inferred.
    rationale: >-
      Caste is descent-based
      and protected.
    refs: [gdpr-9]
    kind: field
    terms:
      - caste
      - {text: 种姓, gloss: caste}
"""


@pytest.fixture(scope="module")
def builtin() -> Catalogue:
    return load_default_catalogue()


def test_builtin_catalogue_loads(builtin: Catalogue) -> None:
    assert builtin.version
    assert builtin.sources == ("builtin",)
    assert len(builtin.rules) >= 10
    assert builtin.terms.size > 0
    assert builtin.context.size > 0
    assert load_default_catalogue() is builtin  # compiled once per process
    assert load_catalogue() is builtin


def test_every_rule_is_complete(builtin: Catalogue) -> None:
    for rule in builtin.rules:
        assert rule.refs, rule.id
        assert rule.rationale.strip(), rule.id
        assert rule.name.strip(), rule.id
        assert rule.terms, rule.id
        for ref in rule.refs:
            assert ref.id in builtin.refs
            assert ref.title.strip()


def test_every_non_english_term_has_a_gloss(builtin: Catalogue) -> None:
    for rule in builtin.rules:
        for term in rule.terms:
            assert term.text.strip()
            assert term.rule_id == rule.id
            assert term.trait is rule.trait
            if term.lang != "en":
                assert term.gloss.strip(), f"{rule.id}: {term.text!r} has no gloss"


def test_rule_ids_are_unique(builtin: Catalogue) -> None:
    ids = [r.id for r in builtin.rules]
    assert len(ids) == len(set(ids))


def test_lookup_by_id(builtin: Catalogue) -> None:
    first = builtin.rules[0]
    assert builtin.rule(first.id) is first
    with pytest.raises(KeyError):
        builtin.rule("no-such-rule")


def test_builtin_terms_are_matched(builtin: Catalogue) -> None:
    payloads = [m.key.payload for m in builtin.terms.find("int emRace; // 种族")]
    assert {p.trait for p in payloads if isinstance(p, Term)} == {Trait.RACE}


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_folder_adds_a_rule(tmp_path: Path, builtin: Catalogue) -> None:
    _write(tmp_path / "rules", "caste.yml", CUSTOM)
    cat = load_catalogue([tmp_path / "rules"])
    assert cat is not builtin
    assert len(cat.rules) == len(builtin.rules) + 1
    assert cat.version == builtin.version + "+custom"
    assert cat.sources == ("builtin", str(tmp_path / "rules" / "caste.yml"))
    rule = cat.rule("custom-caste")
    assert rule.trait is Trait.ETHNICITY
    assert rule.rationale == "Caste is descent-based and protected."
    assert [r.id for r in rule.refs] == ["gdpr-9"]
    assert [(t.text, t.lang, t.gloss, t.kind.value) for t in rule.terms] == [
        ("caste", "en", "", "field"),
        ("种姓", "zh", "caste", "field"),
    ]
    found = [m.key.payload for m in cat.terms.find("user_caste = 1  # 种姓")]
    custom = [p.text for p in found if isinstance(p, Term) and p.rule_id == "custom-caste"]
    assert custom == ["caste", "种姓"]  # beside the built-in caste rule's own terms
    # the built-in catalogue is not changed by a custom one
    assert "custom-caste" not in {r.id for r in load_default_catalogue().rules}


def test_rule_documents_reads_yml_and_yaml_sorted(tmp_path: Path) -> None:
    _write(tmp_path, "b.yaml", "rules: []\n")
    _write(tmp_path, "a.yml", "rules: []\n")
    _write(tmp_path, "notes.txt", "not a rule file")
    docs = rule_documents([tmp_path])
    assert [Path(src).name for src, _ in docs] == ["a.yml", "b.yaml"]


def test_rules_folder_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        load_catalogue([tmp_path / "missing"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("rules: [\n  - id: x\n", "not valid YAML", id="bad-yaml"),
        pytest.param("- a\n- b\n", "expected a mapping at the top", id="top-level-list"),
        pytest.param(
            CUSTOM.replace("[gdpr-9]", "[&law gdpr-9, *law]"),
            "YAML aliases (*name) are not allowed in rule files",
            id="alias",
        ),
        pytest.param("rulez: []\n", "unknown key(s): rulez", id="unknown-top-key"),
        pytest.param(
            CUSTOM.replace("    summary:", "    colour: red\n    summary:"),
            "unknown rule key(s): colour",
            id="unknown-rule-key",
        ),
        pytest.param(
            CUSTOM.replace("{text: 种姓, gloss: caste}", "{text: 种姓, gloss: caste, weight: 2}"),
            "unknown term key(s): weight",
            id="unknown-term-key",
        ),
        pytest.param(
            CUSTOM.replace("gloss: caste}", "gloss: caste, needs: [idcard]}"),
            "'idcard' is not one of: face",
            id="unknown-needs-category",
        ),
        pytest.param(
            CUSTOM.replace("trait: ethnicity", "trait: disability"),
            "'disability' is not one of: race",
            id="unknown-trait",
        ),
        pytest.param(
            CUSTOM.replace("[gdpr-9]", "[gdpr-9, no-such-law]"),
            "unknown ref(s): no-such-law",
            id="unknown-ref",
        ),
        pytest.param(
            CUSTOM.replace("{text: 种姓, gloss: caste}", "{text: 种姓}"),
            "term '种姓' needs an English 'gloss'",
            id="missing-gloss",
        ),
        pytest.param(
            CUSTOM.replace("{text: 种姓, gloss: caste}", "{text: zhongxing, lang: pinyin}"),
            "term 'zhongxing' needs an English 'gloss'",
            id="missing-gloss-pinyin",
        ),
        pytest.param(
            CUSTOM.replace("{text: 种姓, gloss: caste}", "{text: caste2, lang: fr}"),
            "lang 'fr' is not en, zh or pinyin",
            id="unknown-lang",
        ),
        pytest.param(
            CUSTOM.replace("kind: field", "kind: colour"),
            "'colour' is not one of: word",
            id="unknown-kind",
        ),
        pytest.param(
            CUSTOM.replace("    name: Caste\n", ""), "missing key 'name'", id="missing-name"
        ),
        pytest.param(
            CUSTOM.replace("  - id: custom-caste\n    trait", "  - trait"),
            "missing key 'id'",
            id="missing-id",
        ),
        pytest.param(
            CUSTOM.replace(
                "    terms:\n      - caste\n      - {text: 种姓, gloss: caste}\n", "    terms: []\n"
            ),
            "no terms",
            id="no-terms",
        ),
        pytest.param(
            CUSTOM.replace("      - caste\n", "      - {text: ''}\n"),
            "'text' must be a non-empty string",
            id="empty-text",
        ),
        pytest.param(
            CUSTOM.replace("custom-caste", "race-attribute"),
            "rule id 'race-attribute' is defined twice",
            id="duplicate-id",
        ),
    ],
)
def test_bad_rule_file_raises_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "rules", "bad.yml", text)
    with pytest.raises(ConfigError) as info:
        load_catalogue([tmp_path / "rules"])
    assert message in str(info.value)
    if "defined twice" not in message:
        assert str(path) in str(info.value)  # the message says which file


def test_empty_rule_file_adds_nothing(tmp_path: Path, builtin: Catalogue) -> None:
    _write(tmp_path, "empty.yml", "")
    cat = load_catalogue([tmp_path])
    assert [r.id for r in cat.rules] == [r.id for r in builtin.rules]
