"""The catalog pages: the filtered list and the product page with its server-drawn chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import services
from catalog.services import PriceRow, record_prices
from catalog.stats import catalog_counts
from catalog.tests.factories import (
    CategoryFactory,
    CpuBenchmarkFactory,
    ManufacturerFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/catalog/"
D0 = dt.date(2022, 1, 1)


def history(product, prices: list[int], start: dt.date = D0) -> None:
    record_prices(
        [PriceRow(product.pk, start + dt.timedelta(days=i), p) for i, p in enumerate(prices)]
    )


def external_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|action)\s*=\s*["'](https?:)?//[^"']*""", html)


def assert_self_contained(html: str, allowed: str = "") -> None:
    """No scripts, styles, fonts or images from elsewhere; only the Danawa product link."""
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html)
    assert not re.search(r"<img[^>]+src=[\"']?(https?:)?//", html)
    assert "@import" not in html and "fonts.googleapis" not in html
    links = re.findall(r"""href=["']((?:https?:)?//[^"']*)""", html)
    assert all(link == allowed for link in links), links


def test_the_list_shows_rows_with_price_specs_and_a_demo_badge(client) -> None:
    demo = ProductFactory(name="데모 게이밍 PC", is_demo=True, cpu_model="Intel Core i5-12400F",
                          gpu_model="GeForce RTX 3060", ram_gb=16)  # fmt: skip
    real = ProductFactory(name="실제 사무용 PC")
    history(demo, [1_234_000])
    history(real, [650_000])
    response = client.get(reverse("catalog:product_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "데모 게이밍 PC" in html and "실제 사무용 PC" in html
    assert "1,234,000원" in html and "Intel Core i5-12400F" in html and "RAM 16GB" in html
    assert html.count('class="badge demo"') == 1
    assert 'class="thumb-empty"' in html  # placeholder when there is no image
    assert_self_contained(html)


def test_the_list_filters_with_the_same_parameters_as_the_api(client) -> None:
    samsung = ManufacturerFactory(name="삼성전자")
    cheap = ProductFactory(
        name="삼성 저가형", manufacturer=samsung, cpu_model="Intel Core i3-12100"
    )
    pricey = ProductFactory(
        name="삼성 고급형", manufacturer=samsung, cpu_model="Intel Core i7-12700"
    )
    other = ProductFactory(name="LG 고급형", cpu_model="Intel Core i7-12700")
    history(cheap, [500_000])
    history(pricey, [2_000_000])
    history(other, [2_100_000])
    html = client.get(
        LIST_URL, {"manufacturer": samsung.pk, "min_price": "1000000", "cpu": "i7"}
    ).content.decode()
    assert "삼성 고급형" in html and "삼성 저가형" not in html and "LG 고급형" not in html
    # the form keeps what was asked for
    assert 'name="min_price" min="0" step="10000" value="1000000"' in html
    assert f'<option value="{samsung.pk}" selected>' in html


def test_the_list_paginates_and_keeps_the_filters_in_page_links(client) -> None:
    for i in range(35):
        ProductFactory(name=f"검색대상 {i:02d}")
    html = client.get(LIST_URL, {"q": "검색대상", "ordering": "-name"}).content.decode()
    assert "35개 상품" in html and "검색대상 34" in html and "검색대상 00" not in html
    assert "?q=%EA%B2%80%EC%83%89%EB%8C%80%EC%83%81&amp;ordering=-name&amp;page=2" in html
    page2 = client.get(LIST_URL, {"q": "검색대상", "ordering": "-name", "page": "2"})
    assert "검색대상 00" in page2.content.decode()
    assert client.get(LIST_URL, {"page": "abc"}).status_code == 200


def test_bad_filters_show_a_clear_message_and_no_results_instead_of_an_error(client) -> None:
    ProductFactory(name="아무 상품")
    response = client.get(LIST_URL, {"min_price": "싸게", "category": "없는코드"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "검색 조건을 확인해 주세요" in html and "알 수 없는 카테고리입니다" in html
    assert "아무 상품" not in html


def test_the_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries) -> None:
    for _ in range(20):
        history(ProductFactory(manufacturer=ManufacturerFactory(),
                               cpu_benchmark=CpuBenchmarkFactory()), [900_000])  # fmt: skip
    catalog_counts()  # the footer's counts are cached (their own tests count them)
    # count, the page's ids, their rows, categories, manufacturers
    with django_assert_max_num_queries(5):
        assert client.get(LIST_URL).status_code == 200
    with django_assert_max_num_queries(0):  # the count, the menus and the rows are cached now
        assert client.get(LIST_URL).status_code == 200


def test_the_product_page_draws_the_price_chart_and_says_how_low_the_price_is(client) -> None:
    product = ProductFactory(name="가격 이력 PC")
    # 100 days: expensive, then a dip 60 days ago, then today's price is the lowest since then
    prices = [1_500_000] * 30 + [1_000_000] + [1_400_000] * 68 + [1_100_000]
    history(product, prices)
    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "chart-line-main" in html
    assert "최근 69일 중 최저가" in html  # the 1,000,000원 day was 69 days before the last one
    assert "1,000,000원" in html and "1,500,000원" in html  # min and max
    avg = round(sum(prices) / len(prices))
    assert f"{avg:,}원" in html
    assert "<h3>최근 가격</h3>" in html and "2022.4.10" in html  # recent prices table
    assert_self_contained(html, allowed=product.danawa_url)


def test_an_all_time_low_is_reported_over_the_whole_recorded_span(client) -> None:
    product = ProductFactory()
    history(product, [1_000_000 - i * 1_000 for i in range(90)])
    html = client.get(product.get_absolute_url()).content.decode()
    assert "기록된 90일 중 최저가" in html


def test_the_product_page_shows_specs_benchmarks_and_coming_soon_areas(client) -> None:
    cpu = CpuBenchmarkFactory(name="Intel Core i5-12400", score=19_500)
    product = ProductFactory(
        name="스펙 PC", cpu_model="Intel Core i5-12400", cpu_benchmark=cpu,
        cpu_match_confidence=0.87, ram_gb=16, ssd_gb=512, spec_summary="인텔 / 16GB / 512GB",
        specs_raw={"운영체제": "미포함(프리도스)", "<b>위험</b>": "x"}, is_demo=True,
    )  # fmt: skip
    html = client.get(product.get_absolute_url()).content.decode()
    assert "19,500" in html and "87%" in html
    assert "매칭 없음" in html  # no GPU benchmark
    assert "16GB" in html and "512GB" in html and "인텔 / 16GB / 512GB" in html
    assert "미포함(프리도스)" in html and "&lt;b&gt;위험&lt;/b&gt;" in html
    assert 'class="badge demo"' in html
    for area in ("similarity",):  # not built yet; built areas render panels instead
        assert f'href="/soon/{area}/"' in html
    assert "준비 중" in html
    assert "가격 기록이 아직 없습니다" in html


def test_the_product_page_links_to_danawa_and_uses_only_local_images(client, settings) -> None:
    product = ProductFactory(pcode="17426456", image_source="https://img.danawa.com/x.jpg")
    product.image = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0fake", content_type="image/jpeg")
    product.save()
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'href="https://prod.danawa.com/info/?pcode=17426456"' in html
    assert f'src="{settings.MEDIA_URL}products/' in html
    assert "img.danawa.com" not in html
    assert_self_contained(html, allowed="https://prod.danawa.com/info/?pcode=17426456")


def test_the_history_window_can_be_chosen_and_bad_windows_fall_back(client) -> None:
    product = ProductFactory()
    history(product, [1_000_000 + i * 1_000 for i in range(60)])
    html = client.get(product.get_absolute_url(), {"days": "30"}).content.decode()
    assert "<strong>30일</strong>" in html and "1,030,000원" in html  # window minimum
    bad = client.get(product.get_absolute_url(), {"days": "x"})
    assert bad.status_code == 200 and "기본 기간으로 표시합니다" in bad.content.decode()


def test_an_unknown_product_is_a_404(client) -> None:
    assert client.get(reverse("catalog:product_detail", args=[999_999])).status_code == 404


def test_a_merged_product_redirects_to_the_one_kept(client) -> None:
    keep, dup = ProductFactory(), ProductFactory()
    services.merge_products(keep, [dup])
    response = client.get(dup.get_absolute_url())
    assert response.status_code == 302 and response.url == keep.get_absolute_url()


def test_the_product_page_makes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, monkeypatch
) -> None:
    from catalog import panels

    product = ProductFactory(category=CategoryFactory(), cpu_benchmark=CpuBenchmarkFactory())
    history(product, [900_000 + i for i in range(200)])
    monkeypatch.setattr(panels, "_PANELS", {})  # the catalog's own queries
    catalog_counts()  # the footer's counts are cached (their own tests count them)
    with django_assert_max_num_queries(3):
        assert client.get(product.get_absolute_url()).status_code == 200


def test_the_product_page_with_every_panel_does_not_query_per_price_row(
    client, django_assert_max_num_queries
) -> None:
    product = ProductFactory(category=CategoryFactory(), cpu_benchmark=CpuBenchmarkFactory())
    history(product, [900_000 + i for i in range(200)])
    with django_assert_max_num_queries(20):
        assert client.get(product.get_absolute_url()).status_code == 200


def test_a_registered_panel_replaces_its_coming_soon_note_and_a_broken_one_is_skipped(
    client, monkeypatch, tmp_path, settings
) -> None:
    from catalog import panels

    (tmp_path / "fair_price_panel.html").write_text(
        "<h2>AI 적정가</h2><p>{{ fair }}원 ({{ product.name }})</p>", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    monkeypatch.setattr(panels, "_PANELS", {})
    panels.register_product_panel(
        "pricing",
        lambda request, product: (
            "fair_price_panel.html",
            {"fair": "1,000,000", "product": product},
        ),
    )
    panels.register_product_panel("broken", lambda request, product: 1 / 0)
    product = ProductFactory(name="패널 PC")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "1,000,000원 (패널 PC)" in html
    soon = html[html.index('class="soon-grid"') :]
    assert "AI 적정가" not in soon and 'href="/soon/trends/"' in soon


def test_filter_errors_name_the_field_by_its_korean_label_not_its_parameter(client) -> None:
    html = client.get(LIST_URL, {"min_price": "싸게", "category": "없는코드"}).content.decode()
    assert "<strong>최저 가격 (원)</strong>" in html and "<strong>카테고리" in html
    assert "min_price</code>" not in html and "<code>category" not in html
