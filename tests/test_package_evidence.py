"""Evidence across the files of one package: a name model's data (classify/package.py).

The texts are written here, in the shape of a package that estimates race from surnames
and of a survey package that only records it."""

from __future__ import annotations

from pathlib import Path

from ethicscan.api import ScanOptions, scan, scan_text
from ethicscan.classify.package import SIGNAL
from ethicscan.model import Basis, Capability

PREDICT = '''"""Estimate race and ethnicity from a person's last name with a trained model."""


def predict_race(last_name, model, labels):
    """Predict the race of each last name: one probability per race label."""
    probs = model.predict_proba([last_name])[0]
    race = labels[int(probs.argmax())]
    return {"last_name": last_name, "race": race, "race_probability": float(probs.max())}
'''

SURVEY = '''def save_answers(db, respondent_id, answers):
    """Store one respondent's answers to the census questionnaire."""
    db.insert("answers", {"respondent": respondent_id, "race": answers["race"]})
'''

LABELS = """{
  "classes": ["asian", "black", "hispanic", "white"],
  "race": ["asian", "black", "hispanic", "white"]
}
"""


def _scan(root: Path) -> dict[str, set[tuple[Capability, Basis | None]]]:
    result = scan([str(root)], ScanOptions(jobs=1))
    out: dict[str, set[tuple[Capability, Basis | None]]] = {}
    for f in result.findings:
        out.setdefault(f.location.path, set()).add((f.capability, f.basis))
    return out


def _package(root: Path, name: str, code: str) -> None:
    (root / name / "models").mkdir(parents=True)
    (root / name / "model.py").write_text(code, encoding="utf-8")
    (root / name / "models" / "labels.json").write_text(LABELS, encoding="utf-8")


def test_the_labels_of_a_name_model_are_its_inference(tmp_path: Path) -> None:
    _package(tmp_path, "namerace", PREDICT)
    found = _scan(tmp_path)
    assert found["namerace/models/labels.json"] == {(Capability.INFERENCE, Basis.NAME)}
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    labels = [f for f in result.findings if f.location.path.endswith("labels.json")]
    assert all(SIGNAL in {s.name for s in f.signals} for f in labels)


def test_the_same_labels_beside_code_that_only_records_stay_records(tmp_path: Path) -> None:
    _package(tmp_path, "survey", SURVEY)
    found = _scan(tmp_path)
    assert found["survey/models/labels.json"] == {(Capability.RECORD, None)}


def test_a_name_model_in_one_package_leaves_another_package_alone(tmp_path: Path) -> None:
    _package(tmp_path, "namerace", PREDICT)
    _package(tmp_path, "survey", SURVEY)
    found = _scan(tmp_path)
    assert found["namerace/models/labels.json"] == {(Capability.INFERENCE, Basis.NAME)}
    assert found["survey/models/labels.json"] == {(Capability.RECORD, None)}


# A statistics package's table (a Stata file's header, its variables' names and labels
# among binary numbers): a name model's probabilities per race of a first name.
STATA_TABLE = (
    bytes(range(8)) * 4
    + b"<stata_dta><header><release>118</release></header>\x00firstname\x00\x00"
    + b"race of the first name: white, black, hispanic, asian\x00"
    + bytes(range(200, 256)) * 3
)


def test_a_name_model_statistics_table_is_its_inference(tmp_path: Path) -> None:
    for name, code in (("namerace", PREDICT), ("survey", SURVEY)):
        _package(tmp_path, name, code)
        (tmp_path / name / "tables").mkdir()
        (tmp_path / name / "tables" / "firstname_probs.dta").write_bytes(STATA_TABLE)
    found = _scan(tmp_path)
    assert found["namerace/tables/firstname_probs.dta"] == {(Capability.INFERENCE, Basis.NAME)}
    assert (Capability.INFERENCE, Basis.NAME) not in found["survey/tables/firstname_probs.dta"]


# A test of the package's output: the race fields of a response it builds and checks.
TEST_OF_OUTPUT = """def test_response_fields():
    response = build_response({"gender": "F", "race": "W_NL", "raceAlt": "B_NL"})
    assert response.race is not None
    assert response.race_alt is not None
"""


def test_a_name_model_package_tests_check_its_inference(tmp_path: Path) -> None:
    for name, code in (("namerace", PREDICT), ("survey", SURVEY)):
        _package(tmp_path, name, code)
        (tmp_path / name / "tests").mkdir()
        (tmp_path / name / "tests" / "test_output.py").write_text(TEST_OF_OUTPUT, "utf-8")
    found = _scan(tmp_path)
    assert found["namerace/tests/test_output.py"] == {(Capability.INFERENCE, Basis.NAME)}
    assert (Capability.INFERENCE, Basis.NAME) not in found["survey/tests/test_output.py"]


CATALOGUE = """traits:
  - race: racial or ethnic origin
  - skin colour: colour of the skin
  - ethnicity: ethnic group
  - religion: religious or philosophical beliefs
  - political opinion: political views
  - trade union: trade union membership
  - sexual orientation: sex life or sexual orientation
"""


def test_a_catalogue_of_categories_in_a_name_model_package_stays_a_catalogue(
    tmp_path: Path,
) -> None:
    _package(tmp_path, "namerace", PREDICT)
    (tmp_path / "namerace" / "categories.yml").write_text(CATALOGUE, encoding="utf-8")
    found = _scan(tmp_path)
    assert found["namerace/categories.yml"] == {(Capability.MENTION, None)}


def test_documentation_alone_does_not_make_a_name_model_package(tmp_path: Path) -> None:
    doc = "".join(
        f"def check_{i}(findings):\n"
        f'    """Does a package predict race from a last name with a trained model?"""\n'
        f"    return len(findings) > {i}\n\n\n"
        for i in range(4)
    )
    _package(tmp_path, "labels_only", doc)
    found = _scan(tmp_path)
    assert (Capability.INFERENCE, Basis.NAME) not in found["labels_only/models/labels.json"]


def test_one_line_of_code_is_not_a_name_model(tmp_path: Path) -> None:
    one_line = (
        "RESULT = {'race': model.predict(last_name), 'ethnicity': model.predict(last_name),"
        " 'religion': model.predict(last_name)}\n"
    )
    _package(tmp_path, "oneliner", one_line)
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    code = [f for f in result.findings if f.location.path.endswith("model.py")]
    assert len(code) >= 3 and {f.location.line for f in code} == {1}
    assert all(f.basis is Basis.NAME for f in code)
    found = _scan(tmp_path)
    assert found["oneliner/models/labels.json"] == {(Capability.RECORD, None)}


README = """# Sample data

This package ships with the data its examples use. Each row of the sample holds a
respondent's answers, race among them, as the questionnaire asked it.

The output table gives the ethnicity score of each last name.
"""


def test_the_readme_of_a_name_model_documents_its_inference(tmp_path: Path) -> None:
    """A line of the package's description that speaks of the model's input or output
    documents the inference; a line that does not stays what it reads as alone."""
    for name, code in (("namerace", PREDICT), ("survey", SURVEY)):
        _package(tmp_path, name, code)
        (tmp_path / name / "README.md").write_text(README, encoding="utf-8")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))

    def at(path: str, line: int) -> set[tuple[Capability, Basis | None]]:
        return {
            (f.capability, f.basis)
            for f in result.findings
            if f.location.path == path and f.location.line == line
        }

    assert at("namerace/README.md", 6) == {(Capability.INFERENCE, Basis.NAME)}
    assert Capability.INFERENCE not in {c for c, _ in at("namerace/README.md", 4)}
    assert Capability.INFERENCE not in {c for c, _ in at("survey/README.md", 4)}


INIT = '''"""namerace: race and ethnicity by the patterns of people's names.

Also helps with the census tables of surnames: see ``census``.
"""

__version__ = "1.0"
'''


def test_a_module_docstring_of_a_name_model_documents_its_inference(tmp_path: Path) -> None:
    """The docstring of a name model's module that speaks of names or of the model is
    documentation of the inference, as a line of its README is; the same docstring in
    a package that only records the trait stays a mention."""
    for name, code in (("namerace", PREDICT), ("survey", SURVEY)):
        _package(tmp_path, name, code)
        (tmp_path / name / "__init__.py").write_text(
            INIT.replace("namerace", name), encoding="utf-8"
        )
    found = _scan(tmp_path)
    assert found["namerace/__init__.py"] == {(Capability.INFERENCE, Basis.NAME)}
    assert found["survey/__init__.py"] == {(Capability.MENTION, None)}


FEATURES = '''import pandas as pd


def tract_features(acs: pd.DataFrame) -> pd.DataFrame:
    """The share of each race in a census tract, the geography half of the estimate."""
    out = pd.DataFrame(index=acs.index)
    out["race_share_black"] = acs["B02001_003E"] / acs["B02001_001E"]
    out["race_share_white"] = acs["B02001_002E"] / acs["B02001_001E"]
    return out
'''


def test_a_name_models_features_of_the_trait_are_its_inference(tmp_path: Path) -> None:
    # another module of the package builds the census features the race estimate reads:
    # a record read alone, the name model's machinery in its package
    _package(tmp_path, "namerace", PREDICT)
    (tmp_path / "namerace" / "features.py").write_text(FEATURES, encoding="utf-8")
    (tmp_path / "survey" / "models").mkdir(parents=True)
    (tmp_path / "survey" / "features.py").write_text(FEATURES, encoding="utf-8")
    found = _scan(tmp_path)
    assert found["namerace/features.py"] == {(Capability.INFERENCE, Basis.NAME)}
    assert Capability.INFERENCE not in {c for c, _ in found["survey/features.py"]}


def test_a_package_whose_tests_alone_infer_keeps_its_records(tmp_path: Path) -> None:
    # a records system whose test posts names and checks a predicted race: the test
    # infers, its modules only keep the person's race (the features module stands for one)
    (tmp_path / "registry" / "tests").mkdir(parents=True)
    (tmp_path / "registry" / "tests" / "test_predict.py").write_text(PREDICT, "utf-8")
    shares = FEATURES.replace(", the geography half of the estimate", "")
    (tmp_path / "registry" / "features.py").write_text(shares, encoding="utf-8")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    tests = {f.capability for f in result.findings if "tests/" in f.location.path}
    fields = {
        f.capability
        for f in result.findings
        if f.location.path == "registry/features.py" and f.evidence.term == "race"
    }
    assert Capability.INFERENCE in tests
    assert fields == {Capability.RECORD, Capability.MENTION}  # (its labels are its data)


VALIDATE = '''def check_input(df, race_col="race", key="id"):
    """Check the input frame before the estimate is made."""
    if race_col not in df.columns:
        df[race_col] = None
    return df
'''


def test_the_column_of_declared_race_in_a_name_model_stays_a_record(tmp_path: Path) -> None:
    # the parameter that names where the input keeps people's own race (to check the
    # guesses against) is declared data, whatever the package guesses beside it
    _package(tmp_path, "namerace", PREDICT)
    (tmp_path / "namerace" / "validate.py").write_text(VALIDATE, encoding="utf-8")
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    setting = [
        f
        for f in result.findings
        if f.location.path == "namerace/validate.py" and f.location.line == 1
    ]
    assert setting, "the column's parameter is found"
    assert {f.capability for f in setting} == {Capability.RECORD}
    # (the package is still a name model's: its labels are its inference)
    labels = {f.capability for f in result.findings if f.location.path.endswith("labels.json")}
    assert labels == {Capability.INFERENCE}


FAITH_FROM_NAMES = '''"""How likely a person's full name is a Muslim name, from its surname."""

SCORE_COLUMN = "muslim_score"


def predict(full_names, model):
    """Return the model's probability that each full name is a Muslim name."""
    probs = model.predict_proba(full_names)
    return [{"full name": n, "muslim": float(p)} for n, p in zip(full_names, probs[:, 1])]
'''


def test_a_faith_a_model_guesses_from_names_is_inferred_by_name() -> None:
    # a religion's label from a model, in a module whose input is people's names: a
    # faith guessed from a name (which makes its package a name model's, above)
    found = scan_text(FAITH_FROM_NAMES, "naam/score.py")
    labels = [f for f in found if f.evidence.term.lower() == "muslim" and f.location.line > 1]
    assert labels
    assert {(f.capability, f.basis) for f in labels} == {(Capability.INFERENCE, Basis.NAME)}
