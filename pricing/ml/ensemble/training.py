"""Training the ensemble.

``train_ensemble(records, config)`` splits the priced records by group (near-identical
configurations stay together) into train / validation / calibration (/ test). The four
reference networks train on train and early-stop on validation; validation + calibration are
then the held-out rows, on which every member has an out-of-fold estimate (the networks never
fitted them; the gradient-boosting member is refitted without each quarter of the rows, and V1-V3
learn the residual of those out-of-fold boosting estimates). The member
weights are stacked on those estimates (``choose_weighting``: each member alone is a candidate,
so the ensemble is never worse out of fold than its best member), the boosting member is refitted
on every row, and the adaptive interval (a difficulty model plus conformal quantiles of the
normalised error) is fitted on the same held-out rows. When a test split is asked for,
everything is measured on it. The result is a :class:`FairPriceEnsemble`.
"""

from __future__ import annotations

import copy
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
from pricing.ml.ensemble.weighting import (
    conformal_quantiles,
    difficulty,
    fit_scale,
    fit_weights,
    scale_features,
)
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
    held_i = np.concatenate([val_i, cal_i])
    fit_i = np.concatenate([train_i, held_i])
    held_groups = [groups[i] for i in held_i]
    # The boosting member out of fold for every row the run fits on: trees (and anchors)
    # refitted without each quarter of the groups. The held-out rows (validation +
    # calibration) are judged on these estimates; the residual networks learn to correct them.
    base_log = np.zeros(len(records))
    fit_groups = [groups[i] for i in fit_i]
    for part in grouped_folds(fit_groups, min(GBM_INNER_FOLDS, len(set(fit_groups))), config.seed):
        keep = np.setdiff1d(fit_i, fit_i[part])
        fold_encoder = copy.deepcopy(encoder)
        fold_encoder.refit_anchors([records[i] for i in keep])
        x_fit = fold_encoder.transform([records[i] for i in keep])
        y_fit = np.asarray([records[i].price for i in keep], dtype=np.float64)
        trees = fit_gbm(fold_encoder, x_fit, y_fit, config.seed, config.gbm_estimators)
        base_log[fit_i[part]] = trees.predict(
            fold_encoder.transform([records[i] for i in fit_i[part]])
        )
    full = build_dataset(records, encoder, features, image_dim, images_used)
    full.base_log = base_log
    train, val = full.take(train_i), full.take(val_i)

    # The networks train on train and early-stop on validation; validation + calibration (the
    # held-out rows) were fitted by no network.
    networks, meta, logs = train_members(train, val, encoder, image_dim, config, progress)
    ensemble = FairPriceEnsemble(
        encoder, networks, meta, None, True, {}, {}, config, image_dim, images_used, pretrained
    )
    preds = ensemble.member_predictions(full.take(held_i), base_log=base_log[held_i])
    # The boosting member that estimates from now on learns from every row (anchors too).
    encoder.refit_anchors([records[i] for i in fit_i])
    full = build_dataset(records, encoder, features, image_dim, images_used)
    held = full.take(held_i)
    fitted = full.take(fit_i)
    ensemble.gbm = fit_gbm(encoder, fitted.x, fitted.y, config.seed, config.gbm_estimators)

    # Stacking: candidate weightings judged by their out-of-fold MAPE on the held-out rows
    # (weights fitted on four fifths of the groups, scored on the fifth). Every member alone is
    # a candidate, so the chosen combination is never worse out of fold than the best member.
    chosen, held_errors, held_fair, _bands = choose_weighting(
        ensemble, preds, held.y, held_groups, config.seed
    )
    ensemble.gbm_used = any(w.get("gbm", 0.0) > 0 for w in ensemble.band_weights.values())

    # Adaptive intervals: a difficulty model of |log error| (cross-fitted on the held-out rows,
    # so each row's difficulty comes from trees that did not see it), then split-conformal
    # quantile of |log error| / difficulty (pooled over bands).
    resid = np.abs(np.log(held.y / held_fair))
    feats = scale_features(held.x, preds, held_fair)
    honest = np.zeros(len(resid))
    for part in grouped_folds(held_groups, min(SCALE_FOLDS, len(set(held_groups))), config.seed):
        rest = np.setdiff1d(np.arange(len(resid)), part)
        trees, bounds = fit_scale(feats[rest], resid[rest], config.seed)
        honest[part] = difficulty(trees.predict(feats[part]), bounds)
    ensemble.scale, bounds = fit_scale(feats, resid, config.seed)
    pooled = ["all"] * len(resid)
    ensemble.conformal = {**conformal_quantiles(resid / honest, pooled, config.coverage), **bounds}
    metrics: dict[str, object] = {
        "rows": len(records),
        "train_rows": len(train_i),
        "val_rows": len(val_i),
        "cal_rows": len(cal_i),
        "test_rows": len(test_i),
        "groups": len(set(groups)),
        "images_used": images_used,
        "members": logs,
        "val_mape_without_gbm": held_errors["networks"],
        "val_mape_with_gbm": min(v for k, v in held_errors.items() if k != "networks"),
        "val_mape_candidates": held_errors,
        "weighting": chosen,
        "coverage_target": config.coverage,
    }
    if len(test_i):
        test = full.take(test_i)
        preds, fair, _bands, low, high = ensemble.predict_with_interval(test)
        metrics["test"] = {
            "ensemble": weight_band_metrics(test.y, fair),
            "members": {k: weight_band_metrics(test.y, v)["all"] for k, v in preds.items()},
            "coverage": float(np.mean((test.y >= low) & (test.y <= high))),
            "width": float(np.mean((high - low) / fair)),
        }
    metrics["seconds"] = round(time.perf_counter() - started, 1)
    ensemble.metrics = metrics
    ensemble.domain = training_domain(records)
    logger.info("pricing ensemble trained on %s rows in %.1fs", len(records), metrics["seconds"])
    return ensemble


GBM_INNER_FOLDS = 4  # boosting refits for its out-of-fold estimates
SCALE_FOLDS = 3
STACK_MARGIN = 0.02  # relative out-of-fold improvement a weighting needs over the trees alone


def choose_weighting(
    ensemble: FairPriceEnsemble,
    preds: dict[str, np.ndarray],
    y: np.ndarray,
    groups: list[str],
    seed: int,
) -> tuple[str, dict[str, float], np.ndarray, list[str]]:
    """Set ``ensemble.band_weights`` to the candidate weighting with the lowest out-of-fold MAPE
    on the held-out rows; (its name, every candidate's error, its out-of-fold estimates, bands).

    Candidates: each member alone; the networks per band; all members per band; all members,
    one pooled fit. Fitted weightings are scored by grouped 5-fold cross-fitting on the held-out
    rows (scored on the rows they were fitted on, the flexible per-band fits always looked
    best); a member alone needs no fitting. The boosting member alone is kept unless another
    candidate beats it by ``STACK_MARGIN``; either way the chosen one is never worse out of
    fold than the best member by more than that margin, and no worse than the boosting member."""
    keys = list(preds)
    nn_keys = [k for k in keys if k != "gbm"]
    first = np.median(np.stack([preds[k] for k in nn_keys]), axis=0)
    bands = [weight_band(v) for v in first]
    fitted: dict[str, Callable[[dict[str, np.ndarray], np.ndarray, list[str]], dict]] = {
        "networks": lambda p, yy, b: fit_weights(p, yy, b, nn_keys),
        "with_gbm": lambda p, yy, b: fit_weights(p, yy, b, keys),
        # No row is in a band called "pooled": every band takes the pooled fit.
        "pooled": lambda p, yy, b: fit_weights(p, yy, ["pooled"] * len(yy), keys),
    }
    candidates: dict[str, dict] = {}
    errors: dict[str, float] = {}
    oofs: dict[str, np.ndarray] = {}
    for key in ["gbm", *nn_keys]:
        name = "gbm_only" if key == "gbm" else f"{key}_only"
        candidates[name] = {band: {k: float(k == key) for k in keys} for band in WEIGHT_BANDS}
        ensemble.band_weights = candidates[name]
        oofs[name] = ensemble.combine(preds, bands)[0]
        errors[name] = mape(y, oofs[name])
    folds = grouped_folds(groups, min(5, len(set(groups))), seed)
    for name, scheme in fitted.items():
        oof = np.zeros(len(y))
        for part in folds:
            rest = np.setdiff1d(np.arange(len(y)), part)
            ensemble.band_weights = scheme(
                {k: v[rest] for k, v in preds.items()}, y[rest], [bands[i] for i in rest]
            )
            oof[part] = ensemble.combine(
                {k: v[part] for k, v in preds.items()}, [bands[i] for i in part]
            )[0]
        candidates[name] = scheme(preds, y, bands)
        oofs[name] = oof
        errors[name] = mape(y, oof)
    # The anchored trees alone are the incumbent; another candidate replaces them only when it
    # is clearly better out of fold (by STACK_MARGIN of their error): with the residual networks
    # as close to the trees as they now are, picking the lowest of near-equal errors was
    # picking noise (real graphics cards, grouped: ensemble 0.173 against the trees' 0.170).
    bar = errors["gbm_only"] * (1.0 - STACK_MARGIN)
    better = {name: err for name, err in errors.items() if err < bar}
    chosen = min(better, key=lambda name: better[name]) if better else "gbm_only"
    ensemble.band_weights = candidates[chosen]
    return chosen, errors, oofs[chosen], bands
