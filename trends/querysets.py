"""Reads for the market dashboard: SQL aggregates.

``rollup_market_rows`` is what the dashboard reads: aggregates over the rollups that
``trends.rollups`` keeps (a few thousand rows for the dashboard's window). ``market_rows`` is the
direct computation from the catalog's daily lowest prices (``catalog.DailyLowestPrice``), for
other windows (the API's ``end``/``days``) and as the rollups' reference.

Catalog facts are read through the catalog's QuerySets only: a statement here embeds the SQL
Django compiles for such a QuerySet (``subquery_sql``) and aggregates over its rows; it never
names a catalog table itself.

Both cover the PC market only (``MARKET_KINDS`` = ``catalog.models.PC_KINDS``: desktops,
laptops, CPUs, graphics cards and PC parts): the sofas, jackets and shoes of the image-search
demo are not what a PC buyer watches, and a sofa on sale must not head the "많이 내린 상품" list.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, QuerySet

from catalog.models import PC_KINDS, CategoryKind, DailyLowestPrice, Product
from trends.models import BacktestRun

logger = logging.getLogger(__name__)

# The categories the dashboard counts (every count, band, mover and the index), and how the
# dashboard says so.
MARKET_KINDS = PC_KINDS
MARKET_SCOPE = (
    f"PC 관련 카테고리({'·'.join(str(CategoryKind(k).label) for k in MARKET_KINDS)}) 기준"
)

# (label, low, high) in won; high None = open-ended.
PRICE_BANDS = [
    ("50만 미만", 0, 500_000),
    ("50~100만", 500_000, 1_000_000),
    ("100~150만", 1_000_000, 1_500_000),
    ("150~200만", 1_500_000, 2_000_000),
    ("200~300만", 2_000_000, 3_000_000),
    ("300만 이상", 3_000_000, None),
]
GAP_DAYS = 5
# a product counts when its latest price is at most this many days older than the newest day
FRESH_DAYS = 3

_PLACEHOLDER = re.compile(r"(?<!%)%s")


def subquery_sql(qs: QuerySet, name: str) -> tuple[str, dict[str, object]]:
    """The SQL Django compiles for ``qs``, with its parameters renamed ``%(<name>N)s`` so that
    it can sit inside a statement of ours that uses named parameters."""
    sql, params = qs.query.sql_with_params()
    counter = iter(range(len(params)))
    named = _PLACEHOLDER.sub(lambda _m: f"%({name}{next(counter)})s", sql)
    return named, {f"{name}{i}": value for i, value in enumerate(params)}


def window_days(end: dt.date, *, days: int, horizon: int) -> dict[str, dt.date]:
    """The days a window ending on ``end`` reads: its first day, the latest price's earliest
    day and the base price's days (the latest day at most GAP_DAYS before ``horizon`` ago)."""
    return {
        "first_day": end - dt.timedelta(days=days - 1),
        "end": end,
        "base_day": end - dt.timedelta(days=horizon),
        "base_from": end - dt.timedelta(days=horizon + GAP_DAYS),
        "fresh_day": end - dt.timedelta(days=FRESH_DAYS),
    }


def market_products(
    products: QuerySet, window: dict[str, dt.date], *, first: bool = False
) -> QuerySet:
    """``products`` of MARKET_KINDS with their latest daily lowest of the last FRESH_DAYS
    (``price``), the one HORIZON(+GAP_DAYS) days earlier (``base_price``) and, with ``first``,
    their first one in the window (``first_price``): two or three primary-key probes of the
    catalog's daily lowest prices per product."""
    qs = products.of_kinds(MARKET_KINDS).order_by()
    if first:
        qs = qs.with_daily_lowest(
            "first_price", since=window["first_day"], until=window["end"], first=True
        )
    return qs.with_daily_lowest(
        "price", since=window["fresh_day"], until=window["end"]
    ).with_daily_lowest("base_price", since=window["base_from"], until=window["base_day"])


def tenths_sql(price: str, base: str) -> str:
    """``trends.forecast.percent_tenths(price / base - 1)`` in SQL, exactly, for whole-won
    prices: |change| × 1000 rounded half away from zero, in integer arithmetic."""
    size = f"((2000 * abs({price}::bigint - {base}) + {base}) / (2 * {base}::bigint))"
    return f"(CASE WHEN {price} >= {base} THEN {size} ELSE -{size} END)"


def direction_sql(price: str, base: str) -> str:
    """``trends.forecast.direction_of(price / base - 1)`` in SQL (the query passes
    ``threshold_tenths``, ``trends.forecast.THRESHOLD_TENTHS``)."""
    tenths = tenths_sql(price, base)
    return (
        f"(CASE WHEN {tenths} > %(threshold_tenths)s THEN 'up' "
        f"WHEN {tenths} < -%(threshold_tenths)s THEN 'down' ELSE 'flat' END)"
    )


def band_case(price: str = "l.price") -> str:
    """``CASE`` arms mapping ``price`` to its index in PRICE_BANDS."""
    parts = []
    for index, (_label, low, high) in enumerate(PRICE_BANDS):
        cond = f"{price} >= {int(low)}" + (f" AND {price} < {int(high)}" if high else "")
        parts.append(f"WHEN {cond} THEN {index}")
    return " ".join(parts)


# One row per active product with a price in the last days: the latest daily lowest and the
# daily lowest HORIZON days earlier (``market_products``), with the change, its direction and
# the latest price's band.
_CHANGES = """
    WITH q AS MATERIALIZED ({products}),
    changes AS MATERIALIZED (
        SELECT q.id AS product_id, q.name, q.price, q.base_price,
               q.price::float8 / q.base_price - 1 AS change,
               {direction} AS direction,
               CASE {bands} END AS band
        FROM q WHERE q.price IS NOT NULL AND q.base_price IS NOT NULL
    )
    SELECT 'band', band, count(*), avg(change),
           count(*) FILTER (WHERE direction = 'up'),
           count(*) FILTER (WHERE direction = 'flat'),
           count(*) FILTER (WHERE direction = 'down'),
           NULL::bigint, NULL::text, NULL::integer, NULL::integer, NULL::float8
    FROM changes GROUP BY ROLLUP (band)
    UNION ALL
    (SELECT 'up', NULL, NULL, NULL, NULL, NULL, NULL,
            c.product_id, c.name, c.price, c.base_price, c.change
     FROM changes c WHERE c.change > 0 ORDER BY c.change DESC, c.product_id LIMIT %(movers)s)
    UNION ALL
    (SELECT 'down', NULL, NULL, NULL, NULL, NULL, NULL,
            c.product_id, c.name, c.price, c.base_price, c.change
     FROM changes c WHERE c.change < 0 ORDER BY c.change ASC, c.product_id LIMIT %(movers)s)
""".replace("{bands}", band_case("q.price")).replace(
    "{direction}", direction_sql("q.price", "q.base_price")
)

# Equal-weight index in one streaming pass over (product_id, day): each product's daily
# lowest relative to its first price in the window, averaged in log per day.
_INDEX = """
    SELECT day, 100 * exp(avg(lp - first_lp)), count(*)
    FROM (
        SELECT product_id, day, ln(price::float8) AS lp,
               first_value(ln(price::float8))
                   OVER (PARTITION BY product_id ORDER BY day) AS first_lp
        FROM ({daily}) d
    ) d
    GROUP BY day ORDER BY day
"""


def latest_price_day() -> dt.date | None:
    """The newest day with any price (the dashboard's "today")."""
    return DailyLowestPrice.objects.latest_day()


def market_rows(
    end: dt.date, *, days: int, horizon: int, threshold: float, movers: int
) -> dict[str, object]:
    """Counts, per-band aggregates and movers (one statement), and the daily index (another).
    Directions follow ``trends.forecast.direction_of`` with ``threshold`` (a fraction)."""
    window = window_days(end, days=days, horizon=horizon)
    products, params = subquery_sql(
        market_products(Product.objects.active(), window).values(
            "id", "name", "price", "base_price"
        ),
        "p",
    )
    params.update(threshold_tenths=round(threshold * 1000), movers=movers)
    daily, daily_params = subquery_sql(
        DailyLowestPrice.objects.of_kinds(MARKET_KINDS)
        .between(window["first_day"], end)
        .order_by()
        .values("product_id", "day", "price"),
        "d",
    )
    with transaction.atomic(), connection.cursor() as cur:
        # bands (with the ROLLUP total) and the movers in one statement over one CTE
        cur.execute(_CHANGES.replace("{products}", products), params)
        bands, movers_rows = _split_rows(cur.fetchall())
        # the window aggregate must not spill to disk (the default work_mem is 4 MB)
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(_INDEX.replace("{daily}", daily), daily_params)
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


_ROLLUP_MOVERS = """
    WITH w AS MATERIALIZED (
        SELECT w.product_id, p.name, w.price, w.base_price, w.change, w.direction, w.band
        FROM trends_productwindow w JOIN ({active}) p ON p.id = w.product_id
        WHERE w.change IS NOT NULL
    )
    SELECT 'band', band, count(*), avg(change),
           count(*) FILTER (WHERE direction = 'up'),
           count(*) FILTER (WHERE direction = 'flat'),
           count(*) FILTER (WHERE direction = 'down'),
           NULL::bigint, NULL::text, NULL::integer, NULL::integer, NULL::float8
    FROM w GROUP BY ROLLUP (band)
    UNION ALL
    (SELECT 'up', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, w.name, w.price, w.base_price, w.change
     FROM w WHERE w.change > 0 ORDER BY w.change DESC, w.product_id LIMIT %(movers)s)
    UNION ALL
    (SELECT 'down', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, w.name, w.price, w.base_price, w.change
     FROM w WHERE w.change < 0 ORDER BY w.change ASC, w.product_id LIMIT %(movers)s)
"""


def _split_rows(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    bands, movers_rows = [], []
    for row in rows:
        if row[0] == "band":
            bands.append(row[1:7])
        else:
            movers_rows.append((row[0], *row[7:]))
    return bands, movers_rows


def rollup_market_rows(*, movers: int) -> dict[str, object]:
    """``market_rows`` for the rollups' window (``trends.models.MarketRollup``), read from the
    rollups: the bands and movers aggregate one row per active product, the index is stored.
    Both are limited to MARKET_KINDS already, as ProductWindow holds only those products."""
    active, params = subquery_sql(Product.objects.active().order_by().values("id", "name"), "a")
    params["movers"] = movers
    with connection.cursor() as cur:
        cur.execute(_ROLLUP_MOVERS.replace("{active}", active), params)
        bands, movers_rows = _split_rows(cur.fetchall())
        cur.execute("SELECT day, value, products FROM trends_marketindexday ORDER BY day")
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


_ROLLUP_CATEGORIES = """
    SELECT p.category_name, p.category_kind, count(*), avg(w.change),
           count(*) FILTER (WHERE w.direction = 'up'),
           count(*) FILTER (WHERE w.direction = 'flat'),
           count(*) FILTER (WHERE w.direction = 'down')
    FROM trends_productwindow w JOIN ({active}) p ON p.id = w.product_id
    WHERE w.change IS NOT NULL
    GROUP BY p.category_id, p.category_name, p.category_kind
    ORDER BY count(*) DESC, p.category_name
"""


def rollup_category_rows() -> list[tuple]:
    """(name, kind, products, average change, up, flat, down) per category of the rollups'
    window, most products first (the /trends/ page's breakdown)."""
    active, params = subquery_sql(
        Product.objects.active()
        .order_by()
        .values(
            "id",
            "category_id",
            category_name=F("category__name"),
            category_kind=F("category__kind"),
        ),
        "a",
    )
    with connection.cursor() as cur:
        cur.execute(_ROLLUP_CATEGORIES.replace("{active}", active), params)
        return cur.fetchall()


def latest_backtest() -> BacktestRun | None:
    """The newest backtest run (what the admin, the panel and the model card show)."""
    return BacktestRun.objects.order_by("-created_at").first()


LATEST_BACKTEST_KEY = "trends:latest-backtest:v1"


def cached_latest_backtest() -> BacktestRun | None:
    """``latest_backtest()`` through the Django cache (the product panel shows it on every
    product page); ``record_backtest`` forgets it. A missing run is cached too, as 0."""
    try:
        run = cache.get(LATEST_BACKTEST_KEY)
    except Exception:
        logger.warning("trends: cache unavailable, reading the latest backtest")
        return latest_backtest()
    if run is None:
        run = latest_backtest()
        try:
            cache.set(LATEST_BACKTEST_KEY, run or 0, 3600)
        except Exception:
            logger.warning("trends: could not cache the latest backtest", exc_info=True)
    return run or None


def forget_latest_backtest() -> None:
    """Drop the cached latest backtest (a new run was stored)."""
    try:
        cache.delete(LATEST_BACKTEST_KEY)
    except Exception:
        logger.warning("trends: could not drop the cached latest backtest", exc_info=True)
