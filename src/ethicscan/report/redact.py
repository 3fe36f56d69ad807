"""``--redact``: a snippet keeps its matched term and its shape, nothing else it said.

A snippet quotes the line a term was found on, and that line can carry a person's name,
an address or an id next to their ethnicity or religion.  Redaction replaces every
character of the snippet that is not part of the matched term (compared without case,
every occurrence) and is not white space by ``*``, so the snippet keeps its length and
columns.  It is applied once to the result, after the baseline is applied and before any
reporter runs, so every output format gets the same text; fingerprints are left as the
scan computed them, so baselines and ``ethicscan diff`` still match.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ethicscan.model import Evidence, Finding, ScanResult

MASK = "*"


def mask(snippet: str, term: str) -> str:
    """``snippet`` with everything but the occurrences of ``term`` and white space masked."""
    keep = [False] * len(snippet)
    if term:
        for m in re.finditer(re.escape(term), snippet, re.IGNORECASE):
            keep[m.start() : m.end()] = [True] * (m.end() - m.start())
    return "".join(c if k or c.isspace() else MASK for c, k in zip(snippet, keep, strict=True))


def _evidence(ev: Evidence) -> Evidence:
    return replace(ev, snippet=mask(ev.snippet, ev.term))


def _finding(f: Finding) -> Finding:
    return replace(f, evidence=_evidence(f.evidence))


def redact(result: ScanResult) -> ScanResult:
    """``result`` with every finding's snippet masked (see the module's docstring)."""
    return replace(result, findings=tuple(_finding(f) for f in result.findings))
