"""The cluster engine: work units shipped to dask.distributed workers, results gathered
as they finish and put back in job order, so a cluster scan equals a local one.

- Files travel in batches (up to :data:`BATCH_FILES` files or :data:`BATCH_BYTES`
  bytes a task) so scheduler overhead stays small; a worker reads them by their path,
  so every worker needs the same file system (a shared one) as this machine.
- A function over items (a corpus job's whole targets, each scanned on the worker by
  the library, so a package target is obtained by the worker) travels as it pickles.
- The catalogue never travels: each worker process compiles it once (cached by the
  content of the rule files, see :func:`ethicscan.rules.catalogue.load_catalogue`) from
  its own copy of ethicscan and the rule folders (:class:`~ethicscan.pipeline.Work`).
  A worker whose catalogue differs from this machine's (its content digest, not only
  its version) stops the scan with an error.

Without a scheduler address a :class:`distributed.LocalCluster` is started on this
machine: worker processes, one thread each, on loopback only, and on TLS with a key and
certificate made for this scan alone (:func:`private_security`): a scheduler or worker
runs whatever it is sent, so another user of the machine must not be able to send it
anything.  No dashboard, and the small HTTP servers dask starts anyway serve no page (only an
empty site map).

A scheduler given by address is trusted: its workers run the code this client sends, and
this client unpickles what they send back.  A ``tls://`` address is reached with the
certificates in :class:`~ethicscan.engine.TLSFiles` (or dask's configuration).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

import dask.config
from distributed import Client, LocalCluster, as_completed
from distributed.security import Security

from ethicscan.engine import NO_TLS, OnDone, R, T, TLSFiles
from ethicscan.engine.local import Job, one_by_one
from ethicscan.errors import ConfigError, EthicscanError
from ethicscan.pipeline import FileOutcome, Work, same_catalogue
from ethicscan.sources.fs import FileJob

BATCH_FILES = 64
BATCH_BYTES = 8 * 1024 * 1024
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler


def batches(jobs: Sequence[FileJob], threads: int = 1) -> list[tuple[FileJob, ...]]:
    """Consecutive jobs grouped into tasks of at most BATCH_FILES files and (unless a
    single file is larger) BATCH_BYTES bytes, and small enough that each of ``threads``
    worker threads gets about four tasks (a few large tasks would leave workers idle)."""
    most = max(1, min(BATCH_FILES, -(-len(jobs) // (4 * max(1, threads)))))
    out: list[tuple[FileJob, ...]] = []
    cur: list[FileJob] = []
    size = 0
    for job in jobs:
        if cur and (len(cur) >= most or size + job.size > BATCH_BYTES):
            out.append(tuple(cur))
            cur, size = [], 0
        cur.append(job)
        size += job.size
    if cur:
        out.append(tuple(cur))
    return out


def scan_batch(batch: tuple[FileJob, ...], work: Work) -> tuple[tuple[str, str], list[FileOutcome]]:
    """What a worker runs for a batch of files: the catalogue it used (version and
    content digest), and one outcome per file."""
    return work.used, [work(job) for job in batch]


def private_security() -> Security:
    """A self-signed key and certificate made now, for one cluster: its scheduler,
    workers and nannies listen on TLS and accept only a peer that holds them (mutual
    TLS), so nothing can connect without them.  They are kept in memory and handed to
    the worker processes through their private pipes; dask writes them to a private
    temporary folder (mode 0700) for the instant it loads them."""
    try:
        security: Security = Security.temporary()
    except ImportError:
        raise ConfigError(
            "--engine dask without --scheduler needs the cryptography package to make the "
            "local cluster's certificate: pip install 'ethicscan[cluster]'"
        ) from None
    return security


# The HTTP servers a scheduler and each worker start whatever they are told serve these
# pages (health, metrics, worker lists, call stacks): a local cluster serves none.
NO_PAGES: dict[str, list[str]] = {
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
}


def local_cluster(workers: int, processes: bool = True) -> LocalCluster:
    """A cluster on this machine: ``workers`` workers of one thread each, reachable on
    loopback only and only with the cluster's own certificate (:func:`private_security`;
    a :class:`Client` given the cluster uses it), no dashboard (the scheduler's HTTP
    server, which it always starts, takes a free loopback port instead of 8787 and serves
    no page)."""
    with dask.config.set(NO_PAGES):  # read as the servers start, and by each nanny
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            protocol="tls",
            security=private_security(),
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


def security_for(scheduler: str, tls: TLSFiles) -> Security | None:
    """How to reach ``scheduler``: for a ``tls://`` address, the certificates given, or
    dask's configuration when none is; None (dask's configuration) otherwise."""
    if not scheduler.startswith("tls://"):
        return None
    for option, path in (
        ("--tls-ca-file", tls.ca_file),
        ("--tls-cert", tls.cert),
        ("--tls-key", tls.key),
    ):
        if path and not os.path.isfile(path):
            raise ConfigError(f"{option} {path}: no such file")
    if not tls:
        security = Security()  # dask's configuration, distributed.comm.tls.*
        mine = security.get_tls_config_for_role("client")
        if not (mine["ca_file"] and mine["cert"]):
            raise ConfigError(
                f"--scheduler {scheduler}: a tls:// scheduler needs --tls-ca-file and "
                "--tls-cert (and --tls-key unless the certificate file holds the key), or "
                "dask's distributed.comm.tls configuration"
            )
        return security
    if not (tls.ca_file and tls.cert):
        raise ConfigError(
            "--tls-ca-file and --tls-cert go together (--tls-key too, unless the "
            "certificate file holds the key)"
        )
    return Security(
        require_encryption=True,
        tls_ca_file=tls.ca_file,
        tls_client_cert=tls.cert,
        tls_client_key=tls.key or None,
    )


class DaskEngine:
    """Runs units on a dask.distributed cluster (``scheduler`` = ``tcp://HOST:PORT`` or
    ``tls://HOST:PORT`` with ``tls``) or, without an address, on a LocalCluster started
    for the scan."""

    elsewhere = True

    def __init__(self, scheduler: str = "", tls: TLSFiles = NO_TLS) -> None:
        self.scheduler = scheduler
        self.security = security_for(scheduler, tls)

    @contextlib.contextmanager
    def _client(self, workers: int) -> Iterator[Client]:
        if self.scheduler:
            try:
                client = Client(
                    self.scheduler,
                    timeout=CONNECT_TIMEOUT,
                    set_as_default=False,
                    security=self.security,
                )
            except (OSError, TimeoutError) as exc:
                raise EthicscanError(
                    f"cannot reach the dask scheduler at {self.scheduler}: {exc}"
                ) from None
            with client:
                yield client
            return
        with local_cluster(workers) as cluster, Client(cluster, set_as_default=False) as client:
            yield client

    def run(
        self,
        units: Iterable[Job],
        work: Work,
        workers: int,
        on_done: OnDone | None = None,
    ) -> Iterator[tuple[Job, FileOutcome]]:
        jobs: list[FileJob] = []
        for job in one_by_one(units):  # sized, before anything is sent
            if not isinstance(job, FileJob):
                raise ConfigError(
                    f"--engine dask reads files on disk, and {job.rel_path} is not one "
                    "(a history's blobs run on this machine)"
                )
            jobs.append(job)
        if not jobs:
            return
        ready: dict[int, tuple[tuple[FileJob, ...], list[FileOutcome]]] = {}
        following = 0  # the next batch to hand out, in job order
        # Workers do not share this process's working folder: paths travel absolute.
        sent = replace(work, rule_dirs=tuple(os.path.abspath(d) for d in work.rule_dirs))
        with self._client(workers) as client:
            tasks = batches(
                [replace(j, fs_path=os.path.abspath(j.fs_path)) for j in jobs],
                sum(client.nthreads().values()),
            )
            starts = [0]
            for t in tasks[:-1]:
                starts.append(starts[-1] + len(t))
            futures = client.map(scan_batch, tasks, work=sent, pure=False)
            index = {fut.key: i for i, fut in enumerate(futures)}
            finished = as_completed(futures, loop=client.loop, with_results=True)
            del futures  # as_completed holds each until it is read, then it is released
            for fut, (used, outcomes) in finished:
                same_catalogue(work.catalogue, used)
                i = index.pop(fut.key)
                batch = tuple(jobs[starts[i] : starts[i] + len(tasks[i])])
                if on_done:
                    for job, out in zip(batch, outcomes, strict=True):
                        on_done(job, out)
                ready[i] = (batch, outcomes)
                while following in ready:
                    done_batch, done_outcomes = ready.pop(following)
                    yield from zip(done_batch, done_outcomes, strict=True)
                    following += 1

    def map(
        self, fn: Callable[[T, int], R], items: Sequence[T], workers: int
    ) -> Iterator[tuple[int, R]]:
        if not items:
            return
        with self._client(workers) as client:
            futures = client.map(fn, list(items), jobs=1, pure=False)
            index = {fut.key: i for i, fut in enumerate(futures)}
            finished = as_completed(futures, loop=client.loop, with_results=True)
            del futures
            for fut, result in finished:
                yield index.pop(fut.key), result
