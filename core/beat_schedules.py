"""Periodic tasks written by migrations (django-celery-beat's DatabaseScheduler reads them).

``schedule_operation(name, task, description, interval=... | crontab=...)`` is the RunPython
operation of a migration that puts one named task on one schedule: idempotent (found by name and
set back to these values), reversed by deleting the task and its schedule row when nothing else
uses it. Migrations pass only plain values and use the historical models they are given, so a
later change here cannot change what an applied migration meant.
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

DEPENDENCY = ("django_celery_beat", "0019_alter_periodictasks_options")


def _touch(apps: object) -> None:
    # DatabaseScheduler reloads its schedule when PeriodicTasks.last_update changes; signals do
    # not fire in migrations, so tell it here.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def schedule_operation(
    name: str,
    task: str,
    description: str,
    *,
    interval: dict[str, object] | None = None,
    crontab: dict[str, str] | None = None,
) -> migrations.RunPython:
    """The RunPython that schedules ``task`` as ``name`` every ``interval`` (IntervalSchedule
    fields) or on ``crontab`` (CrontabSchedule fields)."""
    if (interval is None) == (crontab is None):
        raise ValueError("give exactly one of interval= or crontab=")
    model, fields, kind = (
        ("IntervalSchedule", interval, "interval")
        if interval is not None
        else ("CrontabSchedule", crontab, "crontab")
    )

    def create(apps: object, schema_editor: object) -> None:
        Schedule = apps.get_model("django_celery_beat", model)
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        schedule = Schedule.objects.filter(**fields).order_by("pk").first()
        if schedule is None:
            schedule = Schedule.objects.create(**fields)
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": None,
                "crontab": None,
                "solar": None,
                "clocked": None,
                kind: schedule,
                "args": "[]",
                "kwargs": "{}",
                "enabled": True,
                "one_off": False,
                "description": description,
            },
        )
        _touch(apps)

    def delete(apps: object, schema_editor: object) -> None:
        Schedule = apps.get_model("django_celery_beat", model)
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        PeriodicTask.objects.filter(name=name).delete()
        Schedule.objects.filter(**fields, periodictask__isnull=True).delete()
        _touch(apps)

    return migrations.RunPython(create, delete)
