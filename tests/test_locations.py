"""Where reports say a finding's file is (SARIF uri, GitHub file=, baseline path)."""

from __future__ import annotations

import pytest

from ethicscan.locations import file_path, inner_path, is_text_line
from ethicscan.model import Location

KINDS = {
    "examples": "directory",
    "./src/": "directory",
    "/abs/sdk": "directory",
    "lib/face.h": "file",
    "pypi:facekit==1.0": "package",
}


@pytest.mark.parametrize(
    ("path", "target", "expected"),
    [
        ("police-app/x.yaml", "examples", "examples/police-app/x.yaml"),
        ("a.py", "./src/", "src/a.py"),
        ("include/face.h", "/abs/sdk", "/abs/sdk/include/face.h"),
        ("face.h", "lib/face.h", "lib/face.h"),
        ("sdk.zip!libs/a.jar!B.class", "examples", "examples/sdk.zip"),
        ("facekit-1.0.whl!facekit/attrs.py", "pypi:facekit==1.0", "facekit-1.0.whl"),
        ("loose.py", "", "loose.py"),
    ],
)
def test_file_path(path: str, target: str, expected: str) -> None:
    assert file_path(Location(path, 1, 1, target), KINDS) == expected


def test_inner_path_and_text_lines() -> None:
    chain = Location("sdk.zip!libs/a.jar!B.class", 3, 1, "examples")
    assert inner_path(chain) == "libs/a.jar!B.class"
    assert not is_text_line(chain)
    assert is_text_line(Location("a.py", 3, 1))
    assert not is_text_line(Location("spec.pdf", 3, 1, page=2))
    assert not is_text_line(Location("lib.so", 3, 1, offset=100))
