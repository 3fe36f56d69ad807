"""One compiled multi-pattern pass over a text, with identifier-aware boundaries.

A :class:`Lexicon` holds many literal keys in one Aho-Corasick automaton
(pyahocorasick).  Matching runs over the text lower-cased, so ``EthicCode``,
``ethic_code`` and ``ETHIC_CODE`` are found by the keys ``ethiccode`` and
``ethic_code``; the boundary check then looks at the original text so that a key
only matches a whole identifier part:

* ``race`` matches ``race``, ``emRace``, ``RACE_TYPE``, ``dominant_race``,
  ``RaceClient``; never ``trace``, ``brace``, ``racecar`` or ``TRACE``.
* CJK keys have no spaces to lean on; each may list text that must not touch it
  (``not_after`` / ``not_before``), so ``运维族`` is not ``维族``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from ethicscan.model import slot_maker

P = TypeVar("P")
Q = TypeVar("Q")

SEPARATORS = ("", "_", "-", " ")


@dataclass(frozen=True, slots=True)
class Key(Generic[P]):
    """One literal to look for, and what it stands for."""

    text: str  # lower-case, as matched
    payload: P
    word: bool  # ASCII key: require identifier boundaries
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    start: int
    end: int
    key: Key[P]


# A Match made slot by slot (``slot_maker``): a dense text's matches are made by the
# hundred thousand (a face log's 100,000 terms and 80,000 context words)
_MATCH = slot_maker(Match)


def variants(text: str) -> list[str]:
    """The spellings a multi-word ASCII term takes in code: ``skin colour`` ->
    ``skin colour``, ``skincolour``, ``skin_colour``, ``skin-colour``; with three
    words or more, any separator between any two (``<xs:union memberTypes``: ``union
    membertypes``)."""
    low = text.lower()
    if not low.isascii() or " " not in low:
        return [low]
    parts = low.split()
    out = [parts[0]]
    for part in parts[1:]:
        out = [head + sep + part for head in out for sep in SEPARATORS]
    uniform = [sep.join(parts) for sep in SEPARATORS]  # the common spellings first
    return list(dict.fromkeys([*uniform, *out]))


def lower_same_length(text: str) -> str:
    """``text`` lower-cased with every index preserved (only ASCII is folded when
    Unicode lower-casing would change the length)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def starts_word(text: str, s: int) -> bool:
    if s == 0:
        return True
    prev, cur = text[s - 1], text[s]
    if not _alnum(prev) or prev.isdigit():
        return True
    if (prev.islower()) and cur.isupper():
        return True  # camelCase: emRace, nSkinColor
    # an acronym ending: HTMLRace -> Race
    return prev.isupper() and cur.isupper() and s + 1 < len(text) and text[s + 1].islower()


def ends_word(text: str, e: int) -> bool:
    if e >= len(text):
        return True
    last, nxt = text[e - 1], text[e]
    if not _alnum(nxt) or nxt.isdigit():
        return True
    if (last.islower() or last.isdigit()) and nxt.isupper():
        return True  # raceType, EthicCodeX
    # RACEType: an upper-case word followed by a capitalised one
    return last.isupper() and nxt.isupper() and e + 1 < len(text) and text[e + 1].islower()


class Lexicon(Generic[P]):
    """Many keys, one automaton, one pass."""

    def __init__(self, keys: Iterable[Key[P]]) -> None:
        table: dict[str, list[Key[P]]] = {}
        keys = tuple(keys)
        self.keys: tuple[Key[P], ...] = keys
        for key in keys:
            if not key.text:
                raise ValueError("empty key")
            table.setdefault(key.text, []).append(key)
        self._table = table
        self._automaton = ahocorasick.Automaton()
        for text, ks in table.items():
            self._automaton.add_word(text, (len(text), tuple(ks)))
        self.size = len(table)
        self._digit_keys = _line_safe(keys)
        if table:
            self._automaton.make_automaton()

    def find(self, text: str, lowered: str | None = None) -> list[Match[P]]:
        """Every boundary-respecting match in ``text``, in order of end then start."""
        if self.size == 0:
            return []
        low = lower_same_length(text) if lowered is None else lowered
        out: list[Match[P]] = []
        self._find(text, low, out)
        return out

    def at(self, text: str, ends: Iterable[tuple[int, str]]) -> list[Match[P]]:
        """The matches among candidates ``(end, key text)`` that another pass found
        (rules.prefilter), judged exactly as :meth:`find` judges its own: the same
        matches in the same order."""
        out: list[Match[P]] = []
        for end, key_text in sorted(set(ends), key=lambda e: (e[0], -len(e[1]))):
            keys = self._table.get(key_text)
            if not keys:
                continue
            start = end - len(key_text)
            if start < 0:
                continue  # (the other pass matched the key itself, case folded)
            _judge(text, start, end, keys, out)
        return out

    def find_by_lines(
        self,
        text: str,
        low: str,
        kept: Callable[[list[Match[P]]], list[Match[Q]]],
    ) -> tuple[list[Match[Q]], list[int]] | None:
        """``kept(self.find(text, low))``, with the line of each match (the line breaks
        before it), for a text of lines that read alike: each line is matched alone, and
        once per line shape (its digits written as zeros, :func:`line_shape`), its
        matches then copied with the line's offset.  ``kept`` is a filter that reads
        each line's matches apart from the others' (overlaps and nesting: no match holds
        a line break) and keeps the order by start.  None when too few lines share a
        shape (every LINES_CHECKED lines, more than half of them were new): the caller
        then matches the text whole.

        Exact: a match and its judgement read the text of its line and the line breaks
        each side, no more (:func:`_judge` reads one character each side; no key, and
        no text a key may not touch, holds a line break), and a line's low-cased text is
        the same slice of ``low``.  Two lines of one shape differ only in which digit
        stands where: a key without a digit matches both alike (every judgement reads a
        digit as a digit, and no text a key may not touch holds one), and a line where a
        key with digits may match (its text with zeros for digits is in the line's
        shape) is its own shape (:func:`_line_safe`)."""
        shaped = self.line_shapes(text, low, kept)
        if shaped is None:
            return None
        out: list[Match[Q]] = []
        lines: list[int] = []
        for i, pos, got in shaped:
            for s, e, k in got:
                out.append(_MATCH(pos + s, pos + e, k))
                lines.append(i)
        return out, lines

    def line_shapes(
        self,
        text: str,
        low: str,
        kept: Callable[[list[Match[P]]], list[Match[Q]]],
    ) -> list[tuple[int, int, tuple[tuple[int, int, Key[Q]], ...]]] | None:
        """:meth:`find_by_lines`' matches line by line: for each line that holds one, its
        index, where it starts and the matches of its shape as (start, end, key) on the
        line (one tuple for all the lines of a shape); None where that gives None."""
        if self._digit_keys is None:
            return None
        digit_keys = self._digit_keys.search
        shapes: dict[str, tuple[tuple[int, int, Key[Q]], ...]] = {}
        out: list[tuple[int, int, tuple[tuple[int, int, Key[Q]], ...]]] = []
        new = pos = i = 0
        for at, block in line_blocks(text, LINE_BLOCK):
            # (a block at a time: a text's lines, their shapes and its low-cased shape
            # whole took 5 times the text's own memory, 54 MB for a 3.8 MB JSON file)
            low_shape = line_shape(low[at : at + len(block)])
            keys = line_shape(block).split("\n")  # (the same line breaks)
            for seg, key in zip(block.split("\n"), keys, strict=True):
                n = len(seg)
                if key != seg and digit_keys(low_shape, pos - at, pos - at + n) is not None:
                    key = seg  # a key with digits may match: the line is its own shape
                got = shapes.get(key)
                if got is None:
                    new += 1
                    got = shapes[key] = tuple(
                        (m.start, m.end, m.key) for m in kept(self.find(seg, low[pos : pos + n]))
                    )
                if got:
                    out.append((i, pos, got))
                pos += n + 1
                i += 1
                if not i % LINES_CHECKED and 2 * new > i:
                    return None  # the lines do not read alike: match the text whole
        return out

    def _find(self, text: str, low: str, out: list[Match[P]]) -> None:
        for end_incl, (length, keys) in self._automaton.iter(low):
            end = end_incl + 1
            start = end - length
            _judge(text, start, end, keys, out)


def _judge(text: str, start: int, end: int, keys: Iterable[Key[P]], out: list[Match[P]]) -> None:
    """A match of each of ``keys`` at ``[start, end)`` that the text around allows (a
    word key on word boundaries, any key as its ``not_after``/``not_before`` say): the
    one judgement of :meth:`Lexicon.find` and :meth:`Lexicon.at`."""
    for key in keys:
        if key.word:
            if not (starts_word(text, start) and ends_word(text, end)):
                continue
        elif not _touch_ok(text, start, end, key):
            continue
        out.append(_MATCH(start, end, key))


_DIGIT = re.compile("[0-9]")
_DIGITS = str.maketrans("123456789", "000000000")
LINES_CHECKED = 256  # lines, between two checks that they read alike


_BYTE_DIGITS = bytes.maketrans(b"123456789", b"000000000")


LINE_BLOCK = 256 * 1024  # characters of a text whose lines are split at a time


def line_blocks(text: str, size: int = LINE_BLOCK) -> Iterator[tuple[int, str]]:
    """``text`` in blocks of whole lines, each of about ``size`` characters or more,
    with its offset: the blocks' lines (``split("\\n")``), one block after the other,
    are the text's, and the line break between two blocks is in neither."""
    at = 0
    while True:
        end = text.find("\n", at + size)
        if end < 0:
            yield at, text[at:] if at else text
            return
        yield at, text[at:end]
        at = end + 1


def line_shape(line: str) -> str:
    """``line`` with each digit written as a zero: what lines of one shape share.  (A
    text of other scripts through its UTF-8 bytes, where a digit is its own byte:
    ``str.translate`` looks each of its characters up.)"""
    if line.isascii():
        return line.translate(_DIGITS)
    raw = line.encode("utf-8", "surrogatepass")
    return raw.translate(_BYTE_DIGITS).decode("utf-8", "surrogatepass")


def _line_safe(keys: Sequence[Key[P]]) -> re.Pattern[str] | None:
    """Where a line's shape (:func:`line_shape`) may hold one of ``keys`` that has
    digits (``rac1p``, ``formula 1``), searched in the shape of its low-cased text (a
    line where one may match is its own shape; a pattern that finds nothing when none
    has digits); None when lines of one shape may be matched apart whatever they hold:
    a key holds a line break, or a text a key may not touch holds a digit or a line
    break."""
    digits: list[str] = []
    for key in keys:
        if "\n" in key.text or any(
            _DIGIT.search(x) or "\n" in x for x in key.not_after + key.not_before
        ):
            return None
        if _DIGIT.search(key.text):
            digits.append(line_shape(key.text))
    if not digits:
        return re.compile("(?!)")
    return re.compile("|".join(map(re.escape, sorted(set(digits), key=lambda d: (-len(d), d)))))


def _touch_ok(text: str, start: int, end: int, key: Key[P]) -> bool:
    for before in key.not_after:
        if start >= len(before) and text[start - len(before) : start] == before:
            return False
    return all(text[end : end + len(after)] != after for after in key.not_before)


def drop_contained(matches: Sequence[Match[P]]) -> list[Match[P]]:
    """Keep the longest of overlapping matches that nest: ``维族告警`` wins over
    ``维族``, ``latino hispanic`` over ``latino``.  Order: by start."""
    ordered = sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Match[P]] = []
    reach = -1
    for m in ordered:
        if m.end <= reach:
            continue  # inside an earlier, longer match
        kept.append(m)
        reach = max(reach, m.end)
    return kept
