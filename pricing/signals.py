"""Catalog signal receivers: re-estimate products whose price or specs changed."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

BATCH = 500


def enqueue_refresh(product_ids: list[int]) -> None:
    """Queue prediction refreshes (ml queue) in batches, after the current transaction commits;
    nothing is queued while no model is active."""
    from pricing.models import PricingModel

    ids = sorted(set(product_ids or []))
    if not ids or not PricingModel.objects.filter(is_active=True).exists():
        return
    from pricing.tasks import refresh_pricing_predictions

    def send() -> None:
        for start in range(0, len(ids), BATCH):
            refresh_pricing_predictions.delay(product_ids=ids[start : start + BATCH])

    transaction.on_commit(send)


def on_products_changed(sender: object, product_ids: list[int], **kwargs: object) -> None:
    enqueue_refresh(product_ids)


def on_prices_recorded(sender: object, product_ids: list[int], **kwargs: object) -> None:
    enqueue_refresh(product_ids)
