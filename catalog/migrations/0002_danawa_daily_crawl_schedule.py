"""The daily Danawa price crawl in django-celery-beat: every day at 10:30 Asia/Seoul (about when
the Danawa-Crawler history was collected), task ``catalog.tasks.crawl_daily_prices``.

Idempotent (re-running finds the rows by name and sets them back to these values); the reverse
deletes the task, and the crontab when nothing else uses it. The queue comes from
CELERY_TASK_ROUTES (``catalog.tasks.crawl_*`` -> ``crawl``).
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "다나와 일일 가격 수집"
TASK = "catalog.tasks.crawl_daily_prices"
CRONTAB = {
    "minute": "30",
    "hour": "10",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Asia/Seoul",
}


def _touch(apps):
    # DatabaseScheduler reloads its schedule when PeriodicTasks.last_update changes; signals do
    # not fire in migrations, so tell it here.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule = CrontabSchedule.objects.filter(**CRONTAB).order_by("pk").first()
    if schedule is None:
        schedule = CrontabSchedule.objects.create(**CRONTAB)
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "interval": None,
            "solar": None,
            "clocked": None,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "one_off": False,
            "description": "설정된 카테고리(DANAWA_CATEGORIES)의 오늘 가격을 다나와에서 수집합니다.",
        },
    )
    _touch(apps)


def delete_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    CrontabSchedule.objects.filter(**CRONTAB, periodictask__isnull=True).delete()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
