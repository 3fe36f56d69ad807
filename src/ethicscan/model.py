"""The data that flows between stages: plain, frozen, comparable.

Every stage takes and returns these types; nothing here does I/O.  The JSON
contract (docs/json-format.md) is produced from them by ``report.json``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from ethicscan.kinds import TargetKind

_T = TypeVar("_T")


class Trait(str, enum.Enum):
    """A protected trait a finding is about."""

    RACE = "race"
    SKIN_COLOUR = "skin_colour"
    ETHNICITY = "ethnicity"
    ETHNIC_GROUP = "ethnic_group"
    RELIGION = "religion"
    POLITICAL_OPINION = "political_opinion"
    TRADE_UNION = "trade_union"
    SEXUAL_ORIENTATION = "sexual_orientation"
    CASTE = "caste"  # descent-based (ICERD Art. 1(1)): caste, jati, varna, Dalit


class Capability(str, enum.Enum):
    """How the software uses the trait, from the most to the least serious."""

    TARGETING = "targeting"
    INFERENCE = "inference"
    SEARCH = "search"
    RECORD = "record"
    MENTION = "mention"


class Basis(str, enum.Enum):
    """What an inference is drawn from."""

    BIOMETRIC = "biometric"
    NAME = "name"
    DOCUMENT = "document"
    UNKNOWN = "unknown"


class Severity(str, enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe (critical = 4, info = 0)."""
        return _SEVERITY_ORDER.index(self)

    def shifted(self, steps: int) -> Severity:
        """The severity ``steps`` levels up (positive) or down (negative), clamped."""
        i = min(max(self.rank + steps, 0), len(_SEVERITY_ORDER) - 1)
        return _SEVERITY_ORDER[i]


_SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.INFO,
    Severity.LOW,
    Severity.MEDIUM,
    Severity.HIGH,
    Severity.CRITICAL,
)


def path_text(name: str | bytes) -> str:
    """A file or member name as valid Unicode: bytes that are not UTF-8 (which the
    file system and tarfile hand over as lone surrogates, and libarchive as bytes)
    become ``\\xNN`` escapes, so every report can be written and a finding's
    fingerprint computed."""
    if isinstance(name, bytes):
        return name.decode("utf-8", "backslashreplace")
    if name.isascii():
        return name  # the common case, decided without encoding
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


class SkipReason(str, enum.Enum):
    """Why a file was not scanned.  Every value is documented in docs/json-format.md."""

    TOO_LARGE = "too_large"
    BINARY = "binary"
    UNREADABLE = "unreadable"
    UNDECODABLE = "undecodable"
    SYMLINK = "symlink"
    SPECIAL_FILE = "special_file"
    NOT_FOUND = "not_found"
    EXCLUDED = "excluded"
    ERROR = "error"
    # Inside archives, packages, binaries and documents (issue 3):
    LIMIT = "limit"  # an archive limit (depth, entries, expanded bytes, ratio) was hit
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"  # e.g. a compression method no library here reads
    NO_TEXT_LAYER = "no text layer"  # a scanned PDF: pictures of text, never "clean"
    FETCH_FAILED = "fetch_failed"  # a pypi:/npm:/deb: target could not be obtained
    ETHICSCAN_REPORT = "ethicscan_report"  # a report ethicscan wrote: its evidence, quoted
    # In a git work tree: what the repository ignores (.gitignore, .git/info/exclude), and
    # virtual environments and node_modules (``--no-ignore`` scans them).
    IGNORED_BY_GIT = "ignored_by_git"


@dataclass(frozen=True, slots=True)
class Ref:
    """A law or standard a finding touches."""

    id: str
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of context that moved a finding's capability, severity or confidence."""

    name: str
    weight: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is.  ``path`` is relative to the target, with ``/``; inside
    archives it is a chain joined by ``!`` (``sdk.zip!libs/face.jar!a/B.class``).
    ``line``/``column`` are 1-based (characters); in a document with pages they
    count within ``page``; in a binary they count within the list of strings
    extracted from it, and ``offset`` (bytes into the innermost file) or ``member``
    (``com.acme.FaceAttr.getSkinColor``) say where the string really is.
    ``end_line``: for a finding that stands for a code table's rows (``Evidence.terms``),
    the line of its last row, counted as ``line`` is (``line`` when they are all on one
    line); None for every other finding."""

    path: str
    line: int
    column: int
    target: str = ""  # the target as given by the user
    page: int | None = None  # 1-based page of a PDF/document
    offset: int | None = None  # byte offset of the matched string in a binary
    member: str = ""  # class/field/method/symbol a string belongs to
    end_line: int | None = None  # a code table's last row (see above)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What was matched.  ``terms``: for a finding that stands for a code table's rows
    (a list of ethnic groups is one finding, at its first row, through
    ``Location.end_line``), the distinct terms of those rows as matched, ``term`` first;
    empty for every other finding."""

    term: str
    snippet: str
    language: str
    gloss: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str  # ISO 8601, as recorded in the commit
    author: str

    def when(self) -> datetime:
        """The date as a time (a ``Z`` zone is read on every Python: 3.10's
        ``fromisoformat`` does not take one)."""
        d = self.date
        return datetime.fromisoformat(d[:-1] + "+00:00" if d.endswith(("Z", "z")) else d)


class HistoryStatus(str, enum.Enum):
    PRESENT = "present"  # still at the tip
    REMOVED = "removed"  # gone from the tip
    RENAMED = "renamed"  # the same value or structure under a new name nearby


@dataclass(frozen=True, slots=True)
class History:
    """When a finding of a history scan (``--history``) was in the repository."""

    first_commit: Commit
    last_commit: Commit
    status: HistoryStatus
    renamed_to: str = ""  # for RENAMED: the new name


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is suppressed (it is still reported, marked, never deleted)."""

    reason: str
    source: str  # "inline" (a comment in the file) or "config"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    trait: Trait
    capability: Capability
    basis: Basis | None
    severity: Severity
    confidence: float
    location: Location
    evidence: Evidence
    signals: tuple[Signal, ...]
    refs: tuple[Ref, ...]
    fingerprint: str
    history: History | None = None
    suppression: Suppression | None = None
    # The evidence score the signals add up to (the term kind's base plus the signals'
    # weights); ``confidence`` is this score calibrated to the probability that such a
    # finding is true (rules/data/calibration.yml).
    score: float = 0.0

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.path, self.location.line, self.location.column, self.rule)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not scanned, and why.  Never dropped from any output."""

    path: str
    reason: SkipReason
    detail: str = ""
    target: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    """One target as the user gave it."""

    target: str
    kind: TargetKind
    artefact: str = ""  # for a package target: the exact file obtained
    sha256: str = ""  # of a file or package target
    size: int | None = None  # bytes, of a file or package target


@dataclass(frozen=True, slots=True)
class Notice:
    """Something about the input the user should fix that is not a finding, e.g. an
    inline suppression with no reason or an unknown rule id (it then suppresses nothing)."""

    path: str
    line: int
    message: str
    target: str = ""


@dataclass(frozen=True, slots=True)
class Stats:
    files: int
    bytes: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ScanResult:
    targets: tuple[Target, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    stats: Stats
    catalogue_version: str
    tool_version: str = field(default="")
    warnings: tuple[Notice, ...] = ()
    started: str = ""  # ISO 8601 UTC time the scan started, e.g. 2026-11-27T01:45:06Z
    disabled_rules: tuple[str, ...] = ()  # rule ids turned off for this scan (--disable)
    min_confidence: float = 0.0  # findings less confident were not reported
    # The configuration file in force when it set min-confidence or disable: a file in
    # the folder a scan runs from can drop findings, so every report names it.
    config_file: str = ""

    def not_reported(self) -> tuple[str, ...]:
        """What the scan's settings left out of the report, one sentence each, and the
        configuration file that set them: every report format states these."""
        out = []
        if self.min_confidence > 0:
            out.append(
                f"findings with confidence below {self.min_confidence:g} are not reported "
                "(min-confidence)"
            )
        if self.disabled_rules:
            out.append(
                "findings of rules turned off are not reported (disable): "
                + ", ".join(self.disabled_rules)
            )
        if self.config_file:
            out.append(f"these settings come from the configuration file {self.config_file}")
        return tuple(out)

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)

    def unread_targets(self) -> tuple[Target, ...]:
        """The targets the user named that could not be read at all: missing,
        unreadable, or a package that could not be fetched (each is also in
        ``skipped`` with its reason)."""
        return tuple(
            t
            for t in self.targets
            if t.kind in (TargetKind.MISSING, TargetKind.UNREADABLE)
            or (t.kind is TargetKind.PACKAGE and not t.artefact)
        )

    def failing(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings that fail a ``--fail-on severity`` gate: at or above it and
        not suppressed."""
        return tuple(f for f in self.at_or_above(severity) if f.suppression is None)


def slot_maker(cls: type[_T]) -> Callable[..., _T]:
    """A maker of instances of ``cls`` (a frozen dataclass with slots, no
    ``__post_init__``) from all its fields' values, in their order: what ``cls(...)``
    makes, each slot set by its descriptor instead of by ``__init__``'s
    ``object.__setattr__`` a field (a frozen class's), some 40 % of the time.  For
    the objects a dense text makes by the tens of thousands (its findings)."""
    if "__post_init__" in cls.__dict__ or not getattr(cls, "__slots__", None):
        raise TypeError(f"{cls.__name__}: not a slotted dataclass without __post_init__")
    names = list(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    scope.update({f"_set_{n}": cls.__dict__[n].__set__ for n in names})
    body = "".join(f"    _set_{n}(o, {n})\n" for n in names)
    exec(f"def make({', '.join(names)}):\n    o = _new(_cls)\n{body}    return o\n", scope)
    made: Callable[..., _T] = scope["make"]
    return made
