"""The dev set scanned by name, the way a user would: ``ethicscan scan pypi:NAME==V``
and ``ethicscan scan npm:NAME@V`` through the command line, which fetches each package
with pip or npm into the package cache and scans the artefact.

For each pypi/npm case: the artefact obtained, whether its sha256 is the dev set's,
its findings, the expected items found (scored as in accuracy.py) and the wall time
of the whole command (fetch included). Run ``python bench/packages.py --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _devset import Case, DevsetError, add_devset_option, default_devsets, load_all
from accuracy import REPO, Hit, inner_path, score_case, select


@dataclass(frozen=True, slots=True)
class Row:
    case: str
    target: str
    artefact: str = ""
    sha256: str = ""
    sha_ok: bool = False
    findings: int = 0
    expected: int = 0
    found: int = 0
    right_capability: int = 0
    benign: int = 0
    benign_flagged: int = 0
    seconds: float = 0.0
    error: str = ""


def target_of(case: Case) -> str | None:
    if case.source == "pypi":
        return f"pypi:{case.name}=={case.version}"
    if case.source == "npm":
        return f"npm:{case.name}@{case.version}"
    return None


def run_cli(target: str, args: argparse.Namespace) -> tuple[dict[str, Any] | None, str]:
    """The JSON report of ``ethicscan scan TARGET``, or None and the error it printed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    if args.cache:
        env["ETHICSCAN_CACHE"] = str(args.cache)
    cmd = [sys.executable, "-m", "ethicscan", "scan", target, "--format", "json"]
    cmd += ["--fail-on", "never", "--jobs", str(args.jobs)]
    if args.refresh:
        cmd.append("--refresh")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return None, " | ".join(done.stderr.strip().splitlines()[-3:])
    return json.loads(done.stdout), ""


def evaluate(case: Case, target: str, args: argparse.Namespace) -> Row:
    start = time.perf_counter()
    report, error = run_cli(target, args)
    seconds = round(time.perf_counter() - start, 2)
    if report is None:
        return Row(case.id, target, seconds=seconds, error=error)
    (tgt,) = report["targets"]
    hits = [
        Hit(
            path=inner_path(f["location"]["path"]),
            line=f["location"]["line"],
            capability=f["capability"],
            rule=f["rule"],
            term=f["evidence"]["term"],
        )
        for f in report["findings"]
    ]
    skipped = {inner_path(s["path"]): s["reason"] for s in report["skipped"]}
    score, _ = score_case(case, hits, skipped, [], seconds)
    return Row(
        case=case.id,
        target=target,
        artefact=tgt["artefact"],
        sha256=tgt["sha256"],
        sha_ok=tgt["artefact"] == case.filename and tgt["sha256"] == case.sha256,
        findings=len(hits),
        expected=score.expected,
        found=score.found,
        right_capability=score.right_capability,
        benign=score.benign,
        benign_flagged=score.benign_flagged,
        seconds=seconds,
    )


def format_rows(rows: Sequence[Row]) -> str:
    header = ("target", "artefact", "sha256", "findings", "found", "right", "benign", "secs")
    table = [header]
    for r in rows:
        if r.error:
            table.append((r.target, "FETCH/SCAN FAILED", "", "", "", "", "", f"{r.seconds:.1f}"))
            continue

        def frac(n: int, of: int) -> str:
            return f"{n}/{of}" if of else "-"

        table.append(
            (
                r.target,
                r.artefact,
                r.sha256[:12] + (" ok" if r.sha_ok else " DIFFERS"),
                str(r.findings),
                frac(r.found, r.expected),
                frac(r.right_capability, r.expected),
                frac(r.benign_flagged, r.benign),
                f"{r.seconds:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    lines += [f"error: {r.target}: {r.error}" for r in rows if r.error]
    ok = [r for r in rows if not r.error]
    lines.append("")
    lines.append(
        f"by name: {len(ok)}/{len(rows)} packages fetched and scanned, "
        f"{sum(r.sha_ok for r in ok)} with the dev set's artefact and sha256; "
        f"{sum(r.found for r in ok)}/{sum(r.expected for r in ok)} expected items found, "
        f"{sum(r.benign_flagged for r in ok)}/{sum(r.benign for r in ok)} benign flagged, "
        f"{sum(r.findings for r in ok)} findings, {sum(r.seconds for r in rows):.1f}s"
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Scan the dev set's packages by name.")
    add_devset_option(parser)
    parser.add_argument("--cases", help="comma-separated case ids (default: every pypi/npm case)")
    parser.add_argument(
        "--cache",
        type=Path,
        help="ETHICSCAN_CACHE for the scans (default: ethicscan's own, ~/.cache/ethicscan)",
    )
    parser.add_argument("--refresh", action="store_true", help="pass --refresh: fetch again")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a package cannot be fetched or scanned, or is not the dev set's artefact",
    )
    args = parser.parse_args(argv)
    if not args.devsets:
        args.devsets = default_devsets()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        cases = select(load_all(args.devsets), args.cases)
    except DevsetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = []
    for case in cases:
        target = target_of(case)
        if target is None:
            print(f"{case.id}: source {case.source!r} has no package target", file=sys.stderr)
            continue
        print(f"{target} ...", file=sys.stderr, flush=True)
        rows.append(evaluate(case, target, args))
    print(format_rows(rows))
    failed = any(r.error or not r.sha_ok for r in rows)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
