"""Serializers of the trends API (read-only: forecasts, the market summary, backtests)."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from trends.dashboard import MAX_DAYS
from trends.forecaster import VERDICT_RULE
from trends.ml.forecast import HORIZON, format_percent
from trends.models import BacktestRun


class NeighbourSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField()
    change = serializers.FloatField(help_text="최근 10일 가격 변화율 (0.01 = +1%)")
    weight = serializers.FloatField(help_text="거리 가중치 (합 1)")
    start = serializers.DateField(help_text="10일 흐름의 시작일")
    self = serializers.BooleanField(help_text="이 상품 자신의 지난 10일")


class ForecastDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    change = serializers.FloatField(help_text="예측 변화율 (가중 평균)")
    low = serializers.FloatField(help_text="이웃 흐름 20% 분위")
    high = serializers.FloatField(help_text="이웃 흐름 80% 분위")
    price = serializers.IntegerField(help_text="예측 가격 (원)")


class ForecastSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="예측 기준일")
    price = serializers.IntegerField(help_text="기준일 최저가 (원)")
    direction = serializers.ChoiceField(
        choices=["up", "flat", "down"],
        help_text="change_label이 +2%를 넘으면 up, −2% 미만이면 down, 그 사이면 flat",
    )
    direction_label = serializers.CharField(help_text="오름 / 보합 / 내림")
    verdict = serializers.ChoiceField(
        choices=["buy", "wait", "neutral"], help_text="up → buy, down → wait, flat → neutral"
    )
    confidence = serializers.FloatField(
        help_text="예측 방향으로 움직인 이웃의 가중 비율 (이웃이 적을수록 1/3 쪽으로 낮춤)"
    )
    total_change = serializers.FloatField(help_text=f"{HORIZON}일 뒤 예상 변화율")
    change_label = serializers.CharField(help_text="total_change를 0.1%p로 반올림한 표시값")
    mean_daily_change = serializers.FloatField()
    up_share = serializers.FloatField()
    flat_share = serializers.FloatField()
    down_share = serializers.FloatField()
    trajectory = ForecastDaySerializer(many=True)


class ProductTrendSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["ok", "insufficient", "no_history", "not_pc"],
        help_text=(
            "ok: 예측함, insufficient: 기록이 부족함, no_history: 가격 기록 없음, "
            "not_pc: PC·PC 부품이 아니라 예측하지 않음"
        ),
    )
    message = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    verdict_label = serializers.CharField(allow_blank=True)
    verdict_rule = serializers.ListField(child=serializers.CharField())
    shown_verdict = serializers.ChoiceField(
        choices=["buy", "wait", "neutral"],
        allow_blank=True,
        help_text=(
            "보여 주는 판정: forecast.verdict와 같되, 최근 백테스트에서 같은 카테고리·가격대의 "
            "기록이 기준(같은 상황의 모든 결정)보다 낫지 않으면 neutral"
        ),
    )
    track_record = serializers.DictField(
        allow_null=True, help_text="그 판정의 최근 백테스트 기록 (n, rate, base_rate, band)"
    )
    record_line = serializers.CharField(allow_blank=True)
    target_price = serializers.IntegerField(
        allow_null=True,
        help_text=(
            f"'기다리세요'일 때만: 목표가(원) = 예상 {HORIZON}일 최저가. {HORIZON}일 안에 이 가격 "
            f"이하가 나오면 그날, 아니면 {HORIZON}일째에 산다 (백테스트의 규칙과 같음)"
        ),
    )
    target_line = serializers.CharField(allow_blank=True)
    lowest_label = serializers.CharField(allow_blank=True)
    lowest_in_days = serializers.IntegerField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    forecast = ForecastSerializer(allow_null=True)
    neighbours = NeighbourSerializer(many=True)

    @staticmethod
    def payload(trend: object) -> dict[str, object]:
        f = trend.forecast
        forecast = None
        if f:
            forecast = {
                "day": f.day,
                "price": round(f.price),
                "direction": f.direction,
                "direction_label": trend.direction_label,
                "verdict": f.verdict,
                "confidence": f.confidence,
                "total_change": f.total_change,
                "change_label": format_percent(f.total_change),
                "mean_daily_change": f.mean_daily_change,
                "up_share": f.up_share,
                "flat_share": f.flat_share,
                "down_share": f.down_share,
                "trajectory": [
                    {
                        "day": f.day + dt.timedelta(days=i + 1),
                        "change": c,
                        "low": lo,
                        "high": hi,
                        "price": round(f.price * (1 + c)),
                    }
                    for i, (c, lo, hi) in enumerate(zip(f.trajectory, f.low, f.high, strict=True))
                ],
            }
        lowest = trend.history.lowest
        return {
            "product_id": trend.product.pk,
            "status": trend.status,
            "message": trend.message,
            "reason": trend.reason,
            "verdict_label": trend.verdict_label,
            "verdict_rule": VERDICT_RULE,
            "shown_verdict": trend.verdict,
            "track_record": trend.record,
            "record_line": trend.record_line,
            "target_price": trend.target_price,
            "target_line": trend.target_line,
            "lowest_label": lowest.label if lowest else "",
            "lowest_in_days": lowest.days if lowest else None,
            "notes": trend.notes,
            "forecast": forecast,
            "neighbours": trend.neighbours,
        }


class MarketQuerySerializer(serializers.Serializer):
    end = serializers.DateField(required=False, help_text="기준일 (기본: 최신 가격일)")
    days = serializers.IntegerField(
        required=False, min_value=HORIZON + 1, max_value=MAX_DAYS, help_text="지수 구간(일)"
    )


class BandSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    average_change = serializers.FloatField(allow_null=True)
    up = serializers.IntegerField()
    flat = serializers.IntegerField()
    down = serializers.IntegerField()


class MoverSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.IntegerField()
    base_price = serializers.IntegerField()
    change = serializers.FloatField()


class IndexPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    value = serializers.FloatField()
    products = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    up = serializers.IntegerField()
    flat = serializers.IntegerField()
    down = serializers.IntegerField()


class MarketSummarySerializer(serializers.Serializer):
    end = serializers.DateField(allow_null=True)
    days = serializers.IntegerField()
    horizon = serializers.IntegerField()
    scope = serializers.CharField(help_text="집계 대상 (PC 관련 카테고리)")
    tracked = serializers.IntegerField()
    counts = CountsSerializer()
    average_change = serializers.FloatField(allow_null=True)
    bands = BandSerializer(many=True)
    risers = MoverSerializer(many=True)
    fallers = MoverSerializer(many=True)
    index = IndexPointSerializer(many=True)

    @staticmethod
    def payload(summary: dict[str, object]) -> dict[str, object]:
        data = dict(summary)
        data["index"] = [
            {"day": d, "value": v, "products": c} for d, v, c in summary.get("index", [])
        ]
        return data


class BacktestRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = BacktestRun
        fields = [
            "id",
            "created_at",
            "source",
            "kinds",
            "date_from",
            "date_to",
            "step_days",
            "decisions",
            "accuracy",
            "macro_f1",
            "always_flat",
            "momentum",
            "saving_pct",
            "metrics",
            "last_line",
        ]
