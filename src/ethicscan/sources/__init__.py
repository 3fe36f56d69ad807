"""Where units come from: one module per kind of target, each a
:class:`~ethicscan.sources.interface.Source`, and :data:`SOURCES`, the table that
names the source of each :class:`~ethicscan.sources.interface.TargetKind`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ethicscan.sources.fs import FileSource
from ethicscan.sources.interface import Source, SourceOptions, TargetKind
from ethicscan.sources.packages import PackageSource, is_package_target


def _repository(options: SourceOptions, targets: Sequence[str]) -> Source:
    from ethicscan.sources.repository import HistorySource  # git: only when asked

    return HistorySource(options, targets)


# Each kind of target, by the source that reads it: a class (or factory) given the
# options and every target of its kind (a source may prepare them all first).
SOURCES: dict[TargetKind, Callable[[SourceOptions, Sequence[str]], Source]] = {
    TargetKind.PATH: FileSource,
    TargetKind.PACKAGE: PackageSource,
    TargetKind.REPOSITORY: _repository,
}


def kind_of(target: str, history: bool = False) -> TargetKind:
    """Which source reads ``target``: in a history scan every target is a repository;
    otherwise ``pypi:``, ``npm:`` and ``deb:`` name packages and anything else is a
    path (a file literally named ``pypi:x`` is given as ``./pypi:x``)."""
    if history:
        return TargetKind.REPOSITORY
    if is_package_target(target):
        return TargetKind.PACKAGE
    return TargetKind.PATH
