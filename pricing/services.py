"""Writes and model access for fair prices: train and register a model, refresh stored
predictions, estimate a product or a typed-in configuration, queue training.

Views, tasks and commands call these; the heavy lifting is in ``pricing.ml``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from pricing.configurations import (
    NOT_ESTIMATED,
    Configuration,
    ConfigurationError,
    Filled,
    configuration_record,
)
from pricing.ml import registry
from pricing.ml.ensemble import FORMAT_VERSION, Estimate, FairPriceEnsemble, TrainConfig
from pricing.ml.features import (
    SpecRecord,
    data_fingerprint,
    record_fingerprint,
    record_from_product,
)
from pricing.models import PricePrediction, PricingModel, RunStatus, TrainingRun

logger = logging.getLogger(__name__)

__all__ = ["Configuration", "ConfigurationError", "NoActiveModel", "NotEstimated",
           "TrainingInProgress"]  # fmt: skip

TRAIN_KINDS = ("desktop", "laptop")
PREDICTION_BATCH = 500


NO_MODEL = "아직 학습된 적정가 모델이 없습니다"


class NoActiveModel(LookupError):
    """No usable fair-price model: none trained yet, or the active one's artifact is missing or
    of another format version (the message says which)."""


class NotEstimated(LookupError):
    """The active model was not trained on this product's kind or category (a sofa, a jacket,
    or a PC category it has not seen): it gives no fair price for it."""

    def __init__(self, message: str = NOT_ESTIMATED) -> None:
        super().__init__(message)


# --------------------------------------------------------------------------- the active model


def artifact_dir() -> Path:
    return Path(settings.MODEL_DIR) / "pricing"


def artifact_path(model: PricingModel) -> Path:
    path = Path(model.artifact)
    return path if path.is_absolute() else artifact_dir() / path


def load_ensemble(model: PricingModel) -> FairPriceEnsemble:
    """The model's ensemble, loaded once per process (``pricing.ml.registry``). Raises
    NoActiveModel when its artifact is missing or incompatible: no usable model either way."""
    try:
        return registry.load(
            artifact_path(model), version=model.version, format_version=model.format_version
        )
    except registry.NoUsableModel as exc:
        raise NoActiveModel(str(exc)) from exc


def get_active() -> tuple[PricingModel, FairPriceEnsemble]:
    """(active model row, its ensemble); raises NoActiveModel when there is none, or when its
    artifact is missing or of another format version."""
    model = PricingModel.objects.current()
    if model is None:
        raise NoActiveModel(NO_MODEL)
    return model, load_ensemble(model)


def reset_model_cache() -> None:
    registry.reset()


def cached_model_version() -> int | None:
    """The version of the model this process holds loaded, None when it holds none."""
    return registry.held_version()


def warm_up() -> bool:
    """Load the active model and its members into this process now (one estimate included, so
    torch's first-call set-up happens here too), so the first product page of a web worker does
    not wait for it. Never raises: without a model, a model file or a database it logs and
    returns False (called at web-worker start, ``pcadvisor/wsgi.py``)."""
    try:
        model, ensemble = get_active()
        ensemble.estimate([SpecRecord(key="warm-up", name="")])
    except NoActiveModel as exc:
        logger.info("pricing warm-up skipped: %s", exc)
        return False
    except Exception:  # no database yet, an unreadable artifact, ...: start anyway
        logger.warning("pricing warm-up failed; the model loads on first use", exc_info=True)
        return False
    logger.info("pricing model v%s loaded at start-up", model.version)
    return True


@dataclass(frozen=True)
class Scope:
    """What a model estimates: category kinds, and catalog category codes (empty: any category
    of those kinds, for models registered before categories were recorded)."""

    kinds: tuple[str, ...]
    categories: tuple[str, ...] = ()

    def covers(self, kind: str, category: str = "") -> bool:
        if kind not in self.kinds:
            return False
        return not self.categories or category in self.categories

    def filter(self, products: object) -> object:
        """``products`` (a Product QuerySet) narrowed to those in scope."""
        products = products.filter(category__kind__in=list(self.kinds))
        if self.categories:
            products = products.filter(category__code__in=list(self.categories))
        return products


def model_scope(model: PricingModel, ensemble: FairPriceEnsemble | None = None) -> Scope:
    """The kinds/categories recorded with the model at training time; for a model registered
    before they were recorded, the kinds its encoder learned (its artifact is loaded for that).
    Never a kind outside PC_KINDS."""
    from catalog.models import PC_KINDS

    domain = model.domain or {}
    if not domain.get("kinds"):
        ensemble = ensemble or load_ensemble(model)
        domain = ensemble.domain or {"kinds": ensemble.kinds}
    kinds = domain.get("kinds") or TRAIN_KINDS
    return Scope(
        kinds=tuple(k for k in kinds if k in PC_KINDS),
        categories=tuple(domain.get("categories") or ()),
    )


def product_in_scope(scope: Scope, product: object) -> bool:
    category = product.category if product.category_id else None
    return category is not None and scope.covers(category.kind, category.code)


# --------------------------------------------------------------------------- training


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
        run.stage, run.progress_done, run.progress_total = stage, done, total
        run.save(update_fields=["stage", "progress_done", "progress_total"])

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
        run.status, run.started_at = RunStatus.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        records = records if records is not None else catalog_records(kinds)
        ensemble = train_ensemble(records, config, progress=_progress(run))
    except Exception as exc:
        if run is not None:
            run.status, run.message, run.finished_at = RunStatus.FAILED, str(exc), timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
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
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.message = f"v{version}: {metrics['rows']}개 상품으로 {metrics['seconds']}초"
        run.progress_done = run.progress_total
        run.save(update_fields=["status", "finished_at", "message", "progress_done"])
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


# --------------------------------------------------------------------------- predictions


def _image_features(records: list[SpecRecord], ensemble: FairPriceEnsemble) -> dict[str, object]:
    if not ensemble.images_used:
        return {}
    from pricing.ml.backbone import image_features

    images = {r.image_sha256: r.image_path for r in records if r.image_sha256 and r.image_path}
    return image_features(images, ensemble.config.backbone) if images else {}


def _prediction(
    model: PricingModel, product: object, estimate: Estimate, fingerprint: str
) -> PricePrediction:
    return PricePrediction(
        product_id=product.pk, model=model, fair_price=estimate.fair_price, low=estimate.low,
        high=estimate.high, band=estimate.band, listed_price=product.current_price,
        members=estimate.members, weights=estimate.weights, explanation=estimate.explanation,
        used_image=estimate.used_image, input_fingerprint=fingerprint,
    )  # fmt: skip


def refresh_predictions(
    product_ids: list[int] | None, progress: object = None, *, only_changed: bool = False
) -> int:
    """Recompute and store the active model's estimates for products (all priced ones when
    ``product_ids`` is None), in batches. Returns the number stored; 0 without a usable model.

    ``only_changed``: skip products whose stored estimate was made from the same inputs
    (``record_fingerprint``), so that the second of two refreshes for one change estimates
    nothing."""
    from catalog.models import Product

    try:
        model, ensemble = get_active()
    except NoActiveModel:
        return 0
    scope = model_scope(model, ensemble)
    # Estimates of products the model does not cover (stored before it said so) go.
    stale = PricePrediction.objects.filter(model=model)
    if product_ids is not None:
        stale = stale.filter(product_id__in=product_ids)
    stale.exclude(product__in=scope.filter(Product.objects.all())).delete()
    qs = scope.filter(Product.objects.active().with_related().filter(current_price__isnull=False))
    if product_ids is not None:
        qs = qs.filter(pk__in=product_ids)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    stored = 0
    for start in range(0, len(ids), PREDICTION_BATCH):
        batch = list(qs.filter(pk__in=ids[start : start + PREDICTION_BATCH]))
        records = [record_from_product(p) for p in batch]
        prints = [record_fingerprint(r) for r in records]
        if only_changed:
            known = dict(
                PricePrediction.objects.filter(
                    model=model, product_id__in=[p.pk for p in batch]
                ).values_list("product_id", "input_fingerprint")
            )
            todo = [i for i, p in enumerate(batch) if known.get(p.pk) != prints[i]]
            batch, records, prints = ([batch[i] for i in todo], [records[i] for i in todo],
                                      [prints[i] for i in todo])  # fmt: skip
        if batch:
            estimates = ensemble.estimate(records, _image_features(records, ensemble), explain=True)
            rows = [
                _prediction(model, p, e, f)
                for p, e, f in zip(batch, estimates, prints, strict=True)
            ]
            PricePrediction.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["product", "model"],
                update_fields=["fair_price", "low", "high", "band", "listed_price", "members",
                               "weights", "explanation", "used_image", "input_fingerprint",
                               "updated_at"],
            )  # fmt: skip
            stored += len(rows)
        if progress:
            progress("predict", min(start + PREDICTION_BATCH, len(ids)), len(ids))
    return stored


# Products whose re-estimate is queued and not yet started: a crawl's products_changed and
# prices_recorded for one product, or many views of one stale estimate, queue one task.
PENDING_SECONDS = 15 * 60


def _pending_keys(model: PricingModel, product_ids: list[int]) -> dict[int, str]:
    # The model row's creation time keeps keys of a model apart from a later one's with the same
    # primary key (a rebuilt database, a test run).
    token = f"{model.pk}.{int(model.created_at.timestamp() * 1_000_000)}"
    return {pid: f"pricing:estimate-pending:{token}:{pid}" for pid in product_ids}


def queue_prediction_refresh(product_ids: Iterable[int]) -> None:
    """Queue re-estimating products on the worker (``ml`` queue) after the current transaction
    commits, in batches, once per product while one is already waiting; nothing while no model
    is active. A failed enqueue is logged, never raised: a page view or a crawl goes on."""
    from pricing.tasks import refresh_pricing_predictions

    ids = sorted(set(product_ids or []))
    if not ids:
        return
    model = PricingModel.objects.current()
    if model is None:
        return

    def send() -> None:
        keys = _pending_keys(model, ids)
        try:
            waiting = set(cache.get_many(list(keys.values())))
            new = [pid for pid, key in keys.items() if key not in waiting]
            if new:
                cache.set_many({keys[pid]: 1 for pid in new}, timeout=PENDING_SECONDS)
        except Exception:  # no cache: queue them all (the task skips unchanged products)
            logger.warning("pricing: the pending-estimate cache is unavailable", exc_info=True)
            new = ids
        for start in range(0, len(new), PREDICTION_BATCH):
            batch = new[start : start + PREDICTION_BATCH]
            try:
                refresh_pricing_predictions.delay(product_ids=batch)
            except Exception:
                logger.warning(
                    "pricing: could not queue %s re-estimates", len(batch), exc_info=True
                )
                _forget_pending(model, batch)

    transaction.on_commit(send)


def _forget_pending(model: PricingModel, product_ids: list[int]) -> None:
    try:
        cache.delete_many(list(_pending_keys(model, product_ids).values()))
    except Exception:
        logger.warning("pricing: the pending-estimate cache is unavailable", exc_info=True)


def refresh_changed_predictions(product_ids: list[int]) -> int:
    """The worker's re-estimate of products whose price or specs changed: what is queued from
    now on queues again (a change that lands while this runs is not lost), then the products
    whose inputs changed since their stored estimate are estimated and stored."""
    model = PricingModel.objects.current()
    if model is not None:
        _forget_pending(model, list(product_ids))
    return refresh_predictions(list(product_ids), only_changed=True)


@dataclass
class ProductEstimate:
    """What the product page and API show for one product."""

    model: PricingModel
    prediction: PricePrediction

    @property
    def explanation(self) -> list[dict[str, object]]:
        """The stored explanation, without an "image" line when the model's backbone was not
        pretrained (stored before the ensemble stopped crediting a random backbone)."""
        items = list(self.prediction.explanation or [])
        if not self.model.pretrained_backbone:
            items = [i for i in items if i.get("group") != "image"]
        return items

    @property
    def deal(self) -> dict[str, object] | None:
        return deal_score(
            self.prediction.listed_price,
            self.prediction.fair_price,
            self.prediction.low,
            self.prediction.high,
        )


def estimate_product(product: object) -> ProductEstimate:
    """The active model's estimate for a product, read, never written: the stored one, or when
    it is missing or stale (the listed price moved), one computed now in memory while the
    worker is asked to refresh the stored one. Raises NoActiveModel (also for a missing or
    incompatible artifact), or NotEstimated for a product outside the model's
    kinds/categories (whatever was stored for it earlier is not shown)."""
    # A model whose artifact is missing or incompatible is no usable model: what it stored
    # earlier is not shown either.
    model, ensemble = get_active()
    scope = model_scope(model, ensemble)
    if not product_in_scope(scope, product):
        raise NotEstimated()
    pred = PricePrediction.objects.filter(product_id=product.pk, model=model).first()
    if pred is None or pred.listed_price != product.current_price:
        if product.current_price is not None and product.is_active:
            queue_prediction_refresh([product.pk])  # unpriced or retired: never stored
        record = record_from_product(product)
        est = ensemble.estimate([record], _image_features([record], ensemble), explain=True)[0]
        pred = _prediction(model, product, est, record_fingerprint(record))
    return ProductEstimate(model=model, prediction=pred)


def deal_score(listed: int | None, fair: int, low: int, high: int) -> dict[str, object] | None:
    """The listed price against the fair price and its interval: percent below (+) or above
    (-) fair, a verdict and a Korean label such as "12% 저렴"."""
    if not listed or not fair:
        return None
    percent = round(100 * (fair - listed) / fair, 1)
    if listed < low:
        verdict, label = "great", "구간보다 싼 좋은 가격"
    elif listed > high:
        verdict, label = "expensive", "구간보다 비싼 가격"
    elif percent >= 3:
        verdict, label = "good", "적정가보다 저렴"
    elif percent <= -3:
        verdict, label = "pricey", "적정가보다 비쌈"
    else:
        verdict, label = "fair", "적정가 수준"
    if abs(percent) < 0.5:
        text = "적정가와 같음"
    elif percent > 0:
        text = f"{abs(percent):.0f}% 저렴"
    else:
        text = f"{abs(percent):.0f}% 비쌈"
    return {"percent": percent, "verdict": verdict, "label": label, "text": text}


# --------------------------------------------------------------------------- configurations


def configuration_scope() -> tuple[Scope | None, dict[str, object]]:
    """(scope, training domain) of the active model, (None, {}) without a usable one: what the
    configuration form and API offer and check."""
    try:
        model, ensemble = get_active()
    except NoActiveModel:
        return None, {}
    return model_scope(model, ensemble), model.domain or ensemble.domain or {}


def estimate_configuration(
    config: Configuration,
) -> tuple[PricingModel, Estimate, SpecRecord, list[Filled]]:
    """An estimate (with explanation) for a configuration that is not in the catalog, its gaps
    filled from the catalog and refused outside what the model was trained on (see
    ``pricing.configurations``). Raises ConfigurationError (field errors) or NoActiveModel."""
    model, ensemble = get_active()
    scope = model_scope(model, ensemble)
    typed = configuration_record(config, scope.kinds, model.domain or ensemble.domain)
    estimate = ensemble.estimate([typed.record], {}, explain=True)[0]
    return model, estimate, typed.record, typed.filled


def estimate_with_deal(config: Configuration) -> dict[str, object]:
    model, est, record, filled = estimate_configuration(replace(config))
    return {
        "model": model,
        "estimate": est,
        "record": record,
        "filled": filled,
        "deal": deal_score(config.listed_price, est.fair_price, est.low, est.high),
    }
