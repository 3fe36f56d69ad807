"""The types extractors produce and the explorer consumes.

An extractor turns the bytes of one file (a class file, a PDF, an ELF library)
into :class:`Segment` s of text, each knowing where it came from (a page, a byte
offset, a class member).  The explorer joins them into one text per file for the
classifier and maps each finding back to its segment.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import operator
import os
import shutil
import tempfile
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, overload

from ethicscan import interrupt
from ethicscan.kinds import TextKind
from ethicscan.model import SkipReason

if TYPE_CHECKING:  # pragma: no cover - types only
    from ethicscan.extract.strings import Runs

SPOOL_AT = 8 * 1024 * 1024  # members larger than this go to the private temp folder


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one file may expand to.  Every refusal is a skipped entry
    with its reason; the rest of the archive is still scanned."""

    max_depth: int = 12  # archives inside archives
    max_expanded: int = 4 * 1024**3  # bytes expanded from one file given to the scan
    max_ratio: float = 200.0  # expanded / compressed, per entry (checked above 1 MB)
    max_entries: int = 200_000  # archive entries under one file given to the scan
    max_member_size: int = 64 * 1024 * 1024  # largest binary or document read whole
    # Texts above this are read in pieces (extract.stream), whatever max_member_size
    # says: memory stays bounded by a few pieces, and one large text can be shared
    # between workers.
    whole_text: int = 4 * 1024 * 1024
    # Not a bound on size but on trust: whether an inline ``ethicscan: ignore[...]`` in a
    # third-party artefact (an archive member, a compiled file's strings) may suppress.
    trust_inline_suppressions: bool = False

    @property
    def stream_above(self) -> int:
        return min(self.whole_text, self.max_member_size)


# The deepest --max-depth allowed: each level of nesting costs a few Python stack
# frames, and 100 levels stay well inside the interpreter's recursion limit.
MAX_DEPTH = 100

RATIO_FLOOR = 1024 * 1024  # below this, any ratio is fine (a megabyte of zeros is no bomb)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of extracted text and where it is in its file."""

    text: str
    page: int | None = None
    offset: int | None = None
    member: str = ""


class LazySegments(Sequence[Segment]):
    """Segments made only when asked for (a binary can hold a million strings, and only
    those with a finding are looked up): a subclass gives ``__len__``, ``_at(i)`` for
    0 <= i < len and ``__iter__``; indexing, slices and equality are here, once."""

    __slots__ = ()

    @abstractmethod
    def _at(self, i: int) -> Segment: ...

    @overload
    def __getitem__(self, i: int) -> Segment: ...

    @overload
    def __getitem__(self, i: slice) -> list[Segment]: ...

    def __getitem__(self, i: int | slice) -> Segment | list[Segment]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("segment index out of range")
        return self._at(i)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))


class StringRuns(LazySegments):
    """The segments of a binary: its symbols, then its strings as the strings pass
    keeps them (:class:`ethicscan.extract.strings.Runs`: one text and where each
    string starts), a string's :class:`Segment` made only when it is asked for (a
    binary can hold a million strings, and only those with a finding are looked up)."""

    __slots__ = ("head", "runs")

    def __init__(self, head: tuple[Segment, ...], runs: Runs) -> None:
        self.head = head
        self.runs = runs

    def __len__(self) -> int:
        return len(self.head) + len(self.runs)

    def _at(self, i: int) -> Segment:
        return self.head[i] if i < len(self.head) else self.runs[i - len(self.head)]

    def __iter__(self) -> Iterator[Segment]:
        yield from self.head
        yield from self.runs

    def __repr__(self) -> str:
        return f"StringRuns({len(self.head)} symbols, {len(self.runs)} strings)"


class JoinedLines(LazySegments):
    """Segments of one line each kept as the text they make, joined by line breaks
    (``text``), with where each starts: a DEX file's hundreds of thousands of lines
    cost that text and a few arrays, not a :class:`Segment` and a string each.  A
    line's Segment is made only when it is asked for (a finding's place).  A subclass
    gives ``_at`` and ``__len__``; :meth:`line` is the ``i``-th line's text."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str, starts: Sequence[int]) -> None:
        self.text = text
        self._starts = starts  # each line's first character, and len(text) + 1

    def line(self, i: int) -> str:
        return self.text[self._starts[i] : self._starts[i + 1] - 1]

    def __iter__(self) -> Iterator[Segment]:
        return map(self._at, range(len(self)))


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an extractor read from one file.

    ``kind`` is how the classifier reads the text (a PDF's as prose, a binary's
    strings as strings); :attr:`TextKind.NAMED` reads it as the file's name says.  ``skipped``
    lists parts that could not be read (an encrypted page, a corrupt stream).
    ``members`` are embedded files to explore like archive members (name, bytes).
    """

    segments: Sequence[Segment]  # a tuple, a binary's StringRuns, or JoinedLines
    kind: TextKind = TextKind.NAMED
    skipped: tuple[tuple[SkipReason, str], ...] = ()
    members: tuple[tuple[str, bytes], ...] = ()
    # The file was read and no term can be in its text (extract.native.extract_screened):
    # counted as a text, nothing to classify.
    clean: bool = False


class ExtractError(Exception):
    """A whole file could not be read; becomes a skipped entry."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# An extractor reads a file's bytes (and its name, for messages) into text segments.
Extractor = Callable[[bytes, str], Extracted]


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One text to classify: a plain text file or an extractor's output."""

    path: str  # the chain: ``sdk.zip!libs/face.jar!com/a/B.class``
    text: str
    kind: TextKind = TextKind.NAMED
    # For extracted texts: the first line (0-based) of each segment in ``text`` (a range
    # for a binary's strings, one a line: a million of them need no million ints).
    starts: Sequence[int] = ()
    segments: Sequence[Segment] = ()
    # For a piece of a text too large to read whole (extract.stream.Piece): lines
    # and first-line characters before it, and which matches near a cut are its own.
    piece: bool = False
    line_base: int = 0
    col_base: int = 0
    keep_from: int = 0
    keep_before: int | None = None
    # The text's own UTF-8 bytes, when they are at hand (a UTF-8 file read as it is):
    # the prefilter's candidate pass then need not encode the text again.
    utf8: bytes | None = None
    # Read out of a compiled file (class, DEX, ELF, PE, Mach-O, .mo, other binaries):
    # built by someone, not written here, whatever folder it is in.
    compiled: bool = False

    @staticmethod
    def joined(path: str, extracted: Extracted) -> TextUnit:
        segs = extracted.segments
        if isinstance(segs, StringRuns):
            texts = [seg.text for seg in segs.head]
            if not any("\n" in t or "\r" in t for t in texts):
                # a binary's strings hold no line break: one line each, joined already
                text = "\n".join([*texts, segs.runs.text] if len(segs.runs) else texts)
                return TextUnit(path, text, extracted.kind, range(len(segs)), segs)
            texts += [seg.text for seg in segs.runs]
        elif (
            isinstance(segs, JoinedLines)
            and "\r" not in segs.text
            and segs.text.count("\n") == len(segs) - 1
        ):
            # joined already, a line each (as below, the texts not made again)
            return TextUnit(path, segs.text, extracted.kind, range(len(segs)), segs)
        else:
            segs = tuple(segs)
            texts = [seg.text for seg in segs]
            text = "\n".join(texts)
            if texts and "\r" not in text:
                # each segment as it is (no line break to make Unix), joined once: one line
                # each when none holds a break (a class's or DEX file's lines)
                n = len(texts)
                if text.count("\n") == n - 1:
                    return TextUnit(path, text, extracted.kind, tuple(range(n)), segs)
                breaks = map(str.count, texts, itertools.repeat("\n"))
                lines = itertools.accumulate(map(operator.add, breaks, itertools.repeat(1)))
                firsts = (0, *itertools.islice(lines, n - 1))
                return TextUnit(path, text, extracted.kind, firsts, segs)
            del text  # (joined again below, its carriage returns made line breaks)
        parts: list[str] = []
        starts: list[int] = []
        line = 0
        for piece in texts:
            piece = piece.replace("\r\n", "\n").replace("\r", "\n")
            starts.append(line)
            parts.append(piece)
            line += piece.count("\n") + 1
        return TextUnit(path, "\n".join(parts), extracted.kind, tuple(starts), segs)

    def origin(self, line: int) -> tuple[int, Segment | None]:
        """For a 1-based line of ``text``: the line within its segment and the
        segment, or the line itself for a plain text."""
        if not self.segments:
            return line, None
        i = bisect.bisect_right(self.starts, line - 1) - 1
        return line - self.starts[i], self.segments[i]

    def lines_within(self, line: int, end: int) -> int:
        """How many lines of ``text`` after the 1-based ``line`` up to ``end`` lie in
        ``line``'s segment: a code table that runs on onto the next page (or the next
        string of a binary) is cut at the end of its first."""
        if not self.segments:
            return end - line
        i = bisect.bisect_right(self.starts, line - 1)  # (the next segment's index)
        last = self.starts[i] if i < len(self.starts) else end  # its first line, 0-based
        return min(end, last) - line


@dataclass
class Blob:
    """The content of one file or archive member: in memory, or a file on disk
    (the user's file, or a spooled member in the scan's private temp folder)."""

    size: int
    data: bytes | None = None
    path: str | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        with open(self.path, "rb") as f:
            return f.read()

    def take(self) -> bytes:
        """The content, as :meth:`read` gives it, which a blob in memory then no longer
        holds (the caller's reference is the last one: the bytes go when it is done).
        Nothing reads such a blob again."""
        data = self.data
        if data is None:
            return self.read()
        self.data = None
        return data

    def head(self, n: int) -> bytes:
        if self.data is not None:
            return self.data[:n]
        assert self.path is not None
        with open(self.path, "rb") as f:
            return f.read(n)

    def open(self) -> BinaryIO:
        if self.data is not None:
            import io

            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")


@dataclass
class Scratch:
    """The scan's private temporary folder for spooled members (mode 0700),
    created on first use and removed, with everything in it, by :meth:`close`."""

    root: str | None = None
    _n: int = field(default=0)

    def new_file(self) -> str:
        if self.root is None:
            with interrupt.deferred():  # the folder is made and kept for close() at once
                self.root = tempfile.mkdtemp(prefix="ethicscan-")
        self._n += 1
        return os.path.join(self.root, f"m{self._n}")

    def remove(self, path: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(path)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
