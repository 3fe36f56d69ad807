"""SIGTERM and SIGHUP end a scan the way Ctrl-C does: as an exception, so that every
``finally`` runs and the scan's temporary folders (spooled archive members, clones) are
removed.  Their default action kills the process at once and leaves those folders behind.

:func:`terminating` turns them into :class:`Terminated` while a scan runs, in the main
thread, for the signals whose disposition is still the default (a handler the embedding
program set is left alone, and so is ``nohup``'s SIG_IGN).  :class:`Terminated` is a
:class:`KeyboardInterrupt`, so whatever handles an interrupt handles it too (the command
line: ``ethicscan: interrupted``, exit status 130).

Pool workers have handlers of their own (:func:`worker_handlers`): the pool sends them
SIGTERM when the scan stops; a worker that is scanning raises :class:`Terminated` there
(its ``finally`` blocks clean up), and every task it is given after that raises it at once,
so the pool ends quickly.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

# the signals that end a process by default and can be caught (SIGHUP: not on Windows)
SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Terminated(KeyboardInterrupt):
    """The process was asked to end by ``signum``; raised where it was."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"terminated by {signal.Signals(self.signum).name}"


_stopping = False  # this process got a signal: clean up, start nothing new
_held = 0  # blocks of ``deferred`` the main thread is in
_pending: int | None = None  # the signal that came during them, raised after


def stopping() -> bool:
    """Whether this process has been asked to end."""
    return _stopping


def _raise(signum: int, _frame: FrameType | None) -> None:
    global _stopping, _pending
    if _stopping:
        return  # once: a second signal must not cut the clean-up short
    _stopping = True
    if _held:
        _pending = signum  # raised when the block that holds it ends
        return
    raise Terminated(signum)


@contextlib.contextmanager
def terminating() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the main thread while the block
    runs, when their disposition is the default; the previous handlers come back after."""
    global _stopping, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    installed: dict[signal.Signals, signal.Handlers | object] = {}
    for sig in SIGNALS:
        if signal.getsignal(sig) is signal.SIG_DFL:
            installed[sig] = signal.signal(sig, _raise)
    try:
        yield
    finally:
        for sig, previous in installed.items():
            signal.signal(sig, previous)  # type: ignore[arg-type]
        if installed:
            _stopping = False
            _pending = None


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """SIGTERM and SIGHUP wait until the block ends, then raise: a temporary folder made
    and its name kept, so that the clean-up can find it, are one step.  Without it a
    signal raised inside ``tempfile.mkdtemp``, after the folder is made and before its
    name is returned, leaves a folder nothing removes.  Python runs signal handlers in
    the main thread only, so elsewhere the block runs as it is."""
    global _held, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _held += 1
    try:
        yield
    finally:
        _held -= 1
    if not _held and _pending is not None:
        signum, _pending = _pending, None
        raise Terminated(signum)


_busy = False  # a worker is running a task


def _worker_stop(signum: int, _frame: FrameType | None) -> None:
    global _stopping, _pending
    if _stopping:
        return
    _stopping = True
    if _busy:
        if _held:
            _pending = signum
            return
        raise Terminated(signum)
    # idle: nothing to clean up, and nothing to do but wait for the pool to end it (an
    # exit here could leave the pool's queue locked, waiting for work, for the others)


def worker_handlers() -> None:
    """In a pool worker: SIGTERM and SIGHUP stop the task it runs (as an exception, so
    it cleans up) and every later one."""
    global _stopping
    _stopping = False
    for sig in SIGNALS:
        signal.signal(sig, _worker_stop)


@contextlib.contextmanager
def task() -> Iterator[None]:
    """A worker's task: raises :class:`Terminated` at once if the worker was asked to
    end; a signal during the block raises it there."""
    global _busy
    if _stopping:
        raise Terminated(signal.SIGTERM)
    _busy = True
    try:
        yield
    finally:
        _busy = False
