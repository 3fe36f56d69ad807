"""The schema check of documents read back (report/conform.py) agrees with the reference
validator, on reports ethicscan writes and on every one-field forgery of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ethicscan import ScanOptions, scan
from ethicscan.model import Commit, History, HistoryStatus, Suppression
from ethicscan.report import conform
from ethicscan.report import json as json_report

REMOVE = object()  # a forgery that takes the field away

# What a forger may put in place of any field.
FORGERIES: list[Any] = [
    None,
    True,
    -1,
    1.5,
    2,
    "",
    "x",
    "<meta http-equiv=refresh content=0;url=https://example.org>",
    "0123456789abcdef0123\n",
    ["a", "a"],
    {"extra": 1},
]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A report with every kind of field: findings with history and a suppression, a
    skipped file, a warning, several targets."""
    root = tmp_path_factory.mktemp("conform")
    (root / "Person.java").write_text("class Person { String religion; int raceCode; }\n")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(50))
    result = scan([str(root), str(root / "missing")], ScanOptions(jobs=1))
    assert result.findings and result.skipped
    d = json_report.to_dict(result)
    commit = Commit("a" * 40, "2024-05-01T00:00:00Z", "A <a@x>")
    f = result.findings[0]
    rich = type(f)(
        **{
            **{k: getattr(f, k) for k in f.__slots__},
            "history": History(commit, commit, HistoryStatus.RENAMED, "ethnic"),
            "signals": f.signals[:1],
            "refs": f.refs[:1],
            "suppression": Suppression("reviewed", "inline"),
            # a code table's finding: the line of its last row, its rows' terms
            "location": replace(f.location, end_line=f.location.line + 3),
            "evidence": replace(f.evidence, terms=(f.evidence.term, "ethnic")),
        }
    )
    d["findings"] = [json_report.finding_dict(rich)]
    d["warnings"] = [{"path": "a.toml", "line": 3, "message": "m", "target": "t"}]
    d["tool"]["disabled_rules"] = ["race-field"]
    return d


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:2]):
            yield from _paths(v, (*at, i))


@contextmanager
def _forged(doc: dict[str, Any], path: tuple[Any, ...], value: Any = REMOVE) -> Iterator[None]:
    """``doc`` with the field at ``path`` replaced by ``value`` (or removed), meanwhile."""
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    last = path[-1]
    old = node[last]
    if value is REMOVE:
        del node[last]
    else:
        node[last] = value
    try:
        yield
    finally:
        if value is REMOVE and isinstance(node, list):
            node.insert(last, old)
        else:
            node[last] = old


def _agree(doc: Any, reference: jsonschema.Draft202012Validator) -> bool:
    """Whether both validators say the same; returns the verdict."""
    valid = reference.is_valid(doc)
    try:
        conform.check(doc)
    except conform.SchemaError as exc:
        # The one known difference: jsonschema matches patterns with Python's ``$``,
        # which also matches before a last newline; ECMA-262's (the standard's) does not.
        newline = '\\n" does not match ' in str(exc)
        assert not valid or newline, str(exc)
        return False
    assert valid, next(iter(reference.iter_errors(doc))).message
    return True


def test_agrees_with_the_reference_validator(doc: dict[str, Any]) -> None:
    reference = jsonschema.Draft202012Validator(conform.report_schema())
    assert _agree(doc, reference)
    refused = 0
    for value in FORGERIES:
        refused += not _agree(value, reference)
    paths = list(_paths(doc))[1:]
    for path in paths:
        for value in [*FORGERIES, REMOVE]:
            with _forged(doc, path, value):
                refused += not _agree(doc, reference)
    assert _agree(doc, reference)  # put back as it was
    assert refused > len(paths) * 5  # most forgeries are refused, each for the same reason


def test_says_where(doc: dict[str, Any]) -> None:
    with (
        _forged(doc, ("findings", 0, "location", "line"), "<b>"),
        pytest.raises(conform.SchemaError, match=r"\$\.findings\[0\]\.location\.line: "),
    ):
        conform.check(doc)
    assert conform.check(doc["findings"][0], "finding") is None


def test_refuses_a_schema_keyword_it_does_not_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = json.loads(json_report.schema_text())
    schema["$defs"]["tool"]["properties"]["version"]["maxLength"] = 9
    monkeypatch.setattr(conform, "schema_text", lambda: json.dumps(schema))
    conform.report_schema.cache_clear()
    try:
        with pytest.raises(conform.SchemaError, match="maxLength"):
            conform.report_schema()
    finally:
        monkeypatch.undo()
        conform.report_schema.cache_clear()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(data=st.data())
def test_what_passes_the_check_reads_and_renders_in_every_format(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    """A shard with any field replaced by any JSON value is refused by the check, or read
    into a result that every output format renders: a shard is never an internal
    error."""
    from ethicscan.report import OutputFormat, reporter
    from ethicscan.report.json import from_dict as result_from_dict

    path = data.draw(st.sampled_from(list(_paths(doc))[1:]))
    value = data.draw(JSON_VALUES | st.sampled_from(FORGERIES))
    with _forged(doc, path, value):
        try:
            conform.check(doc)
        except conform.SchemaError:
            return
        result = result_from_dict(json.loads(json.dumps(doc)))
        for fmt in OutputFormat:
            reporter(fmt)(result)
