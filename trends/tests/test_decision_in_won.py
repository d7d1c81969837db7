"""The buy/wait decision measured in won, on tiny hand-made price paths (p0..p10)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from trends.ml.backtest import (
    BacktestResult,
    lower_came,
    oracle_saving,
    paid_with_target,
    reversion_target,
    saving,
)

NAN = float("nan")
# today 100, dips to 95 on day 3, ends at 104 on day 10
DIP = np.array([100, 99, 98, 95, 97, 99, 100, 101, 102, 103, 104], dtype=float)
# never cheaper than today
RISING = np.array([100, 100, 101, 102, 103, 104, 105, 106, 107, 108, 110], dtype=float)


def test_buying_now_pays_today_and_saves_nothing() -> None:
    assert paid_with_target(DIP, None) == 100
    assert saving(DIP, None) == 0


def test_a_wait_buys_on_the_first_day_at_or_below_its_target() -> None:
    # target 98: day 2 (98) is the first at or below it
    assert paid_with_target(DIP, 98.0) == 98
    assert saving(DIP, 98.0) == pytest.approx(0.02)
    # target 95 reached exactly on day 3
    assert saving(DIP, 95.0) == pytest.approx(0.05)


def test_a_wait_whose_target_never_comes_buys_on_day_10() -> None:
    assert paid_with_target(DIP, 90.0) == 104
    assert saving(DIP, 90.0) == pytest.approx(-0.04)


def test_missing_days_are_skipped() -> None:
    path = np.array([100, NAN, NAN, 96, NAN, NAN, NAN, NAN, NAN, NAN, 101], dtype=float)
    assert paid_with_target(path, 97.0) == 96
    assert paid_with_target(path, 90.0) == 101


def test_the_oracle_buys_at_the_lowest_price_within_10_days() -> None:
    assert oracle_saving(DIP) == pytest.approx(0.05)
    assert oracle_saving(RISING) == 0  # today is the lowest


def test_a_lower_price_came_only_when_one_is_strictly_below_today() -> None:
    assert lower_came(DIP)
    assert not lower_came(RISING)  # day 1 equals today: not lower


def test_the_mean_reversion_rule_waits_only_more_than_2_percent_above_the_30_day_median() -> None:
    window = np.array([100.0] * 29 + [103.0])
    assert reversion_target(window) == 100  # 3 % above: wait for the median
    assert reversion_target(np.array([100.0] * 29 + [102.0])) is None  # exactly 2 %: buy now
    assert reversion_target(np.array([100.0] * 10 + [NAN] * 19 + [110.0])) == 100


def test_the_summary_averages_over_all_decisions_and_per_verdict() -> None:
    # three decisions on DIP: a wait with target 95 (saves 5 %), a buy (0), a neutral (0);
    # one on RISING: a wait with target 99 that never comes (pays 110: -10 %)
    result = BacktestResult(dt.date(2022, 1, 1), dt.date(2022, 1, 1), 7)
    result.actual = np.array([0, 0, 0, 1], dtype=np.int8)
    result.predicted = np.array([-1, 1, 0, -1], dtype=np.int8)
    result.momentum = np.zeros(4, dtype=np.int8)
    paths = [DIP, DIP, DIP, RISING]
    targets = [95.0, None, None, 99.0]
    result.savings = np.array([saving(p, t) for p, t in zip(paths, targets, strict=True)])
    result.oracle = np.array([oracle_saving(p) for p in paths])
    result.lower_came = np.array([lower_came(p) for p in paths])
    rule_targets = [None, 100.0, None, None]  # waits once for 100: day 1 (99) fills
    result.rule_savings = np.array([saving(p, t) for p, t in zip(paths, rule_targets, strict=True)])
    result.rule_waits = np.array([t is not None for t in rule_targets])

    assert result.saving_pct == pytest.approx((5 + 0 + 0 - 10) / 4)
    assert result.verdict_saving_pct(-1) == pytest.approx((5 - 10) / 2)
    assert result.verdict_saving_pct(1) == 0
    assert result.oracle_saving_pct == pytest.approx((5 + 5 + 5 + 0) / 4)
    assert result.captured == pytest.approx(-1.25 / 3.75)
    assert result.wait_win_rate == pytest.approx(0.5)  # DIP yes, RISING no
    assert result.lower_base_rate == pytest.approx(0.75)
    assert result.rule_saving_pct == pytest.approx(1 / 4)
    assert result.rule_wait_win_rate == 1
    assert result.last_line.startswith("accuracy=0.250 ")
    assert "wait_win_rate=0.500 n=4" in result.last_line


def test_the_track_record_counts_each_verdict_against_its_cells_base_rate() -> None:
    # one cell (gpu, 50만~100만원): waits on DIP, DIP, RISING; a buy on RISING; a neutral on DIP
    scale = 6_000
    paths = [DIP * scale, DIP * scale, RISING * scale, RISING * scale, DIP * scale]
    result = BacktestResult(dt.date(2022, 1, 1), dt.date(2022, 1, 1), 7)
    result.predicted = np.array([-1, -1, -1, 1, 0], dtype=np.int8)
    result.actual = np.zeros(5, dtype=np.int8)
    result.category = np.zeros(5, dtype=int)
    result.category_labels = ("gpu",)
    result.price = np.array([p[0] for p in paths])
    result.lower_came = np.array([lower_came(p) for p in paths])
    result.rose = np.array([p[-1] > p[0] for p in paths])
    rows = {row["verdict"]: row for row in result.track_record()}
    assert rows["wait"] == {
        "category": "gpu",
        "band": "50만~100만원",
        "verdict": "wait",
        "n": 3,
        "rate": pytest.approx(2 / 3, abs=1e-4),
        "base_rate": pytest.approx(3 / 5, abs=1e-4),  # DIP ×3 of 5 had a lower price
        "cell_n": 5,
    }
    # every path ends above today: the buy came true, as did every decision in the cell
    assert rows["buy"]["n"] == 1 and rows["buy"]["rate"] == 1 and rows["buy"]["base_rate"] == 1
