"""Docs generated from the code never drift: docs/rules.md is the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ethicscan.cli import main
from ethicscan.rules.catalogue import load_default_catalogue

REGENERATE = "ethicscan rules --format markdown > docs/rules.md"


def test_rules_md_is_generated(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    generated = capsys.readouterr().out
    committed = (repo_root / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, f"docs/rules.md is out of date: run `{REGENERATE}`"


def test_rules_md_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    main(["rules", "--format", "markdown"])
    out = capsys.readouterr().out
    for rule in load_default_catalogue().rules:
        assert f"## `{rule.id}`" in out
        assert rule.rationale in out


def test_pre_commit_hook(repo_root: Path) -> None:
    import yaml

    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["ethicscan"]
    hook = hooks[0]
    assert hook["entry"] == "ethicscan scan" and hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert re.search(hook["exclude"], "sub/.ethicscan-baseline.json")
    assert not re.search(hook["exclude"], "src/ethicscan_baseline.py")


def _requirement_names(repo_root: Path) -> set[str]:
    """The distribution names pyproject.toml requires, at run time and in every extra."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {re.split(r"[<>=!~;\[ ]", s, maxsplit=1)[0].lower() for s in specs}


def test_dependencies_md_names_every_dependency_with_its_bound(repo_root: Path) -> None:
    """docs/dependencies.md says why for each library pyproject.toml requires, with the
    same lower bound."""
    doc = (repo_root / "docs" / "dependencies.md").read_text(encoding="utf-8").lower()
    project = (repo_root / "pyproject.toml").read_text(encoding="utf-8").lower()
    for name in sorted(_requirement_names(repo_root)):
        assert name in doc, f"docs/dependencies.md does not mention {name}"
        bound = re.search(rf'"{re.escape(name)}>=([0-9][0-9.]*)', project)
        if bound:
            assert f"{name} >= {bound.group(1)}" in doc, f"{name}: not >= {bound.group(1)}"


DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_markdown_tables_are_whole(repo_root: Path, page: str) -> None:
    """Every table row sits in a table (a header and a --- line above it) and has as
    many cells as the header: a row cut off from its table renders as text."""
    lines = (repo_root / "docs" / page).read_text(encoding="utf-8").splitlines()

    def cells(line: str) -> int:
        return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))

    fenced = False
    width = 0  # cells of the table being read; 0: not in a table
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not line.startswith("|"):
            width = 0
            continue
        if width == 0:
            below = lines[i + 1] if i + 1 < len(lines) else ""
            assert re.fullmatch(r"\|( *:?-+:? *\|)+", below.strip()), (
                f"docs/{page}:{i + 1}: a table row outside a table"
            )
            width = cells(line)
        assert cells(line) == width, f"docs/{page}:{i + 1}: {cells(line)} cells, not {width}"
