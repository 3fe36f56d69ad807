"""The JSON contract (docs/json-format.md).  A reporter renders a ScanResult; it
never filters or rescans."""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from json.encoder import encode_basestring as _encode
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
            "end_line": f.location.end_line,
            "page": f.location.page,
            "offset": f.location.offset,
            "member": f.location.member,
        },
        "evidence": {
            "term": f.evidence.term,
            "snippet": f.evidence.snippet,
            "language": f.evidence.language,
            "gloss": f.evidence.gloss,
            "terms": list(f.evidence.terms),
        },
        "signals": [_signal_dict(s) for s in f.signals],
        "refs": [_ref_dict(r) for r in f.refs],
        "fingerprint": f.fingerprint,
        "history": _history(f.history),
        "suppression": (
            {"reason": f.suppression.reason, "source": f.suppression.source}
            if f.suppression
            else None
        ),
    }


def _signal_dict(s: Signal) -> dict[str, Any]:
    return {"name": s.name, "weight": s.weight, "detail": s.detail}


def _ref_dict(r: Ref) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "url": r.url}


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
    return _document(result, [finding_dict(f) for f in result.findings])


def _document(result: ScanResult, findings: list[dict[str, Any]]) -> dict[str, Any]:
    """The report of ``result``, with ``findings`` as its findings."""
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
        "findings": findings,
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
    """The report: ``json.dumps(valid(to_dict(result)), ensure_ascii=False, indent=2)``
    and a line break, character for character, written faster (a dense text's report
    holds 100,000 findings: the standard encoder, indented, runs in Python at some 60 µs
    a finding).  The findings are written from a template, with what they share (a
    rule's references, a decision's signals, a path) encoded once; the rest of the
    report by ``json.dumps``.  Python's cycle collector is paused meanwhile: what is
    made here holds no cycle, and each of its full passes would walk every finding of
    the result (a third of the time of a large report)."""
    return "".join(render_parts(result))


def render_parts(result: ScanResult) -> Iterator[str]:
    """:func:`render`'s text in parts, a finding a part (joined: the text), each made as
    it is asked for: a writer encodes and writes a few at a time, and the report is
    never held whole (the report of a dense text is some 2 kB a finding, 120 MB for
    60,000).  The cycle collector is paused until the last part is made (or the parts
    are let go)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield from _render(result)
    finally:
        if enabled:
            gc.enable()


def _render(result: ScanResult) -> Iterator[str]:
    head = _document(result, [])
    yield "{"
    for i, (key, value) in enumerate(head.items()):
        yield f"{',' if i else ''}\n  {_encode(key)}: "
        if key != "findings":
            yield _nested(value, 1)
        elif not result.findings:
            yield "[]"
        else:
            texts = _FindingTexts()
            yield "[\n    "
            for i, f in enumerate(result.findings):
                if i:
                    yield ",\n    "
                yield texts(f)
            yield "\n  ]"
    yield "\n}\n"


def _nested(value: Any, level: int) -> str:
    """``value`` as the indented encoder writes it ``level`` levels deep."""
    text = json.dumps(valid(value), ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level)


def _str(s: str) -> str:
    return _encode(path_text(s))


def _scalar(v: object) -> str:
    """A value of a finding's field (a string, number, bool or None), as ``json.dumps``
    writes it."""
    if isinstance(v, str):
        return _encode(path_text(v))
    if isinstance(v, float):
        return _floatstr(v)
    if type(v) is int:
        return int.__repr__(v)
    return json.dumps(v)


def _floatstr(v: float) -> str:
    if v != v:
        return "NaN"
    if v in (math.inf, -math.inf):
        return "Infinity" if v > 0 else "-Infinity"
    return float.__repr__(v)


def _exact(signals: tuple[Signal, ...]) -> tuple[object, ...]:
    """``signals`` as a key that tells apart what JSON writes apart (0.0 and -0.0)."""
    return tuple(
        (
            x.name,
            type(x.weight),
            _floatstr(x.weight) if isinstance(x.weight, float) else x.weight,
            x.detail,
        )
        for x in signals
    )


def _stamped(frame: tuple[str, str, tuple[str, str, str]], f: Finding, snippet: str) -> str:
    """A finding's text: its ``frame`` (the text of its objects, cut where the line, the
    column, the snippet and the fingerprint go) with those put in (``snippet`` as JSON
    text already)."""
    pre, mid, post = frame
    line, column, fp = f.location.line, f.location.column, f.fingerprint
    # (a fingerprint's hex digits: ASCII, no name to make valid first)
    return (
        f"{pre}{int.__repr__(line) if type(line) is int else _scalar(line)}"
        f"{mid}{int.__repr__(column) if type(column) is int else _scalar(column)}"
        f"{post[0]}{snippet}{post[1]}"
        f"{_encode(fp) if fp.isascii() else _str(fp)}{post[2]}"
    )


class _FindingTexts:
    """Each finding as ``finding_dict`` of it, two levels deep, is written: the parts
    findings share (a rule and its verdict, a path, a term, a tuple of signals) are
    encoded once, each kept alive here while its text is."""

    def __init__(self) -> None:
        self._heads: dict[tuple[object, ...], str] = {}
        # (target, path, member) -> the location's text up to its line, and from its page
        # on where it has neither page nor offset
        self._places: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._terms: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._blocks: dict[int, tuple[object, str]] = {}
        self._values: dict[object, str] = {}
        self._members: dict[tuple[int, ...], tuple[tuple[Signal, ...], str]] = {}
        # the last snippet written, and its text: the findings of a line come one after
        # another and share their snippet (the same string)
        self._snippet: tuple[str, str] = ("", '""')
        # a confidence and a score (the objects: findings of one decision share them, and
        # 0.0 and -0.0, 1 and 1.0 compare equal but are written apart), and their text
        self._numbers: dict[tuple[int, int], tuple[object, object, str]] = {}
        # by its signals' identity, the last finding written by ``_text`` with no end
        # line, page, offset, code table's terms, history nor suppression, and its text
        # but its line, column, snippet and fingerprint (``__call__``)
        self._last: dict[int, tuple[Finding, tuple[str, str, tuple[str, str, str]]]] = {}

    def block(
        self, obj: object, make: Callable[[], Any], exact: Callable[[], object] | None = None
    ) -> str:
        """``obj`` (a tuple of signals or references, a history: a frozen value) as a
        value of a finding's field, encoded once for each distinct value (found by
        identity first: findings share these objects).  ``exact``: the value as it
        compares exactly, when ``obj`` compares equal to values written otherwise (a
        weight of 0.0 and one of -0.0, or of 1 and 1.0)."""
        got = self._blocks.get(id(obj))
        if got is not None and got[0] is obj:
            return got[1]
        k = obj if exact is None else exact()
        text = self._values.get(k)
        if text is None:
            text = self._values[k] = _nested(make(), 3)
        self._blocks[id(obj)] = (obj, text)
        return text

    def _snippet_text(self, snippet: str) -> str:
        """The snippet as JSON text (the last one's again when it is the same object:
        the findings of one line share it)."""
        last = self._snippet
        if snippet is last[0]:
            return last[1]
        text = _str(snippet)
        self._snippet = (snippet, text)
        return text

    def _signals(self, sig: tuple[Signal, ...]) -> str:
        # Tuples of the same Signal objects (the classifier makes each signal once) are
        # found by the objects' identities, kept alive by the tuple stored with them.
        ids = tuple(map(id, sig))
        got = self._members.get(ids)
        if got is None:
            text = self.block(sig, lambda: [_signal_dict(x) for x in sig], lambda: _exact(sig))
            got = self._members[ids] = (sig, text)
        self._blocks[id(sig)] = (sig, got[1])
        return got[1]

    def _refs(self, refs: tuple[Ref, ...]) -> str:
        return self.block(refs, lambda: [_ref_dict(r) for r in refs])

    def __call__(self, f: Finding) -> str:
        # A finding whose objects are those of the last one written in full with its
        # signals (a log's lines of one verdict, the same rule, numbers, references, path
        # and term), and which has no field written on its own, is that finding's text
        # with its own line, column, snippet and fingerprint put in: the objects compared
        # by identity (the witness keeps them alive), its term by value (a slice of the
        # text, a string of its own).
        loc, ev, sig = f.location, f.evidence, f.signals
        got = self._last.get(id(sig))
        if (
            got is not None
            and (w := got[0]).signals is sig
            and w.rule is f.rule
            and w.trait is f.trait
            and w.capability is f.capability
            and w.basis is f.basis
            and w.severity is f.severity
            and w.confidence is f.confidence
            and w.score is f.score
            and w.refs is f.refs
            and f.history is None
            and f.suppression is None
            and (wl := w.location).path is loc.path
            and wl.target is loc.target
            and wl.member is loc.member
            and loc.end_line is None
            and loc.page is None
            and loc.offset is None
            and (we := w.evidence).language is ev.language
            and we.gloss is ev.gloss
            and we.term == ev.term
            and not ev.terms
        ):
            return _stamped(got[1], f, self._snippet_text(ev.snippet))
        return self._text(f)

    def _text(self, f: Finding) -> str:
        # the enumerations' members are singletons: their identity is their value
        key = (f.rule, id(f.trait), id(f.capability), id(f.basis), id(f.severity))
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = (
                f'{{\n      "rule": {_str(f.rule)},'
                f'\n      "trait": {_str(f.trait.value)},'
                f'\n      "capability": {_str(f.capability.value)},'
                f'\n      "basis": {_str(f.basis.value) if f.basis else "null"},'
                f'\n      "severity": {_str(f.severity.value)},'
                '\n      "confidence": '
            )
        loc = f.location
        got_place = self._places.get((loc.target, loc.path, loc.member))
        if got_place is None:
            got_place = self._places[(loc.target, loc.path, loc.member)] = (
                f'\n      "location": {{\n        "target": {_str(loc.target)},'
                f'\n        "path": {_str(loc.path)},'
                '\n        "line": ',
                '"end_line": null,\n        "page": null,\n        "offset": null,'
                f'\n        "member": {_str(loc.member)}',
            )
        place, rest = got_place
        if loc.page is not None or loc.offset is not None or loc.end_line is not None:
            rest = (
                f'"end_line": {_scalar(loc.end_line)},'
                f'\n        "page": {_scalar(loc.page)},\n        "offset": {_scalar(loc.offset)},'
                f'\n        "member": {_str(loc.member)}'
            )
        ev = f.evidence
        term = self._terms.get((ev.term, ev.language, ev.gloss))
        if term is None:
            term = self._terms[(ev.term, ev.language, ev.gloss)] = (
                f'\n      "evidence": {{\n        "term": {_str(ev.term)},\n        "snippet": ',
                f',\n        "language": {_str(ev.language)},'
                f'\n        "gloss": {_str(ev.gloss)},\n        "terms": []\n      }},',
            )
        if ev.terms:  # (a code table's: its own, its terms a list as ``_nested`` writes it)
            term = (
                term[0],
                f',\n        "language": {_str(ev.language)},'
                f'\n        "gloss": {_str(ev.gloss)},'
                f'\n        "terms": {_nested(list(ev.terms), 4)}\n      }},',
            )
        snippet = self._snippet_text(ev.snippet)
        sig, refs = f.signals, f.refs
        got = self._blocks.get(id(sig))
        signals = got[1] if got is not None and got[0] is sig else self._signals(sig)
        got = self._blocks.get(id(refs))
        refs_text = got[1] if got is not None and got[0] is refs else self._refs(refs)
        h = f.history
        history = "null" if h is None else self.block(h, lambda: _history(h))
        u = f.suppression
        suppression = (
            "null" if u is None else self.block(u, lambda: {"reason": u.reason, "source": u.source})
        )
        conf, score = f.confidence, f.score
        got_numbers = self._numbers.get((id(conf), id(score)))
        if got_numbers is not None and got_numbers[0] is conf and got_numbers[1] is score:
            numbers = got_numbers[2]
        else:
            numbers = f'{_scalar(conf)},\n      "score": {_scalar(score)},'
            self._numbers[(id(conf), id(score))] = (conf, score, numbers)
        frame = (
            f"{head}{numbers}{place}",
            ',\n        "column": ',
            (
                f",\n        {rest}\n      }},{term[0]}",
                f'{term[1]}\n      "signals": {signals},\n      "refs": {refs_text},'
                '\n      "fingerprint": ',
                f',\n      "history": {history},\n      "suppression": {suppression}\n    }}',
            ),
        )
        if (
            h is None
            and u is None
            and not ev.terms
            and loc.end_line is None
            and loc.page is None
            and loc.offset is None
        ):
            # what another finding with these objects is written with (``__call__``);
            # the finding is kept, and with it the objects' identities
            self._last[id(sig)] = (f, frame)
        return _stamped(frame, f, snippet)


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
            loc.get("end_line"),  # (a report of an earlier 1.0 has no end_line, no terms)
        ),
        evidence=Evidence(
            ev["term"], ev["snippet"], ev["language"], ev["gloss"], tuple(ev.get("terms", ()))
        ),
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
