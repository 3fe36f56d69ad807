"""Walk targets on the file system into the list of files to scan and the list of
what is skipped, with reasons.  Nothing is followed outside a target: symbolic
links inside a tree are reported, never followed; special files are reported."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ethicscan.kinds import TargetKind
from ethicscan.model import Skipped, SkipReason, Target, path_text
from ethicscan.sources.interface import Opened, SourceOptions

if TYPE_CHECKING:  # pragma: no cover
    from pathspec import GitIgnoreSpec

    from ethicscan.extract.units import Limits, Scratch


def _spec(lines: Iterable[str]) -> GitIgnoreSpec:
    import pathspec  # only when there are rules to match

    return pathspec.GitIgnoreSpec.from_lines(lines)


_NAME = attrgetter("name")

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj"})
IGNORE_FILE = ".ethicscanignore"


@dataclass(frozen=True, slots=True)
class FileJob:
    """One file to scan: where it is, and the path findings report (relative to the
    target as the user gave it, with ``/``)."""

    fs_path: str
    rel_path: str
    size: int
    target: str = ""
    part: tuple[int, int] | None = None  # (range, ranges) of a large text read in parts

    def __reduce__(self) -> tuple[type[FileJob], tuple[object, ...]]:
        # Sent to pool workers by the hundred thousand: as a plain tuple, three times
        # faster to pickle than a slotted dataclass's default.
        return FileJob, (self.fs_path, self.rel_path, self.size, self.target, self.part)

    def open(self, limit: int, limits: Limits, scratch: Scratch) -> Opened | Skipped:
        """The file's size and, up to ``limit`` bytes, its content; or why it cannot
        be read (a :class:`~ethicscan.sources.interface.Unit`)."""
        try:
            size, data = read_regular(self.fs_path, limit)
        except OSError as exc:
            return unreadable(self, exc)
        return Opened(self, size, data)


@dataclass(frozen=True, slots=True)
class FolderFiles:
    """Regular files of one folder, consecutive in walk order, not yet looked at: a
    pool worker opens each by name and learns its size then (the walk itself makes
    no system call per file).  ``names`` are the names on disk."""

    fs_dir: str
    rel_dir: str
    names: tuple[str, ...]
    target: str = ""

    def __reduce__(self) -> tuple[type[FolderFiles], tuple[object, ...]]:
        return FolderFiles, (self.fs_dir, self.rel_dir, self.names, self.target)  # as FileJob

    def job(self, name: str, size: int = -1) -> FileJob:
        return FileJob(os.path.join(self.fs_dir, name), _rel(self.rel_dir, name), size, self.target)

    def jobs(self) -> Iterator[FileJob]:
        """Each file as a job with its size (-1 if it cannot be had: the scan then
        reports why it could not read the file)."""
        for name in self.names:
            try:
                size = os.lstat(os.path.join(self.fs_dir, name)).st_size
            except OSError:
                size = -1
            yield self.job(name, size)


def file_jobs(units: Iterable[FileJob | FolderFiles]) -> Iterator[FileJob]:
    """A walk's units file by file, each with its size."""
    for unit in units:
        if isinstance(unit, FolderFiles):
            yield from unit.jobs()
        else:
            yield unit


FOLDER_CHUNK = 128  # most names in one FolderFiles


@dataclass(frozen=True, slots=True)
class WalkOptions:
    excludes: tuple[str, ...] = ()
    # What a git repository ignores: None (the default) inside a git work tree only,
    # True also outside one (the .gitignore files under the target), False never.
    use_gitignore: bool | None = None


class _Ignores:
    """gitignore-syntax rules from --exclude and .ethicscanignore files, each relative
    to the folder it was found in; a path any of them matches is left out."""

    def __init__(self, excludes: Sequence[str]) -> None:
        self._specs: list[tuple[str, GitIgnoreSpec]] = []
        if excludes:
            self._specs.append(("", _spec(excludes)))

    def child(self, rel_dir: str, fs_dir: str, names: set[str]) -> _Ignores:
        if IGNORE_FILE not in names:
            return self  # nothing new in this folder: the same rules
        new = _Ignores(())
        new._specs = list(self._specs)
        try:
            with open(os.path.join(fs_dir, IGNORE_FILE), encoding="utf-8", errors="replace") as f:
                new._specs.append((rel_dir, _spec(f)))
        except OSError:
            pass  # an unreadable ignore file ignores nothing; the file is reported itself
        return new

    def match(self, rel: str, is_dir: bool) -> bool:
        for base, spec in self._specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False


GITIGNORE = ".gitignore"
VENV_MARKER = "pyvenv.cfg"  # in the root of every virtual environment (PEP 405)
DEPENDENCY_DIRS = frozenset({"node_modules"})


@dataclass(frozen=True, slots=True)
class _GitLevel:
    """The rules of one ignore file: ``folder`` is the folder they are relative to,
    as a path from the work tree's root ("" for the root); ``source`` names the file."""

    folder: str
    spec: GitIgnoreSpec
    source: str


class _Tracked:
    """The paths a repository's index holds: git never ignores a file it tracks, nor
    a folder that holds one, whatever the patterns say.  The index is read with
    dulwich the first time a pattern matches (most paths match none)."""

    __slots__ = ("_dirs", "_files", "folder", "index")

    def __init__(self, index: str, folder: str) -> None:
        self.index = index  # the index file
        self.folder = folder  # the repository's root, as a path from the walk's root
        self._files: set[str] | None = None
        self._dirs: set[str] = set()

    def _load(self) -> set[str]:
        files: set[str] = set()
        dirs: set[str] = set()
        try:
            from dulwich.index import Index  # git support: only when a pattern matches

            paths = list(Index(self.index).paths()) if os.path.isfile(self.index) else []
        except Exception:  # damaged, or a format dulwich does not read: the patterns decide
            paths = []
        for raw in paths:
            path = path_text(raw).rstrip("/")  # (a sparse index lists whole folders)
            (dirs if raw.endswith(b"/") else files).add(path)
            while "/" in path:
                path = path.rsplit("/", 1)[0]
                if path in dirs:
                    break
                dirs.add(path)
        self._dirs = dirs
        self._files = files
        return files

    def holds(self, path: str) -> bool:
        """Whether the index holds the file ``path``, or a file under the folder
        ``path/`` (paths from the walk's root)."""
        files = self._files if self._files is not None else self._load()
        if self.folder:
            path = path[len(self.folder) + 1 :]
        if path.endswith("/"):
            return path[:-1] in self._dirs
        return path in files


class _GitIgnores:
    """What a git repository ignores, as git judges it: ``.git/info/exclude``, then
    each ``.gitignore`` from the work tree's root down, a deeper file overriding a
    higher one and, within a file, the last pattern that matches deciding (so ``!keep``
    re-includes); never a path its index holds (``tracked``).  Paths are matched from
    the work tree's root: ``here`` is the target's path from it.  Outside a work tree
    (``--gitignore``) the root is the target and only the ``.gitignore`` files under
    it count."""

    __slots__ = ("here", "levels", "tracked")

    def __init__(
        self, here: str, levels: tuple[_GitLevel, ...] = (), tracked: _Tracked | None = None
    ) -> None:
        self.here = here
        self.levels = levels
        self.tracked = tracked

    def _path(self, rel: str) -> str:
        return f"{self.here}/{rel}" if self.here and rel else (rel or self.here)

    def with_file(self, folder: str, path: str, source: str) -> _GitIgnores:
        """These rules and those of the ignore file ``path``, relative to ``folder``
        (a path from the work tree's root), shown as ``source``."""
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                spec = _spec(f)
        except OSError:
            return self  # an unreadable ignore file ignores nothing (it is reported itself)
        level = _GitLevel(folder, spec, source)
        return _GitIgnores(self.here, (*self.levels, level), self.tracked)

    def child(self, rel_dir: str, fs_dir: str, names: set[str]) -> _GitIgnores:
        """The rules in force in the folder ``rel_dir`` whose entries are ``names``: a
        nested repository (a folder holding ``.git``) has its own, and its
        ``.gitignore`` adds to them."""
        folder = self._path(rel_dir)
        rules = self
        if rel_dir and ".git" in names:  # a repository of its own: git judges it alone
            dirs = _git_dirs(fs_dir)
            tracked = _Tracked(os.path.join(dirs[0], "index"), folder) if dirs else None
            rules = _GitIgnores(self.here, (), tracked)
            exclude = _info_exclude(fs_dir)
            if exclude:
                rules = rules.with_file(folder, exclude, f"{folder}/.git/info/exclude")
        if GITIGNORE in names:
            source = f"{folder}/{GITIGNORE}" if folder else GITIGNORE
            rules = rules.with_file(folder, os.path.join(fs_dir, GITIGNORE), source)
        return rules

    def why(self, rel: str, is_dir: bool) -> str | None:
        """Why git ignores ``rel`` (a path relative to the target), or None."""
        return self._why(self._path(rel) + ("/" if is_dir else ""))

    def _why(self, path: str) -> str | None:
        for level in reversed(self.levels):
            folder = level.folder
            if folder:
                if not path.startswith(folder) or path[len(folder) : len(folder) + 1] != "/":
                    continue
                sub = path[len(folder) + 1 :]
            else:
                sub = path
            result = level.spec.check_file(sub)
            if result.include is None:
                continue
            if not result.include:
                return None  # a negation (!pattern) re-includes it
            if self.tracked is not None and self.tracked.holds(path):
                return None  # tracked: git ignores no file it tracks
            index = result.index
            found = level.spec.patterns[index] if index is not None else None
            pattern = str(getattr(found, "pattern", None) or "?").rstrip("\r\n")
            return f"{pattern} in {level.source}"
        return None


def work_tree_root(path: str) -> str | None:
    """The root of the git work tree ``path`` (a folder) is in: the nearest folder,
    ``path`` included, that holds a ``.git`` folder or file; None outside any."""
    folder = os.path.abspath(path)
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _git_dirs(root: str) -> tuple[str, str] | None:
    """The git folder of the work tree ``root`` (its index is there) and the common
    git folder (``info/exclude`` is there): both ``.git/``, or for a linked work tree
    or a submodule (``.git`` a file saying ``gitdir: ...``) that folder and the one
    its ``commondir`` names.  None when ``.git`` says nothing usable."""
    dot_git = os.path.join(root, ".git")
    git_dir = common = dot_git
    try:
        if os.path.isfile(dot_git):
            with open(dot_git, encoding="utf-8", errors="replace") as f:
                first = f.readline().strip()
            if not first.startswith("gitdir:"):
                return None
            git_dir = common = os.path.join(root, first[len("gitdir:") :].strip())
            named = os.path.join(git_dir, "commondir")
            if os.path.isfile(named):
                with open(named, encoding="utf-8", errors="replace") as f:
                    common = os.path.join(git_dir, f.readline().strip())
    except OSError:
        return None
    return git_dir, common


def _info_exclude(root: str) -> str | None:
    """The ``info/exclude`` file of the repository whose work tree is ``root``."""
    dirs = _git_dirs(root)
    exclude = os.path.join(dirs[1], "info", "exclude") if dirs else ""
    return exclude if dirs and os.path.isfile(exclude) else None


def _git_rules(target: str, mode: bool | None) -> _GitIgnores | None:
    """The git rules for walking the folder ``target``: None when nothing git ignores
    is left out (``mode`` False; or None and ``target`` is in no work tree).  In a work
    tree, the rules of ``.git/info/exclude`` and of the ``.gitignore`` files in the
    folders from its root down to the target; a target that is itself ignored, or
    inside a folder ignored, a virtual environment or ``node_modules``, was asked for
    by name: it is walked with only the ``.gitignore`` files under it."""
    if mode is False:
        return None
    root = work_tree_root(target)
    if root is None:
        return _GitIgnores("") if mode else None
    path = os.path.abspath(target)
    parts = [] if path == root else os.path.relpath(path, root).split(os.sep)
    dirs = _git_dirs(root)
    tracked = _Tracked(os.path.join(dirs[0], "index"), "") if dirs else None
    rules = _GitIgnores("/".join(path_text(p) for p in parts), (), tracked)
    exclude = _info_exclude(root)
    if exclude:
        rules = rules.with_file("", exclude, ".git/info/exclude")
    folder = root
    for i, part in enumerate(parts):
        gitignore = os.path.join(folder, GITIGNORE)
        if os.path.isfile(gitignore):
            above = "/".join(path_text(p) for p in parts[:i])
            rules = rules.with_file(
                above, gitignore, f"{above}/{GITIGNORE}" if above else GITIGNORE
            )
        folder = os.path.join(folder, part)
        seen = "/".join(path_text(p) for p in parts[: i + 1])
        if (
            part in DEPENDENCY_DIRS
            or os.path.isfile(os.path.join(folder, VENV_MARKER))
            or rules._why(seen + "/") is not None
        ):
            return _GitIgnores("")  # asked for by name: the target is the root
    return rules


def _display(target: str) -> str:
    return path_text(target.replace(os.sep, "/"))


def walk(
    targets: Sequence[str], opts: WalkOptions
) -> tuple[list[Target], list[FileJob], list[Skipped]]:
    """Every file under ``targets``, in a stable order, and everything skipped."""
    kinds: list[Target] = []
    skipped: list[Skipped] = []
    jobs = list(walk_iter(targets, opts, kinds, skipped))
    return kinds, jobs, skipped


def walk_iter(
    targets: Sequence[str], opts: WalkOptions, kinds: list[Target], skipped: list[Skipped]
) -> Iterator[FileJob]:
    """:func:`walk` as a stream, so that scanning starts before the walk ends: the
    files one by one; the targets' kinds and what is skipped are appended to
    ``kinds`` and ``skipped`` as they are met (complete once the stream ends)."""
    return file_jobs(walk_units(targets, opts, kinds, skipped))


def walk_units(
    targets: Sequence[str], opts: WalkOptions, kinds: list[Target], skipped: list[Skipped]
) -> Iterator[FileJob | FolderFiles]:
    """:func:`walk_iter` with the files inside folders as :class:`FolderFiles`, not
    looked at one by one (a file named as a target is a :class:`FileJob`)."""
    for target in targets:
        try:
            st = os.stat(target)  # the user named it: follow a link given on the command line
        except FileNotFoundError:
            kinds.append(Target(target, TargetKind.MISSING))
            skipped.append(
                Skipped(_display(target), SkipReason.NOT_FOUND, "no such file or folder")
            )
            continue
        except OSError as exc:
            kinds.append(Target(target, TargetKind.UNREADABLE))
            skipped.append(
                Skipped(_display(target), SkipReason.UNREADABLE, exc.strerror or str(exc))
            )
            continue
        if stat.S_ISDIR(st.st_mode):
            kinds.append(Target(target, TargetKind.DIRECTORY))
            yield from _walk_tree(
                target, _Ignores(opts.excludes), _git_rules(target, opts.use_gitignore), skipped
            )
        elif stat.S_ISREG(st.st_mode):
            kinds.append(Target(target, TargetKind.FILE))
            yield FileJob(target, path_text(os.path.basename(target)), st.st_size, target)
        else:
            kinds.append(Target(target, TargetKind.SPECIAL))
            skipped.append(
                Skipped(_display(target), SkipReason.SPECIAL_FILE, _kind(st.st_mode), target)
            )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "not a regular file"


def _walk_tree(
    root: str, ign: _Ignores, git: _GitIgnores | None, skipped: list[Skipped]
) -> Iterator[FolderFiles]:
    """Depth first, each folder's entries by name; a stack of folders being listed
    in place of recursion (a deep tree costs no generator chain per file)."""
    stack = [_listing(root, "", ign, git, root, skipped)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, FolderFiles):
            yield item
        else:
            stack.append(item)


def _listing(
    fs_dir: str,
    rel_dir: str,
    ign: _Ignores,
    git: _GitIgnores | None,
    target: str,
    skipped: list[Skipped],
    sources: frozenset[str] = frozenset(),
) -> Iterator[FolderFiles | Iterator[Any]]:
    """One folder's files, in runs of at most FOLDER_CHUNK, and for each subfolder the
    listing of it (walked by the caller before the next entry).  A file is known as
    one by the folder's listing (no stat, unless the file system does not say).  In a
    ``__pycache__`` folder, ``sources`` names the modules whose source is beside it: their
    compiled copies are skipped (the source is what is scanned).  ``git``: what the
    repository ignores (None: nothing is left out for git's sake)."""
    try:
        with os.scandir(fs_dir) as it:
            entries = sorted(it, key=_NAME)
    except OSError as exc:
        skipped.append(
            Skipped(rel_dir or ".", SkipReason.UNREADABLE, exc.strerror or str(exc), target)
        )
        return
    names = set(map(_NAME, entries))
    if git is not None:
        if rel_dir and VENV_MARKER in names:
            skipped.append(
                Skipped(
                    rel_dir + "/",
                    SkipReason.IGNORED_BY_GIT,
                    f"a virtual environment (holds {VENV_MARKER})",
                    target,
                )
            )
            return
        git = git.child(rel_dir, fs_dir, names)
    ign = ign.child(rel_dir, fs_dir, names)
    matching = bool(ign._specs)
    git_matching = git is not None and bool(git.levels)

    def left_out(rel: str, is_dir: bool) -> Skipped | None:
        """The skipped entry of a path an ignore rule leaves out, else None."""
        shown = rel + "/" if is_dir else rel
        if matching and ign.match(rel, is_dir):
            return Skipped(shown, SkipReason.EXCLUDED, "matched an ignore rule", target)
        why = git.why(rel, is_dir) if git_matching and git is not None else None
        if why is not None:
            return Skipped(shown, SkipReason.IGNORED_BY_GIT, f"matched {why}", target)
        return None

    files: list[str] = []
    for e in entries:
        if e.is_file(follow_symlinks=False):
            if matching or git_matching:
                gone = left_out(_rel(rel_dir, e.name), False)
                if gone is not None:
                    skipped.append(gone)
                    continue
            module = _compiled_module(e.name) if sources else None
            if module is not None and module in sources:
                skipped.append(
                    Skipped(
                        _rel(rel_dir, e.name),
                        SkipReason.EXCLUDED,
                        f"compiled copy of {module}.py, which is scanned",
                        target,
                    )
                )
                continue
            files.append(e.name)
            if len(files) >= FOLDER_CHUNK:
                yield FolderFiles(fs_dir, rel_dir, tuple(files), target)
                files = []
            continue
        rel = _rel(rel_dir, e.name)
        if e.is_dir(follow_symlinks=False):  # folders and links as listed: no stat
            mode = stat.S_IFDIR
        elif e.is_symlink():
            mode = stat.S_IFLNK
        else:
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                skipped.append(
                    Skipped(rel, SkipReason.UNREADABLE, exc.strerror or str(exc), target)
                )
                continue
        is_dir = stat.S_ISDIR(mode)
        if is_dir and e.name in VCS_DIRS:
            skipped.append(
                Skipped(rel + "/", SkipReason.EXCLUDED, "version-control metadata", target)
            )
            continue
        gone = left_out(rel, is_dir) if matching or git_matching else None
        if gone is not None:
            skipped.append(gone)
        elif stat.S_ISREG(mode):  # a file the listing did not name as one
            files.append(e.name)
        elif stat.S_ISLNK(mode):
            try:
                dest = os.readlink(e.path)
            except OSError:
                dest = "?"
            skipped.append(
                Skipped(rel, SkipReason.SYMLINK, f"link to {dest} (links are not followed)", target)
            )
        elif is_dir and git is not None and e.name in DEPENDENCY_DIRS:
            skipped.append(
                Skipped(
                    rel + "/",
                    SkipReason.IGNORED_BY_GIT,
                    f"installed dependencies ({e.name})",
                    target,
                )
            )
        elif is_dir:
            if files:
                yield FolderFiles(fs_dir, rel_dir, tuple(files), target)
                files = []
            compiled: frozenset[str] = frozenset()
            if e.name == "__pycache__":
                compiled = frozenset(n[:-3] for n in names if n.endswith(".py"))
            yield _listing(e.path, rel, ign, git, target, skipped, compiled)
        else:
            skipped.append(Skipped(rel, SkipReason.SPECIAL_FILE, _kind(mode), target))
    if files:
        yield FolderFiles(fs_dir, rel_dir, tuple(files), target)


_PYC = re.compile(r"^(?P<module>[^.]+)\.[a-z]+-\d+(?:\.opt-\d)?\.pyc$")


def _compiled_module(name: str) -> str | None:
    """``x`` for ``x.cpython-311.pyc`` (or ``x.cpython-311.opt-1.pyc``), else None."""
    m = _PYC.match(name)
    return m.group("module") if m else None


def _rel(rel_dir: str, name: str) -> str:
    shown = path_text(name)
    return f"{rel_dir}/{shown}" if rel_dir else shown


class NotRegularFile(OSError):
    """A path that was a regular file when it was walked and is something else now (a
    FIFO put in its place would block a read forever)."""


def open_regular(path: str, dir_fd: int | None = None) -> tuple[int, os.stat_result]:
    """A read-only descriptor for ``path`` (relative to the open folder ``dir_fd``, if
    given) and its status if it is a regular file, never blocking on what has taken
    its place since the walk; raises :class:`NotRegularFile`."""
    fd = os.open(
        path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0), dir_fd=dir_fd
    )
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"{_kind(st.st_mode)} (was a regular file when walked)")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular(path: str, limit: int, dir_fd: int | None = None) -> tuple[int, bytes | None]:
    """The size of the regular file ``path`` (relative to ``dir_fd``, if given) and,
    when it is at most ``limit`` bytes, its content: one open, one stat (the common
    case of a scan, kept cheap)."""
    fd, st = open_regular(path, dir_fd)
    try:
        size = st.st_size
        if size > limit:
            return size, None
        first = os.read(fd, size + 1)
        if len(first) <= size:
            return size, first  # a short read of a regular file is its end
        parts = [first]
        while more := os.read(fd, 1 << 20):  # it grew since: read it all, as read() does
            parts.append(more)
        return size, b"".join(parts)
    finally:
        os.close(fd)


def unreadable(job: FileJob, exc: OSError) -> Skipped:
    """Why ``job`` could not be read."""
    if isinstance(exc, NotRegularFile):
        reason, detail = SkipReason.SPECIAL_FILE, str(exc)
    else:
        reason, detail = SkipReason.UNREADABLE, exc.strerror or str(exc)
    return Skipped(job.rel_path, reason, detail, job.target)


def described(t: Target, read: bool = True) -> Target:
    """A file target with its size and sha256, so a report names exactly what was read
    (only its size when it was not read)."""
    if t.kind is not TargetKind.FILE or t.sha256:
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


class FileSource:
    """Files and folders on this machine: each target walked (:func:`walk_units`)."""

    def __init__(self, options: SourceOptions, targets: Sequence[str] = ()) -> None:
        self.walk = WalkOptions(options.excludes, options.use_gitignore)

    def units(self, target: str) -> Iterator[FileJob | FolderFiles | Skipped | Target]:
        kinds: list[Target] = []
        skipped: list[Skipped] = []
        for unit in walk_units([target], self.walk, kinds, skipped):
            if kinds or skipped:
                yield from _drained(kinds, skipped)
            yield unit
        yield from _drained(kinds, skipped)


def _drained(kinds: list[Target], skipped: list[Skipped]) -> Iterator[Target | Skipped]:
    """What the walk has met so far, handed out once."""
    yield from kinds
    yield from skipped
    kinds.clear()
    skipped.clear()
