"""Forecasts, verdicts, the market and the backtest cover PC categories only
(``catalog.models.PC_KINDS``): a sofa gets its price history, never a forecast."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from catalog.models import CategoryKind, PriceSource
from catalog.services import PriceRow, record_prices
from catalog.tests.factories import CategoryFactory, ProductFactory
from trends import forecaster
from trends.dashboard import CACHE_KEY, compute_market_summary
from trends.services import LATEST_BACKTEST_KEY

pytestmark = pytest.mark.django_db

END = dt.date(2024, 3, 31)


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    cache.delete_many([CACHE_KEY, forecaster.VERSION_KEY, LATEST_BACKTEST_KEY])
    forecaster._state = None
    yield
    forecaster._state = None


def _prices(product: object, prices: list[int]) -> None:
    start = END - dt.timedelta(days=len(prices) - 1)
    record_prices(
        (
            PriceRow(product.pk, start + dt.timedelta(days=i), price)
            for i, price in enumerate(prices)
        ),
        source=PriceSource.DEMO,
    )


@pytest.fixture
def mixed() -> dict[str, list]:
    """Falling graphics cards, steady RAM sticks (a PC part) and steady sofas."""
    gpu = CategoryFactory(code="112753", name="그래픽카드", kind=CategoryKind.GPU)
    ram = CategoryFactory(code="112752", name="RAM", kind=CategoryKind.PART)
    sofa = CategoryFactory(code="demo:sofa", name="소파", kind=CategoryKind.OTHER)
    made: dict[str, list] = {"gpu": [], "ram": [], "sofa": []}
    for i in range(16):
        card = ProductFactory(category=gpu, name=f"카드 {i}")
        _prices(card, [round((800_000 + 1000 * i) * 0.995**d) for d in range(60)])
        made["gpu"].append(card)
    for i in range(16):
        stick = ProductFactory(category=ram, name=f"램 {i}", ram_gb=16)
        _prices(stick, [60_000 + 100 * i] * 60)
        made["ram"].append(stick)
        couch = ProductFactory(category=sofa, name=f"소파 {i}")
        _prices(couch, [700_000 + 100 * i] * 60)
        made["sofa"].append(couch)
    return made


def test_a_sofa_gets_no_forecast_and_the_reason(mixed: dict) -> None:
    trend = forecaster.product_trend(mixed["sofa"][0])
    assert trend.status == "not_pc"
    assert trend.forecast is None and trend.verdict == ""
    assert "예측을 하지 않습니다" in trend.message
    assert trend.history.points  # the prices are still there to see


def test_the_forecaster_holds_pc_products_only(mixed: dict) -> None:
    state = forecaster.get_forecaster()
    assert {p.pk for p in mixed["gpu"] + mixed["ram"]} <= set(state.index)
    assert not {p.pk for p in mixed["sofa"]} & set(state.index)
    ram = forecaster.product_trend(mixed["ram"][0])
    assert ram.status == "ok"
    assert all(n["product_id"] in {p.pk for p in mixed["ram"]} for n in ram.neighbours)


def test_the_sofa_page_and_api_say_no_forecast_is_made(mixed: dict, client: Client) -> None:
    html = client.get(f"/catalog/products/{mixed['sofa'][0].pk}/").content.decode()
    assert "예측을 하지 않습니다" in html
    assert "trend-verdict" not in html and "10일 뒤" not in html
    data = client.get(f"/api/v1/trends/products/{mixed['sofa'][0].pk}/").json()
    assert data["status"] == "not_pc" and data["forecast"] is None
    assert data["verdict_label"] == "" and "예측을 하지 않습니다" in data["message"]


def test_the_market_counts_pc_parts_but_not_sofas(mixed: dict) -> None:
    summary = compute_market_summary()
    assert summary["tracked"] == 32  # 16 cards + 16 RAM sticks
    assert summary["counts"] == {"up": 0, "flat": 16, "down": 16}
    assert "PC 부품" in summary["scope"]
    names = [m["name"] for m in summary["risers"] + summary["fallers"]]
    assert not [n for n in names if n.startswith("소파")]
    assert compute_market_summary(direct=True)["tracked"] == 32


def test_the_catalog_backtest_covers_pc_kinds_only(mixed: dict) -> None:
    out = StringIO()
    call_command("backtest_trends", "--from", "2024-03-01", "--no-save", stdout=out)
    assert "32개 상품" in out.getvalue()
    out = StringIO()
    call_command("backtest_trends", "--kind", "part", "--no-save", stdout=out)
    assert "16개 상품" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("backtest_trends", "--kind", "other", "--no-save")
