"""The front door and the photo search, in the browser: paste a Danawa link into "PC 지금 살까?",
watch the crawl's progress page, land on the analysis and open its fair-price details; search
by photo on "사진으로 찾기".

Selectors are few and by role, label and Korean text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from catalog.tests.fake_danawa import FakeDanawa
from e2e.browsing import Visit
from e2e.server import RunningApp

# the fake Danawa's first brand PC (catalog/tests/fake_danawa.py default_products); the demo
# catalog has no such product, so the door has to crawl it
PCODE = "19284752"
NAME = "삼성전자 데스크탑5"
LINK = f"https://prod.danawa.com/info/?pcode={PCODE}"


def _door(page: Page) -> object:
    """The home page's paste box: the form with the "분석하기" button."""
    button = page.get_by_role("button", name="분석하기")
    return page.locator("form").filter(has=button).first


def test_pasting_a_danawa_link_shows_the_progress_and_lands_on_the_analysis(
    visit: Visit, fake_danawa_e2e: FakeDanawa
) -> None:
    page = visit.page
    visited: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and visited.append(frame.url))
    visit.goto("/")
    door = _door(page)
    expect(page.get_by_text("PC 지금 살까?").first).to_be_visible()
    visit.check("door", door)

    door.locator("input:not([type=hidden])").first.fill(LINK)
    door.get_by_role("button", name="분석하기").click()
    page.wait_for_load_state("load")
    if f"/analyze/{PCODE}/" not in page.url:  # the crawl's progress page, while it runs
        expect(page.get_by_role("progressbar").first).to_be_attached()
        visit.check("progress")
    page.wait_for_url(re.compile(rf"/analyze/{PCODE}/"), timeout=60_000)
    assert any(u != visit.base_url + "/" and "/analyze/" not in u for u in visited[1:]), (
        f"no progress page between the door and the analysis: {visited}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    visit.check("analysis")
    # the crawl went to the loopback fake Danawa, for this product
    assert any(r.path.startswith("/info") and PCODE in r.query for r in fake_danawa_e2e.log)


def test_the_analysis_opens_its_fair_price_details(visit: Visit) -> None:
    page = visit.page
    visit.goto(f"/analyze/{PCODE}/")  # crawled by the test above, or crawled again now
    page.wait_for_url(re.compile(rf"/analyze/{PCODE}/"), timeout=60_000)
    summary = page.locator("summary").filter(has_text="적정가").first
    details = page.locator("details").filter(has=summary).first
    expect(details).not_to_have_attribute("open", re.compile(".*"))
    summary.click()
    expect(details).to_have_attribute("open", re.compile(".*"))
    expect(details).to_contain_text("원")
    visit.check("fair-price-details", details)


def test_a_link_that_is_not_danawa_is_refused_in_korean_at_the_door(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    door = _door(page)
    door.locator("input:not([type=hidden])").first.fill("https://www.coupang.com/vp/products/1")
    door.get_by_role("button", name="분석하기").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text(re.compile("다나와")).first).to_be_visible()
    assert "/analyze/" not in page.url
    visit.check("refused", door)


@pytest.fixture(scope="module")
def indexed_pictures(app: RunningApp) -> Path:
    """The demo's pictures embedded (the ml queue is not consumed in these tests), and one of
    them on disk to upload."""
    app.manage("index_images")
    pictures = sorted(Path(app.env["MEDIA_ROOT"]).rglob("*.jpg")) + sorted(
        Path(app.env["MEDIA_ROOT"]).rglob("*.png")
    )
    assert pictures, "the demo catalog drew no pictures"
    return pictures[0]


def test_searching_by_photo_lists_look_alike_products(visit: Visit, indexed_pictures: Path) -> None:
    page = visit.page
    visit.goto("/")
    page.get_by_role("link", name="사진으로 찾기").first.click()
    expect(page).to_have_url(re.compile(r"/similarity/photo/"))
    visit.check("photo-form")

    page.locator("input[type=file]").first.set_input_files(str(indexed_pictures))
    page.get_by_role("button", name=re.compile("찾기")).first.click()
    page.wait_for_load_state("load")
    results = page.locator("main a[href*='/catalog/products/']")
    expect(results.first).to_be_visible()
    assert results.count() >= 2
    visit.check("photo-results", results.first)
