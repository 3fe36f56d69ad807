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


# Pieces of lines, and each comment marker and opener to put in one place of them
FREE = ["x", "race", " ", "\n", "\n", '"', "'", "/", "-", "<!", "{", "}", ":", ",", "0"]
MARKS = ["#", "//", "--", "<!--", ";", "* ", "*/", "*", "/*", '"""', "'''", ""]


@settings(max_examples=400)
@given(
    st.lists(st.sampled_from(FREE), max_size=60).map("".join),
    st.sampled_from(MARKS),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["a.py", "a.c", "a.sh", "a.po", "a.sql", "a.js", "a.jsonl", "a.md"]),
)
def test_a_text_that_holds_no_comment_has_none_anywhere(
    text: str, mark: str, at: int, name: str
) -> None:
    """``holds_no_comment`` (the hits of such a text are each in no comment, unasked)
    says so only of a text whose every position ``in_comment`` finds in none."""
    text = text[:at] + mark + text[at:]
    if Document(text, name, CAT).holds_no_comment:
        fresh = Document(text, name, CAT)
        assert not any(fresh.in_comment(pos) for pos in range(len(text)))


def test_a_log_holds_no_comment_until_a_line_holds_one() -> None:
    log = "".join(f'{{"face_id":{i},"race":"asian"}}\n' for i in range(50))
    assert Document(log, "logs/a.jsonl", CAT).holds_no_comment
    for text, name in [
        (log + "// race\n", "logs/a.jsonl"),
        (log + '{"x": 1} /* note */ race\n', "logs/a.jsonl"),
        (log + "# race\n", "a.py"),
        (log + "-- race\n", "a.sql"),
        (log + "; race\n", "a.ini"),
        (log + " * race\n", "a.js"),
    ]:
        doc = Document(text, name, CAT)
        assert any(doc.in_comment(p) for p in range(len(log), len(text))), text[len(log) :]
        assert not doc.holds_no_comment, text[len(log) :]
    assert not Document(log, "a.md", CAT).holds_no_comment  # prose: all of it
