"""From one decoded text to its findings: match, drop look-alikes, classify each
hit in context, then anchor findings on the definitions they document."""

from __future__ import annotations

import bisect
import gc
import operator
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import groupby

from ethicscan.classify.capability import (
    PAGE_SUFFIXES,
    STATEMENT_ONLY,
    STRUCTURAL_SIGNALS,
    WINDOW,
    Decision,
    Hit,
    _cluster_class,
    decide_line,
    identifier_span,
    in_row_of_texts,
    promoted,
    watched_register,
)
from ethicscan.classify.document import CONFIG_SUFFIXES, Document
from ethicscan.classify.schema import Container, Place, parse_schema
from ethicscan.classify.signals import SignalName
from ethicscan.classify.symbols import demangled
from ethicscan.fingerprint import fingerprints, fingerprints_of
from ethicscan.kinds import TextKind
from ethicscan.model import (
    Basis,
    Capability,
    Evidence,
    Finding,
    Location,
    Ref,
    Severity,
    Signal,
    Trait,
    slot_maker,
)
from ethicscan.rules.catalogue import (
    Catalogue,
    Lookalike,
    Term,
    TermKind,
    context_words,
    standing_terms,
)
from ethicscan.rules.matcher import Match
from ethicscan.rules.prefilter import prefilter_for
from ethicscan.suppress import DIRECTIVE, mentions_marker

SNIPPET_WIDTH = 200
# Above this many characters (bundles, data dumps), comments and definitions are read
# only within FOCUS lines of a hit (their state carried across the gaps).
LARGE = 256 * 1024
# Above this many characters, context words are read only near the hits (FOCUS
# lines, FOCUS_CHARS characters): a long file's far end says little about a line,
# and reading all of it is most of the cost.  Comments and definitions, whose state
# runs from the top (a docstring, a block comment), are read whole up to LARGE.
FOCUSED = 32 * 1024
FOCUS = 80
FOCUS_CHARS = 8000
TABLE_MIN = 4  # distinct group names that make a code table
_LINE = operator.attrgetter("line")
_CAP_RANK = {c: i for i, c in enumerate(reversed(list(Capability)))}


def analyse(
    text: str,
    path: str,
    catalogue: Catalogue,
    kind: TextKind = TextKind.NAMED,
    utf8: bytes | None = None,
    target: str = "",
) -> list[Finding]:
    """Every finding in ``text``; ``path`` is the location reported and, for a
    :attr:`TextKind.NAMED` text, what the kind of file is read from (else ``kind``
    says).  ``utf8``: the text's own UTF-8 bytes, if at hand
    (``text.encode("utf-8", "surrogatepass")``).  ``target``: the target the text was
    found under, for each finding's location."""
    with _collector_paused():
        return _analyse(text, path, catalogue, kind, utf8, target)


# Objects made (less those freed) while a text was classified above which those left
# are moved to the collector's oldest generation at once (``_collector_paused``)
PROMOTED_FROM = 20_000


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a text is classified.  Its objects (hits,
    contexts, findings: tens of thousands in a dense text) hold no cycles and are freed
    as they go, but every full pass of the collector walks all of them, which cost a
    quarter of the time of a text of 100,000 hits; it runs again as soon as the text is
    done (the garbage of one text waits at most that long).

    Where the text left more than PROMOTED_FROM new objects (its findings), they are
    moved to the oldest generation as the collector resumes (``gc.freeze()`` then
    ``gc.unfreeze()``: two list merges), not walked by the next young pass and again
    by the next middle one, which find them all alive (the face log's 60,000
    findings: 26 and 33 ms).  The oldest generation is still collected: a cycle among
    them would be found by the next full pass."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > PROMOTED_FROM and hasattr(gc, "freeze"):
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def _analyse(
    text: str, path: str, catalogue: Catalogue, kind: TextKind, utf8: bytes | None, target: str
) -> list[Finding]:
    # The findings are made once the document, its matches, hits and decisions are let
    # go: the objects that stay take the room those leave (the face log's peak after the
    # scan: 9 MB lower than with the findings made beside them).
    drafts, tables = _drafts(text, path, catalogue, kind, utf8)
    found = _finished(drafts, target)
    return _with_tables(found, tables) if tables else found


def _drafts(
    text: str, path: str, catalogue: Catalogue, kind: TextKind, utf8: bytes | None
) -> tuple[list[_Draft], _Tables]:
    """The drafts of the findings in ``text`` (``_analyse``'s), and the code tables
    some of them stand for."""
    doc = Document(text, path, catalogue, "", kind, utf8=utf8)
    pf = prefilter_for(doc.catalogue)
    # (a text of many lines may be matched by line shape: its candidates are counted
    # only up to SHAPED_LINES, and all of them found only when they are matched)
    dense = SHAPED_LINES if doc.line_count >= SHAPED_LINES else 0
    cands = pf.candidates(text, doc.utf8, dense)
    shaped = _by_line_shape(doc, cands)
    if shaped is not None:
        term_matches, lines = shaped
        doc.by_line_shape = True  # (its context words too)
    else:
        if dense and cands is not None and len(cands) >= dense:
            cands = pf.candidates(text, doc.utf8)  # (the first ones only, so far)
        term_matches = _outside_directives(doc, standing_terms(_term_matches(doc, cands)))
    if not term_matches:
        return [], {}
    if shaped is None:
        line_of = doc.line_of
        lines = [line_of(m.start) for m in term_matches]
    if len(text) > FOCUSED:
        doc.focus_chars = _focus_chars(doc, [(m.start, m.end) for m in term_matches], lines)
    if len(text) > LARGE:
        doc.focus = _focus(doc, lines)
    in_comment = None if doc.holds_no_comment else _InComment(doc)
    hits = [
        Hit(
            m.key.payload,
            m.start,
            m.end,
            line,
            in_comment is not None and in_comment(m.start, line),
        )
        for m, line in zip(term_matches, lines, strict=True)
        if not m.key.payload.needs or _needs_met(doc, m.key.payload)
    ]
    if not hits:
        return [], {}
    _link_neighbours(hits)
    _place_in_schema(doc, hits)

    decided: list[tuple[Hit, Decision]] = []
    try:
        for _, same in groupby(hits, _LINE):
            line = list(same)
            for hit, d in zip(line, decide_line(doc, line), strict=True):
                if d is not None:
                    decided.append((hit, d))
    finally:
        doc.shared = None  # what the hits shared refers to the document: no cycle stays
    decided = _promote_within_file(doc, decided)
    decided = _promote_within_document(doc, decided)
    decided = _documented_above(doc, decided)
    decided = _documents_a_parameter(doc, decided)
    # (a table's rows are read from the hits before the line's are folded too)
    unfolded = decided
    decided, heads = _one_per_table(_one_per_line_and_rule(decided), unfolded, text)
    decided, heads = _one_per_enum(decided, heads, unfolded, text)
    del unfolded
    decided = _in_catalogue(doc, decided, term_matches)
    make = _FindingMaker(doc)
    drafts = [make(h, d, text[h.start : h.end], h.start, line=h.line) for h, d in decided]
    drafts += _definition_findings(doc, decided, make)
    drafts += _face_input_findings(doc, decided, make)
    return drafts, _tables_kept(heads, decided)


class _InComment:
    """``doc.in_comment(pos, line)`` for the hits of a text in order: a line that is no
    comment and holds no comment marker has none of its hits in one, asked once for
    all of them (a log's line holds several)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.line = -1
        self.plain = False

    def __call__(self, pos: int, line: int) -> bool:
        doc = self.doc
        if line != self.line:
            self.line = line
            self.plain = not doc.comment_lines[line] and not doc.has_marker(line)
        return False if self.plain else doc.in_comment(pos, line)


def _needs_met(doc: Document, term: Term) -> bool:
    """Does the text (or its path) hold a word of a category the term needs anywhere?
    A ``nation`` in a text with no word of an identity card is a country's: it is let go
    before its context is read (the classifier asks again near the hit)."""
    return any(doc.context.get(c) or doc.path_context.get(c) for c in term.needs)


def _term_matches(
    doc: Document, cands: list[tuple[int, str]] | None
) -> list[Match[Term | Lookalike]]:
    """The matcher's matches.  The prefilter's own pass names the candidates
    (``cands``: a key at an identifier start), so the automaton never walks the text;
    without Hyperscan (``cands`` None) it does."""
    text = doc.text
    terms = doc.catalogue.terms
    if cands is not None:
        return terms.at(text, cands)
    return terms.find(text, doc.low)


# Fewer lines (or fewer candidate terms): a text is matched whole, as it costs little
SHAPED_LINES = 200


def _by_line_shape(
    doc: Document, cands: list[tuple[int, str]] | None
) -> tuple[list[Match[Term]], list[int]] | None:
    """The standing term matches and their lines, as ``_analyse`` finds them otherwise,
    matched once per line shape (``Lexicon.find_by_lines``), in a data text of many
    lines (a log's records, a table's rows: its lines read alike) that holds no
    inline suppression; else None.  Only a text dense in terms is asked whether it is
    data (reading its shape costs some 0.4 ms a text): one where the prefilter names
    a candidate for each of SHAPED_LINES lines at least, or, without the prefilter,
    one of FOCUSED characters at least."""
    if doc.line_count < SHAPED_LINES:
        return None
    if len(cands) < SHAPED_LINES if cands is not None else len(doc.text) < FOCUSED:
        return None  # few terms, or a short text: matched whole at little cost
    if not doc.is_data:
        return None
    if mentions_marker(doc.text, doc.utf8):
        return None  # (a directive's matches are dropped by position)
    return doc.catalogue.terms.find_by_lines(doc.text, doc.low, standing_terms)


def _outside_directives(doc: Document, matches: list[Match[Term]]) -> list[Match[Term]]:
    """The matches that are not part of an inline suppression (``ethicscan:
    ignore[race] reviewed``): a directive about a trait is not a use of it."""
    if not matches or not mentions_marker(doc.text, doc.utf8):
        return matches
    spans = [m.span() for m in DIRECTIVE.finditer(doc.text)]
    if not spans:
        return matches
    return [m for m in matches if not any(a <= m.start < b for a, b in spans)]


def _focus(doc: Document, lines: list[int]) -> list[tuple[int, int]]:
    """Line ranges around the hits of a large text, merged where they touch."""
    out: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        lo, hi = max(0, line - FOCUS), min(doc.line_count - 1, line + FOCUS)
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _focus_chars(
    doc: Document, hits: list[tuple[int, int]], lines_of: list[int]
) -> list[tuple[int, int]]:
    """Character spans around the hits (on lines ``lines_of``): FOCUS lines each side,
    but no more than FOCUS_CHARS characters each side (one minified line can be
    megabytes), merged where they touch.  A run of hits on one line of FOCUS_CHARS
    characters at most gives one span, its first start's and its last end's: each of
    their spans holds the whole line, so they merge into that one.  The lines' ends are
    looked up once per line, not per hit."""
    lines = doc.lines
    n = lines.count
    spans: list[tuple[int, int]] = []
    bounds: dict[int, tuple[int, int, bool]] = {}
    run = -1  # the short line of the run of hits being read, its span's ends so far
    run_lo = run_hi = 0
    lo = hi = 0
    for (s, e), line in zip(hits, lines_of, strict=True):
        if line == run:
            run_lo = min(run_lo, s)
            run_hi = max(run_hi, e)
            continue
        if run >= 0:
            spans.append((max(lo, run_lo - FOCUS_CHARS), min(hi, run_hi + FOCUS_CHARS)))
            run = -1
        got = bounds.get(line)
        if got is None:
            got = bounds[line] = (
                lines.start(max(0, line - FOCUS)),
                lines.end(min(n - 1, line + FOCUS)),
                lines.end(line) - lines.start(line) <= FOCUS_CHARS,
            )
        lo, hi, short = got
        if short:
            run, run_lo, run_hi = line, s, e
        else:
            spans.append((max(lo, s - FOCUS_CHARS), min(hi, e + FOCUS_CHARS)))
    if run >= 0:
        spans.append((max(lo, run_lo - FOCUS_CHARS), min(hi, run_hi + FOCUS_CHARS)))
    spans.sort()
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _link_neighbours(hits: list[Hit]) -> None:
    """Tell each hit about the other hits near it: value-set clusters, ethnic-group
    code tables, words of the same trait, religion words.  What the hits around a
    line hold is gathered once per line (a minified line holds hundreds of hits)."""
    by_line: dict[int, list[Hit]] = defaultdict(list)
    # What a hit learns is a function of its own term and of the terms of the hits
    # around it (``_Around`` reads nothing else): the value labels within 2 lines and
    # the other terms within WINDOW lines, each as a multiset (``_Around`` counts them,
    # ``_learnt`` sorts what it reads).  Lines whose windows hold the same terms, in any
    # order (a log's records, whose labels vary), share the work.  A line's terms are
    # gathered once (a minified line's are 100,000 long), then the window stands as a
    # number.
    values: dict[int, list[int]] = defaultdict(list)
    others: dict[int, list[int]] = defaultdict(list)
    value = TermKind.VALUE
    for h in hits:
        ln, term = h.line, h.term
        by_line[ln].append(h)
        (values if term.kind is value else others)[ln].append(id(term))
    numbers: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    around: dict[int, _Around] = {}
    # the window's number -> what a hit of each term (its id) learns in it, and its number
    learnt: dict[int, dict[int, tuple[_Learnt, int]]] = {}
    # what a hit learns, its cluster as _cluster_class tells it -> its number (Hit.near)
    nears: dict[tuple[object, ...], int] = {}
    for ln, hs in by_line.items():  # (each line's window once)
        window = (_gathered(values, ln, 2), _gathered(others, ln, WINDOW))
        shape = numbers.setdefault(window, len(numbers))
        mine = learnt.get(shape)
        if mine is None:
            mine = learnt[shape] = {}
        for h in hs:
            got = mine.get(id(h.term))
            if got is None:
                ar = around.get(shape)
                if ar is None:
                    ar = around[shape] = _Around(by_line, ln)
                one = _learnt(h.term, ar)
                near = nears.setdefault((_cluster_class(one[0]), *one[1:]), len(nears))
                got = mine[id(h.term)] = (one, near)
            (h.cluster, h.trait_words_near, h.traits_near, h.religion_near, h.table), h.near = got


def _gathered(terms: dict[int, list[int]], line: int, reach: int) -> tuple[int, ...]:
    """The terms (ids) of lines ``line - reach`` .. ``line + reach``, sorted."""
    out: list[int] = []
    for ln in range(line - reach, line + reach + 1):
        got = terms.get(ln)
        if got:
            out += got
    out.sort()
    return tuple(out)


# What a hit learns from its neighbours: cluster, trait_words_near, traits_near,
# religion_near, table (the fields of ``Hit`` of those names).
_Learnt = tuple[tuple[str, ...], tuple[str, ...], frozenset[Trait], bool, tuple[str, ...]]


def _learnt(t: Term, ar: _Around) -> _Learnt:
    """What a hit of term ``t`` learns from the hits around it (``ar``)."""
    cluster: tuple[str, ...] = ()
    table: tuple[str, ...] = ()
    if t.kind is TermKind.VALUE:
        labels = ar.labels.get(t.rule_id, {})
        own = t.text.lower()
        cluster = tuple(
            sorted(w for w, n in labels.items() if w != own or n > 1)
        )  # another hit of the same label counts; the hit itself does not
    else:
        own = t.text.lower()
    trait_words_near = tuple(sorted(w for w in ar.words.get(t.trait, ()) if w.lower() != own))
    traits = ar.traits
    if t.kind is not TermKind.VALUE and traits.get(t.trait) == 1:
        traits_near = frozenset(k for k in traits if k is not t.trait)
    else:
        traits_near = frozenset(traits)
    if t.kind in (TermKind.TABLE, TermKind.GROUP) and len(ar.names) >= TABLE_MIN:
        table = tuple(sorted(ar.names))
    return cluster, trait_words_near, traits_near, ar.religion, table


class _Around:
    """What the hits within WINDOW lines of a line (two lines for value clusters) hold."""

    def __init__(self, by_line: dict[int, list[Hit]], line: int) -> None:
        self.labels: dict[str, dict[str, int]] = {}  # rule -> label -> hits, 2 lines
        self.words: dict[Trait, set[str]] = {}  # trait -> its non-value terms
        self.traits: dict[Trait, int] = {}  # trait -> non-value hits
        self.religion = False
        self.names: set[str] = set()  # ethnic-group names
        for ln in range(line - WINDOW, line + WINDOW + 1):
            for o in by_line.get(ln, ()):
                t = o.term
                if t.kind is TermKind.VALUE:
                    if abs(ln - line) <= 2:
                        by_label = self.labels.setdefault(t.rule_id, {})
                        w = t.text.lower()
                        by_label[w] = by_label.get(w, 0) + 1
                    continue
                self.words.setdefault(t.trait, set()).add(t.text)
                self.traits[t.trait] = self.traits.get(t.trait, 0) + 1
                if t.trait is Trait.RELIGION and t.kind is not TermKind.MARKER:
                    self.religion = True
                if t.kind in (TermKind.TABLE, TermKind.GROUP) and t.trait in (
                    Trait.ETHNIC_GROUP,
                    Trait.ETHNICITY,
                ):
                    self.names.add(t.text)


def _place_in_schema(doc: Document, hits: list[Hit]) -> None:
    """In a schema file, give each hit its container: the lines and the names that are
    its context (docs/classifier.md, "Schemas")."""
    schema = parse_schema(doc.path, doc.text, doc.suffix)
    if schema is None:
        return
    held: dict[int, tuple[Container, list[Hit]]] = {}
    outside = []
    for h in hits:
        c = schema.container_at(h.line)
        if c is not None:
            held.setdefault(id(c), (c, []))[1].append(h)
        else:
            outside.append(h)
    for c, members in held.values():
        own = f"{c.name} {c.description}".lower()
        named = frozenset(t for h in members if (t := doc.text[h.start : h.end].lower()) in own)
        p = _place(doc, c, named)
        for h in members:
            h.place = p
    if outside:
        _name_watched_registers(doc, schema.containers, outside)


# A sequence's, an index's or a key's name made of a table's: ``s_religionBelief``,
# ``seq_religionBelief``, ``idx_religionBelief_name``, ``pk_religionBelief``.
_AFFIXED = re.compile(r"(?:(?:s|sq|seq|idx|ix|pk|fk|uk|uq|ind|trg|tr)_)?(\w+?)(?:_\w+)?")


def _name_watched_registers(doc: Document, containers: list[Container], hits: list[Hit]) -> None:
    """A hit outside every container whose identifier is a watched register's name (its
    sequence, its heading comment, an index on it): the place of that register, so the
    register's name reads the same wherever the file names it."""
    by_name = {c.name.lower(): c for c in containers if c.name}
    text = doc.text
    for h in hits:
        lo, hi = identifier_span(text, h.start, h.end, 64)
        ident = text[lo:hi].lower()
        c = by_name.get(ident)
        if c is None and (m := _AFFIXED.fullmatch(ident)) is not None:
            # the table's name whole, after a prefix or before a column's name
            c = next(
                (by_name[n] for n in (m.group(1), ident.split("_", 1)[-1]) if n in by_name), None
            )
        if c is None:
            continue
        term = text[h.start : h.end].lower()
        p = _place(doc, c, frozenset({term}))
        if watched_register(p, term) is not None:
            h.place = p


def _place(doc: Document, c: Container, named: frozenset[str]) -> Place:
    spaced = re.sub(r"[/\\.{}_:\-]+", " ", " ".join([c.text(), *(u.text() for u in c.used_by)]))
    words: dict[str, list[str]] = defaultdict(list)
    for m in context_words(doc.catalogue.context.find(spaced)):
        words[m.key.payload.category].append(m.key.payload.text)
    return Place(c, (c.line, c.end), dict(words), named)


def _one_per_enum(
    decided: list[tuple[Hit, Decision]],
    tables: dict[int, tuple[Hit, _Table]],
    unfolded: list[tuple[Hit, Decision]],
    text: str,
) -> tuple[list[tuple[Hit, Decision]], dict[int, tuple[Hit, _Table]]]:
    """An enum of a schema (``enum RaceType``, ``CREATE TYPE race AS ENUM``) is a code
    table: one finding per trait (its name and its labels are one thing), at its first hit,
    which stands for the others: ``tables`` (``_one_per_table``'s) with the extent of each
    enum that folds a hit (``_enum_rows``)."""
    seen: dict[tuple[int, Trait], Hit] = {}
    folding: dict[int, Hit] = {}  # the first hits of the enums that fold one, by id
    out = []
    for h, d in decided:
        if h.place is not None and h.place.container.kind == "enum":
            k = (id(h.place.container), h.term.trait)
            first = seen.get(k)
            if first is not None:
                folding[id(first)] = first
                continue
            seen[k] = h
        out.append((h, d))
    if not folding:
        return out, tables
    return out, {**tables, **_enum_rows(folding, tables, unfolded, text)}


def _enum_rows(
    firsts: dict[int, Hit],
    tables: dict[int, tuple[Hit, _Table]],
    unfolded: list[tuple[Hit, Decision]],
    text: str,
) -> dict[int, tuple[Hit, _Table]]:
    """The extent of each enum whose first hit is in ``firsts``: the hits of ``unfolded``
    (before any was folded) of its trait in it, and the rows of a code table that starts
    in it."""
    by_enum = {(id(h.place.container), h.term.trait): h for h in firsts.values() if h.place}
    ends = {i: h.line for i, h in firsts.items()}
    terms = {i: {text[h.start : h.end]: None} for i, h in firsts.items()}
    for h, _ in unfolded:
        p = h.place
        if p is None or p.container.kind != "enum":
            continue
        first = by_enum.get((id(p.container), h.term.trait))
        if first is None:
            continue
        table = tables.get(id(h))
        end, own = table[1] if table is not None else (h.line, (text[h.start : h.end],))
        i = id(first)
        ends[i] = max(ends[i], end)
        terms[i].update(dict.fromkeys(own))
    return {i: (h, (ends[i], tuple(terms[i]))) for i, h in firsts.items()}


def _one_per_line_and_rule(decided: list[tuple[Hit, Decision]]) -> list[tuple[Hit, Decision]]:
    """``n.race = r.race`` is one finding, the most serious of the line's hits of a rule;
    of two as serious, a term that stands alone before one that needs context words
    (``nation COMMENT '民族'``: 民族)."""
    best: dict[tuple[int, str], tuple[Hit, Decision]] = {}
    for h, d in decided:
        k = (h.line, h.term.rule_id)
        cur = best.get(k)
        if cur is None or _line_rank(h, d) > _line_rank(*cur):
            best[k] = (h, d)
    return sorted(best.values(), key=lambda hd: hd[0].start)


def _line_rank(h: Hit, d: Decision) -> tuple[int, bool]:
    """How a hit's verdict ranks among its line's: by its capability, except that a
    search the statement itself shows (``df[df.race == r]``) outranks a guess of an
    inference from words of a model around it, on no basis (a loop's ``race`` in a
    module that scores a model by group: the records are split, no race is guessed)."""
    rank = _CAP_RANK[d.capability]
    if d.capability is Capability.SEARCH and any(s.name in STATEMENT_ONLY for s in d.signals):
        rank = max(rank, _CAP_RANK[Capability.INFERENCE])
    elif d.capability is Capability.INFERENCE and d.basis is Basis.UNKNOWN:
        rank = _CAP_RANK[Capability.SEARCH]
    return rank, not h.term.needs


_PROMOTING = ("code", "prose")  # scopes whose hits take their file's capability
# Signals of a hit that says nothing the code does (negated, a name quoted in prose): it
# keeps its own verdict.  (A term cited in a docstring, ``race``, often names the very
# output of the function it documents, so it does take the file's capability.)
_KEEPS_OWN_VERDICT = frozenset(
    {
        SignalName.NEGATED_OR_REMOVED.value,
        SignalName.QUOTED_IN_PROSE.value,
        # ``race='race'``: the setting names a column, whatever the module does with it
        SignalName.COLUMN_NAME_SETTING.value,
        # a covariate of a model: what the module's model is given, not what it guesses
        SignalName.MODEL_INPUT.value,
        # a kind of harmful or biased text (``bias:race``, "racial slurs") in a module
        # that also infers the trait is still a name for content, not a field
        SignalName.HARMFUL_CONTENT_CATEGORY.value,
    }
)


def _keeps_own_verdict(d: Decision) -> bool:
    """Does ``d`` say nothing the code does (see _KEEPS_OWN_VERDICT)?"""
    return any(sig.name in _KEEPS_OWN_VERDICT for sig in d.signals)


# Traits named in one text that make it a catalogue of protected categories (a law's
# list of special categories, a data-protection classifier's rules, a detector's term
# list): software that sorts people asks for one or two traits, not for most of them.
CATALOGUE_TRAITS = 6


def _in_catalogue(
    doc: Document, decided: list[tuple[Hit, Decision]], term_matches: Sequence[Match[Term]]
) -> list[tuple[Hit, Decision]]:
    """In a text that names CATALOGUE_TRAITS or more of the protected traits, every hit
    is a mention: the text lists the categories, it does not act on people by them.  A
    mention it already was is as doubtful: most such texts are dictionaries, word lists
    and detectors' term lists, whose words name no one.  A dataset of texts is many
    texts: a hit in one of its rows is in a catalogue only if that row names as many."""
    traits = {m.key.payload.trait for m in term_matches}
    if len(traits) < CATALOGUE_TRAITS:
        return decided
    sig = Signal(
        SignalName.CATALOGUE_OF_PROTECTED_CATEGORIES.value, -0.2, f"{len(traits)} traits named"
    )
    by_line: dict[int, set[Trait]] | None = None
    out = []
    for h, d in decided:
        if in_row_of_texts(doc, h):
            if by_line is None:
                by_line = defaultdict(set)
                for m in term_matches:
                    by_line[doc.line_of(m.start)].add(m.key.payload.trait)
            if len(by_line[h.line]) < CATALOGUE_TRAITS:
                out.append((h, d))
                continue
        score = max(0.05, round(d.score - 0.2, 2))
        signals = (*d.signals, sig)
        d = Decision(Capability.MENTION, None, Severity.INFO, score, signals, d.scope, d.declared)
        out.append((h, d))
    return out


def _promote_within_file(
    doc: Document, decided: list[tuple[Hit, Decision]]
) -> list[tuple[Hit, Decision]]:
    """In code that infers (or searches by) a trait, the fields and enums of that
    trait are the same capability: the ``race`` field of a face-attribute result is
    inference, not a record.  Prose, sentences, entries of data and negated comments keep
    their own verdict."""
    if doc.is_prose or doc.suffix in CONFIG_SUFFIXES:
        return decided  # a document or a configuration is no module of code
    # a page's search form makes no column of its list, no field of its edit dialog, a
    # search: a page holds each of them apart
    promoting = (
        (Capability.INFERENCE,)
        if doc.suffix in PAGE_SUFFIXES
        else (Capability.INFERENCE, Capability.SEARCH)
    )
    serious: dict[Trait, list[tuple[int, Capability, Basis | None]]] = defaultdict(list)
    for h, d in decided:
        if (
            d.capability in promoting
            and d.scope in _PROMOTING
            and not any(sig.name in STATEMENT_ONLY for sig in d.signals)
        ):
            serious[h.term.trait].append((h.line, d.capability, d.basis))
    if not serious:
        return decided
    counts = {trait: _CapabilityCounts(rows) for trait, rows in serious.items()}
    out = []
    for h, d in decided:
        negated = _keeps_own_verdict(d)
        lower = d.capability in (Capability.RECORD, Capability.MENTION)
        structural = any(sig.name in STRUCTURAL_SIGNALS for sig in d.signals)
        code = d.scope in _PROMOTING  # an entry or a sentence keeps its own verdict
        here = counts.get(h.term.trait)
        shown = here.most_common(*doc.reach(h.line)) if here is not None and lower else None
        if (
            shown is not None
            and code
            and not h.table
            and not d.declared
            and not negated
            and not structural
        ):
            d = promoted(d, *shown)
        out.append((h, d))
    return out


DOCUMENT_REACH = 80  # lines of a document around its statements of an inference
DOCUMENT_STATEMENTS = 2  # statements of an inference that make a document one about it


def _promote_within_document(
    doc: Document, decided: list[tuple[Hit, Decision]]
) -> list[tuple[Hit, Decision]]:
    """A document that says, more than once, that the software infers a trait (a name
    classifier's README: "predicts religion from a name") is about that inference: its
    other sentences of the trait within DOCUMENT_REACH lines of one of those statements
    (the classifier's scores for Muslim names, the labels it outputs) are that inference
    too, not mentions.  Negated and quoted sentences keep their own verdict."""
    if not doc.is_prose:
        return decided
    stated: dict[Trait, list[tuple[int, Basis | None]]] = defaultdict(list)
    for h, d in decided:
        if d.capability is Capability.INFERENCE and not _keeps_own_verdict(d):
            stated[h.term.trait].append((h.line, d.basis))
    stated = {t: rows for t, rows in stated.items() if len(rows) >= DOCUMENT_STATEMENTS}
    if not stated:
        return decided
    lines_of = {t: [line for line, _ in rows] for t, rows in stated.items()}
    out = []
    for h, d in decided:
        rows = stated.get(h.term.trait)
        if rows is not None and d.capability is Capability.MENTION and not _keeps_own_verdict(d):
            i = bisect.bisect_left(lines_of[h.term.trait], h.line)
            near = [rows[j] for j in (i - 1, i) if 0 <= j < len(rows)]
            near = [r for r in near if abs(r[0] - h.line) <= DOCUMENT_REACH]
            if near:
                line, basis = min(near, key=lambda r: abs(r[0] - h.line))
                why = Signal(
                    SignalName.SAME_TRAIT_CAPABILITY_IN_FILE.value,
                    0.05,
                    f"the document states the inference at line {line + 1}",
                )
                d = promoted(d, Capability.INFERENCE, basis, why)
        out.append((h, d))
    return out


def _documented_above(
    doc: Document, decided: list[tuple[Hit, Decision]]
) -> list[tuple[Hit, Decision]]:
    """A statement takes the capability its own doc comment shows for the same trait:
    the constant ``FGN_UYGUR = "..._fgn_uygur"`` under ``/** 涉外籍维族人信息 */`` is the
    index of that targeted group, not a mere record.  The comment must end on the line
    above (annotations between are not comments: a gap ends the block)."""
    if doc.is_prose or doc.suffix in CONFIG_SUFFIXES:
        return decided
    serious: dict[tuple[int, Trait], Decision] = {}
    for h, d in decided:
        if h.in_comment and d.capability in _SERIOUS:
            k = (h.line, h.term.trait)
            if k not in serious or _CAP_RANK[d.capability] > _CAP_RANK[serious[k].capability]:
                serious[k] = d
    if not serious:
        return decided
    flags = doc.comment_lines
    out = []
    for h, d in decided:
        if (
            not h.in_comment
            and d.capability in (Capability.RECORD, Capability.MENTION)
            and d.scope == "code"
            and not h.table
            and not _keeps_own_verdict(d)
        ):
            j = h.line - 1
            while j >= 0 and h.line - j <= _DOC_REACH and flags[j]:
                above = serious.get((j, h.term.trait))
                if above is not None:
                    why = Signal(
                        SignalName.DOCUMENTED_DEFINITION.value, 0.05, f"its doc at line {j + 1}"
                    )
                    d = promoted(d, above.capability, above.basis, why)
                    break
                j -= 1
        out.append((h, d))
    return out


_DOC_REACH = 12  # lines of a doc comment read above a statement
# A doc comment's line that documents a parameter: Javadoc's and JSDoc's ``@param uygur``
# (``@param {string} race``), reStructuredText's ``:param race:``, Google style's
# ``race (str):`` under ``Args:`` is not read (its name stands alone)
_PARAM_DOC = re.compile(r"@param\s+(?:\{[^{}]*\}\s*)?\[?(\w+)|:param\s+(?:\w+\s+)?(\w+)\s*:")
SIGNATURE_LINES = 30  # lines of a signature below its doc comment that its parameters span
_SIGNATURE_END = re.compile(r"\)\s*(?:throws\s[\w.,\s]+)?\{|\)\s*(?:->\s*[^:]+)?:\s*$|=>")


def _documents_a_parameter(
    doc: Document, decided: list[tuple[Hit, Decision]]
) -> list[tuple[Hit, Decision]]:
    """A doc comment's line about a parameter (``@param uygur 种族特征编号``) takes the
    verdict of that parameter in the signature below it (``@RequestParam(name =
    "uygur") String uygur``: a query's condition on one group), when it is the more
    serious: the comment says what the parameter is, not something of its own."""
    if doc.is_prose or doc.suffix in CONFIG_SUFFIXES:
        return decided
    documented = [
        (h, d)
        for h, d in decided
        if h.in_comment and d.capability in (Capability.RECORD, Capability.MENTION)
    ]
    if not documented:
        return decided
    code: dict[int, list[Decision]] = defaultdict(list)
    for h, d in decided:
        if not h.in_comment:
            code[h.line].append(d)
    flags = doc.comment_lines
    taken: dict[int, tuple[Decision, int]] = {}  # a parameter's line: its verdict, where
    for h, d in documented:
        if h.line in taken or _keeps_own_verdict(d):
            continue
        m = _PARAM_DOC.search(doc.line_text(h.line))
        if m is None:
            continue
        name = re.compile(rf"\b{re.escape(m.group(1) or m.group(2))}\b")
        i = h.line + 1
        while i < doc.line_count and flags[i] and i - h.line <= _DOC_REACH * 4:
            i += 1  # the rest of the doc comment
        best: tuple[Decision, int] | None = None
        for j in range(i, min(doc.line_count, i + SIGNATURE_LINES)):
            line = doc.line_text(j)
            if name.search(line):
                for d2 in code.get(j, ()):
                    if best is None or _CAP_RANK[d2.capability] > _CAP_RANK[best[0].capability]:
                        best = (d2, j)
            if _SIGNATURE_END.search(line):
                break
        if best is not None:
            taken[h.line] = best
    if not taken:
        return decided
    out = []
    for h, d in decided:
        got = taken.get(h.line) if h.in_comment else None
        if (
            got is not None
            and d.capability in (Capability.RECORD, Capability.MENTION)
            and _CAP_RANK[got[0].capability] > _CAP_RANK[d.capability]
            and not _keeps_own_verdict(d)
        ):
            why = Signal(
                SignalName.DOCUMENTED_DEFINITION.value, 0.05, f"the parameter at line {got[1] + 1}"
            )
            d = promoted(d, got[0].capability, got[0].basis, why)
        out.append((h, d))
    return out


class _CapabilityCounts:
    """Inference and search findings of one trait by line, counted between any two
    lines in O(log n): promotion reads them once per hit, so a file of n hits costs
    n log n, not n squared."""

    def __init__(self, rows: list[tuple[int, Capability, Basis | None]]) -> None:
        rows = sorted(rows, key=lambda r: r[0])
        self.lines = [line for line, _, _ in rows]
        self.inference = [0]
        # of the inference findings, those from faces or bodies and those from names
        self.basis: dict[Basis, list[int]] = {Basis.BIOMETRIC: [0], Basis.NAME: [0]}
        for _, cap, basis in rows:
            self.inference.append(self.inference[-1] + (cap is Capability.INFERENCE))
            for b, counts in self.basis.items():
                counts.append(counts[-1] + (cap is Capability.INFERENCE and basis is b))

    def most_common(self, lo: int, hi: int) -> tuple[Capability, Basis | None] | None:
        """The capability most of lines ``lo..hi`` show (inference on a tie), with the
        basis most of its inference findings show, or None: a module that infers from
        names, or from nothing it says, makes its fields inferences of that kind (and
        severity); a face's severity needs faces."""
        i, j = bisect.bisect_left(self.lines, lo), bisect.bisect_right(self.lines, hi)
        if i == j:
            return None
        inference = self.inference[j] - self.inference[i]
        if 2 * inference < j - i:
            return Capability.SEARCH, None
        for basis, counts in self.basis.items():
            if 2 * (counts[j] - counts[i]) >= inference:
                return Capability.INFERENCE, basis
        return Capability.INFERENCE, Basis.UNKNOWN


def _one_per_table(
    decided: list[tuple[Hit, Decision]], unfolded: list[tuple[Hit, Decision]], text: str
) -> tuple[list[tuple[Hit, Decision]], dict[int, tuple[Hit, _Table]]]:
    """A code table of ethnic groups is one record finding (at its first line), plus
    the groups in it that are a target on their own.  Each table's first hit (by its
    id) with its extent: the line of its last row and the terms of its rows, read from
    ``unfolded`` (``decided`` before the hits of a line were folded: a row ``("05",
    "维吾尔族"), ("06", "苗族")`` is one hit of the rule), ``text`` their text."""
    out: list[tuple[Hit, Decision]] = []
    last_table_line = -10
    firsts: list[Hit] = []  # each table's first hit; its last row is at last_lines[i]
    last_lines: list[int] = []
    for h, d in decided:
        if h.table and d.capability is not Capability.TARGETING:
            if h.line - last_table_line <= WINDOW:
                last_table_line = last_lines[-1] = h.line
                continue
            last_table_line = h.line
            firsts.append(h)
            last_lines.append(h.line)
        out.append((h, d))
    if not firsts:
        return out, {}
    return out, _table_rows(firsts, last_lines, unfolded, text)


# A code table a finding stands for: the line of its last row (0-based) and the
# distinct terms of its rows, the first hit's own first.
_Table = tuple[int, tuple[str, ...]]
# (line, rule) of a finding (1-based line) -> the code table it stands for
_Tables = dict[tuple[int, str], _Table]


def _table_rows(
    firsts: list[Hit], last_lines: list[int], unfolded: list[tuple[Hit, Decision]], text: str
) -> dict[int, tuple[Hit, _Table]]:
    """The extent of each table (``_one_per_table``'s) that stands for more than its
    first hit, by the first hit's id: its rows are the hits of ``unfolded`` that are
    rows of a table (not targets on their own) on its lines."""
    terms: list[dict[str, None]] = [{text[h.start : h.end]: None} for h in firsts]
    i = 0
    for h, d in unfolded:  # (in the order of the text, as ``firsts``)
        if not h.table or d.capability is Capability.TARGETING:
            continue
        while i < len(firsts) and last_lines[i] < h.line:
            i += 1
        if i == len(firsts):
            break
        if h.line >= firsts[i].line:
            terms[i][text[h.start : h.end]] = None
    return {
        id(h): (h, (end, tuple(ts)))
        for h, end, ts in zip(firsts, last_lines, terms, strict=True)
        if end > h.line or len(ts) > 1
    }


def _tables_kept(
    heads: dict[int, tuple[Hit, _Table]], decided: list[tuple[Hit, Decision]]
) -> _Tables:
    """The tables of ``heads`` whose first hit is still a finding of ``decided``, by
    that finding's line (1-based) and rule: no two findings of a text share both."""
    if not heads:
        return {}
    return {(h.line + 1, h.term.rule_id): heads[id(h)][1] for h, _ in decided if id(h) in heads}


def _with_tables(found: list[Finding], tables: _Tables) -> list[Finding]:
    """``found``, each finding that stands for a code table with its extent
    (``Location.end_line``, ``Evidence.terms``)."""
    out = []
    for f in found:
        got = tables.get((f.location.line, f.rule))
        if got is not None:
            end, terms = got
            f = replace(
                f,
                location=replace(f.location, end_line=end + 1),
                evidence=replace(f.evidence, terms=terms),
            )
        out.append(f)
    return out


class _FindingMaker:
    """Drafts of the findings of one text: what many of them share (a line's snippet, a
    rule's references, a score's confidence) is looked up once, and what the findings
    of one decision and term share (``_Verdict``) is made once for all of them: the
    lines of a data text that read alike share their decisions (``decide_line``), so
    each of their findings is its line, column, term and snippet over the verdict of
    the first."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._snippets: dict[int, str] = {}  # line -> snippet, for a line of any column
        self._refs: dict[str, tuple[Ref, ...]] = {}
        self._confidence: dict[tuple[float, Capability], float] = {}
        # (decision, term) by identity -> both, kept alive here, and their verdict
        self._verdicts: dict[tuple[int, int], tuple[Decision, Term, _Verdict]] = {}

    def __call__(
        self,
        h: Hit,
        d: Decision,
        term: str,
        pos: int,
        extra: tuple[Signal, ...] = (),
        line: int | None = None,
    ) -> _Draft:
        doc = self.doc
        if line is None:
            line = doc.line_of(pos)
        text = doc.line_text(line)
        col = pos - doc.line_start(line)
        snippet = self._snippets.get(line)
        if snippet is None:
            snippet = _snippet(text, col)
            if len(text) <= SNIPPET_WIDTH:  # the whole line, whatever the column
                self._snippets[line] = snippet
        if doc.is_strings and text.startswith("_Z"):
            name = demangled(text.strip())
            if name is not None:  # a C++ symbol, shown as its source spells it
                snippet = _snippet(name, max(0, name.lower().find(term.lower())))
        t = h.term
        if extra:
            verdict = self._verdict(t, d, extra)
        else:
            got = self._verdicts.get((id(d), id(t)))
            if got is not None and got[0] is d and got[1] is t:
                verdict = got[2]
            else:
                verdict = self._verdict(t, d, ())
                self._verdicts[(id(d), id(t))] = (d, t, verdict)
        return (doc.path, line + 1, col + 1, t.rule_id, verdict, term, snippet)

    def _verdict(self, t: Term, d: Decision, extra: tuple[Signal, ...]) -> _Verdict:
        rule = t.rule_id
        refs = self._refs.get(rule)
        if refs is None:
            refs = self._refs[rule] = self.doc.catalogue.rule(rule).refs
        confidence = self._confidence.get((d.score, d.capability))
        if confidence is None:
            confidence = self._confidence[(d.score, d.capability)] = (
                self.doc.catalogue.calibration.confidence(d.score, d.capability.value)
            )
        return (
            rule,
            t.trait,
            d.capability,
            d.basis if d.capability is Capability.INFERENCE else None,
            d.severity,
            confidence,
            d.signals + extra,
            refs,
            d.score,
            t.lang,
            t.gloss,
        )


# What the findings of one decision and term share: the Finding's rule, trait,
# capability, basis, severity, confidence, signals, refs and score, and its evidence's
# language and gloss.
_Verdict = tuple[
    str,
    Trait,
    Capability,
    "Basis | None",
    Severity,
    float,
    tuple[Signal, ...],
    tuple[Ref, ...],
    float,
    str,
    str,
]

# A finding as ``_finished`` makes it: its sort key (path, line, column, rule), its
# verdict, and its evidence's term and snippet.  (Its Location and Evidence are made with
# the Finding: objects that stay, made together, apart from the drafts, which go.)
_Draft = tuple[str, int, int, str, _Verdict, str, str]


_SORT_KEY = operator.itemgetter(0, 1, 2, 3)  # a draft's (path, line, column, rule)


# Finding, Location and Evidence made from all their fields, as their constructors make
# them (``slot_maker``): the face log's 60,000 findings, some 50 ms less
_FINDING = slot_maker(Finding)
_LOCATION = slot_maker(Location)
_EVIDENCE = slot_maker(Evidence)


def _finished(drafts: list[_Draft], target: str) -> list[Finding]:
    """The findings of ``drafts`` (under ``target``), sorted and fingerprinted as
    ``with_fingerprints`` sorts and fingerprints them, each made once."""
    drafts.sort(key=_SORT_KEY)  # Finding.sort_key
    fps = fingerprints_of((x[3], x[0], x[5], x[6]) for x in drafts)
    return [
        _FINDING(
            r,
            t,
            c,
            b,
            s,
            conf,
            _LOCATION(path, line, col, target, None, None, "", None),
            _EVIDENCE(term, snippet, lang, gloss, ()),
            sig,
            refs,
            fp,
            None,
            None,
            score,
        )
        for (
            (
                path,
                line,
                col,
                _,
                (r, t, c, b, s, conf, sig, refs, score, lang, gloss),
                term,
                snippet,
            ),
            fp,
        ) in zip(drafts, fps, strict=True)
    ]


def _snippet(line: str, col: int) -> str:
    line = line.replace("\t", " ")
    if len(line) <= SNIPPET_WIDTH:
        return line.strip()
    start = max(0, min(col - SNIPPET_WIDTH // 3, len(line) - SNIPPET_WIDTH))
    return ("…" if start else "") + line[start : start + SNIPPET_WIDTH].strip() + "…"


_GENERIC_NAMES = frozenset({"init", "constructor", "new", "main", "run", "call", "get", "set"})
_SERIOUS = (Capability.TARGETING, Capability.INFERENCE, Capability.SEARCH)


def _definition_findings(
    doc: Document, decided: list[tuple[Hit, Decision]], make: _FindingMaker
) -> list[_Draft]:
    """A docstring or doc comment that shows a capability makes the definition it
    documents a finding too: ``class FaceDetailAttributesInfo`` whose docstring lists
    肤色 is where a reader should look first."""
    out: list[_Draft] = []
    seen: set[tuple[int, str]] | None = None  # made for the first doc that shows one
    documented = SignalName.DOCUMENTED_DEFINITION.value
    for h, d in decided:
        if d.capability not in _SERIOUS or not h.in_comment:
            continue
        if any(s.name == documented for s in d.signals):
            continue  # a parameter's doc, serious as its parameter is: that is the finding
        owner = doc.owning_definition(h.line)
        if owner is None:
            continue
        if seen is None:
            seen = {(x.line, x.term.rule_id) for x, _ in decided}
        line, name = owner
        if (line, h.term.rule_id) in seen or name.startswith("__") or name in _GENERIC_NAMES:
            continue
        seen.add((line, h.term.rule_id))
        pos = doc.line_start(line) + doc.line_text(line).find(name)
        sig = (
            Signal(
                SignalName.DOCUMENTED_DEFINITION.value, 0.0, f"doc of {name} at line {h.line + 1}"
            ),
        )
        out.append(make(h, d, name, pos, sig))
    return out


_TYPE_DECLARATION = re.compile(r"\b(?:class|struct|enum|union|typedef|interface|record)\s")
# accessors, handlers and views of a detection's result, not a detector
_NOT_A_DETECTOR = re.compile(
    r"(?:get|set|show|display|render|print|on|handle|is|has|to|parse|log)(?:[A-Z_]|$)"
    r"|.*(?:Event|Info|Param|Params|Config|Cfg|Callback|Listener)$",
)


def _face_input_findings(
    doc: Document, decided: list[tuple[Hit, Decision]], make: _FindingMaker
) -> list[_Draft]:
    """In a module that infers a trait from faces, the functions that find the faces
    are the biometric input of that inference."""
    first = next(
        (
            (h, d)
            for h, d in decided
            if d.capability is Capability.INFERENCE and d.basis is Basis.BIOMETRIC
        ),
        None,
    )
    if first is None or doc.is_prose:
        return []
    h, d = first
    out: list[_Draft] = []
    taken: set[int] | None = None  # made for the first definition of a face's name
    for line, name in doc.definitions():
        low = name.lower()
        if "face" not in low or "interface" in low or "surface" in low:
            continue
        if taken is None:
            taken = {x.line for x, _ in decided}  # (each hit's line: doc.line_of(x.start))
        if line in taken:
            continue
        if not any(v in low for v in ("detect", "extract", "find", "crop", "align", "locate")):
            continue
        if _TYPE_DECLARATION.search(doc.line_text(line)) or name.isupper():
            continue  # a struct of a face-detection event (or its constructor) finds no face
        if _NOT_A_DETECTOR.match(name):
            continue  # getFaceDetectEvent, showFaceDetectEventInfo: it reads or shows one
        pos = doc.line_start(line) + doc.line_text(line).find(name)
        sig = (
            Signal(
                SignalName.FACE_INPUT.value, 0.0, f"{name} finds the faces this module classifies"
            ),
        )
        out.append(make(h, d, name, pos, sig))
    return out


def with_fingerprints(findings: list[Finding]) -> list[Finding]:
    """``findings`` sorted, each with its fingerprint (:mod:`ethicscan.fingerprint`)."""
    findings.sort(key=Finding.sort_key)
    return [_fingerprinted(f, fp) for f, fp in zip(findings, fingerprints(findings), strict=True)]


def _fingerprinted(f: Finding, fp: str) -> Finding:
    """``replace(f, fingerprint=fp)``, without ``replace``'s reading of the fields by
    name (a dense text has 100,000 findings)."""
    return Finding(
        f.rule,
        f.trait,
        f.capability,
        f.basis,
        f.severity,
        f.confidence,
        f.location,
        f.evidence,
        f.signals,
        f.refs,
        fp,
        f.history,
        f.suppression,
        f.score,
    )
