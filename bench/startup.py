"""Wall time of small scans, the way pre-commit runs them: ``ethicscan scan FILE...`` in a
fresh process, on a machine with no compiled rule databases (cold) and with them kept
(warm); and, for comparison, a scan large enough to use the compiled databases.

python bench/startup.py [--runs N]

Each scan is a new ``python -m ethicscan scan ... -q`` process.  Bytecode is written to a
private folder (``PYTHONPYCACHEPREFIX``), as ``pip install`` compiles it: only the rule
databases are cold.  Prints the median and the slowest wall time of the runs, and the
median CPU time (user and system), which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONE_FILE = """\
from dataclasses import dataclass


@dataclass
class Applicant:
    name: str
    ethnicity: str  # self-declared, for the equality report


def summary(a: Applicant) -> str:
    return f"{a.name}: {a.ethnicity}"
"""


def _run(targets: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one scan in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ethicscan", "scan", *targets, "-q", "--fail-on", "never"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _show(label: str, runs: list[tuple[float, float]]) -> None:
    wall = [w for w, _ in runs]
    cpu = [c for _, c in runs]
    print(
        f"{label:<42} wall median {statistics.median(wall):.2f} s, slowest {max(wall):.2f} s; "
        f"CPU median {statistics.median(cpu):.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ethicscan-startup-"))
    try:
        tree = work / "tree"
        tree.mkdir()
        one = tree / "applicant.py"
        one.write_text(ONE_FILE, encoding="utf-8")
        many = work / "many"
        many.mkdir()
        for i in range(100):  # more than a small scan: the compiled databases are used
            (many / f"m{i:03}.py").write_text(ONE_FILE, encoding="utf-8")
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pyc")
        env.pop("ETHICSCAN_PREFILTER_CACHE", None)
        _run([str(one)], {**env, "ETHICSCAN_CACHE": str(work / "warm-up")})  # bytecode

        def cold(targets: list[str]) -> list[tuple[float, float]]:
            times = []
            for i in range(args.runs):
                cache = work / f"cold-{len(targets)}-{i}"  # a machine's first scan
                times.append(_run(targets, {**env, "ETHICSCAN_CACHE": str(cache)}))
                shutil.rmtree(cache, ignore_errors=True)
            return times

        def warm(targets: list[str]) -> list[tuple[float, float]]:
            kept = {**env, "ETHICSCAN_CACHE": str(work / "kept")}
            _run([str(many)], kept)  # compiles and keeps the databases
            return [_run(targets, kept) for _ in range(args.runs)]

        _show("one file, cold (no compiled databases)", cold([str(one)]))
        _show("one file, warm (databases kept)", warm([str(one)]))
        _show("100 files, cold (compiles the databases)", cold([str(many)]))
        _show("100 files, warm", warm([str(many)]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
