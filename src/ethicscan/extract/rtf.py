"""The text of RTF documents.

Control words are dropped; ``\\'hh`` bytes are decoded with the document's
``\\ansicpg`` code page (936 = GBK for Chinese specifications; consecutive
bytes are decoded together so double-byte characters survive) and ``\\uN``
escapes as Unicode (skipping the ``\\ucN`` fallback characters after them).
Paragraphs (``\\par``, ``\\line``, ``\\row``) become lines and table cells are
joined by `` | ``; document properties (title, subject, keywords, comments) are
lines of their own.  Font tables, colour tables, style sheets, authors, pictures, objects,
field instructions and every ``{\\*...}`` destination are skipped.  A single
pass with an explicit group stack: no recursion, linear in the input.
"""

from __future__ import annotations

import codecs
import re

from ethicscan.extract.units import Extracted, Segment

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word with optional parameter
    r"|\\'([0-9a-fA-F]{2})"  # a byte in the code page
    r"|\\(.)"  # control symbol
    r"|([{}])"
    r"|([^\\{}\r\n]+)"  # plain text
    r"|[\r\n]+",  # line ends in the source mean nothing
    re.DOTALL,
)
_SKIP = frozenset(
    {
        "fonttbl",
        "colortbl",
        "stylesheet",
        "author",
        "operator",
        "pict",
        "object",
        "objdata",
        "themedata",
        "colorschememapping",
        "datastore",
        "latentstyles",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "generator",
        "xmlnstbl",
        "fldinst",
        "filetbl",
        "revtbl",
        "private",
        "mmathPr",
        "wgrffmtfilter",
        "pgdsctbl",
        "userprops",
    }
)
_NEWLINE = frozenset({"par", "line", "row", "sect", "page"})
# Document properties in \info: each on its own line (title, subject, keywords ...).
_INFO = frozenset({"title", "subject", "keywords", "doccomm", "category", "company", "manager"})
_CHARSET_CP = {128: 932, 129: 949, 134: 936, 136: 950, 161: 1253, 162: 1254, 204: 1251}


def _codec(cp: int) -> str:
    name = f"cp{cp}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def extract_rtf(data: bytes, name: str) -> Extracted:
    return Extracted((Segment(rtf_text(data.decode("utf-8", errors="replace"))),))


def rtf_text(src: str) -> str:
    out: list[str] = []
    pending = bytearray()  # \'hh bytes waiting to be decoded together
    codec = "cp1252"
    skip_depth = 0  # > 0 while inside a skipped destination (its group depth)
    info_depth = 0  # > 0 while inside \info
    depth = 0
    uc = 1  # fallback characters after a \uN
    uc_stack: list[int] = []
    to_skip = 0  # fallback characters still to drop
    first_in_group = False
    star = False

    def flush() -> None:
        if pending:
            out.append(pending.decode(codec, errors="replace"))
            pending.clear()

    pos, n_src = 0, len(src)
    while pos < n_src:
        m = _TOKEN.match(src, pos)
        if m is None:  # a lone backslash at the end, or a control word too long
            pos += 1
            continue
        pos = m.end()
        word, param, hexbyte, symbol, brace, text = m.groups()
        if word == "bin" and param:  # raw binary data follows: never text
            pos += max(0, int(param))
            continue
        if brace == "{":
            flush()
            depth += 1
            uc_stack.append(uc)
            first_in_group = True
            star = False
            to_skip = 0
            continue
        if brace == "}":
            flush()
            if skip_depth and depth <= skip_depth:
                skip_depth = 0
            if info_depth and depth <= info_depth:
                out.append("\n")  # the document properties end before the body
                info_depth = 0
            depth = max(0, depth - 1)
            uc = uc_stack.pop() if uc_stack else 1
            first_in_group = False
            to_skip = 0
            continue
        was_first, first_in_group = first_in_group, False
        if skip_depth:
            continue
        if symbol == "*" and was_first:
            star = True
            first_in_group = True  # the destination word follows
            continue
        if word is not None:
            if (star and was_first) or (was_first and word in _SKIP):
                flush()
                skip_depth = depth
                star = False
                continue
            star = False
            if word == "ansicpg" and param:
                codec = _codec(int(param))
            elif word == "fcharset" and param and codec == "cp1252":
                cp = _CHARSET_CP.get(int(param))
                if cp:
                    codec = _codec(cp)
            elif word == "uc" and param:
                uc = max(0, int(param))
            elif word == "u" and param:
                flush()
                n = int(param)
                out.append(chr(n + 65536 if n < 0 else n) if -32768 <= n <= 1114111 else "?")
                to_skip = uc
            elif word == "info" and was_first:
                info_depth = depth
            elif word in _NEWLINE or word in _INFO:
                flush()
                out.append("\n")
            elif word == "cell":
                flush()
                out.append(" | ")
            elif word == "tab":
                flush()
                out.append("\t")
            continue
        if hexbyte is not None:
            if to_skip:
                to_skip -= 1
                continue
            pending.append(int(hexbyte, 16))
            continue
        if symbol is not None:
            if to_skip:
                to_skip -= 1
                continue
            flush()
            if symbol in "\\{}":
                out.append(symbol)
            elif symbol == "~":
                out.append(" ")
            elif symbol in "\r\n":
                out.append("\n")
            continue
        if text is not None:
            flush()
            if to_skip:
                drop = min(to_skip, len(text))
                text = text[drop:]
                to_skip -= drop
            out.append(text)
    flush()
    lines = ("".join(out)).split("\n")
    return "\n".join(_row(line) for line in lines)


def _row(line: str) -> str:
    """A table row ends with a cell separator before ``\\row``: drop it."""
    line = line.rstrip()
    return line[:-2].rstrip() if line.endswith(" |") else line
