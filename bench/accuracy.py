"""Accuracy of ethicscan on the dev set, next to a plain keyword grep.

For each dev-set case (the shared dev set and the project's own ``bench/devset.json``):
obtain and unpack the package (see _devset.py), scan it with ``ethicscan.scan``, grep it
for every catalogue term, and compare both with the hand-checked expected items. With
``--archives``, instead check that scanning each downloaded archive itself gives the same
findings as scanning its unpacked tree.
Run ``python bench/accuracy.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from _devset import (
    Case,
    DevsetError,
    Expected,
    add_devset_option,
    default_cache,
    default_devsets,
    load_all,
    obtain,
    unpack,
)

REPO = Path(__file__).resolve().parents[1]
# A finding within this many lines of an expected line counts as found (a code table's
# finding: within this many lines of one of its rows, its line .. end_line).
WINDOW = 3
NEARBY = 10  # how far around a miss or a false flag to look for what was reported instead
GREP = "grep"  # the capability of a grep line
CAPABILITY_OF = {"group-targeting": "targeting"}  # other categories are capability names


@dataclass(frozen=True, slots=True)
class Hit:
    """One ethicscan finding, or one grep line, reduced to what scoring needs."""

    path: str
    line: int
    capability: str
    rule: str = ""
    trait: str = ""
    severity: str = ""
    confidence: float = 0.0
    term: str = ""  # the finding's evidence term
    # a grep line: the catalogue terms on it; a finding that stands for a code table's
    # rows: their terms (``evidence.terms``)
    terms: tuple[str, ...] = ()
    end_line: int | None = None  # a code table's finding: the line of its last row

    def distance(self, line: int) -> int:
        """How many lines ``line`` is from this hit: from its line, or for a code table's
        finding from the nearest of its lines (0 on one of them)."""
        if self.end_line is not None and self.line <= line <= self.end_line:
            return 0
        last = self.line if self.end_line is None else self.end_line
        return min(abs(self.line - line), abs(last - line))


@dataclass(frozen=True, slots=True)
class Problem:
    """An expected item ethicscan missed or mis-classified, or a benign item it flagged."""

    case: str
    kind: str  # missed | wrong_capability | benign_flagged | control_finding
    item: Expected
    nearby: tuple[Hit, ...]
    grep_hit: bool
    skipped: str  # why ethicscan skipped the file, if it did


@dataclass(frozen=True, slots=True)
class ItemResult:
    """How one expected item fared: for the figures per capability and per language."""

    capability: str  # the expected capability (``group-targeting`` read as ``targeting``)
    language: str  # ``zh`` when the item's token (or term) has Chinese characters, else ``en``
    found: bool
    right: bool
    grep_found: bool


def language_of(token: str) -> str:
    """``zh`` for a token with Chinese characters (民族, 是否维族), ``en`` otherwise."""
    return (
        "zh" if any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in token) else "en"
    )


def _folded(term: str) -> str:
    """A term as compared: case folded, without spaces, ``_`` or ``-`` (``skinTones``,
    ``skin tone`` and ``race_concept_id`` meet ``skintone`` and ``race``)."""
    return "".join(c for c in term.casefold() if c not in " _-")


def same_term(expected: str, reported: str) -> bool:
    """Whether a reported term is the expected one: either holds the other, folded."""
    a, b = _folded(expected), _folded(reported)
    return bool(a and b) and (a in b or b in a)


def answers(item: Expected, hit: Hit) -> bool:
    """Whether a hit near an item speaks of it: always for an item with a token (the
    shared dev set's items are matched by place alone); for an item given by its term,
    only a finding whose evidence term is that term or, for a code table's finding, one
    of its rows' terms, or a grep line holding it."""
    if not item.term:
        return True
    return any(same_term(item.term, t) for t in (hit.term, *hit.terms) if t)


@dataclass(frozen=True, slots=True)
class Score:
    case: str
    expected: int = 0
    found: int = 0
    right_capability: int = 0
    benign: int = 0
    benign_flagged: int = 0
    findings: int = 0
    skipped: int = 0
    grep_found: int = 0
    grep_benign_flagged: int = 0
    grep_lines: int = 0
    control: bool = False
    seconds: float = 0.0
    error: str = ""
    items: tuple[ItemResult, ...] = ()


class HitIndex:
    """Hits grouped by file, for 'anything near this line?' questions."""

    def __init__(self, hits: Iterable[Hit]) -> None:
        self._by_path: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            self._by_path[hit.path].append(hit)

    def near(self, path: str, line: int | None, window: int) -> list[Hit]:
        """Hits in ``path`` within ``window`` lines of ``line`` (any if None), nearest first:
        a code table's finding is as near as the nearest line of its rows (its line ..
        ``end_line``)."""
        hits = self._by_path.get(path, [])
        if line is None:
            return sorted(hits, key=lambda h: h.line)
        close = [h for h in hits if h.distance(line) <= window]
        return sorted(close, key=lambda h: (h.distance(line), h.line))


# --- scanning -------------------------------------------------------------------------------


def import_ethicscan() -> ModuleType:
    """The ethicscan package: installed, or else from this checkout's src/."""
    try:
        return importlib.import_module("ethicscan")
    except ImportError:
        sys.path.insert(0, str(REPO / "src"))
        return importlib.import_module("ethicscan")


def catalogue_terms() -> list[str]:
    """Every term text in the default catalogue, lower-cased, without duplicates."""
    catalogue: Any = importlib.import_module("ethicscan.rules.catalogue")
    texts = {
        term.text.lower()
        for rule in catalogue.load_default_catalogue().rules
        for term in rule.terms
    }
    return sorted(t for t in texts if t)


def _relative(path: str, root: Path) -> str:
    path = path.replace("\\", "/")
    prefix = root.as_posix().rstrip("/") + "/"
    return path.removeprefix(prefix).removeprefix("./")


def run_ethicscan(es: ModuleType, root: Path, jobs: int) -> tuple[list[Hit], dict[str, str]]:
    """Scan ``root``; return its findings as hits and the skipped files (path -> reason)."""
    result = es.scan([str(root)], es.ScanOptions(jobs=jobs))
    hits = [
        Hit(
            path=_relative(f.location.path, root),
            line=f.location.line,
            capability=f.capability.value,
            rule=f.rule,
            trait=f.trait.value,
            severity=f.severity.value,
            confidence=round(float(f.confidence), 3),
            term=f.evidence.term,
            terms=tuple(getattr(f.evidence, "terms", ())),
            end_line=getattr(f.location, "end_line", None),
        )
        for f in result.findings
    ]
    skipped = {
        _relative(s.path, root): f"{getattr(s.reason, 'value', s.reason)} {s.detail}".strip()
        for s in result.skipped
    }
    return hits, skipped


def run_grep(root: Path, terms: Sequence[str]) -> list[Hit]:
    """Case-insensitive literal grep of every file under ``root``: one hit per matching line."""
    hits: list[Hit] = []
    for file in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        text = file.read_bytes().decode("utf-8", errors="replace").lower()
        present = [t for t in terms if t in text]
        if not present:
            continue
        path = file.relative_to(root).as_posix()
        for n, line in enumerate(text.split("\n"), start=1):
            on_line = tuple(t for t in present if t in line)
            if on_line:
                hits.append(Hit(path=path, line=n, capability=GREP, terms=on_line))
    return hits


def inner_path(path: str) -> str:
    """A finding's path in an archive target (``ARTEFACT!inner/path``) as the same file's
    path in the unpacked tree: the artefact's name goes, and so does a leading ``./``
    (tar members).  Nested archives keep their own ``!`` chains on both sides."""
    _, sep, inner = path.partition("!")
    return (inner if sep else path).removeprefix("./")


# --- archive mode -----------------------------------------------------------------------------

Key = tuple[str, int, str]  # inner path, line, rule


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    """One case scanned twice: as the downloaded archive and as its unpacked tree."""

    case: str
    artefact: str = ""
    tree: int = 0
    archive: int = 0
    only_tree: tuple[Key, ...] = ()
    only_archive: tuple[Key, ...] = ()
    tree_secs: float = 0.0
    archive_secs: float = 0.0
    error: str = ""

    @property
    def same(self) -> bool:
        return not (self.error or self.only_tree or self.only_archive)


def finding_keys(es: ModuleType, target: Path, jobs: int, archive: bool) -> Counter[Key]:
    result = es.scan([str(target)], es.ScanOptions(jobs=jobs))
    return Counter(
        (
            inner_path(f.location.path) if archive else _relative(f.location.path, target),
            f.location.line,
            f.rule,
        )
        for f in result.findings
    )


def check_archive(case: Case, args: argparse.Namespace, es: ModuleType) -> ArchiveCheck:
    try:
        artifact = obtain(case, args.cache, offline=args.offline)
        root = unpack(case, artifact, args.cache)
    except DevsetError as exc:
        return ArchiveCheck(case.id, error=str(exc))
    try:
        start = time.perf_counter()
        tree = finding_keys(es, root, args.jobs, archive=False)
        middle = time.perf_counter()
        packed = finding_keys(es, artifact, args.jobs, archive=True)
        end = time.perf_counter()
    except Exception as exc:  # a scanner bug must not hide the other cases
        return ArchiveCheck(case.id, artifact.name, error=f"ethicscan raised {exc!r}")
    return ArchiveCheck(
        case=case.id,
        artefact=artifact.name,
        tree=sum(tree.values()),
        archive=sum(packed.values()),
        only_tree=tuple(sorted((tree - packed).elements())),
        only_archive=tuple(sorted((packed - tree).elements())),
        tree_secs=round(middle - start, 2),
        archive_secs=round(end - middle, 2),
    )


def format_archive_checks(checks: Sequence[ArchiveCheck], limit: int = 20) -> str:
    header = ("case", "artefact", "tree", "archive", "same", "tree s", "archive s")
    rows = [header]
    for c in checks:
        rows.append(
            (c.case, c.artefact, "ERROR", "", "", "", "")
            if c.error
            else (
                c.case,
                c.artefact,
                str(c.tree),
                str(c.archive),
                "yes" if c.same else "NO",
                f"{c.tree_secs:.1f}",
                f"{c.archive_secs:.1f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    for c in checks:
        if c.error:
            lines.append(f"error: {c.case}: {c.error}")
        for side, keys in (
            ("only in the tree", c.only_tree),
            ("only in the archive", c.only_archive),
        ):
            lines.extend(f"{c.case}: {side}: {p}:{n} {r}" for p, n, r in keys[:limit])
            if len(keys) > limit:
                lines.append(f"{c.case}: {side}: ... {len(keys) - limit} more")
    same = sum(c.same for c in checks)
    lines.append("")
    lines.append(
        f"archives: {same}/{len(checks)} cases give the same findings (path, line, rule) "
        f"as their unpacked tree; {sum(c.archive for c in checks)} findings in archives, "
        f"{sum(c.tree for c in checks)} in trees"
    )
    return "\n".join(lines)


# --- scoring --------------------------------------------------------------------------------


def score_case(
    case: Case, hits: list[Hit], skipped: dict[str, str], grep: list[Hit], seconds: float
) -> tuple[Score, list[Problem]]:
    found_by = HitIndex(hits)
    grepped = HitIndex(grep)
    problems: list[Problem] = []

    def problem(kind: str, item: Expected, grep_hit: bool) -> Problem:
        nearby = tuple(found_by.near(item.path, item.line, NEARBY)[:5])
        return Problem(case.id, kind, item, nearby, grep_hit, skipped.get(item.path, ""))

    found = right = grep_found = benign = flagged = grep_flagged = 0
    items: list[ItemResult] = []
    for item in case.expected:
        close = [h for h in found_by.near(item.path, item.line, WINDOW) if answers(item, h)]
        grep_hit = any(answers(item, h) for h in grepped.near(item.path, item.line, WINDOW))
        if item.category == "benign":
            benign += 1
            grep_flagged += grep_hit
            if any(h.capability != "mention" for h in close):
                flagged += 1
                problems.append(problem("benign_flagged", item, grep_hit))
            continue
        want = CAPABILITY_OF.get(item.category, item.category)
        grep_found += grep_hit
        found += bool(close)
        right += any(h.capability == want for h in close)
        items.append(
            ItemResult(
                want,
                language_of(item.label),
                bool(close),
                any(h.capability == want for h in close),
                grep_hit,
            )
        )
        if not close:
            problems.append(problem("missed", item, grep_hit))
        elif all(h.capability != want for h in close):
            problems.append(problem("wrong_capability", item, grep_hit))

    control = not case.expected
    if control:
        problems.extend(
            Problem(
                case.id,
                "control_finding",
                Expected(h.path, h.term, "control", h.line),
                (h,),
                True,
                "",
            )
            for h in hits
        )
    score = Score(
        case=case.id,
        expected=len(case.expected) - benign,
        found=found,
        right_capability=right,
        benign=benign,
        benign_flagged=flagged,
        findings=len(hits),
        skipped=len(skipped),
        grep_found=grep_found,
        grep_benign_flagged=grep_flagged,
        grep_lines=len(grep),
        control=control,
        seconds=round(seconds, 2),
        items=tuple(items),
    )
    return score, problems


SUMMED = (
    "expected",
    "found",
    "right_capability",
    "benign",
    "benign_flagged",
    "findings",
    "skipped",
    "grep_found",
    "grep_benign_flagged",
    "grep_lines",
    "seconds",
)


def add_up(scores: Iterable[Score]) -> Score:
    """The TOTAL row: the figures of every case that ran, added up."""
    ran = [s for s in scores if not s.error]
    total = Score(case="TOTAL")
    for name in SUMMED:
        total = dataclasses.replace(total, **{name: sum(getattr(s, name) for s in ran)})
    items = tuple(i for s in ran for i in s.items)
    return dataclasses.replace(total, seconds=round(total.seconds, 2), items=items)


def breakdown(scores: Sequence[Score]) -> list[tuple[str, int, int, int, int]]:
    """(group, expected, found, right capability, grep found) for each expected
    capability, then for each language of the items (``zh``, ``en``)."""
    items = add_up(scores).items
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for i in items:
        groups[i.capability].append(i)
    for i in items:
        groups[f"language {i.language}"].append(i)
    order = [c for c in ("targeting", "inference", "search", "record", "mention") if c in groups]
    order += sorted(g for g in groups if g not in order)
    return [
        (
            g,
            len(groups[g]),
            sum(i.found for i in groups[g]),
            sum(i.right for i in groups[g]),
            sum(i.grep_found for i in groups[g]),
        )
        for g in order
    ]


def format_breakdown(scores: Sequence[Score]) -> str:
    rows = [("items", "found", "right capability", "grep found")]
    rows += [(g, f"{f}/{n}", f"{r}/{n}", f"{gf}/{n}") for g, n, f, r, gf in breakdown(scores)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    )


def control_lines(scores: Iterable[Score]) -> tuple[int, int]:
    """(ethicscan findings, grep lines) summed over the control cases."""
    controls = [s for s in scores if s.control and not s.error]
    return sum(s.findings for s in controls), sum(s.grep_lines for s in controls)


# --- output ---------------------------------------------------------------------------------


HEADER = (
    "case",
    "found",
    "right capability",
    "benign flagged",
    "findings",
    "skipped",
    "secs",
    "|",
    "grep found",
    "benign flagged",
    "lines",
)


def _row(s: Score) -> tuple[str, ...]:
    if s.error:
        return (s.case, "ERROR", *[""] * 5, "|", *[""] * 3)

    def frac(n: int, of: int) -> str:
        return f"{n}/{of}" if of else "-"

    return (
        s.case + (" (control)" if s.control else ""),
        frac(s.found, s.expected),
        frac(s.right_capability, s.expected),
        frac(s.benign_flagged, s.benign),
        str(s.findings),
        str(s.skipped),
        f"{s.seconds:.1f}",
        "|",
        frac(s.grep_found, s.expected),
        frac(s.grep_benign_flagged, s.benign),
        str(s.grep_lines),
    )


def format_table(scores: Sequence[Score]) -> str:
    rows = [HEADER, *(_row(s) for s in scores), _row(add_up(scores))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    rule = "-" * len(lines[0])
    return "\n".join([lines[0], rule, *lines[1:-1], rule, lines[-1]])


def verdict(scores: Sequence[Score]) -> str:
    t = add_up(scores)
    es_ctl, grep_ctl = control_lines(scores)
    errors = sum(1 for s in scores if s.error)
    return (
        f"ethicscan: {t.found}/{t.expected} found, {t.right_capability}/{t.expected} right "
        f"capability, {t.benign_flagged}/{t.benign} benign flagged, {t.findings} findings "
        f"({es_ctl} in controls); grep: {t.grep_found}/{t.expected} found, "
        f"{t.grep_benign_flagged}/{t.benign} benign flagged, {t.grep_lines} lines "
        f"({grep_ctl} in controls)" + (f"; {errors} case(s) failed" if errors else "")
    )


def describe(p: Problem) -> str:
    item = p.item
    where = f"{item.path}:{item.line}" if item.line is not None else item.path
    notes = [f"grep {'hit' if p.grep_hit else 'miss'}"]
    if p.skipped:
        notes.append(f"ethicscan skipped the file: {p.skipped}")
    lines = [f"{p.case}  {p.kind}  {where}  [{item.category}] {item.label!r}  ({'; '.join(notes)})"]
    if item.argument:
        lines.append(f"    label: {item.argument}")
    lines.extend(
        f"    reported :{h.line}{'' if h.end_line is None else f'-{h.end_line}'} "
        f"{h.capability} {h.trait} rule={h.rule} term={h.term!r} "
        f"severity={h.severity} confidence={h.confidence}"
        for h in p.nearby
    )
    return "\n".join(lines)


def to_json(
    scores: Sequence[Score], problems: Sequence[Problem], devsets: Sequence[Path], cache: Path
) -> dict[str, Any]:
    return {
        "schema_version": 2,
        "devsets": [str(d) for d in devsets],
        "cache": str(cache),
        "window": WINDOW,
        "cases": [dataclasses.asdict(s) for s in scores],
        "total": dataclasses.asdict(add_up(scores)),
        "breakdown": [
            dict(
                zip(
                    ("group", "expected", "found", "right_capability", "grep_found"),
                    row,
                    strict=True,
                )
            )
            for row in breakdown(scores)
        ],
        "verdict": verdict(scores),
        "problems": [
            {
                "case": p.case,
                "kind": p.kind,
                **dataclasses.asdict(p.item),
                "grep_hit": p.grep_hit,
                "skipped": p.skipped,
                "nearby": [dataclasses.asdict(h) for h in p.nearby],
            }
            for p in problems
        ],
    }


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Accuracy of ethicscan on the dev set, next to a plain keyword grep."
    )
    add_devset_option(parser)
    parser.add_argument(
        "--cache",
        type=Path,
        default=default_cache(),
        help="download cache (default: $ETHICSCAN_BENCH_CACHE or %(default)s)",
    )
    parser.add_argument("--cases", help="comma-separated case ids to run (default: all)")
    parser.add_argument(
        "--offline", action="store_true", help="never download; a case that is not cached fails"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="ethicscan worker processes (default: %(default)s)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="write per-case figures, misses and false flags to FILE",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print misses, wrong capabilities and false flags"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 on any miss, wrong capability, benign flag, control finding or failed case "
        "(with --archives: on any difference between an archive and its tree)",
    )
    parser.add_argument(
        "--archives",
        action="store_true",
        help="scan each downloaded archive itself and compare its findings with the unpacked tree",
    )
    args = parser.parse_args(argv)
    if not args.devsets:
        args.devsets = default_devsets()
    return args


def select(cases: list[Case], wanted: str | None) -> list[Case]:
    if not wanted:
        return cases
    ids = [i.strip() for i in wanted.split(",") if i.strip()]
    unknown = sorted(set(ids) - {c.id for c in cases})
    if unknown:
        raise DevsetError(f"unknown case id(s): {', '.join(unknown)}")
    return [c for c in cases if c.id in ids]


def evaluate(
    case: Case, args: argparse.Namespace, es: ModuleType, terms: Sequence[str]
) -> tuple[Score, list[Problem]]:
    try:
        root = unpack(case, obtain(case, args.cache, offline=args.offline), args.cache)
    except DevsetError as exc:
        return Score(case=case.id, error=str(exc)), []
    start = time.perf_counter()
    try:
        hits, skipped = run_ethicscan(es, root, args.jobs)
    except Exception as exc:  # a scanner bug must not hide the other cases
        return Score(case=case.id, error=f"ethicscan raised {type(exc).__name__}: {exc}"), []
    seconds = time.perf_counter() - start
    return score_case(case, hits, skipped, run_grep(root, terms), seconds)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        cases = select(load_all(args.devsets), args.cases)
    except DevsetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        es = import_ethicscan()
        terms = catalogue_terms()
    except (ImportError, AttributeError) as exc:
        print(f"error: cannot load ethicscan or its catalogue: {exc}", file=sys.stderr)
        return 2

    if args.archives:
        checks = []
        for case in cases:
            print(f"{case.id} ...", file=sys.stderr, flush=True)
            checks.append(check_archive(case, args, es))
        print(format_archive_checks(checks))
        return 1 if args.check and not all(c.same for c in checks) else 0

    scores: list[Score] = []
    problems: list[Problem] = []
    for case in cases:
        print(f"{case.id} ...", file=sys.stderr, flush=True)
        score, found = evaluate(case, args, es, terms)
        scores.append(score)
        problems.extend(found)

    print(format_table(scores))
    print()
    print(format_breakdown(scores))
    for s in scores:
        if s.error:
            print(f"error: {s.error}")
    if args.verbose and problems:
        print()
        print("\n".join(describe(p) for p in problems))
    print()
    print(verdict(scores))
    if args.json:
        args.json.write_text(
            json.dumps(
                to_json(scores, problems, args.devsets, args.cache),
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    failed = bool(problems) or any(s.error for s in scores)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
