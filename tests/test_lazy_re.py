"""The classifier's patterns compiled when first used (``ethicscan.lazy_re``): each is
the pattern ``re.compile`` makes, answers as it does, and none is compiled by the
import alone; a scan compiles those it uses."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ethicscan import lazy_re
from ethicscan.classify import capability, document, shape
from ethicscan.lazy_re import LazyPattern

SRC = Path(__file__).resolve().parent.parent / "src"
MODULES = (capability, document, shape)


def _patterns() -> list[tuple[str, LazyPattern]]:
    return [
        (f"{m.__name__}.{name}", p)
        for m in MODULES
        for name, p in vars(m).items()
        if isinstance(p, LazyPattern)
    ]


def test_the_classifier_s_module_patterns_are_lazy() -> None:
    found = _patterns()
    assert len(found) > 150
    for m in MODULES:
        assert m.re is lazy_re  # (the modules' ``re``)
        assert not any(isinstance(v, re.Pattern) for v in vars(m).values())


@pytest.mark.parametrize("name", [n for n, _ in _patterns()])
def test_each_pattern_is_what_re_compile_makes(name: str) -> None:
    p = dict(_patterns())[name]
    real = re.compile(p.pattern, p._flags)
    got = p.compiled()
    assert isinstance(got, re.Pattern)
    assert (got.pattern, got.flags, got.groups, dict(got.groupindex)) == (
        real.pattern,
        real.flags,
        real.groups,
        dict(real.groupindex),
    )
    lazily = (p.flags, p.groups, dict(p.groupindex))
    assert lazily == (real.flags, real.groups, dict(real.groupindex))


TEXTS = [
    "",
    '{"face_id":12,"race":"asian","race_confidence":0.9}',
    "def analyse(face):\n    r = model.predict_race(face)  # race\n",
    "SELECT * FROM person WHERE nation = '汉族' AND religion IS NOT NULL",
    "<select name=race><option>White</option></select> label='Ethnicity'",
    "按民族 维吾尔族 告警 skin_color ethnicityCode = 01 ",
]


@pytest.mark.parametrize("first", ["search", "sub", "finditer", "flags", "groups", "compiled"])
def test_a_lazy_pattern_answers_as_the_compiled_one_before_and_after_its_first_use(
    first: str,
) -> None:
    source, flags = r"(?P<word>rac(e|ial))\s*[:=]?", re.IGNORECASE
    real = re.compile(source, flags)
    p = LazyPattern(source, flags)
    assert p.pattern == source and not p.is_compiled
    if first in ("search", "sub", "finditer"):
        getattr(p, first)("x", *(("y",) if first == "sub" else ()))
    elif first == "compiled":
        p.compiled()
    else:
        getattr(p, first)
    assert p.is_compiled
    for text in [*TEXTS, "Race: x, RACIAL=y race"]:
        m, n = p.search(text), real.search(text)
        assert (m and (m.span(), m.groups())) == (n and (n.span(), n.groups()))
        m, n = p.match(text), real.match(text)
        assert (m and m.span()) == (n and n.span())
        m, n = p.fullmatch(text), real.fullmatch(text)
        assert (m and m.span()) == (n and n.span())
        assert [x.span() for x in p.finditer(text)] == [x.span() for x in real.finditer(text)]
        assert p.findall(text) == real.findall(text)
        assert p.sub("*", text) == real.sub("*", text)
        assert p.subn("*", text) == real.subn("*", text)
        assert p.split(text) == real.split(text)
        m, n = p.search(text, 3, 20), real.search(text, 3, 20)
        assert (m and m.span()) == (n and n.span())
    assert (p.flags, p.groups, dict(p.groupindex)) == (real.flags, real.groups, {"word": 1})


def test_after_its_first_use_its_methods_are_the_compiled_pattern_s() -> None:
    p = LazyPattern(r"\d+")
    first = p.search
    assert getattr(first, "__self__", None) is None  # (a function that compiles it)
    assert not p.is_compiled
    assert first("a 12").group() == "12"  # (called as it was kept: compiles, answers)
    assert p.is_compiled
    # then each slot holds the compiled pattern's own bound method
    for name in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
        assert getattr(p, name).__self__ is p.compiled()
    assert not hasattr(LazyPattern, "__getattr__")  # (slot look-ups stay specialised)


def test_a_lazy_pattern_pickles_repr_and_unknown_names() -> None:
    p = LazyPattern(r"skin[_ ]?colou?r", re.I)
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, LazyPattern) and (q.pattern, q.flags) == (p.pattern, p.flags)
    assert repr(p) == f"LazyPattern({p.pattern!r}, {re.I!r})"
    with pytest.raises(AttributeError):
        p.no_such_attribute  # noqa: B018
    with pytest.raises(re.error):
        LazyPattern("(unclosed").search("x")  # an error where it is first used


def test_the_import_compiles_none_and_a_log_s_scan_only_some() -> None:
    script = """
import json, sys
import ethicscan.cli
from ethicscan import scan_text
from ethicscan.lazy_re import LazyPattern
from ethicscan.classify import capability, document, shape
def count():
    ps = [v for m in (capability, document, shape) for v in vars(m).values()
          if isinstance(v, LazyPattern)]
    return len(ps), sum(p.is_compiled for p in ps)
at_import = count()
found = scan_text(sys.stdin.read(), "logs/faces.jsonl")
print(json.dumps([at_import, count(), len(found)]))
"""
    log = "".join(
        json.dumps({"face_id": i, "age": 30, "race": "asian", "race_confidence": 0.9}) + "\n"
        for i in range(300)
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=log,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    (total, at_import), (_, after_scan), found = json.loads(out.stdout)
    assert total > 150
    assert at_import == 0
    assert found > 0
    assert 0 < after_scan < total / 2
