"""Sources behind one interface: the table of target kinds, and a scan that is a loop
over sources (a kind of target added by one source and one row of the table)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.extract.units import Limits, Scratch
from ethicscan.model import Skipped, SkipReason, Target
from ethicscan.sources import SOURCES, Row, kind_of
from ethicscan.sources.fs import FileJob
from ethicscan.sources.interface import Opened, SourceKind, SourceOptions


def test_every_target_kind_has_a_source() -> None:
    assert set(SOURCES) == set(SourceKind)


@pytest.mark.parametrize(
    ("target", "history", "kind"),
    [
        ("pypi:six==1.16.0", False, SourceKind.PACKAGE),
        ("npm:@scope/pkg@1.0.0", False, SourceKind.PACKAGE),
        ("deb:hello", False, SourceKind.PACKAGE),
        ("./pypi:six", False, SourceKind.PATH),  # a file named like a package target
        ("src", False, SourceKind.PATH),
        ("git+https://example.org/r.git", False, SourceKind.PATH),  # only with --history
        ("src", True, SourceKind.REPOSITORY),
        ("pypi:six", True, SourceKind.REPOSITORY),
    ],
)
def test_kind_of(target: str, history: bool, kind: SourceKind) -> None:
    assert kind_of(target, history) is kind


@dataclass(frozen=True, slots=True)
class Member:
    """A unit held in memory (member bytes)."""

    rel_path: str
    data: bytes
    target: str

    def open(self, limit: int, limits: Limits, scratch: Scratch) -> Opened | Skipped:
        return Opened(
            FileJob("", self.rel_path, len(self.data), self.target), len(self.data), self.data
        )


class MemorySource:
    """``mem:`` targets: two texts, and one entry skipped with its reason."""

    def __init__(self, options: SourceOptions, targets: Sequence[str]) -> None:
        self.targets = list(targets)  # every target of its kind, before any is read

    def units(self, target: str) -> Iterator[Member | Skipped | Target]:
        yield Target(target, "memory")
        yield Member("face.py", b"class Face:\n    skin_color: str\n", target)
        yield Member("clean.txt", b"nothing to see\n", target)
        yield Skipped("locked.bin", SkipReason.UNREADABLE, "held by another process", target)


def test_a_kind_of_target_is_one_source_and_one_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The scan knows no source by name: a row of the table is enough for another kind
    of target, whose units go through the same pipeline as files."""
    row = Row(MemorySource, lambda t: t.startswith("mem:"))  # (in place of packages)
    monkeypatch.setattr("ethicscan.sources.SOURCES", {**SOURCES, SourceKind.PACKAGE: row})
    (tmp_path / "face.py").write_text("class Face:\n    skin_color: str\n")
    result = scan(["mem:a", str(tmp_path)], ScanOptions(jobs=1))
    assert [(t.target, t.kind) for t in result.targets] == [
        ("mem:a", "memory"),
        (str(tmp_path), "directory"),
    ]
    found = {(f.location.target, f.location.path) for f in result.findings}
    assert found == {("mem:a", "face.py"), (str(tmp_path), "face.py")}
    mem = [f for f in result.findings if f.location.target == "mem:a"]
    disk = [f for f in result.findings if f.location.target == str(tmp_path)]
    assert [f.rule for f in mem] == [f.rule for f in disk]  # the same pipeline
    assert [(s.path, s.reason) for s in result.skipped] == [("locked.bin", SkipReason.UNREADABLE)]
    assert result.stats.files == 3  # two texts from memory, one file
