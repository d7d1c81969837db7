"""The daily lowest price has one home, ``DailyLowestPrice``: every price write keeps it equal to
``min(price)`` over the day's variant rows, in the write's own transaction."""

from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.db import connection
from django.db.models import Min

from catalog.models import DailyLowestPrice, PriceSnapshot, Product
from catalog.services import (
    DailyPrices,
    PriceRow,
    copy_prices,
    delete_prices,
    merge_products,
    record_prices,
)
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)


def _store() -> dict[tuple[int, dt.date], int]:
    return {(p, d): price for p, d, price in DailyLowestPrice.objects.values_list("product_id", "day", "price")}  # fmt: skip


def _from_snapshots() -> dict[tuple[int, dt.date], int]:
    rows = PriceSnapshot.objects.values("product_id", "day").annotate(low=Min("price"))
    return {(r["product_id"], r["day"]): r["low"] for r in rows}


def test_a_crawl_keeps_the_lowest_variant_and_a_recrawl_may_raise_it() -> None:
    p = ProductFactory()
    record_prices([PriceRow(p.pk, D1, 100_000), PriceRow(p.pk, D1, 90_000, "벌크")])
    assert _store() == {(p.pk, D1): 90_000}
    # the same day re-crawled: the cheap variant went up, the day's lowest goes up with it
    record_prices([PriceRow(p.pk, D1, 120_000, "벌크")])
    assert _store() == {(p.pk, D1): 100_000}
    p.refresh_from_db()
    assert (p.current_price, p.current_price_day) == (100_000, D1)
    # without overwrite an existing row stays, and so does the lowest
    record_prices([PriceRow(p.pk, D1, 50_000)], overwrite=False)
    assert _store() == {(p.pk, D1): 100_000}


def test_the_copy_path_keeps_the_store_for_new_and_known_products() -> None:
    new, known = ProductFactory(), ProductFactory()
    record_prices([PriceRow(known.pk, D1, 80_000)])
    prices = DailyPrices()
    for product in (new, known):
        prices.add(product.pcode, D1, "정품", 95_000)
        prices.add(product.pcode, D1, "벌크", 70_000)
        prices.add(product.pcode, D2, "", 60_000)
    ids = {new.pcode: new.pk, known.pcode: known.pk}
    copy_prices(prices, ids, created_product_ids=[new.pk])
    assert _store() == {
        (new.pk, D1): 70_000,
        (new.pk, D2): 60_000,
        (known.pk, D1): 70_000,  # a cheaper variant than the 80,000 already known
        (known.pk, D2): 60_000,
    }
    again = copy_prices(prices, ids)
    assert again.inserted == 0 and _store() == _from_snapshots()


def test_a_merge_and_a_removal_leave_the_store_equal_to_the_snapshots() -> None:
    keep, dup = ProductFactory(), ProductFactory()
    record_prices(
        [PriceRow(keep.pk, D1, 100_000), PriceRow(dup.pk, D1, 1_000_000), PriceRow(dup.pk, D2, 110_000)]
    )  # fmt: skip
    merge_products(keep, [dup])
    assert _store() == {(keep.pk, D1): 100_000, (keep.pk, D2): 110_000}

    assert delete_prices([keep.pk], days=[D2]) == 1
    assert _store() == {(keep.pk, D1): 100_000} == _from_snapshots()
    keep.refresh_from_db()
    assert (keep.current_price, keep.current_price_day) == (100_000, D1)
    delete_prices([keep.pk])
    keep.refresh_from_db()
    assert _store() == {} and keep.current_price is None


def test_random_writes_through_every_path_keep_the_store_equal_to_the_snapshots() -> None:
    rng = random.Random(1)
    products = [ProductFactory() for _ in range(6)]
    days = [D1, D2, D3]
    for round_ in range(12):
        rows = [
            PriceRow(p.pk, rng.choice(days), rng.randint(10_000, 99_000), rng.choice(["", "벌크"]))
            for p in rng.sample(products, 3)
        ]
        if round_ % 3 == 0:
            prices = DailyPrices()
            for row in rows:
                prices.add(row.product_id, row.day, row.variant, row.price)
            copy_prices(prices, {p.pk: p.pk for p in products})
        else:
            record_prices(rows, overwrite=bool(round_ % 2))
    assert _store() == _from_snapshots() != {}


def test_the_migration_backfills_the_store_from_existing_snapshots() -> None:
    p, q = ProductFactory(), ProductFactory()
    record_prices([PriceRow(p.pk, D1, 100_000), PriceRow(p.pk, D1, 90_000, "벌크"),
                   PriceRow(q.pk, D2, 50_000)])  # fmt: skip
    DailyLowestPrice.objects.all().delete()  # as before the store existed
    migration = importlib.import_module("catalog.migrations.0007_daily_lowest_price")
    with connection.cursor() as cur:
        cur.execute(migration.backfill.sql)
    assert _store() == {(p.pk, D1): 90_000, (q.pk, D2): 50_000}


def test_the_history_reads_the_store() -> None:
    from catalog.history import load_price_history

    p = ProductFactory()
    record_prices([PriceRow(p.pk, D1, 100_000), PriceRow(p.pk, D2, 90_000)])
    DailyLowestPrice.objects.filter(product=p, day=D2).update(price=1_234)  # only the store
    history = load_price_history(p.pk)
    assert history.points == [(D1, 100_000), (D2, 1_234)]
    assert (
        Product.objects.with_daily_lowest("latest", since=D1, until=D3).get(pk=p.pk).latest == 1_234
    )


@pytest.mark.django_db(transaction=True)
def test_two_writes_of_the_same_day_at_once_keep_the_lowest_of_both() -> None:
    """A crawl's write waits for another write of the same product to commit, so the day's
    lowest it computes from the snapshots includes the other's cheaper variant."""
    import threading
    import time

    from django.db import connections, transaction

    p = ProductFactory()
    record_prices([PriceRow(p.pk, D1, 100_000)])
    first_wrote, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                record_prices([PriceRow(p.pk, D1, 80_000, "벌크")])
                first_wrote.set()
                release.wait(10)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            record_prices([PriceRow(p.pk, D1, 90_000, "정품")])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert first_wrote.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)  # the second write is now waiting for the first
    release.set()
    one.join(10)
    two.join(10)
    assert errors == []
    assert _store() == {(p.pk, D1): 80_000} == _from_snapshots()
