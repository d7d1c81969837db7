"""Catalog pages: the filtered product list and the product page with its price history."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from catalog.filters import PriceHistoryForm, ProductFilter
from catalog.history import PriceHistory, load_price_history
from catalog.models import PriceSnapshot, Product
from catalog.panels import render_product_panels
from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.areas import panel_areas
from core.caching import cached
from core.charts import line_chart_svg
from core.pagination import paginate

T = TypeVar("T")
PAGE_SIZE = 30
DEFAULT_HISTORY_DAYS = 365
RECENT_TABLE_DAYS = 30
HISTORY_WINDOWS = [(30, "30일"), (90, "90일"), (180, "180일"), (365, "1년"), (3650, "전체")]

SPEC_FIELDS = [
    ("cpu_model", "CPU", ""),
    ("gpu_model", "GPU", ""),
    ("ram_gb", "메모리", "GB"),
    ("ssd_gb", "SSD", "GB"),
    ("hdd_gb", "HDD", "GB"),
    ("vram_gb", "그래픽 메모리", "GB"),
    ("os", "운영체제", ""),
    ("form_factor", "폼팩터", ""),
]


def _listed(filterset: ProductFilter, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` cached under the catalog's data version and the filters chosen (the
    count and the menus are the same for every visitor who chose them); computed each time
    when the filters are invalid."""
    if not filterset.is_valid():
        return compute()
    chosen = sorted((k, str(v)) for k, v in filterset.form.cleaned_data.items() if v)
    if name != "count":  # the menus depend on the chosen category and kind only
        chosen = [(k, v) for k, v in chosen if k in ("category", "kind")]
    digest = hashlib.sha256(repr(chosen).encode()).hexdigest()[:24]
    return cached(
        f"catalog:list:{name}:v1:{catalog_version()}:{digest}", VERSIONED_SECONDS, compute
    )


def product_list(request: HttpRequest) -> HttpResponse:
    """The catalog with the filters of ``ProductFilter`` (the same ones the API takes)."""
    filterset = ProductFilter(request.GET, queryset=Product.objects.active())
    # The page's ids first, sorted on the product table alone, then those 30 rows with their
    # related rows: sorting the joined rows sorted every listed product's joins (20+ ms).
    ids = filterset.qs.values_list("pk", flat=True)
    count = _listed(filterset, "count", ids.count)
    page = paginate(ids, request.GET.get("page"), PAGE_SIZE, count=count)

    @functools.cache
    def products() -> list[Product]:
        """Read only when the template's rows are not cached (it calls this)."""
        rows = Product.objects.with_related().in_bulk(list(page.object_list))
        return [rows[pk] for pk in page.object_list if pk in rows]

    # the rows' HTML is the same for everyone who asks this list (catalog_rows in the template)
    asked = sorted((k, v) for k, v in request.GET.lists())
    rows_key = f"{catalog_version()}:{hashlib.sha256(repr(asked).encode()).hexdigest()[:24]}"
    categories = _listed(filterset, "categories", lambda: list(filterset.category_menu()))
    context = {
        "filter": filterset,
        "form_errors": filterset.labelled_errors(),
        "values": request.GET,
        "page": page,
        "products": products,
        "has_products": count > 0,
        "rows_key": rows_key,
        "rows_seconds": VERSIONED_SECONDS,
        # every menu comes from the filterset that reads it back
        "categories": categories,
        "manufacturers": _listed(
            filterset, "manufacturers", lambda: list(filterset.manufacturer_menu())
        ),
        "kinds": ProductFilter.kind_choices(categories, request.GET.get("kind", "")),
        "orderings": ProductFilter.ordering_choices(),
    }
    return render(request, "catalog/product_list.html", context)


def _recent_rows(
    points: list[tuple[dt.date, int]], variants: list[PriceSnapshot]
) -> list[dict[str, object]]:
    """The last days of the history, newest first, with the change from the day before and the
    variant prices (정품, 벌크, ...) of each day."""
    by_day: dict[dt.date, list[PriceSnapshot]] = defaultdict(list)
    for row in variants:
        by_day[row.day].append(row)
    tail = points[-(RECENT_TABLE_DAYS + 1) :]
    rows = [
        {
            "day": day,
            "price": price,
            "change": price - prev[1] if prev else None,
            "drop": prev[1] - price if prev else None,
            "variants": [v for v in by_day.get(day, []) if v.variant],
        }
        for prev, (day, price) in zip([None, *tail], tail, strict=False)
    ]
    return rows[-RECENT_TABLE_DAYS:][::-1]


def _recent_start(points: list[tuple[dt.date, int]]) -> dt.date | None:
    """The first day of the recent-prices table."""
    return points[-min(len(points), RECENT_TABLE_DAYS)][0] if points else None


def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Specs, benchmarks, the price-history chart (inline SVG) and the recent prices."""
    product = get_object_or_404(Product.objects.with_related(), pk=pk)
    if product.merged_into_id:
        return redirect("catalog:product_detail", pk=product.merged_into_id)
    form = PriceHistoryForm(request.GET)
    days, since = DEFAULT_HISTORY_DAYS, None
    if form.is_valid() and (form.cleaned_data["days"] or form.cleaned_data["since"]):
        days, since = form.cleaned_data["days"], form.cleaned_data["since"]
    # Read once, and only when needed: the chart's window is cut from it, the panels get the
    # whole of it. The price parts of the page are template fragments cached under the
    # catalog's data version (a new price shows on the next request) and the query string; the
    # template calls these only when a fragment is missing (a panel only when it is).

    @functools.cache
    def full_history() -> PriceHistory:
        whole = load_price_history(product.pk)
        # the recent table's variant rows reach furthest back of all readers (the trend
        # panel's notes read the last days): read from there first, once for all of them
        if start := _recent_start(whole.window(days=days, since=since).points):
            whole.variant_rows(start)
        return whole

    @functools.cache
    def history() -> PriceHistory:
        return full_history().window(days=days, since=since)

    @functools.cache
    def chart() -> str:
        svg = line_chart_svg(
            history().points, title=f"{product.name} 일별 최저가", label="일별 최저가"
        )
        return mark_safe(svg)  # noqa: S308 - the chart builder escapes every text it writes

    @functools.cache
    def recent_rows() -> list[dict[str, object]]:
        points = history().points
        if not points:
            return []
        variants = sorted(
            full_history().variant_rows(_recent_start(points)), key=lambda row: (row.day, row.price)
        )
        return _recent_rows(points, variants)

    asked = sorted((k, v) for k, v in request.GET.lists())
    page_key = f"{catalog_version()}:{hashlib.sha256(repr(asked).encode()).hexdigest()[:24]}"
    specs = [
        (label, f"{value:,}{unit}" if isinstance(value, int) else value)
        for fname, label, unit in SPEC_FIELDS
        if (value := getattr(product, fname)) not in (None, "")
    ]
    panels = render_product_panels(request, product, history=SimpleLazyObject(full_history))
    panel_keys = {panel["key"] for panel in panels}
    context = {
        "product": product,
        "history": history,
        "history_days": days,
        "history_form": form,
        "history_windows": HISTORY_WINDOWS,
        "chart_svg": chart,
        "recent_rows": recent_rows,
        "page_key": page_key,
        "fragment_seconds": VERSIONED_SECONDS,
        "specs": specs,
        "panels": panels,
        # Areas built by higher apps (core.areas); until an app registers its product panel under
        # the area's key (catalog.panels), a short "준비 중" note links to /soon/<area>/.
        "coming_soon": [a for a in panel_areas() if a[0] not in panel_keys],
    }
    return render(request, "catalog/product_detail.html", context)
