"""Look-alike API: ``GET /api/v1/products/{id}/similar``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Category, Product
from similarity.api.serializers import SimilarQuerySerializer, SimilarResponseSerializer
from similarity.search import SearchFilters, similar_to_product
from similarity.services import model_report, serving_embedder


class SimilarProductsView(APIView):
    """Products whose pictures look like this product's (same category unless ``category``
    says otherwise), one entry per distinct picture."""

    @extend_schema(
        summary="비슷하게 생긴 상품",
        parameters=[SimilarQuerySerializer],
        responses={
            200: SimilarResponseSerializer,
            400: OpenApiResponse(description="잘못된 매개변수"),
            404: OpenApiResponse(description="상품이 없습니다"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        product = get_object_or_404(Product.objects.all(), pk=pk)
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        code = q.get("category")
        if code is None:
            category_id = product.category_id
        elif code == "all":
            category_id = None
        else:
            category = Category.objects.filter(code=code).first()
            if category is None:
                return Response({"category": [f"카테고리 {code}가 없습니다."]}, status=400)
            category_id = category.pk
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
                    "image_url": request.build_absolute_uri(g.product.image.url)
                    if g.product.image
                    else "",
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
