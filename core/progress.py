"""The states of a long job (``JobStatus``) and the abstract model of its progress
(``ProgressRecord``), shared by catalog's jobs, pricing's training runs, similarity's indexing
runs and the front door's crawl requests."""

from __future__ import annotations

from django.db import models

# The message of a running record whose worker stopped signalling (``catalog.services.jobs``'s
# sweep writes it, with the time of the last signal).
LAPSED_MESSAGE = "작업자가 응답하지 않아 중단됨 (마지막 신호 {last})"


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

    **Lease**: a running record is alive while its ``heartbeat_at`` (written when it starts and
    by every progress report) is younger than ``LEASE_SECONDS``; past it, the sweep
    (``catalog.services.jobs.sweep_lapsed``, every minute from beat) fails it with
    ``LAPSED_MESSAGE`` and sets ``lapsed_at``. A task redelivered after its worker died may take
    such a record back (``mark_running``): it then ends done after all.
    """

    # Longer than the longest silence between two progress reports of any of these jobs.
    LEASE_SECONDS = 600

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField("마지막 신호", null=True, blank=True)
    lapsed_at = models.DateTimeField("신호 끊김 일시", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def lapse_fields(self, reason: str) -> dict[str, object]:
        """The fields that carry ``reason`` when the sweep fails this record (its message)."""
        return {"message": reason} if hasattr(self, "message") else {}
