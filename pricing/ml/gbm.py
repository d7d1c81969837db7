"""The gradient-boosting member: scikit-learn ``GradientBoostingRegressor`` on log(price),
fitted twice: the second fit leaves out the training rows the first fit found absurd.

After fitting, the trees are exported to plain arrays (feature, threshold, children, values), so
the member is stored inside the same ``weights_only=True`` torch artifact as the networks (no
pickle) and predicts with vectorised numpy.
"""

from __future__ import annotations

import numpy as np

from pricing.ml.features import blank_columns

GBM_PARAMS = {
    "n_estimators": 400,
    "learning_rate": 0.05,
    "max_depth": 4,
    "subsample": 0.8,
    "min_samples_leaf": 3,
}
# Rows whose first-pass residual exceeds this many robust standard deviations (MAD) are
# dropped before the second pass: listings left at placeholder prices would otherwise pull the
# squared-error trees (Huber/absolute losses in scikit-learn are ~10x slower on CPU).
TRIM_MADS = 3.0


class TreeEnsemble:
    """A fitted boosted tree ensemble as arrays: prediction = init + sum of tree leaf values."""

    def __init__(
        self,
        init: float,
        feature: np.ndarray,
        threshold: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
        value: np.ndarray,
    ) -> None:
        self.init = float(init)
        self.feature = feature.astype(np.int64)
        self.threshold = threshold.astype(np.float64)
        self.left = left.astype(np.int64)
        self.right = right.astype(np.int64)
        self.value = value.astype(np.float64)

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, seed: int = 0, trim: bool = True, **overrides: object
    ) -> TreeEnsemble:
        """Fit scikit-learn's booster on (x, y) and export its trees (``trim``: refit without
        the rows the first fit found absurd)."""
        from sklearn.ensemble import GradientBoostingRegressor

        params = {**GBM_PARAMS, **overrides}
        model = GradientBoostingRegressor(random_state=seed, **params)
        model.fit(x, y)
        resid = y - model.predict(x)
        mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
        keep = np.abs(resid) <= TRIM_MADS * mad if mad > 0 else np.ones(len(y), dtype=bool)
        if trim and keep.sum() >= max(10, len(y) // 2) and not keep.all():
            model = GradientBoostingRegressor(random_state=seed, **params)
            model.fit(x[keep], y[keep])
        trees = [est[0].tree_ for est in model.estimators_]
        width = max(t.node_count for t in trees)
        n = len(trees)
        feature = np.zeros((n, width), dtype=np.int64)
        threshold = np.zeros((n, width))
        left = np.full((n, width), -1, dtype=np.int64)
        right = np.full((n, width), -1, dtype=np.int64)
        value = np.zeros((n, width))
        for i, tree in enumerate(trees):
            k = tree.node_count
            feature[i, :k] = np.maximum(tree.feature, 0)
            threshold[i, :k] = tree.threshold
            left[i, :k] = tree.children_left
            right[i, :k] = tree.children_right
            value[i, :k] = tree.value[:, 0, 0] * model.learning_rate
        init = float(model.init_.predict(np.zeros((1, x.shape[1])))[0])
        return cls(init, feature, threshold, left, right, value)

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        n_rows = x.shape[0]
        n_trees = self.feature.shape[0]
        node = np.zeros((n_rows, n_trees), dtype=np.int64)
        trees = np.arange(n_trees)[None, :]
        rows = np.arange(n_rows)[:, None]
        for _ in range(64):  # deeper than any tree we fit
            left = self.left[trees, node]
            leaf = left < 0
            if leaf.all():
                break
            feat = self.feature[trees, node]
            go_left = x[rows, feat] <= self.threshold[trees, node]
            nxt = np.where(go_left, left, self.right[trees, node])
            node = np.where(leaf, node, nxt)
        return self.init + self.value[trees, node].sum(axis=1)

    def state(self) -> dict[str, object]:
        import torch

        return {
            "init": self.init,
            "feature": torch.from_numpy(self.feature),
            "threshold": torch.from_numpy(self.threshold),
            "left": torch.from_numpy(self.left),
            "right": torch.from_numpy(self.right),
            "value": torch.from_numpy(self.value),
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> TreeEnsemble:
        return cls(
            state["init"],
            state["feature"].numpy(),
            state["threshold"].numpy(),
            state["left"].numpy(),
            state["right"].numpy(),
            state["value"].numpy(),
        )


# Weight, in training rows, of the spec-only trees' estimate against the same-configuration
# anchor: a configuration seen once is pulled 3/4 of the way to what its specs suggest, one seen
# twenty times keeps its going price.
ANCHOR_SMOOTHING = 3.0


class AnchoredTrees:
    """The gradient-boosting member: spec trees, plus residual trees around an anchor.

    The spec trees predict log(price) from every encoded column. When the encoder provides
    same-configuration anchors (``SpecEncoder.anchor_columns``: the going price of other
    products with the same CPU+GPU(+VRAM)), the anchor, shrunk towards the spec trees' estimate
    by how many products back it, becomes the base, and a second, shallower booster learns what
    moves a product away from its configuration's going price (brand line, cooler, keywords).
    Boosted trees approximate "price = going price + adjustment" poorly on their own (they
    must carve the identity out of many splits); on real graphics cards this cut the member's
    grouped-CV error from 0.181 to 0.167. Without anchors it is the spec trees alone.
    """

    def __init__(
        self,
        spec: TreeEnsemble,
        resid: TreeEnsemble | None = None,
        anchor_cols: list[tuple[int, int]] | None = None,
        center: float = 0.0,
        smoothing: float = ANCHOR_SMOOTHING,
    ) -> None:
        self.spec = spec
        self.resid = resid
        self.anchor_cols = [tuple(int(c) for c in pair) for pair in (anchor_cols or [])]
        self.center = float(center)
        self.smoothing = float(smoothing)

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        anchor_cols: list[tuple[int, int]] | None = None,
        center: float = 0.0,
        seed: int = 0,
        n_estimators: int = GBM_PARAMS["n_estimators"],
    ) -> AnchoredTrees:
        cols = [c for pair in anchor_cols or [] for c in pair]
        specs_x = blank_columns(x, cols)
        spec = TreeEnsemble.fit(specs_x, y, seed=seed, n_estimators=n_estimators)
        model = cls(spec, None, anchor_cols, center)
        if not model.anchor_cols:
            return model
        base = model._base(x, model.spec.predict(specs_x))
        model.resid = TreeEnsemble.fit(
            np.hstack([x, base[:, None]]),
            y - base,
            seed=seed,
            n_estimators=max(1, n_estimators // 2),
            max_depth=3,
        )
        return model

    def _specs_only(self, x: np.ndarray) -> np.ndarray:
        """``x`` with the anchor columns blanked: the spec trees judge by specs alone."""
        return blank_columns(x, [c for pair in self.anchor_cols for c in pair])

    def _base(self, x: np.ndarray, spec_pred: np.ndarray) -> np.ndarray:
        """The finest available anchor, shrunk towards the spec trees' estimate."""
        base = spec_pred.astype(np.float64).copy()
        unset = np.ones(len(base), dtype=bool)
        for value_col, count_col in self.anchor_cols:
            count = np.exp2(x[:, count_col].astype(np.float64)) - 1.0
            have = unset & (count > 0.5)
            anchor = x[:, value_col].astype(np.float64) + self.center
            mixed = (anchor * count + spec_pred * self.smoothing) / (count + self.smoothing)
            base[have] = mixed[have]
            unset &= ~have
        return base

    def predict(self, x: np.ndarray) -> np.ndarray:
        """log(price) for every row of the encoded matrix ``x``."""
        x = np.asarray(x, dtype=np.float64)
        spec_pred = self.spec.predict(self._specs_only(x))
        if self.resid is None:
            return spec_pred
        base = self._base(x, spec_pred)
        return base + self.resid.predict(np.hstack([x, base[:, None]]))

    def state(self) -> dict[str, object]:
        return {
            "spec": self.spec.state(),
            "resid": self.resid.state() if self.resid is not None else None,
            "anchor_cols": [list(pair) for pair in self.anchor_cols],
            "center": self.center,
            "smoothing": self.smoothing,
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> AnchoredTrees:
        if "spec" not in state:  # artifacts from before anchors: one plain booster
            return cls(TreeEnsemble.from_state(state))
        resid = TreeEnsemble.from_state(state["resid"]) if state["resid"] else None
        return cls(
            TreeEnsemble.from_state(state["spec"]),
            resid,
            [tuple(pair) for pair in state["anchor_cols"]],
            state["center"],
            state["smoothing"],
        )
