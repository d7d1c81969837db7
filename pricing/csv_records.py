"""Spec records from a product CSV in the ``import_products`` format, for ``evaluate_pricing
--csv`` and the graphics-card benchmark: parsed with the catalog's own importer helpers,
``parse_specs`` and ``BenchmarkMatcher`` without writing anything to the database.

An adapter beside ``pricing.ml`` (which imports no Django or catalog code).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from catalog.importers.products import REQUIRED_COLUMNS, RowError, parse_price
from catalog.services import KIND_CATEGORY_CODES, KNOWN_CATEGORIES, canonical_manufacturer
from catalog.specs import parse_specs
from pricing.ml.features import SpecRecord


def part_score(matcher: object, part: str, name: str) -> object | None:
    """The part's score by the catalog's one rule (``BenchmarkMatcher.score``: the matched
    row's, else an estimate marked ``estimated``); a matcher without ``score`` only matches."""
    if not name:
        return None
    score = getattr(matcher, "score", None)
    return score(part, name) if score is not None else matcher.match(part, name)


def score_counts(records: list[SpecRecord], matcher: object, part: str = "gpu") -> dict[str, int]:
    """How many records have a ``part`` score from a PassMark row ("matched"), from an estimate
    ("estimated"), or none although they name a part ("missing")."""
    counts = {"matched": 0, "estimated": 0, "missing": 0}
    for record in records:
        model = getattr(record, f"{part}_model")
        if not model or (part == "gpu" and record.integrated_gpu):
            continue
        if getattr(record, f"{part}_score") is None:
            counts["missing"] += 1
        elif matcher.match(part, model) is not None:
            counts["matched"] += 1
        else:
            counts["estimated"] += 1
    return counts


class CsvRecordError(ValueError):
    """The CSV as a whole cannot be read for evaluation."""


def records_from_csv(path: str | Path, matcher: object) -> tuple[list[SpecRecord], list[str]]:
    """Records from a product CSV (``import_products`` format) without touching the catalog.

    Rows are validated with the importer's own helpers; bad rows are reported, not raised.
    Returns (records, row errors).
    """
    csv_path = Path(path)
    if not csv_path.is_file():
        raise CsvRecordError(f"파일이 없습니다: {csv_path}")
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRecordError("파일이 UTF-8이 아닙니다") from exc
    reader = csv.DictReader(text.splitlines())
    columns = {c.strip().lower() for c in (reader.fieldnames or []) if c}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvRecordError(f"필수 열이 없습니다: {', '.join(missing)}")
    records: list[SpecRecord] = []
    errors: list[str] = []
    for index, raw in enumerate(reader):
        line = index + 2
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        name = " ".join(row.get("name", "").split())
        if not name:
            errors.append(f"{line}행: 상품명(name)이 비어 있습니다")
            continue
        try:
            price = parse_price(row.get("price", ""))
        except RowError as exc:
            errors.append(f"{line}행: {exc}")
            continue
        category = row.get("category", "").strip()
        kind = category.lower() if category.lower() in KIND_CATEGORY_CODES else "other"
        for _code, (label, label_kind) in KNOWN_CATEGORIES.items():
            if category == label:
                kind = str(label_kind)
        parsed = parse_specs(name, row.get("specs", ""), {}, kind=kind)
        manufacturer = canonical_manufacturer(row.get("manufacturer", "") or parsed.brand)
        image_path, image_sha = "", ""
        if row.get("image"):
            candidate = Path(row["image"])
            if not candidate.is_absolute():
                candidate = csv_path.parent / candidate
            if candidate.is_file():
                image_path = str(candidate)
                image_sha = hashlib.sha256(candidate.read_bytes()).hexdigest()
            else:
                errors.append(
                    f"{line}행: 이미지 파일이 없습니다 (이미지 없이 사용): {row['image']}"
                )
        # the PassMark row's score, else an estimate for a part newer than the tables
        cpu = part_score(matcher, "cpu", parsed.cpu_model)
        gpu = part_score(matcher, "gpu", parsed.gpu_model)
        records.append(
            SpecRecord(
                key=row.get("pcode") or f"row{line}",
                name=name,
                kind=kind,
                manufacturer=manufacturer,
                cpu_model=parsed.cpu_model,
                gpu_model=parsed.gpu_model,
                cpu_score=float(cpu.score) if cpu else None,
                gpu_score=float(gpu.score) if gpu and not parsed.integrated_gpu else None,
                ram_gb=parsed.ram_gb,
                ssd_gb=parsed.ssd_gb,
                hdd_gb=parsed.hdd_gb,
                vram_gb=parsed.vram_gb,
                os=parsed.os,
                form_factor=parsed.form_factor,
                integrated_gpu=parsed.integrated_gpu,
                image_sha256=image_sha,
                image_path=image_path,
                price=price,
            )
        )
    return records, errors
