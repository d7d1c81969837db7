"""The look-alike filters, one set for the pages and the API: category (a code, ``all``, or
empty for the default), price range, manufacturer, and how many pictures (``k``)."""

from __future__ import annotations

from django import forms

from catalog.models import Category
from similarity.search import MAX_K, SearchFilters

ALL = "all"
PRICE_LIMIT = 1_000_000_000  # 10억원: far above any product, far below an integer overflow
PAGE_K_CHOICES = (12, 24, 48, 96)


class FilterError(ValueError):
    """A filter value that names nothing (``field`` and a Korean message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def category_id_for(code: str | None, default: int | None) -> int | None:
    """The category to search: ``default`` for no code, None (any) for ``all``, else the
    category with that code (``FilterError`` when there is none)."""
    if not code:
        return default
    if code == ALL:
        return None
    found = Category.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        raise FilterError("category", f"카테고리 {code}가 없습니다.")
    return found


class LookAlikeFilterForm(forms.Form):
    """The filters of the full look-alike page and of the photo page (GET or POST fields)."""

    category = forms.CharField(label="카테고리", required=False, max_length=32)
    price_min = forms.IntegerField(
        label="최저 가격", required=False, min_value=0, max_value=PRICE_LIMIT
    )
    price_max = forms.IntegerField(
        label="최고 가격", required=False, min_value=0, max_value=PRICE_LIMIT
    )
    manufacturer = forms.IntegerField(label="제조사", required=False, min_value=1)
    k = forms.IntegerField(label="개수", required=False, min_value=1, max_value=MAX_K)

    def __init__(self, *args: object, default_k: int = 24, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.default_k = default_k

    def clean(self) -> dict:
        data = super().clean()
        lo, hi = data.get("price_min"), data.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("price_max", "최고 가격이 최저 가격보다 낮습니다.")
        return data

    def search_filters(
        self, *, default_category_id: int | None = None, exclude_product_id: int | None = None
    ) -> SearchFilters:
        """The valid form's SearchFilters (``FilterError`` for an unknown category code)."""
        data = self.cleaned_data
        return SearchFilters(
            category_id=category_id_for(data.get("category"), default_category_id),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            manufacturer_id=data.get("manufacturer"),
            exclude_product_id=exclude_product_id,
        )

    @property
    def k_value(self) -> int:
        return (self.cleaned_data.get("k") if self.is_valid() else None) or self.default_k

    def labelled_errors(self) -> list[tuple[str, list[str]]]:
        """[(field label, messages)] for the page's error box."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out.append((str(label or ""), [str(e) for e in errors]))
        return out


class PhotoSearchForm(LookAlikeFilterForm):
    """The photo page's fields besides the photo itself (read by ``uploads.read_photo``)."""

    store = forms.BooleanField(label="이 사진 저장", required=False)
