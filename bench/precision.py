"""Precision, capability accuracy and calibration of ethicscan on real packages.

The corpus is ``bench/corpus/packages.txt``: real PyPI, npm and Debian packages pinned to
a version, fetched at bench time by ethicscan's own package targets (never committed),
and public git repositories pinned to a commit (``git:OWNER/NAME==COMMIT``), read from a
local clone under ``--git-mirror`` (``$ETHICSCAN_BENCH_GIT_MIRROR``): the tree at that
commit is written to a tar file in the cache once and scanned as an archive.
Each package is in the tuning part or the held-out part, decided by a hash of its
ecosystem and name, so the split is fixed before any tuning and never moves.

Findings are judged by hand (two independent judgments, a third where they differ) and
kept as labels only, in ``bench/corpus/labels.jsonl``: package, path, line, term,
verdict, the right capability and the judges' note; never the third-party text.

A package with many findings is judged on a sample: a finding is in the sample when the
hash of its key (package, path, line, term) falls below the package's rate, kept in
``bench/corpus/sampling.json``.  The sample is drawn from the key alone, so for any
version of the classifier the judged findings are a uniform sample of what it reports;
each counts with weight 1/rate.  Findings in the sample that no label covers yet are
reported as unjudged (``export`` writes them out for judging).

    python bench/precision.py                  # figures on both parts
    python bench/precision.py --part held-out  # one part
    python bench/precision.py export DIR       # unjudged findings in the sample, with context
    python bench/precision.py merge DIR...     # judges' files -> labels.jsonl
    python bench/precision.py fit              # calibration table from the tuning part
    python bench/precision.py --from-dump F    # figures from an earlier --dump F, no scan
    python bench/precision.py cv               # fit's calibration error on unseen packages

Run ``python bench/precision.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "bench" / "corpus"
PACKAGES = CORPUS / "packages.txt"
LABELS = CORPUS / "labels.jsonl"
SAMPLING = CORPUS / "sampling.json"
CALIBRATION = REPO / "src" / "ethicscan" / "rules" / "data" / "calibration.yml"
HELD_OUT_PERCENT = 40
PER_PACKAGE = 30  # findings judged per package at most (the rate is set from this)
CONTEXT = 6  # lines each side given to a judge
CAPABILITIES = ("targeting", "inference", "search", "record", "mention")
SERIOUS = ("critical", "high")
BANDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)

sys.path.insert(0, str(REPO / "src"))


@dataclass(frozen=True, slots=True)
class Package:
    ecosystem: str
    name: str
    version: str
    category: str

    @property
    def id(self) -> str:
        return f"{self.ecosystem}:{self.name}=={self.version}"

    @property
    def target(self) -> str:
        """The ethicscan target that fetches it (a registry package)."""
        if self.ecosystem == "git":
            raise ValueError(f"{self.id} is read from a clone: see local()")
        sep = {"pypi": "==", "npm": "@", "deb": "="}[self.ecosystem]
        return f"{self.ecosystem}:{self.name}{sep}{self.version}"

    def local(self, cache: str | None, mirror: str | None) -> Path:
        """A repository's tree at its commit as a tar file in the cache, made once from
        the clone under ``mirror``: the scan reads it as a user's archive."""
        if self.ecosystem != "git":
            raise ValueError(f"{self.id} is fetched by ethicscan, not read from a clone")
        root = Path(cache or Path.home() / ".cache" / "ethicscan") / "git"
        out = root / f"{self.name.replace('/', '+')}-{self.version[:12]}.tar"
        if out.exists():
            return out
        git_dir = find_clone(self.name, self.version, mirror)
        root.mkdir(parents=True, exist_ok=True)
        part = out.with_suffix(".part")
        missing = tree_to_tar(git_dir, self.version, part)
        if missing:
            print(f"  {self.id}: {len(missing)} blobs not in the clone, left out", file=sys.stderr)
        part.replace(out)
        return out

    @property
    def part(self) -> str:
        return split_of(self.ecosystem, self.name)


def tree_to_tar(git_dir: Path, commit: str, out: Path) -> list[str]:
    """The files of ``commit``'s tree written to the tar file ``out``; the paths whose
    blobs the clone lacks (a partial or size-capped mirror) are left out and returned."""
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    entries = []
    for raw in filter(None, listing):
        meta, _, path = raw.partition(b"\t")
        mode, kind, oid = meta.split()
        if kind == b"blob":
            entries.append((mode, oid, path.decode("utf-8", "surrogateescape")))
    missing: list[str] = []
    with (
        subprocess.Popen(
            ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        ) as cat,
        tarfile.open(out, "w") as tar,
    ):
        assert cat.stdin is not None and cat.stdout is not None
        for mode, oid, path in entries:
            cat.stdin.write(oid + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline().split()
            if header[-1] == b"missing":
                missing.append(path)
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)  # the newline after each object
            info = tarfile.TarInfo(path)
            if mode == b"120000":
                info.type, info.linkname = tarfile.SYMTYPE, data.decode("utf-8", "replace")
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
        cat.stdin.close()
    return missing


def find_clone(name: str, commit: str, mirror: str | None) -> Path:
    """The git folder under ``mirror`` that holds ``commit`` of ``OWNER/NAME``: a clone
    at ``mirror/OWNER+NAME`` or ``mirror/OWNER/NAME`` (bare or not, or one level below)."""
    if not mirror:
        raise SystemExit(f"git:{name}: give --git-mirror DIR (or $ETHICSCAN_BENCH_GIT_MIRROR)")
    owner, _, repo = name.partition("/")
    bases = [Path(mirror) / f"{owner}+{repo}", Path(mirror) / owner / repo]
    bases.append(Path(mirror) / owner / f"{repo}.git")
    candidates = [b for b in bases if b.is_dir()]
    candidates += [c for b in list(candidates) for c in sorted(b.iterdir()) if c.is_dir()]
    for c in candidates:
        got = subprocess.run(
            [
                "git",
                f"--git-dir={c / '.git' if (c / '.git').is_dir() else c}",
                "cat-file",
                "-e",
                f"{commit}^{{commit}}",
            ],
            capture_output=True,
        )
        if got.returncode == 0:
            return c / ".git" if (c / ".git").is_dir() else c
    raise SystemExit(f"git:{name}: no clone under {mirror} holds commit {commit}")


def split_of(ecosystem: str, name: str) -> str:
    """``held-out`` or ``tune``: by package, from a hash of its ecosystem and name (not its
    version, so a new version stays on its side)."""
    h = int(hashlib.sha256(f"split\x1f{ecosystem}:{name.lower()}".encode()).hexdigest()[:8], 16)
    return "held-out" if h % 100 < HELD_OUT_PERCENT else "tune"


def load_packages(path: Path = PACKAGES) -> list[Package]:
    out: list[Package] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *rest = line.split()
        eco, _, nv = spec.partition(":")
        name, _, version = nv.rpartition("==")
        if eco not in ("pypi", "npm", "deb", "git") or not name or not version:
            raise SystemExit(f"{path}: not ECOSYSTEM:NAME==VERSION: {raw!r}")
        pkg = Package(eco, name, version, rest[0] if rest else "other")
        if any(p.id == pkg.id for p in out):
            raise SystemExit(f"{path}: {pkg.id} is listed twice (it would count twice)")
        out.append(pkg)
    return out


Key = tuple[str, str, int, str]  # package id, path, line, term (lower case)


def key_hash(key: Key) -> float:
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()
    return int(digest[:12], 16) / float(1 << 48)


@dataclass(frozen=True, slots=True)
class Found:
    """One finding of the current ethicscan, reduced to what scoring needs."""

    key: Key
    capability: str
    severity: str
    confidence: float
    score: float
    trait: str
    rule: str
    signals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Label:
    key: Key
    verdict: bool
    capability: str  # the right capability, for a true finding
    note: str = ""


def key_of(d: dict[str, Any]) -> Key:
    """The key of a finding a JSON object names (package, path, line, term): a label's,
    an item's to judge, a line of ``export --again``'s file."""
    return (d["package"], d["path"], int(d["line"]), d["term"].lower())


def load_labels(path: Path = LABELS) -> dict[Key, Label]:
    out: dict[Key, Label] = {}
    if not path.exists():
        return out
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        d = json.loads(raw)
        key = key_of(d)
        out[key] = Label(key, d["verdict"] == "true", d.get("capability", ""), d.get("note", ""))
    return out


def load_rates(path: Path = SAMPLING) -> dict[str, float]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# -- scanning ----------------------------------------------------------------------------


def scan_package(
    pkg: Package, cache: str | None, jobs: int, mirror: str | None = None
) -> list[Found] | str:
    """The findings of ethicscan on one package, or the reason it could not be scanned."""
    import ethicscan

    opts = ethicscan.ScanOptions(jobs=jobs, package_cache=cache)
    target = str(pkg.local(cache, mirror)) if pkg.ecosystem == "git" else pkg.target
    result = ethicscan.scan([target], opts)
    failed = [s for s in result.skipped if s.reason.value == "fetch_failed"]
    if failed:
        return failed[0].detail
    out = []
    for f in result.findings:
        out.append(
            Found(
                key=(pkg.id, f.location.path, f.location.line, f.evidence.term.lower()),
                capability=f.capability.value,
                severity=f.severity.value,
                confidence=f.confidence,
                score=getattr(f, "score", f.confidence),
                trait=f.trait.value,
                rule=f.rule,
                signals=tuple(s.name for s in f.signals),
            )
        )
    return out


def scan_all(
    pkgs: Sequence[Package], args: argparse.Namespace
) -> Iterator[tuple[Package, list[Found] | str]]:
    if getattr(args, "from_dump", None):
        yield from read_dump(pkgs, Path(args.from_dump))
        return
    for i, pkg in enumerate(pkgs, 1):
        print(f"[{i}/{len(pkgs)}] {pkg.id}", file=sys.stderr, flush=True)
        yield pkg, scan_package(pkg, args.cache, args.jobs, args.git_mirror)


def read_dump(pkgs: Sequence[Package], path: Path) -> Iterator[tuple[Package, list[Found]]]:
    """The findings a ``--dump`` file holds, instead of a scan: figures and ``fit`` in
    seconds for a classifier already run.  Each confidence is read again from the
    calibration table as it is now, so a refit shows its calibration error at once."""
    import yaml

    from ethicscan.rules.catalogue import Calibration

    table = Calibration.of(yaml.safe_load(CALIBRATION.read_text(encoding="utf-8")) or {})
    by_package: dict[str, list[Found]] = defaultdict(list)
    for raw in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        key: Key = (row["package"], row["path"], row["line"], row["term"])
        by_package[row["package"]].append(
            Found(
                key=key,
                capability=row["capability"],
                severity=row["severity"],
                confidence=table.confidence(row["score"], row["capability"]),
                score=row["score"],
                trait=row["trait"],
                rule=row["rule"],
                signals=tuple(row["signals"]),
            )
        )
    for pkg in pkgs:
        yield pkg, by_package.get(pkg.id, [])


# -- figures -----------------------------------------------------------------------------


@dataclass
class Tally:
    """Weighted counts: judged findings, true ones, and true ones with the right capability."""

    judged: float = 0.0
    true: float = 0.0
    right: float = 0.0
    n: int = 0

    def add(self, w: float, label: Label, capability: str) -> None:
        self.judged += w
        self.n += 1
        if label.verdict:
            self.true += w
            self.right += w * (label.capability == capability)

    def precision(self) -> str:
        return f"{100 * self.true / self.judged:5.1f}% (n={self.n})" if self.n else "   -"

    def capability(self) -> str:
        return f"{100 * self.right / self.true:5.1f}%" if self.true else "   -"


@dataclass
class PartFigures:
    packages: int = 0
    failed: list[str] = field(default_factory=list)
    findings: int = 0
    in_sample: int = 0
    unjudged: int = 0
    overall: Tally = field(default_factory=Tally)
    serious: Tally = field(default_factory=Tally)
    by_capability: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    # true findings by the capability judged: (found with the right capability, all)
    by_judged: dict[str, list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0])
    )
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    serious_by_package: Counter[str] = field(default_factory=Counter)
    true_labels: int = 0
    true_kept: int = 0
    points: list[tuple[float, bool, float]] = field(default_factory=list)  # conf, true, w
    scores: list[float] = field(default_factory=list)  # the evidence score of each point
    capabilities: list[str] = field(default_factory=list)  # the capability of each point
    packages_of: list[str] = field(default_factory=list)  # the package of each point
    wrong: list[tuple[Found, Label]] = field(default_factory=list)


def figures(
    scanned: Iterable[tuple[Package, list[Found] | str]],
    labels: dict[Key, Label],
    rates: dict[str, float],
) -> dict[str, PartFigures]:
    parts: dict[str, PartFigures] = defaultdict(PartFigures)
    by_pkg: dict[str, list[Label]] = defaultdict(list)
    for lab in labels.values():
        by_pkg[lab.key[0]].append(lab)
    for pkg, found in scanned:
        fig = parts[pkg.part]
        fig.packages += 1
        if isinstance(found, str):
            fig.failed.append(f"{pkg.id}: {found}")
            continue
        fig.findings += len(found)
        rate = rates.get(pkg.id, 1.0)
        reported = {f.key for f in found}
        for lab in by_pkg.get(pkg.id, ()):
            if lab.verdict:
                fig.true_labels += 1
                fig.true_kept += lab.key in reported
        for f in found:
            if f.severity in SERIOUS:
                fig.serious_by_package[pkg.id] += 1
            if key_hash(f.key) >= rate:
                continue
            fig.in_sample += 1
            lab = labels.get(f.key)
            if lab is None:
                fig.unjudged += 1
                continue
            w = 1.0 / rate
            fig.overall.add(w, lab, f.capability)
            fig.by_capability[f.capability].add(w, lab, f.capability)
            if lab.verdict:
                judged = fig.by_judged[lab.capability]
                judged[0] += w * (lab.capability == f.capability)
                judged[1] += w
            fig.by_category[pkg.category].add(w, lab, f.capability)
            if f.severity in SERIOUS:
                fig.serious.add(w, lab, f.capability)
            fig.points.append((f.confidence, lab.verdict, w))
            fig.scores.append(f.score)
            fig.capabilities.append(f.capability)
            fig.packages_of.append(pkg.id)
            if not lab.verdict or lab.capability != f.capability:
                fig.wrong.append((f, lab))
    return parts


def reliability(points: Sequence[tuple[float, bool, float]]) -> tuple[list[str], float]:
    """Rows of the reliability table (band, findings, mean confidence, observed
    precision) and the expected calibration error (weighted)."""
    rows = []
    total = sum(w for _, _, w in points) or 1.0
    ece = 0.0
    for lo, hi in itertools.pairwise(BANDS):
        inside = [(c, t, w) for c, t, w in points if lo <= c < hi]
        if not inside:
            continue
        wsum = sum(w for _, _, w in inside)
        conf = sum(c * w for c, _, w in inside) / wsum
        obs = sum(w for _, t, w in inside if t) / wsum
        ece += wsum / total * abs(conf - obs)
        rows.append(f"  {lo:.1f}-{min(hi, 1.0):.1f}  {len(inside):5d}  {conf:5.2f}  {obs:5.2f}")
    return rows, ece


def print_part(name: str, fig: PartFigures, verbose: bool) -> None:
    print(f"== {name}: {fig.packages} packages, {fig.findings} findings, {fig.in_sample} in the")
    print(f"   judged sample ({fig.unjudged} not judged yet)")
    for failed in fig.failed:
        print(f"   not scanned: {failed}")
    print(f"precision, all findings:      {fig.overall.precision()}")
    print(f"precision, high+critical:     {fig.serious.precision()}")
    print(f"right capability (true ones): {fig.overall.capability()}")
    print(f"right capability, high+crit.: {fig.serious.capability()}")
    kept = f"{fig.true_kept}/{fig.true_labels}" if fig.true_labels else "-"
    print(f"true labelled findings still reported: {kept}")
    print("per capability reported:")
    for cap in CAPABILITIES:
        t = fig.by_capability.get(cap)
        if t:
            print(f"  {cap:10s} precision {t.precision()}  right capability {t.capability()}")
    print("per capability judged (true findings of it that are reported with it):")
    for cap in CAPABILITIES:
        right, total = fig.by_judged.get(cap, (0.0, 0.0))
        if total:
            print(f"  {cap:10s} right capability {100 * right / total:5.1f}% (weight {total:.0f})")
    print("per category:")
    for cat, t in sorted(fig.by_category.items()):
        print(f"  {cat:22s} precision {t.precision()}  right capability {t.capability()}")
    rows, ece = reliability(fig.points)
    print("reliability (band, judged, mean confidence, observed precision):")
    print("\n".join(rows))
    print(f"expected calibration error: {ece:.3f}")
    if verbose:
        for f, lab in sorted(fig.wrong, key=lambda fl: fl[0].key):
            what = "FALSE" if not lab.verdict else f"cap {lab.capability}"
            print(
                f"  {what:14s} {f.capability}/{f.severity} {f.confidence:.2f} "
                f"{f.key[0]} {f.key[1]}:{f.key[2]} {f.key[3]!r} [{', '.join(f.signals)}]"
                f"  -- {lab.note}"
            )


# -- export, merge, fit ------------------------------------------------------------------


def export(pkgs: Sequence[Package], args: argparse.Namespace) -> int:
    """Write the unjudged findings of the sample, with their context lines, for judges.
    A package not yet in ``sampling.json`` gets its rate from its findings now."""
    labels = load_labels()
    rates = load_rates()
    again = _keys_of(args.again) if args.again else set()
    out_dir = Path(args.dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items: list[dict[str, Any]] = []
    for pkg, found in scan_all(pkgs, args):
        if isinstance(found, str):
            print(f"  not scanned: {found}", file=sys.stderr)
            continue
        # a new package gets its rate from its findings now; --per-package N raises the
        # rate of a package whose sample is smaller than N (never lowers one: the
        # findings judged before stay in the sample)
        want_rate = min(1.0, args.per_package / len(found)) if found else 1.0
        rates[pkg.id] = max(rates.get(pkg.id, 0.0), want_rate)
        rate = rates[pkg.id]
        want = [
            f for f in found if f.key in again or (key_hash(f.key) < rate and f.key not in labels)
        ]
        if want:
            items.extend(_with_context(pkg, want, args))
    SAMPLING.write_text(json.dumps(rates, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for n, i in enumerate(items):
        i["id"] = n
    with (out_dir / "items.jsonl").open("w", encoding="utf-8") as fh:
        for i in items:
            fh.write(json.dumps(i, ensure_ascii=False) + "\n")
    print(f"{len(items)} findings to judge in {out_dir / 'items.jsonl'}")
    return 0


def _keys_of(path: str) -> set[Key]:
    """The findings a file names (JSON lines with package, path, line and term): labelled
    findings to judge again, after the judging rules were made clearer for their kind."""
    out: set[Key] = set()
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if raw.strip():
            d = json.loads(raw)
            out.add(key_of(d))
    return out


def _with_context(
    pkg: Package, found: list[Found], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Each finding with the lines around it, read from the text ethicscan classified."""
    texts = _unit_texts(pkg, {f.key[1] for f in found}, args.cache, args.git_mirror)
    out = []
    for f in found:
        _, path, line, term = f.key
        ctx: list[str] = []
        units = [(b, ls) for b, ls in texts.get(path, ()) if b < line <= b + len(ls)]
        # a document's lines count within its page: the page whose line holds the term
        units.sort(key=lambda u: term.lower() not in u[1][line - u[0] - 1].lower())
        for base, lines in units:
            lo, hi = max(base + 1, line - CONTEXT), min(base + len(lines), line + CONTEXT)
            for n in range(lo, hi + 1):
                text = lines[n - base - 1]
                if len(text) > 300:
                    text = text[:300] + " …"
                ctx.append(f"{'>>' if n == line else '  '}{n:6d}| {text}")
            break
        out.append(
            {
                "package": pkg.id,
                "category": pkg.category,
                "path": path,
                "line": line,
                "term": term,
                "trait": f.trait,
                "context": ctx,
                "tool": {"capability": f.capability, "severity": f.severity, "rule": f.rule},
            }
        )
    return out


def _unit_texts(
    pkg: Package, paths: set[str], cache: str | None, mirror: str | None
) -> dict[str, list[tuple[int, list[str]]]]:
    """The lines of each text ``paths`` names, as the scan read them: for a large text
    read in pieces, each piece with the lines before it."""
    from ethicscan.extract.explore import Budget, Explorer
    from ethicscan.extract.units import Blob, Limits, Scratch
    from ethicscan.sources import packages

    if pkg.ecosystem == "git":
        path = str(pkg.local(cache, mirror))
    else:
        spec = packages.parse_target(pkg.target)
        (got,) = packages.fetch_all([spec], Path(cache) if cache else None)
        if got.error:
            return {}
        path = got.path
    limits = Limits()
    scratch = Scratch()
    out: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    try:
        explorer = Explorer(limits, scratch, None)
        blob = Blob(os.path.getsize(path), path=path)
        for unit in explorer.explore(os.path.basename(path), blob, Budget(limits)):
            text = getattr(unit, "text", None)
            if text is None:
                continue
            base = unit.path
            if base not in paths:
                continue
            if isinstance(unit.segments, tuple) and unit.segments:
                # a finding's line counts within its segment (a PDF's page, a
                # workbook's sheet, a document's part): each is a text of its own
                for seg in unit.segments:
                    part = seg.text.replace("\r\n", "\n").replace("\r", "\n")
                    out[base].append((0, part.split("\n")))
                continue
            out[base].append((unit.line_base if unit.piece else 0, text.split("\n")))
    finally:
        scratch.close()
    return out


def isotonic(points: Sequence[tuple[float, bool, float]]) -> list[tuple[float, float]]:
    """Weighted isotonic regression (pool adjacent violators) of truth on score: the
    lowest score of each block and the block's smoothed share of true findings."""
    by_x: dict[float, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for x, y, w in points:
        by_x[x][0] += w * y
        by_x[x][1] += w

    # half a finding of each kind more: a block of a few findings says "likely", not
    # "always"; blocks are pooled on these smoothed shares, so the table still rises
    def share(b: list[float]) -> float:
        return (b[0] + 0.5) / (b[1] + 1.0)

    blocks: list[list[float]] = []  # [sum of w*y, sum of w, lowest score]
    for x in sorted(by_x):
        wy, w = by_x[x]
        blocks.append([wy, w, x])
        while len(blocks) > 1 and share(blocks[-2]) >= share(blocks[-1]):
            b = blocks.pop()
            blocks[-1][0] += b[0]
            blocks[-1][1] += b[1]
    return [(b[2], round(share(b), 3)) for b in blocks]


def fit(pkgs: Sequence[Package], args: argparse.Namespace) -> int:
    """The calibration table from the tuning part's judged findings, written to
    rules/data/calibration.yml: what ``confidence`` is in every report."""
    tune = [p for p in pkgs if p.part == "tune"]
    parts = figures(scan_all(tune, args), load_labels(), load_rates())
    fig = parts["tune"]
    rows = list(zip(fig.points, fig.scores, fig.capabilities, strict=True))
    raw = [(score, t, w) for (_, t, w), score, cap in rows if cap != "mention"]
    raw_mention = [(score, t, w) for (_, t, w), score, cap in rows if cap == "mention"]
    points, mention = isotonic(raw), isotonic(raw_mention)
    lines = [
        "# Written by `python bench/precision.py fit`; do not edit by hand.",
        "# From a finding's evidence score to the probability that it is true: isotonic",
        f"# regression over {len(rows)} judged findings of the labelled corpus's tuning part",
        f"# ({fig.packages} packages), one table for mentions ({len(raw_mention)} findings:",
        "# prose is judged true less often at the same evidence) and one for the other",
        f"# capabilities ({len(raw)}).  A score takes the probability of the highest point at",
        "# or below it.",
        "points:",
        *(f"  - [{s}, {p}]" for s, p in points),
        "mention:",
        *(f"  - [{s}, {p}]" for s, p in mention),
    ]
    CALIBRATION.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(points)} + {len(mention)} points from {len(rows)} judged findings")
    return 0


def cross_validate(pkgs: Sequence[Package], args: argparse.Namespace, folds: int = 5) -> int:
    """How well ``fit`` carries to packages it did not see: the tuning part split into
    ``folds`` by package, each fold's confidences read from tables fitted on the others,
    and the calibration error of all of them together."""
    tune = [p for p in pkgs if p.part == "tune"]
    fig = figures(scan_all(tune, args), load_labels(), load_rates())["tune"]
    rows = list(zip(fig.points, fig.scores, fig.capabilities, fig.packages_of, strict=True))

    def fold(pkg: str) -> int:
        return int(hashlib.sha256(f"fold\x1f{pkg}".encode()).hexdigest()[:8], 16) % folds

    out: list[tuple[float, bool, float]] = []
    for k in range(folds):
        train = [r for r in rows if fold(r[3]) != k]
        tables = {
            m: isotonic([(s, t, w) for (_, t, w), s, c, _ in train if (c == "mention") == m])
            for m in (True, False)
        }
        for (_, t, w), s, c, pkg in rows:
            if fold(pkg) == k:
                table = tables[c == "mention"]
                i = max(0, sum(1 for x, _ in table if x <= s) - 1)
                out.append((table[i][1] if table else s, t, w))
    _, ece = reliability(out)
    print(f"{folds}-fold cross-validation by package over the tuning part: ECE {ece:.3f}")
    return 0


def merge(dirs: Sequence[str]) -> int:
    """Judges' files (``judge-*.jsonl``: id, verdict, capability, note) over the items
    they judged: two agreeing judgments make a label; a third decides a disagreement."""
    labels = load_labels()
    added = 0
    disputed = 0
    for d in map(Path, dirs):
        items = {
            i["id"]: i
            for i in map(json.loads, (d / "items.jsonl").read_text(encoding="utf-8").splitlines())
        }
        votes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for jf in sorted(d.glob("judge-*.jsonl")):
            for raw in jf.read_text(encoding="utf-8").splitlines():
                if raw.strip():
                    v = json.loads(raw)
                    votes[int(v["id"])].append(v)
        for i, vs in votes.items():
            if i not in items:
                continue
            decided = _decide(vs)
            if decided is None:
                disputed += 1
                continue
            it = items[i]
            key = key_of(it)
            verdict, cap, note = decided
            labels[key] = Label(key, verdict, cap if verdict else "", note)
            added += 1
    _write_labels(labels)
    print(f"{added} labels merged, {disputed} items still need a third judgment")
    return 0


def _decide(votes: list[dict[str, Any]]) -> tuple[bool, str, str] | None:
    """The label that at least two judgments agree on (verdict, and capability for a true
    finding), or None."""
    tally: Counter[tuple[bool, str]] = Counter()
    notes: dict[tuple[bool, str], str] = {}
    for v in votes:
        verdict = str(v["verdict"]).lower() == "true"
        k = (verdict, str(v.get("capability", "")) if verdict else "")
        tally[k] += 1
        notes.setdefault(k, str(v.get("note", ""))[:200])
    if not tally:
        return None
    (best, n), *_ = tally.most_common()
    if n < 2:
        return None
    return best[0], best[1], notes[best]


def _write_labels(labels: dict[Key, Label]) -> None:
    with LABELS.open("w", encoding="utf-8") as fh:
        for key in sorted(labels):
            lab = labels[key]
            row = {
                "package": key[0],
                "path": key[1],
                "line": key[2],
                "term": key[3],
                "verdict": "true" if lab.verdict else "false",
                "capability": lab.capability,
                "note": lab.note,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# -- command line ------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "command", nargs="?", default="report", choices=("report", "export", "merge", "fit", "cv")
    )
    p.add_argument("dir", nargs="*", help="export: the folder to write; merge: judged folders")
    p.add_argument("--part", choices=("tune", "held-out", "both"), default="both")
    p.add_argument("--packages", default=str(PACKAGES), help="the package list")
    p.add_argument("--only", help="comma-separated package ids or names to run")
    p.add_argument("--cache", default=None, help="ethicscan's package cache (ETHICSCAN_CACHE)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument(
        "--git-mirror",
        default=os.environ.get("ETHICSCAN_BENCH_GIT_MIRROR"),
        help="folder of git clones (OWNER+NAME or OWNER/NAME) for the git: targets",
    )
    p.add_argument(
        "--verbose", action="store_true", help="list every false or mis-classified finding"
    )
    p.add_argument(
        "--per-package",
        type=int,
        default=PER_PACKAGE,
        help="export: judge up to this many findings of a package (raises its rate)",
    )
    p.add_argument(
        "--again",
        metavar="FILE",
        help="export: also the labelled findings this file names (JSON lines: package, path, "
        "line, term), to be judged again",
    )
    p.add_argument("--no-devset", action="store_true", help="skip the dev-set recall line")
    p.add_argument("--dump", help="also write every finding, one JSON object a line, here")
    p.add_argument(
        "--from-dump",
        metavar="FILE",
        help="read the findings of an earlier --dump instead of scanning (report and fit)",
    )
    p.add_argument("--check", action="store_true", help="exit 1 unless the held-out floors hold")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pkgs = load_packages(Path(args.packages))
    if args.only:
        wanted = set(args.only.split(","))
        pkgs = [p for p in pkgs if p.id in wanted or p.name in wanted]
    if args.part != "both":
        pkgs = [p for p in pkgs if p.part == args.part]
    if args.command == "export":
        if len(args.dir) != 1:
            raise SystemExit("export takes one folder")
        args.dir = args.dir[0]
        return export(pkgs, args)
    if args.command == "merge":
        return merge(args.dir)
    if args.command == "fit":
        return fit(pkgs, args)
    if args.command == "cv":
        return cross_validate(pkgs, args)
    scanned: Iterable[tuple[Package, list[Found] | str]] = scan_all(pkgs, args)
    if args.dump:
        scanned = list(scanned)
        with open(args.dump, "w", encoding="utf-8") as fh:
            for pkg, found in scanned:
                for f in found if not isinstance(found, str) else ():
                    row = {"package": pkg.id, "part": pkg.part, "category": pkg.category}
                    row.update(
                        path=f.key[1],
                        line=f.key[2],
                        term=f.key[3],
                        capability=f.capability,
                        severity=f.severity,
                        confidence=f.confidence,
                        score=f.score,
                        trait=f.trait,
                        rule=f.rule,
                        signals=f.signals,
                    )
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    parts = figures(scanned, load_labels(), load_rates())
    for name in ("tune", "held-out"):
        if name in parts:
            print_part(name, parts[name], args.verbose)
    if not args.no_devset:
        print(f"dev set recall: {devset_recall(args.jobs)}")
    if args.check and "held-out" in parts:
        failed = floors(parts["held-out"])
        for f in failed:
            print(f"floor not met (held-out): {f}")
        return 1 if failed else 0
    return 0


def devset_recall(jobs: int) -> str:
    """Expected items found, and found with the right capability, on the dev set
    (bench/accuracy.py's scoring, from its cache: run accuracy.py once to fill it)."""
    sys.path.insert(0, str(REPO / "bench"))
    import accuracy

    args = accuracy.parse_args(["--offline", "--jobs", str(jobs)])
    es = accuracy.import_ethicscan()
    terms = accuracy.catalogue_terms()
    scores = [accuracy.evaluate(c, args, es, terms)[0] for c in accuracy.load_all(args.devsets)]
    total = accuracy.add_up(scores)
    errors = sum(1 for s in scores if s.error)
    note = f" ({errors} cases not in the cache)" if errors else ""
    return (
        f"{total.found}/{total.expected} found, {total.right_capability}/{total.expected} "
        f"right capability, {total.benign_flagged}/{total.benign} benign flagged{note}"
    )


FLOORS = {"high+critical precision": 0.95, "right capability": 0.90, "precision": 0.85}
MAX_ECE = 0.05


def floors(fig: PartFigures) -> list[str]:
    """The issue's floors that the held-out figures do not meet."""
    out = []
    got = {
        "high+critical precision": fig.serious.true / fig.serious.judged if fig.serious.n else 1.0,
        "right capability": fig.overall.right / fig.overall.true if fig.overall.true else 1.0,
        "precision": fig.overall.true / fig.overall.judged if fig.overall.n else 1.0,
    }
    for name, floor in FLOORS.items():
        if got[name] < floor:
            out.append(f"{name} {got[name]:.3f} < {floor}")
    ece = reliability(fig.points)[1]
    if ece > MAX_ECE:
        out.append(f"expected calibration error {ece:.3f} > {MAX_ECE}")
    return out


if __name__ == "__main__":
    sys.exit(main())
