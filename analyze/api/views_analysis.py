"""``GET /api/v1/analyze/<pcode>/``: the analysis page's content as JSON (anyone may read it)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from analyze.analysis import build_analysis
from analyze.api.serializers import AnalysisSerializer
from catalog.models import Product

NOT_IN_CATALOG = (
    "카탈로그에 없는 상품 코드입니다. 다나와 링크를 POST /api/v1/analyze/ 로 보내면 조회합니다."
)


@extend_schema(
    summary="상품 분석 (지금 살까?)",
    description=(
        "분석 페이지(/analyze/<pcode>/)와 같은 내용: 판정과 적정가, 가격 흐름과 10일 예측, "
        "적정가 구간과 설명, 같은 성능에 더 싼 상품, 판매처별 가격, 비슷한 상품과 용도별 점수, "
        "시장 비교. 각 블록의 status가 ok가 아니면 message가 그 이유입니다."
    ),
    responses={
        200: AnalysisSerializer,
        404: OpenApiResponse(description="카탈로그에 없는 상품 코드 (detail: 한국어 안내)"),
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def analysis_view(request: Request, pcode: str) -> Response:
    product = Product.objects.with_related().filter(pcode=pcode).first()
    if product is None:
        raise NotFound(NOT_IN_CATALOG)
    if product.merged_into_id:
        merged = Product.objects.with_related().filter(pk=product.merged_into_id).first()
        product = merged or product
    # the dict as build_analysis made it (the door's POST answers with the same one);
    # AnalysisSerializer documents it in the schema
    return Response(build_analysis(product))
