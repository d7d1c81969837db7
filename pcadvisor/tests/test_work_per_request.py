"""The work per request on the demo catalog: query counts of the pages the load test opens,
and the cache keys that make a new price show up on the next request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.demo.service import seed_demo
from catalog.models import Product
from catalog.panels import _PANELS, panel_cache_key
from catalog.services import PriceRow, record_prices
from catalog.versions import catalog_version
from core.caching import bump_version, data_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> list[Product]:
    """A small demo catalog (desktops with prices, benchmarks, pictures)."""
    seed_demo(products=40, days=20, others_per_category=2, log=lambda _line: None)
    return list(Product.objects.active().pc().filter(current_price__isnull=False).order_by("pk"))


def _get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url


def test_home_makes_a_few_queries_then_none(client, demo, django_assert_max_num_queries) -> None:
    # counts, latest desktops and the dashboard, whose rollups are built here when missing
    with django_assert_max_num_queries(25):
        _get(client, reverse("home"))
    with django_assert_max_num_queries(0):  # everything it shows is the same for everyone
        _get(client, reverse("home"))


@pytest.mark.parametrize("query", ["", "?ordering=-price&page=2", "?kind=desktop"])
def test_the_catalog_list_makes_five_queries_then_none(
    client, demo, django_assert_max_num_queries, query: str
) -> None:
    url = reverse("catalog:product_list") + query
    with django_assert_max_num_queries(5 + 3):  # + the footer's counts, cached after this
        _get(client, url)
    with django_assert_max_num_queries(0):  # count, menus and rows' HTML are cached
        _get(client, url)


def test_a_product_page_makes_a_bounded_number_of_queries_and_fewer_once_cached(
    client, demo, django_assert_max_num_queries
) -> None:
    product = next(p for p in demo if p.category.kind == "desktop")
    with django_assert_max_num_queries(30):
        _get(client, product.get_absolute_url())
    # the product and the fair-price panel (drawn per request: staff-only buttons); the
    # price parts, the trends, look-alike and use-case panels come from the cache
    with django_assert_max_num_queries(5):
        _get(client, product.get_absolute_url())
    other = next(p for p in demo if p.pk != product.pk and p.category.kind == "desktop")
    with django_assert_max_num_queries(30):  # another product: its own panels
        _get(client, other.get_absolute_url())


def test_the_recommendation_page_is_cached_but_for_its_reasons(
    client, demo, django_assert_max_num_queries
) -> None:
    url = reverse("recommend:page") + "?use=gaming&budget_max=3000000"
    _get(client, url)
    with django_assert_max_num_queries(6):  # use cases (2), brands menu, reasons (2), ...
        _get(client, url)


def test_a_price_written_by_the_services_changes_every_cache_key_that_shows_it(
    client, demo, django_capture_on_commit_callbacks
) -> None:
    # the newest-priced desktop with the highest id: first among the home's latest desktops
    product = max((p for p in demo if p.category.kind == "desktop"), key=lambda p: p.pk)
    panel = _PANELS["recommend"]
    before_version, before_key = catalog_version(), panel_cache_key(panel, product)
    assert catalog_version() == before_version  # stable while nothing is written
    cheapest_first = reverse("catalog:product_list") + "?ordering=price"
    for url in (reverse("home"), cheapest_first, product.get_absolute_url()):
        assert "123,450" not in client.get(url).content.decode()  # and now cached
    day = product.current_price_day  # a lower price the same day: the day's new lowest
    with django_capture_on_commit_callbacks(execute=True):
        record_prices([PriceRow(product_id=product.pk, day=day, price=123_450)])
    assert catalog_version() != before_version
    assert panel_cache_key(panel, product) != before_key
    # home's latest desktops, the list's rows and the product page show it at once
    for url in (reverse("home"), cheapest_first, product.get_absolute_url()):
        assert "123,450" in client.get(url).content.decode(), url


def test_a_new_version_is_never_an_old_one() -> None:
    first = data_version("test-thing")
    assert data_version("test-thing") == first
    bump_version("test-thing")
    second = data_version("test-thing")
    assert second != first
    bump_version("test-thing")
    assert data_version("test-thing") not in {first, second}


def test_every_page_still_answers_while_the_cache_is_down(client, demo, settings) -> None:
    product = next(p for p in demo if p.category.kind == "desktop")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    for url in (
        reverse("home"),
        reverse("catalog:product_list") + "?ordering=price",
        product.get_absolute_url(),
        reverse("recommend:page") + "?use=gaming",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert f"{product.current_price:,}원" in client.get(product.get_absolute_url()).content.decode()
