"""One ±2 % rule everywhere: the dashboard counts a product's 10-day change as the page shows it
(rounded to 0.1 %p), both from the rollups and straight from the price table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from catalog.models import CategoryKind, PriceSource
from catalog.services import PriceRow, record_prices
from catalog.tests.factories import CategoryFactory, ProductFactory
from trends.dashboard import CACHE_KEY, compute_market_summary
from trends.ml.forecast import direction_of, format_percent

pytestmark = pytest.mark.django_db

END = dt.date(2024, 6, 30)
# latest price against 1,000,000원 ten days earlier
LATEST = {
    "tie up": 1_020_500,  # +2.05 % → "+2.1%": 오름
    "just flat": 1_020_400,  # +2.04 % → "+2.0%": 보합
    "two flat": 1_020_000,  # exactly +2 %: 보합
    "tie down": 979_500,  # −2.05 % → "-2.1%": 내림
    "minus two": 980_000,  # exactly −2 % → "-2.0%": 보합
    "down": 950_000,
}


@pytest.fixture
def edge_market() -> dict[str, object]:
    cache.delete(CACHE_KEY)
    gpu = CategoryFactory(code="112753", name="그래픽카드", kind=CategoryKind.GPU)
    made = {}
    for name, latest in LATEST.items():
        product = ProductFactory(category=gpu, name=f"카드 {name}")
        record_prices(
            (
                PriceRow(product.pk, END - dt.timedelta(days=d), latest if d == 0 else 1_000_000)
                for d in range(30)
            ),
            source=PriceSource.DEMO,
        )
        made[name] = product
    return made


@pytest.mark.parametrize("direct", [True, False])
def test_the_dashboard_counts_each_change_as_it_shows_it(edge_market: dict, direct: bool) -> None:
    summary = compute_market_summary(direct=direct)
    assert summary["counts"] == {"up": 1, "flat": 3, "down": 2}
    shown = {m["name"]: format_percent(m["change"]) for m in summary["risers"] + summary["fallers"]}
    assert shown["카드 tie up"] == "+2.1%" and shown["카드 just flat"] == "+2.0%"
    assert shown["카드 minus two"] == "-2.0%" and shown["카드 tie down"] == "-2.1%"
    for mover in summary["risers"] + summary["fallers"]:
        # the Python rule agrees with the SQL one on every mover
        assert direction_of(mover["change"]) == direction_of(mover["price"] / 1_000_000 - 1)
