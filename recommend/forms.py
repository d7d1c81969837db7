"""The recommendation query form, shared by the "용도별 추천" page and the API (one set of
inputs and error messages for both)."""

from __future__ import annotations

from django import forms

from catalog.models import Manufacturer
from catalog.versions import VERSIONED_SECONDS, catalog_version
from core.caching import cached
from recommend.models import UseCase
from recommend.querysets import Query, desktops

MAX_WON = 100_000_000  # 1억 원: the catalog refuses prices above it, so no budget needs more
SORTS = [("score", "점수순"), ("value", "가성비순 (1만 원당 점수)")]


def compute_menus() -> tuple[list[int], list[str]]:
    """The brands (ids) with active desktops and the desktops' form factors."""
    brands = Manufacturer.objects.with_active_products_in(kind="desktop")
    forms_ = desktops().exclude(form_factor="").order_by("form_factor")
    return (
        list(brands.values_list("pk", flat=True)),
        list(forms_.values_list("form_factor", flat=True).distinct()),
    )


def menus() -> tuple[list[int], list[str]]:
    """``compute_menus()`` cached under the catalog's data version (the same for everyone)."""
    return cached(f"recommend:menus:v1:{catalog_version()}", VERSIONED_SECONDS, compute_menus)


class RecommendForm(forms.Form):
    use = forms.ChoiceField(label="용도", error_messages={
        "required": "용도를 골라 주세요.",
        "invalid_choice": "알 수 없는 용도입니다: %(value)s (office, dev, gaming, design, ai 중 하나).",
    })  # fmt: skip
    budget_min = forms.IntegerField(
        label="최소 예산 (원)", required=False, min_value=0, max_value=MAX_WON
    )
    budget_max = forms.IntegerField(
        label="최대 예산 (원)", required=False, min_value=0, max_value=MAX_WON
    )
    manufacturer = forms.ModelChoiceField(
        label="제조사", required=False, queryset=Manufacturer.objects.none(), empty_label="전체",
        error_messages={"invalid_choice": "알 수 없는 제조사입니다."},
    )  # fmt: skip
    form_factor = forms.ChoiceField(label="폼팩터", required=False)
    ram_min = forms.IntegerField(label="RAM (GB 이상)", required=False, min_value=0, max_value=1024)
    ssd_min = forms.IntegerField(
        label="SSD (GB 이상)", required=False, min_value=0, max_value=100_000
    )
    os_included = forms.BooleanField(label="운영체제 포함", required=False)
    requirements_only = forms.BooleanField(label="용도 요건을 채운 상품만", required=False)
    sort = forms.ChoiceField(label="정렬", required=False, choices=SORTS, error_messages={
        "invalid_choice": "정렬은 score(점수순) 또는 value(가성비순)입니다.",
    })  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.use_cases = {u.key: u for u in UseCase.objects.all()}
        self.fields["use"].choices = [(k, u.label) for k, u in self.use_cases.items()]
        brands, form_factors = menus()
        self.fields["manufacturer"].queryset = Manufacturer.objects.filter(pk__in=brands)
        self.fields["form_factor"].choices = [("", "전체")] + [(f, f) for f in form_factors]
        self.fields["form_factor"].error_messages["invalid_choice"] = (
            "알 수 없는 폼팩터입니다: %(value)s"
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "최대 예산이 최소 예산보다 작습니다.")
        return data

    def query(self) -> Query:
        d = self.cleaned_data
        return Query(
            use=self.use_cases[d["use"]],
            budget_min=d.get("budget_min"),
            budget_max=d.get("budget_max"),
            manufacturer_id=d["manufacturer"].pk if d.get("manufacturer") else None,
            form_factor=d.get("form_factor") or "",
            ram_min=d.get("ram_min"),
            ssd_min=d.get("ssd_min"),
            os_included=bool(d.get("os_included")),
            requirements_only=bool(d.get("requirements_only")),
            sort=d.get("sort") or "score",
        )
