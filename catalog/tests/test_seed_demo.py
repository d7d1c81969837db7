"""The demo catalog: `manage.py seed_demo` builds a plausible, self-contained catalog."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from io import StringIO
from statistics import mean

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.demo.components import CPUS, GPUS, cpu
from catalog.demo.generator import compatible, desktop_spec
from catalog.demo.lines import LINES
from catalog.demo.prices import round_price
from catalog.models import (
    Category,
    CpuBenchmark,
    GpuBenchmark,
    Job,
    JobKind,
    JobStatus,
    PriceSnapshot,
    PriceSource,
    Product,
)
from catalog.signals import products_changed
from catalog.tests.factories import ProductFactory

DESKTOPS, DAYS, OTHERS = 60, 12, 8


def seed(*extra: str) -> str:
    out = StringIO()
    call_command(
        "seed_demo",
        "--products", str(DESKTOPS), "--days", str(DAYS), "--others", str(OTHERS), *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def brand_pcs():
    return Product.objects.filter(category__code="112756")


def test_a_small_seed_creates_the_expected_products(seeded: str) -> None:
    assert brand_pcs().count() == DESKTOPS
    assert Category.objects.get(code="112756").kind == "desktop"
    assert Product.objects.filter(category__code="112766").count() == 2  # one per 30, at least 1
    components = Product.objects.filter(category__kind__in=("cpu", "gpu")).count()
    assert components > 0
    assert Product.objects.count() == DESKTOPS + 2 + 3 * OTHERS + components
    assert not Product.objects.filter(is_demo=False).exists()
    assert all(p.startswith("demo-") for p in Product.objects.values_list("pcode", flat=True))
    pc = brand_pcs().select_related("manufacturer").first()
    assert pc.manufacturer is not None and pc.spec_summary.count(" / ") >= 5
    assert pc.cpu_model and pc.gpu_model and pc.ram_gb and pc.ssd_gb and pc.os and pc.form_factor
    assert "데모 데이터 완료" in seeded
    job = Job.objects.get(kind=JobKind.SEED_DEMO)
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.stats["products"] == DESKTOPS + 2 + 3 * OTHERS + components
    assert job.stats["components"] == {
        "cpu": Product.objects.filter(category__kind="cpu").count(),
        "gpu": Product.objects.filter(category__kind="gpu").count(),
    }


def test_every_desktop_has_a_price_history_covering_the_window(seeded: str) -> None:
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    days_by_product = defaultdict(set)
    for pid, day in PriceSnapshot.objects.filter(product__category__kind="desktop").values_list(
        "product_id", "day"
    ):
        days_by_product[pid].add(day)
    desktops = list(Product.objects.filter(category__kind="desktop"))
    assert len(days_by_product) == len(desktops)
    assert set().union(*days_by_product.values()) == {
        first + dt.timedelta(days=i) for i in range(DAYS)
    }
    full = sum(len(days) >= DAYS - 1 for days in days_by_product.values())
    assert full >= 0.9 * len(desktops)  # a few appear late or disappear; a day can be missing
    assert all(p.current_price and p.first_seen and p.last_seen for p in desktops)
    assert not PriceSnapshot.objects.exclude(source=PriceSource.DEMO).exists()


def test_every_desktop_has_a_stored_drawn_image_and_linked_benchmarks(seeded: str) -> None:
    storage = Product._meta.get_field("image").storage
    for p in Product.objects.filter(category__kind="desktop"):
        assert p.image_source == "demo:drawn"
        with storage.open(p.image.name, "rb") as fh:
            data = fh.read()
        assert data[:2] == b"\xff\xd8"  # JPEG
        assert hashlib.sha256(data).hexdigest() == p.image_sha256
        assert p.cpu_benchmark_id and p.cpu_match_confidence == 1.0
        assert p.gpu_benchmark_id and p.gpu_match_confidence == 1.0
        assert p.cpu_benchmark.name == p.cpu_model


def test_products_of_one_chassis_share_one_image(seeded: str) -> None:
    shas = list(brand_pcs().values_list("image_sha256", flat=True))
    assert len(set(shas)) < len(shas)


def test_top_gpu_builds_cost_more_than_integrated_graphics_office_pcs(seeded: str) -> None:
    pcs = list(brand_pcs().select_related("gpu_benchmark"))
    top = [p.current_price for p in pcs if p.gpu_benchmark.score >= 26000]
    office = [p.current_price for p in pcs if p.vram_gb is None]
    assert top and office
    assert mean(top) > 2 * mean(office)


def test_the_non_pc_categories_exist_with_images(seeded: str) -> None:
    for code, name in (("demo:sofa", "소파"), ("demo:padding", "패딩"), ("demo:shoes", "신발")):
        category = Category.objects.get(code=code)
        assert category.name == name and category.kind == "other"
        items = list(category.products.all())
        assert len(items) == OTHERS
        assert all(p.image and p.image_sha256 and p.current_price for p in items)
        assert len({p.image_sha256 for p in items}) == OTHERS  # each drawn on its own


def test_a_second_run_adds_nothing(seeded: str) -> None:
    products, prices = Product.objects.count(), PriceSnapshot.objects.count()
    out = seed()
    assert Product.objects.count() == products
    assert PriceSnapshot.objects.count() == prices
    assert "새로 0," in out and "추가 0," in out and "새로 저장 0" in out


def test_if_empty_does_nothing_on_a_non_empty_catalog(db) -> None:
    ProductFactory()
    seed("--if-empty")
    assert Product.objects.count() == 1
    assert not Job.objects.filter(kind=JobKind.SEED_DEMO).exists()


def test_if_empty_seeds_an_empty_catalog(db) -> None:
    seed("--if-empty")
    assert brand_pcs().count() == DESKTOPS


def test_reset_replaces_demo_rows_and_keeps_real_ones(seeded: str) -> None:
    real = ProductFactory()
    out = StringIO()
    call_command("seed_demo", "--products", "5", "--days", "3", "--others", "1", "--reset",
                 stdout=out)  # fmt: skip
    assert brand_pcs().filter(is_demo=True).count() == 5
    assert Product.objects.filter(pk=real.pk).exists()
    parts = Product.objects.filter(is_demo=True, category__kind__in=("cpu", "gpu")).count()
    # a CPU has at most two variants a day
    assert (
        PriceSnapshot.objects.filter(product__is_demo=True).count() <= (5 + 1 + 3 + 2 * parts) * 3
    )


def test_an_imported_benchmark_row_is_kept_and_linked(db) -> None:
    real = CpuBenchmark.objects.create(
        name="Intel Core i5-12400F", normalized_name="core i5-12400f", score=19999
    )
    seed()
    real.refresh_from_db()
    assert real.score == 19999
    assert CpuBenchmark.objects.filter(name="AMD Ryzen 7 7800X3D").exists()
    users = Product.objects.filter(cpu_model="Intel Core i5-12400F")
    assert all(p.cpu_benchmark_id == real.pk for p in users)


def test_products_changed_is_sent_once_with_all_new_ids(db, django_capture_on_commit_callbacks):
    calls = []

    def receiver(sender, product_ids, reason, **kwargs):
        calls.append((sorted(product_ids), reason))

    products_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            seed()
    finally:
        products_changed.disconnect(receiver)
    assert calls == [(sorted(Product.objects.values_list("id", flat=True)), "created")]


def test_generation_is_deterministic_and_a_small_seed_is_the_head_of_a_big_one() -> None:
    assert [desktop_spec(42, i).name for i in range(50)] == [
        desktop_spec(42, i).name for i in range(50)
    ]
    assert [desktop_spec(42, i).name for i in range(50)] != [
        desktop_spec(7, i).name for i in range(50)
    ]


def test_combinations_are_plausible() -> None:
    specs = [desktop_spec(42, i) for i in range(3600)]
    for s in specs:
        assert compatible(s.cpu, s.gpu), s.name
        assert (s.cpu.vendor == "apple") == (s.line.brand == "Apple"), s.name
        if s.line.segment == "office":
            assert s.gpu.integrated, s.name
        if s.gpu.tier >= 7:
            assert s.cpu.tier >= 5 and s.ram_gb >= 32, s.name
    assert not any(s.cpu.name == "Intel Core i3-12100" and s.gpu.tier >= 6 for s in specs)
    assert len({s.line.brand for s in specs}) >= 12


def test_the_component_table_has_the_named_parts() -> None:
    names = {c.name for c in CPUS} | {g.name for g in GPUS}
    for wanted in (
        "Intel Core i5-12400F", "Intel Core i9-14900K", "AMD Ryzen 5 5600X",
        "AMD Ryzen 7 7800X3D", "GeForce RTX 4060", "GeForce RTX 4090", "Radeon RX 7600",
        "Intel Arc A770", "Intel UHD 730", "Radeon Vega 7", "Radeon 610M",
    ):  # fmt: skip
        assert wanted in names
    assert cpu("i9-14900K").mark > cpu("i5-12400F").mark > cpu("i3-12100").mark
    assert all(line.cpus and line.gpus for line in LINES)


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [(1_234_567, 0, 1_234_600), (1_234_567, 1, 1_234_900), (1_234_567, 2, 1_229_900),
     (1_234_567, 3, 1_235_000)],
)  # fmt: skip
def test_prices_are_rounded_like_shop_prices(value: int, style: int, expected: int) -> None:
    assert round_price(value, style) == expected


def test_demo_benchmark_rows_are_normalised_as_the_passmark_importer_stores_them(
    db, tmp_path
) -> None:
    """The matcher looks rows up by ``normalized_name``: a demo row must carry what a real
    PassMark import stores for the same name, or demo and imported rows match differently."""
    from catalog.demo.service import ensure_benchmarks
    from catalog.importers.benchmarks import import_benchmarks_dir

    ensure_benchmarks()
    demo = {
        "cpu": dict(CpuBenchmark.objects.values_list("name", "normalized_name")),
        "gpu": dict(GpuBenchmark.objects.values_list("name", "normalized_name")),
    }
    CpuBenchmark.objects.all().delete()
    GpuBenchmark.objects.all().delete()
    (tmp_path / "CPU_benchmark_v4.csv").write_text(
        "cpuName,price,cpuMark,cpuValue,threadMark,threadValue,TDP,powerPerf,cores,testDate,"
        "socket,category\n" + "".join(f'"{c.name}",,{c.mark},,,,,,,,,\n' for c in CPUS),
        encoding="utf-8",
    )
    (tmp_path / "GPU_benchmarks_v7.csv").write_text(
        "gpuName,G3Dmark,G2Dmark,price,gpuValue,TDP,powerPerformance,testDate,category\n"
        + "".join(f'"{g.name}",{g.mark},,,,,,,\n' for g in GPUS),
        encoding="utf-8",
    )
    report = import_benchmarks_dir(tmp_path)
    assert report["error_count"] == 0
    imported = {
        "cpu": dict(CpuBenchmark.objects.values_list("name", "normalized_name")),
        "gpu": dict(GpuBenchmark.objects.values_list("name", "normalized_name")),
    }
    assert len(demo["cpu"]) == len(CPUS) and len(demo["gpu"]) == len(GPUS)
    assert demo == imported


def test_the_desktops_parts_are_sold_as_component_products_named_as_danawa_lists_them(
    seeded: str,
) -> None:
    from catalog.demo.parts import sold_separately
    from catalog.specs import parse_specs

    cpus = Product.objects.filter(category__code="112747").select_related("category")
    cards = Product.objects.filter(category__code="112753").select_related("manufacturer")
    assert cpus.exists() and cards.exists()
    for p in [*cpus, *cards]:
        parsed = parse_specs(p.name, kind=p.category.kind if p in cpus else "gpu")
        if p.category.kind == "cpu":
            assert parsed.cpu_model == p.cpu_model, p.name
            assert p.cpu_benchmark.name == p.cpu_model
        else:
            assert (parsed.gpu_model, parsed.vram_gb) == (p.gpu_model, p.vram_gb), p.name
        assert p.current_price and p.is_demo and not p.gpu_integrated
    desktops = Product.objects.filter(category__kind="desktop", cpu_model__startswith="Intel")
    cpu_models = set(cpus.values_list("cpu_model", flat=True))
    for pc in desktops:
        if sold_separately(cpu(pc.cpu_model)):
            assert pc.cpu_model in cpu_models
    by_chip = defaultdict(set)
    for card in cards:
        by_chip[card.gpu_model].add(card.manufacturer.name)
    discrete = set(
        Product.objects.filter(category__kind="desktop", gpu_integrated=False)
        .exclude(gpu_model="")
        .values_list("gpu_model", flat=True)
    )
    assert discrete <= set(by_chip)
    assert all(len(brands) >= 2 for brands in by_chip.values())
    assert max(len(brands) for brands in by_chip.values()) >= 3
    # retail and bulk variants of a CPU on one day
    variants = set(PriceSnapshot.objects.filter(product__in=cpus).values_list("variant", flat=True))
    assert "정품" in variants and ({"벌크", "멀티팩(정품)"} & variants)


def test_component_products_leave_the_desktops_and_their_prices_unchanged(db) -> None:
    """The components draw from their own streams: the desktops' rows are those of a seed
    without them."""
    from catalog.demo import service

    call_command("seed_demo", "--products", "20", "--days", "5", "--others", "1", stdout=StringIO())
    with_parts = dict(
        PriceSnapshot.objects.filter(product__category__kind="desktop").values_list(
            "product__pcode", "price"
        )
    )
    Product.objects.all().delete()
    original = service.component_specs
    service.component_specs = lambda seed, cpus, gpus: []
    try:
        call_command("seed_demo", "--products", "20", "--days", "5", "--others", "1",
                     stdout=StringIO())  # fmt: skip
    finally:
        service.component_specs = original
    assert not Product.objects.filter(category__kind__in=("cpu", "gpu")).exists()
    without = dict(
        PriceSnapshot.objects.filter(product__category__kind="desktop").values_list(
            "product__pcode", "price"
        )
    )
    assert with_parts == without
