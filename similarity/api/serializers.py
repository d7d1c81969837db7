"""Look-alike API: query parameters and results."""

from __future__ import annotations

from rest_framework import serializers

from similarity.search import MAX_K


class SimilarQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=MAX_K, default=10)
    category = serializers.CharField(
        required=False, help_text="카테고리 코드 (기본: 상품과 같은 카테고리, 'all': 전체)"
    )
    price_min = serializers.IntegerField(min_value=0, required=False)
    price_max = serializers.IntegerField(min_value=0, required=False)
    manufacturer = serializers.IntegerField(required=False, help_text="제조사 id")

    def validate(self, attrs: dict) -> dict:
        lo, hi = attrs.get("price_min"), attrs.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            raise serializers.ValidationError({"price_max": "price_min보다 작을 수 없습니다."})
        return attrs


class SimilarProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.IntegerField(allow_null=True)
    image_url = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class SimilarResultSerializer(serializers.Serializer):
    similarity = serializers.FloatField()
    product = SimilarProductSerializer()
    same_photo_count = serializers.IntegerField(
        help_text="이 사진을 쓰는 상품 수 (같은 사진 N개 상품)"
    )
    same_photo_ids = serializers.ListField(child=serializers.IntegerField())


class SimilarResponseSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    embedder = serializers.CharField(help_text="검색에 쓴 임베더 (이름-버전)")
    indexed = serializers.BooleanField(help_text="이 상품의 사진이 색인되었는지")
    missing_models = serializers.ListField(child=serializers.CharField())
    results = SimilarResultSerializer(many=True)
