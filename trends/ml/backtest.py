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

The decision, in won (every figure a fraction of ``p0``, the price on the decision day; printed
in %; ``p1..p10`` the prices of the next 10 days, a missing day skipped):

* **paid** by the verdict: "지금 사세요"/"보통" buy at once (``p0``); "기다리세요" waits for its
  target price (``Forecast.target_price``, today's price at the neighbours' expected 10-day low)
  and buys on the first of ``p1..p10`` at or below it, otherwise on day 10 at ``p10`` (which may
  be higher: a loss). ``saving = (p0 - paid) / p0``; ``saving_pct`` is its mean over *all*
  decisions (against always buying now, whose saving is 0), and its mean per verdict is printed.
* **oracle**: buying at ``min(p0..p10)``; ``oracle_saving_pct`` its mean over all decisions, and
  ``captured`` = ``saving_pct / oracle_saving_pct``, the share of the oracle the verdicts get.
* **wait win-rate**: of the "기다리세요" decisions, the share where ``min(p1..p10) < p0`` (a lower
  price came within 10 days); the same share over all decisions is its base rate.
* **mean-reversion rule** (a baseline): wait when ``p0`` is more than 2 % above the median of
  the product's last 30 days' prices (``p0`` included), with that median as the target, bought
  the same way; buy now otherwise. ``rule_saving_pct`` is its mean over all decisions.
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
    LOOKBACK,
    KnnForecaster,
    PricePanel,
    StaticFeatures,
    _classes,
    direction_code,
    momentum_class,
)

logger = logging.getLogger(__name__)

CLASS_NAMES = {1: "up", 0: "flat", -1: "down"}
MODELS = ("knn", "gbm")
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
    oracle: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rule_savings: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lower_came: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    rule_waits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    category: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    category_labels: tuple = ()
    price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rose: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    waits: int = 0
    seconds: float = 0.0
    model: str = "knn"

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

    def verdict_saving_pct(self, code: int) -> float:
        """Mean saving (%) of the decisions with this verdict code (0 when there are none)."""
        mask = self.predicted == code
        return float(self.savings[mask].mean() * 100) if mask.any() else 0.0

    @property
    def oracle_saving_pct(self) -> float:
        return float(self.oracle.mean() * 100) if self.n else 0.0

    @property
    def captured(self) -> float:
        """Share of the oracle saving the verdicts get (0 when the oracle saves nothing)."""
        oracle = self.oracle_saving_pct
        return self.saving_pct / oracle if oracle > 0 else 0.0

    @property
    def rule_saving_pct(self) -> float:
        return float(self.rule_savings.mean() * 100) if self.n else 0.0

    @property
    def wait_win_rate(self) -> float:
        waits = self.predicted == -1
        return float(self.lower_came[waits].mean()) if waits.any() else 0.0

    @property
    def lower_base_rate(self) -> float:
        return float(self.lower_came.mean()) if self.n else 0.0

    @property
    def rule_wait_win_rate(self) -> float:
        waits = self.rule_waits
        return float(self.lower_came[waits].mean()) if waits.any() else 0.0

    @property
    def last_line(self) -> str:
        return (
            f"accuracy={self.accuracy:.3f} macro_f1={self.macro_f1:.3f} "
            f"always_flat={self.always_flat:.3f} momentum={self.momentum_accuracy:.3f} "
            f"saving_pct={self.saving_pct:.2f} oracle_saving_pct={self.oracle_saving_pct:.2f} "
            f"rule_saving_pct={self.rule_saving_pct:.2f} wait_win_rate={self.wait_win_rate:.3f} "
            f"n={self.n}"
        )

    def track_record(self) -> list[dict[str, object]]:
        """Per (category, price band, verdict) cell: how often the verdict came true and how
        often the same thing happened after any decision in that cell (its base rate). A
        "wait" comes true when a lower price came within 10 days (``lower_came``), a "buy" when
        the price 10 days later was higher than on the decision day (``rose``)."""
        if not self.n:
            return []
        bands = np.array([price_band(p) for p in self.price])
        rows = []
        for code in np.unique(self.category):
            label = self.category_labels[code] if code < len(self.category_labels) else str(code)
            for band in PRICE_BANDS:
                cell = (self.category == code) & (bands == band)
                if not cell.any():
                    continue
                for verdict, code_v, hit in (
                    ("wait", -1, self.lower_came),
                    ("buy", 1, self.rose),
                ):
                    mine = cell & (self.predicted == code_v)
                    if not mine.any():
                        continue
                    rows.append(
                        {
                            "category": label,
                            "band": band,
                            "verdict": verdict,
                            "n": int(mine.sum()),
                            "rate": round(float(hit[mine].mean()), 4),
                            "base_rate": round(float(hit[cell].mean()), 4),
                            "cell_n": int(cell.sum()),
                        }
                    )
        return rows

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
            "saving_pct_by_verdict": {
                CLASS_NAMES[c]: round(self.verdict_saving_pct(c), 4) for c in LABELS
            },
            "oracle_saving_pct": round(self.oracle_saving_pct, 4),
            "captured": round(self.captured, 4),
            "rule_saving_pct": round(self.rule_saving_pct, 4),
            "rule_waits": int(self.rule_waits.sum()),
            "rule_wait_win_rate": round(self.rule_wait_win_rate, 4),
            "wait_win_rate": round(self.wait_win_rate, 4),
            "lower_base_rate": round(self.lower_base_rate, 4),
            "track_record": self.track_record(),
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
            "model": self.model,
        }

    def report_lines(self) -> list[str]:
        """The human-readable report; the last line is ``last_line``."""
        m = self.metrics()
        lines = [
            f"모델 {self.model} | 결정일 {self.days}일 ({self.date_from} ~ {self.date_to}, "
            f"{self.step}일 간격), "
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
        by = m["saving_pct_by_verdict"]
        lines.append(
            f"절약 (지금 사는 것 대비, 결정 평균): 전체 {m['saving_pct']:.2f}% | "
            f"기다리세요 {by['down']:.2f}% ({m['waits']}건) | 지금 사세요 {by['up']:.2f}% | "
            f"보통 {by['flat']:.2f}%"
        )
        lines.append(
            f"최저가 오라클 {m['oracle_saving_pct']:.2f}% | 오라클 대비 {m['captured']:.1%} | "
            f"평균회귀 규칙 {m['rule_saving_pct']:.2f}% (기다림 {m['rule_waits']}건, "
            f"승률 {m['rule_wait_win_rate']:.3f})"
        )
        lines.append(
            f"기다림 승률 (10일 안에 더 싼 가격) {m['wait_win_rate']:.3f} | "
            f"전체 결정 기준 {m['lower_base_rate']:.3f}"
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


def paid_with_target(prices: np.ndarray, target: float | None) -> float:
    """The price paid on a path ``prices`` = ``p0..p10`` (NaN = no price that day): at once
    (``p0``) without a target; with one, on the first of ``p1..p10`` at or below it, otherwise at
    the last known price of ``p1..p10`` (``p0`` when there is none)."""
    today = float(prices[0])
    if target is None:
        return today
    later = prices[1:]
    known = later[np.isfinite(later)]
    hits = known[known <= target]
    if len(hits):
        return float(hits[0])
    return float(known[-1]) if len(known) else today


def saving(prices: np.ndarray, target: float | None) -> float:
    """``(p0 - paid) / p0`` of ``paid_with_target``."""
    return (float(prices[0]) - paid_with_target(prices, target)) / float(prices[0])


def oracle_saving(prices: np.ndarray) -> float:
    """``(p0 - min(p0..p10)) / p0``: buying at the lowest price within 10 days (≥ 0)."""
    return (float(prices[0]) - float(np.nanmin(prices))) / float(prices[0])


def lower_came(prices: np.ndarray) -> bool:
    """Whether a price below ``p0`` came within the next 10 days."""
    later = prices[1:]
    later = later[np.isfinite(later)]
    return bool(len(later) and later.min() < prices[0])


REVERSION_MARGIN = 0.02

# price bands of the track record (won, lower bounds) and their names
PRICE_BAND_BOUNDS = (
    (2_000_000, "200만원 이상"),
    (1_000_000, "100만~200만원"),
    (500_000, "50만~100만원"),
    (200_000, "20만~50만원"),
    (0, "20만원 미만"),
)
PRICE_BANDS = tuple(name for _, name in reversed(PRICE_BAND_BOUNDS))


RECORD_MIN_DECISIONS = 30  # a cell with fewer decisions of a verdict has no record


def find_record(
    rows: list[dict[str, object]], category: str, price: float, verdict: str
) -> dict[str, object] | None:
    """The track-record row of (category, the price's band, verdict) with at least
    ``RECORD_MIN_DECISIONS`` decisions, or None."""
    band = price_band(price)
    for row in rows or ():
        if (row.get("category"), row.get("band"), row.get("verdict")) == (category, band, verdict):
            return row if int(row.get("n", 0)) >= RECORD_MIN_DECISIONS else None
    return None


def price_band(price: float) -> str:
    """The track record's price band of a price in won."""
    for bound, name in PRICE_BAND_BOUNDS:
        if price >= bound:
            return name
    return PRICE_BAND_BOUNDS[-1][1]


def reversion_target(window: np.ndarray) -> float | None:
    """The mean-reversion rule on the last 30 days' prices (``window[-1]`` = today, NaN
    skipped): their median as the target when today is more than 2 % above it, else None."""
    known = window[np.isfinite(window)]
    if not len(known):
        return None
    median = float(np.median(known))
    return median if window[-1] > median * (1 + REVERSION_MARGIN) else None


def run_backtest(
    panel: PricePanel,
    static: StaticFeatures,
    date_from: dt.date,
    date_to: dt.date,
    *,
    step: int = 7,
    rows: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
    model: str = "knn",
) -> BacktestResult:
    """Walk forward over the decision days (see module doc). ``rows`` limits the products
    decided on (a bool mask or indices); neighbours always come from the whole panel.
    ``model``: "knn" (the forecaster) or "gbm" (``trends.ml.challenger.GbmChallenger``,
    retrained walk-forward), decided on exactly the same decisions."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    started = time.perf_counter()
    result = BacktestResult(date_from=date_from, date_to=date_to, step=step, model=model)
    challenger = None
    if model == "gbm":
        from trends.ml.challenger import GbmChallenger

        challenger = GbmChallenger()
    allowed = np.ones(len(panel.keys), dtype=bool)
    if rows is not None:
        allowed = np.zeros(len(panel.keys), dtype=bool)
        allowed[rows] = True
    actual, predicted, momentum, savings = [], [], [], []
    oracle, lower, rule, rule_waits, category, price, rose = [], [], [], [], [], [], []
    result.category_labels = tuple(static.category_labels)
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
        actual.append(_classes(future[chosen] - panel.log_price[chosen, col]))
        paths = np.exp(panel.log_price[chosen, col : col + HORIZON + 1])
        if challenger is None:
            forecasts = forecaster.forecast_many(chosen)
            codes = np.array([direction_code(f.direction) for f in forecasts], dtype=np.int8)
            wait_targets = [f.target_price for f in forecasts]
        else:
            codes, low = challenger.predict(forecaster.panel, static, col, chosen)
            wait_targets = [
                p[0] * (1 + lo) if c == -1 else None
                for p, c, lo in zip(paths, codes, low, strict=True)
            ]
        predicted.append(codes)
        momentum.append(momentum_class(panel, chosen, col))
        windows = np.exp(panel.log_price[chosen, max(0, col - LOOKBACK + 1) : col + 1])
        targets = [reversion_target(w) for w in windows]
        savings.append(np.array([saving(p, t) for p, t in zip(paths, wait_targets, strict=True)]))
        oracle.append(np.array([oracle_saving(p) for p in paths]))
        lower.append(np.array([lower_came(p) for p in paths], dtype=bool))
        rule.append(np.array([saving(p, t) for p, t in zip(paths, targets, strict=True)]))
        rule_waits.append(np.array([t is not None for t in targets], dtype=bool))
        category.append(static.category[chosen])
        price.append(paths[:, 0])
        rose.append(paths[:, -1] > paths[:, 0])
        if progress:
            progress(index + 1, len(days))
    if actual:
        result.actual = np.concatenate(actual)
        result.predicted = np.concatenate(predicted)
        result.momentum = np.concatenate(momentum)
        result.savings = np.concatenate(savings)
        result.oracle = np.concatenate(oracle)
        result.lower_came = np.concatenate(lower)
        result.rule_savings = np.concatenate(rule)
        result.rule_waits = np.concatenate(rule_waits)
        result.category = np.concatenate(category)
        result.price = np.concatenate(price)
        result.rose = np.concatenate(rose)
    result.seconds = time.perf_counter() - started
    logger.info("backtest %s..%s: %s", date_from, date_to, result.last_line)
    return result
