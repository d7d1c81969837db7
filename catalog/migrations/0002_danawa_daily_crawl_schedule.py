"""The daily Danawa price crawl in django-celery-beat: every day at 10:30 Asia/Seoul (about when
the Danawa-Crawler history was collected), task ``catalog.tasks.crawl_daily_prices``. The queue
comes from CELERY_TASK_ROUTES (``catalog.tasks.crawl_*`` -> ``crawl``). Idempotent and
reversible (``core.beat_schedules``).
"""

from django.db import migrations

from core.beat_schedules import DEPENDENCY, schedule_operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), DEPENDENCY]

    operations = [
        schedule_operation(
            "다나와 일일 가격 수집",
            "catalog.tasks.crawl_daily_prices",
            "설정된 카테고리(DANAWA_CATEGORIES)의 오늘 가격을 다나와에서 수집합니다.",
            crontab={
                "minute": "30",
                "hour": "10",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                "timezone": "Asia/Seoul",
            },
        )
    ]
