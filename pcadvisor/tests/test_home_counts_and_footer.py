"""The home page's counts cover the PC catalog only and come from the cache (a home request
counts no price rows); the footer says whether the prices are demo data or Danawa's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import CategoryKind
from catalog.services import PriceRow, get_category, record_prices
from catalog.stats import COUNTS_KEY
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

D0 = dt.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def no_cached_counts():
    cache.delete(COUNTS_KEY)
    yield
    cache.delete(COUNTS_KEY)


def stat(html: str, label: str) -> str:
    match = re.search(r"<strong>([\d,]+)</strong><span>" + label + "</span>", html)
    assert match, label
    return match.group(1)


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_the_home_counts_leave_out_non_pc_categories(client) -> None:
    desktop = ProductFactory(category=get_category("112756"))
    ram = ProductFactory(category=get_category("112752"))
    sofa = ProductFactory(category=get_category("demo:sofa", "소파", CategoryKind.OTHER))
    shoe = ProductFactory(category=get_category("demo:shoes", "신발", CategoryKind.OTHER))
    record_prices([PriceRow(p.pk, D0, 500_000) for p in (desktop, ram, sofa, shoe)])
    html = client.get("/").content.decode()
    assert stat(html, "상품") == "2"
    assert stat(html, "일별 가격 기록") == "2"
    assert stat(html, "카테고리") == "2"


def test_a_home_request_counts_no_price_rows_once_the_counts_are_cached(client) -> None:
    record_prices([PriceRow(ProductFactory().pk, D0, 500_000)])
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "pricesnapshot" in q["sql"]]
    assert counting == []


def test_the_cached_counts_follow_new_products_and_prices(
    client, django_capture_on_commit_callbacks
) -> None:
    record_prices([PriceRow(ProductFactory().pk, D0, 500_000)])
    assert stat(client.get("/").content.decode(), "일별 가격 기록") == "1"
    with django_capture_on_commit_callbacks(execute=True):
        record_prices([PriceRow(ProductFactory().pk, D0, 600_000)])
    html = client.get("/").content.decode()
    assert stat(html, "일별 가격 기록") == "2" and stat(html, "상품") == "2"


def test_the_footer_says_demo_when_the_prices_are_demo_data(client) -> None:
    record_prices([PriceRow(ProductFactory(is_demo=True).pk, D0, 500_000)])
    text = footer(client.get("/catalog/").content.decode())
    assert "데모" in text and "다나와" not in text


def test_the_footer_says_danawa_for_crawled_prices(client) -> None:
    record_prices([PriceRow(ProductFactory(is_demo=False).pk, D0, 500_000)])
    text = footer(client.get("/catalog/").content.decode())
    assert "가격 데이터: 다나와" in text and "데모" not in text
