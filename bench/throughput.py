"""Corpus-scale speed and memory: ethicscan against ripgrep and a plain Python ``re``
scan, on real registry packages, in the same run.

    python bench/throughput.py [--rounds 3] [--jobs N] [--sizes 0.25,0.5,1] [--copies 2]

What it does:

1. Obtains the packages listed in PACKAGES below (``pip download --no-deps``, ``npm
   pack``) into a cache outside the repository ($ETHICSCAN_BENCH_CACHE, default
   ``~/.cache/ethicscan/throughput``), unpacks them once, and makes a corpus of
   the unpacked trees plus ``--copies`` hard-linked copies (so it passes 1 GB
   without using that much disk).
2. Writes the catalogue's terms (every spelling the matcher looks for) to a
   pattern file, and times, over several rounds after a warm-up, the median of:
   ``rg -uu -F -i -c -f terms`` (Debian's ripgrep), the same with ``-z`` (ripgrep then
   reads compressed files too, as ethicscan does), ethicscan (``--jobs`` = cores,
   JSON to a file), and a plain Python ``re`` alternation of the same terms
   (single process; on a time budget, extrapolated to the corpus: it is slow).
3. Samples the resident memory of ethicscan's whole process tree (the parent and
   its pool workers, summed) and prints the peak, at two corpus sizes at least.
4. Prints the scaling curve: ethicscan's time at fractions of the corpus.

Nothing here is a test; figures go to stdout (``--json`` for a machine-readable
copy).  Targets (issue 5): ethicscan at most 2x ripgrep's wall time; peak RSS
under 300 MB whatever the corpus size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from ethicscan.rules.catalogue import Term, load_default_catalogue  # noqa: E402

# Real packages, chosen for their size and mix: Python, JavaScript, JSON data,
# type declarations, documentation.  Exact versions, so runs compare.
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("pypi", "ansible", "12.3.0"),
    ("pypi", "botocore", "1.44.8"),
    ("pypi", "django", "5.2.19"),
    ("pypi", "sympy", "1.14.0"),
    ("pypi", "transformers", "5.24.0"),
    ("pypi", "pandas", "3.1.1"),
    ("npm", "aws-sdk", "2.1693.0"),
    ("npm", "monaco-editor", "0.57.0"),
    ("npm", "echarts", "6.1.0"),
    ("npm", "pdfjs-dist", "5.6.205"),
    ("npm", "three", "0.187.0"),
    ("npm", "typescript", "7.0.2"),
    ("npm", "plotly.js-dist", "4.1.1"),
    ("npm", "@fortawesome/fontawesome-free", "7.3.1"),
)


def cache_dir() -> Path:
    env = os.environ.get("ETHICSCAN_BENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "ethicscan" / "throughput"


def obtain(eco: str, name: str, version: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    safe = name.replace("@", "").replace("/", "-")
    found = [p for p in dest.iterdir() if p.name.lower().startswith(safe.lower().replace("-", "_"))]
    found += [p for p in dest.iterdir() if p.name.lower().startswith(safe.lower())]
    found = [p for p in found if version in p.name]
    if found:
        return found[0]
    if eco == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["-q", "-d", str(dest), f"{name}=={version}"]
    else:
        cmd = ["npm", "pack", "--silent", "--ignore-scripts", f"{name}@{version}"]
    subprocess.run(cmd, cwd=dest, check=True, capture_output=True, timeout=900)
    return obtain(eco, name, version, dest)


def unpack(artefact: Path, into: Path) -> None:
    if into.exists():
        return
    tmp = into.with_suffix(".part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if artefact.suffix == ".whl":
        with zipfile.ZipFile(artefact) as zf:
            zf.extractall(tmp)
    else:
        with tarfile.open(artefact) as tf:
            tf.extractall(tmp, filter="data")
    tmp.rename(into)


def tree_size(root: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.isfile(p) and not os.path.islink(p):
                files += 1
                size += os.path.getsize(p)
    return files, size


def link_copy(src: Path, dst: Path) -> None:
    if dst.exists():
        return
    shutil.copytree(src, dst.with_suffix(".part"), copy_function=os.link, symlinks=True)
    dst.with_suffix(".part").rename(dst)


def build_corpus(copies: int) -> tuple[Path, list[Path]]:
    """The corpus root and its top-level package folders (copies included)."""
    cache = cache_dir()
    base = cache / "unpacked"
    parts = []
    for eco, name, version in PACKAGES:
        artefact = obtain(eco, name, version, cache / "artefacts")
        folder = base / f"{eco}-{name.replace('/', '-').lstrip('@')}-{version}"
        unpack(artefact, folder)
        parts.append(folder)
    corpus = cache / "corpus"
    corpus.mkdir(exist_ok=True)
    tops = []
    for c in range(copies + 1):
        for folder in parts:
            dst = corpus / f"copy{c}" / folder.name
            dst.parent.mkdir(exist_ok=True)
            link_copy(folder, dst)
            tops.append(dst)
    return corpus, tops


def subset(tops: list[Path], fraction: float) -> list[Path]:
    """The first ``fraction`` of the package folders, given to both tools as targets."""
    return tops[: max(1, round(len(tops) * fraction))]


def terms_file(dest: Path) -> tuple[Path, list[str]]:
    cat = load_default_catalogue()
    terms = sorted({k.text for k in cat.terms.keys if isinstance(k.payload, Term)})
    dest.write_text("\n".join(terms) + "\n", encoding="utf-8")
    return dest, terms


CPU: dict[str, float] = {}


class PeakRSS:
    """Samples the memory of a process and its descendants, summed: resident size
    (RSS, which counts pages the forked workers share with the parent once per
    process) and proportional size (PSS, which splits shared pages between the
    processes that share them: what the scan really costs the machine)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _tree(self, pid: int) -> list[int]:
        out = [pid]
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    for child in f.read().split():
                        out += self._tree(int(child))
        except OSError:
            pass
        return out

    def _field(self, path: str, name: str) -> int:
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(name):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = self._tree(self.pid)
            rss = sum(self._field(f"/proc/{p}/status", "VmRSS:") for p in tree)
            pss = sum(self._field(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree)
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            time.sleep(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._t.join()
        PSS["last"] = self.peak_pss
        return self.peak


PSS: dict[str, int] = {}


def time_cmd(cmd: list[str], measure_rss: bool = False) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the process tree, stdout; CPU seconds of the tree go
    to CPU[cmd[0]] (steadier than wall time on a shared machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PeakRSS(proc.pid) if measure_rss else None
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t
    peak = sampler.stop() if sampler else 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[cmd[0]] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, peak, out


def rg_cmd(roots: list[Path], terms: Path, jobs: int, z: bool = False) -> list[str]:
    """ripgrep with the term list; ``z``: also inside gzip, bzip2, xz and zstd files
    (``-z``, through their decompressors), as ethicscan reads them."""
    flags = ["-z"] if z else []
    return [
        "rg", *flags, "-uu", "-F", "-i", "-c", "-j", str(jobs), "-f", str(terms),
        *map(str, roots),
    ]  # fmt: skip


def es_cmd(roots: list[Path], jobs: int, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ethicscan",
        "scan",
        *map(str, roots),
        "--jobs",
        str(jobs),
        "--format",
        "json",
        "--output",
        str(out),
        "--fail-on",
        "never",
    ]


def re_scan(root: Path, terms: list[str], budget: float) -> tuple[float, int]:
    """MB/s of a plain ``re`` alternation over the files under ``root`` (one
    process), within ``budget`` seconds."""
    rx = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    done = 0
    hits = 0
    start = time.perf_counter()
    for dirpath, _dirs, names in os.walk(root, followlinks=True):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            try:
                data = Path(p).read_bytes()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue
            hits += sum(1 for _ in rx.finditer(data.decode("utf-8", "replace")))
            done += len(data)
            if time.perf_counter() - start > budget:
                return done / 1e6 / (time.perf_counter() - start), hits
    return done / 1e6 / max(time.perf_counter() - start, 1e-9), hits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--copies", type=int, default=1, help="hard-linked copies of the set")
    ap.add_argument("--sizes", default="0.25,0.5,1", help="corpus fractions for the curve")
    ap.add_argument("--re-budget", type=float, default=30.0, help="seconds for the re scan")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if not shutil.which("rg"):
        print("ripgrep is needed: apt-get install ripgrep", file=sys.stderr)
        return 2

    corpus, tops = build_corpus(args.copies)
    work = cache_dir() / "run"
    work.mkdir(exist_ok=True)
    tfile, terms = terms_file(work / "terms.txt")
    files, size = tree_size(corpus)
    print(f"machine: {os.cpu_count()} cores, {args.jobs} jobs; Python {sys.version.split()[0]}")
    print(
        f"corpus: {len(PACKAGES)} packages x {args.copies + 1}, {files:,} files, "
        f"{size / 1e9:.2f} GB; {len(terms)} terms"
    )
    rg_ver = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout
    print(f"ripgrep: {rg_ver.splitlines()[0]}")

    # As installed: bytecode compiled (pip does that on install; this checkout may run
    # with PYTHONDONTWRITEBYTECODE) and the prefilter's databases kept by a first scan.
    import ethicscan

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(ethicscan.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    time_cmd(es_cmd([min(tops, key=lambda t: tree_size(t)[1])], args.jobs, work / "warm.json"))
    # warm the page cache for both tools
    time_cmd(rg_cmd([corpus], tfile, args.jobs))
    time_cmd(rg_cmd([corpus], tfile, args.jobs, z=True))
    figures: dict[str, object] = {"bytes": size, "files": files, "jobs": args.jobs}

    rg_times, rgz_times, es_times, peaks = [], [], [], []
    rg_cpu, rgz_cpu, es_cpu = [], [], []
    psss: list[int] = []
    out = work / "out.json"
    for r in range(args.rounds):
        t_rg, _, _ = time_cmd(rg_cmd([corpus], tfile, args.jobs))
        rg_cpu.append(CPU["rg"])
        t_rgz, _, _ = time_cmd(rg_cmd([corpus], tfile, args.jobs, z=True))
        rgz_cpu.append(CPU["rg"])
        rgz_times.append(t_rgz)
        t_es, peak, _ = time_cmd(es_cmd([corpus], args.jobs, out), measure_rss=True)
        es_cpu.append(CPU[sys.executable])
        rg_times.append(t_rg)
        es_times.append(t_es)
        peaks.append(peak)
        psss.append(PSS["last"])
        print(
            f"round {r + 1}: ripgrep {t_rg:.2f} s ({rg_cpu[-1]:.1f} CPU s), ripgrep -z "
            f"{t_rgz:.2f} s ({rgz_cpu[-1]:.1f} CPU s), ethicscan "
            f"{t_es:.2f} s ({es_cpu[-1]:.1f} CPU s, peak RSS {peak / 1e6:.0f} MB, "
            f"PSS {psss[-1] / 1e6:.0f} MB)"
        )
    doc = json.loads(out.read_text(encoding="utf-8"))
    rg_m, es_m = statistics.median(rg_times), statistics.median(es_times)
    rgz_m, rgzc = statistics.median(rgz_times), statistics.median(rgz_cpu)
    rate, _ = re_scan(corpus, terms, args.re_budget)
    re_est = size / 1e6 / rate
    print()
    rgc, esc = statistics.median(rg_cpu), statistics.median(es_cpu)
    print(
        f"CPU seconds (all processes): ripgrep {rgc:.1f}, ripgrep -z {rgzc:.1f}, "
        f"ethicscan {esc:.1f}, ratio {esc / rgc:.2f} ({esc / rgzc:.2f} to -z)"
    )
    print(f"{'tool':<28}{'median s':>10}{'MB/s':>10}{'x ripgrep':>11}")
    print(f"{'ripgrep -F -i (terms file)':<28}{rg_m:>10.2f}{size / 1e6 / rg_m:>10.0f}{1:>11.2f}")
    z_row = f"{'ripgrep -z (compressed too)':<28}{rgz_m:>10.2f}{size / 1e6 / rgz_m:>10.0f}"
    print(f"{z_row}{rgz_m / rg_m:>11.2f}")
    print(f"{'ethicscan':<28}{es_m:>10.2f}{size / 1e6 / es_m:>10.0f}{es_m / rg_m:>11.2f}")
    print(f"ethicscan / ripgrep -z: {es_m / rgz_m:.2f} (both read inside compressed files)")
    print(f"{'python re (1 process, est.)':<28}{re_est:>10.1f}{rate:>10.1f}{re_est / rg_m:>11.1f}")
    print(
        f"ethicscan: {len(doc['findings'])} findings, {len(doc['skipped'])} skipped, "
        f"{doc['stats']['files']:,} texts; peak of the process tree: "
        f"RSS {max(peaks) / 1e6:.0f} MB, PSS {max(psss) / 1e6:.0f} MB"
    )
    figures.update(
        ripgrep_s=rg_m,
        ethicscan_s=es_m,
        ratio=es_m / rg_m,
        ripgrep_z_s=rgz_m,
        ratio_z=es_m / rgz_m,
        ripgrep_z_cpu_s=rgzc,
        re_mb_s=rate,
        peak_rss=max(peaks),
        peak_pss=max(psss),
        ripgrep_cpu_s=rgc,
        ethicscan_cpu_s=esc,
        findings=len(doc["findings"]),
    )

    print("\nscaling (ethicscan, one round each, peaks of the process tree):")
    print(f"{'fraction':>9}{'GB':>8}{'s':>8}{'MB/s':>8}{'RSS MB':>8}{'PSS MB':>8}{'rg s':>8}")
    curve = []
    for frac in [float(x) for x in args.sizes.split(",")]:
        roots = subset(tops, frac) if frac < 1 else [corpus]
        sz = size if frac >= 1 else sum(tree_size(t)[1] for t in roots)
        t_es, peak, _ = time_cmd(es_cmd(roots, args.jobs, out), measure_rss=True)
        t_rg, _, _ = time_cmd(rg_cmd(roots, tfile, args.jobs))
        pss = PSS["last"]
        curve.append(
            {"fraction": frac, "bytes": sz, "seconds": t_es, "rss": peak, "pss": pss, "rg": t_rg}
        )
        print(
            f"{frac:>9.2f}{sz / 1e9:>8.2f}{t_es:>8.2f}{sz / 1e6 / t_es:>8.0f}"
            f"{peak / 1e6:>8.0f}{pss / 1e6:>8.0f}{t_rg:>8.2f}"
        )
    figures["curve"] = curve
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
