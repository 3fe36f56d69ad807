"""Corpus-scale speed and memory: ethicscan against ripgrep (and a plain Python ``re``
scan), on two corpora of real registry packages, in the same run.

    python bench/throughput.py [--corpus plain|dense|both] [--rounds 3] [--jobs N]
                               [--stages] [--sizes 0.25,0.5,1] [--copies N] [--json F]

The corpora:

- **plain** (PACKAGES below): popular Python and JavaScript packages, JSON data,
  type declarations, documentation: 1.13 GB unpacked (97,658 files), few findings.
  Obtained with ``pip download --no-deps`` and ``npm pack``; ``--copies`` adds
  hard-linked copies.
- **dense** (``bench/dense.txt``): where findings and binaries are: face-analysis
  SDKs with native libraries and model files, cloud face SDKs with generated models,
  name-ethnicity tables, Chinese NLP data, Java archives and Android packages.
  Obtained with ethicscan's own package targets (``pypi:``, ``npm:``, ``deb:``: pip,
  npm, apt-get) and unpacked (``.deb`` with ``dpkg-deb -x``).

Both go to a cache outside the repository ($ETHICSCAN_BENCH_CACHE, default
``~/.cache/ethicscan/throughput``), unpacked once.

For each corpus, after a warm-up, ``--rounds`` rounds alternate (so that a shared
machine's load falls on all alike) and the medians are printed:

- ``rg -uu -a -z -F -i -c -f terms`` (Debian's ripgrep; the reference: every file,
  binaries as text, inside gzip/bzip2/xz/zstd files as ethicscan reads them) with
  the catalogue's term spellings as a pattern file, and ``rg -uu -F -i`` (text files
  only, for the earlier figures);
- ``ethicscan scan --jobs N`` (N = cores), JSON to a file, with the peak resident
  memory of its whole process tree (parent and pool workers, summed; and PSS).

``--stages`` then profiles one ethicscan process over each corpus (bench/_stages.py:
cProfile grouped by module into walk, read/inflate, prefilter, strings, extract,
classify, report): nothing is timed inside ethicscan itself.  ``--sizes`` prints
the scaling curve of the plain corpus; ``--re-budget S`` adds a plain Python ``re``
alternation of the terms (one process, S seconds, extrapolated).

Nothing here is a test; figures go to stdout (``--json`` for a machine-readable
copy).  Floors: ethicscan at most 2.0x the reference ripgrep's wall time on the
dense corpus and 1.5x on the plain one; peak RSS of the process tree under 300 MB.
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
    ("pypi", "plotly", "7.1.0"),
    ("pypi", "azure-mgmt-network", "33.1.0"),
    ("npm", "@mui/icons-material", "9.6.0"),
    ("pypi", "google-cloud-aiplatform", "2.7.0"),
    ("pypi", "kubernetes", "37.0.3"),
    ("npm", "@tensorflow/tfjs-core", "4.22.0"),
    ("pypi", "google-api-python-client", "2.202.0"),
)
DENSE_LIST = REPO / "bench" / "dense.txt"
FLOORS = {"plain": 1.5, "dense": 2.0}  # x the reference ripgrep's wall time
RSS_FLOOR = 300e6


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
    """The plain corpus's root and its top-level package folders (copies included)."""
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
    if copies == 0:
        return corpus / "copy0", tops
    return corpus, tops


def dense_targets(listing: Path = DENSE_LIST) -> list[str]:
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [t.strip() for t in lines if t.strip() and not t.lstrip().startswith("#")]


def build_dense() -> tuple[Path, list[Path]]:
    """The dense corpus: each target of bench/dense.txt fetched by ethicscan's own
    package targets into the bench cache and unpacked under ``dense/``."""
    from ethicscan.sources.packages import fetch, parse_target

    cache = cache_dir()
    root = cache / "dense"
    root.mkdir(parents=True, exist_ok=True)
    tops = []
    for target in dense_targets():
        spec = parse_target(target)
        if not spec.pinned:
            raise SystemExit(f"bench/dense.txt: {target} is not pinned to a version")
        got = fetch(spec, cache / "packages", notify=lambda line: print(line, file=sys.stderr))
        if got.error or not got.path:
            raise SystemExit(f"cannot obtain {target}: {got.error}")
        artefact = Path(got.path)
        folder = root / artefact.name
        if artefact.suffix == ".deb":
            unpack_deb(artefact, folder)
        else:
            unpack(artefact, folder)
        tops.append(folder)
    return root, tops


def unpack_deb(artefact: Path, into: Path) -> None:
    if into.exists():
        return
    tmp = into.with_suffix(".part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    subprocess.run(["dpkg-deb", "-x", str(artefact), str(tmp)], check=True, timeout=600)
    tmp.rename(into)


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


def time_cmd(
    cmd: list[str], measure_rss: bool = False, src: Path | None = None
) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the process tree, stdout; CPU seconds of the tree go
    to CPU[cmd[0]] (steadier than wall time on a shared machine).  ``src``: run
    ethicscan from that source folder (an A/B baseline) instead of this one's."""
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
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
    """ripgrep with the term list.  ``z``: the reference, which reads what ethicscan
    reads: every file (``-uu``), binaries as text (``-a``) and inside gzip, bzip2, xz
    and zstd files (``-z``, through their decompressors)."""
    flags = ["-a", "-z"] if z else []
    return [
        "rg", "-uu", *flags, "-F", "-i", "-c", "-j", str(jobs), "-f", str(terms),
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


def measure(
    label: str, root: Path, tops: list[Path], tfile: Path, args: argparse.Namespace
) -> dict[str, object]:
    """Alternating rounds of the reference ripgrep, plain ripgrep and ethicscan over
    ``root``; medians, ratios and memory peaks."""
    work = cache_dir() / "run"
    files, size = tree_size(root)
    print(f"\n== {label} corpus: {len(tops)} packages, {files:,} files, {size / 1e9:.2f} GB")
    time_cmd(es_cmd([min(tops, key=lambda t: tree_size(t)[1])], args.jobs, work / "warm.json"))
    time_cmd(rg_cmd([root], tfile, args.jobs))  # the page cache, for both tools
    time_cmd(rg_cmd([root], tfile, args.jobs, z=True))
    out = work / f"{label}.json"
    keys = ("rgz", "rgz_cpu", "rg", "rg_cpu", "es", "es_cpu", "base", "base_cpu")
    rows: dict[str, list[float]] = {k: [] for k in keys}
    peaks: list[int] = []
    psss: list[int] = []
    base_peaks: list[int] = []
    base_psss: list[int] = []
    for r in range(args.rounds):
        t_rgz, _, _ = time_cmd(rg_cmd([root], tfile, args.jobs, z=True))
        rows["rgz"].append(t_rgz)
        rows["rgz_cpu"].append(CPU["rg"])
        t_es, peak, _ = time_cmd(es_cmd([root], args.jobs, out), measure_rss=True)
        rows["es"].append(t_es)
        rows["es_cpu"].append(CPU[sys.executable])
        peaks.append(peak)
        psss.append(PSS["last"])
        t_rg, _, _ = time_cmd(rg_cmd([root], tfile, args.jobs))
        rows["rg"].append(t_rg)
        rows["rg_cpu"].append(CPU["rg"])
        if args.baseline:
            t_b, b_peak, _ = time_cmd(
                es_cmd([root], args.jobs, work / "base.json"), measure_rss=True, src=args.baseline
            )
            rows["base"].append(t_b)
            rows["base_cpu"].append(CPU[sys.executable])
            base_peaks.append(b_peak)
            base_psss.append(PSS["last"])
            print(
                f"round {r + 1}: baseline {t_b:.2f} s ({CPU[sys.executable]:.1f} CPU s, "
                f"RSS {b_peak / 1e6:.0f} MB, PSS {PSS['last'] / 1e6:.0f} MB)"
            )
        print(
            f"round {r + 1}: ripgrep -a -z {t_rgz:.2f} s ({rows['rgz_cpu'][-1]:.1f} CPU s), "
            f"ethicscan {t_es:.2f} s ({rows['es_cpu'][-1]:.1f} CPU s, RSS {peak / 1e6:.0f} MB, "
            f"PSS {psss[-1] / 1e6:.0f} MB), ripgrep {t_rg:.2f} s; "
            f"x ripgrep -a -z: {t_es / t_rgz:.2f}"
        )
    med = {k: statistics.median(v) for k, v in rows.items() if v}
    doc = json.loads(out.read_text(encoding="utf-8"))
    ratio = med["es"] / med["rgz"]
    floor = FLOORS[label]
    print(f"{'tool':<34}{'median s':>10}{'CPU s':>8}{'MB/s':>8}{'x ref':>8}")
    for name, k in (
        ("ripgrep -uu -a -z (reference)", "rgz"),
        ("ripgrep -uu (text files)", "rg"),
        ("ethicscan", "es"),
        ("ethicscan, baseline (--baseline)", "base"),
    ):
        if k not in med:
            continue
        print(
            f"{name:<34}{med[k]:>10.2f}{med[k + '_cpu']:>8.1f}{size / 1e6 / med[k]:>8.0f}"
            f"{med[k] / med['rgz']:>8.2f}"
        )
    print(
        f"ethicscan: {len(doc['findings'])} findings, {len(doc['skipped'])} skipped, "
        f"{doc['stats']['files']:,} texts; peak of the process tree: "
        f"RSS {max(peaks) / 1e6:.0f} MB, PSS {max(psss) / 1e6:.0f} MB"
    )
    ok_t, ok_m = ratio <= floor, max(peaks) <= RSS_FLOOR
    print(
        f"floor: {ratio:.2f}x the reference ripgrep (at most {floor}x): "
        f"{'met' if ok_t else 'NOT met'}; peak RSS {max(peaks) / 1e6:.0f} MB (at most "
        f"{RSS_FLOOR / 1e6:.0f} MB): {'met' if ok_m else 'NOT met'}"
    )
    figures: dict[str, object] = {
        "files": files,
        "bytes": size,
        "rounds": {k: v for k, v in rows.items()},
        "medians": med,
        "ratio": ratio,
        "ratio_cpu": med["es_cpu"] / med["rgz_cpu"],
        "peak_rss": max(peaks),
        "peak_pss": max(psss),
        "findings": len(doc["findings"]),
        "skipped": len(doc["skipped"]),
        "floor_met": ok_t and ok_m,
    }
    if args.baseline:
        print(
            f"baseline: peak of the process tree: RSS {max(base_peaks) / 1e6:.0f} MB, "
            f"PSS {max(base_psss) / 1e6:.0f} MB"
        )
        figures["base_peak_rss"] = max(base_peaks)
        figures["base_peak_pss"] = max(base_psss)
        base = json.loads((work / "base.json").read_text(encoding="utf-8"))
        figures["identical"] = same = same_results(doc, base)
        print(f"results of the last round against the baseline: {same}")
    if args.re_budget > 0:
        rate, _ = re_scan(root, terms_file(work / "terms.txt")[1], args.re_budget)
        print(f"python re (1 process, est.): {size / 1e6 / rate:.1f} s, {rate:.1f} MB/s")
        figures["re_mb_s"] = rate
    if args.stages:
        from _stages import print_stages, profile_scan

        cpu, by_stage, _st = profile_scan([str(t) for t in tops])
        print_stages(cpu, by_stage)
        figures["stages"] = by_stage
    return figures


def same_results(doc: dict, base: dict) -> str:
    """Whether two scans' reports hold the same findings, skipped entries and texts,
    entry for entry (what is compared, or the first difference)."""
    for key in ("findings", "skipped"):
        a, b = doc[key], base[key]
        if a != b:
            first = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            return f"DIFFERENT {key}: {len(a)} against {len(b)}, first at {first}"
    if doc["stats"]["files"] != base["stats"]["files"]:
        return f"DIFFERENT texts: {doc['stats']['files']} against {base['stats']['files']}"
    return (
        f"identical ({len(doc['findings'])} findings, {len(doc['skipped'])} skipped, "
        f"{doc['stats']['files']:,} texts)"
    )


def curve(tops: list[Path], root: Path, tfile: Path, args: argparse.Namespace) -> list[dict]:
    out = cache_dir() / "run" / "curve.json"
    size = tree_size(root)[1]
    print("\nscaling (plain corpus, ethicscan, one round each, peaks of the process tree):")
    print(f"{'fraction':>9}{'GB':>8}{'s':>8}{'MB/s':>8}{'RSS MB':>8}{'PSS MB':>8}{'rg s':>8}")
    points = []
    for frac in [float(x) for x in args.sizes.split(",")]:
        roots = subset(tops, frac) if frac < 1 else [root]
        sz = size if frac >= 1 else sum(tree_size(t)[1] for t in roots)
        t_es, peak, _ = time_cmd(es_cmd(roots, args.jobs, out), measure_rss=True)
        t_rg, _, _ = time_cmd(rg_cmd(roots, tfile, args.jobs, z=True))
        pss = PSS["last"]
        points.append(
            {"fraction": frac, "bytes": sz, "seconds": t_es, "rss": peak, "pss": pss, "rg": t_rg}
        )
        print(
            f"{frac:>9.2f}{sz / 1e9:>8.2f}{t_es:>8.2f}{sz / 1e6 / t_es:>8.0f}"
            f"{peak / 1e6:>8.0f}{pss / 1e6:>8.0f}{t_rg:>8.2f}"
        )
    return points


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=("plain", "dense", "both"), default="both")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--copies", type=int, default=0, help="hard-linked copies of the plain set")
    ap.add_argument("--sizes", default="", help="plain corpus fractions for a curve: 0.25,0.5,1")
    ap.add_argument("--stages", action="store_true", help="CPU per stage (cProfile, 1 process)")
    ap.add_argument("--re-budget", type=float, default=0.0, help="seconds for a re scan")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--baseline", type=Path, help="also time ethicscan from this src/ folder, alternating"
    )
    args = ap.parse_args()
    if not shutil.which("rg"):
        print("ripgrep is needed: apt-get install ripgrep", file=sys.stderr)
        return 2
    work = cache_dir() / "run"
    work.mkdir(parents=True, exist_ok=True)
    tfile, terms = terms_file(work / "terms.txt")
    print(f"machine: {os.cpu_count()} cores, {args.jobs} jobs; Python {sys.version.split()[0]}")
    rg_ver = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout
    print(f"ripgrep: {rg_ver.splitlines()[0]}; {len(terms)} term spellings")

    # As installed: bytecode compiled (pip does that on install; this checkout may run
    # with PYTHONDONTWRITEBYTECODE) and the prefilter's databases kept by a first scan.
    import ethicscan

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(ethicscan.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    figures: dict[str, object] = {"jobs": args.jobs, "cores": os.cpu_count()}
    met = True
    if args.corpus in ("plain", "both"):
        root, tops = build_corpus(args.copies)
        figures["plain"] = fig = measure("plain", root, tops, tfile, args)
        met = met and bool(fig["floor_met"])
        if args.sizes:
            figures["curve"] = curve(tops, root, tfile, args)
    if args.corpus in ("dense", "both"):
        root, tops = build_dense()
        figures["dense"] = fig = measure("dense", root, tops, tfile, args)
        met = met and bool(fig["floor_met"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nall floors {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
