"""Project configuration: ``[tool.ethicscan]`` in ``pyproject.toml`` or the top level
of ``.ethicscan.toml``, given with ``--config`` or found as ruff and black find theirs:
in the folder of the targets (or the current folder) or the nearest folder above it,
up to the root of the git repository it is in.

Keys (all optional)::

    exclude = ["vendor/**", "*.min.js"]   # like --exclude (replaced, not added to, by it)
    fail-on = "high"                      # like --fail-on
    min-confidence = 0.5                  # like --min-confidence
    rules = ["ethicscan-rules"]           # like --rules; relative to the config file
    baseline = ".ethicscan-baseline.json" # like --baseline; relative to the config file
    gitignore = false                     # like --no-ignore (true: like --gitignore)
    disable = ["race-attribute"]          # like --disable: rule ids turned off

Options given on the command line win.  An unknown key is an error naming the key and
the file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ethicscan.errors import ConfigError
from ethicscan.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAMES = (".ethicscan.toml", "pyproject.toml")
# What --fail-on and fail-on take: a severity, or never.
FAIL_ON = (*(s.value for s in Severity), "never")


@dataclass(frozen=True)
class Settings:
    """The scan settings a config file can set; field names are the CLI's."""

    exclude: tuple[str, ...] = ()
    fail_on: str = "high"
    min_confidence: float = 0.0
    rule_dirs: tuple[str, ...] = ()
    baseline: str | None = None
    gitignore: bool | None = None  # None: what git ignores, inside a work tree only
    disable: tuple[str, ...] = ()


# config key -> Settings field
KEYS = {
    "exclude": "exclude",
    "fail-on": "fail_on",
    "min-confidence": "min_confidence",
    "rules": "rule_dirs",
    "baseline": "baseline",
    "gitignore": "gitignore",
    "disable": "disable",
}


@dataclass(frozen=True)
class Config:
    source: str
    values: dict[str, Any]  # Settings field -> value, only the keys the file sets


def discover(folder: Path) -> Path | None:
    """``.ethicscan.toml``, else a ``pyproject.toml`` with a ``[tool.ethicscan]`` table."""
    dot = folder / ".ethicscan.toml"
    if dot.is_file():
        return dot
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            doc = _toml(pyproject.read_text(encoding="utf-8"), pyproject)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not ours to judge: it has no usable [tool.ethicscan]
        if isinstance(doc.get("tool"), dict) and "ethicscan" in doc["tool"]:
            return pyproject
    return None


def find(start: Path) -> Path | None:
    """The config file for a scan of what is in ``start`` (a folder): the first
    :func:`discover` finds in ``start`` or a folder above it, stopping after the root of
    the git work tree (a folder holding ``.git``), or at the file system's root outside
    any.  In a folder, ``.ethicscan.toml`` comes first; a ``pyproject.toml`` without
    ``[tool.ethicscan]`` is passed over, as ruff does."""
    folder = Path(os.path.abspath(start))
    while True:
        found = discover(folder)
        if found is not None:
            return found
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def start_folder(targets: Sequence[str], cwd: Path) -> Path:
    """Where the search for a config file starts: the folder holding every target that
    is a local path (a file's folder for a file), else the current folder (standard
    input, packages, git URLs)."""
    local = [os.path.abspath(t) for t in targets if t != "-" and os.path.exists(t)]
    if not local:
        return cwd
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in local]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives (Windows)
        return cwd


def _toml(text: str, path: Path) -> dict[str, Any]:
    """``text`` parsed; nesting deeper than Python's stack (tomllib recurses) is the
    user's file to fix, not an internal error."""
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"config {path}: not valid TOML: nested too deeply") from None
    return doc


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a string or a list of strings")
    return tuple(value)


def load(path: str | Path) -> Config:
    p = Path(path)
    try:
        doc = _toml(p.read_text(encoding="utf-8"), p)
    except OSError as exc:
        raise ConfigError(f"config {p}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config {p}: not valid TOML: {exc}") from None
    table: Any = doc
    if p.name == "pyproject.toml":
        tool = doc.get("tool")
        table = tool.get("ethicscan", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"config {p}: [tool.ethicscan] must be a table")
    base = p.resolve().parent
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"config {p}: key '{key}'"
        if key not in KEYS:
            raise ConfigError(f"config {p}: unknown key '{key}' (known: {', '.join(KEYS)})")
        name = KEYS[key]
        if name in ("exclude", "disable"):
            values[name] = _str_list(value, where)
        elif name == "rule_dirs":
            values[name] = tuple(str(base / d) for d in _str_list(value, where))
        elif name == "fail_on":
            if value not in FAIL_ON:
                raise ConfigError(f"{where}: '{value}' is not one of: {', '.join(FAIL_ON)}")
            values[name] = value
        elif name == "min_confidence":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}: expected a number between 0 and 1")
            values[name] = float(value)
        elif name == "baseline":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: expected a path")
            values[name] = str(base / value)
        else:  # gitignore
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: expected true or false")
            values[name] = value
    return Config(str(p), values)


def effective(cli: Settings, given: frozenset[str], config: Config | None) -> Settings:
    """The settings in force: a command-line option the user gave, else the config
    file's value, else the default."""
    if config is None:
        return cli
    names = {f.name for f in fields(Settings)}
    chosen = {k: v for k, v in config.values.items() if k in names and k not in given}
    return replace(cli, **chosen)
