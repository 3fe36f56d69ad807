"""A repository's history as a source (``--history``).  Its units are the distinct
blobs every commit's tree holds (:class:`GitBlob`), each read once, as the file at the
smallest path it had, by the per-file pipeline of a plain scan (archives, documents and
binaries opened, suppressions applied; in one process or a pool, same results);
:meth:`HistorySource.finish` then traces the findings through the commits that hold
them, in the order of the commit graph."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import pathspec
from dulwich.repo import Repo

from ethicscan.classify.analyse import with_fingerprints
from ethicscan.classify.history import sightings, track
from ethicscan.classify.package import name_model_data
from ethicscan.commits import BlobId, CommitInfo
from ethicscan.errors import TargetError
from ethicscan.extract.decode import NotText, decode
from ethicscan.extract.units import Limits, Scratch
from ethicscan.kinds import TargetKind
from ethicscan.model import Finding, Notice, Skipped, SkipReason, Target
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
from ethicscan.sources.interface import Finished, Opened, Outcome, SourceOptions, Unit


@dataclass(frozen=True, slots=True)
class RepoCounts:
    """What a history scan of one repository read."""

    commits: int = 0  # in the scanned range
    distinct_blobs: int = 0  # analysed or skipped
    trees: int = 0  # distinct trees read to find which commits hold findings


# Repositories open in this process, by folder: the source's own while it scans, and
# the one a pool worker opens for its first blob (a worker never uses the handle it
# inherits: a forked process shares its files' offsets with its parent).
_OPEN: dict[str, tuple[int, Repo, Headers]] = {}


def _handle(path: str) -> tuple[Repo, Headers]:
    got = _OPEN.get(path)
    if got is None or got[0] != os.getpid():
        repo = Repo(path)
        got = _OPEN[path] = (os.getpid(), repo, Headers(repo))
    return got[1], got[2]


@dataclass(frozen=True, slots=True)
class GitBlob:
    """A distinct blob of a repository's history, read as the file ``ref.path`` (a
    :class:`~ethicscan.sources.interface.Unit`)."""

    repo: str  # the repository's folder (a temporary clone's, for a remote target)
    ref: BlobRef
    target: str

    @property
    def rel_path(self) -> str:
        return self.ref.path

    def open(self, limit: int, limits: Limits, scratch: Scratch) -> Opened | Skipped:
        """Its header is read first: a blob too large to hold in memory (its chain over
        8 MiB, whatever ``limit``) is inflated into a file of ``scratch``, or not at all."""
        ref = self.ref
        tag = f" (blob {ref.blob.decode()[:12]})"
        if ref.symlink:
            return Skipped(
                ref.path, SkipReason.SYMLINK, "link (links are not followed)" + tag, self.target
            )
        repo, headers = _handle(self.repo)
        try:
            size, data, spooled = open_blob(repo, headers, ref.blob, limits, scratch)
        except CorruptObject as exc:
            return Skipped(ref.path, exc.reason, str(exc), self.target)
        except Unread as exc:
            return Skipped(ref.path, exc.reason, exc.detail + tag, self.target)
        return Opened(FileJob(spooled or "", ref.path, size, self.target), size, data, tag)


@dataclass
class _Listed:
    """What :meth:`HistorySource.units` learnt of one target, for :meth:`finish`."""

    target: Target
    skipped: list[Skipped]
    repo: Repository | None = None
    history: list[CommitInfo] = field(default_factory=list)
    tips: list[CommitInfo] = field(default_factory=list)
    refs: list[BlobRef] = field(default_factory=list)


class HistorySource:
    """Git repositories (a folder, bare or not, or a ``git+https://`` URL cloned into
    a private temporary folder): the blobs of their history.  ``options.limits`` bound
    each blob as they bound a file, and the paths a tree expands to as they bound an
    archive's entries; ``options.excludes`` (gitignore syntax) leave repository paths
    out."""

    def __init__(self, options: SourceOptions, targets: Sequence[str] = ()) -> None:
        self.limits = options.limits
        self.selection = Selection(options.branches, options.since, options.until)
        self.excluded = exclusions(options.excludes)
        self._listed: dict[str, _Listed] = {}
        self.counts: dict[str, RepoCounts] = {}

    def units(self, target: str) -> Iterator[GitBlob]:
        """Every distinct blob of the selected history, each once.  What is skipped
        (paths excluded, objects not read) and the target come with :meth:`finish`."""
        try:
            repo = open_repository(target)
        except TargetError as exc:
            if is_remote(target) or os.path.exists(target):
                kind, reason = TargetKind.UNREADABLE, SkipReason.UNREADABLE
            else:
                kind, reason = TargetKind.MISSING, SkipReason.NOT_FOUND
            self._listed[target] = _Listed(
                Target(target, kind), [Skipped(target, reason, str(exc))]
            )
            return
        listed = self._listed[target] = _Listed(
            Target(repo.target, TargetKind.REPOSITORY), [], repo
        )
        repo.limits = self.limits
        _OPEN[repo.path] = (os.getpid(), repo.repo, repo.headers)
        selection = self.selection
        all_tips = tips(repo, selection.branches)
        listed.history = commits(repo, all_tips.values(), selection)
        for oid in sorted(head_tips(repo, selection.branches, all_tips)):
            info = commit_info(repo, oid)
            if info is not None:
                listed.tips.append(info)
        roots = [c.tree for c in listed.history] + [t.tree for t in listed.tips]
        listed.refs, left_out = distinct_blobs(repo, roots, self.excluded)
        listed.skipped.extend(
            Skipped(p, SkipReason.EXCLUDED, "matched an ignore rule", repo.target) for p in left_out
        )
        for ref in listed.refs:
            yield GitBlob(repo.path, ref, repo.target)

    def finish(self, target: str, outcomes: Sequence[tuple[Unit, Outcome]]) -> Finished:
        """Every finding of the history, each once, with its history."""
        listed = self._listed.pop(target)
        repo = listed.repo
        if repo is None:
            return Finished(listed.target, (), tuple(listed.skipped))
        try:
            return self._traced(target, repo, listed, outcomes)
        finally:
            self._close(repo)

    def close(self) -> None:
        for listed in self._listed.values():
            if listed.repo is not None:
                self._close(listed.repo)
        self._listed.clear()

    def _close(self, repo: Repository) -> None:
        _OPEN.pop(repo.path, None)
        repo.close()

    def _traced(
        self,
        target: str,
        repo: Repository,
        listed: _Listed,
        outcomes: Sequence[tuple[Unit, Outcome]],
    ) -> Finished:
        history, refs, excluded = listed.history, listed.refs, self.excluded
        findings_by_blob: dict[BlobId, tuple[Finding, ...]] = {}
        skipped = listed.skipped
        notices: list[Notice] = []
        for unit, out in outcomes:
            assert isinstance(unit, GitBlob)
            skipped.extend(out.skipped)
            notices.extend(out.notices)
            if out.findings:
                findings_by_blob[unit.ref.blob] = out.findings

        index = TreeIndex(repo, findings_by_blob.__contains__)
        seen = sightings(blob_paths_by_commit(index, history))
        tip_pairs = frozenset(p for t in listed.tips for p in index.holds(t.tree))
        if excluded is not None:  # a blob with findings may also sit at an excluded path
            seen = [s for s in seen if not _under_excluded(s.path, excluded)]
        tip_files: dict[str, BlobId] = {}
        for t in listed.tips:
            tip_files.update(file_paths(repo, t.tree))
        read_as = {ref.blob: ref.path for ref in refs}

        def findings_at(path: str, blob: BlobId) -> list[Finding]:
            # no new analysis: a new path only
            return moved(findings_by_blob[blob], read_as[blob], path)

        found = track(seen, findings_at, tip_pairs, _TipView(repo, tip_files))
        # A tree or blob that only a ref names has no commit, so no history: as read.
        found.extend(f for r in refs if r.by_ref for f in findings_by_blob.get(r.blob, ()))
        skipped.extend(repo.skipped)
        self.counts[target] = RepoCounts(len(history), len(refs), index.trees_read)
        return Finished(
            listed.target,
            tuple(name_model_data(found)),
            tuple(dict.fromkeys(skipped)),
            tuple(dict.fromkeys(notices)),
        )


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
