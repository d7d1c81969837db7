"""The "what should this configuration cost" form (shared rules with the API serializer: both
take their kind choices from ``pricing.configurations.kind_choices`` and end in
``pricing.services.estimate_configuration``, which fills gaps and checks the training domain)."""

from __future__ import annotations

from django import forms

from pricing.configurations import Configuration, kind_choices, kind_error


class ConfigurationForm(forms.Form):
    cpu = forms.CharField(
        label="CPU", max_length=120, help_text="예: 인텔 코어i5-12400F, Ryzen 5 5600X"
    )
    gpu = forms.CharField(
        label="그래픽카드", max_length=120, required=False, help_text="비우면 내장 그래픽"
    )
    ram_gb = forms.IntegerField(label="RAM (GB)", min_value=1, max_value=1024)
    ssd_gb = forms.IntegerField(
        label="SSD (GB)", min_value=0, max_value=100_000, required=False,
        help_text="비우면 카탈로그에서 같은 구성의 흔한 값",
    )  # fmt: skip
    hdd_gb = forms.IntegerField(
        label="HDD (GB)", min_value=0, max_value=100_000, required=False, help_text="비우면 없음"
    )
    vram_gb = forms.IntegerField(
        label="그래픽 메모리 (GB)", min_value=1, max_value=256, required=False,
        help_text="비우면 카탈로그에서 그 그래픽카드의 가장 흔한 값",
    )  # fmt: skip
    manufacturer = forms.CharField(
        label="제조사", max_length=100, required=False,
        help_text="비우면 카탈로그에서 같은 구성의 흔한 제조사",
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="종류", choices=kind_choices(), initial="desktop", required=False
    )
    listed_price = forms.IntegerField(
        label="판매가 (선택)", min_value=1_000, max_value=100_000_000, required=False,
        help_text="입력하면 적정가와 비교합니다",
    )  # fmt: skip

    def __init__(self, *args: object, kinds: list[str] | None = None, **kwargs: object) -> None:
        """``kinds``: the kinds the active model was trained on (None: no model yet)."""
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        # Offered: the kinds the model learned; any other kind is refused with the reason.
        self.fields["kind"].widget.choices = kind_choices(kinds)

    def clean_kind(self) -> str:
        kind = self.cleaned_data.get("kind") or "desktop"
        if kind not in dict(kind_choices(self.kinds)):
            raise forms.ValidationError(kind_error(kind, self.kinds))
        return kind

    def configuration(self) -> Configuration:
        data = self.cleaned_data
        return Configuration(
            cpu=data["cpu"],
            gpu=data.get("gpu") or "",
            ram_gb=data["ram_gb"],
            ssd_gb=data.get("ssd_gb"),
            hdd_gb=data.get("hdd_gb") or None,
            vram_gb=data.get("vram_gb"),
            manufacturer=data.get("manufacturer") or "",
            kind=data.get("kind") or "desktop",
            listed_price=data.get("listed_price"),
        )
