"""The timeline of a history scan: for each rule and path, when it was first and
last in the repository and what became of it.  Pure data, for any reporter (the
table report prints it; an HTML report can draw it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ethicscan.model import Commit, Finding, History, HistoryStatus, ScanResult, Severity


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """Findings of one rule in one file of one repository, with one status."""

    target: str
    path: str
    rule: str
    status: HistoryStatus
    severity: Severity  # the most serious of the row's findings
    first: Commit  # the earliest first commit of the row's findings
    last: Commit  # the latest last commit
    terms: tuple[str, ...]  # matched terms, in order of first appearance
    renamed_to: tuple[str, ...]  # new names, for renamed findings
    findings: int


def when_of(c: Commit) -> datetime:
    """The commit's time; a date that cannot be read (a report read back from a shard
    or another tool) sorts first rather than stopping the report."""
    try:
        when = c.when()
    except (ValueError, OverflowError):
        return _EARLIEST
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def timeline(result: ScanResult) -> list[TimelineRow]:
    """One row per target, path, rule and status, oldest first; findings without
    a history (a scan without ``--history``) have no row."""
    groups: dict[tuple[str, str, str, HistoryStatus], list[tuple[Finding, History]]] = {}
    for f in result.findings:
        if f.history is None:
            continue
        key = (f.location.target, f.location.path, f.rule, f.history.status)
        groups.setdefault(key, []).append((f, f.history))
    rows = []
    for (target, path, rule, status), found in groups.items():
        found.sort(key=lambda fh: (when_of(fh[1].first_commit), fh[0].sort_key()))
        hist = [h for _, h in found]
        first = min((h.first_commit for h in hist), key=lambda c: (when_of(c), c.sha))
        last = max((h.last_commit for h in hist), key=lambda c: (when_of(c), c.sha))
        rows.append(
            TimelineRow(
                target=target,
                path=path,
                rule=rule,
                status=status,
                severity=max((f.severity for f, _ in found), key=lambda s: s.rank),
                first=first,
                last=last,
                terms=tuple(dict.fromkeys(f.evidence.term for f, _ in found)),
                renamed_to=tuple(dict.fromkeys(h.renamed_to for h in hist if h.renamed_to)),
                findings=len(found),
            )
        )
    rows.sort(
        key=lambda r: (when_of(r.first), when_of(r.last), r.target, r.path, r.rule, r.status.value)
    )
    return rows
