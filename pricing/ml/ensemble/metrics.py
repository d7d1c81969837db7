"""MAPE and R², overall and per weight band of the true price."""

from __future__ import annotations

import numpy as np

from pricing.ml.features import WEIGHT_BANDS, weight_band


def mape(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(np.abs(pred - y) / y)) if len(y) else float("nan")


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2:
        return float("nan")
    ss_res = float(np.sum((y - pred) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


def weight_band_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float]]:
    """MAPE/R²/n overall ("all") and per weight band of the true price."""
    out = {"all": {"mape": mape(y, pred), "r2": r2(y, pred), "n": len(y)}}
    bands = np.asarray([weight_band(v) for v in y])
    for band in WEIGHT_BANDS:
        sel = bands == band
        if sel.any():
            out[band] = {"mape": mape(y[sel], pred[sel]), "r2": r2(y[sel], pred[sel]),
                         "n": int(sel.sum())}  # fmt: skip
    return out
