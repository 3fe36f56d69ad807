"""Baselines: the findings a team has reviewed, so that a scan reports only new ones.

A baseline holds finding fingerprints, which leave line numbers out (a finding
survives edits above it) and count occurrences of the same text (one entry never
hides a second, identical finding).  They are computed like a finding's fingerprint
(rule, path, term, the line's text, occurrence) but over the path as seen from the
folder ethicscan runs in (the target joined to the path inside it), so that a
baseline written by ``ethicscan scan .`` also matches ``ethicscan scan src/face.py``
(a pre-commit hook passes single files).  The file is versioned JSON, sorted by path,
rule and fingerprint, one entry per line, so that merges rarely conflict.
Pure functions: reading and filtering never touch a reporter.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ethicscan import jsonread
from ethicscan.errors import ConfigError
from ethicscan.fingerprint import fingerprints as finding_fingerprints
from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, inner_path, target_kinds
from ethicscan.model import Location, ScanResult

FORMAT = "ethicscan-baseline"
VERSION = 1
WHAT = "a baseline file"


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    path: str
    rule: str
    fingerprint: str
    term: str = ""  # for the human reading a diff of the file

    def to_dict(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "path": self.path,
            "rule": self.rule,
            "term": self.term,
        }


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[Entry, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


def _path(loc: Location, kinds: dict[str, TargetKind]) -> str:
    if loc.target and not kinds.get(loc.target, TargetKind.DIRECTORY).on_disk:
        # a package or repository target
        return f"{loc.target}:{loc.path}"
    inner = inner_path(loc)
    return file_path(loc, kinds) + (f"!{inner}" if inner else "")


def fingerprints(result: ScanResult) -> list[tuple[str, str]]:
    """(path, baseline fingerprint) of each finding of ``result``, in order."""
    kinds = target_kinds(result.targets)
    paths = [_path(f.location, kinds) for f in result.findings]
    return list(zip(paths, finding_fingerprints(result.findings, paths), strict=True))


def from_result(result: ScanResult) -> Baseline:
    """The findings of ``result`` that are not suppressed (a suppression removed
    later then shows its finding again)."""
    entries = {
        Entry(path, f.rule, fp, f.evidence.term)
        for f, (path, fp) in zip(result.findings, fingerprints(result), strict=True)
        if f.suppression is None
    }
    return Baseline(tuple(sorted(entries)))


def dumps(baseline: Baseline) -> str:
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) for e in baseline.entries]
    body = ",\n".join(f"    {x}" for x in lines)
    return (
        "{\n"
        f'  "format": "{FORMAT}",\n'
        f'  "version": {VERSION},\n'
        '  "findings": [\n' + (body + "\n" if body else "") + "  ]\n}\n"
    )


def loads(text: str, source: str) -> Baseline:
    return _baseline(jsonread.parse(text, source, WHAT), source)


def load(path: str | Path) -> Baseline:
    return _baseline(jsonread.read(path, WHAT), str(path))


def _baseline(doc: Any, source: str) -> Baseline:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ConfigError(f'{source}: not an ethicscan baseline (no "format": "{FORMAT}")')
    if doc.get("version") != VERSION:
        raise ConfigError(
            f"{source}: baseline version {doc.get('version')!r} is not supported "
            f"(this ethicscan reads version {VERSION})"
        )
    raw = doc.get("findings")
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: 'findings' must be a list")
    entries = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise ConfigError(f"{source}: findings[{i}] has no 'fingerprint'")
        entries.append(
            Entry(
                str(item.get("path", "")),
                str(item.get("rule", "")),
                item["fingerprint"],
                str(item.get("term", "")),
            )
        )
    return Baseline(tuple(sorted(entries)))


def without_known(result: ScanResult, baseline: Baseline) -> ScanResult:
    """``result`` with only the findings that are not in ``baseline``."""
    known = baseline.fingerprints
    keep = tuple(
        f
        for f, (_, fp) in zip(result.findings, fingerprints(result), strict=True)
        if fp not in known
    )
    return replace(result, findings=keep)


def exclude_patterns(files: Iterable[str], targets: Iterable[str]) -> tuple[str, ...]:
    """Patterns (gitignore syntax, anchored to a target) that leave the baseline files
    themselves out of a scan: a baseline names rules and terms, so it would otherwise
    report itself.  They show up under ``skipped`` as excluded."""
    out: list[str] = []
    for f in files:
        fp = os.path.realpath(f)
        for t in targets:
            tp = os.path.realpath(t)
            if os.path.isdir(tp) and fp.startswith(tp.rstrip(os.sep) + os.sep):
                out.append("/" + os.path.relpath(fp, tp).replace(os.sep, "/"))
    return tuple(dict.fromkeys(out))
