"""Serializers of the fair-price API."""

from __future__ import annotations

from rest_framework import serializers

from pricing.configurations import (
    CONFIGURATION_INPUT,
    Configuration,
    InputField,
    configuration_from,
    kind_choices,
    kind_problem,
)


def serializer_field(spec: InputField) -> serializers.Field:
    """The API's field for one input field (the HTML form's comes from the same definition)."""
    common: dict[str, object] = {"label": spec.label, "help_text": spec.help_text or None}
    if spec.choices:
        return serializers.ChoiceField(choices=kind_choices(), default=spec.default, **common)
    if spec.type is int:
        if not spec.required:
            common.update(required=False, allow_null=True)
        return serializers.IntegerField(
            min_value=spec.min_value, max_value=spec.max_value, **common
        )
    if not spec.required:
        common.update(required=False, allow_blank=True, default="")
    return serializers.CharField(max_length=spec.max_length, **common)


_InputFields = type(
    "_InputFields",
    (serializers.Serializer,),
    {spec.name: serializer_field(spec) for spec in CONFIGURATION_INPUT},
)


class ConfigurationInputSerializer(_InputFields):
    """A configuration typed in by a user (same fields and rules as the HTML form: the kinds the
    active model learned; empty fields filled from the catalog; values outside the training
    ranges refused)."""

    def __init__(self, *args: object, kinds: list[str] | None = None, **kwargs: object) -> None:
        """``kinds``: the kinds the active model was trained on (None: no model yet)."""
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def validate_kind(self, value: str) -> str:
        problem = kind_problem(value, self.kinds)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def configuration(self) -> Configuration:
        return configuration_from(self.validated_data)


class ContributionSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    won = serializers.IntegerField(help_text="이 사양이 추정가를 올린(+)/내린(-) 금액(원)")


class DealSerializer(serializers.Serializer):
    percent = serializers.FloatField(help_text="적정가보다 싼(+)/비싼(-) 비율(%)")
    verdict = serializers.ChoiceField(choices=["great", "good", "fair", "pricey", "expensive"])
    label = serializers.CharField()
    text = serializers.CharField()


class EstimateSerializer(serializers.Serializer):
    fair_price = serializers.IntegerField()
    low = serializers.IntegerField(help_text="구간 하한 (원)")
    high = serializers.IntegerField(help_text="구간 상한 (원)")
    coverage = serializers.FloatField(help_text="구간의 목표 포함률 (0~1)")
    band = serializers.CharField()
    members = serializers.DictField(child=serializers.IntegerField())
    weights = serializers.DictField(child=serializers.FloatField())
    explanation = ContributionSerializer(many=True)
    used_image = serializers.BooleanField()
    listed_price = serializers.IntegerField(allow_null=True)
    deal = DealSerializer(allow_null=True)
    model_version = serializers.IntegerField()


class ModelCardSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    data_fingerprint = serializers.CharField()
    trained_rows = serializers.IntegerField()
    images_used = serializers.IntegerField()
    backbone = serializers.CharField()
    pretrained_backbone = serializers.BooleanField()
    gbm_used = serializers.BooleanField()
    band_weights = serializers.DictField()
    coverage_target = serializers.FloatField()
    metrics = serializers.DictField()
    training_seconds = serializers.FloatField()


class PartLineSerializer(serializers.Serializer):
    """One part of a parts-sum and how it was priced."""

    part = serializers.ChoiceField(
        choices=["cpu", "gpu", "ram", "ssd", "hdd", "board", "psu", "case", "cooler", "os",
                 "screen", "assembly"],
        help_text="부품 종류",
    )  # fmt: skip
    label = serializers.CharField(help_text="부품 이름 (한국어)")
    spec = serializers.CharField(help_text="부품 사양")
    won = serializers.IntegerField(allow_null=True, help_text="가격 (원); 가격 없음이면 null")
    source = serializers.ChoiceField(
        choices=["catalog", "typical", "included", "missing"],
        help_text="catalog: 카탈로그 부품의 최저가, typical: 일반 시세(고정값), "
        "included: 다른 부품에 포함(0원), missing: 가격 없음(합계에서 뺌)",
    )
    source_label = serializers.CharField(help_text="가격 출처 (한국어)")
    note = serializers.CharField(allow_blank=True, help_text="어떻게 값을 정했는지")
    product_id = serializers.IntegerField(allow_null=True, help_text="catalog일 때 그 부품 상품")
    product_name = serializers.CharField(allow_blank=True)
    product_url = serializers.CharField(allow_blank=True, help_text="그 부품 상품의 페이지")
    price_day = serializers.DateField(allow_null=True, help_text="그 부품 가격의 날짜")


class PartsSumSerializer(serializers.Serializer):
    """조립하면 얼마?: a desktop's parts bought separately against its listed price."""

    product_id = serializers.IntegerField()
    lines = PartLineSerializer(many=True)
    total = serializers.IntegerField(help_text="가격이 있는 부품의 합 (원)")
    listed_price = serializers.IntegerField(allow_null=True, help_text="이 상품의 현재 최저가")
    listed_day = serializers.DateField(allow_null=True)
    premium_won = serializers.IntegerField(
        allow_null=True, help_text="판매가 − 부품가 합 (원); 음수면 조립보다 쌈"
    )
    premium_pct = serializers.FloatField(allow_null=True, help_text="프리미엄 / 부품가 합 (%)")
    complete = serializers.BooleanField(help_text="모든 부품에 가격이 있는지")
    missing_count = serializers.IntegerField(help_text="가격 없음으로 합계에서 뺀 부품 수")
    notes = serializers.ListField(child=serializers.CharField())
    typical_as_of = serializers.DateField(help_text="일반 시세(고정값) 표의 기준일")
    typical_source = serializers.CharField()
