"""The front door's API: what it takes and the shapes of its answers (for the schema). The
analysis's JSON is an OpenAPI component too: ``analyze.analysis.build_analysis`` builds the
dict; the Analysis* serializers document it (and shape the response) block by block."""

from __future__ import annotations

from rest_framework import serializers

from analyze.door import MAX_INPUT_CHARS
from pricing.api.serializers import PartLineSerializer


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
    analysis = serializers.JSONField(
        help_text="분석 결과 (분석 페이지와 같은 내용, Analysis 스키마)"
    )


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


class AnalysisBlockSerializer(serializers.Serializer):
    status = serializers.CharField(
        help_text='"ok"이면 보여 줄 내용이 있고, 아니면 그 이유가 message에'
    )
    message = serializers.CharField(allow_blank=True)


class AnalysisProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pcode = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    category_kind = serializers.CharField()
    manufacturer = serializers.CharField(allow_blank=True)
    price = serializers.IntegerField(allow_null=True)
    price_day = serializers.DateField(allow_null=True)
    page_url = serializers.CharField()
    danawa_url = serializers.CharField(allow_blank=True)
    image_url = serializers.CharField(allow_blank=True)


class AnalysisVerdictSerializer(AnalysisBlockSerializer):
    verdict = serializers.CharField(allow_blank=True, help_text="buy / wait / neutral")
    label = serializers.CharField(allow_blank=True, help_text="지금 사세요 / 기다리세요 / 보통")
    direction = serializers.CharField(allow_blank=True, help_text="up / flat / down")
    direction_label = serializers.CharField(allow_blank=True)
    change = serializers.FloatField(allow_null=True, help_text="10일 예상 변화 (0.023 = +2.3%)")
    change_text = serializers.CharField(allow_blank=True)
    confidence = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    notes = serializers.ListField(child=serializers.CharField())


class AnalysisLowestSerializer(serializers.Serializer):
    price = serializers.IntegerField()
    day = serializers.DateField()
    day_label = serializers.CharField(help_text="2026.11.14")


class AnalysisForecastPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    price = serializers.IntegerField()
    low = serializers.IntegerField()
    high = serializers.IntegerField()


class AnalysisHistorySerializer(AnalysisBlockSerializer):
    days = serializers.IntegerField()
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    latest = serializers.IntegerField(allow_null=True)
    lowest_30 = AnalysisLowestSerializer(allow_null=True)
    lowest_90 = AnalysisLowestSerializer(allow_null=True)
    lowest_label = serializers.CharField(allow_blank=True)
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="[날짜, 일별 최저가] (최근 90일)",
    )
    forecast = AnalysisForecastPointSerializer(
        many=True, help_text="10일 예측과 비슷한 상품의 20~80% 구간"
    )


class AnalysisDealSerializer(serializers.Serializer):
    percent = serializers.FloatField(help_text="적정가보다 싼 비율(+) / 비싼 비율(-)")
    verdict = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()


class AnalysisExplanationSerializer(serializers.Serializer):
    label = serializers.CharField()
    won = serializers.IntegerField()


class AnalysisMemberSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    price = serializers.IntegerField()
    weight = serializers.FloatField()


class AnalysisFairPriceSerializer(AnalysisBlockSerializer):
    fair_price = serializers.IntegerField(required=False)
    low = serializers.IntegerField(required=False)
    high = serializers.IntegerField(required=False)
    coverage = serializers.IntegerField(required=False)
    listed_price = serializers.IntegerField(required=False, allow_null=True)
    deal = AnalysisDealSerializer(required=False, allow_null=True)
    deal_line = serializers.CharField(
        required=False, allow_blank=True, help_text="적정가보다 12% 저렴 / 12% 비쌈 / 적정가 수준"
    )
    explanation = AnalysisExplanationSerializer(many=True, required=False)
    members = AnalysisMemberSerializer(many=True, required=False)
    model_version = serializers.IntegerField(required=False)
    used_image = serializers.BooleanField(required=False)


class AnalysisUseSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weights = serializers.CharField()


class AnalysisCheaperItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pcode = serializers.CharField()
    name = serializers.CharField()
    price = serializers.IntegerField()
    score = serializers.FloatField()
    saving = serializers.IntegerField(help_text="이 상품보다 싼 금액 (원)")
    page_url = serializers.CharField()
    analysis_url = serializers.CharField()


class AnalysisCheaperSerializer(AnalysisBlockSerializer):
    use = AnalysisUseSerializer(allow_null=True)
    use_note = serializers.CharField(required=False)
    score = serializers.FloatField(allow_null=True)
    items = AnalysisCheaperItemSerializer(many=True)


class AnalysisOfferSerializer(serializers.Serializer):
    shop = serializers.CharField()
    price = serializers.IntegerField()
    shipping_fee = serializers.IntegerField(allow_null=True, help_text="0 = 무료배송, 없으면 null")
    shipping = serializers.CharField(allow_blank=True)
    card_price = serializers.IntegerField(allow_null=True)
    card_label = serializers.CharField(allow_blank=True)
    url = serializers.CharField(
        allow_blank=True, help_text="판매처 링크 (http(s), 추적 파라미터 없음)"
    )


class AnalysisOffersSerializer(AnalysisBlockSerializer):
    fetched_at = serializers.DateTimeField(allow_null=True)
    fetched_label = serializers.CharField(allow_blank=True)
    items = AnalysisOfferSerializer(many=True)


class AnalysisLookalikeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pcode = serializers.CharField()
    name = serializers.CharField()
    price = serializers.IntegerField(allow_null=True)
    similarity = serializers.FloatField()
    same_photo = serializers.IntegerField()
    image_url = serializers.CharField(allow_blank=True)
    page_url = serializers.CharField()


class AnalysisLookalikesSerializer(AnalysisBlockSerializer):
    embedder = serializers.CharField(allow_blank=True)
    items = AnalysisLookalikeSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class AnalysisUseCaseRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weights = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class AnalysisUseCasesSerializer(AnalysisBlockSerializer):
    rows = AnalysisUseCaseRowSerializer(many=True)
    peers = serializers.IntegerField()
    peer_band = serializers.IntegerField(required=False)
    estimated_note = serializers.CharField(
        required=False, help_text="PassMark 표에 없는 부품의 추정 점수로 계산했을 때 그 안내"
    )


class AnalysisBandChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    average_change = serializers.FloatField(allow_null=True)
    average_change_text = serializers.CharField()


class AnalysisMarketAverageSerializer(serializers.Serializer):
    average_change = serializers.FloatField(allow_null=True)
    average_change_text = serializers.CharField()
    tracked = serializers.IntegerField()
    end = serializers.DateField(allow_null=True)


class AnalysisMarketSerializer(AnalysisBlockSerializer):
    horizon = serializers.IntegerField(required=False)
    price = serializers.IntegerField(required=False)
    base_price = serializers.IntegerField(required=False)
    change = serializers.FloatField(required=False, help_text="이 상품의 최근 10일 변화")
    change_text = serializers.CharField(required=False)
    direction = serializers.CharField(required=False)
    band = AnalysisBandChangeSerializer(required=False)
    market = AnalysisMarketAverageSerializer(required=False)
    scope = serializers.CharField(required=False)


class AnalysisPartsSumSerializer(AnalysisBlockSerializer):
    """조립하면 얼마? (``pricing.parts_sum``; the same figures as
    ``GET /api/v1/pricing/products/{id}/parts-sum/``); status "not_applicable" for products
    other than desktops whose parts are sold separately."""

    lines = PartLineSerializer(many=True, required=False)
    total = serializers.IntegerField(required=False)
    listed_price = serializers.IntegerField(required=False, allow_null=True)
    listed_day = serializers.DateField(required=False, allow_null=True)
    premium_won = serializers.IntegerField(required=False, allow_null=True)
    premium_pct = serializers.FloatField(required=False, allow_null=True)
    complete = serializers.BooleanField(required=False)
    missing_count = serializers.IntegerField(required=False)
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    typical_as_of = serializers.DateField(required=False)
    typical_source = serializers.CharField(required=False)


class AnalysisSerializer(serializers.Serializer):
    """한 상품의 분석: 판정, 가격 흐름, 적정가, 더 싼 같은 성능, 판매처, 비슷한 상품과 용도, 시장 비교."""

    product = AnalysisProductSerializer()
    verdict = AnalysisVerdictSerializer()
    history = AnalysisHistorySerializer()
    fair_price = AnalysisFairPriceSerializer()
    parts_sum = AnalysisPartsSumSerializer()
    cheaper = AnalysisCheaperSerializer()
    offers = AnalysisOffersSerializer()
    lookalikes = AnalysisLookalikesSerializer()
    use_cases = AnalysisUseCasesSerializer()
    market = AnalysisMarketSerializer()
