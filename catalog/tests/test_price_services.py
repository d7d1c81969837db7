"""record_prices / merge_products: one row per product, day and variant; nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.models import PriceSnapshot
from catalog.services import PriceRow, merge_products, record_prices
from catalog.tests.factories import ProductFactory

D1, D2 = dt.date(2024, 1, 1), dt.date(2024, 1, 2)


@pytest.mark.django_db
def test_record_prices_refuses_bad_prices_merges_duplicates_and_updates_on_recrawl() -> None:
    p = ProductFactory()
    report = record_prices(
        [PriceRow(p.pk, D1, 100_000), PriceRow(p.pk, D1, 90_000), PriceRow(p.pk, D1, 0),
         PriceRow(p.pk, D1, 500), PriceRow(p.pk, D2, 95_000, "벌크")]
    )  # fmt: skip
    assert (report.inserted, report.merged_duplicates) == (2, 1)
    assert (report.rejected_nonpositive, report.rejected_absurd) == (1, 1)
    assert PriceSnapshot.objects.get(product=p, day=D1).price == 90_000

    recrawl = record_prices([PriceRow(p.pk, D1, 85_000), PriceRow(p.pk, D2, 95_000, "벌크")])
    assert (recrawl.inserted, recrawl.updated, recrawl.unchanged) == (0, 1, 1)
    assert PriceSnapshot.objects.count() == 2
    p.refresh_from_db()
    assert (p.current_price, p.current_price_day) == (95_000, D2)

    kept = record_prices([PriceRow(p.pk, D1, 70_000)], overwrite=False)
    assert kept.unchanged == 1
    assert PriceSnapshot.objects.get(product=p, day=D1).price == 85_000


@pytest.mark.django_db
def test_merging_duplicates_moves_their_history_without_overwriting_days_already_known() -> None:
    keep, dup = ProductFactory(), ProductFactory()
    record_prices(
        [
            PriceRow(keep.pk, D1, 100_000),
            PriceRow(dup.pk, D1, 1_000_000),
            PriceRow(dup.pk, D2, 110_000),
        ]
    )
    moved = merge_products(keep, [dup])
    assert moved == 1
    assert dict(PriceSnapshot.objects.filter(product=keep).values_list("day", "price")) == {
        D1: 100_000,
        D2: 110_000,
    }
    dup.refresh_from_db()
    assert dup.merged_into == keep and not dup.is_active
    keep.refresh_from_db()
    assert keep.current_price == 110_000
