"""Product.gpu_integrated: one rule (``catalog.specs.is_integrated_gpu``), stored with the specs by
every path that writes products (issue 9.3)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from catalog.benchmarks import reset_matcher
from catalog.danawa.categories import BRAND_PC
from catalog.danawa.crawler import crawl_category
from catalog.demo.components import GPUS
from catalog.demo.generator import desktop_spec
from catalog.demo.service import seed_demo
from catalog.importers.products import import_products_csv
from catalog.models import Product
from catalog.services import (
    ProductData,
    get_category,
    rematch_benchmarks,
    save_product,
    upsert_product,
)
from catalog.specs import is_integrated_gpu, parse_specs
from catalog.tests.factories import ProductFactory
from catalog.tests.fake_danawa import FakeDanawa, fake_danawa_fixture  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def fresh_benchmark_matcher() -> None:
    reset_matcher()
    yield
    reset_matcher()


@pytest.mark.parametrize(
    ("gpu_model", "integrated"),
    [
        ("Intel UHD Graphics 730", True),
        ("Intel Iris Xe Graphics", True),
        ("Intel HD Graphics 630", True),
        ("Radeon Vega 7", True),
        ("Radeon 610M", True),
        ("Apple M2", True),
        ("GeForce RTX 4060", False),
        ("Radeon RX Vega 56", False),
        ("Intel Arc A770", False),
        ("", False),
    ],
)
def test_the_rule_reads_the_canonical_gpu_name(gpu_model: str, integrated: bool) -> None:
    assert is_integrated_gpu(gpu_model) is integrated


def test_the_rule_agrees_with_what_the_parser_flags_as_integrated() -> None:
    for summary in ("인텔 UHD 730", "라데온 Vega 7", "인텔 Iris Xe", "지포스 RTX 4060"):
        parsed = parse_specs("PC", f"인텔 코어i5-13400 / {summary} / 16GB", kind="desktop")
        assert is_integrated_gpu(parsed.gpu_model) is parsed.integrated_gpu, summary


def test_the_demo_components_are_integrated_by_the_same_rule() -> None:
    assert {g.name for g in GPUS if g.integrated} == {g.name for g in GPUS if g.vram_gb == 0}
    assert any(g.integrated for g in GPUS) and not all(g.integrated for g in GPUS)


@pytest.mark.django_db
def test_a_crawl_stores_it(fake_danawa: FakeDanawa) -> None:
    crawl_category(BRAND_PC, client=fake_danawa.client())
    stored = dict(Product.objects.values_list("pcode", "gpu_integrated"))
    assert stored["19284752"] is True  # 인텔 UHD 730
    assert stored["17562011"] is False  # 지포스 RTX 4060
    for p in Product.objects.all():
        assert p.gpu_integrated is is_integrated_gpu(p.gpu_model), p.name


@pytest.mark.django_db
def test_an_upsert_sets_it_and_a_new_gpu_changes_it() -> None:
    category = get_category(BRAND_PC)
    data = ProductData(name="PC 하나", category=category, pcode="900001",
                       spec_summary="인텔 코어i5-13400 / 인텔 UHD 730 / 16GB")  # fmt: skip
    created = upsert_product(data)
    assert created.product.gpu_integrated is True
    data.spec_summary = "인텔 코어i5-13400 / 지포스 RTX 4060 / 16GB"
    updated = upsert_product(data)
    assert "gpu_integrated" in updated.changed
    assert Product.objects.get(pcode="900001").gpu_integrated is False


@pytest.mark.django_db
def test_a_csv_import_stores_it(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        "name,category,price,specs\n"
        "사무용 PC,desktop,500000,인텔 코어i3-13100 / 인텔 UHD 730 / 8GB\n"
        "게임용 PC,desktop,1500000,인텔 코어i5-13400F / RTX 4060 / 16GB\n",
        encoding="utf-8",
    )
    assert import_products_csv(tmp_path / "c.csv").errors == []
    assert dict(Product.objects.values_list("name", "gpu_integrated")) == {
        "사무용 PC": True,
        "게임용 PC": False,
    }


@pytest.mark.django_db
def test_the_demo_stores_it_for_its_integrated_graphics_pcs() -> None:
    seed_demo(products=40, days=2, others_per_category=1)
    specs = {s.pcode: s for s in (desktop_spec(42, i) for i in range(40))}
    stored = dict(Product.objects.filter(pcode__in=specs).values_list("pcode", "gpu_integrated"))
    assert stored == {pcode: s.gpu.integrated for pcode, s in specs.items()}
    assert True in stored.values() and False in stored.values()


@pytest.mark.django_db
def test_a_staff_edit_of_the_gpu_and_a_rematch_keep_it_in_step() -> None:
    product = ProductFactory(gpu_model="GeForce RTX 4060")
    assert product.gpu_integrated is False
    product.gpu_model = "Intel UHD Graphics 770"
    save_product(product, ["gpu_model"], created=False)
    assert Product.objects.get(pk=product.pk).gpu_integrated is True

    Product.objects.filter(pk=product.pk).update(gpu_integrated=False)  # stale
    rematch_benchmarks([product.pk])
    assert Product.objects.get(pk=product.pk).gpu_integrated is True


@pytest.mark.django_db
def test_the_migration_backfills_it_from_the_stored_gpu_model() -> None:
    igpu = ProductFactory(gpu_model="Radeon Vega 7")
    card = ProductFactory(gpu_model="GeForce RTX 3060")
    none = ProductFactory()
    Product.objects.update(gpu_integrated=False)  # as the column is right after AddField
    migration = importlib.import_module("catalog.migrations.0006_product_gpu_integrated")
    migration.backfill(django_apps, None)
    stored = dict(Product.objects.values_list("pk", "gpu_integrated"))
    assert stored == {igpu.pk: True, card.pk: False, none.pk: False}
