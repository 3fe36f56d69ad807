"""ethicscan.names: the one reading of a file's base name, suffix and stem."""

from __future__ import annotations

import pytest

from ethicscan.names import base_name, stem, suffix


@pytest.mark.parametrize(
    ("path", "base", "ext", "first"),
    [
        ("src/face.py", "face.py", ".py", "face"),
        ("sdk.zip!libs/face.jar!com/acme/FaceAttr.CLASS", "FaceAttr.CLASS", ".class", "faceattr"),
        ("pkg.tgz!README", "README", "", "readme"),
        ("a/b.zip!c", "c", "", "c"),
        ("a!b/c.tar.gz", "c.tar.gz", ".gz", "c"),
        ("docs/.bashrc", ".bashrc", ".bashrc", ""),
        ("notes.", "notes.", ".", "notes"),
    ],
)
def test_names(path: str, base: str, ext: str, first: str) -> None:
    assert (base_name(path), suffix(path), stem(path)) == (base, ext, first)
