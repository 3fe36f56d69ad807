"""Property tests (hypothesis) for everything that reads untrusted bytes: decoding,
matching and the prefilter, archives, and every extractor.  Example counts are
modest by default; ``HYPOTHESIS_PROFILE=ci`` runs more, ``fuzz`` many more
(profiles in conftest.py).  The coverage-guided harnesses are in ``fuzz/``."""

from __future__ import annotations

import atexit
import bz2
import codecs
import lzma
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zstandard
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hostile_corpus as H
import reader_corpus as R
from ethicscan.classify.analyse import analyse
from ethicscan.extract.decode import SAMPLE, NotText, decode, read_as_utf8, stream_encoding
from ethicscan.extract.explore import Budget, Explorer
from ethicscan.extract.registry import BY_FORMAT, TEXT_BY_SUFFIX
from ethicscan.extract.units import Blob, Extracted, ExtractError, Limits, Scratch, TextUnit
from ethicscan.model import Skipped
from ethicscan.rules.catalogue import Term, load_catalogue, standing_terms
from ethicscan.rules.prefilter import prefilter_for, reason

CAT = load_catalogue(())
PF = prefilter_for(CAT).warm_up()
TERMS = sorted({k.text for k in CAT.terms.keys if isinstance(k.payload, Term)})
LOOKALIKES = sorted({k.text for k in CAT.terms.keys if not isinstance(k.payload, Term)})
# What an extractor may raise: the explorer turns these into skipped entries
TOLERATED = (ExtractError, ValueError, KeyError, IndexError, EOFError, OSError, RecursionError)

# -- decoding ------------------------------------------------------------------------------

ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32-le",
    "utf-32-be",
    "gb18030",
    "big5",
]


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    text = draw(st.text(max_size=200))
    enc = draw(st.sampled_from(ENCODINGS))
    data = text.encode(enc, errors="replace")
    if draw(st.booleans()):  # damage it
        pos = draw(st.integers(0, max(0, len(data))))
        data = data[:pos] + draw(st.binary(max_size=8)) + data[pos:]
    return data


BYTES = st.one_of(st.binary(max_size=4096), encoded_text())


@given(BYTES)
def test_decode_gives_text_or_not_text(data: bytes) -> None:
    try:
        out = decode(data)
    except NotText as exc:
        assert str(exc)
        return
    assert isinstance(out.text, str)
    codecs.lookup(out.encoding.rstrip("?"))
    out.text.encode("utf-8")  # no lone surrogates: every report can be written


@given(BYTES)
def test_read_as_utf8_agrees_with_decode(data: bytes) -> None:
    """When the prefilter takes bytes as the UTF-8 text the scanner reads, they are."""
    if read_as_utf8(data):
        body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        assert decode(data) == decode(data) and decode(data).text == body.decode("utf-8")
    if data.isascii():
        assert read_as_utf8(data, ascii_only=True) == read_as_utf8(data)


@given(BYTES)
def test_stream_encoding_agrees_with_decode(data: bytes) -> None:
    """For a text within the sample, the large-text path judges it as the whole-text
    path does: binary for both, or an encoding that decodes it."""
    head = data[:SAMPLE]
    enc = stream_encoding(head)
    try:
        decode(data)
        is_text = True
    except NotText:
        is_text = False
    if enc is None:
        assert not is_text
        return
    encoding, bom = enc
    assert is_text
    assert 0 <= bom <= 4 and data[:bom] == head[:bom]
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    dec.decode(data[bom:], final=True)


# -- matching and the prefilter ------------------------------------------------------------

SEPARATORS = [" ", "_", "\n", ".", "(", ")", "-", "x", "X", "é", "中", "1", "\t", "$", "/*", "'"]


@st.composite
def term_text(draw: st.DrawFn) -> str:
    """Terms and look-alikes in any case, glued with separators, camelCase and noise."""
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            word = draw(st.sampled_from(TERMS))
            case = draw(st.sampled_from([str, str.upper, str.title, str.capitalize, str.lower]))
            parts.append(case(word))
        elif kind == 1 and LOOKALIKES:
            parts.append(draw(st.sampled_from(LOOKALIKES)))
        elif kind == 2:
            parts.append(draw(st.sampled_from(SEPARATORS)))
        else:
            parts.append(draw(st.text(max_size=4)))
    return "".join(parts)


@given(st.one_of(term_text(), st.text(max_size=300)))
def test_matches_are_where_they_say(text: str) -> None:
    for m in CAT.terms.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end].lower() == m.key.text.lower() or not text.isascii()


CONTEXT_KEYS = sorted({k.text for k in CAT.context.keys})


@given(
    st.lists(
        st.one_of(
            st.sampled_from(CONTEXT_KEYS),
            st.sampled_from(CONTEXT_KEYS).map(str.upper),
            st.sampled_from(CONTEXT_KEYS).map(str.title),
            st.sampled_from(SEPARATORS),
            st.text(max_size=3),
        ),
        max_size=16,
    ).map("".join)
)
def test_context_candidates_judge_like_the_matcher(text: str) -> None:
    """Context words from the prefilter's candidates are those of walking the text
    with the automaton, in any script."""
    candidates = PF.context_candidates(text)
    assert candidates is not None
    assert CAT.context.at(text, candidates) == CAT.context.find(text)


@given(term_text().filter(str.isascii))
def test_prefilter_candidates_judge_like_the_matcher(text: str) -> None:
    """For ASCII texts the classifier judges the prefilter's candidates instead of
    walking the text: the same matches, in the same order."""
    candidates = PF.candidates(text)
    assume(candidates is not None)
    assert candidates is not None
    assert CAT.terms.at(text, candidates) == CAT.terms.find(text)


@given(term_text(), st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "gb18030"]))
def test_prefilter_never_says_no_to_a_match(text: str, encoding: str) -> None:
    """Whenever the matcher finds a term that is a reason to read in a text, the
    prefilter says maybe for the same text's bytes."""
    data = text.encode(encoding)
    if encoding.startswith("utf-16"):
        data = codecs.BOM_UTF16_LE + data if encoding.endswith("le") else data
    try:
        seen = decode(data).text  # what the scanner reads (GB18030 bytes may be UTF-8)
    except NotText:
        return
    found = [m for m in CAT.terms.find(seen) if reason(m.key.payload)]
    if found:
        assert PF.maybe(data), (text, encoding, [m.key.text for m in found])


def test_gb18030_bytes_that_are_also_utf8_are_judged_as_read() -> None:
    """GB18030 bytes can be valid UTF-8 (銒歩 -> ㋚i); the scanner then reads them as
    UTF-8, where "religious" follows a letter: no term, and the prefilter agrees."""
    data = "銒歩religious belief".encode("gb18030")
    assert decode(data).encoding == "utf-8"
    assert not [m for m in CAT.terms.find(decode(data).text) if reason(m.key.payload)]
    assert not PF.maybe(data)


CONTEXT = ["face", "skin", "color", "colour", "attribute", "predict", "camera", "肤色", "人脸"]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(TERMS),
            st.sampled_from(CONTEXT),
            st.sampled_from(SEPARATORS),
            st.text(max_size=3),
        ),
        max_size=24,
    ).map("".join)
)
def test_prefilter_never_says_no_to_a_finding(text: str) -> None:
    """The invariant the fast path rests on: a text that gives any finding is a
    text the prefilter would read (plain value labels alone are not reasons)."""
    if analyse(text, "attrs.py", CAT):
        assert PF.maybe(text.encode("utf-8")), text


FILLER = st.text(st.one_of(st.sampled_from("abcXYZ _.-\n()é中族"), st.characters()), max_size=700)


@given(FILLER, term_text(), FILLER, st.booleans())
def test_confirming_a_reason_is_exact_for_the_term_there(
    before: str, middle: str, after: str, bom: bool
) -> None:
    """For every term the classifier would judge that is a reason to read, the text
    around its end confirms it, however long the text on either side (the window
    holds every match that could touch it)."""
    text = before + middle + after
    data = text.encode("utf-8", "surrogatepass")
    assume(read_as_utf8(data))
    prefix = codecs.BOM_UTF8 if bom else b""
    for m in standing_terms(CAT.terms.find(text)):
        if reason(m.key.payload):
            end = len(prefix) + len(text[: m.end].encode("utf-8"))
            assert PF.confirms(prefix + data, end), (text, m.key.text)
            assert PF.maybe(prefix + data, plain=True)


@given(FILLER, term_text(), FILLER, st.sampled_from(["app.js", "attrs.py", "notes.md"]))
def test_plain_prefilter_never_says_no_to_a_finding(
    before: str, middle: str, after: str, path: str
) -> None:
    """The invariant of the fast path for plain texts: a text that gives any finding
    is one the prefilter, confirming its reasons, would read."""
    text = before + middle + after
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return
    if analyse(decode(data).text if read_as_utf8(data) else text, path, CAT):
        assert PF.maybe(data, plain=True), text


# -- archives ------------------------------------------------------------------------------


def _seeds() -> dict[str, bytes]:
    members = [("FaceAttr.java", H.TERM_JAVA), ("docs/README.txt", b"notes\n" * 40)]
    tar = H.tar_of(members, ((("link", "/etc/passwd", b"2"),)))
    out = {
        "a.zip": H.zip_of(members),
        "stored.zip": H.zip_of(members, zipfile.ZIP_STORED),
        "a.tar": tar,
        "a.tar.gz": H.gzip_of(tar),
        "a.tar.bz2": bz2.compress(tar),
        "a.tar.xz": lzma.compress(tar),
        "a.tar.zst": zstandard.ZstdCompressor().compress(tar),
        "nested.zip": H.zip_of([("in.zip", H.zip_of(members)), ("in.tgz", H.gzip_of(tar))]),
        "enc.zip": H.encrypted_zip(),
        **R.archive_seeds(),
    }
    try:
        import libarchive

        folder = tempfile.mkdtemp()
        try:
            for fmt, name in (("7zip", "a.7z"), ("cpio", "a.cpio"), ("ar_svr4", "a.ar")):
                path = os.path.join(folder, name)
                with libarchive.file_writer(path, fmt) as archive:
                    for member, data in members:
                        archive.add_file_from_memory(member.replace("/", "_"), len(data), data)
                out[name] = Path(path).read_bytes()
        finally:
            shutil.rmtree(folder)
    except ImportError:  # pragma: no cover - a dependency
        pass
    return out


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn, seeds: dict[str, bytes]) -> tuple[str, bytes]:
    """A seed file with bytes flipped, cut, spliced or repeated."""
    name = draw(st.sampled_from(sorted(seeds)))
    data = bytearray(seeds[name])
    for _ in range(draw(st.integers(0, 6))):
        how = draw(st.integers(0, 3))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if how == 0 and data:
            data[pos] = draw(st.integers(0, 255))
        elif how == 1:
            data = data[:pos]
        elif how == 2:
            data[pos:pos] = draw(st.binary(max_size=32))
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(0, 64))]
    return name, bytes(data)


_SCRATCH_PARENT = tempfile.mkdtemp(prefix="ethicscan-fuzz-")
atexit.register(shutil.rmtree, _SCRATCH_PARENT, True)


def _explore(name: str, data: bytes, limits: Limits | None = None) -> list[TextUnit | Skipped]:
    scratch = Scratch()
    old = tempfile.tempdir
    tempfile.tempdir = _SCRATCH_PARENT
    try:
        explorer = Explorer(limits or Limits(max_expanded=64 * 1024 * 1024), scratch, PF)
        units = list(explorer.explore(name, Blob(len(data), data), Budget(explorer.limits)))
    finally:
        scratch.close()
        tempfile.tempdir = old
    assert os.listdir(_SCRATCH_PARENT) == []
    for unit in units:
        assert isinstance(unit, (TextUnit, Skipped))
        assert unit.path.startswith(name)
        unit.path.encode("utf-8")
    return units


FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(mutated(SEEDS))
def test_mutated_archives_never_raise(case: tuple[str, bytes]) -> None:
    _explore(*case)


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.binary(max_size=2048))
def test_random_bytes_under_archive_names_never_raise(name: str, data: bytes) -> None:
    _explore(name, data)


@FUZZ
@given(
    st.sampled_from([b"PK\x03\x04", b"\x1f\x8b\x08", b"BZh9", b"\xfd7zXZ\x00", b"(\xb5/\xfd"]),
    st.binary(max_size=1024),
)
def test_archive_magic_then_garbage_never_raises(magic: bytes, data: bytes) -> None:
    _explore("x.bin", magic + data)


# -- extractors ----------------------------------------------------------------------------


def _extractor_seeds() -> dict[str, bytes]:
    from test_hostile import _real_files

    return {**_real_files(), **R.document_seeds()}


EXTRACTOR_SEEDS = _extractor_seeds()
EXTRACTORS: list[tuple[str, Callable[[bytes, str], Extracted]]] = [
    *((fmt.value, reader.extract) for fmt, reader in BY_FORMAT.items()),
    *((suffix, reader.extract) for suffix, reader in TEXT_BY_SUFFIX.items()),
]


@pytest.mark.parametrize(("kind", "extractor"), EXTRACTORS, ids=[k for k, _ in EXTRACTORS])
@FUZZ
@given(data=st.binary(max_size=4096))
def test_extractors_on_random_bytes(
    kind: str, extractor: Callable[[bytes, str], Extracted], data: bytes
) -> None:
    try:
        out = extractor(data, f"x.{kind}")
    except TOLERATED:
        return
    assert isinstance(out, Extracted)


@FUZZ
@given(mutated(EXTRACTOR_SEEDS))
def test_mutated_documents_and_binaries_never_raise(case: tuple[str, bytes]) -> None:
    """Real files for every extractor (PDF, office, class, DEX, ELF, HTML, RTF, CSV),
    mutated, through the explorer: only texts and skipped entries come out."""
    _explore(*case)


def test_seeds_are_read_as_what_they_are() -> None:
    """The fuzz seeds are meaningful: unmutated, each archive and document is read."""
    for name, data in {**SEEDS, **EXTRACTOR_SEEDS}.items():
        units = _explore(name, data)
        assert units, name
        # encrypted ones are skipped, as the entries of listing.zip (they all overlap)
        readable = name not in ("enc.zip", "locked.docx", "listing.zip")
        assert any(isinstance(u, TextUnit) for u in units) or not readable, name


# -- regressions found by the atheris harnesses -------------------------------------------


def test_term_after_a_double_byte_character_ending_in_a_letter(tmp_path: Path) -> None:
    """fuzz_matcher: Big5 臉 is b"\\xc1y"; the prefilter read "yethnicity" as no word
    start and skipped a Big5 header whose one finding is "人臉ethnicity"."""
    from ethicscan import ScanOptions, scan

    assert PF.maybe("臉ethnicity".encode("big5"))
    assert PF.maybe("猀complexion".encode("gb18030"))
    header = (
        "/* 人臉屬性分析介面：每個人臉的屬性結果，包括年齡、性別與表情。 */\n"
        "typedef struct tagFACE_ATTR {\n"
        "    int nFaceId;     /* 人臉編號 */\n"
        "    int nAge;        /* 年齡 */\n"
        "    int nEth;        /* 人臉ethnicity 屬性 */\n"
        "} FACE_ATTR;\n"
    )
    (tmp_path / "face.h").write_bytes(header.encode("big5"))
    result = scan([str(tmp_path)], ScanOptions(jobs=1))
    assert [(f.location.line, f.evidence.term) for f in result.findings] == [(5, "ethnicity")]


def test_libarchive_member_name_that_is_not_utf8() -> None:
    """fuzz_archive: libarchive hands over a name it cannot decode as bytes, which the
    name cleaning (path_text) did not expect."""
    name = b"FaceAttr.java\xd1\xe3"
    head = b"%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name[:16], 0, 0, 0, b"100644", len(H.TERM_JAVA))
    data = b"!<arch>\n" + head + H.TERM_JAVA + b"\n" * (len(H.TERM_JAVA) % 2)
    units = _explore("sdk.a", data)
    assert any(isinstance(u, TextUnit) and u.path.startswith("sdk.a!FaceAttr.java") for u in units)


# -- gzip ----------------------------------------------------------------------------------


def _read_all(stream: Any, step: int) -> bytes | str:
    out = []
    try:
        while chunk := stream.read(step):
            out.append(chunk)
    except (OSError, EOFError, zlib.error):  # all of them skip the file as corrupt
        return "error"
    return b"".join(out)


@pytest.mark.parametrize("inflater", ["isal", "zlib"])
@given(
    st.lists(st.binary(max_size=3000), min_size=1, max_size=3),
    st.sampled_from([b"", b"\x00" * 7, b"junk", b"\x1f", b"\x00\x00\x1f\x8bxx"]),
    st.one_of(st.none(), st.integers(0, 400)),
    st.booleans(),
    st.sampled_from([1, 7, 4096, 1 << 20]),
)
def test_gzip_reader_reads_as_gzipfile_does(
    inflater: str, members: list[bytes], trailer: bytes, cut: int | None, flip: bool, step: int
) -> None:
    """explore._Gunzip (ISA-L, or zlib where isal has no wheel, in large steps) gives
    what gzip.GzipFile gives: the same bytes, or an error where it errs (multiple
    members, zero padding, junk after a member, truncation, a damaged member)."""
    import gzip as gz
    import io

    from ethicscan.extract import explore
    from ethicscan.extract.explore import _Gunzip

    if inflater == "zlib":
        saved = explore._INFLATE, explore._INFLATE_ERRORS
        explore._INFLATE, explore._INFLATE_ERRORS = zlib, (zlib.error,)
    else:
        assert explore._INFLATE.__name__.startswith("isal")

    data = b"".join(gz.compress(m, mtime=0) for m in members) + trailer
    if cut is not None:
        data = data[: max(2, len(data) - cut)]
    if flip and len(data) > 12:
        data = data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:]
    try:
        ours = _read_all(_Gunzip(io.BytesIO(data)), step)
    finally:
        if inflater == "zlib":
            explore._INFLATE, explore._INFLATE_ERRORS = saved
    theirs = _read_all(gz.GzipFile(fileobj=io.BytesIO(data)), step)
    if isinstance(theirs, bytes):
        assert ours == theirs
    else:
        assert not isinstance(ours, bytes)
