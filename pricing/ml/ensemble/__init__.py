"""Training and inference of the fair-price ensemble.

``train_ensemble(records, config)`` (``training``) splits the priced records by group
(``splits``) into train / validation / calibration (/ test). The gradient-boosting member
(``pricing.ml.gbm``) gets out-of-fold estimates for every row (refitted without each quarter of
the groups); the four reference networks (``members``) train on train and early-stop on
validation, V1-V3 learning the residual of those boosting estimates. On the held-out rows
(validation + calibration) the member weights are stacked (``choose_weighting``: every member
alone is a candidate) and the adaptive interval is fitted (``weighting``: a difficulty model and
a conformal quantile of the normalised error); when a test split is asked for, everything is
measured on it (``metrics``). The result is a :class:`FairPriceEnsemble` (``model``) that saves
to and loads from one versioned ``weights_only`` torch file (``artifact``).

The names below are the package's public surface (``from pricing.ml.ensemble import ...``).
"""

from pricing.ml.ensemble.artifact import FORMAT_VERSION, IncompatibleArtifact
from pricing.ml.ensemble.config import Progress, TrainConfig, TrainingError
from pricing.ml.ensemble.data import BASE_SCALE, MIN_PRICE, Dataset
from pricing.ml.ensemble.metrics import mape, r2, weight_band_metrics
from pricing.ml.ensemble.model import MEMBER_LABELS, Estimate, FairPriceEnsemble
from pricing.ml.ensemble.splits import group_split, grouped_folds
from pricing.ml.ensemble.training import fit_gbm, load_image_features, train_ensemble
from pricing.ml.ensemble.weighting import (
    DEFAULT_MEMBER_WEIGHTS,
    MIN_CONFORMAL_ROWS,
    MIN_WEIGHT_BAND_ROWS,
)

__all__ = [
    "BASE_SCALE", "DEFAULT_MEMBER_WEIGHTS", "FORMAT_VERSION", "MEMBER_LABELS", "MIN_WEIGHT_BAND_ROWS",
    "MIN_CONFORMAL_ROWS", "MIN_PRICE", "Dataset", "Estimate", "FairPriceEnsemble",
    "IncompatibleArtifact", "Progress", "TrainConfig", "TrainingError", "weight_band_metrics", "fit_gbm",
    "group_split", "grouped_folds", "load_image_features", "mape", "r2", "train_ensemble",
]  # fmt: skip

# The names from before "price band" became "weight band" in pricing (trends has its own price
# bands), kept so that older callers still import.
band_metrics = weight_band_metrics
DEFAULT_BAND_WEIGHTS = DEFAULT_MEMBER_WEIGHTS
MIN_BAND_ROWS = MIN_WEIGHT_BAND_ROWS
