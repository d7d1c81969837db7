"""The 10-day price forecaster: K nearest neighbours over similar products' real price paths.

Pure numpy, no database: ``trends.adapters`` feed it from the catalog, the backtest from the
history CSV folders. Shapes and rules:

* A :class:`PricePanel` holds the daily lowest prices of ``n`` products over ``T`` consecutive
  days as log prices. A gap of up to ``GAP_LIMIT`` days (the crawler missed a day, the product was
  briefly unlisted) is carried forward; a longer gap means "not listed" (NaN).
* A product can be forecast on day ``t`` when it is listed on ``t`` and ``t - LOOKBACK`` and had
  at least ``MIN_OBSERVATIONS`` real observations in the last ``LOOKBACK`` days.
* 14 features per (product, day): normalised CPU and GPU PassMark scores, RAM (or VRAM), SSD and
  HDD capacity, the price band (log price), manufacturer and category (categorical: a mismatch
  adds a fixed distance), and six recent dynamics — the 3-, 10- and 30-day change, the distance
  from the 30-day low and high, and the product's category's mean 10-day change (the market).
* Neighbours are products whose **realised** 10-day path ends on or before the forecast day:
  their features are taken ``HORIZON`` days earlier (``t - 10``) and their path is
  ``t - 10 → t``. Nothing after ``t`` is ever read: :meth:`KnnForecaster.at` cuts the panel at
  ``t`` before computing anything, so the backtest cannot look ahead by construction.
* ``K = 15`` neighbours, weights ``1 / (distance + ε)``. The point forecast of each day is the
  value closest to 0 % between the neighbours' weighted 40th and 60th percentiles
  (``middle_point``): it shows more than +2 % only when at least ``AGREEMENT`` (60 %) of the
  neighbour weight rose more than +2 % over 10 days, likewise for falls, otherwise it stays
  inside ±2 %. Requiring that agreement (tuned on 2021 decisions of the shared Danawa data) is
  what keeps the method from losing to "always flat" on a market that is mostly flat.
* One rule everywhere (``direction_of``): a change is up when it shows as more than +2 % once
  rounded to 0.1 %p, down below −2 %, else flat. The direction is that rule applied to the
  shown 10-day change, the verdict follows from the direction (``VERDICTS``: up → buy, down →
  wait, flat → neutral), and the dashboard and the backtest classify with the same rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np

HORIZON = 10
THRESHOLD = 0.02
K = 15
AGREEMENT = 0.6
GAP_LIMIT = 5
LOOKBACK = 30
MIN_OBSERVATIONS = 20
MANUFACTURER_MISMATCH = 0.3
CATEGORY_MISMATCH = 3.0
_EPS = 1e-2
# THRESHOLD in tenths of a percent: the rule compares the rounded, shown value
THRESHOLD_TENTHS = round(THRESHOLD * 1000)

FEATURE_NAMES = [
    "cpu_score",
    "gpu_score",
    "ram_gb",
    "ssd_gb",
    "hdd_gb",
    "price_band",
    "manufacturer",
    "category",
    "change_3d",
    "change_10d",
    "change_30d",
    "above_30d_low",
    "below_30d_high",
    "market_10d",
]
# Weights of the 12 numeric features (the two categorical ones are the mismatch constants).
NUMERIC_WEIGHTS = np.array([1.0, 1.0, 0.3, 0.2, 0.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])

UP, FLAT, DOWN = "up", "flat", "down"
BUY, WAIT, NEUTRAL = "buy", "wait", "neutral"
DIRECTIONS = (UP, FLAT, DOWN)
CODES = {UP: 1, FLAT: 0, DOWN: -1}
# the verdict follows from the direction alone (the rule the pages state, VERDICT_RULE)
VERDICTS = {UP: BUY, FLAT: NEUTRAL, DOWN: WAIT}


def percent_tenths(change: float) -> int:
    """A relative change in tenths of a percent, as every page shows it (0.0205 → 21, i.e.
    "+2.1%"): rounded half away from zero, after dropping float noise below 1e-13, so that a
    ratio of two whole-won prices rounds exactly as its true value does (the dashboard's SQL,
    ``trends.market.tenths_sql``, rounds the same ratio in integers)."""
    exact = Decimal(float(change)).quantize(Decimal("1e-13"), rounding=ROUND_HALF_EVEN)
    return int((exact * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_percent(change: float | None, digits: int = 1) -> str:
    """0.0234 → "+2.3%", -0.001 → "-0.1%", 0 → "0.0%" (the ``pct`` template filter). With one
    digit it is exactly the value ``direction_of`` classifies."""
    if change is None:
        return "-"
    if digits == 1:
        value = Decimal(percent_tenths(change)) / 10
    else:
        exact = Decimal(float(change)).quantize(Decimal("1e-13"), rounding=ROUND_HALF_EVEN)
        value = (exact * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if value == 0:
        return f"{abs(value):.{digits}f}%"
    return f"{value:+.{digits}f}%"


def direction_of(change: float) -> str:
    """THE direction rule of trends (the forecast, its text, the verdict, the dashboard and the
    backtest all use it): a change over the horizon is up when it *shows* as more than +2 %
    (+2.1 % or more once rounded to 0.1 %p), down when it shows as less than −2 %, else flat."""
    tenths = percent_tenths(change)
    if tenths > THRESHOLD_TENTHS:
        return UP
    if tenths < -THRESHOLD_TENTHS:
        return DOWN
    return FLAT


def direction_codes(changes: np.ndarray) -> np.ndarray:
    """``direction_of`` as +1 / 0 / -1 for an array of relative changes (NaN → 0). Vectorised;
    the few values within float noise of a rounding tie go through ``percent_tenths`` itself,
    so the result is ``direction_of``'s, value for value."""
    values = np.asarray(changes, dtype=float)
    out = np.zeros(values.shape, dtype=np.int8)
    finite = np.isfinite(values)
    scaled = np.abs(np.where(finite, values, 0.0)) * 1000
    tenths = np.sign(values) * np.floor(scaled + 0.5)
    near_tie = finite & (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for index in zip(*np.nonzero(near_tie), strict=True):
        tenths[index] = percent_tenths(float(values[index]))
    out[finite & (tenths > THRESHOLD_TENTHS)] = 1
    out[finite & (tenths < -THRESHOLD_TENTHS)] = -1
    return out


def _classes(log_change: np.ndarray) -> np.ndarray:
    """``direction_codes`` of log changes (NaN → 0)."""
    return direction_codes(np.expm1(log_change))


def forward_fill(values: np.ndarray, limit: int) -> np.ndarray:
    """Carry each row's last value forward over at most ``limit`` missing columns."""
    n, width = values.shape
    cols = np.arange(width)[None, :]
    last = np.maximum.accumulate(np.where(~np.isnan(values), cols, -(10**9)), axis=1)
    out = np.take_along_axis(values, np.clip(last, 0, None), axis=1)
    out[(cols - last) > limit] = np.nan
    return out


@dataclass
class PricePanel:
    """Daily lowest prices of products on consecutive days (log, gaps ≤ GAP_LIMIT carried)."""

    keys: list
    start: dt.date
    log_price: np.ndarray  # (n, T) carried forward, NaN = not listed
    observed: np.ndarray  # (n, T) bool: a real price that day

    @classmethod
    def from_series(
        cls,
        series: Mapping[object, Mapping[dt.date, int]],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> PricePanel:
        """A panel from {key: {day: price}}; days outside [start, end] are ignored."""
        keys = list(series)
        days = [d for prices in series.values() for d in prices]
        first = start or (min(days) if days else dt.date.today())
        last = end or (max(days) if days else first)
        width = max((last - first).days + 1, 1)
        raw = np.full((len(keys), width), np.nan)
        for row, key in enumerate(keys):
            for day, price in series[key].items():
                col = (day - first).days
                if 0 <= col < width and price and price > 0:
                    raw[row, col] = price
        observed = ~np.isnan(raw)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_price = np.log(forward_fill(raw, GAP_LIMIT))
        return cls(keys=keys, start=first, log_price=log_price, observed=observed)

    @property
    def width(self) -> int:
        return self.log_price.shape[1]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.width - 1)

    def col(self, day: dt.date) -> int:
        return (day - self.start).days

    def day(self, col: int) -> dt.date:
        return self.start + dt.timedelta(days=int(col))

    def cut(self, day: dt.date) -> PricePanel:
        """The panel as it was known on ``day``: every later column is dropped."""
        stop = self.col(day) + 1
        if stop <= 0:
            raise ValueError(f"{day} is before the panel starts ({self.start})")
        return PricePanel(self.keys, self.start, self.log_price[:, :stop], self.observed[:, :stop])

    def eligible(self, col: int) -> np.ndarray:
        """Products that can be forecast on ``col`` (see module doc)."""
        if col < LOOKBACK:
            return np.zeros(len(self.keys), dtype=bool)
        lp = self.log_price
        recent = self.observed[:, col - LOOKBACK + 1 : col + 1].sum(axis=1)
        return (
            ~np.isnan(lp[:, col]) & ~np.isnan(lp[:, col - LOOKBACK]) & (recent >= MIN_OBSERVATIONS)
        )

    def history_status(self, row: int, col: int) -> tuple[bool, str]:
        """(forecastable, reason in Korean) for one product on ``col``."""
        lp = self.log_price
        seen = int(self.observed[row, max(0, col - LOOKBACK + 1) : col + 1].sum())
        if not self.observed[row, : col + 1].any():
            return False, "가격 기록이 없어 예측할 수 없습니다."
        if np.isnan(lp[row, col]):
            last = int(np.flatnonzero(self.observed[row, : col + 1])[-1])
            return False, (
                f"최근 {col - last}일 동안 가격이 없어(판매 중단 또는 수집 공백) 예측하지 않습니다."
            )
        if col < LOOKBACK or np.isnan(lp[row, col - LOOKBACK]) or seen < MIN_OBSERVATIONS:
            return False, (
                f"가격 기록이 너무 짧아 예측하지 않습니다: 최근 {LOOKBACK}일 중 {seen}일 기록 "
                f"(최소 {MIN_OBSERVATIONS}일, {LOOKBACK}일 이상 이어진 기록이 필요합니다)."
            )
        return True, ""


@dataclass
class StaticFeatures:
    """Per-product spec features, aligned with a panel's keys (NaN = unknown)."""

    cpu_score: np.ndarray
    gpu_score: np.ndarray
    ram_gb: np.ndarray
    ssd_gb: np.ndarray
    hdd_gb: np.ndarray
    manufacturer: np.ndarray  # int codes
    category: np.ndarray  # int codes
    category_labels: tuple = ()  # the category value of each code, in code order

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, object]]) -> StaticFeatures:
        """From dicts with cpu_score, gpu_score, ram_gb, ssd_gb, hdd_gb, manufacturer, category."""

        def num(key: str, log2: bool = False) -> np.ndarray:
            out = np.full(len(rows), np.nan)
            for i, row in enumerate(rows):
                value = row.get(key)
                if value:
                    out[i] = np.log2(1 + float(value)) if log2 else np.log(float(value))
            return out

        def codes(key: str) -> np.ndarray:
            seen: dict[object, int] = {}
            return np.array([seen.setdefault(row.get(key), len(seen)) for row in rows], dtype=int)

        labels: dict[object, int] = {}
        for row in rows:
            labels.setdefault(row.get("category"), len(labels))
        return cls(
            cpu_score=num("cpu_score"),
            gpu_score=num("gpu_score"),
            ram_gb=num("ram_gb", log2=True),
            ssd_gb=num("ssd_gb", log2=True),
            hdd_gb=num("hdd_gb", log2=True),
            manufacturer=codes("manufacturer"),
            category=codes("category"),
            category_labels=tuple(str(label) for label in labels),
        )

    def numeric(self) -> np.ndarray:
        return np.column_stack(
            [self.cpu_score, self.gpu_score, self.ram_gb, self.ssd_gb, self.hdd_gb]
        )


def dynamic_features(panel: PricePanel, col: int, category: np.ndarray) -> np.ndarray:
    """(n, 7): price band and the six dynamics of every product on ``col`` (NaN when unknown)."""
    lp = panel.log_price
    now = lp[:, col]

    def back(days: int) -> np.ndarray:
        return lp[:, col - days] if col - days >= 0 else np.full(len(now), np.nan)

    window = lp[:, max(0, col - LOOKBACK + 1) : col + 1]
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanmin(window, axis=1)
            high = np.nanmax(window, axis=1)
            change_10 = now - back(10)
            market = np.zeros(len(now))
            for code in np.unique(category):
                members = category == code
                values = change_10[members]
                values = values[~np.isnan(values)]
                market[members] = values.mean() if len(values) else 0.0
    return np.column_stack(
        [now, now - back(3), change_10, now - back(30), now - low, now - high, market]
    )


@dataclass
class Neighbour:
    """One neighbour: which product, the day its 10-day path started, how it moved."""

    row: int
    key: object
    start: dt.date
    weight: float
    change: float  # relative change over the horizon
    path: list[float]  # relative change on each of the HORIZON days


@dataclass
class Forecast:
    """The 10-day outlook of one product on ``day`` (relative changes, 0.01 = +1 %).

    ``trajectory`` is the point forecast day by day: of the neighbours' changes that day, the
    value closest to 0 % between their weighted 40th and 60th percentiles (the middle fifth of
    similar products: a product moves in the forecast only as far as that middle agrees).
    ``direction`` is ``direction_of(total_change)``, the verdict follows from the direction
    (``VERDICTS``): what the page shows as the change is exactly what is classified.
    """

    key: object
    day: dt.date
    price: float
    trajectory: list[float]  # point forecast, day 1..HORIZON (see the class doc)
    low: list[float]  # weighted 20th percentile of neighbours per day
    high: list[float]  # weighted 80th percentile
    direction: str
    confidence: float
    up_share: float
    down_share: float
    flat_share: float
    neighbours: list[Neighbour] = field(default_factory=list)

    @property
    def total_change(self) -> float:
        return self.trajectory[-1]

    @property
    def mean_daily_change(self) -> float:
        return float((1 + self.total_change) ** (1 / HORIZON) - 1)

    @property
    def verdict(self) -> str:
        return VERDICTS[self.direction]

    @property
    def expected_low(self) -> float:
        """The expected 10-day low as a change from today's price (≤ 0): the weighted mean, over
        the neighbours, of the lowest point of each one's path on days 1..10 (capped at 0)."""
        if not self.neighbours:
            return 0.0
        weight = sum(n.weight for n in self.neighbours)
        if not weight:
            return 0.0
        low = sum(n.weight * min(n.path) for n in self.neighbours if n.path) / weight
        return min(0.0, float(low))

    @property
    def target_price(self) -> float | None:
        """The price a "wait" verdict waits for (today's price at the expected 10-day low): buy
        on the first of the next 10 days at or below it, otherwise on day 10. None unless the
        verdict is "wait"."""
        if self.direction != DOWN:
            return None
        return self.price * (1 + self.expected_low)

    @property
    def expected_drop(self) -> float:
        """How far a "wait" verdict expects the price to fall (a positive fraction, ≥ 2 %):
        the weighted mean change of the neighbours that fell."""
        falls = [n for n in self.neighbours if direction_of(n.change) == DOWN]
        weight = sum(n.weight for n in falls)
        if not weight:
            return THRESHOLD
        return max(THRESHOLD, -sum(n.weight * n.change for n in falls) / weight)


def middle_point(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (K, H): the value closest to 0 between the weighted
    ``1 - AGREEMENT`` and ``AGREEMENT`` quantiles (40th and 60th percentiles). It shows more
    than +2 % only when at least ``AGREEMENT`` of the weight rose more than that (and likewise
    for falls), which is the agreement rule the forecaster was tuned with."""
    low = _weighted_quantile(values, weights, 1 - AGREEMENT)
    high = _weighted_quantile(values, weights, AGREEMENT)
    return np.where(low > 0, low, np.where(high < 0, high, 0.0))


def smoothed_share(share: float, weights: np.ndarray) -> float:
    """The weight share of the predicted class, pulled towards 1/3 by the neighbourhood's
    effective size (``1 / Σw²``, Laplace over the three classes): fifteen equal neighbours that
    all agree give 89 %, one dominant neighbour 50 %, never a certainty."""
    n_eff = 1.0 / float((weights**2).sum()) if len(weights) else 0.0
    return (share * n_eff + 1.0) / (n_eff + 3.0)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> np.ndarray:
    """Per-column weighted quantile of values (K, H) with weights (K,)."""
    order = np.argsort(values, axis=0)
    sorted_values = np.take_along_axis(values, order, axis=0)
    cum = np.cumsum(weights[order], axis=0)
    cum /= cum[-1:, :]
    idx = (cum < q).sum(axis=0).clip(0, values.shape[0] - 1)
    return sorted_values[idx, np.arange(values.shape[1])]


class KnnForecaster:
    """Neighbour pool and query features of one panel on one day (see module doc).

    Build once per day (``KnnForecaster.at(panel, static, day)``), then ``forecast(row)`` is one
    distance computation over the pool — well under a millisecond for 10,000 products.
    """

    def __init__(
        self,
        panel: PricePanel,
        static: StaticFeatures,
        col: int,
        *,
        k: int = K,
        agreement: float = AGREEMENT,
    ) -> None:
        if panel.width != col + 1:
            raise ValueError("the panel must end on the forecast day (use KnnForecaster.at)")
        self.panel, self.static, self.col = panel, static, col
        self.day = panel.day(col)
        self.k, self.agreement = k, agreement
        statics = static.numeric()
        self.query_ok = panel.eligible(col)
        query = np.column_stack([statics, dynamic_features(panel, col, static.category)])
        anchor = col - HORIZON
        if anchor >= 0:
            pool_ok = panel.eligible(anchor) & ~np.isnan(panel.log_price[:, col])
        else:
            pool_ok = np.zeros(len(panel.keys), dtype=bool)
        self.pool_rows = np.flatnonzero(pool_ok)
        if len(self.pool_rows):
            pool = np.column_stack([statics, dynamic_features(panel, anchor, static.category)])[
                self.pool_rows
            ]
            lp = panel.log_price[self.pool_rows, anchor : col + 1]
            self.pool_paths = np.expm1(lp[:, 1:] - lp[:, :1])  # (m, HORIZON)
            self.pool_paths = np.nan_to_num(self.pool_paths)
        else:
            pool = np.zeros((0, query.shape[1]))
            self.pool_paths = np.zeros((0, HORIZON))
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(pool, axis=0) if len(pool) else np.zeros(query.shape[1])
                std = np.nanstd(pool, axis=0) if len(pool) else np.ones(query.shape[1])
        mean = np.nan_to_num(mean)
        std = np.where(np.nan_to_num(std) > 1e-9, np.nan_to_num(std), 1.0)
        self._pool = np.nan_to_num((pool - mean) / std) * NUMERIC_WEIGHTS
        self._query = np.nan_to_num((query - mean) / std) * NUMERIC_WEIGHTS
        self._pool_sq = (self._pool**2).sum(axis=1)
        self._pool_man = static.manufacturer[self.pool_rows]
        self._pool_cat = static.category[self.pool_rows]
        self._pool_change = self.pool_paths[:, -1] if len(self.pool_rows) else np.zeros(0)
        self._pool_codes = direction_codes(self._pool_change)

    @classmethod
    def at(
        cls, panel: PricePanel, static: StaticFeatures, day: dt.date, **kwargs: object
    ) -> KnnForecaster:
        """The forecaster as it could have been built on ``day`` (later prices are cut off)."""
        cut = panel.cut(day)
        return cls(cut, static, cut.width - 1, **kwargs)

    def can_forecast(self, row: int) -> bool:
        return bool(self.query_ok[row]) and len(self.pool_rows) > 0

    def forecast_many(self, rows: Sequence[int] | np.ndarray) -> list[Forecast]:
        """Forecasts for several products at once (rows must be forecastable)."""
        rows = np.asarray(rows, dtype=int)
        if not len(rows) or not len(self.pool_rows):
            return []
        q = self._query[rows]
        d2 = (q**2).sum(axis=1)[:, None] + self._pool_sq[None, :] - 2 * q @ self._pool.T
        d2 += MANUFACTURER_MISMATCH * (
            self.static.manufacturer[rows][:, None] != self._pool_man[None, :]
        )
        # Neighbours come from the product's own category: a desktop's future is not read off
        # sofas. Only a product whose category has no neighbour at all falls back to the
        # other categories, at a distance penalty.
        same = self.static.category[rows][:, None] == self._pool_cat[None, :]
        lonely = ~same.any(axis=1)
        d2 = np.maximum(d2, 0.0) + CATEGORY_MISMATCH * ~same
        d2 = np.where(same | lonely[:, None], d2, np.inf)
        k = min(self.k, len(self.pool_rows))
        nn = (
            np.argpartition(d2, k - 1, axis=1)[:, :k]
            if k < d2.shape[1]
            else np.tile(np.arange(d2.shape[1]), (len(rows), 1))
        )
        dist = np.sqrt(np.take_along_axis(d2, nn, axis=1))
        weights = 1.0 / (dist + _EPS)
        weights /= weights.sum(axis=1, keepdims=True)
        out = []
        start = self.day - dt.timedelta(days=HORIZON)
        for i, row in enumerate(rows):
            order = np.argsort(-weights[i])
            order = order[weights[i][order] > 0]  # fewer than k in the category: drop the rest
            idx, w = nn[i][order], weights[i][order]
            paths = self.pool_paths[idx]
            codes = self._pool_codes[idx]
            up = float(w[codes == 1].sum())
            down = float(w[codes == -1].sum())
            flat = max(0.0, 1.0 - up - down)
            trajectory = middle_point(paths, w)
            direction = direction_of(float(trajectory[-1]))
            share = {UP: up, DOWN: down, FLAT: flat}[direction]
            out.append(
                Forecast(
                    key=self.panel.keys[row],
                    day=self.day,
                    price=float(np.exp(self.panel.log_price[row, self.col])),
                    trajectory=[float(v) for v in trajectory],
                    low=[float(v) for v in _weighted_quantile(paths, w, 0.2)],
                    high=[float(v) for v in _weighted_quantile(paths, w, 0.8)],
                    direction=direction,
                    confidence=smoothed_share(share, w),
                    up_share=up,
                    down_share=down,
                    flat_share=flat,
                    neighbours=[
                        Neighbour(
                            row=int(self.pool_rows[j]),
                            key=self.panel.keys[int(self.pool_rows[j])],
                            start=start,
                            weight=float(wj),
                            change=float(self._pool_change[j]),
                            path=[float(v) for v in self.pool_paths[j]],
                        )
                        for j, wj in zip(idx, w, strict=True)
                    ],
                )
            )
        return out

    def forecast(self, row: int) -> Forecast | None:
        """The forecast of one product, or None when it cannot be forecast on this day."""
        if not self.can_forecast(row):
            return None
        return self.forecast_many([row])[0]


def momentum_class(panel: PricePanel, rows: np.ndarray, col: int) -> np.ndarray:
    """Baseline: the last 10 days' direction (+1/0/-1) continues."""
    if col < HORIZON:
        return np.zeros(len(rows), dtype=np.int8)
    lp = panel.log_price
    return _classes(np.nan_to_num(lp[rows, col] - lp[rows, col - HORIZON]))


def direction_code(direction: str) -> int:
    return CODES[direction]
