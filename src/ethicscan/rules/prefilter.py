"""A byte-level yes/no before any decoding: could this file hold a term?

Most bytes of a corpus hold no term, and a file that cannot hold one need not be
decoded, lower-cased, matched or classified.  One Hyperscan database over the raw
bytes answers, and stops at the first candidate.  It is a superset of the matcher
(:mod:`rules.matcher`), never a subset:

* an ASCII term ``race`` becomes ``race`` in any case after a byte that is not an
  ASCII letter (start of data, ``_``, a digit, a non-ASCII byte), or ``Race`` /
  ``RACE`` with its first letter upper-case after anything (``emRace``,
  ``HTMLRace``); plus its UTF-16 spellings.  That is every start the matcher's
  ``starts_word`` accepts; ends are not checked here.
* a CJK term becomes its bytes in every encoding the scanner decodes: UTF-8,
  GB18030 (so GBK and GB2312), Big5-HKSCS, Shift-JIS, EUC-JP, EUC-KR, UTF-16.

UTF-32 files (rare; they carry a BOM) always get the full pass.  Without the
``hyperscan`` package (it ships wheels for Linux and macOS on x86-64 and ARM64)
every file gets the full pass: slower, never different.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from typing import Any

from ethicscan.rules.catalogue import Catalogue, Term

ENCODINGS = ("utf-8", "gb18030", "big5hkscs", "shift_jis", "euc_jp", "euc_kr")
WIDE = ("utf-16-le", "utf-16-be")
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _esc(text: str | bytes) -> bytes:
    raw = text.encode("latin-1") if isinstance(text, str) else text
    return b"".join(b"\\x%02x" % c for c in raw)


def patterns(catalogue: Catalogue) -> list[bytes]:
    """The Hyperscan expressions for every term of ``catalogue`` (look-alike phrases
    need none: alone they never make a finding)."""
    out: set[bytes] = set()
    for key in catalogue.terms.keys:
        if not isinstance(key.payload, Term):
            continue
        k = key.text
        if k.isascii():
            if not re.fullmatch(r"[ -~]+", k):
                continue
            out.add(b"(?:^|[^A-Za-z])(?i:" + _esc(k) + b")")
            if k[0].isalpha():
                out.add(
                    _esc(k[0].upper()) + b"(?i:" + _esc(k[1:]) + b")"
                    if k[1:]
                    else _esc(k[0].upper())
                )
            for enc in WIDE:
                out.add(b"(?i:" + _esc(k.encode(enc)) + b")")
        else:
            for enc in ENCODINGS + WIDE:
                try:
                    out.add(_esc(key.text.encode(enc)))
                    # the matcher folds case, so a CJK term with Latin letters may be
                    # written in capitals too
                    if key.text != key.text.upper():
                        out.add(_esc(key.text.upper().encode(enc)))
                except UnicodeEncodeError:
                    continue
    return sorted(out)


class Prefilter:
    """``maybe(data)``: False only when no term can be in ``data``."""

    def __init__(self, catalogue: Catalogue, compiled: bytes | None = None) -> None:
        self._db: Any = None
        try:
            import hyperscan
        except ImportError:  # pragma: no cover - hyperscan ships wheels where we run
            return
        self._stop = hyperscan.ScanTerminated
        if compiled:
            db = hyperscan.loadb(compiled, mode=hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)  # a loaded database brings none
            self._db = db
            return
        exprs = patterns(catalogue)
        if not exprs:
            return
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=exprs,
            ids=list(range(len(exprs))),
            elements=len(exprs),
            flags=[0] * len(exprs),
        )
        self._db = db

    def dump(self) -> bytes | None:
        """The compiled database, for worker processes (loading beats compiling)."""
        if self._db is None:
            return None
        import hyperscan

        return bytes(hyperscan.dumpb(self._db))

    @property
    def active(self) -> bool:
        return self._db is not None

    def maybe(self, data: bytes) -> bool:
        if self._db is None or data.startswith(_UTF32_BOMS):
            return True
        hit: list[bool] = []
        with contextlib.suppress(self._stop):
            self._db.scan(data, match_event_handler=_first, context=hit)
        return bool(hit)

    def ends(self, data: bytes) -> list[int] | None:
        """Sorted byte offsets in ``data`` where a term may end, or None when the
        prefilter is off (anywhere)."""
        if self._db is None:
            return None
        ends: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=ends)
        return sorted(set(ends))


def _collect(_id: int, _start: int, end: int, _flags: int, ends: list[int]) -> None:
    ends.append(end)


def _first(_id: int, _start: int, _end: int, _flags: int, hit: list[bool]) -> bool:
    hit.append(True)
    return True  # stop at the first candidate


_CACHE: dict[tuple[str, tuple[str, ...]], Prefilter] = {}


def prefilter_for(catalogue: Catalogue, compiled: bytes | None = None) -> Prefilter:
    """One compiled database per catalogue and process."""
    key = (catalogue.version, tuple(catalogue.sources))
    pf = _CACHE.get(key)
    if pf is None:
        pf = _CACHE[key] = Prefilter(catalogue, compiled)
    return pf
