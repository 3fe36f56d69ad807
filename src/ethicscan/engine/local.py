"""Scan files on this machine: one process, or a pool of processes that gives the
same results in the same order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from ethicscan.classify.analyse import analyse
from ethicscan.extract.decode import NotText, decode
from ethicscan.model import Finding, Skipped, SkipReason
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources.fs import FileJob, read

POOL_MIN_FILES = 16  # below this a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class FileOutcome:
    findings: tuple[Finding, ...]
    skipped: Skipped | None
    bytes: int


def scan_file(job: FileJob, catalogue: Catalogue) -> FileOutcome:
    """Read, decode and analyse one file; never raises for a bad file."""
    try:
        data = read(job)
    except OSError as exc:
        return FileOutcome(
            (),
            Skipped(job.rel_path, SkipReason.UNREADABLE, exc.strerror or str(exc), job.target),
            0,
        )
    try:
        text = decode(data).text
    except NotText as exc:
        return FileOutcome(
            (), Skipped(job.rel_path, SkipReason.BINARY, str(exc), job.target), len(data)
        )
    try:
        findings = analyse(text, job.rel_path, catalogue)
    except RecursionError as exc:  # pragma: no cover - defensive: report, never die
        return FileOutcome(
            (), Skipped(job.rel_path, SkipReason.ERROR, repr(exc), job.target), len(data)
        )
    located = tuple(replace(f, location=replace(f.location, target=job.target)) for f in findings)
    return FileOutcome(located, None, len(data))


_worker_catalogue: Catalogue | None = None


def _init_worker(rule_dirs: tuple[str, ...]) -> None:
    global _worker_catalogue
    _worker_catalogue = load_catalogue(rule_dirs)


def _scan_in_worker(job: FileJob) -> FileOutcome:
    assert _worker_catalogue is not None
    return scan_file(job, _worker_catalogue)


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
) -> Iterator[tuple[FileJob, FileOutcome]]:
    """Outcomes in the order of ``jobs``, whatever the number of workers."""
    if workers <= 1 or len(jobs) < POOL_MIN_FILES:
        for job in jobs:
            out = scan_file(job, catalogue)
            if on_done:
                on_done(job, out)
            yield job, out
        return
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(rule_dirs,)
    ) as pool:
        for job, out in zip(jobs, pool.map(_scan_in_worker, jobs, chunksize=chunk), strict=True):
            if on_done:
                on_done(job, out)
            yield job, out
