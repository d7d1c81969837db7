"""Reads for the market dashboard: SQL aggregates over catalog_pricesnapshot.

Every query starts from the daily lowest price per product (``min(price) GROUP BY product_id,
day``), which the unique index ``price_one_per_product_day_variant`` (product_id, day, variant)
serves; the window is bounded by ``day`` so only the dashboard's days are read.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from trends.models import BacktestRun

# (label, low, high) in won; high None = open-ended.
PRICE_BANDS = [
    ("50만 미만", 0, 500_000),
    ("50~100만", 500_000, 1_000_000),
    ("100~150만", 1_000_000, 1_500_000),
    ("150~200만", 1_500_000, 2_000_000),
    ("200~300만", 2_000_000, 3_000_000),
    ("300만 이상", 3_000_000, None),
]

_DAILY = """
    daily AS MATERIALIZED (
        SELECT product_id, day, min(price) AS price
        FROM catalog_pricesnapshot
        WHERE day > %(start)s AND day <= %(end)s
        GROUP BY product_id, day
    )
"""

_CHANGES = f"""
    WITH {_DAILY},
    latest AS (
        SELECT DISTINCT ON (product_id) product_id, day, price
        FROM daily ORDER BY product_id, day DESC
    ),
    base AS (
        SELECT DISTINCT ON (product_id) product_id, price
        FROM daily WHERE day <= %(base_day)s ORDER BY product_id, day DESC
    ),
    changes AS (
        SELECT l.product_id, l.price, b.price AS base_price,
               l.price::float8 / b.price - 1 AS change,
               CASE
                   WHEN l.price::float8 / b.price - 1 > %(threshold)s THEN 'up'
                   WHEN l.price::float8 / b.price - 1 < -%(threshold)s THEN 'down'
                   ELSE 'flat'
               END AS direction,
               CASE {{bands}} END AS band
        FROM latest l JOIN base b USING (product_id)
        JOIN catalog_product p ON p.id = l.product_id
        WHERE l.day >= %(fresh_day)s AND p.is_active AND p.merged_into_id IS NULL
    )
"""


def _band_case() -> str:
    parts = []
    for index, (_label, low, high) in enumerate(PRICE_BANDS):
        cond = f"l.price >= {int(low)}" + (f" AND l.price < {int(high)}" if high else "")
        parts.append(f"WHEN {cond} THEN {index}")
    return " ".join(parts)


CHANGES_SQL = _CHANGES.replace("{bands}", _band_case())


def latest_price_day() -> dt.date | None:
    """The newest day with any price (the dashboard's "today")."""
    with connection.cursor() as cur:
        cur.execute("SELECT max(day) FROM catalog_pricesnapshot")
        return cur.fetchone()[0]


def market_rows(
    end: dt.date, *, days: int, horizon: int, threshold: float, movers: int
) -> dict[str, object]:
    """Counts, per-band aggregates, movers and the daily index, in three SQL statements."""
    params = {
        "start": end - dt.timedelta(days=days),
        "end": end,
        "base_day": end - dt.timedelta(days=horizon),
        # a product counts when its latest price is at most 3 days older than the newest day
        "fresh_day": end - dt.timedelta(days=3),
        "threshold": threshold,
        "movers": movers,
    }
    with connection.cursor() as cur:
        cur.execute(
            CHANGES_SQL
            + """
            SELECT band, count(*), avg(change),
                   count(*) FILTER (WHERE direction = 'up'),
                   count(*) FILTER (WHERE direction = 'flat'),
                   count(*) FILTER (WHERE direction = 'down')
            FROM changes GROUP BY ROLLUP (band) ORDER BY band NULLS LAST
            """,
            params,
        )
        bands = cur.fetchall()
        cur.execute(
            CHANGES_SQL
            + """
            (SELECT 'up', c.product_id, p.name, c.price, c.base_price, c.change
             FROM changes c JOIN catalog_product p ON p.id = c.product_id
             WHERE c.change > 0 ORDER BY c.change DESC, c.product_id LIMIT %(movers)s)
            UNION ALL
            (SELECT 'down', c.product_id, p.name, c.price, c.base_price, c.change
             FROM changes c JOIN catalog_product p ON p.id = c.product_id
             WHERE c.change < 0 ORDER BY c.change ASC, c.product_id LIMIT %(movers)s)
            """,
            params,
        )
        movers_rows = cur.fetchall()
        # Equal-weight index: mean log price relative to each product's first price in the
        # window, per day (products entering later start at their own first price).
        cur.execute(
            f"""
            WITH {_DAILY},
            first AS (
                SELECT DISTINCT ON (product_id) product_id, price
                FROM daily ORDER BY product_id, day
            )
            SELECT d.day, 100 * exp(avg(ln(d.price::float8 / f.price))), count(*)
            FROM daily d JOIN first f USING (product_id)
            GROUP BY d.day ORDER BY d.day
            """,
            params,
        )
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


def latest_backtest() -> BacktestRun | None:
    return BacktestRun.objects.order_by("-created_at").first()
