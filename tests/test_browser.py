"""What a person clicks, in a real browser: Playwright driving Debian's Chromium against
`councilbase serve` started in a second process on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilbase.faults import server_process

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(os.environ.get("COUNCILBASE_TEST_OUTPUT", Path(__file__).parents[1] / "test-output"))


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed (required on CI)")
        pytest.skip("chromium is not installed")
    with server_process(web_db) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_search_open_a_result_follow_the_speaker_read_a_vote(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.fill("#home-q", '"oral amendment"')
    page.press("#home-q", "Enter")
    page.wait_for_selector(".hit")
    assert "speeches match" in page.inner_text("#results")
    page.click(".hit a >> nth=0")
    page.wait_for_url("**/meetings/S/PV.8700**")
    assert page.inner_text("h1") == "S/PV.8700"
    page.click("#speech-1 h3 a")
    page.wait_for_url("**/people/nebenzia@RUS")
    assert page.inner_text("h1") == "Mr. Nebenzia"
    page.goto(server + "/meetings/S/PV.8700#votes")
    rows = page.locator(".vote-table >> nth=1").locator("tbody tr")
    assert rows.count() == 15
    russia = page.locator(".vote-table >> nth=1").locator("tr", has_text="Russian Federation")
    assert russia.locator("td").nth(1).inner_text() == "abstaining"
    assert "adopted as S/RES/2504 (2020)" in page.inner_text(".vote >> nth=1")
    page.close()


def test_keyboard_only(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
        if focused[-1] == "top-q":
            break
    assert focused[-1] == "top-q", focused
    page.keyboard.type("Idlib")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "INPUT", "BUTTON")
    page.close()


def test_markup_in_records_never_runs(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/meetings/S/PV.9999")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("main img[src=x]").count() == 0
    assert '<script>window.pwned=1;alert("x")</script>' in page.inner_text("#speech-2")
    page.goto(server + "/search?q=onerror")
    page.wait_for_timeout(300)
    assert dialogs == [] and page.evaluate("window.pwned === undefined")
    page.close()


def test_screenshot_of_the_meeting_page(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 1600})  # type: ignore[attr-defined]
    page.goto(server + "/meetings/S/PV.8700")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / "meeting-S_PV.8700.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


def test_the_analysis_page(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 1600})  # type: ignore[attr-defined]
    page.goto(server + "/analysis")
    page.fill("#a-from", "2020-01")
    page.fill("#a-to", "2020-01")
    page.fill("#term", "cross-border")
    page.select_option("#by", "month")
    page.fill("#a-state", "RUS")
    page.click("button[type=submit] >> text=Show")
    page.wait_for_selector("text=“cross-border” over time")
    images = page.locator("main img")
    assert images.count() == 2
    for i in range(images.count()):  # every chart loaded and drawn
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", images.nth(i).element_handle()
        )
    assert "2020-01" in page.inner_text("main table >> nth=3")
    assert "Words distinctive of" in page.inner_text("main")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "analysis.png"), full_page=True)
    page.close()
