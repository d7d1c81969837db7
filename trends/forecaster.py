"""The live forecaster and a product's trend: ``trends.ml.forecast.KnnForecaster`` built from the
catalog's daily lowest prices (through ``trends.adapters``) and kept in memory per process, and
what the product page and the API show for one product (forecast, verdict, reason, chart).

The forecaster is built from the last ``PANEL_DAYS`` days; a version number in the Django
cache (Redis) is bumped when the catalog says products or prices changed
(``invalidate_forecaster``, connected in ``trends.apps``), and the next forecast rebuilds it.
A forecast is then one distance computation over the neighbour pool (≈1 ms for 10,000 products).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache

from catalog.history import PriceHistory, load_price_history
from catalog.models import PC_KINDS, DailyLowestPrice, Product
from trends.adapters import build_panel, daily_lowest_series, static_rows_for_products
from trends.ml.backtest import find_record
from trends.ml.forecast import (
    AGREEMENT,
    GAP_LIMIT,
    HORIZON,
    LOOKBACK,
    THRESHOLD,
    Forecast,
    KnnForecaster,
    format_percent,
)

logger = logging.getLogger(__name__)

PANEL_DAYS = LOOKBACK + HORIZON + 5
VERSION_KEY = "trends:model-version"
CHART_DAYS = 90

VERDICT_LABELS = {"buy": "지금 사세요", "wait": "기다리세요", "neutral": "보통"}
DIRECTION_LABELS = {"up": "오름", "flat": "보합", "down": "내림"}
# The rule the product page and /trends/ state (trends.ml.forecast: direction_of, VERDICTS,
# middle_point); one sentence per step.
_T = f"{THRESHOLD:.0%}"
VERDICT_RULE = [
    f"10일 뒤 예상 변화가 +{_T}를 넘으면(반올림해 +{THRESHOLD * 100 + 0.1:.1f}% 이상) 오름 → "
    f"지금 사세요, −{_T} 미만이면 내림 → 기다리세요, 그 사이면 보합 → 보통.",
    f"예상 변화는 비슷한 상품 {HORIZON}일 흐름의 가운데(가중 {1 - AGREEMENT:.0%}~"
    f"{AGREEMENT:.0%} 구간)에서 0%에 가장 가까운 값입니다. 그래서 비슷한 상품의 "
    f"{AGREEMENT:.0%} 이상이 같은 쪽으로 {_T} 넘게 움직였을 때만 오름이나 내림이 됩니다.",
    "시장 동향의 오름·보합·내림도 같은 ±2% 규칙으로 셉니다.",
]
NOT_PC_MESSAGE = (
    "PC와 PC 부품이 아닌 상품(소파, 패딩, 신발 등)은 가격 예측을 하지 않습니다. "
    "가격 기록만 보여 드립니다."
)


# --------------------------------------------------------------------------- live forecaster


@dataclass
class ForecasterState:
    """The per-process forecaster and how to find a product in it."""

    forecaster: KnnForecaster | None
    index: dict[int, int]
    version: int
    built_at: float
    build_seconds: float
    latest_day: dt.date | None
    # product names of the panel, to name neighbours without a query per forecast
    names: dict[int, str] = field(default_factory=dict)


_state: ForecasterState | None = None
_lock = threading.Lock()


def _cache_version() -> int:
    try:
        return int(cache.get(VERSION_KEY) or 0)
    except Exception:  # Redis down: keep serving the forecaster we have
        logger.warning("trends: cache unavailable, using the in-memory forecaster as is")
        return _state.version if _state else 0


def invalidate_forecaster(**_: object) -> None:
    """Make every process rebuild its forecaster on its next forecast (signal receiver)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, timeout=None)
    except Exception:
        logger.warning("trends: could not bump the forecaster version", exc_info=True)
    global _state
    _state = None


def build_forecaster(latest_day: dt.date | None = None) -> ForecasterState:
    """Build the forecaster from the catalog's last ``PANEL_DAYS`` days of prices."""
    started = time.perf_counter()
    version = _cache_version()
    if latest_day is None:
        latest_day = DailyLowestPrice.objects.latest_day()
    if latest_day is None:
        return ForecasterState(None, {}, version, time.time(), 0.0, None)
    start = latest_day - dt.timedelta(days=PANEL_DAYS)
    series = daily_lowest_series(since=start, until=latest_day, kinds=PC_KINDS)
    statics = static_rows_for_products(series)
    panel, static = build_panel(series, statics, start=start, end=latest_day)
    forecaster = KnnForecaster(panel, static, panel.width - 1)
    seconds = time.perf_counter() - started
    logger.info(
        "trends forecaster built: %s products, pool %s, %.2fs",
        len(panel.keys),
        len(forecaster.pool_rows),
        seconds,
    )
    index = {key: row for row, key in enumerate(panel.keys)}
    names = {pk: str(row["name"]) for pk, row in statics.items()}
    return ForecasterState(forecaster, index, version, time.time(), seconds, latest_day, names)


def get_forecaster() -> ForecasterState:
    """The current forecaster of this process, rebuilt when the catalog changed."""
    global _state
    version = _cache_version()
    with _lock:
        if _state is None or _state.version != version:
            _state = build_forecaster()
        return _state


# --------------------------------------------------------------------------- product trend


@dataclass
class ProductTrend:
    """What the product page and the API show for one product."""

    product: Product
    status: str  # "ok", "insufficient", "no_history", "not_pc"
    message: str
    history: PriceHistory
    forecast: Forecast | None = None
    neighbours: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # the forecast verdict's measured record in its (category, price band) cell of the latest
    # backtest (``trends.ml.backtest.BacktestResult.track_record``), when it has one
    record: dict[str, object] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def demoted(self) -> bool:
        """The forecast's verdict did no better than its cell's base rate in the latest
        backtest: it is shown as "보통", never as advice."""
        r = self.record
        return bool(r) and float(r["rate"]) <= float(r["base_rate"])

    @property
    def verdict(self) -> str:
        """The verdict shown: the forecast's, or "neutral" when ``demoted``."""
        if not self.forecast:
            return ""
        return "neutral" if self.demoted else self.forecast.verdict

    @property
    def record_line(self) -> str:
        r = self.record
        if not r or not self.forecast:
            return ""
        name, n = self.product.category.name, int(r["n"])
        if r["verdict"] == "wait":
            what = f"'기다리세요' 후 {HORIZON}일 안에 더 싼 가격이 나온 비율"
        else:
            what = f"'지금 사세요' 후 {HORIZON}일 뒤 가격이 더 높았던 비율"
        line = (
            f"과거 비슷한 상황({name}, {r['band']})에서 {what} {float(r['rate']):.0%} ({n:,}건; "
            f"같은 상황의 모든 결정 기준 {float(r['base_rate']):.0%})"
        )
        if self.demoted:
            original = VERDICT_LABELS.get(self.forecast.verdict, "")
            line += f". 기준보다 낫지 않아 '{original}' 대신 '보통'으로 표시합니다"
        return line

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, "")

    @property
    def target_price(self) -> int | None:
        """The whole-won price a "기다리세요" waits for (the forecast's expected 10-day low, the
        rule the backtest buys by); None for any other verdict."""
        if self.verdict != "wait" or self.forecast is None:
            return None
        target = self.forecast.target_price
        return round(target) if target is not None else None

    @property
    def target_line(self) -> str:
        if self.target_price is None:
            return ""
        return (
            f"목표가 {self.target_price:,}원: {HORIZON}일 안에 이 가격 이하가 나오면 사세요 "
            f"(안 나오면 {HORIZON}일째에 사세요)"
        )

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS.get(self.forecast.direction, "") if self.forecast else ""

    @property
    def forecast_points(self) -> list[tuple[dt.date, float]]:
        if not self.forecast:
            return []
        f = self.forecast
        return [(f.day, f.price)] + [
            (f.day + dt.timedelta(days=i + 1), f.price * (1 + v))
            for i, v in enumerate(f.trajectory)
        ]

    @property
    def band_points(self) -> list[tuple[dt.date, float, float]]:
        if not self.forecast:
            return []
        f = self.forecast
        return [(f.day, f.price, f.price)] + [
            (f.day + dt.timedelta(days=i + 1), f.price * (1 + lo), f.price * (1 + hi))
            for i, (lo, hi) in enumerate(zip(f.low, f.high, strict=True))
        ]

    @property
    def reason(self) -> str:
        if not self.forecast:
            return self.message
        f = self.forecast
        movers = ", ".join(
            f"{'이 상품의 지난 10일' if n['self'] else n['name']} {format_percent(n['change'])}"
            for n in self.neighbours[:3]
        )
        share = {"up": f.up_share, "down": f.down_share}.get(f.direction)
        if share is not None:
            word = "2% 넘게 올랐습니다" if f.direction == "up" else "2% 넘게 내렸습니다"
            head = f"비슷한 상품 {len(f.neighbours)}개의 최근 10일 가격 흐름 중 {share:.0%}(가중)가 {word}"
        else:
            head = (
                f"비슷한 상품 {len(f.neighbours)}개의 최근 10일 흐름 중 같은 쪽으로 2% 넘게 "
                f"움직인 상품이 {AGREEMENT:.0%}에 못 미칩니다 "
                f"(오름 {f.up_share:.0%}, 내림 {f.down_share:.0%}, 보합 {f.flat_share:.0%})"
            )
        return f"{head}. 가까운 상품: {movers}."


def _history_notes(history: PriceHistory) -> list[str]:
    """Gaps and disappeared variants in the recent history, said plainly."""
    notes = []
    points = history.points[-(LOOKBACK + HORIZON) :]
    if len(points) >= 2:
        span = (points[-1][0] - points[0][0]).days + 1
        missing = span - len(points)
        longest = max((b[0] - a[0]).days - 1 for a, b in zip(points, points[1:], strict=False))
        if missing:
            notes.append(
                f"최근 {span}일 중 {missing}일은 가격 기록이 없습니다 (가장 긴 공백 {longest}일; "
                f"{GAP_LIMIT}일까지의 공백은 직전 가격으로 이어서 계산합니다)."
            )
    if history.last_day:
        since = history.last_day - dt.timedelta(days=HORIZON)
        by_variant: dict[str, dt.date] = {}
        for row in history.variant_rows(since):
            by_variant[row.variant] = max(row.day, by_variant.get(row.variant, row.day))
        gone = sorted(v for v, last in by_variant.items() if last < history.last_day and v)
        for variant in gone:
            notes.append(
                f"'{variant}' 가격이 {by_variant[variant]} 이후 보이지 않습니다: 최저가는 남은 "
                f"구분 기준이라 그만큼 달라질 수 있습니다."
            )
    return notes


def product_trend(product: Product, history: PriceHistory | None = None) -> ProductTrend:
    """The forecast (or the honest reason there is none) for one product. ``history`` is the
    product's price history when the caller has read it already (the product page)."""
    if history is None:
        history = load_price_history(product.pk)
    history = history.window(days=CHART_DAYS)
    if not product.category.is_pc:
        return ProductTrend(product, "not_pc", NOT_PC_MESSAGE, history)
    if not history.points:
        return ProductTrend(product, "no_history", "가격 기록이 없어 예측할 수 없습니다.", history)
    notes = _history_notes(history)
    state = get_forecaster()
    row = state.index.get(product.pk)
    if state.forecaster is None or row is None:
        return ProductTrend(
            product,
            "insufficient",
            f"최근 {PANEL_DAYS}일 안에 가격 기록이 없어 예측하지 않습니다.",
            history,
            notes=notes,
        )
    forecaster = state.forecaster
    ok, reason = forecaster.panel.history_status(row, forecaster.col)
    if ok and not len(forecaster.pool_rows):
        ok, reason = False, "비교할 상품의 10일 가격 흐름이 아직 없어 예측하지 않습니다."
    if not ok:
        return ProductTrend(product, "insufficient", reason, history, notes=notes)
    forecast = forecaster.forecast(row)
    names = state.names
    neighbours = [
        {
            "product_id": n.key,
            "name": names.get(n.key, str(n.key)),
            "change": n.change,
            "weight": n.weight,
            "start": n.start,
            "self": n.key == product.pk,
        }
        for n in forecast.neighbours
    ]
    if forecast.day != history.last_day:
        notes.append(
            f"이 상품의 마지막 가격은 {history.last_day}이고, 예측은 {forecast.day} 기준입니다."
        )
    return ProductTrend(
        product,
        "ok",
        "",
        history,
        forecast=forecast,
        neighbours=neighbours,
        notes=notes,
        record=_record(forecaster, row, forecast),
    )


def _record(forecaster: KnnForecaster, row: int, forecast: Forecast) -> dict[str, object] | None:
    """The latest backtest's track record of this forecast's verdict in its cell (cached)."""
    from trends.services import cached_latest_backtest

    if forecast.verdict not in ("wait", "buy"):
        return None
    run = cached_latest_backtest()
    if run is None:
        return None
    static = forecaster.static
    code = int(static.category[row])
    if code >= len(static.category_labels):
        return None
    rows = (run.metrics or {}).get("track_record") or []
    return find_record(rows, static.category_labels[code], forecast.price, forecast.verdict)


def trend_chart_svg(trend: ProductTrend) -> str:
    """Price history with the forecast (dashed) and the neighbours' 20–80 % spread (band)."""
    from core.charts import Band, Series, line_chart_svg

    extra, band = [], None
    if trend.forecast:
        extra = [
            Series(
                trend.forecast_points,
                label="10일 예측",
                css="forecast",
                color="#f59e0b",
                dashed=True,
            )
        ]
        band = Band(trend.band_points, label="비슷한 상품 흐름 (20~80%)", color="#fcd34d")
    return line_chart_svg(
        trend.history.points,
        title=f"{trend.product.name} 가격과 10일 예측",
        label="일별 최저가",
        extra=extra,
        band=band,
    )
