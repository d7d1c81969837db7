"""Front-door views that compose the apps: home, health, areas not built yet."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from catalog.models import Product
from catalog.stats import catalog_counts
from pcadvisor.health import health_report
from trends.views import dashboard_context

AREAS = {
    "similarity": ("비슷한 상품", "사진으로 비슷하게 생긴 상품을 찾아 드립니다."),
    "recommend": ("용도별 추천", "사무용·개발·게임·디자인·AI 용도에 맞는 PC를 추천합니다."),
}


def home(request: HttpRequest) -> HttpResponse:
    """The PC catalog's counts (cached: a home request counts no price rows), the market
    dashboard and the latest desktops."""
    counts = catalog_counts()
    context = {
        "product_count": counts["products"],
        "demo_count": counts["demo_products"],
        "price_count": counts["price_rows"],
        "category_count": counts["categories"],
        "latest": Product.objects.active()
        .with_related()
        .of_kind("desktop")
        .filter(current_price__isnull=False)
        .order_by("-current_price_day", "-id")[:8],
    }
    context.update(dashboard_context())
    return render(request, "home.html", context)


def coming_soon(request: HttpRequest, area: str) -> HttpResponse:
    if area not in AREAS:
        raise Http404("알 수 없는 메뉴입니다.")
    title, blurb = AREAS[area]
    return render(request, "coming_soon.html", {"title": title, "blurb": blurb, "area": area})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] != "error" else 503)
