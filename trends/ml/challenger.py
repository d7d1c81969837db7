"""The challenger: gradient boosting on richer features, retrained walk-forward (issue 13).

Pure numpy + scikit-learn (no Django). On a decision day ``t`` the model is (re)fitted only on
outcomes known by ``t``: samples are (product, anchor day ``a``) with ``a + 10 <= t``, one anchor
a week over the last ``TRAIN_DAYS`` days, every product forecastable on ``a``
(``PricePanel.eligible``) and priced on ``a + 10``. Two models are fitted on the same samples:

* a classifier of the 10-day direction (the shown, rounded change: the one rule everywhere);
  the verdict is its most probable class;
* a regressor of the 10-day low, ``log(min(p1..p10) / p0)``: a "wait"'s target price is
  ``p0 · exp(min(0, predicted low))``, bought the same way as the KNN's.

Features (``features``): the KNN's specs and dynamics, plus the position against the 30-day
median, a jump since yesterday (stock-out spikes revert), the days since the price last
changed, the category's and the whole market's mean 10-day move, and the category itself.
"""

from __future__ import annotations

import warnings

import numpy as np

from trends.ml.forecast import (
    HORIZON,
    LOOKBACK,
    PricePanel,
    StaticFeatures,
    _classes,
    dynamic_features,
)

TRAIN_DAYS = 365
ANCHOR_STEP = 7
REFIT_DAYS = 28
MAX_ITER = 150


def features(panel: PricePanel, col: int, static: StaticFeatures) -> np.ndarray:
    """(n, 18) features of every product on ``col`` (NaN when unknown; the model takes NaN)."""
    lp = panel.log_price
    now = lp[:, col]
    window = lp[:, max(0, col - LOOKBACK + 1) : col + 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        median = np.nanmedian(window, axis=1)
        dyn = dynamic_features(panel, col, static.category)
        change_10 = dyn[:, 2]
        market = np.nanmean(change_10) if np.isfinite(change_10).any() else 0.0
    yesterday = lp[:, col - 1] if col >= 1 else np.full(len(now), np.nan)
    # days since the price last changed (within the window; carried-forward days count)
    same = np.isclose(window, now[:, None]) | (np.isnan(window) & np.isnan(now[:, None]))
    unchanged = np.cumprod(same[:, ::-1], axis=1).sum(axis=1) - 1
    return np.column_stack(
        [
            static.numeric(),
            dyn,
            now - median,
            now - yesterday,
            unchanged,
            np.full(len(now), market),
            static.category.astype(float),
        ]
    )


def training_set(
    panel: PricePanel, static: StaticFeatures, col: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, direction class, 10-day low) of the samples whose outcome is known on ``col``."""
    xs, ys, lows = [], [], []
    last_anchor = col - HORIZON
    first_anchor = max(LOOKBACK, col - TRAIN_DAYS)
    lp = panel.log_price
    for anchor in range(last_anchor, first_anchor - 1, -ANCHOR_STEP):
        rows = np.flatnonzero(panel.eligible(anchor) & ~np.isnan(lp[:, anchor + HORIZON]))
        if not len(rows):
            continue
        xs.append(features(panel, anchor, static)[rows])
        change = lp[rows, anchor + HORIZON] - lp[rows, anchor]
        ys.append(_classes(change))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanmin(lp[rows, anchor + 1 : anchor + HORIZON + 1], axis=1)
        lows.append(low - lp[rows, anchor])
    if not xs:
        return np.zeros((0, 18)), np.zeros(0, dtype=np.int8), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(lows)


class GbmChallenger:
    """Walk-forward gradient boosting: ``predict(panel, static, col, rows)`` refits when the
    last fit is ``REFIT_DAYS`` old (only on outcomes known on ``col``)."""

    def __init__(self, *, refit_days: int = REFIT_DAYS, random_state: int = 0) -> None:
        self.refit_days, self.random_state = refit_days, random_state
        self.fitted_col: int | None = None
        self.classifier = None
        self.regressor = None
        self.columns: np.ndarray | None = None
        self.fits = 0

    def _fit(self, panel: PricePanel, static: StaticFeatures, col: int) -> None:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        x, y, low = training_set(panel, static, col)
        self.fitted_col = col
        if len(x) < 50 or len(np.unique(y)) < 2:
            self.classifier = self.regressor = None
            return
        # a feature unknown for every sample (no CPU score among graphics cards) is left out:
        # the binning of an all-missing column fails
        self.columns = np.isfinite(x).any(axis=0)
        x = x[:, self.columns]
        self.classifier = HistGradientBoostingClassifier(
            max_iter=MAX_ITER, learning_rate=0.05, random_state=self.random_state
        ).fit(x, y)
        finite = np.isfinite(low)
        self.regressor = HistGradientBoostingRegressor(
            max_iter=MAX_ITER, learning_rate=0.05, random_state=self.random_state
        ).fit(x[finite], low[finite])
        self.fits += 1

    def predict(
        self, panel: PricePanel, static: StaticFeatures, col: int, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(direction codes, predicted 10-day low as a relative change ≤ 0) of ``rows`` on
        ``col``; ``panel`` must end on ``col`` (no look-ahead). Flat and 0 without a model."""
        if panel.width != col + 1:
            raise ValueError("the panel must end on the decision day (cut it first)")
        if self.fitted_col is None or col - self.fitted_col >= self.refit_days:
            self._fit(panel, static, col)
        if self.classifier is None or not len(rows):
            return np.zeros(len(rows), dtype=np.int8), np.zeros(len(rows))
        x = features(panel, col, static)[rows][:, self.columns]
        codes = self.classifier.predict(x).astype(np.int8)
        low = np.minimum(0.0, self.regressor.predict(x))
        return codes, np.expm1(low)
