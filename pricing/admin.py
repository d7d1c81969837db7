"""Pricing admin: the model registry (metrics and fitted member weights per weight band read-only, an "activate"
action), training runs with their progress bar and a button that queues training on the ``ml``
queue, and the stored per-product estimates.

Writes go through ``pricing.services`` (``activate_model``, ``queue_training``); nothing here
imports torch.
"""

from __future__ import annotations

import json
import logging

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from pricing import services
from pricing.models import PricePrediction, PricingModel, RunStatus, TrainingRun

logger = logging.getLogger(__name__)


def _pretty(value: object) -> str:
    return format_html(
        '<pre style="white-space:pre-wrap;margin:0">{}</pre>',
        json.dumps(value, ensure_ascii=False, indent=2, default=str),
    )


def progress_bar(percent: int, status: str, done: int, total: int) -> str:
    """A small inline progress bar (same look as the catalog's job list)."""
    color = {RunStatus.FAILED: "#dc2626", RunStatus.DONE: "#16a34a"}.get(status, "#2563eb")
    return format_html(
        '<span style="display:inline-block;width:120px;height:10px;background:#e5e7eb;'
        'border-radius:5px;overflow:hidden;vertical-align:middle" role="progressbar" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<span style="display:block;height:100%;width:{}%;background:{}"></span></span> '
        "{}% <small>({}/{})</small>",
        percent,
        percent,
        color,
        percent,
        done,
        total,
    )


@admin.register(PricingModel)
class PricingModelAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "trained_rows", "images_used", "pretrained_backbone",
                    "gbm_used", "held_out_mape", "training_seconds", "created_at"]  # fmt: skip
    list_filter = ["is_active", "gbm_used", "pretrained_backbone", "backbone"]
    search_fields = ["=version", "data_fingerprint"]
    actions = ["activate"]
    readonly_fields = [
        "version", "artifact", "format_version", "data_fingerprint", "trained_rows",
        "images_used", "backbone", "pretrained_backbone", "gbm_used", "coverage_target",
        "training_seconds", "is_active", "created_at", "band_weights_pretty", "conformal_pretty",
        "metrics_pretty",
    ]  # fmt: skip
    exclude = ["band_weights", "conformal", "metrics"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models come from training runs

    @admin.display(description="시험 MAPE")
    def held_out_mape(self, obj: PricingModel) -> str:
        """The ensemble's MAPE on the held-out test split (rows no member was trained on)."""
        test = (obj.metrics or {}).get("test") or {}
        value = ((test.get("ensemble") or {}).get("all") or {}).get("mape")
        return f"{value:.3f}" if isinstance(value, int | float) else "-"

    @admin.display(description="가중치 가격대별 가중치")
    def band_weights_pretty(self, obj: PricingModel) -> str:
        return _pretty(obj.band_weights)

    @admin.display(description="구간 폭(로그)")
    def conformal_pretty(self, obj: PricingModel) -> str:
        return _pretty(obj.conformal)

    @admin.display(description="지표")
    def metrics_pretty(self, obj: PricingModel) -> str:
        return _pretty(obj.metrics)

    @admin.action(description="선택한 모델을 사용 중으로 지정")
    def activate(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.count() != 1:
            self.message_user(request, "모델을 하나만 선택하세요.", messages.WARNING)
            return
        model = queryset.get()
        services.activate_model(model)
        services.reset_model_cache()
        self.message_user(request, f"{model}을(를) 사용 중으로 지정했습니다.", messages.SUCCESS)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "stage", "progress", "model", "requested_by", "created_at",
                    "finished_at"]  # fmt: skip
    list_filter = ["status", "created_at"]
    search_fields = ["=id", "celery_task_id", "requested_by", "message"]
    list_select_related = ["model"]
    readonly_fields = [
        "status", "stage", "progress", "params_pretty", "message", "model", "celery_task_id",
        "requested_by", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    exclude = ["params", "progress_done", "progress_total"]
    actions = ["queue_again"]
    change_list_template = "pricing/admin_trainingrun_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are started by the button below the list (or train_pricing)

    def has_change_permission(self, request: HttpRequest, obj: TrainingRun | None = None) -> bool:
        return False

    def get_urls(self) -> list:
        extra = [
            path(
                "train/",
                self.admin_site.admin_view(self.train_view),
                name="pricing_trainingrun_train",
            )
        ]
        return extra + super().get_urls()

    def train_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """POST: queue one training run on the ml queue (same service as the staff button)."""
        target = reverse("admin:pricing_trainingrun_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(target)
        self._queue(request, {})
        return HttpResponseRedirect(target)

    def _queue(self, request: HttpRequest, params: dict) -> TrainingRun | None:
        try:
            run = services.queue_training(requested_by=request.user.get_username(), params=params)
        except services.TrainingInProgress:
            self.message_user(request, "이미 대기 중이거나 진행 중인 학습이 있습니다.",
                              messages.WARNING)  # fmt: skip
            return None
        self.message_user(request, f"학습 #{run.pk}을(를) 대기열에 넣었습니다 (ml 큐).",
                          messages.SUCCESS)  # fmt: skip
        return run

    @admin.action(description="같은 입력으로 다시 학습")
    def queue_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        first = queryset.first()
        self._queue(request, dict(first.params or {}) if first else {})

    @admin.display(description="진행률")
    def progress(self, obj: TrainingRun) -> str:
        return progress_bar(obj.percent, obj.status, obj.progress_done, obj.progress_total)

    @admin.display(description="입력")
    def params_pretty(self, obj: TrainingRun) -> str:
        return _pretty(obj.params)


@admin.register(PricePrediction)
class PricePredictionAdmin(admin.ModelAdmin):
    list_display = ["product", "model", "listed_price", "fair_price", "low", "high", "deal",
                    "band", "used_image", "updated_at"]  # fmt: skip
    list_filter = ["band", "used_image", "model__is_active", "model"]
    search_fields = ["product__name", "=product__id"]
    list_select_related = ["product", "model"]
    raw_id_fields = ["product", "model"]
    readonly_fields = [
        "product", "model", "fair_price", "low", "high", "band", "listed_price", "used_image",
        "updated_at", "members_pretty", "weights_pretty", "explanation_pretty",
    ]  # fmt: skip
    exclude = ["members", "weights", "explanation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # estimates are written by the active model

    def has_change_permission(
        self, request: HttpRequest, obj: PricePrediction | None = None
    ) -> bool:
        return False

    @admin.display(description="적정가 대비")
    def deal(self, obj: PricePrediction) -> str:
        pct = obj.deal_percent
        if pct is None:
            return "-"
        return f"{abs(pct):.1f}% {'저렴' if pct > 0 else '비쌈' if pct < 0 else '같음'}"

    @admin.display(description="모델별 추정")
    def members_pretty(self, obj: PricePrediction) -> str:
        return _pretty(obj.members)

    @admin.display(description="가중치")
    def weights_pretty(self, obj: PricePrediction) -> str:
        return _pretty(obj.weights)

    @admin.display(description="설명")
    def explanation_pretty(self, obj: PricePrediction) -> str:
        return _pretty(obj.explanation)
