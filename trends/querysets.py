"""Reads for the market dashboard: SQL aggregates.

``rollup_market_rows`` is what the dashboard reads: aggregates over the rollups that
``trends.rollups`` keeps (a few thousand rows for the dashboard's window). ``market_rows`` is the
direct computation over catalog_pricesnapshot, for other windows (the API's ``end``/``days``)
and as the rollups' reference: every query starts from the daily lowest price per product
(``min(price) GROUP BY product_id, day``), which the unique index
``price_one_per_product_day_variant`` (product_id, day, variant) serves.

Both cover the PC market only (``MARKET_KINDS`` = ``catalog.models.PC_KINDS``: desktops,
laptops, CPUs, graphics cards and PC parts): the sofas, jackets and shoes of the image-search
demo are not what a PC buyer watches, and a sofa on sale must not head the "많이 내린 상품" list.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.db import connection, transaction

from catalog.models import PC_KINDS, CategoryKind
from trends.models import BacktestRun

logger = logging.getLogger(__name__)

# The categories the dashboard counts (every count, band, mover and the index), and how the
# dashboard says so.
MARKET_KINDS = PC_KINDS
MARKET_SCOPE = (
    f"PC 관련 카테고리({'·'.join(str(CategoryKind(k).label) for k in MARKET_KINDS)}) 기준"
)
# ``p`` (catalog_product) is in one of MARKET_KINDS; the query passes ``kinds`` (market_kinds())
MARKET_PRODUCT = (
    "p.category_id IN (SELECT c.id FROM catalog_category c WHERE c.kind = ANY(%(kinds)s))"
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

# One row per active product with a price in the last days: the latest daily lowest and the
# daily lowest HORIZON days earlier (the latest day at most GAP days before), each fetched by two
# probes of the (product_id, day, variant) index instead of aggregating the whole window.
_CHANGES = """
    WITH changes AS MATERIALIZED (
        SELECT p.id AS product_id, l.price, b.price AS base_price,
               l.price::float8 / b.price - 1 AS change,
               {direction} AS direction,
               CASE {bands} END AS band
        FROM catalog_product p
        CROSS JOIN LATERAL (
            SELECT min(s.price) AS price FROM catalog_pricesnapshot s
            WHERE s.product_id = p.id AND s.day BETWEEN %(fresh_day)s AND %(end)s
            GROUP BY s.day ORDER BY s.day DESC LIMIT 1
        ) l
        CROSS JOIN LATERAL (
            SELECT min(s.price) AS price FROM catalog_pricesnapshot s
            WHERE s.product_id = p.id AND s.day BETWEEN %(base_from)s AND %(base_day)s
            GROUP BY s.day ORDER BY s.day DESC LIMIT 1
        ) b
        WHERE p.is_active AND p.merged_into_id IS NULL AND {market}
    )
"""

# Equal-weight index in one streaming pass over the index order (product_id, day): each
# product's daily lowest relative to its first price in the window, averaged in log per day.
INDEX_SQL = """
    SELECT day, 100 * exp(avg(lp - first_lp)), count(*)
    FROM (
        SELECT product_id, day, ln(min(price)::float8) AS lp,
               first_value(ln(min(price)::float8))
                   OVER (PARTITION BY product_id ORDER BY day) AS first_lp
        FROM catalog_pricesnapshot
        WHERE day > %(start)s AND day <= %(end)s
          AND product_id IN (SELECT p.id FROM catalog_product p WHERE {market})
        GROUP BY product_id, day
    ) d
    GROUP BY day ORDER BY day
""".replace("{market}", MARKET_PRODUCT)


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


def band_case() -> str:
    """``CASE`` arms mapping ``l.price`` to its index in PRICE_BANDS."""
    parts = []
    for index, (_label, low, high) in enumerate(PRICE_BANDS):
        cond = f"l.price >= {int(low)}" + (f" AND l.price < {int(high)}" if high else "")
        parts.append(f"WHEN {cond} THEN {index}")
    return " ".join(parts)


CHANGES_SQL = (
    _CHANGES.replace("{bands}", band_case())
    .replace("{market}", MARKET_PRODUCT)
    .replace("{direction}", direction_sql("l.price", "b.price"))
)
GAP_DAYS = 5
# a product counts when its latest price is at most this many days older than the newest day
FRESH_DAYS = 3


def market_kinds() -> list[str]:
    """``MARKET_KINDS`` as the ``kinds`` query parameter."""
    return [str(kind) for kind in MARKET_KINDS]


def latest_price_day() -> dt.date | None:
    """The newest day with any price (the dashboard's "today")."""
    with connection.cursor() as cur:
        cur.execute("SELECT max(day) FROM catalog_pricesnapshot")
        return cur.fetchone()[0]


def market_rows(
    end: dt.date, *, days: int, horizon: int, threshold: float, movers: int
) -> dict[str, object]:
    """Counts, per-band aggregates and movers (one statement), and the daily index (another).
    Directions follow ``trends.forecast.direction_of`` with ``threshold`` (a fraction)."""
    params = {
        "start": end - dt.timedelta(days=days),
        "end": end,
        "base_day": end - dt.timedelta(days=horizon),
        "base_from": end - dt.timedelta(days=horizon + GAP_DAYS),
        "fresh_day": end - dt.timedelta(days=FRESH_DAYS),
        "threshold_tenths": round(threshold * 1000),
        "movers": movers,
        "kinds": market_kinds(),
    }
    with transaction.atomic(), connection.cursor() as cur:
        # bands (with the ROLLUP total) and the movers in one statement over one CTE
        cur.execute(
            CHANGES_SQL
            + """
            SELECT 'band', band, count(*), avg(change),
                   count(*) FILTER (WHERE direction = 'up'),
                   count(*) FILTER (WHERE direction = 'flat'),
                   count(*) FILTER (WHERE direction = 'down'),
                   NULL::bigint, NULL::text, NULL::integer, NULL::integer, NULL::float8
            FROM changes GROUP BY ROLLUP (band)
            UNION ALL
            (SELECT 'up', NULL, NULL, NULL, NULL, NULL, NULL,
                    c.product_id, p.name, c.price, c.base_price, c.change
             FROM changes c JOIN catalog_product p ON p.id = c.product_id
             WHERE c.change > 0 ORDER BY c.change DESC, c.product_id LIMIT %(movers)s)
            UNION ALL
            (SELECT 'down', NULL, NULL, NULL, NULL, NULL, NULL,
                    c.product_id, p.name, c.price, c.base_price, c.change
             FROM changes c JOIN catalog_product p ON p.id = c.product_id
             WHERE c.change < 0 ORDER BY c.change ASC, c.product_id LIMIT %(movers)s)
            """,
            params,
        )
        bands, movers_rows = _split_rows(cur.fetchall())
        # the window aggregate must not spill to disk (the default work_mem is 4 MB)
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(INDEX_SQL, params)
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


_ROLLUP_MOVERS = """
    WITH w AS MATERIALIZED (
        SELECT w.product_id, w.price, w.base_price, w.change, w.direction, w.band
        FROM trends_productwindow w JOIN catalog_product p ON p.id = w.product_id
        WHERE w.change IS NOT NULL AND p.is_active AND p.merged_into_id IS NULL
    )
    SELECT 'band', band, count(*), avg(change),
           count(*) FILTER (WHERE direction = 'up'),
           count(*) FILTER (WHERE direction = 'flat'),
           count(*) FILTER (WHERE direction = 'down'),
           NULL::bigint, NULL::text, NULL::integer, NULL::integer, NULL::float8
    FROM w GROUP BY ROLLUP (band)
    UNION ALL
    (SELECT 'up', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, p.name, w.price, w.base_price, w.change
     FROM w JOIN catalog_product p ON p.id = w.product_id
     WHERE w.change > 0 ORDER BY w.change DESC, w.product_id LIMIT %(movers)s)
    UNION ALL
    (SELECT 'down', NULL, NULL, NULL, NULL, NULL, NULL,
            w.product_id, p.name, w.price, w.base_price, w.change
     FROM w JOIN catalog_product p ON p.id = w.product_id
     WHERE w.change < 0 ORDER BY w.change ASC, w.product_id LIMIT %(movers)s)
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
    rollups: the bands and movers aggregate one row per product, the index is stored. Both are
    limited to MARKET_KINDS already, as ProductWindow holds only those products."""
    with connection.cursor() as cur:
        cur.execute(_ROLLUP_MOVERS, {"movers": movers})
        bands, movers_rows = _split_rows(cur.fetchall())
        cur.execute("SELECT day, value, products FROM trends_marketindexday ORDER BY day")
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


_ROLLUP_CATEGORIES = """
    SELECT c.name, c.kind, count(*), avg(w.change),
           count(*) FILTER (WHERE w.direction = 'up'),
           count(*) FILTER (WHERE w.direction = 'flat'),
           count(*) FILTER (WHERE w.direction = 'down')
    FROM trends_productwindow w
    JOIN catalog_product p ON p.id = w.product_id
    JOIN catalog_category c ON c.id = p.category_id
    WHERE w.change IS NOT NULL AND p.is_active AND p.merged_into_id IS NULL
    GROUP BY c.id, c.name, c.kind
    ORDER BY count(*) DESC, c.name
"""


def rollup_category_rows() -> list[tuple]:
    """(name, kind, products, average change, up, flat, down) per category of the rollups'
    window, most products first (the /trends/ page's breakdown)."""
    with connection.cursor() as cur:
        cur.execute(_ROLLUP_CATEGORIES)
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
