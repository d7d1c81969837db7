"""The weekly catalog backtest in django-celery-beat: task ``trends.tasks.backtest_catalog``
backtests the forecaster on the catalog's own history, so that the track record shown next to
each verdict follows the catalog (``trends.services.backtest_catalog``).

Idempotent like catalog 0002/0010 (found by name, set back to these values); the reverse deletes
the task, and the interval when nothing else uses it. The queue is the default one.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "주간 예측 백테스트"
TASK = "trends.tasks.backtest_catalog"
EVERY = {"every": 7, "period": "days"}


def _touch(apps):
    # DatabaseScheduler reloads its schedule when PeriodicTasks.last_update changes
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule = IntervalSchedule.objects.filter(**EVERY).order_by("pk").first()
    if schedule is None:
        schedule = IntervalSchedule.objects.create(**EVERY)
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": schedule,
            "crontab": None,
            "solar": None,
            "clocked": None,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "one_off": False,
            "description": "카탈로그의 가격 이력으로 10일 예측을 백테스트해 판정별 과거 기록을 새로 씁니다.",
        },
    )
    _touch(apps)


def delete_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    IntervalSchedule.objects.filter(**EVERY, periodictask__isnull=True).delete()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("trends", "0005_daily_lowest_moves_to_catalog"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
