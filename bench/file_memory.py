"""What one file costs a pool worker: each file given is scanned in a process of its
own, through the pipeline a worker runs (``Work(catalogue)(FileJob(...))``), after the
catalogue and the prefilter's databases are loaded; printed: the peak resident size
above that start (VmHWM), the resident size after, CPU seconds and findings.

    python bench/file_memory.py FILE... [--src SRC]   # SRC: another version's src/

Linux only (``/proc/self/status``).  Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import os, sys, time
def field(name):
    with open("/proc/self/status") as f:
        return int(f.read().split(name + ":")[1].split()[0]) // 1024
from ethicscan.pipeline import Work
from ethicscan.rules.catalogue import load_catalogue
from ethicscan.sources.fs import FileJob
work = Work(load_catalogue(()))
work.ready()
start = field("VmHWM")
path = sys.argv[1]
cpu = time.process_time()
out = work(FileJob(path, os.path.basename(path), os.path.getsize(path)))
cpu = time.process_time() - cpu
print(field("VmHWM") - start, start, field("VmRSS"), f"{cpu:.2f}", len(out.findings))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--src", type=Path, default=REPO / "src", help="the src/ folder to run")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.src)}
    print(f"{'peak+ MB':>9}{'start MB':>9}{'after MB':>9}{'CPU s':>7}{'found':>6}{'MB':>6}  file")
    for path in args.files:
        got = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if got.returncode:
            print(f"{path}: failed: {got.stderr.strip()[-300:]}", file=sys.stderr)
            continue
        peak, start, after, cpu, found = got.stdout.split()
        size = path.stat().st_size / 1e6
        print(f"{peak:>9}{start:>9}{after:>9}{cpu:>7}{found:>6}{size:>6.0f}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
