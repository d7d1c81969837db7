"""The lease sweep in django-celery-beat: every minute, task ``catalog.tasks.sweep_jobs`` fails the
running records whose worker stopped signalling (``catalog.services.sweep_lapsed``). The queue is
the default one. Idempotent and reversible (``core.beat_schedules``).
"""

from django.db import migrations

from core.beat_schedules import DEPENDENCY, schedule_operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_job_heartbeat"), DEPENDENCY]

    operations = [
        schedule_operation(
            "멈춘 작업 정리",
            "catalog.tasks.sweep_jobs",
            "작업자가 죽어 신호가 끊긴 실행 중 작업을 실패로 표시합니다.",
            interval={"every": 1, "period": "minutes"},
        )
    ]
