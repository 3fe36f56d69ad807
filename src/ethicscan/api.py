"""The library entry point: ``scan(targets, options) -> ScanResult``.  Prints nothing."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ethicscan import __version__
from ethicscan.classify.analyse import analyse
from ethicscan.classify.package import name_model_data
from ethicscan.engine import ENGINES, TLSFiles, get_engine, local
from ethicscan.errors import ConfigError
from ethicscan.extract.formats import CONTAINERS, HEAD, Format, identify
from ethicscan.extract.units import MAX_DEPTH, Limits
from ethicscan.interrupt import terminating
from ethicscan.model import Finding, Notice, ScanResult, Skipped, SkipReason, Stats, Target
from ethicscan.pipeline import FileOutcome
from ethicscan.rules import prefilter
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources import packages
from ethicscan.sources.fs import (
    FileJob,
    FolderFiles,
    WalkOptions,
    file_jobs,
    open_regular,
    walk_iter,
    walk_units,
)

if TYPE_CHECKING:  # pragma: no cover - types only: git support loads when a scan asks
    from ethicscan.sources.history import Selection


def _history() -> Any:
    """The history engine (and dulwich, which it needs), imported on first use."""
    from ethicscan.sources import repository as history

    return history


_DEFAULT = Limits()
ProgressFn = Callable[[int, int, int], None]  # files done, files total, bytes done
# (a callback that takes a fourth argument also gets the findings so far; in a corpus job
# the units counted are targets).  The walk runs while files are scanned: the total is the
# files found so far, and grows until the walk ends.


# The fields of ScanOptions that do not shape what a scan finds: where and how fast the
# work runs, where fetched packages are kept, callbacks, and the rules whose findings a
# report leaves out (a corpus job stores every rule's findings and drops them when it
# merges).  Every other field is recorded in a --results manifest, so a job is resumed
# only by a command that would find the same (tests/test_results.py checks each field).
RUNS_NOT_RESULTS = frozenset(
    {
        "jobs",
        "engine",
        "scheduler",
        "tls_ca_file",
        "tls_cert",
        "tls_key",
        "package_cache",
        "refresh",
        "progress",
        "on_fetch",
        "on_note",
        "disabled_rules",
    }
)


@dataclass(frozen=True)
class ScanOptions:
    """Everything that shapes a scan.  Frozen and passed explicitly: no globals."""

    jobs: int = 0  # 0 = one per core
    min_confidence: float = 0.0
    excludes: tuple[str, ...] = ()
    rule_dirs: tuple[str, ...] = ()
    disabled_rules: tuple[str, ...] = ()  # rule ids whose findings are not reported
    # What a git repository ignores (.gitignore, .git/info/exclude, virtual environments,
    # node_modules) is left out: None (default) inside a git work tree only, True also
    # outside one (the .gitignore files under a target), False never.
    use_gitignore: bool | None = None
    max_file_size: int = 64 * 1024 * 1024
    # Archive limits (see extract.units.Limits): nesting depth, bytes expanded from
    # one file, expansion ratio of one entry, number of entries under one file.
    max_depth: int = _DEFAULT.max_depth
    max_expanded: int = _DEFAULT.max_expanded
    max_ratio: float = _DEFAULT.max_ratio
    max_entries: int = _DEFAULT.max_entries
    # Whether inline ``ethicscan: ignore[...]`` comments in third-party artefacts (archive
    # members, packages, compiled files) suppress findings; a file of the tree always may.
    trust_inline_suppressions: bool = False
    # Package targets (pypi:/npm:/deb:): where their artefacts are kept (default
    # $ETHICSCAN_CACHE/packages or ~/.cache/ethicscan/packages), and whether to fetch
    # pinned versions again instead of reusing them.
    package_cache: str | None = None
    refresh: bool = False
    progress: ProgressFn | None = field(default=None, compare=False)
    on_fetch: Callable[[str], None] | None = field(default=None, compare=False)  # "fetching X"
    # What the scan is doing when it makes the user wait ("compiling rule databases, once")
    on_note: Callable[[str], None] | None = field(default=None, compare=False)
    # Where the work runs (see ethicscan.engine): "local" or "dask", and for dask the
    # scheduler address (tcp://HOST:PORT or tls://HOST:PORT; empty: a LocalCluster on
    # this machine, reachable only with a certificate made for the scan), and for a tls://
    # scheduler the PEM files of its certificate authority and of this client's
    # certificate and key (empty: dask's configuration, distributed.comm.tls.*).
    engine: str = "local"
    scheduler: str = ""
    tls_ca_file: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    # History scans (--history): each target is a git repository.
    history: bool = False
    since: str | None = None  # commit dates, ISO 8601 (``2024-05-01``)
    until: str | None = None
    branches: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r} (one of: {', '.join(ENGINES)})")
        if self.scheduler and self.engine == "local":
            raise ConfigError("--scheduler needs --engine dask")
        if self.tls and not self.scheduler.startswith("tls://"):
            raise ConfigError(
                "--tls-ca-file, --tls-cert and --tls-key are for a scheduler given as "
                f"--scheduler tls://HOST:PORT, not {self.scheduler or 'none'!r}"
            )
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(
                f"--min-confidence must be between 0 and 1, not {self.min_confidence}"
            )
        if self.jobs < 0:
            raise ConfigError(f"--jobs must be 0 (one per core) or more, not {self.jobs}")
        if self.max_file_size <= 0:
            raise ConfigError("--max-file-size must be positive")
        if self.max_depth > MAX_DEPTH:
            raise ConfigError(f"--max-depth must be at most {MAX_DEPTH}, not {self.max_depth}")
        for name in ("max_depth", "max_expanded", "max_ratio", "max_entries"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"--{name.replace('_', '-')} must be positive")
        if not self.history and (self.since or self.until or self.branches):
            raise ConfigError("--since, --until and --branch need --history")
        if self.since or self.until:
            self.selection()  # validates the dates (git support loads only then)

    def keeps(self, finding: Finding) -> bool:
        """Whether ``finding`` is reported: confident enough, of a rule not disabled."""
        return finding.confidence >= self.min_confidence and finding.rule not in self.disabled_rules

    @property
    def tls(self) -> TLSFiles:
        """The certificates that reach a ``tls://`` scheduler."""
        return TLSFiles(self.tls_ca_file, self.tls_cert, self.tls_key)

    @property
    def limits(self) -> Limits:
        return Limits(
            max_depth=self.max_depth,
            max_expanded=self.max_expanded,
            max_ratio=self.max_ratio,
            max_entries=self.max_entries,
            max_member_size=self.max_file_size,
            trust_inline_suppressions=self.trust_inline_suppressions,
        )

    def selection(self) -> Selection:
        """The part of a repository's history a history scan reads."""
        from ethicscan.sources.history import Selection, parse_date  # git: only when asked

        try:
            since = parse_date(self.since) if self.since else None
            until = parse_date(self.until, end_of_day=True) if self.until else None
        except ValueError as exc:
            raise ConfigError(f"--since/--until: not an ISO 8601 date ({exc})") from exc
        return Selection(self.branches, since, until)


def scan(targets: Sequence[str], options: ScanOptions | None = None) -> ScanResult:
    """Scan files, folders and package targets (``pypi:``, ``npm:``, ``deb:``, fetched
    first, see :mod:`ethicscan.sources.packages`); every file is either in a finding's
    file set, clean, or in ``skipped`` with its reason.  SIGTERM and SIGHUP stop it
    like Ctrl-C, cleaning up (:mod:`ethicscan.interrupt`)."""
    with terminating():
        return _scan(targets, options)


def _scan(targets: Sequence[str], options: ScanOptions | None) -> ScanResult:
    opts = options or ScanOptions()
    if not targets:
        raise ConfigError("nothing to scan: give at least one file or folder")
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    catalogue = load_catalogue(opts.rule_dirs)
    check_disabled(opts.disabled_rules, catalogue)
    if opts.history:
        return _scan_history(targets, opts, catalogue, started)
    kinds, walked, skipped = _walk_all(list(targets), opts)
    listed = 0  # files the walk has found so far (the progress bar's total)

    def counted() -> Iterator[FileJob | FolderFiles]:
        nonlocal listed
        for unit in walked:
            listed += len(unit.names) if isinstance(unit, FolderFiles) else 1
            yield unit

    jobs = counted()
    findings: list[Finding] = []
    more_skipped: list[Skipped] = []
    notices: list[Notice] = []
    total_bytes = 0
    texts = 0
    done = 0
    found = 0

    def on_done(_unit: FileJob | FolderFiles, out: FileOutcome) -> None:
        nonlocal done, total_bytes, texts, found
        done += out.files
        total_bytes += out.bytes
        texts += out.texts
        if out.findings:
            found += sum(opts.keeps(f) for f in out.findings)
        if report:
            report(done, listed, total_bytes, found)

    report = progress_reporter(opts.progress)
    workers = opts.jobs or local.default_jobs()
    small = False
    if opts.engine == "local":
        small, jobs = small_scan(jobs)
        if small:
            workers = 1  # (a pool's workers would each load the prefilter)
        elif opts.on_note and not prefilter.ready(catalogue):
            opts.on_note(compile_note())
    engine = get_engine(opts.engine, opts.scheduler, opts.tls)
    # Findings are reported relative to their target; several targets keep their order.
    outcomes = engine.files(jobs, catalogue, opts.rule_dirs, workers, on_done, opts.limits)
    try:
        with prefilter.without_prefilter() if small else contextlib.nullcontext():
            for _job, out in outcomes:
                if out.findings:
                    findings.extend(f for f in out.findings if opts.keeps(f))
                if out.notices:
                    notices.extend(out.notices)
                if out.skipped:
                    more_skipped.extend(out.skipped)
    finally:
        close = getattr(outcomes, "close", None)
        if close:  # a generator: its pool and scratch go now, not when it is collected
            close()
    findings = name_model_data(findings)  # a name model's labels and tables: its data
    # A file target skipped whole (too large, not text) was never read: its identity is
    # its size, not a hash that would read gigabytes only to report them unread.
    unread = {
        s.target for s in more_skipped if s.reason is SkipReason.TOO_LARGE and "!" not in s.path
    }
    return ScanResult(
        targets=tuple(_described(t, t.target not in unread) for t in kinds),
        findings=tuple(findings),
        skipped=tuple(skipped + more_skipped),
        stats=Stats(
            files=texts, bytes=total_bytes, seconds=round(time.perf_counter() - started, 3)
        ),
        catalogue_version=catalogue.version,
        tool_version=__version__,
        warnings=tuple(notices),
        started=started_at,
        disabled_rules=opts.disabled_rules,
        min_confidence=opts.min_confidence,
    )


# A scan of at most this many files and bytes (on disk), none of them an archive or a
# document (whose few bytes may expand to gigabytes), is small: it runs in this process
# without the prefilter, whose databases take seconds to compile and 0.1 s to load,
# while reading a few files whole takes milliseconds (same findings either way).
SMALL_SCAN_FILES = 64
SMALL_SCAN_BYTES = 4 * 1024 * 1024
EXPANDS = CONTAINERS | {Format.OFFICE, Format.PDF}

Units = Iterator[FileJob | FolderFiles]


def small_scan(units: Units) -> tuple[bool, Units]:
    """Whether the walk ``units`` is a small scan (see SMALL_SCAN_FILES), and the same
    units to scan: the first few are looked at (and sized) to tell."""
    head: list[FileJob | FolderFiles] = []
    count = 0
    for unit in units:
        head.append(unit)
        count += len(unit.names) if isinstance(unit, FolderFiles) else 1
        if count > SMALL_SCAN_FILES:
            return False, itertools.chain(head, units)
    sized = list(file_jobs(head))
    small = sum(max(j.size, 0) for j in sized) <= SMALL_SCAN_BYTES
    return small and not any(map(_expands, sized)), iter(sized)


def _expands(job: FileJob) -> bool:
    """Whether the file is an archive or a document, by its first bytes (one that
    cannot be read is not: the scan says why)."""
    try:
        fd, _ = open_regular(job.fs_path)
    except OSError:
        return False
    try:
        head = os.read(fd, HEAD)
    except OSError:
        return False
    finally:
        os.close(fd)
    return identify(job.rel_path, head)[0] in EXPANDS


def compile_note() -> str:
    """What to tell the user while the prefilter's databases are compiled."""
    folder = prefilter.cache_folder()
    if folder is None:
        return (
            "compiling rule databases for this scan (a few seconds; "
            "ETHICSCAN_PREFILTER_CACHE=off keeps none)"
        )
    return f"compiling rule databases, once (a few seconds; kept in {folder} for later scans)"


def _walk_all(
    targets: list[str], opts: ScanOptions
) -> tuple[list[Target], Iterator[FileJob | FolderFiles], list[Skipped]]:
    """Walk every target in order; package targets are fetched first (all of them, so a
    malformed one stops the scan before anything is downloaded) and walked as the file
    obtained, reported under the target as typed, with the artefact named.  The files
    come as a stream (scanning starts while the walk goes on); the targets' kinds and
    what is skipped fill the two lists as it goes, complete once it ends."""
    wopts = WalkOptions(opts.excludes, opts.use_gitignore)
    kinds: list[Target] = []
    skipped: list[Skipped] = []
    specs = [packages.parse_target(t) for t in targets if packages.is_package_target(t)]
    if not specs:
        return kinds, walk_units(targets, wopts, kinds, skipped), skipped
    cache = Path(opts.package_cache) if opts.package_cache else None
    fetched = {
        f.spec.raw: f
        for f in packages.fetch_all(specs, cache, refresh=opts.refresh, notify=opts.on_fetch)
    }

    def files() -> Iterator[FileJob | FolderFiles]:
        for target in targets:
            got = fetched.get(target)
            if got is None:
                yield from walk_units([target], wopts, kinds, skipped)
            elif got.error:
                kinds.append(Target(target, "package"))
                skipped.append(Skipped(target, SkipReason.FETCH_FAILED, got.error, target))
            else:
                k: list[Target] = []
                s: list[Skipped] = []
                for job in walk_iter([got.path], wopts, k, s):
                    yield replace(job, target=target)
                file = _described(Target(got.path, "file"))
                kinds.append(
                    Target(target, "package", os.path.basename(got.path), file.sha256, file.size)
                )
                skipped.extend(replace(x, target=target) for x in s)

    return kinds, files(), skipped


def progress_reporter(fn: ProgressFn | None) -> Callable[[int, int, int, int], None] | None:
    """``fn`` called with four arguments (the fourth: findings so far), or with three
    when it takes three."""
    if fn is None:
        return None
    try:
        import inspect

        inspect.signature(fn).bind(0, 0, 0, 0)
    except (TypeError, ValueError):  # takes three (or has no signature: assume three)
        three = fn
        return lambda done, total, nbytes, _findings: three(done, total, nbytes)
    return cast(Callable[[int, int, int, int], None], fn)


def _described(t: Target, read: bool = True) -> Target:
    """A file target with its size and sha256, so a report names exactly what was read
    (only its size when it was not read)."""
    if t.kind != "file" or t.sha256:
        return t
    if not read:
        try:
            return replace(t, size=os.stat(t.target).st_size)
        except OSError:
            return t
    digest = hashlib.sha256()
    size = 0
    try:
        with open(t.target, "rb") as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return t
    return replace(t, sha256=digest.hexdigest(), size=size)


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
            _history().scan_repository(
                t,
                opts.selection(),
                catalogue,
                opts.rule_dirs,
                opts.jobs or local.default_jobs(),
                opts.limits,
                on_blob,
                opts.excludes,
            )
        )
        before = done
    return ScanResult(
        targets=tuple(o.target for o in outcomes),
        findings=tuple(f for o in outcomes for f in o.findings if opts.keeps(f)),
        skipped=tuple(s for o in outcomes for s in o.skipped),
        stats=Stats(
            files=sum(o.blobs for o in outcomes),
            bytes=sum(o.bytes for o in outcomes),
            seconds=round(time.perf_counter() - started, 3),
        ),
        catalogue_version=catalogue.version,
        tool_version=__version__,
        warnings=tuple(n for o in outcomes for n in o.notices),
        disabled_rules=opts.disabled_rules,
        min_confidence=opts.min_confidence,
    )


def check_disabled(rule_ids: Sequence[str], catalogue: Catalogue, where: str = "--disable") -> None:
    """Every rule to disable is in the catalogue (a typo would silently disable nothing);
    ``where`` names the setting in the error."""
    known = {r.id for r in catalogue.rules}
    unknown = [r for r in rule_ids if r not in known]
    if unknown:
        raise ConfigError(
            f"{where}: unknown rule id {', '.join(map(repr, unknown))} "
            "(`ethicscan rules` lists the ids)"
        )


def scan_text(text: str, path: str = "input.txt", rule_dirs: Sequence[str] = ()) -> list[Finding]:
    """Findings in one text, as if it were the file ``path`` (its name guides the
    classifier: ``.py`` code, ``.md`` prose ...)."""
    return analyse(text, path, load_catalogue(tuple(rule_dirs)))
