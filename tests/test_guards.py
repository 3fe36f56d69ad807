"""The promises a scan keeps whatever it reads, proven while it runs:

- no network: with ``socket.socket``, ``socket.create_connection`` and
  ``socket.getaddrinfo`` made to raise, a scan gives the same results;
- nothing executed: no program is started during a scan (``subprocess.Popen``,
  ``os.system``, ``os.exec*``, ``os.posix_spawn*``, ``os.spawn*``); the one kind of
  ``os.fork`` is the local engine's process pool forking its own workers, which run
  this same code and never exec; package clients (pip, npm, apt-get) run only for
  ``pypi:``/``npm:``/``deb:`` targets, before the scan;
- nothing written outside the scan's temporary folder: every write-like audit event
  (``open`` for writing, ``os.remove``, ``os.rename``, ``os.mkdir``, ``shutil.rmtree``
  ...) names a path inside it, and the scanned tree, its parent, the working folder
  and HOME are unchanged (names, sizes, mtimes).

Events are recorded by an audit hook (``sys.addaudithook``: it also sees what C code
does through Python's APIs, and forked workers inherit it; they append to a log file),
and by patching the functions themselves.  The dask engine is not under test here.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import hostile_corpus as H
from ethicscan import ScanOptions, scan
from ethicscan.model import ScanResult
from ethicscan.sources import packages

EXEC_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn")
NET_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.bind")
WRITE_EVENTS = (
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "os.chmod",
    "os.chown",
    "os.truncate",
    "os.link",
    "os.symlink",
    "os.utime",
    "shutil.rmtree",
    "shutil.copyfile",
    "shutil.move",
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _Recorder:
    """Where the audit hook writes, while a guarded scan runs (parent and forked
    workers alike: one line per event, appended to a log file with os.write)."""

    log_fd: int = -1
    busy: bool = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _Recorder.log_fd < 0 or _Recorder.busy:
        return
    kind = ""
    if event.startswith(EXEC_EVENTS) or event == "os.fork":
        kind = "exec" if event != "os.fork" else "fork"
    elif event.startswith(NET_EVENTS):
        kind = "net"
    elif event == "open":
        path, mode, flags = [*args, None, None, None][:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if not writing or isinstance(path, int):
            return
        kind = "write"
    elif event.startswith(WRITE_EVENTS):
        kind = "write"
    else:
        return
    _Recorder.busy = True
    try:
        line = json.dumps([os.getpid(), kind, event, [_text(a) for a in args]]) + "\n"
        os.write(_Recorder.log_fd, line.encode("utf-8", "backslashreplace"))
    finally:
        _Recorder.busy = False


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    return str(value)


sys.addaudithook(_hook)  # a hook cannot be removed: it does nothing unless recording


@contextmanager
def recording(log: Path) -> Iterator[list[list[Any]]]:
    """Record exec, fork, network and write events of this process and its forks."""
    events: list[list[Any]] = []
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    _Recorder.log_fd = fd
    try:
        yield events
    finally:
        _Recorder.log_fd = -1
        os.close(fd)
        with open(log, encoding="utf-8") as f:
            events.extend(json.loads(line) for line in f)


def _blocked(*args: Any, **kw: Any) -> Any:
    raise OSError("network access blocked by the test")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoSocket(socket.socket):
        def __init__(self, family: Any = -1, *args: Any, **kw: Any) -> None:
            if family in (socket.AF_INET, socket.AF_INET6, -1):
                raise OSError("network access blocked by the test")
            super().__init__(family, *args, **kw)

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", _blocked)
    monkeypatch.setattr(socket, "getaddrinfo", _blocked)
    monkeypatch.setattr(socket, "gethostbyname", _blocked)


@pytest.fixture
def no_exec(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Programs may not be started: each attempt is recorded and refused.  (Forked
    pool workers inherit these patches; they would raise there too.)"""
    tried: list[str] = []

    def refuse(name: str) -> Any:
        def call(*args: Any, **kw: Any) -> Any:
            tried.append(name)
            raise PermissionError(f"{name} refused by the test")

        return call

    class NoPopen(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kw: Any) -> None:
            tried.append("subprocess.Popen")
            raise PermissionError("subprocess.Popen refused by the test")

    monkeypatch.setattr(subprocess, "Popen", NoPopen)
    for name in ("system", "posix_spawn", "posix_spawnp", "spawnv", "spawnve", "spawnvp"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse(f"os.{name}"))
    for name in ("execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp"):
        monkeypatch.setattr(os, name, refuse(f"os.{name}"))
    return tried


def _corpus(root: Path) -> Path:
    """A tree worth attacking: archives with traversal names and links, nested zips,
    a bomb, hostile names, and enough files (24) for the process pool."""
    members = [
        ("../../../../../tmp/ethicscan-guard/FaceAttr.java", H.TERM_JAVA),
        ("/tmp/ethicscan-guard-abs/FaceAttr.java", H.TERM_JAVA),
        ("ok/FaceAttr.java", H.TERM_JAVA),
    ]
    import tarfile

    links = (("passwd", "/etc/passwd", tarfile.SYMTYPE), ("fifo", "", tarfile.FIFOTYPE))
    files = {
        "slip.zip": H.zip_of(members),
        "slip.tgz": H.tar_of(members, links, compress="gz"),
        "deep.zip": H.deep_mixed(8),
        "bomb.zip": H.flat_bomb(2, 16 * 1024 * 1024),
        "\x1b[31mred.h": H.TERM_LINE,
        "big.js": b"var a=1;" * (9 * 1024 * 1024 // 8),  # spooled / streamed sizes
        "sdk.zip": H.zip_of(
            [("big.bin", os.urandom(9 * 1024 * 1024)), ("a.h", H.TERM_LINE)], zipfile.ZIP_STORED
        ),
    }
    for i in range(18):
        files[f"src/f{i:02}.h"] = H.TERM_LINE if i % 3 == 0 else b"int x;\n"
    root.mkdir(parents=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "link").symlink_to("/etc/passwd")
    os.mkfifo(root / "fifo")
    return root


def _snapshot(*roots: Path) -> dict[str, tuple[int, int, int]]:
    """Every name under ``roots`` with its type, size and mtime (links not followed)."""
    out: dict[str, tuple[int, int, int]] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                out[path] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns)
    return out


def _same(a: ScanResult, b: ScanResult) -> None:
    assert a.findings == b.findings
    assert a.skipped == b.skipped
    assert replace(a.stats, seconds=0) == replace(b.stats, seconds=0)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A scanned tree, its own temporary folder, a working folder and a HOME."""
    places = {
        "tree": _corpus(tmp_path / "parent" / "tree"),
        "tmp": tmp_path / "tmp",
        "cwd": tmp_path / "cwd",
        "home": tmp_path / "home",
        "log": tmp_path / "events.log",
    }
    for name in ("tmp", "cwd", "home"):
        places[name].mkdir()
    monkeypatch.setenv("TMPDIR", str(places["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(places["tmp"]))
    monkeypatch.setenv("HOME", str(places["home"]))
    monkeypatch.delenv("ETHICSCAN_CACHE", raising=False)
    monkeypatch.chdir(places["cwd"])
    return places


def test_the_prefilter_cache_is_the_only_write_outside_the_temporary_folder(
    sandbox: dict[str, Path], no_network: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first scan of a process that compiles the prefilter keeps its databases in
    the user's cache folder: that one folder, and nothing else outside the temporary
    folder, is written."""
    from ethicscan.rules import prefilter

    pytest.importorskip("hyperscan", reason="no Hyperscan here: nothing is compiled or kept")
    monkeypatch.setattr(prefilter, "_CACHE", {})  # as in a fresh process
    monkeypatch.delenv("ETHICSCAN_PREFILTER_CACHE", raising=False)
    kept = sandbox["home"] / ".cache" / "ethicscan" / "prefilter"
    with recording(sandbox["log"]) as events:
        scan([str(sandbox["tree"])], ScanOptions(jobs=1))
    tmp = str(sandbox["tmp"]) + os.sep
    writes = [str(e[3][0]) for e in events if e[1] == "write" and e[3]]
    outside = [w for w in writes if not w.startswith(tmp)]
    folders = {str(kept), str(kept.parent), str(kept.parent.parent)}  # made on the way
    assert outside and all(w.startswith(str(kept) + os.sep) or w in folders for w in outside)
    assert {p.parent for p in sandbox["home"].rglob("*") if p.is_file()} == {kept}


def _prefilter_compiled_here() -> None:
    """Compile this process's prefilter without keeping it on disk (a test run alone
    would otherwise write its databases to the cache in the middle of a guarded scan)."""
    from ethicscan.rules.catalogue import load_default_catalogue
    from ethicscan.rules.prefilter import prefilter_for

    saved = os.environ.get("ETHICSCAN_PREFILTER_CACHE")
    os.environ["ETHICSCAN_PREFILTER_CACHE"] = "off"
    try:
        prefilter_for(load_default_catalogue()).maybe(b"race", plain=True)
    finally:
        if saved is None:
            del os.environ["ETHICSCAN_PREFILTER_CACHE"]
        else:
            os.environ["ETHICSCAN_PREFILTER_CACHE"] = saved


@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_is_sealed(
    sandbox: dict[str, Path], no_network: None, no_exec: list[str], jobs: int
) -> None:
    """One scan, every guard at once: same results as an unguarded scan, no program
    started, no network, only the pool's own forks (jobs=2), nothing written outside
    the temporary folder, which is empty afterwards."""
    tree = sandbox["tree"]
    _prefilter_compiled_here()  # its cache write is the next test's subject
    watched = (tree.parent, sandbox["cwd"], sandbox["home"])
    before = _snapshot(*watched)
    with recording(sandbox["log"]) as events:
        result = scan([str(tree)], ScanOptions(jobs=jobs))
    assert _snapshot(*watched) == before
    assert not no_exec
    assert not [e for e in events if e[1] in ("exec", "net")], events
    forks = [e for e in events if e[1] == "fork"]
    # the pool's own workers (25 files: the pool is used with jobs=2)
    assert (1 <= len(forks) <= jobs) if jobs > 1 else not forks, forks
    tmp = str(sandbox["tmp"]) + os.sep
    writes = [e for e in events if e[1] == "write"]
    outside = [e for e in writes if not (e[3] and str(e[3][0]).startswith(tmp))]
    assert not outside, outside
    assert any(str(e[3][0]).startswith(tmp) for e in writes), "a 9 MB member is spooled"
    assert os.listdir(sandbox["tmp"]) == []
    assert not Path("/tmp/ethicscan-guard").exists()
    assert not Path("/tmp/ethicscan-guard-abs").exists()
    # the same results as without any guard (a fresh process state is not needed:
    # the guards change nothing the scan depends on)
    _same(result, scan([str(tree)], ScanOptions(jobs=1)))
    assert len(result.findings) > 5


def test_cli_is_sealed(
    sandbox: dict[str, Path],
    no_network: None,
    no_exec: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command line, report to stdout: the same guards."""
    from ethicscan.cli import main

    tree = sandbox["tree"]
    before = _snapshot(tree.parent, sandbox["cwd"], sandbox["home"])
    with recording(sandbox["log"]) as events:
        status = main(["scan", str(tree), "--format", "json", "--jobs", "1"])
    assert status == 1
    json.loads(capsys.readouterr().out)
    assert _snapshot(tree.parent, sandbox["cwd"], sandbox["home"]) == before
    assert not no_exec
    assert not [e for e in events if e[1] in ("exec", "net", "fork")]
    tmp = str(sandbox["tmp"]) + os.sep
    assert all(str(e[3][0]).startswith(tmp) for e in events if e[1] == "write")


def _fake_npm(bin_dir: Path) -> None:
    """An ``npm`` that packs a tarball with a face header into the working folder, as
    ``npm pack`` does (no network: it is a local script)."""
    bin_dir.mkdir()
    script = bin_dir / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import io, tarfile\n"
        f"data = {H.TERM_LINE!r}\n"
        "with tarfile.open('face-sdk-1.0.0.tgz', 'w:gz') as t:\n"
        "    info = tarfile.TarInfo('package/include/face.h')\n"
        "    info.size = len(data)\n"
        "    t.addfile(info, io.BytesIO(data))\n"
        "print('face-sdk-1.0.0.tgz')\n"
    )
    script.chmod(0o755)


def test_package_clients_run_only_before_the_scan(
    sandbox: dict[str, Path], no_network: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``npm:`` target: the client is the one program started, during the fetch;
    once the scan begins, nothing is started and nothing is written outside the
    temporary folder (the artefact is in the package cache, under HOME)."""
    _fake_npm(sandbox["home"] / "bin")
    monkeypatch.setenv("PATH", f"{sandbox['home'] / 'bin'}{os.pathsep}{os.environ['PATH']}")
    phase: list[int] = []  # the number of events when the fetch ended
    real_fetch_all = packages.fetch_all
    events_seen: list[list[Any]] = []

    def fetch_all(*args: Any, **kw: Any) -> Any:
        try:
            return real_fetch_all(*args, **kw)
        finally:
            os.fsync(_Recorder.log_fd)
            with open(sandbox["log"], encoding="utf-8") as f:
                phase.append(sum(1 for _ in f))

    monkeypatch.setattr(packages, "fetch_all", fetch_all)
    with recording(sandbox["log"]) as events:
        result = scan(["npm:face-sdk@1.0.0", str(sandbox["tree"])], ScanOptions(jobs=1))
    events_seen = events
    assert phase, "the fetch ran"
    fetch, during = events_seen[: phase[0]], events_seen[phase[0] :]
    started = [e for e in fetch if e[1] == "exec"]
    assert [e[2] for e in started] == ["subprocess.Popen"]
    assert os.path.basename(str(started[0][3][0])) == "npm" or "npm" in started[0][3][1]
    assert not [e for e in during if e[1] in ("exec", "net", "fork")], during
    tmp = str(sandbox["tmp"]) + os.sep
    assert all(str(e[3][0]).startswith(tmp) for e in during if e[1] == "write"), during
    assert any(f.location.target == "npm:face-sdk@1.0.0" for f in result.findings), result.skipped


def test_the_guards_see_what_they_guard(sandbox: dict[str, Path]) -> None:
    """The recorder is not blind: a write outside, a program and a fork are seen."""
    with recording(sandbox["log"]) as events:
        (sandbox["cwd"] / "written").write_text("x")
        subprocess.run([sys.executable, "-c", ""], check=True)
        with warnings.catch_warnings():  # 3.12+: a fork of a threaded process warns
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os._exit(0)
        os.waitpid(pid, 0)
    kinds = {e[1] for e in events}
    assert {"write", "exec", "fork"} <= kinds
    assert any(str(e[3][0]).endswith("written") for e in events if e[1] == "write")
