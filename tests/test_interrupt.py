"""SIGTERM and SIGHUP end a scan like Ctrl-C: the scan's temporary folders (spooled
archive members, clones) are removed, by the main process and by its pool workers, and
the exit status is 130 ("interrupted").  Each case runs ``python -m ethicscan`` with
TMPDIR pointed at an empty folder, waits until the scan has put something there, sends
the signal, and looks at the folder once the process has ended."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import hostile_corpus as H
from ethicscan import interrupt

SIGNALS = [signal.SIGTERM, signal.SIGHUP]


def _interrupted(args: list[str], scratch: Path, sig: signal.Signals) -> tuple[int, str]:
    """Start the scan, send ``sig`` once it has written into ``scratch``; its exit
    status and stderr."""
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ethicscan", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not os.listdir(scratch):
            assert proc.poll() is None, f"the scan ended first: {proc.stderr.read()}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the scan wrote nothing to its TMPDIR"
            time.sleep(0.02)
        time.sleep(0.2)  # well into it
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 names of one 48 MiB zip of two texts over the spooling size (hard links: the
    scan reads each name), enough files for the process pool."""
    root = tmp_path_factory.mktemp("signals") / "t"
    root.mkdir()
    H.noise_text_zip(str(root / "a00.zip"))
    for i in range(1, 20):
        os.link(root / "a00.zip", root / f"a{i:02}.zip")
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_mid_scan_removes_spooled_members(
    archives: Path, tmp_path: Path, sig: signal.Signals, jobs: str
) -> None:
    """Regression: SIGTERM and SIGHUP left 27-58 MB of inflated members in TMPDIR (their
    default action ends the process before any clean-up); SIGINT did not."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    status, err = _interrupted(["scan", str(archives), "--jobs", jobs], scratch, sig)
    assert status == 130, err
    assert "ethicscan: interrupted" in err
    assert os.listdir(scratch) == []


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An http server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    conns: list[socket.socket] = []
    done = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not done.is_set():
            try:
                conns.append(listener.accept()[0])
            except TimeoutError:
                continue

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        t.join()
        for c in conns:
            c.close()
        listener.close()


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_during_a_clone_removes_it(
    silent_server: str, tmp_path: Path, sig: signal.Signals
) -> None:
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    args = ["scan", "--history", f"git+{silent_server}/repo.git"]
    status, err = _interrupted(args, scratch, sig)
    assert status == 130, err
    assert os.listdir(scratch) == []


def test_handlers_are_set_only_for_the_scan_and_only_over_the_default() -> None:
    before = signal.getsignal(signal.SIGTERM)
    assert before is signal.SIG_DFL  # pytest leaves SIGTERM alone
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with interrupt.terminating():
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            with pytest.raises(interrupt.Terminated) as info:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)  # the handler runs at the next bytecode
            assert isinstance(info.value, KeyboardInterrupt)
            assert str(info.value) == "terminated by SIGTERM"
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert not interrupt.stopping()
    finally:
        signal.signal(signal.SIGHUP, previous)


def _signal_inside_mkdir(monkeypatch: pytest.MonkeyPatch, sig: signal.Signals) -> None:
    """``os.mkdir`` makes the folder, then this process gets ``sig``: the signal lands
    inside ``tempfile.mkdtemp``, after the folder exists and before its name is returned."""
    real = os.mkdir

    def mkdir(path: str, mode: int = 0o777, **kw: object) -> None:
        real(path, mode, **kw)  # type: ignore[arg-type]
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(os, "mkdir", mkdir)


@pytest.fixture
def default_signals() -> Iterator[None]:
    """The signals at their default disposition and no stop pending, whatever an earlier
    test of the session left: ``terminating`` then turns them into ``Terminated``."""
    previous = {sig: signal.signal(sig, signal.SIG_DFL) for sig in SIGNALS}
    stopping = interrupt._stopping
    interrupt._stopping = False
    try:
        yield
    finally:
        interrupt._stopping = stopping
        interrupt._pending = None
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@pytest.mark.usefixtures("default_signals")
@pytest.mark.parametrize("sig", SIGNALS)
def test_a_signal_while_the_scratch_folder_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    """The folder is made and kept for the clean-up as one step: a signal that arrives
    inside ``mkdtemp`` raises after it, and ``close`` removes the folder."""
    from ethicscan.extract.units import Scratch

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    _signal_inside_mkdir(monkeypatch, sig)
    scratch = Scratch()
    with pytest.raises(interrupt.Terminated), interrupt.terminating():
        try:
            scratch.new_file()
        finally:
            monkeypatch.undo()
            scratch.close()
    assert os.listdir(tmp_path) == []


@pytest.mark.usefixtures("default_signals")
@pytest.mark.parametrize("sig", SIGNALS)
def test_a_signal_while_a_report_is_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    """The same for the temporary file a report is written through: no half report, no
    temporary file beside it."""
    from ethicscan.atomic import write_atomic

    real = os.open

    def open_then_signal(path: str, flags: int, mode: int = 0o777, **kw: object) -> int:
        fd = real(path, flags, mode, **kw)  # type: ignore[arg-type]
        if os.path.basename(path).startswith(".ethicscan-"):
            os.kill(os.getpid(), sig)
        return fd

    monkeypatch.setattr(os, "open", open_then_signal)
    with pytest.raises(interrupt.Terminated), interrupt.terminating():
        try:
            write_atomic(tmp_path / "report.json", "{}")
        finally:
            monkeypatch.undo()
    assert os.listdir(tmp_path) == []


@pytest.mark.usefixtures("default_signals")
@pytest.mark.parametrize("sig", SIGNALS)
def test_a_deferred_signal_raises_when_the_block_ends(sig: signal.Signals) -> None:
    """The block runs to its end, with another thread alive (the kernel may hand the
    signal to it), and the signal raises right after, once."""
    done = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with pytest.raises(interrupt.Terminated) as got, interrupt.terminating():
            with interrupt.deferred():
                os.kill(os.getpid(), sig)
                time.sleep(0.05)  # the handler has run by now: it only notes the signal
                done.append("block")
            done.append("after")  # never: the signal raises first
    finally:
        stop.set()
        other.join()
    assert done == ["block"] and got.value.signum == sig
