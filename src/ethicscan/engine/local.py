"""Run the per-file pipeline over units on this machine: one process, or a pool of
processes that gives the same results in the same order."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import mmap
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from ethicscan import interrupt
from ethicscan.extract.units import Limits
from ethicscan.pipeline import (
    FileOutcome,
    Later,
    NoTurn,
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

if TYPE_CHECKING:  # (multiprocessing and concurrent.futures are imported for a pool only:
    # a scan in one process does without them, some 18 ms of a command's start)
    from concurrent.futures import Future, ProcessPoolExecutor

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


def _init_worker(work: Work, room: Any, state: Any, size: int) -> None:
    global _work
    die_with_parent()
    interrupt.worker_handlers()
    _work = replace(work, gate=InTurns(room, state, size))
    work.ready()


HEAVY = 2 * 1024 * 1024  # bytes from which the pool's workers read files in turns
HEAVY_WAIT = 60.0  # seconds a worker waits for a turn, at most
# Memory the large files being explored may take at once, by their estimates
# (:func:`ethicscan.extract.footprint.footprint`), for each of :func:`heavy_turns`:
# beside the parent (about 60 MB) and the workers' own (about 50 MB each), two
# workers stay under 300 MB.
ROOM = 128 * 1024 * 1024


def heavy_turns(workers: int) -> int:
    """How many ROOMs ``workers`` share for their large files: one for two workers,
    half as many as the workers with more."""
    return max(1, workers // 2)


def room_for(state: Any, size: int, need: int, waits: bool, sent: int = 0) -> bool:
    """Whether a large file whose exploring may take ``need`` bytes fits now in the
    room of ``size`` bytes that :class:`InTurns` keeps in ``state``, beside the files
    of ``sent`` bytes sent to the workers and not yet in the room."""
    used, claim = int(state[0]) + sent, int(state[1])
    if claim == need or waits:
        # (its own claim: files are told apart by their estimates; a worker that
        # waits heeds none, or two would wait for a third still to be sent)
        claim = 0
    return (used == 0 and claim == 0) or used + claim + need <= size


class Claims:
    """The parent's side of the room the pool's workers share (:class:`InTurns`):
    whether a large file put off fits now, and its claim on the room."""

    def __init__(self, room: Any, state: Any, size: int) -> None:
        self.room = room
        self.state = state
        self.size = size

    def fits(self, need: int, sent: int = 0, claimed: bool = False) -> bool:
        """Beside ``sent`` bytes sent and not yet in the room; ``claimed``: the claimant
        is among them."""
        return room_for(self.state, self.size, need, claimed, sent)

    def claim(self, need: int) -> None:
        """The file of ``need`` bytes goes before the others put off (no large file
        starts unless it fits beside it too)."""
        with self.room:
            self.state[1] = need


def to_send(
    needs: Sequence[int],
    claims: Claims,
    most: int,
    sizes: Sequence[int] = (),
    waiting: int = 0,
) -> list[int]:
    """Which of the files put off (``needs``: their estimates, in the order they were
    put off; ``sizes``: their sizes, the same by default) to send to the workers now,
    at most ``most``: the largest (by size, then estimate: what takes longest) claims
    the room and goes first (a 54 MB pickle put off behind smaller files, read last,
    left the other worker idle for its 1.5 s), and each other one when it fits beside
    it and those chosen before it.  ``waiting``: the estimate of a file that claimed
    the room and was sent, not yet in the room: while the claim is still its, none is
    sent and the claim stays (claimed for the next largest, the room turned the first
    away when it came, and each in turn: five files put off again in a row)."""
    if not needs or (waiting and int(claims.state[1]) == waiting):
        return []
    sizes = sizes or needs
    order = sorted(range(len(needs)), key=lambda k: (sizes[k], needs[k]), reverse=True)
    claims.claim(needs[order[0]])
    chosen: list[int] = []
    taken = 0
    for k in order:
        if len(chosen) >= most:
            break
        if claims.fits(needs[k], taken, claimed=bool(chosen) and chosen[0] == order[0]):
            chosen.append(k)
            taken += needs[k]
    return chosen


class InTurns:
    """The pool's gate (:data:`ethicscan.pipeline.Gate`): a file of HEAVY bytes or more
    (a binary, an archive, a document: large texts are read in ranges, and clean ones
    never reach it) is explored when its estimated memory fits in the room left by the
    large files the other workers explore, or when no other is explored: two libraries
    of 30 MB go together, a 54 MB pickle of names (180 MB of a worker once) or an APK's
    DEX files (140 MB) alone.  ``state``: two integers the workers share under the
    condition ``room``: the bytes taken, and the estimate of the first file that found
    no room, or of the largest put off (:func:`to_send`; its claim: no other large file
    put off when it finds no room starts unless it fits beside it too, so that it is
    not passed over until the end); ``size``: the room, bytes.

    The memory a file freed goes back to the system before its room is given back.  A
    worker waits at most HEAVY_WAIT seconds, then reads its file anyway: the scan goes
    on if another's file never ends.  With ``waits`` False, a file with no room now
    raises :class:`~ethicscan.pipeline.NoTurn` instead (the worker reads others first)."""

    def __init__(self, room: Any, state: Any, size: int) -> None:
        self.room = room
        self.state = state  # [bytes taken, bytes claimed]
        self.size = size
        self.waits = True

    @contextlib.contextmanager
    def __call__(self, size: int, estimate: Callable[[], int]) -> Iterator[None]:
        if size < HEAVY:
            yield
            return
        need = estimate()
        if need <= 0:  # not read whole: nothing to wait for
            yield
            return
        held = self._take(need, size)
        try:
            yield
        finally:
            _trim()
            if held:
                self._give(need)

    def _fits(self, need: int) -> bool:
        return room_for(self.state, self.size, need, self.waits)

    def _take(self, need: int, size: int = 0) -> bool:
        with self.room:
            if not self._fits(need):
                if not self.state[1]:
                    self.state[1] = need
                if not self.waits:
                    raise NoTurn(need, size)
                deadline = time.monotonic() + HEAVY_WAIT
                while not self._fits(need):
                    left = deadline - time.monotonic()
                    if left <= 0:  # read anyway, its room not taken
                        if self.state[1] == need:
                            self.state[1] = 0
                        return False
                    self.room.wait(left)
            if self.state[1] == need:
                self.state[1] = 0
            self.state[0] += need
            return True

    def _give(self, need: int) -> None:
        with self.room:
            self.state[0] -= need
            self.room.notify_all()

    @contextlib.contextmanager
    def deferring(self) -> Iterator[None]:
        """Inside: a file with no room raises NoTurn rather than waiting."""
        self.waits = False
        try:
            yield
        finally:
            self.waits = True


Job = Unit | FolderFiles  # a unit, or a folder's run of files read where they are scanned


Answer = Raw | Later | list[Raw | Split | Later]  # a worker's, for each unit of a batch


def _scan_batch_in_worker(batch: list[Job], put_off: bool = True) -> list[Answer]:
    """A batch of files and folders' files: one answer per file, a list per folder.
    A SIGTERM or SIGHUP stops it as an exception (:func:`interrupt.task`)."""
    with interrupt.task():
        return _scan_batch(batch, put_off)


def _scan_batch(batch: list[Job], put_off: bool = True) -> list[Answer]:
    """Each unit of ``batch`` in order.  ``put_off``: a large file for which the other
    workers' large files leave no room now comes back as :class:`Later` (the pool sends
    it again, and this worker goes on with its batch and the next) instead of waiting."""
    assert _work is not None
    gate = _work.gate
    out: list[Answer] = []
    read = 0
    with gate.deferring() if put_off and isinstance(gate, InTurns) else contextlib.nullcontext():
        for unit in batch:
            if isinstance(unit, FolderFiles):
                answers = _work.folder(unit)
                read += sum(_read(a) for a in answers)
                out.append(answers)
                continue
            try:
                o = compact(_work(unit))
            except NoTurn as no:
                out.append(Later("", no.need, no.size))
                continue
            read += _size(o)
            out.append(o)
    _after_batch(read, gate)
    return out


def _after_batch(read: int, gate: object) -> None:
    """Give freed memory back after a batch that read more than 4 MB, past TRIM_ABOVE;
    past TRIM_BESIDE while another worker explores a file that takes half the room or
    more (a worker reading small files at 87 MB beside name2nat's pickle at 162 took
    the tree to 299 MB: most of it was what its earlier files had left)."""
    if read <= 4 * 1024 * 1024:
        return
    most = TRIM_ABOVE
    if isinstance(gate, InTurns) and 2 * int(gate.state[0]) >= gate.size:
        most = TRIM_BESIDE
    if _resident() > most:
        _trim()


def _read(answer: Raw | Split | Later) -> int:
    if isinstance(answer, Split):
        return answer.job.size
    return 0 if isinstance(answer, Later) else _size(answer)


def _size(raw: Raw) -> int:
    return raw if isinstance(raw, int) else raw.bytes


TRIM_ABOVE = 96 * 1024 * 1024  # a worker's resident size above which freed memory goes back
TRIM_BESIDE = 64 * 1024 * 1024  # ... while another explores a large file (_after_batch)


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
PACE_FROM = 64  # files read from which a folder's run of files counts as bytes
# Batches finished but not yet given out, in order, at most (a slow file at the head
# holds the ones after it; memory stays bounded).
HELD_BATCHES = 64

Item = tuple[Job, Job]  # (what the walk gave, what a worker is sent: it, or a range)


class Pace:
    """The files and bytes the pool has read so far: a folder's run of files, whose
    sizes the walk does not know, counts as that many average files, so that a batch
    holds about BATCH_BYTES (a corpus of binaries of 100 KB a file in batches of 1,024
    files left one worker with a batch of 12 s while the other had none)."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def count(self, answers: list[Answer]) -> None:
        """A finished batch's answers (what was put off counts when it is read)."""
        for answer in answers:
            for raw in answer if isinstance(answer, list) else (answer,):
                if not isinstance(raw, Later):
                    self.files += 1 if isinstance(raw, Split) else expanded(raw).files
                    self.bytes += _read(raw)

    def most(self, files: int) -> int:
        """At most ``files`` files, fewer when as many average files would be more
        than BATCH_BYTES."""
        if self.files < PACE_FROM or self.bytes <= 0:
            return files
        return max(1, min(files, BATCH_BYTES * self.files // self.bytes))


def _batches(
    jobs: Iterable[Job], limits: Limits, even: int = 0, pace: Pace | None = None
) -> Iterator[list[Item]]:
    """Units in batches: a large text of known size as several ranges (split_large),
    a folder's files as they are.  ``even``: that many units a batch, for a list
    whose length is known (else small first, then larger, and no more than ``pace``
    says make BATCH_BYTES)."""
    pace = pace or Pace()
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
            if files >= (even or pace.most(most)) or size >= BATCH_BYTES:
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
    pace = Pace()
    batches = _batches(itertools.chain(first, it), limits, even, pace)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context()
    state, room = _shared_ints(context, 2), ROOM * heavy_turns(workers)  # (InTurns)
    claims = Claims(context.Condition(), state, room)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(work, claims.room, state, room),
    ) as pool:
        try:
            # (forked, every worker starts with the first task, the prefilter with it)
            pool.submit(int)
            if context.get_start_method() == "fork":
                work.let_go()
                _trim()  # (their memory is in glibc's heap)
            for unit, out in _in_order(pool, batches, workers, pace, claims):
                if on_done:
                    on_done(unit, out)
                yield unit, out
        except BaseException:
            if interrupt.stopping():  # SIGTERM or SIGHUP: the workers stop and clean up
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _shared_ints(context: Any, n: int) -> Any:
    """``n`` integers the pool's workers share: memory mapped by no file when they are
    forked (a RawArray's arena is a file, written in /dev/shm), else a RawArray (which
    travels to a spawned worker)."""
    if context.get_start_method() == "fork":
        return memoryview(mmap.mmap(-1, 8 * n)).cast("q")
    return context.RawArray("q", n)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """SIGTERM to each of the pool's workers (only the main process got the signal)."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for pid in list(processes):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


def _in_order(
    pool: ProcessPoolExecutor,
    batches: Iterator[list[Item]],
    workers: int,
    pace: Pace,
    claims: Claims,
) -> Iterator[tuple[Job, FileOutcome]]:
    """Each file's outcome, in the order of the batches, with at most ``2 * workers``
    batches running (one waiting for each worker: a batch is made when it is sent,
    as large as ``pace`` says by the batches finished so far) and HELD_BATCHES finished
    ones held (``map`` would submit everything at once).  A large text a worker finds
    in a folder comes back as its ranges, sent to the pool in turn; the pool is kept
    fed while they run.  A large file a worker put off (:class:`Later`) is sent again,
    one a task, the largest first, once ``claims`` says there is room for it (the
    workers read the walk's next batches meanwhile; once the walk has none left, as
    many as there are workers free of them), or, when nothing is running, to be read
    alone."""
    from concurrent.futures import FIRST_COMPLETED, wait

    window = 2 * workers
    slots: deque[tuple[list[Item], Future[list[Answer]]]] = deque()
    running: set[Future[Any]] = set()
    sent: dict[Future[Any], list[Job]] = {}  # a batch's units, until it is done
    # a batch's files put off, sent again (None: not yet), and those not yet sent
    again: dict[Future[Any], list[Future[list[Answer]] | None]] = {}
    parked: list[Parked] = []
    walking: set[Future[Any]] = set()  # the walk's batches sent, not done
    claimant: list[tuple[Future[Any], int]] = []  # the file put off that claimed the room
    more = True

    def feed() -> None:
        nonlocal more
        done = [f for f in running if f.done()]
        running.difference_update(done)
        walking.difference_update(done)
        for f in done:
            units = sent.pop(f, None)
            if f.cancelled() or f.exception() is not None:
                continue
            pace.count(f.result())
            off = _put_off(units, f.result()) if units is not None else []
            if off:
                again[f] = [None] * len(off)
                parked.extend((f, i, *later) for i, later in enumerate(off))
        while more and len(walking) < window and len(slots) < HELD_BATCHES:
            batch = next(batches, None)
            if batch is None:
                more = False
                break
            fut = send([u for _, u in batch], True)
            slots.append((batch, fut))
            walking.add(fut)
        unpark(len(slots) >= HELD_BATCHES)

    def unpark(now: bool) -> None:
        """Send the files put off that there is room for (``now``: all, to wait): one
        at a time while the walk has batches left, the largest first once it has none,
        as many as there are workers not busy with them."""
        if now:
            for f, i, unit, *_ in parked:
                again[f][i] = send([unit], False)
            parked.clear()
            return
        most = workers - len(running) if not more else 1
        waiting = claimant[0][1] if claimant and not claimant[0][0].done() else 0
        needs = [p[3] for p in parked]
        chosen = to_send(needs, claims, most, [p[4] for p in parked], waiting)
        for k in chosen:
            f, i, unit, *_ = parked[k]
            again[f][i] = fut = send([unit], True)
            if k == chosen[0] and needs[k] == int(claims.state[1]):
                claimant[:] = [(fut, needs[k])]
        if chosen:
            parked[:] = [p for k, p in enumerate(parked) if k not in chosen]
        if not running and parked:  # none fits beside nothing: the largest, alone
            entry = max(parked, key=_largest)
            parked.remove(entry)
            again[entry[0]][entry[1]] = send([entry[2]], False)

    def send(units: list[Job], put_off: bool) -> Future[list[Answer]]:
        fut = pool.submit(_scan_batch_in_worker, units, put_off)
        sent[fut] = units
        running.add(fut)
        return fut

    def settled(fut: Future[list[Answer]]) -> list[Answer]:
        """A batch's answers once done, with those of the files it put off."""
        wait_for([fut])
        feed()  # (its files put off, if any, parked)
        answers = fut.result()
        if fut in again:
            while None in again[fut]:  # not sent yet: when there is room
                wait(running, timeout=0.05, return_when=FIRST_COMPLETED)
                feed()
            later = [settled(f)[0] for f in again.pop(fut) if f is not None]
            answers = _with_later(answers, later)
        return answers

    def wait_for(futs: Sequence[Future[Any]]) -> None:
        while True:
            feed()
            left = [f for f in futs if not f.done()]
            if not left:
                return
            # (only futures not done: one that is would end the wait at once, a spin)
            wait([*left, *running], return_when=FIRST_COMPLETED)

    def ranges(split: Split) -> FileOutcome:
        futs = [pool.submit(_scan_batch_in_worker, [p], False) for p in split.parts]
        running.update(futs)
        wait_for(futs)
        return merge_parts(split.job, [expanded(f.result()[0]) for f in futs])  # type: ignore[arg-type]

    feed()
    pending: list[FileOutcome] = []
    while slots:
        batch, fut = slots[0]
        answers = settled(fut)
        slots.popleft()
        for (job, unit), raw in zip(batch, answers, strict=True):
            if isinstance(unit, FolderFiles):
                assert isinstance(raw, list)
                yield from _folder_outcomes(unit, cast(list[Raw | Split], raw), ranges)
                continue
            assert not isinstance(raw, (list, Later))
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


Parked: TypeAlias = "tuple[Future[Any], int, Job, int, int]"  # (batch, index, unit, need, size)


def _largest(parked: Parked) -> tuple[int, int]:
    return parked[4], parked[3]


def _put_off(units: list[Job], answers: list[Answer]) -> list[tuple[Job, int, int]]:
    """The files a batch put off, each as a unit to send again, with its need and
    size."""
    off: list[tuple[Job, int, int]] = []
    for unit, answer in zip(units, answers, strict=True):
        if isinstance(answer, Later):
            off.append((unit, answer.need, answer.size))
        elif isinstance(answer, list) and isinstance(unit, FolderFiles):
            off += [
                (replace(unit, names=(a.name,)), a.need, a.size)
                for a in answer
                if isinstance(a, Later)
            ]
    return off


def _with_later(answers: list[Answer], later: list[Answer]) -> list[Answer]:
    """A batch's answers with those of the files it put off, read since, in place."""
    read = iter(later)
    out: list[Answer] = []
    for answer in answers:
        if isinstance(answer, Later):
            out.append(next(read))
        elif isinstance(answer, list):
            out.append([next(read)[0] if isinstance(a, Later) else a for a in answer])  # type: ignore[index]
        else:
            out.append(answer)
    return out


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
