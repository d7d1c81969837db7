"""A product's price history as pages and the API show it: the daily lowest price, its
min / average / max over a window, and "최근 N일 중 최저가" (how long since it was last this low).

Reads only: one query for the daily series (served by the (product, day, variant) unique index)
and one for the variant rows when asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from catalog.models import PriceSnapshot


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


@dataclass
class PriceHistory:
    """The daily lowest prices of one product inside a window, with their summary."""

    points: list[tuple[dt.date, int]]
    lowest: LowestSince | None
    since: dt.date | None
    variants: list[PriceSnapshot] = field(default_factory=list)

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
    are None); "최근 N일 중 최저가" is computed over the whole history, not just the window."""
    rows = PriceSnapshot.objects.for_product(product_id).daily_lowest()
    full = [(row["day"], row["price"]) for row in rows]
    start = window_start(full[-1][0] if full else None, days=days, since=since)
    window = [p for p in full if start is None or p[0] >= start]
    history = PriceHistory(points=window, lowest=lowest_since(full), since=start)
    if with_variants:
        history.variants = list(
            PriceSnapshot.objects.for_product(product_id).since(start).order_by("-day", "variant")
        )
    return history
