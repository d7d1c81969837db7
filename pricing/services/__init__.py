"""Writes and model access for fair prices: train and register a model (``training``), refresh
stored predictions and queue their refresh (``predictions``), estimate a product or a typed-in
configuration without writing (``estimates``), and the active model with its scope (``active``).

Views, tasks, receivers and commands import from here (``from pricing.services import X``); the
heavy lifting is in ``pricing.ml``.
"""

from pricing.configurations import Configuration, ConfigurationError
from pricing.services.active import (
    NO_MODEL,
    TRAIN_KINDS,
    NoActiveModel,
    NotEstimated,
    Scope,
    artifact_dir,
    artifact_path,
    cached_model_version,
    get_active,
    load_ensemble,
    model_scope,
    product_in_scope,
    reset_model_cache,
    warm_up,
)
from pricing.services.estimates import (
    ProductEstimate,
    configuration_scope,
    deal_score,
    estimate_configuration,
    estimate_product,
    estimate_with_deal,
)
from pricing.services.predictions import (
    PENDING_SECONDS,
    PREDICTION_BATCH,
    image_features_for,
    queue_prediction_refresh,
    refresh_changed_predictions,
    refresh_predictions,
)
from pricing.services.training import (
    TRAINING_QUEUE_LOCK,
    TrainingInProgress,
    activate_model,
    catalog_records,
    queue_training,
    train_model,
)

__all__ = [
    "NO_MODEL", "PENDING_SECONDS", "PREDICTION_BATCH", "TRAINING_QUEUE_LOCK", "TRAIN_KINDS",
    "Configuration", "ConfigurationError", "NoActiveModel", "NotEstimated", "ProductEstimate",
    "Scope", "TrainingInProgress", "activate_model", "artifact_dir", "artifact_path",
    "cached_model_version", "catalog_records", "configuration_scope", "deal_score",
    "estimate_configuration", "estimate_product", "estimate_with_deal", "get_active",
    "image_features_for", "load_ensemble", "model_scope", "product_in_scope",
    "queue_prediction_refresh", "queue_training", "refresh_changed_predictions",
    "refresh_predictions", "reset_model_cache", "train_model", "warm_up",
]  # fmt: skip
