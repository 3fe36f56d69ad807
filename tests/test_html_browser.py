"""The HTML evidence report in a real headless browser (Debian's chromium through
Playwright): no console errors, no network, filters and search work, hostile file
names and snippets stay text.  Skipped when chromium is absent, except under CI=true.
A screenshot is left in test-artefacts/ (git-ignored)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ethicscan import ScanOptions, scan
from ethicscan.model import Notice, ScanResult
from ethicscan.report import html
from test_html import HOSTILE_BINARY, HOSTILE_NAME, hostile_tree

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    in_ci = os.environ.get("CI") == "true"
    if not os.path.exists(CHROMIUM):
        if in_ci:
            pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run installs the chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); required when CI=true")
    if in_ci:
        from playwright import sync_api  # CI must have it: an ImportError fails the tests
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.as_uri()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page()
        self.page.on(
            "console", lambda m: self.console.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.console.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible_rows(self) -> list[dict[str, str]]:
        return list(
            self.page.eval_on_selector_all(
                "tr.finding", "rs => rs.filter(r => !r.hidden).map(r => ({...r.dataset}))"
            )
        )


@pytest.fixture(scope="module")
def result(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    tmp = tmp_path_factory.mktemp("browser")
    return scan([str(hostile_tree(tmp / "tree"))], ScanOptions(jobs=1))


@pytest.fixture(scope="module")
def report(
    browser: Any, result: ScanResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(html.render(result), encoding="utf-8")
    page = Page(browser, path)
    yield page
    page.page.close()


def test_loads_cleanly_offline(report: Page) -> None:
    assert report.page.title() == "ethicscan evidence report"
    assert report.console == []
    assert report.requests == [report.url]  # the file itself, nothing else
    assert report.page.locator("svg rect.bar").count() >= 3


def test_hostile_names_render_as_text(report: Page) -> None:
    assert report.dialogs == []
    assert report.page.locator("img").count() == 0
    assert report.page.locator("#findings-table script").count() == 0
    assert report.page.locator("#skipped b").count() == 0
    body = report.page.inner_text("body")
    assert HOSTILE_NAME in body
    assert "</script><script>alert(2)</script>" in body
    assert HOSTILE_BINARY in body


def test_filters_and_search(report: Page) -> None:
    p = report.page
    everything = report.visible_rows()
    assert len(everything) >= 4
    assert {r["trait"] for r in everything} >= {"race", "religion", "ethnic_group"}
    p.select_option("#f-trait", "religion")
    assert {r["trait"] for r in report.visible_rows()} == {"religion"}
    p.select_option("#f-trait", "")
    p.select_option("#f-capability", "targeting")
    targeting = report.visible_rows()
    assert targeting and {r["capability"] for r in targeting} == {"targeting"}
    p.select_option("#f-capability", "")
    p.select_option("#f-status", "suppressed")
    suppressed = report.visible_rows()
    assert suppressed and {(r["trait"], r["status"]) for r in suppressed} == {
        ("race", "suppressed")
    }
    p.select_option("#f-status", "")
    p.select_option("#f-severity", "critical")
    assert {r["severity"] for r in report.visible_rows()} == {"critical"}
    p.select_option("#f-severity", "")
    p.fill("#q", "onerror")
    hits = report.visible_rows()
    assert hits and len(hits) < len(everything)
    assert p.inner_text("#shown") == f"{len(hits)} of {len(everything)} findings shown"
    p.fill("#q", "")
    assert len(report.visible_rows()) == len(everything)
    p.fill("#q", "no such text anywhere")
    assert report.visible_rows() == []
    p.fill("#q", "")


def test_a_meta_refresh_anywhere_stays_text(
    browser: Any, result: ScanResult, tmp_path: Path
) -> None:
    """The Content-Security-Policy does not stop ``<meta http-equiv=refresh>``: only
    escaping does.  A refresh in every field a forged results shard or a scanned file
    could fill (numbers included) leaves the page where it is; the same tag written raw
    does navigate (the check can fail)."""
    evil = '<meta http-equiv="refresh" content="0;url=about:blank">'
    control = tmp_path / "control.html"
    control.write_text(f"<!DOCTYPE html><html><head>{evil}</head><body>x</body></html>")
    page = Page(browser, control)
    page.page.wait_for_url("about:blank", timeout=5000)
    page.page.close()
    f = result.findings[0]
    forged = replace(
        f,
        location=replace(f.location, line=evil, column=evil, page=evil, offset=evil, path=evil),  # type: ignore[arg-type]
        evidence=replace(f.evidence, snippet=evil, term=evil, gloss=evil),
        fingerprint=evil,
    )
    notice = Notice(evil, evil, evil, evil)  # type: ignore[arg-type]
    path = tmp_path / "forged.html"
    path.write_text(
        html.render(
            replace(
                result,
                findings=(forged,),
                warnings=(notice,),
                started=evil,
                tool_version=evil,
                catalogue_version=evil,
            )
        ),
        encoding="utf-8",
    )
    page = Page(browser, path)
    page.page.wait_for_timeout(300)
    assert page.page.url == page.url
    assert page.requests == [page.url]
    assert page.page.locator('meta[http-equiv="refresh" i]').count() == 0
    assert evil in page.page.inner_text("body")
    page.page.close()


def test_screenshot(report: Page, tmp_path: Path) -> None:
    shot = tmp_path / "html-report.png"
    report.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTEFACTS / "html-report.png")
