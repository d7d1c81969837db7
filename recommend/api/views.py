"""GET /api/v1/recommend/: ranked recommendations for a use case (the page's form validates)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from recommend.api.serializers import RecommendationSerializer
from recommend.forms import RecommendForm
from recommend.results import Result, recommend
from recommend.services import client_may_queue

PARAMETERS = [
    OpenApiParameter("use", str, required=True, enum=["office", "dev", "gaming", "design", "ai"],
                     description="용도: 사무·업무, 개발, 게이밍, 디자인, AI·ML"),
    OpenApiParameter("budget_min", int, description="최소 예산 (원)"),
    OpenApiParameter("budget_max", int, description="최대 예산 (원)"),
    OpenApiParameter("manufacturer", int, description="제조사 id"),
    OpenApiParameter("form_factor", str, description="폼팩터 (미니PC, 슬림, 미니타워, 미들타워, ...)"),
    OpenApiParameter("ram_min", int, description="RAM (GB 이상)"),
    OpenApiParameter("ssd_min", int, description="SSD (GB 이상)"),
    OpenApiParameter("os_included", bool, description="운영체제 포함 상품만"),
    OpenApiParameter("requirements_only", bool, description="용도 요건을 채운 상품만"),
    OpenApiParameter("sort", str, enum=["score", "value"], description="score: 점수순, value: 1만 원당 점수"),
]  # fmt: skip


def payload(result: Result) -> dict[str, object]:
    use = result.query.use
    cheapest = result.cheapest
    return {
        "use": use.key,
        "use_label": use.label,
        "weights": {"cpu": use.cpu_weight, "gpu": use.gpu_weight},
        "total": result.total,
        "unscored": result.unscored,
        "scoring": result.scoring(),
        "results": [e.as_dict() for e in result.entries],
        "empty_message": result.empty_message,
        "cheapest_fit": {"id": cheapest.pk, "name": cheapest.name, "price": cheapest.current_price}
        if cheapest
        else None,
    }


@extend_schema(
    summary="용도별 추천 (상위 10개 구성)",
    description=(
        "용도별 CPU/GPU 가중치로 매긴 점수(PassMark CPU Mark·G3D Mark를 매칭된 부품의 95번째 "
        "백분위수로 나눠 1에서 자름) 순 상위 10개 구성. 같은 CPU+GPU+RAM+SSD는 최저가 하나로 "
        "묶고 판매 상품 수를 sellers로 줍니다. 최근 14일 안에 가격이 있는 데스크톱만. "
        "벤치마크가 없는 상품은 status=insufficient로 점수 있는 상품 뒤에 옵니다. "
        "잘못된 입력은 400과 필드별 오류."
    ),
    parameters=PARAMETERS,
    responses={200: RecommendationSerializer, 400: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def recommend_view(request: Request) -> Response:
    form = RecommendForm(request.query_params)
    if not form.is_valid():
        return Response({k: [str(m) for m in v] for k, v in form.errors.items()}, status=400)
    result = recommend(form.query(), may_queue=client_may_queue(request))
    return Response(RecommendationSerializer(payload(result)).data)
