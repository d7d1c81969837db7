"""Receivers of the catalog's signals (connected in ``PricingConfig.ready``): products whose
price or specs changed are re-estimated on the worker, once per product however many signals
one write sends (``pricing.services.queue_prediction_refresh``)."""

from __future__ import annotations

from pricing.services import queue_prediction_refresh


def on_products_changed(sender: object, product_ids: list[int], **kwargs: object) -> None:
    queue_prediction_refresh(product_ids)


def on_prices_recorded(sender: object, product_ids: list[int], **kwargs: object) -> None:
    queue_prediction_refresh(product_ids)
