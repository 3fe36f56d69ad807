"""What happens to one unit of bytes, whatever its source and wherever it runs: the
one per-file pipeline.  Every engine runs it (:class:`Work`) and every source's units
end in it (a file on disk, a folder's files, a git blob).

1. read: the unit opened (:meth:`ethicscan.sources.interface.Unit.open`), or skipped;
2. fast path: a plain text in which the prefilter sees no term is counted and left;
   a report ethicscan wrote is skipped;
3. explore: archives opened, documents and binaries handed to their extractors, large
   texts read in pieces (:mod:`ethicscan.extract.explore`);
4. analyse: each text classified (:func:`ethicscan.classify.analyse.analyse`);
5. suppress: inline ``ethicscan: ignore[...]`` comments marked (:mod:`ethicscan.suppress`);
6. locate: findings put back at their line, page, member of the file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace

from ethicscan.classify.analyse import analyse, with_fingerprints
from ethicscan.errors import ConfigError
from ethicscan.extract.decode import SAMPLE, stream_encoding
from ethicscan.extract.explore import (
    Budget,
    Explorer,
    clean_text,
    in_pieces,
    zip_at_end,
)
from ethicscan.extract.footprint import footprint
from ethicscan.extract.formats import HEAD, Format, identify
from ethicscan.extract.stream import ranges
from ethicscan.extract.units import SPOOL_AT, Blob, Limits, Scratch, TextUnit
from ethicscan.model import Finding, Notice, Skipped, SkipReason, path_text
from ethicscan.report.own import HEAD as OWN_HEAD
from ethicscan.report.own import own_report
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.rules.prefilter import let_go, prefilter_for
from ethicscan.sources.fs import FileJob, FolderFiles, read_regular, unreadable
from ethicscan.sources.interface import Unit
from ethicscan.suppress import apply_inline


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What one unit (or one range of a large text) gave."""

    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    bytes: int  # read from the file given to the scan
    texts: int = 0  # texts classified: the file itself, or its members and pages
    newlines: int = 0  # for one range of a large text: the line breaks it holds
    notices: tuple[Notice, ...] = ()  # problems with inline suppressions
    files: int = 1  # files it stands for (several clean files of one folder: their count)


# What a file is explored inside, given its size and how to estimate the memory its
# exploring may take (:func:`ethicscan.extract.footprint.footprint`, asked only when
# needed): an engine's, to bound its workers' memory together (:class:`Work`); the
# pipeline's own reads each file as it comes.
Gate = Callable[[int, Callable[[], int]], AbstractContextManager[object]]


def ungated(size: int, estimate: Callable[[], int]) -> AbstractContextManager[object]:
    return contextlib.nullcontext()


class NoTurn(Exception):
    """A gate that was asked not to wait has no room now for the file of ``size``
    bytes, whose exploring may take ``need`` bytes: it is to be read later
    (:class:`Later`)."""

    def __init__(self, need: int, size: int = 0) -> None:
        super().__init__(need)
        self.need = need
        self.size = size


@dataclass(frozen=True, slots=True)
class Later:
    """A file put off by :class:`NoTurn` (``name``: in its folder's run), with the
    memory its exploring may take and its size: sent again when there is room for it
    (the largest first)."""

    name: str
    need: int
    size: int = 0


def scan_file(
    unit: Unit,
    catalogue: Catalogue,
    limits: Limits | None = None,
    prefilter: bool = True,
    gate: Gate = ungated,
) -> FileOutcome:
    """Read one unit (a file, a blob; for an archive, everything inside it) and
    analyse every text in it; never raises for a bad unit.  A file job with a
    ``part`` reads only that range of a large text, with lines counted from the
    range's start.  ``gate``: what a file is explored inside, given its size."""
    limits = limits or Limits()
    scratch = Scratch()  # a blob too large to hold is inflated here
    try:
        opened = unit.open(SPOOL_AT, limits, scratch)
        if isinstance(opened, Skipped):
            return FileOutcome((), (opened,), 0)
        out = scan_content(opened.job, opened.size, opened.data, catalogue, limits, prefilter, gate)
    finally:
        scratch.close()
    return _noted(out, opened.note)


def scan_content(
    job: FileJob,
    size: int,
    data: bytes | None,
    catalogue: Catalogue,
    limits: Limits,
    prefilter: bool = True,
    gate: Gate = ungated,
) -> FileOutcome:
    """The pipeline once a unit is read: the clean-text fast path, a report ethicscan
    wrote, then explore, analyse, suppress and locate.  ``data``: the unit's ``size``
    bytes, or None when it is large (it is then read at ``job.fs_path``)."""
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
    # (a range of a large text is bounded)
    with gate(size if job.part is None else 0, _estimate(job, size, data, limits)):
        return _explored(job, size, data, catalogue, limits, prefilter)


def _estimate(job: FileJob, size: int, data: bytes | None, limits: Limits) -> Callable[[], int]:
    return lambda: footprint(job.rel_path, size, data, job.fs_path, limits)


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


def _explored(
    job: FileJob,
    size: int,
    data: bytes | None,
    catalogue: Catalogue,
    limits: Limits,
    prefilter: bool,
) -> FileOutcome:
    """Explore a unit read (``data``, or at its path when large) and found not to be
    a clean plain text, and analyse each text in it."""
    blob = Blob(size, data) if data is not None else Blob(size, path=job.fs_path)
    found = _Found(job, catalogue, limits)
    scratch = Scratch()
    explorer = Explorer(limits, scratch, prefilter_for(catalogue) if prefilter else None)
    texts = (
        explorer.stream(job.rel_path, blob, job.part)
        if job.part is not None
        else explorer.explore(job.rel_path, blob, Budget(limits))
    )
    try:
        for text in texts:
            found.add(text)
    except OSError as exc:
        found.skip(job.rel_path, SkipReason.UNREADABLE, exc.strerror or str(exc))
    except RecursionError:  # defensive: --max-depth is capped well below the stack's limit
        found.skip(job.rel_path, SkipReason.ERROR, "nested too deep to read")
    finally:
        scratch.close()
    return found.outcome(size, explorer.newlines)


@dataclass
class _Found:
    """What the texts of one unit gave, as they are analysed."""

    job: FileJob
    catalogue: Catalogue
    limits: Limits
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    texts: int = 0
    pieces: bool = False

    def skip(self, path: str, reason: SkipReason, detail: str) -> None:
        self.skipped.append(Skipped(path, reason, detail, self.job.target))

    def add(self, unit: TextUnit | Skipped) -> None:
        """Analyse one text: classify, suppress, locate."""
        if isinstance(unit, Skipped):
            self.skipped.append(replace(unit, target=self.job.target))
            return
        self.texts += not unit.piece
        self.pieces = self.pieces or unit.piece
        if not unit.text:
            return
        try:
            found = analyse(
                unit.text, unit.path, self.catalogue, unit.kind, unit.utf8, self.job.target
            )
        except RecursionError as exc:  # pragma: no cover - defensive: report, never die
            self.skip(unit.path, SkipReason.ERROR, repr(exc))
            return
        # Suppressions apply on the unit's own lines, before they are relocated; the
        # file's own text is trusted, an archive member's or a compiled file's is not.
        own = unit.path == self.job.rel_path and not unit.compiled
        found, notes = apply_inline(
            unit.text,
            found,
            self.catalogue,
            unit.path,
            self.job.target,
            trusted=own or self.limits.trust_inline_suppressions,
        )
        self.notices.extend(_notice_located(n, unit) for n in notes)
        target = self.job.target
        self.findings.extend(_located(f, unit, target) for f in found if _own(f, unit))

    def outcome(self, size: int, newlines: int) -> FileOutcome:
        notices = tuple(dict.fromkeys(self.notices))
        part = self.job.part
        if part is not None:  # one range of a large text: its line breaks, for the next
            first = size if part[0] == 0 else 0
            return FileOutcome(
                tuple(self.findings), tuple(self.skipped), first, 0, newlines, notices
            )
        findings = self.findings
        texts = self.texts
        if self.pieces:
            texts += 1  # a large text counts once, however many pieces it was read in
            findings = _refingerprinted(findings)
        return FileOutcome(tuple(findings), tuple(self.skipped), size, texts, 0, notices)


def _noted(out: FileOutcome, note: str) -> FileOutcome:
    """``out`` with ``note`` (which blob it was) added to what it skipped."""
    if not note or not out.skipped:
        return out
    return replace(out, skipped=tuple(replace(s, detail=s.detail + note) for s in out.skipped))


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
        end = f.location.end_line  # (a code table's last row: None for most findings)
        return replace(
            f,
            location=replace(
                f.location,
                target=target,
                line=unit.line_base + f.location.line,
                column=f.location.column + (unit.col_base if first else 0),
                end_line=None if end is None else unit.line_base + end,
            ),
        )
    line, seg = unit.origin(f.location.line)
    if seg is None:
        if f.location.target == target:
            return f  # located by the classifier already (the common case)
        return replace(f, location=replace(f.location, target=target))
    end = f.location.end_line
    return replace(
        f,
        location=replace(
            f.location,
            target=target,
            line=line,
            page=seg.page,
            offset=seg.offset,
            member=seg.member,
            end_line=None if end is None else line + unit.lines_within(f.location.line, end),
        ),
    )


@dataclass(frozen=True, slots=True)
class Split:
    """A worker's answer for a file of a folder that is a large text: its ranges, for
    the pool to share (:func:`split_large`)."""

    job: FileJob
    parts: tuple[FileJob, ...]


Raw = FileOutcome | int  # a clean text comes back as its size alone (cheap to send)


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
    folder: FolderFiles,
    name: str,
    catalogue: Catalogue,
    limits: Limits,
    dir_fd: int | None,
    gate: Gate = ungated,
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
        return FileOutcome((), (unreadable(folder.job(name), exc),), 0)
    if data is not None and _clean_text(data, path_text(name), catalogue):
        return size  # the common case: nothing built
    job = folder.job(name, size)
    if data is not None and (mine := _own_report(job, data)) is not None:
        return compact(mine)
    if data is None:  # larger than stream_above
        parts = split_large(job, limits)
        if len(parts) > 1:
            return Split(job, tuple(parts))
        return compact(scan_file(job, catalogue, limits, gate=gate))
    with gate(size, _estimate(job, size, data, limits)):
        return compact(_explored(job, size, data, catalogue, limits, True))


def scan_folder(
    folder: FolderFiles, catalogue: Catalogue, limits: Limits, gate: Gate = ungated
) -> list[Raw | Split | Later]:
    """A folder's run of files, each opened by name in the folder: one answer a file,
    or :class:`Later` for one the gate has no room for now (:class:`NoTurn`)."""
    answers: list[Raw | Split | Later] = []
    dir_fd = _open_folder(folder.fs_dir)
    try:
        for name in folder.names:
            try:
                answers.append(_scan_named(folder, name, catalogue, limits, dir_fd, gate))
            except NoTurn as no:
                answers.append(Later(name, no.need, no.size))
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    return answers


def compact(o: FileOutcome) -> Raw:
    """A clean file's outcome (nothing found, skipped or warned about) as its size
    alone, cheap to send back from a worker."""
    clean = not (o.findings or o.skipped or o.notices or o.newlines) and o.texts == 1
    return o.bytes if clean else o


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


def merge_parts(job: FileJob, parts: list[FileOutcome]) -> FileOutcome:
    """One outcome for a large text read in ranges: lines counted from the file's
    start, fingerprints over the whole file."""
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    lines = 0
    for out in parts:
        for f in out.findings:
            loc = f.location
            end = None if loc.end_line is None else loc.end_line + lines
            findings.append(replace(f, location=replace(loc, line=loc.line + lines, end_line=end)))
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


def expanded(raw: Raw) -> FileOutcome:
    """An outcome sent back as :data:`Raw`, whole again."""
    return FileOutcome((), (), raw, 1) if isinstance(raw, int) else raw


@dataclass(frozen=True, slots=True)
class Work:
    """The pipeline as an engine is handed it: this process's catalogue and the
    limits.  It travels to a worker as its rule folders and limits, and the worker
    loads its own catalogue (once a process: :func:`load_catalogue` caches it)."""

    catalogue: Catalogue
    rule_dirs: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    # What each file is explored inside, given its size: a pool's workers take large
    # files in turns (engine.local); it stays in the process that set it.
    gate: Gate = field(default=ungated, compare=False, repr=False)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _work_here, (self.rule_dirs, self.limits)

    def __call__(self, unit: Unit) -> FileOutcome:
        return scan_file(unit, self.catalogue, self.limits, gate=self.gate)

    def folder(self, folder: FolderFiles) -> list[Raw | Split | Later]:
        return scan_folder(folder, self.catalogue, self.limits, self.gate)

    def named(self, folder: FolderFiles, name: str) -> Raw | Split:
        """One file of ``folder`` (one put off as :class:`Later`)."""
        return _scan_named(folder, name, self.catalogue, self.limits, None, self.gate)

    def ready(self) -> None:
        """In a worker: load what the first unit would (the prefilter's kept databases)."""
        prefilter_for(self.catalogue)

    def warm_up(self) -> None:
        """Before a pool starts: the prefilter compiled (or loaded) once, here, when it
        is kept for other processes (forked workers inherit it)."""
        pf = prefilter_for(self.catalogue)
        if pf.keeps:
            pf.warm_up()

    def let_go(self) -> None:
        """Once a pool's workers are forked: the prefilter dropped here if it can be
        loaded again (:func:`ethicscan.rules.prefilter.let_go`)."""
        let_go(self.catalogue)

    @property
    def used(self) -> tuple[str, str]:
        """The catalogue's version and content digest, to compare with another process's."""
        return self.catalogue.version, self.catalogue.digest


def _work_here(rule_dirs: tuple[str, ...], limits: Limits) -> Work:
    return Work(load_catalogue(rule_dirs), rule_dirs, limits)


def same_catalogue(mine: Catalogue, theirs: tuple[str, str]) -> None:
    """A worker's catalogue (:attr:`Work.used`) is this machine's: the same content of
    every rule file, not only the same version (a rule file edited in place keeps it)."""
    version, digest = theirs
    if digest != mine.digest:
        differ = "" if version != mine.version else " of the same version but other rules"
        raise ConfigError(
            f"a dask worker compiled rule catalogue {version} ({digest[:12]}){differ}, this "
            f"machine {mine.version} ({mine.digest[:12]}): install the same ethicscan "
            "version and rule folders (the same files) on every worker"
        )
