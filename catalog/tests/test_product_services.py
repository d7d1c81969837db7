"""upsert_product says what it did (created / the fields that changed), so that the crawler and
the importers count created, updated and unchanged products from it, not from timestamps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from catalog.importers.products import import_products_csv
from catalog.models import Product
from catalog.services import ProductData, get_category, upsert_product, upsert_products_bulk
from catalog.signals import products_changed

pytestmark = pytest.mark.django_db


def data(**overrides: object) -> ProductData:
    values: dict[str, object] = {
        "name": "테스트 데스크톱 A",
        "category": get_category("112756"),
        "pcode": "9000001",
        "spec_summary": "인텔 코어i5-13400F / RTX 4060 / 16GB / SSD 512GB",
    }
    values.update(overrides)
    return ProductData(**values)


def test_a_new_product_is_reported_created_with_no_changed_fields() -> None:
    result = upsert_product(data())
    assert result.created and not result.updated
    assert result.changed == frozenset() and result.outcome == "created"
    assert result.product.pk == Product.objects.get(pcode="9000001").pk


def test_the_same_data_again_is_reported_unchanged() -> None:
    upsert_product(data())
    result = upsert_product(data())
    assert not result.created and not result.updated
    assert result.changed == frozenset() and result.outcome == "unchanged"


def test_an_update_names_the_fields_it_changed_including_the_parsed_ones() -> None:
    upsert_product(data())
    result = upsert_product(data(spec_summary="인텔 코어i5-13400F / RTX 4060 / 32GB / SSD 512GB"))
    assert result.updated and result.outcome == "updated"
    assert {"spec_summary", "ram_gb"} <= result.changed
    assert "name" not in result.changed
    assert result.product.ram_gb == 32
    renamed = upsert_product(data(name="테스트 데스크톱 B"))
    assert "name" in renamed.changed


def test_empty_fields_change_nothing_and_are_not_reported() -> None:
    upsert_product(data())
    result = upsert_product(data(spec_summary=""))
    assert result.outcome == "unchanged"


def test_the_product_importer_counts_from_the_report_even_under_a_frozen_clock(
    tmp_path: Path, monkeypatch
) -> None:
    """With a clock that does not move, "updated_at changed" cannot tell an update from
    nothing; the change report can."""
    frozen = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    csv = tmp_path / "c.csv"
    csv.write_text(
        "name,category,pcode,specs\n"
        "데스크톱 A,desktop,701,인텔 코어i5-13400F / 16GB\n"
        "데스크톱 B,desktop,702,인텔 코어i5-13400F / 16GB\n",
        encoding="utf-8",
    )
    first = import_products_csv(csv)
    assert (first.products_created, first.products_updated, first.products_unchanged) == (2, 0, 0)
    csv.write_text(
        "name,category,pcode,specs\n"
        "데스크톱 A,desktop,701,인텔 코어i5-13400F / 32GB\n"
        "데스크톱 B,desktop,702,인텔 코어i5-13400F / 16GB\n",
        encoding="utf-8",
    )
    second = import_products_csv(csv)
    assert (second.products_created, second.products_updated, second.products_unchanged) == (
        0,
        1,
        1,
    )


def test_the_bulk_upsert_reports_created_and_updated_and_announces_the_new_ones_once(
    django_capture_on_commit_callbacks,
) -> None:
    category = get_category("112756")
    heard: list[tuple[list[int], str]] = []

    def receiver(sender: object, product_ids: list[int], reason: str, **kwargs: object) -> None:
        heard.append((sorted(product_ids), reason))

    def rows(names: list[str]) -> list[Product]:
        return [Product(pcode=f"bulk-{i}", name=n, category=category) for i, n in enumerate(names)]

    progress: list[int] = []
    products_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = upsert_products_bulk(
                rows(["a", "b", "c"]), fields=["name"], batch_size=2, progress=progress.append
            )
        with django_capture_on_commit_callbacks(execute=True):
            second = upsert_products_bulk(rows(["a2", "b", "c", "d"]), fields=["name"])
    finally:
        products_changed.disconnect(receiver)
    assert progress == [2, 3]
    assert len(first.created_ids) == 3 and first.updated_ids == []
    assert len(second.created_ids) == 1 and len(second.updated_ids) == 3
    assert set(second.ids) == {"bulk-0", "bulk-1", "bulk-2", "bulk-3"}
    assert Product.objects.get(pcode="bulk-0").name == "a2"
    assert heard == [(sorted(first.created_ids), "created"), (second.created_ids, "created")]
