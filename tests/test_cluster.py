"""The dask engine gives the local engine's results, in the same order.

One LocalCluster for the module: two workers in this process (processes=False) so it
starts in a fraction of a second, on the tcp transport, so every task and result is
pickled across a socket as on a real cluster.  One test starts the cluster the CLI
starts itself (worker processes), once.
"""

from __future__ import annotations

import asyncio
import io
import json
import ssl
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

from ethicscan import ScanOptions, scan  # noqa: E402
from ethicscan.cli import main  # noqa: E402
from ethicscan.corpus import scan_corpus  # noqa: E402
from ethicscan.engine import dask as dask_engine  # noqa: E402
from ethicscan.engine import get_engine  # noqa: E402
from ethicscan.errors import ConfigError  # noqa: E402
from ethicscan.model import ScanResult, SkipReason  # noqa: E402
from ethicscan.pipeline import Work  # noqa: E402
from ethicscan.rules.catalogue import load_catalogue, load_default_catalogue  # noqa: E402
from ethicscan.sources.fs import FileJob, WalkOptions, walk  # noqa: E402

FACE_JAVA = (
    "package com.acme.face;\n"
    "/** Face attribute analysis result. */\n"
    "public class FaceAttr {\n"
    "    private int age;\n"
    "    private int ethicCode; // 民族\n"
    "}\n"
).encode()


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A client of the module's cluster (it sees every task the cluster runs)."""
    with (
        dask_engine.local_cluster(2, processes=False) as c,
        distributed.Client(c, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def scheduler(cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The module's cluster as a user gives it: its tls:// address and the PEM files of
    its certificate (ScanOptions fields)."""
    folder = tmp_path_factory.mktemp("pem")
    sec = cluster.security
    files = {}
    for name, pem in (("ca", sec.tls_ca_file), ("cert", sec.tls_client_cert)):
        files[name] = folder / f"{name}.pem"
        files[name].write_text(pem)
    (folder / "key.pem").write_text(sec.tls_client_key)
    return {
        "scheduler": str(cluster.scheduler.address),
        "tls_ca_file": str(files["ca"]),
        "tls_cert": str(files["cert"]),
        "tls_key": str(folder / "key.pem"),
    }


def cli_args(scheduler: dict[str, str]) -> list[str]:
    """``scheduler`` as command-line options."""
    return [a for k, v in scheduler.items() for a in ("--" + k.replace("_", "-"), v)]


@contextmanager
def tasks_run(client: Any) -> Iterator[list[str]]:
    """The names of the functions of the tasks the cluster runs meanwhile."""
    names: list[str] = []
    with distributed.get_task_stream(client) as ts:
        yield names
    names.extend(sorted(str(t["key"]).split("-")[0] for t in ts.data))


@pytest.fixture
def tree(tmp_path: Path, face_header_gbk: bytes) -> Path:
    root = tmp_path / "sdk"
    (root / "include").mkdir(parents=True)
    (root / "include" / "face_attr.h").write_bytes(face_header_gbk)
    (root / "README.md").write_text("Build with make; avoid a race condition.\n")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    inner = zip_bytes([("com/acme/face/FaceAttr.java", FACE_JAVA)])
    (root / "libs").mkdir()
    (root / "libs" / "vendor-sdk.zip").write_bytes(
        zip_bytes([("face-sdk.zip", inner), ("notes.txt", b"skin colour of the face\n")])
    )
    for i in range(7):
        (root / "src" / f"m{i}").mkdir(parents=True)
        (root / "src" / f"m{i}" / "Person.java").write_text(
            f"class Person{i} {{ String religion; int raceCode; }}\n"
        )
    return root


def _same(a: ScanResult, b: ScanResult) -> None:
    assert a.findings == b.findings  # dataclass equality: fingerprints, order, everything
    assert a.skipped == b.skipped
    assert a.targets == b.targets
    assert replace(a.stats, seconds=0) == replace(b.stats, seconds=0)


def test_dask_equals_local_in_order(
    tree: Path, cluster: Any, scheduler: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_engine, "BATCH_FILES", 2)  # several batches, finishing in any order
    local = scan([str(tree)], ScanOptions(jobs=1))
    seen: list[tuple[int, int, int, int]] = []
    with tasks_run(cluster) as names:
        on_cluster = scan(
            [str(tree)],
            ScanOptions(
                engine="dask",
                **scheduler,
                progress=lambda d, t, b, f: seen.append((d, t, b, f)),
            ),
        )
    assert names == ["scan_batch"] * 6  # 11 files, 2 a batch, on the cluster
    _same(local, on_cluster)
    paths = [f.location.path for f in local.findings]
    assert "libs/vendor-sdk.zip!face-sdk.zip!com/acme/face/FaceAttr.java" in paths
    assert paths.index("include/face_attr.h") < paths.index("src/m0/Person.java")
    assert [s.reason for s in local.skipped] == [SkipReason.BINARY]
    # progress: every file counted once, up to the totals of the result
    assert sorted(d for d, _, _, _ in seen) == list(range(1, 12))
    assert max(b for _, _, b, _ in seen) == local.stats.bytes
    assert max(f for _, _, _, f in seen) == len(local.findings)


def test_batches_by_count_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_engine, "BATCH_BYTES", 100)
    jobs = [FileJob(f"/x/{i}", str(i), size) for i, size in enumerate([10] * 70 + [500, 10])]
    got = dask_engine.batches(jobs)
    assert [len(b) for b in got] == [10] * 7 + [1, 1]  # 10 files fill 100 bytes; big alone
    assert [j for b in got for j in b] == jobs
    monkeypatch.setattr(dask_engine, "BATCH_BYTES", 10**9)
    many = [FileJob(f"/x/{i}", str(i), 10) for i in range(300)]
    assert [len(b) for b in dask_engine.batches(many)] == [64] * 4 + [44]  # at most 64
    # four tasks or so for each worker thread
    assert [len(b) for b in dask_engine.batches(jobs)] == [18] * 4
    assert [len(b) for b in dask_engine.batches(jobs, threads=3)] == [6] * 12
    assert [j for b in dask_engine.batches(jobs, threads=3) for j in b] == jobs
    assert len(dask_engine.batches(jobs, threads=100)) == 72


def test_whole_targets_on_the_cluster(
    tree: Path,
    tmp_path: Path,
    cluster: Any,
    scheduler: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "other.java").write_text("class Face { int skinColor; }\n")
    monkeypatch.chdir(tmp_path)
    # Relative targets travel absolute (workers have their own working folder) and are
    # reported as given.
    targets = [tree.name, "other.java", "missing"]
    local = scan_corpus(targets, ScanOptions(jobs=1)).result
    with tasks_run(cluster) as names:
        on_cluster = scan_corpus(targets, ScanOptions(engine="dask", **scheduler)).result
    assert names == ["scan_whole_target"] * 3
    _same(local, on_cluster)
    assert local.findings == scan(targets, ScanOptions(jobs=1)).findings
    assert [t.kind for t in on_cluster.targets] == ["directory", "file", "missing"]


def test_cli_with_scheduler_equals_local(
    tree: Path, scheduler: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*extra: str) -> dict[str, Any]:
        code = main(["scan", str(tree), "--format", "json", "--fail-on", "never", *extra])
        assert code == 0
        doc: dict[str, Any] = json.loads(capsys.readouterr().out)
        del doc["stats"]["seconds"]
        doc.pop("started", None)  # when the scan ran
        return doc

    assert run("--engine", "dask", *cli_args(scheduler)) == run("--jobs", "1")


def test_cli_starts_a_local_cluster_of_processes(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No scheduler: a LocalCluster of worker processes (spawned: they import ethicscan
    afresh and compile the catalogue themselves), which no other client can reach."""
    started = dask_engine.local_cluster

    def probed(workers: int, processes: bool = True) -> Any:
        c = started(workers, processes)
        assert_refuses_strangers(c)
        seen.append(c)
        return c

    seen: list[Any] = []
    monkeypatch.setattr(dask_engine, "local_cluster", probed)
    out = tmp_path / "out.json"
    code = main(
        ["scan", str(tree), "--engine", "dask", "-j", "1", "--format", "json", "-o", str(out)]
    )
    assert code == 1  # the face header holds high-severity findings
    assert len(seen) == 1
    doc = json.loads(out.read_text())
    want = json.loads(
        (main(["scan", str(tree), "--format", "json", "-j", "1"]), capsys.readouterr().out)[1]
    )
    for d in (doc, want):
        del d["stats"]["seconds"]
        d.pop("started", None)  # when the scan ran
    assert doc == want


async def _identity(address: str, **connection_args: Any) -> Any:
    """What a server of the cluster at ``address`` says to an identity request."""
    comm = await distributed.comm.connect(address, timeout=2, **connection_args)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def assert_refuses_strangers(cluster: Any) -> None:
    """No server of ``cluster`` (scheduler, workers, nannies) answers a client that does
    not hold the cluster's certificate: in plain TCP, in TLS without a certificate, or
    with a certificate of its own.  Its own certificate is answered (the probe works)."""
    addresses = {cluster.scheduler_address, *cluster.scheduler_info["workers"]}
    addresses |= {w.address for w in cluster.workers.values()}  # nannies (or workers)
    assert len(addresses) >= 3
    no_cert = ssl.create_default_context()
    no_cert.check_hostname = False
    no_cert.verify_mode = ssl.CERT_NONE
    other = distributed.security.Security.temporary().get_connection_args("client")
    for address in sorted(addresses):
        host = address.split("://")[1]
        assert host.startswith("127.0.0.1:")
        plain, tls = "tcp://" + host, "tls://" + host
        for target, args in ((plain, {}), (tls, {"ssl_context": no_cert}), (tls, other)):
            with pytest.raises((OSError, TimeoutError)):
                asyncio.run(_identity(target, **args))
        own = cluster.security.get_connection_args("client")
        assert asyncio.run(_identity(tls, **own))["type"] in ("Scheduler", "Worker", "Nanny")


def test_the_local_cluster_takes_no_stranger(cluster: Any) -> None:
    """Anyone on the machine could otherwise connect and run code as the user; and the
    HTTP server the scheduler starts anyway serves no page (worker lists, call stacks)."""
    assert_refuses_strangers(cluster.cluster)
    port = cluster.cluster.scheduler.http_server.port
    for page in ("/health", "/info/main/workers.html", "/json/identity.json", "/metrics"):
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=2)


def test_tls_options(
    tree: Path, scheduler: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Certificates go with a tls:// scheduler; one that cannot be used is exit 2."""
    scan = ["scan", str(tree), "--engine", "dask", "--format", "json", "--fail-on", "never"]
    cert = ["--tls-cert", scheduler["tls_cert"], "--tls-ca-file", scheduler["tls_ca_file"]]
    tls = scheduler["scheduler"]
    cases = [
        (["scan", str(tree), *cert], "are for a scheduler given as --scheduler tls://"),
        ([*scan, "--scheduler", "tcp://127.0.0.1:9", *cert], "not 'tcp://127.0.0.1:9'"),
        ([*scan, "--scheduler", tls], "a tls:// scheduler needs --tls-ca-file and --tls-cert"),
        ([*scan, "--scheduler", tls, "--tls-cert", "nope.pem"], "--tls-cert nope.pem: no such"),
        ([*scan, "--scheduler", tls, *cert[:2]], "--tls-ca-file and --tls-cert go together"),
        # the right address and the client's certificate, but another cluster's authority
        ([*scan, "--scheduler", tls, *cert[:2], "--tls-ca-file", __file__], "cannot reach"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err
    # The key may be in the certificate file.
    both = Path(scheduler["tls_cert"]).with_name("both.pem")
    both.write_text(
        Path(scheduler["tls_key"]).read_text() + Path(scheduler["tls_cert"]).read_text()
    )
    argv = [*scan, "--scheduler", tls, "--tls-cert", str(both), *cert[2:]]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["findings"]


def test_scheduler_needs_the_dask_engine(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match="--scheduler needs --engine dask"):
        ScanOptions(scheduler="tcp://127.0.0.1:8786")
    assert main(["scan", ".", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_without_distributed_installed_exit_2(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "ethicscan.engine.dask")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'ethicscan\[cluster\]'"):
        get_engine("dask")
    assert main(["scan", str(tree), "--engine", "dask"]) == 2
    err = capsys.readouterr().err
    assert "--engine dask needs dask.distributed (distributed is not installed)" in err


def _gone(tmp_path: Path) -> Any:
    """Jobs of a file removed since the walk: a worker loads its catalogue, reports the
    file unreadable, and compiles no prefilter (seconds)."""
    (tmp_path / "gone.txt").write_text("race\n")
    _, jobs, _ = walk([str(tmp_path / "gone.txt")], WalkOptions())
    (tmp_path / "gone.txt").unlink()
    return jobs


def test_a_worker_with_another_catalogue_stops_the_scan(
    tmp_path: Path, scheduler: dict[str, str]
) -> None:
    jobs = _gone(tmp_path)
    mine = replace(load_default_catalogue(), version="1999.1.1", digest="0" * 64)
    with pytest.raises(ConfigError, match=r"rule catalogue 20.* this machine 1999\.1\.1"):
        opts = ScanOptions(engine="dask", **scheduler)
        list(dask_engine.DaskEngine(opts.scheduler, opts.tls).run(jobs, Work(mine), 2))


def test_a_worker_whose_rule_files_differ_stops_the_scan(
    tmp_path: Path, scheduler: dict[str, str]
) -> None:
    """Regression: workers were compared on the catalogue's version alone, which a rule
    file edited in place keeps; they are compared on the content of the rules."""
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = "rules:\n  - id: c\n    trait: ethnicity\n    name: C\n    rationale: R.\n"
    (rules / "c.yml").write_text(rule + "    refs: [gdpr-9]\n    terms: [wyrdkin]\n")
    mine = load_catalogue([rules])
    (rules / "c.yml").write_text(rule + "    refs: [gdpr-9]\n    terms: [wyrdkith]\n")
    jobs = _gone(tmp_path)
    opts = ScanOptions(engine="dask", **scheduler)
    engine = dask_engine.DaskEngine(opts.scheduler, opts.tls)
    with pytest.raises(ConfigError, match=r"\+custom \(\w+\) of the same version but other"):
        list(engine.run(jobs, Work(mine, (str(rules),)), 2))


def test_an_unreachable_scheduler_exit_2(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 0.5)
    assert main(["scan", str(tree), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_cli_sends_targets_that_are_not_paths_here_whole(
    tree: Path, cluster: Any, scheduler: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A target that is not a path on this machine (a package target, or a path only the
    workers see) is sent as a string for a worker to resolve."""
    args = ["scan", str(tree), "no-such-target", "--format", "json", "--fail-on", "never"]
    args.append("--keep-going")  # the missing target would make the status 2
    assert main([*args, "-j", "1"]) == 0
    want = json.loads(capsys.readouterr().out)
    with tasks_run(cluster) as names:
        assert main([*args, "--engine", "dask", *cli_args(scheduler)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert names == ["scan_whole_target"] * 2
    for d in (got, want):
        del d["stats"]["seconds"]
        d.pop("started", None)  # when the scan ran
    assert got["findings"] == want["findings"]
    assert [t["kind"] for t in got["targets"]] == ["directory", "missing"]
    # per-target units group skipped entries by target; a plain scan lists the walk's first
    assert [s["path"] for s in got["skipped"]] == ["logo.png", "no-such-target"]
    assert [s["path"] for s in want["skipped"]] == ["no-such-target", "logo.png"]


def test_the_cluster_is_handed_files_only() -> None:
    """A unit that is not a file on disk (a history's blob, read through this process's
    repository) is refused before any cluster starts, never dropped."""
    from ethicscan.commits import BlobId
    from ethicscan.sources.history import BlobRef
    from ethicscan.sources.repository import GitBlob

    blob = GitBlob("/nowhere", BlobRef(BlobId(b"0" * 40), "a.py", False), "/nowhere")
    engine = dask_engine.DaskEngine()
    with pytest.raises(ConfigError, match=r"a\.py is not one"):
        list(engine.run([blob], Work(load_default_catalogue()), 1))
