"""Walk targets on the file system into the list of files to scan and the list of
what is skipped, with reasons.  Nothing is followed outside a target: symbolic
links inside a tree are reported, never followed; special files are reported."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import pathspec

from ethicscan.model import Skipped, SkipReason, Target

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


@dataclass(frozen=True, slots=True)
class WalkOptions:
    excludes: tuple[str, ...] = ()
    use_gitignore: bool = False


class _Ignores:
    """gitignore-syntax rules from --exclude, .ethicscanignore and (optionally)
    .gitignore files, each relative to the folder it was found in."""

    def __init__(self, excludes: Sequence[str]) -> None:
        self._specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        if excludes:
            self._specs.append(("", pathspec.GitIgnoreSpec.from_lines(excludes)))

    def child(self, rel_dir: str, fs_dir: str, names: set[str], gitignore: bool) -> _Ignores:
        new = _Ignores(())
        new._specs = list(self._specs)
        for fname in (IGNORE_FILE, ".gitignore") if gitignore else (IGNORE_FILE,):
            if fname in names:
                try:
                    with open(os.path.join(fs_dir, fname), encoding="utf-8", errors="replace") as f:
                        new._specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(f)))
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
    return target.replace(os.sep, "/")


def walk(
    targets: Sequence[str], opts: WalkOptions
) -> tuple[list[Target], list[FileJob], list[Skipped]]:
    """Every file under ``targets``, in a stable order, and everything skipped."""
    kinds: list[Target] = []
    jobs: list[FileJob] = []
    skipped: list[Skipped] = []
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
            ign = _Ignores(opts.excludes)
            for item in _walk_dir(target, "", ign, opts):
                if isinstance(item, FileJob):
                    jobs.append(replace(item, target=target))
                else:
                    skipped.append(replace(item, target=target))
        elif stat.S_ISREG(st.st_mode):
            kinds.append(Target(target, "file"))
            name = os.path.basename(target)
            item = _file(target, name, st, opts)
            if isinstance(item, FileJob):
                jobs.append(replace(item, target=target))
            else:
                skipped.append(replace(item, target=target))
        else:
            kinds.append(Target(target, "special"))
            skipped.append(
                Skipped(_display(target), SkipReason.SPECIAL_FILE, _kind(st.st_mode), target)
            )
    return kinds, jobs, skipped


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "not a regular file"


def _file(fs_path: str, rel: str, st: os.stat_result, opts: WalkOptions) -> FileJob | Skipped:
    # Size is judged when the file is read: archives are opened whatever their size,
    # large texts are read in pieces, large binaries are skipped (extract.explore).
    return FileJob(fs_path, rel, st.st_size)


def _walk_dir(
    fs_dir: str, rel_dir: str, ign: _Ignores, opts: WalkOptions
) -> Iterator[FileJob | Skipped]:
    try:
        with os.scandir(fs_dir) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(rel_dir or ".", SkipReason.UNREADABLE, exc.strerror or str(exc))
        return
    names = {e.name for e in entries}
    ign = ign.child(rel_dir, fs_dir, names, opts.use_gitignore)
    for e in entries:
        rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
        try:
            st = e.stat(follow_symlinks=False)
        except OSError as exc:
            yield Skipped(rel, SkipReason.UNREADABLE, exc.strerror or str(exc))
            continue
        is_dir = stat.S_ISDIR(st.st_mode)
        if is_dir and e.name in VCS_DIRS:
            yield Skipped(rel + "/", SkipReason.EXCLUDED, "version-control metadata")
            continue
        if ign.match(rel, is_dir):
            yield Skipped(
                rel + ("/" if is_dir else ""), SkipReason.EXCLUDED, "matched an ignore rule"
            )
            continue
        if stat.S_ISLNK(st.st_mode):
            try:
                dest = os.readlink(e.path)
            except OSError:
                dest = "?"
            yield Skipped(rel, SkipReason.SYMLINK, f"link to {dest} (links are not followed)")
        elif is_dir:
            yield from _walk_dir(e.path, rel, ign, opts)
        elif stat.S_ISREG(st.st_mode):
            yield _file(e.path, rel, st, opts)
        else:
            yield Skipped(rel, SkipReason.SPECIAL_FILE, _kind(st.st_mode))


def read(job: FileJob) -> bytes:
    with open(job.fs_path, "rb") as f:
        return f.read()
