"""Training the ensemble.

``train_ensemble(records, config)`` splits the priced records by group (near-identical
configurations stay together) into train / validation / calibration (/ test), trains the four
reference networks and the gradient-boosting member on train, early-stops on validation, re-fits
the member weights per weight band on validation (the gradient-boosting member joins only when it lowers the
validation error), fits split-conformal interval widths on calibration and, when a test split is
asked for, measures everything on it. The result is a :class:`FairPriceEnsemble`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from pricing.ml.domain import training_domain
from pricing.ml.ensemble.config import Progress, TrainConfig, TrainingError
from pricing.ml.ensemble.data import build_dataset
from pricing.ml.ensemble.members import train_members
from pricing.ml.ensemble.metrics import mape, weight_band_metrics
from pricing.ml.ensemble.model import FairPriceEnsemble
from pricing.ml.ensemble.splits import group_split, grouped_folds
from pricing.ml.ensemble.weighting import fit_conformal, fit_weights
from pricing.ml.features import ANCHOR_LEVELS, WEIGHT_BANDS, SpecEncoder, SpecRecord, weight_band
from pricing.ml.gbm import AnchoredTrees

logger = logging.getLogger(__name__)


def fit_gbm(
    encoder: SpecEncoder, x: np.ndarray, y: np.ndarray, seed: int, n_estimators: int
) -> AnchoredTrees:
    """The boosting member on encoded rows ``x`` and prices ``y`` (anchored when the encoder
    has same-configuration anchors)."""
    cols = encoder.anchor_columns()
    return AnchoredTrees.fit(
        x,
        np.log(y),
        anchor_cols=[cols[level] for level in ANCHOR_LEVELS] if cols else None,
        center=encoder.anchor_center,
        seed=seed,
        n_estimators=n_estimators,
    )


def load_image_features(
    records: list[SpecRecord], config: TrainConfig, progress: Progress | None = None
) -> tuple[dict[str, np.ndarray], int, bool]:
    """(features by image hash, feature dim, backbone pretrained?) for records with images."""
    images = {r.image_sha256: r.image_path for r in records if r.image_sha256 and r.image_path}
    if not config.use_images or not images:
        return {}, 0, False
    from pricing.ml.backbone import backbone_info, image_features

    info = backbone_info(config.backbone)
    feats = image_features(
        images,
        config.backbone,
        progress=(lambda d, t: progress("images", d, t)) if progress else None,
    )
    return feats, info.feature_dim, info.pretrained


def train_ensemble(
    records: list[SpecRecord],
    config: TrainConfig | None = None,
    progress: Progress | None = None,
    features: dict[str, np.ndarray] | None = None,
    image_meta: tuple[int, bool] | None = None,
) -> FairPriceEnsemble:
    """Train every member on priced ``records`` and assemble the ensemble (see module doc).

    ``features``/``image_meta`` may be passed in when the caller already loaded image features
    (cross-validation loads them once for all folds).
    """
    import torch

    config = config or TrainConfig()
    started = time.perf_counter()
    records = [r for r in records if r.price and r.price > 0]
    if len(records) < config.min_rows:
        raise TrainingError(
            f"가격이 있는 상품이 {len(records)}개뿐입니다 (최소 {config.min_rows}개 필요)"
        )
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    if features is None:
        features, image_dim, pretrained = load_image_features(records, config, progress)
    else:
        image_dim, pretrained = image_meta or (0, False)
    images_used = sum(1 for r in records if r.image_sha256 in features)
    image_dim = image_dim or 8  # no images at all: a tiny, always-masked image branch
    groups = [r.group_key for r in records]
    fractions = [config.val_fraction, config.cal_fraction, config.test_fraction]
    fractions = [1.0 - sum(fractions), *fractions]
    train_i, val_i, cal_i, test_i = group_split(groups, fractions, config.seed)
    if min(len(train_i), len(val_i), len(cal_i)) == 0:
        raise TrainingError("학습/검증/보정 데이터로 나눌 만큼 서로 다른 구성이 없습니다")
    encoder = SpecEncoder().fit([records[i] for i in train_i])
    full = build_dataset(records, encoder, features, image_dim, images_used)
    train, val, cal = full.take(train_i), full.take(val_i), full.take(cal_i)

    networks, meta, logs = train_members(train, val, encoder, image_dim, config, progress)
    gbm = fit_gbm(encoder, train.x, train.y, config.seed, config.gbm_estimators)
    ensemble = FairPriceEnsemble(
        encoder, networks, meta, gbm, True, {}, {}, config, image_dim, images_used, pretrained
    )
    # Member weights per weight band on validation, with and without the boosting member.
    val_preds = ensemble.member_predictions(val)
    nn_keys = list(config.members)
    first = np.median(np.stack([val_preds[k] for k in nn_keys]), axis=0)
    val_bands = [weight_band(v) for v in first]
    # Candidate weightings: the networks alone per band; with the boosting member per band;
    # with it, one pooled fit for every band (steadier when bands hold few validation rows);
    # the boosting member alone. Each is judged by its cross-validated MAPE on the validation
    # rows (weights fitted on four fifths, scored on the fifth, by group; never test rows):
    # scored on the rows they were fitted on, the flexible per-band fits always looked best.
    keys = [*nn_keys, "gbm"]
    schemes: dict[str, Callable[[dict[str, np.ndarray], np.ndarray, list[str]], dict]] = {
        "networks": lambda p, y, b: fit_weights(p, y, b, nn_keys),
        "with_gbm": lambda p, y, b: fit_weights(p, y, b, keys),
        # No row is in a band called "pooled": every band takes the pooled fit.
        "pooled": lambda p, y, b: fit_weights(p, y, ["pooled"] * len(y), keys),
        "gbm_only": lambda p, y, b: {
            band: {k: float(k == "gbm") for k in keys} for band in WEIGHT_BANDS
        },
    }
    candidates = {name: scheme(val_preds, val.y, val_bands) for name, scheme in schemes.items()}
    val_groups = [groups[i] for i in val_i]
    val_errors = {}
    for name, scheme in schemes.items():
        oof = np.zeros(len(val.y))
        for held in grouped_folds(val_groups, min(5, len(set(val_groups))), config.seed):
            rest = np.setdiff1d(np.arange(len(val.y)), held)
            ensemble.band_weights = scheme(
                {k: v[rest] for k, v in val_preds.items()},
                val.y[rest],
                [val_bands[i] for i in rest],
            )
            oof[held] = ensemble.combine(
                {k: v[held] for k, v in val_preds.items()}, [val_bands[i] for i in held]
            )[0]
        val_errors[name] = mape(val.y, oof)
    chosen = min(val_errors, key=lambda name: (val_errors[name], name != "networks"))
    ensemble.band_weights = candidates[chosen]
    ensemble.gbm_used = chosen != "networks"
    err_without, err_with = (
        val_errors["networks"],
        min(v for k, v in val_errors.items() if k != "networks"),
    )
    if not ensemble.gbm_used:
        ensemble.gbm = None
    else:
        # The weights are chosen; the boosting member and its anchors (which the networks never
        # see) now learn from the validation rows too. Calibration rows stay out, so the
        # conformal widths below still come from rows no member has seen.
        fit_i = np.concatenate([train_i, val_i])
        encoder.refit_anchors([records[i] for i in fit_i])
        full = build_dataset(records, encoder, features, image_dim, images_used)
        train_val, cal = full.take(fit_i), full.take(cal_i)
        ensemble.gbm = gbm = fit_gbm(
            encoder, train_val.x, train_val.y, config.seed, config.gbm_estimators
        )
    # Conformal widths on calibration rows.
    cal_preds = ensemble.member_predictions(cal)
    cal_fair, cal_bands = ensemble.combine(cal_preds)
    ensemble.conformal = fit_conformal(cal.y, cal_fair, cal_bands, config.coverage)
    metrics: dict[str, object] = {
        "rows": len(records),
        "train_rows": len(train_i),
        "val_rows": len(val_i),
        "cal_rows": len(cal_i),
        "test_rows": len(test_i),
        "groups": len(set(groups)),
        "images_used": images_used,
        "members": logs,
        "val_mape_without_gbm": err_without,
        "val_mape_with_gbm": err_with,
        "val_mape_candidates": val_errors,
        "weighting": chosen,
        "coverage_target": config.coverage,
    }
    if len(test_i):
        test = full.take(test_i)
        preds = ensemble.member_predictions(test)
        if not ensemble.gbm_used:
            preds["gbm"] = np.exp(gbm.predict(test.x))
        fair, bands = ensemble.combine({k: v for k, v in preds.items() if k != "gbm" or
                                        ensemble.gbm_used})  # fmt: skip
        low, high = ensemble.interval(fair, bands)
        metrics["test"] = {
            "ensemble": weight_band_metrics(test.y, fair),
            "members": {k: weight_band_metrics(test.y, v)["all"] for k, v in preds.items()},
            "coverage": float(np.mean((test.y >= low) & (test.y <= high))),
        }
    metrics["seconds"] = round(time.perf_counter() - started, 1)
    ensemble.metrics = metrics
    ensemble.domain = training_domain(records)
    logger.info("pricing ensemble trained on %s rows in %.1fs", len(records), metrics["seconds"])
    return ensemble
