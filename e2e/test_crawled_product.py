"""A product the worker crawls from the loopback fake Danawa (the path the front door's
"분석하기" will take) shows on its product page, picture included, served from 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalog.tests.fake_danawa import FakeDanawa
from e2e.browsing import Visit
from e2e.server import RunningApp

PCODE = "20157388"  # the fake Danawa's "LG전자 2023 데스크톱 B80QV-AX5576"
NAME = "LG전자 2023 데스크톱 B80QV-AX5576"


@pytest.fixture(scope="module")
def crawled(app: RunningApp, fake_danawa_e2e: FakeDanawa) -> str:
    """Queue the crawl task and wait for the worker's answer (a real round trip through the
    broker on the crawl queue)."""
    out = app.manage(
        "shell", "-c",
        f"from catalog.tasks import crawl_product; "
        f"print(crawl_product.delay(pcode={PCODE!r}).get(timeout=90))",
    )  # fmt: skip
    assert any(r.path.startswith("/info") and PCODE in r.query for r in fake_danawa_e2e.log), out
    return out


def test_a_product_crawled_from_the_fake_danawa_shows_on_its_page(
    visit: Visit, crawled: str
) -> None:
    page = visit.page
    visit.goto("/catalog/?q=B80QV")
    page.get_by_role("link", name=NAME).click()
    expect(page).to_have_url(re.compile(r"/catalog/products/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(page.locator("main")).to_contain_text("1,089,000원")
    picture = page.get_by_role("img", name=NAME, exact=True)
    expect(picture).to_be_visible()
    assert picture.get_attribute("src").startswith("/media/")
    # wait for the picture to be fetched and decoded (naturalWidth is 0 until then; a broken
    # picture rejects decode() and fails here too)
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    visit.check("crawled-product", picture)
