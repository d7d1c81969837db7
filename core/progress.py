"""The states of a long job (``JobStatus``) and the abstract model of its progress
(``ProgressRecord``), shared by catalog's jobs and pricing's training runs."""

from __future__ import annotations

from django.db import models


class JobStatus(models.TextChoices):
    """The one set of states every long job moves through: queued → running → done or failed
    (``catalog.services.jobs`` moves them)."""

    QUEUED = "queued", "대기"
    RUNNING = "running", "진행 중"
    DONE = "done", "완료"
    FAILED = "failed", "실패"


class ProgressRecord(models.Model):
    """A long job's progress, as catalog jobs and pricing training runs record it.

    Subclasses define ``status`` with ``JobStatus`` choices.
    """

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
