"""Trends: stored backtest runs and the market dashboard's rollups (the forecaster itself lives
in memory, see trends.forecaster)."""

from __future__ import annotations

from django.db import models

from trends.querysets import BacktestRunQuerySet, MarketIndexDayQuerySet, ProductWindowQuerySet


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

    objects = BacktestRunQuerySet.as_manager()

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


# --------------------------------------------------------------------------- dashboard rollups
#
# The market dashboard reads only these tables (trends.querysets); they are recomputed by
# trends.services from the catalog's daily lowest prices (catalog.DailyLowestPrice,
# through its QuerySets) for the dashboard's window (the index is relative to each product's
# first price in the window, so every value moves when the window does).


class ProductWindow(models.Model):
    """One product as the dashboard's window (``MarketRollup``) sees it: its first daily lowest
    in the window (the index's base) and, when it has a fresh price and one ``HORIZON`` days
    earlier, the latest against that earlier one, which the counts, bands and movers aggregate."""

    product = models.OneToOneField(
        "catalog.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,  # rewritten in bulk: no per-row trigger
    )
    first_price = models.PositiveIntegerField("구간 첫 최저가")
    price = models.PositiveIntegerField("최근 최저가", null=True)
    base_price = models.PositiveIntegerField("10일 전 최저가", null=True)
    change = models.FloatField("변화율", null=True)
    direction = models.CharField("방향", max_length=4, blank=True)  # up / flat / down
    band = models.PositiveSmallIntegerField("가격대", null=True)  # trends.market.PRICE_BANDS

    objects = ProductWindowQuerySet.as_manager()

    class Meta:
        verbose_name = "상품 구간 가격"
        verbose_name_plural = "상품 구간 가격"

    def __str__(self) -> str:
        return f"{self.product_id} {self.change}"


class MarketIndexDay(models.Model):
    """One day of the market index of the dashboard's window: 100 × the geometric mean of each
    product's daily lowest relative to its first price in the window, and how many products."""

    day = models.DateField("날짜", primary_key=True)
    value = models.FloatField("지수")
    products = models.PositiveIntegerField("상품 수")

    objects = MarketIndexDayQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        verbose_name = "시장 지수"
        verbose_name_plural = "시장 지수"

    def __str__(self) -> str:
        return f"{self.day} {self.value:.2f}"


class MarketRollup(models.Model):
    """The rollups' state (a single row, id 1): the window ProductWindow and MarketIndexDay were
    computed for and when. No row means the rollups were never built."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    end = models.DateField("기준일", null=True, blank=True)
    days = models.PositiveSmallIntegerField("지수 기간(일)")
    refreshed_at = models.DateTimeField("갱신 시각")
    seconds = models.FloatField("갱신 소요(초)", default=0)

    class Meta:
        verbose_name = "시장 요약 상태"
        verbose_name_plural = "시장 요약 상태"

    def __str__(self) -> str:
        return f"{self.end} ({self.days}일)"
