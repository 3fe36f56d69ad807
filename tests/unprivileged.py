"""Run ethicscan as a user that permissions deny: the current one, or, as root (where
chmod denies nothing), 'nobody' in a subprocess (skipped when that cannot be done)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def as_nobody() -> dict[str, Any]:
    """subprocess arguments that run a command as an unprivileged user, when root."""
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no 'nobody' user to drop to")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def python_for_nobody(kw: dict[str, Any], env: dict[str, str], cwd: Path) -> str:
    """An interpreter of this Python version with which the unprivileged user can
    import ethicscan (this one may sit in root's home; the system one, with this
    environment's packages on its path, may not)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    why = "none found"
    for python in (sys.executable, shutil.which(version) or "", f"/usr/bin/{version}"):
        if not python:
            continue
        try:
            done = subprocess.run(
                [python, "-c", "import ethicscan.cli"],
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
                cwd=cwd,
                check=False,
                **kw,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            why = f"{python}: {exc}"
            continue
        if done.returncode == 0:
            return python
        why = f"{python}: {done.stderr.strip().splitlines()[-1:]}"
    pytest.skip(
        "running as root, where chmod denies nothing, and 'nobody' cannot run "
        f"ethicscan ({why}); the code paths are tested with monkeypatched errors"
    )


def run_ethicscan(args: list[str], base: Path) -> subprocess.CompletedProcess[str]:
    """``python -m ethicscan ARGS`` in ``base`` (a folder the user can enter, also its
    HOME and TMPDIR), as 'nobody' when this process is root."""
    kw: dict[str, Any] = {}
    path = [str(SRC)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        kw = as_nobody()
        path += [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path),
        "HOME": str(base),
        "TMPDIR": str(base),
    }
    python = python_for_nobody(kw, env, base) if kw else sys.executable
    return subprocess.run(
        [python, "-m", "ethicscan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=base,
        check=False,
        **kw,
    )
