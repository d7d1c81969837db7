"""The front door's one table: a request to crawl a product on demand."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from analyze.querysets import DoorRequestQuerySet
from core.progress import JobStatus, ProgressRecord

ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class DoorFailure(models.TextChoices):
    """Why a crawl on demand failed (the progress page and the API say it in Korean)."""

    NOT_FOUND = "not_found", "다나와에 없는 상품"
    UNKNOWN_TEMPLATE = "unknown_template", "알 수 없는 페이지 구조"
    TIMEOUT = "timeout", "시간 초과"
    UNREACHABLE = "unreachable", "다나와 연결 실패"
    ROBOTS = "robots", "수집 금지 페이지"
    NOT_STORED = "not_stored", "저장 실패"
    CRASH = "crash", "예상하지 못한 오류"


class DoorRequest(ProgressRecord):
    """One crawl of a product page asked for at the front door (``analyze.crawl`` moves it
    queued → running → done or failed). At most one is active (queued or running) per pcode:
    everyone asking for that pcode meanwhile waits on the same crawl."""

    pcode = models.CharField("상품 코드", max_length=32)
    status = models.CharField(
        "상태", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    failure = models.CharField("실패 이유", max_length=32, choices=DoorFailure.choices, blank=True)
    message = models.CharField("안내 문구", max_length=500, blank=True)
    # the product as it was known when asked for (None: new to the catalog), or as crawled
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name="상품",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job = models.ForeignKey(
        "catalog.Job",
        verbose_name="수집 작업",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # ProgressRecord's fields with Korean names for the admin
    celery_task_id = models.CharField("Celery 작업 ID", max_length=64, blank=True)
    created_at = models.DateTimeField("요청 일시", auto_now_add=True)
    started_at = models.DateTimeField("시작 일시", null=True, blank=True)
    finished_at = models.DateTimeField("끝난 일시", null=True, blank=True)

    objects = DoorRequestQuerySet.as_manager()

    # One product page: its hard time limit is seconds (settings.DOOR_CRAWL_TIME_LIMIT_SECONDS).
    LEASE_SECONDS = 300

    class Meta(ProgressRecord.Meta):
        verbose_name = "상품 조회 요청"
        verbose_name_plural = "상품 조회 요청"
        constraints = [
            # two people asking for the same pcode at once start one crawl
            models.UniqueConstraint(
                fields=["pcode"],
                condition=Q(status__in=["queued", "running"]),
                name="doorrequest_one_active_per_pcode",
            ),
        ]
        indexes = [
            # DoorRequestQuerySet.latest_for(pcode): the status page and the door
            models.Index(fields=["pcode", "-created_at"], name="doorrequest_pcode_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.pcode} ({self.get_status_display()})"

    def lapse_fields(self, reason: str) -> dict[str, object]:
        return {"failure": DoorFailure.CRASH, "message": reason}

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
