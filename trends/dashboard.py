"""The market dashboard on the home page: what PC prices did over the last 10 days, by price
band (PC categories only: ``trends.market.MARKET_KINDS``).

``market_summary()`` is what the home view calls: cached in Redis under ``CACHE_KEY`` and
refreshed by ``trends.tasks.refresh_trends`` after price crawls. ``compute_market_summary`` is
the uncached summary: for the dashboard's window it aggregates the rollups ``trends.services``
keeps (``trends.querysets``, a few milliseconds), for any other ``end`` / ``days`` the catalog's
daily lowest prices directly (``trends.market.market_rows``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from core.caching import cached
from trends.market import MARKET_SCOPE, PRICE_BANDS, latest_price_day, market_rows
from trends.ml.forecast import HORIZON, THRESHOLD
from trends.models import MarketIndexDay, ProductWindow
from trends.services import INDEX_DAYS, ensure_market_rollups

logger = logging.getLogger(__name__)

# v3: PC categories with the parts, directions as shown (a v2 summary leaves the parts out)
CACHE_KEY = "trends:market-summary:v3"
CACHE_SECONDS = 24 * 3600
MOVERS = 5
PAGE_MOVERS = 15  # the /trends/ page lists more than the home page
MAX_DAYS = 365


def _empty(end: dt.date | None, days: int) -> dict[str, object]:
    return {
        "end": end,
        "days": days,
        "horizon": HORIZON,
        "scope": MARKET_SCOPE,
        "tracked": 0,
        "counts": {"up": 0, "flat": 0, "down": 0},
        "average_change": None,
        "bands": [
            {"label": label, "count": 0, "average_change": None, "up": 0, "flat": 0, "down": 0}
            for label, _low, _high in PRICE_BANDS
        ],
        "risers": [],
        "fallers": [],
        "index": [],
        "seconds": 0.0,
    }


def compute_market_summary(
    end: dt.date | None = None, days: int = INDEX_DAYS, *, direct: bool = False
) -> dict[str, object]:
    """The dashboard's numbers (no cache). ``end`` defaults to the newest price day. The
    rollups' window (the newest day, ``INDEX_DAYS``) is read from the rollups unless ``direct``;
    other windows are computed from the price table."""
    started = time.perf_counter()
    rows = None
    if not direct and days == INDEX_DAYS:
        state = ensure_market_rollups()
        if end is None or end == state.end:
            end = state.end
            rows = _rollup_rows(MOVERS) if end else None
    if rows is None:
        end = end or latest_price_day()
        if end is not None:
            rows = market_rows(end, days=days, horizon=HORIZON, threshold=THRESHOLD, movers=MOVERS)
    summary = _summary(end, days, rows)
    summary["seconds"] = time.perf_counter() - started
    return summary


def _rollup_rows(movers: int) -> dict[str, object]:
    """``market_rows`` for the rollups' window, read from the rollups: the bands and movers
    aggregate one row per active product, the index is stored (two queries)."""
    bands, movers_rows = ProductWindow.objects.bands_and_movers(movers=movers)
    return {"bands": bands, "movers": movers_rows, "index": MarketIndexDay.objects.points()}


def _summary(end: dt.date | None, days: int, rows: dict[str, object] | None) -> dict[str, object]:
    summary = _empty(end, days)
    if rows is None:
        return summary
    for band, count, avg, up, flat, down in rows["bands"]:
        entry = {
            "count": count,
            "average_change": float(avg) if avg is not None else None,
            "up": up,
            "flat": flat,
            "down": down,
        }
        if band is None:  # the ROLLUP total
            summary["tracked"] = count
            summary["average_change"] = entry["average_change"]
            summary["counts"] = {"up": up, "flat": flat, "down": down}
        else:
            summary["bands"][band].update(entry)
    for direction, product_id, name, price, base, change in rows["movers"]:
        key = "risers" if direction == "up" else "fallers"
        summary[key].append(
            {
                "product_id": product_id,
                "name": name,
                "price": price,
                "base_price": base,
                "change": float(change),
            }
        )
    summary["index"] = [(day, float(value), count) for day, value, count in rows["index"]]
    return summary


def market_details() -> dict[str, object]:
    """What /trends/ adds to the home page's summary, from the rollups (a few milliseconds,
    not cached): each category's 10-day counts and average change, and the top
    ``PAGE_MOVERS`` risers and fallers."""
    state = ensure_market_rollups()
    if state.end is None:
        return {"categories": [], "risers": [], "fallers": []}
    movers = _summary(state.end, state.days, _rollup_rows(PAGE_MOVERS))
    categories = [
        {
            "name": name,
            "kind": kind,
            "count": count,
            "average_change": float(avg) if avg is not None else None,
            "up": up,
            "flat": flat,
            "down": down,
        }
        for name, kind, count, avg, up, flat, down in ProductWindow.objects.by_category()
    ]
    return {"categories": categories, "risers": movers["risers"], "fallers": movers["fallers"]}


def product_change(product_id: int) -> dict[str, object] | None:
    """One product's 10-day change as the dashboard counts it (its rollup row: the latest daily
    lowest against the one ``HORIZON`` days earlier, its direction and its price band), or None
    when the dashboard does not count it (no fresh price, none 10 days earlier, not a PC kind).
    The band's and the market's averages to compare it with are ``market_summary()``'s."""
    row = (
        ProductWindow.objects.changed()
        .filter(product_id=product_id)
        .values("price", "base_price", "change", "direction", "band")
        .first()
    )
    if row is None:
        return None
    band = row["band"]
    return {
        **row,
        "band_label": PRICE_BANDS[band][0] if band is not None and band < len(PRICE_BANDS) else "",
    }


def market_summary(*, refresh: bool = False) -> dict[str, object]:
    """The cached dashboard (what the home page shows); computed on a miss."""
    return cached(CACHE_KEY, CACHE_SECONDS, compute_market_summary, refresh=refresh)


def index_chart_svg(summary: dict[str, object]) -> str:
    """The market index (100 = each product's first price in the window) as inline SVG."""
    from core.charts import line_chart_svg

    points = [(day, value) for day, value, _count in summary.get("index", [])]
    return line_chart_svg(
        points,
        title="시장 가격 지수 (구간 첫날 = 100)",
        label="가격 지수",
        height=200,
        mark_min_max=True,
        value_label=lambda v: f"{v:.1f}",
    )
