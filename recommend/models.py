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
