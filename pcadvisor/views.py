"""Front-door views that compose the apps: home, health, areas not built yet."""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import NoReverseMatch
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from catalog.models import Product
from catalog.stats import catalog_counts
from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.areas import get_area
from core.caching import cached
from pcadvisor.api_errors import _is_korean
from pcadvisor.context_processors import NAV
from pcadvisor.health import health_report
from trends.views import dashboard_context

LATEST_COUNT = 8


def latest_desktops() -> list[Product]:
    """The desktops priced most recently, the same for every visitor: cached under the
    catalog's data version (a new price or product shows up on the next request)."""
    return cached(
        f"home:latest:v1:{catalog_version()}",
        VERSIONED_SECONDS,
        lambda: list(
            Product.objects.active()
            .with_related()
            .of_kind("desktop")
            .filter(current_price__isnull=False)
            .order_by("-current_price_day", "-id")[:LATEST_COUNT]
        ),
    )


def home(request: HttpRequest) -> HttpResponse:
    """The PC catalog's counts (cached: a home request counts no price rows), the market
    dashboard and the latest desktops (cached)."""
    counts = catalog_counts()
    context = {
        "product_count": counts["products"],
        "demo_count": counts["demo_products"],
        "price_count": counts["price_rows"],
        "category_count": counts["categories"],
        "latest": latest_desktops(),
    }
    context.update(dashboard_context())
    return render(request, "home.html", context)


def coming_soon(request: HttpRequest, area: str) -> HttpResponse:
    """The "준비 중" page of an area not built yet (core.areas); an area that is built by now
    sends the visitor to its page."""
    found = get_area(area)
    if found is None:
        raise Http404("알 수 없는 메뉴입니다.")
    if found.built:
        return redirect(found.url_name)
    context = {"title": found.label, "blurb": found.blurb, "area": found.key}
    return render(request, "coming_soon.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] != "error" else 503)


# --------------------------------------------------------------------------- error pages


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _api_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A Korean 404 in the site's layout (JSON under /api/, e.g. for an address no route
    matches). Our own messages ("99쪽은 없습니다") are shown; Django's English ones ("No Product
    matches the given query.") are not."""
    message = str(exception.args[0]) if exception is not None and exception.args else ""
    message = message if _is_korean(message) else ""
    if _is_api(request):
        return _api_error(message or "찾을 수 없습니다.", 404)
    return render(request, "404.html", {"message": message}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a malformed multipart body, too many fields, a suspicious operation): JSON
    under /api/, a small Korean page elsewhere."""
    detail = "요청 본문을 읽을 수 없습니다."
    if _is_api(request):
        return _api_error(detail, 400)
    return render(request, "400.html", {"message": detail}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """A Korean 500 in the site's layout, drawn without the database (it may be the cause):
    no context processors, only the navigation. JSON under /api/."""
    if _is_api(request):
        return _api_error("서버 오류가 났습니다. 잠시 뒤 다시 시도해 주세요.", 500)
    html = render_to_string("500.html", {"nav_items": NAV, "price_source_label": ""})
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: what went wrong in Korean, never the DEBUG advice of Django's."""
    context = {
        "no_referer": reason == REASON_NO_REFERER,
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }
    return HttpResponseForbidden(render_to_string("403_csrf.html", context, request=request))


# --------------------------------------------------------------------------- API root


def _api_endpoints(request: Request) -> dict[str, dict[str, str]]:
    """Every named endpoint of each ``<app>-api`` namespace in the URLconf, grouped by app;
    an endpoint of one object shows ``{id}`` where the id goes."""
    groups: dict[str, dict[str, str]] = {}
    for entry in get_resolver().url_patterns:
        namespace = getattr(entry, "namespace", None) or ""
        if not isinstance(entry, URLResolver) or not namespace.endswith("-api"):
            continue
        app = namespace.removesuffix("-api")
        urls = groups.setdefault(app, {})
        for pattern in entry.url_patterns:
            if not isinstance(pattern, URLPattern) or not pattern.name or pattern.name in urls:
                continue
            if pattern.name == "api-root":
                continue
            url = _reverse_endpoint(f"{namespace}:{pattern.name}", request)
            if url:
                urls[pattern.name] = url
    return groups


def _reverse_endpoint(name: str, request: Request) -> str:
    try:
        return api_reverse(name, request=request)
    except NoReverseMatch:
        pass
    # 2147483647: a placeholder id no other part of the path can contain
    for kwarg, shown in (("pk", "{id}"), ("pcode", "{pcode}")):
        try:
            url = api_reverse(name, kwargs={kwarg: 2147483647}, request=request)
        except NoReverseMatch:
            continue
        return url.replace("2147483647", shown)
    return ""


class ApiRootView(APIView):
    """The API's table of contents: every app's endpoints (catalog, pricing, trends, ...),
    the OpenAPI schema and the browsable docs."""

    @extend_schema(
        summary="API 목차 (모든 앱의 엔드포인트)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, format: str | None = None) -> Response:
        body: dict[str, object] = dict(sorted(_api_endpoints(request).items()))
        body["schema"] = api_reverse("api-schema", request=request)
        body["docs"] = api_reverse("api-docs", request=request)
        return Response(body)
