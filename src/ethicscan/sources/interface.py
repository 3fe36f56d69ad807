"""What every source gives a scan.  A :class:`Source` turns a target (a folder, a
package, a repository) into units: bytes the per-file pipeline reads
(:mod:`ethicscan.pipeline`), each a :class:`Unit` it can open, and skipped entries with
their reasons; nothing is left out without one.  A source that has more to do once its
units are scanned (a repository's history: which commits hold each finding) is a
:class:`Finishing` source.  :data:`ethicscan.sources.SOURCES` names the source of each
:class:`SourceKind`."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ethicscan.extract.units import Limits, Scratch
from ethicscan.model import Finding, Notice, Skipped, Target

if TYPE_CHECKING:  # pragma: no cover - types only: fs.py implements Unit
    from ethicscan.sources.fs import FileJob, FolderFiles


class SourceKind(enum.Enum):
    """Which source reads a target."""

    PATH = "path"  # a file or folder on this machine
    PACKAGE = "package"  # pypi:NAME, npm:NAME, deb:NAME: fetched, then read as a file
    REPOSITORY = "repository"  # --history: every blob a git repository's history holds


@dataclass(frozen=True, slots=True)
class Opened:
    """A unit opened: the file the pipeline reads (``job``: its path as reported,
    and where its bytes are on disk when they are not in ``data``), its size, its
    content (None: larger than the limit asked, read at ``job.fs_path``), and what to
    add to the detail of each thing the pipeline skips in it (which blob it was)."""

    job: FileJob
    size: int
    data: bytes | None
    note: str = ""


class Unit(Protocol):
    """Bytes to scan: a file on disk, a git blob.  Opening it never raises for a bad
    unit: it says why it was not read."""

    @property
    def rel_path(self) -> str:
        """The path findings report."""
        ...

    @property
    def target(self) -> str:
        """The target as the user gave it."""
        ...

    def open(self, limit: int, limits: Limits, scratch: Scratch) -> Opened | Skipped:
        """The unit's bytes, in memory up to ``limit``; a larger unit stays on disk
        (a blob is inflated into ``scratch``, bounded by ``limits``)."""
        ...


class Source(Protocol):
    """Where units come from."""

    def units(self, target: str) -> Iterator[Unit | FolderFiles | Skipped | Target]:
        """The target's units in a stable order (a folder's files may come as one
        :class:`~ethicscan.sources.fs.FolderFiles`, read where they are scanned), every
        entry not scanned as a :class:`Skipped` with its reason, and the target's
        :class:`Target` (what it turned out to be) once it is known."""
        ...


class Outcome(Protocol):
    """What the pipeline found in one unit (``pipeline.FileOutcome``)."""

    @property
    def findings(self) -> tuple[Finding, ...]: ...

    @property
    def skipped(self) -> tuple[Skipped, ...]: ...

    @property
    def notices(self) -> tuple[Notice, ...]: ...


@dataclass(frozen=True, slots=True)
class Finished:
    """A finishing source's result for one target."""

    target: Target
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    notices: tuple[Notice, ...] = ()


@runtime_checkable
class Finishing(Source, Protocol):
    """A source whose units' findings are not yet the result: it yields units only
    (what it skips and what the target is come with :meth:`finish`), and each target
    is scanned on its own."""

    def units(self, target: str) -> Iterator[Unit]: ...

    def finish(self, target: str, outcomes: Sequence[tuple[Unit, Outcome]]) -> Finished:
        """The target's result from the outcomes of its units that found or skipped
        anything (in the order of the units)."""
        ...

    def close(self) -> None:
        """Let go of what the units held open (also when the scan stops early)."""
        ...


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """What shapes the units of a target."""

    excludes: tuple[str, ...] = ()
    use_gitignore: bool | None = None  # see ScanOptions.use_gitignore
    limits: Limits = field(default_factory=Limits)
    package_cache: str | None = None
    refresh: bool = False
    on_fetch: Callable[[str], None] | None = None
    # History: the refs (all when empty) and the commit-date window to read.
    branches: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
