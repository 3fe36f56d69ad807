"""A byte-level yes/no before any decoding: could this file hold a term?  And, for a
text that is read, where the matcher should look.

Most bytes of a corpus hold no term, and a file that cannot hold one need not be
decoded, lower-cased, matched or classified.  Hyperscan answers over the raw bytes
and stops at the first candidate.  In the text the scanner decodes from them, it is
a superset of the matcher (:mod:`rules.matcher`) for every *reason to read*
(:func:`reason`: look-alike phrases and plain value labels are not), never a subset:

* an ASCII term ``race`` becomes ``race`` in any case at the start of the data or
  after a byte that is not an ASCII letter (``_``, a digit, a non-ASCII byte), or
  ``Race`` / ``RACE`` with its first letter upper-case after anything (``emRace``,
  ``HTMLRace``); plus its UTF-16 spellings; and, in data that is not UTF-8, after an
  ASCII letter that ends a double-byte character.  That is every start the matcher's
  ``starts_word`` accepts; ends are not checked here.
* a CJK term becomes its bytes in every encoding the scanner decodes: UTF-8,
  GB18030 (so GBK and GB2312), Big5-HKSCS, Shift-JIS, EUC-JP, EUC-KR, UTF-16.

In a plain text that is UTF-8 as it is, each reason is then confirmed where it stands
(:meth:`Prefilter.confirms`): the matcher reads a window around it, and only a term that
the classifier would judge counts (``Promise.race``, ``LBRACE``, ``race condition`` do not).

The compiled databases are kept on disk (:func:`cache_folder`).  UTF-32 files (rare;
they carry a BOM) always get the full pass.  Without the ``hyperscan`` package (it
ships wheels for Linux and macOS on x86-64 and ARM64) every file gets the full pass:
slower, never different.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import random
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ethicscan.atomic import write_atomic
from ethicscan.rules.catalogue import Catalogue, Term, TermKind, standing_terms
from ethicscan.sniff import read_as_utf8

ENCODINGS = ("utf-8", "gb18030", "big5hkscs", "shift_jis", "euc_jp", "euc_kr")
WIDE = ("utf-16-le", "utf-16-be")
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _esc(text: str | bytes) -> bytes:
    raw = text.encode("latin-1") if isinstance(text, str) else text
    return b"".join(b"\\x%02x" % c for c in raw)


def patterns(catalogue: Catalogue) -> list[bytes]:
    """The Hyperscan expressions that say a raw file may hold a term of
    ``catalogue`` (look-alike phrases need none: alone they never make a finding)."""
    return [e.expr for e in _patterns(catalogue) if e.reason]


UTF8_PIECE = 1 << 18  # bytes :func:`is_utf8` decodes at a time


def is_utf8(data: bytes, piece: int = UTF8_PIECE) -> bool:
    """Whether ``data`` is valid UTF-8, as ``data.decode("utf-8")`` says, decoded a
    piece at a time: the whole text was made only to be dropped, up to four times the
    bytes (a 39 MB library, a 54 MB pickle that starts like text)."""
    if len(data) <= piece:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(data), piece):
            decoder.decode(view[at : at + piece])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Expr:
    expr: bytes
    key: str | None  # the key the matcher takes it as a candidate for, if any
    reason: bool  # a reason to read a text (see reason())
    form: str  # START | DBCS | WIDE | UTF8 | OTHER (see _patterns)


START, DBCS, WIDE_FORM, UTF8, OTHER = "start", "dbcs", "wide", "utf8", "other"


def _patterns(catalogue: Catalogue) -> list[_Expr]:
    """Every expression, in one of five forms:

    * START: an ASCII key at an identifier start (:func:`_starts`); the matcher's
      candidates, and what says ASCII text may hold a term;
    * DBCS: an ASCII key after an ASCII letter that ends a double-byte character
      (GBK, Big5, Shift-JIS put 0x40-0x7E there: Big5 人臉 ends in "y", and the
      matcher, reading the decoded text, sees 臉 before "ethnicity", a word start);
      only in data with a byte above 0x7F;
    * WIDE: a key in UTF-16 (its bytes may all be below 0x80: U+4E00 is 00 4E);
    * UTF8: a CJK key in UTF-8, as it is and upper-cased: the matcher's candidates;
    * OTHER: a CJK key in GB18030, Big5-HKSCS, Shift-JIS, EUC-JP or EUC-KR.

    Look-alike phrases and plain colour labels are candidates for the matcher,
    never a reason to read (:func:`reason`)."""
    out: dict[bytes, _Expr] = {}

    def put(expr: bytes, k: str | None, why: bool, form: str) -> None:
        had = out.get(expr)
        if had is None:
            out[expr] = _Expr(expr, k, why, form)
        elif why and not had.reason:
            out[expr] = _Expr(expr, had.key or k, True, had.form)

    for key in catalogue.terms.keys:
        k = key.text
        why = reason(key.payload)
        for expr, form in _matcher_forms(k):
            put(expr, k, why, form)
        if not why:
            continue
        if k.isascii():
            if re.fullmatch(r"[ -~]+", k):
                put(b"[\\x80-\\xff][A-Za-z](?i:" + _esc(k) + b")", None, True, DBCS)
                for enc in WIDE:
                    put(b"(?i:" + _esc(k.encode(enc)) + b")", None, True, WIDE_FORM)
            continue
        for spelled in dict.fromkeys((k, k.upper())):
            for enc in ENCODINGS[1:] + WIDE:
                try:
                    expr = _esc(spelled.encode(enc))
                except UnicodeEncodeError:
                    continue
                put(expr, None, True, WIDE_FORM if enc in WIDE else OTHER)
    return sorted(out.values(), key=lambda e: e.expr)


def reason(payload: object) -> bool:
    """Whether a key, found alone in a text, could make a finding.  Look-alike
    phrases never do; nor do the plain labels of a value set (``white``,
    ``yellow``): the classifier reports one only beside a word of its own trait
    (classify/capability.py, the value gate), and that word is a reason itself."""
    if not isinstance(payload, Term):
        return False
    return payload.kind is not TermKind.VALUE or payload.distinctive


def _starts(k: str) -> list[bytes]:
    """An ASCII key at every identifier start the matcher accepts: at the start of
    the data or after a byte that is not an ASCII letter (in any case), or with its
    first letter upper-case after anything.  (One expression with the start and the
    class as alternatives scans five times slower: Hyperscan then finds no literal
    to lead with.)"""
    caseless = b"(?i:" + _esc(k) + b")"
    out = [b"[^A-Za-z]" + caseless, b"^" + caseless]
    if k[0].isalpha():
        out.append(_esc(k[0].upper()) + (b"(?i:" + _esc(k[1:]) + b")" if k[1:] else b""))
    return out


_MAGIC = b"ethicscan-prefilter-3\n"
CANARIES = 64  # reasons to read checked in databases loaded from disk, chosen at random
MAX_ENDS = 4096  # reasons' ends gathered in one binary (Prefilter.reason_ends)


class Prefilter:
    """``maybe(data)``: False only when no term that is a reason to read can be in
    ``data`` (``plain=True``: confirmed where it stands); ``candidates(text)`` and
    ``context_candidates(text)``: where the matcher should look for terms and for
    context words.

    Five Hyperscan databases: the reasons to read (:func:`reason`) in every encoding,
    split three ways by what the data can be (ASCII, other, not UTF-8); every term
    key's UTF-8 spellings; every context word's.  Compiling them takes a few seconds,
    so they are kept on disk (:func:`cache_folder`) and loaded in milliseconds by
    every later process; a process with no kept copy compiles them on first use."""

    def __init__(
        self, catalogue: Catalogue, cache: Path | bool | None = True, off: bool = False
    ) -> None:
        """``off``: a prefilter that says yes to every text and names no candidates
        (the matcher's automata then walk the text), built at no cost."""
        self._dbs: tuple[Any, ...] = ()
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pending = False
        self._cache: Path | None = None
        self.loaded_from_disk = False
        # (expressions, whether a scan only asks if any matches: each reports once)
        self._exprs: tuple[tuple[list[bytes], bool], ...] = ()
        self.key_of: list[str] = []
        self.context_key_of: list[str] = []
        if off:
            return
        exprs = _patterns(catalogue)
        why = [e for e in exprs if e.reason]
        cands = [e for e in exprs if e.key is not None and e.form in (START, UTF8)]
        ctx = _candidate_patterns(k.text for k in catalogue.context.keys)
        self._exprs = (
            # 0: may ASCII-only data hold a term?  1: may any data?  2: the rest for
            # data that is not UTF-8 (kept apart: these scan five times slower)
            # (every match of 0 and 1 is reported: a plain text's are confirmed one by one)
            ([e.expr for e in why if e.form in (START, WIDE_FORM)], False),
            ([e.expr for e in why if e.form != DBCS], False),
            ([e.expr for e in why if e.form == DBCS], True),
            # 3, 4: where the matcher should look for terms, for context words
            ([e.expr for e in cands], False),
            ([e for e, _ in ctx], False),
        )
        self._terms = catalogue.terms
        # Bytes read each side of a reason's end to confirm it: enough characters (at
        # most 4 bytes each) for the term ending there and for every match that could
        # touch it, with the characters each one's boundaries look at.
        longest = max((len(k.text) for k in catalogue.terms.keys), default=0)
        touch = max(
            (len(t) for k in catalogue.terms.keys for t in k.not_after + k.not_before),
            default=0,
        )
        self._before = 4 * (2 * longest + touch + 2)
        self._after = 4 * (longest + touch + 2)
        # Reasons to read that must be found, alone, in databases loaded from disk.
        self._canaries = sorted({e.key for e in why if e.key and e.form in (START, UTF8)})
        self.key_of = [e.key for e in cands if e.key is not None]
        self.context_key_of = [k for _, k in ctx]
        self._pending = True
        self._cache = cache_folder() if cache is True else (cache or None)
        try:
            import hyperscan
        except ImportError:  # pragma: no cover - hyperscan ships wheels where we run
            self._pending = False
            return
        self._stop = hyperscan.ScanTerminated
        with contextlib.suppress(OSError, ValueError):
            kept = self._load(hyperscan)
            if kept is not None:
                self._dbs = kept
                self._pending = False
                self.loaded_from_disk = True

    # -- compiling and keeping ----------------------------------------------------------
    def _key(self, hyperscan: Any) -> str:
        h = hashlib.sha256()
        h.update(_MAGIC + str(getattr(hyperscan, "__version__", "")).encode())
        for exprs, once in self._exprs:
            h.update(b"\0%d\0" % once + b"\n".join(exprs))
        return h.hexdigest()[:32]

    def _path(self, hyperscan: Any) -> Path | None:
        return None if self._cache is None else self._cache / f"{self._key(hyperscan)}.hsdb"

    def _load(self, hyperscan: Any) -> tuple[Any, ...] | None:
        """The kept databases, if they can be trusted to be this catalogue's: in a folder
        and file only this user can write, made from these expressions (their hash is in
        the file, not only in its name: a cache restored or copied under another name
        is refused), whole, and finding every reason to read tried on them."""
        path = self._path(hyperscan)
        if path is None or not path.is_file() or not _private(path):
            return None
        raw = path.read_bytes()
        head = _MAGIC + self._key(hyperscan).encode() + b"\n"
        if not raw.startswith(head):
            return None  # another format, or another catalogue's databases
        body = raw[len(head) :]
        digest, body = body[:32], body[32:]
        if hashlib.sha256(body).digest() != digest:
            return None  # truncated or damaged: compile again
        dbs = []
        pos = 0
        try:
            for _ in self._exprs:
                n = int.from_bytes(body[pos : pos + 8], "little")
                db = None
                if n:
                    db = hyperscan.loadb(body[pos + 8 : pos + 8 + n], mode=hyperscan.HS_MODE_BLOCK)
                    db.scratch = hyperscan.Scratch(db)  # a loaded database brings none
                dbs.append(db)
                pos += 8 + n
        except hyperscan.HyperscanError:
            return None  # another Hyperscan build or CPU: compile again
        if pos != len(body) or not self._finds_canaries(dbs):
            return None
        return tuple(dbs)

    def _finds_canaries(self, dbs: list[Any]) -> bool:
        """Whether the databases that say a file may be clean find reasons to read of
        this catalogue (a random sample each time, so no file can be made to pass only
        the ones it knows)."""
        if len(dbs) != len(self._exprs):
            return False
        sample = random.SystemRandom().sample(self._canaries, min(CANARIES, len(self._canaries)))
        for key in sample:
            probe = b"\n" + key.encode("utf-8") + b"\n"
            if not self._any(dbs[1], probe):
                return False
            if probe.isascii() and not self._any(dbs[0], probe):
                return False
        return True

    def _keep(self, hyperscan: Any) -> None:
        """Write the databases for the next process; quietly not if it cannot."""
        path = self._path(hyperscan)
        if path is None:
            return
        blobs = [b"" if db is None else bytes(hyperscan.dumpb(db)) for db in self._dbs]
        body = b"".join(len(b).to_bytes(8, "little") + b for b in blobs)
        head = _MAGIC + self._key(hyperscan).encode() + b"\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _private(path.parent):
                return  # others could replace it: what is kept there is never loaded
            write_atomic(
                path, head + hashlib.sha256(body).digest() + body, prefix=".hsdb-", private=True
            )
        except OSError:
            return

    def warm_up(self) -> Prefilter:
        """Compile now (if Hyperscan is installed and nothing was kept)."""
        with self._lock:
            if not self._pending:
                return self
            import hyperscan

            self._pending = False
            self._dbs = tuple(
                _compile(hyperscan, exprs, hyperscan.HS_FLAG_SINGLEMATCH if once else 0)
                for exprs, once in self._exprs
            )
            self._owner = threading.get_ident()
            self._keep(hyperscan)
        return self

    def _mine(self) -> tuple[Any, ...]:
        """The databases with a scratch space of this thread's own: Hyperscan's
        scratch is not to be shared between threads (a dask worker runs several)."""
        if self._pending:
            self.warm_up()
        if threading.get_ident() == self._owner:
            return self._dbs
        local = self._local
        dbs = getattr(local, "dbs", None)
        if dbs is None:
            import hyperscan

            dbs = local.dbs = tuple(_clone(hyperscan, db) for db in self._dbs)
        return dbs

    def on_disk(self) -> bool:
        """Whether these databases are kept on disk, where they can be loaded again."""
        if self._pending or not self._dbs or self._cache is None:
            return False
        import hyperscan

        path = self._path(hyperscan)
        return path is not None and path.is_file()

    @property
    def keeps(self) -> bool:
        """Whether compiled databases are kept on disk for other processes."""
        return self._cache is not None

    @property
    def active(self) -> bool:
        return bool(self._dbs)

    def maybe(self, data: bytes, plain: bool = False) -> bool:
        """False only when no term that is a reason to read can be in ``data``.

        ``plain``: ``data`` is a whole text analysed as it is decoded
        (:func:`extract.decode.decode`; not a binary's strings, not a document).  When
        that decoding is UTF-8 as it is, a reason then counts only where the matcher,
        reading the text around it, finds a term there that the classifier judges
        (:func:`confirms`): ``Promise.race``, ``LBRACE`` and ``TRACE`` do not."""
        dbs = self._mine()
        if not dbs or data.startswith(_UTF32_BOMS):
            return True
        if data.isascii():
            return self._confirmed(dbs[0], data, True).found if plain else self._any(dbs[0], data)
        if plain:
            state = self._confirmed(dbs[1], data, False)
            if state.found or state.readable:  # (valid UTF-8: the rest is for other data)
                return state.found
        elif self._any(dbs[1], data):
            return True
        if not is_utf8(data):
            return self._any(dbs[2], data)  # GBK, Big5, Shift-JIS ... (or binary)
        return False

    def reason_ends(self, data: bytes, most: int = MAX_ENDS) -> list[int] | None:
        """Where a term that is a reason to read may end in ``data``, read as a binary's
        bytes are by the strings pass (ASCII, UTF-8, UTF-16): the end of every match of
        the expressions :meth:`maybe` tries first, in order.  None when there is no
        Hyperscan, or when ``data`` has more than ``most`` of them."""
        dbs = self._mine()
        if not dbs or dbs[1] is None:
            return None
        state = _Ends(most)
        with contextlib.suppress(self._stop):
            dbs[1].scan(data, match_event_handler=_end, context=state)
        return None if state.over else sorted(set(state.ends))

    def stands(self, text: str) -> bool:
        """Whether a term that is a reason to read stands in ``text`` as the classifier
        judges it (:func:`catalogue.standing_terms`): what :meth:`confirms` asks where
        one reason ends, asked of a whole text."""
        return any(reason(m.key.payload) for m in standing_terms(self._terms.find(text)))

    def _any(self, db: Any, data: bytes) -> bool:
        if db is None:
            return False  # no expression of this kind in the catalogue
        hit: list[bool] = []
        with contextlib.suppress(self._stop):
            db.scan(data, match_event_handler=_first, context=hit)
        return bool(hit)

    def _confirmed(self, db: Any, data: bytes, ascii: bool) -> _Confirming:
        state = _Confirming(self, data)
        if db is not None:
            with contextlib.suppress(self._stop):
                db.scan(data, match_event_handler=_confirm, context=state)
        if state.last >= 0 and not state.found:
            # Reasons, none confirmed: that holds only for the text read as UTF-8.
            state.readable = read_as_utf8(data, ascii)
            state.found = not state.readable
        return state

    def confirms(self, data: bytes, end: int) -> bool:
        """Whether a term that is a reason to read and that the classifier judges
        (:func:`catalogue.standing_terms`) ends at byte ``end`` of ``data`` (UTF-8, on
        a character boundary).  Read in a window around ``end``: it holds every match
        that could touch such a term, with the characters their boundaries look at,
        so the answer is the one the whole text gives."""
        start = max(0, end - self._before)
        text = data[start : end + self._after].decode("utf-8", "replace")
        at = len(data[start:end].decode("utf-8", "replace"))
        return any(
            m.end == at and reason(m.key.payload) for m in standing_terms(self._terms.find(text))
        )

    def candidates(
        self, text: str, utf8: bytes | None = None, dense: int = 0
    ) -> list[tuple[int, str]] | None:
        """``(end, key)``, ``end`` in characters, wherever a term or look-alike may end
        (ASCII keys at an identifier start, CJK keys anywhere): the matcher's own
        candidates, so that it never walks the text.  None when off.  ``utf8``: the
        text's own bytes, ``text.encode("utf-8", "surrogatepass")``, if at hand.
        ``dense``: the scan stops once it has found that many, and gives those (when
        there are ``dense`` or more, they may not be all: ask again without it)."""
        dbs = self._mine()
        if not dbs:
            return None
        if not dense or dbs[3] is None:
            return _ends(dbs[3], text, self.key_of, utf8)
        data = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
        state = _Distinct(self.key_of, dense)
        with contextlib.suppress(self._stop):
            dbs[3].scan(data, match_event_handler=_distinct, context=state)
        if len(state.seen) >= dense:
            return sorted(state.seen)  # (byte ends: enough to count them)
        return _chars(data, text, sorted(state.seen))

    def context_candidates(
        self, text: str, utf8: bytes | None = None
    ) -> list[tuple[int, str]] | None:
        """The same for the context words (``face``, ``camera``, ``人脸`` ...)."""
        dbs = self._mine()
        return _ends(dbs[4], text, self.context_key_of, utf8) if dbs else None


def _ends(
    db: Any, text: str, key_of: list[str], utf8: bytes | None = None
) -> list[tuple[int, str]]:
    if db is None:
        return []
    data = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    hits: list[tuple[int, int]] = []
    db.scan(data, match_event_handler=_collect_id, context=hits)
    return _chars(data, text, sorted({(end, key_of[pid]) for end, pid in hits}))


def _chars(data: bytes, text: str, pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """``pairs`` of (byte end in ``data``, key) as (character end in ``text``, key)."""
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


def _matcher_forms(k: str) -> list[tuple[bytes, str]]:
    """Where the matcher may find key ``k`` in UTF-8 text: an ASCII key at an
    identifier start (START), any other as it is and upper-cased (UTF8)."""
    if k.isascii():
        return [(e, START) for e in _starts(k)] if re.fullmatch(r"[ -~]+", k) else []
    return [(_esc(s.encode("utf-8")), UTF8) for s in dict.fromkeys((k, k.upper()))]


def _candidate_patterns(keys: Iterable[str]) -> list[tuple[bytes, str]]:
    """Each key where the matcher may find it (:func:`_matcher_forms`)."""
    out: dict[bytes, str] = {}
    for k in keys:
        for expr, _ in _matcher_forms(k):
            out.setdefault(expr, k)
    return sorted(out.items())


def _private(path: Path) -> bool:
    """Whether ``path`` (and, for a file, its folder) belongs to this user and no one
    else may write it: what another user could write is never loaded."""
    getuid = getattr(os, "getuid", None)
    for p in (path, path.parent) if path.is_file() else (path,):
        st = p.stat()
        if (getuid is not None and st.st_uid != getuid()) or st.st_mode & 0o022:
            return False
    return True


def cache_folder() -> Path | None:
    """Where compiled databases are kept: ``$ETHICSCAN_PREFILTER_CACHE`` if set (``off``
    keeps nothing), else ``$ETHICSCAN_CACHE/prefilter`` (default
    ``~/.cache/ethicscan/prefilter``)."""
    own = os.environ.get("ETHICSCAN_PREFILTER_CACHE")
    if own:
        return None if own == "off" else Path(own)
    root = os.environ.get("ETHICSCAN_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "ethicscan") / "prefilter"


def _compile(hyperscan: Any, exprs: list[bytes], flag: int) -> Any:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=exprs,
        ids=list(range(len(exprs))),
        elements=len(exprs),
        flags=[flag] * len(exprs),
    )
    return db


def _clone(hyperscan: Any, db: Any) -> Any:
    if db is None:
        return None
    copy = hyperscan.loadb(hyperscan.dumpb(db), mode=hyperscan.HS_MODE_BLOCK)
    copy.scratch = hyperscan.Scratch(copy)
    return copy


def _collect_id(pid: int, _start: int, end: int, _flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((end, pid))


class _Distinct:
    """A scan's distinct candidates, (byte end, key), up to ``most``."""

    __slots__ = ("key_of", "most", "seen")

    def __init__(self, key_of: list[str], most: int) -> None:
        self.key_of = key_of
        self.most = most
        self.seen: set[tuple[int, str]] = set()


def _distinct(pid: int, _start: int, end: int, _flags: int, st: _Distinct) -> bool:
    st.seen.add((end, st.key_of[pid]))
    return len(st.seen) >= st.most  # stop: enough are found


CONFIRM_FEW = 32  # reasons confirmed one by one in any text; then one per 4 KB more


class _Confirming:
    """A scan's state while confirming the reasons in one plain text."""

    __slots__ = ("data", "found", "last", "left", "pf", "readable")

    def __init__(self, pf: Prefilter, data: bytes) -> None:
        self.pf = pf
        self.data = data
        self.readable: bool | None = None  # read as UTF-8 as it is? (asked at the end)
        self.found = False
        self.last = -1
        # Past this many unconfirmed reasons, reading the text costs less than more.
        self.left = CONFIRM_FEW + len(data) // 4096


def _confirm(_pid: int, _start: int, end: int, _flags: int, st: _Confirming) -> bool:
    if end == st.last:
        return False  # another expression for the same place: already judged
    st.last = end
    st.left -= 1
    if st.left < 0 or st.pf.confirms(st.data, end):
        st.found = True
        return True  # stop: the text is read
    return False


class _Ends:
    __slots__ = ("ends", "left", "over")

    def __init__(self, most: int) -> None:
        self.ends: list[int] = []
        self.left = most
        self.over = False


def _end(_pid: int, _start: int, end: int, _flags: int, st: _Ends) -> bool:
    st.ends.append(end)
    st.left -= 1
    if st.left < 0:
        st.over = True
        return True  # stop: too many to look at one by one
    return False


def _first(_pid: int, _start: int, _end: int, _flags: int, hit: list[bool]) -> bool:
    hit.append(True)
    return True  # stop at the first reason to read


_CACHE: dict[tuple[str, ...], Prefilter] = {}
_THREAD = threading.local()  # .off: how many without_prefilter() blocks this thread is in
_OFF_BLOCKS = [0]  # ... and in all threads: the common case (none) skips the thread's look-up


def prefilter_for(catalogue: Catalogue) -> Prefilter:
    """One prefilter per catalogue content and process (one that is off inside
    :func:`without_prefilter`): a rule file edited in place (same path, same version)
    gets a prefilter of its own terms."""
    if _OFF_BLOCKS[0] and getattr(_THREAD, "off", 0):
        return Prefilter(catalogue, off=True)
    key = (catalogue.digest,) if catalogue.digest else (catalogue.version, *catalogue.sources)
    pf = _CACHE.get(key)
    if pf is None:
        pf = _CACHE[key] = Prefilter(catalogue)
    return pf


def let_go(catalogue: Catalogue) -> bool:
    """Drop this process's prefilter for ``catalogue`` if its databases are kept on
    disk (the next use loads them again): a pool's parent, once its workers are forked
    with them, reads no file itself, and its copy counted 10 MB in the process tree's
    resident size.  Whether it was dropped."""
    key = (catalogue.digest,) if catalogue.digest else (catalogue.version, *catalogue.sources)
    pf = _CACHE.get(key)
    if pf is None or not pf.on_disk():
        return False
    del _CACHE[key]
    return True


def ready(catalogue: Catalogue) -> bool:
    """Whether the prefilter for ``catalogue`` can be used at once: Hyperscan is not
    installed, or its databases are compiled or kept on disk (else the first use
    compiles them, for a few seconds)."""
    return not prefilter_for(catalogue)._pending


@contextlib.contextmanager
def without_prefilter() -> Iterator[None]:
    """In this thread, while inside, :func:`prefilter_for` gives a prefilter that is
    off, as if Hyperscan were not installed: every text is read and the automata walk
    it, which gives the same findings (``tests/test_prefilter.py``), and nothing is
    compiled or loaded.  For scans too small to repay a compile or a load."""
    _THREAD.off = getattr(_THREAD, "off", 0) + 1
    _OFF_BLOCKS[0] += 1
    try:
        yield
    finally:
        _THREAD.off -= 1
        _OFF_BLOCKS[0] -= 1
