"""Look-alike pages: the product-page panel "비슷하게 생긴 상품" (registered in
SimilarityConfig.ready), the full look-alike page of a product with filters, and the photo page
"사진으로 찾기"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from catalog.models import Category, Manufacturer, Product
from core.caching import data_version
from similarity import photo_search
from similarity.filters import (
    ALL,
    PAGE_K_CHOICES,
    FilterError,
    LookAlikeFilterForm,
    PhotoSearchForm,
)
from similarity.ml.images import MAX_BYTES, MAX_PIXELS, ImageRejected
from similarity.search import similar_to_product
from similarity.services import INDEX_VERSION, active_embedder, model_report, serving_embedder
from similarity.uploads import PHOTO_FIELD, bounded_upload, read_photo

PANEL_K = 6
PHOTO_K = 12
ACCEPT = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"


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


def product_look_alikes(request: HttpRequest, pk: int) -> HttpResponse:
    """All the look-alikes of a product, with filters: category (its own by default, ``all``,
    or another), price range, manufacturer and how many pictures. Bad filters: 400 with the
    reasons on the page."""
    product = get_object_or_404(Product.objects.with_related(), pk=pk)
    if product.merged_into_id:
        return redirect("similarity:product", pk=product.merged_into_id)
    embedder = serving_embedder()
    form = LookAlikeFilterForm(request.GET or None, default_k=PAGE_K_CHOICES[0])
    groups, status, errors = None, 200, []
    if form.is_bound and not form.is_valid():
        status, errors = 400, form.labelled_errors()
    elif product.image_sha256:
        try:
            filters = (
                form.search_filters(default_category_id=product.category_id)
                if form.is_bound
                else None
            )
        except FilterError as exc:
            status, errors = 400, [("카테고리", [str(exc)])]
        else:
            groups = similar_to_product(product, embedder=embedder, k=form.k_value, filters=filters)
    values = form.data if form.is_bound else {}
    chosen = values.get("category", "")
    context = {
        "product": product,
        "groups": groups or [],
        "pending": bool(product.image_sha256) and groups is None and status == 200,
        "embedder": embedder,
        "report": model_report(),
        "values": values,
        "errors": errors,
        "categories": photo_search.searchable_categories(embedder),
        "manufacturers": _manufacturer_menu(product, chosen),
        "k_choices": PAGE_K_CHOICES,
        "k": form.k_value,
    }
    return render(request, "similarity/product.html", context, status=status)


def _manufacturer_menu(product: Product, chosen: str) -> object:
    """Brands with products in the category being searched (the product's by default; every PC
    category for "all")."""
    if chosen == ALL:
        return Manufacturer.objects.with_active_products_in()
    category = Category.objects.filter(code=chosen).first() if chosen else product.category
    return Manufacturer.objects.with_active_products_in(category or product.category)


@bounded_upload
@require_http_methods(["GET", "POST"])
def photo_page(request: HttpRequest) -> HttpResponse:
    """ "사진으로 찾기": the upload form, and on POST the products that look like the photo. The
    upload is parsed in memory only (``similarity.uploads``)."""
    embedder = serving_embedder()
    form = PhotoSearchForm(request.POST if request.method == "POST" else None, default_k=PHOTO_K)
    result, status, errors = None, 200, []
    if request.method == "POST":
        status = 400
        if not form.is_valid():
            errors = form.labelled_errors()
        try:
            content = read_photo(request.FILES.get(PHOTO_FIELD))
        except ImageRejected as exc:
            errors.insert(0, ("사진", [str(exc)]))
        if not errors:
            try:
                filters = form.search_filters()
                result = photo_search.search_by_photo(
                    content, k=form.k_value, filters=filters,
                    store=form.cleaned_data.get("store", False),
                )  # fmt: skip
                status, embedder = 200, result.embedder
            except FilterError as exc:
                errors = [("카테고리", [str(exc)])]
            except ImageRejected as exc:
                errors = [("사진", [str(exc)])]
    context = {
        "values": form.data if form.is_bound else {},
        "errors": errors,
        "result": result,
        "embedder": embedder,
        "report": model_report(),
        "categories": photo_search.searchable_categories(embedder),
        "k_choices": PAGE_K_CHOICES,
        "k": form.k_value,
        "accept": ACCEPT,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_pixels": f"{MAX_PIXELS // 10_000:,}만",
    }
    return render(request, "similarity/photo.html", context, status=status)
