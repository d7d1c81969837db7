"""Recommend API shapes (for the OpenAPI schema; the query is validated by the shared form)."""

from __future__ import annotations

from rest_framework import serializers


class PartSerializer(serializers.Serializer):
    model = serializers.CharField()
    benchmark = serializers.CharField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True, help_text="점수 ÷ 기준(p95), 1에서 자름")
    weight = serializers.IntegerField()
    points = serializers.FloatField(allow_null=True)


class CpuPartSerializer(PartSerializer):
    cpu_mark = serializers.IntegerField(allow_null=True)
    cpu_mark_estimated = serializers.BooleanField(
        help_text="PassMark 표에 없는 부품이라 이름과 비슷한 부품으로 추정한 점수"
    )
    estimate_note = serializers.CharField(help_text="추정 방법 (추정이 아니면 빈 문자열)")


class GpuPartSerializer(PartSerializer):
    g3d_mark = serializers.IntegerField(allow_null=True)
    g3d_mark_estimated = serializers.BooleanField(
        help_text="PassMark 표에 없는 부품이라 이름과 비슷한 부품으로 추정한 점수"
    )
    estimate_note = serializers.CharField(help_text="추정 방법 (추정이 아니면 빈 문자열)")
    integrated = serializers.BooleanField()
    note = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    required = serializers.BooleanField()


class BreakdownSerializer(serializers.Serializer):
    cpu = CpuPartSerializer()
    gpu = GpuPartSerializer()
    requirements = NoteSerializer(many=True)
    meets_requirements = serializers.BooleanField()


class EntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField(help_text="상품 id (/api/v1/products/{id}/)")
    name = serializers.CharField()
    url = serializers.CharField()
    manufacturer = serializers.CharField()
    price = serializers.IntegerField()
    price_day = serializers.DateField()
    sellers = serializers.IntegerField(help_text="같은 구성(CPU+GPU+RAM+SSD)의 판매 상품 수")
    sellers_label = serializers.CharField()
    status = serializers.ChoiceField(choices=["scored", "insufficient"])
    status_label = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text="1만 원당 점수")
    breakdown = BreakdownSerializer()
    specs = serializers.DictField()
    fair_price = serializers.IntegerField(allow_null=True)
    deal = serializers.DictField(allow_null=True)
    verdict = serializers.DictField(allow_null=True)
    reason = serializers.CharField()
    reason_status = serializers.ChoiceField(
        choices=["llm", "template", "pending"],
        help_text="llm: 검증된 LLM 문구, template: 자동 작성 문구, pending: LLM 문구를 쓰는 중 (지금은 자동 작성 문구)",
    )
    reason_id = serializers.IntegerField(allow_null=True)


class ScoringSerializer(serializers.Serializer):
    note = serializers.CharField()
    method = serializers.CharField()
    percentile = serializers.IntegerField()
    cpu_mark_reference = serializers.IntegerField(allow_null=True)
    g3d_mark_reference = serializers.IntegerField(allow_null=True)
    cpu_parts = serializers.IntegerField()
    gpu_parts = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    use = serializers.CharField()
    use_label = serializers.CharField()
    weights = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField(help_text="조건에 맞는 상품 수")
    unscored = serializers.IntegerField(help_text="그중 '성능 정보 부족' 상품 수")
    scoring = ScoringSerializer()
    results = EntrySerializer(many=True)
    empty_message = serializers.CharField()
    cheapest_fit = serializers.DictField(allow_null=True)
