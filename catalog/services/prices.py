"""Daily prices: the one place that writes ``PriceSnapshot`` and ``DailyLowestPrice`` rows.

Every write — a crawl's handful of rows (``record_prices``), a history import's million
(``copy_prices``, PostgreSQL COPY), a merge of duplicate products (``move_price_rows``), a
removal (``delete_prices``) — validates prices with ``validate_price`` (through
``DailyPrices``), keeps the daily lowest price of every (product, day) it touched in
``DailyLowestPrice`` in the same transaction, refreshes the products' denormalised current
price with ``refresh_current_prices`` and announces the write with ``prices_recorded`` after
commit, the same way whatever brought the data in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import DailyLowestPrice, PriceSnapshot, PriceSource, Product
from catalog.signals import prices_recorded

# Prices outside this range are refused as absurd (KRW). A desktop part under 1,000원 or a
# product over 1억원 is a parsing error or a placeholder, not a price.
MIN_PRICE = 1_000
MAX_PRICE = 100_000_000


@dataclass(frozen=True)
class PriceRow:
    product_id: int
    day: dt.date
    price: int
    variant: str = ""


@dataclass
class PriceReport:
    """What a price write did; importers print it and jobs store it."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_nonpositive: int = 0
    rejected_absurd: int = 0
    merged_duplicates: int = 0

    def add(self, other: PriceReport) -> None:
        for f in self.__dataclass_fields__:
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def as_dict(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def validate_price(price: int | None) -> str | None:
    """None when the price is acceptable, else the reason it is refused."""
    if price is None or price <= 0:
        return "nonpositive"
    if price < MIN_PRICE or price > MAX_PRICE:
        return "absurd"
    return None


class DailyPrices:
    """Valid prices by (product, day, variant), ready to be written.

    ``add`` refuses invalid prices and merges the same key twice (lowest price kept), counting
    both in ``report``. The product is its id, or any key (a history file's pcode) that
    ``copy_prices`` maps to an id once the products exist. Pure Python, no database: the
    history readers of backtests use it too.
    """

    __slots__ = ("best", "report")

    def __init__(self) -> None:
        self.best: dict[tuple[Hashable, dt.date, str], int] = {}
        self.report = PriceReport()

    def __len__(self) -> int:
        return len(self.best)

    def add(self, product: Hashable, day: dt.date, variant: str, price: int | None) -> bool:
        """Keep ``price`` unless it is refused; True when it was valid."""
        problem = validate_price(price)
        if problem is not None:
            if problem == "nonpositive":
                self.report.rejected_nonpositive += 1
            else:
                self.report.rejected_absurd += 1
            return False
        key = (product, day, variant or "")
        old = self.best.get(key)
        if old is None:
            self.best[key] = price
        else:
            self.report.merged_duplicates += 1
            if price < old:
                self.best[key] = price
        return True

    def daily_lowest(self) -> dict[tuple[Hashable, dt.date], int]:
        """{(product, day): the day's lowest price over its variants}: the rule
        ``DailyLowestPrice`` keeps, for rows that are not in the database (yet)."""
        out: dict[tuple[Hashable, dt.date], int] = {}
        for (product, day, _variant), price in self.best.items():
            old = out.get((product, day))
            if old is None or price < old:
                out[(product, day)] = price
        return out


def record_prices(
    rows: Iterable[PriceRow], *, source: str = PriceSource.CRAWL, overwrite: bool = True
) -> PriceReport:
    """Write daily prices, one row per (product, day, variant), in one statement.

    Invalid prices are refused and counted; the same key twice in ``rows`` is merged (lowest
    price kept). With ``overwrite`` a new price for an existing key replaces it (a re-crawl the
    same day); without it existing rows are kept (re-importing a history file).
    """
    prices = DailyPrices()
    for row in rows:
        prices.add(row.product_id, row.day, row.variant, row.price)
    report = prices.report
    best = prices.best
    if not best:
        return report
    product_ids = sorted({k[0] for k in best})
    with transaction.atomic(), connection.cursor() as cur:
        _lock_products(cur, product_ids)
        pids, dys, vars_, prices_ = zip(
            *((k[0], k[1], k[2], v) for k, v in best.items()), strict=True
        )
        conflict = (
            "DO UPDATE SET price = EXCLUDED.price, source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at "
            "WHERE catalog_pricesnapshot.price <> EXCLUDED.price"
            if overwrite
            else "DO NOTHING"
        )
        cur.execute(
            f"""
            WITH input AS (
                SELECT * FROM unnest(%s::bigint[], %s::date[], %s::text[], %s::integer[])
                    AS t(product_id, day, variant, price)
            ), existing AS (
                SELECT p.product_id, p.day, p.variant, p.price FROM catalog_pricesnapshot p
                JOIN input i USING (product_id, day, variant)
            ), written AS (
                INSERT INTO catalog_pricesnapshot (product_id, day, variant, price, source, recorded_at)
                SELECT product_id, day, variant, price, %s, now() FROM input
                ON CONFLICT (product_id, day, variant) {conflict}
                RETURNING product_id, day, variant
            )
            SELECT
                (SELECT count(*) FROM written w WHERE NOT EXISTS (
                    SELECT 1 FROM existing e WHERE (e.product_id, e.day, e.variant) = (w.product_id, w.day, w.variant))),
                (SELECT count(*) FROM written w WHERE EXISTS (
                    SELECT 1 FROM existing e WHERE (e.product_id, e.day, e.variant) = (w.product_id, w.day, w.variant)))
            """,
            [list(pids), list(dys), list(vars_), list(prices_), source],
        )
        inserted, updated = cur.fetchone()
        report.inserted += inserted
        report.updated += updated
        report.unchanged += len(best) - inserted - updated
        if inserted or updated:
            # an overwrite may raise a price: the day's lowest is recomputed, not just lowered
            keys = sorted({(k[0], k[1]) for k in best})
            cur.execute(
                """
                INSERT INTO catalog_dailylowestprice (product_id, day, price)
                SELECT s.product_id, s.day, min(s.price)
                FROM unnest(%s::bigint[], %s::date[]) AS k(product_id, day)
                JOIN catalog_pricesnapshot s ON s.product_id = k.product_id AND s.day = k.day
                GROUP BY s.product_id, s.day ORDER BY s.product_id, s.day
                ON CONFLICT (product_id, day) DO UPDATE SET price = EXCLUDED.price
                WHERE catalog_dailylowestprice.price <> EXCLUDED.price
                """,
                [[k[0] for k in keys], [k[1] for k in keys]],
            )
        _settle(product_ids, {k[1] for k in best}, report)
    return report


# A bulk write at least this large refreshes the planner's statistics of the price tables.
ANALYZE_AFTER_ROWS = 10_000


def copy_prices(
    prices: DailyPrices,
    product_ids: Mapping[Hashable, int],
    *,
    created_product_ids: Iterable[int] = (),
    source: str = PriceSource.HISTORY,
) -> PriceReport:
    """The bulk form of ``record_prices(..., overwrite=False)`` for history imports: rows go to
    PostgreSQL with COPY, existing (product, day, variant) rows are kept.

    ``product_ids`` maps the keys ``prices`` was filled with to product ids. Rows of
    ``created_product_ids`` (products created in the current transaction, which can have no
    rows yet) are COPYed straight into the table; the others go through a temporary table and
    ``INSERT ... ON CONFLICT DO NOTHING``, which is what makes a re-import write nothing.
    The daily lowest prices follow: COPYed for the created products, lowered where a new
    row is cheaper for the others (rows are only added here, never changed, so the day's
    lowest can only fall). Current prices are refreshed and ``prices_recorded`` is sent on
    commit as ``record_prices`` does. The returned report carries ``prices``' refusals and
    merges.
    """
    report = PriceReport()
    report.add(prices.report)
    if not prices.best:
        return report
    fresh_ids = set(created_product_ids)
    fresh: list[tuple[int, dt.date, str, int]] = []
    known: list[tuple[int, dt.date, str, int]] = []
    touched: set[int] = set()
    days: set[dt.date] = set()
    for (key, day, variant), price in prices.best.items():
        pid = product_ids[key]
        (fresh if pid in fresh_ids else known).append((pid, day, variant, price))
        touched.add(pid)
        days.add(day)
    inserted = 0
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor  # the psycopg 3 cursor, for COPY
        if fresh:
            fresh.sort()
            columns = "(product_id, day, variant, price, source, recorded_at)"
            now = timezone.now()
            with raw.copy(f"COPY catalog_pricesnapshot {columns} FROM STDIN") as copy:
                for product_id, day, variant, price in fresh:
                    copy.write_row((product_id, day, variant, price, source, now))
            inserted += len(fresh)
            lowest = sorted(
                (product_ids[key], day, price)
                for (key, day), price in prices.daily_lowest().items()
                if product_ids[key] in fresh_ids
            )
            with raw.copy(
                "COPY catalog_dailylowestprice (product_id, day, price) FROM STDIN"
            ) as copy:
                for row in lowest:
                    copy.write_row(row)
        if known:
            _lock_products(cur, sorted({row[0] for row in known}))
            cur.execute("DROP TABLE IF EXISTS _price_import")
            cur.execute(
                "CREATE TEMP TABLE _price_import (product_id bigint, day date, variant text, price integer) "
                "ON COMMIT DROP"
            )
            with raw.copy(
                "COPY _price_import (product_id, day, variant, price) FROM STDIN"
            ) as copy:
                for row in known:
                    copy.write_row(row)
            cur.execute(
                """
                WITH written AS (
                    INSERT INTO catalog_pricesnapshot
                        (product_id, day, variant, price, source, recorded_at)
                    SELECT product_id, day, variant, price, %s, now() FROM _price_import
                    ORDER BY product_id, day, variant
                    ON CONFLICT (product_id, day, variant) DO NOTHING
                    RETURNING product_id, day, price
                ), lowest AS (
                    INSERT INTO catalog_dailylowestprice (product_id, day, price)
                    SELECT product_id, day, min(price) FROM written
                    GROUP BY product_id, day ORDER BY product_id, day
                    ON CONFLICT (product_id, day) DO UPDATE SET price = EXCLUDED.price
                    WHERE catalog_dailylowestprice.price > EXCLUDED.price
                )
                SELECT count(*) FROM written
                """,
                [source],
            )
            inserted += cur.fetchone()[0]
            cur.execute("DROP TABLE _price_import")
        if inserted >= ANALYZE_AFTER_ROWS:
            # Fresh statistics before the refresh below: planned on the counts of an empty or
            # much smaller table, its joins turned into nested loops that ran for minutes.
            cur.execute("ANALYZE catalog_pricesnapshot, catalog_dailylowestprice")
        report.inserted = inserted
        report.unchanged = len(prices.best) - inserted
        _settle(sorted(touched), days, report)
    return report


def move_price_rows(keep_id: int, from_ids: list[int]) -> int:
    """Move the price rows of products ``from_ids`` to product ``keep_id`` (a day ``keep_id``
    already has is not overwritten) and delete what is left of theirs; returns rows moved."""
    with transaction.atomic(), connection.cursor() as cur:
        _lock_products(cur, sorted({keep_id, *from_ids}))
        cur.execute(
            """
            INSERT INTO catalog_pricesnapshot (product_id, day, variant, price, source, recorded_at)
            SELECT %s, day, variant, price, source, recorded_at
            FROM catalog_pricesnapshot WHERE product_id = ANY(%s)
            ON CONFLICT (product_id, day, variant) DO NOTHING
            """,
            [keep_id, from_ids],
        )
        moved = cur.rowcount
        PriceSnapshot.objects.filter(product_id__in=from_ids).delete()
        _refold_daily_lowest([keep_id, *from_ids])
        refresh_current_prices([keep_id])
    announce_prices_recorded([keep_id], [])
    return moved


def delete_prices(product_ids: Iterable[int], *, days: Iterable[dt.date] | None = None) -> int:
    """Remove the price rows of ``product_ids`` (on ``days`` only, when given), with their
    daily lowest prices; returns the snapshot rows deleted. A product left without prices
    keeps no current price."""
    ids = sorted({int(pk) for pk in product_ids})
    day_list = sorted(set(days)) if days is not None else None
    with transaction.atomic():
        with connection.cursor() as cur:
            _lock_products(cur, ids)
        rows = PriceSnapshot.objects.filter(product_id__in=ids)
        lowest = DailyLowestPrice.objects.filter(product_id__in=ids)
        if day_list is not None:
            rows, lowest = rows.filter(day__in=day_list), lowest.filter(day__in=day_list)
        deleted, _ = rows.delete()
        lowest.delete()
        Product.objects.filter(pk__in=ids).exclude(
            pk__in=DailyLowestPrice.objects.filter(product_id__in=ids).values("product_id")
        ).update(current_price=None, current_price_day=None)
        refresh_current_prices(ids)
    if deleted:
        announce_prices_recorded(ids, [d.isoformat() for d in day_list or []])
    return deleted


def _lock_products(cur: object, product_ids: list[int]) -> None:
    """Lock the products' rows (in id order) for the rest of the transaction: two writes of the
    same product's prices then run one after the other, so the day's lowest that each computes
    from the snapshots sees the other's rows (the current-price refresh takes these locks at
    the end anyway)."""
    cur.execute(
        "SELECT 1 FROM catalog_product WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [product_ids]
    )


def analyze_prices() -> None:
    """Fresh planner statistics for the price tables after a bulk load (a benchmark's, a first
    history import's), so that the next reads are planned for what is there now."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE catalog_pricesnapshot, catalog_dailylowestprice")


def _refold_daily_lowest(product_ids: list[int]) -> None:
    """Recompute every daily lowest price of ``product_ids`` from their snapshots (after rows
    moved between products)."""
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM catalog_dailylowestprice WHERE product_id = ANY(%s)", [product_ids]
        )
        cur.execute(
            """
            INSERT INTO catalog_dailylowestprice (product_id, day, price)
            SELECT product_id, day, min(price) FROM catalog_pricesnapshot
            WHERE product_id = ANY(%s) GROUP BY product_id, day ORDER BY product_id, day
            """,
            [product_ids],
        )


def _settle(product_ids: list[int], days: Iterable[dt.date], report: PriceReport) -> None:
    """After a write: the products' current prices follow, and the write is announced."""
    refresh_current_prices(product_ids)
    if report.inserted or report.updated:
        announce_prices_recorded(product_ids, sorted(d.isoformat() for d in days))


def announce_prices_recorded(product_ids: list[int], days: list[str]) -> None:
    """Send ``prices_recorded`` once the transaction commits (the only place that sends it)."""
    ids, day_strs = list(product_ids), list(days)
    transaction.on_commit(
        lambda: prices_recorded.send(sender=Product, product_ids=ids, days=day_strs)
    )


def refresh_current_prices(product_ids: Iterable[int] | None = None) -> None:
    """Recompute current_price (the daily lowest of the latest day), first_seen and last_seen
    from ``DailyLowestPrice``."""
    ids = list(product_ids) if product_ids is not None else None
    where = "WHERE d.product_id = ANY(%(ids)s)" if ids is not None else ""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH span AS MATERIALIZED (
                SELECT d.product_id, min(d.day) AS first_day, max(d.day) AS last_day
                FROM catalog_dailylowestprice d {where} GROUP BY d.product_id
            ), latest AS MATERIALIZED (
                SELECT d.product_id, d.price
                FROM catalog_dailylowestprice d JOIN span USING (product_id)
                WHERE d.day = span.last_day
            )
            UPDATE catalog_product p SET
                current_price = latest.price,
                current_price_day = span.last_day,
                first_seen = LEAST(coalesce(p.first_seen, span.first_day), span.first_day),
                last_seen = GREATEST(coalesce(p.last_seen, span.last_day), span.last_day)
            FROM span JOIN latest USING (product_id)
            WHERE p.id = span.product_id
              AND (p.current_price IS DISTINCT FROM latest.price
                   OR p.current_price_day IS DISTINCT FROM span.last_day
                   OR p.first_seen IS DISTINCT FROM LEAST(coalesce(p.first_seen, span.first_day), span.first_day)
                   OR p.last_seen IS DISTINCT FROM GREATEST(coalesce(p.last_seen, span.last_day), span.last_day))
            """,
            {"ids": ids},
        )
