"""Look-alike API: query parameters and results."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import NoBlankFormValuesMixin, StrictBooleanField
from similarity.filters import PRICE_LIMIT
from similarity.search import MAX_K


class SimilarQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=MAX_K, default=10)
    category = serializers.CharField(
        required=False, help_text="카테고리 코드 (기본: 상품과 같은 카테고리, 'all': 전체)"
    )
    price_min = serializers.IntegerField(min_value=0, max_value=PRICE_LIMIT, required=False)
    price_max = serializers.IntegerField(min_value=0, max_value=PRICE_LIMIT, required=False)
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


@extend_schema_field(
    OpenApiTypes.BINARY
)  # a file in, not a URL out (spectacular's FileField default)
class PhotoField(serializers.FileField):
    """The uploaded photo, read in memory (``similarity.uploads.read_photo``): its bytes."""

    default_error_messages = {
        "required": "사진 파일이 없습니다 (multipart 필드 image).",
        "invalid": "image 필드는 파일이어야 합니다.",
    }

    def to_internal_value(self, data: object) -> bytes:
        from similarity.ml.images import ImageRejected
        from similarity.uploads import read_photo

        if not hasattr(data, "read"):
            self.fail("invalid")
        try:
            return read_photo(data)  # type: ignore[arg-type]
        except ImageRejected as exc:
            raise serializers.ValidationError(str(exc)) from exc


class PhotoSearchRequestSerializer(NoBlankFormValuesMixin, serializers.Serializer):
    image = PhotoField(
        help_text="찾을 사진: JPEG, PNG, WebP, GIF(첫 프레임), HEIC; 10MB·4천만 화소 이하. "
        "저장하지 않습니다 (store=true일 때만)."
    )
    category = serializers.CharField(
        required=False, max_length=32, help_text="카테고리 코드 (기본: 전체, 'all'도 전체)"
    )
    price_min = serializers.IntegerField(min_value=0, max_value=PRICE_LIMIT, required=False)
    price_max = serializers.IntegerField(min_value=0, max_value=PRICE_LIMIT, required=False)
    k = serializers.IntegerField(
        min_value=1, max_value=MAX_K, default=10, help_text="서로 다른 사진 몇 장까지"
    )
    store = StrictBooleanField(
        form=True,
        default=False,
        help_text="true: 사진을 MEDIA_ROOT/similarity/uploads/YYYY/MM/DD/에 저장",
    )

    def validate(self, attrs: dict) -> dict:
        lo, hi = attrs.get("price_min"), attrs.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            raise serializers.ValidationError({"price_max": "price_min보다 작을 수 없습니다."})
        return attrs


class PhotoResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="상품 id (가장 싼 상품)")
    name = serializers.CharField()
    price = serializers.IntegerField(allow_null=True, help_text="현재 최저가 (원)")
    image_url = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="상품 페이지")
    similarity = serializers.FloatField(help_text="코사인 유사도 (1에 가까울수록 비슷)")
    same_photo_count = serializers.IntegerField(
        help_text="이 사진을 쓰는 상품 수 (같은 사진 N개 상품)"
    )
    same_photo_ids = serializers.ListField(child=serializers.IntegerField())


class PhotoSearchResponseSerializer(serializers.Serializer):
    embedder = serializers.CharField(help_text="질의와 색인 벡터를 만든 임베더 (이름-버전)")
    active_embedder = serializers.CharField(help_text="이 서버가 지금 쓰는 임베더")
    missing_models = serializers.ListField(child=serializers.CharField())
    background = serializers.CharField(help_text="사진의 배경 처리 (white, rembg, border, as_is)")
    stored = serializers.CharField(
        allow_null=True, help_text="저장한 파일 이름 (store=true일 때), 아니면 null"
    )
    results = PhotoResultSerializer(many=True)


class LookAlikeErrorSerializer(serializers.Serializer):
    """400: field name → Korean messages (image, category, price_min, price_max, k)."""

    image = serializers.ListField(child=serializers.CharField(), required=False)
    category = serializers.ListField(child=serializers.CharField(), required=False)
    price_min = serializers.ListField(child=serializers.CharField(), required=False)
    price_max = serializers.ListField(child=serializers.CharField(), required=False)
    k = serializers.ListField(child=serializers.CharField(), required=False)
    manufacturer = serializers.ListField(child=serializers.CharField(), required=False)
