"""What a file's name says: its base name and suffix, for a path or an archive chain
(``sdk.zip!libs/face.jar!com/a/B.class``).  The one place these are spelled out."""

from __future__ import annotations


def base_name(path: str) -> str:
    """The last part of ``path`` after a ``/`` or a ``!`` (as it is, not lower-cased)."""
    return path.rsplit("/", 1)[-1].rsplit("!", 1)[-1]


def suffix(path: str) -> str:
    """The lower-cased suffix of the base name, with its dot (``.py``), or ``""``."""
    base = base_name(path).lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def stem(path: str) -> str:
    """The lower-cased base name up to its first dot (``readme`` for ``README.md``)."""
    return base_name(path).lower().split(".", 1)[0]
