"""A finding's fingerprint: the one formula, for the classifier (``Finding.fingerprint``)
and for baselines (the same over the path as seen from the folder a scan runs in).

A fingerprint leaves the line number out, so it survives edits above a finding: it is a
hash of the rule, the path, the matched term (lower-cased), the line's text (whitespace
folded) and the occurrence number among findings equal in all of those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from ethicscan.model import Finding


def text_key(rule: str, term: str, snippet: str) -> tuple[str, str, str]:
    """What a fingerprint reads of a finding besides its path: the rule, the term
    lower-cased and the line's text with whitespace folded (``diff`` pairs a finding
    moved to another file by this)."""
    return (rule, term.lower(), " ".join(snippet.split()))


def fingerprints(findings: Sequence[Finding], paths: Sequence[str] | None = None) -> list[str]:
    """The fingerprint of each of ``findings``, in order, counting equal ones in that
    order.  ``paths``: the path each finding is fingerprinted at (default: its
    location's path)."""
    at = paths if paths is not None else [f.location.path for f in findings]
    return fingerprints_of(
        (f.rule, path, f.evidence.term, f.evidence.snippet)
        for f, path in zip(findings, at, strict=True)
    )


def fingerprints_of(rows: Iterable[tuple[str, str, str, str]]) -> list[str]:
    """The fingerprint of each finding given as (rule, path, term, snippet), in order,
    counting equal ones in that order (what :func:`fingerprints` reads of a finding).
    A term is lower-cased once, and a snippet folded once for the findings in a row
    that share it (the findings of a line share one string)."""
    counts: dict[str, int] = {}
    lowered: dict[str, str] = {}
    out = []
    sha256 = hashlib.sha256
    snippet_seen: str | None = None
    line = ""
    for rule, path, term_text, snippet in rows:
        if snippet is not snippet_seen:
            snippet_seen, line = snippet, " ".join(snippet.split())
        term = lowered.get(term_text)
        if term is None:
            term = lowered[term_text] = term_text.lower()
        basis = f"{rule}\x1f{path}\x1f{term}\x1f{line}"  # text_key's, joined
        n = counts.get(basis, 0)
        counts[basis] = n + 1
        out.append(sha256(f"{basis}\x1f{n}".encode()).hexdigest()[:20])
    return out
