"""SARIF 2.1.0 (OASIS) for code-scanning dashboards; shaped for GitHub code scanning.

One run; ``tool.driver.rules`` is the whole catalogue; each finding is a result with
its rule, a level from its severity, a physical location (the file on disk; for a
file inside an archive the outer archive, with the chain as a logical location), a
partial fingerprint and the trait, capability, confidence and signals as properties.  A
finding that stands for a code table's rows has a region to its last row (``endLine``)
and their terms as the property ``terms``.
Skipped files and suppression warnings are tool execution notifications.

GitHub code scanning reads a severity per rule, not per result: a rule is tagged
``security`` and its ``security-severity`` is that of its most severe result in the run
(none when its results are all ``info``, or it has none); each result keeps its own
severity as its ``level`` and in its properties.  When the package's metadata names its
repository (``[project.urls]`` Repository, Source or Homepage), ``informationUri`` is
that and each built-in rule's ``helpUri`` is its section of ``docs/rules.md`` there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from ethicscan.kinds import TargetKind
from ethicscan.locations import file_path, inner_path, is_text_line, table_extent, target_kinds
from ethicscan.model import Finding, ScanResult, Severity
from ethicscan.report.json import valid
from ethicscan.rules.catalogue import Catalogue, Rule, load_default_catalogue

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
MAX_RESULTS = 25_000  # GitHub code scanning rejects runs with more results
FINGERPRINT_KEY = "ethicscan/v1"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub shows "security-severity" (0.0-10.0) as critical (9.0 and above), high (7.0-8.9),
# medium (4.0-6.9) and low (0.1-3.9).
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "4.0",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}
RULES_DOC = "docs/rules.md"


def repository_url(project_urls: Iterable[str] | None = None) -> str:
    """The repository's address from the package's metadata (``[project.urls]``:
    Repository, Source or Homepage; ``project_urls`` as ``Label, URL`` entries, default
    the installed package's), or "" when it names none."""
    if project_urls is None:
        try:
            project_urls = metadata.metadata("ethicscan").get_all("Project-URL") or []
        except metadata.PackageNotFoundError:
            project_urls = []
    urls = {}
    for entry in project_urls:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "source code", "homepage"):
        if urls.get(label, "").startswith("https://"):
            return urls[label].rstrip("/")
    return ""


def _security(worst: Severity | None) -> dict[str, str]:
    """A rule's GitHub severity: that of its most severe result, none for info."""
    if worst is None or worst is Severity.INFO:
        return {}
    return {"security-severity": SECURITY_SEVERITY[worst]}


def _rule_descriptor(rule: Rule, worst: Severity | None, doc_url: str) -> dict[str, Any]:
    refs_md = "\n".join(f"- [{r.title}]({r.url})" if r.url else f"- {r.title}" for r in rule.refs)
    refs_txt = "\n".join(f"- {r.title}" + (f" <{r.url}>" if r.url else "") for r in rule.refs)
    desc: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.rationale or rule.summary or rule.name},
        "help": {
            "text": f"{rule.rationale}\n\nLegal references:\n{refs_txt}".strip(),
            "markdown": f"{rule.rationale}\n\n**Legal references**\n\n{refs_md}".strip(),
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "trait": rule.trait.value,
            "tags": ["security", "ethicscan", "protected-trait", rule.trait.value],
            "refs": [r.id for r in rule.refs],
            **_security(worst),
        },
    }
    urls = [doc_url] if doc_url else [r.url for r in rule.refs if r.url]
    if urls:
        desc["helpUri"] = urls[0]
    return desc


def _unknown_rule(rule_id: str, f: Finding, worst: Severity | None) -> dict[str, Any]:
    """A result's rule that is not in the catalogue given (e.g. from ``--rules``)."""
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": rule_id},
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "trait": f.trait.value,
            "tags": ["security", "ethicscan", f.trait.value],
            **_security(worst),
        },
    }


def _message(f: Finding) -> str:
    gloss = f" ({f.evidence.gloss})" if f.evidence.gloss else ""
    basis = f", basis {f.basis.value}" if f.basis else ""
    table = table_extent(f)
    return (
        f"{f.trait.value} {f.capability.value}{basis}: '{f.evidence.term}'{gloss} "
        f"[{f.severity.value}, confidence {f.confidence:.2f}]" + (f"; {table}" if table else "")
    )


def _location(f: Finding, kinds: dict[str, TargetKind]) -> dict[str, Any]:
    loc = f.location
    path = file_path(loc, kinds)
    artifact: dict[str, Any] = {"uri": path}
    if path.startswith("/"):
        artifact["uri"] = "file://" + path
    else:
        artifact["uriBaseId"] = "%SRCROOT%"
    if is_text_line(loc):
        region: dict[str, Any] = {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endColumn": loc.column + len(f.evidence.term),
            "snippet": {"text": f.evidence.snippet},
        }
        if loc.end_line is not None and loc.end_line != loc.line:
            # a code table's rows: to the end of its last (the snippet is its first line)
            del region["endColumn"]
            region["endLine"] = loc.end_line
    else:  # the line counts inside a member, page or string list: not a line of this file
        region = {"startLine": 1}
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    logical = []
    inner = inner_path(loc)
    if inner:
        logical.append(
            {"fullyQualifiedName": loc.path, "name": inner.rsplit("!", 1)[-1], "kind": "module"}
        )
    if loc.member:
        logical.append({"fullyQualifiedName": loc.member, "kind": "member"})
    if logical:
        out["logicalLocations"] = logical
    return out


def _result(f: Finding, rule_index: int, kinds: dict[str, TargetKind]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "trait": f.trait.value,
        "capability": f.capability.value,
        "basis": f.basis.value if f.basis else None,
        "severity": f.severity.value,
        "confidence": f.confidence,
        "term": f.evidence.term,
        "gloss": f.evidence.gloss,
        "language": f.evidence.language,
        "signals": [{"name": s.name, "weight": s.weight, "detail": s.detail} for s in f.signals],
        "refs": [r.id for r in f.refs],
        "security-severity": SECURITY_SEVERITY[f.severity],
    }
    if f.evidence.terms:
        props["terms"] = list(f.evidence.terms)
    loc = f.location
    place = {"path": loc.path, "line": loc.line, "column": loc.column}
    for key, value in (
        ("end_line", loc.end_line),
        ("page", loc.page),
        ("offset", loc.offset),
        ("member", loc.member),
    ):
        if value not in (None, ""):
            place[key] = value
    if not is_text_line(loc):
        props["location"] = place
    if f.history is not None:
        h = f.history
        props["history"] = {
            "first_commit": h.first_commit.sha,
            "last_commit": h.last_commit.sha,
            "status": h.status.value,
            "renamed_to": h.renamed_to,
        }
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [_location(f, kinds)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    }
    if f.suppression is not None:
        res["suppressions"] = [
            {
                "kind": "inSource" if f.suppression.source == "inline" else "external",
                "justification": f.suppression.reason,
            }
        ]
    return res


def to_dict(
    result: ScanResult, catalogue: Catalogue | None = None, repository: str | None = None
) -> dict[str, Any]:
    """``repository``: the address rule docs are linked to (default: from the package's
    metadata; "" links none)."""
    cat = catalogue or load_default_catalogue()
    repo = repository_url() if repository is None else repository.rstrip("/")
    kinds = target_kinds(result.targets)
    findings = list(result.findings)
    dropped = 0
    if len(findings) > MAX_RESULTS:  # keep the most severe, in their order
        keep = sorted(range(len(findings)), key=lambda i: -findings[i].severity.rank)
        chosen = sorted(keep[:MAX_RESULTS])
        dropped = len(findings) - MAX_RESULTS
        findings = [findings[i] for i in chosen]
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.rule not in worst or f.severity.rank > worst[f.rule].rank:
            worst[f.rule] = f.severity
    builtin = {r.id for r in load_default_catalogue().rules}

    def doc_url(rule: Rule) -> str:
        return f"{repo}/blob/main/{RULES_DOC}#{rule.id}" if repo and rule.id in builtin else ""

    rules = [_rule_descriptor(r, worst.get(r.id), doc_url(r)) for r in cat.rules]
    index = {r.id: i for i, r in enumerate(cat.rules)}
    for f in result.findings:
        if f.rule not in index:
            index[f.rule] = len(rules)
            rules.append(_unknown_rule(f.rule, f, worst.get(f.rule)))
    notes: list[dict[str, Any]] = []
    for s in result.skipped:
        notes.append(
            {
                "level": "note",
                "message": {"text": f"not scanned: {s.path}: {s.reason.value} ({s.detail})"},
                "descriptor": {"id": f"skipped/{s.reason.value}"},
                "properties": {"target": s.target, "path": s.path, "detail": s.detail},
            }
        )
    for n in result.warnings:
        notes.append(
            {
                "level": "warning",
                "message": {"text": f"{n.path}:{n.line}: {n.message}"},
                "descriptor": {"id": "suppression"},
                "properties": {"target": n.target, "path": n.path, "line": n.line},
            }
        )
    if dropped:
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{dropped} less severe results left out: GitHub code scanning "
                    f"accepts at most {MAX_RESULTS} results per run; the JSON report has all"
                },
                "descriptor": {"id": "truncated"},
            }
        )
    notes.extend(
        {"level": "note", "message": {"text": line}, "descriptor": {"id": "not-reported"}}
        for line in result.not_reported()
    )
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.min_confidence > 0 or result.config_file:
        invocation["properties"] = {
            "min_confidence": result.min_confidence,
            "config_file": result.config_file,
        }
    if result.started:
        invocation["startTimeUtc"] = result.started
    if notes:
        invocation["toolExecutionNotifications"] = notes
    overrides = [
        {"descriptor": {"id": r, "index": index[r]}, "configuration": {"enabled": False}}
        for r in result.disabled_rules
        if r in index
    ]
    if overrides:  # --disable
        invocation["ruleConfigurationOverrides"] = overrides
    driver: dict[str, Any] = {
        "name": "ethicscan",
        "version": result.tool_version,
        "semanticVersion": result.tool_version,
        "rules": rules,
        "properties": {"catalogue_version": result.catalogue_version},
    }
    if repo:
        driver["informationUri"] = repo
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {
            "%SRCROOT%": {"description": {"text": "The folder ethicscan was run from."}}
        },
        "results": [_result(f, index[f.rule], kinds) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "targets": [
                {"target": t.target, "kind": t.kind.value, "sha256": t.sha256, "size": t.size}
                for t in result.targets
            ],
            "results_left_out": dropped,
        },
    }
    return {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}


def render(
    result: ScanResult, catalogue: Catalogue | None = None, repository: str | None = None
) -> str:
    # every string valid Unicode, as in the JSON report: a lone surrogate (a "\ud800"
    # escape in a --results shard) would make the report unwritable as UTF-8
    doc = valid(to_dict(result, catalogue, repository))
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
