"""The kinds that cross stage boundaries, as enums, and ``assert_never`` for the
``match`` statements that dispatch on them (mypy then proves every member handled).

- :class:`TargetKind`: what a target the user named turned out to be (``Target.kind``).
- :class:`TextKind`: how the classifier reads a unit of text: as its file's name says,
  or as the extractor that made it says (a document's prose, a binary's strings ...).
"""

from __future__ import annotations

import enum
import sys

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10
    from typing_extensions import assert_never

__all__ = ["TargetKind", "TextKind", "assert_never"]


class TargetKind(str, enum.Enum):
    """What a target is.  The value is what every report writes."""

    FILE = "file"
    DIRECTORY = "directory"
    PACKAGE = "package"  # pypi:, npm:, deb: (the artefact is named on the target)
    REPOSITORY = "repository"  # a --history target
    MISSING = "missing"
    UNREADABLE = "unreadable"
    SPECIAL = "special"  # a device, FIFO or socket

    @property
    def on_disk(self) -> bool:
        """Whether a finding's path is a path below the target as the user typed it
        (a file or folder), not a path inside a package or a repository's history."""
        return self in (TargetKind.FILE, TargetKind.DIRECTORY)


class TextKind(enum.Enum):
    """How the classifier reads a unit of text (comments, definitions, what counts as
    prose or data, how far a hit reaches)."""

    NAMED = "named"  # as its file's name says: a text file, HTML, RTF
    PROSE = "prose"  # the text of a document (PDF, office): read as plain prose
    STRINGS = "strings"  # a binary's strings and symbols, one a line
    JAVA = "java"  # the declarations of a class file or DEX, written as Java
    GETTEXT = "gettext"  # the messages of a compiled gettext catalogue, as a .po file
    NOTEBOOK = "notebook"  # a Jupyter notebook, its cells' sources in place: as Python
