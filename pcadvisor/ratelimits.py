"""Per-client limits on the expensive endpoints (issue 14): photo search, fair-price estimates
of typed configurations and admin log-ins. The front door's crawls on demand have their own
limit (analyze.crawl, ``DOOR_CRAWL_RATE``). The recommendation page is not limited: its ranking
is cached and each LLM reason is written once per configuration and use case, however many ask.

A request over its limit is answered before any work is done (the upload is not even read):
429 with ``Retry-After``, JSON under /api/, a short Korean page elsewhere. Limits are counted per
client address (``core.ratelimit.client_ip``) in fixed windows on the cache; each rate is a
setting (``RATE_LIMITS``, from ``RATE_LIMIT_<NAME>`` in the environment).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from core.ratelimit import Rate, client_ip, hit


@dataclass(frozen=True)
class Limited:
    """Requests of ``methods`` to paths matching ``path`` (and ``when``) count against
    ``RATE_LIMITS[name]``."""

    name: str
    label: str  # what the message calls it
    methods: frozenset[str]
    path: re.Pattern[str]
    when: Callable[[HttpRequest], bool] = lambda request: True


ENDPOINTS: tuple[Limited, ...] = (
    Limited("photo-search", "사진 검색", frozenset({"POST"}),
            re.compile(r"^/(api/v1/similarity/search|similarity/photo/)$")),
    Limited("estimate", "적정가 계산", frozenset({"POST"}), re.compile(r"^/api/v1/pricing/estimate/$")),
    Limited("estimate", "적정가 계산", frozenset({"GET"}), re.compile(r"^/pricing/$"),
            when=lambda request: bool(request.GET)),
    Limited("admin-login", "관리자 로그인", frozenset({"POST"}), re.compile(r"^/admin/login/$")),
)  # fmt: skip


def limited_api_paths() -> set[str]:
    """The API operations with a limit, as the schema names their paths (for the 429 it adds)."""
    return {"/api/v1/similarity/search", "/api/v1/pricing/estimate/"}


def _rate(name: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[name])


def too_many(request: HttpRequest, label: str, rate: Rate, retry_after: int) -> HttpResponse:
    message = (
        f"{label} 요청이 너무 많습니다. {rate.window_label}에 {rate.count}번까지 할 수 있습니다. "
        f"{retry_after}초 후 다시 시도하세요."
    )
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": retry_after},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = render_to_string("429.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for endpoint in ENDPOINTS:
            if (
                request.method in endpoint.methods
                and endpoint.path.match(request.path_info)
                and endpoint.when(request)
            ):
                rate = _rate(endpoint.name)
                decision = hit(endpoint.name, client_ip(request), rate)
                if not decision.allowed:
                    return too_many(request, endpoint.label, rate, decision.retry_after)
                break
        return self.get_response(request)
