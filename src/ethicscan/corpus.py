"""Corpus jobs: many targets (``--targets-from FILE``), each scanned whole as one unit
of work, with resumable results (``--results DIR``).

A results folder holds ``manifest.json`` (the options that shape results) and one shard
per finished target, ``<sha256 of the target string>.json``: the JSON reporter's
document for that target alone.  A shard is written to a temporary name in the folder
and renamed into place, so a killed job leaves whole shards or none.  A re-run with the
same folder checks the manifest (a difference is a :class:`ConfigError` naming it),
reads the shards that exist and scans only the other targets; the report merges every
target in the order given, the same as an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ethicscan import __version__, jsonread
from ethicscan.api import RUNS_NOT_RESULTS, ScanOptions, check_disabled, progress_reporter, scan
from ethicscan.atomic import write_atomic
from ethicscan.engine import get_engine, local
from ethicscan.errors import ConfigError
from ethicscan.model import (
    ScanResult,
    Stats,
)
from ethicscan.pipeline import same_catalogue
from ethicscan.report import conform
from ethicscan.report import json as json_report
from ethicscan.rules.catalogue import load_catalogue, rule_documents

MANIFEST = "manifest.json"
RESULTS_FORMAT = 2  # 2: the manifest records every option that shapes results


@dataclass(frozen=True, slots=True)
class CorpusResult:
    result: ScanResult
    resumed: int  # targets read from shards of an earlier run
    scanned: int  # targets scanned by this run


def read_targets(path: str) -> list[str]:
    """One target a line; blank lines and lines starting with ``#`` are ignored."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--targets-from {path}: cannot read it: {exc}") from None
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]


def shard_name(target: str) -> str:
    return hashlib.sha256(target.encode("utf-8")).hexdigest() + ".json"


def manifest(opts: ScanOptions) -> dict[str, Any]:
    """The options that shape results: every field of :class:`ScanOptions` but those in
    :data:`~ethicscan.api.RUNS_NOT_RESULTS` (where or how fast the work runs), with the
    rule folders resolved and the content of their files hashed."""
    dirs = [str(Path(d).resolve()) for d in opts.rule_dirs]
    rules = hashlib.sha256()
    for source, text in rule_documents(opts.rule_dirs):
        rules.update(f"{Path(source).name}\0{text}\0".encode())
    shaping = {
        f.name: list(value) if isinstance(value := getattr(opts, f.name), tuple) else value
        for f in fields(opts)
        if f.name not in RUNS_NOT_RESULTS
    }
    return {
        "results_format": RESULTS_FORMAT,
        "tool_version": __version__,
        "catalogue_version": load_catalogue(opts.rule_dirs).version,
        **shaping,
        "rule_dirs": dirs,
        "rule_files_sha256": rules.hexdigest(),
    }


def _write_json(folder: Path, name: str, doc: dict[str, Any]) -> None:
    write_atomic(
        folder / name,
        json.dumps(doc, ensure_ascii=False),
        prefix=".tmp-",
        private=True,
        durable=True,
    )


def open_results(folder: str, opts: ScanOptions) -> Path:
    """Create the results folder, or check that an existing one was made with the same
    options; returns it."""
    path = Path(folder)
    want = manifest(opts)
    mf = path / MANIFEST
    if mf.exists():
        try:
            have = jsonread.read(mf, "a manifest")
        except ConfigError as exc:
            raise ConfigError(f"--results {folder}: unreadable {MANIFEST}: {exc}") from None
        diff = [
            f"{k}: {have.get(k)!r} there, {want[k]!r} now"
            for k in want
            if not isinstance(have, dict) or have.get(k) != want[k]
        ]
        if diff:
            raise ConfigError(
                f"--results {folder} holds results made with other options ("
                + "; ".join(diff)
                + "): use the same options to resume, or another folder"
            )
        return path
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--results {folder}: not a folder")
    if path.is_dir() and any(p.suffix == ".json" for p in path.iterdir()):
        raise ConfigError(f"--results {folder}: holds .json files but no {MANIFEST}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        _write_json(path, MANIFEST, want)
    except OSError as exc:
        raise ConfigError(f"--results {folder}: cannot write there: {exc}") from None
    return path


def write_shard(folder: Path, target: str, result: ScanResult) -> None:
    _write_json(folder, shard_name(target), {"target": target, **json_report.to_dict(result)})


def read_shard(folder: Path, target: str) -> ScanResult | None:
    """The stored result of ``target``, or None when there is none (or it is not a
    report as ``ethicscan schema`` describes it: then the target is scanned again)."""
    try:
        doc = jsonread.read(folder / shard_name(target))
    except ConfigError:
        return None  # missing, unreadable or not JSON
    if not isinstance(doc, dict) or doc.get("target") != target:
        return None
    try:
        # Anyone who can write the folder can forge a shard: every field must have the
        # type and form ethicscan writes (a line that is a number, not markup).
        conform.check({k: v for k, v in doc.items() if k != "target"})
        return json_report.from_dict(doc)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None  # ValueError: not a report; RecursionError: too deep


def scan_corpus(
    targets: Sequence[str], opts: ScanOptions, results: str | None = None
) -> CorpusResult:
    """Scan every target as one unit (in parallel over targets, on this machine or a
    cluster), resuming from and writing to ``results`` when given."""
    if not targets:
        raise ConfigError("nothing to scan: give at least one target")
    started = time.perf_counter()
    check_disabled(opts.disabled_rules, load_catalogue(opts.rule_dirs))
    order = list(dict.fromkeys(targets))  # a target listed twice is scanned once
    folder = open_results(results, opts) if results else None
    done: dict[int, ScanResult] = {}
    if folder is not None:
        for i, t in enumerate(order):
            got = read_shard(folder, t)
            if got is not None:
                done[i] = got
    resumed = len(done)
    todo = [i for i in range(len(order)) if i not in done]
    engine = get_engine(opts.engine, opts.scheduler, opts.tls)
    workers = opts.jobs or local.default_jobs()
    nbytes = found = 0
    report = progress_reporter(opts.progress)
    mine = load_catalogue(opts.rule_dirs)
    # Shards hold every rule's findings (a re-run may disable other rules); the merged
    # result drops the disabled ones.
    whole = replace(portable(opts), disabled_rules=())
    items = [_unit(order[i], whole, engine.elsewhere) for i in todo]
    for k, (j, (used, res)) in enumerate(engine.map(scan_whole_target, items, workers), 1):
        same_catalogue(mine, used)
        i = todo[j]
        if folder is not None:
            write_shard(folder, order[i], res)
        done[i] = res
        nbytes += res.stats.bytes
        found += len(res.findings)
        if report:
            report(k, len(todo), nbytes, found)
    merged = merge([done[i] for i in range(len(order))], time.perf_counter() - started)
    merged = replace(merged, min_confidence=opts.min_confidence)
    if opts.disabled_rules:
        merged = replace(
            merged,
            findings=tuple(f for f in merged.findings if f.rule not in opts.disabled_rules),
            disabled_rules=opts.disabled_rules,
        )
    return CorpusResult(merged, resumed, len(todo))


TargetUnit = tuple[str, str, ScanOptions]  # the target sent, as the user gave it, options


def _unit(target: str, options: ScanOptions, elsewhere: bool) -> TargetUnit:
    """A target as a unit of work.  For another machine, a target that is a path here
    travels absolute (a worker does not share the user's working folder), and so do
    the rule folders; it is reported as given."""
    if not elsewhere:
        return target, target, options
    sent = os.path.abspath(target) if os.path.exists(target) else target
    dirs = tuple(os.path.abspath(d) for d in options.rule_dirs)
    return sent, target, replace(options, rule_dirs=dirs)


def scan_whole_target(unit: TargetUnit, jobs: int) -> tuple[tuple[str, str], ScanResult]:
    """What a worker runs for a target unit: :func:`scan_target` with ``jobs``
    processes, and the catalogue it used (version and content digest)."""
    target, shown, options = unit
    catalogue = load_catalogue(options.rule_dirs)
    used = (catalogue.version, catalogue.digest)
    return used, scan_target(target, replace(options, jobs=jobs), shown)


def portable(options: ScanOptions) -> ScanOptions:
    """``options`` without its callbacks (the fields that do not shape results, such as
    ``progress``), so it can travel to another process or machine."""
    cleared: dict[str, Any] = {f.name: None for f in fields(options) if not f.compare}
    return replace(options, **cleared)


def here(options: ScanOptions) -> ScanOptions:
    """``options`` made :func:`portable`, for a scan that runs where it is (a unit on a
    worker): the local engine, no scheduler, no certificates."""
    return replace(
        portable(options), engine="local", scheduler="", tls_ca_file="", tls_cert="", tls_key=""
    )


def scan_target(target: str, options: ScanOptions, shown: str = "") -> ScanResult:
    """One whole target scanned in this process by the library (a target unit: what a
    worker runs).  Anything the library can scan works, package targets included.
    ``shown``: the target as the user gave it, when ``target`` is its absolute path (a
    worker does not share the user's working folder)."""
    result = scan([target], here(options))
    return relabel(result, target, shown) if shown and shown != target else result


def relabel(result: ScanResult, target: str, shown: str) -> ScanResult:
    """``result`` as if the target had been given as ``shown``."""

    def display(t: str) -> str:
        return t.replace(os.sep, "/")

    return replace(
        result,
        targets=tuple(
            replace(t, target=shown) if t.target == target else t for t in result.targets
        ),
        findings=tuple(
            replace(f, location=replace(f.location, target=shown))
            if f.location.target == target
            else f
            for f in result.findings
        ),
        skipped=tuple(
            replace(
                s,
                target=shown,
                path=display(shown) if s.path == display(target) else s.path,
            )
            if s.target == target
            else s
            for s in result.skipped
        ),
        warnings=tuple(
            replace(n, target=shown) if n.target == target else n for n in result.warnings
        ),
    )


def merge(parts: Sequence[ScanResult], seconds: float) -> ScanResult:
    """Per-target results joined in order."""
    versions = {p.catalogue_version for p in parts}
    return ScanResult(
        targets=tuple(t for p in parts for t in p.targets),
        findings=tuple(f for p in parts for f in p.findings),
        skipped=tuple(s for p in parts for s in p.skipped),
        stats=Stats(
            files=sum(p.stats.files for p in parts),
            bytes=sum(p.stats.bytes for p in parts),
            seconds=round(seconds, 3),
        ),
        catalogue_version=versions.pop() if len(versions) == 1 else ", ".join(sorted(versions)),
        tool_version=__version__,
        warnings=tuple(w for p in parts for w in p.warnings),
        started=min((p.started for p in parts if p.started), default=""),
    )
