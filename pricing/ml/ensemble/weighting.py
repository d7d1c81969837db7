"""Per-band member weights (non-negative least squares on validation rows) and split-conformal
interval widths (on calibration rows)."""

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

    def quantile(r: np.ndarray) -> float:
        n = len(r)
        level = min(1.0, math.ceil((n + 1) * coverage) / n)
        return float(np.quantile(r, level, method="higher"))

    resid = np.abs(np.log(y / pred))
    out = {"all": quantile(resid) if len(resid) else 0.5}
    band_arr = np.asarray(bands)
    for band in WEIGHT_BANDS:
        sel = band_arr == band
        if sel.sum() >= MIN_CONFORMAL_ROWS:
            out[band] = quantile(resid[sel])
    return out
