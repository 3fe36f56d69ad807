"""History scans (``--history``): every distinct blob a repository's history holds is
read, decoded and analysed once (in one process or a pool, same results), then
the findings are traced through the commits that hold them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pathspec
from dulwich.repo import Repo

from ethicscan.classify.analyse import analyse, relocated
from ethicscan.classify.history import sightings, track
from ethicscan.engine.local import POOL_MIN_FILES, die_with_parent
from ethicscan.errors import TargetError
from ethicscan.extract.decode import NotText, decode
from ethicscan.model import Finding, Skipped, SkipReason, Target
from ethicscan.rules.catalogue import Catalogue, load_catalogue
from ethicscan.sources.history import (
    BlobId,
    BlobRef,
    CommitInfo,
    CorruptObject,
    Excluded,
    Repository,
    Selection,
    TreeIndex,
    blob_paths_by_commit,
    commit_info,
    commits,
    distinct_blobs,
    file_paths,
    head_tips,
    is_remote,
    open_repository,
    read_blob,
    tips,
)

BlobDone = Callable[[int, int], None]  # bytes of the blob just analysed, blobs in all


@dataclass(frozen=True, slots=True)
class BlobOutcome:
    findings: tuple[Finding, ...]
    skipped: Skipped | None
    bytes: int


@dataclass(frozen=True, slots=True)
class RepoOutcome:
    target: Target
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    blobs: int  # distinct blobs analysed (text)
    bytes: int
    commits: int = 0  # in the scanned range
    distinct_blobs: int = 0  # analysed or skipped
    trees: int = 0  # distinct trees read to find which commits hold findings


def scan_blob(
    repo: Repo, ref: BlobRef, catalogue: Catalogue, max_size: int, target: str
) -> BlobOutcome:
    """Read, decode and analyse one blob as the file ``ref.path``; never raises for a
    bad blob."""
    tag = f" (blob {ref.blob.decode()[:12]})"
    if ref.symlink:
        detail = f"link (links are not followed){tag}"
        return BlobOutcome((), Skipped(ref.path, SkipReason.SYMLINK, detail, target), 0)
    try:
        data = read_blob(repo, ref.blob)
    except CorruptObject as exc:
        return BlobOutcome((), Skipped(ref.path, SkipReason.CORRUPT, str(exc), target), 0)
    if len(data) > max_size:
        detail = f"{len(data)} bytes > limit {max_size}{tag}"
        return BlobOutcome((), Skipped(ref.path, SkipReason.TOO_LARGE, detail, target), 0)
    try:
        text = decode(data).text
    except NotText as exc:
        return BlobOutcome(
            (), Skipped(ref.path, SkipReason.BINARY, f"{exc}{tag}", target), len(data)
        )
    try:
        found = analyse(text, ref.path, catalogue)
    except RecursionError as exc:  # pragma: no cover - defensive: report, never die
        return BlobOutcome((), Skipped(ref.path, SkipReason.ERROR, repr(exc), target), len(data))
    located = tuple(replace(f, location=replace(f.location, target=target)) for f in found)
    return BlobOutcome(located, None, len(data))


_worker: tuple[Repo, Catalogue] | None = None


def _init_worker(repo_path: str, rule_dirs: tuple[str, ...]) -> None:
    global _worker
    die_with_parent()
    _worker = (Repo(repo_path), load_catalogue(rule_dirs))


def _blob_in_worker(args: tuple[BlobRef, int, str]) -> BlobOutcome:
    assert _worker is not None
    ref, max_size, target = args
    return scan_blob(_worker[0], ref, _worker[1], max_size, target)


def _run(
    repo: Repository,
    refs: Sequence[BlobRef],
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    max_size: int,
) -> Iterator[BlobOutcome]:
    """Outcomes in the order of ``refs``, whatever the number of workers."""
    if workers <= 1 or len(refs) < POOL_MIN_FILES:
        for ref in refs:
            yield scan_blob(repo.repo, ref, catalogue, max_size, repo.target)
        return
    chunk = max(1, min(64, len(refs) // (workers * 8)))
    args = [(ref, max_size, repo.target) for ref in refs]
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(repo.path, rule_dirs)
    ) as pool:
        yield from pool.map(_blob_in_worker, args, chunksize=chunk)


class _TipView:
    """The tip's files and any version's text, read and decoded on demand."""

    def __init__(self, repo: Repository, files: dict[str, BlobId]) -> None:
        self._repo = repo
        self._files = files
        self.paths = frozenset(files)

    def text(self, path: str) -> str | None:
        blob = self._files.get(path)
        return None if blob is None else self.old_text(blob)

    def old_text(self, blob: BlobId) -> str | None:
        try:
            return decode(read_blob(self._repo.repo, blob)).text
        except (CorruptObject, NotText):
            return None


def scan_repository(
    target: str,
    selection: Selection,
    catalogue: Catalogue,
    rule_dirs: tuple[str, ...],
    workers: int,
    max_size: int,
    on_blob: BlobDone | None = None,
    excludes: Sequence[str] = (),
) -> RepoOutcome:
    """Every finding in the history of one repository, each once, with its history.
    ``excludes`` (gitignore syntax) leave repository paths out."""
    try:
        repo = open_repository(target)
    except TargetError as exc:
        if is_remote(target) or os.path.exists(target):
            kind, reason = "unreadable", SkipReason.UNREADABLE
        else:
            kind, reason = "missing", SkipReason.NOT_FOUND
        return RepoOutcome(Target(target, kind), (), (Skipped(target, reason, str(exc)),), 0, 0)
    try:
        return _scan_open(
            repo,
            selection,
            catalogue,
            rule_dirs,
            workers,
            max_size,
            on_blob,
            exclusions(excludes),
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
    max_size: int,
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
    analysed = total = 0
    for ref, out in zip(
        refs, _run(repo, refs, catalogue, rule_dirs, workers, max_size), strict=True
    ):
        total += out.bytes
        if out.skipped:
            skipped.append(out.skipped)
        else:
            analysed += 1
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

    def findings_at(path: str, blob: BlobId) -> list[Finding]:
        return relocated(findings_by_blob[blob], path)  # no new analysis: a new path only

    found = track(seen, findings_at, tip_pairs, _TipView(repo, tip_files))
    skipped.extend(repo.skipped)
    return RepoOutcome(
        Target(repo.target, "repository"),
        tuple(found),
        tuple(dict.fromkeys(skipped)),
        analysed,
        total,
        len(history),
        len(refs),
        index.trees_read,
    )
