"""The HTML evidence report, as text: self-contained, escaped, complete.
(tests/test_html_browser.py opens it in a real browser.)"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.model import Commit, History, HistoryStatus, Location, ScanResult
from ethicscan.report import html

HOSTILE_NAME = "<img src=x onerror=alert(1)>.js"
HOSTILE_BINARY = "<b onclick=alert(3)>bold.png"
HOSTILE_LINE = 'const race = "</script><script>alert(2)</script>"; // face attribute result'


def hostile_tree(root: Path) -> Path:
    """Files whose names and contents try to break out of the report."""
    root.mkdir(parents=True)
    (root / HOSTILE_NAME).write_text(
        "// face attribute analysis\nfunction faceAttrs(face) {\n  " + HOSTILE_LINE + "\n}\n",
        encoding="utf-8",
    )
    (root / "alarm_rules.yaml").write_text(
        "alarms:\n  - name: 维族告警\n    action: notify_police\n", encoding="utf-8"
    )
    (root / "employee.py").write_text(
        "class Employee:\n"
        "    religion: str\n"
        "    # ethicscan: ignore[race] self-declared, optional, reviewed by the DPO\n"
        "    race: str\n",
        encoding="utf-8",
    )
    (root / HOSTILE_BINARY).write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    return root


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    return scan([str(hostile_tree(tmp_path_factory.mktemp("h") / "tree"))], ScanOptions(jobs=1))


def test_hostile_input_is_escaped(result: ScanResult) -> None:
    page = html.render(result)
    assert "<img" not in page and "<b " not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.js" in page
    assert "&lt;b onclick=alert(3)&gt;bold.png" in page
    assert page.count("<script") == 1 and page.count("</script>") == 1  # ours only
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_self_contained_with_a_strict_policy(result: ScanResult) -> None:
    page = html.render(result)
    assert not re.search(r"<(link|iframe|object|embed|img|audio|video)\b", page)
    assert not re.search(r"<[a-z]+\b[^>]*\ssrc\s*=", page)  # no element loads anything
    assert "@import" not in page and "url(" not in page
    # The only inline style and script are allowed by hash, nothing else is.
    assert html._hash(html.CSS) in html.CSP and html._hash(html.JS) in html.CSP
    assert f"<style>{html.CSS}</style>" in page and f"<script>{html.JS}</script>" in page
    assert "default-src 'none'" in html.CSP and "unsafe-inline" not in html.CSP


def test_contents(result: ScanResult) -> None:
    page = html.render(result)
    for f in result.findings:
        assert f'data-trait="{f.trait.value}"' in page
    assert "<svg" in page and 'aria-label="Findings by trait and capability"' in page
    assert "Uyghur" in page  # the gloss of 维族告警
    assert "<mark>维族告警</mark>" in page or "<mark>维族</mark>" in page
    assert "self-declared, optional, reviewed by the DPO" in page  # suppression reason
    assert 'data-status="suppressed"' in page
    assert "EU AI Act" in page  # legal references
    assert "binary" in page  # the skipped file and why
    assert result.started in page


def test_location_extras_and_history(result: ScanResult) -> None:
    f = result.findings[0]
    sha = "a" * 40
    extra = replace(
        f,
        location=Location("sdk.zip!doc/spec.pdf", 3, 1, "t", page=7, offset=120, member="a.B.c"),
        history=History(
            Commit(sha, "2024-01-02T03:04:05Z", "Dev <d@x>"),
            Commit("b" * 40, "2025-01-02T03:04:05Z", "Dev <d@x>"),
            HistoryStatus.RENAMED,
            "ec",
        ),
    )
    page = html.render(replace(result, findings=(extra,)))
    assert "<dt>page</dt><dd>7</dd>" in page
    assert "<dt>offset</dt><dd>120 " in page
    assert "a.B.c" in page
    assert "renamed to <code>ec</code>" in page and sha[:12] in page
    assert "Dev &lt;d@x&gt;" in page


def test_highlight() -> None:
    assert html.highlight("int EthicCode; <x>", "ethiccode") == (
        "int <mark>EthicCode</mark>; &lt;x&gt;"
    )
    assert html.highlight("a\x1bb", "zz") == "a\\x1bb"


def test_a_forged_shard_cannot_put_markup_in_numbers(result: ScanResult) -> None:
    """Line, column, page and offset are numbers in ethicscan's results, but a results
    shard read back from disk can hold anything: they are escaped like every text."""
    evil = "<meta http-equiv=refresh content=0;url=https://example.org>"
    f = result.findings[0]
    loc = replace(f.location, line=evil, column=evil, page=evil, offset=evil)  # type: ignore[arg-type]
    out = html.render(replace(result, findings=(replace(f, location=loc),)))
    assert "<meta http-equiv=refresh" not in out
    assert "&lt;meta http-equiv=refresh" in out
