"""The analysis page, ``/analyze/<pcode>/``: one product's answers to the four questions, in
the issue's order, shareable by its address. A GET only reads (``analyze.analysis``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from analyze.analysis import analysis_parts, offers_block
from catalog.models import Product

TEMPLATE = "analyze/analysis.html"
NOT_FOUND_TEMPLATE = "analyze/not_found.html"
STALE_NOTE = "최신 가격 확인 실패"


def analysis_page(request: HttpRequest, pcode: str) -> HttpResponse:
    """The analysis of the catalog's product ``pcode``; a pcode the catalog does not have is a
    404 that offers the door (paste the link on the home page). ``?stale=1`` (the door, when
    the latest crawl failed) says at the top that the price could not be re-checked."""
    product = Product.objects.with_related().filter(pcode=pcode).first()
    if product is None:
        return render(request, NOT_FOUND_TEMPLATE, {"pcode": pcode}, status=404)
    if product.merged_into_id:
        target = Product.objects.filter(pk=product.merged_into_id).values_list("pcode", flat=True)
        if target:
            return redirect("analyze:analysis", pcode=target[0])
    parts = analysis_parts(product)
    context = {
        "product": product,
        "a": parts.data,
        "offers": offers_block(product),
        # the chart builder escapes every text it writes
        "chart_svg": mark_safe(parts.chart_svg),  # noqa: S308
        "stale": request.GET.get("stale") == "1",
        "stale_note": STALE_NOTE,
        "share_url": request.build_absolute_uri(request.path),
    }
    return render(request, TEMPLATE, context)
