"""Package targets: ``pypi:NAME[==VERSION]``, ``npm:[@SCOPE/]NAME[@VERSION]`` and
``deb:NAME[=VERSION]``, obtained with the ecosystem's own client into a cache before
the scan starts, then scanned as the file they are.

This is the only place ethicscan touches the network, and only through those
clients, run without a shell:

- ``pip download --no-deps --only-binary=:all:`` (the pip of the Python running
  ethicscan): a wheel only, because preparing an sdist runs its build code;
- ``npm pack --ignore-scripts`` in an empty folder: npm runs ``prepack``/``postpack``
  only when packing a local folder, never a registry spec (the only form accepted
  here: no folders, git or URLs), and ``--ignore-scripts`` keeps it so;
- ``apt-get download`` (as root, with ``APT::Sandbox::User=root``: apt cannot drop
  to its ``_apt`` user for a folder that user cannot reach, and would warn).

The cache is ``$ETHICSCAN_CACHE/packages`` (default ``~/.cache/ethicscan/packages``)::

    <ecosystem>/<name>/<version>/<artefact>     one file per folder

A pinned version found in the cache is reused; ``refresh`` (``--refresh``) fetches it
again, and so does any target without an exact version (``pypi:six``, ``npm:pkg@latest``)
on every scan, since what it names changes over time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ethicscan import interrupt
from ethicscan.errors import ConfigError
from ethicscan.kinds import TargetKind
from ethicscan.model import Skipped, SkipReason, Target
from ethicscan.sources.fs import FileJob, WalkOptions, described, walk_iter
from ethicscan.sources.interface import SourceOptions

ECOSYSTEMS = ("pypi", "npm", "deb")
FETCH_TIMEOUT = 600.0  # seconds for one client run
Runner = Callable[..., "subprocess.CompletedProcess[str]"]

# Names as the registries allow them; versions as the clients read them, never with a
# path separator or a leading '.' or '-' (which would read as a folder or an option).
_PYPI_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_PYPI_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+!_-]*")
_NPM_PART = r"[a-z0-9~][a-z0-9._~-]*"
_NPM_NAME = re.compile(rf"(?:@{_NPM_PART}/)?{_NPM_PART}")
_NPM_VERSION = re.compile(r"[A-Za-z0-9^~<>=*][A-Za-z0-9.+_^~<>=*-]*")
_NPM_EXACT = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_DEB_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")
_DEB_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+~:-]*")


@dataclass(frozen=True, slots=True)
class PackageSpec:
    """A package target as parsed: ``raw`` is what the user typed."""

    raw: str
    ecosystem: str
    name: str
    version: str = ""  # empty: the newest

    @property
    def pinned(self) -> bool:
        """An exact version, whose artefact never changes and may be taken from the cache."""
        if self.ecosystem == "npm":
            return bool(_NPM_EXACT.fullmatch(self.version))
        return bool(self.version)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of obtaining one package: a local file, or why not."""

    spec: PackageSpec
    path: str = ""
    error: str = ""
    cached: bool = False


class FetchError(Exception):
    """A package that could not be obtained; str() is the message for the report."""


def is_package_target(target: str) -> bool:
    head, sep, _ = target.partition(":")
    return bool(sep) and head in ECOSYSTEMS


def parse_target(target: str) -> PackageSpec:
    """``pypi:Name==1.0``, ``npm:@scope/pkg@1.0.0``, ``deb:pkg=1.2-3`` ... as a spec;
    a malformed one raises :class:`ConfigError` naming the accepted forms."""
    eco, _, rest = target.partition(":")
    if eco == "pypi":
        name, sep, version = rest.partition("==")
        ok = _PYPI_NAME.fullmatch(name) and (not sep or _PYPI_VERSION.fullmatch(version))
        form = "pypi:NAME or pypi:NAME==VERSION (an exact version, a wheel is taken)"
    elif eco == "npm":
        at = rest.find("@", 1)  # a leading '@' starts a scope
        name, sep, version = (rest[:at], "@", rest[at + 1 :]) if at > 0 else (rest, "", "")
        ok = _NPM_NAME.fullmatch(name) and (not sep or _NPM_VERSION.fullmatch(version))
        form = "npm:NAME, npm:NAME@VERSION or npm:@SCOPE/NAME@VERSION"
    elif eco == "deb":
        name, sep, version = rest.partition("=")
        ok = _DEB_NAME.fullmatch(name) and (not sep or _DEB_VERSION.fullmatch(version))
        form = "deb:NAME or deb:NAME=VERSION"
    else:
        raise ConfigError(f"{target!r} is not a package target ({', '.join(ECOSYSTEMS)})")
    if not ok:
        raise ConfigError(f"invalid package target {target!r}: expected {form}")
    return PackageSpec(target, eco, name, version)


def default_cache() -> Path:
    root = os.environ.get("ETHICSCAN_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "ethicscan"
    return base / "packages"


def cache_folder(spec: PackageSpec, cache: Path) -> Path:
    """``<cache>/<ecosystem>/<name>/<version>``; a scoped npm name is two folders."""
    version = quote(spec.version, safe="+~^=.-_") if spec.version else "latest"
    return cache / spec.ecosystem / Path(*spec.name.split("/")) / version


def _command(spec: PackageSpec, dest: Path) -> tuple[list[str], str]:
    """The client command line and the client's name (for 'X is not installed')."""
    if spec.ecosystem == "pypi":
        requirement = f"{spec.name}=={spec.version}" if spec.version else spec.name
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["--disable-pip-version-check", "--no-input", "--dest", str(dest), requirement]
        return cmd, "pip"
    if spec.ecosystem == "npm":
        package = f"{spec.name}@{spec.version}" if spec.version else spec.name
        return ["npm", "pack", "--ignore-scripts", package], "npm"
    package = f"{spec.name}={spec.version}" if spec.version else spec.name
    cmd = ["apt-get"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd += ["-o", "APT::Sandbox::User=root"]
    return [*cmd, "download", package], "apt-get"


def _message(stderr: str, stdout: str, limit: int = 3) -> str:
    """The client's own words: its error lines if it marks them, else its first lines."""
    lines = [line.strip() for line in (stderr or stdout).splitlines() if line.strip()]
    marked = [
        line
        for line in lines
        if line.startswith(("ERROR", "error", "E:", "npm error", "npm ERR!"))
        or "No module named pip" in line
    ]
    return " | ".join((marked or lines)[:limit])


_FROM_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")


def _no_wheel_hint(spec: PackageSpec, stderr: str) -> str:
    """What pip's "No matching distribution" means for a ``pypi:`` target.  pip
    downloads wheels only here, and lists the versions it found wheels of: when there
    are some, the version asked for has none (it may not exist at all); when there are
    none, the package publishes sdists only, or does not exist."""
    m = _FROM_VERSIONS.search(stderr)
    versions = [v.strip() for v in m.group(1).split(",")] if m else []
    versions = [v for v in versions if v and v != "none"]
    if versions:
        shown = ", ".join(versions[-8:]) + (
            f" and {len(versions) - 8} older" if len(versions) > 8 else ""
        )
        return f" (versions of {spec.name} with a wheel: {shown})"
    return (
        f" (no wheel of {spec.name} at all: no such package, or it publishes sdists only, "
        "which pypi: targets do not take since building one runs its code; an sdist "
        "downloaded by hand can be scanned as a file)"
    )


def _artefacts(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []


def fetch(
    spec: PackageSpec,
    cache: Path,
    *,
    refresh: bool = False,
    runner: Runner | None = None,
    timeout: float = FETCH_TIMEOUT,
    notify: Callable[[str], None] | None = None,
) -> Fetched:
    """Obtain ``spec`` into its cache folder with its client; never raises for a package
    that cannot be had (the reason is in ``Fetched.error``).  ``notify`` hears a line
    before a client is run."""
    folder = cache_folder(spec, cache)
    if spec.pinned and not refresh:
        found = _artefacts(folder)
        if len(found) == 1:
            return Fetched(spec, str(found[0]), cached=True)
    if notify:
        notify(f"fetching {spec.raw} with {_command(spec, folder)[1]}")
    try:
        path = _download(spec, folder, runner or subprocess.run, timeout)
    except FetchError as exc:
        for empty in (folder.parent, folder.parent.parent):  # leave no empty name folders
            try:
                empty.rmdir()
            except OSError:
                break
        return Fetched(spec, error=str(exc))
    return Fetched(spec, str(path))


def _download(spec: PackageSpec, folder: Path, runner: Runner, timeout: float) -> Path:
    staging: Path | None = None
    try:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            with interrupt.deferred():  # made and named at once, for the clean-up below
                staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=folder.parent))
        except OSError as exc:
            raise FetchError(f"cannot create the package cache {folder.parent}: {exc}") from exc
        return _fetch_into(spec, folder, staging, runner, timeout)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _fetch_into(
    spec: PackageSpec, folder: Path, staging: Path, runner: Runner, timeout: float
) -> Path:
    """Runs the package client in ``staging`` and moves its one artefact to ``folder``."""
    cmd, client = _command(spec, staging)
    kwargs: dict[str, Any] = {"capture_output": True, "text": True, "timeout": timeout}
    try:
        done = runner(cmd, shell=False, cwd=staging, check=False, **kwargs)
    except FileNotFoundError as exc:
        raise FetchError(f"{client} is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise FetchError(f"{client} took longer than {timeout:g}s") from exc
    except OSError as exc:
        raise FetchError(f"cannot run {client}: {exc}") from exc
    found = _artefacts(staging)
    if done.returncode != 0 or len(found) != 1:
        said = _message(done.stderr or "", done.stdout or "")
        if "No module named pip" in said:
            raise FetchError(f"pip is not installed for {sys.executable}")
        if done.returncode == 0:
            said = f"expected one file, got {len(found)}" + (f": {said}" if said else "")
        hint = ""
        if spec.ecosystem == "pypi" and "No matching distribution" in said:
            hint = _no_wheel_hint(spec, done.stderr or "")
        raise FetchError(f"{client} exited {done.returncode}: {said or 'no message'}{hint}")
    try:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / found[0].name
        os.replace(found[0], final)
    except OSError as exc:
        raise FetchError(f"cannot store {found[0].name} in {folder}: {exc}") from exc
    return final


def fetch_all(
    specs: Sequence[PackageSpec],
    cache: Path | None = None,
    *,
    refresh: bool = False,
    runner: Runner | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[Fetched]:
    """Every package, in order; the same target twice is fetched once."""
    where = cache or default_cache()
    done: dict[str, Fetched] = {}
    for spec in specs:
        if spec.raw not in done:
            done[spec.raw] = fetch(spec, where, refresh=refresh, runner=runner, notify=notify)
    return [done[s.raw] for s in specs]


class PackageSource:
    """Package targets: every one parsed first (a malformed one stops the scan before
    anything is downloaded) and all obtained, then each artefact walked as a file
    target (``ARTEFACT!inner/path``), reported under the target as typed."""

    def __init__(self, options: SourceOptions, targets: Sequence[str]) -> None:
        specs = [parse_target(t) for t in targets]
        cache = Path(options.package_cache) if options.package_cache else None
        got = fetch_all(specs, cache, refresh=options.refresh, notify=options.on_fetch)
        self.fetched = {f.spec.raw: f for f in got}
        self.walk = WalkOptions(options.excludes, options.use_gitignore)

    def units(self, target: str) -> Iterator[FileJob | Skipped | Target]:
        got = self.fetched[target]
        if got.error:
            yield Target(target, TargetKind.PACKAGE)
            yield Skipped(target, SkipReason.FETCH_FAILED, got.error, target)
            return
        kinds: list[Target] = []
        skipped: list[Skipped] = []
        for job in walk_iter([got.path], self.walk, kinds, skipped):
            yield replace(job, target=target)
        file = described(Target(got.path, TargetKind.FILE))
        yield Target(target, TargetKind.PACKAGE, os.path.basename(got.path), file.sha256, file.size)
        yield from (replace(s, target=target) for s in skipped)
