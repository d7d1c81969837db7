"""Receivers of the catalog's signals (connected in ``SimilarityConfig.ready``): a new or
changed picture is embedded on the ml worker."""

from __future__ import annotations

from similarity.services import queue_indexing

REASONS = {"image", "created"}


def on_products_changed(
    sender: object, product_ids: list[int], reason: str = "", **kwargs: object
) -> None:
    if reason in REASONS and product_ids:
        queue_indexing()
