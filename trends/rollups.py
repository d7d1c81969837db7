"""The market dashboard's rollups: kept from catalog_pricesnapshot so that the dashboard reads a
few thousand pre-aggregated rows instead of every price of the last 90 days.

* ``DailyLowest`` — each product's daily lowest over the dashboard window, updated
  incrementally for the products × days a price write touched (``PendingPrices``, filled by
  the ``prices_recorded`` receiver ``note_recorded_prices``).
* ``ProductWindow`` — each product's first price in the window and its latest-vs-10-days-ago
  change; recomputed for the touched products, or for all when the window's end day moved.
  Only products of the dashboard's categories (``trends.querysets.MARKET_KINDS``, the PC
  kinds) get a row, so everything read from it — counts, bands, movers and the index — covers
  them alone. A product moved to another category is re-sorted at the next full recompute
  (the next day's prices) or ``rebuild_market_rollups``.
* ``MarketIndexDay`` — the index of the window, one statement over DailyLowest ⋈ ProductWindow
  (the index is relative to each product's first price in the window, so all of it moves with
  the window; ≈0.25 s for 10,000 products × 90 days).

``refresh_market_rollups()`` is what ``trends.tasks.refresh_trends`` runs after price crawls;
``rebuild_market_rollups()`` (``manage.py rebuild_market_rollups``) rebuilds everything from the
price table. Both hold a transaction-level advisory lock, so two refreshes never interleave.
The numbers equal ``trends.querysets.market_rows`` (the direct SQL over the price table).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from trends.forecast import HORIZON, THRESHOLD_TENTHS
from trends.models import MarketRollup, PendingPrices
from trends.querysets import (
    FRESH_DAYS,
    GAP_DAYS,
    MARKET_PRODUCT,
    band_case,
    direction_sql,
    market_kinds,
)

logger = logging.getLogger(__name__)

INDEX_DAYS = 90
DAY_INDEX = "trends_dailylow_day_idx"  # trends.models.DailyLowest.Meta.indexes
# pg_advisory_xact_lock key of the rollup refresh ("trends" in ASCII, any constant would do)
LOCK_KEY = 0x7472656E6473


@dataclass
class RollupReport:
    """What a refresh did (returned by the services, logged by the task)."""

    end: dt.date | None
    full: bool
    products: int = 0  # products whose daily lowest was recomputed (None: all)
    days: int = 0
    window_products: int = 0  # ProductWindow rows written
    seconds: float = 0.0


def note_recorded_prices(
    *, product_ids: Iterable[int] = (), days: Iterable[str] = (), **_: object
) -> None:
    """``prices_recorded`` receiver: remember what the next refresh must fold in. The signal
    is sent on commit, so this is its own small autocommit insert."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    try:
        PendingPrices.objects.create(product_ids=ids, days=sorted(set(days)))
    except Exception:  # the writer's commit already happened; never fail it from here
        logger.warning("trends: could not note %s recorded products", len(ids), exc_info=True)


# --------------------------------------------------------------------------- SQL

_LATEST_DAY = "SELECT max(day) FROM trends_dailylowest"

# Each PC product's first daily lowest in (start, end] and, for products with a price in the last
# FRESH_DAYS days and one HORIZON(+GAP_DAYS) days earlier, the change between them: the same
# probes as trends.querysets.CHANGES_SQL, against the rollup.
_WINDOW_INSERT = (
    """
    INSERT INTO trends_productwindow
        (product_id, first_price, price, base_price, change, direction, band)
    SELECT p.id, f.price, l.price, b.price, c.change,
           CASE WHEN c.change IS NULL THEN '' ELSE {direction} END,
           CASE WHEN c.change IS NULL THEN NULL ELSE (CASE {bands} END) END
    FROM catalog_product p
    CROSS JOIN LATERAL (
        SELECT d.price FROM trends_dailylowest d
        WHERE d.product_id = p.id AND d.day > %(start)s AND d.day <= %(end)s
        ORDER BY d.day LIMIT 1
    ) f
    LEFT JOIN LATERAL (
        SELECT d.price FROM trends_dailylowest d
        WHERE d.product_id = p.id AND d.day BETWEEN %(fresh_day)s AND %(end)s
        ORDER BY d.day DESC LIMIT 1
    ) l ON true
    LEFT JOIN LATERAL (
        SELECT d.price FROM trends_dailylowest d
        WHERE d.product_id = p.id AND d.day BETWEEN %(base_from)s AND %(base_day)s
        ORDER BY d.day DESC LIMIT 1
    ) b ON true
    CROSS JOIN LATERAL (SELECT l.price::float8 / b.price - 1 AS change) c
    WHERE {market} {and_ids}
""".replace("{bands}", band_case())
    .replace("{market}", MARKET_PRODUCT)
    .replace("{direction}", direction_sql("l.price", "b.price"))
)

# The index of INDEX_SQL (trends.querysets) over the rollups: the first price comes from
# ProductWindow instead of a window function, which lets PostgreSQL scan and join in parallel.
_INDEX_INSERT = """
    INSERT INTO trends_marketindexday (day, value, products)
    SELECT d.day, 100 * exp(avg(ln(d.price::float8) - ln(w.first_price::float8))), count(*)
    FROM trends_dailylowest d JOIN trends_productwindow w USING (product_id)
    WHERE d.day > %(start)s AND d.day <= %(end)s
    GROUP BY d.day
"""


def _window_params(end: dt.date, days: int) -> dict[str, object]:
    return {
        "start": end - dt.timedelta(days=days),
        "end": end,
        "base_day": end - dt.timedelta(days=HORIZON),
        "base_from": end - dt.timedelta(days=HORIZON + GAP_DAYS),
        "fresh_day": end - dt.timedelta(days=FRESH_DAYS),
        "threshold_tenths": THRESHOLD_TENTHS,
        "kinds": market_kinds(),
    }


def _recompute_window(
    cur: object, end: dt.date | None, days: int, product_ids: list[int] | None
) -> int:
    """ProductWindow for ``product_ids`` (None: all) and the whole MarketIndexDay. DELETE, not
    TRUNCATE: readers keep seeing the old rows until the refresh commits, without waiting."""
    if product_ids is None:
        cur.execute("DELETE FROM trends_productwindow")
    else:
        cur.execute("DELETE FROM trends_productwindow WHERE product_id = ANY(%s)", [product_ids])
    cur.execute("DELETE FROM trends_marketindexday")
    if end is None:
        return 0
    params = _window_params(end, days)
    and_ids = ""
    if product_ids is not None:
        and_ids = "AND p.id = ANY(%(ids)s)"
        params["ids"] = product_ids
    cur.execute(_WINDOW_INSERT.replace("{and_ids}", and_ids), params)
    written = cur.rowcount
    # the index joins ~days × products rows: keep the hash and the aggregate in memory
    cur.execute("SET LOCAL work_mem = '64MB'")
    cur.execute(_INDEX_INSERT, params)
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


# --------------------------------------------------------------------------- services


def rebuild_market_rollups(*, days: int = INDEX_DAYS) -> RollupReport:
    """Rebuild every rollup from catalog_pricesnapshot (one aggregate over the window's price
        rows): for a new deployment, after bulk edits that sent no signal (products moved between
        categories too), or to check the incremental refresh. Pending notes are consumed: the
        rebuild covers them. Migration 0003 forgets the state so that this runs once on the next
        refresh or dashboard read, dropping the non-PC rows built before MARKET_KINDS existed;
    migration 0004 does the same for the parts that joined MARKET_KINDS and the directions that
    now follow the shown, rounded change."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        PendingPrices.objects.all().delete()
        # a full scan (there is no index on day alone): the rebuild is the rare path
        cur.execute("SELECT max(day) FROM catalog_pricesnapshot")
        end = cur.fetchone()[0]
        cur.execute("TRUNCATE trends_dailylowest")
        if end is not None:
            # bulk load: in primary-key order, the day index built once afterwards
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute(f"DROP INDEX {DAY_INDEX}")
            cur.execute(
                """
                INSERT INTO trends_dailylowest (product_id, day, price)
                SELECT product_id, day, min(price) FROM catalog_pricesnapshot
                WHERE day > %s AND day <= %s GROUP BY product_id, day ORDER BY product_id, day
                """,
                [end - dt.timedelta(days=days), end],
            )
            cur.execute(f"CREATE INDEX {DAY_INDEX} ON trends_dailylowest (day, product_id, price)")
        # fresh planner statistics for the joins below (a no-op on an empty table)
        cur.execute("ANALYZE trends_dailylowest")
        written = _recompute_window(cur, end, days, None)
        _save_state(end, days, started)
    report = RollupReport(end, True, window_products=written)
    report.seconds = time.perf_counter() - started
    logger.info("trends rollups rebuilt: end %s, %s products, %.2fs", end, written, report.seconds)
    return report


def refresh_market_rollups() -> RollupReport:
    """Fold the pending price notes into the rollups: recompute the daily lowest of exactly the
    noted products × days inside the window (all their days for a merge), then ProductWindow for
    those products — or for all when the newest day moved — and the index. Builds from scratch
    when the rollups were never built, or when the window moved back (prices of the newest day
    were removed), since older days are not kept."""
    started = time.perf_counter()
    state = MarketRollup.objects.filter(pk=1).first()
    if state is None:
        return rebuild_market_rollups()
    days = state.days
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        state.refresh_from_db()
        notes = list(PendingPrices.objects.select_for_update(skip_locked=True).order_by("pk"))
        if not notes:
            return RollupReport(state.end, False, seconds=time.perf_counter() - started)
        PendingPrices.objects.filter(pk__in=[n.pk for n in notes]).delete()
        some_days: set[int] = set()
        all_days: set[int] = set()
        touched_days: set[dt.date] = set()
        for note in notes:
            if note.days:
                some_days.update(note.product_ids)
                touched_days.update(dt.date.fromisoformat(d) for d in note.days)
            else:
                all_days.update(note.product_ids)
        newest = max(touched_days, default=state.end)
        end = max(d for d in (state.end, newest) if d) if (state.end or newest) else None
        if end is None:
            return RollupReport(None, False, seconds=time.perf_counter() - started)
        start = end - dt.timedelta(days=days)
        if all_days:
            # a merge moved the duplicates' prices to the kept product and deleted theirs
            cur.execute(
                "SELECT id FROM catalog_product WHERE merged_into_id = ANY(%s)",
                [sorted(all_days)],
            )
            all_days.update(pk for (pk,) in cur.fetchall())
        window_days = sorted(d for d in touched_days if start < d <= end)
        pairs = [
            (sorted(some_days - all_days), window_days, "day = ANY(%(days)s)"),
            (sorted(all_days), None, "day > %(start)s AND day <= %(end)s"),
        ]
        for ids, day_list, cond in pairs:
            if not ids or day_list == []:
                continue
            params = {"ids": ids, "days": day_list, "start": start, "end": end}
            cur.execute(
                f"DELETE FROM trends_dailylowest WHERE product_id = ANY(%(ids)s) AND {cond}",
                params,
            )
            cur.execute(
                f"""
                INSERT INTO trends_dailylowest (product_id, day, price)
                SELECT product_id, day, min(price) FROM catalog_pricesnapshot
                WHERE product_id = ANY(%(ids)s) AND {cond} GROUP BY product_id, day
                """,
                params,
            )
        cur.execute(_LATEST_DAY)
        latest = cur.fetchone()[0]
        if latest is not None and state.end is not None and latest < state.end:
            # the newest day lost its prices: the window moved back over days not kept
            transaction.set_rollback(True)
            moved_back = True
        else:
            moved_back = False
            cur.execute("DELETE FROM trends_dailylowest WHERE day <= %s", [start])
            products = sorted(some_days | all_days)
            full = latest != state.end
            written = _recompute_window(cur, latest, days, None if full else products)
            _save_state(latest, days, started)
    if moved_back:
        return rebuild_market_rollups(days=days)
    report = RollupReport(
        latest,
        full,
        products=len(some_days | all_days),
        days=len(window_days),
        window_products=written,
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "trends rollups refreshed: end %s, %s products × %s days, window %s (%s), %.2fs",
        latest,
        report.products,
        report.days,
        written,
        "all" if full else "touched",
        report.seconds,
    )
    return report


def ensure_market_rollups() -> MarketRollup:
    """The rollups' state, building them first when they never were."""
    state = MarketRollup.objects.filter(pk=1).first()
    if state is None:
        rebuild_market_rollups()
        state = MarketRollup.objects.get(pk=1)
    return state
