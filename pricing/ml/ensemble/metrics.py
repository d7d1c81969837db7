"""Error measures, overall and per weight band of the true price: MAPE, median APE (MdAPE), the
share of estimates within ±10 % and R²."""

from __future__ import annotations

import numpy as np

from pricing.ml.features import WEIGHT_BANDS, weight_band


def ape(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Absolute percentage errors |pred - y| / y."""
    y = np.asarray(y, dtype=np.float64)
    return np.abs(np.asarray(pred, dtype=np.float64) - y) / y


def mape(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(ape(y, pred))) if len(y) else float("nan")


def mdape(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.median(ape(y, pred))) if len(y) else float("nan")


def within(y: np.ndarray, pred: np.ndarray, tolerance: float = 0.10) -> float:
    """Share of estimates within ±tolerance of the true price."""
    return float(np.mean(ape(y, pred) <= tolerance)) if len(y) else float("nan")


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2:
        return float("nan")
    ss_res = float(np.sum((y - pred) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


def _measures(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    return {"mape": mape(y, pred), "mdape": mdape(y, pred), "within10": within(y, pred),
            "r2": r2(y, pred), "n": int(len(y))}  # fmt: skip


def weight_band_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float]]:
    """{mape, mdape, within10, r2, n} overall ("all") and per weight band of the true price."""
    y = np.asarray(y, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    out = {"all": _measures(y, pred)}
    bands = np.asarray([weight_band(v) for v in y])
    for band in WEIGHT_BANDS:
        sel = bands == band
        if sel.any():
            out[band] = _measures(y[sel], pred[sel])
    return out


def interval_metrics(
    y: np.ndarray, fair: np.ndarray, low: np.ndarray, high: np.ndarray
) -> dict[str, dict[str, float]]:
    """Interval coverage and mean width (as a fraction of the fair price), overall and per
    weight band of the true price."""
    y = np.asarray(y, dtype=np.float64)
    inside = (y >= low) & (y <= high)
    width = (high - low) / fair

    def cell(sel: np.ndarray) -> dict[str, float]:
        return {"coverage": float(np.mean(inside[sel])), "width": float(np.mean(width[sel])),
                "n": int(sel.sum())}  # fmt: skip

    out = {"all": cell(np.ones(len(y), dtype=bool))} if len(y) else {}
    bands = np.asarray([weight_band(v) for v in y])
    for band in WEIGHT_BANDS:
        sel = bands == band
        if sel.any():
            out[band] = cell(sel)
    return out
