"""What a person clicks, in a real browser: Playwright driving Debian's Chromium against
`councilbase serve` started in a second process on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilbase.testing.faults import server_process

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
    assert page.inner_text("h1") == "S/PV.8700 The situation in the Middle East"
    page.click("#speech-1 h3 a")
    page.wait_for_url("**/people/nebenzia@RUS")
    assert page.inner_text("h1") == "Mr. Nebenzia"
    page.goto(server + "/meetings/S/PV.8700#votes")
    rows = page.locator(".vote-table >> nth=1").locator("tbody tr")
    assert rows.count() == 15
    russia = page.locator(".vote-table >> nth=1").locator("tr", has_text="Russian Federation")
    assert russia.locator("td").nth(1).inner_text() == "abstaining"
    # the decisions sit at the top, each with its tally and a link to the resolution
    decision = page.locator("#vote-1")
    assert "adopted as S/RES/2504 (2020)" in decision.inner_text()
    assert "11-0-4" in decision.inner_text()
    top_of_decisions = page.evaluate("document.querySelector('#decisions').offsetTop")
    top_of_proceedings = page.evaluate(
        "[...document.querySelectorAll('h2')].find(h => h.textContent === 'Proceedings').offsetTop"
    )
    assert top_of_decisions < top_of_proceedings
    decision.locator("a.ref").click()
    page.wait_for_url("**/resolutions/S/RES/2504*")
    assert page.locator(".vote-table tbody tr").count() == 15
    page.close()


def test_search_the_resolutions_and_follow_a_citation(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.click("header >> text=Resolutions")
    page.wait_for_url("**/resolutions")
    page.fill("#rq", '"Vienna Statements"')
    page.press("#rq", "Enter")
    page.wait_for_url("**/resolutions?q=*")
    page.click(".hits a >> nth=0")
    page.wait_for_url("**/resolutions/S/RES/2254*")
    assert page.inner_text("h1").startswith("S/RES/2254 (2015)")
    assert page.locator("ol.operative > li").count() == 16
    page.click("#PP1 a.ref >> text=2118 (2013)")
    page.wait_for_url("**/resolutions/S/RES/2118*")
    assert page.inner_text("h1").startswith("S/RES/2118 (2013)")
    assert "S/RES/2254 (2015)" in page.inner_text("#network ~ ul.columns >> nth=1")
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
    page.fill("#scale-topic", "Middle East")
    page.click("button[type=submit] >> text=Show")
    page.wait_for_selector("text=“cross-border” over time")
    images = page.locator("main img")
    assert images.count() == 3
    page.wait_for_function(  # the positions chart is drawn by a Wordfish fit: give it time
        "[...document.querySelectorAll('main img')].every(i => i.complete)", timeout=60_000
    )
    for i in range(images.count()):  # every chart loaded and drawn
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", images.nth(i).element_handle()
        )
    assert "2020-01" in page.inner_text("main table >> nth=3")
    assert "Words distinctive of" in page.inner_text("main")
    assert "Vote agreement in the Security Council, 2020-01" in page.inner_text("main")
    # positions listed from one end of the scale to the other
    cells = page.locator("h2:has-text('Positions on') ~ table >> nth=0").locator(
        "tbody tr td:nth-child(2)"
    )
    values = [float(v) for v in cells.all_inner_texts()]
    assert values == sorted(values) and len(values) >= 3
    assert "· ·" not in page.inner_text("main")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "analysis.png"), full_page=True)
    page.close()


def _outside(url: str) -> bool:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname not in ("127.0.0.1", "localhost", None)


def test_api_docs_render_with_the_network_cut_off(server: str, browser: object) -> None:
    """/api/docs needs nothing from outside: every request to another host is blocked."""
    page = browser.new_page()  # type: ignore[attr-defined]
    blocked: list[str] = []

    def route(request_route: object) -> None:
        url = request_route.request.url  # type: ignore[attr-defined]
        if _outside(url):
            blocked.append(url)
            request_route.abort()  # type: ignore[attr-defined]
        else:
            request_route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", route)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/search" in paths and "/api/meetings/{key}" in paths
    assert blocked == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "api-docs.png"))
    page.close()


def test_search_at_phone_width(server: str, browser: object) -> None:
    """At 390 px nothing overflows sideways, the header stays small, every filter of the
    command line is there, pages are numbered and a page past the end says so."""
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(server + "/search?q=humanitarian")
    page.wait_for_selector(".hit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('header').offsetHeight") < 844 / 6
    page.click("summary >> text=Filters")
    for name in (
        "state",
        "person",
        "role",
        "topic",
        "from",
        "to",
        "meeting",
        "mentions",
        "cites",
        "organisation",
        "year",
    ):
        assert page.locator(f"form [name={name}]").count() == 1, name
    page.fill("#f-from", "2020-02")
    page.fill("#f-state", "RUS")
    page.press("#f-state", "Enter")
    page.wait_for_url("**state=RUS**")
    page.wait_for_selector(".hit")
    assert "from=2020-02" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(server + "/search?q=humanitarian")
    numbers = page.locator("nav.pages a").all_inner_texts()
    assert "2" in numbers and "Next" in numbers
    page.wait_for_selector("#facets ul")
    assert "invited State" in page.inner_text("#facets")
    assert "invited_state" not in page.inner_text("#facets")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "search-390.png"), full_page=True)
    page.goto(server + "/search?q=humanitarian&page=999")
    assert "past the end" in page.inner_text("#results")
    page.click("text=Go to page")
    page.wait_for_selector(".hit")
    page.close()


def test_a_speech_file_meeting_page(server: str, browser: object) -> None:
    """A meeting known only from speech files shows the index's date and agenda, marked."""
    page = browser.new_page(viewport={"width": 1200, "height": 1200})  # type: ignore[attr-defined]
    page.goto(server + "/meetings/S/PV.8707")
    meta = page.inner_text("main > p.meta >> nth=0")
    assert "2020-01-29 (date from the UN library's index)" in meta
    assert "The situation in the Middle East" in page.inner_text("main ol >> nth=0")
    assert page.get_attribute("a[href^='https://undocs.org/']", "href") == (
        "https://undocs.org/en/S/PV.8707"
    )
    page.click("summary >> text=Contents")
    page.click(".contents a >> nth=2")
    assert page.url.endswith("#speech-2")
    page.close()
