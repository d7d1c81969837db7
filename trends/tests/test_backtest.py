"""The walk-forward backtest engine and the backtest_trends command (synthetic CSV folders)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from trends.ml.backtest import confusion, macro_f1, run_backtest
from trends.models import BacktestRun
from trends.tests.synthetic import START, cyclic_series, panel_and_static, trending_series

LAST_LINE = re.compile(
    r"^accuracy=\d\.\d{3} macro_f1=\d\.\d{3} always_flat=\d\.\d{3} momentum=\d\.\d{3} "
    r"saving_pct=-?\d+\.\d{2} oracle_saving_pct=\d+\.\d{2} rule_saving_pct=-?\d+\.\d{2} "
    r"wait_win_rate=\d\.\d{3} n=\d+$"
)


def test_metrics_count_each_class_and_average_f1_over_three_classes() -> None:
    actual = np.array([1, 0, 0, -1, -1])
    predicted = np.array([1, 0, -1, -1, 0])
    assert confusion(actual, predicted) == [[1, 0, 0], [0, 1, 1], [0, 1, 1]]
    # f1: up 1.0, flat 0.5, down 0.5
    assert macro_f1(actual, predicted) == pytest.approx((1 + 0.5 + 0.5) / 3)


def test_the_backtest_scores_a_predictable_market_above_both_baselines() -> None:
    panel, static = panel_and_static(cyclic_series(products=60, days=150))
    result = run_backtest(
        panel, static, START + dt.timedelta(days=60), START + dt.timedelta(days=135), step=3
    )
    assert result.n > 200
    assert result.accuracy > result.always_flat
    assert result.accuracy > result.momentum_accuracy
    assert LAST_LINE.match(result.last_line)
    assert result.report_lines()[-1] == result.last_line


def test_waiting_in_a_falling_market_saves_money() -> None:
    panel, static = panel_and_static(trending_series(daily=-0.004, days=90))
    result = run_backtest(
        panel, static, START + dt.timedelta(days=45), START + dt.timedelta(days=75)
    )
    assert (result.predicted == -1).all()
    # the limit at the predicted drop (about 3.9 %) fills on day 10
    assert result.saving_pct == pytest.approx(100 * -np.expm1(-0.04), abs=0.1)


def test_altering_prices_after_the_decision_day_does_not_change_the_decision() -> None:
    """No look-ahead: only the outcome (not the prediction) may change with the future."""
    series = cyclic_series(products=50, days=140)
    day = START + dt.timedelta(days=100)
    before = run_backtest(*panel_and_static(series), day, day)
    for prices in series.values():
        for d in list(prices):
            if d > day:
                prices[d] = round(prices[d] * (0.7 if hash(d) % 2 else 1.4))
    after = run_backtest(*panel_and_static(series), day, day)
    assert before.n == after.n > 0
    assert (before.predicted == after.predicted).all()
    assert (before.actual != after.actual).any()


def write_history(
    folder: Path, series: dict[str, dict[dt.date, int]], names: dict[str, str]
) -> None:
    """Danawa-Crawler style monthly CSVs (``VGA_YYYY-MM.csv``)."""
    folder.mkdir(parents=True, exist_ok=True)
    days = sorted({d for prices in series.values() for d in prices})
    months = sorted({(d.year, d.month) for d in days})
    for year, month in months:
        cols = [d for d in days if (d.year, d.month) == (year, month)]
        with open(folder / f"VGA_{year}-{month:02d}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Id", "Name", *[f"{d} 10:00:00" for d in cols]])
            for key, prices in series.items():
                cells = [f"{prices[d]:,}" if d in prices else "0" for d in cols]
                writer.writerow([key, names[key], *cells])


@pytest.fixture
def history_dir(tmp_path: Path) -> Path:
    series = cyclic_series(products=30, days=100)
    series = {str(1000 + i): prices for i, prices in enumerate(series.values())}
    names = {k: f"MSI 지포스 RTX 3060 벤투스 2X OC D6 12GB #{k}" for k in series}
    write_history(tmp_path / "history", series, names)
    return tmp_path / "history"


@pytest.mark.django_db
def test_the_command_reads_csv_folders_and_stores_the_run(history_dir: Path) -> None:
    out = StringIO()
    call_command(
        "backtest_trends",
        "--history-dir",
        str(history_dir),
        "--from",
        "2022-02-15",
        "--to",
        "2022-03-31",
        "--step",
        "2",
        stdout=out,
        stderr=StringIO(),
    )
    lines = out.getvalue().strip().splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    assert "confusion" in out.getvalue()
    run = BacktestRun.objects.get()
    assert run.last_line == lines[-1]
    assert run.decisions > 0 and run.metrics["confusion"]
    # the won figures are stored with the run, as printed
    metrics = run.metrics
    assert f"oracle_saving_pct={metrics['oracle_saving_pct']:.2f}" in run.last_line
    assert f"wait_win_rate={metrics['wait_win_rate']:.3f}" in run.last_line
    assert set(metrics["saving_pct_by_verdict"]) == {"up", "flat", "down"}
    assert metrics["oracle_saving_pct"] >= metrics["saving_pct"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2022-13-01"], "날짜 형식"),
        (["--from", "2022-03-01", "--to", "2022-02-01"], "늦습니다"),
        (["--from", "2030-01-01", "--to", "2030-02-01"], "겹치지 않습니다"),
        (["--step", "0"], "--step"),
    ],
)
def test_the_command_rejects_bad_dates_and_ranges(
    history_dir: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("backtest_trends", "--history-dir", str(history_dir), *args, stdout=StringIO())


@pytest.mark.django_db
def test_the_command_says_so_when_a_folder_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="폴더가 없습니다"):
        call_command("backtest_trends", "--history-dir", str(tmp_path / "nope"), stdout=StringIO())


@pytest.mark.django_db
def test_the_command_says_so_when_the_catalog_has_no_prices() -> None:
    with pytest.raises(CommandError, match="가격 이력이 없습니다"):
        call_command("backtest_trends", stdout=StringIO())


@pytest.mark.django_db
def test_the_command_runs_the_challenger_on_request(history_dir: Path) -> None:
    out = StringIO()
    call_command(
        "backtest_trends",
        "--history-dir",
        str(history_dir),
        "--from",
        "2022-03-01",
        "--to",
        "2022-03-31",
        "--model",
        "gbm",
        stdout=out,
        stderr=StringIO(),
    )
    lines = out.getvalue().strip().splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    assert "모델 gbm" in out.getvalue()
    assert BacktestRun.objects.get().metrics["model"] == "gbm"
