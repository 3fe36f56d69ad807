"""The cluster engine measured: a dask LocalCluster of 1, 2 and 4 worker processes on
this machine, and the work unit sizes that keep the scheduler's share of the CPU small.

    python bench/cluster.py [ROOT] [--workers 1,2,4] [--units 16,64,256] [--rounds 1]

ROOT defaults to throughput.py's plain corpus (1.08 GB, fetched into its cache).  For
each work unit size (files per task; the byte bound of a task scaled with it, 8 MB for
64 files, as ``ethicscan.engine.dask`` has it) and each number of workers, the scan runs
in this process as ``ethicscan scan --engine dask --jobs N`` runs it (a LocalCluster on
loopback with TLS, one thread a worker), and the script prints:

- wall seconds, and the speed-up over one worker (and per worker);
- CPU seconds of the workers (their processes, read from /proc while they run), and of
  this process, which holds the scheduler, the client and the walk of the folders; of
  that, the threads other than the main one (dask's event loop: the scheduler and the
  client's communication), whose share of all the CPU is the scheduler's share (an
  upper bound: the client's messages are in it too); the main thread walks the folders,
  builds the tasks and reads the results;
- tasks sent, and the findings (the same in every run, or the script says so).

The local engine (``--engine local --jobs`` = cores) is timed once for reference.
Runs alternate (units outer, workers inner) so a shared machine's load falls on all.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


class TreeCPU:
    """CPU seconds of this process's descendants, sampled from /proc while they run
    (a LocalCluster's nannies and workers are not waited for by this process, so its
    rusage of children misses them)."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.threads: dict[int, float] = {}  # this process's threads but the sampler
        self._own = -1
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _children(self, pid: int) -> list[int]:
        out: list[int] = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    for c in f.read().split():
                        out += [int(c), *self._children(int(c))]
        except OSError:
            pass
        return out

    def _cpu(self, pid: int) -> float | None:
        return self._cpu_of(f"/proc/{pid}/stat")

    def _cpu_of(self, path: str) -> float | None:
        try:
            with open(path) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def _run(self) -> None:
        self._own = threading.get_native_id()
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.1)

    def sample(self) -> None:
        me = os.getpid()
        for tid in os.listdir(f"/proc/{me}/task"):
            cpu = self._cpu_of(f"/proc/{me}/task/{tid}/stat")
            if cpu is not None and int(tid) != self._own:
                self.threads[int(tid)] = max(self.threads.get(int(tid), 0.0), cpu)
        for pid in self._children(me):
            cpu = self._cpu(pid)
            if cpu is not None:
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu)

    def stop(self) -> float:
        self.sample()
        self._stop.set()
        self._t.join()
        return sum(self.seen.values())


def run(root: Path, engine: str, workers: int, unit: int) -> dict[str, float]:
    from ethicscan import ScanOptions, scan
    from ethicscan.engine import dask as dask_engine

    dask_engine.BATCH_FILES = unit
    dask_engine.BATCH_BYTES = max(1, unit * 8 * 1024 * 1024 // 64)
    sent: list[int] = []
    real_batches = dask_engine.batches

    def counting(jobs, threads=1):  # type: ignore[no-untyped-def]
        out = real_batches(jobs, threads)
        sent.append(len(out))
        return out

    dask_engine.batches = counting  # type: ignore[assignment]
    tree = TreeCPU()
    tree.sample()
    threads0 = dict(tree.threads)
    main0 = threads0.pop(threading.main_thread().native_id, 0.0)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    try:
        result = scan([str(root)], ScanOptions(engine=engine, jobs=workers))
    finally:
        dask_engine.batches = real_batches  # type: ignore[assignment]
    wall = time.perf_counter() - t0
    own = time.process_time() - cpu0
    others = tree.stop()
    main = tree.threads.pop(threading.main_thread().native_id, 0.0) - main0
    loop = sum(cpu - threads0.get(tid, 0.0) for tid, cpu in tree.threads.items())
    return {
        "wall": wall,
        "own_cpu": own,
        "main_cpu": main,
        "loop_cpu": loop,
        "worker_cpu": others,
        "tasks": float(sum(sent)),
        "findings": float(len(result.findings)),
        "files": float(result.stats.files),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", nargs="?", type=Path)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--units", default="16,64,256", help="files per task")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    root = args.root
    if root is None:
        from throughput import build_corpus

        root, _tops = build_corpus(0)
    workers = [int(x) for x in args.workers.split(",")]
    units = [int(x) for x in args.units.split(",")]
    cores = len(os.sched_getaffinity(0))
    print(f"machine: {os.cpu_count()} cores ({cores} usable); corpus {root}")
    from ethicscan import ScanOptions, scan

    scan([str(root / os.listdir(root)[0])], ScanOptions(jobs=1))  # databases, page cache
    local = run(root, "local", cores, 64)
    print(
        f"local engine, --jobs {cores}: {local['wall']:.1f} s, "
        f"{local['own_cpu'] + local['worker_cpu']:.1f} CPU s, {int(local['findings'])} findings"
    )
    rows: dict[tuple[int, int], list[dict[str, float]]] = {}
    for _ in range(args.rounds):
        for unit in units:
            for n in workers:
                r = run(root, "dask", n, unit)
                rows.setdefault((unit, n), []).append(r)
                total = r["own_cpu"] + r["worker_cpu"]
                print(
                    f"unit {unit:>4} files, {n} workers: {r['wall']:.1f} s, workers "
                    f"{r['worker_cpu']:.1f} CPU s, this process {r['own_cpu']:.1f} CPU s "
                    f"({100 * r['own_cpu'] / total:.1f} %: main thread {r['main_cpu']:.1f}, "
                    f"scheduler and client threads {r['loop_cpu']:.1f}), {int(r['tasks'])} tasks, "
                    f"{int(r['findings'])} findings",
                    flush=True,
                )
    findings = {int(r["findings"]) for rs in rows.values() for r in rs} | {int(local["findings"])}
    print(
        f"\n{'unit':>5}{'workers':>8}{'wall s':>8}{'speed-up':>9}{'per worker':>11}"
        f"{'CPU s':>8}{'process %':>10}{'sched %':>9}{'tasks':>7}"
    )
    for unit in units:
        one = statistics.median(r["wall"] for r in rows[(unit, workers[0])])
        for n in workers:
            rs = rows[(unit, n)]
            wall = statistics.median(r["wall"] for r in rs)
            cpu = statistics.median(r["own_cpu"] + r["worker_cpu"] for r in rs)
            share = statistics.median(
                100 * r["own_cpu"] / (r["own_cpu"] + r["worker_cpu"]) for r in rs
            )
            sched = statistics.median(
                100 * r["loop_cpu"] / (r["own_cpu"] + r["worker_cpu"]) for r in rs
            )
            up = one / wall
            print(
                f"{unit:>5}{n:>8}{wall:>8.1f}{up:>9.2f}{up / (n / workers[0]):>11.2f}"
                f"{cpu:>8.1f}{share:>10.1f}{sched:>9.1f}{int(rs[0]['tasks']):>7}"
            )
    same = "the same in every run" if len(findings) == 1 else f"DIFFER: {sorted(findings)}"
    print(f"findings: {same}")
    return 0 if len(findings) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
