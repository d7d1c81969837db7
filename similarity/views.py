"""Product-page panel "비슷하게 생긴 상품" (registered in SimilarityConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest

from core.caching import data_version
from similarity.search import similar_to_product
from similarity.services import INDEX_VERSION, active_embedder, model_report, serving_embedder

PANEL_K = 6


def similarity_panel_version(product: object) -> str:
    """The panel's HTML (cached by ``catalog.panels``) changes with the index (bumped by every
    indexing batch), the active embedder (weights fetched) and the product's picture."""
    embedder = active_embedder().key  # type: ignore[attr-defined]
    return f"{data_version(INDEX_VERSION)}:{embedder}:{getattr(product, 'image_sha256', '')}"


def similarity_panel(request: HttpRequest, product: object) -> tuple[str, dict] | None:
    """Look-alikes of the product's picture in its category; says when the picture is not
    indexed yet and which models are missing. A product without a picture has no panel."""
    if not getattr(product, "image_sha256", ""):
        return None
    embedder = serving_embedder()
    groups = similar_to_product(product, embedder=embedder, k=PANEL_K)  # type: ignore[arg-type]
    context = {
        "product": product,
        "groups": groups or [],
        "pending": groups is None,
        "embedder": embedder,
        "report": model_report(),
    }
    return "similarity/panel.html", context
