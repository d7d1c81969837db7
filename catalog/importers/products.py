"""Import of a product catalog a user brings (CSV, UTF-8; see README "Product CSV").

Columns: ``name`` (required), ``category`` (required: desktop, cpu, gpu, laptop or any other
word), ``price`` (KRW integer; commas and 원 allowed), and optional ``pcode``, ``manufacturer``,
``specs`` (summary, items separated by `` / ``), ``image`` (a local path, relative paths are
relative to the CSV), ``date`` (YYYY-MM-DD of the price; today when empty).

Each row is written in its own savepoint: a bad row is reported with its line number and
reason and leaves nothing behind; the other rows are imported. Re-importing the same file
adds nothing (products are found by pcode, or by name + category when there is none).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from catalog.models import Job, PriceSource, Product
from catalog.services import (
    InvalidImageError,
    PriceReport,
    PriceRow,
    ProductData,
    finish_job,
    get_category_for_kind,
    record_prices,
    store_product_image,
    update_job_progress,
    upsert_product,
    validate_price,
)

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("name", "category")
KNOWN_COLUMNS = {"name", "category", "price", "pcode", "manufacturer", "specs", "image", "date"}
PRICE_CLEAN = re.compile(r"[,\s원₩]")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class ProductCsvError(ValueError):
    """The file as a whole cannot be imported (missing, not CSV, required columns absent)."""


class RowError(ValueError):
    pass


@dataclass
class ProductImportReport:
    rows: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    images_stored: int = 0
    prices: PriceReport = field(default_factory=PriceReport)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_failed(self) -> int:
        return len(self.errors)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "rows_failed": self.rows_failed,
            "products_created": self.products_created,
            "products_updated": self.products_updated,
            "products_unchanged": self.products_unchanged,
            "images_stored": self.images_stored,
            "prices": self.prices.as_dict(),
            "errors": self.errors,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
        }


def parse_price(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    clean = PRICE_CLEAN.sub("", raw)
    if not re.fullmatch(r"-?\d+", clean):
        raise RowError(f"가격 '{raw}'이(가) 정수가 아닙니다")
    price = int(clean)
    problem = validate_price(price)
    if problem == "nonpositive":
        raise RowError(f"가격 {price:,}원은 0보다 커야 합니다")
    if problem == "absurd":
        raise RowError(f"가격 {price:,}원은 받아들일 수 없는 값입니다 (1,000원 ~ 1억원)")
    return price


def parse_day(raw: str) -> dt.date:
    raw = (raw or "").strip()
    if not raw:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise RowError(f"날짜 '{raw}'은(는) YYYY-MM-DD 형식이 아닙니다") from exc
    if day > timezone.localdate() + dt.timedelta(days=1):
        raise RowError(f"날짜 {raw}은(는) 미래입니다")
    return day


def _read_image(raw: str, base: Path) -> tuple[bytes, str] | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if "://" in raw:
        raise RowError(f"이미지는 로컬 파일 경로여야 합니다: {raw}")
    path = Path(raw)
    if not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise RowError(f"이미지 파일이 없습니다: {raw}")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise RowError(f"이미지 형식이 아닙니다 ({path.suffix}): {raw}")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise RowError(f"이미지가 10MB보다 큽니다: {raw}")
    return path.read_bytes(), path.suffix.lower()


def store_image(product: Product, content: bytes, suffix: str, source: str) -> bool:
    """Attach image bytes to a product (``store_product_image``); a bad image is a row error."""
    try:
        return store_product_image(product, content, suffix=suffix, source=source)
    except InvalidImageError as exc:
        raise RowError(str(exc)) from exc


def import_products_csv(path: str | Path, job: Job | None = None) -> ProductImportReport:
    """Import a product CSV; see the module docstring for the format."""
    started = time.perf_counter()
    report = ProductImportReport()
    csv_path = Path(path)
    if not csv_path.is_file():
        raise ProductCsvError(f"파일이 없습니다: {csv_path}")
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProductCsvError(
            "파일이 UTF-8이 아닙니다 (엑셀에서 'CSV UTF-8'로 저장하세요)"
        ) from exc
    reader = csv.DictReader(text.splitlines())
    columns = {c.strip().lower() for c in (reader.fieldnames or []) if c}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    # Only column names this importer knows are ever repeated back: the first line of a file
    # that is not a product CSV (an admin typed /etc/passwd) must not end up in a job's error.
    known = sorted(columns & KNOWN_COLUMNS)
    if missing and not known:
        raise ProductCsvError(
            "상품 CSV 파일이 아닙니다: 첫 줄이 name,category,... 형식의 머리글이어야 합니다 "
            f"(필수 열: {', '.join(REQUIRED_COLUMNS)})"
        )
    if missing:
        raise ProductCsvError(
            f"필수 열이 없습니다: {', '.join(missing)} (있는 열: {', '.join(known)})"
        )
    unknown = sorted(columns - KNOWN_COLUMNS)
    if unknown:
        report.warnings.append(f"알 수 없는 열은 무시합니다: {', '.join(unknown)}")
    rows = list(reader)
    update_job_progress(job, 0, len(rows))
    seen_keys: dict[tuple[str, str], int] = {}
    prices: list[PriceRow] = []
    for index, raw_row in enumerate(rows):
        line_no = index + 2  # header is line 1
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items() if k}
        if not any(row.values()):
            continue
        report.rows += 1
        try:
            with transaction.atomic():
                _import_row(row, line_no, csv_path.parent, report, seen_keys, prices)
        except RowError as exc:
            report.errors.append(f"{line_no}행: {exc}")
        if job is not None and index % 200 == 0:
            update_job_progress(job, index)
    # All prices in one statement: the same product and day twice in the file keeps the lowest;
    # a re-import of the same file changes nothing, a corrected price replaces the old one.
    report.prices = record_prices(prices, source=PriceSource.IMPORT, overwrite=True)
    report.seconds = time.perf_counter() - started
    finish_job(job, stats=report.as_dict(), errors=report.errors)
    return report


def _import_row(
    row: dict[str, str],
    line_no: int,
    base: Path,
    report: ProductImportReport,
    seen_keys: dict[tuple[str, str], int],
    prices: list[PriceRow],
) -> None:
    name = " ".join(row.get("name", "").split())
    if not name:
        raise RowError("상품명(name)이 비어 있습니다")
    if len(name) > 300:
        raise RowError("상품명이 300자보다 깁니다")
    kind = row.get("category", "")
    if not kind:
        raise RowError("카테고리(category)가 비어 있습니다")
    pcode = row.get("pcode", "")
    if pcode and (len(pcode) > 32 or not re.fullmatch(r"[\w.-]+", pcode)):
        raise RowError(f"상품 코드 '{pcode}'은(는) 32자 이하의 영문/숫자여야 합니다")
    price = parse_price(row.get("price", ""))
    day = parse_day(row.get("date", ""))
    image = _read_image(row.get("image", ""), base)
    category = get_category_for_kind(kind)
    key = (pcode or name.lower(), category.code)
    if key in seen_keys:
        report.warnings.append(
            f"{line_no}행: {seen_keys[key]}행과 같은 상품입니다 (같은 날 가격은 낮은 값을 씁니다)"
        )
    seen_keys.setdefault(key, line_no)
    result = upsert_product(
        ProductData(
            name=name,
            category=category,
            pcode=pcode,
            manufacturer=row.get("manufacturer", ""),
            spec_summary=row.get("specs", ""),
        )
    )
    product = result.product
    if result.created:
        report.products_created += 1
    elif result.updated:
        report.products_updated += 1
    else:
        report.products_unchanged += 1
    if image is not None and store_image(product, image[0], image[1], row["image"]):
        report.images_stored += 1
    if price is not None:
        prices.append(PriceRow(product.pk, day, price))
