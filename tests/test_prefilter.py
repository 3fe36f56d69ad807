"""The byte-level prefilter may only ever say "maybe" more often than the matcher
finds something: it must never hide a finding, in any encoding the scanner reads."""

from __future__ import annotations

import codecs
import contextlib
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from ethicscan.pipeline import scan_file
from ethicscan.rules import prefilter as pf_mod
from ethicscan.rules.catalogue import load_catalogue, load_default_catalogue
from ethicscan.rules.prefilter import ENCODINGS, WIDE, Prefilter, patterns, prefilter_for, reason
from ethicscan.sources.fs import FileJob

pytest.importorskip("hyperscan")

CAT = load_default_catalogue()
PF = prefilter_for(CAT).warm_up()
CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_active_and_compact() -> None:
    assert PF.active
    assert 100 < len(patterns(CAT)) < 20_000


@pytest.mark.parametrize(
    ("data", "maybe"),
    [
        (b"int emRace;", True),
        (b"RACE_TYPE = 1", True),
        (b"HTMLRace", True),
        (b"dominant_race", True),
        (b"x = race", True),
        (b"race", True),
        ("民族".encode("gb18030"), True),
        ("種族".encode("big5hkscs"), True),
        ("肤色".encode("utf-16-le"), True),
        ("SkinColor".encode("utf-16-be"), True),
        (b"def trace(): return brace + grace", False),
        (b"embrace the traceback? no: Trace", False),
        # plain colour labels alone cannot make a finding (the value gate) ...
        (b"palette = ['white', 'black', 'yellow', 'brown']", False),
        (b"WHITE = '#fff'; Black = '#000'", False),
        # ... a distinctive label or a word of the trait can
        (b"labels = ['white', 'black', 'asian']", True),
        (b"skin_color: white | black | yellow | brown", True),
        (b"", False),
    ],
)
def test_examples(data: bytes, maybe: bool) -> None:
    assert PF.maybe(data) is maybe


@pytest.mark.parametrize(
    ("data", "maybe"),
    [
        # A plain text's reasons count only where the matcher finds a term it keeps.
        (b"const winner = await Promise.race([a, b]);", False),
        (b"case LBRACE: case RBRACE: log('%cTRACE')", False),
        (b"avoid a race condition here", False),
        ("// 避免 race condition: 加锁".encode(), False),
        (b"int emRace;", True),
        (b"Promise.race(p); person.race = 'x'", True),
        ("人脸属性: 民族".encode(), True),
        (codecs.BOM_UTF8 + b"race: str", True),
        # Not read as UTF-8 as it is (not valid, NUL bytes): every reason counts.
        (b"race condition \xff\xfe", True),
        (b"race condition\x00", True),
        ("race condition".encode("utf-16"), True),
        # Far from the start, far apart: each judged in its own window.
        (b"x" * 5000 + b" race condition " + b"y" * 5000 + b" ethnicity ", True),
        (b"x" * 5000 + b" race condition " + b"y" * 5000 + b" Promise.race ", False),
    ],
)
def test_plain_texts_confirm_their_reasons(data: bytes, maybe: bool) -> None:
    assert PF.maybe(data, plain=True) is maybe
    if not maybe:
        assert PF.maybe(data)  # the bytes alone hold a reason


def test_many_unconfirmed_reasons_read_the_text() -> None:
    """Past a few dozen reasons that the matcher does not keep (plus one per 4 KB),
    confirming costs more than reading: the text is read."""
    few = b"".join(b"x = Promise.race(p%d);\n" % i for i in range(20))
    many = b"".join(b"x = Promise.race(p%d);\n" % i for i in range(200))
    assert not PF.maybe(few, plain=True)
    assert PF.maybe(many, plain=True)


def _term_keys() -> list[str]:
    return sorted({k.text for k in CAT.terms.keys if reason(k.payload)})


def test_every_term_in_every_encoding_and_spelling_passes() -> None:
    rng = random.Random(7)
    missed = []
    for text in _term_keys():
        if text.isascii():
            spellings = {text, text.upper(), text.title(), "em" + text.title(), "_" + text}
            encs: tuple[str, ...] = ("utf-8", *WIDE)
        else:
            spellings = {text}
            encs = ENCODINGS + WIDE
        for spelled in spellings:
            for enc in encs:
                try:
                    body = spelled.encode(enc)
                except UnicodeEncodeError:
                    continue
                pad = " x=" * rng.randint(0, 3)
                data = pad.encode(enc) + body + b" "
                if not PF.maybe(data):
                    missed.append((spelled, enc))
    assert missed == []


def _corpus_texts() -> list[tuple[str, str]]:
    out = []
    for f in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append((case["path"], case["text"]))
    return out


def test_never_hides_a_finding_in_the_corpus_or_examples(tmp_path: Path) -> None:
    """Every corpus text (in UTF-8, GB18030 and UTF-16) and every example file gives
    the same findings with and without the prefilter."""
    jobs = []
    for i, (path, text) in enumerate(_corpus_texts()):
        for enc in ("utf-8", "gb18030", "utf-16"):
            f = tmp_path / f"{i}-{enc}-{Path(path).name}"
            try:
                f.write_bytes(text.encode(enc))
            except UnicodeEncodeError:
                continue
            jobs.append(FileJob(str(f), f.name, f.stat().st_size))
    for f in sorted(EXAMPLES.rglob("*")):
        if f.is_file():
            jobs.append(FileJob(str(f), f.name, f.stat().st_size))
    assert len(jobs) > 400
    skipped_by_prefilter = 0
    for job in jobs:
        fast = scan_file(job, CAT, prefilter=True)
        full = scan_file(job, CAT, prefilter=False)
        assert fast == full, job.rel_path
        skipped_by_prefilter += not PF.maybe(Path(job.fs_path).read_bytes())
    # the look-alike cases are what the prefilter is for
    assert skipped_by_prefilter > 10


def test_random_bytes_never_raise() -> None:
    rng = random.Random(11)
    for _ in range(200):
        PF.maybe(rng.randbytes(rng.randint(0, 4096)))


def test_compiled_databases_are_kept_and_loaded(tmp_path: Path) -> None:
    """The first process compiles and keeps both databases; the next loads them
    (milliseconds, not seconds) and answers the same."""
    first = Prefilter(CAT, tmp_path)
    assert not first.active and not first.loaded_from_disk
    first.warm_up()
    kept = list(tmp_path.iterdir())
    assert len(kept) == 1 and kept[0].suffix == ".hsdb"
    again = Prefilter(CAT, tmp_path)
    assert again.active and again.loaded_from_disk
    assert again.maybe(b"int emRace;") and not again.maybe(b"trace")
    text = "int emRace; skin_color = WHITE"
    assert again.candidates(text) == first.candidates(text)
    # a damaged copy is not trusted: that process compiles again
    kept[0].write_bytes(kept[0].read_bytes()[:-100])
    assert not Prefilter(CAT, tmp_path).active


CLAN_RULE = (
    "rules:\n  - id: custom-clan\n    trait: ethnicity\n    name: Clan\n"
    "    rationale: Descent-based.\n    refs: [gdpr-9]\n    kind: field\n"
    "    terms: [{term}]\n"
)


def test_a_rule_file_edited_in_place_gets_its_own_prefilter(tmp_path: Path) -> None:
    """Regression: a long-lived process kept one prefilter per rule file path and
    version, so a term added to a rule file in place was never a reason to read a file.
    Catalogues and their prefilters are keyed by the content of the rules."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "clan.yml").write_text(CLAN_RULE.format(term="clan"), encoding="utf-8")
    before = load_catalogue([rules])
    old = prefilter_for(before)
    (rules / "clan.yml").write_text(CLAN_RULE.format(term="wyrdkin"), encoding="utf-8")
    after = load_catalogue([rules])
    assert (after.version, after.sources) == (before.version, before.sources)
    new = prefilter_for(after)
    assert new is not old
    assert after.digest != before.digest
    wyrdkin = "".join(f"\\x{ord(c):02x}" for c in "wyrdkin").encode()  # as expressions spell it
    assert any(wyrdkin in e for e in patterns(after))
    assert not any(wyrdkin in e for e in patterns(before))
    import hyperscan

    assert new._key(hyperscan) != old._key(hyperscan)  # the kept databases' name too
    # The same rules in another folder are the same catalogue: content, not path.
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    (elsewhere / "clan.yml").write_text(CLAN_RULE.format(term="wyrdkin"), encoding="utf-8")
    assert load_catalogue([elsewhere]).digest == after.digest
    assert prefilter_for(load_catalogue([elsewhere])) is new


def _kept(folder: Path, catalogue: Any, dbs: tuple[Any, ...]) -> Path:
    """``dbs`` written to ``folder`` as the kept databases of ``catalogue`` (no compiling:
    seconds)."""
    import hyperscan

    pf = Prefilter(catalogue, folder)
    pf._dbs = dbs
    pf._keep(hyperscan)
    path = pf._path(hyperscan)
    assert path is not None and path.is_file()
    return path


def test_a_restored_or_shared_cache_cannot_make_files_read_as_clean(tmp_path: Path) -> None:
    """Kept databases are loaded only when they are this catalogue's: a copy of another
    catalogue's under this one's name (a cache restored or shared), databases that miss
    its reasons to read (forged: a file would read as clean), or a file that another
    user may write, are refused and the databases compiled again."""
    import hyperscan

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "clan.yml").write_text(CLAN_RULE.format(term="wyrdkin"), encoding="utf-8")
    custom = load_catalogue([rules])
    cache = tmp_path / "cache"
    builtin = _kept(cache, CAT, PF._dbs)
    assert Prefilter(CAT, cache).loaded_from_disk  # the genuine article is used
    # 1. The built-in catalogue's databases under the custom catalogue's name: they
    #    lack "wyrdkin", so a file holding it would read as clean.
    pf = Prefilter(custom, cache)
    named = pf._path(hyperscan)
    assert named is not None and named != builtin
    named.write_bytes(builtin.read_bytes())
    assert not Prefilter(custom, cache).loaded_from_disk
    # 2. Forged: databases that find nothing, written with a valid header and digest.
    nothing = tuple(
        None if db is None else pf_mod._compile(hyperscan, [b"qqqzzzxxx"], 0) for db in PF._dbs
    )
    _kept(cache, CAT, nothing)
    assert not Prefilter(CAT, cache).loaded_from_disk
    # 3. A folder or file others may write is neither read nor written.
    _kept(cache, CAT, PF._dbs)
    assert Prefilter(CAT, cache).loaded_from_disk
    builtin.chmod(0o666)
    assert not Prefilter(CAT, cache).loaded_from_disk
    builtin.chmod(0o600)
    cache.chmod(0o777)
    assert not Prefilter(CAT, cache).loaded_from_disk
    builtin.unlink()
    pf = Prefilter(CAT, cache)
    pf._dbs = PF._dbs
    pf._keep(hyperscan)
    assert not builtin.exists()
    cache.chmod(0o700)


def test_no_cache_folder_still_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ETHICSCAN_PREFILTER_CACHE=off keeps nothing; a cache that cannot be written is no
    error."""
    monkeypatch.setenv("ETHICSCAN_PREFILTER_CACHE", "off")
    assert Prefilter(CAT)._cache is None
    monkeypatch.setenv("ETHICSCAN_PREFILTER_CACHE", str(tmp_path / "mine"))
    assert Prefilter(CAT)._cache == tmp_path / "mine"
    monkeypatch.delenv("ETHICSCAN_PREFILTER_CACHE")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ETHICSCAN_CACHE", str(blocker))
    pf = Prefilter(CAT)
    assert not pf.loaded_from_disk
    pf._dbs = PF._dbs  # as if compiled here
    import hyperscan

    pf._keep(hyperscan)  # cannot keep: no error
    assert blocker.read_text() == "not a folder"


def test_analysis_from_candidates_equals_walking_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """analyse() matches from the prefilter's candidates; the findings are those of
    walking the whole text with the automaton, for large and small texts."""
    from ethicscan.classify import analyse as an

    texts = [text for _, text in _corpus_texts()]
    big = ("\n".join(texts) + "\n") * 3
    big = big + "x = 1  # filler without terms\n" * 20_000
    assert len(big) > an.LARGE
    for text in (big, "\n".join(texts)):
        for path in ("bundle.py", "bundle.js", "dump.json"):
            fast = an.analyse(text, path, CAT)
            monkeypatch.setattr(
                an,
                "_term_matches",
                lambda doc, cands: doc.catalogue.terms.find(doc.text, doc.low),
            )
            full = an.analyse(text, path, CAT)
            monkeypatch.undo()
            assert fast == full
            assert len(fast) > 100


def test_threads_each_get_their_own_scratch() -> None:
    """Hyperscan's scratch space is per thread (a dask worker runs several threads):
    sharing it raises ScratchInUseError."""
    from concurrent.futures import ThreadPoolExecutor

    data = [b"int emRace;" * 2000, b"def trace(): pass\n" * 2000] * 50

    def work(d: bytes) -> tuple[bool, int]:
        cands = PF.candidates(d.decode())
        return PF.maybe(d), len(cands or [])

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(work, data))
    assert got == [work(d) for d in data]
    assert {m for m, _ in got} == {True, False}


def test_texts_carry_their_own_bytes_only_when_they_are_them(tmp_path: Path) -> None:
    """A plain UTF-8 file's text comes with its bytes (the candidate pass then does not
    encode it again); a text decoded any other way does not."""
    from ethicscan.extract.explore import Budget, Explorer
    from ethicscan.extract.units import Blob, Limits, Scratch, TextUnit

    cases = {
        "plain.py": "race = face.predict()  # 人脸\n".encode(),
        "bom.py": codecs.BOM_UTF8 + b"race = face.predict()\n",
        "gbk.h": "int EthicCode; // 民族\n".encode("gb18030"),
    }
    limits = Limits()
    for name, data in cases.items():
        explorer = Explorer(limits, Scratch(), None)
        [unit] = list(explorer.explore(name, Blob(len(data), data), Budget(limits)))
        assert isinstance(unit, TextUnit)
        if name == "plain.py":
            assert unit.utf8 == unit.text.encode("utf-8")
        else:
            assert unit.utf8 is None


def test_findings_are_the_same_with_the_bytes_at_hand() -> None:
    from ethicscan.classify.analyse import analyse

    for path in sorted(EXAMPLES.rglob("*")):
        if not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        name = str(path.relative_to(EXAMPLES))
        assert analyse(text, name, CAT, utf8=text.encode("utf-8")) == analyse(text, name, CAT)


def _small_trees(root: Path) -> list[Path]:
    """The corpus texts in UTF-8 and, in turn, GB18030 or UTF-16, and the example
    files, as folders of at most SMALL_SCAN_FILES files (each a small scan)."""
    from ethicscan.api import SMALL_SCAN_FILES

    files: list[tuple[str, bytes]] = []
    for i, (path, text) in enumerate(_corpus_texts()):
        for enc in ("utf-8", ("gb18030", "utf-16")[i % 2]):
            with contextlib.suppress(UnicodeEncodeError):
                files.append((f"{i}-{enc}-{Path(path).name}", text.encode(enc)))
    for f in sorted(EXAMPLES.rglob("*")):
        if f.is_file():
            files.append(("-".join(f.relative_to(EXAMPLES).parts), f.read_bytes()))
    trees = []
    for n in range(0, len(files), SMALL_SCAN_FILES):
        tree = root / f"t{n}"
        tree.mkdir(parents=True)
        for name, data in files[n : n + SMALL_SCAN_FILES]:
            (tree / name).write_bytes(data)
        trees.append(tree)
    return trees


def test_a_small_scan_compiles_nothing_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine with no compiled databases, a small scan (pre-commit over a few
    files) starts at once: it neither compiles nor loads the prefilter, and its
    findings and skipped files are exactly those of a scan through the prefilter."""
    from ethicscan import ScanOptions, api, scan
    from ethicscan.rules import prefilter as prefilter_mod

    trees = _small_trees(tmp_path / "trees")
    assert len(trees) > 5
    empty = tmp_path / "empty-cache"
    monkeypatch.setenv("ETHICSCAN_PREFILTER_CACHE", str(empty))
    monkeypatch.setattr(prefilter_mod, "_CACHE", {})

    def no_compile(*_args: object) -> None:
        raise AssertionError("a small scan compiled the prefilter")

    monkeypatch.setattr(prefilter_mod, "_compile", no_compile)
    small = [scan([str(t)], ScanOptions(jobs=2)) for t in trees]
    assert not empty.exists() and prefilter_mod._CACHE == {}  # nothing built, nothing kept
    monkeypatch.undo()
    monkeypatch.setattr(api, "SMALL_SCAN_FILES", 0)  # every scan large: through the prefilter
    assert prefilter_for(CAT).active  # (PF, or its like loaded again: a pool let it go)
    through = [scan([str(t)], ScanOptions(jobs=1)) for t in trees]
    for a, b in zip(small, through, strict=True):
        assert a.findings == b.findings
        assert a.skipped == b.skipped
        assert a.stats.files == b.stats.files
    assert sum(len(r.findings) for r in small) > 100


def test_a_large_scan_says_it_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first large scan on a machine says on stderr why it waits."""
    from ethicscan import api
    from ethicscan.cli import main
    from ethicscan.rules import prefilter as prefilter_mod

    (tmp_path / "a.py").write_text("ethnicity = 1\n", encoding="utf-8")
    monkeypatch.setenv("ETHICSCAN_PREFILTER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(prefilter_mod, "_CACHE", {})
    monkeypatch.setattr(api, "SMALL_SCAN_FILES", 0)
    compiled: list[int] = []

    def warm_up(self: Prefilter) -> Prefilter:  # (the compile itself is tested above)
        compiled.append(1)
        self._pending = False
        return self

    monkeypatch.setattr(Prefilter, "warm_up", warm_up)
    assert main(["scan", str(tmp_path), "-j", "1", "--fail-on", "never"]) == 0
    err = capsys.readouterr().err
    assert f"compiling rule databases, once (a few seconds; kept in {tmp_path / 'cache'}" in err
    assert compiled
    # Once kept (here: compiled in this process), no note.
    assert main(["scan", str(tmp_path), "-j", "1", "--fail-on", "never"]) == 0
    assert "compiling" not in capsys.readouterr().err


def test_an_archive_or_a_document_is_never_a_small_scan(tmp_path: Path) -> None:
    """A few KB of zip may expand to gigabytes, which the prefilter passes over and the
    automata would read: a scan holding an archive or a document uses the prefilter."""
    import gzip
    import io
    import zipfile

    from ethicscan.api import small_scan
    from ethicscan.sources.fs import WalkOptions, file_jobs, walk_units

    def small(files: dict[str, bytes]) -> bool:
        root = tmp_path / f"t{len(list(tmp_path.iterdir()))}"
        root.mkdir()
        for name, data in files.items():
            (root / name).write_bytes(data)
        answer, units = small_scan(walk_units([str(root)], WalkOptions(), [], []))
        assert sorted(j.rel_path for j in file_jobs(units)) == sorted(files)  # nothing lost
        return answer

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("a.txt", "x" * 1000)
    assert small({"a.py": b"ethnicity = 1\n", "b.bin": b"\x7fELF" + bytes(64)})
    assert not small({"a.py": b"x\n", "lib.jar": packed.getvalue()})
    assert not small({"notes.txt.gz": gzip.compress(b"x" * 1000)})
    assert not small({"spec.pdf": b"%PDF-1.4\n"})
    assert not small({f"f{i}.py": b"x\n" for i in range(65)})  # more than 64 files
    assert not small({"big.txt": b"x" * (4 * 1024 * 1024 + 1)})


def test_the_rules_import_nothing_from_extract() -> None:
    """The prefilter judges bytes as the decoder does through ethicscan.sniff, a module
    below both: the rules stage does not depend on the extract stage."""
    import ast

    import ethicscan.rules

    imported = set()
    for path in Path(ethicscan.rules.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
    assert "ethicscan.sniff" in imported
    assert not [m for m in imported if m.startswith("ethicscan.extract")]


@pytest.mark.parametrize("seed", range(4))
def test_utf8_is_told_a_piece_at_a_time_as_the_whole_decode_tells_it(seed: int) -> None:
    """Pieces cut inside a character, an error at either side of a cut, a character
    cut off at the end: the same answer as ``bytes.decode``."""
    rng = random.Random(seed)
    good = [b"a", "é".encode(), "维".encode(), "😀".encode()]
    parts = good * 6 + [b"\xed\xa0\x80", b"\xff", b"\xe7\xbb"]  # a surrogate, cut off
    for _ in range(300):
        data = b"".join(rng.choice(parts) for _ in range(rng.randrange(40)))
        try:
            data.decode("utf-8")
            want = True
        except UnicodeDecodeError:
            want = False
        for piece in (1, 2, 3, 5, 64):
            assert pf_mod.is_utf8(data, piece) is want, (data, piece)


def test_a_large_binary_is_not_decoded_whole_to_be_told_apart_from_utf8() -> None:
    """A 39 MB library valid as UTF-8 for long stretches took 67 MB of a worker, 32
    once its text was no longer made whole to be dropped."""
    import tracemalloc

    pf = prefilter_for(CAT)
    if not pf.active:
        pytest.skip("no Hyperscan")
    data = ("x" * 900 + "😀\n").encode() * 8000 + b"\xff"  # (4 bytes a character)
    pf.maybe(data)  # (warm)
    tracemalloc.start()
    try:
        pf.maybe(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(data) // 2, (peak, len(data))  # (whole: 36 MB)


def _records(n: int, sep: str = "\n") -> str:
    return sep.join(
        f'{{"face_id": {i}, "race": "asian", "race_confidence": 0.{i % 10}, "名": "民族"}}'
        for i in range(n)
    )


@pytest.mark.parametrize("text", [_records(2_000), _records(2_000, "\r\n"), _records(50)])
def test_candidates_counted_up_to_dense_stop_there(text: str) -> None:
    """``candidates(text, dense=n)``: the first n found, at least, where there are n or
    more (the scan stops there); all of them, as without it, where there are fewer."""
    full = PF.candidates(text)
    assert full is not None
    for dense in (1, 10, 200, len(full), len(full) + 1, 10**6):
        got = PF.candidates(text, dense=dense)
        assert got is not None
        if dense <= len(full):
            assert dense <= len(got) < len(full) or dense == len(full) == len(got)
        else:
            assert got == full


def test_a_text_matched_by_line_shape_is_not_scanned_for_all_its_candidates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A log of many records is matched by line shape: its candidates are counted
    only as far as SHAPED_LINES; a text of as many lines that is no data (or that is
    matched whole) gets all of them, and finds what it found before."""
    from ethicscan.classify import analyse as an

    asked: list[int] = []
    real = Prefilter.candidates

    def counted(self: Prefilter, text: str, utf8: Any = None, dense: int = 0) -> Any:
        got = real(self, text, utf8, dense)
        asked.append(len(got or ()))
        return got

    monkeypatch.setattr(Prefilter, "candidates", counted)
    log = _records(5_000) + "\n"
    found = an.analyse(log, "logs/faces.jsonl", CAT)
    assert len(found) >= 5_000
    assert asked and max(asked) < 1_000  # never the 10,000 and more of the whole log
    module = "".join(f"r{i} = model.predict_race(face)  # race\n" for i in range(300))
    asked.clear()
    got = an.analyse(module, "sdk/analyse.py", CAT)
    assert max(asked) >= 300  # no data: all of them, asked again
    monkeypatch.undo()
    assert got == an.analyse(module, "sdk/analyse.py", CAT)
    assert found == an.analyse(log, "logs/faces.jsonl", CAT)
