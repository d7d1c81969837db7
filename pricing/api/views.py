"""Fair-price API: estimate a catalog product, estimate a typed-in configuration, the model."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing.api.serializers import (
    ConfigurationInputSerializer,
    EstimateSerializer,
    ModelCardSerializer,
    PartsSumSerializer,
)
from pricing.models import PricingModel
from pricing.parts_sum import NotApplicable, parts_sum
from pricing.services import (
    ConfigurationError,
    NoActiveModel,
    NotEstimated,
    configuration_scope,
    deal_score,
    estimate_configuration,
    estimate_product,
)

NO_MODEL = OpenApiResponse(description="아직 학습된 모델이 없습니다 ({detail})")
NOT_ESTIMATED = OpenApiResponse(
    description="모델이 학습하지 않은 종류의 상품 (소파 등): 적정가를 추정하지 않습니다 ({detail})"
)


def _no_model(exc: Exception) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)


class ProductEstimateView(APIView):
    """The active model's fair price for a catalog product."""

    @extend_schema(
        responses={200: EstimateSerializer, 404: None, 422: NOT_ESTIMATED, 503: NO_MODEL}
    )
    def get(self, request: Request, pk: int) -> Response:
        from catalog.models import Product

        product = get_object_or_404(Product.objects.with_related(), pk=pk)
        try:
            result = estimate_product(product)
        except NoActiveModel as exc:
            return _no_model(exc)
        except NotEstimated as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        p = result.prediction
        data = {
            "fair_price": p.fair_price, "low": p.low, "high": p.high,
            "coverage": result.model.coverage_target, "band": p.band, "members": p.members,
            "weights": p.weights, "explanation": result.explanation, "used_image": p.used_image,
            "listed_price": p.listed_price, "deal": result.deal,
            "model_version": result.model.version,
        }  # fmt: skip
        return Response(EstimateSerializer(data).data)


class ConfigurationEstimateView(APIView):
    """ "What should this configuration cost": CPU, GPU, RAM, storage, manufacturer -> estimate.
    Unknown parts and impossible values are HTTP 400 with field errors. Anyone may ask: it
    computes an answer and writes nothing."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=ConfigurationInputSerializer,
        responses={200: EstimateSerializer, 400: OpenApiResponse(description="필드 오류"),
                   503: NO_MODEL},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        scope, _domain = configuration_scope()
        serializer = ConfigurationInputSerializer(
            data=request.data, kinds=list(scope.kinds) if scope else None
        )
        serializer.is_valid(raise_exception=True)
        config = serializer.configuration()
        try:
            model, est, _record, _filled = estimate_configuration(config)
        except ConfigurationError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        except NoActiveModel as exc:
            return _no_model(exc)
        data = {
            "fair_price": est.fair_price, "low": est.low, "high": est.high,
            "coverage": model.coverage_target, "band": est.band, "members": est.members,
            "weights": est.weights, "explanation": est.explanation, "used_image": False,
            "listed_price": config.listed_price,
            "deal": deal_score(config.listed_price, est.fair_price, est.low, est.high),
            "model_version": model.version,
        }  # fmt: skip
        return Response(EstimateSerializer(data).data)


class ModelCardView(APIView):
    """The active model: metrics per weight band, training data, pretrained backbone or not."""

    @extend_schema(responses={200: ModelCardSerializer, 503: NO_MODEL})
    def get(self, request: Request) -> Response:
        model = PricingModel.objects.current()
        if model is None:
            return _no_model(NoActiveModel("아직 학습된 적정가 모델이 없습니다"))
        return Response(ModelCardSerializer(model).data)


class ProductPartsSumView(APIView):
    """조립하면 얼마?: a desktop's parts at today's catalog prices (CPU, graphics card) and stated
    typical prices (the other parts), against its listed price; the brand premium. Not for
    other kinds of product (422, with the reason in Korean)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: PartsSumSerializer,
            404: OpenApiResponse(description="없는 상품"),
            422: OpenApiResponse(
                description="조립 부품가를 계산하지 않는 상품 (데스크톱이 아님, 애플 칩 등) ({detail})"
            ),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        from catalog.models import Product

        product = get_object_or_404(Product.objects.with_related(), pk=pk)
        try:
            result = parts_sum(product)
        except NotApplicable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(PartsSumSerializer(result.as_dict()).data)
