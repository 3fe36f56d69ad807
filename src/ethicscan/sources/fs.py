"""Walk targets on the file system into the list of files to scan and the list of
what is skipped, with reasons.  Nothing is followed outside a target: symbolic
links inside a tree are reported, never followed; special files are reported."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ethicscan.model import Skipped, SkipReason, Target, path_text

if TYPE_CHECKING:  # pragma: no cover
    from pathspec import GitIgnoreSpec


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
    use_gitignore: bool = False


class _Ignores:
    """gitignore-syntax rules from --exclude, .ethicscanignore and (optionally)
    .gitignore files, each relative to the folder it was found in."""

    def __init__(self, excludes: Sequence[str]) -> None:
        self._specs: list[tuple[str, GitIgnoreSpec]] = []
        if excludes:
            self._specs.append(("", _spec(excludes)))

    def child(self, rel_dir: str, fs_dir: str, names: set[str], gitignore: bool) -> _Ignores:
        found = [
            fname
            for fname in ((IGNORE_FILE, ".gitignore") if gitignore else (IGNORE_FILE,))
            if fname in names
        ]
        if not found:
            return self  # nothing new in this folder: the same rules
        new = _Ignores(())
        new._specs = list(self._specs)
        for fname in found:
            try:
                with open(os.path.join(fs_dir, fname), encoding="utf-8", errors="replace") as f:
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
            kinds.append(Target(target, "missing"))
            skipped.append(
                Skipped(_display(target), SkipReason.NOT_FOUND, "no such file or folder")
            )
            continue
        except OSError as exc:
            kinds.append(Target(target, "unreadable"))
            skipped.append(
                Skipped(_display(target), SkipReason.UNREADABLE, exc.strerror or str(exc))
            )
            continue
        if stat.S_ISDIR(st.st_mode):
            kinds.append(Target(target, "directory"))
            yield from _walk_tree(target, _Ignores(opts.excludes), opts, skipped)
        elif stat.S_ISREG(st.st_mode):
            kinds.append(Target(target, "file"))
            yield FileJob(target, path_text(os.path.basename(target)), st.st_size, target)
        else:
            kinds.append(Target(target, "special"))
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
    root: str, ign: _Ignores, opts: WalkOptions, skipped: list[Skipped]
) -> Iterator[FolderFiles]:
    """Depth first, each folder's entries by name; a stack of folders being listed
    in place of recursion (a deep tree costs no generator chain per file)."""
    stack = [_listing(root, "", ign, opts, root, skipped)]
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
    opts: WalkOptions,
    target: str,
    skipped: list[Skipped],
    sources: frozenset[str] = frozenset(),
) -> Iterator[FolderFiles | Iterator[Any]]:
    """One folder's files, in runs of at most FOLDER_CHUNK, and for each subfolder the
    listing of it (walked by the caller before the next entry).  A file is known as
    one by the folder's listing (no stat, unless the file system does not say).  In a
    ``__pycache__`` folder, ``sources`` names the modules whose source is beside it: their
    compiled copies are skipped (the source is what is scanned)."""
    try:
        with os.scandir(fs_dir) as it:
            entries = sorted(it, key=_NAME)
    except OSError as exc:
        skipped.append(
            Skipped(rel_dir or ".", SkipReason.UNREADABLE, exc.strerror or str(exc), target)
        )
        return
    names = set(map(_NAME, entries))
    ign = ign.child(rel_dir, fs_dir, names, opts.use_gitignore)
    matching = bool(ign._specs)
    files: list[str] = []
    for e in entries:
        if e.is_file(follow_symlinks=False) and not (
            matching and ign.match(_rel(rel_dir, e.name), False)
        ):
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
            # (a file the listing did not name as one)
            if stat.S_ISREG(mode) and not (matching and ign.match(rel, False)):
                files.append(e.name)
                continue
        is_dir = stat.S_ISDIR(mode)
        if is_dir and e.name in VCS_DIRS:
            skipped.append(
                Skipped(rel + "/", SkipReason.EXCLUDED, "version-control metadata", target)
            )
        elif matching and ign.match(rel, is_dir):
            skipped.append(
                Skipped(
                    rel + ("/" if is_dir else ""),
                    SkipReason.EXCLUDED,
                    "matched an ignore rule",
                    target,
                )
            )
        elif stat.S_ISLNK(mode):
            try:
                dest = os.readlink(e.path)
            except OSError:
                dest = "?"
            skipped.append(
                Skipped(rel, SkipReason.SYMLINK, f"link to {dest} (links are not followed)", target)
            )
        elif is_dir:
            if files:
                yield FolderFiles(fs_dir, rel_dir, tuple(files), target)
                files = []
            compiled: frozenset[str] = frozenset()
            if e.name == "__pycache__":
                compiled = frozenset(n[:-3] for n in names if n.endswith(".py"))
            yield _listing(e.path, rel, ign, opts, target, skipped, compiled)
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
