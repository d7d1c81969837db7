"""The forecaster and backtest on a slice of the real Danawa graphics-card history
(reads ../shared/data through the ``shared_data`` fixture; skipped when it is absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from catalog.benchmarks import BenchmarkMatcher
from trends.adapters import panel_from_history_dirs
from trends.ml.backtest import run_backtest


@pytest.fixture(scope="module")
def gpu_slice(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """Graphics cards of Oct 2021 – Jan 2022 (four monthly files copied to a temp folder)."""
    folder = tmp_path_factory.mktemp("history")
    for month in ("2021-10", "2021-11", "2021-12", "2022-01"):
        src = shared_data / "danawa" / "price_history" / f"VGA_{month}.csv"
        (folder / src.name).write_bytes(src.read_bytes())
    passmark = shared_data / "passmark"
    matcher = BenchmarkMatcher.from_passmark_dir(passmark)
    panel, static = panel_from_history_dirs([folder], kinds=["gpu"], matcher=matcher)
    keep = [i for i, key in enumerate(panel.keys) if i % 8 == 0][:400]
    return panel, static, keep


def test_real_graphics_card_history_backtests_with_sensible_numbers(gpu_slice: tuple) -> None:
    """Real shared data: a few hundred cards, decisions over three weeks of January 2022."""
    panel, static, keep = gpu_slice
    assert len(panel.keys) > 1000
    result = run_backtest(
        panel, static, dt.date(2022, 1, 1), dt.date(2022, 1, 21), step=7, rows=keep
    )
    assert result.n > 300
    assert 0.4 < result.accuracy <= 1.0
    # the method must not be much worse than answering "flat" every time
    assert result.accuracy >= result.always_flat - 0.05
    assert result.last_line.endswith(f"n={result.n}")


def test_real_history_matches_most_cards_to_passmark_scores(gpu_slice: tuple) -> None:
    """Real shared data: the spec features come from parsing the Korean names."""
    _panel, static, _keep = gpu_slice
    import numpy as np

    assert np.mean(~np.isnan(static.gpu_score)) > 0.6
