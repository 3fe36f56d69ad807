"""Scan files on this machine: one process, or a pool of processes that gives the
same results in the same order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from ethicscan.classify.analyse import analyse
from ethicscan.extract.explore import Budget, Explorer
from ethicscan.extract.units import SPOOL_AT, Blob, Limits, Scratch, TextUnit
from ethicscan.model import Finding, Skipped, SkipReason
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.rules.prefilter import prefilter_for
from ethicscan.sources.fs import FileJob, read

POOL_MIN_FILES = 16  # below this a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class FileOutcome:
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    bytes: int  # read from the file given to the scan
    texts: int = 0  # texts classified: the file itself, or its members and pages


def scan_file(
    job: FileJob, catalogue: Catalogue, limits: Limits | None = None, prefilter: bool = True
) -> FileOutcome:
    """Read one file (and, for an archive, everything inside it) and analyse every
    text in it; never raises for a bad file."""
    limits = limits or Limits()
    try:
        size = os.stat(job.fs_path).st_size
        blob = Blob(size, read(job)) if size <= SPOOL_AT else Blob(size, path=job.fs_path)
    except OSError as exc:
        return FileOutcome(
            (),
            (Skipped(job.rel_path, SkipReason.UNREADABLE, exc.strerror or str(exc), job.target),),
            0,
        )
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    texts = 0
    scratch = Scratch()
    try:
        explorer = Explorer(limits, scratch, prefilter_for(catalogue) if prefilter else None)
        for unit in explorer.explore(job.rel_path, blob, Budget(limits)):
            if isinstance(unit, Skipped):
                skipped.append(replace(unit, target=job.target))
                continue
            texts += 1
            if not unit.text:
                continue
            try:
                found = analyse(unit.text, unit.path, catalogue, unit.hint)
            except RecursionError as exc:  # pragma: no cover - defensive: report, never die
                skipped.append(Skipped(unit.path, SkipReason.ERROR, repr(exc), job.target))
                continue
            findings.extend(_located(f, unit, job.target) for f in found)
    except OSError as exc:
        skipped.append(
            Skipped(job.rel_path, SkipReason.UNREADABLE, exc.strerror or str(exc), job.target)
        )
    finally:
        scratch.close()
    return FileOutcome(tuple(findings), tuple(skipped), size, texts)


def _located(f: Finding, unit: TextUnit, target: str) -> Finding:
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


def _init_worker(rule_dirs: tuple[str, ...], limits: Limits, compiled: bytes | None) -> None:
    global _worker_catalogue, _worker_limits
    _worker_catalogue = load_catalogue(rule_dirs)
    _worker_limits = limits
    prefilter_for(_worker_catalogue, compiled)


def _scan_in_worker(job: FileJob) -> FileOutcome:
    assert _worker_catalogue is not None
    return scan_file(job, _worker_catalogue, _worker_limits)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run(
    jobs: Sequence[FileJob],
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    on_done: Callable[[FileJob, FileOutcome], None] | None = None,
    limits: Limits | None = None,
) -> Iterator[tuple[FileJob, FileOutcome]]:
    """Outcomes in the order of ``jobs``, whatever the number of workers."""
    if workers <= 1 or len(jobs) < POOL_MIN_FILES:
        for job in jobs:
            out = scan_file(job, catalogue, limits)
            if on_done:
                on_done(job, out)
            yield job, out
        return
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_init_worker,
        initargs=(rule_dirs, limits or Limits(), prefilter_for(catalogue).dump()),
    ) as pool:
        for job, out in zip(jobs, pool.map(_scan_in_worker, jobs, chunksize=chunk), strict=True):
            if on_done:
                on_done(job, out)
            yield job, out
