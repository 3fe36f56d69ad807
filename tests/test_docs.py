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
