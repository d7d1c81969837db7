"""k-fold cross-validation of the whole pipeline (ensemble, members, two baselines), under two
protocols:

* ``grouped``: the folds split by ``SpecRecord.group_key``, so a test row's configuration was
  never seen in training (what the configuration form and a brand-new product face);
* ``listing``: plain random folds over rows, so other listings of the same configuration are
  in training (what a product already in the live catalog faces).

Each fold trains a complete ensemble (its own train/validation/calibration split inside the
fold's training rows) and predicts the fold's test rows. Baselines: the median price of the same
CPU+GPU group in the fold's training rows (falling back to the GPU alone, then to the overall
median), and the gradient-boosting member alone (a member, always trained). Measures
(``pricing.ml.ensemble.metrics``): MAPE, MdAPE, share within ±10 %, R², overall and per weight
band; interval coverage and mean width; the peer-median noise yardstick.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from pricing.ml.ensemble import (
    TrainConfig,
    TrainingError,
    grouped_folds,
    load_image_features,
    train_ensemble,
    weight_band_metrics,
)
from pricing.ml.ensemble.metrics import interval_metrics
from pricing.ml.features import SpecRecord

logger = logging.getLogger(__name__)

MIN_EVAL_ROWS = 50
PROTOCOLS = ("grouped", "listing")
MEMBERS = ("base", "v1", "v2", "v3", "gbm")


@dataclass
class EvaluationReport:
    """Out-of-fold metrics: {method: {band: {mape, mdape, within10, r2, n}}} plus the interval's
    coverage and mean width, overall and per band ({band: {coverage, width, n}})."""

    rows: int
    folds: int
    groups: int
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    coverage: float = float("nan")
    coverage_target: float = 0.9
    mean_interval_width: float = float("nan")
    interval: dict[str, dict[str, float]] = field(default_factory=dict)
    protocol: str = "grouped"
    peer_median: float = float("nan")
    peer_median_rows: int = 0
    weightings: dict[str, int] = field(default_factory=dict)
    gbm_used_folds: int = 0
    baseline_fallbacks: int = 0
    images_used: int = 0
    backbone_pretrained: bool = False
    seconds: float = 0.0
    fold_seconds: list[float] = field(default_factory=list)

    @property
    def ensemble(self) -> dict[str, float]:
        return self.metrics["ensemble"]["all"]

    @property
    def best_member(self) -> tuple[str, float]:
        """(member, MAPE) of the ensemble's member with the lowest out-of-fold MAPE."""
        scored = {k: self.metrics[k]["all"]["mape"] for k in MEMBERS if k in self.metrics}
        if not scored:
            return "", float("nan")
        key = min(scored, key=scored.get)
        return key, scored[key]


def group_median_baseline(
    train: list[SpecRecord], test: list[SpecRecord]
) -> tuple[np.ndarray, int]:
    """Median training price of the same CPU+GPU group; (predictions, rows that fell back)."""
    by_key: dict[str, list[int]] = {}
    by_gpu: dict[str, list[int]] = {}
    for r in train:
        by_key.setdefault(r.cpu_gpu_key, []).append(r.price)
        by_gpu.setdefault(f"{r.kind}|{r.gpu_model.lower()}", []).append(r.price)
    overall = statistics.median(r.price for r in train)
    out, fallbacks = [], 0
    for r in test:
        if r.cpu_gpu_key in by_key:
            out.append(statistics.median(by_key[r.cpu_gpu_key]))
            continue
        fallbacks += 1
        gpu = by_gpu.get(f"{r.kind}|{r.gpu_model.lower()}")
        out.append(statistics.median(gpu) if gpu else overall)
    return np.asarray(out, dtype=np.float64), fallbacks


def peer_median_floor(records: list[SpecRecord]) -> tuple[float, int]:
    """(MAPE, rows) of predicting each row by the median price of every *other* row with the same
    CPU+GPU(+VRAM): the same card from another distributor included, which grouped CV forbids.
    Not a fair baseline but a yardstick of listing noise: how far prices scatter around their
    configuration's going price. Rows alone in their configuration are left out."""
    by_key: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_key.setdefault(r.cpu_gpu_key, []).append(i)
    errors = []
    for i, r in enumerate(records):
        others = [records[j].price for j in by_key[r.cpu_gpu_key] if j != i]
        if others and r.price:
            errors.append(abs(statistics.median(others) - r.price) / r.price)
    return (float(np.mean(errors)) if errors else float("nan")), len(errors)


def listing_folds(n: int, folds: int, seed: int) -> list[np.ndarray]:
    """Test indices of ``folds`` random folds over ``n`` rows (no grouping)."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, folds)]


def evaluate(
    records: list[SpecRecord],
    folds: int = 5,
    seed: int = 0,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
    protocols: tuple[str, ...] = PROTOCOLS,
) -> dict[str, EvaluationReport]:
    """{protocol: report} for each asked protocol (see module doc)."""
    out = {}
    for protocol in protocols:
        if protocol not in PROTOCOLS:
            raise TrainingError(f"알 수 없는 평가 방식 {protocol!r} (grouped, listing)")
        out[protocol] = cross_validate(records, folds, seed, config, progress, protocol)
    return out


def cross_validate(
    records: list[SpecRecord],
    folds: int = 5,
    seed: int = 0,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
    protocol: str = "grouped",
) -> EvaluationReport:
    """k-fold CV (grouped or listing folds) of the ensemble, its members and the baselines."""
    started = time.perf_counter()
    config = replace(config or TrainConfig(), seed=seed, test_fraction=0.0)
    records = [r for r in records if r.price and r.price > 0]
    if len(records) < MIN_EVAL_ROWS:
        raise TrainingError(
            f"가격이 있는 행이 {len(records)}개뿐입니다: 평가에는 최소 {MIN_EVAL_ROWS}개가 필요합니다"
        )
    groups = [r.group_key for r in records]
    if len(set(groups)) < folds:
        raise TrainingError(
            f"서로 다른 구성이 {len(set(groups))}개뿐이라 {folds}겹으로 나눌 수 없습니다"
        )
    features, image_dim, pretrained = load_image_features(records, config)
    y = np.asarray([r.price for r in records], dtype=np.float64)
    preds: dict[str, np.ndarray] = {}
    low = np.zeros(len(records))
    high = np.zeros(len(records))
    report = EvaluationReport(rows=len(records), folds=folds, groups=len(set(groups)),
                              coverage_target=config.coverage, backbone_pretrained=pretrained,
                              protocol=protocol)  # fmt: skip
    report.images_used = sum(1 for r in records if r.image_sha256 in features)
    report.peer_median, report.peer_median_rows = peer_median_floor(records)
    splits = (
        grouped_folds(groups, folds, seed)
        if protocol == "grouped"
        else listing_folds(len(records), folds, seed)
    )
    for k, test_i in enumerate(splits):
        fold_started = time.perf_counter()
        test_set = set(test_i.tolist())
        train_records = [r for i, r in enumerate(records) if i not in test_set]
        test_records = [records[i] for i in test_i]
        ensemble = train_ensemble(
            train_records,
            replace(config, seed=seed + k),
            features=features,
            image_meta=(image_dim, pretrained),
        )
        report.gbm_used_folds += int(ensemble.gbm_used)
        weighting = str(ensemble.metrics.get("weighting", ""))
        report.weightings[weighting] = report.weightings.get(weighting, 0) + 1
        data = ensemble.dataset(test_records, features)
        member, fair, _bands, lo, hi = ensemble.predict_with_interval(data)
        baseline, fallbacks = group_median_baseline(train_records, test_records)
        report.baseline_fallbacks += fallbacks
        for name, values in [("ensemble", fair), *member.items(), ("group_median", baseline)]:
            preds.setdefault(name, np.zeros(len(records)))[test_i] = values
        low[test_i], high[test_i] = lo, hi
        report.fold_seconds.append(round(time.perf_counter() - fold_started, 1))
        if progress:
            progress(
                f"{protocol} fold {k + 1}/{folds}: test {len(test_i)} rows, "
                f"{report.fold_seconds[-1]:.1f}s, weighting {weighting}"
            )
    for name, values in preds.items():
        report.metrics[name] = weight_band_metrics(y, values)
    report.interval = interval_metrics(y, preds["ensemble"], low, high)
    report.coverage = report.interval["all"]["coverage"]
    report.mean_interval_width = report.interval["all"]["width"]
    report.seconds = round(time.perf_counter() - started, 1)
    return report
