"""The library entry point: ``scan(targets, options) -> ScanResult``.  Prints nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ethicscan import __version__
from ethicscan.classify.analyse import analyse
from ethicscan.engine import history, local
from ethicscan.errors import ConfigError
from ethicscan.model import Finding, ScanResult, Skipped, Stats
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources.fs import FileJob, WalkOptions, walk
from ethicscan.sources.history import Selection, parse_date

ProgressFn = Callable[[int, int, int], None]  # files done, files total, bytes done


@dataclass(frozen=True)
class ScanOptions:
    """Everything that shapes a scan.  Frozen and passed explicitly: no globals."""

    jobs: int = 0  # 0 = one per core
    min_confidence: float = 0.0
    excludes: tuple[str, ...] = ()
    rule_dirs: tuple[str, ...] = ()
    use_gitignore: bool = False
    max_file_size: int = 64 * 1024 * 1024
    progress: ProgressFn | None = field(default=None, compare=False)
    # History scans (--history): each target is a git repository.
    history: bool = False
    since: str | None = None  # commit dates, ISO 8601 (``2024-05-01``)
    until: str | None = None
    branches: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(
                f"--min-confidence must be between 0 and 1, not {self.min_confidence}"
            )
        if self.jobs < 0:
            raise ConfigError(f"--jobs must be 0 (one per core) or more, not {self.jobs}")
        if self.max_file_size <= 0:
            raise ConfigError("--max-file-size must be positive")
        if not self.history and (self.since or self.until or self.branches):
            raise ConfigError("--since, --until and --branch need --history")
        self.selection()  # validates the dates

    def selection(self) -> Selection:
        """The part of a repository's history a history scan reads."""
        try:
            since = parse_date(self.since) if self.since else None
            until = parse_date(self.until, end_of_day=True) if self.until else None
        except ValueError as exc:
            raise ConfigError(f"--since/--until: not an ISO 8601 date ({exc})") from exc
        return Selection(self.branches, since, until)


def scan(targets: Sequence[str], options: ScanOptions | None = None) -> ScanResult:
    """Scan files and folders; every file is either in a finding's file set, clean,
    or in ``skipped`` with its reason."""
    opts = options or ScanOptions()
    if not targets:
        raise ConfigError("nothing to scan: give at least one file or folder")
    started = time.perf_counter()
    catalogue = load_catalogue(opts.rule_dirs)
    if opts.history:
        return _scan_history(targets, opts, catalogue, started)
    kinds, jobs, skipped = walk(
        list(targets),
        WalkOptions(opts.excludes, opts.use_gitignore, opts.max_file_size),
    )
    findings: list[Finding] = []
    more_skipped: list[Skipped] = []
    total_bytes = 0
    done = 0

    def on_done(job: FileJob, out: local.FileOutcome) -> None:
        nonlocal done, total_bytes
        done += 1
        total_bytes += out.bytes
        if opts.progress:
            opts.progress(done, len(jobs), total_bytes)

    workers = opts.jobs or local.default_jobs()
    # Findings are reported relative to their target; several targets keep their order.
    for _job, out in local.run(jobs, catalogue, opts.rule_dirs, workers, on_done):
        findings.extend(f for f in out.findings if f.confidence >= opts.min_confidence)
        if out.skipped:
            more_skipped.append(out.skipped)
    scanned = len(jobs) - len(more_skipped)
    return ScanResult(
        targets=tuple(kinds),
        findings=tuple(findings),
        skipped=tuple(skipped + more_skipped),
        stats=Stats(
            files=scanned, bytes=total_bytes, seconds=round(time.perf_counter() - started, 3)
        ),
        catalogue_version=catalogue.version,
        tool_version=__version__,
    )


def _scan_history(
    targets: Sequence[str], opts: ScanOptions, catalogue: Catalogue, started: float
) -> ScanResult:
    """Each target a repository: every distinct blob of its history analysed once."""
    done = total_bytes = before = 0

    def on_blob(nbytes: int, blobs: int) -> None:
        nonlocal done, total_bytes
        done += 1
        total_bytes += nbytes
        if opts.progress:
            opts.progress(done, before + blobs, total_bytes)

    outcomes = []
    for t in targets:
        outcomes.append(
            history.scan_repository(
                t,
                opts.selection(),
                catalogue,
                opts.rule_dirs,
                opts.jobs or local.default_jobs(),
                opts.max_file_size,
                on_blob,
                opts.excludes,
            )
        )
        before = done
    return ScanResult(
        targets=tuple(o.target for o in outcomes),
        findings=tuple(
            f for o in outcomes for f in o.findings if f.confidence >= opts.min_confidence
        ),
        skipped=tuple(s for o in outcomes for s in o.skipped),
        stats=Stats(
            files=sum(o.blobs for o in outcomes),
            bytes=sum(o.bytes for o in outcomes),
            seconds=round(time.perf_counter() - started, 3),
        ),
        catalogue_version=catalogue.version,
        tool_version=__version__,
    )


def scan_text(text: str, path: str = "input.txt", rule_dirs: Sequence[str] = ()) -> list[Finding]:
    """Findings in one text, as if it were the file ``path`` (its name guides the
    classifier: ``.py`` code, ``.md`` prose ...)."""
    return analyse(text, path, load_catalogue(tuple(rule_dirs)))
