"""The data that flows between stages: plain, frozen, comparable.

Every stage takes and returns these types; nothing here does I/O.  The JSON
contract (docs/json-format.md) is produced from them by ``report.json``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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
    path: str  # relative to the target, with "/"
    line: int  # 1-based
    column: int  # 1-based, in characters
    target: str = ""  # the target as given by the user


@dataclass(frozen=True, slots=True)
class Evidence:
    term: str
    snippet: str
    language: str
    gloss: str


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
    kind: str  # "file" | "directory"


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

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)
