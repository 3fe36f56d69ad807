"""The JSON contract (docs/json-format.md).  A reporter renders a ScanResult; it
never filters or rescans."""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

from ethicscan.kinds import TargetKind
from ethicscan.model import (
    Basis,
    Capability,
    Commit,
    Evidence,
    Finding,
    History,
    HistoryStatus,
    Location,
    Notice,
    Ref,
    ScanResult,
    Severity,
    Signal,
    Skipped,
    SkipReason,
    Stats,
    Suppression,
    Target,
    Trait,
    path_text,
)

SCHEMA_VERSION = "1.0"


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "trait": f.trait.value,
        "capability": f.capability.value,
        "basis": f.basis.value if f.basis else None,
        "severity": f.severity.value,
        "confidence": f.confidence,
        "score": f.score,
        "location": {
            "target": f.location.target,
            "path": f.location.path,
            "line": f.location.line,
            "column": f.location.column,
            "page": f.location.page,
            "offset": f.location.offset,
            "member": f.location.member,
        },
        "evidence": {
            "term": f.evidence.term,
            "snippet": f.evidence.snippet,
            "language": f.evidence.language,
            "gloss": f.evidence.gloss,
        },
        "signals": [{"name": s.name, "weight": s.weight, "detail": s.detail} for s in f.signals],
        "refs": [{"id": r.id, "title": r.title, "url": r.url} for r in f.refs],
        "fingerprint": f.fingerprint,
        "history": _history(f.history),
        "suppression": (
            {"reason": f.suppression.reason, "source": f.suppression.source}
            if f.suppression
            else None
        ),
    }


def _commit(c: Commit) -> dict[str, str]:
    return {"sha": c.sha, "date": c.date, "author": c.author}


def _history(h: History | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "first_commit": _commit(h.first_commit),
        "last_commit": _commit(h.last_commit),
        "status": h.status.value,
        "renamed_to": h.renamed_to,
    }


def skipped_dict(s: Skipped) -> dict[str, Any]:
    return {"target": s.target, "path": s.path, "reason": s.reason.value, "detail": s.detail}


def notice_dict(n: Notice) -> dict[str, Any]:
    return {"target": n.target, "path": n.path, "line": n.line, "message": n.message}


def to_dict(result: ScanResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "ethicscan",
            "version": result.tool_version,
            "catalogue_version": result.catalogue_version,
            "disabled_rules": list(result.disabled_rules),
            "min_confidence": result.min_confidence,
            "config_file": result.config_file,
        },
        "started": result.started,
        "targets": [
            {
                "target": t.target,
                "kind": t.kind.value,
                "artefact": t.artefact,
                "sha256": t.sha256,
                "size": t.size,
            }
            for t in result.targets
        ],
        "findings": [finding_dict(f) for f in result.findings],
        "skipped": [skipped_dict(s) for s in result.skipped],
        "warnings": [notice_dict(n) for n in result.warnings],
        "stats": {
            "files": result.stats.files,
            "bytes": result.stats.bytes,
            "seconds": result.stats.seconds,
            "findings": len(result.findings),
            "skipped": len(result.skipped),
        },
    }


def valid(value: Any) -> Any:
    """Every string valid Unicode (a target typed with bytes that are not UTF-8):
    the report can always be written as UTF-8."""
    if isinstance(value, str):
        return path_text(value)
    if isinstance(value, dict):
        return {k: valid(v) for k, v in value.items()}
    if isinstance(value, list):
        return [valid(v) for v in value]
    return value


def render(result: ScanResult) -> str:
    return json.dumps(valid(to_dict(result)), ensure_ascii=False, indent=2) + "\n"


def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of the report, as shipped in the package."""
    return resources.files("ethicscan.report").joinpath("schema.json").read_text(encoding="utf-8")


# -- reading back (the file itself is read by ethicscan.jsonread) ---------------------


def from_dict(doc: dict[str, Any]) -> ScanResult:
    """The result a document of :func:`to_dict` holds (a ``--results`` shard, checked
    against the schema first: :mod:`ethicscan.report.conform`)."""
    return ScanResult(
        targets=tuple(
            Target(t["target"], TargetKind(t["kind"]), t["artefact"], t["sha256"], t["size"])
            for t in doc["targets"]
        ),
        findings=tuple(finding_from_dict(f) for f in doc["findings"]),
        skipped=tuple(
            Skipped(s["path"], SkipReason(s["reason"]), s["detail"], s["target"])
            for s in doc["skipped"]
        ),
        stats=Stats(doc["stats"]["files"], doc["stats"]["bytes"], doc["stats"]["seconds"]),
        catalogue_version=doc["tool"]["catalogue_version"],
        tool_version=doc["tool"]["version"],
        warnings=tuple(
            Notice(w["path"], w["line"], w["message"], w["target"]) for w in doc.get("warnings", [])
        ),
        started=doc.get("started", ""),
        disabled_rules=tuple(doc["tool"].get("disabled_rules", ())),
        min_confidence=doc["tool"].get("min_confidence", 0.0),
        config_file=doc["tool"].get("config_file", ""),
    )


def finding_from_dict(d: dict[str, Any]) -> Finding:
    loc, ev, sup = d["location"], d["evidence"], d["suppression"]
    return Finding(
        rule=d["rule"],
        trait=Trait(d["trait"]),
        capability=Capability(d["capability"]),
        basis=Basis(d["basis"]) if d["basis"] else None,
        severity=Severity(d["severity"]),
        confidence=d["confidence"],
        score=d.get("score", d["confidence"]),
        location=Location(
            loc["path"],
            loc["line"],
            loc["column"],
            loc["target"],
            loc["page"],
            loc["offset"],
            loc["member"],
        ),
        evidence=Evidence(ev["term"], ev["snippet"], ev["language"], ev["gloss"]),
        signals=_signals(d["signals"]),
        refs=tuple(Ref(r["id"], r["title"], r["url"]) for r in d["refs"]),
        fingerprint=d["fingerprint"],
        history=_history_of(d["history"]),
        suppression=Suppression(sup["reason"], sup["source"]) if sup else None,
    )


def _signals(items: Iterable[dict[str, Any]]) -> tuple[Signal, ...]:
    return tuple(Signal(s["name"], s["weight"], s["detail"]) for s in items)


def _history_of(h: dict[str, Any] | None) -> History | None:
    if h is None:
        return None

    def commit(c: dict[str, str]) -> Commit:
        return Commit(c["sha"], c["date"], c["author"])

    return History(
        commit(h["first_commit"]),
        commit(h["last_commit"]),
        HistoryStatus(h["status"]),
        h["renamed_to"],
    )
