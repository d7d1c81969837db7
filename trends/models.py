"""Trends: stored backtest runs (the forecaster itself lives in memory, see trends.services)."""

from __future__ import annotations

from django.db import models


class BacktestRun(models.Model):
    """One walk-forward backtest of the 10-day forecaster: where its prices came from, the
    decision window, the metrics (accuracy, macro-F1, baselines, saving) and the report's last
    line exactly as the command printed it. The newest run is the one the admin and the model
    card show."""

    created_at = models.DateTimeField("실행 시각", auto_now_add=True)
    source = models.CharField("가격 출처", max_length=500, help_text="db 또는 이력 폴더")
    kinds = models.CharField("상품 종류", max_length=100, blank=True)
    date_from = models.DateField("결정 시작일")
    date_to = models.DateField("결정 종료일")
    step_days = models.PositiveSmallIntegerField("결정 간격(일)", default=7)
    decisions = models.PositiveIntegerField("결정 수", default=0)
    accuracy = models.FloatField("정확도", null=True, blank=True)
    macro_f1 = models.FloatField("macro-F1", null=True, blank=True)
    always_flat = models.FloatField("항상 보합 정확도", null=True, blank=True)
    momentum = models.FloatField("모멘텀 정확도", null=True, blank=True)
    saving_pct = models.FloatField("평균 절약(%)", null=True, blank=True)
    metrics = models.JSONField("지표", default=dict, blank=True)
    report = models.TextField("보고서", blank=True)
    last_line = models.CharField("마지막 줄", max_length=300, blank=True)
    seconds = models.FloatField("소요 시간(초)", default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "백테스트"
        verbose_name_plural = "백테스트"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.last_line}"

    @property
    def beats_baselines(self) -> bool:
        return bool(
            self.accuracy is not None
            and self.accuracy > (self.always_flat or 0)
            and self.accuracy > (self.momentum or 0)
        )
