"""What kind of text a hit stands in, read from the shape of its lines, not its name.

A **data** text is made of entries: a dictionary, word list, phrase table, translation
catalogue, emoji or locale table, vocabulary, a source module that is one big literal
table.  Its entries say nothing about each other, so a hit in it has no context beyond
its own entry (docs/classifier.md, "Scope").  A **sentence** is a line of natural
language: prose about people is a mention unless the same statement acts on them.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable

from ethicscan import lazy_re as re  # (its patterns compiled when first used)

# Catalogues of translations: every line is an entry, whatever its length.
TRANSLATION_SUFFIXES = frozenset({".po", ".pot", ".xliff", ".xlf", ".resx", ".arb"})
SAMPLE = 160  # lines read to judge a text's shape
CLIP = 240  # characters of a line read for its shape
MIN_LINES = 30  # fewer non-blank lines: too few to call it a table
DATA_SHARE = 0.85  # entries among the lines read that make a data text
SHAPE_SHARE = 0.6  # ... or lines of one structured shape
CODE_SHARE = 0.05  # ... with at most this share of statements of code
TEMPLATE = 6  # symbols of a line's shape compared
_SEPARATORS = ("\t", "|", "[", "/", ",", " ")
_TEMPLATE_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|\d+(?![A-Za-z_])|\w+|\s+")
# A statement of code: a call, an assignment, a block, a keyword that starts one.
_STATEMENT = re.compile(
    r"\w\(|[;{]\s*$|^\s*}|(?<![=!<>])=(?!=)\s|=>|->|^\s*(?:def|function|return|import|"
    r"class|var|let|const|if|for|while|public|private|static|package|from|#include)\b"
)

# A quoted key opening a nested literal: ``"AsianRace": {``, ``'人种': [``.
_KEY_OPENS = re.compile(r"""\s*(?:"[^"]*"|'[^']*')\s*:\s*[\[{(]\s*$""")
# A table written as assignments: a literal stored under a literal key of one container
# (``dict[0x4e00] = "yī";  /* 一 */``, ``names["ug"] = 'Uyghur'``): an entry, not code.
_KEYED_LITERAL = re.compile(
    r"""^\s*[\w$.]{1,40}\[\s*(?:0x[0-9A-Fa-f]+|\d+|"[^"\n]{0,40}"|'[^'\n]{0,40}')\s*\]"""
    r"""\s*=\s*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?[\d.]+|true|false|null)\s*;?"""
    r"""\s*(?:/\*[^*]*\*/|//.*)?\s*$"""
)

# A tag of markup: the text of its element may be prose.
_MARKUP = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_TRAILING_COMMENT = re.compile(r"\s(?:#|//)\s.*$")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
# What may stand between the literals of an entry line: punctuation, digits, and the
# literal words of data formats.
_BETWEEN = re.compile(
    r"^(?:[\s\d.,:;\[\]{}()+\-/|#=>]|\b(?:true|false|null|none|True|False|None|nil|u|r|b)\b)*$"
)
_CODE_CHARS = re.compile(r"[(){};=<>]|\b(?:def|function|return|import|class|var|let|const)\b")
# Code in a line that may be prose: a call (``f(``), a block, an assignment, a keyword.
# A parenthesis after a space or a digit is prose's (``categories (race, religion)``).
_CODE_IN_PROSE = re.compile(
    # (a semicolon ends a statement at the line's end or before its comment, or runs
    # into the next; "; la religion" between two clauses is prose's)
    r"[A-Za-z_\]]\(|[{}<>]|;\s*(?:$|//|/\*|#)|;(?=\S)|(?<![=!<>])=|\b(?:def|function|return|import|class|var|let|const)\b"
    r"|\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|VALUES|WHERE)\b"
    # ... and in lower case, as a mapper's XML writes it: a SELECT list of columns
    # (``select id, name, religion from t_person``), the head of an INSERT, UPDATE or
    # DELETE, a table's clause (not "select a few people from the list")
    r"|(?i:^\s*select\s+(?:distinct\s+)?[\w.*]+(?:\s+as\s+\w+)?"
    r"(?:\s*,\s*[\w.*]+(?:\s+as\s+\w+)?)+\s*(?:,|\bfrom\b|$))"
    r"|(?i:^\s*(?:insert\s+into|delete\s+from|update\s+[\w.]+\s+set)\s)"
    r"|(?i:\bfrom\s+[\w.]+(?:\s+\w+)?\s+(?:where|(?:inner\s+|left\s+|right\s+)?join"
    r"|group\s+by|order\s+by)\b)"
    r"|^\s*(?:for|if|elif|else|while|with|try|except|switch|case|foreach|yield|raise|throw)\b"
    r"|\)\s*:\s*$|^\s*[(\[{]|\b(?:True|False|None)\b"
    # a member read from a call's or cast's result, or of a camel-case type:
    # ``(gearRes as gear.GearType).race``
    r"|\)\.[a-z_][A-Za-z_]*\b|\b[a-z]\w*\.[A-Z][a-z]+[A-Z]\w*"
)
# A row of a table delimited by semicolons, four fields or more, nothing of code in them:
# ``1F470;BRIDE WITH VEIL;So;0;ON;;;;;N;;;;;``.
_SEMICOLON_ROW = re.compile(r"^[^;(){}=\"']{0,80}(?:;[^;(){}=\"']{0,80}){3,}$")
_FIELD = re.compile(r"[^\s,|\t]{1,48}")
_SEPARATOR = re.compile(r"[\s,|\t:]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_PUNCT = re.compile(r"[，。；！？、]|[.!?;:,]\s+\S")
# An item of a bulleted or numbered list of prose (``- Uses credit scores as a basis for
# disparate treatment``): its marker stands for a sentence's punctuation
_PROSE_ITEM = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+[A-Za-z][a-z]")
PROSE_ITEM_WORDS = 7  # words of such an item, at least
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# What separates the entries of a packed list: commas, bars, control characters.
# Sixteen or more plain words joined by dots (``"battle.beard.beep.behold..."``): a packed
# word list, not a chain of members (those are few, and carry calls and capitals).
_DOT_WORDS = re.compile(r"(?<![\w.])(?:[a-z][a-z'-]{1,30}\.){15,}[a-z][a-z'-]{1,30}(?![\w(])")
_PACK_SPLIT = re.compile(r"[,;|\x00-\x1f\x7f-\x9f\ufffd]+")
# Emoji, skin-tone modifiers, zero-width joiners, variation selectors, ``:shortcode:``.
_EMOJI = re.compile(
    r"[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F3FB-\U0001F3FF\u200d\ufe0f]"
    r"|\\u(?:200[dD]|[fF][eE]0[fF])|\\U0001[fF][3-9a-fA-F][0-9a-fA-F]{2}"
    r"|(?:^|[\s\"']):[a-z0-9_+\-]+:(?:$|[\s\"',])"
    # an emoji's code point written out: "1f9d5", U+1F9D5, &#x1F9D5;
    r"|[\"'](?:1[fF][3-9a-fA-F][0-9a-fA-F]{2})(?:-[0-9a-fA-F]{4,5})*[\"']|[uU]\+1F[3-9A-F][0-9A-F]{2}"
    r"|&#x1[fF][3-9a-fA-F][0-9a-fA-F]{2};"
)


def is_entry(line: str) -> bool:
    """A line of a table of entries: literals with nothing of code between them
    (``"Trade union research officer",``, ``"人种": [``), or a few short fields with no
    code syntax (``性倾向 性傾向``, ``维吾尔族 27 nz``, ``SMITH,0.73,0.22``)."""
    s = line.strip()
    if not s:
        return False
    if _KEYED_LITERAL.match(s):
        return True  # ``dict[0x4e00] = "yī";``: a row of a table written as assignments
    rest = _QUOTED.sub("", s)
    if rest != s:
        return bool(_BETWEEN.match(rest))
    if _SEMICOLON_ROW.match(s):
        return True  # a row of a semicolon-delimited table (a character database)
    if _CODE_CHARS.search(s):
        return False
    fields = [f for f in _SEPARATOR.split(s) if f]
    return 0 < len(fields) <= 6 and all(_FIELD.fullmatch(f) for f in fields)


def is_statement(line: str) -> bool:
    """Does the line hold a statement of code (a call, an assignment, a block, a
    keyword that starts one)?  A quoted key that opens a nested literal
    (``"CaucasianRace": {``) and a row of a semicolon-delimited table are entries of a
    table, not code."""
    if _KEY_OPENS.match(line) or _SEMICOLON_ROW.match(line.strip()) or _KEYED_LITERAL.match(line):
        return False
    return bool(_STATEMENT.search(line))


def template(line: str) -> str:
    """The shape a line starts with: runs of Chinese characters, of digits and of other
    word characters (names, code points) as ``H``, ``0`` and ``a``, white space as one
    space or tab, other characters as they are (``乌\t丿\t0\t27127...`` ->
    ``H\tH\t0\t``; ``<U0F40>     /xe0/xbd/x80`` -> ``<a> /a``)."""
    return _TEMPLATE_RUNS.sub(_template_symbol, line.strip()[:48])[:TEMPLATE]


def _template_symbol(m: re.Match[str]) -> str:
    c = m.group(0)[0]
    if c.isspace():
        return "\t" if "\t" in m.group(0) else " "
    return "0" if c.isdigit() else "H" if _CJK.match(c) else "a"


def is_data_text(suffix: str, line_count: int, line: Callable[[int], str]) -> bool:
    """Is a text of ``line_count`` lines (``line(i)`` reads one) a table of entries?
    Translation catalogues are, by name; anything else by its lines, read at up to
    SAMPLE places spread over the text: most of them entries (literals, a few short
    fields), or most of them of one structured shape (a headword, a separator, more
    fields: a dictionary with glosses) with no statement of code among them."""
    if suffix in TRANSLATION_SUFFIXES:
        return True
    if line_count < MIN_LINES:
        return False
    step = max(1, line_count // SAMPLE)
    seen = entries = code = 0
    shapes: Counter[str] = Counter()
    for i in range(0, line_count, step):
        s = line(i)[:CLIP].strip()
        if not s or not any(c.isalnum() for c in s):
            continue  # blank or punctuation alone: says nothing
        seen += 1
        code += is_statement(s)
        if code > CODE_SHARE * SAMPLE and entries < seen - (1 - DATA_SHARE) * SAMPLE:
            return False  # code, and too few entries to be data whatever follows
        entries += is_entry(s)
        shapes[template(s)] += 1
    if seen < MIN_LINES:
        return False
    if entries >= DATA_SHARE * seen:
        return True
    if code > CODE_SHARE * seen:
        return False
    top, n = shapes.most_common(1)[0]
    if any(sep in top for sep in _SEPARATORS) and n >= SHAPE_SHARE * seen:
        return True
    # a headword and a tab or bar, then anything: a dictionary whose definitions vary;
    # or lines that all open alike with structure (``<U0F40> ...``, ``"key": ...``)
    for width, marks in ((2, "\t|"), (3, "<[{\"'|\t:=")):
        heads: Counter[str] = Counter(s[:width] for s in shapes.elements())
        top, n = heads.most_common(1)[0]
        if any(m in top[1:] or m == top[0] for m in marks) and n >= DATA_SHARE * seen:
            return True
    return False


def is_prose_text(line_count: int, line: Callable[[int], str]) -> bool:
    """Is a text with no suffix to say what it is (``fortunes/startrek``, a changelog
    inside a ``.gz``) prose?  Read at up to SAMPLE places: most non-blank lines are runs
    of words (three or more, mostly letters and spaces, or wrapped sentences of Chinese)
    and almost none a statement of code."""
    if line_count < 3:
        return False
    if line(0).startswith("#!"):
        return False  # a script
    step = max(1, line_count // SAMPLE)
    seen = words = code = 0
    for i in range(0, line_count, step):
        s = line(i)[:CLIP].strip()
        if not s:
            continue
        seen += 1
        if is_statement(s) or _CODE_CHARS.search(s):
            code += 1
        elif len(_WORD.findall(s)) >= 3 or len(_CJK.findall(s)) >= 8:
            words += 1
    return seen >= 3 and words >= SHAPE_SHARE * seen and code <= CODE_SHARE * seen


def has_code(line: str) -> bool:
    """Does ``line`` hold anything of code (a call, a brace, an assignment, a keyword)?"""
    return _CODE_IN_PROSE.search(line) is not None


def is_sentence(line: str, comment: bool = False) -> bool:
    """A line of natural language (a news sentence, a paragraph of documentation), not
    a statement of code or an entry: six words or more, or fifteen Chinese characters,
    with the punctuation of a sentence (a line of a comment needs none: it is wrapped
    prose, or a label)."""
    if not comment and len(_QUOTED.findall(line)) >= 2 and is_entry(line):
        return False  # literals one after another: a list of values, not a sentence
    s = _QUOTED.sub(lambda m: m.group(0)[1:-1], _MARKUP.sub(" ", line).strip())
    if not comment:
        s = _TRAILING_COMMENT.sub("", s)  # ``race: str  # reviewed, see notes``: code
    punct = comment or bool(_SENTENCE_PUNCT.search(s))
    if len(_CJK.findall(s)) >= 15 and punct:
        return True
    words = _WORD.findall(s)
    if not punct and len(words) >= PROSE_ITEM_WORDS and _PROSE_ITEM.match(s):
        punct = True  # an item of a list of prose
    if not comment and len(_TYPED_PARAMETER.findall(s)) >= 2:
        return False  # ``marriage_status: RequestBody?,religion: RequestBody?,``: code
    return len(words) >= 6 and punct and (comment or not _CODE_IN_PROSE.search(s))


# A typed parameter or field of Kotlin, Swift, TypeScript (``religion: RequestBody?,``,
# ``nation: String,``): two on a line are a declaration's list, not a sentence's words.
_TYPED_PARAMETER = re.compile(r"\b[a-z_]\w*\s*:\s*[A-Z][\w.]*(?:<[^<>]*>)?\??\s*(?:,|\)|$)")


# Fewer characters than the shortest sentence either test below accepts: six words of
# two letters (``_WORD``) and the five characters between them, or fifteen Chinese
# characters (markup and quotes are only ever taken out, never added).
SHORTEST_SENTENCE = 15


def is_sentence_value(value: str) -> bool:
    """Is a string literal or a table's cell a sentence?  As ``is_sentence``, or six
    words or more that end as a sentence ends (``Suddenly the group of men left.``)."""
    if len(value) < SHORTEST_SENTENCE:
        return False  # a key or a label: too short to be either (the common case)
    return _sentence_value(value)


def _sentence_value(value: str) -> bool:
    """``is_sentence_value`` read in full (tests compare it on short values)."""
    if is_sentence(value):
        return True
    s = value.strip()
    return (
        s.endswith((".", "!", "?", "。", "！", "？"))
        and len(_WORD.findall(s)) >= 6
        and not _CODE_IN_PROSE.search(s)
    )


# A placeholder of a text template (``[MASK]``, ``[NAME]``): a word, not code.
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]{1,19}\]")


def is_text_cell(cell: str) -> bool:
    """Is a cell of a delimited table the text of a dataset of texts: a sentence, or
    seven words or more with nothing of code, its ending punctuation or not (``He was a
    [MASK] man with a bad temper``)?"""
    s = _PLACEHOLDER.sub("someone", cell.strip())
    if is_sentence_value(s):
        return True
    return len(_WORD.findall(s)) >= 7 and not _CODE_IN_PROSE.search(s)


def quoted_at(line: str, offset: int) -> str | None:
    """The string literal of ``line`` that holds character ``offset``, without its
    quotes, or None."""
    for m in _QUOTED.finditer(line):
        if m.start() < offset < m.end() - 1:
            return m.group(0)[1:-1]
    return None


def quoted(line: str) -> list[str]:
    """The string literals of a line, without their quotes."""
    return [m.group(0)[1:-1] for m in _QUOTED.finditer(line)]


def is_packed_list(text: str) -> bool:
    """Is ``text`` (the stretch of a long line around a hit) a run of entries: a
    minified JSON table (``"1F9D5":"woman_with_headscarf",...``), a ``|``-joined phrase
    list, words packed into a binary (a msgpack word-frequency table)?  Its pieces
    between separators are read as lines would be."""
    if _DOT_WORDS.search(text):
        return True  # words joined by dots: a word list a bundle splits at run time
    pieces = [p for p in _PACK_SPLIT.split(text)[1:-1] if p.strip(" {}[]")]
    if len(pieces) < 8:
        return False
    entries = sum(is_entry(p.strip(" {}[]")) for p in pieces)
    return entries >= DATA_SHARE * len(pieces)


@functools.lru_cache(maxsize=4096)
def has_emoji(line: str) -> bool:
    """Does the line hold an emoji, a skin-tone modifier or an emoji short code?  (Asked
    for each hit of a line, and of the lines of its record.)"""
    return bool(_EMOJI.search(line))
