"""Catalog admin: curation (benchmark matches fixed by hand, duplicate products merged) and the
buttons that start crawls and imports as Celery tasks, each tracked by a ``Job`` row.

Writes with side effects go through ``catalog.services``; tasks are enqueued on commit and
imported lazily (the crawl task lives in ``catalog.tasks`` beside the import tasks).
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from catalog import services
from catalog.models import (
    Category,
    CpuBenchmark,
    GpuBenchmark,
    Job,
    JobKind,
    Manufacturer,
    PriceSnapshot,
    Product,
    ShopOffer,
)

logger = logging.getLogger(__name__)

PRICE_INLINE_LIMIT = 60


def won(price: int | None) -> str:
    """729900 -> "729,900원" (admin lists and forms); "-" when there is no price."""
    return f"{price:,}원" if price is not None else "-"


def enqueue_job(kind: str, task_name: str, params: dict) -> Job:
    """A queued Job whose task ``catalog.tasks.<task_name>`` is sent on commit
    (``services.queue_job``)."""
    return services.queue_job(kind, task_name, params)


def _task_available(task_name: str) -> bool:
    return hasattr(importlib.import_module("catalog.tasks"), task_name)


# --------------------------------------------------------------------------- categories, brands


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "product_count"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    actions = ["crawl_from_danawa"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="상품 수", ordering="_product_count")
    def product_count(self, obj: Category) -> int:
        return obj._product_count

    @admin.action(description="다나와에서 수집")
    def crawl_from_danawa(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _task_available("crawl_category"):
            self.message_user(
                request, "수집 작업(crawl_category)이 아직 준비되지 않았습니다.", messages.ERROR
            )
            return
        jobs = [
            enqueue_job(JobKind.CRAWL, "crawl_category", {"category_code": category.code})
            for category in queryset
        ]
        self.message_user(
            request,
            f"{len(jobs)}개 카테고리의 다나와 수집 작업을 대기열에 넣었습니다 "
            f"(작업 {', '.join(f'#{j.pk}' for j in jobs)}).",
            messages.SUCCESS,
        )


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ["name", "product_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="상품 수", ordering="_product_count")
    def product_count(self, obj: Manufacturer) -> int:
        return obj._product_count


# --------------------------------------------------------------------------- benchmarks


class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["name", "score", "category", "tdp", "test_date", "product_count"]
    list_filter = ["category", "test_date"]
    search_fields = ["name", "normalized_name"]
    ordering = ["-score"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="매칭된 상품 수", ordering="_product_count")
    def product_count(self, obj: CpuBenchmark | GpuBenchmark) -> int:
        return obj._product_count


@admin.register(CpuBenchmark)
class CpuBenchmarkAdmin(BenchmarkAdmin):
    list_display = [*BenchmarkAdmin.list_display[:2], "single_thread", "cores", "socket",
                    *BenchmarkAdmin.list_display[2:]]  # fmt: skip
    list_filter = [*BenchmarkAdmin.list_filter, "cores"]


@admin.register(GpuBenchmark)
class GpuBenchmarkAdmin(BenchmarkAdmin):
    list_display = [*BenchmarkAdmin.list_display[:2], "g2d_score", *BenchmarkAdmin.list_display[2:]]


# --------------------------------------------------------------------------- products


class RecentPricesFormSet(BaseInlineFormSet):
    """Only the latest ``PRICE_INLINE_LIMIT`` price rows, newest first (a product may have
    thousands; the full history is on the product page and in the price admin)."""

    def get_queryset(self) -> QuerySet:
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset().order_by("-day", "variant")[:PRICE_INLINE_LIMIT]
        return self._recent


class PriceSnapshotInline(admin.TabularInline):
    model = PriceSnapshot
    formset = RecentPricesFormSet
    fields = ["day", "variant", "price_display", "source", "recorded_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = f"최근 가격 기록 (최신 {PRICE_INLINE_LIMIT}건)"

    @admin.display(description="가격")
    def price_display(self, obj: PriceSnapshot) -> str:
        return won(obj.price)

    def has_add_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False


class ShopOfferInline(admin.TabularInline):
    """The shops' offers of the last product crawl (read-only: the crawl replaces them)."""

    model = ShopOffer
    fields = [
        "shop",
        "price_display",
        "shipping_display",
        "card_display",
        "offer_link",
        "fetched_at",
    ]
    readonly_fields = fields
    ordering = ["price", "position"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "판매처 가격 (마지막 상품 수집 기준)"

    @admin.display(description="가격")
    def price_display(self, obj: ShopOffer) -> str:
        return won(obj.price)

    @admin.display(description="배송")
    def shipping_display(self, obj: ShopOffer) -> str:
        return obj.shipping_label or "-"

    @admin.display(description="카드 할인가")
    def card_display(self, obj: ShopOffer) -> str:
        return f"{won(obj.card_price)} ({obj.card_label})" if obj.card_price else "-"

    @admin.display(description="링크")
    def offer_link(self, obj: ShopOffer) -> str:
        if not obj.url:
            return "-"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>', obj.url, "판매처"
        )

    def has_add_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False


class MergeProductsForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Product.objects.none(), widget=forms.RadioSelect, label="남길 상품"
    )

    def __init__(self, *args: object, products: QuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = products
        self.fields["keep"].label_from_instance = lambda p: (
            f"{p.name} (#{p.pk}, 상품 코드 {p.pcode}, "
            f"{f'{p.current_price:,}원' if p.current_price else '가격 없음'})"
        )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name", "pcode", "category", "manufacturer", "price_display", "current_price_day",
        "cpu_benchmark", "gpu_benchmark", "benchmark_match_locked", "is_demo", "is_active",
    ]  # fmt: skip
    list_filter = [
        "category",
        "category__kind",
        "is_active",
        "is_demo",
        "benchmark_match_locked",
        "gpu_integrated",
        ("cpu_benchmark", admin.EmptyFieldListFilter),
        ("gpu_benchmark", admin.EmptyFieldListFilter),
        ("cpu_score_estimated", admin.EmptyFieldListFilter),
        ("gpu_score_estimated", admin.EmptyFieldListFilter),
        "manufacturer",
    ]
    search_fields = ["name", "pcode", "cpu_model", "gpu_model"]
    list_select_related = ["category", "manufacturer", "cpu_benchmark", "gpu_benchmark"]
    autocomplete_fields = ["cpu_benchmark", "gpu_benchmark", "manufacturer"]
    readonly_fields = [
        "price_display", "current_price_day", "first_seen", "last_seen", "cpu_match_confidence",
        "gpu_match_confidence", "benchmark_match_locked", "merged_into", "image_sha256",
        "created_at", "updated_at", "page_link", "gpu_integrated", "cpu_score_estimated",
        "cpu_score_note", "gpu_score_estimated", "gpu_score_note",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["name", "pcode", "category", "manufacturer", "url", "page_link"]}),
        ("이미지", {"fields": ["image", "image_source", "image_sha256"]}),
        (
            "사양",
            {
                "fields": [
                    "spec_summary",
                    "specs_raw",
                    "cpu_model",
                    "gpu_model",
                    "gpu_integrated",
                    "ram_gb",
                    "ssd_gb",
                    "hdd_gb",
                    "vram_gb",
                    "os",
                    "form_factor",
                ]
            },
        ),  # fmt: skip
        (
            "벤치마크 매칭",
            {
                "description": "CPU/GPU 벤치마크를 바꾸면 수동 지정으로 잠겨 다시 가져와도 "
                "유지됩니다. 잠금 해제는 목록의 '벤치마크 다시 매칭' 작업으로 합니다. "
                "PassMark 표에 없는 (2022년 이후) 부품은 이름과 비슷한 부품으로 점수를 "
                "추정해 '추정 점수'에 둡니다 (벤치마크가 매칭되면 쓰지 않음).",
                "fields": [
                    "cpu_benchmark",
                    "cpu_match_confidence",
                    "cpu_score_estimated",
                    "cpu_score_note",
                    "gpu_benchmark",
                    "gpu_match_confidence",
                    "gpu_score_estimated",
                    "gpu_score_note",
                    "benchmark_match_locked",
                ],
            },
        ),  # fmt: skip
        (
            "가격·상태",
            {
                "fields": [
                    "price_display",
                    "current_price_day",
                    "first_seen",
                    "last_seen",
                    "is_demo",
                    "is_active",
                    "merged_into",
                    "created_at",
                    "updated_at",
                ]
            },
        ),  # fmt: skip
    ]
    inlines = [ShopOfferInline, PriceSnapshotInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["rematch_benchmarks_action", "merge_products_action"]
    show_full_result_count = False

    @admin.display(description="현재 최저가", ordering="current_price")
    def price_display(self, obj: Product) -> str:
        return won(obj.current_price)

    @admin.display(description="상품 페이지")
    def page_link(self, obj: Product) -> str:
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), "사이트에서 보기")

    def save_model(
        self, request: HttpRequest, obj: Product, form: forms.Form, change: bool
    ) -> None:
        # the product service saves it, locks a hand-fixed match and announces the change
        if services.save_product(obj, form.changed_data, created=not change):
            self.message_user(request, "벤치마크 매칭을 수동 지정으로 잠갔습니다.", messages.INFO)

    @admin.action(description="벤치마크 다시 매칭 (수동 지정 해제)")
    def rematch_benchmarks_action(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            changed = services.unlock_and_rematch(ids)
        except Exception:  # the parser/matcher failing must not turn into a 500 page
            logger.exception("re-matching products %s failed", ids)
            self.message_user(
                request, "다시 매칭하지 못했습니다. 로그를 확인해 주세요.", messages.ERROR
            )
            return
        self.message_user(
            request,
            f"{len(ids)}개 상품의 수동 지정을 풀고 다시 매칭했습니다 (바뀐 상품 {changed}개).",
            messages.SUCCESS,
        )

    @admin.action(description="중복 상품 병합")
    def merge_products_action(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        products = queryset.select_related("category", "manufacturer").order_by("pk")
        if products.count() < 2:
            self.message_user(request, "병합하려면 상품을 두 개 이상 고르세요.", messages.WARNING)
            return None
        if "apply" in request.POST:
            form = MergeProductsForm(request.POST, products=products)
            if form.is_valid():
                keep = form.cleaned_data["keep"]
                others = [p for p in products if p.pk != keep.pk]
                moved = services.merge_products(keep, others)
                self.message_user(
                    request,
                    f"{len(others)}개 상품을 '{keep.name}'(#{keep.pk})에 병합했습니다 "
                    f"(가격 기록 {moved}건 이동).",
                    messages.SUCCESS,
                )
                return None
        else:
            form = MergeProductsForm(products=products)
        context = {
            **self.admin_site.each_context(request),
            "title": "중복 상품 병합",
            "opts": self.model._meta,
            "products": products,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "merge_products_action",
        }
        return TemplateResponse(request, "admin/catalog/product/merge_products.html", context)


# --------------------------------------------------------------------------- prices


@admin.register(PriceSnapshot)
class PriceSnapshotAdmin(admin.ModelAdmin):
    """Read-only: prices are written by crawls, imports and the API through ``record_prices``
    (which keeps the product's current price in step)."""

    list_display = ["product", "day", "variant", "price_display", "source", "recorded_at"]
    list_filter = ["source", "day", "product__category"]
    search_fields = ["product__name", "product__pcode", "variant"]
    list_select_related = ["product"]
    show_full_result_count = False
    # Newest writes first by primary key: sorting millions of rows by day (no index on day
    # alone, which would slow every import) made this page take seconds.
    ordering = ["-id"]

    @admin.display(description="가격", ordering="price")
    def price_display(self, obj: PriceSnapshot) -> str:
        return won(obj.price)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PriceSnapshot | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PriceSnapshot | None = None) -> bool:
        return False


# --------------------------------------------------------------------------- jobs


IMPORTS = {
    # choice -> (job kind, task name, parameter name, expects a directory)
    "price_history": (JobKind.IMPORT_HISTORY, "import_price_history", "directory", True),
    "products": (JobKind.IMPORT_PRODUCTS, "import_products", "path", False),
    "benchmarks": (JobKind.IMPORT_BENCHMARKS, "import_benchmarks", "directory", True),
}


class StartImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="가져올 데이터",
        choices=[
            ("price_history", "다나와 가격 이력 (CSV 폴더)"),
            ("products", "상품 목록 (CSV 파일)"),
            ("benchmarks", "PassMark 벤치마크 (CSV 폴더)"),
        ],
    )
    path = forms.CharField(
        label="서버 경로",
        max_length=1000,
        help_text="서버에 있는 폴더 또는 파일의 절대 경로",
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def clean(self) -> dict:
        data = super().clean()
        kind, raw = data.get("kind"), (data.get("path") or "").strip()
        if not kind or not raw:
            return data
        target = Path(raw).expanduser()
        _, _, _, wants_dir = IMPORTS[kind]
        if not target.is_absolute():
            self.add_error("path", "절대 경로를 입력하세요 (예: /data/danawa/price_history).")
        elif not target.exists():
            self.add_error("path", f"경로가 없습니다: {target}")
        elif wants_dir and not target.is_dir():
            self.add_error("path", f"폴더 경로가 필요합니다: {target}")
        elif not wants_dir and not target.is_file():
            self.add_error("path", f"파일 경로가 필요합니다: {target}")
        else:
            data["path"] = str(target.resolve())
        return data


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "created_at", "started_at", "finished_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["=id", "celery_task_id", "kind"]
    readonly_fields = [
        "kind", "status", "progress", "params_pretty", "stats_pretty", "errors_list",
        "celery_task_id", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    exclude = ["params", "stats", "errors", "progress_done", "progress_total"]
    change_list_template = "admin/catalog/job/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs are started by the actions and the import form

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    @admin.display(description="진행률")
    def progress(self, obj: Job) -> str:
        color = {"failed": "#dc2626", "done": "#16a34a"}.get(obj.status, "#2563eb")
        return format_html(
            '<span style="display:inline-block;width:120px;height:10px;background:#e5e7eb;'
            'border-radius:5px;overflow:hidden;vertical-align:middle" role="progressbar" '
            'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
            '<span style="display:block;height:100%;width:{}%;background:{}"></span></span> '
            "{}% <small>({}/{})</small>",
            obj.percent,
            obj.percent,
            color,
            obj.percent,
            obj.progress_done,
            obj.progress_total,
        )

    @staticmethod
    def _pretty(value: object) -> str:
        return format_html(
            '<pre style="white-space:pre-wrap;margin:0">{}</pre>',
            json.dumps(value, ensure_ascii=False, indent=2, default=str),
        )

    @admin.display(description="입력")
    def params_pretty(self, obj: Job) -> str:
        return self._pretty(obj.params)

    @admin.display(description="결과")
    def stats_pretty(self, obj: Job) -> str:
        return self._pretty(obj.stats)

    @admin.display(description="오류")
    def errors_list(self, obj: Job) -> str:
        if not obj.errors:
            return "-"
        shown = obj.errors[:200]
        texts = (
            e if isinstance(e, str) else json.dumps(e, ensure_ascii=False, default=str)
            for e in shown
        )
        items = format_html_join("", "<li>{}</li>", ((t,) for t in texts))
        hidden = len(obj.errors) - len(shown)
        more = format_html("<p>… 외 {}건</p>", hidden) if hidden else ""
        return format_html("<p>{}건</p><ol>{}</ol>{}", len(obj.errors), items, more)

    def get_urls(self) -> list:
        custom = [
            path(
                "start-import/",
                self.admin_site.admin_view(self.start_import_view),
                name="catalog_job_start_import",
            )
        ]
        return custom + super().get_urls()

    def start_import_view(self, request: HttpRequest) -> HttpResponse:
        """A form that starts an import of a server-side folder or file as a Celery task."""
        if not request.user.has_perm("catalog.add_job"):
            return HttpResponseRedirect(reverse("admin:index"))
        form = StartImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            job_kind, task_name, param, _ = IMPORTS[form.cleaned_data["kind"]]
            job = enqueue_job(job_kind, task_name, {param: form.cleaned_data["path"]})
            self.message_user(
                request,
                f"{job.get_kind_display()} 작업 #{job.pk}을 대기열에 넣었습니다: "
                f"{form.cleaned_data['path']}",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:catalog_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "데이터 가져오기 시작",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalog/job/start_import.html", context)
