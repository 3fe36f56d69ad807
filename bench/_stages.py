"""CPU per stage of a scan, from cProfile grouped by module (bench-side only: ethicscan
itself carries no timing hooks, so a scan that is not profiled pays nothing).

    python bench/_stages.py ROOT... [--top 15]

The scan runs in this process (``--jobs 1``: a pool's workers are not profiled) under
:mod:`cProfile`.  Each function's own time (``tottime``) goes to the stage of the module
that defines it; a built-in (``re.Pattern.search``, ``zlib.decompress``, ``bytes.translate``)
has no module, so its time goes to the stages of its callers, split as cProfile recorded
it.  The profiler's own cost inflates Python-heavy stages (classify) more than those spent
in C (prefilter, inflate): read the shares as where to look, and the unprofiled wall time
of throughput.py as the figure.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

# (stage, module path fragments), first match wins; paths are matched with "/".
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("walk", ("ethicscan/sources/", "/os.py", "/posixpath.py", "/fnmatch.py", "pathspec")),
    ("strings", ("extract/strings.py", "extract/native.py", "extract/dex.py")),
    ("strings", ("extract/javaclass.py", "cxxfilt", "elftools", "unicodedata")),
    ("prefilter", ("rules/prefilter.py", "hyperscan")),
    (
        "read/inflate",
        (
            "extract/stream.py",
            "extract/zipdir.py",
            "extract/decode.py",
            "zipfile",
            "tarfile",
            "gzip.py",
            "bz2.py",
            "lzma.py",
            "isal",
            "zstandard",
            "libarchive",
            "/codecs.py",
            "encodings/",
            "charset_normalizer",
        ),
    ),
    ("extract", ("ethicscan/extract/",)),
    ("classify", ("ethicscan/classify/", "rules/matcher.py", "rules/catalogue.py", "ahocorasick")),
    ("classify", ("/re/", "sre_", "ethicscan/lazy_re.py")),
    ("report", ("ethicscan/report/", "ethicscan/model.py", "json/", "ethicscan/baseline.py")),
    ("engine", ("ethicscan/engine/", "ethicscan/api.py", "ethicscan/spool.py")),
)
ORDER = ("walk", "read/inflate", "prefilter", "strings", "extract", "classify", "report")


def stage_of(filename: str) -> str | None:
    f = filename.replace("\\", "/")
    if f == "~":
        return None  # a built-in: its callers' stages
    for stage, parts in STAGES:
        if any(p in f for p in parts):
            return stage
    return "other"


def stages(stats: pstats.Stats) -> dict[str, float]:
    """Own time of each function, summed by stage; a built-in's time split among its
    callers' stages (a built-in called by a built-in goes one level further up)."""
    raw = stats.stats  # type: ignore[attr-defined]
    out: dict[str, float] = defaultdict(float)

    def charge(func: tuple[str, int, str], seconds: float, depth: int = 0) -> None:
        stage = stage_of(func[0])
        if stage is not None or depth > 3:
            out[stage or "other"] += seconds
            return
        callers = raw.get(func, (0, 0, 0.0, 0.0, {}))[4]
        total = sum(c[2] for c in callers.values()) or 0.0
        if not callers or total <= 0:
            out["other"] += seconds
            return
        for caller, c in callers.items():
            charge(caller, seconds * c[2] / total, depth + 1)

    for func, (_cc, _nc, tt, _ct, _callers) in raw.items():
        charge(func, tt)
    return dict(out)


def profile_scan(roots: list[str]) -> tuple[float, dict[str, float], pstats.Stats]:
    """Profiled CPU seconds of a one-process scan of ``roots`` and its stages."""
    from ethicscan import ScanOptions, scan
    from ethicscan.report.json import render  # the report stage, as the CLI writes it

    prof = cProfile.Profile(time.process_time)  # CPU time: a busy machine inflates wall time
    t = time.process_time()
    prof.enable()
    result = scan(roots, ScanOptions(jobs=1))
    render(result)
    prof.disable()
    cpu = time.process_time() - t
    st = pstats.Stats(prof)
    return cpu, stages(st), st


def print_stages(cpu: float, by_stage: dict[str, float]) -> None:
    total = sum(by_stage.values()) or 1.0
    print(f"{'stage':<14}{'CPU s':>9}{'share':>8}   (profiled, one process: {cpu:.1f} CPU s)")
    for name in (*ORDER, "engine", "other"):
        s = by_stage.get(name, 0.0)
        print(f"{name:<14}{s:>9.2f}{100 * s / total:>7.1f}%")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--top", type=int, default=15, help="also the N costliest functions")
    args = ap.parse_args()
    cpu, by_stage, st = profile_scan(args.roots)
    print_stages(cpu, by_stage)
    if args.top:
        st.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
