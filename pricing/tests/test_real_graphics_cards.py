"""Real data: a small slice of Danawa graphics cards (../shared/data) through the pipeline."""

from __future__ import annotations

import datetime as dt

from pricing.csv_records import records_from_csv
from pricing.gpu_snapshot import gpu_snapshot_rows, passmark_matcher, write_product_csv
from pricing.ml.evaluation import cross_validate
from pricing.tests.helpers import tiny_config


def test_shared_data_graphics_card_slice_is_evaluated_against_the_baselines(
    shared_data, tmp_path
) -> None:
    """Reads ../shared/data (Danawa VGA history + PassMark): 150 cards of 2022-06-15."""
    rows, day, counts = gpu_snapshot_rows(
        shared_data / "danawa" / "price_history", dt.date(2022, 6, 15)
    )
    assert day == dt.date(2022, 6, 15)
    assert counts["rows"] > 300
    assert all("중고" not in r["name"] for r in rows)
    path = write_product_csv(rows[::4][:150], tmp_path / "vga.csv")
    records, errors = records_from_csv(path, passmark_matcher(shared_data / "passmark"))
    assert not errors
    assert sum(1 for r in records if r.gpu_score) > 100  # most chipsets are in PassMark
    assert {r.kind for r in records} == {"gpu"}
    report = cross_validate(records, folds=3, config=tiny_config(use_images=False, lr=1e-3))
    for method in ("ensemble", "base", "v1", "v2", "v3", "gbm", "group_median"):
        assert report.metrics[method]["all"]["n"] == len(records)
    assert 0.0 < report.ensemble["mape"] < 0.6
    assert 0.0 <= report.coverage <= 1.0
