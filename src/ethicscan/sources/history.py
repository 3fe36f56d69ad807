"""Read a git repository's history without starting a process: commits reachable
from its refs, every distinct blob their trees hold, and which commits hold which
blobs of interest.

Built on dulwich (pure Python; reads bare, shallow and packed repositories).  Each
tree object is read at most once per pass (memoised by tree id), so the cost of a
history scan follows the number of distinct trees and blobs, not commits x files.
An object's header is read before the object (:mod:`sources.gitstore`): a tree or
blob too large to hold in memory is never inflated whole.  The paths a tree expands
to are counted as they are listed, with the archive limit on entries, a limit on
the paths one shared folder may stand for, and git's own limit on tree depth, so a
few kilobytes of trees that share subtrees cannot stand for a billion paths.  A
missing or corrupt object never raises: it becomes a ``Skipped`` entry with the
reason ``corrupt``; what is not read (a submodule, an object past a limit) is a
``Skipped`` entry too.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import math
import os
import shutil
import socket
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote, urlparse

from dulwich.errors import FileFormatException, NotGitRepository
from dulwich.objects import Blob, ShaFile, Tag, Tree
from dulwich.objects import Commit as GitCommit
from dulwich.repo import Repo

from ethicscan import interrupt
from ethicscan.commits import BlobId, CommitInfo, TreeId
from ethicscan.errors import ConfigError, TargetError
from ethicscan.extract.units import SPOOL_AT, Limits, Scratch
from ethicscan.model import Commit, Skipped, SkipReason
from ethicscan.sources.gitstore import (
    BLOB,
    COMMIT,
    KIND_NAMES,
    TAG,
    TREE,
    Headers,
    ObjectError,
    Refused,
    inflate_to,
)

# No git+ssh://: dulwich would start an ssh process, and a scan starts none.
REMOTE_PREFIXES = ("git+https://", "git+http://", "git+file://")
_GITLINK = 0o160000
Excluded = Callable[[str, bool], bool]  # (path, is a folder) -> leave it out
# Folders nested deeper than this are not read: git itself refuses them
# (core.maxTreeDepth), and a chain of trees a hundred thousand deep, a few
# megabytes packed, would otherwise cost memory with the square of its depth.
MAX_TREE_DEPTH = 4096
# One commit's tree may hold the same folder (the same tree object) at several
# paths: two vendored copies, folders holding one empty file.  Each is listed, up to
# this many paths for one folder; past it, like zip entries that share their data,
# the other copies are refused: ten objects nesting ten copies of one folder nine
# deep stand for a billion paths.
SHARED_TREE_PATHS = 256


class CorruptObject(Exception):
    """An object the repository should hold is missing or cannot be parsed."""

    reason = SkipReason.CORRUPT


class ObjectTooLarge(CorruptObject):
    """An object whose header declares more than it may take in memory: not read."""

    reason = SkipReason.LIMIT


class Unread(Exception):
    """An object that is not read, and why (a ``SkipReason`` and a detail)."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class BlobRef:
    """A distinct blob: its id, a path it had (the smallest met, for a stable report)
    and whether it is a symbolic link."""

    blob: BlobId
    path: str
    symlink: bool
    # Reached only through a ref that names a tree or a blob (no commit holds it):
    # its findings have no history.
    by_ref: bool = False


@dataclass(frozen=True, slots=True)
class Selection:
    """Which part of the history to read: refs (all when empty) and a commit-date window."""

    branches: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Repository:
    """An opened repository, and the temporary clone behind it (removed on close)."""

    target: str
    path: str
    repo: Repo
    clone_dir: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    # Refs (as selected) whose object, tags peeled, is a tree or a blob, not a commit:
    # (ref name, object id, is a tree).
    ref_objects: list[tuple[str, bytes, bool]] = field(default_factory=list)
    _headers: Headers | None = None
    _reported: set[tuple[str, str]] = field(default_factory=set)

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(self.repo)
        return self._headers

    def close(self) -> None:
        if self._headers is not None:
            self._headers.close()
        self.repo.close()
        if self.clone_dir:
            shutil.rmtree(self.clone_dir, ignore_errors=True)

    def get(self, oid: bytes) -> ShaFile:
        """The object ``oid`` (a commit, tag or tree: read whole), its header read
        first; missing or unparsable objects raise :class:`CorruptObject`, one whose
        delta chain holds more than ``--max-file-size`` :class:`ObjectTooLarge`."""
        try:
            stored = self.headers.stored(oid)
        except ObjectError as exc:
            raise CorruptObject(f"object {oid.decode()} is corrupt ({exc})") from exc
        if stored is not None and stored.largest > self.limits.max_member_size:
            raise ObjectTooLarge(
                f"{KIND_NAMES.get(stored.kind, 'object')} {oid.decode()} of {stored.size} bytes "
                f"(its delta chain {stored.largest}) > limit {self.limits.max_member_size} "
                "(--max-file-size): not read"
            )
        try:
            obj = _lookup(self.repo, oid)
            obj.check()
        except KeyError as exc:
            raise CorruptObject(f"object {oid.decode()} is missing") from exc
        except Exception as exc:  # zlib, format and checksum errors all mean the same
            raise CorruptObject(f"object {oid.decode()} is corrupt ({exc})") from exc
        return obj

    def corrupt(self, path: str, exc: CorruptObject) -> None:
        """Report a bad object once, however many trees or passes meet it."""
        if all(s.detail != str(exc) for s in self.skipped):
            self.skipped.append(Skipped(path, exc.reason, str(exc), self.target))

    def skip(self, path: str, reason: SkipReason, detail: str) -> None:
        """Report what is not read once, however many trees or passes meet it."""
        if (path, detail) not in self._reported:
            self._reported.add((path, detail))
            self.skipped.append(Skipped(path, reason, detail, self.target))

    def tree(self, oid: TreeId, where: str) -> list[tuple[str, int, bytes]] | BlobId | None:
        """The entries of the tree ``oid`` (met at ``where``): its header read first,
        so a tree too large to hold is never inflated.  A blob where a tree should
        be comes back as its id (it is read as the file ``where``); anything else
        that cannot be read is reported and gives None."""
        label = where or "."
        try:
            stored = self.headers.stored(oid)
        except ObjectError as exc:
            self.corrupt(label, CorruptObject(f"object {oid.decode()} is corrupt ({exc})"))
            return None
        if stored is None:
            self.corrupt(label, CorruptObject(f"object {oid.decode()} is missing"))
            return None
        if stored.kind == BLOB:
            return oid
        if stored.kind != TREE:
            kind = KIND_NAMES.get(stored.kind, "object")
            self.corrupt(label, CorruptObject(f"object {oid.decode()} is a {kind}, not a tree"))
            return None
        entries = _entries(self, oid, where)
        if entries is not None and len(entries) > self.limits.max_entries:
            self.skip(
                label,
                SkipReason.LIMIT,
                f"tree {oid.decode()[:12]} holds {len(entries)} entries, more than "
                f"{self.limits.max_entries} (--max-archive-entries)",
            )
            return None
        return entries


def _lookup(repo: Repo, oid: bytes) -> ShaFile:
    # dulwich types ids as NewTypes of bytes in recent versions, plain bytes before.
    store: Any = repo.object_store
    obj: ShaFile = store[oid]
    return obj


def is_remote(target: str) -> bool:
    return target.startswith(REMOTE_PREFIXES)


def open_repository(target: str) -> Repository:
    """Open a repository folder (bare or with a work tree), or clone a ``git+...``
    URL bare into a private temporary folder.  Raises :class:`TargetError`."""
    if not is_remote(target):
        return _open_local(target, target, f"{target} is not a git repository")
    url = target[len("git+") :]
    if url.startswith("file://"):
        # a local path, always, opened where it is: never a URL for a transport, so a
        # path holding ``user@host:repo`` cannot reach ssh
        path = unquote(urlparse(url).path)
        return _open_local(target, path, f"{target}: {path} is not a git repository")
    timeout = clone_timeout()
    tmp = ""
    try:
        with interrupt.deferred():  # made and named at once, for the clean-up below
            tmp = tempfile.mkdtemp(prefix="ethicscan-clone-")
        repo = _clone(url, tmp, timeout)
    except BaseException as exc:  # an interrupt too: the clone goes
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if not isinstance(exc, Exception):
            raise
        if isinstance(exc, _CloneTimeout):
            raise TargetError(
                f"could not clone {target}: timed out after {timeout:g}s "
                f"(${CLONE_TIMEOUT_VARIABLE})"
            ) from None
        raise TargetError(f"could not clone {target}: {exc}") from exc
    return Repository(target, tmp, repo, clone_dir=tmp)


CLONE_TIMEOUT = 600.0  # seconds, like a package client's run
CLONE_TIMEOUT_VARIABLE = "ETHICSCAN_CLONE_TIMEOUT"


class _CloneTimeout(Exception):
    """The clone ran past its deadline."""


def clone_timeout() -> float:
    """Seconds a clone may take: ``$ETHICSCAN_CLONE_TIMEOUT``, else
    :data:`CLONE_TIMEOUT`.  Raises :class:`ConfigError` for a value that is not a
    number of seconds above 0."""
    raw = os.environ.get(CLONE_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return CLONE_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise ConfigError(f"{CLONE_TIMEOUT_VARIABLE}={raw}: expected a number of seconds above 0")
    return value


class _Sockets:
    """The sockets of one clone; :meth:`expire` shuts them (a read blocked in one
    returns at once) and any opened later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._open:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed already
        sock.shutdown(socket.SHUT_RDWR)


def _clone(url: str, folder: str, timeout: float) -> Repo:
    """Clone ``url`` (http or https) bare into ``folder`` within ``timeout`` seconds:
    each connect and read waits at most that long, and at the deadline the clone's
    sockets are shut, so a server that never answers, or trickles its answer, ends it.
    Raises :class:`_CloneTimeout` then."""
    import urllib3
    from dulwich import porcelain
    from dulwich.client import default_urllib3_manager
    from dulwich.config import StackedConfig
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    sockets = _Sockets()

    class Connection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            sockets.add(sock)
            return sock

    class SecureConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            sockets.add(sock)
            return sock

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection

    config = StackedConfig.default()
    pool = default_urllib3_manager(config, base_url=url, timeout=timeout)
    assert isinstance(pool, urllib3.PoolManager)  # a proxy's too; no auth callback given
    pool.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}
    # no retry after a timeout (urllib3 retries a GET three times: four waits)
    pool.connection_pool_kw["retries"] = urllib3.Retry(
        total=None, connect=0, read=0, status=0, other=0, redirect=5
    )
    transport: dict[str, Any] = {"pool_manager": pool}  # typed as refspecs by dulwich
    timer = threading.Timer(timeout, sockets.expire)
    timer.daemon = True
    timer.start()
    try:
        return porcelain.clone(
            url,
            folder,
            bare=True,
            checkout=False,
            errstream=io.BytesIO(),
            config=config,
            **transport,
        )
    except Exception as exc:
        if sockets.expired or _timed_out(exc):
            raise _CloneTimeout from exc
        raise
    finally:
        timer.cancel()
        pool.clear()


def _timed_out(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, is a timeout."""
    for _ in range(20):
        if exc is None:
            return False
        if isinstance(exc, TimeoutError) or "timed out" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _open_local(target: str, path: str, not_a_repository: str) -> Repository:
    """The repository at ``path``, its refs readable.  A corrupt ``shallow``,
    ``info/grafts`` or ``packed-refs`` file makes it unreadable (:class:`TargetError`,
    saying which): without its refs nothing in it can be found."""
    try:
        repo = Repo(path)
    except (NotGitRepository, OSError) as exc:
        raise TargetError(not_a_repository) from exc
    except (FileFormatException, ValueError) as exc:  # shallow or info/grafts
        raise TargetError(
            f"{target}: cannot read the repository's shallow or info/grafts file: {exc}"
        ) from exc
    try:
        repo.get_refs()
        repo.get_shallow()
    except (FileFormatException, ValueError, OSError) as exc:
        repo.close()
        raise TargetError(f"{target}: cannot read the repository's refs: {exc}") from exc
    return Repository(target, path, repo)


def _peel(repo: Repository, oid: bytes) -> tuple[int, bytes]:
    """What a ref names, tags peeled: its kind and id.  Only tags are read here
    (anything else is known by its header)."""
    for _ in range(MAX_TAG_CHAIN):
        try:
            stored = repo.headers.stored(oid)
        except ObjectError as exc:
            raise CorruptObject(f"object {oid.decode()} is corrupt ({exc})") from exc
        if stored is None:
            raise CorruptObject(f"object {oid.decode()} is missing")
        if stored.kind != TAG:
            return stored.kind, oid
        obj = repo.get(oid)
        if not isinstance(obj, Tag):
            raise CorruptObject(f"object {oid.decode()} is not a tag")
        oid = obj.object[1]
    raise CorruptObject(f"tags nested more than {MAX_TAG_CHAIN} deep at {oid.decode()}")


MAX_TAG_CHAIN = 1000  # tags of tags of ...


def _ref_matches(name: bytes, branch: str) -> bool:
    b = branch.encode()
    return name in (b, b"refs/heads/" + b, b"refs/remotes/" + b, b"refs/tags/" + b)


def tips(repo: Repository, branches: Sequence[str]) -> dict[str, bytes]:
    """The commits the scan starts from, by ref name: every ref (``git rev-list
    --all``), or the named branches.  Unknown branch names raise :class:`TargetError`."""
    refs: dict[bytes, bytes] = {bytes(k): bytes(v) for k, v in repo.repo.get_refs().items()}
    out: dict[str, bytes] = {}
    wanted = [(name, oid) for name, oid in sorted(refs.items()) if name != b"HEAD"]
    if branches:
        missing = [b for b in branches if not any(_ref_matches(n, b) for n, _ in wanted)]
        if missing:
            raise ConfigError(f"{repo.target}: no branch named {', '.join(missing)}")
        wanted = [(n, o) for n, o in wanted if any(_ref_matches(n, b) for b in branches)]
    elif b"HEAD" in refs:
        wanted.append((b"HEAD", refs[b"HEAD"]))
    repo.ref_objects.clear()
    for name, oid in wanted:
        ref = name.decode("utf-8", "replace")
        try:
            kind, peeled = _peel(repo, oid)
        except CorruptObject as exc:
            repo.corrupt(ref, exc)
            continue
        if kind == COMMIT:
            out[ref] = peeled
        elif kind in (TREE, BLOB):
            # a tree or a blob no commit may hold: read too (git gc keeps it)
            repo.ref_objects.append((ref, peeled, kind == TREE))
    return out


def head_tips(repo: Repository, branches: Sequence[str], all_tips: dict[str, bytes]) -> set[bytes]:
    """The tips that define "still present": HEAD (the default branch), or the
    named branches."""
    if branches:
        return set(all_tips.values())
    if "HEAD" in all_tips:
        return {all_tips["HEAD"]}
    return set(all_tips.values())  # a repository without HEAD: every ref is a tip


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# the first and last times a date can show in any zone (a day inside datetime's range)
_FIRST = datetime(1, 1, 2, tzinfo=timezone.utc)
_LAST = datetime(9999, 12, 30, 23, 59, 59, tzinfo=timezone.utc)


def commit_date(seconds: int, offset: int) -> str:
    """A commit's time (UTC seconds) in its zone (seconds east of UTC), ISO 8601.  A
    zone 24 hours or more away from UTC (``+9999``: git reads it as 99:99) is shown as
    UTC; a time before year 1 or after 9999 as the nearest one a date can show."""
    try:
        tz = timezone(timedelta(seconds=offset))
    except (ValueError, OverflowError):
        tz = timezone.utc
    try:
        when = _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        when = _LAST if seconds > 0 else _FIRST
    return min(max(when, _FIRST), _LAST).astimezone(tz).isoformat()


def _commit_info(c: GitCommit) -> CommitInfo:
    date = commit_date(c.commit_time, c.commit_timezone)
    author = c.author.decode("utf-8", "replace")
    name = author.split(" <", 1)[0]
    return CommitInfo(c.id, c.commit_time, c.tree, Commit(c.id.decode(), date, name))


def commit_info(repo: Repository, oid: bytes) -> CommitInfo | None:
    """The commit ``oid``, or None (reported as corrupt) when it cannot be read."""
    try:
        obj = repo.get(oid)
    except CorruptObject as exc:
        repo.corrupt(f"commit {oid.decode()[:12]}", exc)
        return None
    return _commit_info(obj) if isinstance(obj, GitCommit) else None


def parse_date(value: str, end_of_day: bool = False) -> datetime:
    """``2024-05-01`` or an ISO 8601 time; without a zone it is UTC.  A bare date
    as an upper bound means the end of that day.  Raises ``ValueError``."""
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    dt = datetime.fromisoformat(v)
    if end_of_day and len(v) == 10:
        dt += timedelta(days=1, microseconds=-1)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def commits(repo: Repository, start: Iterable[bytes], selection: Selection) -> list[CommitInfo]:
    """Every commit reachable from ``start`` whose committer date is in the window,
    in the order of the commit graph: a commit after its parents, whatever the
    dates say (commits of one second, rebases, clocks that were wrong); commits
    the graph leaves unordered (two branches) by date, then id.  The parents a
    shallow clone lacks are not an error."""
    shallow = repo.repo.get_shallow()
    seen: set[bytes] = set()
    stack = sorted(set(start))
    infos: dict[bytes, CommitInfo] = {}
    parents: dict[bytes, list[bytes]] = {}
    while stack:
        oid = stack.pop()
        if oid in seen:
            continue
        seen.add(oid)
        try:
            obj = repo.get(oid)
        except CorruptObject as exc:
            repo.corrupt(f"commit {oid.decode()[:12]}", exc)
            continue
        if not isinstance(obj, GitCommit):
            continue
        infos[oid] = _commit_info(obj)
        parents[oid] = [] if oid in shallow else list(dict.fromkeys(obj.parents))
        stack.extend(p for p in parents[oid] if p not in seen)
    ranked = _graph_order(infos, parents)
    return [c for c in ranked if _in_window(c.time, selection)]


def _graph_order(
    infos: dict[bytes, CommitInfo], parents: dict[bytes, list[bytes]]
) -> list[CommitInfo]:
    """``infos`` ranked parents first (Kahn's algorithm); of the commits whose
    parents are all placed, the earliest by date (then id) goes next."""
    waiting: dict[bytes, int] = {}
    children: dict[bytes, list[bytes]] = {}
    for oid, ps in parents.items():
        known = [p for p in ps if p in infos]  # a missing or corrupt parent orders nothing
        waiting[oid] = len(known)
        for p in known:
            children.setdefault(p, []).append(oid)
    ready = [(infos[o].time, o) for o, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[CommitInfo] = []
    while ready:
        _, oid = heapq.heappop(ready)
        out.append(replace(infos[oid], rank=len(out)))
        for child in children.get(oid, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (infos[child].time, child))
    if len(out) < len(infos):  # a cycle, which only grafts could make: by date
        placed = {c.sha for c in out}
        rest = sorted((i for o, i in infos.items() if o not in placed), key=lambda c: c.order)
        out.extend(replace(c, rank=len(out) + k) for k, c in enumerate(rest))
    return out


def _in_window(t: int, selection: Selection) -> bool:
    if selection.since and t < selection.since.timestamp():
        return False
    return not (selection.until and t > selection.until.timestamp())


def _name(entry_path: bytes) -> str:
    return entry_path.decode("utf-8", "surrogateescape").encode("utf-8", "replace").decode()


def _entries(repo: Repository, tree: TreeId, where: str) -> list[tuple[str, int, bytes]] | None:
    try:
        obj = repo.get(tree)
    except CorruptObject as exc:
        repo.corrupt(where or ".", exc)
        return None
    if not isinstance(obj, Tree):
        return None
    return [(_name(e.path), e.mode, e.sha) for e in obj.iteritems()]


def _too_deep(repo: Repository, path: str, depth: int) -> bool:
    if depth <= MAX_TREE_DEPTH:
        return False
    repo.skip(
        path,
        SkipReason.LIMIT,
        f"folders nested more than {MAX_TREE_DEPTH} deep (git's core.maxTreeDepth): not read",
    )
    return True


def _submodule(repo: Repository, path: str, commit: bytes) -> None:
    repo.skip(
        path,
        SkipReason.UNSUPPORTED,
        "a submodule: its files live in another repository (not read; "
        f"scan that repository), here at commit {commit.decode()[:12]}",
    )


def distinct_blobs(
    repo: Repository, roots: Iterable[TreeId], excluded: Excluded | None = None
) -> tuple[list[BlobRef], list[str]]:
    """Every distinct blob under ``roots`` (commit trees), and under the trees and
    blobs that refs name without a commit (``repo.ref_objects``, at ``REF:path``),
    each read tree once, sorted by path then id, and the paths ``excluded`` left out
    (folders end in ``/``).  Submodules are listed as skipped (their commits live in
    another repository)."""
    left_out: dict[str, None] = {}
    seen_trees: set[TreeId] = set()
    found: dict[BlobId, BlobRef] = {}

    def walk(stack: list[tuple[TreeId, str, int]], by_ref: bool) -> None:
        while stack:
            tree, prefix, depth = stack.pop()
            if tree in seen_trees:
                continue
            seen_trees.add(tree)
            where = prefix.rstrip("/")
            if _too_deep(repo, where, depth):
                continue
            entries = repo.tree(tree, where)
            if isinstance(entries, bytes):  # a blob where a folder should be: a file
                add(entries, where, False, by_ref)
                continue
            for name, mode, sha in entries or ():
                path = prefix + name
                is_dir = stat.S_ISDIR(mode)
                if excluded is not None and excluded(path, is_dir):
                    left_out[path + "/" if is_dir else path] = None
                elif is_dir:
                    stack.append((sha, path + "/", depth + 1))
                elif mode == _GITLINK:
                    _submodule(repo, path, sha)
                else:
                    add(sha, path, stat.S_ISLNK(mode), by_ref)

    def add(sha: BlobId, path: str, symlink: bool, by_ref: bool) -> None:
        cur = found.get(sha)
        if cur is None or (by_ref, path) < (cur.by_ref, cur.path):
            found[sha] = BlobRef(sha, path, symlink, by_ref)

    walk([(t, "", 1) for t in dict.fromkeys(roots)], False)
    for ref, oid, is_tree in repo.ref_objects:
        if is_tree:
            walk([(oid, f"{ref}:", 1)], True)
        elif excluded is not None and excluded(ref, False):
            left_out[ref] = None
        else:
            add(oid, ref, False, True)
    return sorted(found.values(), key=lambda b: (b.path, b.blob)), sorted(left_out)


class _Shared:
    """The folders of one commit's tree met so far while tracing findings, and at how
    many paths: a folder met at more than SHARED_TREE_PATHS paths is refused there
    (once, with a reason)."""

    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._met: dict[TreeId, tuple[str, int]] = {}

    def refused(self, tree: TreeId, path: str) -> bool:
        first, times = self._met.get(tree, (path, 0))
        if times >= SHARED_TREE_PATHS:
            self._repo.skip(
                first,
                SkipReason.LIMIT,
                f"folder {tree.decode()[:12]} recurs at more than {SHARED_TREE_PATHS} paths "
                "of one tree (shared subtrees): the other copies are not read",
            )
            return True
        self._met[tree] = (first, times + 1)
        return False


def file_paths(repo: Repository, tree: TreeId) -> dict[str, BlobId]:
    """Every file path under one tree (the tip), with its blob, to match gone
    findings against: at most ``--max-archive-entries`` of them (past that the rest
    is listed as skipped).  Each tree is read once, however many paths it has."""
    out: dict[str, BlobId] = {}
    stack: list[tuple[TreeId, str, int]] = [(tree, "", 1)]
    most = repo.limits.max_entries
    read: dict[TreeId, list[tuple[str, int, bytes]] | BlobId | None] = {}
    while stack:
        tid, prefix, depth = stack.pop()
        where = prefix.rstrip("/")
        if _too_deep(repo, where, depth):
            continue
        if tid not in read:
            read[tid] = repo.tree(tid, where)
        entries = read[tid]
        if isinstance(entries, bytes):
            out[where] = entries
            continue
        for name, mode, sha in entries or ():
            if len(out) >= most:
                repo.skip(
                    f"tree {tree.decode()[:12]}",
                    SkipReason.LIMIT,
                    f"the tip's tree holds more than {most} files (--max-archive-entries): "
                    "the rest are not compared with the history",
                )
                return out
            if stat.S_ISDIR(mode):
                stack.append((sha, f"{prefix}{name}/", depth + 1))
            elif stat.S_ISREG(mode):
                out[prefix + name] = sha
    return out


def read_blob(repo: Repo, blob: BlobId) -> bytes:
    """A blob's bytes; a missing or corrupt blob raises :class:`CorruptObject`.
    Whole, in memory: for a blob whose header :func:`open_blob` has checked."""
    try:
        obj = _lookup(repo, blob)
        obj.check()
    except KeyError as exc:
        raise CorruptObject(f"blob {blob.decode()} is missing") from exc
    except Exception as exc:
        raise CorruptObject(f"blob {blob.decode()} is corrupt ({exc})") from exc
    if not isinstance(obj, Blob):
        raise CorruptObject(f"object {blob.decode()} is not a blob")
    return obj.as_raw_string()


def open_blob(
    repo: Repo,
    headers: Headers,
    blob: BlobId,
    limits: Limits,
    scratch: Scratch,
    spool: bool = True,
) -> tuple[int, bytes | None, str | None]:
    """A blob's size and content: in memory when reading it (and the delta chain it
    is stored in) takes at most 8 MiB, as a plain scan holds a file; else inflated
    as a stream into a file of ``scratch`` (a delta's bases too, read back by
    offset), ``--max-expanded`` and the expansion ratio checked as it goes, and
    returned as that file's path, to be read like a large file (unless not
    ``spool``: then it is not read, :class:`Unread`).  The header is read
    first: nothing large is ever inflated in memory.  Raises
    :class:`CorruptObject`, or :class:`Unread` for a blob stopped at a limit."""
    name = blob.decode()
    try:
        stored = headers.stored(blob)
    except ObjectError as exc:
        raise CorruptObject(f"blob {name} is corrupt ({exc})") from exc
    if stored is None:
        raise CorruptObject(f"blob {name} is missing")
    if stored.kind != BLOB:
        raise CorruptObject(f"object {name} is a {KIND_NAMES.get(stored.kind, '?')}, not a blob")
    if stored.largest <= SPOOL_AT:
        return stored.size, read_blob(repo, blob), None
    if not spool:
        raise Unread(SkipReason.TOO_LARGE, f"{stored.size} bytes: not read into memory")
    path = scratch.new_file()
    try:
        size = inflate_to(
            stored,
            blob,
            path,
            scratch.new_file,
            scratch.remove,
            limits.max_ratio,
            limits.max_expanded,
        )
    except Refused as exc:
        scratch.remove(path)
        raise Unread(SkipReason.LIMIT, f"{stored.size} bytes declared: {exc}") from None
    except ObjectError as exc:
        scratch.remove(path)
        raise CorruptObject(f"blob {name} is corrupt ({exc})") from None
    return size, None, path


Node = tuple[tuple[tuple[str, BlobId], ...], tuple[tuple[str, TreeId], ...], int]


class TreeIndex:
    """Which blobs of interest a tree holds, and at which paths.  Memoised per tree
    id as the blobs of interest in the tree itself and the subtrees that hold any,
    never as the paths they expand to: a tree shared by a thousand commits, or
    shared by a thousand folders of one commit, is read and kept once.  The paths
    of one commit's tree are listed up to ``--max-archive-entries``."""

    def __init__(self, repo: Repository, interesting: Callable[[BlobId], bool]) -> None:
        self._repo = repo
        self._interesting = interesting
        self._memo: dict[TreeId, Node] = {}
        self._blobs: set[TreeId] = set()  # blobs where a folder should be
        self.trees_read = 0

    def holds(self, tree: TreeId) -> tuple[tuple[str, BlobId], ...]:
        """``(path, blob)`` pairs of interest under ``tree``, paths relative to it."""
        self._node(tree)
        most = self._repo.limits.max_entries
        out: list[tuple[str, BlobId]] = []
        stack: list[tuple[TreeId, str, int]] = [(tree, "", 1)]
        shared = _Shared(self._repo)
        while stack:
            tid, prefix, depth = stack.pop()
            own, subs, _count = self._memo[tid]
            if depth > MAX_TREE_DEPTH:
                continue  # listed as skipped when its blobs were looked for
            if shared.refused(tid, prefix.rstrip("/") or "."):
                continue
            for name, blob in own:
                if len(out) >= most:
                    self._repo.skip(
                        f"tree {tree.decode()[:12]}",
                        SkipReason.LIMIT,
                        f"expands to more than {most} paths (--max-archive-entries): "
                        "the rest are not traced",
                    )
                    return tuple(out)
                out.append((prefix + name, blob))
            stack.extend((sub, f"{prefix}{name}/", depth + 1) for name, sub in reversed(subs))
        return tuple(out)

    def _node(self, tree: TreeId) -> None:
        """Fill the memo for ``tree`` and every tree under it.  An explicit stack:
        deep trees never hit the recursion limit.  A tree is finished after its
        subtrees; its entries are read once and kept meanwhile."""
        fetched: dict[TreeId, list[tuple[str, int, bytes]]] = {}
        pending: list[TreeId] = [tree]
        while pending:
            tid = pending[-1]
            if tid in self._memo:
                pending.pop()
                continue
            entries = fetched.get(tid)
            if entries is None:
                got = self._repo.tree(tid, "")
                if isinstance(got, bytes):
                    self._blobs.add(tid)
                    got = []
                entries = fetched[tid] = got or []
                todo = [
                    sha
                    for _, mode, sha in entries
                    if stat.S_ISDIR(mode) and sha not in self._memo and sha not in fetched
                ]
                if todo:
                    pending.extend(todo)
                    continue
            pending.pop()
            del fetched[tid]
            self.trees_read += 1
            own: list[tuple[str, BlobId]] = []
            subs: list[tuple[str, TreeId]] = []
            count = 0
            for name, mode, sha in entries:
                if stat.S_ISDIR(mode) and sha not in self._blobs:
                    n = self._memo[sha][2]
                    if n:
                        subs.append((name, sha))
                        count += n
                elif mode != _GITLINK and self._interesting(sha):
                    own.append((name, sha))
                    count += 1
            self._memo[tid] = (tuple(own), tuple(subs), count)


def blob_paths_by_commit(
    index: TreeIndex, history: Sequence[CommitInfo]
) -> Iterator[tuple[CommitInfo, tuple[tuple[str, BlobId], ...]]]:
    """For each commit, the interesting ``(path, blob)`` pairs its tree holds."""
    for c in history:
        yield c, index.holds(c.tree)
