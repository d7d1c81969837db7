"""Products: the one place that writes ``Product`` rows.

A crawl, an import, the API, the demo and the admin all come through here, so that spec
parsing, benchmark matching and ``products_changed`` happen the same way whatever brought the
data in. ``upsert_product`` writes one product and says what changed; ``ensure_products`` and
``upsert_products_bulk`` are its bulk forms for importers and the demo; ``save_product`` is a
staff edit from the admin form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import Category, Product
from catalog.services.categories import get_manufacturer
from catalog.services.prices import move_price_rows
from catalog.signals import products_changed
from catalog.validators import danawa_product_pcode, validate_danawa_product_url

BULK_BATCH = 1000
# Fields whose edit by staff changes what the specs say (announced with reason "specs").
SPEC_EDIT_FIELDS = frozenset(
    {"name", "spec_summary", "specs_raw", "cpu_model", "gpu_model", "ram_gb", "ssd_gb",
     "hdd_gb", "vram_gb", "category"}
)  # fmt: skip
BENCHMARK_FIELDS = frozenset({"cpu_benchmark", "gpu_benchmark"})


@dataclass
class ProductData:
    """What a crawler or importer knows about a product. Unknown fields stay empty and never
    overwrite what the catalog already has."""

    name: str
    category: Category
    pcode: str = ""
    manufacturer: str = ""
    url: str = ""
    spec_summary: str = ""
    specs_raw: dict[str, str] = field(default_factory=dict)
    image_source: str = ""
    is_demo: bool = False


@dataclass(frozen=True)
class ProductUpsert:
    """What ``upsert_product`` did: the product, whether it was created, and for an existing
    product the fields that changed (empty when nothing did)."""

    product: Product
    created: bool
    changed: frozenset[str] = frozenset()

    @property
    def updated(self) -> bool:
        return not self.created and bool(self.changed)

    @property
    def outcome(self) -> str:
        """ "created", "updated" or "unchanged" (what importers and the crawler count)."""
        return "created" if self.created else "updated" if self.changed else "unchanged"


@dataclass
class BulkUpsert:
    """What a bulk product write did: pcode → id of every product named, and the ids of those
    created and of those updated."""

    ids: dict[str, int] = field(default_factory=dict)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)


def announce_products_changed(product_ids: list[int], reason: str) -> None:
    """Send ``products_changed`` once the transaction commits (the only place that sends it)."""
    ids = list(product_ids)
    transaction.on_commit(
        lambda: products_changed.send(sender=Product, product_ids=ids, reason=reason)
    )


def local_pcode(name: str, category_code: str) -> str:
    """A stable code for a product that has no Danawa pcode, so that re-imports find it again."""
    digest = hashlib.sha1(f"{category_code}|{' '.join(name.split()).lower()}".encode()).hexdigest()
    return f"u{digest[:15]}"


def apply_specs(product: Product) -> list[str]:
    """Parse the product's name/spec text into the structured fields; returns changed fields."""
    from catalog.specs import parse_specs

    parsed = parse_specs(
        product.name, product.spec_summary, product.specs_raw, kind=product.category.kind
    )
    changed = []
    if product.manufacturer_id is None and parsed.brand:
        # The name's brand prefix (MSI, 이엠텍, 삼성전자, ...) when the source named no manufacturer.
        product.manufacturer = get_manufacturer(parsed.brand)
        changed.append("manufacturer")
    for fname in (
        "cpu_model",
        "gpu_model",
        "ram_gb",
        "ssd_gb",
        "hdd_gb",
        "vram_gb",
        "os",
        "form_factor",
    ):
        value = getattr(parsed, fname)
        if value in (None, ""):
            continue
        if getattr(product, fname) != value:
            setattr(product, fname, value)
            changed.append(fname)
    return changed + apply_gpu_integrated(product)


def apply_gpu_integrated(product: Product) -> list[str]:
    """Store whether the product's GPU is integrated graphics (``catalog.specs``' rule)."""
    from catalog.specs import is_integrated_gpu

    integrated = is_integrated_gpu(product.gpu_model)
    if product.gpu_integrated == integrated:
        return []
    product.gpu_integrated = integrated
    return ["gpu_integrated"]


def apply_benchmark_match(product: Product) -> list[str]:
    """Match the product's CPU/GPU against the PassMark tables unless staff locked the match;
    a part with no row but a name the estimator reads gets an estimated score instead."""
    if product.benchmark_match_locked:
        return []
    from catalog.benchmarks import get_matcher

    matcher = get_matcher()
    changed = []
    for part, model_field in (("cpu", "cpu_model"), ("gpu", "gpu_model")):
        name = getattr(product, model_field)
        match = matcher.match(part, name) if name else None
        bench_id = match.benchmark_id if match else None
        confidence = match.confidence if match else None
        if getattr(product, f"{part}_benchmark_id") != bench_id:
            setattr(product, f"{part}_benchmark_id", bench_id)
            changed.append(f"{part}_benchmark")
        if getattr(product, f"{part}_match_confidence") != confidence:
            setattr(product, f"{part}_match_confidence", confidence)
            changed.append(f"{part}_match_confidence")
        # No row: a part newer than the tables gets an estimated score (never over a match).
        estimate = matcher.estimate(part, name) if name and match is None else None
        estimated = estimate.score if estimate else None
        note = estimate.how[:400] if estimate else ""
        if getattr(product, f"{part}_score_estimated") != estimated:
            setattr(product, f"{part}_score_estimated", estimated)
            changed.append(f"{part}_score_estimated")
        if getattr(product, f"{part}_score_note") != note:
            setattr(product, f"{part}_score_note", note)
            changed.append(f"{part}_score_note")
    return changed


def upsert_product(data: ProductData) -> ProductUpsert:
    """Create or update a product by pcode; parse specs and match benchmarks.

    Empty fields in ``data`` never erase known values. Returns what was done (created, or the
    fields that changed). A ``url`` that is not a Danawa product page is a ``ValidationError``
    (nothing is written).
    """
    validate_danawa_product_url(data.url)
    pcode = data.pcode or local_pcode(data.name, data.category.code)
    manufacturer = get_manufacturer(data.manufacturer) if data.manufacturer else None
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pcode=pcode).first()
        created = product is None
        if created:
            product = Product(
                pcode=pcode, name=data.name, category=data.category, is_demo=data.is_demo
            )
        updates: dict[str, object] = {
            "name": data.name,
            "url": data.url,
            "spec_summary": data.spec_summary,
            "image_source": data.image_source,
        }
        changed = []
        for fname, value in updates.items():
            if value and getattr(product, fname) != value:
                setattr(product, fname, value)
                changed.append(fname)
        if data.specs_raw and product.specs_raw != data.specs_raw:
            product.specs_raw = data.specs_raw
            changed.append("specs_raw")
        if manufacturer and product.manufacturer_id != manufacturer.pk:
            product.manufacturer = manufacturer
            changed.append("manufacturer")
        if not created and product.category_id != data.category.pk:
            product.category = data.category
            changed.append("category")
        spec_fields = apply_specs(product) if (created or changed) else []
        match_fields = apply_benchmark_match(product) if (created or spec_fields) else []
        changed += spec_fields + match_fields
        if created:
            product.save()
        elif changed:
            product.save(update_fields=[*set(changed), "updated_at"])
        if created or spec_fields or match_fields:
            announce_products_changed([product.pk], "created" if created else "specs")
    return ProductUpsert(product, created, frozenset() if created else frozenset(changed))


def ensure_products(items: Iterable[ProductData]) -> BulkUpsert:
    """Bulk form of ``upsert_product`` for importers: products are found by pcode, created when
    missing (specs parsed, benchmarks matched) and renamed when the name changed.

    Returns the ids by pcode and the ids created and renamed (``updated_ids``).
    """
    by_pcode: dict[str, ProductData] = {}
    for item in items:
        by_pcode[item.pcode or local_pcode(item.name, item.category.code)] = item
    existing = {
        p.pcode: p
        for p in Product.objects.select_related("category").filter(pcode__in=list(by_pcode))
    }
    brands = {
        name: get_manufacturer(name)
        for name in {i.manufacturer for i in by_pcode.values() if i.manufacturer}
    }
    to_create: list[Product] = []
    to_update: list[Product] = []
    update_fields: set[str] = set()
    for pcode, item in by_pcode.items():
        product = existing.get(pcode)
        if product is None:
            product = Product(
                pcode=pcode, name=item.name, category=item.category,
                # a bulk import keeps its rows; a link that is not a Danawa page is left out
                url=item.url if danawa_product_pcode(item.url) else "",
                spec_summary=item.spec_summary, specs_raw=item.specs_raw, image_source=item.image_source,
                manufacturer=brands.get(item.manufacturer), is_demo=item.is_demo,
            )  # fmt: skip
            apply_specs(product)
            apply_benchmark_match(product)
            to_create.append(product)
        elif item.name and item.name != product.name:
            product.name = item.name
            changed = ["name", *apply_specs(product)]
            changed += apply_benchmark_match(product)
            update_fields.update(changed)
            to_update.append(product)
    with transaction.atomic():
        Product.objects.bulk_create(to_create, batch_size=BULK_BATCH)
        if to_update:
            Product.objects.bulk_update(to_update, sorted(update_fields), batch_size=BULK_BATCH)
    result = BulkUpsert(
        ids={pcode: p.pk for pcode, p in existing.items()} | {p.pcode: p.pk for p in to_create},
        created_ids=[p.pk for p in to_create],
        updated_ids=[p.pk for p in to_update],
    )
    changed_ids = result.created_ids + result.updated_ids
    if changed_ids:
        announce_products_changed(changed_ids, "created")
    return result


def upsert_products_bulk(
    products: list[Product],
    *,
    fields: list[str],
    batch_size: int = BULK_BATCH,
    progress: Callable[[int], None] | None = None,
) -> BulkUpsert:
    """Insert or update fully formed products by pcode, ``batch_size`` at a time
    (``bulk_create(update_conflicts=True)``, which overwrites ``fields``): the bulk path of a
    source that knows every field itself (the demo's generator knows the specs and benchmark
    links, so it parses and matches nothing).

    The products created are announced once, after all batches, with ``products_changed``
    (reason "created"); ``progress`` is told how many products are written after each batch.
    """
    result = BulkUpsert()
    for start in range(0, len(products), batch_size):
        batch = products[start : start + batch_size]
        pcodes = [o.pcode for o in batch]
        existing = set(Product.objects.filter(pcode__in=pcodes).values_list("pcode", flat=True))
        Product.objects.bulk_create(
            batch,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["pcode"],
            update_fields=fields,
        )
        ids = dict(Product.objects.filter(pcode__in=pcodes).values_list("pcode", "id"))
        result.ids.update(ids)
        result.created_ids += [ids[p] for p in pcodes if p not in existing]
        result.updated_ids += [ids[p] for p in pcodes if p in existing]
        if progress is not None:
            progress(len(result.ids))
    if result.created_ids:
        announce_products_changed(result.created_ids, "created")
    return result


def delete_demo_products() -> int:
    """Delete every demo product (with its prices); returns the number of rows deleted."""
    deleted, _ = Product.objects.filter(is_demo=True).delete()
    return deleted


def save_product(product: Product, changed_fields: Iterable[str], *, created: bool) -> bool:
    """Save a product as staff edited it (the admin form), ``changed_fields`` being the form's
    changed fields. A CPU/GPU benchmark changed by hand on an existing product is locked
    against re-matching (``set_benchmark_match``); a new image and edited specs are announced
    with ``products_changed``. Returns True when a benchmark match was locked.
    """
    changed = set(changed_fields)
    apply_gpu_integrated(product)  # the form may have changed gpu_model
    product.save()
    locked = not created and bool(changed & BENCHMARK_FIELDS)
    if locked:
        set_benchmark_match(
            product,
            cpu_benchmark_id=product.cpu_benchmark_id,
            gpu_benchmark_id=product.gpu_benchmark_id,
        )
    if "image" in changed:
        announce_products_changed([product.pk], "image")
    if changed & SPEC_EDIT_FIELDS:
        announce_products_changed([product.pk], "specs")
    return locked


def set_benchmark_match(
    product: Product, *, cpu_benchmark_id: int | None, gpu_benchmark_id: int | None
) -> None:
    """Staff fix a benchmark match by hand; the match is locked against re-matching."""
    product.cpu_benchmark_id = cpu_benchmark_id
    product.gpu_benchmark_id = gpu_benchmark_id
    product.cpu_match_confidence = 1.0 if cpu_benchmark_id else None
    product.gpu_match_confidence = 1.0 if gpu_benchmark_id else None
    product.benchmark_match_locked = True
    for part, bench_id in (("cpu", cpu_benchmark_id), ("gpu", gpu_benchmark_id)):
        if bench_id:  # a row chosen by hand: its score, not an estimate
            setattr(product, f"{part}_score_estimated", None)
            setattr(product, f"{part}_score_note", "")
    product.save(
        update_fields=[
            "cpu_benchmark", "gpu_benchmark", "cpu_match_confidence", "gpu_match_confidence",
            "benchmark_match_locked", "cpu_score_estimated", "cpu_score_note",
            "gpu_score_estimated", "gpu_score_note", "updated_at",
        ]
    )  # fmt: skip
    announce_products_changed([product.pk], "specs")


def rematch_benchmarks(product_ids: Iterable[int] | None = None) -> int:
    """Re-run spec parsing and benchmark matching (after a benchmark import); returns changed count."""
    qs = Product.objects.select_related("category").filter(benchmark_match_locked=False)
    if product_ids is not None:
        qs = qs.filter(pk__in=list(product_ids))
    changed_ids = []
    for product in qs.iterator(chunk_size=2000):
        fields = apply_specs(product) + apply_benchmark_match(product)
        if fields:
            product.save(update_fields=[*set(fields), "updated_at"])
            changed_ids.append(product.pk)
    if changed_ids:
        announce_products_changed(changed_ids, "specs")
    return len(changed_ids)


def unlock_and_rematch(product_ids: Iterable[int]) -> int:
    """Release the hand-fixed matches of these products and match them again, in one
    transaction (nothing changes when matching fails); returns the number that changed."""
    ids = list(product_ids)
    with transaction.atomic():
        Product.objects.filter(pk__in=ids).update(benchmark_match_locked=False)
        return rematch_benchmarks(ids)


def merge_products(keep: Product, duplicates: Iterable[Product]) -> int:
    """Merge duplicate products into ``keep``: their price rows move over (a day ``keep`` already
    has is not overwritten), the duplicates are deactivated and point to ``keep``.
    Returns the number of price rows moved."""
    dup_ids = [p.pk for p in duplicates if p.pk != keep.pk]
    if not dup_ids:
        return 0
    with transaction.atomic():
        moved = move_price_rows(keep.pk, dup_ids)
        Product.objects.filter(pk__in=dup_ids).update(
            is_active=False, merged_into=keep, updated_at=timezone.now()
        )
    return moved
