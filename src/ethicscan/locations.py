"""Where a finding's file is, for reports that link to files (SARIF, GitHub, HTML), and
where the code table a finding stands for runs."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from ethicscan.kinds import TargetKind, assert_never
from ethicscan.model import Finding, Location, Target


def target_kinds(targets: Iterable[Target]) -> dict[str, TargetKind]:
    return {t.target: t.kind for t in targets}


def file_path(loc: Location, kinds: dict[str, TargetKind]) -> str:
    """The file on disk that holds ``loc``, as a ``/`` path joined to its target:
    ``examples/police-app/x.yaml`` for the target ``examples``; the outer archive
    for a chain (``sdk.zip`` for ``sdk.zip!libs/a.jar!B.class``).  Relative when the
    target was given relative (the usual case in CI), absolute when it was absolute."""
    outer = loc.path.split("!", 1)[0]
    if not loc.target:
        return outer
    kind = kinds.get(loc.target, TargetKind.DIRECTORY)
    target = loc.target.replace("\\", "/")
    match kind:
        case TargetKind.FILE:
            return posixpath.normpath(target)
        case TargetKind.DIRECTORY:
            return posixpath.normpath(posixpath.join(target, outer))
        case (
            TargetKind.PACKAGE
            | TargetKind.REPOSITORY
            | TargetKind.MISSING
            | TargetKind.UNREADABLE
            | TargetKind.SPECIAL
        ):
            return outer  # a package or repository target: only the path inside is a path
        case _:
            assert_never(kind)


def inner_path(loc: Location) -> str:
    """The part of an archive chain after the outer file ("" for a plain file)."""
    _, _, rest = loc.path.partition("!")
    return rest


def is_text_line(loc: Location) -> bool:
    """True when ``line``/``column`` count lines of the file on disk itself (not of a
    member of an archive, a page of a document or the strings of a binary)."""
    return "!" not in loc.path and loc.page is None and loc.offset is None


def table_extent(f: Finding) -> str:
    """For a finding that stands for a code table's rows (``Location.end_line``,
    ``Evidence.terms``): where they run and the terms they hold, as the reports that
    write a sentence say it (``code table at lines 734-744: 汉族, 藏族, 维吾尔族``); ""
    for any other finding."""
    end, terms = f.location.end_line, f.evidence.terms
    if end is None and not terms:
        return ""
    line = f.location.line
    at = f"lines {line}-{end}" if end is not None and end != line else f"line {line}"
    return f"code table at {at}: {', '.join(terms or (f.evidence.term,))}"
