"""Signals the catalog sends so that higher apps (pricing, trends, similarity) can react
without the catalog importing them. Both are sent from ``transaction.on_commit``."""

from django.dispatch import Signal

# kwargs: product_ids: list[int], reason: str ("created", "specs", "image")
products_changed = Signal()
# kwargs: product_ids: list[int], days: list[str] (ISO dates touched)
prices_recorded = Signal()
