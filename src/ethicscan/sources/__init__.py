"""Where units come from: one module per kind of target, each a
:class:`~ethicscan.sources.interface.Source`, and :data:`SOURCES`, the table that
names the source of each :class:`~ethicscan.sources.interface.SourceKind` and the
targets it reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ethicscan.sources.fs import FileSource
from ethicscan.sources.interface import Source, SourceKind, SourceOptions
from ethicscan.sources.packages import PackageSource, is_package_target


@dataclass(frozen=True, slots=True)
class Row:
    """A kind of target: its source (a class or factory given the options and every
    target of its kind, so it may prepare them all first) and which targets of a plain
    scan are of this kind."""

    source: Callable[[SourceOptions, Sequence[str]], Source]
    accepts: Callable[[str], bool]


def _repository(options: SourceOptions, targets: Sequence[str]) -> Source:
    from ethicscan.sources.repository import HistorySource  # git: only when asked

    return HistorySource(options, targets)


def _never(_target: str) -> bool:
    return False


def _anything(_target: str) -> bool:
    return True


# Each kind of target and its source; a target is of the first kind that accepts it.
SOURCES: dict[SourceKind, Row] = {
    SourceKind.PACKAGE: Row(PackageSource, is_package_target),  # pypi:, npm:, deb:
    SourceKind.REPOSITORY: Row(_repository, _never),  # --history: every target
    SourceKind.PATH: Row(FileSource, _anything),  # anything else is a file or folder
}


def kind_of(target: str, history: bool = False) -> SourceKind:
    """Which source reads ``target``: in a history scan every target is a repository;
    otherwise the first kind of :data:`SOURCES` that accepts it (a file literally named
    ``pypi:x`` is given as ``./pypi:x``)."""
    if history:
        return SourceKind.REPOSITORY
    return next(kind for kind, row in SOURCES.items() if row.accepts(target))


def sources_for(
    targets: Sequence[str],
    options: SourceOptions,
    history: bool = False,
    chosen: Mapping[SourceKind, Source] | None = None,
) -> list[tuple[str, Source]]:
    """Each target with the source that reads it.  A source is made once for all the
    targets of its kind, in the order of the table (so package targets are all parsed,
    then all fetched, before anything is read); ``chosen``: sources made already."""
    kinds = [kind_of(t, history) for t in targets]
    made = dict(chosen or {})
    for kind, row in SOURCES.items():
        if kind in kinds and kind not in made:
            mine = [t for t, k in zip(targets, kinds, strict=True) if k is kind]
            made[kind] = row.source(options, mine)
    return [(t, made[k]) for t, k in zip(targets, kinds, strict=True)]
