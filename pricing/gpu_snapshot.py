"""Real-data benchmark input: graphics cards from Danawa-Crawler history files at one date,
written as a product CSV in the ``import_products`` format (price = that day's lowest new price).

Names are parsed by ``catalog.specs.parse_specs(kind="gpu")`` (chipset, VRAM, brand). Left out:
listings that name no GPU chipset (SLI bridges, brackets, cables); products whose *name* marks
them used or refurbished ("(중고)", "리퍼") — like 중고 variants, not new-product prices; and,
with ``active_days``, listings whose price did not move once in the ``active_days`` before the
snapshot (discontinued cards left listed at a placeholder price, e.g. a GTX 1660 at 4,550,000원). Benchmark scores are
attached later by the evaluation pipeline's matcher, exactly as for any imported CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections import Counter
from pathlib import Path

from catalog.danawa.categories import GPU, HISTORY_FILE_PREFIXES

VGA_FILE = re.compile(rf"^{HISTORY_FILE_PREFIXES[GPU]}_(\d{{4}})-(\d{{2}})\.csv$")
CSV_COLUMNS = ["name", "category", "price", "pcode", "manufacturer", "specs", "date"]


class SnapshotError(ValueError):
    """No usable graphics-card history for the requested date."""


def _month_files(history_dir: Path) -> dict[tuple[int, int], Path]:
    if not history_dir.is_dir():
        raise SnapshotError(f"폴더가 없습니다: {history_dir}")
    out = {}
    for path in history_dir.iterdir():
        m = VGA_FILE.match(path.name)
        if m:
            out[(int(m[1]), int(m[2]))] = path
    if not out:
        raise SnapshotError(f"{history_dir}에 VGA_YYYY-MM.csv 파일이 없습니다")
    return out


USED_NAME = re.compile(r"중고|리퍼|반품|전시")


def gpu_snapshot_rows(
    history_dir: str | Path, day: dt.date | None = None, active_days: int = 0
) -> tuple[list[dict[str, str]], dt.date, dict[str, int]]:
    """(CSV rows, snapshot day, counts) for the graphics cards listed with a price on ``day``
    (default: the day with the most priced cards in the newest month)."""
    from catalog.importers.price_history import read_daily_lowest
    from catalog.specs import parse_specs

    files = _month_files(Path(history_dir))
    month = (day.year, day.month) if day else max(files)
    if month not in files:
        raise SnapshotError(f"{month[0]}-{month[1]:02d}의 VGA 파일이 없습니다")
    # Read only that month's file and the one before (read_daily_lowest reads whole folders).
    previous = (month[0] - 1, 12) if month[1] == 1 else (month[0], month[1] - 1)
    with tempfile.TemporaryDirectory() as tmp:
        for key in (previous, month):
            if key in files:
                (Path(tmp) / files[key].name).symlink_to(files[key].resolve())
        series = read_daily_lowest([tmp])
    per_day = Counter(d for s in series.values() for d in s.prices if (d.year, d.month) == month)
    if not per_day:
        raise SnapshotError(f"{files[month].name}에 가격이 없습니다")
    if day is None:
        day = max(per_day, key=lambda d: (per_day[d], d))
    elif day not in per_day:
        raise SnapshotError(f"{day}의 가격이 없습니다")
    rows, counts = [], Counter()
    for pcode, s in sorted(series.items()):
        price = s.prices.get(day)
        if not price:
            continue
        counts["listed"] += 1
        if USED_NAME.search(s.name):
            counts["used_name"] += 1
            continue
        if active_days:
            since = day - dt.timedelta(days=active_days)
            window = {p for d, p in s.prices.items() if since <= d <= day}
            if len(window) < 2:
                counts["stale"] += 1
                continue
        parsed = parse_specs(s.name, "", {}, kind="gpu")
        if not parsed.gpu_model:
            counts["no_chipset"] += 1
            continue
        counts["rows"] += 1
        specs = parsed.gpu_model + (f" / {parsed.vram_gb}GB" if parsed.vram_gb else "")
        rows.append(
            {
                "name": s.name,
                "category": "gpu",
                "price": str(price),
                "pcode": pcode,
                "manufacturer": parsed.brand,
                "specs": specs,
                "date": day.isoformat(),
            }
        )
    return rows, day, dict(counts)


def write_product_csv(rows: list[dict[str, str]], path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return target


def passmark_matcher(passmark_dir: str | Path) -> object:
    """A ``BenchmarkMatcher`` straight from the PassMark CSVs (no database)."""
    from catalog.benchmarks import BenchmarkMatcher
    from catalog.passmark import passmark_paths

    for path in passmark_paths(passmark_dir).values():
        if not path.is_file():
            raise SnapshotError(f"PassMark 파일이 없습니다: {path}")
    return BenchmarkMatcher.from_passmark_dir(passmark_dir)
