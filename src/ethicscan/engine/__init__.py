"""Engines run the work of a scan somewhere: on this machine (``local``) or on a
dask.distributed cluster (``dask``).  Both give the same results in the same order.
An engine only runs what it is handed:

- units through the per-file pipeline (:class:`~ethicscan.pipeline.Work`): a
  :class:`~ethicscan.sources.interface.Unit` (a file, a git blob) or a folder's run of
  files (:class:`~ethicscan.sources.fs.FolderFiles`), read where the engine runs it, so
  a cluster needs the files on a shared file system;
- any function over items (a corpus job's whole targets), as each finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ethicscan.engine import local
from ethicscan.engine.local import Job
from ethicscan.errors import ConfigError
from ethicscan.pipeline import FileOutcome, Work

T = TypeVar("T")
R = TypeVar("R")
OnDone = Callable[[Job, FileOutcome], None]


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


class Engine(Protocol):
    """Where the work of a scan runs."""

    # Whether the work runs where this process's working folder and files may not be
    # (another machine): what it is handed travels with absolute paths.
    elsewhere: bool

    def run(
        self,
        units: Iterable[Job],
        work: Work,
        workers: int,
        on_done: OnDone | None = None,
    ) -> Iterator[tuple[Job, FileOutcome]]:
        """``work`` over every unit (a folder's run of files is read file by file);
        outcomes in the order of ``units``, one per unit, except that the clean files
        of a folder's run may come as one (``FileOutcome.files``).  ``on_done`` is
        called with each outcome as it is finished (in any order)."""
        ...

    def map(
        self, fn: Callable[[T, int], R], items: Sequence[T], workers: int
    ) -> Iterator[tuple[int, R]]:
        """``fn(item, jobs)`` for every item (``fn`` and the items must pickle), where
        ``jobs`` is how many processes the item may use where it runs; yields
        ``(index, result)`` as each is finished, in any order."""
        ...


class LocalEngine:
    """This machine: one process or a process pool (:mod:`ethicscan.engine.local`)."""

    elsewhere = False

    def __init__(self, scheduler: str = "", tls: TLSFiles = NO_TLS) -> None:
        if scheduler:
            raise ConfigError("--scheduler needs --engine dask")
        if tls:
            raise ConfigError("--tls-ca-file, --tls-cert and --tls-key need --engine dask")

    def run(
        self,
        units: Iterable[Job],
        work: Work,
        workers: int,
        on_done: OnDone | None = None,
    ) -> Iterator[tuple[Job, FileOutcome]]:
        return local.run(units, work, workers, on_done)

    def map(
        self, fn: Callable[[T, int], R], items: Sequence[T], workers: int
    ) -> Iterator[tuple[int, R]]:
        if workers <= 1 or len(items) < workers:
            # Fewer items than workers: one at a time, each with all the workers.
            for i, item in enumerate(items):
                yield i, fn(item, workers)
            return
        from concurrent.futures import ProcessPoolExecutor, as_completed

        pool = ProcessPoolExecutor(max_workers=workers, initializer=local.die_with_parent)
        try:
            futures = {pool.submit(fn, item, 1): i for i, item in enumerate(items)}
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


def check_engine(name: str) -> None:
    """A :class:`ConfigError` unless ``name`` is one of :data:`ENGINES`."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r} (one of: {', '.join(ENGINES)})")


def get_engine(name: str, scheduler: str = "", tls: TLSFiles = NO_TLS) -> Engine:
    check_engine(name)
    return ENGINES[name](scheduler, tls)
