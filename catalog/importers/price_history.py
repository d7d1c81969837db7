"""Import of Danawa-Crawler daily price files (``CPU_2021-01.csv``, ``VGA_2021-01.csv``, ...).

Format: header ``Id,Name,<crawl timestamp>,...`` (one column per day); a cell is ``0`` (not
listed), a price (``"475,830"``), a word such as 일시품절 (listed but out of stock), or several
variants ``정품_920,470|벌크_723,900`` (labels may start with ``_``; some cells separate pairs
with spaces instead of ``|``). Used items (중고) are not new-product prices and are skipped.

Speed: all files are parsed in Python into one de-duplicated set of rows
(``services.DailyPrices``, which also validates them), products are created in bulk
(``services.ensure_products``), and the rows go to PostgreSQL with COPY
(``services.copy_prices``, which refreshes current prices and sends ``prices_recorded`` like
``record_prices``) — a re-import writes nothing.
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

from catalog.danawa.categories import HISTORY_FILE_CODES
from catalog.models import Job, PriceSource
from catalog.services import (
    DailyPrices,
    ProductData,
    copy_prices,
    ensure_products,
    finish_job,
    get_category,
    update_job_progress,
)

logger = logging.getLogger(__name__)

FILE_RE = re.compile(r"^(?P<prefix>[A-Za-z]+)_(?P<year>\d{4})-(?P<month>\d{2})\.csv$")
# File prefix -> Danawa category id.
PREFIX_CATEGORIES = HISTORY_FILE_CODES
USED_LABELS = ("중고",)
PAIR_SPLIT = re.compile(r"\||(?<=\d)\s+(?=[^\s\d][^_]*_)")
DIGITS = re.compile(r"^-?\d[\d,]*$")
MAX_VARIANT_LEN = 40


@dataclass
class HistoryReport:
    files: int = 0
    products_seen: int = 0
    products_created: int = 0
    products_renamed: int = 0
    cells: int = 0
    not_listed: int = 0
    out_of_stock: int = 0
    used_skipped: int = 0
    rejected_nonpositive: int = 0
    rejected_absurd: int = 0
    merged_duplicates: int = 0
    rows: int = 0
    inserted: int = 0
    already_present: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["rows_per_second"] = round(self.rows_per_second)
        return data


def parse_cell(cell: str) -> list[tuple[str, int | None]] | None:
    """A cell to [(variant, price or None when out of stock)]; None when not listed."""
    cell = cell.strip()
    if not cell or cell == "0":
        return None
    if DIGITS.match(cell):
        return [("", int(cell.replace(",", "")))]
    if "_" not in cell:
        return [("", None)]  # 일시품절, 가격비교예정, ...: listed without a price
    out = []
    for pair in PAIR_SPLIT.split(cell):
        pair = pair.strip()
        if not pair:
            continue
        label, _, price = pair.rpartition("_")
        label = label.strip().lstrip("_").strip()[:MAX_VARIANT_LEN]
        price = price.strip()
        out.append((label, int(price.replace(",", "")) if DIGITS.match(price) else None))
    return out


def _header_days(header: list[str]) -> list[dt.date | None]:
    days = []
    for col in header[2:]:
        try:
            days.append(dt.date.fromisoformat(col.strip()[:10]))
        except ValueError:
            days.append(None)
    return days


def import_price_history_dir(directory: str | Path, job: Job | None = None) -> HistoryReport:
    """Import every ``<PREFIX>_YYYY-MM.csv`` in ``directory``; idempotent (a second run inserts 0)."""
    started = time.perf_counter()
    report = HistoryReport()
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"폴더가 없습니다: {root}")
    files = sorted(p for p in root.iterdir() if FILE_RE.match(p.name))
    if not files:
        raise FileNotFoundError(f"{root}에 CPU_YYYY-MM.csv 형식의 가격 이력 파일이 없습니다")
    update_job_progress(job, 0, len(files) + 1)

    products: dict[str, tuple[str, str]] = {}  # pcode -> (name, category code); later files win
    prices = DailyPrices()  # keyed by pcode until the products exist
    for index, path in enumerate(files, start=1):
        prefix = FILE_RE.match(path.name)["prefix"].upper()
        category_code = PREFIX_CATEGORIES.get(prefix)
        if category_code is None:
            report.errors.append(
                f"{path.name}: 알 수 없는 파일 종류 '{prefix}' (CPU, VGA, ... 중 하나여야 합니다)"
            )
            continue
        report.files += 1
        _read_file(path, category_code, products, prices, report)
        update_job_progress(job, index)

    report.products_seen = len(products)
    report.rows = len(prices)
    report.rejected_nonpositive = prices.report.rejected_nonpositive
    report.rejected_absurd = prices.report.rejected_absurd
    report.merged_duplicates = prices.report.merged_duplicates
    report.stage_seconds["read"] = round(time.perf_counter() - started, 1)
    with transaction.atomic():
        items = [
            ProductData(name=name, category=get_category(code), pcode=pcode,
                        url=f"https://prod.danawa.com/info/?pcode={pcode}")
            for pcode, (name, code) in products.items()
        ]  # fmt: skip
        written = ensure_products(items)
        report.products_created = len(written.created_ids)
        report.products_renamed = len(written.updated_ids)
        mark = time.perf_counter()
        report.stage_seconds["products"] = round(mark - started - report.stage_seconds["read"], 1)
        price_report = copy_prices(
            prices, written.ids, created_product_ids=written.created_ids, source=PriceSource.HISTORY
        )
        report.inserted = price_report.inserted
        report.stage_seconds["write"] = round(time.perf_counter() - mark, 1)
        report.already_present = report.rows - report.inserted
    report.seconds = time.perf_counter() - started
    finish_job(job, stats=report.as_dict(), errors=report.errors)
    logger.info(
        "price history: %s rows, %s new, %.1fs", report.rows, report.inserted, report.seconds
    )
    return report


def _read_file(
    path: Path,
    category_code: str,
    products: dict[str, tuple[str, str]],
    prices: DailyPrices,
    report: HistoryReport,
) -> None:
    """Read one file into ``products`` and ``prices``; row problems go to ``report.errors``,
    cell counts to ``report`` (the prices' refusals and merges are counted by ``prices``)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            report.errors.append(f"{path.name}: 빈 파일입니다")
            return
        if len(header) < 3 or header[0].strip() != "Id" or header[1].strip() != "Name":
            report.errors.append(f"{path.name}:1: 머리글이 'Id,Name,<날짜>...' 형식이 아닙니다")
            return
        days = _header_days(header)
        if any(d is None for d in days):
            bad = [header[i + 2] for i, d in enumerate(days) if d is None][:3]
            report.errors.append(
                f"{path.name}:1: 날짜로 읽을 수 없는 열 {bad} (그 열은 건너뜁니다)"
            )
        width = len(header)
        for line_no, row in enumerate(reader, start=2):
            if not row or not any(c.strip() for c in row):
                continue
            pcode = row[0].strip()
            if not pcode.isdigit():
                report.errors.append(
                    f"{path.name}:{line_no}: 상품 코드(Id)가 숫자가 아닙니다: {pcode!r}"
                )
                continue
            if len(row) != width:
                report.errors.append(
                    f"{path.name}:{line_no}: 열 개수가 {len(row)}개로 머리글({width}개)과 다릅니다"
                )
                continue
            name = " ".join(row[1].split())
            if not name:
                report.errors.append(f"{path.name}:{line_no}: 상품명이 비어 있습니다")
                continue
            products[pcode] = (name, category_code)
            for day, cell in zip(days, row[2:], strict=True):
                report.cells += 1
                if day is None:
                    continue
                parsed = parse_cell(cell)
                if parsed is None:
                    report.not_listed += 1
                    continue
                for label, price in parsed:
                    if any(u in label for u in USED_LABELS):
                        report.used_skipped += 1
                        continue
                    if price is None:
                        report.out_of_stock += 1
                        continue
                    prices.add(pcode, day, label, price)


@dataclass
class HistorySeries:
    """One product's daily lowest new-product price, read straight from history files."""

    pcode: str
    name: str
    category_code: str
    prices: dict[dt.date, int]


def read_daily_lowest(directories: list[str | Path]) -> dict[str, HistorySeries]:
    """Read history folders without touching the database (backtests, benchmarks).

    Same parsing and validation as the importer; returns {pcode: HistorySeries} with the lowest
    valid new-product price per day.
    """
    report = HistoryReport()
    products: dict[str, tuple[str, str]] = {}
    prices = DailyPrices()
    for directory in directories:
        root = Path(directory)
        if not root.is_dir():
            raise FileNotFoundError(f"폴더가 없습니다: {root}")
        for path in sorted(p for p in root.iterdir() if FILE_RE.match(p.name)):
            code = PREFIX_CATEGORIES.get(FILE_RE.match(path.name)["prefix"].upper())
            if code is not None:
                _read_file(path, code, products, prices, report)
    series = {
        pcode: HistorySeries(pcode, name, code, {}) for pcode, (name, code) in products.items()
    }
    for (pcode, day), price in prices.daily_lowest().items():
        series[pcode].prices[day] = price
    return series
