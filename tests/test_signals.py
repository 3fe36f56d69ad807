"""A signal's name is spelled once, in ``SignalName``; the documentation lists each."""

from __future__ import annotations

import ast
from pathlib import Path

from ethicscan.classify.signals import SignalName

ROOT = Path(__file__).resolve().parent.parent


def test_every_signal_is_documented() -> None:
    text = (ROOT / "docs" / "classifier.md").read_text(encoding="utf-8")
    section = text[text.index("## Signals") : text.index("## Measured")]
    missing = [s.value for s in SignalName if f"`{s.value}`" not in section]
    assert missing == []


def test_no_signal_is_named_by_a_bare_string() -> None:
    """Every ``Signal(...)`` the package builds names a ``SignalName`` member (or a
    variable holding one), never a string literal that could drift from the list."""
    bare = []
    for path in (ROOT / "src" / "ethicscan").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Signal"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                bare.append(f"{path.name}:{node.lineno}")
    assert bare == []
