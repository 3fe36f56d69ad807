"""What the classifier needs to know about a text beyond its hits: lines, which
lines are comments or docstrings, which lines start definitions, and where each
context word stands.  Built only for texts that have at least one hit."""

from __future__ import annotations

import bisect
import itertools
import locale
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from operator import add
from typing import Protocol

from ethicscan import lazy_re as re  # (its patterns compiled when first used)
from ethicscan.classify import shape
from ethicscan.kinds import TextKind, assert_never
from ethicscan.names import stem, suffix
from ethicscan.rules.catalogue import Catalogue, Category, ContextWord, context_words
from ethicscan.rules.matcher import Match, lower_same_length
from ethicscan.rules.prefilter import prefilter_for

PROSE_SUFFIXES = frozenset(
    {".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".htm", ".tex", ".org", ".rtf"}
)
# Pages whose visible text the classifier reads, line by line where the markup stood.
PAGE_TEXT_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".rmd", ".qmd"})
# a line that opens or closes a fenced code block: three backticks or tildes at its start
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
# (a page's visible text keeps a script's tags' names, ``<script`` and ``</script``)
_SCRIPT_OPENS = re.compile(r"<script\b", re.IGNORECASE)
PROSE_NAMES = frozenset({"readme", "metadata", "pkg-info", "description", "changelog", "license"})
HASH_COMMENT = frozenset(
    {
        ".py",
        ".pyi",
        ".sh",
        ".bash",
        ".rb",
        ".pl",
        ".yml",
        ".yaml",
        ".toml",
        ".cfg",
        ".ini",
        ".r",
        ".conf",
        ".properties",
        ".mk",
        ".cmake",
        ".ps1",
    }
)
PY_LIKE = frozenset({".py", ".pyi"})
# Configuration and data formats: records and settings, not modules of code, so a hit
# in one has the lines around it as context, never the rest of the file.
# Texts of settings and records (configurations, JSON lines, delimited tables): their
# records are not a module's statements.
CONFIG_SUFFIXES = frozenset(
    {
        ".json",
        ".jsonl",
        ".ndjson",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".properties",
        ".xml",
        ".plist",
        ".csv",
        ".tsv",
    }
)
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
YAML_TEXT_LINES = 200_000  # a larger YAML text is read a line at a time, without block scalars
# A key whose value is a block scalar (``description: >``, ``- note: |-``).
_BLOCK_SCALAR = re.compile(r"^(\s*)(?:-\s+)?[^\s#][^#\n]*?:\s*([|>])[-+0-9]*[ \t]*(?:#.*)?$", re.M)
EXAMPLE_REACH = 40  # lines looked back for the start of an example in documentation
# How a binary's strings and symbols (TextKind.STRINGS, one a line: extract/native.py)
# are read.  Such a list holds many modules, so "in this file" means within
# STRINGS_REACH lines.
STRINGS_SUFFIX = ".strings"
STRINGS_REACH = 50
# A text of more lines than this that is not a Python module is a bundle (many modules
# concatenated, generated code): "this file" for a hit is the lines within BUNDLE_REACH
# of it, not the rest of the bundle, whose modules are other people's code.
BUNDLE_LINES = 3000
BUNDLE_REACH = 300
CALL_DEPTH = 2  # how far up the callers of a definition its evidence reaches
LOCAL = 240  # characters each side of a hit that stand for its line on a long line

_TOP_LEVEL = re.compile(r"^(?:(@)|(async\s+def\b|def\b|class\b)|[^\s#)\]}\"'])", re.MULTILINE)
_DEF_PY = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)")
_DEF_C = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|final|abstract|export|default|"
    r"virtual|inline|extern|typedef|sealed|partial|async|override|const)\s+)*"
    r"(?:(?:class|interface|struct|enum|record|union|trait|type|func|function|fn|message|service)"
    r"\s+([A-Za-z_]\w*)|[\w<>\[\],.*&: ]+?\s+\*?([A-Za-z_]\w*)\s*\([^;]*$)"
)


# A lower-case English phrase with nothing of code in it: an entry of a dictionary or
# keyword table (emoji annotations, locale names) when a binary's strings hold many
# in a row.
_PHRASE = re.compile(r"^[a-z][a-z0-9 \t'&,.:()-]{0,60}$")  # tabs: fields of one entry
# a Chinese word, with what a serialiser writes after it (a pickle's memo opcode: ``人种rE``)
_CJK_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{1,8}[\t\x21-\x7e]{0,4}$")
_OPCODES = re.compile(r"^[\t\x20-\x7e]{0,8}$")  # a serialiser's opcodes between its strings
_LIST_ITEM = re.compile(r"""^\s*["'][^"'\n]{1,60}["'],?\s*$""")
# A member of an enumeration: ``FACE_INPUT = "face-input"``, ``RACE = 3,``,
# ``public static final int ETHNIC = 0x10;``, ``NEGATED,``: an upper-case constant given
# a literal (or none, with a comma), and nothing else on the line but a comment.
# (a value may stand in parentheses, a tuple of one: ``UYGUR = (1,)``)
_NAMED_CONSTANT = re.compile(
    r"""^\s*(?:(?:public|private|protected|internal|static|final|const|constexpr|readonly
    |export|let|var|val)\s+)*(?:[\w.<>\[\]]+\s+)?(?P<name>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\s*
    (?:[=:]\s*(?P<paren>\(\s*)?(?:"[^"\n]*"|'[^'\n]*'|-?(?:0[xX][0-9a-fA-F]+|\d+)[lLuU]*)
    (?(paren)\s*,?\s*\))\s*[,;]?|,)
    \s*(?:(?://|\#|/\*).*)?$""",
    re.X,
)
NAMES_RUN = 3  # members in a row that make an enumeration
NAMES_SCAN = 4000  # lines read each way for a run's ends, at most
# An attribute assigned or annotated: ``self.race = None``, ``race: str = ""``.
_ASSIGNMENT = re.compile(
    r"^\s*[A-Za-z_][\w.]*\s*(?::[^=\n]+)?=(?!=)|^\s*[A-Za-z_]\w*\s*:\s*[\w\[\]., |]+\s*$"
)
# The declaration of a field: ``race?: CodeableConcept;`` (TypeScript), ``private String
# race;`` (Java, C#), ``std::string race;`` (C++), ``Race string `json:"race"``` (Go).
_FIELD_DECL = re.compile(
    r"^\s*(?!(?:return|throw|break|continue|goto|delete|import|package|using|case)\b)"
    r"(?:(?:public|private|protected|internal|readonly|static|final|export|declare)\s+)*"
    r"(?:[A-Za-z_$][\w$]*\??\s*:\s*[^=;(){}]+;?"
    r"|[A-Za-z_][\w:<>\[\], .?*]*\s+[A-Za-z_$][\w$]*\s*(?:=[^;{}]*)?;"
    r"|[A-Z]\w*\s+[\w.*\[\]]+\s+`[^`]*`)\s*$"
)
# a line of annotations or attributes between a doc comment and its declaration
_ANNOTATION = re.compile(r"^\s*(?:@[\w.]+(?:\(.*\))?\s*)+$|^\s*\[[\w.]+(?:\(.*\))?\]\s*$")
# a property with accessors: ``public string MZ { get; set; }``
# A statement that sets or reads one field: a setter or getter call, an assignment.
_HANDLES_FIELD = re.compile(
    r"^\s*(?:[\w$]+(?:\(\))?\.)*(?:set|get|put)[A-Z_]\w*\s*\("
    r"|^\s*(?:(?:var|let|const|final)\s+)?[A-Za-z_$][\w$.]*(?:\[[^\]]*\])?\s*=(?!=)"
)
# A condition that tests one field: ``if (row.politicalStatus != null) {``,
# ``} else if (param.mz == "01")``: a comment over it names the field, as over a setter.
_TESTS_FIELD = re.compile(
    r"^\s*(?:\}\s*)?(?:else\s+)?if\s*\(\s*!?\s*[A-Za-z_$][\w$]*(?:\(\))?(?:\.[A-Za-z_$][\w$]*(?:\(\))?)+"
    r"\s*(?:[!=]==?|[<>]=?|\)|&&|\|\|)"
)
# A type that enumerates values: ``public enum NationCode {``, ``typedef enum {``,
# ``export enum Mz {``: a doc comment over it names the code table it holds.
_ENUM_HEAD = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|export|declare|const)\s+)*"
    r"(?:typedef\s+)?enum\b(?:\s+(?:class|struct))?(?:\s+[A-Za-z_]\w*)?\s*(?::\s*[\w.]+\s*)?\{?\s*$"
)
# A method's declaration: ``public List<NationCode> selectNationCodeAll();``,
# ``List<Map> countByNation() throws Exception;``: a doc comment over it names what the
# method reads or returns.
_METHOD_DECL = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|final|abstract|synchronized|default"
    r"|override|virtual|async)\s+)*(?:<[^<>]+>\s+)?[A-Za-z_][\w<>\[\], .?]*\s+[A-Za-z_]\w*"
    r"\s*\([^()]*\)\s*(?:throws\s+[\w., ]+)?\s*[;{]?\s*$"
)
# One argument of a call on its line, a comment after it (``"",//民族``,
# ``v.getNation(), // 民族``): the comment names the argument's slot.
_ARGUMENT = re.compile(
    r"""^\s*(?:"[^"\n]*"|'[^'\n]*'|-?\d+(?:\.\d+)?|null|true|false|None"""
    r"""|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(\))?)\s*,\s*$"""
)
# Folders that hold a program's translations, one file or folder a locale.
_L10N_FOLDERS = frozenset({"nls", "i18n", "l10n", "locale", "locales", "lang", "langs"})
# A name that may be a locale's: a language, a region or script after it (``de``,
# ``zh-cn``, ``pt_BR``, ``zh-Hans``), or Dojo's ``root``; checked against the C library's
# table of locale names (``locale.locale_alias``), so ``app`` or ``api`` is none.
_LOCALE_SHAPE = re.compile(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[A-Z][a-z]{3}))?")


def _is_locale(name: str) -> bool:
    if name.lower() == "root":
        return True
    m = _LOCALE_SHAPE.fullmatch(name)
    return m is not None and m.group(1).lower() in locale.locale_alias


def _locale_tail(name: str) -> bool:
    """``jsapi_ar``, ``messages_zh_CN``, ``strings.de``: a file's name ending in a locale."""
    return any(_is_locale(name[i + 1 :]) for i in range(1, len(name)) if name[i] in "_.-")


# A class, interface, struct or record's head: ``public class SearchIdleYouthVo extends
# Base {``, ``export interface PersonQuery {``.
_CLASS_HEAD = re.compile(
    r"^[ \t]*(?:(?:public|private|protected|internal|abstract|final|static|sealed|partial"
    r"|export|default|data|open)[ \t]+)*(?:class|interface|struct|record)[ \t]+([A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_PROPERTY = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|virtual|override)\s+)*"
    r"[A-Za-z_][\w<>\[\], .?]*\s+[A-Za-z_]\w*\s*\{\s*(?:get|set)\b"
)
# a getter or setter: ``public String getMz() {``, ``void setNation(String v)``
_ACCESSOR = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|final|override)\s+)*"
    r"(?:[A-Za-z_][\w<>\[\], .?]*\s+)?(?:get|set|is)[A-Z]\w*\s*\([^)]*\)\s*(?:\{|$)"
)
# a named list of options or codes opening on its line: ``export const relyZzmm = [``,
# ``MZ_OPTIONS = {``, ``private static final String[] NATIONS = {``
_LIST_DECL = re.compile(
    r"^\s*(?:(?:export|const|let|var|public|private|protected|static|final|readonly)\s+)*"
    r"(?:[\w<>\[\], .?]+\s+)?[A-Za-z_$][\w$.]*\s*(?::\s*[\w<>\[\], .?|]+)?\s*=\s*"
    r"(?:new\s+[\w<>\[\], ]+)?[\[{(]\s*$"
)
# a property whose accessors open on the next line: ``public string MZ`` then ``{``
_PROPERTY_HEAD = re.compile(
    r"^\s*(?:(?:public|private|protected|internal|static|virtual|override)\s+)+"
    r"[A-Za-z_][\w<>\[\], .?]*\s+[A-Za-z_]\w*\s*$"
)
# a column of a table's definition: ``zzmm varchar2(20),``, ``MZ CHAR(2) NOT NULL,``
_COLUMN_DECL = re.compile(
    r"^\s*[\w\"`\[\]]+\s+(?i:varchar2?|nvarchar2?|char|nchar|text|int|integer|bigint|"
    r"smallint|number|numeric|decimal|date|datetime|timestamp|string)\b[^;]*,?\s*$"
)
# where a trailing comment starts on a line of code
_TRAILING_COMMENT = re.compile(r"\s*(?://|/\*|--|#)")
_FIELD_DOC = re.compile(
    r"^\s*(?:[*#/-]+\s*)?(?::param\b|:type\b|@param\b|@property\b|@field\b|:ivar\b"
    r"|[A-Za-z_]\w*\s*(?:\([^)]*\))?(?:\s*[:：]|\s+-)\s*\S)"
)


# What precedes a word of declared data where it is a web framework's request's member:
# ``request.form`` (Flask), ``req.form``: the data came as a form's fields over HTTP, which
# says nothing of who declared it (a face API's ``actions`` read from ``request.form``).
# The categories of context words that ``_context_words`` tests where they stand (an
# icon set's, a query's "find by", a declaration's "form")
_TESTED = frozenset({Category.ICON_SET, Category.QUERY, Category.DECLARED})
_REQUEST_BEFORE = re.compile(r"\b(?:request|req)\.$", re.IGNORECASE)
# ... and HTTP's encoding of a form's fields: "form data", ``multipart/form-data``,
# ``FormData``
_FORM_DATA_AFTER = re.compile(r"[ _-]?data\b", re.IGNORECASE)
# What follows "find by" in a lookup of one record by its key (``findById``, ``find_by_id``)
_BY_ID_AFTER = re.compile(r"_?(?:id|ids|uuid|key|pk)\b", re.IGNORECASE)
# What follows "icon" where it is a page's control's icon, not a catalogue of icons: a CSS
# class (``icon-search``, ``el-icon-plus``), an attribute (``iconCls=``), or a value that is
# a UI kit's icon class (``icon: 'el-icon-search'``, ``icon="fa-search"``).
_UI_ICON = re.compile(
    r"-[a-z]|(?:cls|class(?:name)?)\s*=|\s*[:=]\s*[\"']"
    r"(?:el-icon|icon|fa|layui-icon|glyphicon|anticon|mdi|bi)-",
    re.IGNORECASE,
)

# Characters of a text low-cased at a time where a word is looked for in any case
FOLD_BLOCK = 1 << 18


def holds_folded(text: str, word: str) -> bool:
    """Is ``word`` (lower-case ASCII, without "i" or "k") in ``lower_same_length(text)``?
    Read FOLD_BLOCK characters at a time, never a low-cased copy of the whole text (of a
    binary's strings, tens of MB).  The same answer: only "\u0130" and the Kelvin sign
    low-case to ASCII letters ("i", "k") that a word without them cannot hold."""
    if word in text:
        return True
    reach = len(word) - 1
    return any(
        word in text[at : at + FOLD_BLOCK + reach].lower() for at in range(0, len(text), FOLD_BLOCK)
    )


def word_places(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands as a word in ``text``: the starts of
    ``re.finditer(rf"\\b{re.escape(word)}\\b", text)``, its places found by ``str``'s
    search and each tried there (the expression alone tries every place of the text: a
    module of 3 MB, 56 ms a word, against 1 ms)."""
    if not word:
        yield from (m.start() for m in re.finditer(r"\b\b", text))
        return
    rx = re.compile(rf"\b{re.escape(word)}\b")
    at = text.find(word)
    while at >= 0:
        m = rx.match(text, at)
        at = text.find(word, at + 1 if m is None else m.end())
        if m is not None:
            yield m.start()


@dataclass
class Document:
    text: str
    path: str
    catalogue: Catalogue
    lowered: str = ""
    kind: TextKind = TextKind.NAMED  # how the text is read, when not as its path says
    # For a large text: the line ranges (inclusive) around its hits that comments and
    # context words are read from; the rest of the text is never looked at again.
    focus: list[tuple[int, int]] | None = None
    # ... and the character spans within those lines (long minified lines are cut
    # to a few thousand characters around the hits).
    focus_chars: list[tuple[int, int]] | None = None
    utf8: bytes | None = None  # the text's UTF-8 bytes, when at hand
    _head_matches: dict[tuple[re.Pattern[str], int], tuple[list[int], list[re.Match[str]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Work the classifier shares between the hits of this text (capability.SharedWork),
    # made on first use.
    shared: object = field(default=None, init=False, repr=False, compare=False)
    # Its lines read alike: its terms were matched once per line shape, and so are its
    # context words (``Lexicon.find_by_lines``; set by the classifier).
    by_line_shape: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def low(self) -> str:
        if not self.lowered and self.text:
            self.lowered = lower_same_length(self.text)
        return self.lowered

    # ``lowered`` is computed on first use, by ``low`` (a large ASCII text never needs
    # all of it).

    # -- lines ---------------------------------------------------------------------------
    @cached_property
    def lines(self) -> Lines:
        return Lines(self.text)

    @property
    def line_count(self) -> int:
        return self.lines.count

    def line_start(self, i: int) -> int:
        """Where line ``i`` (0-based) starts."""
        return self.lines.start(i)

    def line_of(self, pos: int) -> int:
        """0-based line index of a character offset."""
        return self.lines.of(pos)

    def line_head_matches(
        self, pattern: re.Pattern[str], width: int
    ) -> tuple[list[int], list[re.Match[str]]]:
        """The lines whose first ``width`` characters hold a match of ``pattern`` (one
        that never crosses a line break), in order, with the first match of each: what
        searching each line's head would find, from one pass over the text, once."""
        key = (pattern, width)
        if key not in self._head_matches:
            lines: list[int] = []
            found: list[re.Match[str]] = []
            last = -1
            for m in pattern.finditer(self.text):
                i = self.line_of(m.start())
                if i == last:
                    continue  # a later match of a line whose first is past its head
                last = i
                if m.end() <= self.line_start(i) + width:
                    lines.append(i)
                    found.append(m)
            self._head_matches[key] = (lines, found)
        return self._head_matches[key]

    def line_text(self, i: int) -> str:
        """Line ``i`` without its line break (``\n`` or ``\r\n``)."""
        got = self._line_texts.get(i)
        if got is None:  # the hits of a line ask for it again and again
            got = self._line_texts[i] = self.lines.text_of(i).rstrip("\r")
        return got

    @cached_property
    def _line_texts(self) -> dict[int, str]:
        return {}

    # -- kind of file and of line --------------------------------------------------------
    @cached_property
    def suffix(self) -> str:
        """The suffix the text is read as: its path's, or the one its kind reads like."""
        match self.kind:
            case TextKind.NAMED:
                return suffix(self.path)
            case TextKind.PROSE:
                return ".txt"
            case TextKind.STRINGS:
                return STRINGS_SUFFIX
            case TextKind.JAVA:
                return ".java"
            case TextKind.GETTEXT:
                return ".po"
            case TextKind.NOTEBOOK:
                return ".py"  # (an R notebook's cells read as Python: the shapes agree)
            case _:
                assert_never(self.kind)

    @cached_property
    def is_prose(self) -> bool:
        match self.kind:
            case TextKind.PROSE:
                return True
            case TextKind.STRINGS | TextKind.NOTEBOOK:
                return False  # whatever the binary's name; a notebook's markdown is comments
            case TextKind.NAMED | TextKind.JAVA | TextKind.GETTEXT:
                if self.suffix in PROSE_SUFFIXES or stem(self.path) in PROSE_NAMES:
                    return True
                # a text with no suffix is read by its lines: a fortune file, a changelog
                return not self.suffix and shape.is_prose_text(self.line_count, self.line_text)
            case _:
                assert_never(self.kind)

    @cached_property
    def script_lines(self) -> tuple[list[int], list[int]]:
        """The first and last lines (0-based, in order) of each script block of a page
        (``<script`` up to ``</script``): an application's page holds its code there, a
        document's prose is outside."""
        firsts: list[int] = []
        lasts: list[int] = []
        if self.suffix not in PAGE_TEXT_SUFFIXES:
            return firsts, lasts
        text = self.text
        for m in _SCRIPT_OPENS.finditer(text):
            first = self.line_of(m.end())
            if lasts and first <= lasts[-1]:
                continue  # (a ``<script`` within the block: its text)
            end = text.find("</script", m.end())
            firsts.append(first)
            lasts.append(self.line_of(len(text) if end < 0 else end))
        return firsts, lasts

    def in_script(self, i: int) -> bool:
        """Is line ``i`` of a page within one of its inline script blocks?"""
        return _within(self.script_lines, i)

    @cached_property
    def fenced_lines(self) -> tuple[list[int], list[int]]:
        """The first and last lines (0-based, in order) of each fenced code block of a
        Markdown document (a line of three backticks or tildes, up to the next): a
        README's example or a knitted report's chunk is code among its prose."""
        firsts: list[int] = []
        lasts: list[int] = []
        text = self.text
        if self.suffix not in MARKDOWN_SUFFIXES or ("```" not in text and "~~~" not in text):
            return firsts, lasts
        for m in _FENCE.finditer(text):
            line = self.line_of(m.start())
            if len(firsts) == len(lasts):
                firsts.append(line + 1)
            else:
                lasts.append(line - 1)
        if len(lasts) < len(firsts):
            firsts.pop()  # a fence left open: no block
        return firsts, lasts

    def in_fence(self, i: int) -> bool:
        """Is line ``i`` of a Markdown document within a fenced code block?"""
        return _within(self.fenced_lines, i)

    @cached_property
    def is_strings(self) -> bool:
        return self.suffix == STRINGS_SUFFIX

    @cached_property
    def is_data(self) -> bool:
        """Is the text a table of entries (a dictionary, word list, translation
        catalogue, emoji or locale table, a module that is one big literal)?  Its
        entries are not each other's context (:mod:`ethicscan.classify.shape`)."""
        if self.is_strings or (self.is_prose and self.suffix != ".txt"):
            return False  # a binary's strings have their own reach; a document has prose
        if self.kind is TextKind.NOTEBOOK:
            return False  # its cells are a module's code, whatever its outputs hold
        return shape.is_data_text(self.suffix, self.line_count, self.line_text)

    def span(self, i: int) -> tuple[int, int]:
        """Where line ``i`` starts and where its line break stands (the hits of a line
        ask again and again)."""
        got = self._spans.get(i)
        if got is None:
            got = self._spans[i] = (self.line_start(i), self.lines.end(i))
        return got

    @cached_property
    def _spans(self) -> dict[int, tuple[int, int]]:
        return {}

    def local_line(self, i: int, pos: int) -> str:
        """Line ``i`` as the shape of the statement at ``pos`` is read from: the whole
        line, or LOCAL characters each side of ``pos`` on a long (minified) line, so
        that a line's hundreds of hits do not each read all of it."""
        start, end = self.span(i)
        if end - start <= 2 * LOCAL:
            return self.line_text(i)
        return self.text[self.local_start(i, pos) : min(end, pos + LOCAL)]

    def is_long(self, i: int) -> bool:
        """Is line ``i`` long (minified): read around each hit, not whole?"""
        start, end = self.span(i)
        return end - start > 2 * LOCAL

    def local_start(self, i: int, pos: int) -> int:
        """Where ``local_line(i, pos)`` starts in the text."""
        start, end = self.span(i)
        return start if end - start <= 2 * LOCAL else max(start, pos - LOCAL)

    def record_text(self, i: int, pos: int, reach: int = 2) -> str:
        """The lines ``reach`` each side of line ``i`` (the record an entry of a data text
        belongs to), each cut to 2 * LOCAL characters (around ``pos`` on line ``i``)."""
        start, end = self.span(i)
        if end - start > 2 * LOCAL:
            return self._record_text(i, pos, reach)
        got = self._records.get((i, reach))
        if got is None:  # the hits of a line of ordinary length share it
            got = self._records[(i, reach)] = self._record_text(i, pos, reach)
        return got

    @cached_property
    def _records(self) -> dict[tuple[int, int], str]:
        return {}

    def _record_text(self, i: int, pos: int, reach: int) -> str:
        lines = []
        for j in range(max(0, i - reach), min(self.line_count, i + reach + 1)):
            if j == i:
                lines.append(self.local_line(i, pos))
            else:
                start = self.line_start(j)
                lines.append(self.text[start : min(self.lines.end(j), start + 2 * LOCAL)])
        return "\n".join(lines)

    @cached_property
    def first_line(self) -> int:
        """The first line that is not blank (a table's header row)."""
        for i in range(self.line_count):
            if self.line_text(i).strip():
                return i
        return 0

    def reach(self, line: int) -> tuple[int, int]:
        """The lines that count as "this file" for a hit on ``line``: in a binary's
        strings, the strings around it; in a Python module, the top-level function or
        class it stands in, or the whole module for a statement at its top level
        (:meth:`connected` adds what calls that definition); in a bundle, the lines
        around it; elsewhere the whole file."""
        if self.is_strings:
            return max(0, line - STRINGS_REACH), line + STRINGS_REACH
        if self.suffix in PY_LIKE:
            return self._enclosing(line)[:2]
        if self.line_count > BUNDLE_LINES:
            return max(0, line - BUNDLE_REACH), min(self.line_count, line + BUNDLE_REACH)
        return 0, self.line_count

    def connected(self, line: int) -> list[tuple[int, int]]:
        """The spans of lines whose words are evidence for a hit on ``line``: its
        :meth:`reach`, and in a Python module the top-level definitions that use the
        definition it stands in (a function that classifies the faces another finds)."""
        lo, hi, name = self._enclosing(line) if self.suffix in PY_LIKE else (*self.reach(line), "")
        if not name:
            return [(lo, hi)]
        got = self._callers.get(name)
        if got is None:
            spans = {(lo, hi)}
            names, seen = [name], {name}
            for _ in range(CALL_DEPTH):  # callers, their callers ...
                found = []
                for callee in names:
                    for at in word_places(self.text, callee):
                        a, b, caller = self._enclosing(self.line_of(at))
                        if caller and caller not in seen:
                            seen.add(caller)
                            found.append(caller)
                            spans.add((a, b))
                names = found
            got = self._callers[name] = sorted(spans)
        return got

    @cached_property
    def _callers(self) -> dict[str, list[tuple[int, int]]]:
        return {}

    def _enclosing(self, line: int) -> tuple[int, int, str]:
        """The top-level definition line ``line`` stands in: its first and last line
        and its name, or the whole module and no name."""
        starts, defs = self._top_level
        i = bisect.bisect_right(starts, line) - 1
        if i < 0 or not defs[i]:
            return 0, self.line_count, ""
        first = i
        while first > 0 and defs[first - 1] == 2:  # decorators above it
            first -= 1
        j = i
        while j + 1 < len(starts) and defs[j] == 2:  # a decorator: its definition follows
            j += 1
        last = starts[j + 1] - 1 if j + 1 < len(starts) else self.line_count
        return starts[first], last, self.definition_at(starts[j]) or ""

    @cached_property
    def _top_level(self) -> tuple[list[int], list[int]]:
        """Lines that start at column 0 in a Python module (not blank, not a comment),
        and for each: 1 a def or class, 2 a decorator, 0 another statement."""
        starts: list[int] = []
        defs: list[int] = []
        for m in _TOP_LEVEL.finditer(self.text):
            starts.append(self.line_of(m.start()))
            defs.append(2 if m.group(1) else 1 if m.group(2) else 0)
        return starts, defs

    @cached_property
    def comment_lines(self) -> LineFlags:
        """True for lines that are wholly comment or docstring (code files only)."""
        n = self.line_count
        if self.is_prose:
            flags = [True] * n
            # a page's scripts are its code, their comments apart
            for first, last in zip(*self.script_lines, strict=True):
                for i in range(first + 1, last):
                    flags[i] = self.line_text(i).lstrip().startswith(("//", "/*", "*"))
            # ... and a Markdown document's fenced blocks its code, a line of only a
            # comment there apart (``# count stops per race``)
            # (a sentence quoted in a fence is still prose)
            for first, last in zip(*self.fenced_lines, strict=True):
                for i in range(first, last + 1):
                    line = self.line_text(i)
                    flags[i] = line.lstrip().startswith(
                        ("#", "//", "--", "/*", "*")
                    ) or shape.is_sentence(line)
            return flags
        py = self.suffix in PY_LIKE
        if (
            self.suffix in YAML_SUFFIXES
            and n <= YAML_TEXT_LINES
            and _BLOCK_SCALAR.search(self.text)
        ):
            return self._yaml_text()
        if "/*" not in self.text and not (py and ('"""' in self.text or "'''" in self.text)):
            return _LineFlags(self)  # no state runs from line to line
        flags = [False] * n
        state = ("", False)
        done = 0  # the first character not yet read
        for first, last in self.focus or [(0, n - 1)]:
            start = self.line_start(first)
            if start > done:
                state = self._skim(done, start, state)
            state = self._comments(flags, first, min(last, n - 1), state)
            done = self.line_start(last + 1) if last + 1 < n else len(self.text)
        return flags

    def _yaml_text(self) -> list[bool]:
        """Comment lines of a YAML text, and the lines of its block scalars that hold
        prose (a folded ``>`` block, or a ``|`` block that opens with a sentence): a
        ``description: >`` is documentation, as a comment is, not a setting."""
        n = self.line_count
        flags = [False] * n
        i = 0
        while i < n:
            line = self.line_text(i)
            if line.lstrip().startswith("#"):
                flags[i] = True
            m = _BLOCK_SCALAR.match(line)
            if not m:
                i += 1
                continue
            indent, j = len(m.group(1)), i + 1
            while j < n:
                body = self.line_text(j)
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                j += 1
            first = next((t for k in range(i + 1, j) if (t := self.line_text(k)).strip()), "")
            if m.group(2) == ">" or shape.is_sentence(first):
                flags[i + 1 : j] = [True] * (j - i - 1)
            i = j
        return flags

    def _skim(self, lo: int, hi: int, state: tuple[str, bool]) -> tuple[str, bool]:
        """The docstring / block-comment state after ``text[lo:hi]`` (lines between
        focus ranges), from where the markers last stand, at C speed."""
        quote, in_block = state
        gap = self.text[lo:hi]
        if self.suffix in PY_LIKE:
            for q in ('"""', "'''"):
                if (quote == q) != (gap.count(q) % 2 == 1):
                    return q, False
            return "", False
        opened, closed = gap.rfind("/*"), gap.rfind("*/")
        if opened == closed == -1:
            return quote, in_block
        return "", opened > closed

    def _comments(
        self, flags: list[bool], first: int, last: int, state: tuple[str, bool]
    ) -> tuple[str, bool]:
        hash_style = self.suffix in HASH_COMMENT
        py = self.suffix in PY_LIKE
        quote, in_block = state
        for i, line in enumerate(self.lines.between(first, last), first):
            s = line.strip()  # (a "\r" before the "\n" too)
            if quote:
                flags[i] = True
                if quote in s:
                    quote = ""
                continue
            if in_block:
                flags[i] = True
                if "*/" in s:
                    in_block = False
                continue
            if py and (s.startswith(('"""', "'''", 'r"""', "r'''"))):
                q = '"""' if '"""' in s else "'''"
                flags[i] = True
                body = s[s.index(q) + 3 :]
                if q not in body:
                    quote = q
                continue
            if _one_line_comment(s, hash_style):
                flags[i] = True
            elif s.startswith("/*"):
                flags[i] = True
                in_block = "*/" not in s[2:]
        return quote, in_block

    def in_comment(self, pos: int, li: int | None = None) -> bool:
        """Is the character at ``pos`` (on line ``li``, if known) in a comment,
        docstring or prose?"""
        if li is None:
            li = self.line_of(pos)
        if self.comment_lines[li]:
            return True
        if not self.has_marker(li):
            return False  # no comment marker anywhere on the line: none before ``pos``
        return next(self._markers_before(pos, li), None) is not None

    def comment_opens(self, pos: int, li: int) -> int | None:
        """Where the comment after the code of line ``li`` that holds ``pos`` opens (its
        marker's position); None when no such comment holds it, or the whole line is a
        comment (``wrapper.eq(StringUtils.isNotBlank(mz), ...); // 民族``: the ``//``)."""
        if self.comment_lines[li] or not self.has_marker(li):
            return None
        return min(self._markers_before(pos, li), default=None)

    def _markers_before(self, pos: int, li: int) -> Iterator[int]:
        """The positions of the comment markers before ``pos`` on line ``li`` that open
        a comment (outside a string literal), for this text's kind of file."""
        start = self.line_start(li)
        col = pos - start
        # Only what precedes the position matters; on a minified line megabytes long,
        # only the last stretch of it (quote counting there is a fair guess).
        lo = max(0, col - 2000)
        line = self.text[start + lo : pos]
        col -= lo
        for marker in ("//", "#", "/*", "--"):
            j = line.find(marker)
            if marker == "#" and self.suffix not in HASH_COMMENT:
                continue
            if marker == "--" and self.suffix not in (".sql", ".lua", ".hs"):
                continue
            if 0 <= j < col and line[:j].count('"') % 2 == 0 and line[:j].count("'") % 2 == 0:
                yield start + lo + j

    @cached_property
    def holds_no_comment(self) -> bool:
        """Is no character of the text in a comment (:meth:`in_comment` False at every
        position)?  So where no state runs from line to line (``_LineFlags``), no line
        opens as a comment does and the text holds no marker that :meth:`in_comment`
        looks for: a log's records, each hit of which would ask."""
        flags = self.comment_lines
        if not isinstance(flags, _LineFlags) or flags.may_hold_one():
            return False
        text = self.text
        return not any(m in text for m in self._comment_markers)

    @cached_property
    def holds_tags(self) -> bool:
        """Does the text hold a ``<`` at all?  Where it holds none, no line of it opens a
        tag, an element or a label, and what reads them is not asked (a log's records:
        each of their hits would read the lines around)."""
        return "<" in self.text

    def holds(self, word: str, folded: bool = False) -> bool:
        """Does the text hold ``word`` (``folded``: in any case, ``word`` written in
        lower-case ASCII)?  Asked once a text and word: what needs a word reads no line
        of a text without one."""
        got = self._holding.get((word, folded))
        if got is None:
            if not folded:
                got = word in self.text
            elif self.lowered or "i" in word or "k" in word:
                got = word in self.low
            else:
                got = holds_folded(self.text, word)
            self._holding[(word, folded)] = got
        return got

    @cached_property
    def _holding(self) -> dict[tuple[str, bool], bool]:
        return {}

    def has_marker(self, li: int) -> bool:
        """Does line ``li`` hold any comment marker :meth:`in_comment` looks for?  Asked
        once per line: the hits of a line share the answer."""
        got = self._markers.get(li)
        if got is None:
            line = self.text[self.line_start(li) : self.lines.end(li)]
            got = self._markers[li] = any(m in line for m in self._comment_markers)
        return got

    @cached_property
    def _markers(self) -> dict[int, bool]:
        return {}

    @cached_property
    def _comment_markers(self) -> tuple[str, ...]:
        """The markers :meth:`in_comment` reads in this text's kind of file."""
        out = ["//", "/*"]
        if self.suffix in HASH_COMMENT:
            out.append("#")
        if self.suffix in (".sql", ".lua", ".hs"):
            out.append("--")
        return tuple(out)

    def is_phrase_list(self, i: int) -> bool:
        """In a binary's strings: is line ``i`` a plain phrase among plain phrases (all
        but one of the 7 lines around it), like ``light skin tone`` in a table of emoji
        names?  Such neighbours are entries of the same table, not context."""
        if not self.is_strings:
            return False
        if _CJK_WORD.match(self.line_text(i)):  # a Chinese word among 15 lines of words
            lo, hi = max(0, i - 7), min(self.line_count, i + 8)
            near = [t for j in range(lo, hi) if not _OPCODES.match(t := self.line_text(j))]
            words = sum(1 for t in near if _CJK_WORD.match(t))
            return len(near) >= 8 and words >= len(near) - 1
        if not _PHRASE.match(self.line_text(i)):
            return False
        lo, hi = max(0, i - 3), min(self.line_count, i + 4)
        plain = sum(1 for j in range(lo, hi) if _PHRASE.match(self.line_text(j)))
        return hi - lo >= 4 and plain >= hi - lo - 1  # all but one, near an end too

    def names_run(self, i: int) -> tuple[int, int] | None:
        """The lines ``first..last`` of the register of names that line ``i`` is a
        member of, or None when it is no such member.  A register is an enumeration
        (``NAME = "value"`` lines in a row, comments and blank lines between them
        allowed) of unrelated names: no one first word (``EM_RACE_…``, ``FACE_ATTR_…``)
        is shared by half its members, as the values of one field share theirs.  Each
        member of a register is its own definition: its fellows' names are other
        things (a detector's reasons, a code's dictionary types), not its context."""
        if i in self._runs:
            return self._runs[i]
        first_match = None
        if not (self.is_prose or self.is_strings):
            first_match = _NAMED_CONSTANT.match(self.line_text(i))
        if first_match is None:
            self._runs[i] = None
            return None
        members, heads = [i], [first_match["name"].split("_", 1)[0]]
        for step in (-1, 1):
            j = i + step
            while 0 <= j < self.line_count and abs(j - i) <= NAMES_SCAN:
                text = self.line_text(j)
                if m := _NAMED_CONSTANT.match(text):
                    members.append(j)
                    heads.append(m["name"].split("_", 1)[0])
                elif text.strip() and not self.comment_lines[j]:
                    break
                j += step
        commonest = max(Counter(heads).values())
        run = None
        if len(members) >= NAMES_RUN and 2 * commonest < len(members):
            run = (min(members), max(members))
        for j in members:
            self._runs[j] = run
        return run

    @cached_property
    def _runs(self) -> dict[int, tuple[int, int] | None]:
        return {}

    def enum_members(self, head: int, reach: int) -> list[str]:
        """The names of the members (``_NAMED_CONSTANT``) of the enumeration whose head is
        line ``head``: up to ``reach`` lines below it, to its closing brace or the next
        definition."""
        names: list[str] = []
        for j in range(head + 1, min(head + reach, self.line_count)):
            text = self.line_text(j)
            if "}" in text or (names and text.strip().startswith(("class ", "def ", "typedef"))):
                break
            if m := _NAMED_CONSTANT.match(text):
                names.append(m["name"])
        return names

    def is_member(self, i: int) -> bool:
        """Is line ``i`` a member of an enumeration of names (see :meth:`names_run`)?"""
        return self.names_run(i) is not None

    def is_word_list(self, i: int) -> bool:
        """Is line ``i`` an item of a plain word list (lorem words, job titles)?  Words
        in such a list say nothing about each other."""
        if not _LIST_ITEM.match(self.line_text(i)):
            return False
        lo, hi = max(0, i - 3), min(self.line_count, i + 4)
        return sum(1 for j in range(lo, hi) if _LIST_ITEM.match(self.line_text(j))) >= 6

    def in_example(self, i: int) -> bool:
        """Is line ``i`` of a comment or docstring a line of an example: a doctest
        (``>>> ``), a reStructuredText literal block (indented under a line that ends
        with ``::``) or a fenced block (``\u0060\u0060\u0060``)?"""
        indent, s = _doc_line(self.line_text(i))
        if s.startswith((">>>", "... ")):
            return True
        fences, output = 0, bool(s)
        for j in range(i - 1, max(-1, i - EXAMPLE_REACH), -1):
            if not self.comment_lines[j]:
                break  # the comment or docstring began below
            at, t = _doc_line(self.line_text(j))
            output = output and bool(t)
            if output and t.startswith(">>>"):
                return True  # what a doctest prints, up to the next blank line
            if t.startswith(("```", "~~~")):
                fences += 1
            if t and not fences and at < indent:
                return t.rstrip().endswith("::")
        return fences % 2 == 1

    def documents_field(self, pos: int) -> bool:
        """Is the comment at ``pos`` the description of a field or parameter
        (``:param _Nation: 民族``, ``int race; // 种族``, ``race (str): ...``)?"""
        li = self.line_of(pos)
        line = self.line_text(li)
        if not self.comment_lines[li]:
            return True  # a trailing comment on a line of code
        return (
            bool(_FIELD_DOC.match(line))
            or self._attribute_docstring(li)
            or self.doc_block_of_field(li)
        )

    def doc_block_of_field(self, li: int) -> bool:
        """Is comment line ``li`` in a doc block (``/** ... */``, ``///``) right above a
        field's declaration (``race?: CodeableConcept;``, ``private String race;``), a
        property's or the field's getter or setter?"""
        if self.suffix in PY_LIKE:
            return False  # a Python field's docstring stands below it
        flags = self.comment_lines
        top = li
        while top > 0 and flags[top - 1] and li - top < EXAMPLE_REACH:
            top -= 1
        opening = self.line_text(top).lstrip()
        markup = opening.startswith("<!--")
        if not (markup or opening.startswith(("/*", "//"))):
            return False  # not a comment block of a C-like language (YAML prose, a string)
        end = li
        while end + 1 < self.line_count and flags[end + 1] and end - li < EXAMPLE_REACH:
            end += 1
        # a plain comment names the field below it (``// 民族``); a sentence there
        # explains the code (``// the iris is about constant for all races``)
        plain = (opening.startswith("//") and not opening.startswith("///")) or markup
        if plain and any(
            shape.is_sentence(self.line_text(j), comment=True) for j in range(top, end + 1)
        ):
            return False
        nxt = end + 1
        while nxt < self.line_count and (
            not self.line_text(nxt).strip() or _ANNOTATION.match(self.line_text(nxt))
        ):
            nxt += 1  # blank lines and annotations (``@Column(name = "MZ")``, ``[Key]``)
        if nxt >= self.line_count or flags[nxt]:
            return False
        declared = self.line_text(nxt)
        if markup:
            # ``<!--第二行 性别 民族-->`` over the ``<tr>`` that shows those fields: the
            # comment names the markup below it
            return declared.lstrip().startswith("<") and not declared.lstrip().startswith("<!")
        if _METHOD_DECL.match(declared) and not _ASSIGNMENT.match(declared):
            return True  # ``/** 查询所有民族代码 */`` over ``List<NationCode> selectAll();``
        if any(
            r.match(declared) for r in (_FIELD_DECL, _PROPERTY, _ACCESSOR, _LIST_DECL, _ENUM_HEAD)
        ):
            return True  # (an enum's: ``/** 民族 */`` over ``public enum NationCode {``)
        if plain and (_HANDLES_FIELD.match(declared) or _TESTS_FIELD.match(declared)):
            # ``//民族字典转换`` over ``people.setNationName(dict.changeCodeToName(...))``,
            # ``// 民族`` over ``var mz = $("#mz").val();``, ``// 政治面貌`` over ``if
            # (row.zzmm != null) {``: the comment names the field the statement below
            # sets, reads or tests
            return True
        # C#'s ``/// <summary>`` over ``public string MZ`` with its ``{`` below
        return (
            bool(_PROPERTY_HEAD.match(declared))
            and nxt + 1 < self.line_count
            and self.line_text(nxt + 1).lstrip().startswith("{")
        )

    @cached_property
    def is_locale_bundle(self) -> bool:
        """Is the text one language's strings of a set of translations: a file under a
        localisation folder (``nls``, ``i18n``, ``locales`` ...) named for a locale, or in
        a folder named for one (``esri/nls/zh-cn/jsapi.js``, ``nls/jsapi_ar.js``,
        ``i18n/de.json``, ``locales/pt_BR/messages.po``)?  Its entries translate a label;
        they sort no one."""
        inner = self.path.rsplit("!", 1)[-1].replace("\\", "/")
        parts = inner.split("/")
        if not any(p.lower() in _L10N_FOLDERS for p in parts[:-1]):
            return False
        name = parts[-1].rsplit(".", 1)[0]
        folder = parts[-2] if len(parts) > 1 else ""
        if folder.lower() in _L10N_FOLDERS:
            folder = ""  # ``nls/`` itself is no locale
        return _is_locale(name) or bool(folder and _is_locale(folder)) or _locale_tail(name)

    def declares_field(self, li: int) -> bool:
        """Is line ``li`` a field's or a property's declaration (``private String mz;``,
        ``nation?: string;``, ``public string MZ { get; set; }``)?"""
        line = self.line_text(li)
        return bool(_FIELD_DECL.match(line) or _PROPERTY.match(line))

    @cached_property
    def _class_heads(self) -> tuple[list[int], list[str]]:
        lines: list[int] = []
        names: list[str] = []
        if "class" in self.text or "interface" in self.text or "struct" in self.text:
            for m in _CLASS_HEAD.finditer(self.text):
                lines.append(self.line_of(m.start(1)))
                names.append(m.group(1))
        return lines, names

    def class_at(self, li: int) -> str | None:
        """The name of the nearest class, interface or struct declared at or above line
        ``li``: the one a field there belongs to, in a file of one class or a few."""
        lines, names = self._class_heads
        k = bisect.bisect_right(lines, li) - 1
        return names[k] if k >= 0 else None

    def trails_a_declaration(self, li: int) -> bool:
        """Is line ``li`` a field's or a column's declaration with a comment after it
        (``private String zzmm; // 政治面貌``, ``mz varchar2(20), -- 民族``)?  The
        comment names the field, as a doc block above it does."""
        if self.comment_lines[li]:
            return False
        line = self.line_text(li)
        m = _TRAILING_COMMENT.search(line)
        if m is None:
            return False
        code = line[: m.start()]
        # ... or a statement that sets or reads one field (``person.mz = $("#MZ").val();
        # //民族``), or one argument of a call (``"",//民族``): the comment names that field
        return any(
            r.match(code) for r in (_FIELD_DECL, _PROPERTY, _COLUMN_DECL, _HANDLES_FIELD, _ARGUMENT)
        )

    def _attribute_docstring(self, li: int) -> bool:
        """Is comment line ``li`` part of the docstring of an attribute: a string right
        below an assignment: ``self.race = None``, then a docstring ``Race of the people.``?"""
        top = self._docstring_top(li)
        if top is None or top == 0 or li - top > EXAMPLE_REACH:
            return False  # no docstring, or a long string literal (a word list), not a note
        return bool(_ASSIGNMENT.match(self.line_text(top - 1)))

    # -- definitions ---------------------------------------------------------------------
    def definition_at(self, i: int) -> str | None:
        """The name defined on line ``i`` (a def, class, struct, function...), if any."""
        line = self.line_text(i)
        m = _DEF_PY.match(line) if self.suffix in PY_LIKE else _DEF_C.match(line)
        if not m:
            return None
        name = next((g for g in m.groups() if g), None)
        if name in {"if", "for", "while", "switch", "return", "catch", "else", "new", "elif"}:
            return None
        return name

    def owning_definition(self, i: int) -> tuple[int, str] | None:
        """The definition a doc block on line ``i`` documents: for Python, the def or
        class the docstring follows; elsewhere, the declaration just below the doc
        comment.  None when line ``i`` is not in a doc block or documents nothing."""
        flags = self.comment_lines
        if self.is_prose or not flags[i]:
            return None
        if self.suffix in PY_LIKE:
            top = self._docstring_top(i)
            if top is None:
                return None  # a '#' comment documents no definition
            for j in range(top - 1, max(top - 40, -1), -1):
                name = self.definition_at(j)
                if name:
                    return j, name
                if self.line_text(j).strip() == "":
                    return None
            return None
        bottom = i
        while bottom + 1 < self.line_count and flags[bottom + 1]:
            bottom += 1
        for j in range(bottom + 1, min(bottom + 4, self.line_count)):
            if self.line_text(j).strip().startswith("@"):
                continue  # annotations between the doc comment and the declaration
            name = self.definition_at(j)
            return (j, name) if name else None
        return None

    def _docstring_top(self, i: int) -> int | None:
        """The first line of the Python docstring that line ``i`` stands in, or None."""
        flags = self.comment_lines
        if self.suffix not in PY_LIKE or not flags[i]:
            return None
        top = i
        while top > 0 and flags[top - 1]:
            top -= 1
        opens = self.line_text(top).lstrip().lstrip("rbuRBU").startswith(('"""', "'''"))
        return top if opens else None

    def definitions(self) -> list[tuple[int, str]]:
        ranges = self.focus or [(0, self.line_count - 1)]
        return [
            (i, n)
            for first, last in ranges
            for i in range(first, min(last, self.line_count - 1) + 1)
            if (n := self.definition_at(i))
        ]

    # -- context words -------------------------------------------------------------------
    @cached_property
    def context(self) -> dict[str, list[tuple[int, str]]]:
        """category -> sorted [(line, word)] for every context word in the text."""
        return self._context_words[0]

    @cached_property
    def _placed(self) -> list[tuple[int, str, str]]:
        """Every context word as (position, category, word), sorted: a long line's words
        are read by position, not by line."""
        return self._context_words[1]

    @cached_property
    def _context_words(
        self,
    ) -> tuple[
        dict[str, list[tuple[int, str]]], list[tuple[int, str, str]], list[tuple[int, str, str]]
    ]:
        out: dict[str, list[tuple[int, str]]] = defaultdict(list)
        placed: list[tuple[int, str, str]] = []
        rows: list[tuple[int, str, str]] = []  # (line, word, category), by position
        spans = self.focus_chars if self.focus_chars is not None else [(0, len(self.text))]
        pf = prefilter_for(self.catalogue)
        quotes = "`" in self.text and not self.is_prose  # code spans are possible at all
        shaped = self.by_line_shape
        for lo, hi in spans:
            part = self.text[lo:hi] if self.focus_chars is not None else self.text
            # a data text's lines read alike: their words are found once a line shape
            by_lines = self._by_line_shape(part, lo, quotes, out, placed, rows) if shaped else None
            if by_lines is not None:
                kept, lines_of = by_lines  # (the words a line shape may drop, read below)
                first = self.line_of(lo)
            else:
                cands = pf.context_candidates(part, None if self.focus_chars else self.utf8)
                if cands is not None:  # Hyperscan found where the words may be
                    found = self.catalogue.context.at(part, cands)
                else:
                    found = self.catalogue.context.find(part, self._low_of(part))
                kept = context_words(found)
            for j, m in enumerate(kept):
                w = m.key.payload
                line = first + lines_of[j] if by_lines is not None else self.line_of(lo + m.start)
                if quotes and self._in_cited_span(line, lo + m.start):
                    continue
                if w.category == Category.ICON_SET and _UI_ICON.match(part, m.end):
                    continue  # a control's icon (``iconCls="icon-search"``), no icon set
                if (
                    w.category == Category.QUERY
                    and w.text == "find by"
                    and _BY_ID_AFTER.match(part, m.end)
                ):
                    continue  # ``findById(``: a lookup of one record by its key
                if (
                    w.category == Category.DECLARED
                    and w.text == "form"
                    and (
                        _REQUEST_BEFORE.search(part, max(0, m.start - 9), m.start)
                        or _FORM_DATA_AFTER.match(part, m.end)
                    )
                ):
                    continue  # ``request.form``, form data: how data came, not who declared
                if (
                    w.category == Category.DECLARED
                    and w.text == "form"
                    and self.suffix in PAGE_TEXT_SUFFIXES
                    and part[max(0, m.start - 2) : m.start].endswith(("<", "</"))
                ):
                    continue  # a page's ``<form`` tag, kept for its controls: no word of it
                out[w.category].append((line, w.text))
                placed.append((lo + m.start, w.category, w.text))
                rows.append((line, w.text, w.category))
        for v in out.values():
            v.sort()
        placed.sort()
        return dict(out), placed, rows

    def _by_line_shape(
        self,
        part: str,
        lo: int,
        quotes: bool,
        out: dict[str, list[tuple[int, str]]],
        placed: list[tuple[int, str, str]],
        rows: list[tuple[int, str, str]],
    ) -> tuple[list[Match[ContextWord]], list[int]] | None:
        """The context words of ``part`` (at ``lo`` in the text), a data text's lines,
        found once a line shape (``Lexicon.line_shapes``), as matches and their lines
        (of ``part``) for ``_context_words`` to test; or None (matched whole, then).  Where
        none of its tests may drop a word (no word of ICON_SET, QUERY or DECLARED, no
        code span possible: ``quotes`` false), the words go into ``out``, ``placed`` and
        ``rows`` here, in the same order, and no match is given back."""
        shaped = self.catalogue.context.line_shapes(part, self._low_of(part), context_words)
        if shaped is None:
            return None
        plain = not quotes
        seen: set[int] = set()  # the shapes' matches asked about, by identity
        for _, _, got in shaped:
            if not plain:
                break
            if id(got) not in seen:
                seen.add(id(got))
                plain = not any(k.payload.category in _TESTED for _, _, k in got)
        kept: list[Match[ContextWord]] = []
        lines_of: list[int] = []
        if not plain:
            for i, at, got in shaped:
                for s, e, k in got:
                    kept.append(Match(at + s, at + e, k))
                    lines_of.append(i)
            return kept, lines_of
        first = self.line_of(lo)
        for i, at, got in shaped:
            line = first + i
            for s, _, k in got:
                w = k.payload
                category, word = w.category, w.text
                out[category].append((line, word))
                placed.append((lo + at + s, category, word))
                rows.append((line, word, category))
        return kept, lines_of

    def _low_of(self, part: str) -> str:
        """``part`` of the text (the whole text, or a span of its focus) low-cased as
        the matcher reads it."""
        return lower_same_length(part) if self.focus_chars is not None else self.low

    def _in_cited_span(self, line: int, pos: int) -> bool:
        """Is ``pos`` inside a code span of a comment (``FaceAttributes``)?  Documentation
        that cites a name says nothing of what the code around it does: the name is
        context where it is code, not where it is quoted.  Read around ``pos`` only (a
        minified line holds thousands of context words)."""
        start = self.line_start(line)
        text = self.text
        opened = text.rfind("`", max(start, pos - CITED_REACH), pos)
        if opened < 0 or self.is_prose or not self.comment_lines[line]:
            return False  # no backquote before it on its line: no span holds it
        end = min(self.lines.end(line), pos + CITED_REACH)
        lo = max(start, pos - CITED_REACH)
        return any(a <= pos - lo < b for a, b in _code_spans(text[lo:end]))

    def local_words(self, i: int, pos: int) -> dict[str, list[str]] | None:
        """On a long (minified) line ``i``: category -> the context words within LOCAL
        characters of ``pos``, the stretch that stands for the line (see
        :meth:`local_line`); None for a line of ordinary length.  Each hit then reads a
        bounded stretch, so a line of n hits costs n, not n squared."""
        start, end = self.span(i)
        if end - start <= 2 * LOCAL:
            return None
        placed = self._placed
        a = bisect.bisect_left(placed, (max(start, pos - LOCAL), "", ""))
        b = bisect.bisect_right(placed, (min(end, pos + LOCAL), "\U0010ffff", ""))
        out: dict[str, list[str]] = {}
        for _, category, word in placed[a:b]:
            out.setdefault(category, []).append(word)
        return out

    @cached_property
    def _events(self) -> tuple[list[int], list[tuple[str, str]]]:
        """Every context word as (line), (category, word), sorted by line then word.
        (The rows of ``context``, found in order of position: sorted in a few passes,
        since their lines are in order already.)"""
        rows = self._context_words[2]
        rows.sort()
        return [r[0] for r in rows], [(r[2], r[1]) for r in rows]

    def window(self, first: int, last: int) -> dict[str, list[str]]:
        """category -> context words on lines ``first..last`` (inclusive): what
        :meth:`code_words_in` gives, comments included, for each category, in one look."""
        got = self._windows.get((first, last))
        if got is not None:
            return got  # hits on one long line share it (callers only read it)
        lines, words = self._events
        out: dict[str, list[str]] = {}
        for c, w in words[bisect.bisect_left(lines, first) : bisect.bisect_right(lines, last)]:
            out.setdefault(c, []).append(w)
        self._windows[(first, last)] = out
        return out

    @cached_property
    def _windows(self) -> dict[tuple[int, int], dict[str, list[str]]]:
        return {}

    def file_count(self, category: str) -> int:
        """Words of ``category`` on the file's lines of code (see :meth:`code_words_in`)."""
        return len(self._code_context.get(category, ()))

    def code_words_in(self, category: str, first: int, last: int) -> list[str]:
        """Context words of ``category`` on lines ``first..last`` that are code, not wholly
        comment or docstring.  What the rest of a file *does* is in its code: a
        docstring elsewhere that talks of cameras or faces shows nothing about the
        code a hit stands in."""
        events = self._code_context.get(category)
        if not events:
            return []
        lo = bisect.bisect_left(events, (first, ""))
        hi = bisect.bisect_right(events, (last, "\U0010ffff"))
        return [w for _, w in events[lo:hi]]

    @cached_property
    def _code_context(self) -> dict[str, list[tuple[int, str]]]:
        if self.is_prose or self.is_strings:
            return self.context
        flags = self.comment_lines
        return {c: [e for e in v if not flags[e[0]]] for c, v in self.context.items()}

    def code_word_kinds_in(self, category: str, first: int, last: int) -> set[str]:
        """The different words of ``category`` on lines ``first..last`` that are code: one
        look a word, whatever the number of times the words occur."""
        by_word = self._code_lines_by_word.get(category)
        if not by_word:
            return set()
        out = set()
        for word, lines in by_word.items():
            i = bisect.bisect_left(lines, first)
            if i < len(lines) and lines[i] <= last:
                out.add(word)
        return out

    @cached_property
    def _code_lines_by_word(self) -> dict[str, dict[str, list[int]]]:
        out: dict[str, dict[str, list[int]]] = {}
        for category, events in self._code_context.items():
            by_word: dict[str, list[int]] = {}
            for line, word in events:  # sorted by line
                by_word.setdefault(word, []).append(line)
            out[category] = by_word
        return out

    @cached_property
    def path_context(self) -> dict[str, list[str]]:
        """Context words in the path itself (``modules/datastore.py`` -> store).  An
        archive's own file name is left out, so that a package scanned as its
        artefact reads as it does unpacked (``x-1.0.whl!pkg/a.py`` as ``pkg/a.py``).
        A member of an archive inside an archive reads only the innermost archive's
        name and its path in it: a library a project ships (``police-app.tar!WEB-INF/
        lib/xmlbeans.jar!org/...``) is not about what the project's folders name, a
        ``face-1.0.jar`` is about faces."""
        out: dict[str, list[str]] = defaultdict(list)
        path = self.path
        if path.count("!") > 1:
            chain, inner = path.rsplit("!", 1)
            path = chain.rsplit("!", 1)[1].rsplit("/", 1)[-1] + "/" + inner
        elif "!" in path:
            outer, inner = path.split("!", 1)
            path = (outer.rsplit("/", 1)[0] + "/" if "/" in outer else "") + inner
        # a source file named ``models`` declares data models as often as trained ones (a
        # cloud SDK's ``models.py``, Django's): its name says neither.  A folder of that
        # name (``models/race/labels.json``) holds trained ones and still counts
        path = _MODELS_SOURCE.sub("", path)
        spaced = re.sub(r"[/\\.]+", " ", path)
        for m in context_words(self.catalogue.context.find(spaced)):
            out[m.key.payload.category].append(m.key.payload.text)
        low = path.lower()
        if re.search(r"(?<!inter)(?<!sur)(?<!type)(?<!pre)face", low):
            out[Category.FACE].append("face (in path)")
        return dict(out)


_MODELS_SOURCE = re.compile(r"(?i)(?<![^/\\!])models?(?=\.(?:py|go|ts|js|java|cs|rb|php)$)")
CITED_REACH = 120  # characters each side of a context word read for a code span around it
_CODE_SPAN = re.compile(r"``[^`\n]+``|`[^`\n]+`")


def _code_spans(line: str) -> list[tuple[int, int]]:
    """The code spans of a line of documentation, as (start, end) offsets."""
    return [m.span() for m in _CODE_SPAN.finditer(line)]


class LineFlags(Protocol):
    """A flag a line, read by index (a list, or computed when asked)."""

    def __getitem__(self, i: int, /) -> bool: ...

    def __len__(self) -> int: ...


_COMMENT_MARK = re.compile(r"\s*(?:#+|//+|/?\*+(?!/))?")


def _doc_line(line: str) -> tuple[int, str]:
    """A line of a comment or docstring as (its indent after any comment mark, its text)."""
    mark = _COMMENT_MARK.match(line)
    text = (line[mark.end() :] if mark else line).lstrip()
    return len(line) - len(text), text.rstrip()


# What every line ``_one_line_comment`` finds holds (but a hash style's ``#``)
_COMMENT_OPENS = ("//", "--", ";", "*")


def _one_line_comment(s: str, hash_style: bool) -> bool:
    """Is the stripped line ``s`` a comment on its own (no block or docstring open)?"""
    return (
        (hash_style and s.startswith("#"))
        or s.startswith(("//", "--", "<!--", ";", "* ", "*/"))
        or s == "*"
    )


class Lines:
    """Where the lines of a text start, split out a block at a time as they are asked
    for: in a large text with a few hits, most of its lines never are (counting the
    line breaks of each block is all it costs)."""

    BLOCK = 8 * 1024  # characters

    def __init__(self, text: str, block: int = BLOCK) -> None:
        self.text = text
        self.block = block
        count = text.count
        before = [0]  # line breaks before each block, and in all
        for lo in range(0, len(text), block):
            before.append(before[-1] + count("\n", lo, lo + block))
        self._before = before
        self._breaks: dict[int, list[int]] = {}
        self._starts: dict[int, int] = {0: 0}  # line -> start, as asked: hits ask again
        self.count = before[-1] + 1

    def _in_block(self, b: int) -> list[int]:
        """Where the line breaks of block ``b`` stand."""
        got = self._breaks.get(b)
        if got is None:
            lo = b * self.block
            parts = self.text[lo : lo + self.block].split("\n")
            got = self._breaks[b] = list(
                map(add, accumulate(map(len, parts[:-1])), itertools.count(lo))
            )
        return got

    def start(self, i: int) -> int:
        """Where line ``i`` starts (just after the ``i``-th line break)."""
        got = self._starts.get(i)
        if got is None:
            if i <= 0:
                return 0
            b = bisect.bisect_left(self._before, i) - 1
            got = self._starts[i] = self._in_block(b)[i - self._before[b] - 1] + 1
        return got

    def end(self, i: int) -> int:
        """Where line ``i``'s line break stands (the text's end for the last line)."""
        return self.start(i + 1) - 1 if i + 1 < self.count else len(self.text)

    def of(self, pos: int) -> int:
        """The line of character ``pos``: the line breaks before it."""
        blocks = len(self._before) - 1
        if blocks == 0:
            return 0
        b = min(max(pos, 0) // self.block, blocks - 1)
        return self._before[b] + bisect.bisect_left(self._in_block(b), pos)

    def text_of(self, i: int) -> str:
        """Line ``i`` without its ``\n`` (a ``\r`` before it is kept)."""
        return self.text[self.start(i) : self.end(i)]

    def between(self, first: int, last: int) -> list[str]:
        """Lines ``first..last`` (inclusive), as :meth:`text_of` gives them."""
        return self.text[self.start(first) : self.end(last)].split("\n")


class _LineFlags:
    """:attr:`Document.comment_lines` of a text in which no block comment or docstring
    can open: no state runs from line to line, so a line is judged on its own when
    asked (most lines never are), as reading every line would judge it."""

    def __init__(self, doc: Document) -> None:
        # The lines, not the document: the document keeps this object, and a cycle
        # would keep a large text alive until the collector's rare full pass.
        self.lines = doc.lines
        self.hash_style = doc.suffix in HASH_COMMENT
        self.n = doc.line_count
        self.ranges = doc.focus
        self.known: dict[int, bool] = {}

    def __len__(self) -> int:
        return self.n

    def may_hold_one(self) -> bool:
        """Does the text hold what a line of comment opens with (``_one_line_comment``)
        anywhere?  If not, every flag is False."""
        text = self.lines.text
        return (self.hash_style and "#" in text) or any(m in text for m in _COMMENT_OPENS)

    def __getitem__(self, i: int) -> bool:
        if not 0 <= i < self.n:
            raise IndexError(i)
        got = self.known.get(i)
        if got is None:
            if self.ranges and not any(a <= i <= b for a, b in self.ranges):
                got = False  # outside the focus of a large text, as when read in order
            else:
                got = _one_line_comment(self.lines.text_of(i).strip(), self.hash_style)
            self.known[i] = got
        return got


def _within(blocks: tuple[list[int], list[int]], i: int) -> bool:
    """Is line ``i`` within one of ``blocks`` (their first and last lines, in order)?"""
    firsts, lasts = blocks
    k = bisect.bisect_right(firsts, i) - 1
    return k >= 0 and i <= lasts[k]
