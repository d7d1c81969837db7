"""The demo seeding service: write the generated catalog (products, benchmarks, drawn images and
daily price histories) in bulk, idempotently.

Products are upserted by pcode with ``catalog.services.upsert_products_bulk`` (the bulk form of
``upsert_product``: one transaction per product would take minutes, and it announces the new
products with ``products_changed`` as ``upsert_product`` does), so this module sets everything
``upsert_product`` would work out: category, manufacturer (``get_manufacturer``), structured
specs and benchmark links — the demo knows the truth, so links have confidence 1.0 and are
locked against re-matching. Benchmark rows the demo needs are added with
``catalog.services.add_missing_benchmarks`` (never overwriting an import). Images are stored with ``catalog.services.save_image_file``.
Prices go through ``catalog.services.record_prices`` in large batches, which also refreshes
the denormalised current prices and announces them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from catalog import services
from catalog.danawa import categories as danawa_categories
from catalog.demo import images
from catalog.demo.components import CPUS, GPUS
from catalog.demo.generator import (
    AIO_CATEGORY,
    BRAND_PC_CATEGORY,
    DesktopSpec,
    aio_count,
    desktop_spec,
    product_rng,
)
from catalog.demo.others import OTHER_CATEGORIES, OtherSpec, other_spec
from catalog.demo.parts import PartSpec, component_specs
from catalog.demo.prices import (
    MarketPath,
    build_market,
    daily_series,
    desktop_parts,
    lifecycle,
    round_price,
)
from catalog.models import (
    CategoryKind,
    JobKind,
    PriceSource,
    Product,
)

logger = logging.getLogger(__name__)

IMAGE_SOURCE = "demo:drawn"
PRODUCT_BATCH = 1000
PRICE_BATCH = 50_000
UPDATE_FIELDS = [
    "name", "category", "manufacturer", "url", "image", "image_source", "image_sha256",
    "spec_summary", "specs_raw", "cpu_model", "gpu_model", "gpu_integrated", "ram_gb", "ssd_gb",
    "hdd_gb", "vram_gb", "os", "form_factor", "cpu_benchmark", "cpu_match_confidence",
    "gpu_benchmark", "gpu_match_confidence", "benchmark_match_locked", "is_demo", "is_active",
    "updated_at",
]  # fmt: skip


@dataclass
class SeedReport:
    """What a seed run did; the command prints it and the Job stores it."""

    skipped: bool = False
    desktops: int = 0
    all_in_ones: int = 0
    others: dict[str, int] = field(default_factory=dict)
    components: dict[str, int] = field(default_factory=dict)
    products_created: int = 0
    products_updated: int = 0
    deleted: int = 0
    benchmarks_created: int = 0
    price_rows: int = 0
    prices: dict[str, int] = field(default_factory=dict)
    images_distinct: int = 0
    images_stored: int = 0
    days: int = 0
    first_day: str = ""
    last_day: str = ""
    market_events: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def products(self) -> int:
        return (
            self.desktops
            + self.all_in_ones
            + sum(self.others.values())
            + sum(self.components.values())
        )

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items()}
        data["products"] = self.products
        return data


# --------------------------------------------------------------------------- pieces


def ensure_benchmarks() -> tuple[dict[str, int], dict[str, int], int]:
    """Create the demo table's CPU/GPU benchmark rows that do not exist yet (never overwriting a
    real PassMark import) and return name → id maps and the number created."""
    cpu_ids, cpu_created = services.add_missing_benchmarks(
        "cpu",
        [
            {
                "name": c.name,
                "score": c.mark,
                "single_thread": c.single,
                "cores": c.cores,
                "tdp": c.tdp,
                "socket": c.socket,
                "test_date": c.year,
                "category": "Laptop" if c.tdp < 30 and c.vendor != "apple" else "Desktop",
            }
            for c in CPUS
        ],
    )
    gpu_ids, gpu_created = services.add_missing_benchmarks(
        "gpu",
        [
            {
                "name": g.name,
                "score": g.mark,
                "tdp": g.tdp,
                "test_date": g.year,
                "category": "Integrated" if g.integrated else "Desktop",
            }
            for g in GPUS
        ],
    )
    return cpu_ids, gpu_ids, cpu_created + gpu_created


def store_image(data: bytes) -> tuple[str, str, bool]:
    """Save JPEG bytes under a content-hash name (``products/demo/ab/abcd....jpg``).

    Returns (storage name, sha256, stored now); identical images are stored once."""
    return services.save_image_file(data, folder="products/demo", suffix=".jpg")


def _dedupe_names(specs: list) -> dict[str, str]:
    """pcode → name, with V2, V3 … on repeated names (Danawa lists no two products alike)."""
    seen: Counter[str] = Counter()
    names = {}
    for spec in specs:
        seen[spec.name] += 1
        n = seen[spec.name]
        names[spec.pcode] = spec.name if n == 1 else f"{spec.name} V{n}"
    return names


def _desktop_product(
    spec: DesktopSpec, name: str, category, manufacturer, cpu_ids, gpu_ids, image
) -> Product:
    cpu_id, gpu_id = cpu_ids.get(spec.cpu.name), gpu_ids.get(spec.gpu.name)
    product = Product(
        pcode=spec.pcode,
        name=name,
        category=category,
        manufacturer=manufacturer,
        url="",
        image=image[0],
        image_source=IMAGE_SOURCE,
        image_sha256=image[1],
        spec_summary=spec.spec_summary,
        specs_raw=spec.specs_raw,
        cpu_model=spec.cpu.name,
        gpu_model=spec.gpu.name,
        ram_gb=spec.ram_gb,
        ssd_gb=spec.ssd_gb,
        hdd_gb=spec.hdd_gb,
        vram_gb=spec.gpu.vram_gb or None,
        os=spec.os_field,
        form_factor=spec.line.form,
        cpu_benchmark_id=cpu_id,
        cpu_match_confidence=1.0 if cpu_id else None,
        gpu_benchmark_id=gpu_id,
        gpu_match_confidence=1.0 if gpu_id else None,
        benchmark_match_locked=True,
        is_demo=True,
        is_active=True,
    )
    services.apply_gpu_integrated(product)
    return product


def _part_product(spec: PartSpec, category, manufacturer, cpu_ids, gpu_ids) -> Product:
    """A boxed CPU or a graphics card: its model fields are the demo's truth (as for the
    desktops), the same ones the spec parser reads from its name."""
    product = Product(
        pcode=spec.pcode,
        name=spec.name,
        category=category,
        manufacturer=manufacturer,
        url="",
        spec_summary=spec.spec_summary,
        specs_raw={"요약": spec.spec_summary},
        is_demo=True,
        is_active=True,
        benchmark_match_locked=True,
    )
    if spec.cpu is not None:
        product.cpu_model = spec.cpu.name
        product.cpu_benchmark_id = cpu_ids.get(spec.cpu.name)
        product.cpu_match_confidence = 1.0 if product.cpu_benchmark_id else None
    if spec.gpu is not None:
        product.gpu_model = spec.gpu.name
        product.vram_gb = spec.gpu.vram_gb or None
        product.gpu_benchmark_id = gpu_ids.get(spec.gpu.name)
        product.gpu_match_confidence = 1.0 if product.gpu_benchmark_id else None
    services.apply_gpu_integrated(product)
    return product


def _other_product(spec: OtherSpec, name: str, category, manufacturer, image) -> Product:
    return Product(
        pcode=spec.pcode,
        name=name,
        category=category,
        manufacturer=manufacturer,
        url="",
        image=image[0],
        image_source=IMAGE_SOURCE,
        image_sha256=image[1],
        spec_summary=spec.spec_summary,
        specs_raw={"요약": spec.spec_summary},
        is_demo=True,
        is_active=True,
    )


# --------------------------------------------------------------------------- the run


def seed_demo(
    *,
    products: int = 3600,
    days: int = 90,
    seed: int = 42,
    others_per_category: int = 150,
    reset: bool = False,
    if_empty: bool = False,
    log: Callable[[str], None] | None = None,
) -> SeedReport:
    """Seed the demo catalog: ``products`` brand desktops (plus about one all-in-one per 30),
    ``others_per_category`` each of sofas, puffer jackets and shoes, and ``days`` of daily
    prices ending today. Deterministic for a ``seed``; running it again adds nothing.

    ``if_empty`` does nothing when the catalog has any product; ``reset`` deletes earlier demo
    rows first. Progress is recorded on a catalog Job (kind seed_demo).
    """
    say = log or logger.info
    started = time.monotonic()
    report = SeedReport()
    if if_empty and Product.objects.exists():
        report.skipped = True
        say("상품이 이미 있어 데모 데이터를 만들지 않습니다 (--if-empty).")
        return report
    n_aio = aio_count(products) if products else 0
    total = products + n_aio + 3 * others_per_category
    params = {"products": products, "days": days, "seed": seed, "others": others_per_category}
    job = services.start_job(JobKind.SEED_DEMO, params, total=2 * total)
    try:
        _run(report, job, products, n_aio, days, seed, others_per_category, reset, say)
    except Exception as exc:
        services.finish_job(job, stats=report.as_dict(), errors=[repr(exc)], failed=True)
        raise
    report.seconds = round(time.monotonic() - started, 1)
    services.finish_job(job, stats=report.as_dict())
    return report


def _run(report, job, products, n_aio, days, seed, per_other, reset, say) -> None:
    if reset:
        report.deleted = services.delete_demo_products()
        say(f"이전 데모 데이터 삭제: {report.deleted:,}행")

    cpu_ids, gpu_ids, report.benchmarks_created = ensure_benchmarks()
    say(f"벤치마크: 새로 {report.benchmarks_created}개 (기존 행은 그대로)")

    desktops = [desktop_spec(seed, i) for i in range(products)]
    aios = [desktop_spec(seed, i, AIO_CATEGORY) for i in range(n_aio)]
    others = {k: [other_spec(k, seed, i) for i in range(per_other)] for k in OTHER_CATEGORIES}
    all_desktops = desktops + aios
    all_others = [s for specs in others.values() for s in specs]
    # boxed CPUs and graphics cards for the parts the seeded desktops use
    components = component_specs(seed, [s.cpu for s in all_desktops], [s.gpu for s in all_desktops])
    report.components = {
        kind: sum(p.kind == kind for p in components) for kind in ("cpu", "gpu") if components
    }
    names = _dedupe_names(all_desktops + all_others)
    report.desktops, report.all_in_ones = len(desktops), len(aios)
    report.others = {k: len(v) for k, v in others.items()}

    categories = {
        BRAND_PC_CATEGORY: services.get_category(BRAND_PC_CATEGORY),
        AIO_CATEGORY: services.get_category(AIO_CATEGORY),
    }
    for kind, (code, name) in OTHER_CATEGORIES.items():
        categories[kind] = services.get_category(code, name, kind=CategoryKind.OTHER)
    part_categories = {
        "cpu": services.get_category(danawa_categories.CPU),
        "gpu": services.get_category(danawa_categories.GPU),
    }
    brands = (
        {s.line.brand for s in all_desktops}
        | {s.brand for s in all_others}
        | {p.brand for p in components}
    )
    manufacturers = {b: services.get_manufacturer(b) for b in sorted(brands)}

    # images: each distinct chassis once, each non-PC product its own
    drawn: dict[str, tuple[str, str]] = {}
    done = 0
    for spec in all_desktops:
        if spec.image_key not in drawn:
            data = images.draw_desktop(spec.chassis, spec.gpu_look, spec.image_key)
            name, sha, new = store_image(data)
            drawn[spec.image_key] = (name, sha)
            report.images_stored += new
    drawers = {"sofa": images.draw_sofa, "padding": images.draw_padding, "shoes": images.draw_shoe}
    for spec in all_others:
        name, sha, new = store_image(drawers[spec.kind](spec.draw))
        drawn[spec.pcode] = (name, sha)
        report.images_stored += new
    report.images_distinct = len({sha for _, sha in drawn.values()})
    say(f"이미지: 서로 다른 {report.images_distinct:,}개 (새로 저장 {report.images_stored:,}개)")

    objs = [
        _desktop_product(
            s, names[s.pcode], categories[s.category_code], manufacturers[s.line.brand],
            cpu_ids, gpu_ids, drawn[s.image_key],
        )
        for s in all_desktops
    ] + [
        _other_product(s, names[s.pcode], categories[s.kind], manufacturers[s.brand],
                       drawn[s.pcode])
        for s in all_others
    ] + [
        _part_product(p, part_categories[p.kind], manufacturers[p.brand], cpu_ids, gpu_ids)
        for p in components
    ]  # fmt: skip
    written = services.upsert_products_bulk(
        objs,
        fields=UPDATE_FIELDS,
        batch_size=PRODUCT_BATCH,
        progress=lambda n: services.update_job_progress(job, done + n),
    )
    ids = written.ids
    done += len(ids)
    report.products_created = len(written.created_ids)
    report.products_updated = len(objs) - len(written.created_ids)
    say(f"상품: 새로 {report.products_created:,}개, 갱신 {report.products_updated:,}개")

    market = build_market(days, seed)
    report.market_events = market.events
    today = timezone.localdate()
    day_list = [today - dt.timedelta(days=days - 1 - t) for t in range(days)]
    report.days = days
    report.first_day, report.last_day = day_list[0].isoformat(), day_list[-1].isoformat()
    price_total = services.PriceReport()
    buffer: list[services.PriceRow] = []

    def flush() -> None:
        if buffer:
            price_total.add(services.record_prices(buffer, source=PriceSource.DEMO))
            report.price_rows += len(buffer)
            buffer.clear()
            services.update_job_progress(job, done)
            say(f"가격: {report.price_rows:,}행 기록")

    for spec in all_desktops:
        pid = ids[spec.pcode]
        rng = product_rng(seed, f"price:{spec.category_code}", spec.index)
        parts = desktop_parts(spec, rng)
        series = daily_series(
            lambda t, parts=parts: parts.value(market, t),
            days, spec.price_style, lifecycle(days, rng), rng,
        )  # fmt: skip
        buffer.extend(services.PriceRow(pid, day_list[t], price) for t, price in series)
        done += 1
        if len(buffer) >= PRICE_BATCH:
            flush()
    for spec in all_others:
        pid = ids[spec.pcode]
        rng = product_rng(seed, f"price:{spec.kind}", spec.index)
        series = daily_series(
            _other_value(spec, market), days, spec.price_style, lifecycle(days, rng), rng
        )
        buffer.extend(services.PriceRow(pid, day_list[t], price) for t, price in series)
        done += 1
        if len(buffer) >= PRICE_BATCH:
            flush()
    for part in components:
        buffer.extend(_part_rows(part, ids[part.pcode], market, days, day_list, seed))
    flush()
    report.prices = price_total.as_dict()


def _part_rows(part: PartSpec, pid: int, market: MarketPath, days: int, day_list, seed: int):
    """A component's daily rows: its retail (정품) price following its family's market, and its
    other variants (벌크, 멀티팩) at their ratio; from the component's own random stream."""
    rng = product_rng(seed, f"price:{part.stream}", 0)

    def value(t: int) -> float:
        return part.base_price * market.overall[t] * market.factor(part.family, t)

    series = daily_series(value, days, part.price_style, lifecycle(days, rng), rng)
    retail = "정품" if part.variants else ""
    rows = []
    for t, price in series:
        rows.append(services.PriceRow(pid, day_list[t], price, retail))
        for label, ratio in part.variants:
            rows.append(
                services.PriceRow(
                    pid, day_list[t], round_price(price * ratio, part.price_style), label
                )
            )
    return rows


def _other_value(spec: OtherSpec, market: MarketPath) -> Callable[[int], float]:
    def value(t: int) -> float:
        # furniture and clothes follow the PC market only faintly
        return spec.base_price * market.overall[t] ** 0.3 * market.factor(f"other:{spec.kind}", t)

    return value
