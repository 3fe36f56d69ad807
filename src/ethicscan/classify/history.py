"""From findings in blob versions to findings with a history.

The same finding across versions is the same fingerprint (rule, path, term and
line text, never the line number).  A finding whose fingerprint is not at the tip
is then matched against the tip, in this order:

1. moved: the same rule, term and line text at another path, the old path gone;
2. edited: its line, with one name in it replaced by a wildcard, is a line of the
   tip version of its file that holds a finding of the same rule and term;
3. renamed: its line, with the matched name replaced by an identifier wildcard,
   is a line of the tip version of its file (or of the file it moved to) that was
   not in the old version: the same value or structure under a new name;
4. otherwise removed.

Moved and edited findings are one finding with the tip's; a removed or renamed one
is reported at its last version and never with a lower severity than any version
had: a deletion is evidence, not a fix.  A present one reads as it does at the tip.
Pure: reading blobs is the caller's.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from ethicscan.classify.signals import SignalName
from ethicscan.commits import BlobId, CommitInfo
from ethicscan.model import Finding, History, HistoryStatus, Signal

MIN_CONTEXT = 6  # characters of a line, besides the wildcard, that a rename must keep
_IDENT = r"[\w$]+"
_IDENT_RE = re.compile(_IDENT)


@dataclass(frozen=True, slots=True)
class Sighting:
    """A blob at a path, and the earliest and latest commits (in the scanned range)
    whose tree holds it there."""

    path: str
    blob: BlobId
    first: CommitInfo
    last: CommitInfo


class Tip(Protocol):
    """What the tip of the history looks like, for matching gone findings."""

    paths: frozenset[str]

    def text(self, path: str) -> str | None:
        """The decoded text at ``path`` in the tip, or None."""

    def old_text(self, blob: BlobId) -> str | None:
        """The decoded text of a blob of any version, or None."""


@dataclass
class _Group:
    finding: Finding  # the version closest to the tip
    blob: BlobId
    first: CommitInfo
    last: CommitInfo
    present: bool = False
    worst: Finding = field(init=False)

    def __post_init__(self) -> None:
        self.worst = self.finding

    def absorb(self, other: _Group) -> None:
        if other.first.order < self.first.order:
            self.first = other.first
        if other.last.order > self.last.order:
            self.last = other.last
        if other.worst.severity.rank > self.worst.severity.rank:
            self.worst = other.worst


def sightings(
    by_commit: Iterable[tuple[CommitInfo, Sequence[tuple[str, BlobId]]]],
) -> list[Sighting]:
    """Fold commits (any order) into one ``Sighting`` per ``(path, blob)``."""
    span: dict[tuple[str, BlobId], list[CommitInfo]] = {}
    for c, pairs in by_commit:
        for pair in pairs:
            cur = span.get(pair)
            if cur is None:
                span[pair] = [c, c]
            else:
                if c.order < cur[0].order:
                    cur[0] = c
                if c.order > cur[1].order:
                    cur[1] = c
    return [Sighting(p, b, f, last) for (p, b), (f, last) in sorted(span.items())]


def track(
    seen: Sequence[Sighting],
    findings_at: Callable[[str, BlobId], Sequence[Finding]],
    tip_pairs: frozenset[tuple[str, BlobId]],
    tip: Tip,
) -> list[Finding]:
    """Each distinct finding once, with its ``history``."""
    groups: dict[str, _Group] = {}
    # The version reported is the one at the tip, else the one last seen.
    rank: dict[str, tuple[bool, tuple[int, bytes]]] = {}
    for s in seen:
        at_tip = (s.path, s.blob) in tip_pairs
        for f in findings_at(s.path, s.blob):
            key = (at_tip, s.last.order)
            g = groups.get(f.fingerprint)
            if g is None:
                g = groups[f.fingerprint] = _Group(f, s.blob, s.first, s.last)
            else:
                g.absorb(_Group(f, s.blob, s.first, s.last))
                if key > rank[f.fingerprint]:
                    g.finding, g.blob = f, s.blob
            rank[f.fingerprint] = max(key, rank.get(f.fingerprint, key))
            g.present = g.present or at_tip
    present = [g for g in groups.values() if g.present]
    by_text: dict[tuple[str, str, str], list[_Group]] = {}
    by_line: dict[tuple[str, int], list[_Group]] = {}
    for g in present:
        by_text.setdefault(_text_key(g.finding), []).append(g)
        by_line.setdefault((g.finding.location.path, g.finding.location.line), []).append(g)

    gone = sorted((g for g in groups.values() if not g.present), key=lambda g: g.finding.sort_key())
    # First the findings that only moved: they also say where their files went.
    moved_to: dict[str, str] = {}
    rest: list[_Group] = []
    for g in gone:
        host = _moved_to(g, by_text, tip.paths)
        if host is None:
            rest.append(g)
            continue
        host.absorb(g)
        moved_to.setdefault(g.finding.location.path, host.finding.location.path)
    out: list[Finding] = []
    for g in rest:
        host, renamed_to = _edited_or_renamed(g, tip, by_line, moved_to)
        if host is not None:
            host.absorb(g)
            continue
        status = HistoryStatus.RENAMED if renamed_to else HistoryStatus.REMOVED
        out.append(_finished(g, status, renamed_to))
    out.extend(_finished(g, HistoryStatus.PRESENT, "") for g in present)
    return sorted(out, key=Finding.sort_key)


def _finished(g: _Group, status: HistoryStatus, renamed_to: str) -> Finding:
    f = g.finding
    worst = g.worst
    if status is not HistoryStatus.PRESENT and worst.severity.rank > f.severity.rank:
        # Never milder than it was: report the most serious reading any version had.
        note = Signal(
            SignalName.HISTORY_SEVERITY,
            0.0,
            f"{worst.severity.value} {worst.capability.value} in an earlier version",
        )
        f = replace(
            f,
            severity=worst.severity,
            capability=worst.capability,
            basis=worst.basis,
            signals=(*f.signals, note),
        )
    h = History(g.first.commit, g.last.commit, status, renamed_to)
    return replace(f, history=h)


def _fold(s: str) -> str:
    return " ".join(s.split())


def _text_key(f: Finding) -> tuple[str, str, str]:
    return (f.rule, f.evidence.term.lower(), _fold(f.evidence.snippet))


def _moved_to(
    g: _Group, by_text: dict[tuple[str, str, str], list[_Group]], tip_paths: frozenset[str]
) -> _Group | None:
    if g.finding.location.path in tip_paths:
        return None
    hosts = [
        h
        for h in by_text.get(_text_key(g.finding), ())
        if h.finding.location.path != g.finding.location.path
    ]
    if not hosts:
        return None
    name = posixpath.basename(g.finding.location.path)
    hosts.sort(
        key=lambda h: (posixpath.basename(h.finding.location.path) != name, h.finding.sort_key())
    )
    return hosts[0]


def _moved_path(path: str, tip: Tip, moved_to: dict[str, str]) -> list[str]:
    """Where a file may be in the tip: its own path; else where its other findings
    moved to; else tip files of the same name."""
    if path in tip.paths:
        return [path]
    if path in moved_to:
        return [moved_to[path]]
    name = posixpath.basename(path)
    return sorted(p for p in tip.paths if posixpath.basename(p) == name)


def _edited_or_renamed(
    g: _Group,
    tip: Tip,
    by_line: dict[tuple[str, int], list[_Group]],
    moved_to: dict[str, str],
) -> tuple[_Group | None, str]:
    f = g.finding
    snippet = f.evidence.snippet.strip("…").strip()
    tokens = list(_IDENT_RE.finditer(snippet))
    term_tok = _token_of(snippet, f.evidence.term, tokens)
    old = tip.old_text(g.blob)
    old_all = old.splitlines() if old is not None else []
    old_lines = {_fold(x) for x in old_all}
    around = _neighbours(old_all, f.location.line - 1)
    for path in _moved_path(f.location.path, tip, moved_to):
        text = tip.text(path)
        if text is None:
            continue
        lines = text.splitlines()
        # edited: any one other name changed, the finding itself still there
        for tok in tokens:
            if tok is term_tok:
                continue
            pat = _pattern(snippet, tok, MIN_CONTEXT)
            if pat is None:
                continue
            for i, line in enumerate(lines):
                if pat.search(line):
                    for host in by_line.get((path, i + 1), ()):
                        if host.finding.rule == f.rule:
                            return host, ""
        if term_tok is None:
            continue
        old_name = term_tok.group(0).lower()
        # renamed: the same line under a new name; a short line (``ETHNIC_CODES = {``)
        # counts when the lines around it survive too (a code table under a new name)
        strict = _pattern(snippet, term_tok, MIN_CONTEXT)
        loose = _pattern(snippet, term_tok, 0)
        folded = [_fold(x) for x in lines]
        for i, line in enumerate(lines):
            m = strict.search(line) if strict is not None else None
            if m is None and loose is not None and around is not None:
                m = loose.search(line)
                if m is not None and not _same_around(folded, i, around):
                    m = None
            if m is None or folded[i] in old_lines:
                continue
            if m.group("name").lower() != old_name:
                return None, m.group("name")
    return None, ""


NEIGHBOURS = 2  # lines before and after a short line that must survive a rename with it


def _neighbours(lines: list[str], at: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The folded lines just before and just after line ``at``, when they say enough."""
    if not 0 <= at < len(lines):
        return None
    before = tuple(_fold(x) for x in lines[max(0, at - NEIGHBOURS) : at])
    after = tuple(_fold(x) for x in lines[at + 1 : at + 1 + NEIGHBOURS])

    def enough(part: tuple[str, ...]) -> bool:
        return len(part) == NEIGHBOURS and len("".join(part).replace(" ", "")) >= 2 * MIN_CONTEXT

    if not (enough(before) or enough(after)):
        return None
    return (before if enough(before) else (), after if enough(after) else ())


def _same_around(
    folded: list[str], i: int, around: tuple[tuple[str, ...], tuple[str, ...]]
) -> bool:
    before, after = around
    if after and tuple(folded[i + 1 : i + 1 + len(after)]) == after:
        return True
    return bool(before) and tuple(folded[max(0, i - len(before)) : i]) == before


def _token_of(snippet: str, term: str, tokens: list[re.Match[str]]) -> re.Match[str] | None:
    """The identifier token of ``snippet`` that holds ``term`` (``emRace`` for ``Race``)."""
    at = snippet.find(term)
    if at < 0:
        at = snippet.lower().find(term.lower())
    if at < 0:
        return None
    for t in tokens:
        if t.start() <= at < t.end():
            return t
    return None


def _pattern(snippet: str, tok: re.Match[str], min_context: int) -> re.Pattern[str] | None:
    """``snippet`` as a regular expression, ``tok`` replaced by a name wildcard; None
    when the rest of the line has fewer than ``min_context`` characters."""
    before, after = snippet[: tok.start()], snippet[tok.end() :]
    if len((before + after).replace(" ", "")) < min_context:
        return None

    def lit(s: str) -> str:
        return r"\s+".join(re.escape(part) for part in s.split(" ")) if s else ""

    # The wildcard must be a whole name: no word character glued on either side.
    body = (
        lit(_fold_keep_edges(before))
        + rf"(?<![\w$])(?P<name>{_IDENT})(?![\w$])"
        + lit(_fold_keep_edges(after))
    )
    return re.compile(body)


def _fold_keep_edges(s: str) -> str:
    """Whitespace runs become one space; a leading or trailing space is kept."""
    return re.sub(r"\s+", " ", s)
