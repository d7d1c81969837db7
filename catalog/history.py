"""A product's price history as pages and the API show it: the daily lowest price, its
min / average / max over a window, and "최근 N일 중 최저가" (how long since it was last this low).

Reads only: one query for the daily series (``DailyLowestPrice``, the daily lowest's one home)
and one for the variant rows when asked. The product page reads a product's history once and
hands it to its panels: ``PriceHistory.window`` cuts it to another window and
``PriceHistory.variant_rows`` reuses the variant rows already read, without a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from catalog.models import DailyLowestPrice, PriceSnapshot


@dataclass(frozen=True)
class LowestSince:
    """The latest price is the lowest of the last ``days`` days (ties count as lowest).

    ``all_time`` means no recorded day was cheaper, ``days`` is then the whole recorded span.
    Otherwise ``cheaper_day``/``cheaper_price`` is the most recent day that was cheaper.
    """

    days: int
    all_time: bool
    cheaper_day: dt.date | None = None
    cheaper_price: int | None = None

    @property
    def label(self) -> str:
        if self.all_time:
            return f"기록된 {self.days}일 중 최저가"
        if self.days >= 2:
            return f"최근 {self.days}일 중 최저가"
        return "최근 최저가가 아닙니다"


def lowest_since(points: Sequence[tuple[dt.date, int]]) -> LowestSince | None:
    """How many days the latest price of ``points`` (date-sorted daily lowest) has been unbeaten."""
    if not points:
        return None
    last_day, last_price = points[-1]
    for day, price in reversed(points[:-1]):
        if price < last_price:
            return LowestSince(
                days=(last_day - day).days, all_time=False, cheaper_day=day, cheaper_price=price
            )
    return LowestSince(days=(last_day - points[0][0]).days + 1, all_time=True)


class _VariantRows:
    """A product's variant rows from some day on, read at most once per earlier day asked for
    (shared by a history and its windows)."""

    __slots__ = ("product_id", "rows", "since", "loaded")

    def __init__(self, product_id: int | None) -> None:
        self.product_id = product_id
        self.rows: list[PriceSnapshot] = []
        self.since: dt.date | None = None
        self.loaded = False

    def get(self, since: dt.date | None) -> list[PriceSnapshot]:
        covered = self.loaded and (
            self.since is None or (since is not None and since >= self.since)
        )
        if not covered and self.product_id is not None:
            self.rows = list(
                PriceSnapshot.objects.for_product(self.product_id)
                .since(since)
                .order_by("-day", "variant")
            )
            self.since, self.loaded = since, True
        return [r for r in self.rows if since is None or r.day >= since]


@dataclass
class PriceHistory:
    """The daily lowest prices of one product inside a window, with their summary.

    ``all_points`` is the whole recorded history the window was cut from (``lowest`` is
    computed over it), so that ``window`` can cut another one without a query.
    """

    points: list[tuple[dt.date, int]]
    lowest: LowestSince | None
    since: dt.date | None
    variants: list[PriceSnapshot] = field(default_factory=list)
    all_points: list[tuple[dt.date, int]] = field(default_factory=list, repr=False)
    _variant_rows: _VariantRows = field(
        default_factory=lambda: _VariantRows(None), repr=False, compare=False
    )

    def window(self, *, days: int | None = None, since: dt.date | None = None) -> PriceHistory:
        """The same product's history from ``since`` / its last ``days`` days (all when both
        are None), from the points already read."""
        full = self.all_points or self.points
        start = window_start(full[-1][0] if full else None, days=days, since=since)
        return PriceHistory(
            points=[p for p in full if start is None or p[0] >= start],
            lowest=self.lowest,
            since=start,
            variants=[v for v in self.variants if start is None or v.day >= start],
            all_points=full,
            _variant_rows=self._variant_rows,
        )

    def variant_rows(self, since: dt.date | None = None) -> list[PriceSnapshot]:
        """The product's price rows per variant from ``since`` (all when None), newest first;
        read once, then served from memory for any later ``since``."""
        return self._variant_rows.get(since)

    @property
    def min(self) -> int | None:
        return min((p for _, p in self.points), default=None)

    @property
    def max(self) -> int | None:
        return max((p for _, p in self.points), default=None)

    @property
    def avg(self) -> int | None:
        return round(sum(p for _, p in self.points) / len(self.points)) if self.points else None

    @property
    def first_day(self) -> dt.date | None:
        return self.points[0][0] if self.points else None

    @property
    def last_day(self) -> dt.date | None:
        return self.points[-1][0] if self.points else None

    @property
    def latest(self) -> int | None:
        return self.points[-1][1] if self.points else None

    def summary(self) -> dict[str, object]:
        lowest = self.lowest
        return {
            "days": len(self.points),
            "first_day": self.first_day,
            "last_day": self.last_day,
            "latest": self.latest,
            "min": self.min,
            "max": self.max,
            "avg": self.avg,
            "lowest_in_days": lowest.days if lowest else None,
            "lowest_all_time": lowest.all_time if lowest else None,
            "lowest_label": lowest.label if lowest else "",
        }


def window_start(
    last_day: dt.date | None, *, days: int | None = None, since: dt.date | None = None
) -> dt.date | None:
    """The first day of the window: ``days`` counts back from the product's latest recorded day
    (not from today, so that an old history file still shows its last N days)."""
    starts = []
    if days and last_day:
        starts.append(last_day - dt.timedelta(days=days - 1))
    if since:
        starts.append(since)
    return max(starts) if starts else None


def load_price_history(
    product_id: int,
    *,
    days: int | None = None,
    since: dt.date | None = None,
    with_variants: bool = False,
) -> PriceHistory:
    """The product's daily lowest prices from ``since`` / the last ``days`` days (all when both
    are None); "최근 N일 중 최저가" is computed over the whole history, not just the window.
    ``with_variants`` reads the window's variant rows too (``variants``)."""
    full = DailyLowestPrice.objects.for_product(product_id).points()
    whole = PriceHistory(
        points=full,
        lowest=lowest_since(full),
        since=None,
        all_points=full,
        _variant_rows=_VariantRows(product_id),
    )
    history = whole.window(days=days, since=since) if (days or since) else whole
    if with_variants:
        history.variants = history.variant_rows(history.since)
    return history
