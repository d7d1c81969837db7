"""Serializers of the fair-price API."""

from __future__ import annotations

from rest_framework import serializers

from pricing.configurations import CONFIGURATION_KINDS, Configuration, kind_choices, kind_error


class ConfigurationInputSerializer(serializers.Serializer):
    """A configuration typed in by a user (same rules as the HTML form: the kinds the active model
    learned; empty fields filled from the catalog; values outside the training ranges refused)."""

    cpu = serializers.CharField(max_length=120, help_text="예: 인텔 코어i5-12400F")
    gpu = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    ram_gb = serializers.IntegerField(min_value=1, max_value=1024)
    ssd_gb = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    hdd_gb = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    vram_gb = serializers.IntegerField(
        min_value=1, max_value=256, required=False, allow_null=True,
        help_text="비우면 카탈로그에서 그 그래픽카드의 가장 흔한 값",
    )  # fmt: skip
    manufacturer = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    kind = serializers.ChoiceField(choices=list(CONFIGURATION_KINDS), default="desktop")
    listed_price = serializers.IntegerField(
        min_value=1_000, max_value=100_000_000, required=False, allow_null=True
    )

    def __init__(self, *args: object, kinds: list[str] | None = None, **kwargs: object) -> None:
        """``kinds``: the kinds the active model was trained on (None: no model yet)."""
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def validate_kind(self, value: str) -> str:
        if value not in dict(kind_choices(self.kinds)):
            raise serializers.ValidationError(kind_error(value, self.kinds))
        return value

    def configuration(self) -> Configuration:
        d = self.validated_data
        return Configuration(
            cpu=d["cpu"], gpu=d.get("gpu") or "", ram_gb=d["ram_gb"],
            ssd_gb=d.get("ssd_gb"), hdd_gb=d.get("hdd_gb") or None, vram_gb=d.get("vram_gb"),
            manufacturer=d.get("manufacturer") or "", kind=d.get("kind") or "desktop",
            listed_price=d.get("listed_price"),
        )  # fmt: skip


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
