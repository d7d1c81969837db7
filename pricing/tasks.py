"""Celery tasks of pricing (routed to the ``ml`` queue in settings): thin wrappers over
``pricing.services``."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def train_pricing_model(*, run_id: int) -> dict:
    """Train, register and activate a fair-price model; progress goes to TrainingRun ``run_id``.

    Knobs in ``run.params``: ``epochs`` (max epochs per member), ``kinds`` (category kinds).
    """
    from core.progress import JobStatus
    from pricing.ml.ensemble import TrainConfig, TrainingError
    from pricing.models import TrainingRun
    from pricing.services import TRAIN_KINDS, train_model

    run = TrainingRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("training run %s is gone", run_id)
        return {"error": "run gone"}
    if run.status == JobStatus.DONE or (run.status == JobStatus.FAILED and not run.lapsed_at):
        # a redelivered task (acks_late) for a run that already ended: its outcome stands
        # (but one the lease sweep failed because its worker died is trained again)
        logger.info("training run %s already %s; not training again", run_id, run.status)
        return {"skipped": run.status}
    params = run.params or {}
    config = TrainConfig(test_fraction=0.1, max_epochs=int(params.get("epochs", 100)))
    try:
        model = train_model(config=config, kinds=params.get("kinds") or TRAIN_KINDS, run=run)
    except TrainingError as exc:
        return {"error": str(exc)}
    return {"version": model.version, "rows": model.trained_rows}


@shared_task(acks_late=True)
def refresh_pricing_predictions(*, product_ids: list[int]) -> dict:
    """Re-estimate products whose price or specs changed (active model only); products whose
    inputs did not change since their stored estimate are skipped, so the same change queued
    twice is estimated once."""
    from pricing.services import refresh_changed_predictions

    return {"stored": refresh_changed_predictions(list(product_ids))}
