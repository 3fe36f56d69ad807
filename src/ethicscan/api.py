"""The library entry point: ``scan(targets, options) -> ScanResult``.  Prints nothing."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, cast

from ethicscan import __version__
from ethicscan.classify.analyse import analyse
from ethicscan.classify.package import name_model_data
from ethicscan.engine import LocalEngine, TLSFiles, check_engine, get_engine, local
from ethicscan.engine.local import Job, one_by_one
from ethicscan.errors import ConfigError
from ethicscan.extract.formats import CONTAINERS, HEAD, Format, identify
from ethicscan.extract.registry import reader_for
from ethicscan.extract.units import MAX_DEPTH, Limits
from ethicscan.interrupt import terminating
from ethicscan.model import Finding, Notice, ScanResult, Skipped, SkipReason, Stats, Target
from ethicscan.pipeline import FileOutcome, Work
from ethicscan.rules import prefilter
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources import sources_for
from ethicscan.sources.fs import FileJob, FolderFiles, described, open_regular
from ethicscan.sources.interface import (
    Finishing,
    Outcome,
    Source,
    SourceKind,
    SourceOptions,
    Unit,
)

if TYPE_CHECKING:  # pragma: no cover - types only: git support loads when a scan asks
    from ethicscan.sources.history import Selection
    from ethicscan.sources.repository import RepoCounts


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
        check_engine(self.engine)
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

    def sources(self) -> SourceOptions:
        """What shapes the units of each target."""
        selection = self.selection() if self.history else None
        return SourceOptions(
            excludes=self.excludes,
            use_gitignore=self.use_gitignore,
            limits=self.limits,
            package_cache=self.package_cache,
            refresh=self.refresh,
            on_fetch=self.on_fetch,
            branches=self.branches,
            since=selection.since if selection else None,
            until=selection.until if selection else None,
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


def _scan(
    targets: Sequence[str],
    options: ScanOptions | None,
    chosen: dict[SourceKind, Source] | None = None,
) -> ScanResult:
    """Each target's units from its source (:data:`ethicscan.sources.SOURCES`), run
    through the per-file pipeline by the engine.  ``chosen``: sources to use instead of
    the table's, by kind."""
    opts = options or ScanOptions()
    if not targets:
        raise ConfigError("nothing to scan: give at least one file or folder")
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    catalogue = load_catalogue(opts.rule_dirs)
    check_disabled(opts.disabled_rules, catalogue)
    sources = sources_for(targets, opts.sources(), opts.history, chosen or {})
    tally = _Tally(opts)
    work = Work(catalogue, opts.rule_dirs, opts.limits)
    plain = [(t, s) for t, s in sources if not isinstance(s, Finishing)]
    if plain:
        _scan_plain(plain, opts, work, tally)
    for target, source in sources:
        if isinstance(source, Finishing):
            _scan_finishing(target, source, opts, work, tally)
    return ScanResult(
        targets=tuple(tally.targets),
        findings=tuple(name_model_data(tally.findings)),  # a name model's labels: its data
        skipped=tuple(tally.skipped),
        stats=Stats(
            files=tally.texts, bytes=tally.bytes, seconds=round(time.perf_counter() - started, 3)
        ),
        catalogue_version=catalogue.version,
        tool_version=__version__,
        warnings=tuple(tally.notices),
        started=started_at,
        disabled_rules=opts.disabled_rules,
        min_confidence=opts.min_confidence,
    )


@dataclass
class _Tally:
    """What a scan has found so far, and its progress."""

    opts: ScanOptions
    targets: list[Target] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    listed: int = 0  # units found so far (the progress bar's total)
    done: int = 0
    bytes: int = 0
    texts: int = 0
    found: int = 0

    def __post_init__(self) -> None:
        self.report = progress_reporter(self.opts.progress)

    def on_done(self, _unit: Job, out: FileOutcome) -> None:
        self.done += out.files
        self.bytes += out.bytes
        self.texts += out.texts
        if out.findings:
            self.found += sum(self.opts.keeps(f) for f in out.findings)
        if self.report:
            self.report(self.done, self.listed, self.bytes, self.found)

    def add(
        self, findings: Sequence[Finding], skipped: Sequence[Skipped], notices: Sequence[Notice]
    ) -> None:
        self.findings.extend(f for f in findings if self.opts.keeps(f))
        self.skipped.extend(skipped)
        self.notices.extend(notices)


def _scan_plain(
    sources: list[tuple[str, Source]], opts: ScanOptions, work: Work, tally: _Tally
) -> None:
    """Targets whose units' findings are the result: one stream of units over them all
    (scanning starts while the walk goes on), in target order."""
    listed: list[Skipped] = []  # what the sources skip: reported first

    def units() -> Iterator[Job]:
        for target, source in sources:
            for item in source.units(target):
                if isinstance(item, Skipped):
                    listed.append(item)
                elif isinstance(item, Target):
                    tally.targets.append(item)
                else:
                    tally.listed += len(item.names) if isinstance(item, FolderFiles) else 1
                    yield item

    jobs: Iterator[Job] = units()
    workers = opts.jobs or local.default_jobs()
    small = False
    if opts.engine == "local":
        small, jobs = small_scan(jobs)
        if small:
            workers = 1  # (a pool's workers would each load the prefilter)
        elif opts.on_note and not prefilter.ready(work.catalogue):
            opts.on_note(compile_note())
    engine = get_engine(opts.engine, opts.scheduler, opts.tls)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    # Findings are reported relative to their target; several targets keep their order.
    outcomes = engine.run(jobs, work, workers, tally.on_done)
    try:
        with prefilter.without_prefilter() if small else contextlib.nullcontext():
            for _job, out in outcomes:
                if out.findings:
                    findings.extend(out.findings)
                if out.notices:
                    notices.extend(out.notices)
                if out.skipped:
                    skipped.extend(out.skipped)
    finally:
        close = getattr(outcomes, "close", None)
        if close:  # a generator: its pool and scratch go now, not when it is collected
            close()
    tally.add(findings, listed + skipped, notices)
    # A file target skipped whole (too large, not text) was never read: its identity is
    # its size, not a hash that would read gigabytes only to report them unread.
    unread = {s.target for s in skipped if s.reason is SkipReason.TOO_LARGE and "!" not in s.path}
    tally.targets[:] = [described(t, t.target not in unread) for t in tally.targets]


def _scan_finishing(
    target: str, source: Finishing, opts: ScanOptions, work: Work, tally: _Tally
) -> None:
    """A target whose source finishes the result from its units' outcomes (a
    repository's history): scanned on its own, on this machine."""
    try:
        units = list(source.units(target))
        tally.listed += len(units)
        kept: list[tuple[Unit, Outcome]] = []
        workers = opts.jobs or local.default_jobs()
        for unit, out in LocalEngine().run(units, work, workers, tally.on_done):
            if out.findings or out.skipped or out.notices:
                assert not isinstance(unit, FolderFiles)
                kept.append((unit, out))
        done = source.finish(target, kept)
    finally:
        source.close()
    tally.targets.append(done.target)
    tally.add(done.findings, done.skipped, done.notices)


def scan_repository(target: str, options: ScanOptions) -> tuple[ScanResult, RepoCounts]:
    """A history scan of one repository, and what it read (commits, distinct blobs,
    trees): for measuring it."""
    from ethicscan.sources.repository import HistorySource

    opts = replace(options, history=True)
    source = HistorySource(opts.sources(), [target])
    result = _scan([target], opts, {SourceKind.REPOSITORY: source})
    return result, source.counts[target]


# A scan of at most this many files and bytes (on disk), none of them an archive or a
# document (whose few bytes may expand to gigabytes), is small: it runs in this process
# without the prefilter, whose databases take seconds to compile and 0.1 s to load,
# while reading a few files whole takes milliseconds (same findings either way).
SMALL_SCAN_FILES = 64
SMALL_SCAN_BYTES = 4 * 1024 * 1024
EXPANDS = CONTAINERS | {Format.OFFICE, Format.PDF}

Units = Iterator[Job]


def small_scan(units: Units) -> tuple[bool, Units]:
    """Whether the walk ``units`` is a small scan (see SMALL_SCAN_FILES), and the same
    units to scan: the first few are looked at (and sized) to tell."""
    head: list[Job] = []
    count = 0
    for unit in units:
        head.append(unit)
        count += len(unit.names) if isinstance(unit, FolderFiles) else 1
        if count > SMALL_SCAN_FILES:
            return False, itertools.chain(head, units)
    sized = list(one_by_one(head))
    files = [j for j in sized if isinstance(j, FileJob)]  # (other units: never small)
    small = len(files) == len(sized) and sum(max(j.size, 0) for j in files) <= SMALL_SCAN_BYTES
    return small and not any(map(_expands, files)), iter(sized)


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
    classifier: ``.py`` code, ``.md`` prose ...; a page's visible text is read from
    ``.html`` as a scan reads the file)."""
    catalogue = load_catalogue(tuple(rule_dirs))
    reader = reader_for(Format.TEXT, path)
    if reader is None:
        return analyse(text, path, catalogue)
    read = reader.extract(text.encode("utf-8", "surrogatepass"), path)
    return [f for seg in read.segments for f in analyse(seg.text, path, catalogue, read.kind)]
