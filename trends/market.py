"""The PC market as the dashboard counts it: which products (``MARKET_KINDS``), price bands,
the window's days, the ±2 % rule in SQL, and ``market_rows``, the dashboard's numbers computed
directly from the catalog's daily lowest prices (``catalog.DailyLowestPrice``) for any window
(the API's ``end``/``days``) and as the reference of the rollups that ``trends.services`` keeps
for the dashboard's own window (read by ``trends.querysets``).

Catalog facts are read through the catalog's QuerySets only: a statement here embeds the SQL
Django compiles for such a QuerySet (``subquery_sql``) and aggregates over its rows; it never
names a catalog table itself.

Both cover the PC market only (``MARKET_KINDS`` = ``catalog.models.PC_KINDS``: desktops,
laptops, CPUs, graphics cards and PC parts): the sofas, jackets and shoes of the image-search
demo are not what a PC buyer watches, and a sofa on sale must not head the "많이 내린 상품" list.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection, transaction
from django.db.models import QuerySet

from catalog.models import PC_KINDS, CategoryKind, DailyLowestPrice, Product

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
    """``trends.ml.forecast.percent_tenths(price / base - 1)`` in SQL, exactly, for whole-won
    prices: |change| × 1000 rounded half away from zero, in integer arithmetic."""
    size = f"((2000 * abs({price}::bigint - {base}) + {base}) / (2 * {base}::bigint))"
    return f"(CASE WHEN {price} >= {base} THEN {size} ELSE -{size} END)"


def direction_sql(price: str, base: str) -> str:
    """``trends.ml.forecast.direction_of(price / base - 1)`` in SQL (the query passes
    ``threshold_tenths``, ``trends.ml.forecast.THRESHOLD_TENTHS``)."""
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
    Directions follow ``trends.ml.forecast.direction_of`` with ``threshold`` (a fraction)."""
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
        bands, movers_rows = split_rows(cur.fetchall())
        # the window aggregate must not spill to disk (the default work_mem is 4 MB)
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(_INDEX.replace("{daily}", daily), daily_params)
        index = cur.fetchall()
    return {"bands": bands, "movers": movers_rows, "index": index}


def split_rows(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """The rows of a bands-and-movers statement as (bands, movers)."""
    bands, movers_rows = [], []
    for row in rows:
        if row[0] == "band":
            bands.append(row[1:7])
        else:
            movers_rows.append((row[0], *row[7:]))
    return bands, movers_rows
