"""Reads for the market dashboard: SQL aggregates over catalog_pricesnapshot.

Every query starts from the daily lowest price per product (``min(price) GROUP BY product_id,
day``), which the unique index ``price_one_per_product_day_variant`` (product_id, day, variant)
serves; the window is bounded by ``day`` so only the dashboard's days are read.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

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

# One row per active product with a price in the last days: the latest daily lowest and the
# daily lowest HORIZON days earlier (the latest day at most GAP days before), each fetched by two
# probes of the (product_id, day, variant) index instead of aggregating the whole window.
_CHANGES = """
    WITH changes AS MATERIALIZED (
        SELECT p.id AS product_id, l.price, b.price AS base_price,
               l.price::float8 / b.price - 1 AS change,
               CASE
                   WHEN l.price::float8 / b.price - 1 > %(threshold)s THEN 'up'
                   WHEN l.price::float8 / b.price - 1 < -%(threshold)s THEN 'down'
                   ELSE 'flat'
               END AS direction,
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
        WHERE p.is_active AND p.merged_into_id IS NULL
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
        GROUP BY product_id, day
    ) d
    GROUP BY day ORDER BY day
"""


def _band_case() -> str:
    parts = []
    for index, (_label, low, high) in enumerate(PRICE_BANDS):
        cond = f"l.price >= {int(low)}" + (f" AND l.price < {int(high)}" if high else "")
        parts.append(f"WHEN {cond} THEN {index}")
    return " ".join(parts)


CHANGES_SQL = _CHANGES.replace("{bands}", _band_case())
GAP_DAYS = 5


def latest_price_day() -> dt.date | None:
    """The newest day with any price (the dashboard's "today")."""
    with connection.cursor() as cur:
        cur.execute("SELECT max(day) FROM catalog_pricesnapshot")
        return cur.fetchone()[0]


def market_rows(
    end: dt.date, *, days: int, horizon: int, threshold: float, movers: int
) -> dict[str, object]:
    """Counts, per-band aggregates and movers (one statement), and the daily index (another)."""
    params = {
        "start": end - dt.timedelta(days=days),
        "end": end,
        "base_day": end - dt.timedelta(days=horizon),
        "base_from": end - dt.timedelta(days=horizon + GAP_DAYS),
        # a product counts when its latest price is at most 3 days older than the newest day
        "fresh_day": end - dt.timedelta(days=3),
        "threshold": threshold,
        "movers": movers,
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
        bands, movers_rows = [], []
        for row in cur.fetchall():
            if row[0] == "band":
                bands.append(row[1:7])
            else:
                movers_rows.append((row[0], *row[7:]))
        # the window aggregate must not spill to disk (the default work_mem is 4 MB)
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(INDEX_SQL, params)
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


def latest_backtest() -> BacktestRun | None:
    return BacktestRun.objects.order_by("-created_at").first()
