"""The demo's price paths look like the real Danawa market. The same statistics
(``trends.price_stats.path_statistics``) are measured on a seeded demo catalog and on the real
histories in ../shared/data: the demo is checked against the real numbers written down in
``REAL`` (within ``ABSOLUTE`` / ``FACTOR``), and the realdata test recomputes ``REAL`` from the
files (through the ``shared_data`` fixture, skipped when they are absent), so the demo test
runs without the files and still compares with what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.demo.service import seed_demo
from catalog.importers.price_history import read_daily_lowest
from catalog.models import PC_KINDS
from trends.adapters import daily_lowest_series
from trends.price_stats import path_statistics

# path_statistics of every CPU and graphics card history in ../shared/data/danawa/price_history
# (2020-07..2022-12, 2,935 products, 905,597 day pairs, 844,983 ten-day windows)
REAL = {
    "unchanged": 0.684,
    "small": 0.198,
    "medium": 0.064,
    "big": 0.055,
    "small_up": 0.103,
    "medium_up": 0.412,
    "big_up": 0.545,
    "step_median": 0.0011,
    "step_p90": 0.062,
    "spikes_per_1000": 3.44,
    "up": 0.160,
    "flat": 0.681,
    "down": 0.158,
    "drift_median": 0.011,
}
# How far the demo may be from the real market: absolute for shares, a factor for sizes and the
# spike rate (the demo's desktops are not CPUs or graphics cards, and shops round their prices).
ABSOLUTE = {
    "unchanged": 0.06,
    "small": 0.05,
    "medium": 0.03,
    "big": 0.02,
    "small_up": 0.08,
    "medium_up": 0.10,
    "big_up": 0.10,
    "up": 0.05,
    "flat": 0.06,
    "down": 0.05,
    "drift_median": 0.05,
}
FACTOR = {"step_median": 2.0, "step_p90": 2.0, "spikes_per_1000": 2.0}


def _compare(got: dict[str, float], real: dict[str, float]) -> list[str]:
    wrong = []
    for key, tolerance in ABSOLUTE.items():
        if abs(got[key] - real[key]) > tolerance:
            wrong.append(f"{key}: demo {got[key]:.4f}, real {real[key]:.4f} (±{tolerance})")
    for key, factor in FACTOR.items():
        if not real[key] / factor <= got[key] <= real[key] * factor:
            wrong.append(f"{key}: demo {got[key]:.4f}, real {real[key]:.4f} (×{factor})")
    return wrong


@pytest.mark.django_db
def test_the_demo_market_moves_like_the_real_one() -> None:
    """A year of demo prices (so that the drift over 365 days is measured too)."""
    seed_demo(products=160, days=380, others_per_category=2, log=lambda _line: None)
    demo = path_statistics(daily_lowest_series(kinds=PC_KINDS).values())
    assert demo.products >= 160 and demo.windows > 50_000
    assert _compare(demo.as_dict(), REAL) == []
    # two thirds or more of 10-day moves flat, the rest split between up and down
    assert 0.6 <= demo.flat <= 0.78
    assert abs(demo.up - demo.down) <= 0.05


def test_the_real_numbers_the_demo_is_held_to_are_the_shared_files_realdata(
    shared_data: Path,
) -> None:
    """Real shared data: every CPU and graphics card history of ../shared/data gives ``REAL``
    (to the digits written there)."""
    histories = read_daily_lowest([shared_data / "danawa" / "price_history"])
    real = path_statistics(s.prices for s in histories.values())
    assert real.products > 2_000 and real.windows > 500_000
    got = real.as_dict()
    for key, value in REAL.items():
        assert got[key] == pytest.approx(value, rel=0.02, abs=0.001), key
