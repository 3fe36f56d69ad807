"""Evidence across the files of one package.

A file is classified on its own, from the structure it sits in.  One thing only shows
across files: a model's data.  A package whose code infers race or ethnicity from
people's names keeps the model's class labels, priors and surname tables in data files
beside it (``models/lstm/labels.json``, ``data/census/surnames.parquet``) and its label
set in a module (``RACES = ("asian", "black", "hispanic", "white")``).  Read alone,
such a table is a record of race; in that package it is the data the inference runs on,
and the judges of the labelled corpus call it inference; so is the package's README, which
documents the inference ("predicts race from a last name").  This pass, run once over a
scan's findings, says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from ethicscan.classify.signals import SignalName
from ethicscan.model import Basis, Capability, Finding, Severity, Signal, Trait
from ethicscan.names import stem, suffix

# Traits a model over names predicts together: race, ethnicity, named groups, religion
# (a class of such models: "Jewish", "Muslim") and caste (from Indian surnames).
NAME_MODEL_TRAITS = frozenset(
    {Trait.RACE, Trait.ETHNICITY, Trait.ETHNIC_GROUP, Trait.RELIGION, Trait.CASTE}
)
# Lines of a package's code with an inference by name that make it a name model's package
# (lines, not findings: one line listing four traits is one line).
MIN_CODE_FINDINGS = 3
# Files of data a model is shipped with: tables, label maps, serialised arrays.
DATA_SUFFIXES = frozenset(
    {
        ".json",
        ".yaml",
        ".yml",
        ".toml",
        ".csv",
        ".tsv",
        ".parquet",
        ".feather",
        ".arrow",
        ".pkl",
        ".pickle",
        ".joblib",
        ".npy",
        ".npz",
        ".h5",
        ".hdf5",
        # statistics packages' and spreadsheets' tables (Stata, SPSS, SAS, R, Excel)
        ".dta",
        ".sav",
        ".sas7bdat",
        ".rds",
        ".rda",
        ".rdata",
        ".xlsx",
        ".xls",
        ".ods",
    }
)
CODE_SUFFIXES = frozenset(
    {".py", ".pyx", ".js", ".mjs", ".cjs", ".ts", ".java", ".kt", ".go", ".rs", ".r", ".jl"}
)
# The package's own description: its README and the metadata that carries it (a wheel's
# METADATA, an sdist's PKG-INFO), and its documentation pages.
DOC_SUFFIXES = frozenset({".md", ".rst", ".markdown"})
DOC_NAMES = frozenset({"metadata", "pkg-info", "readme", "description"})
# What a line of the description says of the model: its input (names) or its output.
_OF_THE_MODEL = re.compile(
    r"(?i)\b(?:(?:sur|last[ _-]?|first[ _-]?|given[ _-]?|full[ _-]?)?names?|model\w*|classif\w*"
    r"|predict\w*|estimat\w*|guess\w*|infer\w*|scores?|probabilit\w*|precision|recall)\b"
)
# A file of a package's tests: under a tests folder, or named for a test.
_TEST_PATH = re.compile(r"(?:^|/)(?:tests?|testing)/|(?:^|/)test_[^/]*$|_test\.\w+$")
SIGNAL = SignalName.DATA_OF_A_NAME_MODEL.value
CATALOGUE = SignalName.CATALOGUE_OF_PROTECTED_CATEGORIES.value


def package_of(f: Finding) -> str:
    """The package a finding belongs to: its target and the archive it is in, or the
    first folder of its path in a folder target."""
    path = f.location.path
    head = path.split("!", 1)[0] if "!" in path else path.split("/", 1)[0]
    return f"{f.location.target}\x1f{head}"


def _model_data(f: Finding, modules_infer: bool = True) -> bool:
    """Is ``f`` a record or mention in a data file, or a record of the trait in code
    (the model's label set, its features, its output; only its labels when
    ``modules_infer`` is false, the inference being only in its tests)?"""
    if _has(f, CATALOGUE):
        return False  # a list of the protected categories is no model's label set
    if _has(f, SignalName.COLUMN_NAME_SETTING.value):
        # ``race_col="race"``: where the input keeps people's own race, to check the
        # guesses against or to train on; declared data, not the model's
        return False
    ext = suffix(f.location.path)
    if ext in DATA_SUFFIXES:
        return f.capability in (Capability.RECORD, Capability.MENTION)
    if _describes_package(f.location.path):
        # a line of the description that itself speaks of the model or of names
        return f.capability in (Capability.RECORD, Capability.MENTION) and bool(
            _OF_THE_MODEL.search(f.evidence.snippet)
        )
    if ext in CODE_SUFFIXES and _TEST_PATH.search(f.location.path.rsplit("!", 1)[-1]):
        # its tests: the model's inputs and outputs, built and checked
        return f.capability in (Capability.RECORD, Capability.MENTION)
    if ext in CODE_SUFFIXES and f.capability is Capability.MENTION:
        # a docstring or comment of its code that speaks of the model or of names: the
        # module's documentation of its inference, as its README's line is
        return bool(_OF_THE_MODEL.search(f.evidence.snippet))
    # a record of the trait in its code: the model's label set, its features (a census
    # table's share of each race beside the surname's), its output's columns; where only
    # its tests infer, its labels alone
    return (
        ext in CODE_SUFFIXES
        and f.capability is Capability.RECORD
        and (modules_infer or _has(f, SignalName.VALUE_SET.value))
    )


def _describes_package(path: str) -> bool:
    """Is ``path`` the package's description (README, METADATA, PKG-INFO) or a page of
    its documentation?  There the model's output is what the text is about: "guesses a
    person's race from the last name" documents the inference, it mentions no one."""
    return suffix(path) in DOC_SUFFIXES or stem(path) in DOC_NAMES


def _has(f: Finding, signal: str) -> bool:
    return any(s.name == signal for s in f.signals)


def name_model_data(findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with the records and mentions of race or ethnicity in the data
    files and the description of a package whose code infers them from names, and the
    labels its code records, raised to inference by name."""
    lines: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for f in findings:
        if (
            f.capability is Capability.INFERENCE
            and f.basis is Basis.NAME
            and f.trait in NAME_MODEL_TRAITS
            and suffix(f.location.path) in CODE_SUFFIXES
            and not _has(
                f, SignalName.IN_COMMENT_OR_DOC.value
            )  # code that runs, not its documentation
        ):
            lines[package_of(f)].add((f.location.path, f.location.line))
    inferring = {p: len(at) for p, at in lines.items()}
    models = {p for p, n in inferring.items() if n >= MIN_CODE_FINDINGS}
    if not models:
        return list(findings)
    # a package whose own modules infer, not only its tests (a police system's test that
    # posts a person's name is no model): its other modules' records are the model's
    modules = {
        p
        for p, at in lines.items()
        if sum(1 for path, _ in at if not _TEST_PATH.search(path.rsplit("!", 1)[-1]))
        >= MIN_CODE_FINDINGS
    }
    out = []
    for f in findings:
        if (
            f.trait in NAME_MODEL_TRAITS
            and package_of(f) in models
            and _model_data(f, package_of(f) in modules)
        ):
            n = inferring[package_of(f)]
            f = replace(
                f,
                capability=Capability.INFERENCE,
                basis=Basis.NAME,
                severity=Severity.MEDIUM,
                signals=(
                    *f.signals,
                    Signal(SIGNAL, 0.0, f"inferences by name on {n} lines of its code"),
                ),
            )
        out.append(f)
    return out
