"""The dev set: load its cases, obtain each case's artifact into a cache, unpack it once.

Shared by the benchmarks in this folder. The cache lives outside the repository
(``$ETHICSCAN_BENCH_CACHE`` or ``~/.cache/ethicscan/devset``)::

    CACHE/<subdir named by the obtain command>/<artifact file>
    CACHE/unpacked/<case id>/            the unpacked archive (the scan root)
    CACHE/unpacked/<case id>.sha256      which artifact that folder was unpacked from
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

CATEGORIES = frozenset({"inference", "search", "group-targeting", "record", "mention", "benign"})
_DEST_DIR = re.compile(r"DEST/([^\s;&|'\"]+)")


class DevsetError(Exception):
    """A dev-set case that cannot be loaded, obtained or unpacked; str() is the message."""


@dataclass(frozen=True, slots=True)
class Expected:
    path: str
    token: str
    category: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    source: str
    name: str
    version: str
    obtain: str
    filename: str
    sha256: str
    expected: tuple[Expected, ...]
    notes: str = ""


def default_devset() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "eval" / "devset.json"


def default_cache() -> Path:
    env = os.environ.get("ETHICSCAN_BENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "ethicscan" / "devset"


def load_cases(path: Path) -> list[Case]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [_parse_case(raw) for raw in data["cases"]]
    except OSError as exc:
        raise DevsetError(f"cannot read dev set {path}: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DevsetError(f"malformed dev set {path}: {exc!r}") from exc


def _parse_case(raw: dict[str, object]) -> Case:
    filename, algo, digest = str(raw["artifact"]).split()
    if algo != "sha256":
        raise ValueError(f"{raw['id']}: unsupported digest {algo!r}")
    items = raw["expected"]
    if not isinstance(items, list):
        raise TypeError(f"{raw['id']}: 'expected' is not a list")
    expected = tuple(
        Expected(
            path=str(item["path"]),
            token=str(item["token"]),
            category=str(item["category"]),
            line=int(item["line"]) if item.get("line") is not None else None,
        )
        for item in items
    )
    unknown = {e.category for e in expected} - CATEGORIES
    if unknown:
        raise ValueError(f"{raw['id']}: unknown categories {sorted(unknown)}")
    return Case(
        id=str(raw["id"]),
        source=str(raw["source"]),
        name=str(raw["name"]),
        version=str(raw["version"]),
        obtain=str(raw["obtain"]),
        filename=filename,
        sha256=digest.lower(),
        expected=expected,
        notes=str(raw.get("notes", "")),
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_dirs(case: Case, cache: Path) -> list[Path]:
    """The folders under the cache that the obtain command writes to (``DEST/<dir>``)."""
    dirs = [cache / d for d in _DEST_DIR.findall(case.obtain)]
    if not dirs:
        raise DevsetError(f"{case.id}: obtain command names no DEST/<dir>: {case.obtain!r}")
    return dirs


def obtain(case: Case, cache: Path, *, offline: bool = False) -> Path:
    """Return the path of the case's verified artifact, running its obtain command if needed."""
    dirs = _download_dirs(case, cache)
    artifact = next((d / case.filename for d in dirs if (d / case.filename).is_file()), None)
    if artifact is None:
        if offline:
            raise DevsetError(f"{case.id}: {case.filename} is not in the cache {cache} (--offline)")
        for d in dirs:
            d.mkdir(parents=True, exist_ok=True)
        command = case.obtain.replace("DEST", shlex.quote(str(cache)))
        done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
        artifact = next((d / case.filename for d in dirs if (d / case.filename).is_file()), None)
        if done.returncode != 0 or artifact is None:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise DevsetError(
                f"{case.id}: `{command}` exited {done.returncode} without producing "
                f"{case.filename}: {' | '.join(tail)}"
            )
    actual = sha256_of(artifact)
    if actual != case.sha256:
        raise DevsetError(
            f"{case.id}: sha256 mismatch for {artifact}: expected {case.sha256}, got {actual} "
            "(delete the file to download it again, or fix the dev set)"
        )
    return artifact


def unpack(case: Case, artifact: Path, cache: Path) -> Path:
    """Unpack the artifact into ``CACHE/unpacked/<case id>/`` once; return that folder."""
    base = cache / "unpacked"
    root = base / case.id
    stamp = base / f"{case.id}.sha256"
    if root.is_dir() and stamp.is_file() and stamp.read_text().strip() == case.sha256:
        return root
    base.mkdir(parents=True, exist_ok=True)
    partial = base / f".{case.id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        _extract(artifact, partial)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, DevsetError) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise DevsetError(f"{case.id}: cannot unpack {artifact}: {exc}") from exc
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)
    stamp.write_text(case.sha256 + "\n")
    return root


def _extract(artifact: Path, into: Path) -> None:
    name = artifact.name.lower()
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(into)  # zipfile drops absolute paths and '..' parts
    elif name.endswith((".tgz", ".tar.gz", ".tar")):
        with tarfile.open(artifact) as archive:
            archive.extractall(into, filter="data")
    else:
        raise DevsetError(f"unknown archive type: {artifact.name}")
