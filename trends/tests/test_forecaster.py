"""The KNN forecaster on tiny synthetic histories (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from trends.ml.forecast import (
    HORIZON,
    VERDICTS,
    K,
    KnnForecaster,
    PricePanel,
    StaticFeatures,
    direction_of,
    format_percent,
)
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
    # fifteen neighbours that all agree: high, but a finite neighbourhood is never a certainty
    assert 0.85 < forecast.confidence < 1.0
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
    from trends.ml.forecast import StaticFeatures

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


def split_series(products: int = 30, days: int = 70, step: float = 0.06) -> dict:
    """Every other product's price jumps by ``step`` five days before the end; the rest stay."""
    return {
        f"s{p}": {
            START + dt.timedelta(days=d): round(
                (500_000 + 1_000 * p) * (1 + step if p % 2 and d >= days - 5 else 1)
            )
            for d in range(days)
        }
        for p in range(products)
    }


def test_a_split_neighbourhood_is_flat_and_its_shown_change_says_so_too() -> None:
    """Half the similar products rose 6 %, half did not: the weighted mean is about +3 %, but
    that is no agreement. The forecast must not say "보합" next to "+3.0%"."""
    series = split_series()
    panel, static = panel_and_static(series)
    forecaster = KnnForecaster.at(panel, static, START + dt.timedelta(days=69))
    forecasts = forecaster.forecast_many(np.flatnonzero(forecaster.query_ok))
    assert forecasts
    for f in forecasts:
        assert f.direction == "flat"
        assert direction_of(f.total_change) == f.direction
        assert abs(float(format_percent(f.total_change).rstrip("%"))) <= 2.0
        assert f.verdict == "neutral"


@pytest.mark.parametrize("series", ["cyclic", "split", "falling", "rising"])
def test_direction_shown_change_and_verdict_always_agree(series: str) -> None:
    made = {
        "cyclic": cyclic_series,
        "split": split_series,
        "falling": lambda: trending_series(daily=-0.004),
        "rising": lambda: trending_series(daily=0.003),
    }[series]()
    panel, static = panel_and_static(made)
    day = panel.end - dt.timedelta(days=3)
    forecaster = KnnForecaster.at(panel, static, day)
    forecasts = forecaster.forecast_many(np.flatnonzero(forecaster.query_ok))
    assert forecasts
    for f in forecasts:
        shown = float(format_percent(f.total_change).rstrip("%"))
        expected = "up" if shown > 2.0 else "down" if shown < -2.0 else "flat"
        assert f.direction == expected == direction_of(f.total_change)
        assert f.verdict == VERDICTS[f.direction]
        share = {"up": f.up_share, "down": f.down_share}.get(f.direction)
        if share is not None:  # a rise or fall is called only when the neighbours agree
            assert share >= 0.6


@pytest.mark.parametrize(
    ("change", "shown", "direction"),
    [
        (0.0205, "+2.1%", "up"),
        (1_020_500 / 1_000_000 - 1, "+2.1%", "up"),  # a tie of whole-won prices rounds up
        (0.02049, "+2.0%", "flat"),
        (0.02, "+2.0%", "flat"),
        (-0.02, "-2.0%", "flat"),
        (979_500 / 1_000_000 - 1, "-2.1%", "down"),
        (-0.0004, "0.0%", "flat"),
        (0.0, "0.0%", "flat"),
        (0.153, "+15.3%", "up"),
    ],
)
def test_the_direction_rule_classifies_the_change_as_it_is_shown(
    change: float, shown: str, direction: str
) -> None:
    assert format_percent(change) == shown
    assert direction_of(change) == direction


def test_a_tiny_neighbourhood_is_not_shown_as_certain() -> None:
    """A product whose category has only two other products: all three fell, but three
    neighbours are no evidence of certainty."""
    series = {**trending_series(products=20, daily=0.0)}
    lonely = {f"l{k[1:]}": v for k, v in trending_series(products=3, daily=-0.005).items()}
    panel = PricePanel.from_series({**series, **lonely})
    rows = statics_for(panel.keys)
    for row, key in zip(rows, panel.keys, strict=True):
        row["category"] = "part:ram" if key.startswith("l") else "gpu"
    static = StaticFeatures.from_rows(rows)
    forecast = KnnForecaster.at(panel, static, START + dt.timedelta(days=60)).forecast(
        panel.keys.index("l0")
    )
    assert forecast.direction == "down"
    assert len(forecast.neighbours) == 3
    assert forecast.confidence <= 0.7
