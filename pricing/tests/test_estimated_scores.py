"""Pricing reads a part's score by the catalog's one rule (issue 13): the PassMark row's, else
the estimate for a part newer than the tables (product CSVs and catalog records alike)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.benchmarks import BenchmarkMatcher
from catalog.models import Product
from catalog.tests.factories import CategoryFactory, GpuBenchmarkFactory, ProductFactory
from catalog.tests.test_score_estimates import GPU_ROWS
from pricing.csv_records import records_from_csv, score_counts
from pricing.product_records import record_from_product


def test_product_csv_records_get_estimated_scores_and_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_text(
        "name,category,price\n"
        "MSI 지포스 RTX 3070 벤투스 2X D6 8GB,gpu,600000\n"
        "MSI 지포스 RTX 4070 게이밍 X 트리오 D6X 12GB,gpu,900000\n"
        "ASRock 인텔 Arc A770 Phantom Gaming D6 16GB,gpu,500000\n",
        encoding="utf-8",
    )
    matcher = BenchmarkMatcher.from_rows([], [(None, n, s) for n, s in GPU_ROWS])
    records, errors = records_from_csv(path, matcher)
    assert errors == []
    by_gpu = {r.gpu_model: r.gpu_score for r in records}
    assert by_gpu["GeForce RTX 3070"] == 22000.0
    assert by_gpu["GeForce RTX 4070"] == float(matcher.estimate("gpu", "GeForce RTX 4070").score)
    assert by_gpu["Intel Arc A770"] is None
    assert score_counts(records, matcher) == {"matched": 1, "estimated": 1, "missing": 1}


@pytest.mark.django_db
def test_catalog_records_take_the_estimate_when_there_is_no_benchmark_row() -> None:
    category = CategoryFactory(kind="gpu")
    known = ProductFactory(category=category, gpu_benchmark=GpuBenchmarkFactory(score=17000),
                           gpu_score_estimated=None)  # fmt: skip
    newer = ProductFactory(category=category, gpu_model="GeForce RTX 4070",
                           gpu_score_estimated=27000)  # fmt: skip
    products = {p.pk: p for p in Product.objects.with_related().filter(pk__in=[known.pk, newer.pk])}
    assert record_from_product(products[known.pk]).gpu_score == 17000.0
    assert record_from_product(products[newer.pk]).gpu_score == 27000.0
