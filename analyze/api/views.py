"""The front door's API: ``POST /api/v1/analyze/`` and the status of a crawl on demand."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analyze.analysis import build_analysis
from analyze.api.serializers import (
    AnalysisReadySerializer,
    CrawlAcceptedSerializer,
    DetailSerializer,
    DoorInputSerializer,
    DoorStatusSerializer,
    RateLimitedSerializer,
    SearchResultsSerializer,
)
from analyze.crawl import (
    STALE_MESSAGE,
    CrawlRateLimited,
    analysis_url,
    door_route,
    door_status,
    known_product,
    request_crawl,
    status_url,
)
from analyze.door import DoorRefusal, exact_hit, parse_door_input, search_products
from catalog.models import Product
from core.ratelimit import client_ip


def _ready(product: Product, *, stale: bool = False) -> Response:
    body = {
        "kind": "analysis",
        "pcode": product.pcode,
        "analysis_url": analysis_url(product.pcode, stale=stale),
        "stale": stale,
        "message": STALE_MESSAGE if stale else "",
        "analysis": build_analysis(product),
    }
    return Response(body, status=status.HTTP_200_OK)


def _accepted(pcode: str, state: str) -> Response:
    body = {
        "pcode": pcode,
        "status": state,
        "status_url": status_url(pcode),
        "message": "다나와에서 상품 정보를 가져오는 중입니다. status_url로 진행 상황을 확인하세요.",
    }
    response = Response(body, status=status.HTTP_202_ACCEPTED)
    response["Location"] = status_url(pcode)
    return response


def _bad(detail: str, code: str, http: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": detail, "code": code}, status=http)


def _search_body(query: str, results: list[Product]) -> dict:
    hits = [
        {
            "pcode": p.pcode,
            "name": p.name,
            "category": p.category.name,
            "price": p.current_price,
            "price_day": p.current_price_day,
            "url": analysis_url(p.pcode),
        }
        for p in results
    ]
    return {"kind": "search", "query": query, "results": hits}


ANALYZE_200 = PolymorphicProxySerializer(
    component_name="AnalyzeResult",
    serializers={"analysis": AnalysisReadySerializer, "search": SearchResultsSerializer},
    resource_type_field_name="kind",
)


class AnalyzeView(APIView):
    """The front door: a Danawa product link, a pcode or a product name in; the analysis out
    (now when the product was priced today, else after a crawl on demand)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="다나와 링크·상품 코드·상품명으로 분석하기",
        description=(
            "오늘 가격이 있는 상품은 바로 분석(200)을, 없으면 다나와에서 가져오기 시작하고 "
            "202와 status_url을 돌려줍니다. 상품명이 여러 상품과 맞으면 검색 결과(200, kind=search). "
            "다나와가 아닌 주소·IP·포트·다른 스킴·500자 초과는 400 (요청하지 않음). "
            "새로 가져오기는 클라이언트마다 DOOR_CRAWL_RATE(기본 10분에 10번)까지: 넘으면 429와 Retry-After."
        ),
        request=DoorInputSerializer,
        responses={
            200: ANALYZE_200,
            202: CrawlAcceptedSerializer,
            400: OpenApiResponse(DetailSerializer, description="받지 않는 입력 (한국어 안내)"),
            404: OpenApiResponse(
                DetailSerializer, description="상품명과 맞는 상품이 없습니다 / 다나와에 없는 상품"
            ),
            429: OpenApiResponse(RateLimitedSerializer, description="새로 조회한 횟수 초과"),
            502: OpenApiResponse(
                DetailSerializer,
                description="다나와에서 가져오지 못했습니다 (작업을 바로 실행하는 설정, "
                "CELERY_TASK_ALWAYS_EAGER에서만: 보통은 202 다음 status_url이 알려 줍니다)",
            ),
        },
        examples=[
            OpenApiExample(
                "다나와 상품 주소",
                value={"url": "https://prod.danawa.com/info/?pcode=20157388"},
                request_only=True,
            ),
            OpenApiExample("상품 코드", value={"url": "20157388"}, request_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = DoorInputSerializer(data=request.data)
        if not serializer.is_valid():
            errors = serializer.errors
            first = next(iter(errors.values()))
            message = str(first[0]) if isinstance(first, list) and first else str(first)
            return _bad(message, "invalid")
        parsed = parse_door_input(serializer.validated_data["url"])
        if isinstance(parsed, DoorRefusal):
            return _bad(parsed.message, parsed.code)
        if parsed.kind == "name":
            results = list(search_products(parsed.query))
            if not results:
                return _bad(
                    f"카탈로그에서 '{parsed.query}'와(과) 맞는 상품을 찾지 못했습니다. "
                    "다나와 상품 주소나 상품 코드를 넣어 보세요.",
                    "no_match",
                    status.HTTP_404_NOT_FOUND,
                )
            one = exact_hit(parsed.query, results)
            if one is None:
                return Response(_search_body(parsed.query, results))
            if not one.pcode.isdigit():  # not a Danawa product (demo, local): nothing to crawl
                return _ready(one)
            pcode = one.pcode
        else:
            pcode = parsed.pcode
        route = door_route(pcode)
        if route.kind == "ready":
            return _ready(route.product)
        if route.kind == "crawling":
            return _accepted(pcode, route.request.status)
        try:
            start = request_crawl(pcode, client=client_ip(request))
        except CrawlRateLimited as exc:
            response = Response(
                {"detail": exc.message, "retry_after": exc.retry_after},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        start.request.refresh_from_db(fields=["status"])
        if start.request.is_active:
            return _accepted(pcode, start.request.status)
        # finished before we answered (an eager worker): answer as the status would
        return _after_crawl(pcode)


def _after_crawl(pcode: str) -> Response:
    state = door_status(pcode)
    product = known_product(pcode)
    if state.status == "done" and product is not None:
        return _ready(product)
    if state.stale and product is not None:
        return _ready(product, stale=True)
    return _bad(state.message, state.failure or "failed", status.HTTP_404_NOT_FOUND
                if state.failure == "not_found" else status.HTTP_502_BAD_GATEWAY)  # fmt: skip


class DoorStatusView(APIView):
    """The state of the latest crawl on demand of a pcode."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="다나와에서 가져오기 진행 상황",
        responses={
            200: DoorStatusSerializer,
            404: OpenApiResponse(
                DetailSerializer, description="이 상품 코드의 조회 요청이 없습니다"
            ),
        },
    )
    def get(self, request: Request, pcode: str) -> Response:
        state = door_status(pcode)
        if state.status == "none":
            return _bad(state.message, "no_request", status.HTTP_404_NOT_FOUND)
        return Response(DoorStatusSerializer(state.as_dict()).data)
