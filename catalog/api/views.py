"""Catalog API: categories, manufacturers, products (+ price history), PassMark benchmarks.

Anyone may read; staff may write products and prices (``IsStaffOrReadOnly`` from settings).
Writes go through ``catalog.services`` so that every side effect happens as in the crawler.
"""

from __future__ import annotations

import logging

from django.db.models import Count, Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import services
from catalog.api.serializers import (
    CategorySerializer,
    CpuBenchmarkSerializer,
    GpuBenchmarkSerializer,
    ManufacturerSerializer,
    PriceHistorySerializer,
    PriceInputSerializer,
    PriceReportSerializer,
    ProductDetailSerializer,
    ProductSerializer,
    ProductWriteSerializer,
)
from catalog.filters import CpuBenchmarkFilter, GpuBenchmarkFilter, PriceHistoryForm, ProductFilter
from catalog.history import load_price_history
from catalog.models import Category, CpuBenchmark, GpuBenchmark, Manufacturer, PriceSource, Product
from core.serializers import ErrorSerializer

logger = logging.getLogger(__name__)

ACTIVE_PRODUCTS = Q(products__is_active=True, products__merged_into__isnull=True)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Danawa categories with their number of active products."""

    serializer_class = CategorySerializer
    filterset_fields = ["kind", "code"]
    ordering_fields = ["name", "code", "product_count"]

    def get_queryset(self) -> QuerySet:
        return Category.objects.annotate(
            product_count=Count("products", filter=ACTIVE_PRODUCTS)
        ).order_by("name", "pk")


class ManufacturerViewSet(viewsets.ReadOnlyModelViewSet):
    """Manufacturers (brands) with their number of active products; ``?search=`` by name."""

    serializer_class = ManufacturerSerializer
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["name", "product_count"]

    def get_queryset(self) -> QuerySet:
        return Manufacturer.objects.annotate(
            product_count=Count("products", filter=ACTIVE_PRODUCTS)
        ).order_by("name", "pk")


class ConflictSerializer(ErrorSerializer):
    id = drf_serializers.IntegerField(help_text="이미 있는 상품의 id")


PRICE_HISTORY_PARAMS = [
    OpenApiParameter(
        "days",
        {"type": "integer", "minimum": 1, "maximum": 3650},
        description="최신 기록일부터 거슬러 N일 (since와 함께 쓸 수 없음)",
    ),
    OpenApiParameter("since", OpenApiTypes.DATE, description="이 날짜(YYYY-MM-DD)부터"),
    OpenApiParameter(
        "variants", OpenApiTypes.BOOL, description="구분(정품/벌크 등)별 원본 행 포함 (기본 true)"
    ),
]


@extend_schema_view(
    list=extend_schema(summary="상품 목록", responses=ProductSerializer(many=True)),
    retrieve=extend_schema(summary="상품 상세", responses=ProductDetailSerializer),
    create=extend_schema(
        summary="상품 추가 (직원)",
        description="이미 있는 pcode는 409 (기존 상품의 id와 Location): 추가가 다른 상품을 바꾸지 않습니다.",
        request=ProductWriteSerializer,
        responses={201: ProductDetailSerializer, 409: ConflictSerializer},
    ),
    update=extend_schema(
        summary="상품 수정 (직원)",
        request=ProductWriteSerializer,
        responses=ProductDetailSerializer,
    ),
    partial_update=extend_schema(
        summary="상품 일부 수정 (직원)",
        request=ProductWriteSerializer,
        responses=ProductDetailSerializer,
    ),
)
class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Products. Lists show active products only; a merged or inactive product stays reachable
    by id. There is no delete: staff deactivate or merge products in the admin."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter

    def get_queryset(self) -> QuerySet:
        qs = Product.objects.with_related()
        return qs.active() if self.action == "list" else qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The list filters apply to the list only, not to /products/<id>/prices/ and friends.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("create", "update", "partial_update"):
            return ProductWriteSerializer
        if self.action == "list":
            return ProductSerializer
        return ProductDetailSerializer

    def _detail_response(self, product: Product, status_code: int) -> Response:
        fresh = Product.objects.with_related().get(pk=product.pk)
        data = ProductDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = ProductWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.product_data()
        # A create never rewrites another product: an existing pcode is a 409 that names it
        # (PUT/PATCH /api/v1/products/{id}/ change it).
        existing = Product.objects.filter(pcode=data.pcode).first() if data.pcode else None
        if existing is not None:
            return Response(
                {
                    "detail": f"이미 있는 상품 코드입니다 (id {existing.pk}). 바꾸려면 PUT 또는 "
                    f"PATCH /api/v1/products/{existing.pk}/ 를 쓰세요.",
                    "id": existing.pk,
                },
                status=status.HTTP_409_CONFLICT,
                headers={"Location": f"/api/v1/products/{existing.pk}/"},
            )
        result = services.upsert_product(data)
        return self._detail_response(result.product, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        instance = self.get_object()
        serializer = ProductWriteSerializer(
            instance,
            data=request.data,
            partial=kwargs.pop("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        result = services.upsert_product(serializer.product_data())
        return self._detail_response(result.product, status.HTTP_200_OK)

    @extend_schema(
        methods=["GET"],
        summary="가격 이력 (일별 최저가)",
        parameters=PRICE_HISTORY_PARAMS,
        responses=PriceHistorySerializer,
    )
    @extend_schema(
        methods=["POST"],
        summary="가격 기록 (직원)",
        request=PriceInputSerializer(many=True, allow_empty=False),
        responses={201: PriceReportSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="prices", url_name="prices")
    def prices(self, request: Request, pk: str | None = None) -> Response:
        """GET: daily lowest price per day (and the variant rows). POST (staff): record prices —
        one object or a list of ``{day, price, variant}`` — through ``services.record_prices``."""
        product = self.get_object()
        if request.method == "POST":
            return self._record_prices(request, product)
        form = PriceHistoryForm(request.query_params)
        if not form.is_valid():
            errors = {
                ("non_field_errors" if k == "__all__" else k): list(v)
                for k, v in form.errors.items()
            }
            return Response(
                {"detail": "잘못된 기간입니다.", **errors}, status=status.HTTP_400_BAD_REQUEST
            )
        with_variants = form.cleaned_data["variants"] is not False
        history = load_price_history(
            product.pk,
            days=form.cleaned_data["days"],
            since=form.cleaned_data["since"],
            with_variants=with_variants,
        )
        payload = {
            "product": product.pk,
            "since": history.since,
            "summary": history.summary(),
            "daily": [{"day": d, "price": p} for d, p in history.points],
        }
        if with_variants:
            payload["variants"] = history.variants
        return Response(PriceHistorySerializer(payload).data)

    def _record_prices(self, request: Request, product: Product) -> Response:
        many = isinstance(request.data, list)
        # an empty list is a 400 ("nothing to record"), never "201, inserted 0"
        serializer = PriceInputSerializer(
            data=request.data, many=many, **({"allow_empty": False} if many else {})
        )
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data if many else [serializer.validated_data]
        rows = [
            services.PriceRow(
                product_id=product.pk, day=item["day"], price=item["price"], variant=item["variant"]
            )
            for item in items
        ]
        report = services.record_prices(rows, source=PriceSource.MANUAL, overwrite=True)
        logger.info(
            "staff %s recorded %s prices for product %s", request.user, len(rows), product.pk
        )
        return Response(
            PriceReportSerializer(report.as_dict()).data, status=status.HTTP_201_CREATED
        )


class CpuBenchmarkViewSet(viewsets.ReadOnlyModelViewSet):
    """PassMark CPU Mark rows; ``?q=`` searches the name, ``?ordering=-score`` sorts."""

    queryset = CpuBenchmark.objects.all()
    serializer_class = CpuBenchmarkSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CpuBenchmarkFilter


class GpuBenchmarkViewSet(viewsets.ReadOnlyModelViewSet):
    """PassMark G3D Mark rows; ``?q=`` searches the name, ``?ordering=-score`` sorts."""

    queryset = GpuBenchmark.objects.all()
    serializer_class = GpuBenchmarkSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = GpuBenchmarkFilter
