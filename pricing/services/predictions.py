"""Stored estimates: refresh them (the worker), queue their refresh (receivers, page views)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from pricing.ml.ensemble import Estimate, FairPriceEnsemble
from pricing.ml.features import (
    SpecRecord,
    record_fingerprint,
)
from pricing.models import PricePrediction, PricingModel
from pricing.product_records import record_from_product
from pricing.services.active import NoActiveModel, get_active, model_scope

logger = logging.getLogger(__name__)

PREDICTION_BATCH = 500


def image_features_for(records: list[SpecRecord], ensemble: FairPriceEnsemble) -> dict[str, object]:
    """Backbone features of the records' images, {} when the ensemble uses no images."""
    if not ensemble.images_used:
        return {}
    from pricing.ml.backbone import image_features

    images = {r.image_sha256: r.image_path for r in records if r.image_sha256 and r.image_path}
    return image_features(images, ensemble.config.backbone) if images else {}


def prediction_row(
    model: PricingModel, product: object, estimate: Estimate, fingerprint: str
) -> PricePrediction:
    """The (unsaved) stored form of one estimate of ``product``."""
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
            estimates = ensemble.estimate(
                records, image_features_for(records, ensemble), explain=True
            )
            rows = [
                prediction_row(model, p, e, f)
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


def queue_prediction_refresh(
    product_ids: Iterable[int], *, model: PricingModel | None = None
) -> None:
    """Queue re-estimating products on the worker (``ml`` queue) after the current transaction
    commits, in batches, once per product while one is already waiting; nothing while no model
    is active. A failed enqueue is logged, never raised: a page view or a crawl goes on."""
    from pricing.tasks import refresh_pricing_predictions

    ids = sorted(set(product_ids or []))
    if not ids:
        return
    model = model or PricingModel.objects.current()  # ``model``: the active one, when known
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
