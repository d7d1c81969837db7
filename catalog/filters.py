"""Filtersets shared by the HTML catalog pages and the API, so that both accept the same query
parameters and reject the same bad input (an invalid filter is a form error: the API answers
400 with the message, the page shows it, neither ignores it silently)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

from catalog.models import (
    PC_KINDS,
    Category,
    CategoryKind,
    CpuBenchmark,
    GpuBenchmark,
    Manufacturer,
    Product,
)


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Ordering with rows lacking a value (no price yet) last in both directions, and the primary
    key as a tie-breaker so that pages never repeat or skip a row."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            expr = F(self.param_map[param.lstrip("-")])
            ordering.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
        return qs.order_by(*ordering, "pk")


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``); blank is "not given". Anything else is an error,
    where Django's NullBooleanField quietly read it as "not given" and the API schema's
    ``boolean`` was not what the server took."""

    TRUE, FALSE = {"true", "1"}, {"false", "0"}

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError("true 또는 false여야 합니다.", code="invalid_boolean")


class StrictDateField(forms.DateField):
    """A date that, when the parameter is given, must be a date: ``?since=`` is an error (the
    API schema's ``date``), not "no date"."""

    def clean(self, value: object) -> object:
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (prices in won, benchmark scores): ``0.5`` is an error, as the
    API schema's ``integer`` says."""

    field_class = forms.IntegerField


class CategoryField(forms.CharField):
    """A category by Danawa code (``catalog.danawa.categories``) or primary key; unknown values are a form error."""

    def clean(self, value: str | None) -> Category | None:
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        q = Q(code=value)
        if value.isdigit() and len(value) < 19:
            q |= Q(pk=int(value))
        # a Danawa code wins over a primary key that happens to have the same digits
        matches = list(Category.objects.filter(q)[:2])
        category = next((c for c in matches if c.code == value), matches[0] if matches else None)
        if category is None:
            raise ValidationError(f"알 수 없는 카테고리입니다: {value}", code="unknown_category")
        return category


class ManufacturerField(forms.CharField):
    """A manufacturer by primary key or name (case-insensitive); unknown values are an error."""

    def clean(self, value: str | None) -> Manufacturer | None:
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        q = Q(name__iexact=value)
        if value.isdigit() and len(value) < 19:
            q |= Q(pk=int(value))
        manufacturer = Manufacturer.objects.filter(q).first()
        if manufacturer is None:
            raise ValidationError(f"알 수 없는 제조사입니다: {value}", code="unknown_manufacturer")
        return manufacturer


class CategoryFilter(django_filters.Filter):
    field_class = CategoryField


class ManufacturerFilter(django_filters.Filter):
    field_class = ManufacturerField


class ProductFilterForm(forms.Form):
    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "최고 가격이 최저 가격보다 낮습니다.")
        return data


class ProductFilter(django_filters.FilterSet):
    """The catalog list's filters: category, kind, manufacturer, price range, CPU, GPU, text."""

    category = CategoryFilter(field_name="category", label="카테고리 (코드 또는 ID)")
    kind = django_filters.ChoiceFilter(
        field_name="category__kind", choices=CategoryKind.choices, label="종류"
    )
    manufacturer = ManufacturerFilter(field_name="manufacturer", label="제조사 (ID 또는 이름)")
    min_price = IntegerFilter(
        field_name="current_price", lookup_expr="gte", min_value=0, label="최저 가격 (원)"
    )
    max_price = IntegerFilter(
        field_name="current_price", lookup_expr="lte", min_value=0, label="최고 가격 (원)"
    )
    cpu = django_filters.CharFilter(method="filter_cpu", label="CPU (이름 일부)")
    gpu = django_filters.CharFilter(method="filter_gpu", label="GPU (이름 일부)")
    q = django_filters.CharFilter(method="filter_text", label="검색어")
    demo = StrictBooleanFilter(field_name="is_demo", label="데모 데이터만")
    # The page's sort menu is rendered from these choices (``ordering_choices``), so the menu
    # cannot send a value this filter does not take. Descending labels are keyed by the
    # parameter (``-price``), ascending ones by the model field (django-filter's convention).
    ordering = NullsLastOrderingFilter(
        fields=(("current_price", "price"), ("name", "name"), ("updated_at", "updated")),
        field_labels={
            "current_price": "낮은 가격순",
            "-price": "높은 가격순",
            "name": "이름순",
            "-name": "이름 역순",
            "updated_at": "오래된 갱신순",
            "-updated": "최근 갱신순",
        },
        label="정렬",
    )

    class Meta:
        model = Product
        fields: list[str] = []
        form = ProductFilterForm

    DEFAULT_ORDERING_LABEL = "이름순"

    @classmethod
    def ordering_choices(cls) -> list[tuple[str, str]]:
        """The sort menu: "" (the default, by name) and then every value ``ordering`` takes."""
        choices = list(cls.base_filters["ordering"].extra["choices"])
        return [("", cls.DEFAULT_ORDERING_LABEL), *((v, lbl) for v, lbl in choices if v != "name")]

    @classmethod
    def kind_choices(cls, categories: list[Category], selected: str = "") -> list[tuple[str, str]]:
        """The kind menu: the PC kinds of the menu's ``categories`` (so no kind without
        products), and a non-PC kind only when it is the one chosen."""
        present = {c.kind for c in categories}
        return [
            (v, lbl)
            for v, lbl in CategoryKind.choices
            if (v in PC_KINDS and v in present) or v == selected
        ]

    def labelled_errors(self) -> list[tuple[str, list[str]]]:
        """The form's errors as (Korean field label, messages); "" for errors of the whole form.
        The page shows the labels, never the query parameter names."""
        if not self.is_bound or self.is_valid():
            return []
        return [
            ("" if name == "__all__" else str(self.form.fields[name].label or name), list(errors))
            for name, errors in self.form.errors.items()
        ]

    def chosen(self, name: str) -> object:
        """A valid filter value as cleaned by the form (``None`` when absent or invalid)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.form.cleaned_data.get(name) or None

    def category_menu(self) -> QuerySet:
        """The PC categories with active products, and the chosen one even when it is not a
        PC category (sofas, jackets, shoes are listed only when asked for)."""
        chosen = self.chosen("category")
        listed = Category.objects.pc().with_active_products().values("pk")
        q = Q(pk__in=listed) | (Q(pk=chosen.pk) if chosen else Q(pk__in=[]))
        return Category.objects.filter(q).order_by("name")

    def manufacturer_menu(self) -> QuerySet:
        """The brands with active products in the chosen category, or (none chosen) in the
        PC categories: sofa makers stay out of the PC catalog's menu."""
        return Manufacturer.objects.with_active_products_in(
            category=self.chosen("category"), kind=self.chosen("kind")
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        # Non-PC categories (sofas, jackets, shoes: image search only) are listed only when
        # that category or kind is asked for by name.
        if not self.chosen("category") and not self.chosen("kind"):
            queryset = queryset.pc()
        return queryset

    def filter_cpu(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(cpu_model__icontains=value) | Q(cpu_benchmark__name__icontains=value)
        )

    def filter_gpu(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(gpu_model__icontains=value) | Q(gpu_benchmark__name__icontains=value)
        )

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)

    @property
    def qs(self) -> QuerySet:
        # An invalid filter must not be dropped (that would show everything): no rows instead.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class BenchmarkFilter(django_filters.FilterSet):
    """Benchmark search: name text, minimum score, ordering by score or name."""

    q = django_filters.CharFilter(method="filter_text", label="검색어")
    min_score = IntegerFilter(field_name="score", lookup_expr="gte", min_value=0, label="최소 점수")
    ordering = NullsLastOrderingFilter(
        fields=(("score", "score"), ("name", "name")),
        field_labels={"score": "점수 (낮은순)", "-score": "점수 (높은순)"},
        label="정렬",
    )

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)

    @property
    def qs(self) -> QuerySet:
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class CpuBenchmarkFilter(BenchmarkFilter):
    class Meta:
        model = CpuBenchmark
        fields: list[str] = []


class GpuBenchmarkFilter(BenchmarkFilter):
    class Meta:
        model = GpuBenchmark
        fields: list[str] = []


class PriceHistoryForm(forms.Form):
    """Window of a price history: the last ``days`` days or everything ``since`` a date."""

    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={"invalid": "days는 1 이상의 정수여야 합니다."},
    )
    since = StrictDateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "since는 YYYY-MM-DD 형식의 날짜여야 합니다."},
    )
    variants = StrictBooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("days") and data.get("since"):
            raise ValidationError("days와 since 중 하나만 지정하세요.", code="both")
        return data
