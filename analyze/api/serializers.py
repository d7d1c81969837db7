"""The front door's API: what it takes and the shapes of its answers (for the schema)."""

from __future__ import annotations

from rest_framework import serializers

from analyze.door import MAX_INPUT_CHARS


class DoorInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=MAX_INPUT_CHARS,
        trim_whitespace=False,
        help_text="다나와 상품 주소(prod.danawa.com/info/?pcode=…, m.danawa.com), 상품 코드 또는 상품명",
        error_messages={
            "max_length": f"입력이 너무 깁니다. {MAX_INPUT_CHARS}자까지 넣을 수 있습니다.",
            "required": "url 필드에 다나와 상품 주소, 상품 코드 또는 상품명을 넣으세요.",
            "blank": "다나와 상품 주소, 상품 코드 또는 상품명을 입력하세요.",
            "null": "다나와 상품 주소, 상품 코드 또는 상품명을 입력하세요.",
            "invalid": "url은 문자열이어야 합니다.",
        },
    )


class AnalysisReadySerializer(serializers.Serializer):
    """200: the product's analysis (``analyze.analysis.build_analysis``)."""

    kind = serializers.ChoiceField(choices=["analysis"])
    pcode = serializers.CharField()
    analysis_url = serializers.CharField()
    stale = serializers.BooleanField(help_text="최신 가격 확인 실패: 마지막으로 알던 분석입니다")
    message = serializers.CharField(allow_blank=True)
    analysis = serializers.JSONField(help_text="분석 결과 (분석 페이지와 같은 내용)")


class SearchHitSerializer(serializers.Serializer):
    pcode = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    price = serializers.IntegerField(allow_null=True)
    price_day = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text="이 상품을 다시 POST하거나 열 주소")


class SearchResultsSerializer(serializers.Serializer):
    """200: a name matched several catalog products; POST one's pcode to analyse it."""

    kind = serializers.ChoiceField(choices=["search"])
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)


class CrawlAcceptedSerializer(serializers.Serializer):
    """202: the product is being fetched from Danawa; poll ``status_url``."""

    pcode = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running"])
    status_url = serializers.CharField()
    message = serializers.CharField()


class DoorStatusSerializer(serializers.Serializer):
    pcode = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    failure = serializers.CharField(
        allow_blank=True,
        help_text="not_found, unknown_template, timeout, unreachable, robots, not_stored, crash",
    )
    message = serializers.CharField()
    stale = serializers.BooleanField()
    analysis_url = serializers.CharField(allow_blank=True)
    status_url = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class RateLimitedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField()
