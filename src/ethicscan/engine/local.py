"""Scan files on this machine: one process, or a pool of processes that gives the
same results in the same order."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from ethicscan import interrupt
from ethicscan.classify.analyse import analyse, with_fingerprints
from ethicscan.extract.decode import SAMPLE, stream_encoding
from ethicscan.extract.explore import (
    Budget,
    Explorer,
    clean_text,
    in_pieces,
    zip_at_end,
)
from ethicscan.extract.formats import HEAD, Format, identify
from ethicscan.extract.stream import ranges
from ethicscan.extract.units import SPOOL_AT, Blob, Limits, Scratch, TextUnit
from ethicscan.model import Finding, Notice, Skipped, SkipReason, path_text
from ethicscan.report.own import HEAD as OWN_HEAD
from ethicscan.report.own import own_report
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.rules.prefilter import prefilter_for
from ethicscan.sources.fs import FileJob, FolderFiles, NotRegularFile, file_jobs, read_regular
from ethicscan.suppress import apply_inline

POOL_MIN_FILES = 16  # below this a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class FileOutcome:
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    bytes: int  # read from the file given to the scan
    texts: int = 0  # texts classified: the file itself, or its members and pages
    newlines: int = 0  # for one range of a large text: the line breaks it holds
    notices: tuple[Notice, ...] = ()  # problems with inline suppressions
    files: int = 1  # files it stands for (several clean files of one folder: their count)


def scan_file(
    job: FileJob, catalogue: Catalogue, limits: Limits | None = None, prefilter: bool = True
) -> FileOutcome:
    """Read one file (and, for an archive, everything inside it) and analyse every
    text in it; never raises for a bad file.  A job with a ``part`` reads only that
    range of a large text, with lines counted from the range's start."""
    limits = limits or Limits()
    got = _read(job, SPOOL_AT)
    if isinstance(got, FileOutcome):
        return got
    size, data = got
    return scan_content(job, size, data, catalogue, limits, prefilter)


def scan_content(
    job: FileJob,
    size: int,
    data: bytes | None,
    catalogue: Catalogue,
    limits: Limits,
    prefilter: bool = True,
) -> FileOutcome:
    """The per-file pipeline once a file is read: the clean-text fast path, a report
    ethicscan wrote, then explore, analyse, suppress and locate.  ``data``: the
    file's ``size`` bytes, or None when it is large (it is then read at
    ``job.fs_path``).  Every source of files ends here: the walk (:func:`scan_file`)
    and a repository's blobs (``engine.history``)."""
    if (
        data is not None
        and job.part is None
        and prefilter
        and _clean_text(data, job.rel_path, catalogue)
    ):
        return FileOutcome((), (), len(data), 1)
    mine = _own_report(job, data)
    if mine is not None:
        return mine
    return _scan_read(job, size, data, catalogue, limits, prefilter)


def _own_report(job: FileJob, data: bytes | None) -> FileOutcome | None:
    """A report ethicscan wrote (JSON, SARIF, HTML, a baseline), as skipped; else None.
    ``data``: the file's content, or None for a large file (its head is read).  A large
    text read in ranges is never one (:func:`split_large` keeps a report whole)."""
    if job.part is not None:
        return None
    if data is None:
        try:
            with open(job.fs_path, "rb") as f:
                data = f.read(OWN_HEAD)
        except OSError:
            return None
    kind = own_report(data)
    if not kind:
        return None
    detail = f"an ethicscan {kind}: its evidence is quoted from what it scanned"
    return FileOutcome(
        (), (Skipped(job.rel_path, SkipReason.ETHICSCAN_REPORT, detail, job.target),), 0
    )


def _read(job: FileJob, limit: int) -> tuple[int, bytes | None] | FileOutcome:
    """The file's size and, up to ``limit`` bytes, its content; or why it cannot be read."""
    try:
        return read_regular(job.fs_path, limit)
    except OSError as exc:
        return _unreadable(job, exc)


def _unreadable(job: FileJob, exc: OSError) -> FileOutcome:
    if isinstance(exc, NotRegularFile):
        reason, detail = SkipReason.SPECIAL_FILE, str(exc)
    else:
        reason, detail = SkipReason.UNREADABLE, exc.strerror or str(exc)
    return FileOutcome((), (Skipped(job.rel_path, reason, detail, job.target),), 0)


def _scan_read(
    job: FileJob,
    size: int,
    data: bytes | None,
    catalogue: Catalogue,
    limits: Limits,
    prefilter: bool,
) -> FileOutcome:
    """Explore and analyse a file read (``data``, or at its path when large) and found
    not to be a clean plain text."""
    blob = Blob(size, data) if data is not None else Blob(size, path=job.fs_path)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    texts = 0
    pieces = False
    scratch = Scratch()
    explorer = Explorer(limits, scratch, prefilter_for(catalogue) if prefilter else None)
    units = (
        explorer.stream(job.rel_path, blob, job.part)
        if job.part is not None
        else explorer.explore(job.rel_path, blob, Budget(limits))
    )
    try:
        for unit in units:
            if isinstance(unit, Skipped):
                skipped.append(replace(unit, target=job.target))
                continue
            texts += not unit.piece
            pieces = pieces or unit.piece
            if not unit.text:
                continue
            try:
                found = analyse(unit.text, unit.path, catalogue, unit.kind, unit.utf8)
            except RecursionError as exc:  # pragma: no cover - defensive: report, never die
                skipped.append(Skipped(unit.path, SkipReason.ERROR, repr(exc), job.target))
                continue
            # Suppressions apply on the unit's own lines, before they are relocated; the
            # file's own text is trusted, an archive member's or a compiled file's is not.
            own = unit.path == job.rel_path and not unit.compiled
            found, notes = apply_inline(
                unit.text,
                found,
                catalogue,
                unit.path,
                job.target,
                trusted=own or limits.trust_inline_suppressions,
            )
            notices.extend(_notice_located(n, unit) for n in notes)
            findings.extend(_located(f, unit, job.target) for f in found if _own(f, unit))
    except OSError as exc:
        skipped.append(
            Skipped(job.rel_path, SkipReason.UNREADABLE, exc.strerror or str(exc), job.target)
        )
    except RecursionError:  # defensive: --max-depth is capped well below the stack's limit
        skipped.append(
            Skipped(job.rel_path, SkipReason.ERROR, "nested too deep to read", job.target)
        )
    finally:
        scratch.close()
    if job.part is not None:
        return FileOutcome(
            tuple(findings),
            tuple(skipped),
            size if job.part[0] == 0 else 0,
            0,
            explorer.newlines,
            tuple(dict.fromkeys(notices)),
        )
    if pieces:
        texts += 1  # a large text counts once, however many pieces it was read in
        findings = _refingerprinted(findings)
    return FileOutcome(
        tuple(findings), tuple(skipped), size, texts, 0, tuple(dict.fromkeys(notices))
    )


def _notice_located(n: Notice, unit: TextUnit) -> Notice:
    if unit.piece:
        return replace(n, line=unit.line_base + n.line)
    line, _seg = unit.origin(n.line)
    return replace(n, line=line)


def _clean_text(data: bytes, name: str, catalogue: Catalogue) -> bool:
    """The common case, decided without building anything: a plain text file (no
    container, document or binary magic, no extractor for its suffix) in which
    the prefilter sees no term.  Same verdict as exploring it.  ``name``: the file's
    name (or path), as reported."""
    return clean_text(data, name, prefilter_for(catalogue))


def _own(f: Finding, unit: TextUnit) -> bool:
    """Near a cut inside a long line, a match belongs to the piece where it has the
    more context (extract.stream)."""
    if not unit.piece:
        return True
    col = f.location.column - 1
    if f.location.line == 1 and col < unit.keep_from:
        return False
    return unit.keep_before is None or col < unit.keep_before


def _refingerprinted(findings: list[Finding]) -> list[Finding]:
    """Fingerprints count equal findings across the pieces of a file, not within one."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.location.path, []).append(f)
    out: list[Finding] = []
    for group in by_path.values():
        out.extend(with_fingerprints(group))
    return out


def _located(f: Finding, unit: TextUnit, target: str) -> Finding:
    if unit.piece:
        first = f.location.line == 1
        return replace(
            f,
            location=replace(
                f.location,
                target=target,
                line=unit.line_base + f.location.line,
                column=f.location.column + (unit.col_base if first else 0),
            ),
        )
    line, seg = unit.origin(f.location.line)
    if seg is None:
        return replace(f, location=replace(f.location, target=target))
    return replace(
        f,
        location=replace(
            f.location,
            target=target,
            line=line,
            page=seg.page,
            offset=seg.offset,
            member=seg.member,
        ),
    )


_worker_catalogue: Catalogue | None = None
_worker_limits: Limits | None = None


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


def _init_worker(rule_dirs: tuple[str, ...], limits: Limits) -> None:
    global _worker_catalogue, _worker_limits
    die_with_parent()
    interrupt.worker_handlers()
    _worker_catalogue = load_catalogue(rule_dirs)
    _worker_limits = limits
    prefilter_for(_worker_catalogue)  # loads the kept databases, if any


@dataclass(frozen=True, slots=True)
class Split:
    """A worker's answer for a file of a folder that is a large text: its ranges, for
    the pool to share (:func:`split_large`)."""

    job: FileJob
    parts: tuple[FileJob, ...]


Raw = FileOutcome | int  # a clean text comes back as its size alone (cheap to send)
Unit = FileJob | FolderFiles


def _scan_batch_in_worker(batch: list[Unit]) -> list[Raw | list[Raw | Split]]:
    """A batch of files and folders' files: one answer per file, a list per folder.
    A SIGTERM or SIGHUP stops it as an exception (:func:`interrupt.task`)."""
    with interrupt.task():
        return _scan_batch(batch)


def _scan_batch(batch: list[Unit]) -> list[Raw | list[Raw | Split]]:
    assert _worker_catalogue is not None and _worker_limits is not None
    cat, limits = _worker_catalogue, _worker_limits
    out: list[Raw | list[Raw | Split]] = []
    read = 0
    for unit in batch:
        if isinstance(unit, FolderFiles):
            answers: list[Raw | Split] = []
            dir_fd = _open_folder(unit.fs_dir)
            try:
                for name in unit.names:
                    a = _scan_named(unit, name, cat, limits, dir_fd)
                    read += a.job.size if isinstance(a, Split) else _size(a)
                    answers.append(a)
            finally:
                if dir_fd is not None:
                    os.close(dir_fd)
            out.append(answers)
        else:
            o = _compact(scan_file(unit, cat, limits))
            read += _size(o)
            out.append(o)
    if read > 4 * 1024 * 1024 and _resident() > TRIM_ABOVE:
        _trim()
    return out


def _open_folder(path: str) -> int | None:
    """A descriptor of the folder ``path``, to open its files by name; None if it
    cannot be had (each file is then opened by its path, and says why not)."""
    if os.open not in os.supports_dir_fd:  # pragma: no cover - Windows
        return None
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


def _scan_named(
    folder: FolderFiles, name: str, catalogue: Catalogue, limits: Limits, dir_fd: int | None
) -> Raw | Split:
    """A file found by a folder's listing, its size not yet known: read and scanned
    here, or, if it is a large text to read in ranges, those ranges.  ``dir_fd``: the
    folder, open (its files are opened by name there)."""
    try:
        if dir_fd is None:
            size, data = read_regular(os.path.join(folder.fs_dir, name), limits.stream_above)
        else:
            size, data = read_regular(name, limits.stream_above, dir_fd)
    except OSError as exc:
        return _unreadable(folder.job(name), exc)
    if data is not None and _clean_text(data, path_text(name), catalogue):
        return size  # the common case: nothing built
    job = folder.job(name, size)
    if data is not None and (mine := _own_report(job, data)) is not None:
        return _compact(mine)
    if data is None:  # larger than stream_above
        parts = split_large(job, limits)
        if len(parts) > 1:
            return Split(job, tuple(parts))
        return _compact(scan_file(job, catalogue, limits))
    return _compact(_scan_read(job, size, data, catalogue, limits, True))


def _compact(o: FileOutcome) -> Raw:
    clean = not o.findings and not o.skipped and o.texts == 1 and not o.newlines
    return o.bytes if clean else o


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


def split_large(job: FileJob, limits: Limits) -> list[FileJob]:
    """A large text as one job per range, so several workers share it; anything
    else as itself."""
    if job.size <= limits.stream_above or job.part is not None:
        return [job]
    try:
        with open(job.fs_path, "rb") as f:
            head = f.read(max(HEAD, SAMPLE, OWN_HEAD))
    except OSError:
        return [job]
    if identify(job.rel_path, head)[0] is not Format.TEXT or own_report(head):
        return [job]
    if zip_at_end(Blob(job.size, path=job.fs_path)):  # a zip behind a long script
        return [job]
    if not in_pieces(job.size, job.rel_path, limits, lambda: head[:SAMPLE]):
        return [job]
    enc = stream_encoding(head[:SAMPLE])
    if enc is None:
        return [job]
    n = len(ranges(job.size, enc[1], enc[0].startswith("utf-16")))
    return [replace(job, part=(k, n)) for k in range(n)] if n > 1 else [job]


AHEAD = 16_384  # files the walk may be ahead of the scan
CHUNK_JOBS = 256  # files handed from the walk's thread at a time


def _files(unit: Unit) -> int:
    return len(unit.names) if isinstance(unit, FolderFiles) else 1


def _ahead(jobs: Iterable[Unit], limit: int = AHEAD) -> Iterator[Unit]:
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
            chunk: list[Unit] = []
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

Item = tuple[Unit, Unit]  # (what the walk gave, what a worker is sent: it, or a range)


def _batches(jobs: Iterable[Unit], limits: Limits) -> Iterator[list[Item]]:
    """Units in batches: a large text of known size as several ranges (split_large),
    a folder's files as they are."""
    batch: list[Item] = []
    files = size = 0
    most = BATCH_FIRST
    for job in jobs:
        units: list[Unit] = (
            [job] if isinstance(job, FolderFiles) else list(split_large(job, limits))
        )
        for unit in units:
            batch.append((job, unit))
            files += _files(unit)
            if isinstance(job, FileJob):
                size += max(0, job.size) // len(units)
            if files >= most or size >= BATCH_BYTES:
                yield batch
                batch, files, size = [], 0, 0
                most = min(BATCH_FILES, 2 * most)
    if batch:
        yield batch


def merge_parts(job: FileJob, parts: list[FileOutcome]) -> FileOutcome:
    """One outcome for a large text read in ranges: lines counted from the file's
    start, fingerprints over the whole file."""
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    lines = 0
    for out in parts:
        for f in out.findings:
            findings.append(replace(f, location=replace(f.location, line=f.location.line + lines)))
        skipped.extend(out.skipped)
        notices.extend(replace(n, line=n.line + lines) for n in out.notices)
        lines += out.newlines
    return FileOutcome(
        tuple(_refingerprinted(findings)),
        tuple(dict.fromkeys(skipped)),
        sum(o.bytes for o in parts),
        1,
        0,
        tuple(dict.fromkeys(notices)),
    )


def _outcome(raw: Raw) -> FileOutcome:
    return FileOutcome((), (), raw, 1) if isinstance(raw, int) else raw


def run(
    jobs: Iterable[Unit],
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    on_done: Callable[[Unit, FileOutcome], None] | None = None,
    limits: Limits | None = None,
) -> Iterator[tuple[Unit, FileOutcome]]:
    """Outcomes in the order of ``jobs``, whatever the number of workers.  ``jobs``
    may be a stream (the walk): work starts with its first files.  The clean files of
    a folder's run (:class:`FolderFiles`) may come as one outcome (``files`` says how
    many); every other file as its own."""
    limits = limits or Limits()
    it = _ahead(jobs) if not isinstance(jobs, Sequence) else iter(jobs)
    first: list[Unit] = []
    if workers > 1:
        count = 0
        for unit in it:
            first.append(unit)
            count += _files(unit)
            if count >= POOL_MIN_FILES:
                break
        else:  # a small scan: sizes decide whether a pool is worth it
            first = list(file_jobs(first))
    if workers <= 1 or (
        sum(map(_files, first)) < POOL_MIN_FILES
        and all(isinstance(j, FileJob) and j.size <= limits.stream_above for j in first)
    ):
        for job in file_jobs(itertools.chain(first, it)):
            out = scan_file(job, catalogue, limits)
            if on_done:
                on_done(job, out)
            yield job, out
        return
    pf = prefilter_for(catalogue)
    if pf.keeps:
        pf.warm_up()  # compiled (or loaded) once, here: the forked workers inherit it
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_init_worker,
        initargs=(rule_dirs, limits),
    ) as pool:
        try:
            for unit, out in _in_order(pool, _batches(itertools.chain(first, it), limits), workers):
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
) -> Iterator[tuple[Unit, FileOutcome]]:
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
        return merge_parts(split.job, [_outcome(f.result()[0]) for f in futs])  # type: ignore[arg-type]

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
            out = _outcome(raw)
            if unit.part is None:
                yield job, out
                continue
            pending.append(out)
            if unit.part[0] + 1 == unit.part[1]:
                assert isinstance(job, FileJob)
                yield job, merge_parts(job, pending)
                pending = []
        feed()


def _folder_outcomes(
    folder: FolderFiles, raws: list[Raw | Split], ranges: Callable[[Split], FileOutcome]
) -> Iterator[tuple[Unit, FileOutcome]]:
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
