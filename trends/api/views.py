"""Trends API: a product's 10-day forecast, the market summary, the latest backtest."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Product
from core.serializers import ErrorSerializer
from trends.api.serializers import (
    BacktestRunSerializer,
    MarketQuerySerializer,
    MarketSummarySerializer,
    ProductTrendSerializer,
)
from trends.dashboard import INDEX_DAYS, compute_market_summary, market_summary
from trends.forecaster import product_trend
from trends.models import BacktestRun


@extend_schema(
    summary="상품의 10일 가격 예측",
    description=(
        "비슷한 상품 15개의 실제 10일 가격 흐름(KNN)으로 본 예측, 방향(오름/보합/내림), "
        "판정(buy/wait/neutral)과 근거. 기록이 부족하면 status=insufficient와 그 이유."
    ),
    responses=ProductTrendSerializer,
)
@api_view(["GET"])
def product_trend_view(request: Request, pk: int) -> Response:
    product = get_object_or_404(Product.objects.with_related(), pk=pk)
    trend = product_trend(product)
    return Response(ProductTrendSerializer(ProductTrendSerializer.payload(trend)).data)


@extend_schema(
    summary="시장 요약 (가격대별 10일 변화)",
    description=(
        "추적 상품 수, 10일 오름/보합/내림 수, 가격대별 평균 변화, 상승·하락 상위, 시장 지수. "
        "인자가 없으면 캐시된 요약, end/days가 있으면 그 기준으로 계산합니다."
    ),
    parameters=[MarketQuerySerializer],
    responses=MarketSummarySerializer,
)
@api_view(["GET"])
def market_view(request: Request) -> Response:
    # a plain dict: "?end=" is a bad date (400), as the schema says, not "no end given"
    query = MarketQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    params = query.validated_data
    if params:
        summary = compute_market_summary(params.get("end"), params.get("days", INDEX_DAYS))
    else:
        summary = market_summary()
    return Response(MarketSummarySerializer(MarketSummarySerializer.payload(summary)).data)


@extend_schema(
    summary="최근 백테스트 결과",
    responses={200: BacktestRunSerializer, 404: ErrorSerializer},
)
@api_view(["GET"])
def latest_backtest_view(request: Request) -> Response:
    run = BacktestRun.objects.latest_run()
    if run is None:
        raise NotFound("아직 백테스트 결과가 없습니다 (manage.py backtest_trends).")
    return Response(BacktestRunSerializer(run).data)
