"""The weekly catalog backtest in django-celery-beat: task ``trends.tasks.backtest_catalog``
backtests the forecaster on the catalog's own history, so that the track record shown next to
each verdict follows the catalog (``trends.services.backtest_catalog``). The queue is the
default one. Idempotent and reversible (``core.beat_schedules``).
"""

from django.db import migrations

from core.beat_schedules import DEPENDENCY, schedule_operation


class Migration(migrations.Migration):
    dependencies = [("trends", "0005_daily_lowest_moves_to_catalog"), DEPENDENCY]

    operations = [
        schedule_operation(
            "주간 예측 백테스트",
            "trends.tasks.backtest_catalog",
            "카탈로그의 가격 이력으로 10일 예측을 백테스트해 판정별 과거 기록을 새로 씁니다.",
            interval={"every": 7, "period": "days"},
        )
    ]
