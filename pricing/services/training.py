"""Training: the catalog's records, train and register a model, activate it, queue training
(one at a time)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection, transaction

from catalog.services.jobs import mark_finished, mark_running, set_progress
from pricing.ml.ensemble import FORMAT_VERSION, TrainConfig
from pricing.ml.features import (
    SpecRecord,
    data_fingerprint,
)
from pricing.models import PricingModel, TrainingRun
from pricing.product_records import record_from_product
from pricing.services.active import TRAIN_KINDS, artifact_dir
from pricing.services.predictions import refresh_predictions


def catalog_records(kinds: Iterable[str] = TRAIN_KINDS) -> list[SpecRecord]:
    """Records of the active, priced PC products of the given category kinds (a kind outside
    ``catalog.models.PC_KINDS``, such as the image-search sofas, is never taken)."""
    from catalog.models import Product

    qs = (
        Product.objects.pc()
        .active()
        .with_related()
        .filter(current_price__isnull=False, category__kind__in=list(kinds))
        .order_by("pk")
    )
    return [record_from_product(p) for p in qs]


def _progress(run: TrainingRun | None) -> object:
    last = {"t": 0.0}

    def report(stage: str, done: int, total: int) -> None:
        if run is None:
            return
        now = time.monotonic()
        if now - last["t"] < 1.0 and done < total:
            return  # at most one progress write per second
        last["t"] = now
        set_progress(run, done, total, stage=stage)

    return report


def train_model(
    *,
    config: TrainConfig | None = None,
    kinds: Iterable[str] = TRAIN_KINDS,
    run: TrainingRun | None = None,
    activate: bool = True,
    records: list[SpecRecord] | None = None,
) -> PricingModel:
    """Train an ensemble on the catalog, write its artifact, register it (active by default)
    and refresh the stored predictions. ``run`` receives progress and the outcome.

    Knobs: ``config`` (epochs, members, backbone, ...), ``kinds`` (category kinds to learn from).
    A test split of 10 % is held out so that the registry's metrics are measured, not fitted.
    """
    from pricing.ml.ensemble import train_ensemble

    config = config or TrainConfig(test_fraction=0.1)
    if run is not None:
        mark_running(run)
    try:
        records = records if records is not None else catalog_records(kinds)
        ensemble = train_ensemble(records, config, progress=_progress(run))
    except Exception as exc:
        if run is not None:
            mark_finished(run, failed=True, message=str(exc))
        raise
    last = PricingModel.objects.order_by("-version").values_list("version", flat=True).first()
    version = (last or 0) + 1
    path = artifact_dir() / f"pricing-v{version}.pt"
    ensemble.save(path)
    metrics = ensemble.metrics
    with transaction.atomic():
        model = PricingModel.objects.create(
            version=version,
            artifact=path.name,
            format_version=FORMAT_VERSION,
            data_fingerprint=data_fingerprint([r for r in records if r.price]),
            trained_rows=metrics["rows"],
            images_used=ensemble.images_used,
            backbone=config.backbone,
            pretrained_backbone=ensemble.backbone_pretrained,
            gbm_used=ensemble.gbm_used,
            band_weights=ensemble.band_weights,
            conformal=ensemble.conformal,
            coverage_target=config.coverage,
            metrics=_jsonable(metrics),
            domain=_jsonable(ensemble.domain),
            training_seconds=metrics["seconds"],
        )
        if activate:
            activate_model(model)
        if run is not None:
            run.model = model
            run.save(update_fields=["model"])
    if activate:
        refresh_predictions(None, progress=_progress(run))
    if run is not None:
        mark_finished(
            run, message=f"v{version}: {metrics['rows']}개 상품으로 {metrics['seconds']}초"
        )
    return model


def activate_model(model: PricingModel) -> None:
    """Make ``model`` the one whose predictions are shown."""
    with transaction.atomic():
        PricingModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
        if not model.is_active:
            model.is_active = True
            model.save(update_fields=["is_active"])


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return None if value != value else round(value, 6)  # NaN -> null
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return value


class TrainingInProgress(RuntimeError):
    """A training run is already queued or running (``run``): one training at a time."""

    def __init__(self, run: TrainingRun) -> None:
        super().__init__(f"이미 학습 #{run.pk}이(가) 대기 중이거나 진행 중입니다")
        self.run = run


# pg_advisory_xact_lock key that serialises queue_training (any fixed 64-bit number).
TRAINING_QUEUE_LOCK = 0x50524943494E47  # "PRICING"


def queue_training(*, requested_by: str = "", params: dict | None = None) -> TrainingRun:
    """Create a TrainingRun and enqueue the training task (ml queue) after commit.

    One training at a time: raises TrainingInProgress while another run is queued or running.
    Two requests at the same moment (two staff clicks, the run command) are serialised by a
    PostgreSQL advisory lock, so only one of them queues."""
    from pricing.tasks import train_pricing_model

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TRAINING_QUEUE_LOCK])
        running = TrainingRun.objects.running().order_by("pk").first()
        if running is not None:
            raise TrainingInProgress(running)
        run = TrainingRun.objects.create(requested_by=requested_by, params=params or {})

        def send() -> None:
            result = train_pricing_model.delay(run_id=run.pk)
            TrainingRun.objects.filter(pk=run.pk).update(celery_task_id=result.id or "")

        transaction.on_commit(send)
    return run
