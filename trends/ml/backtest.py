"""Walk-forward backtest of the forecaster, with the always-flat and momentum baselines.

How decisions are sampled: every ``step``-th day from ``date_from`` to ``date_to`` (7 by
default: weekly decisions keep the run to a few seconds per year and neighbouring decisions of a
product barely overlap), and on each of those days every product that

* has a real (not carried-forward) price that day — the price one would pay "now",
* can be forecast (``PricePanel.eligible``: listed 30 days ago, ≥ 20 prices in the last 30 days),
* is still listed 10 days later, so that the outcome is known.

No look-ahead: the forecaster for day ``t`` is built by ``KnnForecaster.at(panel, static, t)``,
which cuts the panel at ``t`` first; neighbours' paths end on ``t`` at the latest. The outcome
(the price on ``t + 10``) is read from the full panel only to score the decision.

The money outcome, conservatively: "buy" and "neutral" buy at once (saving 0). "Wait" places a
limit at the drop the neighbours predicted (``Forecast.expected_drop``, at least 2 %): it buys on
the first of the next 10 days whose price is at or below that limit, otherwise on day 10 at
whatever the price is then (which may be higher: a loss). ``saving_pct`` is the mean over *all*
decisions, in % of the price on the decision day; the mean over "wait" decisions alone is printed
too.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from trends.ml.forecast import (
    HORIZON,
    KnnForecaster,
    PricePanel,
    StaticFeatures,
    _classes,
    direction_code,
    momentum_class,
)

logger = logging.getLogger(__name__)

CLASS_NAMES = {1: "up", 0: "flat", -1: "down"}
LABELS = (1, 0, -1)


@dataclass
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


def class_scores(actual: np.ndarray, predicted: np.ndarray) -> dict[str, ClassScores]:
    out = {}
    for label in LABELS:
        tp = int(((predicted == label) & (actual == label)).sum())
        pred = int((predicted == label).sum())
        real = int((actual == label).sum())
        precision = tp / pred if pred else 0.0
        recall = tp / real if real else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[CLASS_NAMES[label]] = ClassScores(precision, recall, f1, real)
    return out


def macro_f1(actual: np.ndarray, predicted: np.ndarray) -> float:
    scores = class_scores(actual, predicted)
    return float(np.mean([s.f1 for s in scores.values()]))


def confusion(actual: np.ndarray, predicted: np.ndarray) -> list[list[int]]:
    """Rows: actual up/flat/down; columns: predicted up/flat/down."""
    return [[int(((actual == a) & (predicted == p)).sum()) for p in LABELS] for a in LABELS]


@dataclass
class BacktestResult:
    """Every decision's outcome and the summary metrics."""

    date_from: dt.date
    date_to: dt.date
    step: int
    days: int = 0
    actual: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    predicted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    momentum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    savings: np.ndarray = field(default_factory=lambda: np.zeros(0))
    waits: int = 0
    seconds: float = 0.0

    @property
    def n(self) -> int:
        return len(self.actual)

    @property
    def accuracy(self) -> float:
        return float((self.actual == self.predicted).mean()) if self.n else 0.0

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.actual, self.predicted) if self.n else 0.0

    @property
    def always_flat(self) -> float:
        return float((self.actual == 0).mean()) if self.n else 0.0

    @property
    def momentum_accuracy(self) -> float:
        return float((self.actual == self.momentum).mean()) if self.n else 0.0

    @property
    def saving_pct(self) -> float:
        return float(self.savings.mean() * 100) if self.n else 0.0

    @property
    def wait_saving_pct(self) -> float:
        waits = self.predicted == -1
        return float(self.savings[waits].mean() * 100) if waits.any() else 0.0

    @property
    def last_line(self) -> str:
        return (
            f"accuracy={self.accuracy:.3f} macro_f1={self.macro_f1:.3f} "
            f"always_flat={self.always_flat:.3f} momentum={self.momentum_accuracy:.3f} "
            f"saving_pct={self.saving_pct:.2f} n={self.n}"
        )

    def metrics(self) -> dict[str, object]:
        """JSON-ready metrics (stored with the run)."""
        return {
            "n": self.n,
            "decision_days": self.days,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "always_flat": round(self.always_flat, 4),
            "momentum": round(self.momentum_accuracy, 4),
            "momentum_macro_f1": round(macro_f1(self.actual, self.momentum), 4) if self.n else 0,
            "saving_pct": round(self.saving_pct, 4),
            "wait_saving_pct": round(self.wait_saving_pct, 4),
            "waits": int((self.predicted == -1).sum()),
            "per_class": {
                name: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for name, s in class_scores(self.actual, self.predicted).items()
            },
            "confusion": confusion(self.actual, self.predicted),
            "predicted_counts": {CLASS_NAMES[c]: int((self.predicted == c).sum()) for c in LABELS},
            "seconds": round(self.seconds, 2),
        }

    def report_lines(self) -> list[str]:
        """The human-readable report; the last line is ``last_line``."""
        m = self.metrics()
        lines = [
            f"결정일 {self.days}일 ({self.date_from} ~ {self.date_to}, {self.step}일 간격), "
            f"결정 {self.n}건, {self.seconds:.1f}초",
            f"정확도 {self.accuracy:.3f} | macro-F1 {self.macro_f1:.3f} | "
            f"항상 보합 {self.always_flat:.3f} | 10일 모멘텀 {self.momentum_accuracy:.3f} "
            f"(macro-F1 {m['momentum_macro_f1']:.3f})",
            "class   precision recall  f1     support predicted",
        ]
        for name, s in m["per_class"].items():
            lines.append(
                f"{name:<7} {s['precision']:.3f}     {s['recall']:.3f}   {s['f1']:.3f}  "
                f"{s['support']:>7} {m['predicted_counts'][name]:>9}"
            )
        lines.append("confusion (rows actual up/flat/down, columns predicted up/flat/down):")
        for name, row in zip(("up", "flat", "down"), m["confusion"], strict=True):
            lines.append(f"  {name:<5} " + " ".join(f"{v:>7}" for v in row))
        lines.append(
            f"기다림 판정 {m['waits']}건: 기다린 경우 평균 절약 {m['wait_saving_pct']:.2f}% "
            f"(전체 결정 평균 {m['saving_pct']:.2f}%; 나머지는 즉시 구매 = 0%)"
        )
        lines.append(self.last_line)
        return lines


def decision_days(
    panel: PricePanel, date_from: dt.date, date_to: dt.date, step: int
) -> list[dt.date]:
    """Decision days inside [date_from, date_to] whose 10-day outcome is inside the panel."""
    last = min(date_to, panel.end - dt.timedelta(days=HORIZON))
    first = max(date_from, panel.start)
    days, day = [], first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=step)
    return days


def _wait_saving(panel: PricePanel, row: int, col: int, drop: float) -> float:
    """Saving (fraction of today's price) of a limit order at ``-drop`` that falls back to day 10."""
    prices = np.exp(panel.log_price[row, col : col + HORIZON + 1])
    today, limit = prices[0], prices[0] * (1 - drop)
    for price in prices[1:]:
        if np.isfinite(price) and price <= limit:
            return float((today - price) / today)
    final = prices[-1]
    return float((today - final) / today) if np.isfinite(final) else 0.0


def run_backtest(
    panel: PricePanel,
    static: StaticFeatures,
    date_from: dt.date,
    date_to: dt.date,
    *,
    step: int = 7,
    rows: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Walk forward over the decision days (see module doc). ``rows`` limits the products
    decided on (a bool mask or indices); neighbours always come from the whole panel."""
    started = time.perf_counter()
    result = BacktestResult(date_from=date_from, date_to=date_to, step=step)
    allowed = np.ones(len(panel.keys), dtype=bool)
    if rows is not None:
        allowed = np.zeros(len(panel.keys), dtype=bool)
        allowed[rows] = True
    actual, predicted, momentum, savings = [], [], [], []
    days = decision_days(panel, date_from, date_to, step)
    for index, day in enumerate(days):
        col = panel.col(day)
        forecaster = KnnForecaster.at(panel, static, day)
        future = panel.log_price[:, col + HORIZON]
        chosen = np.flatnonzero(
            forecaster.query_ok & panel.observed[:, col] & ~np.isnan(future) & allowed
        )
        if not len(chosen) or not len(forecaster.pool_rows):
            continue
        result.days += 1
        forecasts = forecaster.forecast_many(chosen)
        actual.append(_classes(future[chosen] - panel.log_price[chosen, col]))
        codes = np.array([direction_code(f.direction) for f in forecasts], dtype=np.int8)
        predicted.append(codes)
        momentum.append(momentum_class(panel, chosen, col))
        savings.append(
            np.array(
                [
                    _wait_saving(panel, row, col, f.expected_drop) if code == -1 else 0.0
                    for row, f, code in zip(chosen, forecasts, codes, strict=True)
                ]
            )
        )
        if progress:
            progress(index + 1, len(days))
    if actual:
        result.actual = np.concatenate(actual)
        result.predicted = np.concatenate(predicted)
        result.momentum = np.concatenate(momentum)
        result.savings = np.concatenate(savings)
    result.seconds = time.perf_counter() - started
    logger.info("backtest %s..%s: %s", date_from, date_to, result.last_line)
    return result
