"""Trends' writes: the market dashboard's rollups and the stored backtest runs.

The rollups are kept from the catalog's daily lowest prices (``catalog.DailyLowestPrice``, read
through its QuerySets) so that the dashboard reads a few thousand pre-aggregated rows instead of
every price of the last 90 days:

* ``ProductWindow`` — each product's first daily lowest in the window and its latest-vs-10-days-
  ago change. Only products of the dashboard's categories (``trends.market.MARKET_KINDS``, the
  PC kinds) get a row, so everything read from it — counts, bands, movers and the index —
  covers them alone.
* ``MarketIndexDay`` — the index of the window, one statement over the window's daily lowest
  prices ⋈ ProductWindow (the index is relative to each product's first price in the window, so
  all of it moves with the window).

Both are recomputed whole from the catalog's store (≈0.3 s for 10,000 products × 90 days): the
store is kept by the price services in the writes' own transactions, so there is nothing to fold
in first and no queue of touched products to keep. ``refresh_market_rollups()`` is what
``trends.tasks.refresh_trends`` runs after price writes; ``rebuild_market_rollups()``
(``manage.py rebuild_market_rollups``) does the same for a chosen window length. Both hold a
transaction-level advisory lock, so two refreshes never interleave. The numbers equal
``trends.market.market_rows`` (the direct computation over the catalog's daily lowest prices).

``record_backtest`` stores a backtest run; the newest one is cached for the product pages
(``cached_latest_backtest``) and forgotten when a new one is stored. ``backtest_catalog`` runs
and stores one on the catalog's own history (the weekly task, and the first start of
``make run``), so that every verdict on the site has a track record from this catalog.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import DailyLowestPrice, Product
from core.caching import cached
from trends.market import (
    MARKET_KINDS,
    band_case,
    direction_sql,
    market_products,
    subquery_sql,
    window_days,
)
from trends.ml.backtest import BacktestResult
from trends.ml.forecast import HORIZON, THRESHOLD_TENTHS
from trends.models import BacktestRun, MarketRollup

logger = logging.getLogger(__name__)

INDEX_DAYS = 90
# pg_advisory_xact_lock key of the rollup refresh ("trends" in ASCII, any constant would do)
LOCK_KEY = 0x7472656E6473


@dataclass
class RollupReport:
    """What a refresh did (returned by the services, logged by the task)."""

    end: dt.date | None
    full: bool = True
    window_products: int = 0  # ProductWindow rows written
    seconds: float = 0.0


# --------------------------------------------------------------------------- SQL

# Each PC product (``market_products``: every one, active or not — the reads filter) with a
# first daily lowest in the window, and, for products with a price in the last FRESH_DAYS days
# and one HORIZON(+GAP_DAYS) days earlier, the change between them.
_WINDOW_INSERT = """
    WITH q AS MATERIALIZED ({products})  -- each probe once, however often its value is used
    INSERT INTO trends_productwindow
        (product_id, first_price, price, base_price, change, direction, band)
    SELECT q.id, q.first_price, q.price, q.base_price, c.change,
           CASE WHEN c.change IS NULL THEN '' ELSE {direction} END,
           CASE WHEN c.change IS NULL THEN NULL ELSE (CASE {bands} END) END
    FROM q
    CROSS JOIN LATERAL (SELECT q.price::float8 / q.base_price - 1 AS change) c
    WHERE q.first_price IS NOT NULL
""".replace("{bands}", band_case("q.price")).replace(
    "{direction}", direction_sql("q.price", "q.base_price")
)

# The index of trends.market.market_rows over the rollups: the first price comes from
# ProductWindow instead of a window function, which lets PostgreSQL scan and join in parallel.
_INDEX_INSERT = """
    INSERT INTO trends_marketindexday (day, value, products)
    SELECT d.day, 100 * exp(avg(ln(d.price::float8) - ln(w.first_price::float8))), count(*)
    FROM ({daily}) d JOIN trends_productwindow w USING (product_id)
    GROUP BY d.day
"""


def _recompute_window(cur: object, end: dt.date | None, days: int) -> int:
    """ProductWindow and MarketIndexDay for the window of ``days`` ending on ``end``. DELETE,
    not TRUNCATE: readers keep seeing the old rows until the refresh commits, without waiting."""
    cur.execute("DELETE FROM trends_productwindow")
    cur.execute("DELETE FROM trends_marketindexday")
    if end is None:
        return 0
    window = window_days(end, days=days, horizon=HORIZON)
    products, params = subquery_sql(
        market_products(Product.objects.all(), window, first=True).values(
            "id", "first_price", "price", "base_price"
        ),
        "p",
    )
    params["threshold_tenths"] = THRESHOLD_TENTHS
    cur.execute(_WINDOW_INSERT.replace("{products}", products), params)
    written = cur.rowcount
    daily, params = subquery_sql(
        DailyLowestPrice.objects.between(window["first_day"], end)
        .order_by()
        .values("product_id", "day", "price"),
        "d",
    )
    # the index joins ~days × products rows: keep the hash and the aggregate in memory
    cur.execute("SET LOCAL work_mem = '64MB'")
    cur.execute(_INDEX_INSERT.replace("{daily}", daily), params)
    return written


def _save_state(end: dt.date | None, days: int, started: float) -> None:
    MarketRollup.objects.update_or_create(
        pk=1,
        defaults={
            "end": end,
            "days": days,
            "refreshed_at": timezone.now(),
            "seconds": time.perf_counter() - started,
        },
    )


# --------------------------------------------------------------------------- rollups


def rebuild_market_rollups(*, days: int = INDEX_DAYS) -> RollupReport:
    """Recompute the rollups for the window of ``days`` ending on the catalog's newest price
    day. Migrations that change what the rollups hold forget their state (0003, 0004), so that
    this runs on the next refresh or dashboard read."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        end = DailyLowestPrice.objects.latest_day()
        written = _recompute_window(cur, end, days)
        _save_state(end, days, started)
    report = RollupReport(end, window_products=written, seconds=time.perf_counter() - started)
    logger.info(
        "trends rollups rebuilt: end %s, %s products (%s), %.2fs",
        end,
        written,
        "·".join(MARKET_KINDS),
        report.seconds,
    )
    return report


def refresh_market_rollups() -> RollupReport:
    """The rollups after price writes: recomputed for the window length they were built with
    (built for ``INDEX_DAYS`` when they never were)."""
    state = MarketRollup.objects.filter(pk=1).first()
    return rebuild_market_rollups(days=state.days if state else INDEX_DAYS)


def ensure_market_rollups() -> MarketRollup:
    """The rollups' state, building them first when they never were."""
    state = MarketRollup.objects.filter(pk=1).first()
    if state is None:
        rebuild_market_rollups()
        state = MarketRollup.objects.get(pk=1)
    return state


# --------------------------------------------------------------------------- backtest runs

LATEST_BACKTEST_KEY = "trends:latest-backtest:v1"


def record_backtest(
    result: BacktestResult, *, source: str, kinds: Iterable[str] = ()
) -> BacktestRun:
    """Store a backtest run with its metrics and report (it becomes the latest one pages show)."""
    run = BacktestRun.objects.create(
        source=source[:500],
        kinds=",".join(kinds),
        date_from=result.date_from,
        date_to=result.date_to,
        step_days=result.step,
        decisions=result.n,
        accuracy=result.accuracy if result.n else None,
        macro_f1=result.macro_f1 if result.n else None,
        always_flat=result.always_flat if result.n else None,
        momentum=result.momentum_accuracy if result.n else None,
        saving_pct=result.saving_pct if result.n else None,
        metrics=result.metrics(),
        report="\n".join(result.report_lines()),
        last_line=result.last_line,
        seconds=result.seconds,
    )
    forget_latest_backtest()
    transaction.on_commit(forget_latest_backtest)  # a page may have cached the old one since
    return run


def cached_latest_backtest() -> BacktestRun | None:
    """The latest backtest run through the Django cache (the product panel shows it on every
    product page); ``record_backtest`` forgets it. A missing run is cached too, as 0."""
    return cached(LATEST_BACKTEST_KEY, 3600, lambda: BacktestRun.objects.latest_run() or 0) or None


def forget_latest_backtest() -> None:
    """Drop the cached latest backtest (a new run was stored)."""
    try:
        cache.delete(LATEST_BACKTEST_KEY)
    except Exception:
        logger.warning("trends: could not drop the cached latest backtest", exc_info=True)


def backtest_catalog(*, step: int = 7) -> BacktestRun | None:
    """Backtest the live forecaster (KNN) on the catalog's whole price history, every PC kind,
    and store it; None when there is no history. A run over the same window and step as the
    latest stored catalog run is not repeated (a redelivered or doubled task stores nothing new)
    and that run is returned."""
    from trends import adapters
    from trends.ml.backtest import run_backtest

    panel, static = adapters.panel_from_db()
    if not panel.keys:
        return None
    latest = BacktestRun.objects.latest_run()
    if (
        latest is not None
        and latest.source == "db"
        and (latest.date_from, latest.date_to, latest.step_days) == (panel.start, panel.end, step)
        and not latest.kinds
    ):
        return latest
    result = run_backtest(panel, static, panel.start, panel.end, step=step, model="knn")
    return record_backtest(result, source="db")
