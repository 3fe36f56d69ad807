"""History scans (``--history``): every distinct blob a repository's history holds goes
once through the per-file pipeline of a plain scan (``pipeline.scan_content``:
archives, documents and binaries opened, suppressions applied; in one process or a
pool, same results), then the findings are traced through the commits that hold
them, in the order of the commit graph."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pathspec
from dulwich.repo import Repo

from ethicscan import interrupt
from ethicscan.classify.analyse import with_fingerprints
from ethicscan.classify.history import sightings, track
from ethicscan.classify.package import name_model_data
from ethicscan.commits import BlobId, CommitInfo
from ethicscan.engine.local import POOL_MIN_FILES, die_with_parent, stop_workers
from ethicscan.errors import TargetError
from ethicscan.extract.decode import NotText, decode
from ethicscan.extract.units import Limits, Scratch
from ethicscan.model import Finding, Notice, Skipped, SkipReason, Target
from ethicscan.pipeline import FileOutcome, scan_content
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources.fs import FileJob
from ethicscan.sources.gitstore import Headers
from ethicscan.sources.history import (
    BlobRef,
    CorruptObject,
    Excluded,
    Repository,
    Selection,
    TreeIndex,
    Unread,
    blob_paths_by_commit,
    commit_info,
    commits,
    distinct_blobs,
    file_paths,
    head_tips,
    is_remote,
    open_blob,
    open_repository,
    tips,
)

BlobDone = Callable[[int, int], None]  # bytes of the blob just analysed, blobs in all


@dataclass(frozen=True, slots=True)
class RepoOutcome:
    target: Target
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    blobs: int  # texts analysed: blobs, and the members and pages inside them
    bytes: int
    commits: int = 0  # in the scanned range
    distinct_blobs: int = 0  # analysed or skipped
    trees: int = 0  # distinct trees read to find which commits hold findings
    notices: tuple[Notice, ...] = ()  # problems with inline suppressions


def scan_blob(
    repo: Repo,
    headers: Headers,
    ref: BlobRef,
    catalogue: Catalogue,
    limits: Limits,
    target: str,
) -> FileOutcome:
    """One blob through the per-file pipeline of a plain scan, as the file
    ``ref.path`` (archives, documents and binaries opened, large texts read in
    pieces, inline suppressions applied); never raises for a bad blob.  Its header
    is read first: a blob too large to hold is inflated into a private temporary
    file, or not at all."""
    tag = f" (blob {ref.blob.decode()[:12]})"

    def skipped(reason: SkipReason, detail: str) -> FileOutcome:
        return FileOutcome((), (Skipped(ref.path, reason, detail + tag, target),), 0, 0)

    if ref.symlink:
        return skipped(SkipReason.SYMLINK, "link (links are not followed)")
    scratch = Scratch()
    try:
        try:
            size, data, spooled = open_blob(repo, headers, ref.blob, limits, scratch)
        except CorruptObject as exc:
            return FileOutcome((), (Skipped(ref.path, exc.reason, str(exc), target),), 0, 0)
        except Unread as exc:
            return skipped(exc.reason, exc.detail)
        out = scan_content(
            FileJob(spooled or "", ref.path, size, target), size, data, catalogue, limits
        )
    finally:
        scratch.close()
    if not out.skipped:
        return out
    return replace(out, skipped=tuple(replace(s, detail=s.detail + tag) for s in out.skipped))


_worker: tuple[Repo, Headers, Catalogue, Limits] | None = None


def _init_worker(repo_path: str, rule_dirs: tuple[str, ...], limits: Limits) -> None:
    global _worker
    die_with_parent()
    interrupt.worker_handlers()
    repo = Repo(repo_path)
    _worker = (repo, Headers(repo), load_catalogue(rule_dirs), limits)


def _blob_in_worker(args: tuple[BlobRef, str]) -> FileOutcome:
    assert _worker is not None
    ref, target = args
    repo, headers, catalogue, limits = _worker
    with interrupt.task():  # SIGTERM or SIGHUP: stops here, its temporary files removed
        return scan_blob(repo, headers, ref, catalogue, limits, target)


def _run(
    repo: Repository,
    refs: Sequence[BlobRef],
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
) -> Iterator[FileOutcome]:
    """Outcomes in the order of ``refs``, whatever the number of workers."""
    if workers <= 1 or len(refs) < POOL_MIN_FILES:
        for ref in refs:
            yield scan_blob(repo.repo, repo.headers, ref, catalogue, repo.limits, repo.target)
        return
    chunk = max(1, min(64, len(refs) // (workers * 8)))
    args = [(ref, repo.target) for ref in refs]
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_init_worker,
        initargs=(repo.path, rule_dirs, repo.limits),
    ) as pool:
        try:
            yield from pool.map(_blob_in_worker, args, chunksize=chunk)
        except BaseException:
            if interrupt.stopping():  # SIGTERM or SIGHUP: the workers stop and clean up
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def moved(findings: Sequence[Finding], old: str, new: str) -> list[Finding]:
    """The findings of a blob read as the file ``old`` as if it were at ``new``: the
    same text at another path is analysed once; only locations (an archive's members
    too: ``old!a/b`` becomes ``new!a/b``) and fingerprints change."""
    if old == new:
        return list(findings)
    out = []
    for f in findings:
        p = f.location.path
        at = new + p[len(old) :] if p == old or p.startswith(old + "!") else new
        out.append(replace(f, location=replace(f.location, path=at)))
    return with_fingerprints(out)


class _TipView:
    """The tip's files and any version's text, read and decoded on demand (a blob
    too large to hold in memory has no text here)."""

    def __init__(self, repo: Repository, files: dict[str, BlobId]) -> None:
        self._repo = repo
        self._files = files
        self.paths = frozenset(files)

    def text(self, path: str) -> str | None:
        blob = self._files.get(path)
        return None if blob is None else self.old_text(blob)

    def old_text(self, blob: BlobId) -> str | None:
        scratch = Scratch()
        try:
            _size, data, _spooled = open_blob(
                self._repo.repo, self._repo.headers, blob, self._repo.limits, scratch, spool=False
            )
            return None if data is None else decode(data).text
        except (CorruptObject, Unread, NotText):
            return None
        finally:
            scratch.close()


def scan_repository(
    target: str,
    selection: Selection,
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    limits: Limits,
    on_blob: BlobDone | None = None,
    excludes: Sequence[str] = (),
) -> RepoOutcome:
    """Every finding in the history of one repository, each once, with its history.
    ``limits`` bound each blob as they bound a file, and the paths a tree expands
    to as they bound an archive's entries; ``excludes`` (gitignore syntax) leave
    repository paths out."""
    try:
        repo = open_repository(target)
    except TargetError as exc:
        if is_remote(target) or os.path.exists(target):
            kind, reason = "unreadable", SkipReason.UNREADABLE
        else:
            kind, reason = "missing", SkipReason.NOT_FOUND
        return RepoOutcome(Target(target, kind), (), (Skipped(target, reason, str(exc)),), 0, 0)
    repo.limits = limits
    try:
        return _scan_open(
            repo, selection, catalogue, rule_dirs, workers, on_blob, exclusions(excludes)
        )
    finally:
        repo.close()


def exclusions(patterns: Sequence[str]) -> Excluded | None:
    """``--exclude`` patterns (gitignore syntax) as a test on repository paths."""
    if not patterns:
        return None
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def excluded(path: str, is_dir: bool) -> bool:
        return bool(spec.match_file(path + "/" if is_dir else path))

    return excluded


def _under_excluded(path: str, excluded: Excluded) -> bool:
    parts = path.split("/")
    dirs = ("/".join(parts[:i]) for i in range(1, len(parts)))
    return any(excluded(d, True) for d in dirs) or excluded(path, False)


def _scan_open(
    repo: Repository,
    selection: Selection,
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    on_blob: BlobDone | None,
    excluded: Excluded | None,
) -> RepoOutcome:
    all_tips = tips(repo, selection.branches)
    history = commits(repo, all_tips.values(), selection)
    tip_infos: list[CommitInfo] = []
    for oid in sorted(head_tips(repo, selection.branches, all_tips)):
        info = commit_info(repo, oid)
        if info is not None:
            tip_infos.append(info)
    roots = [c.tree for c in history] + [t.tree for t in tip_infos]
    refs, left_out = distinct_blobs(repo, roots, excluded)

    findings_by_blob: dict[BlobId, tuple[Finding, ...]] = {}
    skipped = [
        Skipped(p, SkipReason.EXCLUDED, "matched an ignore rule", repo.target) for p in left_out
    ]
    notices: list[Notice] = []
    texts = total = 0
    for ref, out in zip(refs, _run(repo, refs, catalogue, rule_dirs, workers), strict=True):
        total += out.bytes
        texts += out.texts
        skipped.extend(out.skipped)
        notices.extend(out.notices)
        if out.findings:
            findings_by_blob[ref.blob] = out.findings
        if on_blob:
            on_blob(out.bytes, len(refs))

    index = TreeIndex(repo, findings_by_blob.__contains__)
    seen = sightings(blob_paths_by_commit(index, history))
    tip_pairs = frozenset(p for t in tip_infos for p in index.holds(t.tree))
    if excluded is not None:  # a blob with findings may also sit at an excluded path
        seen = [s for s in seen if not _under_excluded(s.path, excluded)]
    tip_files: dict[str, BlobId] = {}
    for t in tip_infos:
        tip_files.update(file_paths(repo, t.tree))
    read_as = {ref.blob: ref.path for ref in refs}

    def findings_at(path: str, blob: BlobId) -> list[Finding]:
        # no new analysis: a new path only
        return moved(findings_by_blob[blob], read_as[blob], path)

    found = track(seen, findings_at, tip_pairs, _TipView(repo, tip_files))
    # A tree or blob that only a ref names has no commit, so no history: as read.
    found.extend(f for r in refs if r.by_ref for f in findings_by_blob.get(r.blob, ()))
    skipped.extend(repo.skipped)
    return RepoOutcome(
        Target(repo.target, "repository"),
        tuple(name_model_data(found)),
        tuple(dict.fromkeys(skipped)),
        texts,
        total,
        len(history),
        len(refs),
        index.trees_read,
        tuple(dict.fromkeys(notices)),
    )
