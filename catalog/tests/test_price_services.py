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


def _listen(signal):
    heard: list[tuple[list[int], list[str]]] = []

    def receiver(sender: object, product_ids: list[int], days: list[str], **kwargs: object) -> None:
        heard.append((sorted(product_ids), list(days)))

    signal.connect(receiver)
    return heard, lambda: signal.disconnect(receiver)


@pytest.mark.django_db
def test_the_copy_path_refreshes_current_prices_and_announces_like_record_prices(
    django_capture_on_commit_callbacks,
) -> None:
    """The same rows through ``record_prices(overwrite=False)`` and ``copy_prices`` leave the
    products in the same state, report the same counts and send the same ``prices_recorded``."""
    from catalog.services import DailyPrices, copy_prices
    from catalog.signals import prices_recorded

    by_record, by_copy_new, by_copy_known = ProductFactory(), ProductFactory(), ProductFactory()
    rows = [(D1, "", 100_000), (D1, "", 90_000), (D2, "벌크", 95_000), (D2, "정품", 99_000),
            (D2, "", 0), (D2, "", 500)]  # fmt: skip
    # a stale denormalised price, which both paths must repair
    for p in (by_record, by_copy_known):
        p.current_price = 1
        p.save()

    heard, stop = _listen(prices_recorded)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            recorded = record_prices(
                [PriceRow(by_record.pk, d, price, v) for d, v, price in rows], overwrite=False
            )
        copied = {}
        for product, created in ((by_copy_new, True), (by_copy_known, False)):
            prices = DailyPrices()
            for d, v, price in rows:
                prices.add(product.pcode, d, v, price)
            with django_capture_on_commit_callbacks(execute=True):
                copied[product.pk] = copy_prices(
                    prices,
                    {product.pcode: product.pk},
                    created_product_ids=[product.pk] if created else [],
                )
        with django_capture_on_commit_callbacks(execute=True):
            again = DailyPrices()
            again.add(by_copy_known.pcode, D1, "", 90_000)
            nothing = copy_prices(again, {by_copy_known.pcode: by_copy_known.pk})
    finally:
        stop()

    expected = recorded.as_dict()
    assert expected == {"inserted": 3, "updated": 0, "unchanged": 0, "rejected_nonpositive": 1,
                        "rejected_absurd": 1, "merged_duplicates": 1}  # fmt: skip
    assert all(report.as_dict() == expected for report in copied.values())
    assert (nothing.inserted, nothing.unchanged) == (0, 1)
    days = [D1.isoformat(), D2.isoformat()]
    assert heard == [([by_record.pk], days), ([by_copy_new.pk], days), ([by_copy_known.pk], days)]

    def state(p):
        p.refresh_from_db()
        history = sorted(
            PriceSnapshot.objects.filter(product=p).values_list("day", "variant", "price")
        )
        return (p.current_price, p.current_price_day, p.first_seen, p.last_seen, history)

    assert state(by_record) == state(by_copy_new) == state(by_copy_known)
    assert state(by_record)[:2] == (95_000, D2)


@pytest.mark.django_db
def test_the_history_import_announces_its_prices_after_commit(
    tmp_path, django_capture_on_commit_callbacks
) -> None:
    from catalog.importers.price_history import import_price_history_dir
    from catalog.models import Product
    from catalog.signals import prices_recorded

    (tmp_path / "CPU_2022-03.csv").write_text(
        'Id,Name,2022-03-01 10:00:00,2022-03-02 10:00:00\n1001,a cpu,"100,000","90,000"\n',
        encoding="utf-8",
    )
    heard, stop = _listen(prices_recorded)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_price_history_dir(tmp_path)
        with django_capture_on_commit_callbacks(execute=True):
            again = import_price_history_dir(tmp_path)
    finally:
        stop()
    product = Product.objects.get(pcode="1001")
    assert heard == [([product.pk], ["2022-03-01", "2022-03-02"])]  # a re-import adds nothing
    assert again.inserted == 0
    assert (product.current_price, product.current_price_day) == (90_000, dt.date(2022, 3, 2))
