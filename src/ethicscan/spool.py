"""Targets that are streams: ``-`` (standard input), a named pipe, ``/dev/stdin`` or another
character device named on the command line.

A stream can be read once and has no size, so it is copied first, as it comes, into a
private temporary folder (``tempfile.mkdtemp``, mode 0700, removed after the scan), and the
copy is scanned like any file given to the scan: text, or an archive recognised by its
content.  The result then names the stream as the user typed it (``-``, ``/dev/stdin``,
``build.fifo``), never the copy.  At most ``limit`` bytes are copied (``--max-expanded``);
a longer stream is an error, not a partial scan.

A named pipe nobody writes to would block a reader forever: it is opened without blocking
and given ``FIFO_WAIT`` seconds for a writer to connect; without one it is left to the walk,
which lists it as skipped (``special_file``), and :func:`no_writer_detail` says why.

Streams inside a folder or an archive are never read (they are skipped as special files):
only the ones the user names.
"""

from __future__ import annotations

import os
import select
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from ethicscan import interrupt
from ethicscan.errors import ConfigError, TargetError
from ethicscan.model import Finding, Notice, ScanResult, Skipped, Target

STDIN = "-"
FIFO_WAIT = 3.0  # seconds a named pipe is given for a writer to connect
CHUNK = 1 << 20


def is_stream(target: str) -> bool:
    """``-``, or a path to a named pipe or character device (``/dev/stdin`` is one of
    the two, whatever standard input is); a block device stays a special file."""
    if target == STDIN:
        return True
    try:
        mode = os.stat(target).st_mode  # never blocks, also for a pipe
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


@dataclass
class Spool:
    """The copies of the streams among the targets; a context manager that removes them."""

    folder: str = ""
    names: dict[str, str] = field(default_factory=dict)  # copy's path -> the target as typed
    no_writer: list[str] = field(default_factory=list)  # named pipes nobody wrote to
    wait: float = FIFO_WAIT  # how long they were given
    sizes: dict[str, int] = field(default_factory=dict)  # the target as typed -> bytes

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = ""


def spool(
    targets: Sequence[str],
    limit: int,
    stdin: Callable[[], BinaryIO] = lambda: sys.stdin.buffer,
    wait: float | None = None,
) -> tuple[list[str], Spool]:
    """The targets with each stream replaced by a copy of what it held, and the
    :class:`Spool` that names the copies (remove it with ``with``); a named pipe gets
    ``wait`` seconds (default :data:`FIFO_WAIT`) for a writer."""
    wait = FIFO_WAIT if wait is None else wait
    if sum(t == STDIN for t in targets) > 1:
        raise ConfigError("- (standard input) is given more than once")
    out: list[str] = []
    sp = Spool(wait=wait)
    try:
        for i, target in enumerate(targets):
            if not is_stream(target):
                out.append(target)
                continue
            if not sp.folder:
                with interrupt.deferred():  # made and kept for the clean-up at once
                    sp.folder = tempfile.mkdtemp(prefix="ethicscan-stdin-")
            sub = os.path.join(sp.folder, str(i))
            os.mkdir(sub, 0o700)
            name = os.path.basename(target.rstrip("/\\")) or "stream"
            copy = os.path.join(sub, name)
            got = _copy(target, copy, limit, stdin, wait)
            if got is None:
                sp.no_writer.append(target)
                out.append(target)  # the walk lists it as a special file
                continue
            sp.names[copy] = target
            sp.sizes[target] = got
            out.append(copy)
    except BaseException:
        sp.__exit__()
        raise
    return out, sp


def _copy(
    target: str, copy: str, limit: int, stdin: Callable[[], BinaryIO], wait: float
) -> int | None:
    """Copy the stream ``target`` to ``copy``; its size, or None for a named pipe that
    no writer connected to within ``wait`` seconds."""
    with open(copy, "xb") as out:
        if target == STDIN:
            return _drain(stdin().read, out, limit, target)
        try:
            fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            raise TargetError(f"{target}: cannot open it: {exc.strerror or exc}") from None
        try:
            first = b""
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                got = _writer(fd, wait)
                if got is None:
                    return None
                first = got
            os.set_blocking(fd, True)
            out.write(first)
            return len(first) + _drain(lambda n: os.read(fd, n), out, limit - len(first), target)
        finally:
            os.close(fd)


def _writer(fd: int, wait: float) -> bytes | None:
    """Wait up to ``wait`` seconds for a writer on the pipe ``fd`` (open, not blocking):
    the first bytes it wrote (maybe none), or None when no writer came.  Reading a pipe
    that never had a writer gives end of file at once; one with a silent writer, EAGAIN."""
    if not hasattr(select, "poll"):  # pragma: no cover - no named pipes there
        return b""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + wait
    while True:
        if poller.poll(100):  # data, or a writer that came and went
            return b""
        try:
            data = os.read(fd, CHUNK)
        except BlockingIOError:
            return b""  # a writer is connected, silent so far
        if data:
            return data
        if time.monotonic() >= deadline:
            return None


def _drain(read: Callable[[int], bytes], out: BinaryIO, limit: int, target: str) -> int:
    total = 0
    while True:
        data = read(CHUNK)
        if not data:
            return total
        total += len(data)
        if total > limit:
            raise TargetError(
                f"{target}: the stream holds more than {limit} bytes (--max-expanded); "
                "save it to a file and scan that"
            )
        out.write(data)


def _renamed(value: str, names: dict[str, str]) -> str:
    if value in names:
        return names[value]
    head, bang, rest = value.partition("!")
    if bang and head in names:
        return f"{names[head]}!{rest}"
    return value


def rename(result: ScanResult, sp: Spool) -> ScanResult:
    """``result`` with each copy named as the stream the user typed, and each named pipe
    nobody wrote to skipped with that reason."""
    names = sp.names

    def target(t: Target) -> Target:
        return replace(t, target=_renamed(t.target, names))

    def finding(f: Finding) -> Finding:
        return replace(f, location=replace(f.location, target=_renamed(f.location.target, names)))

    def skipped(s: Skipped) -> Skipped:
        detail = s.detail
        if s.target in sp.no_writer or s.path in sp.no_writer:
            detail = f"{detail}: no writer within {sp.wait:g} s"
        return replace(
            s, path=_renamed(s.path, names), target=_renamed(s.target, names), detail=detail
        )

    def notice(n: Notice) -> Notice:
        return replace(n, path=_renamed(n.path, names), target=_renamed(n.target, names))

    if not names and not sp.no_writer:
        return result
    return replace(
        result,
        targets=tuple(target(t) for t in result.targets),
        findings=tuple(finding(f) for f in result.findings),
        skipped=tuple(skipped(s) for s in result.skipped),
        warnings=tuple(notice(n) for n in result.warnings),
    )


def read_targets_stdin(stdin: Callable[[], BinaryIO] = lambda: sys.stdin.buffer) -> list[str]:
    """``--targets-from -``: one target a line from standard input (``#`` comments)."""
    try:
        text = stdin().read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"--targets-from -: standard input is not UTF-8: {exc}") from None
    lines = text.splitlines()
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]
