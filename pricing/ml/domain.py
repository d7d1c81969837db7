"""The training domain of a fair-price model: what it was trained on (category kinds, catalog
categories, per-kind ranges of each number), so that what it has not seen is refused with a
reason instead of extrapolated (a 1,024GB-RAM "laptop" with an RTX 4090, a sofa)."""

from __future__ import annotations

from pricing.ml.features import SpecRecord

# Numbers a record carries and their Korean names/units, for the training domain's ranges.
DOMAIN_FIELDS: dict[str, tuple[str, str]] = {
    "cpu_score": ("CPU 성능(PassMark)", "점"),
    "gpu_score": ("GPU 성능(PassMark)", "점"),
    "ram_gb": ("RAM", "GB"),
    "ssd_gb": ("SSD", "GB"),
    "hdd_gb": ("HDD", "GB"),
    "vram_gb": ("그래픽 메모리", "GB"),
}
# Capacities where "none" is a real value (no HDD, integrated graphics): None counts as 0.
_NONE_IS_ZERO = {"ssd_gb", "hdd_gb", "vram_gb"}


def training_domain(records: list[SpecRecord]) -> dict[str, object]:
    """What a model was trained on, to refuse what it has not seen: the category kinds and
    catalog categories, and per kind the [min, max] of each number in ``DOMAIN_FIELDS`` over the
    records that have it (plain lists: it travels in the artifact and the model row)."""
    ranges: dict[str, dict[str, list[float]]] = {}
    for kind in sorted({r.kind for r in records}):
        rows = [r for r in records if r.kind == kind]
        per_field: dict[str, list[float]] = {}
        for name in DOMAIN_FIELDS:
            values = [float(getattr(r, name) or 0) for r in rows
                      if getattr(r, name) or name in _NONE_IS_ZERO]  # fmt: skip
            if values:
                per_field[name] = [min(values), max(values)]
        ranges[kind] = per_field
    return {
        "kinds": sorted({r.kind for r in records}),
        "categories": sorted({r.category for r in records if r.category}),
        "ranges": ranges,
        "rows": len(records),
    }


# How far past its training range a number may go (a factor: 2,048GB where the catalog's largest
# SSD is 2,000GB is the same drive, not an unseen one).
DOMAIN_TOLERANCE = 1.1


def outside_domain(record: SpecRecord, domain: dict[str, object]) -> dict[str, str]:
    """{field: Korean reason} for each number of ``record`` outside the training range of its
    kind, give or take ``DOMAIN_TOLERANCE`` (a value left empty is never outside). Empty when
    the domain has no ranges (models trained before ranges were recorded)."""
    ranges = (domain.get("ranges") or {}).get(record.kind) or {}
    out: dict[str, str] = {}
    for name, (label, unit) in DOMAIN_FIELDS.items():
        value, bounds = getattr(record, name), ranges.get(name)
        if not value or not bounds:
            continue
        low, high = bounds
        if high <= 0:
            out[name] = f"모델이 학습한 상품에는 {label}이(가) 없어 적정가를 추정하지 않습니다"
        elif not low / DOMAIN_TOLERANCE <= float(value) <= high * DOMAIN_TOLERANCE:
            out[name] = (
                f"{label} {float(value):,.0f}{unit}은(는) 모델이 학습한 범위"
                f"({low:,.0f}~{high:,.0f}{unit}) 밖이라 적정가를 추정하지 않습니다"
            )
    return out
