"""Reading a JSON file back: a report (``diff``), a ``--results`` shard or manifest, a
baseline.  One reader, so every one of them refuses the same things (unreadable, not
UTF-8, not JSON, nested too deeply) with a :class:`ConfigError` naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ethicscan.errors import ConfigError


def parse(text: str, source: str, what: str = "a JSON report") -> Any:
    """The JSON document ``text`` (read from ``source``); a :class:`ConfigError` that
    names the source when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not {what}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{source}: not {what}: nested too deeply") from None


def read(path: str | Path, what: str = "a JSON report") -> Any:
    """The JSON document in the file ``path`` (:func:`parse`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not {what}: {exc}") from None
    return parse(text, str(path), what)
