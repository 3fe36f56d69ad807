"""Run the per-file pipeline over units on this machine: one process, or a pool of
processes that gives the same results in the same order."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from typing import Any

from ethicscan import interrupt
from ethicscan.extract.units import Limits
from ethicscan.pipeline import (
    FileOutcome,
    Raw,
    Split,
    Work,
    compact,
    expanded,
    merge_parts,
    split_large,
)
from ethicscan.sources.fs import FileJob, FolderFiles
from ethicscan.sources.interface import Unit

POOL_MIN_FILES = 16  # below this a pool costs more than it saves


_work: Work | None = None  # a pool worker's


def die_with_parent() -> None:
    """Make this pool worker end when the process that started it dies, even by
    SIGKILL (the OOM killer, ``kill -9``): otherwise it waits for work forever.  On
    Linux the kernel sends the signal (``PR_SET_PDEATHSIG``); elsewhere a thread
    watches for the parent to change."""
    parent = os.getppid()
    libc = _glibc()
    if libc and libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it died before the call
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="ethicscan-parent-watch", daemon=True).start()


def _init_worker(work: Work, turns: Any) -> None:
    global _work
    die_with_parent()
    interrupt.worker_handlers()
    _work = replace(work, gate=InTurns(turns))
    work.ready()


HEAVY = 2 * 1024 * 1024  # bytes from which the pool's workers read files in turns
HEAVY_WAIT = 60.0  # seconds a worker waits for a turn, at most


def heavy_turns(workers: int) -> int:
    """How many of ``workers`` may explore large files at once: half of them (one of
    two), so that the rest read small files beside them."""
    return max(1, workers // 2)


class InTurns:
    """The pool's gate (:data:`ethicscan.pipeline.Gate`): a file of HEAVY bytes or more
    (a binary, an archive, a document: large texts are read in ranges, and clean ones
    never reach it) is explored in one of the pool's turns (``lock``: a lock or a
    semaphore the workers share, of :func:`heavy_turns`), so that the workers' largest
    files do not all meet (a 54 MB pickle of names took 180 MB of a worker, an APK's DEX
    files 140 MB), and the memory it freed goes back to the system before another
    starts.  A worker waits at most HEAVY_WAIT seconds, then reads its file anyway: the
    scan goes on if another's file never ends."""

    def __init__(self, lock: Any) -> None:
        self.lock = lock

    @contextlib.contextmanager
    def __call__(self, size: int) -> Iterator[None]:
        if size < HEAVY:
            yield
            return
        held = self.lock.acquire(timeout=HEAVY_WAIT)
        try:
            yield
        finally:
            _trim()
            if held:
                self.lock.release()


Job = Unit | FolderFiles  # a unit, or a folder's run of files read where they are scanned


def _scan_batch_in_worker(batch: list[Job]) -> list[Raw | list[Raw | Split]]:
    """A batch of files and folders' files: one answer per file, a list per folder.
    A SIGTERM or SIGHUP stops it as an exception (:func:`interrupt.task`)."""
    with interrupt.task():
        return _scan_batch(batch)


def _scan_batch(batch: list[Job]) -> list[Raw | list[Raw | Split]]:
    assert _work is not None
    out: list[Raw | list[Raw | Split]] = []
    read = 0
    for unit in batch:
        if isinstance(unit, FolderFiles):
            answers = _work.folder(unit)
            read += sum(a.job.size if isinstance(a, Split) else _size(a) for a in answers)
            out.append(answers)
        else:
            o = compact(_work(unit))
            read += _size(o)
            out.append(o)
    if read > 4 * 1024 * 1024 and _resident() > TRIM_ABOVE:
        _trim()
    return out


def _size(raw: Raw) -> int:
    return raw if isinstance(raw, int) else raw.bytes


TRIM_ABOVE = 96 * 1024 * 1024  # a worker's resident size above which freed memory goes back


def _resident() -> int:
    """This process's resident size in bytes (Linux); elsewhere, as if always large."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return TRIM_ABOVE + 1


def _trim() -> None:
    """Give memory freed by large texts back to the system (glibc keeps it in its
    heap otherwise, and a long-lived worker's resident size only grows).  Only past
    TRIM_ABOVE: memory handed back is faulted in again when the next text needs it,
    which cost a tenth of the workers' time when done after every large batch."""
    libc = _glibc()
    if libc:
        libc.malloc_trim(0)


def _glibc() -> Any:
    """The C library when it is glibc (``prctl``, ``malloc_trim``), else False."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
            _libc.prctl  # noqa: B018 - Linux glibc has both
        except (OSError, AttributeError):  # not Linux with glibc
            _libc = False
    return _libc


_libc: Any = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


AHEAD = 16_384  # files the walk may be ahead of the scan
CHUNK_JOBS = 256  # files handed from the walk's thread at a time


def _files(unit: Job) -> int:
    return len(unit.names) if isinstance(unit, FolderFiles) else 1


def _ahead(jobs: Iterable[Job], limit: int = AHEAD) -> Iterator[Job]:
    """``jobs`` pulled by a thread of its own up to about ``limit`` files ahead: the
    walk runs while files are scanned, its count (the progress bar's total) is soon
    complete, and memory stays bounded however many files there are.  Units cross in
    chunks (a queue's locks cost more than a unit's walk), flushed every 20 ms on a
    slow file system."""
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, limit // CHUNK_JOBS))
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pull() -> None:
        try:
            chunk: list[Job] = []
            files = 0
            flushed = time.monotonic()
            for job in jobs:
                chunk.append(job)
                files += _files(job)
                if files >= CHUNK_JOBS or time.monotonic() - flushed > 0.02:
                    if not put(("jobs", chunk)):
                        return
                    chunk, files = [], 0
                    flushed = time.monotonic()
            if chunk and not put(("jobs", chunk)):
                return
            put(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))

    t = threading.Thread(target=pull, name="ethicscan-walk", daemon=True)
    t.start()
    try:
        while True:
            kind, item = q.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield from item
    finally:
        stop.set()
        t.join(timeout=1)


# Files per batch sent to a worker: the first batches small (a small scan still has
# one for each worker), then doubling up to BATCH_FILES (each batch costs both sides
# a round of messages: 1,024 files a batch took 7% less CPU than 128) ...
BATCH_FIRST = 64
BATCH_FILES = 1024
BATCH_BYTES = 16 * 1024 * 1024  # ... or bytes (when known), whichever comes first
# Batches finished but not yet given out, in order, at most (a slow file at the head
# holds the ones after it; memory stays bounded).
HELD_BATCHES = 64

Item = tuple[Job, Job]  # (what the walk gave, what a worker is sent: it, or a range)


def _batches(jobs: Iterable[Job], limits: Limits, even: int = 0) -> Iterator[list[Item]]:
    """Units in batches: a large text of known size as several ranges (split_large),
    a folder's files as they are.  ``even``: that many units a batch, for a list
    whose length is known (else small first, then larger)."""
    batch: list[Item] = []
    files = size = 0
    most = even or BATCH_FIRST
    for job in jobs:
        units: list[Job] = list(split_large(job, limits)) if isinstance(job, FileJob) else [job]
        for unit in units:
            batch.append((job, unit))
            files += _files(unit)
            if isinstance(job, FileJob):
                size += max(0, job.size) // len(units)
            if files >= most or size >= BATCH_BYTES:
                yield batch
                batch, files, size = [], 0, 0
                most = even or min(BATCH_FILES, 2 * most)
    if batch:
        yield batch


def one_by_one(jobs: Iterable[Job]) -> Iterator[Unit]:
    """A folder's run of files as a job each, with its size; other units as they are."""
    for job in jobs:
        if isinstance(job, FolderFiles):
            yield from job.jobs()
        else:
            yield job


def run(
    units: Iterable[Job],
    work: Work,
    workers: int,
    on_done: Callable[[Job, FileOutcome], None] | None = None,
) -> Iterator[tuple[Job, FileOutcome]]:
    """``work`` over every unit; outcomes in the order of ``units``, whatever the
    number of workers.  ``units`` may be a stream (the walk): work starts with its
    first files.  The clean files of a folder's run (:class:`FolderFiles`) may come as
    one outcome (``files`` says how many); every other unit as its own."""
    limits = work.limits
    it = iter(units) if isinstance(units, Sequence) else _ahead(units)
    first: list[Job] = []
    if workers > 1:
        count = 0
        for unit in it:
            first.append(unit)
            count += _files(unit)
            if count >= POOL_MIN_FILES:
                break
        else:  # a small scan: sizes decide whether a pool is worth it
            first = list(one_by_one(first))
    if workers <= 1 or (
        sum(map(_files, first)) < POOL_MIN_FILES
        and all(not isinstance(j, FileJob) or j.size <= limits.stream_above for j in first)
    ):
        for unit in one_by_one(itertools.chain(first, it)):
            out = work(unit)
            if on_done:
                on_done(unit, out)
            yield unit, out
        return
    work.warm_up()
    # A list is cut in even batches, about eight for each worker.
    even = (
        max(1, min(BATCH_FIRST, len(units) // (workers * 8))) if isinstance(units, Sequence) else 0
    )
    batches = _batches(itertools.chain(first, it), limits, even)
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(work, context.BoundedSemaphore(heavy_turns(workers))),
    ) as pool:
        try:
            for unit, out in _in_order(pool, batches, workers):
                if on_done:
                    on_done(unit, out)
                yield unit, out
        except BaseException:
            if interrupt.stopping():  # SIGTERM or SIGHUP: the workers stop and clean up
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """SIGTERM to each of the pool's workers (only the main process got the signal)."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for pid in list(processes):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


def _in_order(
    pool: ProcessPoolExecutor, batches: Iterator[list[Item]], workers: int
) -> Iterator[tuple[Job, FileOutcome]]:
    """Each file's outcome, in the order of the batches, with at most ``4 * workers``
    batches running and HELD_BATCHES finished ones held (``map`` would submit
    everything at once).  A large text a worker finds in a folder comes back as its
    ranges, sent to the pool in turn; the pool is kept fed while they run."""
    window = 4 * workers
    slots: deque[tuple[list[Item], Future[list[Raw | list[Raw | Split]]]]] = deque()
    running: set[Future[Any]] = set()
    more = True

    def feed() -> None:
        nonlocal more
        running.difference_update([f for f in running if f.done()])
        while more and len(running) < window and len(slots) < HELD_BATCHES:
            batch = next(batches, None)
            if batch is None:
                more = False
                return
            fut = pool.submit(_scan_batch_in_worker, [u for _, u in batch])
            slots.append((batch, fut))
            running.add(fut)

    def wait_for(futs: Sequence[Future[Any]]) -> None:
        while True:
            feed()
            left = [f for f in futs if not f.done()]
            if not left:
                return
            # (only futures not done: one that is would end the wait at once, a spin)
            wait([*left, *running], return_when=FIRST_COMPLETED)

    def ranges(split: Split) -> FileOutcome:
        futs = [pool.submit(_scan_batch_in_worker, [p]) for p in split.parts]
        running.update(futs)
        wait_for(futs)
        return merge_parts(split.job, [expanded(f.result()[0]) for f in futs])  # type: ignore[arg-type]

    feed()
    pending: list[FileOutcome] = []
    while slots:
        batch, fut = slots[0]
        wait_for([fut])
        slots.popleft()
        for (job, unit), raw in zip(batch, fut.result(), strict=True):
            if isinstance(unit, FolderFiles):
                assert isinstance(raw, list)
                yield from _folder_outcomes(unit, raw, ranges)
                continue
            assert not isinstance(raw, list)
            out = expanded(raw)
            part = unit.part if isinstance(unit, FileJob) else None
            if part is None:
                yield job, out
                continue
            pending.append(out)
            if part[0] + 1 == part[1]:
                assert isinstance(job, FileJob)
                yield job, merge_parts(job, pending)
                pending = []
        feed()


def _folder_outcomes(
    folder: FolderFiles, raws: list[Raw | Split], ranges: Callable[[Split], FileOutcome]
) -> Iterator[tuple[Job, FileOutcome]]:
    """A folder's answers in order: its clean files as one outcome, the others each
    with its own job."""
    clean = size = 0
    for name, raw in zip(folder.names, raws, strict=True):
        if isinstance(raw, int):
            clean += 1
            size += raw
        elif isinstance(raw, Split):
            yield raw.job, ranges(raw)
        else:
            yield folder.job(name, raw.bytes), raw
    if clean:
        yield folder, FileOutcome((), (), size, clean, files=clean)
