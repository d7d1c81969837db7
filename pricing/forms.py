"""The "what should this configuration cost" form (shared rules with the API serializer)."""

from __future__ import annotations

from django import forms

from pricing.services import Configuration

KIND_CHOICES = [("desktop", "데스크톱"), ("laptop", "노트북")]


class ConfigurationForm(forms.Form):
    cpu = forms.CharField(
        label="CPU", max_length=120, help_text="예: 인텔 코어i5-12400F, Ryzen 5 5600X"
    )
    gpu = forms.CharField(
        label="그래픽카드", max_length=120, required=False, help_text="비우면 내장 그래픽"
    )
    ram_gb = forms.IntegerField(label="RAM (GB)", min_value=1, max_value=1024)
    ssd_gb = forms.IntegerField(label="SSD (GB)", min_value=0, max_value=100_000, required=False)
    hdd_gb = forms.IntegerField(label="HDD (GB)", min_value=0, max_value=100_000, required=False)
    manufacturer = forms.CharField(label="제조사", max_length=100, required=False)
    kind = forms.ChoiceField(label="종류", choices=KIND_CHOICES, initial="desktop", required=False)
    listed_price = forms.IntegerField(
        label="판매가 (선택)", min_value=1_000, max_value=100_000_000, required=False,
        help_text="입력하면 적정가와 비교합니다",
    )  # fmt: skip

    def configuration(self) -> Configuration:
        data = self.cleaned_data
        return Configuration(
            cpu=data["cpu"],
            gpu=data.get("gpu") or "",
            ram_gb=data["ram_gb"],
            ssd_gb=data.get("ssd_gb") or None,
            hdd_gb=data.get("hdd_gb") or None,
            manufacturer=data.get("manufacturer") or "",
            kind=data.get("kind") or "desktop",
            listed_price=data.get("listed_price"),
        )
