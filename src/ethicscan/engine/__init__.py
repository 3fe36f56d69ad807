"""Engines run the work of a scan somewhere: on this machine (``local``) or on a
dask.distributed cluster (``dask``).  Both give the same results in the same order.

A unit of work is a file (a :class:`~ethicscan.sources.fs.FileJob`, or a folder's run
of files, :class:`~ethicscan.sources.fs.FolderFiles`, read where the engine runs it, so
a cluster needs the files on a shared file system) or a whole target string (scanned on
the worker by the library itself, so a package target such as ``pypi:NAME`` is obtained
by the worker that scans it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Protocol

from ethicscan.engine import local
from ethicscan.errors import ConfigError
from ethicscan.extract.units import Limits
from ethicscan.pipeline import FileOutcome
from ethicscan.rules.catalogue import Catalogue
from ethicscan.sources.fs import FileJob, FolderFiles

if TYPE_CHECKING:  # pragma: no cover - types only: api imports this package
    from ethicscan.api import ScanOptions
    from ethicscan.model import ScanResult

OnFile = Callable[[FileJob | FolderFiles, FileOutcome], None]


@dataclass(frozen=True, slots=True)
class TLSFiles:
    """How this machine proves itself to a ``tls://`` scheduler: PEM files of the
    certificate authority that signed the cluster's certificates, this client's
    certificate, and its key (empty when the certificate file holds it).  All empty:
    dask's own configuration (``distributed.comm.tls.*``)."""

    ca_file: str = ""
    cert: str = ""
    key: str = ""

    def __bool__(self) -> bool:
        return bool(self.ca_file or self.cert or self.key)


NO_TLS = TLSFiles()


OnTarget = Callable[[int, str, "ScanResult"], None]


class Engine(Protocol):
    """Where the work of a scan runs."""

    def files(
        self,
        jobs: Iterable[FileJob | FolderFiles],
        catalogue: Catalogue,
        rule_dirs: tuple[str, ...],
        workers: int,
        on_done: OnFile | None = None,
        limits: Limits | None = None,
    ) -> Iterator[tuple[FileJob | FolderFiles, FileOutcome]]:
        """Scan files (a folder's run of files, :class:`FolderFiles`, is read file by
        file); outcomes in the order of ``jobs``, one per file, except that the clean
        files of a folder's run may come as one (``FileOutcome.files``).  ``on_done``
        is called with each outcome as it is finished (in any order)."""
        ...

    def targets(
        self, targets: Sequence[str], options: ScanOptions, workers: int
    ) -> Iterator[tuple[int, ScanResult]]:
        """Scan whole targets, each by :func:`scan_target`; yields ``(index, result)``
        as each target is finished, in any order."""
        ...


def portable(options: ScanOptions) -> ScanOptions:
    """``options`` without its callbacks (the fields that do not shape results, such as
    ``progress``), so it can travel to another process or machine."""
    cleared: dict[str, Any] = {f.name: None for f in fields(options) if not f.compare}
    return replace(options, **cleared)


def here(options: ScanOptions) -> ScanOptions:
    """``options`` made :func:`portable`, for a scan that runs where it is (a unit on a
    worker): the local engine, no scheduler, no certificates."""
    return replace(
        portable(options), engine="local", scheduler="", tls_ca_file="", tls_cert="", tls_key=""
    )


def scan_target(target: str, options: ScanOptions, shown: str = "") -> ScanResult:
    """One whole target scanned in this process by the library (a target unit: what a
    worker runs).  Anything the library can scan works, package targets included.
    ``shown``: the target as the user gave it, when ``target`` is its absolute path (a
    worker does not share the user's working folder)."""
    from ethicscan.api import scan

    result = scan([target], here(options))
    return relabel(result, target, shown) if shown and shown != target else result


def relabel(result: ScanResult, target: str, shown: str) -> ScanResult:
    """``result`` as if the target had been given as ``shown``."""

    def display(t: str) -> str:
        return t.replace(os.sep, "/")

    return replace(
        result,
        targets=tuple(
            replace(t, target=shown) if t.target == target else t for t in result.targets
        ),
        findings=tuple(
            replace(f, location=replace(f.location, target=shown))
            if f.location.target == target
            else f
            for f in result.findings
        ),
        skipped=tuple(
            replace(
                s,
                target=shown,
                path=display(shown) if s.path == display(target) else s.path,
            )
            if s.target == target
            else s
            for s in result.skipped
        ),
        warnings=tuple(
            replace(n, target=shown) if n.target == target else n for n in result.warnings
        ),
    )


class LocalEngine:
    """This machine: one process or a process pool (:mod:`ethicscan.engine.local`)."""

    def __init__(self, scheduler: str = "", tls: TLSFiles = NO_TLS) -> None:
        if scheduler:
            raise ConfigError("--scheduler needs --engine dask")
        if tls:
            raise ConfigError("--tls-ca-file, --tls-cert and --tls-key need --engine dask")

    def files(
        self,
        jobs: Iterable[FileJob | FolderFiles],
        catalogue: Catalogue,
        rule_dirs: tuple[str, ...],
        workers: int,
        on_done: OnFile | None = None,
        limits: Limits | None = None,
    ) -> Iterator[tuple[FileJob | FolderFiles, FileOutcome]]:
        return local.run(jobs, catalogue, rule_dirs, workers, on_done, limits)

    def targets(
        self, targets: Sequence[str], options: ScanOptions, workers: int
    ) -> Iterator[tuple[int, ScanResult]]:
        if workers <= 1 or len(targets) < workers:
            # Fewer targets than workers: one at a time, each with the pool over its files.
            for i, t in enumerate(targets):
                yield i, scan_target(t, replace(options, jobs=workers))
            return
        from concurrent.futures import ProcessPoolExecutor, as_completed

        one = replace(portable(options), jobs=1)
        pool = ProcessPoolExecutor(max_workers=workers, initializer=local.die_with_parent)
        try:
            futures = {pool.submit(scan_target, t, one): i for i, t in enumerate(targets)}
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:  # stopped early (an error, Ctrl-C): drop what has not started
            pool.shutdown(wait=True, cancel_futures=True)


def _dask(scheduler: str, tls: TLSFiles = NO_TLS) -> Engine:
    try:
        from ethicscan.engine.dask import DaskEngine
    except ImportError as exc:
        raise ConfigError(
            f"--engine dask needs dask.distributed ({exc.name or exc} is not installed): "
            "pip install 'ethicscan[cluster]'"
        ) from None
    return DaskEngine(scheduler, tls)


# Every engine, by the name --engine takes; each factory takes the scheduler address and
# the certificates that reach it.
ENGINES: dict[str, Callable[[str, TLSFiles], Engine]] = {"local": LocalEngine, "dask": _dask}


def get_engine(name: str, scheduler: str = "", tls: TLSFiles = NO_TLS) -> Engine:
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ConfigError(f"unknown engine {name!r} (one of: {', '.join(ENGINES)})") from None
    return factory(scheduler, tls)
