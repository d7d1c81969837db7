"""Knobs of a training run and the error raised when training cannot start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pricing.ml.backbone import DEFAULT_BACKBONE

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


class TrainingError(ValueError):
    """Training cannot start (too few rows, no prices)."""


@dataclass
class TrainConfig:
    """Knobs of one training run (defaults are the reference's)."""

    backbone: str = DEFAULT_BACKBONE
    use_images: bool = True
    members: tuple[str, ...] = ("base", "v1", "v2", "v3")
    # Members that learn the residual of the boosting member (log price - log of its
    # out-of-fold estimate) instead of the price: they correct the anchored trees rather than
    # compete with them. Base keeps the reference's price target.
    residual_members: tuple[str, ...] = ("v1", "v2", "v3")
    max_epochs: int = 100
    patience: int = 10
    batch_size: int = 32
    lr: float = 1e-4
    weight_decay: float = 0.01
    t_max: int = 50
    huber_delta: float = 1.0
    coverage: float = 0.9
    val_fraction: float = 0.15
    cal_fraction: float = 0.15
    test_fraction: float = 0.0
    gbm_estimators: int = 400
    seed: int = 0
    min_rows: int = 30
    # Processes training the networks side by side, one torch thread each (0 = one per CPU
    # core, at most one per member; 1 = in this process). Same results either way.
    workers: int = 0
