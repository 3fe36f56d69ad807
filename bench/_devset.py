"""The dev set: load its cases, obtain each case's artifact into a cache, unpack it once.

Shared by the benchmarks in this folder. Two dev sets are read by default: the shared one
beside the repository (items quote the package in ``token``) and the project's own,
``bench/devset.json`` (items give ``line``, the ``term`` expected there and an
``argument`` for the category, quoting nothing). The cache lives outside the repository
(``$ETHICSCAN_BENCH_CACHE`` or ``~/.cache/ethicscan/devset``)::

    CACHE/<subdir named by the obtain command>/<artifact file>
    CACHE/unpacked/<case id>/            the unpacked archive (the scan root)
    CACHE/unpacked/<case id>.sha256      which artifact that folder was unpacked from
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CATEGORIES = frozenset({"inference", "search", "group-targeting", "record", "mention", "benign"})
_DEST_DIR = re.compile(r"DEST/([^\s;&|'\"]+)")


class DevsetError(Exception):
    """A dev-set case that cannot be loaded, obtained or unpacked; str() is the message."""


@dataclass(frozen=True, slots=True)
class Expected:
    """One hand-checked item.  The shared dev set quotes the package (``token``); the
    project's own names only the catalogue ``term`` expected to be reported on ``line``,
    with a one-line ``argument`` for the category, and never quotes third-party text."""

    path: str
    token: str
    category: str
    line: int | None
    term: str = ""
    argument: str = ""

    @property
    def label(self) -> str:
        """What the item is known by in reports: its token, else its term."""
        return self.token or self.term


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
    """The shared dev set (read-only, beside the repository)."""
    return Path(__file__).resolve().parents[2] / "shared" / "eval" / "devset.json"


def project_devset() -> Path:
    """The project's own dev set, ``bench/devset.json``."""
    return Path(__file__).resolve().parent / "devset.json"


def default_devsets() -> list[Path]:
    """The dev sets read when none is named: the shared one, then the project's."""
    return [default_devset(), project_devset()]


def default_cache() -> Path:
    env = os.environ.get("ETHICSCAN_BENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "ethicscan" / "devset"


def add_devset_option(parser: argparse.ArgumentParser) -> None:
    """``--devset PATH``, repeatable, as every dev-set benchmark takes it."""
    parser.add_argument(
        "--devset",
        type=Path,
        action="append",
        dest="devsets",
        metavar="PATH",
        help="a dev set JSON; repeat for several (default: the shared dev set and "
        "bench/devset.json); a case id defined twice is an error",
    )


def load_cases(path: Path) -> list[Case]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [_parse_case(raw) for raw in data["cases"]]
    except OSError as exc:
        raise DevsetError(f"cannot read dev set {path}: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DevsetError(f"malformed dev set {path}: {exc!r}") from exc


def load_all(paths: Sequence[Path]) -> list[Case]:
    """The cases of every dev set in ``paths``, in order; a case id defined twice, in one
    file or in two, is an error naming both places."""
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for case in load_cases(path):
            if case.id in seen:
                where = "twice in" if seen[case.id] == path else f"in {seen[case.id]} and in"
                raise DevsetError(f"case id {case.id!r} is defined {where} {path}")
            seen[case.id] = path
            cases.append(case)
    return cases


def _parse_item(case_id: str, item: dict[str, object]) -> Expected:
    line = item.get("line")
    if "token" in item:
        return Expected(
            path=str(item["path"]),
            token=str(item["token"]),
            category=str(item["category"]),
            line=int(str(line)) if line is not None else None,
        )
    # no quotation: the item is its line and the term expected there, argued
    missing = [k for k in ("path", "line", "term", "argument") if not item.get(k)]
    if missing:
        raise ValueError(f"{case_id}: an item without 'token' needs {', '.join(missing)}: {item}")
    return Expected(
        path=str(item["path"]),
        token="",
        category=str(item["category"]),
        line=int(str(line)),
        term=str(item["term"]),
        argument=str(item["argument"]),
    )


def _parse_case(raw: dict[str, object]) -> Case:
    filename, algo, digest = str(raw["artifact"]).split()
    if algo != "sha256":
        raise ValueError(f"{raw['id']}: unsupported digest {algo!r}")
    items = raw["expected"]
    if not isinstance(items, list):
        raise TypeError(f"{raw['id']}: 'expected' is not a list")
    expected = tuple(_parse_item(str(raw["id"]), item) for item in items)
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
