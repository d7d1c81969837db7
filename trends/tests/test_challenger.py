"""The gradient-boosting challenger, retrained walk-forward, in the same backtest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from trends.ml.backtest import run_backtest
from trends.ml.challenger import GbmChallenger, training_set
from trends.tests.synthetic import START, cyclic_series, panel_and_static, trending_series


def test_the_challenger_learns_a_predictable_market_on_the_same_decisions() -> None:
    panel, static = panel_and_static(cyclic_series(products=60, days=160))
    days = START + dt.timedelta(days=100), START + dt.timedelta(days=145)
    knn = run_backtest(panel, static, *days, step=3)
    gbm = run_backtest(panel, static, *days, step=3, model="gbm")
    assert gbm.n == knn.n > 200
    assert (gbm.actual == knn.actual).all()  # the very same decisions
    assert gbm.accuracy > gbm.always_flat
    assert gbm.metrics()["model"] == "gbm"
    assert gbm.report_lines()[0].startswith("모델 gbm")


def test_its_training_set_holds_only_outcomes_known_on_the_day() -> None:
    panel, static = panel_and_static(cyclic_series(products=20, days=120))
    col = 90
    x, y, low = training_set(panel.cut(panel.day(col)), static, col)
    assert len(x) == len(y) == len(low) > 0
    # the latest anchor is col - 10, whose outcome is the price on col itself
    assert np.isfinite(low).all()
    # the 10-day low is at most the day-10 change: every fall of more than 2 % has a low below
    assert (low[y == -1] < np.log(0.98)).all()


def test_altering_prices_after_the_day_does_not_change_its_decisions() -> None:
    series = cyclic_series(products=40, days=140)
    day = START + dt.timedelta(days=110)
    before = run_backtest(*panel_and_static(series), day, day, model="gbm")
    for prices in series.values():
        for d in list(prices):
            if d > day:
                prices[d] = round(prices[d] * (0.7 if hash(d) % 2 else 1.4))
    after = run_backtest(*panel_and_static(series), day, day, model="gbm")
    assert before.n == after.n > 0
    assert (before.predicted == after.predicted).all()


def test_a_wait_in_a_falling_market_targets_the_predicted_low() -> None:
    falling = trending_series(products=30, daily=-0.004, days=120)
    flat = {f"f{k}": v for k, v in trending_series(products=30, daily=0.0, days=120).items()}
    panel, static = panel_and_static({**falling, **flat})
    challenger = GbmChallenger()
    col = 100
    rows = np.array([panel.keys.index(key) for key in falling])
    codes, low = challenger.predict(panel.cut(panel.day(col)), static, col, rows)
    assert challenger.fits == 1
    assert (codes == -1).all()
    # 10 days of -0.4 % a day: the low is on day 10
    assert low == pytest.approx(np.full(len(rows), np.expm1(-0.04)), abs=0.005)


def test_an_unknown_model_is_refused() -> None:
    panel, static = panel_and_static(trending_series(days=60))
    with pytest.raises(ValueError, match="model"):
        run_backtest(panel, static, START, START, model="forest")
