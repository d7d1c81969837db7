"""Recommend: the use-case table (weights and plain requirements, editable in admin) and the
cached LLM reasons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class UseCase(models.Model):
    """One use case (사무·업무, 개발, ...): how CPU and GPU are weighted, and the plain
    requirements shown beside the score (never hidden, never silently dropping a product).

    The defaults are data (migration ``0002_default_use_cases``), not code: staff edit them in
    admin. ``cpu_weight + gpu_weight`` is 100.
    """

    key = models.SlugField("키", max_length=16, unique=True, help_text="API의 use 값 (예: gaming)")
    label = models.CharField("이름", max_length=40)
    order = models.PositiveSmallIntegerField("순서", default=0)
    cpu_weight = models.PositiveSmallIntegerField("CPU 가중치 (%)")
    gpu_weight = models.PositiveSmallIntegerField("GPU 가중치 (%)")
    description = models.CharField("설명", max_length=200, blank=True)
    # requirements (0 / False: none)
    min_vram_gb = models.PositiveSmallIntegerField("최소 VRAM (GB)", default=0)
    prefers_nvidia = models.BooleanField("NVIDIA GPU 선호", default=False)
    min_ram_gb = models.PositiveSmallIntegerField("최소 RAM (GB)", default=0)
    needs_discrete_gpu = models.BooleanField("외장 그래픽 필요", default=False)
    low_price_under = models.PositiveIntegerField(
        "낮은 가격 기준 (원)", default=0, help_text="이 가격 이하이면 '낮은 가격'으로 표시"
    )
    low_power_under_w = models.PositiveSmallIntegerField(
        "저전력 기준 (W)", default=0, help_text="CPU+외장 GPU TDP 합이 이 값 이하이면 '저전력'"
    )

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "용도"
        verbose_name_plural = "용도"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cpu_weight__lte=100, gpu_weight__lte=100),
                name="usecase_weights_le_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.cpu_weight}/{self.gpu_weight})"

    def clean(self) -> None:
        if (self.cpu_weight or 0) + (self.gpu_weight or 0) != 100:
            raise ValidationError("CPU 가중치와 GPU 가중치의 합은 100이어야 합니다.")

    @property
    def weights_label(self) -> str:
        return f"CPU {self.cpu_weight} : GPU {self.gpu_weight}"


class ReasonStatus(models.TextChoices):
    PENDING = "pending", "작성 대기"
    RUNNING = "running", "작성 중"
    LLM = "llm", "LLM 문구 (검증 통과)"
    TEMPLATE = "template", "자동 작성 문구 (LLM 실패·거절)"


class CachedReason(models.Model):
    """A reason for one product and use case, written for one set of facts.

    Keyed by (product, use case, facts hash): an unchanged product (same facts) is never asked
    twice; a changed price, deal or verdict is a new set of facts and a new row. ``facts`` are
    exactly what the prompt was given; ``raw_answer`` what the LLM answered (each try), and
    ``rejection`` why an answer was refused before the template was used.
    """

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name="상품"
    )
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, verbose_name="용도")
    facts_hash = models.CharField("사실 해시", max_length=64)
    facts = models.JSONField("프롬프트에 준 사실", default=dict)
    status = models.CharField(
        "상태", max_length=16, choices=ReasonStatus.choices, default=ReasonStatus.PENDING
    )
    text = models.CharField("보여 주는 문구", max_length=400, blank=True)
    raw_answer = models.TextField("LLM 원문", blank=True)
    rejection = models.TextField("거절 이유", blank=True)
    attempts = models.PositiveSmallIntegerField("LLM 요청 수", default=0)
    model_name = models.CharField("모델", max_length=100, blank=True)
    created_at = models.DateTimeField("요청 일시", auto_now_add=True)
    updated_at = models.DateTimeField("갱신 일시", auto_now=True)

    class Meta:
        verbose_name = "추천 이유"
        verbose_name_plural = "추천 이유"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "use_case", "facts_hash"], name="one_reason_per_facts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.use_case_id} · {self.get_status_display()}"

    @property
    def done(self) -> bool:
        return self.status in (ReasonStatus.LLM, ReasonStatus.TEMPLATE)
