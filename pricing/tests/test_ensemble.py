"""The ensemble trained on small synthetic data: splits, persistence, intervals, explanations."""

from __future__ import annotations

import numpy as np
import pytest

from pricing.ml.ensemble import (
    FORMAT_VERSION,
    FairPriceEnsemble,
    TrainingError,
    group_split,
    grouped_folds,
    train_ensemble,
)
from pricing.tests.helpers import synthetic_records, tiny_config


@pytest.fixture(scope="module")
def trained() -> FairPriceEnsemble:
    return train_ensemble(synthetic_records(160), tiny_config(use_images=False, test_fraction=0.15))


def test_group_split_never_puts_one_group_on_both_sides() -> None:
    groups = [f"g{i % 17}" for i in range(200)]
    parts = group_split(groups, [0.7, 0.15, 0.15], seed=3)
    seen = [{groups[i] for i in part} for part in parts]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    assert sum(len(p) for p in parts) == 200


def test_grouped_folds_cover_every_row_once_with_disjoint_groups() -> None:
    groups = [f"g{i % 23}" for i in range(230)]
    folds = grouped_folds(groups, 5, seed=0)
    rows = np.concatenate(folds)
    assert sorted(rows.tolist()) == list(range(230))
    group_sets = [{groups[i] for i in f} for f in folds]
    for a in range(5):
        for b in range(a + 1, 5):
            assert not group_sets[a] & group_sets[b]


def test_training_refuses_too_few_priced_rows() -> None:
    records = synthetic_records(10)
    with pytest.raises(TrainingError, match="최소"):
        train_ensemble(records, tiny_config())


def test_it_estimates_with_an_interval_around_the_fair_price(trained: FairPriceEnsemble) -> None:
    records = synthetic_records(5, seed=9)
    for est in trained.estimate(records):
        assert est.low < est.fair_price < est.high
        assert set(est.members) >= {"base", "v1", "v2", "v3"}
        assert abs(sum(est.weights.values()) - 1.0) < 1e-3
        assert est.used_image is False


def test_band_weights_are_stored_for_every_band_and_sum_to_one(trained: FairPriceEnsemble) -> None:
    assert set(trained.band_weights) == {"lt50", "50to100", "100to200", "ge200"}
    for weights in trained.band_weights.values():
        assert all(w >= 0 for w in weights.values())
        assert abs(sum(weights.values()) - 1.0) < 1e-6


def test_it_reports_test_metrics_and_measured_coverage(trained: FairPriceEnsemble) -> None:
    test = trained.metrics["test"]
    assert 0.0 <= test["coverage"] <= 1.0
    assert test["ensemble"]["all"]["n"] > 0
    # The data follow a simple formula: even a tiny training run beats 30 % error.
    assert test["ensemble"]["all"]["mape"] < 0.3


def test_explanation_says_in_won_that_more_ram_pushes_the_price_up(
    trained: FairPriceEnsemble,
) -> None:
    record = synthetic_records(1, seed=4)[0]
    record.ram_gb = 32
    est = trained.estimate([record], explain=True)[0]
    by_group = {e["group"]: e for e in est.explanation}
    assert all(isinstance(e["won"], int) for e in est.explanation)
    assert by_group["ram"]["won"] > 0
    assert by_group["ram"]["label"] == "메모리(RAM)"


def test_saved_artifact_loads_with_weights_only_and_gives_the_same_estimates(
    trained: FairPriceEnsemble, tmp_path: object
) -> None:
    import torch

    path = tmp_path / "model.pt"
    trained.save(path)
    assert not (tmp_path / "model.pt.part").exists()
    payload = torch.load(path, weights_only=True)
    assert payload["format_version"] == FORMAT_VERSION
    loaded = FairPriceEnsemble.load(path)
    records = synthetic_records(4, seed=11)
    before = [e.fair_price for e in trained.estimate(records)]
    after = [e.fair_price for e in loaded.estimate(records)]
    assert before == after


def test_it_refuses_an_artifact_of_another_format_version(
    trained: FairPriceEnsemble, tmp_path: object
) -> None:
    import torch

    path = tmp_path / "model.pt"
    trained.save(path)
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = 999
    torch.save(payload, path)
    with pytest.raises(ValueError, match="형식 버전"):
        FairPriceEnsemble.load(path)


def test_members_trained_in_worker_processes_match_members_trained_in_process() -> None:
    records = synthetic_records(120, seed=11)
    steps: list[tuple[str, int, int]] = []
    config = tiny_config(use_images=False, members=("v1", "v3"))
    serial = train_ensemble(records, config)
    parallel = train_ensemble(records, tiny_config(use_images=False, members=("v1", "v3"),
                                                   workers=2),
                              progress=lambda *step: steps.append(step))  # fmt: skip
    data = serial.dataset(records[:20], None)
    a, b = serial.member_predictions(data), parallel.member_predictions(data)
    for key in ("v1", "v3"):
        np.testing.assert_allclose(a[key], b[key], rtol=1e-5)
    train_steps = [s for s in steps if s[0] == "train"]
    assert train_steps[-1][1:] == (2 * config.max_epochs, 2 * config.max_epochs)
