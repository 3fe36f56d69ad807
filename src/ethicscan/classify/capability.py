"""Decide, for one hit in its context, whether it is a finding and what it says:
capability, basis, severity, confidence, and the signals behind them.

Every branch that moves a decision appends a :class:`Signal`, so a finding always
explains itself.  The weights are deliberately simple: they order the evidence,
they are not probabilities from a model.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import repeat

from ethicscan import lazy_re as re  # (its patterns compiled when first used)
from ethicscan.classify.document import (
    CONFIG_SUFFIXES,
    LOCAL,
    PAGE_TEXT_SUFFIXES,
    PY_LIKE,
    Document,
)
from ethicscan.classify.schema import Place, Role
from ethicscan.classify.shape import (
    TRANSLATION_SUFFIXES,
    has_code,
    has_emoji,
    is_packed_list,
    is_sentence,
    is_sentence_value,
    is_statement,
    is_text_cell,
    quoted,
    quoted_at,
)
from ethicscan.classify.signals import SignalName
from ethicscan.kinds import TextKind
from ethicscan.model import Basis, Capability, Severity, Signal, Trait
from ethicscan.names import base_name
from ethicscan.rules.catalogue import Category, Term, TermKind

WINDOW = 3  # lines each side that count as "near"
CAPTURED_KINDS = 2  # different words of a captured object (出现时间, accompany) that make one
LOOKALIKE_CATEGORIES = (
    Category.CONCURRENCY,
    Category.TOPIC,
    Category.GAME_SPORT,
    Category.UI_THEME,
    Category.EMOJI,
    Category.ICON_SET,
    Category.COUNTRY,
    Category.COSMETICS,
    Category.CALENDAR,
)
# The traits a look-alike sense belongs to, where it is not every trait's: a UI's skin or a
# cosmetic's whitening is a skin colour's or a colour word's look-alike, never a race's or
# a religion's (a UI's font may be named for a people's script); a race condition is the
# word race's; a calendar's name is a religion's or a people's; a country's words
# (demonyms, nationalities) are not a race's or a skin's.
_SHADOWS: dict[Category, frozenset[Trait]] = {
    # ... and a people's name as a UI's font (``Microsoft Uighur``, ``Mongolian Baiti``)
    Category.UI_THEME: frozenset({Trait.SKIN_COLOUR, Trait.ETHNIC_GROUP}),
    Category.COSMETICS: frozenset({Trait.SKIN_COLOUR}),
    Category.CONCURRENCY: frozenset({Trait.RACE}),
    Category.CALENDAR: frozenset({Trait.RELIGION, Trait.ETHNIC_GROUP, Trait.ETHNICITY}),
    Category.COUNTRY: frozenset(set(Trait) - {Trait.RACE, Trait.SKIN_COLOUR}),
}


def _shadows(category: Category, term: Term) -> bool:
    """Whether words of ``category`` can make a hit of ``term`` a look-alike: colour words
    (a value label: White, Black) take every sense; other terms only their trait's."""
    traits = _SHADOWS.get(category)
    if (
        category is Category.UI_THEME
        and term.trait is Trait.ETHNIC_GROUP
        and term.lang == "zh"
        and term.kind is not TermKind.VALUE
    ):
        return False  # a font is named in Latin letters: 少数民族 beside a button is no font
    return traits is None or term.kind is TermKind.VALUE or term.trait in traits


# Categories whose words say a text is not about people; on a long line they count from
# all of it (at most SHADOW_WORDS of each), the rest from the stretch around a hit.
SHADOWING = (*LOOKALIKE_CATEGORIES, Category.MODERATION, Category.LANGUAGE)
SHADOW_WORDS = 16
GAME_KINDS = 4  # different words of games or sport that make "this file" a game's code
_CONDITION = re.compile(
    r"==|!=|\bequals(?:IgnoreCase)?\s*\(|\bcase\b|\bin\s*[\[(]|\.contains\s*\(|\bif\b|\bswitch\b"
    r"|\bwhen\b|===|\bWHERE\b|\bwhere\b"
)
# an identity document named in an identifier or beside it: ``CITIZENIDCARD``, ``IdCard``,
# ``id_card``, 身份证 (the document's own fields: 民族 is printed on every resident card)
# The words of a data store that is an index for searching, not a table
_SEARCH_INDEX = frozenset({"elasticsearch", "index mapping", "mappings", "solr"})
_ID_DOCUMENT = re.compile(r"(?i:id_?card|identity_?card|citizen_?id)|身份证|居民证")
_SELECTS_AN_OPTION = re.compile(r"<option\b|\bselected\b|\bchecked\b", re.IGNORECASE)
_DOMAIN_TAIL = re.compile(r"^\.(?:com|net|org|io|in|cn|co|uk|de|info|biz|me|us|dev|app|xyz)\b")

BASE_CONFIDENCE = {
    TermKind.FIELD: 0.75,
    TermKind.BOOLEAN: 0.9,
    TermKind.GROUP: 0.65,
    TermKind.WORD: 0.55,
    TermKind.VALUE: 0.55,
    TermKind.MARKER: 0.5,
    TermKind.TABLE: 0.7,
}

SEVERITY = {
    Capability.TARGETING: Severity.CRITICAL,
    Capability.INFERENCE: Severity.HIGH,
    Capability.SEARCH: Severity.HIGH,
    Capability.RECORD: Severity.LOW,
    Capability.MENTION: Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Decision:
    capability: Capability
    basis: Basis | None
    severity: Severity
    score: float  # the evidence score: the term kind's base plus the signals' weights
    signals: tuple[Signal, ...]
    scope: str = "code"  # the kind of scope it was decided in (Scope.kind)
    declared: bool = False  # declared or clinical data near: a record keeps its verdict


@dataclass(slots=True)
class Hit:
    """One rule term found in a text, with what the classifier learns about it.  (Its
    fields in slots: a dense text holds 100,000 hits, each with a dict otherwise.)"""

    term: Term
    start: int
    end: int
    line: int  # 0-based
    in_comment: bool
    cluster: tuple[str, ...] = ()  # other labels of the same value set nearby
    table: tuple[str, ...] = ()  # ethnic-group names forming a code table nearby
    trait_words_near: tuple[str, ...] = ()  # non-value terms of the same trait nearby
    traits_near: frozenset[Trait] = frozenset()  # traits of other non-value terms nearby
    religion_near: bool = False
    place: Place | None = None  # its container, when the text is a schema
    # What it learnt from its neighbours (``cluster`` as ``_cluster_class`` tells it,
    # ``trait_words_near``, ``traits_near``, ``religion_near``, ``table``) as a number,
    # the same for equal ones in its text (set with them; -1: not set)
    near: int = -1


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a hit's evidence may come from: the lines each side of it that count as
    near, and whether the rest of the file counts (docs/classifier.md, "Scope")."""

    reach: int
    file_wide: bool
    kind: str  # "code", "entry" (of a data text), "prose" (a prose file or comment),
    # "sentence" (a line of natural language elsewhere)


CODE_SCOPE = Scope(WINDOW, True, "code")
ENTRY_SCOPE = Scope(0, False, "entry")
PACKED_SCOPE = Scope(0, False, "entry")  # an entry of a long line of packed entries
RECORD_SCOPE = Scope(WINDOW, False, "entry")  # an entry that is a field: its record
# a row of a table of records (CSV, TSV, JSON lines): the row is the record, the rows
# around it are other people's
ROW_SCOPE = Scope(0, False, "entry")
ROW_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".ndjson"})
SENTENCE_SCOPE = Scope(0, False, "sentence")
PROSE_SCOPE = Scope(1, False, "prose")  # a prose file's or comment's sentence, wrapped


_SENTENCE_END = ("。", "！", "？", ".", "!", "?", "：", ":", "；")


def _sentence_lines(doc: Document, line: int) -> tuple[int, int]:
    """The lines of the sentence that line ``line`` of a prose text is part of: the
    line, and its neighbours when a sentence runs over the line break (wrapped prose)."""
    before = doc.line_text(line - 1).rstrip() if line > 0 else ""
    after = doc.line_text(line + 1).strip() if line + 1 < doc.line_count else ""
    runs_on = not doc.line_text(line).rstrip().endswith(_SENTENCE_END)
    lo = line - 1 if before.strip() and not before.endswith(_SENTENCE_END) else line
    hi = line + 1 if after and runs_on else line
    return lo, hi


def _runs_on(doc: Document, line: int) -> bool:
    """Is comment line ``line`` the end of a sentence that the comment line above it
    starts (wrapped prose: ``... written in a`` / ``description, like this.``)?"""
    if line == 0 or not doc.comment_lines[line - 1]:
        return False
    above = doc.line_text(line - 1).rstrip()
    return is_sentence(above, comment=True) and not above.endswith(_SENTENCE_END)


def _wrapped_prose(doc: Document, i: int, line: str) -> bool:
    """Is line ``i`` of code a piece of wrapped prose, such as the text of a novel in a
    multi-line string (``n'avez pas de religion!`` below one of its sentences): three
    words or more with nothing of code, a sentence on the line above or below?"""
    if not 0 < i < doc.line_count - 1 or len(line.split()) < 3 or has_code(line):
        return False
    if doc.suffix in CONFIG_SUFFIXES or _IDENT_KEY.match(line.strip(" -\t")):
        return False  # a setting's key and value: ``- name: kazakh_kyrgyz_persons``
    return any(is_sentence(doc.line_text(j)) for j in (i - 1, i + 1))


# a row of a table of a structure's members: an identifier, then its description
_MEMBER_ROW = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(?:\[\w*\])?\s+\|\s")


# A line of a notebook that stays JSON (extract/notebook.py): a string of an output,
# a key and its value
_NOTEBOOK_JSON = re.compile(r"""^\s*"(?:[^"\\]|\\.)*"\s*(?:,|:.*)?\s*$""")


def scope_of(doc: Document, hit: Hit, line: str) -> Scope:
    """The structure a hit on ``line`` sits in: a schema's container (see
    ``Evidence``), an entry of a data text, a sentence of prose, or a statement of code
    with its file."""
    if hit.place is not None:
        return CODE_SCOPE
    if hit.in_comment and not doc.is_prose and doc.doc_block_of_field(hit.line):
        return CODE_SCOPE  # the doc block of a field: its declaration is its context
    if hit.in_comment and not doc.is_prose and not doc.documents_field(hit.start):
        if doc.owning_definition(hit.line) is not None:
            return CODE_SCOPE  # a docstring: its definition is its context
        if is_sentence(line, comment=True) or _runs_on(doc, hit.line):
            return PROSE_SCOPE
        return RECORD_SCOPE if doc.suffix in CONFIG_SUFFIXES else CODE_SCOPE
    if doc.is_data and (not _is_statement(line) or doc.suffix in TRANSLATION_SUFFIXES):
        return ENTRY_SCOPE
    if doc.kind is TextKind.NOTEBOOK and _NOTEBOOK_JSON.match(line):
        # a notebook's line that stays JSON: an output (a table printed, a message) or
        # metadata, with the lines around it, not the module's code, as its context
        return RECORD_SCOPE
    if len(line) >= 2 * LOCAL and is_packed_list(line):
        return PACKED_SCOPE  # a long line of packed entries (a minified table, a word list)
    if (
        not doc.is_prose
        and not hit.in_comment
        and (_SQL_ROW.match(line) or _NAMES_LIST.match(line))
    ):
        # ``INSERT INTO t VALUES ('7', '周某', '汉族', ...)``: a row; ``BIRTHDAY, AGE_,
        # POLITICS, NATION_, RELIGION,`` (an INSERT's columns): a list of fields
        return RECORD_SCOPE
    if not doc.is_prose and _in_quoted_sentence(doc, hit, line):
        return SENTENCE_SCOPE  # a sentence in a literal: a dataset's text, a message
    if doc.is_prose:
        # a row of a table in a document is a field of that table, not a sentence; so is
        # a page's label or option beside a form control (``民族：`` over ``<select``)
        # (a table of two columns whose first is an identifier: a manual's table of a
        # structure's members, ``szNation | 民族，取值见 GB/T 3304``)
        table_row = (
            line.lstrip().startswith("|")
            or line.count(" | ") >= 2  # docx: a | b | c
            or bool(_MEMBER_ROW.match(line))
        )
        if table_row or _FORM_CONTROL.search(doc.record_text(hit.line, hit.start)):
            return CODE_SCOPE
        if doc.in_script(hit.line) and not is_sentence(line):
            return CODE_SCOPE  # a page's script: ``{ field: 'nation', title: '民族' }``
        if doc.in_fence(hit.line) and not is_sentence(line):
            return CODE_SCOPE  # a fenced block's code: a README's example, a report's chunk
        if doc.suffix in _PAGE_SUFFIXES and _labels_a_field(doc, hit):
            return CODE_SCOPE  # a page's ``<span>民族：</span>``, its cell 宗教信仰, its 汉族
        return PROSE_SCOPE
    if is_sentence(line) or (not hit.in_comment and _wrapped_prose(doc, hit.line, line)):
        return SENTENCE_SCOPE  # (a comment's prose is read above, as a comment)
    if doc.suffix in CONFIG_SUFFIXES:
        return RECORD_SCOPE  # a setting or a record of a configuration: no module around it
    return CODE_SCOPE


_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_PAGE_SUFFIXES = PAGE_TEXT_SUFFIXES
_LABEL_END = re.compile(r"[ \t]*(?:[:：][^\n。！？!?]{0,40})?[ \t]*(?:\n|$)")


def _code_or_page_title(doc: Document, ctx: Context) -> bool:
    """Is the hit's line code, or a page's line that is no sentence (a title, a menu's
    item, a chart's heading)?  Not prose, where a count is reported, not kept."""
    if not (doc.is_prose or ctx.textual):
        return True
    return doc.suffix in _PAGE_SUFFIXES and not is_sentence(ctx.line)


def _labels_a_field(doc: Document, hit: Hit) -> bool:
    """Is the hit a page's field: the visible text of an element that is the term alone,
    or the term and a colon before its value (``民族：``, ``民族：汉族``, a detail table's
    cell 宗教信仰, the 汉族 shown under its label)?  A page's sentence goes on past it."""
    text = doc.text
    start = doc.line_start(hit.line)
    if _BLANKS.match(text, start, hit.start).end() < hit.start:  # type: ignore[union-attr]
        return False  # (not blank up to the hit: read up to its first other character)
    return bool(_LABEL_END.match(text, hit.end))


_BLANKS = re.compile(r"\s*")


def _first_on_line(doc: Document, line: int, char: str, after: int = 0) -> int:
    """Where ``char`` first stands on ``line`` (at ``after`` or later), or -1: found once
    for the hits of the line, each of which asks whether it stands before it (a minified
    line holds thousands of hits: each read the line up to itself)."""
    firsts = _shared_work(doc).firsts
    got = firsts.get((line, char, after))
    if got is None:
        lo = max(after, doc.line_start(line))
        got = firsts[(line, char, after)] = doc.text.find(char, lo, doc.lines.end(line))
    return got


# A line of names and commas only, three or more: the columns of an SQL statement, the
# fields of a call (``BIRTHDAY, AGE_, PIC_URL, POLITICS, NATION_, RELIGION,``)
_NAMES_LIST = re.compile(r"^\s*(?:[A-Za-z_][\w.]*\s*,\s*){2,}[A-Za-z_][\w.]*\s*[,)]?\s*$")
# A row of values an SQL statement inserts, or one of its rows on a line of its own:
# ``INSERT INTO `person` VALUES ('7', '周某', '汉族');``, ``  (8, 'Wu', 'Hui'),``
_SQL_ROW = re.compile(
    r"""^\s*(?:(?:INSERT|REPLACE)\s+(?:INTO\s+)?[\w`".\[\]]+\s*(?:\([^()]*\)\s*)?VALUES\s*"""
    r"""|\(\s*(?:'[^'\n]*'|-?\d[\d.]*|null|NULL)\s*,)""",
    re.IGNORECASE,
)
# A form control as a page's visible text keeps it (extract/markup.py).
_FORM_CONTROL = re.compile(r"<(?:input|select|option|textarea)\b", re.IGNORECASE)


# The key of a vocabulary entry's word: ``text = "abbot"``, ``"lemma": "imam"``.
_WORD_KEY = re.compile(
    r"""^\s*["']?(?:text|word|term|lemma|headword|token)["']?\s*[=:]\s*["'][^"'\s]{1,40}["']\s*,?$""",
    re.MULTILINE,
)
_IS_KEY = re.compile(r"""["']?\s*[=:]""")


def _tags_a_word(doc: Document, hit: Hit) -> bool:
    """Is the hit the key of a tag on an entry of a vocabulary (``[[word]] text =
    "abbot"``, then ``religious = { gender = "m" }``)?  The tag sorts the word."""
    return bool(_IS_KEY.match(doc.text, hit.end)) and bool(
        _WORD_KEY.search(doc.record_text(hit.line, hit.start))
    )


def _segment(line: str, off: int) -> str:
    """The text between the double quotes around ``off`` (or the ends of ``line``)."""
    end = line.find('"', off)
    return line[line.rfind('"', 0, off) + 1 : end if end >= 0 else len(line)]


@functools.lru_cache(maxsize=4096)
def _is_statement(line: str) -> bool:
    """``is_statement``, asked for each hit of a line (``line`` is at most 2 x LOCAL
    characters, as ``local_line`` reads it)."""
    return is_statement(line)


@functools.lru_cache(maxsize=4096)
def _searched(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    """``pattern.search(line)``, asked for each hit of a line (of at most 2 x LOCAL
    characters, as ``_line_near`` and ``local_line`` read it)."""
    return pattern.search(line)


@functools.lru_cache(maxsize=4096)
def _holds_sentence_value(line: str) -> bool:
    """Is one of the string literals of ``line`` a sentence?  (Asked for each hit of a
    line: a record of a JSON-lines log has several.)"""
    return any(is_sentence_value(q) for q in quoted(line))


@functools.lru_cache(maxsize=4096)
def _holds_text_cell(line: str, delimiter: str) -> bool:
    """Is one of the cells of a delimited ``line`` a text (asked for each hit of a row)?"""
    return any(is_text_cell(c) for c in line.split(delimiter))


def _row_with_sentence(doc: Document, hit: Hit, line: str) -> bool:
    """Is the hit in a row of a table of records (CSV, JSON lines) that holds a
    sentence: a dataset of texts, whose labels go with the text?"""
    if doc.suffix not in ROW_SUFFIXES:
        return False
    if _holds_sentence_value(line):
        return True
    if len(line) >= 2 * LOCAL and is_sentence_value(_segment(line, len(line) // 2)):
        return True  # a long row read around the hit: the text the hit stands in
    delimiter = _DELIMITERS.get(doc.suffix)
    return (
        delimiter is not None
        and _holds_text_cell(line, delimiter)
        and not _code_list_row(line, delimiter)
    )


# A cell that is a code of a terminology: SNOMED's digits, CTV3's and Read's mixed
# letters (``XactK``, ``XaR61``), ICD's ``E11.9``; not a word (``White``)
_CODE_CELL = re.compile(
    r"^\s*(?:\d{5,18}|(?=[A-Za-z0-9.]*(?:\d|[a-z][A-Z]))[A-Z][A-Za-z0-9.]{2,9})\s*$"
)
CODE_LABEL_WORDS = 20  # words of a code's label, at most


@functools.lru_cache(maxsize=4096)
def _code_list_row(line: str, delimiter: str) -> bool:
    """Is a delimited ``line`` a row of a code list: a terminology's code and the label
    of its category (``94051000000109,Other White or White unspecified - ethnic category
    2001 census``)?  Its label names a category of a code set, no text of a dataset
    (those end as sentences end, or run longer)."""
    cells = line.split(delimiter)
    if not any(_CODE_CELL.match(c) for c in cells):
        return False
    texts = [c for c in cells if is_text_cell(c)]
    return all(
        not is_sentence_value(c.strip().strip('"')) and len(c.split()) <= CODE_LABEL_WORDS
        for c in texts
    )


# ``Race: White`` or ``Ethnicity: Hispanic`` written inside a text: a note that is a form
_NOTE_FIELD_START = re.compile(r"""(?:^|[\n;"]|\\n)[ \t]*(?:\w+[ \t]*[&/]?[ \t]*){0,2}$""")
_NOTE_KEY_AFTER = re.compile(r"[ \t]*[:：][ \t]*[^\s\"',;]")
_NOTE_VALUE_BEFORE = re.compile(
    r"""(?:^|[\n;"]|\\n)[ \t]*\w+(?:[ \t]*[&/]?[ \t]*\w+){0,3}[ \t]*[:：][ \t]*$"""
)


def _field_of_a_note(doc: Document, hit: Hit) -> bool:
    """Is the hit a field of a form written inside a text (``Race & Ethnicity: Black``,
    the key at the start of a line or its value): a clinical note, a record kept as
    prose?"""
    lo = max(0, hit.start - 60)
    if _NOTE_KEY_AFTER.match(doc.text, hit.end, hit.end + 40) and _NOTE_FIELD_START.search(
        doc.text, lo, hit.start
    ):
        return True
    return bool(_NOTE_VALUE_BEFORE.search(doc.text, lo, hit.start))


def in_row_of_texts(doc: Document, hit: Hit) -> bool:
    """Is the hit in a row of a dataset of texts (a CSV or JSON-lines table whose row
    holds a sentence)?  Each such row is a text of its own."""
    return doc.suffix in ROW_SUFFIXES and _row_with_sentence(
        doc, hit, doc.local_line(hit.line, hit.start)
    )


def _in_quoted_sentence(doc: Document, hit: Hit, line: str) -> bool:
    """Does the hit stand in a string literal that is a sentence (a message, a dataset's
    text), or in a cell of a delimited table that is a sentence (a dataset of
    sentences)?  ``line`` is the line as ``local_line`` reads it."""
    off = hit.start - doc.local_start(hit.line, hit.start)
    q = quoted_at(line, off)
    if q is None and len(line) >= 2 * LOCAL:
        q = _segment(line, off)  # a long line read in part: its literal may run past it
    if q is not None and is_sentence_value(q):
        return True
    delimiter = _DELIMITERS.get(doc.suffix)  # a cell of a dataset of sentences
    if delimiter is None:
        return False
    end = line.find(delimiter, off)
    return is_text_cell(line[line.rfind(delimiter, 0, off) + 1 : end if end >= 0 else None])


# The attribute words a register of people holds as well as a face analysis: its sex or
# gender and its age, in English and Chinese.
_REGISTERED_ATTRIBUTES = frozenset({"gender", "sex", "性别", "性別", "age", "年龄", "年齡"})


class Evidence:
    """Counts of context words around one hit, from the line to the whole file."""

    def __init__(self, doc: Document, hit: Hit, scope: Scope) -> None:
        self.doc = doc
        self.hit = hit
        self.scope = scope
        lo, hi = max(0, hit.line - scope.reach), hit.line + scope.reach
        if scope is PROSE_SCOPE:
            lo, hi = _sentence_lines(doc, hit.line)
        if hit.place is not None:  # a schema: the container is the context, not a window
            lo, hi = hit.place.span
        self._win = doc.window(lo, hi)
        self._line = doc.window(hit.line, hit.line)
        local = doc.local_words(hit.line, hit.start) if hit.place is None else None
        if local is not None:  # a long line: the stretch around the hit stands for it
            # ... for what shows a use; what shows a look-alike (an emoji table, a game's
            # data) is said once for the whole line, so it is read from all of it
            whole = self._line
            local = {**local, **{c: whole[c][:SHADOW_WORDS] for c in SHADOWING if c in whole}}
            self._line = local
            self._win = _merged(
                _lines_near(doc, lo, hit.line - 1, above=True),
                local,
                _lines_near(doc, hit.line + 1, hi, above=False),
            )
        self._path = doc.path_context
        self._place = hit.place.words if hit.place is not None else {}

    def near(self, category: Category) -> list[str]:
        return (
            self._win.get(category, [])
            + self._place.get(category, [])
            + self._path.get(category, [])
        )

    def of_container(self, category: Category) -> list[str]:
        """Words of ``category`` in the container's name, description and operation."""
        return self._place.get(category, [])

    def on_line(self, category: Category) -> list[str]:
        return self._line.get(category, [])

    def in_file(self, category: Category) -> int:
        if not self.scope.file_wide:  # an entry or a sentence: its file is not its context
            return 0
        spans = self.doc.connected(self.hit.line)
        if spans != [(0, self.doc.line_count)]:  # a binary's module, Python definitions
            near = sum(len(self.doc.code_words_in(category, lo, hi)) for lo, hi in spans)
            return near + len(self._path.get(category, []))
        return self.doc.file_count(category) + len(self._path.get(category, []))

    def kinds_in_file(self, category: Category, at_least: int) -> bool:
        """Are there ``at_least`` different words of ``category`` in "this file" (its
        code, and its path)?  Read only where the file counts as context."""
        if not self.scope.file_wide:
            return False
        words = set(self._path.get(category, []))
        for lo, hi in self.doc.connected(self.hit.line):
            words |= self.doc.code_word_kinds_in(category, lo, hi)
        return len(words) >= at_least


def _lines_near(doc: Document, first: int, last: int, above: bool) -> dict[str, list[str]]:
    """The words of lines ``first`` .. ``last`` beside a hit on a long line: a long one
    among them counts only as far as LOCAL characters from the hit's line (the end of a
    line above, the start of a line below), as the hit's own line counts only around
    it; a minified bundle's neighbouring lines are not all near."""
    last = min(last, doc.line_count - 1)
    if first > last:
        return {}
    long = [j for j in range(first, last + 1) if doc.is_long(j)]
    if not long:
        return doc.window(first, last)
    parts = []
    lo = first
    for j in long:
        if lo < j:
            parts.append(doc.window(lo, j - 1))
        start, end = doc.span(j)
        parts.append(doc.local_words(j, end if above else start) or {})
        lo = j + 1
    if lo <= last:
        parts.append(doc.window(lo, last))
    return _merged(*parts)


def _merged(*windows: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in windows:
        for category, words in w.items():
            out.setdefault(category, []).extend(words)
    return out


def _fmt(words: Sequence[str], limit: int = 4) -> str:
    uniq = list(dict.fromkeys(words))
    more = f" +{len(uniq) - limit}" if len(uniq) > limit else ""
    return ", ".join(uniq[:limit]) + more


def promoted(
    d: Decision, cap: Capability, basis: Basis | None = None, why: Signal | None = None
) -> Decision:
    """``d`` raised to ``cap`` because the rest of its file shows that capability (or
    what ``why`` says), on the basis the rest of the file shows (an inference that is
    not from faces or bodies is of medium severity, as it is where it is decided)."""
    why = why or Signal(SignalName.SAME_TRAIT_CAPABILITY_IN_FILE.value, 0.05, cap.value)
    sig = (*d.signals, why)
    score = min(0.99, round(d.score + 0.05, 2))
    severity = SEVERITY[cap]
    if cap is Capability.INFERENCE and basis is not Basis.BIOMETRIC:
        severity = Severity.MEDIUM
    return Decision(cap, basis, severity, score, sig, d.scope, d.declared)


def looks_like_domain(doc: Document, hit: Hit) -> bool:
    """``clamav.ethiccode.in`` is a host name, not a field."""
    text = doc.text
    before = text[max(0, hit.start - 8) : hit.start]
    return bool(_DOMAIN_TAIL.match(text[hit.end : hit.end + 6])) or before.endswith(("://", "www."))


# Parts of a container name that, beside face words, make it a stored capture record.
_RECORD_PARTS = ("record", "capture", "snap", "track", "archive", "log", "history", "抓拍", "记录")
STRUCTURAL_SIGNALS = frozenset(
    s.value
    for s in (SignalName.SCHEMA_FILTER, SignalName.SCHEMA_RESPONSE, SignalName.SCHEMA_CONTAINER)
)


# A field that marks people to watch: a risk flag, the day attention began, a key
# person's mark (是否高危, 关注日期, ``isEmphasis``, 重点人员).
_WATCH_FIELD = re.compile(
    r"高危|关注|重点|管控|稳控|列管|在控|布控|嫌疑|high_?risk|risk_?level|watch|attention"
    r"|emphasis|suspect",
    re.IGNORECASE,
)
# A field that says who a person is: the register holds people, not codes.
_PERSON_FIELD = re.compile(
    r"姓名|身份证|证件|护照|手机|出生|id_?card|id_?no|passport|mobile|phone|birth", re.IGNORECASE
)
_REGISTER_KINDS = frozenset({"table", "type", "object", "message", "complex"})


def watched_register(place: Place, text: str) -> str | None:
    """A container of people named for the trait (``religionBeliever``, '宗教信教人员')
    whose fields mark whom to watch (a risk flag, the day attention began): a watch list
    of that group.  The hit must be the term the container is named for, or hold it.
    None for a code table of the trait (no person in it), a register with no watch
    field, or a clinical one (a patient's risk is not a watch)."""
    c = place.container
    low = text.lower()
    if c.kind not in _REGISTER_KINDS or not any(n in low or low in n for n in place.named):
        return None
    if place.words.get(Category.CLINICAL_CENSUS):
        return None
    fields = [f"{f.name} {f.description}" for f in c.fields]
    if not any(_PERSON_FIELD.search(f) for f in fields):
        return None
    watch = sorted({m.group(0) for f in fields for m in _WATCH_FIELD.finditer(f)})
    if not watch:
        return None
    named = "/".join(sorted(place.named))
    return f"{c.kind} {c.name}: people named for {named}, with {', '.join(watch[:4])}"


def _structural(
    place: Place, ev: Evidence, term: str
) -> tuple[Capability, Basis | None, SignalName, str] | None:
    """The capability a schema's structure shows for a field of ``place``, or None when
    the structure says nothing clear (the line-based decision then stands).

    A filter or query parameter is a search, of patients as of captures; an output of
    a face operation is an inference; a capture-record container is a search; a form,
    patient or employee container is a record."""
    c = place.container
    if c.kind == "operation" and not any(term.lower() in f.name.lower() for f in c.fields):
        return None  # the operation's own name (``races(season: Int)``), not an argument
    w = ev.of_container
    face = w(Category.FACE) + w(Category.IMAGE)
    surv = w(Category.SURVEILLANCE)
    query = w(Category.QUERY)
    declared = w(Category.DECLARED) + w(Category.CLINICAL_CENSUS)
    analysis = w(Category.MODEL) + w(Category.ANALYSIS) + w(Category.ATTRIBUTES)
    where = " ".join(x for x in (c.kind, c.name, f"({c.operation})" if c.operation else "") if x)
    if face and not surv and any(p in place.text().lower() for p in _RECORD_PARTS):
        surv = [f"{face[0]} record"]
    watched = bool(surv or face or ev.in_file(Category.SURVEILLANCE) >= 3)
    if c.role is Role.FILTER or (c.role is Role.REQUEST and query and (watched or not declared)):
        # retrieving people by a trait is a search in any domain: a query parameter
        # over patients' race as much as over a camera's captures
        return Capability.SEARCH, None, SignalName.SCHEMA_FILTER, f"a filter of {where}"
    if c.role is Role.RESPONSE and query and watched:
        return Capability.SEARCH, None, SignalName.SCHEMA_RESPONSE, f"search results of {where}"
    if c.role is Role.RESPONSE and face and not declared:
        return (
            Capability.INFERENCE,
            Basis.BIOMETRIC,
            SignalName.SCHEMA_RESPONSE,
            f"an output of {where}",
        )
    if surv and not declared:
        return (
            Capability.SEARCH,
            None,
            SignalName.SCHEMA_CONTAINER,
            f"a field of the record {where}",
        )
    if face and analysis and not declared:
        basis = Basis.BIOMETRIC
        return (
            Capability.INFERENCE,
            basis,
            SignalName.SCHEMA_CONTAINER,
            f"a field of the result {where}",
        )
    if declared and not (surv or face):
        return Capability.RECORD, None, SignalName.SCHEMA_CONTAINER, f"a field of the form {where}"
    return None


def _value_may_count(hit: Hit) -> bool:
    """The gates of a value label that need no context: it counts in a cluster of at
    least two other labels with a distinctive one among them, or beside a word of its
    own trait (a plain colour word only then)."""
    t = hit.term
    distinctive = t.distinctive or any(hit.cluster)
    if not ((len(hit.cluster) >= 2 and distinctive) or hit.trait_words_near):
        return False
    if not t.distinctive and not hit.trait_words_near:
        return False  # plain colour words only support a cluster, never stand alone
    # the labels of another trait's attribute: that word is the finding
    return bool(hit.trait_words_near or not hit.traits_near & {Trait.ETHNICITY, Trait.RACE})


# A gloss of the entry a term stands in, on its line: ``{text: 维族告警, gloss: ...}``,
# ``"word": "...", "definition": ...``.  The term is being defined, not used.
_GLOSS_KEYS = "gloss|glosses|translation|meaning|definition|释义|解释"
_GLOSSED = re.compile(rf"""[^\n]*?[,;{{\s]["']?(?:{_GLOSS_KEYS})["']?\s*[:=]""")  # after a term

_GLOSS = re.compile(rf"""(?:{_GLOSS_KEYS})["']?\s*[:=]\s*["']?[^\n"']*$""")  # before: in the gloss


def _glossed(doc: Document, hit: Hit) -> bool:
    """Is the term given its gloss on its line, after it or before it?"""
    before = doc.text[max(0, hit.start - 80) : hit.start]
    return bool(
        _GLOSSED.match(doc.text, hit.end, min(len(doc.text), hit.end + 80)) or _GLOSS.search(before)
    )


def _cited(doc: Document, hit: Hit) -> bool:
    """Is the term inside a code span of a comment (``EthicCode``, `维族`) or on a
    line of an example in it (a doctest, a reStructuredText literal block after
    ``::``, a fenced block): an example cited by documentation, not a statement of
    what the code does?"""
    if doc.in_example(hit.line):
        return True
    text = doc.text
    before = text[max(0, hit.start - 40) : hit.start]
    after = text[hit.end : hit.end + 40]
    for tick in ("``", "`"):
        i = before.rfind(tick)
        if i >= 0 and tick not in before[i + len(tick) :] and "\n" not in before[i:]:
            j = after.find(tick)
            if j >= 0 and "\n" not in after[:j]:
                return True
    return False


# Quotation marks of prose, opening and closing.
_QUOTES = (('"', '"'), ("\u201c", "\u201d"), ("\u300c", "\u300d"), ("\u300e", "\u300f"))
# Another literal right after or before the quoted one: a list of values ("age",
# "gender", "race"; "indian," "asian," and "white.").
_LISTED_AFTER = re.compile(r"\s*(?:,|and\b|or\b)?\s*[\"'\u201c]")
_LISTED_BEFORE = re.compile(r"[\"'\u201d]\s*,?\s*(?:and|or)?\s*$")
QUOTED_MAX = 60  # characters of a quoted phrase; a longer quotation is a sentence


def _quoted_in_sentence(doc: Document, hit: Hit) -> str:
    """The phrase a sentence quotes the term in (所谓“维族告警”, vendors shipped "Uyghur
    alarms"), or "": a quoted name is a name reported, not what the sentence does."""
    text = doc.text
    start, end = doc.line_start(hit.line), text.find("\n", hit.end)
    before, after = text[max(start, hit.start - LOCAL) : hit.start], text[hit.end : end][:LOCAL]
    for opening, closing in _QUOTES:
        i = before.rfind(opening)
        if i < 0 or (opening == closing and before.count(opening) % 2 == 0):
            continue
        if closing in before[i + 1 :]:
            continue
        j = after.find(closing)
        if j < 0:
            continue
        phrase = before[i + 1 :] + text[hit.start : hit.end] + after[:j]
        outside = before[:i] + " " + after[j + 1 :]
        listed = phrase.rstrip(" .").endswith(",") or _LISTED_AFTER.match(after, j + 1)
        if listed or _LISTED_BEFORE.search(before[:i]):
            continue  # one of a list of literals ("age", "gender", "race"): values, not a name
        if len(phrase) <= QUOTED_MAX and not is_sentence(phrase) and len(outside.split()) >= 3:
            return phrase
    return ""


# What tests a string literal against a value, read back from the literal's opening
# quote: ``race == "White"``, ``.equals("Caucasian")``, ``isin(["African-American", ``,
# ``race in ("White", ``, ``WHERE race IN ('Black'``.
_COMPARED_BEFORE = re.compile(
    r"(?:===?|!==?|<>|\bequals(?:IgnoreCase)?\s*\(|(?:\bisin\s*\(\s*|\b(?:in|IN|not in)\s*)[\[(]"
    r"(?:\s*[\"'][^\"'\n]{0,40}[\"']\s*,)*)\s*$"
)
_COMPARED_AFTER = re.compile(r"\s*(?:===?|!==?)")
# A label assigned as one side of a comparison of groups (``ga_label = "White"``,
# ``group_b = "Non-Caucasian"``, ``unprivileged_groups = [{"race": "Black"``): the group is
# singled out as the one measured against the other.
_GROUP_SIDE = re.compile(
    r"\b(?:g[ab]_?label|group_?[ab](?:_?(?:label|name|value))?|(?:un)?privileged_?(?:group|class)"
    r"(?:es|s)?)[\"']?\s*[=:]\s*[\[({\s]*(?:[\"'][^\"'\n]{0,24}[\"']\s*:\s*)?$",
    re.IGNORECASE,
)
# Code that splits or groups records by the trait: ``df.groupby("race")``,
# ``protected_attribute == "race"`` (a branch that picks the column to split by).  A
# declaration of a column's role (``group="RAC1P"`` in a task definition) is a record of
# the data's schema, not an act on the records.
_SPLIT_BY = re.compile(
    r"(?:\.groupby\(\s*\[?\s*"
    # the attribute a fairness toolkit splits records into groups by: compared, given
    # (``protected_attribute="race"``) or typed (``protected_attribute: Literal["race",
    # "sex"]``); a list of a dataset's protected columns only declares them
    r"|\b(?:protected|sensitive)_?(?:attribute|attr|feature)s?\s*"
    r"(?:={1,3}\s*|:\s*(?:typing\.)?Literal\[\s*(?:[\"'][\w ]{0,24}[\"']\s*,\s*){0,4}))"
    r"[\"']?[\w /]{0,24}$"  # (a compound column: ``groupby('Race/Ethnicity')``)
    # ... or named among the columns an analysis or a query groups its records by
    # (``cols_of_interest=["race", "gender"]``, ``breakdown=['SEX', 'RACE']``,
    # ``group_by: ["ethnicity"]``), or passed to a call as its protected columns
    # (``Scorer(df, sensitive_features=[...])``; a list assigned to a name declares them)
    r"|(?:\b(?:cols?_of_interest|breakdowns?|group_?by|group_?cols?|group_?columns"
    r"|stratif(?:y|ied)_?by|split_?by)[\"']?\s*(?:=|:)"
    r"|[(,]\s*(?:protected|sensitive)_?(?:attribute|attr|feature|column)s\s*=)"
    # (a list, R's ``c(...)`` or ``list(...)``, or one name: ``group_by = "race"``)
    r"\s*(?:\[|c\(|list\()?\s*(?:[\"'][\w ]{0,24}[\"']\s*,\s*){0,5}[\"']?[\w ]{0,24}$"
    # ... or the column a tally is made by: dplyr's and SQLAlchemy's ``group_by(race)``,
    # ``group_by(Person.ethnicity)``, ``pd.crosstab(df["race"], ...)``, a pivot table's
    # ``index="ethnicity"``
    r"|\b(?:group_by|crosstab)\(\s*(?:[\w.]+\[\s*[\"']|[\w.]+[.$])?[\w ]{0,24}$"
    # ... Java's ``Collectors.groupingBy(Person::getNation)`` (or ``p -> p.getNation()``),
    # lodash's ``_.countBy(members, 'ethnicity')``, d3's ``rollup(..., d => d.race)``,
    # Python's ``Counter(p.ethnicity for p in people)``
    r"|\bgroupingBy\(\s*(?:[\w.]+::|\w+\s*->\s*\w+\.)(?:get)?$"
    r"|\b_\.(?:countBy|groupBy|partition)\(\s*[\w.]+\s*,\s*(?:[\"']|\w+\s*=>\s*\w+\.)$"
    r"|\bd3\.(?:group|groups|rollup|rollups|index)\([^\n]*=>\s*\w+\.$"
    r"|\bCounter\(\s*(?:[\w.]+\[\s*[\"']|(?:\w+\.)+)$"
    r"|\bpivot_table\([^()\n]*\b(?:index|columns)\s*=\s*\[?\s*[\"'][\w ]{0,24}$"
    # ... an SQL window's partition (``COUNT(*) OVER (PARTITION BY race)``), Laravel's and
    # Spark's ``->groupBy('religion')``, ``.groupBy("race")``, a data.table's ``by`` in its
    # subscript (``stops[, .N, by = race]``), MongoDB's ``$group: {_id: "$ethnicity"``,
    # Stata's ``collapse ..., by(race)``, SPSS's ``CROSSTABS /TABLES=race BY ...``, Excel's
    # ``PivotFields("Race")``
    r"|\bpartition\s+by\s+(?:[\w.]+\s*,\s*){0,4}[\w.]*$"
    r"|(?:->|\.)groupBy\(\s*\[?\s*[\"']?[\w ]{0,24}$"
    r"|\[[^\]\n]*,\s*\b(?:key)?by\s*=\s*(?:\.\(|c\(|list\()?\s*(?:[\w.]+\s*,\s*){0,4}[\"']?[\w.]{0,24}$"
    r"|\$group[\"']?\s*:\s*\{\s*[\"']?_id[\"']?\s*:\s*(?:\{[^{}\n]*)?[\"']\$[\w.]{0,24}$"
    r"|\b(?:collapse|egen)\b[^\n]*\bby\(\s*(?:\w+\s+){0,4}\w{0,24}$"
    r"|\bcrosstabs\s*/tables\s*=\s*(?:\w+\s+){0,4}(?:by\s+(?:\w+\s+){0,4})?\w{0,24}$"
    r"|\bPivotFields\(\s*[\"']$"
    # ... a formula given to a tally or a comparison of groups, not a model
    # (``aggregate(arrested ~ race, data = stops, FUN = mean)``, ``boxplot(age ~ race)``)
    r"|\b(?:aggregate|boxplot|xtabs|ftable|kruskal\.test|t\.test|wilcox\.test|chisq\.test"
    r"|pairwise\.t\.test|oneway\.test)\([^()\n]*~[^~\n]*$",
    re.IGNORECASE,
)
_IN_LITERAL = re.compile(r"[\w .\-/]*")  # what precedes a label inside its literal
# An SQL GROUP BY clause, and what would end it before a hit: the hit is a grouping column
_GROUP_BY = re.compile(r"\bgroup\s+by\b", re.IGNORECASE)
_CLAUSE_END = re.compile(
    r";|\b(?:select|from|where|having|order\s+by|limit|union|window|qualify)\b", re.IGNORECASE
)
GROUP_BY_REACH = 8  # lines a GROUP BY clause's columns may run over
CLAUSE_CHARS = 1024  # ... and characters: a minified query is read no further back
# a data frame's query string opened before the hit, and a column compared after it
_QUERY_OPEN = re.compile(r"""\.query\(\s*[rf]?["'][^"'\n]*$""")
# words of harmful text on the hit's line (``EthnicSlurs``, "racially offensive"): the
# trait names a kind of content
_HARMFUL_CONTENT = re.compile(
    r"slurs?\b|offensive\b|hate[ _-]?speech|stereotyp\w*|\bderogatory\b"
    r"|\bharass(?:ment|ing)?\b|insults?\b|\bepithets?\b|\bhateful\b"
    r"|歧视|侮辱|仇恨言论|冒犯",
    re.IGNORECASE,
)
# the trait qualifying a kind of bias, right beside the hit: ``bias:race``,
# ``bias/religion``, "racial bias" (not ``race_bias``, a variable of a disparity by race)
_BIAS_BEFORE = re.compile(r"\bbias[:/_-]$", re.IGNORECASE)
_BIAS_AFTER = re.compile(r"[ -]bias(?:es)?\b", re.IGNORECASE)


def _bias_kind(text: str, start: int, end: int) -> str:
    """The words that make the hit name a kind of bias, or ""."""
    if m := _BIAS_BEFORE.search(text, max(0, start - 5), start):
        return text[m.start() : end]
    if m := _BIAS_AFTER.match(text, end, end + 8):
        return text[start : m.end()]
    return ""


# "yellow" as a race: the colour typology of face analysis (``YELLOW_RACE``,
# ``EM_RACE_YELLOW``, 黄种人), beside its other colours
# (and the skins of the same typology: 黄皮肤 beside 白皮肤, 黑皮肤, 棕皮肤)
_YELLOW_RACE = re.compile(r"(?i:yellow)(?![a-z])|黄种人|黄色人种|黄色?皮肤")
_OTHER_COLOUR_RACE = re.compile(
    r"(?i:white|black)(?![a-z])|白种人|黑种人|白人|黑人|[白黑棕]色?皮肤"
)
_YELLOW_LABELS = frozenset({"yellow", "黄种人", "黄色人种", "黄皮肤", "黄色皮肤"})
_OTHER_COLOUR_LABELS = frozenset(
    {"white", "black", "白种人", "黑种人", "白人", "黑人", "白皮肤", "黑皮肤", "棕皮肤"}
)


def _colour_races(doc: Document, hit: Hit) -> str:
    """The colour races among the hit's labels or its record's lines (yellow with white
    or black), or "".  In a data text, whose alike entries share one decision
    (``decision_key``), only the hit's own line and labels are read: the lines around
    are no part of that key."""
    if doc.is_data:
        around = doc.local_line(hit.line, hit.start)
    else:
        around = doc.record_text(hit.line, hit.start)
    labels = {w.lower() for w in hit.cluster}
    if not (labels & _YELLOW_LABELS or _YELLOW_RACE.search(around)):
        return ""
    if not (labels & _OTHER_COLOUR_LABELS or _OTHER_COLOUR_RACE.search(around)):
        return ""
    return "yellow, white, black"


# words of a prediction made, not of a figure estimated or a confidence interval
_PREDICTING = re.compile(r"predict|infer|imput|guess|classif", re.IGNORECASE)


def _predicting(words: tuple[str, ...]) -> list[str]:
    return [w for w in words if _PREDICTING.match(w)]


# a data frame's column opened just before the hit (``df["``, ``data['``) and, before it,
# what keeps the mask the comparison makes: an assignment or a call's argument
_FRAME_COLUMN = re.compile(r"""\b[A-Za-z_]\w*\[\s*["'][\w ]*$""")
_MASK_KEPT = re.compile(
    r"""^(?!.*\b(?:if|elif|while|assert|return|when|case)\b).*(?:[^=!<>]=(?!=)|\()"""
)
# a comparison stored as a new column of the frame: a dummy variable
_DUMMY_COLUMN = re.compile(r"""\]\s*=(?!=)[^=\n]*(?:==|!=)\s*$""")
# ... unless the column is one side of a comparison of groups (``df["group_a"] =``)
_GROUP_KEY = re.compile(
    r"""\[\s*["'](?:g[ab]|group_?[ab]|(?:un)?privileged\w*)["']\s*\]\s*=""", re.IGNORECASE
)
# an assignment to a subscript: a new column (``data["race_black"] = ``)
_NEW_COLUMN = re.compile(r"""\]\s*=\s*\(?\s*$""")
# a data frame column's own test of its values, row by row: a mask of records
_SERIES_TEST = re.compile(r"""\w*["']?\]?\.(?:isin|where|mask|between|str\.(?:contains|match))\(""")
_MASK_AFTER = re.compile(r"""\w*["']?\]?\s*(?:==|!=|<=|>=|<|>|\.isin\(|\.eq\(|\.ne\()""")
_WHERE = re.compile(r"\b(?:where|having)\b", re.IGNORECASE)
_WHERE_END = re.compile(
    r";|\b(?:select|from|group\s+by|order\s+by|limit|union|window|qualify)\b", re.IGNORECASE
)
# the rest of a column's name, a closing quote, then a comparison
_SQL_COMPARISON = re.compile(
    r"""\w*["'`\]]?\s*(?:=|!=|<>|>=|<=|\bin\b|\bnot\s+in\b|\blike\b|\bilike\b)""",
    re.IGNORECASE,
)


# A fairness toolkit's privileged group named (aif360's ``privileged_classes``)
_PRIVILEGED = re.compile(r"\b(?:un)?privileged_?(?:classes|groups|values)\b", re.IGNORECASE)
REST_REACH = 2  # lines each side of a group's label that its complement stands on
# the census's own two categories of ethnicity ("Hispanic or Latino", "Not Hispanic or
# Latino") are a code set, not one group set apart
_OWN_COMPLEMENT = frozenset({"hispanic", "latino", "latina", "latinx"})


def _set_against_the_rest(doc: Document, hit: Hit) -> str:
    """What sets the group ``hit`` labels against all the others: its complement named
    within REST_REACH lines (``Non-White``, ``not Caucasian``, ``non_white``), or a
    fairness toolkit's privileged or unprivileged classes on its line; or ""."""
    label = doc.text[hit.start : hit.end]
    if label.lower() in _OWN_COMPLEMENT or not label.isascii():
        return ""
    line = _line_near(doc, hit.line, hit.start)
    if m := _PRIVILEGED.search(line):
        return m.group(0)
    if not (doc.holds("non", folded=True) or doc.holds("not", folded=True)):
        return ""  # (a complement opens with one or the other, in any case)
    complement = re.compile(rf"(?i)\b(?:non|not)[\s_-]*{re.escape(label)}\b")
    lo = max(0, hit.line - REST_REACH)
    for i in range(lo, min(doc.line_count, hit.line + REST_REACH + 1)):
        if m := complement.search(_line_near(doc, i, hit.start if i == hit.line else -1)):
            return m.group(0)
    return ""


# A test of membership in a list written out: R's ``%in% c(``, pandas's ``.isin([``,
# SQL's and Python's ``in (`` / ``in [``, each followed by its list's opening bracket
_MEMBERSHIP = re.compile(
    r"(?:%in%\s*c|\.isin|\bin)\s*\(\s*\[?\s*$|\bin\s*\[\s*$"
    # ... or a call's argument that names the groups it keeps: ``races = c("asian",
    # "black")``, ``ethnicities=["Hispanic", ...]``
    r"|(?P<arg>\w*(?:races|ethnicities|ethnic_?groups|religions)\s*=\s*(?:c\s*\(|\[)\s*$)",
    re.IGNORECASE,
)
# The list's items up to the hit: quoted labels and commas only
_QUOTED_ITEMS = re.compile(r"""(?:\s*(?:"[^"\n]{1,40}"|'[^'\n]{1,40}')\s*,)*\s*["']""")
_LIST_ITEM = re.compile(r"""\s*(?:"[^"\n]{1,40}"|'[^'\n]{1,40}')\s*(,|[\])])""")


def _among_values_kept(doc: Document, hit: Hit) -> str:
    """The membership test whose written-out list holds the hit's label among three or
    more (``race2 %in% c("White", "Black", "Latino")``, ``WHERE race IN ('White',
    'Black', 'Asian')``), or the call's argument that chooses two or more (``races =
    c("asian", "black")``), or "": the records of several groups kept alike."""
    start = doc.line_start(hit.line)
    lo = max(start, hit.start - 160)
    before = doc.text[lo : hit.start]
    opens = max(before.rfind("("), before.rfind("["))
    if opens < 0 or not _QUOTED_ITEMS.fullmatch(before[opens + 1 :]):
        return ""
    m = _MEMBERSHIP.search(doc.text, max(start, lo + opens - 80), lo + opens + 1)
    if m is None or (m["arg"] and not _an_argument(doc, hit.line, m.start("arg"))):
        return ""
    items, at, end = 0, lo + opens + 1, doc.lines.end(hit.line)
    while item := _LIST_ITEM.match(doc.text, at, end):
        items += 1
        at = item.end()
        if item.group(1) != ",":
            break
    # (two set apart in a test of membership are a pair compared, ``isin(["African-
    # American", "Caucasian"])``; three and more, or a call's argument choosing them, are
    # the groups kept alike)
    return f"records kept for several groups ({items})" if items >= (2 if m["arg"] else 3) else ""


def _compared(doc: Document, hit: Hit) -> bool:
    """Is the label of a value set at ``hit`` a string literal that code compares a value
    with, or filters records for (a group singled out: ``race == "White"``)?"""
    text = doc.text
    start = doc.line_start(hit.line)
    before = text[max(start, hit.start - 48) : hit.start]
    q = max(before.rfind('"'), before.rfind("'"))
    if q < 0 or not _IN_LITERAL.fullmatch(before[q + 1 :]):
        return False  # not inside a string literal
    quote = before[q]
    close = text.find(quote, hit.end, hit.end + 48)
    if close < 0 or "\n" in text[hit.end : close]:
        return False
    if _DUMMY_COLUMN.search(before[:q]) and not _GROUP_KEY.search(before[:q]):
        return False  # ``data["race_black"] = data["race"] == "black"``: a column encoded
    head = before[:q].removesuffix("\\")  # an SQL string's escaped quote: ``minzu!=\"汉族\"``
    return bool(
        _COMPARED_BEFORE.search(head)
        or _COMPARED_AFTER.match(text, close + 1)
        or _GROUP_SIDE.search(before[:q])
    )


# A condition that leaves the majority people out (``minzu != "汉族"``, ``mz <> '汉族'``,
# ``nation not in ('汉族')``, ``mzdm != '01'``): what remains is the minorities.
_MAJORITY_EXCLUDED = re.compile(
    r"""(?:!=|<>)\s*\\?["']?(?:汉族|汉)\\?["']"""
    r"""|\bnot\s+in\s*\(\s*\\?["'](?:汉族|汉)\\?["']"""
    r"""|\b(?:mz|mzdm|mz_?dm|minzu|nation(?:_?code)?)\s*(?:!=|<>)\s*\\?["']0?1\\?["']""",
    re.IGNORECASE,
)
MAJORITY_REACH = 3  # lines each side of a query's column that its conditions stand on


def _excludes_the_majority(doc: Document, hit: Hit) -> bool:
    """Is the hit the majority's name in a condition that leaves it out?"""
    start = doc.line_start(hit.line)
    for m in _MAJORITY_EXCLUDED.finditer(doc.text, max(start, hit.start - 16), hit.end + 4):
        if m.start() <= hit.start < m.end():
            return True
    return False


def _majority_excluded(doc: Document, hit: Hit) -> str:
    """The condition of the query the hit's column is split or filtered in that leaves
    the majority people out, within MAJORITY_REACH lines; or ""."""
    lo = max(0, hit.line - MAJORITY_REACH)
    hi = min(doc.line_count - 1, hit.line + MAJORITY_REACH)
    for i in range(lo, hi + 1):
        if m := _MAJORITY_EXCLUDED.search(_line_near(doc, i, hit.start)):
            return m.group(0)
    return ""


def _split_by(doc: Document, hit: Hit) -> str:
    """How the trait is named, in code, as what records are split, grouped or filtered
    by: "split" (a ``groupby``, a column in an SQL ``GROUP BY``, ``cube(...)`` or
    ``rollup(...)``), "counted" (its values tallied: ``.value_counts()``, a SELECT item
    its statement groups by), "charted" (a chart's axis, legend or colour), "filtered"
    (a condition of an SQL ``WHERE``), or ""."""
    start = doc.line_start(hit.line)
    if _SPLIT_BY.search(doc.text, max(start, hit.start - 64), hit.start):
        return "split"
    lo = max(doc.line_start(max(0, hit.line - GROUP_BY_REACH)), hit.start - CLAUSE_CHARS)
    ends = [m.end() for m in _GROUP_BY.finditer(doc.text, lo, hit.start)]
    if ends and not _CLAUSE_END.search(doc.text, ends[-1], hit.start):
        return "split"
    if _COUNTED_CALL.match(doc.text, hit.end, hit.end + 64) or _grouped_select_item(doc, hit, lo):
        return "counted"
    if _UNIQUE_COUNTED.search(doc.text, max(start, hit.start - 64), hit.start) and (
        _RETURN_COUNTS.search(doc.text, hit.end, min(doc.lines.end(hit.line), hit.end + 120))
    ):
        return "counted"
    if _CHARTED_BY.search(doc.text, max(start, hit.start - 120), hit.start):
        return "charted"
    if _in_where(doc, hit, lo) or _masked_by(doc, hit) or _in_filter_predicate(doc, hit):
        return "filtered"
    if _MEMBER_OF_CHOSEN.search(doc.text, max(start, hit.start - 40), hit.start) or (
        _GROUPS_ARGUMENT.match(doc.text, hit.end, hit.end + 24)
        and (word := _WORD_BEFORE.search(doc.text, max(start, hit.start - 40), hit.start))
        and _an_argument(doc, hit.line, word.start())
    ):
        return "filtered"
    near = doc.text[max(start, hit.start - 120) : hit.start]
    if (m := _LOOP_OVER_VALUES.search(near)) and (
        m["of"] or _DISTINCT_VALUES.match(doc.text, hit.end, hit.end + 40)
    ):
        return "split"
    if _CONDITION_TALLIED.search(near) or _MASK_TALLIED.match(doc.text, hit.end, hit.end + 80):
        return "counted"
    if _CRITERION_BEFORE.search(near) or (
        _CRITERION_AND.search(near) and _CRITERION_AFTER.match(doc.text, hit.end, hit.end + 48)
    ):
        return "filtered"  # MyBatis Generator's criteria: ``andNationIn(``, ``addCriterion(``
    if _TEXT_CONDITION.match(doc.text, hit.end, hit.end + 48) and (
        quoted_at(
            doc.local_line(hit.line, hit.start), hit.start - doc.local_start(hit.line, hit.start)
        )
        is not None
    ):
        return "filtered"  # ``'Persons with race = Black'``: a cohort named for its condition
    if _pipeline_tallies(doc, hit):
        return "counted"
    return _tallied_in_a_data_language(doc, hit)


CHAIN_LINES = 12  # lines of one pipeline (one statement) read each side of a hit
# A line that hands its result on to the next: R's ``%>%`` and ``|>``, ggplot's ``+``;
# a line that takes the one above's: a method chained (``.groupby(``)
_HANDS_ON = re.compile(r"(?:%>%|\|>|\+)\s*(?:#.*)?$")
_TAKES_ON = re.compile(r"^\s*\.\w")
# A stage of a pipeline that tallies or splits the records by columns: dplyr's
# ``count(race2)``, ``group_by(race)``, ``tally``, pandas's ``.groupby("race")``, ``table(``
_TALLY_STAGE = re.compile(
    r"\b(?:count|add_count|group_by|groupby|tally|table|crosstab|value_counts)\s*\(([^()\n]*)"
)


def _pipeline_tallies(doc: Document, hit: Hit) -> bool:
    """Does the pipeline the hit's line is a stage of (one statement over lines joined by
    ``%>%``, ``|>``, ``+`` or a chained method) tally or split the records by a column
    named for the hit's word (``stop_v2 %>% count(race2) %>% left_join(mpls_race, ...)``):
    every stage of it then works on people counted by the trait."""
    if hit.in_comment or doc.is_prose or doc.is_data or doc.is_long(hit.line):
        return False

    def stage(i: int) -> str:  # a stage of a pipeline is a short line
        return "" if doc.is_long(i) else doc.line_text(i)

    lo = hi = hit.line
    while (
        lo > 0
        and hit.line - lo < CHAIN_LINES
        and (_HANDS_ON.search(stage(lo - 1)) or _TAKES_ON.match(stage(lo)))
    ):
        lo -= 1
    while (
        hi + 1 < doc.line_count
        and hi - hit.line < CHAIN_LINES
        and (_HANDS_ON.search(stage(hi)) or _TAKES_ON.match(stage(hi + 1)))
    ):
        hi += 1
    if lo == hi:
        return False
    word = doc.text[hit.start : hit.end].lower()
    for i in range(lo, hi + 1):
        for m in _TALLY_STAGE.finditer(stage(i)):
            if word in m.group(1).lower():
                return True
    return False


# Records kept whose value is among the groups chosen, named for the trait: R's ``short
# %in% races``, ``df$ethnicity %in% chosen_ethnicities``
_MEMBER_OF_CHOSEN = re.compile(r"%in%\s*(?:[\w.]+\$)?\w*$")
# ... or the groups a call keeps, passed as its argument: ``get_population(races =
# c("asian", "black"))``, ``load(ethnicities=["Hispanic"])``
_GROUPS_ARGUMENT = re.compile(r"""\w*\s*=\s*(?:c\s*\(|\[)\s*["']""")
_WORD_BEFORE = re.compile(r"\w*$")


def _an_argument(doc: Document, line: int, at: int) -> bool:
    """Does a call's argument begin at ``at`` (a name there, then ``=``): after the
    call's ``(`` or a ``,`` on its line, or first on a line under one ending in ``(`` or
    ``,`` (``races = c(...)`` among ``get_population(`` 's arguments)?  A name assigned
    at the start of a statement (``race = ["White", ...]``) is none."""
    start = doc.line_start(line)
    before = doc.text[start:at].rstrip()
    if before:
        return before.endswith(("(", ","))
    return line > 0 and doc.line_text(line - 1).rstrip().endswith(("(", ","))


# The rest of a condition that keeps one group's records: the column's name ended, an
# equality, one value written out in quotes (``ethnic_code == "HL"``, ``race = 'B'``);
# not an empty or missing value, a placeholder or a variable
_ONE_VALUE_KEPT = re.compile(
    r"""\w*["']?\]?\s*(?:==|===|=)\s*(?P<q>["'])(?P<v>(?![,;)\s])(?!(?i:null|none|na|nan|unknown|all)\b)"""
    r"""[^"'\n?%#{}$:]{1,24})(?P=q)(?!\s*(?:\+|\.|%|\)\s*\+))"""
)


def _one_value_kept(doc: Document, hit: Hit) -> str:
    """The value written out that a filtering condition on the trait's column compares it
    with, one group's, or ""."""
    m = _ONE_VALUE_KEPT.match(doc.text, hit.end, min(doc.lines.end(hit.line), hit.end + 64))
    return f"{doc.text[hit.start : hit.end]} = {m['v']}" if m else ""


# A network's output layer named for what it tells (``self.output_race = nn.Linear(128,
# 5)``, ``race_head = layers.Dense(5, activation="softmax")``), or the loss it learns by
_LAYER_ASSIGNED = re.compile(
    r"\w*\s*=\s*(?:torch\.)?(?:nn|layers|tf\.keras\.layers|keras\.layers)\.(?:Linear|Dense)\("
)
_LOSS_OF = re.compile(r"_?loss\w*\s*=|\w*\s*=\s*\w*(?:loss|criterion)\w*\(", re.IGNORECASE)


def _network_output(doc: Document, hit: Hit) -> str:
    """The layer or the loss of a network that the hit's name is given (``output_race =
    nn.Linear(``, ``race_loss = xe_loss(``), or ""."""
    end = min(doc.lines.end(hit.line), hit.end + 80)
    if m := _LAYER_ASSIGNED.match(doc.text, hit.end, end):
        return f"a network's output layer: {m.group(0).strip()}"
    if m := _LOSS_OF.match(doc.text, hit.end, end):
        return f"the loss a network learns it by: {m.group(0).strip()}"
    return ""


# A query's criterion in MyBatis Generator's ``Example`` classes and their callers: a
# condition added on a column (``addCriterion("religion_name =", value, ...)``), a
# method of a column's condition (``andReligionNameEqualTo(``, ``criteria.andNationIn(``)
_CRITERION_BEFORE = re.compile(r"""\baddCriterion\(\s*["'][\w.]*$""")
_CRITERION_AND = re.compile(r"(?:^|[^A-Za-z])and$")
_CRITERION_AFTER = re.compile(
    r"[A-Za-z]*?(?:EqualTo|NotEqualTo|Like|NotLike|In|NotIn|IsNull|IsNotNull|GreaterThan"
    r"|GreaterThanOrEqualTo|LessThan|LessThanOrEqualTo|Between|NotBetween)\s*\("
)
# A condition written out in a literal, a cohort's or a subgroup's name: the trait, an
# operator, a value, the literal's end (``'Persons with race = Black'``)
# (not a test of presence: MyBatis's ``test="race != null"``)
_TEXT_CONDITION = re.compile(
    r"""\s*==?\s*(?!(?i:null|none|nil|true|false|undefined)\b)[A-Za-z][\w/-]{0,30}['"]"""
)


# A loop over the values the trait's column takes, each group's records handled in turn
# (``for eth in df["ethnicity"].unique():``, ``for r in sorted(set(df.race))``, R's ``for
# (g in levels(df$race))``)
_LOOP_OVER_VALUES = re.compile(
    r"\bfor\s*\(?\s*\w+\s+in\s+(?:sorted\(\s*)?(?P<of>(?:set|unique|levels)\(\s*)?"
    r"(?:[\w.]+(?:\[\s*[\"']|\$|\.))?$"
)
_DISTINCT_VALUES = re.compile(r"""[\w]*["']?\]?\s*\.\s*(?:unique|drop_duplicates)\(""")
# A count or a sum of the records a condition on the trait holds for: SQL's ``SUM(CASE
# WHEN ethnicity = 'Hispanic' THEN 1 ELSE 0 END)``, ``COUNT(IF(race = 2, 1, NULL))``
_CONDITION_TALLIED = re.compile(
    r"\b(?:sum|count|countif|avg)\s*\(\s*(?:case\s+when|if\s*\(|iif\s*\()\s*"
    r"(?:[^()\n]*?\b(?:and|or)\s+)?(?:\w+\.)?$",
    re.IGNORECASE,
)
# ... or pandas's share or count of a mask: ``(df["race"] == "Black").mean()``
_MASK_TALLIED = re.compile(
    r"""\w*["']?\]?\s*(?:[=!]=[^()\n]*|\.isin\([^()\n]*\))\)\s*\.\s*(?:sum|mean)\(\s*\)"""
)


# A call that keeps the records its predicate holds for: ``people.filter(p => ...)``,
# Java's ``.filter(e -> ...)``, SQLAlchemy's ``.filter(Patient.ethnicity == e)``, Spark's
# ``.where(F.col("religion") == r)``, LINQ's ``.Where(...)``, Python's ``filter(lambda
# ...)``, dplyr's ``filter(ethnicity == "Hispanic")``, R's ``subset(df, race %in% x)``.
_FILTER_OPEN = re.compile(
    r"(?<![\w$])((?:[\w$]+\.)*)(?:filter|exclude|where|Where|subset)(?:\(|\s*\{)"
)
# ... not an array library's ``where(cond, a, b)``: a value per element (a dummy column)
_ARRAY_LIBRARY = re.compile(r"(?:^|\.)(?:np|numpy|torch|tf|jnp|cp|xr|K)\.$")
# what makes its arguments a predicate: a function of a record, or a comparison
_PREDICATE = re.compile(
    r"=>|->|\blambda\b|[=!]==?|<>|%in%|\.(?:equals|equalsIgnoreCase|isin|in_|eq|ne|is_in)\("
)
# An ORM's condition object: Sequelize's and Prisma's ``findAll({ where: { religion: r
# } })``, ``findMany({ where: { ethnicity } })``: the records whose field holds a value.
_WHERE_OBJECT = re.compile(r"\bwhere\s*:\s*\{")
PREDICATE_CHARS = 240  # characters a filter call's arguments are read within


def _in_filter_predicate(doc: Document, hit: Hit) -> bool:
    """Is the trait's field tested in the predicate of a call that filters records, or a
    key of an ORM's ``where`` object?  Records are kept or dropped by it."""
    text = doc.text
    lo = max(doc.line_start(hit.line), hit.start - PREDICATE_CHARS)
    before = text[lo : hit.start]
    for m in reversed(list(_FILTER_OPEN.finditer(before))):
        # (a call's parentheses, or a trailing lambda's braces: Kotlin's and Swift's
        # ``people.filter { it.ethnicity == group }``)
        o, c_ = ("{", "}") if m.group(0).endswith("{") else ("(", ")")
        depth = before.count(o, m.end()) - before.count(c_, m.end())
        if depth < 0:
            continue  # a call closed before the hit
        if _ARRAY_LIBRARY.search(m.group(1)) or _literal_compared(text, hit):
            return False
        # the arguments: to the call's closing parenthesis, or as far as they are read
        end, level, stop = hit.end, depth + 1, min(len(text), hit.end + PREDICATE_CHARS)
        while end < stop and level > 0:
            c = text[end]
            level += 1 if c == o else -1 if c == c_ else 0
            end += 1
        return _PREDICATE.search(text, lo + m.end(), end) is not None
    wlo = max(doc.line_start(max(0, hit.line - 3)), hit.start - PREDICATE_CHARS)
    opened = [w.end() for w in _WHERE_OBJECT.finditer(text, wlo, hit.start)]
    if opened:
        inside = text[opened[-1] : hit.start]
        return inside.count("{") >= inside.count("}")
    return False


# A comparison right before a literal's opening quote or right after its closing one
_COMPARED_TO_LITERAL = re.compile(r"""(?:[=!]==?|<>|\bin|%in%)\s*$""")
_LITERAL_COMPARED = re.compile(r"""\s*(?:[=!]==?|<>)""")


def _literal_compared(text: str, hit: Hit) -> bool:
    """Is the hit a string literal of its own compared with something (``c !==
    'ethnicity'``: a column's name tested, a list of names filtered), not a field read
    by its name (``F.col("religion") == r``)?"""
    if hit.start == 0 or text[hit.start - 1] not in "\"'`":
        return False
    quote = text[hit.start - 1]
    if text[hit.end : hit.end + 1] != quote:
        return False
    return bool(
        _COMPARED_TO_LITERAL.search(text, max(0, hit.start - 16), hit.start - 1)
        or _LITERAL_COMPARED.match(text, hit.end + 1)
    )


_R_SUFFIXES = frozenset({".r", ".rmd", ".qmd", ".rhistory"})
# R's tallies of a column: ``table(df$ethnicity)``, ``count(religion)``, ``tabyl(race)``,
# ``xtabs(~ race + sex, df)``, ``df %>% count(ethnicity, sort = TRUE)``
_R_TALLY = re.compile(
    r"\b(?:table|tabyl|count|add_count|tally|xtabs|ftable|n_distinct)\(\s*"
    r"(?:[\w.]+\s*(?:\$|,\s*))?(?:~\s*)?(?:[\w.]+\s*\+\s*)*[A-Za-z_.]*$"
)
_STATA_SUFFIXES = frozenset({".do", ".ado"})
# Stata's tallies and groupings (``tab ethnicity``, ``bysort religion:``) and its
# conditions (``keep if religion == 3``, ``tab x if ethnicity == 1``)
_STATA_TALLY = re.compile(
    r"^\s*(?:(?:by|bys|bysort)\s+(?:\w+\s+)*|(?:tab(?:ulate)?|tab1|tab2|table|tabstat)"
    r"\s+(?:\w+\s+)*)$"
)
_STATA_CONDITION = re.compile(r"\bif\s+(?:[^\n]*?[&|]\s*)?$")
_SAS_SUFFIXES = frozenset({".sas"})
# SAS's groupings and tallies: ``by race;``, ``class ethnicity;``, ``tables race*sex;``
_SAS_TALLY = re.compile(r"^\s*(?:by|class|tables?)\s+(?:[\w*]+\s+)*$", re.IGNORECASE)


def _tallied_in_a_data_language(doc: Document, hit: Hit) -> str:
    """How a statistics language's script tallies or filters records by the trait's
    column: "counted" (R's ``table(df$race)``, Stata's ``tab race``, SAS's ``tables
    race;``), "split" (``bysort race:``, ``by race;``), "filtered" (Stata's ``keep if
    race == 2``), or ""."""
    suffix = doc.suffix
    if suffix not in _R_SUFFIXES and suffix not in _STATA_SUFFIXES and suffix not in _SAS_SUFFIXES:
        return ""
    start = doc.line_start(hit.line)
    before = doc.text[max(start, hit.start - 120) : hit.start]
    if suffix in _R_SUFFIXES:
        return "counted" if _R_TALLY.search(before) else ""
    if suffix in _STATA_SUFFIXES:
        if m := _STATA_TALLY.match(before):
            return "split" if m.group(0).lstrip().startswith("by") else "counted"
        return "filtered" if _STATA_CONDITION.search(before) else ""
    if m := _SAS_TALLY.match(before):
        return "split" if m.group(0).lstrip().lower().startswith(("by", "class")) else "counted"
    return ""


# The trait as a chart's dimension: an axis or a legend titled by it (``ylabel="Subject
# Race"``, ``xaxis_title="Ethnicity"``, ECharts' ``xAxis: {name: '民族'``), or the column a
# plotting call draws its bars or colours by (``px.bar(df, x="race")``, ``hue="race"``):
# people are counted per value of the trait, and shown so.
_CHARTED_BY = re.compile(
    r"""\b(?:[xy]_?label|[xy]axis_?title|legend_?title|set_[xy]label)\s*[=(:]\s*[rf]?["']"""
    r"""[^"'\n]{0,32}$"""
    r"""|\b(?:hue|colou?r|colou?r_by|facet_(?:row|col))\s*=\s*["'][\w]{0,24}$"""
    r"""|\b(?:px|sns|alt|go|plt)\.\w+\([^()\n]*\b[xy]\s*=\s*["'][\w]{0,24}$"""
    # ... ggplot2's facets (``facet_wrap(~ race)``, ``facet_grid(race ~ sex)``)
    r"""|\bfacet_(?:wrap|grid)\(\s*(?:[\w.]+\s*)?~?\s*(?:vars\(\s*)?[\w.]{0,24}$"""
    # ... ggplot2's aesthetics: ``aes(x = race)``, ``aes(fill = ethnicity)``, ``aes(race)``
    r"""|\baes\(\s*(?:[^()\n]*\b(?:x|y|fill|colou?r|group)\s*=\s*)?["']?[\w.]*$"""
    # ... or a chart's or a table's title that says what it splits by ("Stops by Race",
    # ``plt.title("Search rate per ethnicity")``)
    r"""|\b(?:title|subtitle|caption)\s*[=:(]\s*[rf]?["'][^"'\n]{0,80}\b(?i:by|per|across)\s+$"""
    r"""|\b[xy]Axis\s*:\s*\{[^{}\n]*\bname\s*:\s*["']$"""
    # ... or the element a chart is drawn in, named for it (``echarts.init(document.
    # getElementById('minzu'))``, ``new Chart($('#raceChart')``, ``Highcharts.chart('race``)
    r"""|(?:\becharts\.init\(|\bnew\s+Chart\()\s*(?:document\.getElementById\(|\$\()\s*["']#?[\w-]{0,32}$"""
    r"""|\bHighcharts\.chart\(\s*["'][\w-]{0,32}$"""
    # ... Recharts' and Nivo's keys of a chart's categories (``<Pie data={rows}
    # nameKey="ethnicity">``, ``<XAxis dataKey="race" />``, ``indexBy="religion"``)
    r"""|<(?:Pie|Bar|XAxis|YAxis|Line|Area|Radar|Treemap|ResponsivePie|ResponsiveBar)\b[^<>]*"""
    r"""\b(?:nameKey|dataKey|indexBy)\s*=\s*\{?\s*["'][\w.]{0,24}$"""
)
# A chart's categories: a legend's or an axis's data (ECharts' ``legend: {data: ['汉族',
# '回族']}``), a series named for a group and drawn as bars, slices or lines (``{name:
# '回族', type: 'bar', data: [...]}``).
_CHART_DATA_BEFORE = re.compile(
    r"""\b(?:legend|[xy]Axis)\s*:\s*\{[^{}\n]*\bdata\s*:\s*\[[^\]\n]*["']$"""
)
_SERIES_NAME_BEFORE = re.compile(r"""\bname\s*:\s*["']$""")
# ... a list of data opened on the hit's line, under a legend's or an axis's brace
_DATA_LIST_BEFORE = re.compile(r"""^\s*data\s*:\s*\[[^\]\n]*["'][^"',\n]{0,8}$""", re.MULTILINE)
_CHART_PART = re.compile(r"\b(legend|[xy]Axis)\s*:\s*\{\s*$")
_SERIES_TYPE = re.compile(
    r"""\btype\s*:\s*["'](?:bar|pie|line|scatter|funnel|radar|treemap|sunburst)["']"""
)
SERIES_REACH = 3  # lines after a series' name that its type stands within


def _chart_category(doc: Document, hit: Hit) -> str:
    """The chart a group's name is a category of: a legend's or an axis's data, or a
    series drawn for the group; or "".  People are counted per group and shown so."""
    start = doc.line_start(hit.line)
    if m := _CHART_DATA_BEFORE.search(doc.text, max(start, hit.start - 160), hit.start):
        return m.group(0).split(":", 1)[0].strip()
    if _DATA_LIST_BEFORE.search(doc.text, max(start, hit.start - 160), hit.start):
        # ``data: ['无宗教信仰', '伊斯兰教']`` on a line of its own in ``legend: {``
        opener = _opener_above(doc, hit.line, hit.line - SERIES_REACH * 2)
        if opener is not None and (m := _CHART_PART.search(_line_near(doc, opener, -1))):
            return m.group(1)
    if not _SERIES_NAME_BEFORE.search(doc.text, max(start, hit.start - 16), hit.start):
        return ""
    for i in range(hit.line, min(doc.line_count, hit.line + 1 + SERIES_REACH)):
        if m := _SERIES_TYPE.search(_line_near(doc, i, hit.start if i == hit.line else -1)):
            return f"a series, {m.group(0)}"
    return ""


COMMENTED_QUERY_REACH = 12  # lines below a comment that the query it heads spans
_SQL_SUFFIXES = frozenset({".sql", ".xml"})


def _comment_over_grouping(doc: Document, hit: Hit) -> str:
    """The GROUP BY of the query a comment line heads, when it groups by the column the
    comment names (``-- Patient race distribution by ZIP code`` over ``SELECT ...
    GROUP BY p.zip, p.race``); or "".  The comment says what the query counts."""
    if doc.suffix not in _SQL_SUFFIXES or not doc.comment_lines[hit.line]:
        return ""
    term = doc.text[hit.start : hit.end].lower()
    if not term.isascii():
        return ""
    for i in range(hit.line + 1, min(doc.line_count, hit.line + 1 + COMMENTED_QUERY_REACH)):
        text = _line_near(doc, i, -1)
        if doc.comment_lines[i]:
            continue
        if m := _GROUP_BY.search(text):
            close = _CLAUSE_END.search(text, m.end())
            grouped = text[m.end() : close.start() if close else len(text)].lower()
            return (
                m.group(0) + grouped[:40] if re.search(rf"\b{re.escape(term)}\b", grouped) else ""
            )
        if ";" in text:
            return ""
    return ""


# A chart drawn in a script: ECharts' series type or option set, Chart.js's and
# Highcharts' constructors.
_DRAWS_A_CHART = re.compile(
    _SERIES_TYPE.pattern + r"|\.setOption\(|\becharts\.init\(|\bnew\s+Chart\(|\bHighcharts\.chart\("
)
# A comment that is a heading: a few words, no sentence (``//民族``, ``/* 宗教分布 */``)
_HEADING_COMMENT = re.compile(
    r"^\s*(?://+|/\*+|#+|<!--|--)\s*[^\s.。,，;；]{1,12}\s*(?:\*/|-->)?\s*$"
)


# A line of code commented out: its comment holds a statement (``//   label: "宗教信仰：",``,
# ``// $('#nation').val(data.nation);``, ``<!-- <option value="3">伊斯兰教</option> -->``,
# ``# df["race"] = df["race"].str.upper()``), not words about the code.
_COMMENTED_CODE = re.compile(
    r"""^\s*(?://+|#+|<!--|/?\*+)\s*"""
    r"""(?:["']?[A-Za-z_$][\w$]*["']?\s*:\s*(?:["'][^"'\n]*["']|[\w$.]+|\[|\{)\s*,?"""
    r"""|(?:(?:var|let|const|final|[A-Z]\w*(?:<[^<>]*>)?)\s+)?[\w$.\[\]"'()]+\s*\+?=\s*[^=].*;?"""
    r"""|[\w$.]+\(.*\)\s*[;{]?|<\w+[^<>]*>.*)"""
    r"""\s*(?:-->|\*/|//.*)?\s*$"""
)


def _commented_code(doc: Document, hit: Hit) -> bool:
    """Is the hit in a line of code commented out, in a module: the code's field kept
    for later, not words about it?"""
    return (
        not doc.is_prose
        and doc.comment_lines[hit.line]
        and _COMMENTED_CODE.match(doc.line_text(hit.line)) is not None
    )


# Code that reads or writes a value: an accessor's call (``getCell(5)``, ``setMz(``), an
# assignment, a control's value (``.val(``), a member by its key (``row["mz"]``).
_HANDLES_A_VALUE = re.compile(r"""\b(?:get|set)[A-Z_]\w*\(|[^=!<>]=[^=]|\.val\(|\[\s*["'\w]""")


def _heads_code(doc: Document, hit: Hit) -> bool:
    """Is the hit's line a heading comment (a few words on a line of its own) right over
    a line of code that reads or writes a value, in a module?  (Over ``refresh();`` it
    names nothing the code handles.)"""
    return (
        not (doc.is_prose or doc.is_data)
        and doc.comment_lines[hit.line]
        and hit.line + 1 < doc.line_count
        and not doc.comment_lines[hit.line + 1]
        and _HANDLES_A_VALUE.search(doc.line_text(hit.line + 1)) is not None
        and _HEADING_COMMENT.match(doc.line_text(hit.line)) is not None
    )


def _comment_over_chart(doc: Document, hit: Hit) -> str:
    """The chart a script's heading comment stands over (``//民族`` over ``var mz_option
    = { ... series: [{type: 'pie', data: dataList}] }``): the chart that follows it,
    before the next heading, counts people per value of the trait it names; or ""."""
    if doc.is_prose or doc.is_data or not doc.comment_lines[hit.line]:
        return ""
    if not _HEADING_COMMENT.match(doc.line_text(hit.line)):
        return ""
    for i in range(hit.line + 1, min(doc.line_count, hit.line + 1 + COMMENTED_QUERY_REACH)):
        if doc.comment_lines[i] and _HEADING_COMMENT.match(doc.line_text(i)):
            return ""  # the next heading: what follows is its
        if m := _DRAWS_A_CHART.search(_line_near(doc, i, -1)):
            return f"a chart under it ({m.group(0).strip()})"
    return ""


# A column's values counted where it is read (``df["ethnicity"].value_counts()``,
# ``df.race.value_counts(normalize=True)``): records tallied per value of the trait.
_COUNTED_CALL = re.compile(
    r"""\w*["']?\]?\s*\.\s*value_counts\("""
    # ... Django's values grouped and counted (``.values("ethnicity").annotate(n=Count(``)
    r"""|\w*["']\s*(?:,\s*["']\w+["']\s*){0,4}\)\s*\.\s*annotate\("""
)
# ... numpy's ``np.unique(df["ethnicity"], return_counts=True)``
_UNIQUE_COUNTED = re.compile(r"""\bnp\.unique\(\s*[\w.]*(?:\[\s*["'])?\w*$""")
_RETURN_COUNTS = re.compile(r"return_counts\s*=\s*True")
_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)
_SELECT_ITEM_END = re.compile(r",|\bfrom\b", re.IGNORECASE)
_STATEMENT_END = re.compile(r";|</select\b|\bunion\b", re.IGNORECASE)
# a column's name (not a table's alias before its dot)
_SQL_WORD = re.compile(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]+(?![\w.])")
_NOT_A_COLUMN = frozenset({"as", "distinct", "case", "when", "then", "else", "end", "null"})


def _grouped_select_item(doc: Document, hit: Hit, lo: int) -> bool:
    """Is the hit an item of a SELECT list that the statement's GROUP BY groups by
    (``SELECT mz AS 民族, COUNT(1) AS num FROM t_person GROUP BY mz``)?  The item and
    the grouping name the same column: the records are counted per value of it."""
    text = doc.text
    starts = [m for m in _SELECT.finditer(text, lo, hit.start)]
    if not starts or _CLAUSE_END.search(text, starts[-1].end(), hit.start):
        return False
    item_start = max(text.rfind(",", starts[-1].end(), hit.start) + 1, starts[-1].end())
    end = _SELECT_ITEM_END.search(text, hit.end, hit.end + CLAUSE_CHARS)
    if end is None:
        return False
    item = {w.lower() for w in _SQL_WORD.findall(text, item_start, end.start())}
    item -= _NOT_A_COLUMN
    stop = _STATEMENT_END.search(text, end.start(), end.start() + CLAUSE_CHARS)
    limit = stop.start() if stop else min(len(text), end.start() + CLAUSE_CHARS)
    group = _GROUP_BY.search(text, end.start(), limit)
    if group is None:
        return False
    close = _CLAUSE_END.search(text, group.end(), limit)
    until = close.start() if close else limit
    grouped = {w.lower() for w in _SQL_WORD.findall(text, group.end(), until)}
    return bool(item & grouped)


# People counted by the trait: a statistic, a chart or a count that sums records per
# value of it.  Before the term: ``按``/``按照`` (按民族查询在押人员数量), an identifier's
# ``countIn``/``countBy``/``statsBy`` (getPCountInNation), "count by", "breakdown by";
# after it: 统计, 分布, 占比, 构成 (民族统计, 宗教信仰分布) or ``Stats``, ``Distribution``.
_COUNT_WORDS_ZH = "统计|分布|占比|比例|构成|汇总|分组|人数|数量|计数"
_COUNTED_BEFORE = re.compile(
    # (after other fields it is one of: 根据姓名或身份证或民族进行查询, 按性别、民族统计)
    # (a field's name holds no separator: read one way, in linear time)
    r"(?P<by>按照?|根据)(?:(?:(?!或|和|及|与)[\u4e00-\u9fff]){1,6}(?:或者|或|和|及|与|、|/|,|，))*\s*$"
    r"|(?:count|stat(?:istic)?s?|tally|total|distribution)(?:_?(?:by|in|per))_?$"
    # ... or a collection named for it: ``perEthnicity``, ``per_race``, ``groupByNation``
    # (not a bare ``by``: a C struct's ``byEthnic`` is a byte, in Hungarian notation)
    r"|(?-i:(?:^|(?<=[^A-Za-z]))per|(?<=[a-z])(?:By|Per))_?$"
    # ... in snake case or R's dotted names: ``patients_group_by_ethnicity``,
    # ``stops_per_race``, ``searched.by.race``
    r"|(?-i:(?<=[a-z0-9])[._](?:by|per)[._])$"
    r"|\b(?:count|counts|number|statistics|breakdown|distribution|totals?)\s+"
    r"(?:of\s+)?(?:\w+\s+)?(?:by|per)\s+$"
    r"|\b(?:grouped|broken\s+down|stratified|disaggregated|tallied)\s+by\s+$",
    re.IGNORECASE,
)
_COUNTED_AFTER_ZH = re.compile(
    # ... or the number of its members of some kind: 少数民族员工数, 少数民族人口数, 党员数
    rf"^(?:宗教|民族|信仰)?(?:区域|地区|人口|人员)?(?:信息|情况)?总?(?:{_COUNT_WORDS_ZH})"
    # (or said with its count: 民族以及人数, 民族及其人数, 民族和人数)
    r"|^(?:以及|及其?|和|与|的)?(?:员工|职工|教职工|人口|居民|学生|党员|成员|干部|教师)?人?数"
    r"(?![据字学码值组])"
)
_COUNTED_AFTER_EN = re.compile(
    # (a second trait's name between: ``race_ethnicity_summary``, ``RaceEthnicityCounts``)
    r"^(?:_?(?i:ethnicity|race|religion))?"
    r"(?:_?(?:Stat(?:istic)?s?|Counts?|Distribution|Breakdown|Chart|Summary)(?![a-z])"
    r"|_(?:stat(?:istic)?s?|counts?|distribution|breakdown|chart|summary)\b)"
)
_COUNTED_LATER_ZH = re.compile(rf"^[^，。,.;；:：\n]{{0,12}}?(?:{_COUNT_WORDS_ZH})")
# 根据民族查询人员, 按宗教信仰筛选: people looked up by the trait
_QUERIED_LATER_ZH = re.compile(r"^[^，。,.;；:：\n]{0,6}?(?:查询|检索|筛选|过滤|搜索|查找)")


def _counted_by(doc: Document, hit: Hit) -> str:
    """The words that say people are counted by the trait here (a dashboard's 民族统计, a
    service's 按民族查询在押人员数量, ``getPCountInNation``), or ""."""
    text = doc.text
    start = doc.line_start(hit.line)
    before = text[max(start, hit.start - 24) : hit.start]
    after = text[hit.end : hit.end + 24]
    if (m := _COUNTED_BEFORE.search(before)) is not None:
        if m["by"]:
            # 按民族 ... then a word of counting or of a query before the clause ends
            # (按民族查询数量, 根据民族查询人员), not 按民族习惯 (by a people's custom)
            later = _COUNTED_LATER_ZH.match(after) or _QUERIED_LATER_ZH.match(after)
            return f"{m['by']}…{later.group(0)}" if later else ""
        return m.group(0).strip()
    if (m := _COUNTED_AFTER_ZH.match(after)) or (m := _COUNTED_AFTER_EN.match(after)):
        return m.group(0)
    return ""


# the head of an enumeration: ``typedef enum tagEM_NATION_TYPE``, ``class EM_NATION_TYPE(
# IntEnum):``, or a class of constants (``public static class EM_NATION_TYPE``)
_ENUM_WORD = re.compile(r"enum\b|Enum\b|\bclass\s+[A-Za-z_]\w*")
# members that name no value: unknown, other, not recognised, none
_NO_VALUE = re.compile(
    r"(?:UNKNOWN|OTHERS?|UNIDENTIFIED|UNDEFINED|UNRECOGNI[SZ]ED|NONE|NULL|INVALID|ALL|"
    r"NOT_?\w*|UNSET|DEFAULT|RESERVED|MAX|COUNT|NUM)",
    re.IGNORECASE,
)
ENUM_BODY = 12  # lines of an enum read for its members
# A line of an enumeration's body above a hit in it: a member (``UYGUR = 1,  # 维族``), a
# brace, the quotes of a docstring, or nothing.
_ENUM_BODY_LINE = re.compile(r"""^\s*(?:[A-Z][A-Z0-9_]*\s*[=,:]|[{}]|(?:\"\"\"|\'\'\')|$)""")


def _enum_head_above(doc: Document, line: int) -> int | None:
    """The head of the enumeration whose body line ``line`` stands in, ENUM_BODY lines
    up at most (a Python ``IntEnum``'s docstring, a member's trailing comment); or
    None when anything but members, comments and docstring quotes lies between.  (A
    text without "enum", "Enum" or "class" has no head: its lines are not read, where a
    log's records, each opening with a brace, would all be read as a body's.)"""
    if not (doc.holds("enum") or doc.holds("Enum") or doc.holds("class")):
        return None
    for i in range(line - 1, max(-1, line - 1 - ENUM_BODY), -1):
        text = doc.line_text(i)
        if _ENUM_WORD.search(text):
            return i
        if not (doc.comment_lines[i] or _ENUM_BODY_LINE.match(text)):
            return None
    return None


def _one_group_enum(doc: Document, hit: Hit) -> str:
    """The members of an enumeration the hit names or heads (its ``//民族`` comment, its
    ``tagEM_NATION_TYPE``) when one of them is a value and the rest are not (UNKNOWN,
    UYGUR, OTHER): a face sorted as one group or not.  "" for any other enumeration (a
    code table of the peoples lists many values).  (``_ENUM_WORD`` reads "enum", "Enum"
    or "class": a text without them has no enumeration.)"""
    if hit.table:
        return ""
    if not (doc.holds("enum") or doc.holds("Enum") or doc.holds("class")):
        return ""
    head = next(
        (
            i
            for i in range(hit.line, min(hit.line + 3, doc.line_count))
            if _ENUM_WORD.search(doc.line_text(i))
        ),
        None,
    )
    if head is None:
        head = _enum_head_above(doc, hit.line)
    if head is None:
        return ""
    names = doc.enum_members(head, ENUM_BODY)
    if len(names) < 3:
        return ""
    # the part of each name after the prefix they share (EM_NATION_TYPE_)
    prefix = names[0]
    for n in names[1:]:
        while not n.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[: prefix.rfind("_") + 1]
    parts = [n[len(prefix) :] for n in names]
    values = [p for p in parts if p and not _NO_VALUE.fullmatch(p)]
    if len(values) != 1 or len(values) == len(parts):
        return ""
    return f"{values[0]} against {', '.join(p for p in parts if p != values[0])}"


# A frame subscripted by a comparison of its own column read as a member
_SELF_MASK = re.compile(r"\b([A-Za-z_]\w*)\[\s*\(?\s*~?\s*\1\s*\.\s*$")
# An array library's choice of a value per element by a condition: a column encoded
_ARRAY_WHERE = re.compile(r"\b(?:np|numpy|torch|tf|jnp|cp)\.(?:where|select|piecewise)\(\s*\(?\s*$")


def _masked_by(doc: Document, hit: Hit) -> bool:
    """Is the trait's column compared inside a mask that selects rows of a data frame
    (``df[(df["SEX"] == 0) & (df["RACE"] != 0)]``, ``df.loc[df.race.isin(groups)]``,
    ``df.query("race == @group")``)?"""
    start = doc.line_start(hit.line)
    before = doc.text[max(start, hit.start - 160) : hit.start]
    if _QUERY_OPEN.search(before):
        return True
    after = doc.text[hit.end : hit.end + 24]
    if _SERIES_TEST.match(after):
        return True  # ``df.race1.where(df.race1.isin(["black", "white"]))``
    if not _MASK_AFTER.match(after):
        return False
    if before.count("[") - before.count("]") >= 2 or ".loc[" in before:
        return True  # inside the brackets that select the rows
    if _SELF_MASK.search(before):
        return True  # ``df[df.race == r]``: the frame's rows chosen by its own column
    # a column compared to make a mask that is kept or passed on (``group_a =
    # df["race"] == "Caucasian"``, ``pd.Series(df["race"] == 2)``), not the condition
    # of an ``if`` on one record, nor a new column of the frame (``data["race_black"] =
    # data["race"] == "black"``: a dummy variable, the trait encoded for each record)
    frame = _FRAME_COLUMN.search(before)
    if frame is None:
        return False
    target = before[: frame.start()]
    if _NEW_COLUMN.search(target) and not _GROUP_KEY.search(target):
        return False
    if _ARRAY_WHERE.search(target):
        return False  # ``np.where(df["race"] == "Black", 1, 0)``: a value for each record
    return bool(_MASK_KEPT.search(before, 0, frame.start()))


def _in_where(doc: Document, hit: Hit, lo: int) -> bool:
    """Is the trait's column a condition of an SQL query's WHERE (or HAVING) clause,
    compared with a value (``race_source_value IN ('2106-3', '2054-5')``)?  A cohort
    selected by the trait: records filtered by it."""
    ends = [m.end() for m in _WHERE.finditer(doc.text, lo, hit.start)]
    if not ends or _WHERE_END.search(doc.text, ends[-1], hit.start):
        return False
    rest = doc.text[hit.end : hit.end + 48]
    return bool(_SQL_COMPARISON.match(rest))


# What declares or reads a parameter of a query, in any domain: a FHIR SearchParameter,
# an OpenAPI parameter ``in: query``, a web framework's request arguments.
_QUERY_PARAM = re.compile(
    r"\bSearchParameter\b|\bsearch_?param(?:eter)?s?\b"
    r"|[\"']?\bin[\"']?\s*[:=]\s*[\"']?query\b"
    r"|@(?:RequestParam|QueryParam)\b"
    # ... a repository's or a mapper's query method's bound parameter (Spring Data's and
    # MyBatis's ``@Param("ethnicity")``; not a doc comment's ``@param``)
    r"|(?-i:@Param\()"
    # ... a search engine's query on the field (``{"term": {"ethnicity": e}}``,
    # ``QueryBuilders.termQuery("nation", n)``, elasticsearch-dsl's ``Q("match", race=r)``)
    r"""|["']?\b(?:term|terms|match|match_phrase|prefix|wildcard|fuzzy)["']?\s*:\s*\{"""
    r"|(?-i:\b(?:term|terms|match|matchPhrase|prefix|wildcard|fuzzy)Query\()"
    r"""|\bQ\(\s*["'](?:term|terms|match|match_phrase|prefix|wildcard)["']"""
    # ... the fields a list is filtered or searched by: django-filter's and Django REST
    # framework's ``filterset_fields``, ``search_fields``, the admin's ``list_filter``
    r"|\b(?:filterset_fields|filter_fields|search_fields|list_filter)\b"
    # ... or a filter declared for it (``ethnicity = django_filters.ChoiceFilter(...)``)
    r"|\b(?:django_)?filters\.\w*Filter\("
    # ... or a control that names the operator its value is compared with (``data-action=
    # "like"``, ``data-op="eq"``): a search form's condition
    r"""|\bdata-(?:action|op|operator|query-?type|match)\s*=\s*["'](?:like|eq|equals?|in|contains)["']"""
    r"|\b(?:req|request)\.(?:query|args|GET|query_params)\b"
    # ... a web framework's reading of a query parameter (Gin's and Echo's
    # ``c.Query("nation")``, ``c.QueryParam(``, ThinkPHP's ``input("get.mz")``)
    # (a name, not an SQL statement: ``db.Query("SELECT ...")`` runs one)
    r"""|\b\w+\.(?:Query|DefaultQuery|QueryParam|QueryArray)\(\s*["'][\w.]{1,32}["']"""
    r"""|\binput\(\s*["']get\."""
    # ... a criteria query's condition on a path (JPA's ``cb.equal(root.get("mz"), v)``),
    # a condition appended to a ``$where`` (ThinkPHP's ``$where[] = ["mz", "=", $mz]``)
    r"""|\b\w+\.(?:equal|notEqual|like|in|isMember)\(\s*\w+\.get\(\s*["']"""
    r"""|\$(?:where|condition)\w*\s*\[[^\]\n]*\]\s*="""
    # the criteria object of a search form: ``queryBean.mz``, ``queryParams.nation``,
    # ``searchForm.ethnicity``, ``filterForm.race``
    r"|\b(?:query|search|filter)_?(?:bean|form|params?|condition|criteria|vo|dto)\b"
    # (a word before it: ``advanceQueryParams.ethnic``, ``userSearchForm.race``)
    r"|(?-i:(?<=[a-z])(?:Query|Search|Filter))(?:bean|form|params?|condition|criteria|vo"
    r"|dto)\b"
    # ... or a control whose Enter key runs the search or loads the list
    # (``@keyup.enter.native="handleQuery"``, ``@keyup.enter="getPersonList"``)
    r"""|@keyup\.enter(?:\.native)?\s*=\s*["']\w*(?:search|query|filter|list)"""
    # ... or a member of a filter's object: ``this.screen.filter.NationArr``,
    # ``listQuery.ethnicity``, ``criteria.race``
    r"|\b(?:filters?|criteria|conditions?|list_?query)\.[A-Za-z_]"
    # ... named for what it finds (``name="searchAidNeedPopulationVo.nation.id"``), or a
    # control that is a search's condition (``id="conditionNation"``)
    r"""|(?-i:\b(?:id|name|v-model|ng-model|formControlName)\s*=\s*["']"""
    r"(?:search|query|filter|condition)(?=[A-Z]))",
    re.IGNORECASE,
)
# The words of a search in a name, an attribute or a comment beside a field: the
# patterns of search forms, collections of conditions and comments share them.
_SEARCH_EN = "search|query|filter|criteria|condition"
_SEARCH_ZH = "检索|查询|筛选|过滤|條件|条件"
# A MyBatis dynamic condition's test: ``<if test="nation != null and nation != ''">``.
_MYBATIS_TEST = re.compile(r"<(?:if|when)\s+test\s*=", re.IGNORECASE)
# A class that holds a search's criteria: ``SearchIdleYouthVo``, ``PopulationBaseQueryVo``,
# ``PersonQueryDTO``, ``CaptureFilter`` (not what a search returns, nor the code that runs it).
_CRITERIA_CLASS = re.compile(r"(?:Search|Query|Filter|Condition|Criteria|Cohort)(?![a-z])")
_NOT_CRITERIA = re.compile(
    r"Result|Response|Resp(?![a-z])|History|Log(?![a-z])|Record|Engine|Service|Controller"
    r"|Dao(?![a-z])|Mapper|Impl(?![a-z])|Util|Helper|Handler|Builder|Parser|Test"
)
# the trait's column compared with a bound parameter in a query's condition:
# ``AND D.mzdm = #mzdm#`` (iBATIS), ``and nation = #{nation}`` (MyBatis), ``WHERE race
# = :race``, ``ethnicity IN (?)``: people are retrieved by it; in iBATIS's dynamic
# conditions the AND is an attribute a line above (``<isNotEmpty prepend="and">``) and
# the condition stands alone in its ``<![CDATA[ D.mzdm = #q.mzdm# ]]>``
_SQL_CONDITION = re.compile(
    r"(?:\bwhere\s|\band\s|\bor\s|<!\[CDATA\[\s*)\s*(?P<col>[\w.]+)\s*"
    r"(?:=|<>|!=|\bin\b|\blike\b)\s*\(?\s*"
    # (DB-API's ``%(ethnicity)s`` and ``%s``, T-SQL's ``@ethnicity``)
    r"(?:#\{|#\w|\$\{|\$\d|:\w|\?|concat\s*\(|%\(|%s\b|@(?=\w))",
    re.IGNORECASE,
)
# What stands between a condition's operator and its parameter's name: a MyBatis
# placeholder's opening, ``'%',`` of a concat.
_PARAMETER_BEFORE = re.compile(r"""(?:\s*'%'\s*,)?\s*(?:[#$]\{|%\(|@)?\s*$""")
# An iBATIS dynamic item that joins an UPDATE's SET list (``<isNotNull prepend=","
# property="mzdm"><![CDATA[ mzdm=#mzdm#]]>``): the column is assigned, not compared
_SET_ITEM = re.compile(r"""\bprepend\s*=\s*["']\s*,\s*["']""", re.IGNORECASE)
# the trait as a keyword of a filter call: ``Patient.objects.filter(race=...)``,
# ``query.filter_by(ethnicity=...)``, ``.where(race: ...)``
_FILTER_CALL = re.compile(
    r"\.(?:filter|filter_by|exclude|where|find_by|find_all_by|search)\(\s*"
    # (not pandas's ``df.filter(items=[...])``, ``like=``, ``regex=``: columns chosen)
    r"(?:(?!(?:items|like|regex)\b)[\w.]+\s*=\s*[^,()]+,\s*)*"
    # (a FHIR client's search of a resource type by its parameters: ``client.search(
    # "Patient", {"race": ...})``)
    r"(?:[\"'][A-Z]\w*[\"']\s*,\s*\{\s*)?[\"']?$"
)
QUERY_REACH = 5  # lines after a parameter's name that its declaration spans
# A drop-down's choice of no restriction: only a filter offers one (``<option value="">
# 不限</option>``, ``{label: '全部', value: ''}``, ``<option value="">Any</option>``); a
# form that records a person's trait asks for one of them (请选择, "Select ...")
_ANY_CHOICE = re.compile(
    r"""<option\b[^>]*\bvalue\s*=\s*(?:""|'')[^>]*>\s*(?:-+\s*)?(?:不限|全部|所有|any\b|all\b)"""
    # ... as a page's visible text keeps it (extract/markup.py): its empty value blanked
    r"""|<option\s+(?:-+\s*)?(?:不限|全部|所有|any\b|all\b)"""
    r"""|\b(?:label|text|name)\s*:\s*["'](?:不限|全部|所有)[\u4e00-\u9fff]{0,6}["']\s*,"""
    r"""\s*value\s*:\s*(?:""|''|null\b)""",
    re.IGNORECASE,
)
# A form field's label alone in its element (``<cps:tdLabel>民族：</cps:tdLabel>``,
# ``<th>Race</th>``), or a drop-down opened on the label's line: the field is on the
# lines after it, up to the next label
_LABEL_ELEMENT = re.compile(r"^\s*<(?!option\b)([\w:.-]+)[^<>]*>[^<>]{1,24}</\1>\s*$", re.I)
_OPENS_SELECT = re.compile(r"<select\b", re.IGNORECASE)
# A form item's label attribute: ``<el-form-item label="民族">``, ``<a-form-item label=``.
_FORM_ITEM_LABEL = re.compile(r"<[\w.-]*form-?item\b[^<>]*\blabel\s*=", re.IGNORECASE)
RESOURCE_REACH = 40  # lines back to the ``resourceType`` of the resource a field is in
_RESOURCE_TYPE = re.compile(r'"resourceType"\s*:\s*"(\w+)"')
# The same within a line (a line read alone has no line break to cross).
_RESOURCE_TYPE_IN_LINE = re.compile(r'"resourceType"[^\S\n]*:[^\S\n]*"(\w+)"')


# A column of a data grid or table (jqGrid's ``colModel``, EasyUI's ``columns``, Ant
# Design's, Element's ``<el-table-column>``): its heading and its layout on one line.
_GRID_LAYOUT = re.compile(
    r"\b(?:width|minWidth|align|formatter|sortable|resizable|frozen|fixed|ellipsis|hidedlg)"
    r"\s*[:=]",
    re.IGNORECASE,
)
_GRID_HEADING = re.compile(
    r"\b(?:label|title|header|headerName|caption)\s*[:=]|<(?:el|a|vxe)-table-column\b",
    re.IGNORECASE,
)
# ... unless the column says it is searched by (a filter toolbar's field)
_GRID_SEARCHED = re.compile(
    r"\b(?:search|searchable|filterable|query)\s*[:=]\s*[\"']?true\b|\bstype\b|searchoptions",
    re.IGNORECASE,
)


def _grid_column(doc: Document, hit: Hit) -> bool:
    """The hit names a column a grid of results shows (its heading beside its width,
    alignment or formatter), not one it is searched by: the search words around a
    result list are the list's, the column is what it shows of each person."""
    line = _line_near(doc, hit.line, hit.start)
    return bool(
        _GRID_LAYOUT.search(line) and _GRID_HEADING.search(line) and not _GRID_SEARCHED.search(line)
    )


def _line_near(doc: Document, i: int, pos: int) -> str:
    """Line ``i`` as read for a hit at ``pos``: the stretch of it around ``pos`` when the
    hit stands on it, else its first 2 x LOCAL characters (a minified line is never read
    whole once per hit)."""
    start = doc.line_start(i)
    end = doc.lines.end(i)
    if start <= pos <= end:
        return doc.local_line(i, pos)
    return doc.text[start : min(end, start + 2 * LOCAL)]


def _resource_above(doc: Document, i: int) -> str:
    """The ``resourceType`` of the nearest line above line ``i`` that names one, within
    RESOURCE_REACH lines (read as _line_near reads it), in one lookup; or ""."""
    lines, found = doc.line_head_matches(_RESOURCE_TYPE_IN_LINE, 2 * LOCAL)
    j = bisect.bisect_left(lines, i) - 1
    if j >= 0 and lines[j] > i - RESOURCE_REACH:
        return found[j].group(1)
    return ""


def _query_parameter(doc: Document, hit: Hit, sentence: bool = False) -> str:
    """What makes the trait at ``hit`` a parameter of a query (``race: {type: 'token',
    definition: '.../SearchParameter/us-core-Patient-race'}``; ``name: ethnicity`` with
    ``in: query``; ``req.query.race``; a field of a FHIR ``SearchParameter`` resource,
    its description included), or "": retrieving people by a trait is a search in any
    domain, with or without a camera.  A ``sentence`` counts only in such a resource."""
    m = _searched(_RESOURCE_TYPE, _line_near(doc, hit.line, hit.start))
    kind = m.group(1) if m else ""
    if not kind:
        kind = _resource_above(doc, hit.line)
    if kind == "SearchParameter":
        return "a field of a SearchParameter resource"
    if sentence:
        return _describes_a_parameter(doc, hit)
    line = doc.local_line(hit.line, hit.start)
    m = _searched(_QUERY_PARAM, line)
    if m:
        return m.group(0)
    at = hit.start - doc.local_start(hit.line, hit.start)
    for c in _SQL_CONDITION.finditer(line):
        if _SET_ITEM.search(line, 0, c.start()):
            continue
        if c.start("col") <= at < c.end("col") or (
            # the condition's parameter: ``and nation like concat('%', #{ethnicGroup}``
            c.end() <= at and _PARAMETER_BEFORE.match(line, c.end(), at)
        ):
            return c.group(0).strip()
    if (_searched(_MYBATIS_TEST, line) or _searched(_TESTS_PRESENCE, line)) and (
        guarded := _guarded_condition(doc, hit)
    ):
        # ``<if test="nation != null">`` over or before ``and t1.nation = #{nation}``, or
        # ``if (StringUtils.isNotBlank(skinColor))`` over ``sql.append(" and skin_color
        # = ?")``: the test guards the query's condition on the trait below it
        return guarded
    if finder := _finder_parameter(doc, hit, line):
        return finder
    if handler := _handler_parameter(doc, hit):
        return handler
    if _CRITERIA_PATH.search(doc.text, max(doc.line_start(hit.line), hit.start - 32), hit.start):
        return "a criteria query's path"  # JPA: ``cb.in(root.get("minzu"))``
    if _searched(_ANY_CHOICE, line):
        return "a filter's choice of no restriction"
    if _FIELDS_LIST.match(line) and (owner := _filter_set_above(doc, hit.line)):
        return owner
    return (
        _declared_below(doc, hit.line, line)
        or _tag_opened_above(doc, hit)
        or _option_of_a_query_select(doc, hit)
        or _search_form_above(doc, hit)
        or _search_control_below(doc, hit)
        or _collection_owner(doc, hit)
        or _search_function_argument(doc, hit)
        or _field_marked_searched(doc, hit)
    )


# The fields a class's ``Meta`` lists (``fields = ["ethnicity", "city"]``) ...
_FIELDS_LIST = re.compile(r"^\s*fields\s*=\s*[\[(]")
# ... of a filter set: django-filter's ``class PersonFilter(django_filters.FilterSet):``
_FILTER_SET = re.compile(r"^\s*class\s+\w+\([\w.]*FilterSet\)")
FILTER_SET_REACH = 8  # lines above a ``fields`` list that its class opens within


def _filter_set_above(doc: Document, line: int) -> str:
    """The filter set whose ``Meta.fields`` the line lists: a class of a list's filters
    opened a few lines above (a model form's ``Meta.fields`` records, it does not filter)."""
    for i in range(line - 1, max(-1, line - 1 - FILTER_SET_REACH), -1):
        text = doc.line_text(i)
        if _FILTER_SET.match(text):
            return "a filter set's fields"
        if text.lstrip().startswith("class ") and "Meta" not in text:
            return ""
    return ""


FORM_REACH = 60  # lines above a hit that the form it stands in opens within
_FORM_OPENS = re.compile(r"<(?:el-|a-|van-|n-|q-)?(form|select)(?=[\s>])", re.IGNORECASE)
_FORM_CLOSES = re.compile(r"</(?:el-|a-|van-|n-|q-)?form\s*>", re.IGNORECASE)


def _search_form_above(doc: Document, hit: Hit) -> str:
    """The search form or drop-down the hit's field stands in: the nearest form opened
    above it and not closed since, or a drop-down on the way to it, whose tag names it a
    query's (``<el-form :model="queryParams"``, ``<form id="searchForm"``, ``<select
    id="chartCondition">``).  A page's fields are searched by there, and filled in
    elsewhere (an edit dialog's ``<el-form :model="form"``)."""
    if doc.suffix not in _MARKUP_CODE:
        return ""  # (an HTML page is read as its text: its tags are not in it)
    for i in range(hit.line, max(-1, hit.line - 1 - FORM_REACH), -1):
        text = _line_near(doc, i, -1 if i != hit.line else hit.start)
        if _FORM_CLOSES.search(text):
            return ""
        for m in reversed(list(_FORM_OPENS.finditer(text))):
            tag = _tag_rest(doc, i, text[m.end() :], min(doc.line_count, i + 2))
            q = _SEARCH_FORM.search(tag)
            if q:
                return f"a search form's field ({q.group(0)})"
            if m.group(1).lower() == "form":
                return ""
    return ""


SEARCH_CONTROL_REACH = 100  # lines below a form's field that the form's buttons stand within
# A control that runs a search: a handler called or bound (``onclick="$.table.search()"``,
# ``@click="handleQuery"``, ``ng-click="doSearch()"``), or a button's caption alone in its
# element or on its line (``<button type="submit">查询</button>``, a page's 搜索).  Not a
# lookup named for what it finds (``onclick="querySyrk()"`` 查询实有人口 in a form that adds
# a person): the form's own search runs its list.
_RUNS_SEARCH = r"(?:(?:do|handle|on)_?)?(?i:search|query)(?i:_?(?:list|table|data|grid))?"
_SEARCH_CONTROL = re.compile(
    rf"""(?:^|[\s"'.$=>;]){_RUNS_SEARCH}\s*\(\s*\)"""
    r"""|(?:@click|onclick|ng-click|v-on:click|\(click\))\s*=\s*["']\s*"""
    rf"""(?:[\w$]+\.)*{_RUNS_SEARCH}\s*[("';]"""
    r"""|(?:^|>)(?:\s|&nbsp;)*(?:搜\s*索|查\s*询|检\s*索|(?i:search|query))(?:\s|&nbsp;)*(?:<|$)"""
    # ... or a button's caption as its value (``<input type="button" value="检索" />``)
    r"""|<input\b[^<>]*\bvalue\s*=\s*["'](?:\s|&nbsp;)*(?:搜\s*索|查\s*询|检\s*索"""
    r"""|(?i:search|query|find))(?:\s|&nbsp;)*["']""",
    re.MULTILINE,
)
# ... and one that keeps what the form holds: the form records, it does not search
_SAVE_CONTROL = re.compile(
    r"""(?:^|>)(?:\s|&nbsp;)*(?:保\s*存|提\s*交|确\s*定|(?i:save|submit|ok))(?:\s|&nbsp;)*(?:<|$)"""
    r"""|<input\b[^<>]*\bvalue\s*=\s*["'](?:\s|&nbsp;)*(?:保\s*存|提\s*交|确\s*定"""
    r"""|(?i:save|submit|ok))(?:\s|&nbsp;)*["']"""
    r"""|[\w$.]*(?i:save|submit)\w*\s*\(|</?(?:el-|a-|van-|n-|q-)?form\b""",
    re.MULTILINE,
)


def _search_control_below(doc: Document, hit: Hit) -> str:
    """The search button of the form the hit's field stands in: a control that runs a
    search, below the field and before the form ends or a control saves it (a list
    page's ``<label>民族：</label><input name="nation"/>`` over ``onclick="$.table.
    search()"``, whatever the form is called).  The fields above a search button are its
    conditions; those above a save button are a record's.  Only a form's field counts:
    a page's control beside it, or a page's code with a control on the field's line or
    the next."""
    if doc.is_prose:
        if _form_control(doc, hit) is None:
            return ""
    elif doc.suffix not in _MARKUP_CODE or not any(
        # (a label's cell, its control in the next; a control's attributes run over
        # to the line after its tag)
        _FORM_CONTROL_CODE.search(_line_near(doc, i, hit.start if i == hit.line else -1))
        for i in range(max(0, hit.line - 1), min(doc.line_count, hit.line + 2))
    ):
        return ""
    for i in range(hit.line + 1, min(doc.line_count, hit.line + 1 + SEARCH_CONTROL_REACH)):
        text = _line_near(doc, i, -1)
        if _SAVE_CONTROL.search(text):
            return ""
        if m := _SEARCH_CONTROL.search(text):
            return f"a search form's field (its button: {m.group(0).strip(' >&nbsp;')})"
    return ""


# A form's control in a page's code: ``<input``, ``<el-select``, ``<a-input``.
_FORM_CONTROL_CODE = re.compile(
    r"<(?:[\w]+-)?(?:input|select|textarea|date-picker|cascader|radio-group)\b", re.IGNORECASE
)


def _tag_rest(doc: Document, i: int, rest: str, until: int) -> str:
    """The attributes of a tag opened on line ``i`` (``rest``: the line after its name),
    read on over the lines before ``until`` to the tag's ``>``."""
    j = i
    while ">" not in rest and j + 1 < until:
        j += 1
        rest += " " + _line_near(doc, j, -1)
    return rest[: rest.find(">")] if ">" in rest else rest


# A form's attribute that names it a search's: ``:model="queryParams"``,
# ``id="residentSearchForm"``, ``ref="queryForm"``, ``action="/person/search"``.
_SEARCH_FORM = re.compile(
    r"""(?:\b|:)(?:id|name|ref|class|model|action)\s*=\s*["'][^"']*?"""
    rf"(?i:{_SEARCH_EN})"
)
_MARKUP_CODE = frozenset(
    {".vue", ".jsx", ".tsx", ".jsp", ".php", ".tpl", ".ftl", ".cshtml", ".erb"}
)
# Pages, as code or as text: what a screen shows and asks, each form and list apart.
PAGE_SUFFIXES = _MARKUP_CODE | _PAGE_SUFFIXES


TAG_REACH = 8  # lines above a hit that an element's opening tag, its attributes apart, spans
_TAG_OPENS = re.compile(r"<[A-Za-z][\w.-]*(?=\s|$)")


_OPTION_TAG = re.compile(r"<(?:[\w-]+-)?option\b", re.IGNORECASE)
_SELECT_TAG = re.compile(r"<(?:[\w-]+-)?select\b", re.IGNORECASE)


def _option_of_a_query_select(doc: Document, hit: Hit) -> str:
    """The query parameter a drop-down is bound to, when the hit stands in one of its
    options (``<el-option v-for="item in options.ethnic"`` under ``<el-select
    v-model="advanceQueryParams.ethnic">``); or "" (always, in a text without a tag)."""
    if not doc.holds_tags:
        return ""
    option = None
    for i in range(hit.line, max(-1, hit.line - TAG_REACH), -1):
        text = _line_near(doc, i, -1 if i != hit.line else hit.start)
        if _OPTION_TAG.search(text):
            option = i
            break
        if i != hit.line and ">" in text:
            return ""
    if option is None:
        return ""
    for i in range(option - 1, max(-1, option - 1 - TAG_REACH), -1):
        text = _line_near(doc, i, -1)
        if m := _SELECT_TAG.search(text):
            q = _searched(_QUERY_PARAM, _tag_rest(doc, i, text[m.end() :], option))
            return f"{m.group(0)} {q.group(0)}" if q else ""
    return ""


def _tag_opened_above(doc: Document, hit: Hit) -> str:
    """A query parameter among the attributes of the element whose opening tag the hit's
    line continues (``<el-select v-model="queryParams.political"`` over
    ``placeholder="请选择政治面貌"``): the control the attribute belongs to is a search's
    condition.  "" when the line is no attribute of a tag opened above (no line of a
    text without a tag is)."""
    if hit.in_comment or not doc.holds_tags:
        return ""
    if 0 <= _first_on_line(doc, hit.line, ">") < hit.start:
        return ""  # the hit stands after a tag's end: element text, not an attribute
    for i in range(hit.line - 1, max(-1, hit.line - 1 - TAG_REACH), -1):
        text = _line_near(doc, i, -1)
        tags = list(_TAG_OPENS.finditer(text))
        if tags:
            opened = tags[-1]
            if ">" in text[opened.end() :]:
                return ""  # closed on its own line: the hit's line is not within it
            m = _searched(_QUERY_PARAM, text[opened.end() :])
            if m is None:
                for j in range(i + 1, hit.line):
                    m = _searched(_QUERY_PARAM, _line_near(doc, j, -1))
                    if m:
                        break
            # ... and the tag's attributes after the hit's line, to its end
            j = hit.line
            while m is None and j + 1 < min(doc.line_count, hit.line + TAG_REACH):
                j += 1
                after = _line_near(doc, j, -1)
                end = after.find(">")
                m = _searched(_QUERY_PARAM, after if end < 0 else after[:end])
                if end >= 0:
                    break
            return f"{opened.group(0)} {m.group(0)}" if m else ""
        if ">" in text:
            return ""
    return ""


# The key of a declaration's description: ``description: 'Returns patients with a race
# extension matching the specified code.'``
_DESCRIPTION_KEY = re.compile(
    r"""^\s*["']?(?:description|desc|summary|help)["']?\s*[:=]""", re.IGNORECASE
)


def _describes_a_parameter(doc: Document, hit: Hit) -> str:
    """The query parameter whose declaration the sentence at ``hit`` is the description
    of (``definition: '.../SearchParameter/us-core-Patient-race'`` a line above it, in
    the same object): the sentence says what people the parameter finds.  Or ""."""
    if doc.is_prose or not _DESCRIPTION_KEY.match(doc.local_line(hit.line, hit.start)):
        return ""
    for i in range(hit.line - 1, max(-1, hit.line - 1 - QUERY_REACH), -1):
        text = _line_near(doc, i, -1)
        if m := _searched(_QUERY_PARAM, text):
            return f"the description of a query parameter ({m.group(0)})"
        if text.rstrip().endswith(("{", "(", "[")) or text.strip().startswith(("}", ")", "]")):
            return ""  # the object's head, or the end of one before: not its declaration
    return ""


# A test that a value was given, in code: ``if (StringUtils.isNotBlank(race))``,
# ``if (nation != null && !"".equals(nation))``, ``if params.get("race"):``.
_TESTS_PRESENCE = re.compile(r"^\s*(?:\}\s*)?(?:else\s+)?(?:if|elif)\b\s*\(?", re.IGNORECASE)
# A condition added to a query being built: an SQL fragment's comparison, or a call of a
# criteria or query builder with the column's name (``query.addEqualCriteria("RACE",
# race)``, ``wrapper.eq("nation", nation)``, ``Restrictions.eq("race", race)``, PHP's
# ``$query->where('ethnicity', ...)``).
_CRITERIA_CALL = re.compile(
    r"""(?:\.|->)(?:\w*criteria\w*|eq|ne|like|in|and_?equal_?to|and_?like|term|terms|term_?query"""
    r"""|match_?query|must|where|filter)\(\s*["']?(?P<col>[\w.]+)""",
    re.IGNORECASE,
)
GUARD_REACH = 2  # lines below a test that the condition it guards stands on
# A path of a JPA criteria query: ``root.get("minzu")``, ``join.get("nation")``.
_CRITERIA_PATH = re.compile(r"""\b(?:root|join|from)\.get\(\s*["']$""")
# A function that finds people by its parameters: ``findCaptures(String deviceId, String
# skinColor)``, ``search_residents(nation=None)``, ``listByNation(nation)``, ``queryPerson``.
_FINDER = re.compile(r"^(?:find|search|query|filter|lookup|list)(?:[A-Z_]|$)|By[A-Z]|_by_")
# A statement that adds a condition on a column to a query, in the query builders of the
# field: MyBatis-Plus's wrappers (``wrapper.eq(StringUtils.isNotBlank(mz), "mz", mz)``,
# ``lqw.like(..., Resident::getMz, ...)``; not a test's ``expect(x).to.eq(...)``),
# Elasticsearch's ``QueryBuilders.termQuery("nation", ...)``, Spring Data MongoDB's
# ``Criteria.where("ethnicity")``, a derived query's name (``findByNation(``,
# ``countByReligion(``), ThinkPHP's ``$where['mz'] =`` and ``->where('mz', ...)``, and an
# SQL condition pasted into a string (``sql += " and nation = '" + nation``).
_CONDITION_CODE = re.compile(
    r"(?<!\bto)\.(?:eq|ne|like|likeLeft|likeRight|notLike|in|notIn)\(\s*"
    r"(?:[^,()]*(?:\((?:[^()]|\([^()]*\))*\))?[^,()]*,\s*)?(?:[\"']|\w+::)"
    r"|\bQueryBuilders\.\w+Query\(|\b(?:term|terms|match|matchPhrase|wildcard|prefix|fuzzy)"
    r"Query\(\s*[\"']|\bCriteria\.where\("
    r"|\$(?:where|map|condition|conditions|filter)\[\s*[\"'][\w.]+[\"']\s*\]\s*="
    r"|->where\(\s*[\"']"
    r"|[\"']\s*(?:and|or|where)\s+[\w.]+\s*(?:=|like|in)\s*\(?\s*'?%?\s*[\"']\s*\+",
    re.IGNORECASE,
)


# A derived query's name (Spring Data's ``findByNation(``, ``countByReligion(``): what it
# finds by; a lookup by an id or a key (``ButterKnife.findById(``) finds no one by a trait.
_DERIVED_QUERY = re.compile(
    r"\b(?:find|count|query|search|exists|stream)(?:All|Distinct|First\d*|Top\d*)?By"
    r"(?!(?:Id|Ids|Uuid|Key|Pk|No|Code)\b)([A-Z]\w*)\("
)


def _condition_on_line(doc: Document, hit: Hit) -> str:
    """The statement of a query builder that makes the hit a condition of a query: the
    hit in its call or after it on its line, or in the comment after it (``// 民族``
    names the column the statement filters by); or "".  A comment on a line of its
    own names no statement."""
    if doc.is_prose or doc.is_data or doc.comment_lines[hit.line]:
        return ""
    start = doc.line_start(hit.line)
    m = _CONDITION_CODE.search(doc.text, max(start, hit.start - 160), hit.start)
    if m is None:
        # the finder named for the trait, the hit in its name or in the comment after it
        m = _derived_query(doc, hit.line, start)
        if m is None or not (
            m.start(1) <= hit.start < m.end(1) or (hit.in_comment and m.end() <= hit.start)
        ):
            return ""
    return f"a query's condition ({m.group(0).strip()})"


def _derived_query(doc: Document, i: int, start: int) -> re.Match[str] | None:
    """``_DERIVED_QUERY.search`` of line ``i`` (starting at ``start``) whole: the line's
    first derived query, searched once a line where the hits share their work (each hit
    of a minified line searched all of it, the hits of a line in the square of its
    length)."""
    work = _shared_work(doc)
    got = work.derived_queries.get(i, _UNDECIDED)
    if got is _UNDECIDED:
        got = work.derived_queries[i] = _DERIVED_QUERY.search(doc.text, start, doc.lines.end(i))
    return got  # type: ignore[return-value]


def _in_parentheses(doc: Document, line: int, pos: int) -> bool:
    """Does ``pos`` stand after the first ``(`` of ``line`` with no ``)`` between?"""
    opens = _first_on_line(doc, line, "(")
    return 0 <= opens < pos and not 0 <= _first_on_line(doc, line, ")", opens) < pos


# A web handler that answers a GET: Spring's ``@GetMapping``, ``@RequestMapping`` (no
# POST's method); a handler that writes does not search (``saveResident``, ``addPerson``)
_READ_MAPPING = re.compile(r"@(?:GetMapping|RequestMapping)\b(?![^\n]*RequestMethod\.POST)")
_WRITES = re.compile(
    r"^(?:save|add|insert|update|edit|modify|create|submit|delete|del|remove"
    r"|import|upload|register|set)",
    re.IGNORECASE,
)
_PLAIN_PARAMETER = re.compile(r"(?:String|Integer|Long|int|long|List<String>|String\[\])\s+$")
HANDLER_REACH = 4  # lines above a handler's signature that its mapping stands within


def _handler_parameter(doc: Document, hit: Hit) -> str:
    """The GET handler whose plain parameter the hit is (``@RequestMapping("list")``
    over ``public AjaxResult persons(String name, String ethnicGroup)``: Spring binds
    each to the request's query parameter of its name), or ""."""
    if hit.in_comment or doc.suffix not in (".java", ".kt"):
        return ""
    start = doc.line_start(hit.line)
    if not _PLAIN_PARAMETER.search(doc.text, max(start, hit.start - 24), hit.start):
        return ""
    name = doc.definition_at(hit.line)
    if not name or _WRITES.match(name) or not _in_parentheses(doc, hit.line, hit.start):
        return ""
    for i in range(hit.line - 1, max(-1, hit.line - 1 - HANDLER_REACH), -1):
        text = doc.line_text(i).strip()
        if _READ_MAPPING.search(text):
            return f"a parameter of the request handler {name}()"
        if text and not text.startswith(("@", "//", "/*", "*")):
            return ""
    return ""


def _finder_parameter(doc: Document, hit: Hit, line: str) -> str:
    """The finding function whose parameter the hit is, on the line that defines it
    (the hit between its parentheses), or on a line of its parameters below (``int
    nation, int pageNum, int pageSize) {`` under ``selectByOther(String userName,``);
    or ""."""
    if hit.in_comment or doc.is_prose or doc.is_data:
        return ""
    name = doc.definition_at(hit.line)
    if name:
        if not _FINDER.search(name) or not _in_parentheses(doc, hit.line, hit.start):
            return ""
        return f"a parameter of {name}()"
    head = _signature_around(doc, hit.line, hit.start)
    if head is None or not _finds(*head):
        return ""
    return f"a parameter of {head[0]}()"


_CLASS_HEAD = re.compile(r"\b(?:class|interface)\b")
SIGNATURE_LINES = 4  # lines a function's head (its name, its parameters) may run over
FINDER_BODY_REACH = 80  # lines of a function's body above a hit that its head stands within
# A function that lists people a page at a time: its parameters hold a page's number or
# size (``int pageNum, int pageSize``, ``page, limit``, ``offset``, ``per_page``)
_PAGE_PARAMETER = re.compile(
    r"(?i)\b(?:page_?(?:no|num|number|index|size)?|limit|per_?page|offset|current)\b"
    r"|(?<=[a-z])(?:PageNum|PageSize|PageNo)\b"
)
_PARAMETER_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:[:=][^,()]*)?(?=\s*[,)])")


def _parameters(doc: Document, first: int) -> tuple[str, int] | None:
    """The parameter list of the definition on line ``first`` (between its first ``(``
    and the ``)`` that closes it, read over at most SIGNATURE_LINES lines), and the
    offset in the text where it closes (-1: not closed there); None if it opens no
    list."""
    start = doc.line_start(first)
    end = doc.lines.end(min(doc.line_count - 1, first + SIGNATURE_LINES - 1))
    end = min(end, start + 4 * LOCAL)  # (a head is short: a minified line is read no further)
    opens = doc.text.find("(", start, end)
    if opens < 0:
        return None
    depth = 0
    for i in range(opens, end):
        c = doc.text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return doc.text[opens + 1 : i], i
    return doc.text[opens + 1 : end], -1


def _signature_around(doc: Document, line: int, pos: int) -> tuple[str, str] | None:
    """The definition whose parameter list, begun on a line above, is still open at
    ``pos`` on ``line``: its name and its parameters; None otherwise."""
    for first in range(line - 1, max(-1, line - SIGNATURE_LINES), -1):
        if doc.is_long(first):
            return None
        name = doc.definition_at(first)
        if not name:
            text = doc.line_text(first)
            if ";" in text or "{" in text:
                return None
            continue
        got = _parameters(doc, first)
        if got is None or 0 <= got[1] < pos:
            return None  # closed before the hit: the hit is no parameter of it
        return name, got[0]
    return None


def _finds(name: str, params: str) -> bool:
    """Does a function of this name and these parameters find people: named for it
    (``findByNation``, ``selectByOther``, ``searchResidents``), or taking a page's
    number or size (``getList(String nation, int page, int limit)``)?"""
    if _WRITES.match(name):
        return False
    return _named_for_finding(name) or bool(_PAGE_PARAMETER.search(params))


def _named_for_finding(name: str) -> bool:
    """``findByNation``, ``selectByOther``, ``searchResidents``, ``filter_data``."""
    return bool(_FINDER.search(name) or _SEARCH_FUNCTION.search(name))


def _head_above(doc: Document, line: int) -> int:
    """The line of the definition whose body ``line`` stands in (braces counted back to
    the one left open, a block's ``if (...) {`` passed over; in Python, the first
    ``def`` indented less), or -1 (none within FINDER_BODY_REACH lines, a class's, or a
    long line of minified code on the way).  Once a line: its hits share it."""
    heads = _shared_work(doc).heads_above
    got = heads.get(line)
    if got is None:
        above = heads.get(line - 1)
        if (
            above is not None
            # (a head the walk above found at its last line is out of this one's reach)
            and (above[0] < 0 or above[1] > line - FINDER_BODY_REACH)
            and _passes_over(doc, line)
        ):
            got = above  # the line above walks the same way, from one line further up
        else:
            got = _find_head_above(doc, line)
        heads[line] = got
    return got[0]


def _passes_over(doc: Document, line: int) -> bool:
    """Does the walk of ``_find_head_above`` from ``line`` pass over the line above it
    as if it began there: both short, and that line opens or closes no block (as many
    braces of each), or in Python stands at the same indent?"""
    if line == 0 or doc.is_long(line) or doc.is_long(line - 1):
        return False
    above = doc.line_text(line - 1)
    if doc.suffix in PY_LIKE:
        text = doc.line_text(line)
        level = len(above) - len(above.lstrip())
        return bool(above.strip()) and level == len(text) - len(text.lstrip())
    return above.count("}") == above.count("{")


def _find_head_above(doc: Document, line: int) -> tuple[int, int]:
    """``_head_above``'s head, and the line the walk stopped at (-1: it found none)."""
    if doc.is_long(line):
        return -1, -1
    lo = max(-1, line - FINDER_BODY_REACH)
    if doc.suffix in PY_LIKE:
        text = doc.line_text(line)
        indent = len(text) - len(text.lstrip())
        for i in range(line - 1, lo, -1):
            if doc.is_long(i):
                return -1, -1
            above = doc.line_text(i)
            if not above.strip():
                continue
            level = len(above) - len(above.lstrip())
            if level >= indent:
                continue
            if above.lstrip().startswith(("def ", "async def ")):
                return i, i
            if above.lstrip().startswith("class "):
                return -1, -1
            indent = level
        return -1, -1
    depth = 0
    for i in range(line - 1, lo, -1):
        if doc.is_long(i):
            return -1, -1
        text = doc.line_text(i)
        depth += text.count("}") - text.count("{")
        if depth >= 0:
            continue
        for j in range(i, max(-1, i - SIGNATURE_LINES), -1):
            if name := doc.definition_at(j):
                if name in _NOT_A_FUNCTION or _CLASS_HEAD.search(doc.line_text(j)):
                    return -1, -1
                return j, i
            if j < i and ("{" in doc.line_text(j) or ";" in doc.line_text(j)):
                break
        depth = 0  # a block's brace (``if (nation != 0) {``): go on to the function's
    return -1, -1


# A call's arguments up to a bare one, and the name of the function called: ``filter_data(``
# ``df, None, races``
_ARGUMENTS_UP_TO = re.compile(r"\s*(?:[^()\n]*,\s*)?(?:\w+\s*=\s*)?[\w$.]*")
_CALLEE = re.compile(r"([A-Za-z_$][\w$]*)$")
# A lookup of one thing by its key, not of people: ``findViewById``, ``getById``,
# ``queryCodeByName`` (a code list's code for a label), ``selectDictByType``
_LOOKS_UP_ONE = re.compile(r"By(?:Id|Ids|Key|Name|Code|Type)$|Code|Dict|View")
# ... an Android resource's id handed to it (``R.id.person_nation_edt``)
_RESOURCE_ID = re.compile(r"\bR\.id\.")
# Python's and JavaScript's own ``list(...)`` and ``filter(fn, items)`` find no one
_BUILTIN_CALLS = frozenset({"list", "filter"})


def _passed_to_a_finder(doc: Document, hit: Hit) -> str:
    """The function named for finding or filtering (``filter_data``, ``searchResidents``,
    ``findByNation``) that a call hands the trait to as a bare argument (``filter_data(df,
    None, races, ethnicity)``), or "": the value is what people are found by."""
    if hit.in_comment or doc.is_prose or doc.is_data or doc.is_long(hit.line):
        return ""
    if doc.definition_at(hit.line):
        return ""
    start = doc.line_start(hit.line)
    opens = doc.text.rfind("(", max(start, hit.start - 120), hit.start)
    if opens < 0 or not _ARGUMENTS_UP_TO.fullmatch(doc.text, opens + 1, hit.start):
        return ""
    m = _CALLEE.search(doc.text, max(start, opens - 64), opens)
    if m is None:
        return ""
    name = m.group(1)
    if name in _BUILTIN_CALLS or name in _NOT_A_FUNCTION or _WRITES.match(name):
        return ""
    if _LOOKS_UP_ONE.search(name) or _RESOURCE_ID.search(doc.text, opens, hit.start):
        return ""  # ``findById(v, R.id.person_nation)``, ``queryCodeByName("nation", ...)``
    if not _named_for_finding(name):
        return ""
    return f"an argument of {name}(), which finds people by it"


def _finder_body(doc: Document, hit: Hit) -> str:
    """The finding function whose body the hit stands in, when it takes the trait as a
    parameter (``selectByOther(String userName, String idCard, int nation, int pageNum,
    int pageSize)`` over ``if (nation != 0) {`` and its ``//民族不为空``): in a function
    that finds people, its parameter of the trait, and what the body does with it, is
    what they are found by.  The words of the trait are the hit's own, or for a comment
    the trait's words in code about it.  "" otherwise."""
    if doc.is_prose or doc.is_data:
        return ""
    head = _head_above(doc, hit.line)
    if head < 0:
        return ""
    work = _shared_work(doc)
    if head not in work.head_signatures:
        name = doc.definition_at(head) or ""
        got = _parameters(doc, head)
        work.head_signatures[head] = (name, got[0]) if name and got is not None else None
    signature = work.head_signatures[head]
    if signature is None:
        return ""
    name, params = signature
    if _WRITES.match(name) or _SHOWS.search(name):
        return ""  # (what a search found, shown or exported: the trait shown, a record)
    criteria = next(
        (
            t
            for t in _TYPE_NAME.findall(params)
            if _CRITERIA_CLASS.search(t) and not _NOT_CRITERIA.search(t)
        ),
        "",
    )
    if criteria:
        # ``run_select(cohort_definition: CohortDefinition)``: given a search's criteria,
        # the function's uses of the trait are the search's
        return f"a condition of {name}(), given the criteria {criteria}"
    if _FILTERS.search(name):
        # ``_apply_breakdown_filter(df, breakdown)``: a function that filters or searches
        # records, whatever its parameters, works on them by what its body names
        return f"a condition of {name}(), which filters people's records"
    if not _finds(name, params):
        return ""
    words = list(hit.trait_words_near) if hit.in_comment else [doc.text[hit.start : hit.end]]
    names = [m.group(1).lower() for m in _PARAMETER_NAME.finditer(params)]
    if any(w.lower() in n for w in words if w.isascii() for n in names):
        return f"a condition of {name}(), which finds people by it"
    return ""


_TYPE_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*")
# A function named for filtering or searching records (``apply_breakdown_filter``,
# ``searchResidents``); not one that fetches a record (``queryById``), nor one that
# shows what a search found (``showSearchResults``, ``onSearchDone``: the trait shown,
# not searched by; ``_SHOWS``, asked first)
_FILTERS = re.compile(r"(?i:search|filter)")
_SHOWS = re.compile(r"(?i:result|show|render|display|done|download|export)|Res(?![a-z])")


# The head of a function in a script: ``function doQuery(){``, ``searchList: function()
# {``, ``const onSearch = async () => {``, ``handleQuery() {`` (a class's or object's
# method).
_FUNCTION_HEAD = re.compile(
    r"\bfunction\s+(?P<a>[A-Za-z_$][\w$]*)\s*\("
    r"|(?P<b>[A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s+)?(?:function\b|\([^()]*\)\s*=>)"
    r"|^\s*(?:async\s+)?(?P<c>[A-Za-z_$][\w$]*)\s*\([^()]*\)\s*\{"
    r"|\bfunction\s*\(|=>\s*\{\s*$"  # an anonymous one: a callback's
)
_NOT_A_FUNCTION = frozenset({"if", "for", "while", "switch", "catch", "with", "return"})
# A function whose name says it runs a search: ``doQuery``, ``searchResidents``,
# ``handleFilter``, ``btnSearch_click``.
_SEARCH_FUNCTION = re.compile(r"(?i:search|query|filter)")
# A call's object argument opened at a line's end: ``datagrid('load', {``, ``$.post(url,
# {``, ``load({``.
_ARGUMENT_OPENS = re.compile(r"[(,]\s*\{[^{}\[\]]*$")
_PROPERTY_OPENS = re.compile(r"""^\s*["']?[A-Za-z_$][\w$]*["']?\s*:\s*\{\s*$""")
# A value taken from a row or a response: what a search returned, shown (``race:
# row.race``, ``nation: res.data.nation``).
_READS_A_ROW = re.compile(
    r"[:=]\s*(?:row|item|record|result|res|resp|response|data|r|d|o|obj|entry)(?:\[\w+\])?\."
)
# A form control's value read in a script: ``$("#mzdm").val()``, ``.value``,
# ``getValue()``, ``combobox('getValue')``.
_VALUE_READ = re.compile(r"\.val\(\)|\.value\b|getValue\b|\('getValues?'\)")
FUNCTION_REACH = 40  # lines up to the head of the function a hit stands in


def _enclosing_function(doc: Document, line: int, depth: int = 0) -> str:
    """The name of the script function whose body line ``line`` stands in (the nearest
    head whose brace the line is within, ``depth`` braces already open above it), or ""
    (an anonymous one, none within FUNCTION_REACH lines, a class or a block)."""
    for i in range(line, max(-1, line - FUNCTION_REACH), -1):
        text = _line_near(doc, i, -1)
        if i != line:
            depth += text.count("}") - text.count("{")
        if depth >= 0:
            continue
        m = _FUNCTION_HEAD.search(text)
        name = (m.group("a") or m.group("b") or m.group("c") or "") if m else ""
        if m is None or name in _NOT_A_FUNCTION:
            if re.search(r"\b(?:class|interface)\b", text):
                return ""
            depth = 0  # a block's brace (``if (...) {``): go on to the function's
            continue
        return name
    return ""


# A field's definition that says it is searched by: ``isFilter: true``, ``searchable:
# true``, ``query: true``, ``isSearch: true``.
_FIELD_SEARCHED = re.compile(
    r"\b(?:is_?)?(?:filter|search|query)(?:able)?\s*[:=]\s*[\"']?true\b", re.IGNORECASE
)
FIELD_REACH = 8  # lines each side of a hit that the object defining its field spans


def _braces_before(doc: Document, hit: Hit) -> int:
    """The braces opened less those closed on the hit's line before it, counted on from
    the last hit of that line asked about (as ``_nesting_before`` counts)."""
    work = _shared_work(doc)
    got = work.braces.get(hit.line)
    lo, depth = got if got is not None and got[0] <= hit.start else (doc.line_start(hit.line), 0)
    depth += _braces(doc.text, lo, hit.start)
    work.braces[hit.line] = (hit.start, depth)
    return depth


def _braces(text: str, lo: int, hi: int) -> int:
    return text.count("{", lo, hi) - text.count("}", lo, hi)


def _field_marked_searched(doc: Document, hit: Hit) -> str:
    """The flag of the object literal that defines the hit's field as one its list is
    filtered by (``{ label: '民族', prop: 'nation', isFilter: true, options: [...] }``),
    read from the object's opening brace to its closing one; or ""."""
    if doc.is_prose or doc.is_data or hit.in_comment:
        return ""
    depth, first = 0, None
    for i in range(hit.line, max(-1, hit.line - FIELD_REACH), -1):
        # (on the hit's own line, what opens before the hit)
        if i == hit.line:
            depth -= _braces_before(doc, hit)
        else:
            text = _line_near(doc, i, -1)
            depth -= text.count("{") - text.count("}")
        if depth < 0:
            first = i
            break
    if first is None:
        return ""
    depth = 0
    for i in range(first, min(doc.line_count, hit.line + FIELD_REACH)):
        text = _line_near(doc, i, -1)
        if i == first:
            text = text[text.rfind("{") :]
        if m := _FIELD_SEARCHED.search(text):
            return m.group(0)
        depth += text.count("{") - text.count("}")
        if depth <= 0 and i > first:
            return ""
    return ""


def _search_function_argument(doc: Document, hit: Hit) -> str:
    """The search function that passes the hit's field as a condition: a member of an
    object handed to a call (``$('#grid').datagrid('load', {'mzdm': nation})``), or a
    form control's value read (``var nation = $("#mzdm").val();``), in a function named
    for a search (``doQuery``).  The same object built in ``loadDetail`` fills a form;
    a grid's column (``colModel: [{ label: '民族', name: 'nation' }]``) is no condition."""
    if doc.is_prose or doc.is_data or doc.suffix in PY_LIKE or hit.in_comment:
        return ""
    line = _line_near(doc, hit.line, hit.start)
    start = hit.line
    if not _VALUE_READ.search(line):
        if _READS_A_ROW.search(line):
            return ""
        opener = _argument_opener(doc, hit)
        if opener is None:
            return ""
        start = opener
    name = _enclosing_function(doc, start)
    if name and _SEARCH_FUNCTION.search(name):
        return f"a condition passed by {name}()"
    return ""


def _nesting(text: str) -> int:
    return text.count("{") + text.count("[") - text.count("}") - text.count("]")


def _nesting_before(doc: Document, hit: Hit) -> int:
    """``_nesting`` of the hit's line up to the hit, counted on from the last hit of
    that line asked about (the count adds up over a line's parts): a minified line's
    hits each count their stretch, not the line again from its start."""
    work = _shared_work(doc)
    got = work.nesting.get(hit.line)
    if got is not None and got[0] <= hit.start:
        depth = got[1] + _nesting(doc.text[got[0] : hit.start])
    else:
        depth = _nesting(doc.text[doc.line_start(hit.line) : hit.start])
    work.nesting[hit.line] = (hit.start, depth)
    return depth


# The last bracket or brace of a text, and what follows it to the end (none of them).
_LAST_BRACKET = re.compile(r"[{}\[\]][^{}\[\]]*\Z")


def _argument_opens(text: str, lo: int, hi: int) -> bool:
    """``_ARGUMENT_OPENS.search(text[lo:hi])``, read back from ``hi`` only as far as
    the last bracket or brace: it is a brace, and before it, past blanks, a ``(`` or
    a ``,`` (a minified line's prefix up to a hit is the line up to there)."""
    step = 64
    while True:
        a = max(lo, hi - step)
        m = _LAST_BRACKET.search(text, a, hi)
        if m is not None or a == lo:
            break
        step *= 4
    if m is None or text[m.start()] != "{":
        return False
    j = m.start() - 1
    while j >= lo and text[j].isspace():
        j -= 1
    return j >= lo and text[j] in "(,"


def _argument_opener(doc: Document, hit: Hit) -> int | None:
    """The line that opens the object literal the hit is a member of, when that object
    (or the one a ``params: {`` of it stands in) is a call's argument; else None."""
    if _nesting_before(doc, hit) > 0:  # opened on its own line: ``load({'mzdm': nation})``
        opens = _argument_opens(doc.text, doc.line_start(hit.line), hit.start)
        return hit.line if opens else None
    i = hit.line
    for _ in range(2):  # (the object, or the one a ``params: {`` of it stands in)
        found = _opener_above(doc, i, hit.line - COLLECTION_REACH)
        if found is None:
            return None
        i = found
        text = _line_near(doc, i, -1)
        if text.strip() == "{" and i > 0:  # the brace alone, the call on the line above
            text = _line_near(doc, i - 1, -1).rstrip() + " {"
        if _ARGUMENT_OPENS.search(text):
            return i
        if not _PROPERTY_OPENS.search(text):  # ``params: {`` in the call's argument
            return None
    return None


def _opener_above(doc: Document, line: int, lowest: int) -> int | None:
    """The nearest line above ``line`` (down to ``lowest``, exclusive) that opens the
    bracket or brace ``line`` stands in, left open by the lines between; or None.  Read
    once for a line and a reach (the lines above are read as _line_near reads a line
    without the hit: the same for every hit of ``line``)."""
    openers = _shared_work(doc).openers
    got = openers.get((line, lowest), _UNDECIDED)
    if got is _UNDECIDED:
        got = openers[(line, lowest)] = _opener_of(doc, line, lowest)
    return got  # type: ignore[return-value]


def _opener_of(doc: Document, line: int, lowest: int) -> int | None:
    """``_opener_above``, read."""
    depth = 0
    for i in range(line - 1, max(-1, lowest), -1):
        depth -= _nesting(_line_near(doc, i, -1))
        if depth < 0:
            return i
    return None


def _guarded_condition(doc: Document, hit: Hit) -> str:
    """The query condition on the trait's column that the test on the hit's line
    guards, after the test on its line (``<if test="skinColor != null">and skin_color
    = #{skinColor}</if>``) or on one of the GUARD_REACH lines below it; or ""."""
    term = re.sub(r"[\W_]", "", doc.text[hit.start : hit.end].lower())
    for i in range(hit.line, min(doc.line_count, hit.line + 1 + GUARD_REACH)):
        below = _line_near(doc, i, -1) if i != hit.line else doc.text[hit.end : doc.lines.end(i)]
        for pattern in (_SQL_CONDITION, _CRITERIA_CALL):
            for c in pattern.finditer(below):
                # the column, or the parameter it is compared with (``and nation like
                # concat('%', #{ethnicGroup}, '%')`` under a test of ``ethnicGroup``)
                named = c.group("col") + " " + below[c.end() : c.end() + 40]
                if term and term in re.sub(r"[\W_]", "", named.lower()):
                    return c.group(0).strip()
    return ""


# A data app's selection control (Streamlit's ``st.multiselect("Race", ...)`` and
# ``col.selectbox``, Dash's ``dcc.Dropdown``, Shiny's ``selectInput("race", ...)`` and
# ``ui.input_select``, ipywidgets', Panel's and Gradio's drop-downs and check boxes):
# group ``multi`` when it offers several choices at once.
_SELECTION_CONTROL = re.compile(
    r"(?:\bst|\bsidebar|\b\w+)\.(?:(?P<multi>multiselect)|selectbox|select_slider)\("
    r"|\b(?:st|sidebar)\.(?:radio|pills|segmented_control)\("
    r"|\bdcc\.(?:(?P<multi2>Checklist)|Dropdown|RadioItems)\("
    r"|\b(?:(?P<multi3>checkboxGroupInput|input_checkbox_group)|selectInput|selectizeInput"
    r"|pickerInput|radioButtons|input_select|input_selectize|input_radio_buttons)\("
    r"|\b(?:widgets|pn\.widgets|gr)\.(?:(?P<multi4>SelectMultiple|MultiSelect|MultiChoice"
    r"|CheckboxGroup|CheckBoxGroup)|Dropdown|Select|RadioButtons|ToggleButtons|Radio)\("
)
_MULTI_GROUPS = ("multi", "multi2", "multi3", "multi4")
# ... made to take several choices by an argument (``multi=True``, ``multiple = TRUE``)
_MULTIPLE = re.compile(r"\bmulti(?:ple)?\s*=\s*(?:True|TRUE|T)\b")
# ... whose words say it narrows what is shown (``id="ethnicity-filter"``, "Filter by
# race", "Only the selected races are shown"), or that offers no restriction among its
# choices (``["All"] + races``, ``choices = c("Any", ...)``, 全部): a filter's
_NARROWS = re.compile(
    rf"(?i:{_SEARCH_EN})|{_SEARCH_ZH}"
    r"|(?i:\bonly\b[^\"'\n]{0,30}\bselected\b|\bselected\b[^\"'\n]{0,40}\b(?:shown|displayed)\b)"
    r"""|[\[(,=]\s*["'](?i:all|any)["']|["'](?:全部|不限|所有)["']"""
)
# ... a form's: a data app's form is filled in and sent (``with st.form(``), a record's
_DATA_FORM = re.compile(r"\bst\.form\(|\bform_submit_button\(|\bui\.input_action_button\(")
# the name its value is kept in (``race = st.selectbox(``, ``sel["race"] = ...``)
_CONTROL_VALUE = re.compile(r"""([A-Za-z_]\w*(?:\[\s*["']?\w+["']?\s*\])?)\s*=\s*$""")
CONTROL_REACH = 6  # lines over which a control's call spreads its arguments
CONTROL_CHARS = 1200  # ... and characters, on a long line
FORM_CHARS = 4000  # characters above a control that the form it stands in opens within
CONTROL_USE_REACH = 60  # lines below a control that code reading its value stands within

# What a text holds where it holds a control of ``_SELECTION_CONTROL``: a part of each of
# its calls, up to its "(".  Looked for first, each "(" of the text matched against them
# (a text of 13 MB in 4 ms): the expression tries a word at every word's start (350 ms).
_CONTROL_NEEDLES = (
    ".multiselect(", ".selectbox(", ".select_slider(", ".radio(", ".pills(",
    ".segmented_control(", ".Checklist(", ".Dropdown(", ".RadioItems(", ".Radio(",
    ".RadioButtons(", ".Select(", ".SelectMultiple(", ".MultiSelect(", ".MultiChoice(",
    ".CheckboxGroup(", ".CheckBoxGroup(", ".ToggleButtons(", "checkboxGroupInput(",
    "input_checkbox_group(", "selectInput(", "selectizeInput(", "pickerInput(",
    "radioButtons(", "input_select(", "input_selectize(", "input_radio_buttons(",
)  # fmt: skip

_CONTROL_CALL = re.compile(
    r"\((?:" + "|".join(f"(?<={re.escape(n)})" for n in _CONTROL_NEEDLES) + ")"
)  # (each needle ends with its "(")


def _holds_a_control(text: str) -> bool:
    """Does ``text`` hold a data app's selection control (``_SELECTION_CONTROL``)?"""
    return _CONTROL_CALL.search(text) is not None and (_SELECTION_CONTROL.search(text) is not None)


def _call_end(text: str, opens: int, limit: int) -> int:
    """Where the call whose ``(`` stands at ``opens`` closes (quoted text skipped),
    or ``limit`` if it does not before it."""
    depth, quote, i = 0, "", opens
    while i < limit:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return limit


def _filter_control(doc: Document, hit: Hit) -> str:
    """The selection control of a data app whose choices the hit names or labels (or
    whose value it keeps), when the control narrows the records shown: it takes several
    choices outside a form (a dashboard's ``st.multiselect("Race/Ethnicity", ...)``), its
    words or a choice of "All" say it filters, or its value is compared with a column
    below it (``df[df["driver_race"] == race]``).  A drop-down that asks a person's race
    for a form or a prediction's input is a record's field: ""."""
    if doc.is_prose or doc.is_data or hit.in_comment:
        return ""
    work = _shared_work(doc)
    if work.controls is None:
        work.controls = _holds_a_control(doc.text)
    if not work.controls:
        return ""
    text = doc.text
    # (lines, and as many characters: a minified bundle's line is no call's arguments)
    lo = max(doc.line_start(max(0, hit.line - CONTROL_REACH)), hit.start - CONTROL_CHARS)
    control = None
    for m in _SELECTION_CONTROL.finditer(text, lo, hit.start):
        if _call_end(text, m.end() - 1, hit.start) == hit.start:
            control = m  # still open at the hit: the hit is one of its arguments
    own = min(doc.lines.end(hit.line), hit.end + CONTROL_CHARS)
    if control is None:
        # the name its value is kept in, on the control's line before it
        after = _SELECTION_CONTROL.search(text, hit.end, own)
        if after is None or not _CONTROL_VALUE.search(
            text, max(doc.line_start(hit.line), hit.start - CONTROL_CHARS), after.start()
        ):
            return ""
        control = after
    last = doc.lines.end(min(doc.line_count - 1, hit.line + CONTROL_REACH))
    end = _call_end(text, control.end() - 1, min(last, control.end() + CONTROL_CHARS))
    call = text[control.start() : end]
    name = control.group(0).rstrip("(")
    if any(control.group(g) for g in _MULTI_GROUPS) or _MULTIPLE.search(call):
        first = doc.line_start(max(0, hit.line - FORM_REACH))
        if not _DATA_FORM.search(text, max(first, control.start() - FORM_CHARS), control.start()):
            return f"a filter's choices ({name}, several at once)"
    if w := _NARROWS.search(call):
        return f"a filter's choices ({name}: {w.group(0).strip()})"
    head_start = max(doc.line_start(doc.line_of(control.start())), control.start() - CONTROL_CHARS)
    if (kept := _CONTROL_VALUE.search(text, head_start, control.start())) is not None:
        value = re.escape(kept.group(1))
        below = doc.lines.end(min(doc.line_count - 1, hit.line + CONTROL_USE_REACH))
        compared = re.compile(rf"(?:==|!=|\.isin\(|%in%)\s*{value}(?![\w\[])")
        if compared.search(text, end, min(below, end + FORM_CHARS * 2)):
            return f"a filter's choices ({name}, its value compared below)"
    return ""


# A category of people a police or grid system keeps watch on: 在逃人员, 前科人员, 吸毒人员,
# 社区矫正人员, 重点上访人员, 涉枪人员, 民运分子, 邪教群体, 重点管控对象, 其他关注人员.
_WATCHED_PEOPLE = re.compile(
    r"(?:在逃|前科|吸毒|涉毒|涉枪|涉爆|涉恐|涉稳|刑释|解教|矫正|上访|精神病|肇事肇祸|重点|关注"
    r"|管控|布控|邪教|法轮功|民运|危险品从业|闲散|艾滋病|犯罪|恐怖|暴恐|分裂|境外)"
    r"[\u4e00-\u9fff]{0,6}?(?:人员|人口|分子|群体|对象|青少年|组织|势力|团伙)"
)
KEY_POPULATION_REACH = 3  # lines each side that hold the list of categories
# The trait's own category of people: 民族宗教人员, 宗教人员, 宗教民族领域 (the hit, then
# these); or a group standing as an item of a list ('少数民族', 、少数民族、).
_PEOPLE_AFTER = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:人员|人口|群体|对象|分子|领域|组织|势力|团伙)")
_ITEM_EDGE = frozenset("'\"“”「」、，,")


def _key_population(doc: Document, hit: Hit) -> str:
    """The categories of watched people the trait's category is listed among (民族宗教人员
    beside 吸毒人员 and 刑释人员; 少数民族 on a chart beside 在逃人员 and 前科人员): a group
    of people singled out as a key population.  "" unless two such categories stand
    within a few lines, or for a term that singles people out by itself."""
    if hit.term.capability is not None:
        return ""
    text = doc.text
    after = text[hit.end : hit.end + 1]
    if not (
        # (what follows first, at once: a data text asks this of each of its hits)
        ("\u4e00" <= after <= "\u9fff" and _PEOPLE_AFTER.match(text, hit.end, hit.end + 12))
        or (
            hit.term.kind is TermKind.GROUP
            and after in _ITEM_EDGE
            and text[hit.start - 1 : hit.start] in _ITEM_EDGE
        )
    ):
        return ""  # the trait's field (民族名称) beside a list of categories is no category
    found = _named_around(doc, hit, _WATCHED_PEOPLE, KEY_POPULATION_REACH)
    return ", ".join(found[:4]) if len(found) >= 2 else ""


def _named_around(doc: Document, hit: Hit, names: re.Pattern[str], reach: int) -> list[str]:
    """The distinct names ``names`` finds on the lines ``reach`` each side of the hit
    (lower-cased, each line read as ``_line_near`` reads it), but the hit's own."""
    own = doc.text[hit.start : hit.end].lower()
    lo = max(0, hit.line - reach)
    hi = min(doc.line_count - 1, hit.line + reach)
    found: list[str] = []
    for i in range(lo, hi + 1):
        for m in names.finditer(_line_near(doc, i, hit.start)):
            w = m.group(0).lower()
            if w not in own and own not in w and w not in found:
                found.append(w)
    return found


# A form control's value read in script: ``$("#MZ").val()``, ``$('#mz').combobox('getValue')``,
# ``document.getElementById("mz").value``.
_READS_CONTROL = re.compile(
    r"""\$\(\s*['"]#[\w-]+['"]\s*\)\.(?:val|combobox|combotree|textbox)\s*\("""
    r"""|getElementById\(\s*['"][\w-]+['"]\s*\)\.value\b"""
)
# A paged list's query: ``"page="+page+"&pagesize=10"``, ``pageSize: 20``, ``pageNo =``.
_PAGED = re.compile(
    r"""\bpage(?:_?(?:size|no|num|number|index))?\s*[=:]|[?&"']page(?:_?size)?=""", re.IGNORECASE
)


def _paged_condition(doc: Document, hit: Hit) -> str:
    """A form control's value read, for the trait, where a paged list's query is built
    (``var MZMC = $("#MZ").val(); //民族`` beside ``"page="+page+"&pagesize=10"``): a
    condition people are listed by.  "" otherwise."""
    if doc.is_prose or doc.is_data or (hit.in_comment and doc.comment_lines[hit.line]):
        return ""
    line = doc.local_line(hit.line, hit.start)
    if not _READS_CONTROL.search(line):
        return ""
    lo = max(0, hit.line - QUERY_REACH)
    hi = min(doc.line_count - 1, hit.line + QUERY_REACH)
    for i in range(lo, hi + 1):
        if m := _PAGED.search(_line_near(doc, i, hit.start)):
            return f"a paged list's condition ({m.group(0).strip()})"
    return ""


def _criteria_field(doc: Document, hit: Hit) -> str:
    """The class whose field the hit declares or documents, when the class holds a
    search's criteria (``public class SearchIdleYouthVo`` with ``/** 民族 */ private
    PropertyDict nation;``): people are found by it.  "" otherwise."""
    if doc.is_prose or doc.is_data:
        return ""
    i = hit.line
    if hit.in_comment:
        if not (doc.doc_block_of_field(i) or doc.trails_a_declaration(i)):
            return ""
    elif not (doc.declares_field(i) or _ACCESSOR.search(_line_near(doc, i, hit.start))):
        return ""
    name = doc.class_at(i)
    if not name or not _CRITERIA_CLASS.search(name) or _NOT_CRITERIA.search(name):
        return ""
    return f"a field of the search criteria {name}"


# a field's accessor defined on the line: ``public Integer getRace() {``, ``public void
# setRace(Integer race)`` (not a call, ``Res.string().getRace(info.emRace)``)
_ACCESSOR = re.compile(
    r"^\s*(?:(?:public|protected|private|static|final)\s+)*[\w<>\[\],.?]+\s+"
    r"(?:get|set|is)[A-Z]\w*\s*\("
)


def _declared_below(doc: Document, i: int, line: str) -> str:
    """The end of ``_query_parameter`` for a hit on line ``i`` (``line``, read whole or
    around the hit): what the lines after it say when a declaration opens there.  It
    reads the first 2 x LOCAL characters of each of those lines, whatever the hit."""
    label = doc.holds_tags and bool(  # (each opens with ``<``)
        _searched(_LABEL_ELEMENT, line)
        or _searched(_OPENS_SELECT, line)
        or _searched(_FORM_ITEM_LABEL, line)
    )
    opens = label or line.rstrip().endswith(("{", "(", ":", "[", "："))  # 民族：
    if not opens and not _IDENT_KEY.match(line.strip(" -\t")):
        return ""  # no declaration opens here: a parameter's lines are its own
    last = min(doc.line_count - 1, i + QUERY_REACH)
    for j in range(i + 1, last + 1):
        near = _line_near(doc, j, -1)  # its head: the hit is on line i
        if label and (_searched(_LABEL_ELEMENT, near) or _searched(_FORM_ITEM_LABEL, near)):
            break  # the next field's label: what follows is that field's
        m = _searched(_QUERY_PARAM, near)
        if m:
            return m.group(0)
        if _searched(_ANY_CHOICE, near):
            return "a filter's choice of no restriction"
    return ""


# A person's name, as a call's argument: ``search_race(_surname)``.
_NAME_PART = r"(?:sur_?names?|last_?names?|first_?names?|given_?names?|fore_?names?|full_?names?)"
# The trait assigned what a call returns for a name: ``race = self.search_race(_surname)``.
_TRAIT_OF_NAME = re.compile(
    rf"^\s*[\w.\[\]'\"]*\s*=\s*[\w.]+\([^()\n]*\b_?(?:{_NAME_PART}|name)\b", re.IGNORECASE
)
_IDENT_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_NAME_WORDS = frozenset({"name", "names", "surname", "surnames", "forename", "forenames"})
_NAME_QUALIFIERS = frozenset({"first", "last", "given", "full", "family", "sur"})
_OF = frozenset({"by", "from", "given", "of", "for", "per", "with"})
_TO = frozenset({"to", "2"})


def _head_of_name_table(ident: str, term: str) -> str:
    """In an identifier that joins the trait and a person's name, which one is its head
    noun: ``"trait"`` (``surname_ethnicities``, ``race_by_last_name``, ``name2race``: the
    trait of a name, a lookup), ``"name"`` (``surnames_by_race``, ``ETHNIC_SURNAMES``,
    ``white_first_names``: names of a group, a generator's list), or ``""`` when the
    identifier does not join the two."""
    words = [w.lower() for w in _IDENT_WORDS.findall(ident)]
    trait = term.lower().split()[-1]
    kinds = [
        "name" if w in _NAME_WORDS else "trait" if w == trait or w.startswith(trait) else ""
        for w in words
    ]
    if "name" not in kinds or "trait" not in kinds:
        return ""
    if any(w in _TO for w in words):  # name_to_race: the head follows "to"
        cut = max(k for k, w in enumerate(words) if w in _TO)
        after = [k for k in kinds[cut + 1 :] if k]
        return after[0] if after else ""
    if any(w in _OF for w in words):  # race_by_surname: the head comes before "by"
        cut = min(k for k, w in enumerate(words) if w in _OF)
        before = [k for k in kinds[:cut] if k]
        return before[-1] if before else ""
    return [k for k in kinds if k][-1]  # the last noun: surname_ethnicities


def _name_lookup(doc: Document, hit: Hit) -> str:
    """What shows the trait at ``hit`` is looked up for a person's name, without a word
    of prediction: one identifier whose head is the trait of a name
    (``surname_ethnicities``, ``race_by_last_name``), or the trait assigned what a call
    returns for a name (``race = self.search_race(_surname)``): a table of groups by
    surname is a model.  A list of names by group (``surnames_by_race``) is a
    generator's data, not a lookup."""
    text = doc.text
    start, end = hit.start, hit.end
    floor, ceiling = max(0, start - 128), min(len(text), end + 128)
    while start > floor and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < ceiling and (text[end].isalnum() or text[end] == "_"):
        end += 1
    ident = text[start:end]
    term = text[hit.start : hit.end]
    if ident != term and _head_of_name_table(ident, term) == "trait":
        return ident
    line = doc.local_line(hit.line, hit.start)
    eq = line.find("=")
    after_hit = eq >= 0 and doc.local_start(hit.line, hit.start) + eq > hit.start
    return line.strip()[:60] if after_hit and _TRAIT_OF_NAME.match(line) else ""


# A sentence that gets the trait from a person's name: "Get ethnicity from name", "race
# and ethnicity for last names", "ethnicity by first and last name" (a package saying
# what it does; "race from names is unreliable" the same shape, said of another's)
_FROM_A_NAME = re.compile(
    r"(?:\s+(?:and|or|/)\s+[\w-]+)?\s+(?:from|for|by|given|using)\s+"
    r"(?:(?:a|an|the|their|his|her|one's|people's|person's)\s+)?"
    r"(?:(?:sur|last|first|full|given|family|fore)\s*)?names?\b"
    r"(?:\s+(?:and|or)\s+(?:(?:sur|last|first|full|given|family|fore)\s*)?names?\b)?",
    re.IGNORECASE,
)


# A setting that names the column holding the trait, not its value: a parameter whose
# default is a column's name (``race='race'``, ``race_col="RACE"``), or the docstring
# line that says so ("Name of the race column", "column name of race")
_COLUMN_DEFAULT = re.compile(r"""\w*\s*=\s*["'][\w .-]{1,40}["']\s*(?:[,)]|$)""")
_COLUMN_DOC = re.compile(
    r"(?i)\b(?:name|label|header|key)\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}columns?\b"
    r"|\bcolumns?\s+(?:name|label|header)s?\s+(?:of|for)\b"
)


_DEFAULT_BEFORE = re.compile(r"""(\w+)\s*=\s*["'][\w .-]{0,20}$""")
# An open parameter list of a definition that the hit stands in (no ``):`` since)
_PARAMETERS = re.compile(r"\b(?:def|function)\s+\w+\s*\((?:(?!\)\s*(?:->[^:\n]*)?[:{]).)*$", re.S)
PARAMETERS_REACH = 1200  # characters back to a definition's name, at most


def _a_default_column(doc: Document, hit: Hit) -> bool:
    """Is the trait at ``hit`` a parameter's default that names a column (or the
    parameter whose default does), in a definition's open parameter list?  (A default
    reads "=": a text without one has none.)"""
    if not doc.holds("="):
        return False
    text = doc.text
    before = _DEFAULT_BEFORE.search(text, max(0, hit.start - 60), hit.start)
    default = _COLUMN_DEFAULT.match(text, hit.end, min(len(text), hit.end + 60)) or (
        # the default itself: ``race='race'``'s second race (not ``bias_attr='race'``,
        # a parameter of which attribute to split or predict by)
        before is not None and hit.term.text.lower() in before.group(1).lower()
    )
    lo = max(0, hit.start - PARAMETERS_REACH)
    return bool(default and _PARAMETERS.search(text, lo, hit.start))


def _names_a_column(doc: Document, hit: Hit) -> str:
    """What says the trait at ``hit`` is a column's name given to code (a parameter's
    default, its documented meaning), or "".  The column's values are the data; naming
    it records the schema, whatever the code then does with names beside it."""
    if _a_default_column(doc, hit):
        return "a parameter that names the column holding it"
    if not doc.holds("column", folded=True):
        return ""  # (``_COLUMN_DOC`` reads "column", in any case)
    for i in (hit.line, hit.line + 1):
        if i < doc.line_count and _searched(_COLUMN_DOC, _line_near(doc, i, hit.start)):
            return "documented as the name of the column holding it"
    return ""


def _from_a_name(doc: Document, hit: Hit) -> str:
    """The words after a trait in a sentence that say it is had from a name, or ""."""
    m = _FROM_A_NAME.match(doc.text, hit.end, min(len(doc.text), hit.end + 80))
    return m.group(0).strip() if m else ""


_PLACE_KINDS = (TermKind.GROUP, TermKind.TABLE, TermKind.WORD)
_IDENT_KEY = re.compile(r"""^[\w]*["']?\s*[:=]""")
# An identifier that names a field: snake case or camel case, no spaces.
_IDENTIFIER = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[A-Z]?[a-z0-9]+(?:[A-Z][a-z0-9]+)+"
)
# Codes of a code set, quoted: ``'1002-5'``, ``"413773004"``, ``'ABC'``.
_CODES = re.compile(r"""['"](?:\d[\d.\-]{1,11}|[A-Z]{1,4}\d{0,3})['"]""")


_MANGLED_NAME = re.compile(r"(\d+)")


# A stretch of a base64 blob on each side of a hit: its alphabet only, mixing cases and
# digits as encoded bytes do and words do not.
BLOB_REACH = 32
_BLOB_SIDE = re.compile(rf"[A-Za-z0-9+/]{{{BLOB_REACH}}}")
_BLOB_MIX = re.compile(r"(?=[^\n]*[a-z])(?=[^\n]*[A-Z])(?=[^\n]*[0-9])")


def _in_encoded_blob(text: str, start: int, end: int) -> bool:
    """Does the hit stand inside a base64 blob (a data URI's image, an embedded font):
    32 characters of its alphabet each side, each side mixing lower and upper case and
    digits?"""
    before = text[max(0, start - BLOB_REACH) : start]
    after = text[end : end + BLOB_REACH]
    return bool(
        _BLOB_SIDE.fullmatch(before)
        and _BLOB_SIDE.fullmatch(after)
        and _BLOB_MIX.match(before)
        and _BLOB_MIX.match(after)
    )


_DIGIT_AT = re.compile(r"\d")


class _MangledNames:
    """The length-prefixed names of the mangled symbol that starts at ``lo`` (its
    ``_Z``), read from its start once, as far as the hits in it ask: for each name, where
    its length's digits start, where the name starts and where it ends."""

    __slots__ = ("digits", "ends", "next", "starts")

    def __init__(self, lo: int) -> None:
        self.digits: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.next = lo + 2  # where the reading goes on

    def read_to(self, text: str, start: int) -> None:
        """Read the names whose length starts before ``start``."""
        i = self.next
        while i < start:  # names one after another: <length><name>, codes between them
            d = _DIGIT_AT.search(text, i, start)
            if d is None:
                i = start
                break
            m: re.Match[str] = _MANGLED_NAME.match(text, d.start())  # type: ignore[assignment]
            i = m.end() + int(m.group(1)[:6])  # (a digit starts a length: one matches)
            self.digits.append(d.start())
            self.starts.append(m.end())
            self.ends.append(i)
        self.next = i

    def across(self, start: int, end: int) -> bool:
        """Does ``text[start:end]`` stand outside every name (``read_to(start)`` read)?
        Only the last name whose length starts before ``start`` can hold it: those
        before it end before that length."""
        k = bisect.bisect_left(self.digits, start) - 1
        return k < 0 or self.starts[k] > start or end > self.ends[k]


class _SymbolRuns:
    """``_across_mangled_names`` for the hits of one text: the run of symbol characters
    before a hit is read back only as far as the hit asked about before it, when that
    one stands in the same run (a string of a binary can be thousands of hits of one
    word, none of them apart: each read back to the run's start, the run was read once
    a hit); a mangled symbol's names are read once, not once a hit."""

    __slots__ = ("last", "last_lo", "symbols")

    def __init__(self) -> None:
        self.last = -1  # the last hit's start, and its run's
        self.last_lo = -1
        self.symbols: dict[int, _MangledNames] = {}  # a symbol's start -> its names

    def across(self, text: str, start: int, end: int) -> bool:
        """``_across_mangled_names(text, start, end)``."""
        lo = start
        last = self.last if self.last <= start else -1
        while lo > 0:
            if lo == last:
                lo = self.last_lo
                break
            c = text[lo - 1]
            if not (c.isalnum() or c in "_.$"):
                break
            lo -= 1
        self.last, self.last_lo = start, lo
        if not text.startswith("_Z", lo):
            return False
        names = self.symbols.get(lo)
        if names is None:
            names = self.symbols[lo] = _MangledNames(lo)
        names.read_to(text, start)
        return names.across(start, end)


def _across_mangled_names(doc: Document, hit: Hit) -> bool:
    """Does the hit stand in a C++ mangled symbol (``_ZN8pybind116detail...``) without
    being inside one of its length-prefixed names?  ``_ZN4acme10FaceEngine16GetRace
    EstimatesEv`` holds ``GetRaceEstimates``; ``...4castES2_`` holds ``cast``, not
    "castes".  (The symbol is the run of letters, digits, ``_``, ``.`` and ``$`` the
    hit ends, when it starts with ``_Z``; read for the text's hits at once.)"""
    return _shared_work(doc).symbol_runs.across(doc.text, hit.start, hit.end)


def _names_no_people(doc: Document, hit: Hit, work: SharedWork | None = None) -> bool:
    """Is a group's name part of the name of a place, language, script or organisation
    here?  With ``work``, and a catalogue whose entities read every digit alike
    (``Entities.digit_blind``), the answer is asked once for each text around the name
    with its digits written as zeros (a log's records: their ids differ, their shapes
    are few)."""
    t = hit.term
    if t.kind not in _PLACE_KINDS or t.capability is Capability.TARGETING:
        return False
    if t.trait not in (Trait.ETHNIC_GROUP, Trait.ETHNICITY, Trait.RELIGION, Trait.RACE):
        return False
    text = doc.text
    lo = max(0, hit.start - 40)
    capital = text[hit.start : hit.start + 1].isupper()
    entities = doc.catalogue.entities
    if work is None or not entities.digit_blind:
        return entities.names_no_people(
            text[lo : hit.start], text[hit.end : hit.end + 48], t.lang, capital
        )
    # what is read (40 characters before, 48 after), digits as zeros, and where the
    # name stands in it: the same key, the same answer
    around = text[lo : hit.end + 48].encode("utf-8", "surrogatepass").translate(_DIGIT_BYTES)
    key = (around, hit.start - lo, hit.end - hit.start, t.lang, capital)
    got = work.place_names.get(key)
    if got is None:
        got = work.place_names[key] = entities.names_no_people(
            text[lo : hit.start], text[hit.end : hit.end + 48], t.lang, capital
        )
    return got


# the value of a markup attribute that labels a view's or a form's element, up to the hit
_UI_LABEL_ATTRIBUTE = re.compile(
    r"""\b(?:string|label|title|placeholder|hint|caption|header|text)\s*=\s*["'][^"'<>=\n]{0,40}$""",
    re.IGNORECASE,
)
# a kind of place in an identifier, beside a word of religion: a venue, not a belief
_PLACE_PART = re.compile(
    r"(?:^|(?<=[_\s])|(?<=[a-z])(?=[A-Z]))(?i:place|venue|site|building|location)(?:s|S)?(?![a-z])"
)
_PLACE_AFTER = re.compile(r"(?:活动)?场所|寺院|教堂")
# a line that names a religious kind of place (``PLACE_RELIGION("religion", ...)``): each
# word of religion on it is that place's
_RELIGIOUS_PLACE_LINE = re.compile(
    r"(?i:place|venue)S?_?(?i:religio)|(?i:religio)\w*?(?i:place|venue)", re.ASCII
)


def _identity_document(doc: Document, ctx: Context) -> re.Match[str] | None:
    """An identity document named on the hit's line or in its file's name (``IdCard``,
    ``thailand_idcard_confidence.py``, 身份证): what the line reads is off that card."""
    return _ID_DOCUMENT.search(ctx.line) or _ID_DOCUMENT.search(base_name(doc.path))


def _names_places(place: Place | None, text: str, hit: Hit) -> bool:
    """Is the hit the name of a container that registers places (``create table
    religion`` whose comment is 宗教场所)?"""
    if place is None:
        return False
    c = place.container
    if text[hit.start : hit.end].lower() not in c.name.lower():
        return False
    # (said by its description: a register of believers has a place of worship among
    # its columns, and a venue's table its person in charge)
    return "场所" in c.description or _PLACE_PART.search(c.description) is not None


def _names_a_place(doc: Document, hit: Hit) -> bool:
    """Is the hit part of an identifier that names a kind of place (``PLACE_RELIGION``,
    ``religiousPlaces``, ``religion_site_id``, 宗教场所), or on a line that names such a
    place (read from its head, as ``_line_near`` reads a line for a hit elsewhere)?"""
    text = doc.text
    if _PLACE_AFTER.match(text, hit.end, hit.end + 8):
        return True  # 宗教场所, 宗教活动场所
    start, end = identifier_span(text, hit.start, hit.end, 40)
    rest = text[start : hit.start] + " " + text[hit.end : end]
    if (start, end) != (hit.start, hit.end) and _PLACE_PART.search(rest):
        return True
    return _RELIGIOUS_PLACE_LINE.search(_line_near(doc, hit.line, -1)) is not None


def identifier_span(text: str, start: int, end: int, reach: int | None = None) -> tuple[int, int]:
    """The identifier (letters, digits, ``_``) that ``text[start:end]`` is part of, at
    most ``reach`` characters past each end when given."""
    lo = 0 if reach is None else max(0, start - reach)
    hi = len(text) if reach is None else min(len(text), end + reach)
    while start > lo and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < hi and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return start, end


def _entry_scope(doc: Document, hit: Hit, line: str, packed: bool = False) -> Scope | None:
    """The scope of an entry of a data text that is about people, or None for a word,
    phrase or translation entry, which sorts no one.  An entry counts as:

    - a sentence, when its value is prose (``"All Jordanians, regardless of ethnicity
      or religion, ..."``): a mention unless the sentence acts on people;
    - a field of a table of people, with its record (the lines around it) as context: a
      targeting term in a translation catalogue or a record, not as the headword of a
      vocabulary (a camera's translated UI string ``维族告警`` is an alarm the product
      offers; the same word in a word-frequency list is a word); a member of a code
      table of ethnic groups that carries codes (GB/T 3304: ``01 汉族``); a label of a
      value set among its other labels (``"api", "black", "hispanic", "white"``); a
      field's name, as the identifier key of a ``key: value`` entry (``"race":
      "asian"``) or an identifier literal (``'RACE_SUBSPECIES'``, ``"CaucasianRace"``;
      not in a packed line, where such literals are ids of a vocabulary:
      ``"person_with_headscarf",...``); a word of the trait naming a code set
      (``('Race', ('1002-5', '2028-9', ...))``, ``"Caucasian (racial group)"`` with its
      code); the header row of a delimited table (``surname,pctwhite,pctblack``). A
      religious marker (headscarf, veil) in an entry is a word of a vocabulary.
    """
    t = hit.term
    if t.capability is Capability.TARGETING or t.kind is TermKind.BOOLEAN:
        # a UI string, a rule, a record: yes; the headword of a vocabulary: no
        headword = line.lstrip(" \t\"'[{-").startswith(doc.text[hit.start : hit.end])
        return None if headword and doc.suffix not in TRANSLATION_SUFFIXES else RECORD_SCOPE
    if _holds_sentence_value(line):
        return SENTENCE_SCOPE  # a value that is prose: a note, a description
    start, end = doc.span(hit.line)
    if end - start > 2 * LOCAL and is_sentence_value(
        _segment(line, hit.start - doc.local_start(hit.line, hit.start))
    ):
        # a long value read around the hit (an API's documentation string of some
        # thousand characters): its quotes are out of reach, the text it stands in is prose
        return SENTENCE_SCOPE
    around = doc.record_text(hit.line, hit.start)
    if has_emoji(around):
        return None  # a record of an emoji table (its name, its skin-tone support)
    if hit.table:
        lines = around.split("\n")
        return RECORD_SCOPE if sum(any(c.isdigit() for c in ln) for ln in lines) >= 3 else None
    if t.kind is TermKind.VALUE:
        return RECORD_SCOPE if len(hit.cluster) >= 2 else None
    if t.kind is TermKind.MARKER:
        return None
    text = doc.text
    if _UI_LABEL_ATTRIBUTE.search(text, doc.local_start(hit.line, hit.start), hit.start):
        # ``<search string="Patient Ethnicity">``, ``android:hint="民族"``: the label a
        # view or a form shows for the field
        return RECORD_SCOPE
    if not text[hit.start : hit.end].isascii():
        return RECORD_SCOPE if t.kind is TermKind.WORD and _CODES.search(around) else None
    start, end = identifier_span(text, hit.start, hit.end)
    if start > 0 and text[start - 1] not in "\"' \t{,(":
        return None
    token = text[start:end]
    if _IDENT_KEY.match(text[hit.end : hit.end + 64]):
        return RECORD_SCOPE
    if not packed and _IDENTIFIER.fullmatch(token):
        return RECORD_SCOPE
    if t.kind is TermKind.WORD and _CODES.search(around):
        return RECORD_SCOPE
    if doc.first_line == hit.line and (line.count(",") >= 2 or line.count("\t") >= 2):
        return RECORD_SCOPE
    return None


@dataclass(frozen=True, slots=True)
class Context:
    """What one hit's scope shows, read once (see ``Evidence``): the words of each kind
    around it and what they add up to.  The phases of ``decide`` read it; none of them
    changes it, or the hit."""

    scope: Scope
    evidence: Evidence  # where the words below were read (a schema's container too)
    line: str  # the hit's line, as ``local_line`` reads it
    prose: bool  # a line of natural language: a statement of no code
    textual: bool  # text of people: a sentence, or a row of a dataset of sentences
    sentence_row: bool  # a row of a dataset of sentences: its labels go with the text
    language: tuple[str, ...]  # language or script words on the line
    face_words: tuple[str, ...]
    face: tuple[str, ...]  # face and image words
    file_face: bool
    any_face: bool
    attrs: tuple[str, ...]
    model: tuple[str, ...]
    model_line: tuple[str, ...]
    analysis: tuple[str, ...]
    surv: tuple[str, ...]
    file_surv: bool
    alert: tuple[str, ...]
    store: tuple[str, ...]
    searched: tuple[str, ...]  # of store: the words of a query or of a search index
    declared: tuple[str, ...]
    clinical: tuple[str, ...]
    name: tuple[str, ...]
    file_name: bool
    file_model: bool
    counting: tuple[str, ...]
    fairness: tuple[str, ...]
    moderation: tuple[str, ...]
    emoji: tuple[str, ...]
    emoji_software: bool  # emoji words throughout "this file": an emoji picker, a font
    game_module: bool  # words of games or sport throughout "this file": a game's code
    lookalike: tuple[str, ...]
    lookalike_line: tuple[str, ...]
    country_only: bool  # every look-alike word near is a country's (nationality, 国家)
    negation: tuple[str, ...]  # negation words on the line of a hit in a comment
    biometric: bool  # face data: face words near, or face words in the file with attributes
    captured: bool  # a captured face or person object: when it appeared, who came with it
    support: int  # how much near it is about people's data


def _context(
    doc: Document, hit: Hit, scope: Scope, line: str, ev: Evidence | None = None
) -> Context:
    ev = Evidence(doc, hit, scope) if ev is None else ev
    prose = scope is SENTENCE_SCOPE
    of_texts = scope is not PROSE_SCOPE and _row_with_sentence(doc, hit, line)
    sentence_row = not prose and of_texts
    textual = prose or scope is PROSE_SCOPE or sentence_row
    run = _names_run(doc, hit, scope)
    near = ev.near if run is None else _of_member(doc, hit, ev, run)
    model, analysis = tuple(near(Category.MODEL)), tuple(near(Category.ANALYSIS))
    face_words = tuple(near(Category.FACE))
    face = face_words + tuple(near(Category.IMAGE))
    if textual and not (model or analysis):
        face_words = face = ()  # a sentence's "face" is a person's, not face data

    def in_file(category: Category) -> int:
        n = ev.in_file(category)
        if run is not None and n:
            # the register's own names are not what the rest of the file does with it
            n -= len(doc.code_words_in(category, *run))
        return n

    faces_in_file = in_file(Category.FACE)
    file_face = faces_in_file >= 3 or bool(doc.path_context.get(Category.FACE))
    attrs = tuple(sorted(set(ev.near(Category.ATTRIBUTES))))
    surv = tuple(ev.near(Category.SURVEILLANCE))
    alert = tuple(ev.near(Category.ALERT))
    # a sentence searches when it says so; a store it names is a noun, not an act
    store = ev.near(Category.QUERY)
    searched = list(store)
    if scope is not SENTENCE_SCOPE:
        stored = ev.near(Category.STORE)
        store = stored + store
        searched += [w for w in stored if w.lower() in _SEARCH_INDEX]
    declared, clinical = tuple(ev.near(Category.DECLARED)), tuple(ev.near(Category.CLINICAL_CENSUS))
    if of_texts and not _field_of_a_note(doc, hit):
        # the students of a dataset's text are its people, not a form's
        declared = clinical = ()
    fairness = tuple(ev.near(Category.FAIRNESS))
    shadowing = [c for c in LOOKALIKE_CATEGORIES if _shadows(c, hit.term)]
    near_lookalike = [(c, ev.near(c)) for c in shadowing]
    line_lookalike = [w for c in shadowing for w in ev.on_line(c)]
    if line_lookalike and (whose := _person_qualifier(doc, hit)):
        # ``driver_race`` beside ``driver_gender``: the driver is a person whose race and
        # gender a table keeps (a traffic stop's), not a motor race
        near_lookalike = [(c, [w for w in ws if w.lower() != whose]) for c, ws in near_lookalike]
        line_lookalike = [w for w in line_lookalike if w.lower() != whose]
    biometric = bool(face) or (file_face and bool(attrs or model or analysis))
    support = (
        len(model)
        + len(attrs)
        + len(surv)
        + len(alert)
        + len(declared)
        + len(clinical)
        + (2 if face_words else 0)
        + len(hit.trait_words_near)
        + len(hit.cluster)
        + len(fairness)
        # a race column beside an ethnicity column: people's data
        + len(hit.traits_near - {hit.term.trait})
        + (1 if hit.term.ambiguous and _GENDER.search(line) else 0)  # genders and races
    )
    model_line = tuple(ev.on_line(Category.MODEL))
    if model and all(w.lower().startswith("estimat") for w in model) and _survey_estimates(doc):
        # a census survey's estimate (beside its margin of error): a count of people, no
        # model's guess; it says the text is a census's data
        clinical, model, model_line = clinical + model, (), ()
    return Context(
        scope=scope,
        evidence=ev,
        line=line,
        prose=prose,
        textual=textual,
        sentence_row=sentence_row,
        language=tuple(ev.on_line(Category.LANGUAGE)),
        face_words=face_words,
        face=face,
        file_face=file_face,
        any_face=bool(face_words) or faces_in_file >= 1,
        attrs=attrs,
        model=model,
        model_line=model_line,
        analysis=analysis,
        surv=surv,
        file_surv=ev.in_file(Category.SURVEILLANCE) >= 3,  # the software's kind: all it names
        alert=alert,
        store=tuple(store),
        searched=tuple(searched),
        declared=declared,
        clinical=clinical,
        name=tuple(ev.near(Category.NAME)),
        file_name=ev.in_file(Category.NAME) >= 3,
        file_model=in_file(Category.MODEL) >= 3,
        counting=tuple(ev.near(Category.COUNT)),
        fairness=fairness,
        moderation=tuple(ev.near(Category.MODERATION)),
        emoji=tuple(ev.near(Category.EMOJI)),
        emoji_software=ev.in_file(Category.EMOJI) >= 3,
        game_module=ev.kinds_in_file(Category.GAME_SPORT, GAME_KINDS),
        captured=len(set(ev.near(Category.CAPTURED))) >= CAPTURED_KINDS
        or ev.kinds_in_file(Category.CAPTURED, CAPTURED_KINDS),
        lookalike=tuple(w for _, words in near_lookalike for w in words),
        lookalike_line=tuple(line_lookalike),
        country_only=all(not words for c, words in near_lookalike if c is not Category.COUNTRY),
        negation=_own_negation(doc, hit, ev.on_line(Category.NEGATION)) if hit.in_comment else (),
        biometric=biometric,
        support=support,
    )


# The qualifier of a trait's identifier (``driver`` of ``driver_race``, ``DriverRace``).
_QUALIFIER = re.compile(r"([A-Za-z][a-z]+)_?$")
# Who a game or a story is about: a qualifier of theirs is a character's, never a person's
_CHARACTERS = frozenset({"player", "character", "npc", "avatar", "hero", "unit", "faction"})


def _person_qualifier(doc: Document, hit: Hit) -> str:
    """The word that qualifies the hit in its identifier (``driver`` of ``driver_race``),
    lower-cased, when the text names a person's attribute with the same qualifier
    (``driver_gender``, ``driverAge``, ``driver_sex``): the qualifier names a person.
    "" otherwise, and for a game's characters (``player_race`` beside
    ``player_gender`` is a character's)."""
    start = doc.line_start(hit.line)
    m = _QUALIFIER.search(doc.text, max(start, hit.start - 24), hit.start)
    if m is None:
        return ""
    word = m.group(1).lower()
    if word in _CHARACTERS or len(word) < 3:
        return ""
    known = _shared_work(doc).qualifiers
    if word not in known:  # (once a word a text: a table's rows ask on every line)
        attr = re.compile(rf"\b{re.escape(word)}_?(?:gender|sex|age)(?![a-z])", re.IGNORECASE)
        known[word] = attr.search(doc.text) is not None
    return word if known[word] else ""


# A census survey's table read in code: its estimates come with their margins of error
# (tidycensus's ``get_acs()`` gives ``estimate`` and ``moe`` columns)
_SURVEY_MARKERS = (
    "get_acs",
    "get_decennial",
    "margin of error",
    "Margin of error",
    "moe,",
    "moe)",
    '"moe"',
    "'moe'",
)


def _survey_estimates(doc: Document) -> bool:
    """Does the text read a census survey's estimates (with their margins of error)?
    There "estimate" is a count of people, not a model's guess."""
    return any(doc.holds(m) for m in _SURVEY_MARKERS)


def _own_negation(doc: Document, hit: Hit, words: list[str]) -> tuple[str, ...]:
    """The negation words of a comment the hit stands in: on a line of code with a
    comment after it (``wrapper.eq(StringUtils.isNotBlank(mz), ...); // 民族``), only the
    comment's own, not the code's ``isNotBlank``; in a row of a table (a sheet's, a
    document's ``a | b | c``), only its cell's (``没有对应字段 | mz | 民族名称``: the
    mapping is missing, the field is not negated)."""
    if not words:
        return ()
    start = doc.line_start(hit.line)
    end = doc.lines.end(hit.line)
    if doc.text.count(" | ", start, end) >= 2:
        lo = doc.text.rfind("|", start, hit.start) + 1 or start
        hi = doc.text.find("|", hit.end, end)
        cell = doc.text[lo : end if hi < 0 else hi].lower()
        return tuple(w for w in words if w.lower() in cell)
    opens = doc.comment_opens(hit.start, hit.line)
    comment = _EMPTINESS_CHECK.sub(" ", doc.text[start if opens is None else opens : end].lower())
    return tuple(w for w in words if w.lower() in comment)


# A test of a value's presence that a comment names (``//民族不为空``, "must not be null",
# 不能为空): the value is checked, the trait not negated
_EMPTINESS_CHECK = re.compile(
    r"(?:不|非|不能|不可|不得|不允许)(?:为)?空|(?:is|must|should|can|may)?\s*not\s+(?:be\s+)?"
    r"(?:null|empty|blank|none|nil|undefined)\b"
)


# what a member of a register of names takes from its own line only: its fellows'
# names (``FACE_INPUT``, ``MODEL_OUTPUT``) name other things, not what it is used for
_MEMBER_OWN = (Category.FACE, Category.IMAGE, Category.MODEL, Category.ANALYSIS)


def _names_run(doc: Document, hit: Hit, scope: Scope) -> tuple[int, int] | None:
    """The register of names the hit's line is a member of (``Document.names_run``),
    for a hit of code outside a schema; else None."""
    if scope is not CODE_SCOPE or hit.place is not None or hit.in_comment:
        return None
    return doc.names_run(hit.line)


def _member_words(doc: Document, hit: Hit, reach: int, run: tuple[int, int]) -> _Frozen:
    """The words of face data and models a member of a register of names reads: from its
    own line and the lines around it that are not fellow members (the register's name,
    its doc), by category."""
    lo, hi = max(0, hit.line - reach), min(hit.line + reach, doc.line_count - 1)
    out: dict[str, list[str]] = {}
    for i in range(lo, hi + 1):
        if i == hit.line or not (run[0] <= i <= run[1] and doc.is_member(i)):
            for c, words in doc.window(i, i).items():
                if c in _MEMBER_OWN:
                    out.setdefault(c, []).extend(words)
    return _frozen(out)


def _of_member(
    doc: Document, hit: Hit, ev: Evidence, run: tuple[int, int]
) -> Callable[[Category], list[str]]:
    """``ev.near`` for a member of a register of names: its own words of face data and
    models (``_member_words``) and the path's; every other category as ``ev.near``."""
    own = dict(_member_words(doc, hit, ev.scope.reach, run))

    def near(category: Category) -> list[str]:
        if category not in _MEMBER_OWN:
            return ev.near(category)
        return list(own.get(category, ())) + doc.path_context.get(category, [])

    return near


def _sig(name: SignalName, weight: float, words: Sequence[str] | str = "") -> Signal:
    return _signal(name, weight, words if isinstance(words, str) else tuple(words))


@functools.lru_cache(maxsize=4096, typed=True)
def _signal(name: SignalName, weight: float, words: tuple[str, ...] | str) -> Signal:
    """A signal, made once for each distinct set of arguments (signals are values)."""
    detail = words if isinstance(words, str) else _fmt(list(words))
    return Signal(name.value, round(weight, 2), detail)


Choice = tuple[Capability, Basis | None, tuple[Signal, ...]]


def decide(doc: Document, hit: Hit) -> Decision | None:
    """The finding a hit makes, or None when its context says it is a look-alike or
    shows nothing protected.  Four phases over what the hit's scope shows: a gate (is
    this the protected sense at all?), the capability, the adjustments that prose,
    schemas and negation make to it, and the score.  Hits that read alike share one
    decision (``decision_key``), made for each hit's own cluster (``_with_cluster``)."""
    key = decision_key(doc, hit)
    if key is None:
        return _decided(doc, hit)
    return _keyed(doc, _shared_work(doc), key, hit)


def _keyed(doc: Document, work: SharedWork, key: tuple[object, ...], hit: Hit) -> Decision | None:
    """The decision of ``hit``, whose ``decision_key`` is ``key``: that of the first hit
    of the key, made for this hit's cluster (``_with_cluster``)."""
    got = work.decisions.get(key)
    if got is None:
        d = _decided(doc, hit)
        work.decisions[key] = (d, hit.cluster)
        return d
    d = _with_cluster(work, got[0], got[1], hit.cluster)
    if VERIFY_SHARED and d != _decided(doc, hit):
        raise AssertionError(f"a shared decision differs at {doc.path}:{hit.line + 1}")
    return d


def decide_line(doc: Document, hits: Sequence[Hit]) -> list[Decision | None]:
    """``[decide(doc, hit) for hit in hits]`` for the hits of one line, in order.  The
    lines of a data text that read alike (``_line_hits_key``: the line's part of
    ``decision_key`` and, for each hit, where it stands, its term, what it learnt from
    its neighbours, its cluster as ``_cluster_class`` tells it) share their decisions:
    those of the first such line, when all that its hits' keys hold is read on the
    line (``_read_on_the_line``), each made for the hit's own cluster
    (``_with_cluster``); else each hit is decided as ``decide`` decides it."""
    got_key = _line_hits_key(doc, hits)
    if got_key is None:
        return [decide(doc, hit) for hit in hits]
    key, clusters = got_key
    work = _shared_work(doc)
    kind = work.line_decisions.get(key)
    if kind is None:
        made, shared = _first_of_its_kind(doc, hits)
        work.line_decisions[key] = {clusters: made} if shared else _ALONE
        return made
    if kind is _ALONE:
        return [decide(doc, hit) for hit in hits]
    got = kind.get(clusters)
    if got is None:
        # the decisions of the first line of the kind, each for this line's clusters
        firsts, first = next(iter(kind.items()))
        got = kind[clusters] = [
            _with_cluster(work, d, a, b) for d, a, b in zip(first, firsts, clusters, strict=True)
        ]
    if VERIFY_SHARED:
        for hit, d in zip(hits, got, strict=True):
            if d != _decided(doc, hit):
                raise AssertionError(f"a shared decision differs at {doc.path}:{hit.line + 1}")
    return got


# A kind of line whose hits are decided each as ``decide`` decides it (``decide_line``)
_ALONE: dict[tuple[tuple[str, ...], ...], list[Decision | None]] = {}


# What ``decide`` reads of a value label's cluster (``Hit.cluster``: the other labels
# of its value set within 2 lines) but the labels themselves: how many there are, as
# none, one, or two and more (``_value_may_count`` and ``scope_of`` ask for two or
# more; ``any(cluster)`` for one or more, a label is never empty; the context's support
# counts them, read only as ``support == 0``), and whether a yellow or another colour's
# label is among them (``_colour_races``).  The labels themselves are read only as the
# detail of the value set's signal (``_gate``'s, of weight VALUE_SET_WEIGHT; the other
# value-set signals weigh 0.1): hits whose clusters differ but in that are decided
# alike but for that detail (``_with_cluster``).  None and one label are kept apart:
# with none, that signal names the trait words near instead.
_ClusterClass = tuple[int, bool, bool]


def _cluster_class(cluster: tuple[str, ...]) -> _ClusterClass:
    """What ``decide`` reads of ``cluster`` but the labels themselves (see above)."""
    labels = {w.lower() for w in cluster}
    return (
        min(len(cluster), 2),
        bool(labels & _YELLOW_LABELS),
        bool(labels & _OTHER_COLOUR_LABELS),
    )


def _with_cluster(
    work: SharedWork, d: Decision | None, first: tuple[str, ...], cluster: tuple[str, ...]
) -> Decision | None:
    """The decision ``d`` of a hit whose cluster is ``first``, as a hit that differs
    from it only in its cluster, ``cluster`` (of the same ``_cluster_class``), is
    decided: the same, its value set's signal naming ``cluster``.  Made once for each
    decision and cluster."""
    if d is None or cluster == first:
        return d
    got = work.clustered.get((id(d), cluster))
    if got is None or got[0] is not d:
        old = _sig(SignalName.VALUE_SET, VALUE_SET_WEIGHT, list(first))
        new = _sig(SignalName.VALUE_SET, VALUE_SET_WEIGHT, list(cluster))
        signals = tuple(new if s == old else s for s in d.signals)
        made = replace(d, signals=signals)
        got = work.clustered[(id(d), cluster)] = (d, made)
    return got[1]


def _line_hits_key(
    doc: Document, hits: Sequence[Hit]
) -> tuple[tuple[object, ...], tuple[tuple[str, ...], ...]] | None:
    """What the hits of one line share with another line's, for ``decide_line``: the
    line's part of ``decision_key`` (the number of its facts, its masked text and
    whether its record holds codes) and each hit's place on it, its term and what it
    learnt from its neighbours, its cluster as ``_cluster_class`` tells it; and the
    hits' clusters.  None where the line's hits are decided each alone (a hit in a
    comment or a schema's container, a line ``_line_key`` gives none)."""
    work = _shared_work(doc)
    i = hits[0].line
    got = work.lines.get(i, _UNDECIDED)
    if got is _UNDECIDED:
        got = work.lines[i] = _line_key(doc, work, i)
    if got is None:
        return None
    line_key: _LineKey = got  # type: ignore[assignment]
    number, raw, _, _, start, _, codes = line_key
    key: list[object] = [number, raw, codes]
    terms = work.terms
    classes = work.cluster_classes
    clusters: list[tuple[str, ...]] = []
    for h in hits:
        if h.place is not None or h.in_comment or h.line != i:
            return None
        term = h.term
        term_key = terms.get(id(term))
        if term_key is None:
            term_key = terms[id(term)] = _term_key(term)
        cluster = h.cluster
        clusters.append(cluster)
        near: object = h.near  # (its number stands for what it learnt: one for equal ones)
        if h.near < 0:
            cls = classes.get(cluster)
            if cls is None:
                cls = classes[cluster] = _cluster_class(cluster)
            near = (cls, h.trait_words_near, h.traits_near, h.religion_near, h.table)
        key.append(
            (
                h.start - start,
                h.end - start,
                id(term),
                near,
                # a place's name reads 40 and 48 characters each side, numbers and all
                term_key[1] and _names_no_people(doc, h, work),
            )
        )
    return tuple(key), tuple(clusters)


def _first_of_its_kind(doc: Document, hits: Sequence[Hit]) -> tuple[list[Decision | None], bool]:
    """The decisions of the first line of its ``_line_hits_key``, as ``decide`` makes
    them, and whether the lines of that key may share them: every hit has a
    ``decision_key`` and all of its key that reads past the line is known from the
    line (``_read_on_the_line``)."""
    work = _shared_work(doc)
    out: list[Decision | None] = []
    shared = True
    for hit in hits:
        key = decision_key(doc, hit)
        if key is None:
            out.append(_decided(doc, hit))
            shared = False
            continue
        out.append(_keyed(doc, work, key, hit))
        shared = shared and _read_on_the_line(doc, work, hit)
    return out, shared


def _read_on_the_line(doc: Document, work: SharedWork, hit: Hit) -> bool:
    """Does all that ``_hit_facts`` and ``_around_facts`` read for ``hit`` (a hit with a
    ``decision_key``) stand on its line, so that a line of the same ``_line_hits_key``
    gives the hit at the same place the same answers?  Each of ``_READS_PAST_THE_LINE``
    reads the line's masked text (a number masked stands as digits), the places of the
    hit on it, its term and what the text holds at all, so its answer is the same for
    every line of one key."""
    line_key: _LineKey = work.lines[hit.line]  # type: ignore[assignment]
    return not any(past(doc, work, hit, line_key) for past in _READS_PAST_THE_LINE)


def _past_gloss(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """A gloss read 80 characters each side, past the line's ends."""
    _, _, _, _, start, end, _ = line_key
    return bool(work.glosses) and (hit.start - 80 < start or hit.end + 80 > end)


def _past_definition(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """A column's default: the definition's name read up to PARAMETERS_REACH back."""
    return work.definitions


def _past_code_table(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """A code table's lines of digits, read in the record."""
    return bool(hit.table)


def _past_quotes(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """A name lookup's line and a sentence's quoted phrase, quoted numbers and all."""
    own = line_key[3]
    return bool(own[0] or own[1])


def _past_a_blank(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """ "... from their names": 80 characters read on, after a blank."""
    return doc.text[hit.end : hit.end + 1].isspace()


# How far ``_IDENT_KEY`` reads at most: up to the first character after these (the one
# that is or is not ``:`` or ``=``; backtracking reads no further)
_IDENT_KEY_READS = re.compile(r"""\w*["']?\s*""")


def _past_ident_key(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """``_IDENT_KEY`` at the hit's end, read over line breaks up to 64 characters on,
    and ``_IS_KEY`` with it: it reads no further (its quote and blanks, where no word
    character follows the hit; else the character after the hit alone)."""
    reads = _IDENT_KEY_READS.match(doc.text, hit.end).end()  # type: ignore[union-attr]
    return reads >= line_key[5] or reads >= hit.end + 64


def _past_population(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """``_key_population`` past its first test (the characters beside the hit): the
    lines around read for categories of watched people."""
    t = hit.term
    after = doc.text[hit.end : hit.end + 1]
    return t.capability is None and ("\u4e00" <= after <= "\u9fff" or t.kind is TermKind.GROUP)


def _past_religions(doc: Document, work: SharedWork, hit: Hit, line_key: _LineKey) -> bool:
    """A religion's option: the other religions read on the lines around."""
    return hit.term.trait is Trait.RELIGION and hit.term.kind is TermKind.GROUP


# What ``_hit_facts`` and ``_around_facts`` may read past a hit's line (a place's name,
# 40 and 48 characters each side, is in ``_line_hits_key`` itself)
_READS_PAST_THE_LINE: tuple[Callable[[Document, SharedWork, Hit, _LineKey], bool], ...] = (
    _past_gloss,
    _past_definition,
    _past_code_table,
    _past_quotes,
    _past_a_blank,
    _past_ident_key,
    _past_population,
    _past_religions,
)


def _decided(doc: Document, hit: Hit) -> Decision | None:
    """``decide``, for this hit alone."""
    located = _located(doc, hit)
    if located is None:
        return None
    ctx = shared_context(doc, hit, *located)
    gate = _gate(doc, hit, ctx)
    if gate is None:
        return None
    chosen = _capability(doc, hit, ctx)
    if chosen is None:
        return None
    cap, basis, sig = _adjusted(doc, hit, ctx, chosen)
    return _scored(hit, ctx, cap, basis, gate + sig)


def _located(doc: Document, hit: Hit) -> tuple[Scope, str] | None:
    """The hit's scope and line, or None when where it stands sorts no one: a value
    label alone, a place or language name, mangling codes, a word of a dictionary or a
    translation, an emoji's name, a glossary entry, a host name."""
    t = hit.term
    if t.kind is TermKind.VALUE and not _value_may_count(hit):
        return None  # first, before any context is read: most value labels stop here
    if (
        doc.is_locale_bundle
        and t.capability is None
        and t.kind is not TermKind.BOOLEAN
        and doc.file_count(Category.FACE) + doc.file_count(Category.SURVEILLANCE) < 2
    ):
        # one language's strings of a program's translations: labels, no one; a camera's
        # or a police system's labels (维族告警, a face's 肤色) still show what it does
        return None
    if _names_no_people(doc, hit):
        return None  # 广西壮族自治区, 维吾尔语, Language-Team: Uyghur
    if (
        t.trait is Trait.RELIGION
        and t.capability is None
        and (_names_a_place(doc, hit) or _names_places(hit.place, doc.text, hit))
    ):
        return None  # PLACE_RELIGION, religiousPlaces, 宗教场所: a kind of place, not faith
    if _across_mangled_names(doc, hit):
        return None  # type_caster...4castES2_: "cast" then mangling codes, not "castes"
    if _in_encoded_blob(doc.text, hit.start, hit.end):
        return None  # ``...k3lgbT2W2i7F...``: letters of a base64 blob (an image, a font)
    line_text = doc.local_line(hit.line, hit.start)
    scope = scope_of(doc, hit, line_text)
    if scope is ENTRY_SCOPE or scope is PACKED_SCOPE:
        entry = _entry_scope(doc, hit, line_text, packed=scope is PACKED_SCOPE)
        if entry is None:
            return None  # a word of a dictionary, word list or translation: sorts no one
        scope = entry
    if scope is RECORD_SCOPE and doc.suffix in ROW_SUFFIXES:
        scope = ROW_SCOPE
    if doc.suffix in CONFIG_SUFFIXES and _tags_a_word(doc, hit):
        return None  # religious = {...} of a title word in a vocabulary: no person's trait
    if has_emoji(line_text) and t.capability is not Capability.TARGETING:
        return None  # an emoji's name or table row (skin tones, person with turban)
    if _glossed(doc, hit):
        return None  # a glossary entry: the term with its gloss, defined, not used
    if t.lang == "en" and looks_like_domain(doc, hit):
        return None
    return scope, line_text


# The weight of a value label's signal of its value set (``_with_cluster`` finds it)
VALUE_SET_WEIGHT = 0.15


def _gate(doc: Document, hit: Hit, ctx: Context) -> tuple[Signal, ...] | None:
    """Is this the protected sense at all?  None when the context says no; else the
    signals that said yes."""
    t = hit.term
    if t.language and ctx.language:
        return None  # Uyghur, Tibetan as a language or script on this very line
    sig: list[Signal] = []
    if t.kind is TermKind.VALUE:
        if not (
            hit.trait_words_near
            or ctx.face_words
            or ctx.model
            or ctx.analysis
            or ctx.declared
            or ctx.clinical
            or ctx.attrs
            or ctx.surv
        ):
            return None  # a list of labels with nothing about people (cuisines, regions)
        sig.append(
            _sig(
                SignalName.VALUE_SET,
                VALUE_SET_WEIGHT,
                list(hit.cluster) or list(hit.trait_words_near),
            )
        )
    if t.kind is TermKind.MARKER:
        # a beard or a headscarf among a face's other attributes (glasses, mask, age) is
        # one more thing a camera sees: an alarm's face record is no sign of religion
        among_attributes = len(set(ctx.attrs) - {t.text}) >= 2
        watched = (ctx.alert or (ctx.surv and t.text != "beard")) and not among_attributes
        if not (hit.religion_near or watched):
            return None
        sig.append(
            _sig(
                SignalName.RELIGION_OR_ALERT_NEAR,
                0.1,
                "religion" if hit.religion_near else ctx.alert,
            )
        )
    if (
        t.trait is Trait.SKIN_COLOUR
        and (ctx.emoji or ctx.emoji_software)
        and not (ctx.model or ctx.surv or ctx.alert)
    ):
        return None  # an emoji's skin tone; its names (grinning face, smile) are no face data
    if ctx.moderation and not ctx.alert:
        return None  # a moderation or compliance list: words to catch, not people
    if (
        ctx.lookalike
        and (t.ambiguous or t.kind in (TermKind.WORD, TermKind.VALUE, TermKind.GROUP))
        and not (
            t.capability is Capability.TARGETING
            and (ctx.country_only or not (hit.table or ctx.scope is PACKED_SCOPE))
        )
    ):
        # (a term that itself singles people out, 外籍维族, 涉疆人员, keeps its verdict
        # beside a country, a nationality or a map's words: a foreign national is still a
        # person; as an entry of a phrase table it is a word like the others)
        strong = (
            len(ctx.model)
            + len(ctx.surv)
            + len(ctx.alert)
            + (2 if ctx.face else 0)
            + len(ctx.attrs)
        )
        if ctx.lookalike_line or strong <= len(ctx.lookalike):
            return None
    if (
        (t.ambiguous or t.kind in (TermKind.FIELD, TermKind.WORD))
        and ctx.game_module
        and not (ctx.surv or ctx.alert or ctx.face)
    ):
        # a game's races and its Religion skill, a motor race: the module's code is a
        # game's or a sport's, its characters are no one (and its "classified" results,
        # scores and predictions are a game's)
        return None
    if t.ambiguous and ctx.support == 0:
        return None
    if t.needs and not any(ctx.evidence.near(c) for c in t.needs):
        return None  # ``nation`` of a country: the term is the trait only beside an ID card
    if (
        t.ambiguous
        and t.kind is TermKind.WORD
        and not hit.trait_words_near
        and doc.is_word_list(hit.line)
    ):
        return None  # one word of a word list: its neighbours are not its context
    if (
        doc.is_phrase_list(hit.line)
        and t.capability is not Capability.TARGETING
        and t.kind is not TermKind.BOOLEAN
    ):
        return None  # a binary's dictionary or keyword table (emoji names, locale names)
    return tuple(sig)


def _capability(doc: Document, hit: Hit, ctx: Context) -> Choice | None:
    """How the trait is used, from what its scope shows; None for a sense that is not
    the protected one after all (a language, an ambiguous word with nothing about it)."""
    t = hit.term
    sig: list[Signal] = []
    if ctx.face:
        sig.append(_sig(SignalName.FACE_CONTEXT, 0.1, ctx.face))
    elif ctx.file_face:
        sig.append(_sig(SignalName.FACE_CONTEXT_IN_FILE, 0.05, "face words elsewhere in this file"))
    if ctx.attrs:
        sig.append(_sig(SignalName.FACE_ATTRIBUTE_SIBLINGS, 0.1, ctx.attrs))
    if hit.table:
        sig.append(_sig(SignalName.CODE_TABLE, 0.1, list(hit.table)))
    if (
        t.capability is None
        and t.kind is not TermKind.BOOLEAN
        and (kind := _bias_kind(doc.text, hit.start, hit.end))
    ):
        # ``bias:race``, "racial bias": a kind of biased text a red-team test or a
        # benchmark probes a model for, named by the trait; no person's trait is held
        s = _sig(SignalName.HARMFUL_CONTENT_CATEGORY, 0.15, kind)
        return Capability.MENTION, None, (*sig, s)
    if not doc.is_prose and (watched := _key_population(doc, hit)):
        # 民族宗教人员 among 吸毒人员 and 刑释人员, 少数民族 on a chart of 在逃人员 and 前科人员: a
        # key population, a group of people kept watch on for the trait
        s = _sig(SignalName.KEY_POPULATION_CATEGORY, 0.15, f"listed with {watched}")
        return Capability.TARGETING, None, (*sig, s)
    if (
        t.trait is Trait.RELIGION
        and not (doc.is_prose or ctx.textual)
        and (illegal := _ILLEGAL_FAITH.search(doc.text, max(0, hit.start - 16), hit.start))
    ):
        # ``keyAssistantIllegalReligion``, 非法宗教人员, 非正规伊斯兰教活动点: people or places
        # watched for a faith the state does not allow, a category of key persons
        s = _sig(SignalName.KEY_POPULATION_CATEGORY, 0.1, f"{illegal.group(0)}…")
        return Capability.TARGETING, None, (*sig, s)
    if t.capability is Capability.TARGETING or t.kind is TermKind.BOOLEAN:
        chosen: Choice | None = (
            Capability.TARGETING,
            None,
            (_sig(SignalName.TARGETING_TERM, 0.2, t.text),),
        )
    elif t.kind is TermKind.GROUP and not hit.table:
        if charted := _charted(doc, hit, ctx):
            chosen = charted
        elif (
            not (doc.is_prose or doc.is_data)
            and not (ctx.textual and not doc.comment_lines[hit.line])
            and (against := _one_group_enum(doc, hit))
        ):
            # ``UYGUR = 1,  # 维族(新疆)`` among UNKNOWN, OTHER: the one value a camera's
            # attribute sorts a face into, or not
            s = _sig(SignalName.ONE_GROUP_VALUES, 0.15, against)
            chosen = (Capability.TARGETING, None, (s,))
        else:
            chosen = _of_group(doc, hit, ctx)
    else:
        chosen = _by_use(doc, hit, ctx)
        if chosen is None:
            chosen = _by_context(doc, hit, ctx)
        elif chosen[0] is Capability.SEARCH and all(s.name in STATEMENT_ONLY for s in chosen[2]):
            # a search of one statement (a condition, a tally) gives way to the search
            # its context shows of the module (a capture index's query words around it),
            # which its module's other fields of the trait share
            around = _by_context(doc, hit, ctx)
            if around is not None and around[0] is Capability.SEARCH:
                chosen = around
    if chosen is None:
        return None
    cap, basis, more = chosen
    return cap, basis, (*sig, *more)


# The catalogue's rule of the minorities named as one group, apart from the majority
# (少数民族, 非汉族): in Chinese administrative code the state's category of people
_MINORITIES_AS_ONE = frozenset({"group-ethnic-minority"})


def _of_group(doc: Document, hit: Hit, ctx: Context) -> Choice | None:
    """A named group (Uyghur, 维族, Muslims): alerted on, tested in code, recognised,
    counted, recorded, or only mentioned."""
    t = hit.term
    cond = (
        ctx.scope.kind == "code"
        and not hit.in_comment
        and bool(_CONDITION.search(ctx.line))
        # ``<option <?php if ($r['minzu'] == '塔吉克族') ?>selected>``: the test restores
        # the option a form had chosen, one of every group's; it singles no one out
        and not _SELECTS_AN_OPTION.search(ctx.line)
    )
    recognised = ctx.face + ctx.model + ctx.surv + ctx.analysis
    if ctx.alert:
        return Capability.TARGETING, None, (_sig(SignalName.ALERT_ACTION, 0.2, ctx.alert),)
    if cond:
        return (
            Capability.TARGETING,
            None,
            (_sig(SignalName.GROUP_CONDITION, 0.2, "the group is tested in code"),),
        )
    if ctx.face or ctx.model or (ctx.biometric and ctx.analysis) or ctx.surv:
        if t.trait is Trait.RELIGION:
            # (a model over names, ``muslim_score`` of a module about surnames and full
            # names: a faith guessed from a name)
            basis = (
                Basis.BIOMETRIC
                if ctx.biometric
                else Basis.NAME
                if ctx.name or ctx.file_name
                else Basis.UNKNOWN
            )
            return (
                Capability.INFERENCE,
                basis,
                (_sig(SignalName.RELIGION_LABEL_FROM_MODEL, 0.15, recognised),),
            )
        return Capability.TARGETING, None, (_sig(SignalName.GROUP_RECOGNITION, 0.15, recognised),)
    if ctx.counting and (ctx.file_surv or ctx.file_face):
        return Capability.TARGETING, None, (_sig(SignalName.GROUP_COUNTED, 0.15, ctx.counting),)
    if _code_or_page_title(doc, ctx) and (counted := _counted_by(doc, hit)):
        # a statistic of this one group (少数民族统计, 少数民族人数, a chart of 涉疆人员 by
        # region), in any software: the group is counted apart from everyone else
        return Capability.TARGETING, None, (_sig(SignalName.GROUP_COUNTED, 0.15, counted),)
    if (
        t.rule_id in _MINORITIES_AS_ONE
        and t.lang == "zh"
        and ctx.scope.kind == "code"
        and not (hit.in_comment or ctx.textual or doc.is_prose)
    ):
        # 少数民族 in code: a flag, an option, a category, a column of people kept apart
        # from the majority, every minority as one (a personnel system's 少数民族 check
        # box, a population register's minority mark)
        s = _sig(SignalName.KEY_POPULATION_CATEGORY, 0.1, "the minorities as one category")
        return Capability.TARGETING, None, (s,)
    if ctx.declared or ctx.clinical:
        return (
            Capability.RECORD,
            None,
            (_sig(SignalName.DECLARED_DATA, 0.05, ctx.declared + ctx.clinical),),
        )
    if (
        t.trait is Trait.ETHNIC_GROUP
        and t.lang != "zh"
        and (not hit.in_comment or (t.language and not (hit.trait_words_near or hit.traits_near)))
    ):
        # Tibetan, Uyghur as a language, script, breed or label: no people sorted; in
        # prose, a mention only beside another word about people's traits.  A data object
        # named for the group (an index ``..._fgn_uygur``, a ``uighurList``) holds people.
        if not (hit.in_comment or ctx.language or ctx.textual) and _part_of_a_name(doc, hit):
            return (
                Capability.RECORD,
                None,
                (_sig(SignalName.GROUP_AS_DATA, 0.0, "a data object named for the group"),),
            )
        return None
    if not hit.in_comment and not ctx.prose and t.trait is Trait.ETHNIC_GROUP:
        return (
            Capability.RECORD,
            None,
            (_sig(SignalName.GROUP_AS_DATA, 0.0, "named in code or data"),),
        )
    if (control := _form_control(doc, hit)) is not None:
        return Capability.RECORD, None, (_sig(SignalName.FORM_FIELD, 0.05, control),)
    if (
        t.trait is Trait.RELIGION
        and not (doc.is_prose or hit.in_comment or ctx.textual)
        and (faiths := _other_religions(doc, hit))
    ):
        # 伊斯兰教 among 佛教, 道教 and 基督教 in a template's or a dictionary's options: one
        # value of a person's religion field, as 汉族 among the 民族 is
        return Capability.RECORD, None, (_sig(SignalName.VALUE_SET, 0.1, faiths),)
    return Capability.MENTION, None, ()


# The names of religions, as the options of a religion field list them.
_RELIGION_NAMES = re.compile(
    r"佛教|道教|基督教|天主教|东正教|犹太教|印度教|伊斯兰教|新教|喇嘛教|耶稣教"
    r"|\b(?:Buddhis[mt]|Christian(?:ity)?|Catholic|Protestant|Hindu(?:ism)?|Judaism|Jewish"
    r"|Islam|Muslim|Taois[mt]|Sikh(?:ism)?|Orthodox)\b",
    re.IGNORECASE,
)
RELIGIONS_REACH = 3  # lines each side that hold a list's other options


def _other_religions(doc: Document, hit: Hit) -> list[str]:
    """The other religions named within a few lines of the hit, when there are at least
    two: the hit is one option of a list of religions."""
    found = _named_around(doc, hit, _RELIGION_NAMES, RELIGIONS_REACH)
    # a bare option on its line (a template's or a binary's strings) needs one more; a
    # line that says more, two
    bare = _line_near(doc, hit.line, hit.start).strip(" \t\"',;") == doc.text[hit.start : hit.end]
    return found[:4] if len(found) >= (1 if bare else 2) else []


# People's gender beside an ambiguous word says it is about people too
_GENDER = re.compile(r"\b(?:genders?|sexes)\b", re.IGNORECASE)


# A page's file named for a search: ``primary-info-search.jsp``, ``queryPerson.html``,
# ``personFilter.vue``, ``人员查询.html`` (not a search's results: ``searchResult.jsp``)
_SEARCH_PAGE_NAME = re.compile(
    rf"(?:^|[^a-z])(?:{_SEARCH_EN})(?![a-z])|(?<=[a-z])(?:Search|Query|Filter)(?![a-z])"
    rf"|^(?:search|query|filter)(?=[A-Z])|{_SEARCH_ZH}"
)
_NOT_SEARCH_PAGE = re.compile(
    r"(?:^|[^A-Za-z]|(?<=[a-z])(?=[A-Z]))"
    r"(?:[Rr]esults?|[Dd]etails?|[Ee]dit|[Aa]dd|[Ss]ave|[Uu]pdate|[Rr]egist(?:er|ration)?"
    r"|[Ss]ign_?[Uu]p|[Pp]rofile|[Ee]nrol+(?:ment)?|[Nn]ew|[Cc]reate)(?![a-z])"
)


# A page's control or its label, in its markup or a component's options: ``<label
# class="layui-form-label">民族</label>``, ``<el-form-item label="民族">``, ``<select``,
# ``label: '民族'``
_PAGE_CONTROL = re.compile(
    r"<(?:label|select|option|input|el-form-item|el-select|el-option|a-form-item|a-select"
    r"|Form\.Item)\b|\blabel\s*[=:]\s*[\"']",
    re.IGNORECASE,
)
_TABLE_COLUMN = re.compile(r"(?i)table-column|<t[hd]\b|\bcol(?:umn|Model)|\btitle\s*:")
_PAGE_SOURCE_SUFFIXES = frozenset(
    {".jsp", ".vue", ".php", ".aspx", ".cshtml", ".ftl", ".tpl", ".jsx", ".tsx"}
)


def _page_control(doc: Document, hit: Hit) -> str:
    """The form control the hit labels on a page (in its markup, or a page's source),
    or ""."""
    if doc.is_prose:
        return _form_control(doc, hit) or ""
    if doc.suffix not in _PAGE_SOURCE_SUFFIXES or (hit.in_comment and doc.comment_lines[hit.line]):
        return ""
    line = _line_near(doc, hit.line, hit.start)
    if _TABLE_COLUMN.search(line):
        return ""  # a column of the results' table: what was found, shown
    m = _PAGE_CONTROL.search(line)
    return f"a form's {m.group(0)}" if m else ""


def _search_page(doc: Document) -> str:
    """The file name of a page named for a search, or ""."""
    name = base_name(doc.path)
    stem = name.rsplit(".", 1)[0]
    if _SEARCH_PAGE_NAME.search(stem) and not _NOT_SEARCH_PAGE.search(stem):
        return name
    return ""


def _form_control(doc: Document, hit: Hit) -> str | None:
    """A page's label or option beside a form control (``民族：`` over ``<select``, an
    ``<option>`` of 汉族), or a field a page shows (the term alone, or with its colon, as
    an element's text): a field of a form people fill in, not a sentence."""
    if not doc.is_prose:
        return None  # code reads its own tags: they are its statements
    if is_sentence_value(doc.local_line(hit.line, hit.start).strip()):
        return None  # a paragraph beside a form is still a paragraph
    m = _FORM_CONTROL.search(doc.record_text(hit.line, hit.start))
    if m is not None:
        return f"a form's {m[0]}>"
    if doc.suffix in _PAGE_SUFFIXES and _labels_a_field(doc, hit):
        return "a page's field"  # a detail view's ``<span>民族：</span>``, its value 汉族
    return None


def _part_of_a_name(doc: Document, hit: Hit) -> bool:
    """Is the term one part of a longer identifier (``rec_fgn_uygur``, ``uighurList``,
    ``tibetan_persons``), not a word standing alone?"""
    text = doc.text
    before = text[hit.start - 1] if hit.start > 0 else ""
    after = text[hit.end] if hit.end < len(text) else ""
    if before == "_" and (hit.start < 2 or text[hit.start - 2].isalnum()):
        return True
    return (after == "_" and text[hit.end + 1 : hit.end + 2].isalnum()) or (
        after.isascii() and after.isupper()
    )


# What a model is trained to tell: ``target_classes``, ``target_col``, ``label_column``,
# ``y_col``, ``target = ...``.
_TRAINING_TARGET = re.compile(
    r"(?i:target_?(?:class(?:es)?|col(?:umn)?s?|var(?:iable)?s?|labels?)"
    r"|\b(?:label|y)_?col(?:umn)?s?\b)|\btarget\s*="
)


# A faith named unlawful right before the term: ``IllegalReligion``, ``illegal_religion``,
# 非法宗教, 非正规伊斯兰教活动点 (an informal mosque), 地下教会.
_ILLEGAL_FAITH = re.compile(r"(?:(?i:illegal|unlawful)[_ ]?|非法|非正规|地下)$")


# The signals of a capability one statement shows, which no other field of its module
# shares: records split by race in one function make no other column of the module a
# search (analyse's promotion within a file skips them too).
STATEMENT_ONLY = frozenset(
    {SignalName.RECORDS_SPLIT_BY_TRAIT.value, SignalName.RECORDS_FILTERED_BY_TRAIT.value}
)


# A fitted model's estimate for one value of the trait, as R and statsmodels print it:
# the variable's name glued to the level (``ethnicityASIAN``, ``raceBlack``,
# ``factor(race)Black``) or patsy's treatment code (``C(race)[T.Black]``), the row's label
# of a coefficients table.
_ESTIMATE_LABEL = re.compile(
    r"(?<![A-Za-z])(?:(?:C|factor|as\.factor)\(\s*)?[a-z_.]*"
    r"(?:race|ethnicity|ethnic|religion|caste|skin_?colou?r|skin_?tone)"
    r"(?:\s*,[^()\n]{0,40})?\)?(?:\[T\.|(?=[A-Z]))"
    # (not a column's own name: ``raceCode``, ``religionID`` in a table of statistics of
    # each column, R's ``psych::describe``)
    r"(?!(?:Code|Codes|ID|Id|Num|No|Name|Cat|Score|Group|Label|Desc)(?![a-z]))"
)
# ... its row: the label, then the estimates (numbers, stars, a p-value's ``<``), in
# knitr's (``##``) or reprex's (``#>``) output or a Markdown table's cells
_ESTIMATE_ROW_PREFIX = re.compile(r"^\s*(?:##|#>)?[\s|]*(?:\d+\s+)?")
_ESTIMATE_LABEL_END = re.compile(r"\s{2,}|\t|\|")
# (each cell ends at a space, a pipe or the line's end, and a space belongs to a cell
# only after its sign: a run of digits or of spaces is read one way, never split into
# many, which would make a row that fails at its end take exponential time to refuse)
_ESTIMATES = re.compile(
    r"^[\s|]*(?:[(\[]?(?:(?:[-+<>]\s?)?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?%?|\*{1,3}|NA|NaN"
    r"|-?Inf|\.)[)\],]?(?:[\s|]+|$))+$"
)
_DECIMAL = re.compile(r"\d\.\d|\d[eE][-+]?\d")


def _estimate_per_value(doc: Document, hit: Hit) -> str:
    """The row label of a model's estimate the hit stands in (``ethnicityASIAN   -0.31
    0.19 -1.61 0.107``, ``C(race)[T.Black]  0.41 ...``), with its estimates on the row or
    on the next line (a wide table wrapped); or "".  A statistic of people per value of
    the trait, every value alike."""
    text = doc.text
    after = text[hit.end : hit.end + 1]
    before = text[hit.start - 1 : hit.start] if hit.start else ""
    if not (after.isupper() or after in (")", "[", ",") or before.islower() or before == "."):
        return ""
    line = _line_near(doc, hit.line, hit.start)
    at = hit.start - doc.local_start(hit.line, hit.start)
    head = _ESTIMATE_ROW_PREFIX.match(line)
    m = _ESTIMATE_LABEL.match(line, head.end() if head else 0)
    if m is None:
        return ""
    end = _ESTIMATE_LABEL_END.search(line, m.end())
    label_end = end.start() if end else len(line)
    if not m.start() <= at < label_end:
        return ""
    rest = line[label_end:]
    if rest.strip(" \t|"):
        if _ESTIMATES.match(rest) and _DECIMAL.search(rest):
            return line[m.start() : label_end]
        return ""
    if hit.line + 1 < doc.line_count:
        below = _line_near(doc, hit.line + 1, -1)
        lead = _ESTIMATE_ROW_PREFIX.match(below)
        nums = below[lead.end() if lead else 0 :]
        if nums.strip() and _ESTIMATES.match(nums) and _DECIMAL.search(nums):
            return line[m.start() : label_end]
    return ""


# A form's opening tag, and what makes it no query: a POST, a handler of its own (an
# ``onsubmit``'s or a framework's ``@submit`` code: the script decides what is sent)
_FORM_OPEN = re.compile(r"<form\b", re.IGNORECASE)
_FORM_CLOSE = re.compile(r"</form\b", re.IGNORECASE)
_NOT_A_QUERY_FORM = re.compile(r"\bpost\b|submit|\(", re.IGNORECASE)  # (@submit, ngSubmit too)
_CONTROL_TAG = re.compile(r"<(?:select|input|textarea)\b", re.IGNORECASE)
FORM_REACH = 60  # lines above a control that its form's opening tag stands within
_FORM_PAGE_SUFFIXES = PAGE_TEXT_SUFFIXES | {".jsp", ".php", ".ftl", ".tpl", ".erb", ".j2"}


def _get_form_control(doc: Document, hit: Hit) -> str:
    """The form the hit's control sends by GET (``<form>`` or ``<form method="get">``
    over ``Driver Race: <select name="driver_race" multiple>`` and its options): the
    browser puts each control's value in the URL's query, the page's list is filtered by
    them; or ""."""
    if doc.suffix not in _FORM_PAGE_SUFFIXES or not doc.holds_tags:
        return ""
    if _NOT_SEARCH_PAGE.search(base_name(doc.path).rsplit(".", 1)[0]):
        return ""  # a page named for editing or registering a person asks for the field
    if hit.in_comment and not doc.is_prose:
        return ""
    line = _line_near(doc, hit.line, hit.start)
    control = hit.line if _CONTROL_TAG.search(line) else None
    if control is None and _OPTION_TAG.search(line):
        for i in range(hit.line - 1, max(-1, hit.line - 1 - TAG_REACH), -1):
            text = _line_near(doc, i, -1)
            if _SELECT_TAG.search(text):
                control = i
                break
            if not _OPTION_TAG.search(text):
                return ""
    if control is None:
        return ""
    for i in range(control, max(-1, control - FORM_REACH), -1):
        text = _line_near(doc, i, -1)
        if i != control and _FORM_CLOSE.search(text):
            return ""
        if m := _FORM_OPEN.search(text):
            if _NOT_A_QUERY_FORM.search(_form_tag(doc, i, text[m.end() :])):
                return ""
            return "a control of a form sent by GET"
    return ""


FORM_TAG_LINES = 4  # lines a form's opening tag, its attributes, may run over
_TAG_EDGE = re.compile(r"[<>]")  # a tag's end, or (in a page's visible text) the next one


def _form_tag(doc: Document, i: int, rest: str) -> str:
    """The attributes of the form tag opened on line ``i`` (``rest``: the line after
    ``<form``), read on to the tag's ``>`` or, in a page's visible text where tags are
    blanked, to the next tag kept (``<input``, ``<select``): FORM_TAG_LINES at most."""
    out = [rest]
    j = i
    while not _TAG_EDGE.search(out[-1]) and j + 1 < min(doc.line_count, i + FORM_TAG_LINES):
        j += 1
        out.append(_line_near(doc, j, -1))
    text = " ".join(out)
    end = _TAG_EDGE.search(text)
    return text[: end.start()] if end else text


# A URL's query parameter named for the trait: ``Patient?race=2054-5``,
# ``/stops?year=2020&driver_race=B``, ``${base}/people?ethnicity=${e}``
_URL_QUERY_BEFORE = re.compile(r"""[\w/}\]]\?(?:[\w.\-\[\]]+=[^&\s"'`<>]*&(?:amp;)?)*[\w.\-]*$""")
# A criteria object of a definition kept as data (an OHDSI cohort's
# ``"DemographicCriteriaList": [{"Race": [...]}]``, ``"InclusionRules"``, a filter's
# ``"where": {...}``): the people the definition selects
_CRITERIA_OWNER = re.compile(
    r"""(?:^|[\s{,\["'])((?:[A-Z]\w*)?(?:Criteria(?:List)?|Filters?|InclusionRules?)|criteria|filters?|where)"""
    r"""["']?\s*:\s*[\[{]\s*$"""
)
CRITERIA_LEVELS = 4  # openers walked up from a member to its criteria's


def _url_query_parameter(doc: Document, hit: Hit) -> str:
    """The URL whose query names the trait as a parameter (``Patient?race=...``), or
    ""."""
    text = doc.text
    if text[hit.end : hit.end + 1] != "=":
        return ""
    start = doc.line_start(hit.line)
    m = _URL_QUERY_BEFORE.search(text, max(start, hit.start - 160), hit.start)
    return f"a URL's query parameter ({text[m.start() + 1 : hit.end + 1]})" if m else ""


def _criteria_member(doc: Document, hit: Hit) -> str:
    """The criteria object of a definition kept as data that the hit's line is a member
    of, up to CRITERIA_LEVELS openers up (``"Race": [...]`` in an OHDSI cohort's
    ``DemographicCriteriaList``); or ""."""
    if doc.suffix not in (".json", ".yaml", ".yml"):
        return ""
    line = hit.line
    lowest = hit.line - COLLECTION_REACH
    for _ in range(CRITERIA_LEVELS):
        i = _opener_above(doc, line, lowest)
        if i is None:
            return ""
        if m := _CRITERIA_OWNER.search(_line_near(doc, i, -1)):
            return f"a member of the criteria {m.group(1)}"
        line = i
    return ""


def _charted(doc: Document, hit: Hit, ctx: Context) -> Choice | None:
    """Search, when the hit in code is a chart's category (``legend: {data: ['汉族',
    '回族']}``, ``{name: '回族', type: 'bar'}``): people counted per group on a chart,
    every group alike."""
    if ctx.scope.kind != "code" or hit.in_comment or not (chart := _chart_category(doc, hit)):
        return None
    s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, f"a chart of people per group: {chart}")
    return Capability.SEARCH, None, (s,)


def _by_use(doc: Document, hit: Hit, ctx: Context) -> Choice | None:
    """A capability the statement itself shows: a label compared, a confidence field, a
    name model's output, a lookup by name, a split or filter of records, a query
    parameter.  None when the statement shows none."""
    t = hit.term
    code = ctx.scope.kind == "code" and not hit.in_comment
    if code and _excludes_the_majority(doc, hit):
        # ``WHERE minzu != "汉族"``: the majority's name, left out of a query, leaves the
        # minorities singled out
        s = _sig(SignalName.GROUP_COUNTED, 0.1, "the majority excluded from a query")
        return Capability.TARGETING, None, (s,)
    if t.kind is TermKind.VALUE and not doc.is_prose and (rest := _set_against_the_rest(doc, hit)):
        # ``privileged_classes=[["Caucasian"]]``, ``return "White"`` ... ``return
        # "Non-White"``: one group set apart from every other, the rest lumped together
        s = _sig(SignalName.GROUP_COMPARED, 0.15, f"one group set against the rest: {rest}")
        return Capability.TARGETING, None, (s,)
    if (
        t.kind is TermKind.VALUE
        and code
        and not (ctx.surv or ctx.alert or ctx.file_surv)
        and (several := _among_values_kept(doc, hit))
    ):
        # ``filter(race2 %in% c("White", "Black", "Latino"))``: records kept for several
        # groups alike, to set them side by side; no one group singled out
        s = _sig(SignalName.RECORDS_FILTERED_BY_TRAIT, 0.1, several)
        return Capability.SEARCH, None, (s,)
    if t.kind is TermKind.VALUE and code and _compared(doc, hit):
        return (
            Capability.TARGETING,
            None,
            (
                _sig(
                    SignalName.GROUP_COMPARED,
                    0.15,
                    "a group's label is compared or filtered for in code",
                ),
            ),
        )
    if form := _get_form_control(doc, hit):
        # ``<form>`` over ``Officer Race: <select name="officer_race" multiple>``: sent
        # by GET, the control's value is a condition of the page's query
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, form),)
    if not hit.in_comment and (url := _url_query_parameter(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, url),)
    if not ctx.textual and (criteria := _criteria_member(doc, hit)):
        # ``"DemographicCriteriaList": [{"Race": [{"CONCEPT_ID": 8516, ...}]}]``: the
        # people a cohort's definition selects, by the trait
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, criteria),)
    if estimate := _estimate_per_value(doc, hit):
        # ``## ethnicityASIAN  -0.310  0.192 ...``: a model's estimate for one value of
        # the trait among the others, a statistic of people per group
        s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, f"an estimate per value: {estimate}")
        return Capability.SEARCH, None, (s,)
    if charted := _charted(doc, hit, ctx):
        return charted
    if t.kind is not TermKind.VALUE and (over := _comment_over_grouping(doc, hit)):
        s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, f"the comment of a query: {over}")
        return Capability.SEARCH, None, (s,)
    if t.kind is not TermKind.VALUE and (chart := _comment_over_chart(doc, hit)):
        s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, f"the comment heading {chart}")
        return Capability.SEARCH, None, (s,)
    if (
        t.trait is Trait.ETHNICITY
        and t.kind in (TermKind.FIELD, TermKind.WORD)
        and not (ctx.textual and not doc.comment_lines[hit.line])
        and (against := _one_group_enum(doc, hit))
    ):
        # ``//民族`` over ``typedef enum tagEM_NATION_TYPE { UNKNOWN, UYGUR, OTHER }``: the
        # attribute's values single one group out
        s = _sig(SignalName.ONE_GROUP_VALUES, 0.15, against)
        return Capability.TARGETING, None, (s,)
    if t.capability is Capability.INFERENCE:
        basis = Basis.BIOMETRIC if (ctx.biometric or ctx.file_surv) else Basis.UNKNOWN
        return Capability.INFERENCE, basis, (_sig(SignalName.CONFIDENCE_FIELD, 0.2, t.text),)
    if code and t.kind is not TermKind.VALUE and (head := _network_output(doc, hit)):
        # ``self.output_race = nn.Linear(128, 5)``, ``race_loss = xe_loss(y_pred_race,
        # y_race)``: a network's output for the trait, or the loss it is trained on
        basis = Basis.BIOMETRIC if (ctx.biometric or ctx.face) else Basis.UNKNOWN
        return Capability.INFERENCE, basis, (_sig(SignalName.MODEL_OUTPUT, 0.1, head),)
    if (column := _names_a_column(doc, hit)) and t.kind is not TermKind.VALUE:
        return Capability.RECORD, None, (_sig(SignalName.COLUMN_NAME_SETTING, 0.0, column),)
    if (
        (ctx.name or ctx.file_name)
        and (ctx.model or ctx.file_model or t.rule_id == "census-race-code")
        # one of the two beside the hit: name columns and prediction words that are only
        # somewhere in a long file (a spreadsheet's column definitions, one of them
        # ``faith``) do not make each field of it a guess from a name
        and (ctx.name or ctx.model or t.rule_id == "census-race-code")
        and not ctx.biometric
        # an identity document's OCR result: the holder's name and each field's confidence
        # (``thailand_idcard_confidence.religion``) are read off the card, not guessed
        and not _identity_document(doc, ctx)
    ):
        return (
            Capability.INFERENCE,
            Basis.NAME,
            (
                _sig(SignalName.NAME_INPUT, 0.1, ctx.name or "name columns in this file"),
                _sig(SignalName.MODEL_OUTPUT, 0.1, ctx.model or "prediction words in this file"),
            ),
        )
    if (
        code
        and t.kind is not TermKind.VALUE
        and not (ctx.fairness or ctx.textual)
        and (target := _TRAINING_TARGET.search(ctx.line))
        and (ctx.model or doc.file_count(Category.MODEL) >= 3)
    ):
        # ``target_classes = list(df[self.race].unique())`` in a module that trains a
        # model (anywhere in it: the step that checks the classes need not touch the
        # model): the trait is what the model learns to tell
        basis = (
            Basis.BIOMETRIC
            if ctx.biometric
            else Basis.NAME
            if ctx.name or doc.file_count(Category.NAME) >= 3
            else Basis.UNKNOWN
        )
        s = _sig(SignalName.MODEL_OUTPUT, 0.1, f"the target of a model: {target.group(0)}")
        return Capability.INFERENCE, basis, (s,)
    if not (ctx.textual or hit.in_comment or ctx.biometric) and (lookup := _name_lookup(doc, hit)):
        return Capability.INFERENCE, Basis.NAME, (_sig(SignalName.LOOKED_UP_BY_NAME, 0.1, lookup),)
    if (
        (ctx.textual or hit.in_comment)
        and t.kind is not TermKind.VALUE
        and not (ctx.biometric or ctx.fairness)
        and (from_name := _from_a_name(doc, hit))
    ):
        return Capability.INFERENCE, Basis.NAME, (_sig(SignalName.NAME_INPUT, 0.1, from_name),)
    if (
        t.kind is not TermKind.VALUE
        # (a MyBatis mapper's XML holds its SQL: an entry there may be a query's column)
        and (code or (doc.suffix == ".xml" and not hit.in_comment))
        and not ctx.biometric
        and (how := _split_by(doc, hit))
        # (a model's classes tallied to weigh them are its target's, not a statistic)
        and not (how in ("counted", "charted") and ctx.model)
    ):
        if excluded := _majority_excluded(doc, hit):
            # ``SELECT minzu, count(*) ... WHERE minzu != "汉族" ... GROUP BY minzu``: the
            # majority left out, the minorities are counted apart from everyone else
            s = _sig(SignalName.GROUP_COUNTED, 0.1, f"the majority excluded: {excluded}")
            return Capability.TARGETING, None, (s,)
        if how == "filtered" and (one := _one_value_kept(doc, hit)):
            # ``filter(ethnic_code == "HL")``: the records of one group kept, its code
            # written out: that group singled out, as ``race == "Black"`` is
            s = _sig(SignalName.GROUP_COMPARED, 0.15, f"one group's records kept: {one}")
            return Capability.TARGETING, None, (s,)
        if how == "filtered":
            s = _sig(SignalName.RECORDS_FILTERED_BY_TRAIT, 0.1, "a query's condition on the trait")
        elif how == "charted":
            s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, "a chart of people by the trait")
        elif how == "counted":
            s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, "people counted per value of it")
        else:
            s = _sig(
                SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, "records are grouped or split by the trait"
            )
        return Capability.SEARCH, None, (s,)
    if (
        t.kind in (TermKind.FIELD, TermKind.WORD)
        and _code_or_page_title(doc, ctx)
        and (counted := _counted_by(doc, hit))
    ):
        s = _sig(SignalName.RECORDS_SPLIT_BY_TRAIT, 0.1, f"people counted by the trait: {counted}")
        return Capability.SEARCH, None, (s,)
    if (
        code
        and t.kind is not TermKind.VALUE
        and _FILTER_CALL.search(doc.text, max(doc.line_start(hit.line), hit.start - 80), hit.start)
    ):
        s = _sig(SignalName.RECORDS_FILTERED_BY_TRAIT, 0.1, "a filter call's criterion")
        return Capability.SEARCH, None, (s,)
    if t.kind is not TermKind.VALUE and not hit.in_comment and (index := _index_field(doc, hit)):
        # ``@Field("popu_13_religion") private String religion;`` in a Solr document bean:
        # the people's records are indexed to be found by it
        return Capability.SEARCH, None, (_sig(SignalName.DATA_STORE_OR_QUERY, 0.1, index),)
    if t.kind is not TermKind.VALUE and (control := _filter_control(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, control),)
    if (
        t.kind is not TermKind.VALUE
        and not doc.is_data
        and (page := _search_page(doc))
        and (control := _page_control(doc, hit))
    ):
        # ``<label>民族</label>`` over its check boxes in ``person-search.jsp``: a page
        # named for a search asks its controls for what people are looked up by
        s = _sig(SignalName.QUERY_PARAMETER, 0.1, f"{control} on a search page ({page})")
        return Capability.SEARCH, None, (s,)
    if (
        t.kind is not TermKind.VALUE
        # a comment counts beside a form's control, or after the code it names on its
        # line (``Nation: filter.NationArr.join(','), // 民族``)
        and (
            not hit.in_comment
            or _form_control(doc, hit) is not None
            or not (doc.is_prose or doc.comment_lines[hit.line])
        )
        and (query := _query_parameter(doc, hit, sentence=ctx.textual))
    ):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, query),)
    if t.kind is not TermKind.VALUE and (criteria := _criteria_field(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, criteria),)
    if t.kind is not TermKind.VALUE and (paged := _paged_condition(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, paged),)
    if t.kind is not TermKind.VALUE and (finder := _finder_body(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, finder),)
    if t.kind is not TermKind.VALUE and (passed := _passed_to_a_finder(doc, hit)):
        return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, passed),)
    if t.kind is not TermKind.VALUE and (condition := _condition_on_line(doc, hit)):
        # (a condition of one statement: the module's other fields of the trait stay
        # what they are, an entity's setter a record)
        s = _sig(SignalName.RECORDS_FILTERED_BY_TRAIT, 0.1, condition)
        return Capability.SEARCH, None, (s,)
    if (
        not (hit.in_comment or doc.is_prose)
        and t.kind is not TermKind.VALUE
        # (an attribute's value of options reads as a sentence in a literal: not here)
        and _DICT_URL.search(doc.text, max(doc.line_start(hit.line), hit.start - 120), hit.start)
    ):
        # ``data-options="url: contextPath + '/common/dict/GB_D_MZDM.js'"``: the code list
        # a form's control loads its options from, the field's values; a search's
        # condition's in a search form
        if searched := _search_control_below(doc, hit):
            return Capability.SEARCH, None, (_sig(SignalName.QUERY_PARAMETER, 0.1, searched),)
        s = _sig(SignalName.VALUE_SET, 0.05, "a code list a control loads its options from")
        return Capability.RECORD, None, (s,)
    return None


# A search engine's document class: Solr's bean fields, Spring Data Elasticsearch's
_INDEX_LIBRARIES = ("solrj.beans.Field", "data.elasticsearch.annotations", "@SolrDocument")
_FIELD_ANNOTATION = re.compile(r"@(?:Field|Indexed|MultiField)\b")


def _index_field(doc: Document, hit: Hit) -> str:
    """The annotation that makes the hit's field one of a search index's documents
    (``@Field`` on its line or the line above, in a text that imports Solr's or Spring
    Data Elasticsearch's), or ""."""
    if not any(doc.holds(w) for w in _INDEX_LIBRARIES):
        return ""
    for i in (hit.line, hit.line - 1):
        if i >= 0 and (m := _FIELD_ANNOTATION.search(_line_near(doc, i, hit.start))):
            return f"a search index's field ({m.group(0)})"
    return ""


# The address of a code list a control loads (EasyUI's ``url: '/common/dict/GB_D_MZDM.js'``,
# ``dictUrl: '/dict/nation.json'``), the hit in its file's or its last folder's name.
_DICT_URL = re.compile(
    r"""\b(?:url|dict_?url|src)\s*[:=]\s*[^'"\n]{0,40}['"][^'"\n]*(?i:dict)[^'"\n]*$""",
    re.IGNORECASE,
)


def _searched_by(doc: Document, hit: Hit, ctx: Context) -> tuple[str, ...]:
    """The words that make a store or query near the hit one searched by the trait: a
    query's word on the hit's own line or in its container's name (``searchByRace``,
    ``QUERYCOND_SKINCOLOR``, ``依膚色條件查詢``), an index built for search (Elasticsearch,
    Solr, ``CREATE INDEX ... (race)``), or the collection the field is a member of,
    named or headed for a search's conditions (``faceSearchFilters = [{key: 'race'}]``).
    Empty when the query words are only around: a face's race shown in a search's
    results, kept in a table, or stored "for later lookup" as a comment says, is no
    search by race."""
    ev = ctx.evidence
    own = ev.of_container(Category.QUERY)
    if not hit.in_comment or not doc.comment_lines[hit.line]:
        # code, or a comment after it on its line (``QUERYCOND_SKINCOLOR = 95; /*
        # 查询条件：肤色 */``): the line is one statement
        own = ev.on_line(Category.QUERY) + own
    elif m := _SEARCH_WORD.search(
        doc.text, max(0, hit.start - COMMENT_REACH), hit.end + COMMENT_REACH
    ):
        # a comment's search is by the trait where it says so beside it (依膚色條件查詢,
        # "filter by race"), not "race ... for later lookup"
        own = [m.group(0), *own]
    index = [w for w in ctx.searched if w.lower() in _SEARCH_INDEX]
    line = _line_near(doc, hit.line, hit.start)
    if m := _INDEX_DECLARED.search(line):
        index.append(m.group(0))
    if not (own or index) and (owner := _collection_owner(doc, hit)):
        own = [owner]
    return tuple(dict.fromkeys(own + index))


_SEARCH_WORD = re.compile(rf"(?i:{_SEARCH_EN}|lookup|look up)|{_SEARCH_ZH}|查詢")
COMMENT_REACH = 16  # characters each side of a comment's trait that say it is searched by


# An index declared on the column: ``CREATE INDEX idx ON t (race)``, ``createIndex(``,
# Django's ``db_index=True``, SQLAlchemy's ``index=True``.
_INDEX_DECLARED = re.compile(
    r"\bcreate\s+(?:unique\s+)?index\b|\bcreateIndex\(|\b(?:db_)?index\s*=\s*True\b",
    re.IGNORECASE,
)
# A collection named for a search's conditions (``searchOptions``, ``faceSearchFilters``,
# ``queryConditions``), or a comment that heads it so (``// 人脸检索页 查询条件``).
_SEARCH_COLLECTION = re.compile(rf"(?i:{_SEARCH_EN})|{_SEARCH_ZH}")
_OPENS_COLLECTION = re.compile(r"""([A-Za-z_$][\w$]*)["']?\s*(?::[^=\n]*)?[:=]\s*[\[{(]\s*$""")
COLLECTION_REACH = 40  # lines up to the head of the literal a member stands in


def _collection_owner(doc: Document, hit: Hit) -> str:
    """The name of the array or object literal the hit's line is a member of, with the
    comment over it, when they name a search's conditions; else "".  Read once for the
    hits of a line (all it reads is the lines above it)."""
    if doc.is_prose or doc.is_data:
        return ""
    owners = _shared_work(doc).owners
    got = owners.get(hit.line)
    if got is None:
        got = owners[hit.line] = _owner_of(doc, hit.line)
    return got


def _owner_of(doc: Document, line: int) -> str:
    """``_collection_owner`` of the hits of ``line``, read."""
    i = _opener_above(doc, line, line - COLLECTION_REACH)
    if i is None:
        return ""
    text = _line_near(doc, i, -1)
    m = _OPENS_COLLECTION.search(text)
    if m is None:
        return ""
    head = text
    if i > 0 and doc.comment_lines[i - 1]:
        head = _line_near(doc, i - 1, -1) + " " + head
    w = _SEARCH_COLLECTION.search(head)
    if w:
        return f"{m.group(1)}: {w.group(0)}"
    if m.group(0).rstrip().endswith("{") and (paging := _paging_member(doc, i)):
        # ``params: { nation: '', religion: '', orderBy: '', page: 1, size: 50 }``: the
        # request of a paged list, whose other members are its conditions
        return f"{m.group(1)}: a paged list's request ({paging})"
    return ""


# A member of an object literal that pages or sorts a list: ``page: 1``, ``pageSize: 20``,
# ``"pageNum": 0``, ``orderBy: ''`` (only beside a page's: ``size`` alone is a font's)
_PAGE_MEMBER = re.compile(
    r"""^\s*["']?(page(?:_?(?:size|no|num|number|index))?|current_?page|size|limit|rows"""
    r"""|per_?page|offset)["']?\s*:""",
    re.IGNORECASE,
)
# ... a member that pages by itself (``pageSize``, ``pageNum``), or a page's and a size's
# together (``page: 1, size: 50``); a survey's ``currentPage`` alone is the step it is on
_PAGES_ALONE = re.compile(r"(?i)page_?(?:size|no|num|number|index)|per_?page")
_A_PAGE = re.compile(r"(?i)page|offset")
PAGING_REACH = 60  # lines of an object literal read for a paging member


def _paging_member(doc: Document, opener: int) -> str:
    """The paging member of the object literal line ``opener`` opens, among its own
    members (not a nested literal's), or ""."""
    depth = 0
    page = size = ""
    for i in range(opener + 1, min(doc.line_count, opener + 1 + PAGING_REACH)):
        text = _line_near(doc, i, -1)
        if depth == 0 and (m := _PAGE_MEMBER.match(text)):
            name = m.group(1)
            if _PAGES_ALONE.fullmatch(name):
                return name
            if _A_PAGE.search(name):
                page = page or name
            else:
                size = size or name
            if page and size:
                return f"{page}, {size}"
        depth += _nesting(text)
        if depth < 0:
            return ""  # the literal's end
    return ""


# Surveillance words that name the police, not a camera: a police record is written by
# people, a camera's by its analysis.
_POLICE_WORDS = frozenset({"police", "公安", "警务", "治安"})


# What a model is given, before the hit: the right side of a formula (R's and
# statsmodels' ``y ~ age + race``, ``"y ~ C(race)"``), a factor's reference level set for
# a regression (``relevel(df$race, ref = ...)``), a list of its features or covariates
_MODEL_INPUT = re.compile(
    r"~[^~\n]*$"
    r"|\brelevel\([^()\n]*$"
    r"|\b(?:features?|covariates?|predictors?|feature_?(?:cols|columns|names|list)"
    r"|x_?(?:cols|columns|vars)|independent_?vars?|selected_?vars|adjust(?:ment)?_?vars"
    r"|confounders)\w*\s*(?:=|<-)\s*(?:c\(|\[)\s*(?:[\"'][\w .]{0,32}[\"']\s*,\s*){0,12}"
    r"[\"']?$",
    re.IGNORECASE,
)


# A value of an attribute that says the recogniser could not tell it
_UNRECOGNISED = re.compile(
    r"未识别|未能识别|无法识别|不能识别|识别失败|未识别出"
    r"|\bnot[ _-]?(?:distinguish\w*|recogni[sz]\w*)|\bunrecogni[sz]\w*|\bundistinguish\w*",
    re.IGNORECASE,
)


def _unrecognised_value(doc: Document, hit: Hit) -> str:
    """The value "not recognised" among the trait's values: on the hit's line (a field's
    comment listing them) or among the members of the enumeration it heads or names,
    ENUM_BODY lines below at most; or "".  (Each of ``_UNRECOGNISED``'s words holds
    "识别", "not" or "un", in any case: a text without them is not read for it.)"""
    if not (doc.holds("识别") or doc.holds("not", folded=True) or doc.holds("un", folded=True)):
        return ""
    line = _line_near(doc, hit.line, hit.start)
    if m := _UNRECOGNISED.search(line):
        return m.group(0)
    if not (_ENUM_WORD.search(line) or _enum_head_above(doc, hit.line) is not None):
        return ""  # a field's line: its own comment only
    for i in range(hit.line + 1, min(doc.line_count, hit.line + 1 + ENUM_BODY)):
        text = _line_near(doc, i, -1)
        if not (_ENUM_BODY_LINE.match(text) or (doc.comment_lines[i] and not is_statement(text))):
            return ""  # past the members (a docstring's or a comment's line among them)
        if m := _UNRECOGNISED.search(text):
            return m.group(0)
    return ""


def _model_input(doc: Document, hit: Hit) -> str:
    """What makes the hit an input of a model (a covariate, a feature), or ""."""
    start = doc.line_start(hit.line)
    m = _MODEL_INPUT.search(doc.text, max(start, hit.start - 200), hit.start)
    return m.group(0).strip()[:40] if m else ""


def _by_context(doc: Document, hit: Hit, ctx: Context) -> Choice | None:
    """The capability what is around the hit shows: declared or clinical data, a store
    or surveillance words, a model, face data; else a field's record or a mention."""
    t = hit.term
    if not (hit.in_comment or ctx.textual or ctx.biometric) and (given := _model_input(doc, hit)):
        # ``glm(cancer ~ age + race, ...)``, ``relevel(df$race, ref = "White")``,
        # ``features = ["age", "ethnicity"]``: the declared trait is what a model is
        # given, a covariate, whatever the module's model guesses
        return Capability.RECORD, None, (_sig(SignalName.MODEL_INPUT, 0.0, given),)
    if (
        t.trait in (Trait.RACE, Trait.SKIN_COLOUR, Trait.ETHNICITY)
        and not (ctx.textual or doc.is_prose)
        and not _identity_document(doc, ctx)
        and (unseen := _unrecognised_value(doc, hit))
    ):
        # ``NODISTI = (0,)  # 未识别;Not distinguish`` among a complexion's YELLOW and
        # BLACK, ``nComplexion; // 0: 未识别 1: 黄色``: a value for "not recognised" is a
        # recogniser's, a camera's attribute of what it saw; no register holds one
        s = _sig(SignalName.ANALYSIS_WORDS, 0.1, f"a value of no recognition: {unseen}")
        return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
    if (ctx.declared or ctx.clinical) and not (ctx.surv or ctx.model or ctx.alert):
        if (
            t.trait is Trait.SKIN_COLOUR
            and ctx.any_face
            and not (ctx.searched or ctx.textual or doc.is_prose or hit.in_comment)
            and not _identity_document(doc, ctx)
        ):
            # a skin colour beside face data in a form (a captured face's record edited,
            # ``<el-form-item label="肤色">`` beside 人脸相似度): no identity document or
            # register holds one; it is what the face analysis saw
            s = _sig(SignalName.FIELD_OF_FACE_DATA, 0.05, "a skin colour beside face data")
            return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
        name = SignalName.DECLARED_DATA if ctx.declared else SignalName.CLINICAL_OR_CENSUS
        return Capability.RECORD, None, (_sig(name, 0.05, ctx.declared or ctx.clinical),)
    if (
        not (ctx.textual or ctx.model_line or ctx.alert)
        and (not hit.in_comment or doc.documents_field(hit.start))
        and (doc_of := _identity_document(doc, ctx))
    ):
        # ``EM_CITIZENIDCARD_ETHNICITY``, ``nEthnicity; // 身份证民族`` in a face SDK, a
        # ``religion`` field of ``thai_idcard_result.py`` beside its OCR confidence: the
        # trait is read from an identity document the device scanned, not from the face
        s = _sig(SignalName.DECLARED_DATA, 0.05, f"a field of an identity document: {doc_of[0]}")
        return Capability.RECORD, None, (s,)
    if (
        ctx.captured
        # what a camera's analysis says of a face: its race, skin colour or people (a
        # GA/T 1400 EthicCode); no camera reads a faith or a party off a face
        and t.trait in (Trait.RACE, Trait.SKIN_COLOUR, Trait.ETHNICITY)
        # (face words in the text count even where its entries are read apart: a
        # mapper's columns of one captured-face table, ``face_id`` far above the box)
        and (ctx.any_face or ctx.surv or ctx.file_surv or doc.file_count(Category.FACE) > 0)
        and not (ctx.searched or ctx.textual or doc.is_prose)
        and not _identity_document(doc, ctx)
    ):
        # a field of a captured face or person (a GA/T 1400 Face object's EthicCode beside
        # FaceAppearTime and AccompanyNumber, a snapshot's 民族): what the camera or its
        # analysis says of the face it saw, whatever the trait; stored (a table's column,
        # a row inserted) it is still that guess, searched (a query's words) it is search
        s = _sig(SignalName.CAPTURED_OBJECT, 0.1, "a field of a captured face or person")
        return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
    if (
        (ctx.searched and (ctx.biometric or ctx.surv or ctx.file_surv))
        or (ctx.store and ctx.biometric)
    ) and not _grid_column(doc, hit):
        # face data put in a store: a face's race or skin colour, or what a face's
        # record holds; but a registered person's people, faith or party beside their
        # photo in a police table (the police's words alone around) is what they declared
        declared = (
            t.trait not in (Trait.RACE, Trait.SKIN_COLOUR)
            and not ctx.captured
            and ctx.surv
            and all(w.lower() in _POLICE_WORDS for w in ctx.surv)
        )
        kept = (
            ctx.evidence.near(Category.STORE)
            if ctx.biometric and not ctx.textual and not declared
            else []
        )
        if keyed := _searched_by(doc, hit, ctx) or tuple(kept):
            # a query on the field's own line (``FaceQuery.byRace``), an index built to
            # search by it (Elasticsearch, Solr), or face data put in a store: a
            # database of faces by their attributes (deepface's graph of faces, a row
            # of a face table inserted)
            sig = [_sig(SignalName.DATA_STORE_OR_QUERY, 0.1, keyed)]
            if ctx.surv:
                sig.append(_sig(SignalName.SURVEILLANCE_CONTEXT, 0.1, ctx.surv))
            return Capability.SEARCH, None, tuple(sig)
        if ctx.biometric and t.trait in (Trait.RACE, Trait.SKIN_COLOUR) and not ctx.textual:
            # only query words around a face's race (a search by picture listing the
            # race of its matches): what the face analysis said of each face, shown;
            # no one is found by it
            s = _sig(SignalName.DATA_STORE_OR_QUERY, 0.05, ctx.store)
            return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
        if not ctx.textual and not ctx.captured:
            # a people, a faith or a party beside face data and query words (a registered
            # person's photo): declared, not searched by: a record
            return Capability.RECORD, None, (_sig(SignalName.DATA_STORE_OR_QUERY, 0.05, ctx.store),)
    if ctx.surv and not ctx.model_line and not ctx.declared and not ctx.textual:
        # surveillance words beside the field: a field of a surveillance system's data
        # model (a GA/T 1400 face object's SkinColor) records the trait; it is searched
        # where a query or store says so (above).  A sentence searches no one either: a
        # novel's pedestrians (行人) and police
        surv = _sig(SignalName.SURVEILLANCE_CONTEXT, 0.1, ctx.surv)
        if (
            t.trait in (Trait.RACE, Trait.SKIN_COLOUR)
            and (t.kind is TermKind.VALUE or hit.cluster)
            and (ctx.any_face or any(w.lower() not in _POLICE_WORDS for w in ctx.surv))
        ):
            # the races or skin colours a camera or its platform sorts faces into (白皮肤,
            # 黑皮肤 …): labels of an analysis, as no identity document records them.  A
            # police record alone (a row of a dataset of stops or of people killed, its
            # police department a column) records what an officer or a researcher wrote
            return Capability.INFERENCE, Basis.BIOMETRIC, (surv,)
        if ctx.biometric and ctx.analysis and len(set(ctx.attrs)) >= 3:
            # a camera's result of face-attribute analysis: the field among age, glasses,
            # mask and smile, with words of the algorithm that recognises them (算法支持，
            # 但是没有识别出来) — the device infers it; a data model's fields only hold it
            analysed = _sig(SignalName.ANALYSIS_WORDS, 0.05, ctx.analysis)
            return Capability.INFERENCE, Basis.BIOMETRIC, (surv, analysed)
        return Capability.RECORD, None, (surv,)
    if (
        t.trait in (Trait.RACE, Trait.SKIN_COLOUR)
        and not (doc.is_prose or ctx.textual or ctx.declared or ctx.clinical)
        and (colours := _colour_races(doc, hit))
    ):
        # YELLOW_RACE=Yellow, EM_RACE_YELLOW, 黄种人 among a race's labels, 黄皮肤 among a
        # skin colour's: the colour races a face analysis sorts faces into; no census,
        # form or identity document has a "yellow" race or skin
        s = _sig(SignalName.VALUE_SET, 0.1, f"colour races: {colours}")
        return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
    if ctx.model and ctx.biometric:
        return (
            Capability.INFERENCE,
            Basis.BIOMETRIC,
            (_sig(SignalName.MODEL_OUTPUT, 0.15, ctx.model),),
        )
    if ctx.clinical and not (ctx.declared or ctx.fairness) and (verbs := _predicting(ctx.model)):
        # census words beside a verb of prediction ("infer the race and ethnicity in
        # years the census was not taken", "impute race from surname and census
        # tract"): census data feeding a guess about people, not the census's record;
        # fairness words say the prediction is judged by groups, not that it guesses them
        basis = Basis.NAME if ctx.name else Basis.UNKNOWN
        return Capability.INFERENCE, basis, (_sig(SignalName.MODEL_OUTPUT, 0.1, verbs),)
    if ctx.declared or ctx.clinical or hit.table:
        sig = []
        if ctx.declared:
            sig.append(_sig(SignalName.DECLARED_DATA, 0.05, ctx.declared))
        if ctx.clinical:
            sig.append(_sig(SignalName.CLINICAL_OR_CENSUS, 0.05, ctx.clinical))
        return Capability.RECORD, None, tuple(sig)
    # (a faith or a party beside a photo and the person's gender is what a registered
    # person declared: no camera reads either off a face; words of a face analysis make
    # any trait what it says)
    seen = t.trait not in (Trait.RELIGION, Trait.POLITICAL_OPINION)
    # (an identity document's fields beside its photo, its holder's sex among them, are
    # what the card says: no attribute of the face seen)
    seen = seen and not _identity_document(doc, ctx)
    # (a people is what a person declares beside their photo, sex and age in a register;
    # a face analysis that gives it gives it beside what a face shows: a mask, glasses)
    seen = seen and (
        t.trait is not Trait.ETHNICITY
        or any(w.lower() not in _REGISTERED_ATTRIBUTES for w in ctx.attrs)
    )
    if ctx.biometric and ((seen and ctx.attrs) or ctx.analysis):
        sig = [_sig(SignalName.ANALYSIS_WORDS, 0.05, ctx.analysis)] if ctx.analysis else []
        return Capability.INFERENCE, Basis.BIOMETRIC, tuple(sig)
    if seen and len(ctx.attrs) >= 2 and ctx.any_face:
        return Capability.INFERENCE, Basis.BIOMETRIC, ()
    if ctx.model:
        return Capability.INFERENCE, Basis.UNKNOWN, (_sig(SignalName.MODEL_OUTPUT, 0.1, ctx.model),)
    if ctx.file_face and ctx.file_model and not doc.is_prose:
        s = _sig(
            SignalName.MODULE_INFERS_FROM_FACES,
            0.05,
            "face and prediction words throughout this file",
        )
        return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
    face_module = bool(doc.path_context.get(Category.FACE))
    if (
        (ctx.any_face or face_module)
        and not (doc.is_prose or hit.in_comment or ctx.prose)
        # race and skin colour are what a face shows; a people, a faith or a party is
        # declared: beside a photo or a face-library id (a resident's, a pass holder's
        # record) it is still a registered person's field, unless the module is face
        # software (``detectface/attributes/Ethnicity.java``)
        and (t.trait in (Trait.RACE, Trait.SKIN_COLOUR) or face_module)
    ):
        s = _sig(SignalName.FIELD_OF_FACE_DATA, 0.05, "a field or value of face data")
        return Capability.INFERENCE, Basis.BIOMETRIC, (s,)
    if ctx.sentence_row:
        # a label of a dataset of sentences (a bias benchmark's ``race-color``, ``black``
        # beside "... [MASK] men attacked him."): it says what the sentence is about
        return (
            Capability.MENTION,
            None,
            (_sig(SignalName.LABEL_OF_A_SENTENCE, 0.0, "a row of texts"),),
        )
    if (control := _form_control(doc, hit)) is not None:
        return Capability.RECORD, None, (_sig(SignalName.FORM_FIELD, 0.05, control),)
    if t.kind is not TermKind.VALUE and (harm := _HARMFUL_CONTENT.search(ctx.line)):
        # a category of harmful text (racial slurs, religiously offensive content, a
        # stereotype): what a detector or a benchmark looks for in words, not a field
        # that holds a person's trait
        s = _sig(SignalName.HARMFUL_CONTENT_CATEGORY, 0.15, harm[0])
        return Capability.MENTION, None, (s,)
    if t.kind is TermKind.FIELD or not (hit.in_comment or ctx.prose):
        s = _sig(SignalName.FIELD_IN_CODE_OR_DATA, 0.0, "no inference or surveillance context")
        return Capability.RECORD, None, (s,)
    if hit.in_comment and not doc.is_prose and doc.doc_block_of_field(hit.line):
        # ``/** 民族 */`` above ``private String mz;``: the comment names the field
        s = _sig(SignalName.FIELD_IN_CODE_OR_DATA, 0.0, "the doc comment of a field")
        return Capability.RECORD, None, (s,)
    if hit.in_comment and not doc.is_prose and doc.trails_a_declaration(hit.line):
        # ``private String mz; // 民族``: the comment after the field names it
        s = _sig(SignalName.FIELD_IN_CODE_OR_DATA, 0.0, "the comment of a field")
        return Capability.RECORD, None, (s,)
    if hit.in_comment and _heads_code(doc, hit):
        # ``//民族`` over ``if (row.getCell(5) != null) {``: the heading names the field
        # the code under it reads or writes
        s = _sig(SignalName.FIELD_IN_CODE_OR_DATA, 0.0, "the heading of the code under it")
        return Capability.RECORD, None, (s,)
    if hit.in_comment and _commented_code(doc, hit):
        # ``//   label: "宗教信仰：",`` of a form's field commented out: the field, kept
        s = _sig(SignalName.FIELD_IN_CODE_OR_DATA, 0.0, "a line of code commented out")
        return Capability.RECORD, None, (s,)
    if t.ambiguous:
        # "race" alone in a sentence is as often a contest; beside fairness words or
        # another trait ("based on race or ethnicity") it is the protected sense: the
        # neighbour says so, as a value set's labels say what each label is
        beside = (
            sorted(w.value for w in hit.traits_near - {t.trait})
            or list(ctx.fairness)
            or _GENDER.findall(ctx.line)  # "across ages, genders and races": people's
        )
        if not beside:
            return None
        return Capability.MENTION, None, (_sig(SignalName.PROTECTED_SENSE_BESIDE, 0.15, beside),)
    return Capability.MENTION, None, ()


def _adjusted(doc: Document, hit: Hit, ctx: Context, chosen: Choice) -> Choice:
    """The capability as a schema's structure, a comment, a negation, a citation or a
    quotation in prose changes it."""
    t = hit.term
    cap, basis, signals = chosen
    sig = list(signals)
    structural = None
    register = (
        watched_register(hit.place, doc.text[hit.start : hit.end])
        if hit.place is not None and cap is not Capability.TARGETING
        else None
    )
    if register is not None:
        cap, basis = Capability.TARGETING, None
        sig.append(_sig(SignalName.WATCHED_REGISTER, 0.15, register))
    elif (
        hit.place is not None
        and t.kind not in (TermKind.GROUP, TermKind.BOOLEAN)
        and t.capability is None
        and cap is not Capability.TARGETING
    ):
        structural = _structural(hit.place, ctx.evidence, doc.text[hit.start : hit.end])
    if structural is not None:
        cap, basis, sig_name, detail = structural
        sig.append(_sig(sig_name, 0.1, detail))
    if hit.place is not None and hit.place.container.kind == "enum":
        users = ", ".join(u.name for u in hit.place.container.used_by[:3])
        table = f"code table {hit.place.container.name}" + (f" used by {users}" if users else "")
        sig.append(_sig(SignalName.SCHEMA_ENUM, 0.05, table))
    described = (
        hit.place is not None
        and hit.in_comment
        and structural is None
        and cap is Capability.MENTION
        and t.kind is not TermKind.GROUP
    )
    if described and hit.place is not None:
        cap = Capability.RECORD  # a schema's comment describes its container or a field
        c = hit.place.container
        sig.append(_sig(SignalName.SCHEMA_DESCRIPTION, 0.0, f"describes {c.kind} {c.name}"))
    if (
        cap is Capability.RECORD
        and hit.in_comment
        and structural is None
        and not described
        and not doc.documents_field(hit.start)
        and not (_heads_code(doc, hit) or _commented_code(doc, hit))
        and not (ctx.declared or hit.table)
        and not (doc.is_prose and ctx.scope is CODE_SCOPE)  # a document's table: its fields
    ):
        cap = Capability.MENTION  # prose in a comment records nothing
    if ctx.negation and cap is not Capability.TARGETING:
        cap, basis = Capability.MENTION, None
        sig.append(_sig(SignalName.NEGATED_OR_REMOVED, -0.1, ctx.negation))
    if hit.in_comment and not doc.is_prose and _cited(doc, hit):
        cap, basis = Capability.MENTION, None  # ``维族告警`` quoted as an example
        sig.append(_sig(SignalName.CITED_IN_DOCUMENTATION, -0.1, "a code span in a comment"))
    if (
        ctx.scope.kind in ("sentence", "prose") or hit.in_comment
    ) and cap is not Capability.MENTION:
        phrase = _quoted_in_sentence(doc, hit)
        if phrase and not (
            hit.in_comment
            and not doc.is_prose
            and (
                doc.trails_a_declaration(hit.line)
                or doc.doc_block_of_field(hit.line)
                or _commented_code(doc, hit)
            )
        ):
            # (``private String nation; //"民族(数据字典:nation)"``: a field's label in
            # quotes, not a name a sentence reports)
            cap, basis = Capability.MENTION, None
            sig.append(_sig(SignalName.QUOTED_IN_PROSE, -0.1, phrase))
    if doc.is_prose and ctx.fairness and cap is Capability.INFERENCE:
        cap, basis = Capability.MENTION, None
        sig.append(_sig(SignalName.RESEARCH_OR_FAIRNESS_PROSE, 0.0, ctx.fairness))
    return cap, basis, tuple(sig)


def _scored(
    hit: Hit, ctx: Context, cap: Capability, basis: Basis | None, signals: tuple[Signal, ...]
) -> Decision:
    """Severity and the evidence score: the term kind's base plus the signals' weights."""
    t = hit.term
    sig = list(signals)
    severity = SEVERITY[cap]
    if cap is Capability.INFERENCE and basis is not Basis.BIOMETRIC:
        severity = Severity.MEDIUM
    if cap is Capability.RECORD and (ctx.surv or ctx.file_surv or ctx.file_face):
        severity = severity.shifted(+1)
        sig.append(
            _sig(
                SignalName.RECORD_IN_SURVEILLANCE_OR_FACE_SOFTWARE, 0.05, ctx.surv or "in this file"
            )
        )
    if ctx.fairness and cap is Capability.INFERENCE:
        severity = severity.shifted(-1)
        sig.append(_sig(SignalName.FAIRNESS_OR_BIAS_CONTEXT, -0.05, ctx.fairness))
    if ctx.lookalike:
        sig.append(_sig(SignalName.LOOK_ALIKE_CONTEXT, -0.15, ctx.lookalike))
    if t.ambiguous:
        sig.append(_sig(SignalName.AMBIGUOUS_TERM, -0.1, t.text))
    if hit.in_comment and cap is not Capability.MENTION:
        sig.append(_sig(SignalName.IN_COMMENT_OR_DOC, -0.05, ""))
    score = BASE_CONFIDENCE[t.kind] + sum(s.weight for s in sig)
    score = round(min(0.99, max(0.05, score)), 2)
    # declared data near, or a field of an identity document: a record keeps its verdict
    declared = bool(ctx.declared or ctx.clinical) or any(
        s.name == SignalName.DECLARED_DATA.value for s in sig
    )
    return Decision(cap, basis, severity, score, tuple(sig), ctx.scope.kind, declared)


# -- Work shared between hits (performance only: the same answers, once) -------------
#
# The hits of one line, and of lines that read alike (the records of a log), stand in
# the same context.  ``shared_context`` gives what ``_context`` gives, computed once per
# distinct key, and the key is all that ``_context`` reads: the words its Evidence holds
# (by category, in order), the lines "this file" means, the scope, the hit's own facts
# and the one predicate of the line's text it asks.  Only the hit's Evidence and line
# differ between the hits that share a key, and they are the hit's own.

# Tests set this: every shared answer is then checked against one computed afresh.
VERIFY_SHARED = False

_Frozen = tuple[tuple[str, tuple[str, ...]], ...]
_CONTEXT_OWN = ("evidence", "line")  # the fields of a Context that are each hit's own


# What the hits of a line share of their decision_key: the number of the line's facts,
# its text masked, whether a number was masked, the facts of its shape; where the line
# starts and ends; and whether its record holds codes (a word's hits read it).
_LineKey = tuple[int, str, bool, tuple[object, ...], int, int, bool]
# What the hits of a term share of their decision_key: does the term hold a digit, can
# it be part of a place's name (``_names_no_people``), is it a word (``_entry_scope``)
_TermKey = tuple[bool, bool, bool]


class SharedWork:
    """What the hits of one text share (kept on the Document, for its life only)."""

    def __init__(self) -> None:
        # (line, scope) -> the Evidence of a hit of that line, and its words, frozen
        self.evidence: dict[tuple[int, int], tuple[Evidence, _Frozen, _Frozen]] = {}
        # key -> the values of the Context's fields, but the hit's own (_SHARED_FIELDS)
        self.contexts: dict[tuple[object, ...], tuple[object, ...]] = {}
        # decision_key -> the decision of the first hit of that key, and its cluster
        self.decisions: dict[tuple[object, ...], tuple[Decision | None, tuple[str, ...]]] = {}
        # _line_hits_key -> its lines' clusters -> the decisions of their hits (_ALONE:
        # each its own)
        self.line_decisions: dict[
            tuple[object, ...], dict[tuple[tuple[str, ...], ...], list[Decision | None]]
        ] = {}
        # a cluster -> _cluster_class
        self.cluster_classes: dict[tuple[str, ...], _ClusterClass] = {}
        # (a decision's id, a cluster) -> the decision, and it for that cluster
        self.clustered: dict[tuple[int, tuple[str, ...]], tuple[Decision, Decision | None]] = {}
        # line -> what its hits share of their key (_line_key), or None: decided alone
        self.lines: dict[int, _LineKey | None] = {}
        self.facts: dict[object, int] = {}  # the line facts met, numbered
        # line -> its text masked with what is beside it, its own masked, and the facts
        # of that shape (None: a long line)
        self.shapes: dict[int, tuple[str, str, object] | None] = {}
        self.shape_facts: dict[str, tuple[object, ...] | None] = {}  # masked line -> facts
        # an ASCII line's shape (digits as zeros) -> are all its digits in numbers alone
        self.digits_alone: dict[bytes, bool] = {}
        self.heads: dict[int, tuple[bool, bool, bool, bool]] = {}  # line -> _head_facts
        # line -> _head_facts as bits (the first fact the lowest)
        self.head_bits: dict[int, int] = {}
        # line -> each of _head_facts true of one of the other lines of its record, bits
        self.around: dict[int, int] = {}
        self.terms: dict[int, _TermKey] = {}  # id of a term -> _term_key
        # line -> its first derived query (_derived_query), or None
        self.derived_queries: dict[int, re.Match[str] | None] = {}
        # (text around a name, digits as zeros, ...) -> _names_no_people
        self.place_names: dict[tuple[bytes, int, int, str, bool], bool] = {}
        # line -> the place of the last hit on it asked about, and _nesting up to there
        self.nesting: dict[int, tuple[int, int]] = {}
        self.symbol_runs = _SymbolRuns()  # _across_mangled_names
        # line -> _head_above's head and the line its walk stopped at
        self.heads_above: dict[int, tuple[int, int]] = {}
        # a head's line -> its name and parameters, or None (_finder_body)
        self.head_signatures: dict[int, tuple[str, str] | None] = {}
        # (line, lowest line) -> _opener_above; line -> _collection_owner
        self.openers: dict[tuple[int, int], int | None] = {}
        self.owners: dict[int, str] = {}
        # (line, character, from) -> _first_on_line; line -> the place of the last hit
        # on it asked about, and the braces opened less closed on the line up to there
        self.firsts: dict[tuple[int, str, int], int] = {}
        self.braces: dict[int, tuple[int, int]] = {}
        self.glosses: bool | None = None  # does the text hold a gloss's word
        self.definitions = False  # ... "def" or "function"
        self.key_words = False  # ... a word of _WORD_KEY's key
        self.controls: bool | None = None  # ... a data app's selection control
        # a qualifier -> does the text name a person's attribute with it (driver_gender)
        self.qualifiers: dict[str, bool] = {}


# The fields of a Context that hits share, in order, and what sets each on a new one (a
# slot's descriptor): a shared Context is made without ``Context.__init__``, whose
# frozen assignments, one a field, were a tenth of the classifier's time in a dense text.
_SHARED_FIELDS = tuple(f for f in Context.__dataclass_fields__ if f not in _CONTEXT_OWN)
_SETTERS = tuple(Context.__dict__[f].__set__ for f in _SHARED_FIELDS)
_SET_EVIDENCE = Context.__dict__["evidence"].__set__
_SET_LINE = Context.__dict__["line"].__set__
_call: Callable[..., object] = getattr(operator, "call", lambda f, *args: f(*args))  # 3.10


def _made(values: tuple[object, ...], ev: Evidence, line: str) -> Context:
    """``Context(evidence=ev, line=line, **dict(zip(_SHARED_FIELDS, values)))``, made
    by setting each slot (a Context has no ``__post_init__``; every field is set)."""
    ctx: Context = object.__new__(Context)
    deque(map(_call, _SETTERS, repeat(ctx), values), maxlen=0)
    _SET_EVIDENCE(ctx, ev)
    _SET_LINE(ctx, line)
    return ctx


def _frozen(words: dict[str, list[str]]) -> _Frozen:
    return tuple((c, tuple(w)) for c, w in words.items())


def _shared_work(doc: Document) -> SharedWork:
    got = doc.shared
    if not isinstance(got, SharedWork):
        got = doc.shared = SharedWork()
    return got


def shared_context(doc: Document, hit: Hit, scope: Scope, line: str) -> Context:
    """``_context(doc, hit, scope, line)``, from the work of an earlier hit in the same
    context when there is one.  A hit in a schema's container, or on a line long
    enough to be read in part, is decided on its own."""
    if hit.place is not None or doc.local_words(hit.line, hit.start) is not None:
        return _context(doc, hit, scope, line)
    work = _shared_work(doc)
    # A hit of a line of ordinary length, outside a schema, reads its Evidence from its
    # line and its scope alone (``Evidence.__init__``): the hits of a line share it.
    got = work.evidence.get((hit.line, id(scope)))
    if got is None:
        ev = Evidence(doc, hit, scope)
        got = work.evidence[(hit.line, id(scope))] = (ev, _frozen(ev._win), _frozen(ev._line))
    ev, win, on_line = got
    of_texts = scope is not PROSE_SCOPE and _row_with_sentence(doc, hit, line)
    run = _names_run(doc, hit, scope)
    key = (
        id(scope),
        win,
        on_line,
        tuple(doc.connected(hit.line)) if scope.file_wide else None,
        hit.term.trait,
        hit.in_comment,
        hit.trait_words_near,
        hit.cluster,
        hit.traits_near,
        of_texts,
        of_texts and _field_of_a_note(doc, hit),
        # a member of a register of names reads its own words apart from its fellows'
        None if run is None else (run, _member_words(doc, hit, scope.reach, run)),
    )
    values = work.contexts.get(key)
    if values is None:
        ctx = _context(doc, hit, scope, line, ev)
        work.contexts[key] = tuple(getattr(ctx, f) for f in _SHARED_FIELDS)
        return ctx
    ctx = _made(values, ev, line)
    if VERIFY_SHARED:
        fields = dict(zip(_SHARED_FIELDS, values, strict=True))
        if ctx != Context(evidence=ev, line=line, **fields):  # type: ignore[arg-type]
            raise AssertionError(f"a shared context is made wrong at {doc.path}:{hit.line + 1}")
        fresh = _context(doc, hit, scope, line)
        if fresh != _made(values, fresh.evidence, line):
            raise AssertionError(f"a shared context differs at {doc.path}:{hit.line + 1}")
    return ctx


# -- Decisions shared between hits ---------------------------------------------------
#
# The records of a log differ in their ids, ages and counts, and in little else.  A hit
# that is an entry of a data text (not a statement, not in a comment or a schema) on a
# line of ordinary length is decided by ``decide`` from what ``decision_key`` holds:
#
# - its line, with the line breaks each side, every number standing alone (not part
#   of an identifier, a hex code or a version: ``_NUMBER``) written with zeros: what
#   the phases read of the line (``local_line`` is the whole line; the hit's
#   identifier; the characters beside it; a note's field, back to the line's start).
#   No pattern they match there tells one digit of such a number from another: they
#   read it as digits (``\d``, ``\w``, ``isalnum``), and the patterns that name a
#   digit (``0x``, ``1F600``, ``\u200d``, ``name2race``'s "2", a mangled name's
#   lengths) name one that touches a letter, so is never masked;
# - where the hit stands on the line, its term (a term holding a digit is decided
#   alone: ``rac1p``) and what it learnt from its neighbours (``_link_neighbours``);
# - the facts of its line and of the lines around it (``_line_facts``), each computed
#   exactly (or, for the line's own shape, from its masked text, which reads the same):
#   whether it is a statement, holds a sentence or an emoji, what its record holds,
#   the words of the lines around it, a resource type above, a parameter declared
#   below (a label element's back reference compares digits: read exactly), ...;
# - what reads past the line, or quotes the text, computed exactly for the hit
#   (``_hit_facts``): a gloss and a place name 80 and 48 characters each side, a key
#   after it over line breaks, a column's default and the definition up to
#   PARAMETERS_REACH back, a name lookup's line, a sentence's quoted phrase, "from a
#   name" after it (the last three only where the line has a number masked).  (A host
#   name's check reads 8 characters back and 6 on, but past the line only its line
#   break: the key's.)
#
# A line that holds a mangled name or an SQL condition (its column is quoted) is
# decided hit by hit.  ``VERIFY_SHARED`` checks each shared decision against one made
# afresh; tests/test_shared_work.py varies each part of the key.

_UNDECIDED = object()
_DIGITS = str.maketrans("0123456789", "0000000000")
_DIGIT_BYTES = bytes.maketrans(b"0123456789", b"0000000000")
_DIGIT = re.compile("[0-9]")
# A number standing alone: no word character or dot touches it (``"age":45``, ``0.3``).
# (``(?<![\w.])[0-9]+...``, its first digit read before what stands before it: a search
# then skips to the next digit, some 2.5 times faster)
_NUMBER = re.compile(r"[0-9](?<![\w.][0-9])[0-9]*(?:\.[0-9]+)?(?![\w.])")
# The words of ``_WORD_KEY``'s key: a line without one holds no part of its match
_WORD_KEY_WORDS = re.compile("text|word|term|lemma|headword|token")
# ``_IDENT_KEY`` at a position of the text, its 64 characters on as the slice it reads
_IDENT_KEY_AT = re.compile(_IDENT_KEY.pattern.removeprefix("^"))
_GLOSS_WORDS = re.compile(r"gloss|translation|meaning|definition|释义|解释")


def _zeroed(m: re.Match[str]) -> str:
    return m.group(0).translate(_DIGITS)


def masked(text: str) -> str:
    """``text`` with each number that stands alone written with zeros.  Where every
    digit of an ASCII text stands in such a number (a log's ids, ages and scores), that
    is every digit written as a zero: one translation, not a call a number."""
    if _DIGIT.search(text) is None:
        return text
    if text.isascii() and _DIGIT.search(_NUMBER.sub("", text)) is None:
        # (as bytes: ``str.translate`` reads a text a character at a time, 8 times slower)
        return text.encode().translate(_DIGIT_BYTES).decode()
    return _NUMBER.sub(_zeroed, text)


def _masked_shape(work: SharedWork, text: str) -> str:
    """``masked(text)``.  Whether every digit of an ASCII text stands in a number that
    stands alone (``masked``'s one translation) is asked once for each of its shapes
    (its digits as zeros): ``_NUMBER`` reads any digit as it reads another, so a text
    and its shape have their numbers in the same places."""
    if not text.isascii():
        return masked(text)
    shape = text.encode().translate(_DIGIT_BYTES)
    alone = work.digits_alone.get(shape)
    if alone is None:
        alone = work.digits_alone[shape] = _DIGIT.search(_NUMBER.sub("", text)) is None
    return shape.decode() if alone else masked(text)


def _shape_facts(doc: Document, line: str) -> tuple[object, ...] | None:
    """What the phases read of a line's own text, from its masked text (the same
    answers: see above), once per shape; None for a line whose hits are decided
    alone: a statement (``scope_of`` reads its file), a mangled name, an SQL
    condition."""
    if _is_statement(line) and doc.suffix not in TRANSLATION_SUFFIXES:
        return None
    if "_Z" in line or _SQL_CONDITION.search(line):
        return None
    delimiter = _DELIMITERS.get(doc.suffix)
    return (
        bool(_TRAIT_OF_NAME.match(line)),  # first: _hit_facts reads it
        _holds_sentence_value(line),  # second: _hit_facts reads it
        has_emoji(line),  # third: _line_facts reads it
        delimiter is not None and _holds_text_cell(line, delimiter),
        bool(_searched(_COLUMN_DOC, line)),  # fifth: the line above reads it
        bool(_WORD_KEY_WORDS.search(line)),  # sixth: the lines around read it
        bool(_CODES.search(line)),  # seventh: _hit_facts and the lines around read it
    )


def _line_shape(doc: Document, work: SharedWork, i: int) -> tuple[str, str, object] | None:
    """Line ``i`` of ordinary length, masked with the characters each side of it (the
    key's), its own line masked, and its shape's facts; None for a long line."""
    got = work.shapes.get(i, _UNDECIDED)
    if got is not _UNDECIDED:
        return got  # type: ignore[return-value]
    start, end = doc.span(i)
    if end - start > 2 * LOCAL:
        work.shapes[i] = None
        return None
    lo = max(0, start - 1)
    raw = _masked_shape(work, doc.text[lo : end + 1])
    line = raw[start - lo : start - lo + len(doc.line_text(i))]
    facts = work.shape_facts.get(line, _UNDECIDED)
    if facts is _UNDECIDED:
        facts = work.shape_facts[line] = _shape_facts(doc, line)
    got = work.shapes[i] = (raw, line, facts)
    return got


def _words(doc: Document, lo: int, hi: int) -> tuple[tuple[str, str], ...]:
    """The context words of lines ``lo..hi``, in the order ``doc.window`` reads them."""
    lines, words = doc._events
    return tuple(words[bisect.bisect_left(lines, lo) : bisect.bisect_right(lines, hi)])


def _head_facts(doc: Document, work: SharedWork, j: int) -> tuple[bool, bool, bool, bool]:
    """``has_emoji``, ``_COLUMN_DOC``, a word of ``_WORD_KEY``'s key and ``_CODES`` on
    the head of line ``j`` (its first 2 x LOCAL characters, as the lines around a hit
    are read)."""
    got = work.heads.get(j)
    if got is None:
        shape = _line_shape(doc, work, j)
        start, end = doc.span(j)
        if shape is not None and shape[2] is not None and len(shape[1]) == end - start:
            # the head is the whole line, no ``\r`` before its break: its shape's facts
            own: tuple[object, ...] = shape[2]  # type: ignore[assignment]
            got = (bool(own[2]), bool(own[4]), bool(own[5]), bool(own[6]))
        else:
            head = doc.text[start : min(end, start + 2 * LOCAL)]
            key = bool(_WORD_KEY_WORDS.search(head))
            got = (
                has_emoji(head),
                bool(_searched(_COLUMN_DOC, head)),
                key,
                bool(_CODES.search(head)),
            )
        work.heads[j] = got
    return got


def _line_facts(doc: Document, work: SharedWork, i: int, own: tuple[object, ...]) -> object:
    """What the phases of ``decide`` read of the lines around line ``i`` for a hit
    that is an entry of a data text (see above), each computed exactly."""
    line = doc.line_text(i)
    config, prose = doc.suffix in CONFIG_SUFFIXES, doc.is_prose
    n = doc.line_count
    # a vocabulary's word key in the record (``_tags_a_word``): none unless one of its
    # key's words stands on one of the record's lines (none in the text: none there)
    keyed = (
        config
        and work.key_words
        and any(_head_facts(doc, work, j)[2] for j in range(max(0, i - 2), min(n, i + 3)))
    )
    around = doc.record_text(i, doc.line_start(i)) if keyed or prose else ""
    form = _FORM_CONTROL.search(around) if prose else None
    return (
        own,
        # has_emoji of its record: its lines' heads joined by line breaks (line i
        # whole); no match of _EMOJI holds a line break but as the blank before or
        # after a short code (``:smile:``), where a head's start or end stands for it
        bool(own[2]) or _on_a_head_around(doc, work, i, 0),
        keyed and bool(_WORD_KEY.search(around)),
        i == doc.first_line,
        # the words of a record's lines (RECORD_SCOPE; a row's are its own: ROW_SCOPE)
        None if doc.suffix in ROW_SUFFIXES else _words(doc, max(0, i - WINDOW), i + WINDOW),
        _words(doc, i, i),
        doc.is_word_list(i),  # (a phrase list is a binary's: no data text)
        _resource_above(doc, i),
        _declared_below(doc, i, line),  # (with its label element: a back reference)
        i + 1 < n and _head_facts(doc, work, i + 1)[1],
        form[0] if form else None,
        prose and is_sentence_value(line.strip()),
    )


def _on_a_head_around(doc: Document, work: SharedWork, i: int, fact: int) -> bool:
    """Is ``_head_facts``' ``fact`` true of a line of line ``i``'s record but its own
    (the 2 lines each side)?  Each line's four facts are read once, as the bits of a
    number, and a record's are those of its lines or'ed together, once a line."""
    got = work.around.get(i)
    if got is None:
        bits = work.head_bits
        got = 0
        for j in range(max(0, i - 2), min(doc.line_count, i + 3)):
            if j != i:
                one = bits.get(j)
                if one is None:
                    a, b, c, d = _head_facts(doc, work, j)
                    one = bits[j] = a | b << 1 | c << 2 | d << 3
                got |= one
        work.around[i] = got
    return bool(got >> fact & 1)


def _term_key(term: Term) -> _TermKey:
    """What ``decision_key`` asks of a hit's term, asked once a term."""
    places = term.kind in _PLACE_KINDS and term.capability is not Capability.TARGETING
    places = places and term.trait in (Trait.ETHNIC_GROUP, Trait.ETHNICITY, Trait.RELIGION)
    return bool(_DIGIT.search(term.text)), places, term.kind is TermKind.WORD


def _hit_facts(
    doc: Document,
    work: SharedWork,
    hit: Hit,
    line_key: _LineKey,
    term_key: _TermKey,
) -> tuple[object, ...]:
    """What the phases of ``decide`` read past the hit's line (``line_key``'s), or
    quote of the text, computed for the hit (None where all it reads is on the line,
    where the masked line stands for it, or where it reads nothing); what the hits of
    its line or of its term read alike is read once, in ``line_key`` and
    ``term_key``."""
    text = doc.text
    _, _, numbers, own, start, end, record_codes = line_key
    parameters = False
    if work.definitions:
        lo = max(0, hit.start - PARAMETERS_REACH)
        parameters = (
            text.find("def", lo, hit.start) >= 0 or text.find("function", lo, hit.start) >= 0
        )
    # _entry_scope: a word that names a code set, where the record holds codes
    codes = record_codes if term_key[2] else None
    lines = None
    if hit.table:  # _entry_scope: a code table's lines with digits
        record_lines = doc.record_text(hit.line, hit.start).split("\n")
        lines = sum(any(c.isdigit() for c in ln) for ln in record_lines) >= 3
    crosses = hit.start - 80 < start or hit.end + 80 > end
    return (
        # 40 and 48 characters, the catalogue's patterns (for a group's name alone)
        term_key[1] and _names_no_people(doc, hit, work),
        # a gloss, 80 characters each side (none without a gloss's word in the text)
        _glossed(doc, hit) if work.glosses and crosses else None,
        bool(_IS_KEY.match(text, hit.end)),  # blanks and a colon, over line breaks
        bool(_IDENT_KEY_AT.match(text, hit.end, hit.end + 64)),  # (as a slice's start)
        # a column's default (60 characters each side) in a definition's parameters:
        # the definition's name first, up to PARAMETERS_REACH back
        _a_default_column(doc, hit) if parameters else None,
        # quotes of the line, numbers and all: a name lookup's, a sentence's phrase,
        # "... from their names" (80 characters on, a blank first)
        _name_lookup(doc, hit) if numbers and own[0] else None,
        _quoted_in_sentence(doc, hit) if numbers and own[1] else None,
        _from_a_name(doc, hit) if text[hit.end : hit.end + 1].isspace() else None,
        codes,
        lines,
    )


def decision_key(doc: Document, hit: Hit) -> tuple[object, ...] | None:
    """All that ``decide`` reads for ``hit`` (see above), or None when the hit is decided
    on its own."""
    if hit.place is not None or hit.in_comment:
        return None
    work = _shared_work(doc)
    got = work.lines.get(hit.line, _UNDECIDED)
    if got is _UNDECIDED:
        got = work.lines[hit.line] = _line_key(doc, work, hit.line)
    if got is None:
        return None
    term = hit.term
    term_key = work.terms.get(id(term))
    if term_key is None:
        term_key = work.terms[id(term)] = _term_key(term)
    if term_key[0] or _DIGIT.search(doc.text, hit.start, hit.end):
        return None  # the term's own digits are read (``rac1p``)
    around = _around_facts(doc, hit)
    start = got[4]  # type: ignore[index]
    cls = work.cluster_classes.get(hit.cluster)
    if cls is None:
        cls = work.cluster_classes[hit.cluster] = _cluster_class(hit.cluster)
    return (
        got[0],  # type: ignore[index]
        got[1],  # type: ignore[index]
        hit.start - start,
        hit.end - start,
        id(term),
        cls,
        hit.trait_words_near,
        hit.traits_near,
        hit.religion_near,
        hit.table,
        *_hit_facts(doc, work, hit, got, term_key),  # type: ignore[arg-type]
        around,
    )


def _around_facts(doc: Document, hit: Hit) -> tuple[object, ...]:
    """What ``decide`` reads of the lines around a data text's hit beyond its record's
    facts: the categories of watched people a category of people is listed with, the
    other religions a religion's option is listed with.  (A MyBatis test over a
    condition reads the line below: ``_line_key`` decides its hits each alone.)"""
    t = hit.term
    watched = _key_population(doc, hit)
    faiths: tuple[str, ...] = ()
    if t.trait is Trait.RELIGION and t.kind is TermKind.GROUP:
        faiths = tuple(_other_religions(doc, hit))
    return (watched, faiths)


def _line_key(doc: Document, work: SharedWork, i: int) -> _LineKey | None:
    """The part of ``decision_key`` that the hits of line ``i`` share: the number of its
    facts, its text masked (with the characters each side), whether a number was
    masked, its shape's facts, whether its record holds codes; or None: its hits are
    decided each alone."""
    if not doc.is_data:
        return None  # a module, a document: a hit's scope reaches past its record
    if work.glosses is None:  # what the text holds at all
        text = doc.text
        work.glosses = bool(_GLOSS_WORDS.search(text))
        work.definitions = "def" in text or "function" in text
        work.key_words = bool(_WORD_KEY_WORDS.search(text))
    shape = _line_shape(doc, work, i)
    if shape is None or shape[2] is None:
        return None
    if "test" in shape[0] and _MYBATIS_TEST.search(shape[0]):
        return None  # ``<if test="nation != null">``: the condition below it is read
    raw, line, own = shape
    facts = _line_facts(doc, work, i, own)  # type: ignore[arg-type]
    number = work.facts.setdefault(facts, len(work.facts))
    start, end = doc.span(i)
    # (``_CODES`` reads no line break: the record holds codes if one of its lines does)
    codes = bool(own[6]) or _on_a_head_around(doc, work, i, 3)  # type: ignore[index]
    return number, raw, line != doc.line_text(i), own, start, end, codes  # type: ignore[return-value]
