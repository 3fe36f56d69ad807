"""Cost of a history scan (``ethicscan scan --history``) on a real repository.

Scans the whole history, then commit-date windows of it, and prints for each run
the commits, distinct blobs and trees, seconds, blobs per second and milliseconds
per distinct blob and per commit: if the cost tracks distinct blobs (as it should),
ms/blob stays roughly level across runs while ms/commit does not.

    python bench/history.py REPO [--since DATE]... [--jobs N] [--json FILE]

REPO is a git repository folder (bare or not).  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import resource
import stat
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from dulwich.objects import Tree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ethicscan.api import ScanOptions, scan_repository  # noqa: E402
from ethicscan.engine.local import default_jobs  # noqa: E402
from ethicscan.sources.history import (  # noqa: E402
    Selection,
    commits,
    open_repository,
    parse_date,
    tips,
)


def file_versions(repo: str, selection: Selection) -> int:
    """What a checkout-every-commit scan would read: the files of every commit's
    tree, summed (counted with a memo per tree id, so this is quick)."""
    r = open_repository(repo)
    try:
        memo: dict[bytes, int] = {}

        def count(tree: bytes) -> int:
            if tree not in memo:
                obj = r.get(tree)
                assert isinstance(obj, Tree)
                memo[tree] = sum(
                    count(e.sha) if stat.S_ISDIR(e.mode) else 1 for e in obj.iteritems()
                )
            return memo[tree]

        return sum(count(c.tree) for c in commits(r, tips(r, ()).values(), selection))
    finally:
        r.close()


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the pool's workers):
    steadier than wall time on a shared machine."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(repo: str, since: str | None, jobs: int) -> dict[str, Any]:
    selection = Selection(since=parse_date(since) if since else None)
    naive = file_versions(repo, selection)
    cpu0 = _cpu()
    started = time.perf_counter()
    result, out = scan_repository(repo, ScanOptions(jobs=jobs, history=True, since=since))
    secs = time.perf_counter() - started
    cpu = _cpu() - cpu0
    return {
        "window": f"since {since}" if since else "whole history",
        "commits": out.commits,
        "file_versions": naive,
        "distinct_blobs": out.distinct_blobs,
        "analysed": result.stats.files,
        "trees": out.trees,
        "mb": round(result.stats.bytes / 1e6, 1),
        "seconds": round(secs, 2),
        "blobs_per_s": round(out.distinct_blobs / secs, 1),
        "ms_per_blob": round(1000 * secs / max(1, out.distinct_blobs), 3),
        "ms_per_commit": round(1000 * secs / max(1, out.commits), 3),
        "cpu_seconds": round(cpu, 1),
        "cpu_ms_per_blob": round(1000 * cpu / max(1, out.distinct_blobs), 3),
        "cpu_ms_per_commit": round(1000 * cpu / max(1, out.commits), 3),
        "cpu_s_per_mb": round(cpu / max(1e-9, result.stats.bytes / 1e6), 4),
        "findings": len(result.findings),
        "statuses": dict(Counter(f.history.status.value for f in result.findings if f.history)),
        "skipped": dict(Counter(s.reason.value for s in result.skipped)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repo", help="a git repository folder (bare or not)")
    ap.add_argument(
        "--since",
        action="append",
        default=[],
        metavar="DATE",
        help="also time the window from DATE (repeatable; default: two windows)",
    )
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0 = one per core)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    jobs = args.jobs or default_jobs()
    windows = args.since or ["2025-01-01", "2022-01-01"]
    rows = [run(args.repo, s, jobs) for s in windows]
    rows.append(run(args.repo, None, jobs))
    cols = [
        "window",
        "commits",
        "file_versions",
        "distinct_blobs",
        "trees",
        "mb",
        "seconds",
        "blobs_per_s",
        "ms_per_blob",
        "ms_per_commit",
        "cpu_seconds",
        "cpu_ms_per_blob",
        "cpu_ms_per_commit",
        "cpu_s_per_mb",
        "findings",
    ]
    print(f"repository: {args.repo}   jobs: {jobs}")
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(f"{c:>{width[c]}}" for c in cols))
    for r in rows:
        print("  ".join(f"{r[c]!s:>{width[c]}}" for c in cols))
    whole = rows[-1]
    print(f"whole history: statuses {whole['statuses']}, skipped {whole['skipped']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
