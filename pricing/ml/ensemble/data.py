"""Encoded rows (``Dataset``), their tensors and the members' standardised targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pricing.ml.features import SpecEncoder, SpecRecord, blank_columns

BASE_SCALE = 1_000_000.0  # Base's scale when all training prices are equal (no spread)
MIN_PRICE = 1_000.0


@dataclass
class Dataset:
    x: np.ndarray
    image: np.ndarray
    has_image: np.ndarray
    mfr: np.ndarray
    y: np.ndarray
    # Columns the networks do not see (the same-configuration anchors, which only the boosting
    # member uses: fed to the networks they over-trusted them, ensemble 0.194 -> 0.208 MAPE on
    # real graphics cards).
    hidden: tuple[int, ...] = ()
    # log of the gradient-boosting member's estimate, out of fold for training rows: what the
    # residual members correct (None: not computed).
    base_log: np.ndarray | None = None

    def take(self, index: np.ndarray) -> Dataset:
        return Dataset(
            self.x[index], self.image[index], self.has_image[index], self.mfr[index], self.y[index],
            self.hidden, None if self.base_log is None else self.base_log[index],
        )  # fmt: skip

    @property
    def network_x(self) -> np.ndarray:
        return blank_columns(self.x, self.hidden)

    def __len__(self) -> int:
        return len(self.y)


def build_dataset(
    records: list[SpecRecord],
    encoder: SpecEncoder,
    features: dict[str, np.ndarray],
    image_dim: int,
    images_used: int,
) -> Dataset:
    n = len(records)
    image = np.zeros((n, image_dim), dtype=np.float32)
    has_image = np.zeros(n, dtype=np.float32)
    if images_used:
        for i, r in enumerate(records):
            vec = features.get(r.image_sha256) if r.image_sha256 else None
            if vec is not None and vec.shape[0] == image_dim:
                image[i] = vec
                has_image[i] = 1.0
    mfr = np.asarray([encoder.manufacturer_index(r) for r in records], dtype=np.int64)
    y = np.asarray([r.price or 0 for r in records], dtype=np.float64)
    anchors = encoder.anchor_columns() or {}
    hidden = tuple(sorted(c for pair in anchors.values() for c in pair))
    return Dataset(encoder.transform(records), image, has_image, mfr, y, hidden)


def as_tensors(data: Dataset) -> tuple:
    import torch

    return (
        torch.from_numpy(np.ascontiguousarray(data.network_x, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.image, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.has_image, dtype=np.float32)),
        torch.from_numpy(np.ascontiguousarray(data.mfr, dtype=np.int64)),
    )


def to_target(
    y: np.ndarray, meta: dict[str, float], base_log: np.ndarray | None = None
) -> np.ndarray:
    """Standardised target: (log price - mean) / std for the log members, (price - mean) / std
    for Base, so Huber's delta = 1 means one standard deviation whatever the catalog's prices
    (artifacts from before standardisation carry no "log_scale"/"mean" and load unchanged); for a
    residual member, the log price minus the boosting member's log estimate, standardised."""
    if meta.get("residual"):
        return (np.log(y) - base_log - meta["offset"]) / meta.get("log_scale", 1.0)
    if meta["log_target"]:
        return (np.log(y) - meta["offset"]) / meta.get("log_scale", 1.0)
    return (y - meta.get("mean", 0.0)) / meta["scale"]


def from_target(
    raw: np.ndarray, meta: dict[str, float], base_log: np.ndarray | None = None
) -> np.ndarray:
    if meta.get("residual"):
        return np.exp(np.clip(raw * meta.get("log_scale", 1.0) + meta["offset"] + base_log, 0, 25))
    if meta["log_target"]:
        return np.exp(np.clip(raw * meta.get("log_scale", 1.0) + meta["offset"], 0, 25))
    return np.maximum(raw * meta["scale"] + meta.get("mean", 0.0), MIN_PRICE)
