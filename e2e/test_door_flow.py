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

# the fake Danawa's brand PCs (catalog/tests/fake_danawa.py default_products), one per width
# so that each width watches its own crawl (test_crawled_product.py takes 20157388); the demo
# catalog has none of them, so the door crawls
PRODUCTS = {375: ("19284752", "삼성전자 데스크탑5"), 1280: ("17562011", "주연테크 리오나인")}


def _door(page: Page) -> object:
    """The home page's paste box: the form with the "분석하기" button."""
    button = page.get_by_role("button", name="분석하기")
    return page.locator("form").filter(has=button).first


def test_pasting_a_danawa_link_shows_the_progress_and_lands_on_the_analysis(
    visit: Visit, fake_danawa_e2e: FakeDanawa
) -> None:
    page = visit.page
    pcode, name = PRODUCTS[visit.width]
    link = f"https://prod.danawa.com/info/?pcode={pcode}"
    visited: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and visited.append(frame.url))
    visit.goto("/")
    door = _door(page)
    expect(page.get_by_text("PC 지금 살까?").first).to_be_visible()
    visit.check("door", door)

    door.locator("input:not([type=hidden])").first.fill(link)
    door.get_by_role("button", name="분석하기").click()
    page.wait_for_load_state("load")
    if f"/analyze/{pcode}/" not in page.url:  # the crawl's progress page, while it runs
        expect(page.get_by_role("progressbar").first).to_be_attached()
        visit.check("progress")
    page.wait_for_url(re.compile(rf"/analyze/{pcode}/"), timeout=60_000)
    assert any(f"/analyze/status/{pcode}/" in u for u in visited[1:]), (
        f"no progress page between the door and the analysis: {visited}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    visit.check("analysis")
    # the crawl went to the loopback fake Danawa, for this product
    assert any(r.path.startswith("/info") and pcode in r.query for r in fake_danawa_e2e.log)


def test_the_analysis_opens_its_fair_price_details(visit: Visit) -> None:
    page = visit.page
    pcode, _ = PRODUCTS[visit.width]
    visit.goto(f"/analyze/{pcode}/")  # crawled by the test above
    page.wait_for_url(re.compile(rf"/analyze/{pcode}/"), timeout=60_000)
    block = page.locator("section").filter(has=page.get_by_role("heading", name="AI 적정가"))
    expect(block.first).to_contain_text("예측 구간")
    details = block.locator("details").first
    expect(details).not_to_have_attribute("open", re.compile(".*"))
    details.locator("summary").click()
    expect(details).to_have_attribute("open", re.compile(".*"))
    expect(details).to_contain_text("원")
    visit.check("fair-price-details", details)


def test_a_link_that_is_not_danawa_is_refused_in_korean_at_the_door(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    door = _door(page)
    door.locator("input:not([type=hidden])").first.fill("https://www.coupang.com/vp/products/1")
    with visit.answering(400):  # the door says why, on its own page, with the box to try again
        door.get_by_role("button", name="분석하기").click()
        page.wait_for_load_state("load")
    expect(page.get_by_text(re.compile("다나와")).first).to_be_visible()
    assert re.search(r"/analyze/$", page.url), page.url  # no crawl, no analysis
    visit.check("refused", _door(page))


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
