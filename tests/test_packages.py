"""Package targets (pypi:, npm:, deb:) with the clients simulated: a fake
``subprocess.run`` writes the artefact where the real client would, or fails as it
would.  One test really downloads, only with ETHICSCAN_NETWORK_TESTS=1."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.cli import main
from ethicscan.errors import ConfigError
from ethicscan.model import SkipReason
from ethicscan.sources import packages
from ethicscan.sources.packages import PackageSpec, parse_target


def _wheel(header: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("facesdk/include/face_attr.h", header)
        z.writestr("facesdk-1.0.dist-info/METADATA", "Name: facesdk\nVersion: 1.0\n")
    return buf.getvalue()


def _tgz(header: bytes, prefix: str = "package/") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        info = tarfile.TarInfo(prefix + "include/face_attr.h")
        info.size = len(header)
        t.addfile(info, io.BytesIO(header))
    return buf.getvalue()


def _ar(members: dict[str, bytes]) -> bytes:
    """A Debian package is an ar archive of debian-binary, control and data tarballs."""
    out = [b"!<arch>\n"]
    for name, data in members.items():
        head = f"{name + '/':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n"
        out.append(head.encode() + data + (b"\n" if len(data) % 2 else b""))
    return b"".join(out)


class FakeClients:
    """Stands in for subprocess.run: records each command, then writes ``files`` into
    the folder the client would write to (pip: --dest; npm, apt-get: the cwd)."""

    def __init__(self, files: dict[str, bytes] | None = None, **fail: Any) -> None:
        self.files = files or {}
        self.calls: list[list[str]] = []
        self.kwargs: list[dict[str, Any]] = []
        self.fail = fail

    def __call__(self, cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(cmd)
        self.kwargs.append(kw)
        if "raise_" in self.fail:
            raise self.fail["raise_"]
        if "returncode" in self.fail:
            return subprocess.CompletedProcess(
                cmd, self.fail["returncode"], "", self.fail.get("stderr", "")
            )
        dest = Path(cmd[cmd.index("--dest") + 1]) if "--dest" in cmd else Path(kw["cwd"])
        for name, data in self.files.items():
            (dest / name).write_bytes(data)
        return subprocess.CompletedProcess(cmd, 0, "", "")


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeClients]:
    def install(files: dict[str, bytes] | None = None, **fail: Any) -> FakeClients:
        fake = FakeClients(files, **fail)
        monkeypatch.setattr(packages.subprocess, "run", fake)
        return fake

    return install


def _opts(tmp_path: Path, **kw: Any) -> ScanOptions:
    return ScanOptions(jobs=1, package_cache=str(tmp_path / "cache"), **kw)


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "eco", "name", "version", "pinned"),
    [
        ("pypi:Face_SDK==1.0", "pypi", "Face_SDK", "1.0", True),
        ("pypi:deepface", "pypi", "deepface", "", False),
        ("npm:pkg", "npm", "pkg", "", False),
        ("npm:pkg@1.2.3", "npm", "pkg", "1.2.3", True),
        ("npm:@scope/pkg@1.0.0-rc.1", "npm", "@scope/pkg", "1.0.0-rc.1", True),
        ("npm:@scope/pkg", "npm", "@scope/pkg", "", False),
        ("npm:pkg@latest", "npm", "pkg", "latest", False),
        ("npm:pkg@^1.2", "npm", "pkg", "^1.2", False),
        ("deb:pkg=1.2-3", "deb", "pkg", "1.2-3", True),
        ("deb:libfoo2=1:2.0~rc1-1", "deb", "libfoo2", "1:2.0~rc1-1", True),
        ("deb:hello", "deb", "hello", "", False),
    ],
)
def test_parse_target(raw: str, eco: str, name: str, version: str, pinned: bool) -> None:
    spec = parse_target(raw)
    assert spec == PackageSpec(raw, eco, name, version)
    assert spec.pinned is pinned


@pytest.mark.parametrize(
    "raw",
    [
        "pypi:",
        "pypi:face==",
        "pypi:face>=1.0",
        "pypi:../x==1",
        "pypi:face==1.0/../../x",
        "pypi:-r==1",
        "npm:",
        "npm:@scope",
        "npm:@scope/",
        "npm:Pkg@1.0.0",
        "npm:pkg@",
        "npm:pkg@../1",
        "npm:pkg@1 2",
        "deb:",
        "deb:p",
        "deb:pkg=",
        "deb:-o=1",
    ],
)
def test_invalid_targets_are_config_errors(raw: str) -> None:
    with pytest.raises(ConfigError, match="invalid package target"):
        parse_target(raw)


def test_invalid_target_exits_2_before_fetching_anything(
    clients: Callable[..., FakeClients], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = clients({"x.whl": b""})
    assert main(["scan", "pypi:ok==1.0", "npm:Bad@1"]) == 2
    assert "invalid package target 'npm:Bad@1'" in capsys.readouterr().err
    assert fake.calls == []


def test_other_prefixes_are_paths() -> None:
    assert packages.is_package_target("pypi:x")
    assert not packages.is_package_target("src/pypi:x")
    assert not packages.is_package_target("C:/code")


# --- fetching and scanning ----------------------------------------------------------------


def test_pypi_target_scans_the_wheel(
    tmp_path: Path, clients: Callable[..., FakeClients], face_header_gbk: bytes
) -> None:
    wheel = _wheel(face_header_gbk)
    fake = clients({"facesdk-1.0-py3-none-any.whl": wheel})
    result = scan(["pypi:FaceSDK==1.0"], _opts(tmp_path))

    (cmd,) = fake.calls
    assert cmd[1:4] == ["-m", "pip", "download"]
    assert {"--no-deps", "--only-binary=:all:"} <= set(cmd)
    assert cmd[-1] == "FaceSDK==1.0"
    assert fake.kwargs[0]["shell"] is False and fake.kwargs[0]["timeout"] > 0

    (target,) = result.targets
    assert target.target == "pypi:FaceSDK==1.0"
    assert target.kind == "package"
    assert target.artefact == "facesdk-1.0-py3-none-any.whl"
    assert target.sha256 == hashlib.sha256(wheel).hexdigest()
    assert target.size == len(wheel)
    assert result.findings
    for f in result.findings:
        assert f.location.path == "facesdk-1.0-py3-none-any.whl!facesdk/include/face_attr.h"
        assert f.location.target == "pypi:FaceSDK==1.0"
    cached = tmp_path / "cache" / "pypi" / "FaceSDK" / "1.0" / "facesdk-1.0-py3-none-any.whl"
    assert cached.read_bytes() == wheel
    assert not [p for p in cached.parent.parent.iterdir() if p.name.startswith(".fetch-")]


def test_scoped_npm_target(
    tmp_path: Path, clients: Callable[..., FakeClients], face_header_gbk: bytes
) -> None:
    fake = clients({"acme-face-2.0.0.tgz": _tgz(face_header_gbk)})
    result = scan(["npm:@acme/face@2.0.0"], _opts(tmp_path))
    (cmd,) = fake.calls
    assert cmd == ["npm", "pack", "--ignore-scripts", "@acme/face@2.0.0"]
    assert result.targets[0].artefact == "acme-face-2.0.0.tgz"
    paths = {f.location.path for f in result.findings}
    assert paths == {"acme-face-2.0.0.tgz!package/include/face_attr.h"}
    assert (tmp_path / "cache/npm/@acme/face/2.0.0/acme-face-2.0.0.tgz").is_file()


def test_deb_target(
    tmp_path: Path, clients: Callable[..., FakeClients], face_header_gbk: bytes
) -> None:
    deb = _ar(
        {
            "debian-binary": b"2.0\n",
            "data.tar.gz": _tgz(face_header_gbk, prefix="./usr/"),
        }
    )
    fake = clients({"facesdk_1.2-3_amd64.deb": deb})
    result = scan(["deb:facesdk=1.2-3"], _opts(tmp_path))
    (cmd,) = fake.calls
    assert cmd[0] == "apt-get" and cmd[-2:] == ["download", "facesdk=1.2-3"]
    assert ("APT::Sandbox::User=root" in cmd) is (os.geteuid() == 0)
    assert result.targets[0].artefact == "facesdk_1.2-3_amd64.deb"
    paths = {f.location.path for f in result.findings}
    assert paths == {"facesdk_1.2-3_amd64.deb!data.tar.gz!./usr/include/face_attr.h"}


def test_cache_is_reused_for_pinned_versions_only(
    tmp_path: Path, clients: Callable[..., FakeClients], face_header_gbk: bytes
) -> None:
    fake = clients({"facesdk-1.0-py3-none-any.whl": _wheel(face_header_gbk)})
    first = scan(["pypi:facesdk==1.0"], _opts(tmp_path))
    second = scan(["pypi:facesdk==1.0"], _opts(tmp_path))
    assert len(fake.calls) == 1
    assert first.targets == second.targets and first.findings == second.findings
    scan(["pypi:facesdk==1.0"], _opts(tmp_path, refresh=True))
    assert len(fake.calls) == 2
    scan(["pypi:facesdk"], _opts(tmp_path))
    scan(["pypi:facesdk"], _opts(tmp_path))
    assert len(fake.calls) == 4  # unpinned: asked every time


def test_cache_location_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clients: Callable[..., FakeClients]
) -> None:
    monkeypatch.setenv("ETHICSCAN_CACHE", str(tmp_path / "es"))
    clients({"tiny-1.0.0.tgz": _tgz(b"hello\n")})
    scan(["npm:tiny@1.0.0"], ScanOptions(jobs=1))
    assert (tmp_path / "es/packages/npm/tiny/1.0.0/tiny-1.0.0.tgz").is_file()


# --- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        (
            {
                "returncode": 1,
                "stderr": "WARNING: index ignored\nERROR: No matching distribution found "
                "for nosuch==1.0\n",
            },
            "pip exited 1: ERROR: No matching distribution found for nosuch==1.0",
        ),
        ({"raise_": FileNotFoundError(2, "No such file")}, "pip is not installed"),
        ({"raise_": subprocess.TimeoutExpired(["pip"], 600)}, "pip took longer than 600s"),
        ({"returncode": 0}, "pip exited 0: expected one file, got 0"),
        ({"returncode": 1, "stderr": "/usr/bin/python: No module named pip\n"}, "pip is not"),
    ],
)
def test_fetch_failure_is_skipped_and_the_scan_goes_on(
    tmp_path: Path,
    clients: Callable[..., FakeClients],
    face_header_gbk: bytes,
    fail: dict[str, Any],
    message: str,
) -> None:
    clients(**fail)
    local = tmp_path / "face_attr.h"
    local.write_bytes(face_header_gbk)
    result = scan(["pypi:nosuch==1.0", str(local)], _opts(tmp_path))
    assert [t.kind for t in result.targets] == ["package", "file"]
    assert result.targets[0].artefact == "" and result.targets[0].sha256 == ""
    (skip,) = [s for s in result.skipped if s.reason is SkipReason.FETCH_FAILED]
    assert (skip.path, skip.target) == ("pypi:nosuch==1.0", "pypi:nosuch==1.0")
    assert skip.detail.startswith(message)
    assert result.findings and all(f.location.target == str(local) for f in result.findings)
    assert not (tmp_path / "cache/pypi/nosuch").exists()


@pytest.mark.parametrize(
    ("versions", "said", "not_said"),
    [
        ("0.1, 0.2", "(versions of nosuch with a wheel: 0.1, 0.2)", "sdist"),
        ("none", "no wheel of nosuch at all: no such package, or it publishes sdists only", ""),
    ],
)
def test_pip_no_matching_distribution_says_what_it_can_mean(
    tmp_path: Path, clients: Callable[..., FakeClients], versions: str, said: str, not_said: str
) -> None:
    """A version that does not exist is not sent off to look for an sdist: pip names
    the versions it found wheels of; only when there are none may it be sdists only."""
    clients(
        returncode=1,
        stderr="ERROR: Could not find a version that satisfies the requirement nosuch==1.0 "
        f"(from versions: {versions})\nERROR: No matching distribution found for nosuch==1.0\n",
    )
    result = scan(["pypi:nosuch==1.0"], _opts(tmp_path))
    (skip,) = result.skipped
    assert said in skip.detail
    assert not not_said or not_said not in skip.detail


def test_npm_missing_names_itself(tmp_path: Path, clients: Callable[..., FakeClients]) -> None:
    clients(raise_=FileNotFoundError(2, "No such file or directory: 'npm'"))
    result = scan(["npm:left-pad@1.3.0", str(tmp_path)], _opts(tmp_path))
    assert result.skipped[0].detail == "npm is not installed"


def test_cli_reports_fetch_failures(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clients: Callable[..., FakeClients],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ETHICSCAN_CACHE", str(tmp_path / "cache"))
    clients(returncode=1, stderr="npm error code E404\nnpm error 404 Not Found\n")
    assert main(["scan", "npm:nosuch@1.0.0", "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "npm:nosuch@1.0.0: fetch_failed (npm exited 1: npm error code E404" in err
    assert "no target could be read" in err


def test_cli_json_names_the_artefact(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clients: Callable[..., FakeClients],
    capsys: pytest.CaptureFixture[str],
    face_header_gbk: bytes,
) -> None:
    monkeypatch.setenv("ETHICSCAN_CACHE", str(tmp_path / "cache"))
    wheel = _wheel(face_header_gbk)
    clients({"facesdk-1.0-py3-none-any.whl": wheel})
    code = main(["scan", "pypi:facesdk==1.0", "--format", "json", "--jobs", "1"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1  # the header holds high-severity findings
    assert doc["targets"] == [
        {
            "target": "pypi:facesdk==1.0",
            "kind": "package",
            "artefact": "facesdk-1.0-py3-none-any.whl",
            "sha256": hashlib.sha256(wheel).hexdigest(),
            "size": len(wheel),
        }
    ]
    assert {f["location"]["target"] for f in doc["findings"]} == {"pypi:facesdk==1.0"}


# --- the real clients ---------------------------------------------------------------------

network = pytest.mark.skipif(
    os.environ.get("ETHICSCAN_NETWORK_TESTS") != "1",
    reason="downloads from PyPI and npm; set ETHICSCAN_NETWORK_TESTS=1",
)


@pytest.mark.network
@network
def test_real_download_from_pypi_and_npm(tmp_path: Path) -> None:
    result = scan(["pypi:six==1.16.0", "npm:is-number@7.0.0"], _opts(tmp_path))
    assert [(t.kind, t.artefact) for t in result.targets] == [
        ("package", "six-1.16.0-py2.py3-none-any.whl"),
        ("package", "is-number-7.0.0.tgz"),
    ]
    assert result.targets[0].sha256 == (
        "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"
    )
    assert not [s for s in result.skipped if s.reason is SkipReason.FETCH_FAILED]
    assert result.stats.files >= 5  # six.py and metadata; index.js, package.json ...


def test_table_places_start_with_the_artefact(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clients: Callable[..., FakeClients],
    capsys: pytest.CaptureFixture[str],
    face_header_gbk: bytes,
) -> None:
    monkeypatch.setenv("ETHICSCAN_CACHE", str(tmp_path / "cache"))
    clients({"facesdk-1.0-py3-none-any.whl": _wheel(face_header_gbk)})
    (tmp_path / "other").mkdir()
    main(["scan", "pypi:facesdk==1.0", str(tmp_path / "other"), "--jobs", "1"])
    out = capsys.readouterr().out
    places = [line.split("│")[3].strip() for line in out.splitlines() if line.count("│") > 4]
    assert places[0].startswith("facesdk-1.0-py3-none-any.whl!facesdk/")
    assert "pypi:facesdk==1.0/" not in out


def test_cli_says_what_it_fetches(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clients: Callable[..., FakeClients],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ETHICSCAN_CACHE", str(tmp_path / "cache"))
    clients({"tiny-1.0.0.tgz": _tgz(b"hello\n")})
    assert main(["scan", "npm:tiny@1.0.0"]) == 0
    assert "fetching npm:tiny@1.0.0 with npm ..." in capsys.readouterr().err
    assert main(["scan", "npm:tiny@1.0.0"]) == 0
    assert "fetching" not in capsys.readouterr().err  # from the cache
