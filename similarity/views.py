"""Product-page panel "비슷하게 생긴 상품" (registered in SimilarityConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest

from similarity.search import similar_to_product
from similarity.services import model_report, serving_embedder

PANEL_K = 6


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
