"""The lease sweep in django-celery-beat: every minute, task ``catalog.tasks.sweep_jobs`` fails the
running records whose worker stopped signalling (``catalog.services.sweep_lapsed``).

Idempotent like 0002 (found by name, set back to these values); the reverse deletes the task, and
the interval when nothing else uses it. The queue is the default one (``default``).
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "멈춘 작업 정리"
TASK = "catalog.tasks.sweep_jobs"
EVERY = {"every": 1, "period": "minutes"}


def _touch(apps):
    # DatabaseScheduler reloads its schedule when PeriodicTasks.last_update changes (see 0002)
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
            "description": "작업자가 죽어 신호가 끊긴 실행 중 작업을 실패로 표시합니다.",
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
        ("catalog", "0009_job_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
