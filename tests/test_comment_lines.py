"""Comment lines of a text in which no block comment or docstring can open are judged
line by line when asked (document._LineFlags); they must be what reading every line
in order gives (Document._comments)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify.document import Document, _LineFlags
from ethicscan.rules.catalogue import load_catalogue

CAT = load_catalogue(())

# Everything that can start a comment line, but nothing that opens a block or a docstring.
PIECES = [
    "#", "//", "--", "<!--", ";", "* ", "*/", "*", "/", '""', "''", " ", "\t", "\u3000",
    "\x0b", "\r", "x", "race", "\n", "\n", "\n",
]  # fmt: skip


@settings(max_examples=400)
@given(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.sampled_from(["a.py", "a.c", "a.sh", "a.po", "a.sql", "a.js"]),
    st.booleans(),
)
def test_judged_when_asked_equals_read_in_order(text: str, name: str, focused: bool) -> None:
    doc = Document(text, name, CAT)
    if doc.is_prose or "/*" in text or (name == "a.py" and ('"""' in text or "'''" in text)):
        return  # read in order (the other test)
    n = doc.line_count
    if focused:
        doc.focus = [(0, n // 3), (n // 2, n - 1)]
    flags = doc.comment_lines
    assert isinstance(flags, _LineFlags)
    in_order = [False] * n
    for first, last in doc.focus or [(0, n - 1)]:
        doc._comments(in_order, first, last, ("", False))
    assert [flags[i] for i in reversed(range(n))] == in_order[::-1]
    assert len(flags) == n


def test_a_block_comment_or_docstring_reads_in_order() -> None:
    assert isinstance(Document("/* a\n race */\n", "a.c", CAT).comment_lines, list)
    assert isinstance(Document('"""\nrace\n"""\n', "a.py", CAT).comment_lines, list)
    assert isinstance(Document("# race\n", "a.py", CAT).comment_lines, _LineFlags)
