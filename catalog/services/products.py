"""Writes to the catalog. Every crawler, importer, admin action and task goes through these, so
that parsing, benchmark matching, the denormalised current price and the downstream signals
happen the same way whatever brought the data in."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import (
    Category,
    CategoryKind,
    Job,
    JobStatus,
    Manufacturer,
    PriceSnapshot,
    PriceSource,
    Product,
)
from catalog.signals import prices_recorded, products_changed
from catalog.validators import danawa_product_pcode, validate_danawa_product_url

logger = logging.getLogger(__name__)

# Prices outside this range are refused as absurd (KRW). A desktop part under 1,000원 or a
# product over 1억원 is a parsing error or a placeholder, not a price.
MIN_PRICE = 1_000
MAX_PRICE = 100_000_000


# --------------------------------------------------------------------------- categories, brands

KNOWN_CATEGORIES: dict[str, tuple[str, str]] = {
    # Danawa category id -> (name, kind)
    "112756": ("브랜드PC", CategoryKind.DESKTOP),
    "112747": ("CPU", CategoryKind.CPU),
    "112753": ("그래픽카드", CategoryKind.GPU),
    "112758": ("노트북", CategoryKind.LAPTOP),
    "112766": ("일체형PC", CategoryKind.DESKTOP),
    "112752": ("RAM", CategoryKind.PART),
    "112751": ("메인보드", CategoryKind.PART),
    "112760": ("SSD", CategoryKind.PART),
    "112763": ("HDD", CategoryKind.PART),
    "112777": ("파워", CategoryKind.PART),
    "112775": ("케이스", CategoryKind.PART),
    "11236855": ("쿨러", CategoryKind.PART),
    "112757": ("모니터", CategoryKind.PART),
}

# Kinds a user may name in an import file, with the category they land in.
KIND_CATEGORY_CODES = {
    CategoryKind.DESKTOP: "112756",
    CategoryKind.CPU: "112747",
    CategoryKind.GPU: "112753",
    CategoryKind.LAPTOP: "112758",
}


def get_category(code: str, name: str = "", kind: str = "") -> Category:
    """The category with Danawa id (or local slug) ``code``, created on first use."""
    default_name, default_kind = KNOWN_CATEGORIES.get(
        code, (name or code, kind or CategoryKind.OTHER)
    )
    category, _ = Category.objects.get_or_create(
        code=code, defaults={"name": name or default_name, "kind": kind or default_kind}
    )
    return category


def get_category_for_kind(kind_or_name: str) -> Category:
    """desktop/cpu/gpu/laptop map to their Danawa categories; any other word is a local category."""
    value = kind_or_name.strip()
    key = value.lower()
    if key in KIND_CATEGORY_CODES:
        return get_category(KIND_CATEGORY_CODES[key])
    for code, (name, _kind) in KNOWN_CATEGORIES.items():
        if value == name:
            return get_category(code)
    return get_category(f"local:{key}", name=value, kind=CategoryKind.OTHER)


MANUFACTURER_ALIASES = {
    "삼성": "삼성전자",
    "samsung": "삼성전자",
    "lg": "LG전자",
    "엘지": "LG전자",
    "엘지전자": "LG전자",
    "hp": "HP",
    "dell": "Dell",
    "델": "Dell",
    "lenovo": "Lenovo",
    "레노버": "Lenovo",
    "asus": "ASUS",
    "에이수스": "ASUS",
    "msi": "MSI",
    "apple": "Apple",
    "애플": "Apple",
    "한성": "한성컴퓨터",
    "주연": "주연테크",
}


def canonical_manufacturer(name: str) -> str:
    clean = " ".join(name.split())
    return MANUFACTURER_ALIASES.get(clean.lower(), clean)


def get_manufacturer(name: str) -> Manufacturer | None:
    clean = canonical_manufacturer(name or "")
    if not clean:
        return None
    manufacturer, _ = Manufacturer.objects.get_or_create(name=clean)
    return manufacturer


# --------------------------------------------------------------------------- products


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
    return changed


def apply_benchmark_match(product: Product) -> list[str]:
    """Match the product's CPU/GPU against the PassMark tables unless staff locked the match."""
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
    return changed


def upsert_product(data: ProductData) -> tuple[Product, bool]:
    """Create or update a product by pcode; parse specs and match benchmarks.

    Empty fields in ``data`` never erase known values. Returns (product, created). A ``url``
    that is not a Danawa product page is a ``ValidationError`` (nothing is written).
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
            pid = product.pk
            reason = "created" if created else "specs"
            transaction.on_commit(
                lambda: products_changed.send(sender=Product, product_ids=[pid], reason=reason)
            )
    return product, created


class InvalidImageError(ValueError):
    """Bytes that are not a readable image (not an image at all, truncated, unknown format)."""


def store_product_image(product: Product, content: bytes, *, suffix: str, source: str) -> bool:
    """Attach image bytes to a product; returns True when a new file was stored.

    The file is named by its sha256 (``products/ab/abcdef....jpg``) and shared: the same picture
    is stored once, and re-storing a product's own image writes nothing (False). ``source`` (the URL or
    path the bytes came from) is recorded as ``image_source`` either way, so a crawler can tell
    that the image at a new address has been looked at. The bytes are checked with Pillow
    first: unreadable bytes raise ``InvalidImageError`` and leave the product untouched.
    A new image is announced with ``products_changed`` (reason "image") after commit, so that
    the embedding is recomputed.
    """
    digest = hashlib.sha256(content).hexdigest()
    if product.image and product.image_sha256 == digest:
        if source and product.image_source != source:
            product.image_source = source
            product.save(update_fields=["image_source", "updated_at"])
        return False
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(ContentFile(content)) as img:
            img.verify()
        # verify() only checks the header of a JPEG; decoding catches a body cut short.
        with Image.open(ContentFile(content)) as img:
            img.load()
    except (
        UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError
    ) as exc:  # fmt: skip
        raise InvalidImageError(f"이미지를 읽을 수 없습니다: {source}") from exc
    suffix = suffix if suffix.startswith(".") or not suffix else f".{suffix}"
    # Content-addressed and shared: brand PCs often show the same chassis photo, which is then
    # stored once however many products (or crawls) bring it.
    storage = product.image.storage
    name = f"products/{digest[:2]}/{digest}{suffix.lower()}"
    if not storage.exists(name):
        name = storage.save(name, ContentFile(content))
    product.image.name = name
    product.image_sha256 = digest
    if source:
        product.image_source = source
    product.save(update_fields=["image", "image_sha256", "image_source", "updated_at"])
    pid = product.pk
    transaction.on_commit(
        lambda: products_changed.send(sender=Product, product_ids=[pid], reason="image")
    )
    return True


def ensure_products(items: Iterable[ProductData]) -> tuple[dict[str, int], set[int], int]:
    """Bulk form of ``upsert_product`` for importers: products are found by pcode, created when
    missing (specs parsed, benchmarks matched) and renamed when the name changed.

    Returns ({pcode: product id}, ids of the products created, updated count).
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
        Product.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            Product.objects.bulk_update(to_update, sorted(update_fields), batch_size=1000)
    ids = {pcode: p.pk for pcode, p in existing.items()} | {p.pcode: p.pk for p in to_create}
    changed_ids = [p.pk for p in to_create] + [p.pk for p in to_update]
    if changed_ids:
        transaction.on_commit(
            lambda: products_changed.send(sender=Product, product_ids=changed_ids, reason="created")
        )
    return ids, {p.pk for p in to_create}, len(to_update)


def set_benchmark_match(
    product: Product, *, cpu_benchmark_id: int | None, gpu_benchmark_id: int | None
) -> None:
    """Staff fix a benchmark match by hand; the match is locked against re-matching."""
    product.cpu_benchmark_id = cpu_benchmark_id
    product.gpu_benchmark_id = gpu_benchmark_id
    product.cpu_match_confidence = 1.0 if cpu_benchmark_id else None
    product.gpu_match_confidence = 1.0 if gpu_benchmark_id else None
    product.benchmark_match_locked = True
    product.save(
        update_fields=[
            "cpu_benchmark", "gpu_benchmark", "cpu_match_confidence", "gpu_match_confidence",
            "benchmark_match_locked", "updated_at",
        ]
    )  # fmt: skip
    pid = product.pk
    transaction.on_commit(
        lambda: products_changed.send(sender=Product, product_ids=[pid], reason="specs")
    )


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
        transaction.on_commit(
            lambda: products_changed.send(sender=Product, product_ids=changed_ids, reason="specs")
        )
    return len(changed_ids)


def merge_products(keep: Product, duplicates: Iterable[Product]) -> int:
    """Merge duplicate products into ``keep``: their price rows move over (a day ``keep`` already
    has is not overwritten), the duplicates are deactivated and point to ``keep``.
    Returns the number of price rows moved."""
    dup_ids = [p.pk for p in duplicates if p.pk != keep.pk]
    if not dup_ids:
        return 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO catalog_pricesnapshot (product_id, day, variant, price, source, recorded_at)
            SELECT %s, day, variant, price, source, recorded_at
            FROM catalog_pricesnapshot WHERE product_id = ANY(%s)
            ON CONFLICT (product_id, day, variant) DO NOTHING
            """,
            [keep.pk, dup_ids],
        )
        moved = cur.rowcount
        PriceSnapshot.objects.filter(product_id__in=dup_ids).delete()
        Product.objects.filter(pk__in=dup_ids).update(
            is_active=False, merged_into=keep, updated_at=timezone.now()
        )
        refresh_current_prices([keep.pk])
    kid = keep.pk
    transaction.on_commit(lambda: prices_recorded.send(sender=Product, product_ids=[kid], days=[]))
    return moved


# --------------------------------------------------------------------------- prices


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


def record_prices(
    rows: Iterable[PriceRow], *, source: str = PriceSource.CRAWL, overwrite: bool = True
) -> PriceReport:
    """Write daily prices, one row per (product, day, variant), in one statement.

    Invalid prices are refused and counted; the same key twice in ``rows`` is merged (lowest
    price kept). With ``overwrite`` a new price for an existing key replaces it (a re-crawl the
    same day); without it existing rows are kept (re-importing a history file).
    """
    report = PriceReport()
    best: dict[tuple[int, dt.date, str], int] = {}
    for row in rows:
        problem = validate_price(row.price)
        if problem == "nonpositive":
            report.rejected_nonpositive += 1
            continue
        if problem == "absurd":
            report.rejected_absurd += 1
            continue
        key = (row.product_id, row.day, row.variant or "")
        if key in best:
            report.merged_duplicates += 1
            best[key] = min(best[key], row.price)
        else:
            best[key] = row.price
    if not best:
        return report
    product_ids = sorted({k[0] for k in best})
    days = sorted({k[1] for k in best})
    with transaction.atomic(), connection.cursor() as cur:
        pids, dys, vars_, prices = zip(
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
            [list(pids), list(dys), list(vars_), list(prices), source],
        )
        inserted, updated = cur.fetchone()
        report.inserted += inserted
        report.updated += updated
        report.unchanged += len(best) - inserted - updated
        refresh_current_prices(product_ids)
    if report.inserted or report.updated:
        day_strs = [d.isoformat() for d in days]
        transaction.on_commit(
            lambda: prices_recorded.send(sender=Product, product_ids=product_ids, days=day_strs)
        )
    return report


def refresh_current_prices(product_ids: Iterable[int] | None = None) -> None:
    """Recompute current_price (lowest price on the latest day), first_seen and last_seen."""
    ids = list(product_ids) if product_ids is not None else None
    where = "WHERE s.product_id = ANY(%(ids)s)" if ids is not None else ""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH span AS (
                SELECT s.product_id, min(s.day) AS first_day, max(s.day) AS last_day
                FROM catalog_pricesnapshot s {where} GROUP BY s.product_id
            ), latest AS (
                SELECT s.product_id, min(s.price) AS price
                FROM catalog_pricesnapshot s JOIN span USING (product_id)
                WHERE s.day = span.last_day GROUP BY s.product_id
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


# --------------------------------------------------------------------------- jobs


def start_job(kind: str, params: dict | None = None, total: int = 0) -> Job:
    return Job.objects.create(
        kind=kind,
        params=params or {},
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        progress_total=total,
    )


def mark_job_started(job: Job | None) -> None:
    """A queued job (e.g. from an admin action) is picked up by a worker."""
    if job is None or job.status == JobStatus.RUNNING:
        return
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or timezone.now()
    job.save(update_fields=["status", "started_at"])


def update_job_progress(job: Job | None, done: int, total: int | None = None) -> None:
    if job is None:
        return
    job.progress_done = done
    fields = ["progress_done"]
    if total is not None:
        job.progress_total = total
        fields.append("progress_total")
    job.save(update_fields=fields)


def finish_job(
    job: Job | None, *, stats: dict | None = None, errors: list | None = None, failed: bool = False
) -> None:
    if job is None:
        return
    job.status = JobStatus.FAILED if failed else JobStatus.DONE
    job.finished_at = timezone.now()
    if stats is not None:
        job.stats = stats
    if errors is not None:
        job.errors = errors[:500]
    if not failed and job.progress_total:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "finished_at", "stats", "errors", "progress_done"])
