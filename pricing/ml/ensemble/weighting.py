"""Per-band member weights (non-negative least squares on held-out rows), the model of how hard
a product is (``fit_scale``: expected |log error| from the product's specs and how much the
members disagree) and split-conformal quantiles of the error normalised by it."""

from __future__ import annotations

import math

import numpy as np

from pricing.ml.features import WEIGHT_BANDS

MIN_WEIGHT_BAND_ROWS = 20  # fewer validation rows in a band than this: keep the default weights
MIN_CONFORMAL_ROWS = 30
DEFAULT_MEMBER_WEIGHTS: dict[str, dict[str, float]] = {
    "lt50": {"base": 0.35, "v2": 0.30, "v1": 0.20, "v3": 0.15},
    "50to100": {"base": 0.25, "v1": 0.25, "v2": 0.25, "v3": 0.25},
    "100to200": {"v1": 0.35, "v3": 0.25, "v2": 0.20, "base": 0.20},
    "ge200": {"v1": 0.40, "v3": 0.30, "v2": 0.20, "base": 0.10},
}


def fit_weights(
    preds: dict[str, np.ndarray],
    y: np.ndarray,
    bands: list[str],
    keys: list[str],
) -> dict[str, dict[str, float]]:
    """Per weight band, non-negative weights (summing to 1) minimising squared relative error on the
    band's validation rows. A band with too few rows takes the weights fitted on all validation
    rows; with too few rows overall, the reference defaults (re-normalised to ``keys``)."""
    from scipy.optimize import nnls

    def fit(sel: np.ndarray) -> dict[str, float] | None:
        if sel.sum() < MIN_WEIGHT_BAND_ROWS:
            return None
        a = np.stack([preds[k][sel] / y[sel] for k in keys], axis=1)
        w, _ = nnls(a, np.ones(int(sel.sum())))
        if w.sum() <= 0:
            return None
        return {k: float(v / w.sum()) for k, v in zip(keys, w, strict=True)}

    band_arr = np.asarray(bands)
    pooled = fit(np.ones(len(y), dtype=bool))
    out: dict[str, dict[str, float]] = {}
    for band in WEIGHT_BANDS:
        fitted = fit(band_arr == band) or pooled
        if fitted is not None:
            out[band] = fitted
            continue
        default = {k: DEFAULT_MEMBER_WEIGHTS[band].get(k, 0.0) for k in keys}
        total = sum(default.values())
        out[band] = (
            {k: v / total for k, v in default.items()}
            if total
            else {k: 1.0 / len(keys) for k in keys}
        )
    return out


def fit_conformal(y: np.ndarray, pred: np.ndarray, bands: list[str], coverage: float) -> dict:
    """Split-conformal half-widths on the log scale, per predicted band (Mondrian) when the band
    has enough calibration rows, else the pooled width."""
    return conformal_quantiles(np.abs(np.log(y / pred)), bands, coverage)


# The difficulty model: small, shallow boosted trees on |log error| (no trimming: the hard rows
# are the point, but the target is clipped at its SCALE_CLIP quantile so one absurd listing
# cannot own a leaf). Its estimate is shrunk half-way to the mean held-out error and kept within
# [SCALE_LOW, SCALE_HIGH] x that mean: with a few hundred held-out rows the trees are noisy, and
# an unbounded ratio made a handful of intervals absurdly wide (real graphics cards of
# 2022-12-31, grouped: mean width 3.0x the fair price unbounded; with the boosting member alone,
# fixed width 0.97x, bounds 0.5-2 1.02x per band / 0.90x pooled, 0.7-1.5 pooled 0.88x, all at
# coverage 0.89-0.91). The quantile is pooled over bands: per band (Mondrian) it was noisier.
SCALE_PARAMS = {"n_estimators": 150, "learning_rate": 0.05, "max_depth": 2, "subsample": 0.8,
                "min_samples_leaf": 10}  # fmt: skip
SCALE_CLIP = 0.95
SCALE_SHRINK = 0.5
SCALE_LOW, SCALE_HIGH = 0.7, 1.5


def scale_features(x: np.ndarray, preds: dict[str, np.ndarray], fair: np.ndarray) -> np.ndarray:
    """What the difficulty model reads: the encoded specs (anchor counts included: how many
    listings back the configuration), how far the members disagree (std of their log estimates;
    the boosting member's gap to the networks' median) and the log fair price."""
    keys = sorted(preds)
    logs = np.log(np.maximum(np.stack([preds[k] for k in keys], axis=1), 1.0))
    nn = [i for i, k in enumerate(keys) if k != "gbm"]
    gap = (
        np.abs(np.log(np.maximum(preds["gbm"], 1.0)) - np.median(logs[:, nn], axis=1))
        if "gbm" in preds and nn
        else np.zeros(len(fair))
    )
    extra = np.stack([logs.std(axis=1), gap, np.log(np.maximum(fair, 1.0))], axis=1)
    return np.hstack([np.asarray(x, dtype=np.float64), extra])


def fit_scale(features: np.ndarray, resid: np.ndarray, seed: int) -> tuple[object, dict]:
    """(trees predicting |log error|, their bounds) from held-out rows' features and errors;
    ``difficulty`` turns a prediction into the row's difficulty with the bounds."""
    from pricing.ml.gbm import TreeEnsemble

    target = np.minimum(resid, np.quantile(resid, SCALE_CLIP)) if len(resid) else resid
    trees = TreeEnsemble.fit(features, target, seed=seed, trim=False, **SCALE_PARAMS)
    mean = float(max(np.mean(target), 1e-3)) if len(target) else 1e-3
    return trees, {"scale_mean": mean, "scale_shrink": SCALE_SHRINK,
                   "scale_low": SCALE_LOW, "scale_high": SCALE_HIGH}  # fmt: skip


def difficulty(raw: np.ndarray, bounds: dict) -> np.ndarray:
    """The trees' |log error| estimate shrunk towards the mean and kept within its bounds."""
    mean = bounds["scale_mean"]
    shrink = bounds["scale_shrink"]
    value = shrink * np.asarray(raw, dtype=np.float64) + (1.0 - shrink) * mean
    return np.clip(value, bounds["scale_low"] * mean, bounds["scale_high"] * mean)


def conformal_quantiles(scores: np.ndarray, bands: list[str], coverage: float) -> dict:
    """The split-conformal quantile of ``scores`` at ``coverage``, pooled ("all") and per
    predicted band (Mondrian) when the band has enough rows."""

    def quantile(r: np.ndarray) -> float:
        n = len(r)
        level = min(1.0, math.ceil((n + 1) * coverage) / n)
        return float(np.quantile(r, level, method="higher"))

    resid = np.asarray(scores, dtype=np.float64)
    out = {"all": quantile(resid) if len(resid) else 0.5}
    band_arr = np.asarray(bands)
    for band in WEIGHT_BANDS:
        sel = band_arr == band
        if sel.sum() >= MIN_CONFORMAL_ROWS:
            out[band] = quantile(resid[sel])
    return out
