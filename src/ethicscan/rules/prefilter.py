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
import threading
from typing import Any

from ethicscan.rules.catalogue import Catalogue, Term, TermKind

ENCODINGS = ("utf-8", "gb18030", "big5hkscs", "shift_jis", "euc_jp", "euc_kr")
WIDE = ("utf-16-le", "utf-16-be")
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _esc(text: str | bytes) -> bytes:
    raw = text.encode("latin-1") if isinstance(text, str) else text
    return b"".join(b"\\x%02x" % c for c in raw)


def patterns(catalogue: Catalogue) -> list[bytes]:
    """The Hyperscan expressions for every term of ``catalogue`` (look-alike phrases
    need none: alone they never make a finding)."""
    return [expr for expr, _, term in _patterns(catalogue) if term]


def _patterns(catalogue: Catalogue) -> list[tuple[bytes, str | None, bool]]:
    """Each expression, the ASCII key whose identifier start it matches (the
    matcher takes those as candidates) or None, and whether it is a reason to read
    a text (:func:`reason`; look-alike phrases and plain colour labels are
    candidates for the matcher, never a reason to read)."""
    out: dict[bytes, tuple[str | None, bool]] = {}

    def put(expr: bytes, k: str | None, why: bool) -> None:
        had = out.get(expr)
        out[expr] = (k if had is None or why else had[0], why or (had is not None and had[1]))

    for key in catalogue.terms.keys:
        k = key.text
        why = reason(key.payload)
        if k.isascii():
            if not re.fullmatch(r"[ -~]+", k):
                continue
            for expr in _starts(k):
                put(expr, k, why)
            if why:
                for enc in WIDE:
                    put(b"(?i:" + _esc(k.encode(enc)) + b")", None, True)
            continue
        # CJK: the UTF-8 spelling is the matcher's candidate (the text is matched as
        # UTF-8); the other encodings only say a raw file may hold the term.
        for spelled in dict.fromkeys((k, k.upper())):
            put(_esc(spelled.encode("utf-8")), k, why)
            if not why:
                continue
            for enc in ENCODINGS[1:] + WIDE:
                try:
                    expr = _esc(spelled.encode(enc))
                except UnicodeEncodeError:
                    continue
                if expr not in out:
                    out[expr] = (None, True)
    return sorted((e, k, t) for e, (k, t) in out.items())


def reason(payload: object) -> bool:
    """Whether a key, found alone in a text, could make a finding.  Look-alike
    phrases never do; nor do the plain labels of a value set (``white``,
    ``yellow``): the classifier reports one only beside a word of its own trait
    (classify/capability.py, the value gate), and that word is a reason itself."""
    if not isinstance(payload, Term):
        return False
    return payload.kind is not TermKind.VALUE or payload.distinctive


# After the start of data, a byte that is not an ASCII letter, or an ASCII letter that
# is the second byte of a double-byte character (GBK, Big5, Shift-JIS put 0x40-0x7E
# there: Big5 人臉 ends in "y", and the matcher, reading the decoded text, sees 臉
# before "ethnicity", a word start).
_START = b"(?:^|[^A-Za-z]|[\\x80-\\xff][A-Za-z])"


def _starts(k: str) -> list[bytes]:
    """An ASCII key at every identifier start the matcher accepts: after a byte that
    is not a letter or after a letter that ends a double-byte character (in any case),
    or with its first letter upper-case after anything."""
    out = [_START + b"(?i:" + _esc(k) + b")"]
    if k[0].isalpha():
        out.append(_esc(k[0].upper()) + (b"(?i:" + _esc(k[1:]) + b")" if k[1:] else b""))
    return out


WARM = 8 * 1024 * 1024  # bytes a process reads before compiling (about a second's work)


class Prefilter:
    """``maybe(data)``: False only when no term can be in ``data``.

    Compiling the database takes about a second, more than scanning a small tree costs,
    so a process compiles it only once it has seen :data:`WARM` bytes (or when
    :meth:`warm_up` is called); until then every text gets the full pass.  Results
    are the same either way (tests/test_prefilter.py)."""

    def __init__(self, catalogue: Catalogue, compiled: bytes | None = None) -> None:
        self._db: Any = None
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._lock = threading.Lock()
        triples = _patterns(catalogue)
        self.key_of: list[str | None] = [k for _, k, _ in triples]
        self._term = [t for _, _, t in triples]
        self._exprs: list[bytes] | None = [e for e, _, _ in triples]
        self._seen = 0
        try:
            import hyperscan
        except ImportError:  # pragma: no cover - hyperscan ships wheels where we run
            self._exprs = None
            return
        self._stop = hyperscan.ScanTerminated
        if compiled:
            db = hyperscan.loadb(compiled, mode=hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)  # a loaded database brings none
            self._db = db
            self._exprs = None

    def warm_up(self) -> Prefilter:
        """Compile now (if Hyperscan is installed)."""
        with self._lock:
            exprs, self._exprs = self._exprs, None
            if not exprs:
                return self
            import hyperscan

            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=exprs,
                ids=list(range(len(exprs))),
                elements=len(exprs),
                flags=[0] * len(exprs),
            )
            self._owner = threading.get_ident()
            self._db = db
        return self

    def _count(self, n: int) -> None:
        if self._exprs is not None:
            self._seen += n
            if self._seen > WARM:
                self.warm_up()

    def dump(self) -> bytes | None:
        """The compiled database, for worker processes (loading beats compiling)."""
        if self._db is None:
            return None
        import hyperscan

        return bytes(hyperscan.dumpb(self._db))

    def _mine(self) -> Any:
        """The database with a scratch space of this thread's own: Hyperscan's scratch
        is not to be shared between threads (a dask worker runs several)."""
        if threading.get_ident() == self._owner:
            return self._db
        local = self._local
        db = getattr(local, "db", None)
        if db is None:
            import hyperscan

            compiled = self.dump()
            assert compiled is not None  # only called when a database exists
            db = hyperscan.loadb(compiled, mode=hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)
            local.db = db
        return db

    @property
    def active(self) -> bool:
        return self._db is not None

    def maybe(self, data: bytes) -> bool:
        self._count(len(data))
        if self._db is None or data.startswith(_UTF32_BOMS):
            return True
        hit: list[bool] = []
        with contextlib.suppress(self._stop):
            self._mine().scan(data, match_event_handler=_first, context=(self._term, hit))
        return bool(hit)

    def candidates(self, text: str) -> list[tuple[int, str]] | None:
        """``(end, key)``, ``end`` in characters, wherever a term or look-alike may end
        (ASCII keys at an identifier start, CJK keys anywhere): the matcher's own
        candidates, so that it never walks the text.  None when off."""
        self._count(len(text))
        if self._db is None:
            return None
        data = text.encode("utf-8", "surrogatepass")
        hits: list[tuple[int, int]] = []
        self._mine().scan(data, match_event_handler=_collect_id, context=hits)
        key_of = self.key_of
        pairs = sorted({(end, k) for end, pid in hits if (k := key_of[pid]) is not None})
        if len(data) == len(text):
            return pairs
        # Byte ends to character ends (every candidate ends on a character boundary).
        out: list[tuple[int, str]] = []
        byte = char = 0
        for end, k in pairs:
            if end != byte:
                char += len(data[byte:end].decode("utf-8", "surrogatepass"))
                byte = end
            out.append((char, k))
        return out


def _collect_id(pid: int, _start: int, end: int, _flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((end, pid))


def _first(
    pid: int, _start: int, _end: int, _flags: int, ctx: tuple[list[bool], list[bool]]
) -> bool:
    if not ctx[0][pid]:
        return False  # a look-alike alone is no reason to read a text
    ctx[1].append(True)
    return True  # stop at the first candidate


_CACHE: dict[tuple[str, tuple[str, ...]], Prefilter] = {}


def prefilter_for(catalogue: Catalogue, compiled: bytes | None = None) -> Prefilter:
    """One compiled database per catalogue and process."""
    key = (catalogue.version, tuple(catalogue.sources))
    pf = _CACHE.get(key)
    if pf is None:
        pf = _CACHE[key] = Prefilter(catalogue, compiled)
    return pf
