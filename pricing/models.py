"""Fair-price models: the model registry, training runs with progress, and stored estimates."""

from __future__ import annotations

from django.db import models

from core.progress import JobStatus, ProgressRecord
from pricing.querysets import PricePredictionQuerySet, PricingModelQuerySet, TrainingRunQuerySet


class PricingModel(models.Model):
    """One trained ensemble: its artifact under MODEL_DIR, what it was trained on and how well
    it did. Exactly one row is active (``is_active``): its predictions are the ones shown."""

    version = models.PositiveIntegerField("버전", unique=True)
    artifact = models.CharField("모델 파일", max_length=300)
    format_version = models.PositiveSmallIntegerField("형식 버전", default=1)
    data_fingerprint = models.CharField("데이터 지문", max_length=32)
    trained_rows = models.PositiveIntegerField("학습 상품 수", default=0)
    images_used = models.PositiveIntegerField("이미지 사용 상품 수", default=0)
    backbone = models.CharField("이미지 백본", max_length=60, default="efficientnet_b2")
    pretrained_backbone = models.BooleanField("사전학습 가중치 사용", default=False)
    gbm_used = models.BooleanField("그래디언트 부스팅 사용", default=False)
    # Member weights per weight band (pricing.ml.features.weight_band), not a trends price band.
    band_weights = models.JSONField("가중치 가격대별 가중치", default=dict)
    conformal = models.JSONField("구간 폭(로그)", default=dict)
    coverage_target = models.FloatField("목표 포함률", default=0.9)
    metrics = models.JSONField("지표", default=dict)
    # What it was trained on (pricing.ml.domain.training_domain): category kinds, categories
    # and per-kind number ranges; {} for models registered before it was recorded.
    domain = models.JSONField("학습 범위", default=dict, blank=True)
    training_seconds = models.FloatField("학습 시간(초)", default=0)
    is_active = models.BooleanField("사용 중", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PricingModelQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = "적정가 모델"
        verbose_name_plural = "적정가 모델"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"적정가 모델 v{self.version}{' (사용 중)' if self.is_active else ''}"

    @property
    def trained_kinds_label(self) -> str:
        """The category kinds it was trained on, in Korean ("" when not recorded)."""
        from catalog.models import CategoryKind

        labels = dict(CategoryKind.choices)
        return ", ".join(labels.get(k, k) for k in (self.domain or {}).get("kinds") or [])


# A training run moves through the same states as every long job (one set of choices).
RunStatus = JobStatus


# ``requested_by`` values written by commands (not user names) and how pages show them.
REQUESTERS = {"run command": "첫 실행 (make run)", "train_pricing": "train_pricing 명령"}
# ``stage`` values reported by training (pricing.ml.ensemble, pricing.services) in Korean.
STAGES = {"images": "이미지 특징 계산", "train": "신경망 학습", "predict": "상품별 적정가 저장"}


class TrainingRun(ProgressRecord):
    """A training request and its progress (shown in admin and on the model card)."""

    status = models.CharField(
        "상태", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    stage = models.CharField("단계", max_length=40, blank=True)
    params = models.JSONField("입력", default=dict, blank=True)
    message = models.TextField("메시지", blank=True)
    model = models.ForeignKey(
        PricingModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    requested_by = models.CharField("요청자", max_length=150, blank=True)

    objects = TrainingRunQuerySet.as_manager()

    # Training reports at least once per epoch and per batch of predictions; an epoch of the
    # image ensemble on 2 cores is well under 10 minutes, the lease leaves three times that.
    LEASE_SECONDS = 1800

    class Meta(ProgressRecord.Meta):
        verbose_name = "모델 학습"
        verbose_name_plural = "모델 학습"

    def __str__(self) -> str:
        return f"학습 #{self.pk} ({self.get_status_display()})"

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)

    @property
    def requested_by_label(self) -> str:
        """Who asked, in Korean: a user name, or which command queued the run."""
        return REQUESTERS.get(self.requested_by, self.requested_by)


class PricePrediction(models.Model):
    """The active model's estimate for one product, refreshed by the worker when its price or specs
    change (pages and the API only read it)."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="price_predictions"
    )
    model = models.ForeignKey(PricingModel, on_delete=models.CASCADE, related_name="predictions")
    fair_price = models.PositiveIntegerField("적정가")
    low = models.PositiveIntegerField("구간 하한")
    high = models.PositiveIntegerField("구간 상한")
    band = models.CharField("가중치 가격대", max_length=16)  # weight_band of the first estimate
    listed_price = models.PositiveIntegerField("당시 최저가", null=True, blank=True)
    members = models.JSONField("모델별 추정", default=dict)
    weights = models.JSONField("가중치", default=dict)
    explanation = models.JSONField("설명", default=list)
    used_image = models.BooleanField("이미지 사용", default=False)
    # pricing.ml.features.record_fingerprint of what it was estimated from: the worker skips a
    # product whose inputs are unchanged ("" for estimates stored before it was recorded).
    input_fingerprint = models.CharField("입력 지문", max_length=32, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PricePredictionQuerySet.as_manager()

    class Meta:
        verbose_name = "적정가 추정"
        verbose_name_plural = "적정가 추정"
        constraints = [
            models.UniqueConstraint(fields=["product", "model"], name="one_prediction_per_model")
        ]
        indexes = [
            # "good deals" lists: predictions of the active model ordered by listed/fair ratio
            models.Index(fields=["model", "fair_price"], name="prediction_model_fair_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.fair_price:,}원"

    @property
    def deal_percent(self) -> float | None:
        """How far the listed price is below (+) or above (-) the fair price, in percent."""
        if not self.listed_price or not self.fair_price:
            return None
        return round(100 * (self.fair_price - self.listed_price) / self.fair_price, 1)
