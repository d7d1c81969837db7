"""The trained ensemble: member predictions, combination weighted per weight band, conformal interval,
explanation; ``save``/``load`` go through ``pricing.ml.ensemble.artifact``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pricing.ml.ensemble.config import TrainConfig
from pricing.ml.ensemble.data import MIN_PRICE, Dataset, as_tensors, build_dataset, from_target
from pricing.ml.features import GROUP_LABELS, SpecEncoder, SpecRecord, weight_band
from pricing.ml.gbm import AnchoredTrees
from pricing.ml.network import MEMBERS

MEMBER_LABELS = {m.key: m.label for m in MEMBERS} | {"gbm": "그래디언트 부스팅"}


@dataclass
class Estimate:
    """One ensemble estimate."""

    fair_price: int
    low: int
    high: int
    band: str
    members: dict[str, int]
    weights: dict[str, float]
    used_image: bool
    explanation: list[dict[str, object]] = field(default_factory=list)


class FairPriceEnsemble:
    """Four networks and the gradient-boosting member, member weights per weight band (stacked on
    held-out rows), a difficulty model and conformal quantiles."""

    def __init__(
        self,
        encoder: SpecEncoder,
        networks: dict[str, object],
        member_meta: dict[str, dict[str, float]],
        gbm: AnchoredTrees | None,
        gbm_used: bool,
        band_weights: dict[str, dict[str, float]],
        conformal: dict[str, float],
        config: TrainConfig,
        image_dim: int,
        images_used: int,
        backbone_pretrained: bool,
        metrics: dict[str, object] | None = None,
        domain: dict[str, object] | None = None,
        scale: object | None = None,
    ) -> None:
        self.encoder = encoder
        self.networks = networks
        self.member_meta = member_meta
        self.gbm = gbm
        self.gbm_used = gbm_used
        self.band_weights = band_weights
        self.conformal = conformal
        self.config = config
        self.image_dim = image_dim
        self.images_used = images_used
        self.backbone_pretrained = backbone_pretrained
        self.metrics = metrics or {}
        # What it was trained on (``pricing.ml.domain.training_domain``); {} for artifacts
        # saved before the domain was recorded.
        self.domain = domain or {}
        # The difficulty model (``weighting.fit_scale``): with it the conformal quantiles are of
        # |log error| / difficulty, so a product the members agree on, with many listings of its
        # configuration, gets a narrower interval than a rare one they dispute.
        self.scale = scale

    @property
    def kinds(self) -> list[str]:
        """The category kinds it was trained on (for old artifacts: the kinds its encoder knows,
        i.e. those with at least two training rows)."""
        return list(self.domain.get("kinds") or self.encoder.kinds)

    # ------------------------------------------------------------------ data

    def dataset(self, records: list[SpecRecord], features: dict[str, np.ndarray] | None) -> Dataset:
        return build_dataset(
            records, self.encoder, features or {}, self.image_dim, self.images_used
        )

    # ------------------------------------------------------------------ prediction

    def member_predictions(
        self, data: Dataset, base_log: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """{member: predicted price (KRW)} for every row. The residual members correct the
        boosting member's log estimate (``base_log``: given, e.g. out of fold during training,
        or that of the boosting member here)."""
        import torch

        if base_log is None and self.gbm is not None:
            base_log = self.gbm.predict(data.x)
        out: dict[str, np.ndarray] = {}
        tensors = as_tensors(data)
        with torch.inference_mode():
            for key, net in self.networks.items():
                net.eval()
                raw = net(*tensors).double().cpu().numpy()
                out[key] = from_target(raw, self.member_meta[key], base_log)
        if base_log is not None:
            out["gbm"] = np.exp(base_log)
        return out

    def combine(
        self, preds: dict[str, np.ndarray], bands: list[str] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Ensemble weighted per weight band; the band comes from the first estimate (members' median)
        unless given."""
        nn_keys = [k for k in preds if k != "gbm"]
        if bands is None:
            first = np.median(np.stack([preds[k] for k in nn_keys]), axis=0)
            bands = [weight_band(v) for v in first]
        out = np.zeros(len(bands))
        for i, band in enumerate(bands):
            weights = self.band_weights[band]
            total = sum(weights.get(k, 0.0) for k in preds)
            out[i] = sum(w * preds[k][i] for k, w in weights.items() if k in preds) / (total or 1.0)
        return np.maximum(out, MIN_PRICE), bands

    def difficulty(
        self, data: Dataset, preds: dict[str, np.ndarray], fair: np.ndarray
    ) -> np.ndarray:
        """Expected |log error| per row (ones without a difficulty model)."""
        if self.scale is None:
            return np.ones(len(fair))
        from pricing.ml.ensemble.weighting import difficulty, scale_features

        feats = scale_features(data.x, preds, fair)
        return difficulty(self.scale.predict(feats), self.conformal)

    def interval(
        self, fair: np.ndarray, bands: list[str], difficulty: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The conformal interval: log half-width = band quantile x difficulty."""
        q = np.asarray([self.conformal.get(b, self.conformal["all"]) for b in bands])
        if difficulty is not None:
            q = q * difficulty
        return fair * np.exp(-q), fair * np.exp(q)

    def predict_with_interval(
        self, data: Dataset
    ) -> tuple[dict[str, np.ndarray], np.ndarray, list[str], np.ndarray, np.ndarray]:
        """(member estimates, fair price, band, low, high) for every row: what estimates show."""
        preds = self.member_predictions(data)
        fair, bands = self.combine(preds)
        low, high = self.interval(fair, bands, self.difficulty(data, preds, fair))
        return preds, fair, bands, low, high

    def estimate(
        self,
        records: list[SpecRecord],
        features: dict[str, np.ndarray] | None = None,
        explain: bool = False,
    ) -> list[Estimate]:
        """Estimates (optionally with explanations) for records."""
        data = self.dataset(records, features)
        preds, fair, bands, low, high = self.predict_with_interval(data)
        out = []
        for i, band in enumerate(bands):
            weights = {k: w for k, w in self.band_weights[band].items() if k in preds and w > 0}
            out.append(
                Estimate(
                    fair_price=round_won(fair[i]),
                    low=round_won(low[i]),
                    high=round_won(high[i]),
                    band=band,
                    members={k: round_won(v[i]) for k, v in preds.items()},
                    weights={k: round(w, 4) for k, w in weights.items()},
                    used_image=bool(data.has_image[i]),
                )
            )
        if explain:
            for i, est in enumerate(out):
                est.explanation = self.explain(data.take(np.asarray([i])), fair[i], bands[i])
        return out

    def explain(self, row: Dataset, fair: float, band: str) -> list[dict[str, object]]:
        """Ablation against a reference product: for each spec group, how much the estimate
        drops (or rises) when that group is replaced by the training data's typical value (median
        of numbers, most common category; image: the image branch masked, only with a pretrained
        backbone). Contributions are
        not additive when specs interact; each one is measured on its own."""
        reference = np.asarray(self.encoder.reference, dtype=np.float32)
        variants: list[tuple[str, Dataset]] = []
        for group, (start, stop) in self.encoder.group_slices().items():
            if np.allclose(row.x[0, start:stop], reference[start:stop]):
                continue
            changed = row.take(np.asarray([0]))
            changed.x = changed.x.copy()
            changed.x[0, start:stop] = reference[start:stop]
            if group == "manufacturer":
                changed.mfr = np.zeros_like(changed.mfr)
            variants.append((group, changed))
        # A randomly initialised backbone is what the model card calls uninformative: its share
        # of the estimate is not credited to "the product image" (it is in no other line either;
        # the contributions are measured one at a time, not split up).
        if row.has_image[0] and self.backbone_pretrained:
            masked = row.take(np.asarray([0]))
            masked.has_image = np.zeros_like(masked.has_image)
            variants.append(("image", masked))
        if not variants:
            return []
        batch = Dataset(
            np.concatenate([v.x for _, v in variants]),
            np.concatenate([v.image for _, v in variants]),
            np.concatenate([v.has_image for _, v in variants]),
            np.concatenate([v.mfr for _, v in variants]),
            np.zeros(len(variants)),
            row.hidden,
        )
        ablated, _ = self.combine(self.member_predictions(batch), [band] * len(variants))
        out = []
        for (group, _), value in zip(variants, ablated, strict=True):
            effect = int(round(fair - value, -3))
            if effect:
                out.append({"group": group, "label": GROUP_LABELS[group], "won": effect})
        out.sort(key=lambda e: -abs(e["won"]))
        return out

    # ------------------------------------------------------------------ persistence

    def save(self, path: Path) -> None:
        """Write the artifact to ``path`` atomically (``*.part`` then rename)."""
        from pricing.ml.ensemble.artifact import save_ensemble

        save_ensemble(self, path)

    @classmethod
    def load(cls, path: Path) -> FairPriceEnsemble:
        """The ensemble saved at ``path``; raises FileNotFoundError, or IncompatibleArtifact (a
        ValueError) for another format version or a payload this code cannot read."""
        from pricing.ml.ensemble.artifact import load_ensemble

        return load_ensemble(path)


def round_won(value: float) -> int:
    return int(round(float(value), -3)) if value >= 10_000 else int(round(float(value), -2))
