"""The pages that exist today, in a real Chromium at 375 px and 1280 px: each step checks the
layout, the Korean font, console errors and that no request leaves 127.0.0.1 (e2e/browsing.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.browsing import Visit


def test_home_shows_the_counts_the_market_and_the_latest_desktops(visit: Visit) -> None:
    page = visit.page
    visit.goto("/")
    expect(page.get_by_role("heading", name="PC 지금 살까?")).to_be_visible()
    expect(page.locator("section.stats")).to_contain_text("상품")
    visit.check("home", page.get_by_role("searchbox", name="검색"), page.locator("section.stats"))

    page.get_by_role("searchbox", name="검색").fill("RTX")
    page.get_by_role("button", name="검색").click()
    expect(page).to_have_url(re.compile(r"/catalog/\?q=RTX"))
    visit.check("search", page.locator(".result-count"))


def _prices(page: object) -> list[int]:
    texts = page.locator(".product-table tbody .price").all_inner_texts()
    return [int(re.sub(r"\D", "", t)) for t in texts]


def _pick(visit: Visit, menu: str, label: str, step: str, param: str) -> None:
    """Choose label in the filter form's menu, apply, and check the page."""
    page = visit.page
    page.get_by_label(menu).select_option(label=label)
    page.get_by_role("button", name="적용").click()
    expect(page).to_have_url(re.compile(rf"[?&]{param}=[^&]"))
    expect(page.get_by_label(menu).locator("option:checked")).to_have_text(label)
    expect(page.locator(".product-table tbody tr").first).to_be_visible()
    visit.check(step, page.locator(".product-table"), page.get_by_role("button", name="적용"))


def test_the_catalog_list_filters_by_each_menu_and_sorts_by_price(visit: Visit) -> None:
    page = visit.page
    visit.goto("/catalog/")
    expect(page.get_by_role("heading", name="카탈로그")).to_be_visible()
    visit.check("list", page.get_by_role("form", name="상품 필터"), page.locator(".product-table"))

    _pick(visit, "카테고리", "브랜드PC", "category", "category")
    _pick(visit, "종류", "데스크톱", "kind", "kind")
    makers = page.locator(".product-table tbody td:nth-child(2) .muted.small")
    maker = makers.first.inner_text().split(" · ")[-1].strip()
    _pick(visit, "제조사", maker, "manufacturer", "manufacturer")
    for row in makers.all_inner_texts():
        assert row.endswith(maker), row
    _pick(visit, "정렬", "낮은 가격순", "sorted-by-price", "ordering")
    prices = _prices(page)
    assert len(prices) >= 2 and prices == sorted(prices)
    _pick(visit, "정렬", "높은 가격순", "sorted-by-price-desc", "ordering")
    assert _prices(page) == sorted(prices, reverse=True)


def test_a_product_page_shows_its_panels_and_opens_the_fair_price_details(visit: Visit) -> None:
    page = visit.page
    visit.goto("/catalog/?kind=desktop&ordering=price")
    page.locator(".product-table tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/catalog/products/\d+/"))
    for heading in ("가격 이력", "AI 적정가", "살까 말까", "사양"):
        expect(page.get_by_role("heading", name=re.compile(f"^{heading}"))).to_be_visible()
    visit.check("product", page.get_by_role("heading", name="AI 적정가", exact=True))

    summary = page.get_by_text("모델별 추정과 가중치")
    members = page.locator("table.pricing-members")
    expect(members).to_be_hidden()
    summary.click()
    expect(members).to_be_visible()
    expect(members).to_contain_text("원")
    visit.check("fair-price-details", members)


def test_the_pricing_form_estimates_a_configuration_and_explains_bad_input(visit: Visit) -> None:
    page = visit.page
    visit.goto("/pricing/")
    expect(page.get_by_role("heading", name="이 구성은 얼마가 적당할까")).to_be_visible()
    visit.check("form", page.get_by_role("button", name="적정가 추정"))

    page.get_by_label("CPU", exact=True).fill("i5-13400F")
    page.get_by_label("그래픽카드").fill("RTX 4060")
    page.get_by_label("RAM (GB)").fill("16")
    page.get_by_label("SSD (GB)").fill("512")
    page.get_by_role("button", name="적정가 추정").click()
    result = page.locator(".panel-pricing")
    expect(result.get_by_role("heading", name="추정 결과")).to_be_visible()
    expect(result.locator(".big-price")).to_contain_text("원")
    visit.check("estimate", result)

    page.get_by_label("RAM (GB)").fill("1024")
    with visit.answering(400):  # the form again, with the reason per field
        page.get_by_role("button", name="적정가 추정").click()
    error = page.locator("strong.form-errors")
    expect(error.first).to_be_visible()
    expect(error.first).to_contain_text(re.compile(r"[\uac00-\ud7a3]"))  # said in Korean
    expect(page.locator(".panel-pricing")).to_have_count(0)
    visit.check("bad-input", error.first)


def test_the_trends_dashboard_shows_the_market_by_category_and_movers(visit: Visit) -> None:
    page = visit.page
    visit.goto("/trends/")
    expect(page.get_by_role("heading", name="시장 동향")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("많이 오른 상품"))).to_be_visible()
    visit.check("dashboard", page.locator("main section").first)

    page.locator("li.mover a").first.click()
    expect(page).to_have_url(re.compile(r"/catalog/products/\d+/"))
    visit.check("mover", page.get_by_role("heading", name=re.compile("^살까 말까")))


def test_the_recommendation_form_lists_desktops_for_a_use_and_compares_two(visit: Visit) -> None:
    page = visit.page
    visit.goto("/recommend/")
    expect(page.get_by_role("heading", name="용도별 추천", exact=True)).to_be_visible()
    visit.check("form", page.get_by_role("button", name="추천 보기"))

    page.get_by_label("용도", exact=True).select_option(label="게이밍")
    page.get_by_role("button", name="추천 보기").click()
    entries = page.locator("ol.recommend-list > li")
    expect(page.get_by_role("heading", name=re.compile("게이밍 추천"))).to_be_visible()
    expect(entries.nth(1)).to_be_visible()
    visit.check("results", entries.first)

    names = [entries.nth(i).locator("h3 a").inner_text() for i in range(2)]
    for i in range(2):
        entries.nth(i).get_by_label("비교").check()
    page.get_by_role("button", name=re.compile("고른 상품 비교")).click()
    expect(page.get_by_role("heading", name=re.compile("상품 비교"))).to_be_visible()
    table = page.locator("table.compare-table")
    for name in names:
        expect(table.get_by_role("link", name=name)).to_be_visible()
    visit.check("compare", table)
