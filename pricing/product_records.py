"""Spec records of catalog products with the catalog's part scores.

``pricing.ml.features.record_from_product`` (which imports no catalog code) reads a product's
benchmark rows only; this adapter gives the same record with the catalog's one rule for a
part's score (``Product.cpu_score``/``gpu_score``: the PassMark row's, else the estimate for a
part newer than the tables), so that a product with an RTX 40-series card is priced with a
GPU score instead of none.
"""

from __future__ import annotations

from dataclasses import replace

from pricing.ml.features import SpecRecord
from pricing.ml.features import record_from_product as benchmark_record


def _score(value: int | None) -> float | None:
    return None if value is None else float(value)


def record_from_product(product: object) -> SpecRecord:
    """``pricing.ml.features.record_from_product`` with the estimated scores filled in."""
    record = benchmark_record(product)
    cpu = getattr(product, "cpu_score", None)
    gpu = getattr(product, "gpu_score", None)
    if (record.cpu_score is None and cpu is not None) or (
        record.gpu_score is None and gpu is not None
    ):
        record = replace(
            record,
            cpu_score=record.cpu_score if record.cpu_score is not None else _score(cpu),
            gpu_score=record.gpu_score if record.gpu_score is not None else _score(gpu),
        )
    return record
