"""Re-indexing asked for in admin: one ``IndexingRun`` at a time, on the ml queue, with its
progress recorded by the indexing service's progress callback."""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from catalog.services.jobs import mark_finished, mark_running, set_progress
from similarity import services
from similarity.models import (
    EmbeddingStatus,
    ImageEmbedding,
    IndexingRun,
    IndexingRunMode,
)

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key that serialises queue_reindex (any fixed 64-bit number).
REINDEX_QUEUE_LOCK = 0x5245494E444558  # "REINDEX"
# At most one progress write per this many seconds (the last batch is always written).
PROGRESS_EVERY_S = 1.0


class ReindexInProgress(Exception):
    def __init__(self, run: IndexingRun) -> None:
        super().__init__(f"다시 색인 #{run.pk}이(가) 이미 대기 중이거나 진행 중입니다")
        self.run = run


def queue_reindex(*, mode: str, requested_by: str = "") -> IndexingRun:
    """Create an IndexingRun for the active embedder and send ``reindex_images`` (ml queue)
    after commit. Raises ReindexInProgress while another run is queued or running; two
    requests at the same moment (two clicks) are serialised by an advisory lock."""
    if mode not in IndexingRunMode.values:
        raise ValueError(f"unknown re-index mode {mode!r}")
    from similarity.tasks import reindex_images

    embedder = services.active_embedder().key  # type: ignore[attr-defined]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REINDEX_QUEUE_LOCK])
        running = IndexingRun.objects.running().order_by("pk").first()
        if running is not None:
            raise ReindexInProgress(running)
        run = IndexingRun.objects.create(embedder=embedder, mode=mode, requested_by=requested_by)

        def send() -> None:
            result = reindex_images.delay(run_id=run.pk)
            IndexingRun.objects.filter(pk=run.pk).update(
                celery_task_id=str(getattr(result, "id", "") or "")
            )

        transaction.on_commit(send)
    return run


def reset_rows(embedder: str, mode: str) -> int:
    """Give rows their attempts back, as pending: the failed ones (``retry_failed``) or every
    row of ``embedder`` (``rebuild``; their vectors stay until embedded again, but searches
    skip them meanwhile). Returns the rows reset."""
    rows = ImageEmbedding.objects.filter(embedder=embedder)
    if mode == IndexingRunMode.RETRY_FAILED:
        rows = rows.filter(status=EmbeddingStatus.FAILED)
    return rows.update(
        status=EmbeddingStatus.PENDING, attempts=0, error="", updated_at=timezone.now()
    )


def run_reindex(run: IndexingRun) -> IndexingRun:
    """Run a queued IndexingRun: reset its rows, then embed every pending picture, recording
    progress on the run. A run already started or finished elsewhere is left alone."""
    if not mark_running(run):
        logger.info("indexing run %s is already %s", run.pk, run.status)
        return run
    try:
        active = services.active_embedder().key  # type: ignore[attr-defined]
        if active != run.embedder:
            mark_finished(
                run,
                failed=True,
                message=f"이 작업자의 활성 임베더({active})가 요청한 임베더({run.embedder})와 "
                "다릅니다. 가중치를 확인해 주세요.",
            )
            return run
        reset = reset_rows(run.embedder, run.mode)
        last = {"t": 0.0}

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last["t"] >= PROGRESS_EVERY_S or done >= total:
                last["t"] = now
                set_progress(run, done, total)

        report = services.index_images(progress=progress)
        message = f"색인 {report.indexed}장, 실패 {report.failed}장 ({report.seconds:.1f}s)"
        mark_finished(
            run,
            message=message,
            stats={
                "reset": reset,
                "queued": report.queued,
                "indexed": report.indexed,
                "failed": report.failed,
                "seconds": round(report.seconds, 1),
                "errors": report.errors[:50],
            },
        )
    except Exception as exc:
        logger.exception("indexing run %s failed", run.pk)
        mark_finished(run, failed=True, message=f"{type(exc).__name__}: {exc}")
        raise
    return run
