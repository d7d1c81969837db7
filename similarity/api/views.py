"""Look-alike API: ``GET /api/v1/products/{id}/similar`` and ``POST /api/v1/similarity/search``
(search by photo)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Product
from similarity.api.serializers import (
    LookAlikeErrorSerializer,
    PhotoSearchRequestSerializer,
    PhotoSearchResponseSerializer,
    SimilarQuerySerializer,
    SimilarResponseSerializer,
)
from similarity.filters import FilterError, category_id_for
from similarity.ml.images import ImageRejected
from similarity.photo_search import search_by_photo
from similarity.search import SearchFilters, SimilarGroup, similar_to_product
from similarity.services import model_report, serving_embedder
from similarity.uploads import bounded_upload


def _absolute(request: Request, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


class SimilarProductsView(APIView):
    """Products whose pictures look like this product's (same category unless ``category``
    says otherwise), one entry per distinct picture."""

    @extend_schema(
        summary="비슷하게 생긴 상품",
        parameters=[SimilarQuerySerializer],
        responses={
            200: SimilarResponseSerializer,
            400: OpenApiResponse(
                LookAlikeErrorSerializer, description="잘못된 매개변수 (필드별 한국어 메시지)"
            ),
            404: OpenApiResponse(description="상품이 없습니다"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        product = get_object_or_404(Product.objects.all(), pk=pk)
        # a plain dict: "?category=" is a blank value (400, as the schema says), not "not given"
        query = SimilarQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            category_id = category_id_for(q.get("category"), product.category_id)
        except FilterError as exc:
            return Response({exc.field: [str(exc)]}, status=400)
        filters = SearchFilters(
            category_id=category_id, price_min=q.get("price_min"), price_max=q.get("price_max"),
            manufacturer_id=q.get("manufacturer"),
        )  # fmt: skip
        embedder = serving_embedder()
        groups = similar_to_product(product, embedder=embedder, k=q["k"], filters=filters)
        results = [
            {
                "similarity": round(g.similarity, 4),
                "product": {
                    "id": g.product.pk,
                    "name": g.product.name,
                    "price": g.product.current_price,
                    "image_url": _absolute(request, g.product.image.url if g.product.image else ""),
                    "url": request.build_absolute_uri(g.product.get_absolute_url()),
                },
                "same_photo_count": g.count,
                "same_photo_ids": [p.pk for p in g.products],
            }
            for g in groups or []
        ]
        body = {
            "product_id": product.pk, "embedder": embedder, "indexed": groups is not None,
            "missing_models": model_report().missing, "results": results,
        }  # fmt: skip
        return Response(SimilarResponseSerializer(body).data)


@bounded_upload  # parsed in memory only (similarity.uploads)
class PhotoSearchView(APIView):
    """Search by photo: the products whose pictures look like the uploaded one, one entry per
    distinct picture (its cheapest product, and how many products share it). The photo is
    read in memory and not stored unless ``store`` is true. Anyone may search (a read)."""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="사진으로 찾기",
        request={"multipart/form-data": PhotoSearchRequestSerializer},
        responses={
            200: PhotoSearchResponseSerializer,
            400: OpenApiResponse(
                LookAlikeErrorSerializer,
                description="사진이 아니거나 잘렸거나 너무 큼 (10MB, 4천만 화소), 압축 폭탄, "
                "잘못된 필터: 필드별 한국어 메시지",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        query = PhotoSearchRequestSerializer(data=request.data)
        if not query.is_valid():
            return Response(query.errors, status=400)
        q = query.validated_data
        try:
            filters = SearchFilters(
                category_id=category_id_for(q.get("category"), None),
                price_min=q.get("price_min"), price_max=q.get("price_max"),
            )  # fmt: skip
            found = search_by_photo(q["image"], k=q["k"], filters=filters, store=q["store"])
        except FilterError as exc:
            return Response({exc.field: [str(exc)]}, status=400)
        except ImageRejected as exc:
            return Response({"image": [str(exc)]}, status=400)
        body = {
            "embedder": found.embedder,
            "active_embedder": found.report.embedder,
            "missing_models": found.report.missing,
            "background": found.background,
            "stored": found.stored_name or None,
            "results": [_photo_result(request, g) for g in found.groups],
        }
        # where the time went (decode, embed, search), for browsers' dev tools and the benchmark
        return Response(
            PhotoSearchResponseSerializer(body).data, headers={"Server-Timing": found.server_timing}
        )


def _photo_result(request: Request, g: SimilarGroup) -> dict:
    p = g.product
    return {
        "id": p.pk,
        "name": p.name,
        "price": p.current_price,
        "image_url": _absolute(request, p.image.url if p.image else ""),
        "url": request.build_absolute_uri(p.get_absolute_url()),
        "similarity": round(g.similarity, 4),
        "same_photo_count": g.count,
        "same_photo_ids": [x.pk for x in g.products],
    }
