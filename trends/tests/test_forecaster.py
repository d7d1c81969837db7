"""The KNN forecaster on tiny synthetic histories (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from trends.forecast import HORIZON, K, KnnForecaster, PricePanel, direction_of
from trends.tests.synthetic import (
    START,
    cyclic_series,
    panel_and_static,
    statics_for,
    trending_series,
)


def test_it_says_wait_when_every_similar_product_fell() -> None:
    panel, static = panel_and_static(trending_series(daily=-0.005))
    forecaster = KnnForecaster.at(panel, static, START + dt.timedelta(days=60))
    forecast = forecaster.forecast(3)
    assert forecast.direction == "down"
    assert forecast.verdict == "wait"
    assert forecast.confidence == pytest.approx(1.0)
    assert forecast.total_change == pytest.approx(np.expm1(-0.005 * HORIZON), abs=1e-3)
    assert len(forecast.trajectory) == HORIZON
    assert len(forecast.neighbours) == K
    assert forecast.mean_daily_change == pytest.approx(np.expm1(-0.005), abs=1e-4)


def test_it_says_buy_when_similar_products_rose_and_neutral_when_flat() -> None:
    rising = KnnForecaster.at(
        *panel_and_static(trending_series(daily=0.004)), START + dt.timedelta(days=60)
    ).forecast(0)
    flat = KnnForecaster.at(
        *panel_and_static(trending_series(daily=0.0)), START + dt.timedelta(days=60)
    ).forecast(0)
    assert (rising.direction, rising.verdict) == ("up", "buy")
    assert (flat.direction, flat.verdict) == ("flat", "neutral")


def test_it_follows_neighbours_in_the_same_phase_of_a_price_cycle() -> None:
    series = cyclic_series()
    panel, static = panel_and_static(series)
    day = START + dt.timedelta(days=90)
    forecaster = KnnForecaster.at(panel, static, day)
    rows = np.flatnonzero(forecaster.query_ok)
    forecasts = forecaster.forecast_many(rows)
    right = 0
    for row, f in zip(rows, forecasts, strict=True):
        prices = series[panel.keys[row]]
        actual = prices[day + dt.timedelta(days=HORIZON)] / prices[day] - 1
        right += f.direction == direction_of(actual)
    assert right / len(rows) >= 0.8


def test_it_refuses_products_with_too_little_history() -> None:
    series = trending_series(products=20)
    series["new"] = {START + dt.timedelta(days=70 + d): 300_000 for d in range(5)}
    panel, static = panel_and_static(series)
    forecaster = KnnForecaster.at(panel, static, START + dt.timedelta(days=74))
    row = panel.keys.index("new")
    assert forecaster.forecast(row) is None
    ok, reason = forecaster.panel.history_status(row, forecaster.col)
    assert not ok
    assert "너무 짧아" in reason


def test_a_product_that_stopped_being_listed_is_not_forecast_and_says_why() -> None:
    series = trending_series(products=20)
    series["gone"] = {START + dt.timedelta(days=d): 300_000 for d in range(40)}
    panel, static = panel_and_static(series)
    forecaster = KnnForecaster.at(panel, static, START + dt.timedelta(days=60))
    row = panel.keys.index("gone")
    ok, reason = forecaster.panel.history_status(row, forecaster.col)
    assert forecaster.forecast(row) is None
    assert not ok and "가격이 없어" in reason


def test_short_gaps_are_carried_forward_and_long_gaps_are_not() -> None:
    start = START
    prices = {start + dt.timedelta(days=d): 100 for d in range(10)}
    prices[start + dt.timedelta(days=30)] = 120
    panel = PricePanel.from_series({"a": prices})
    price = np.exp(panel.log_price[0])
    assert price[14] == pytest.approx(100)  # 5 days after the last price
    assert np.isnan(price[15])
    assert price[30] == pytest.approx(120)
    assert not panel.observed[0, 12]


def test_prices_after_the_forecast_day_do_not_change_the_forecast() -> None:
    series = cyclic_series()
    day = START + dt.timedelta(days=80)
    before = KnnForecaster.at(*panel_and_static(series), day).forecast(5)
    for prices in series.values():
        for d in list(prices):
            if d > day:
                prices[d] = prices[d] * 3
    after = KnnForecaster.at(*panel_and_static(series), day).forecast(5)
    assert after.trajectory == before.trajectory
    assert after.direction == before.direction
    assert all(n.start + dt.timedelta(days=HORIZON) <= day for n in after.neighbours)


def test_neighbours_come_from_the_products_own_category() -> None:
    from trends.forecast import StaticFeatures

    # Sofas look exactly like the desktop t0 on every feature; its fellow desktops do not.
    desktops = trending_series(products=20, daily=0.0)
    sofas = {f"sofa{k}": v for k, v in trending_series(products=20, daily=0.0).items()}
    panel = PricePanel.from_series({**desktops, **sofas})
    rows = statics_for(panel.keys)
    for row, key in zip(rows, panel.keys, strict=True):
        sofa = key.startswith("sofa")
        row["category"] = "other:demo:sofa" if sofa else "desktop"
        row["gpu_score"] = 10_000 if sofa or key == "t0" else 60_000 + 1_000 * len(key)
        row["ram_gb"] = 8 if sofa or key == "t0" else 64
    static = StaticFeatures.from_rows(rows)
    forecast = KnnForecaster.at(panel, static, START + dt.timedelta(days=60)).forecast(
        panel.keys.index("t0")
    )
    assert forecast.neighbours
    assert all(not n.key.startswith("sofa") for n in forecast.neighbours)
